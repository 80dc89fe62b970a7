//! The one URL scanner of camplint: URL spans as twitter-text's extractor finds them (the
//! rules of its JS reference implementation), re-implemented as a linear scanner because
//! the original is a backtracking regex whose worst case is quadratic or worse on long
//! runs of `a.b.c.` text.
//!
//! Callers:
//! - the weighted length of an X post ([`crate::domain::text::tweet_length`], rule
//!   `length/tweet`): every URL counts 23, so the spans must match X's own library exactly
//!   (the official conformance cases in `tests/tweet_conformance.rs` hold it to that);
//! - the chat deep-link check ([`crate::domain::text::content::check_deeplinks`]): a URL
//!   whose host is `wa.me`, `api.whatsapp.com`, `x.com` ... is read further as a chat link;
//! - the phone finder ([`crate::domain::text::content::find_phones`]): digits in a word
//!   holding a URL belong to the link, not to a phone number.
//!
//! One scanner, so that "is this a link?" has one answer everywhere: a link X counts as
//! a URL is the link whose number the deep-link rule checks and whose digits the phone
//! rules leave alone, and a fix to the URL grammar reaches all three at once.
//!
//! Rules followed: a URL starts after a character that is not an ASCII letter or digit,
//! `@`, `＠`, `$`, `#`, `＃` (or at the start of the text); an optional `http://` or
//! `https://`; a domain whose last label is a known TLD (or `xn--` punycode) not followed by
//! `[0-9A-Za-z@+-]`; an optional `:port`, path and query whose trailing punctuation is left
//! out. A domain label longer than 63 characters once punycode-encoded, or a URL longer than
//! 4096 UTF-16 units, is no URL. Without a scheme only the ASCII part of the domain counts and
//! the URL must not follow `-`, `_`, `.` or `/`. `t.co` links stop after their slug.

use std::ops::Range;

mod chars;
mod host;
mod scanner;
mod tlds;

pub(crate) use chars::is_invalid_char;

/// One URL found in a text, split into its parts (all byte ranges into that text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// The whole URL as X counts it, scheme included.
    pub range: Range<usize>,
    /// The host (`wa.me`, `www.negozio.it`); starts at `range.start` when there is no scheme.
    pub host: Range<usize>,
    /// What follows the host and its `:port`: path and query (`/39333?text=ciao`), maybe empty.
    pub path: Range<usize>,
    /// Whether `http://` or `https://` was written in front of the host.
    pub has_protocol: bool,
}

/// Every URL in `text`, in order, as twitter-text finds them; one pass over the text.
pub fn scan_urls(text: &str) -> Vec<Url> {
    let mut out = Vec::new();
    // Every URL has a dot in its domain; most texts can stop here.
    if text.contains('.') {
        scanner::Scanner::new(text).run(&mut out);
    }
    out
}

/// Byte ranges of the URLs in `text`, in order, as twitter-text counts them.
pub fn find_urls(text: &str) -> Vec<Range<usize>> {
    scan_urls(text).into_iter().map(|u| u.range).collect()
}

/// The words (runs of non-whitespace) of `text` that a reader takes for a link: those
/// holding one of `urls` (the URLs of `text`, in order), and those with a `://` (any
/// scheme, `whatsapp://send?phone=…` too) or starting with `www.` after opening brackets
/// or markup, whose host X would not count (`https://shop.example/…`). In text order.
///
/// Only the words around a URL, a `://` or a `www.` are looked at: walking every word of
/// every draft was a tenth of checking 10,000 drafts, and most words are none of these.
pub fn link_words(text: &str, urls: &[Url]) -> Vec<Range<usize>> {
    let mut words = Vec::new();
    for url in urls {
        // A URL holds no whitespace, so this is one word; the loop keeps to "every word
        // the URL overlaps" whatever the scanner allows.
        let mut at = url.range.start;
        while at < url.range.end.min(text.len()) {
            let Some(word) = word_at(text, at) else {
                break;
            };
            at = next_word_start(text, word.end);
            words.push(word);
        }
    }
    for (at, _) in text.match_indices("://") {
        words.extend(word_at(text, at));
    }
    for (dot, _) in text.match_indices('.') {
        let www = dot
            .checked_sub(3)
            .and_then(|start| text.as_bytes().get(start..dot))
            .is_some_and(|w| w.eq_ignore_ascii_case(b"www"));
        if !www {
            continue;
        }
        if let Some(word) = word_at(text, dot) {
            let bare =
                text[word.clone()].trim_start_matches(['(', '<', '[', '"', '\'', '*', '_', '~']);
            if bare
                .get(..4)
                .is_some_and(|p| p.eq_ignore_ascii_case("www."))
            {
                words.push(word);
            }
        }
    }
    words.sort_by_key(|w| w.start);
    words.dedup();
    words
}

/// The word (run of non-whitespace) holding the byte at `at`; `None` when `at` is
/// whitespace, past the end or not at a character.
fn word_at(text: &str, at: usize) -> Option<Range<usize>> {
    let c = text.get(at..)?.chars().next()?;
    if c.is_whitespace() {
        return None;
    }
    let start = text[..at]
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = text[at..]
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map_or(text.len(), |(i, _)| at + i);
    Some(start..end)
}

/// The start of the next word at or after `at` (the end of the text when there is none).
fn next_word_start(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|rest| rest.char_indices().find(|(_, c)| !c.is_whitespace()))
        .map_or(text.len(), |(i, _)| at + i)
}

#[cfg(test)]
mod tests;
