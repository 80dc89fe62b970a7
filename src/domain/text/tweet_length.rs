//! Weighted length of an X (Twitter) post by twitter-text v3 rules, for `length/tweet`.
//!
//! The text is NFC-normalised first. Every URL counts [`TRANSFORMED_URL_LENGTH`] whatever its
//! length; an emoji sequence (ZWJ sequences, skin tones, flags, keycaps, tag sequences)
//! counts 2; any other code point counts 1 inside U+0000–U+10FF, U+2000–U+200D,
//! U+2010–U+201F, U+2032–U+2037 and 2 elsewhere. U+FFFE, U+FEFF and U+FFFF make a post
//! invalid, and so does an empty one.

use std::borrow::Cow;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
use unicode_properties::emoji::{
    is_regional_indicator, is_tag_character, is_zwj, EmojiStatus, UnicodeEmoji,
};

pub use crate::domain::text::urls::find_urls;
use crate::domain::text::urls::{is_invalid_char, scan_urls, Url};

/// Highest weighted length a post may have.
pub const MAX_TWEET_WEIGHTED_LENGTH: usize = 280;
/// Weight of every URL, whatever its length (the length of a t.co link).
pub const TRANSFORMED_URL_LENGTH: usize = 23;

/// Weighted length of one post and where it goes over the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TweetLength {
    /// Weighted length by twitter-text v3 rules.
    pub weighted: usize,
    /// Whether X would accept the text: 1..=280 weighted, no U+FFFE/U+FEFF/U+FFFF.
    pub valid: bool,
    /// Byte offset in the input of the first character (or URL, or emoji sequence) whose
    /// weight takes the running total past 280. When NFC changed the text there, this is
    /// the start of the smallest input stretch that normalises on its own (a base character
    /// with its combining marks), so it always falls on a character boundary of the input.
    pub over_limit_at: Option<usize>,
}

/// Weight of a single code point outside URLs and emoji.
pub fn char_weight(c: char) -> usize {
    match u32::from(c) {
        0..=0x10FF | 0x2000..=0x200D | 0x2010..=0x201F | 0x2032..=0x2037 => 1,
        _ => 2,
    }
}

/// Weighted length of `text` by twitter-text v3 rules.
pub fn weighted_length(text: &str) -> TweetLength {
    weighted(text, None)
}

/// [`weighted_length`] given the URLs of `text` as [`scan_urls`] finds them (a rendered
/// part keeps its own: [`crate::domain::render::Rendered::urls`]); they are scanned
/// again when normalising changes the text.
pub fn weighted_length_in(text: &str, urls_of_text: &[Url]) -> TweetLength {
    weighted(text, Some(urls_of_text))
}

/// The weighted length, with the URLs of `text` when the caller has them: they hold for
/// the normalised text only when normalising left it as it was; otherwise it is scanned.
fn weighted(text: &str, urls_of_text: Option<&[Url]>) -> TweetLength {
    let normalized = Normalized::new(text);
    let s = normalized.text.as_ref();
    let scanned;
    let urls: &[Url] = match (&normalized.text, urls_of_text) {
        (Cow::Borrowed(_), Some(urls)) => urls,
        _ => {
            scanned = scan_urls(s);
            &scanned
        }
    };
    let mut next_url = 0;
    let mut weighted = 0usize;
    let mut has_invalid = false;
    let mut over_limit_at = None;
    let mut i = 0;
    while let Some(c) = s.get(i..).and_then(|rest| rest.chars().next()) {
        while urls.get(next_url).is_some_and(|u| u.range.start < i) {
            next_url += 1;
        }
        let (weight, next) = match urls.get(next_url).filter(|u| u.range.start == i) {
            Some(url) => (TRANSFORMED_URL_LENGTH, url.range.end),
            None => match emoji_end(s, i) {
                Some(end) => (2, end),
                None => {
                    has_invalid |= is_invalid_char(c);
                    (char_weight(c), i + c.len_utf8())
                }
            },
        };
        weighted += weight;
        if over_limit_at.is_none() && weighted > MAX_TWEET_WEIGHTED_LENGTH {
            over_limit_at = Some(normalized.input_offset(i));
        }
        // Every entity ends on a character boundary after `i`; the max guards the loop anyway.
        i = next.max(i + c.len_utf8());
    }
    TweetLength {
        weighted,
        valid: !has_invalid && weighted > 0 && weighted <= MAX_TWEET_WEIGHTED_LENGTH,
        over_limit_at,
    }
}

/// NFC text plus the way back to input offsets.
struct Normalized<'a> {
    text: Cow<'a, str>,
    /// `(normalised start, input start)` of each stretch normalised on its own; empty when
    /// the input already was NFC.
    segments: Vec<(usize, usize)>,
}

impl<'a> Normalized<'a> {
    fn new(input: &'a str) -> Self {
        if is_nfc_quick(input.chars()) == IsNormalized::Yes {
            return Normalized {
                text: Cow::Borrowed(input),
                segments: Vec::new(),
            };
        }
        // A starter that NFC leaves alone can neither compose with what precedes it nor be
        // reordered past it, so normalising the stretches between such characters one by one
        // gives the same string as normalising the whole, and keeps a map back to the input.
        let mut text = String::with_capacity(input.len());
        let mut segments = Vec::new();
        let mut seg_start = 0;
        for (i, c) in input.char_indices() {
            if i > seg_start && is_nfc_boundary_before(c) {
                segments.push((text.len(), seg_start));
                text.extend(input.get(seg_start..i).unwrap_or("").nfc());
                seg_start = i;
            }
        }
        segments.push((text.len(), seg_start));
        text.extend(input.get(seg_start..).unwrap_or("").nfc());
        Normalized {
            text: Cow::Owned(text),
            segments,
        }
    }

    fn input_offset(&self, normalized: usize) -> usize {
        if self.segments.is_empty() {
            return normalized;
        }
        let k = self.segments.partition_point(|&(n, _)| n <= normalized);
        self.segments
            .get(k.saturating_sub(1))
            .map_or(0, |&(_, input)| input)
    }
}

fn is_nfc_boundary_before(c: char) -> bool {
    canonical_combining_class(c) == 0 && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes
}

fn is_emoji_presentation(status: EmojiStatus) -> bool {
    matches!(
        status,
        EmojiStatus::EmojiPresentation
            | EmojiStatus::EmojiPresentationAndModifierBase
            | EmojiStatus::EmojiPresentationAndEmojiComponent
            | EmojiStatus::EmojiPresentationAndModifierAndEmojiComponent
    )
}

fn is_modifier_base(status: EmojiStatus) -> bool {
    matches!(
        status,
        EmojiStatus::EmojiModifierBase | EmojiStatus::EmojiPresentationAndModifierBase
    )
}

fn is_skin_tone(c: char) -> bool {
    matches!(c, '\u{1F3FB}'..='\u{1F3FF}')
}

/// End of the emoji sequence starting at byte `i` of `s`, if one starts there.
///
/// A character with the Emoji property counts as emoji when it defaults to emoji
/// presentation or is followed by U+FE0F, a skin tone, tag characters or a ZWJ and another
/// emoji; bare text-style symbols such as `©` or digits keep their plain weight, as in
/// twitter-text.
fn emoji_end(s: &str, i: usize) -> Option<usize> {
    let rest = s.get(i..)?;
    let mut chars = rest.char_indices().peekable();
    let (_, first) = chars.next()?;
    let at = |k: usize| rest.get(k..).and_then(|r| r.chars().next());
    if is_regional_indicator(first) {
        let second = first.len_utf8();
        let end = match at(second) {
            Some(c) if is_regional_indicator(c) => second + c.len_utf8(),
            _ => second,
        };
        return Some(i + end);
    }
    if matches!(first, '0'..='9' | '#' | '*') {
        let mut k = 1;
        if at(k) == Some('\u{FE0F}') {
            k += 3;
        }
        return (at(k) == Some('\u{20E3}')).then_some(i + k + 3);
    }
    // In ASCII only `#`, `*` and the digits (handled above) have the Emoji property:
    // the table lookups are kept for the rest, which in a post is nearly every letter.
    if first.is_ascii() || !first.is_emoji_char() {
        return None;
    }
    let mut status = first.emoji_status();
    let mut qualified = is_emoji_presentation(status);
    let mut k = first.len_utf8();
    loop {
        match at(k) {
            Some('\u{FE0F}') => {
                qualified = true;
                k += 3;
            }
            Some('\u{20E3}') => {
                qualified = true;
                k += 3;
            }
            Some(c) if is_skin_tone(c) && is_modifier_base(status) => {
                qualified = true;
                k += c.len_utf8();
            }
            Some(c) if is_tag_character(c) => {
                qualified = true;
                k += c.len_utf8();
            }
            Some(c) if is_zwj(c) => match at(k + c.len_utf8()) {
                Some(next) if next.is_emoji_char() && !is_skin_tone(next) => {
                    qualified = true;
                    status = next.emoji_status();
                    k += c.len_utf8() + next.len_utf8();
                }
                _ => break,
            },
            _ => break,
        }
    }
    qualified.then_some(i + k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn len(text: &str) -> usize {
        weighted_length(text).weighted
    }

    #[test]
    fn boundary_280_and_281() {
        let at_limit = "a".repeat(280);
        let r = weighted_length(&at_limit);
        assert_eq!((r.weighted, r.valid, r.over_limit_at), (280, true, None));
        let over = "a".repeat(281);
        let r = weighted_length(&over);
        assert_eq!(
            (r.weighted, r.valid, r.over_limit_at),
            (281, false, Some(280))
        );
        // A weight-2 character straddling the limit is where the excess starts.
        let straddle = format!("{}你", "a".repeat(279));
        let r = weighted_length(&straddle);
        assert_eq!((r.weighted, r.over_limit_at), (281, Some(279)));
    }

    #[test]
    fn italian_accents_weigh_one() {
        assert_eq!(len("Perché così è più già"), 21);
        // Decomposed accents normalise to one character each.
        assert_eq!(len("Perche\u{301} cosi\u{300}"), 11);
    }

    #[test]
    fn emoji_sequences_weigh_two() {
        assert_eq!(len("👍🏽"), 2);
        assert_eq!(len("👨\u{200D}👩\u{200D}👧\u{200D}👦"), 2);
        assert_eq!(len("🇮🇹"), 2);
        assert_eq!(len("1\u{FE0F}\u{20E3}"), 2);
        assert_eq!(len("❤\u{FE0F}"), 2);
        assert_eq!(len("Saldi 🔥🔥"), 10);
        // Text-style symbols keep their plain weight.
        assert_eq!(len("© 2024"), 6);
        assert_eq!(len("©\u{FE0F}"), 2);
    }

    #[test]
    fn urls_count_23() {
        let url = "https://www.negozio-di-esempio.it/collezione/autunno-inverno?utm=x";
        assert!(url.len() > 23);
        assert_eq!(len(&format!("Guarda {url}")), 7 + 23);
        assert_eq!(len("negozio.it/saldi"), 23);
        assert_eq!(len("Saldi su negozio.it/saldi!"), 9 + 23 + 1);
    }

    #[test]
    fn cjk_weighs_two() {
        assert_eq!(len("東京で会いましょう"), 18);
        assert_eq!(len("한국어"), 6);
    }

    #[test]
    fn invalid_code_points() {
        for bad in ["a\u{FFFE}", "\u{FEFF}ciao", "ciao\u{FFFF}"] {
            let r = weighted_length(bad);
            assert!(!r.valid, "{bad:?}");
        }
        assert!(!weighted_length("").valid);
        assert!(weighted_length("ciao").valid);
    }

    #[test]
    fn over_limit_maps_back_through_normalisation() {
        // 279 decomposed "è" (2 code points each in the input) then "xx".
        let text = format!("{}xx", "e\u{300}".repeat(279));
        let r = weighted_length(&text);
        assert_eq!(r.weighted, 281);
        assert_eq!(r.over_limit_at, Some(279 * 3 + 1));
        // Excess starting inside a changed stretch points at its start.
        let text = format!("{}e\u{300}", "a".repeat(280));
        assert_eq!(weighted_length(&text).over_limit_at, Some(280));
    }

    #[test]
    fn large_inputs_stay_linear() {
        let inputs = [
            ".".repeat(100_000),
            "a".repeat(100_000),
            "a.b.c.".repeat(17_000),
            "a.".repeat(50_000),
            "http://a.b.c.".repeat(8_000),
            "あ".repeat(34_000),
            "a_b-".repeat(25_000) + ".com",
            "(".repeat(50_000) + "http://x.com/" + &"(".repeat(50_000),
        ];
        for input in &inputs {
            let r = weighted_length(input);
            assert!(r.weighted > 280);
            assert!(r.over_limit_at.is_some());
        }
    }
}
