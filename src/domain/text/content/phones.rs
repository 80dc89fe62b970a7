//! Phone numbers written in a draft's rendered text (SPEC 1.3, last bullet).
//!
//! A *run* is a sequence of ASCII digit groups joined by single separators (a space, a
//! no-break space, a dot or a hyphen), with an optional `+` in front. Whether a run is a
//! real number is the caller's validator's call; this module decides which stretches of
//! text are worth asking about.

use std::ops::Range;

use super::{char_at, char_before, deeplinks};
use crate::domain::text::urls::{link_words, scan_urls, Url};

/// The longest candidate worth validating: `00` plus the 15 digits E.164 allows.
const MAX_DIGITS: usize = 17;

/// How a phone candidate announces its country.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefix {
    /// Written with `+` (`+39 333 1234567`): international already.
    Plus,
    /// Written with the `00` international call prefix (`0039 333 1234567`).
    DoubleZero,
    /// No country prefix (`333 1234567`): read in the project's default region.
    None,
}

/// A stretch of text that looks like a phone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneCandidate<'a> {
    /// Byte range in the rendered text, including a leading `+`.
    pub range: Range<usize>,
    /// The text as written (`+39 333 123 4567`, `333.123.4567`).
    pub text: &'a str,
    /// How the country is given.
    pub prefix: Prefix,
}

impl PhoneCandidate<'_> {
    /// The ASCII digits of the candidate, without `+` and separators (`00` kept).
    pub fn digits(&self) -> String {
        self.text.chars().filter(char::is_ascii_digit).collect()
    }
}

/// One group of digits inside a run.
#[derive(Debug, Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
    /// The separator before this group is a space, so the group can start a number of its
    /// own; a dot or hyphen glues it to the previous group (`27.11.2026`, `9.30-13.00`).
    after_space: bool,
}

/// A maximal run and what its surroundings allow.
#[derive(Debug, Clone, Copy)]
struct Run {
    /// Start including a leading `+`.
    start: usize,
    /// The first group may start a number: nothing glued to its left.
    left_free: bool,
    /// The last group may end a number: nothing glued to its right.
    right_free: bool,
    /// Directly after `#`, `n.`, `P.IVA` ...: an identifier, never a phone.
    identifier: bool,
}

/// Labels after which a run is an identifier (order, VAT, tax code), compared
/// ASCII-case-insensitively and only at a word start.
const IDENTIFIER_LABELS: &[&str] = &[
    "codice fiscale",
    "cod. fisc.",
    "partita iva",
    "p. iva",
    "p.iva",
    "piva",
    "p.i.",
    "vat number",
    "vat no.",
    "vat",
    "c.f.",
    "cf",
    "nr.",
    "num.",
    "no.",
    "n.",
    "n°",
    "nº",
    "#",
];

fn is_space_like(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}')
}

fn is_currency(c: char) -> bool {
    matches!(c, '€' | '$' | '£')
}

/// Byte length of a group separator starting at `at`, if there is one.
fn separator_len(text: &str, at: usize) -> Option<(usize, bool)> {
    match char_at(text, at)? {
        ' ' | '\u{a0}' | '\u{202f}' => char_at(text, at).map(|c| (c.len_utf8(), true)),
        '.' | '-' => Some((1, false)),
        _ => None,
    }
}

/// Whether the character `c`, next to a run, glues the run to something that is not a
/// phone. `beyond` is the character on the far side of `c`.
fn glues(c: char, beyond: Option<char>) -> bool {
    // Letters and digits of any script, handles and e-mails (`@`, `_`), percentages and
    // prices; and another number joined by `,` `/` `:` (`19,90`, `27/11`, `9:30`).
    // `_` only when it joins a word (`@shop_333…`): alone it is WhatsApp italic markup.
    c.is_alphanumeric()
        || matches!(c, '@' | '%')
        || is_currency(c)
        || (matches!(c, ',' | '/' | ':') && beyond.is_some_and(|b| b.is_ascii_digit()))
        || (c == '_' && beyond.is_some_and(char::is_alphanumeric))
}

fn left_free(text: &str, start: usize) -> bool {
    let Some(c) = char_before(text, start) else {
        return true;
    };
    let beyond = char_before(text, start - c.len_utf8());
    if is_space_like(c) {
        // `€ 1.299.000`
        return !beyond.is_some_and(is_currency);
    }
    !glues(c, beyond)
}

fn right_free(text: &str, end: usize) -> bool {
    let Some(c) = char_at(text, end) else {
        return true;
    };
    let after = end + c.len_utf8();
    if is_space_like(c) {
        // `1.299.000 €`, `120 euro`, `20 %`
        let rest = text.get(after..).unwrap_or("");
        let word_len = rest
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len());
        let word = rest.get(..word_len).unwrap_or("");
        let currency_word = ["eur", "euro", "euros"]
            .iter()
            .any(|w| w.eq_ignore_ascii_case(word));
        return !(rest.starts_with(is_currency) || rest.starts_with('%') || currency_word);
    }
    !glues(c, char_at(text, after))
}

/// Whether the text before `start` ends with an identifier label (spaces and a colon
/// may sit between: `P.IVA: 01234567890`, `n. 100234567`, `#100234567`).
fn after_identifier_label(text: &str, start: usize) -> bool {
    let before = text
        .get(..start)
        .unwrap_or("")
        .trim_end_matches(|c: char| is_space_like(c) || c == ':');
    let bytes = before.as_bytes();
    IDENTIFIER_LABELS.iter().any(|label| {
        let Some(at) = bytes.len().checked_sub(label.len()) else {
            return false;
        };
        let matches = bytes
            .get(at..)
            .is_some_and(|tail| tail.eq_ignore_ascii_case(label.as_bytes()));
        let starts_word = !label.starts_with(|c: char| c.is_alphanumeric())
            || char_before(before, at).is_none_or(|c| !c.is_alphanumeric());
        matches && starts_word
    })
}

/// Spans where digits are never phones: words that are links (see
/// [`link_words`]) and chat deep links, whose numbers belong to `link/invalid-deeplink`.
/// `tel:` links are not excluded.
fn excluded_spans(text: &str, urls: &[Url]) -> Vec<Range<usize>> {
    let mut spans = deeplinks::chat_link_spans(text, urls);
    spans.extend(link_words(text, urls));
    spans.sort_by_key(|r| (r.start, r.end));
    spans
}

/// Calls `each` with every maximal run outside URLs and chat links (`urls`: the URLs of
/// `text`).
fn for_each_run(text: &str, urls: &[Url], mut each: impl FnMut(&Run, &[Group])) {
    let excluded = excluded_spans(text, urls);
    let mut next_excluded = 0;
    let bytes = text.as_bytes();
    let mut groups: Vec<Group> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
            continue;
        }
        groups.clear();
        let mut j = i;
        let mut after_space = false;
        loop {
            let group_start = j;
            while bytes.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            groups.push(Group {
                start: group_start,
                end: j,
                after_space,
            });
            match separator_len(text, j) {
                Some((len, space)) if bytes.get(j + len).is_some_and(u8::is_ascii_digit) => {
                    after_space = space;
                    j += len;
                }
                _ => break,
            }
        }
        let end = j;
        let plus = i > 0 && bytes.get(i - 1) == Some(&b'+');
        let start = if plus { i - 1 } else { i };

        while excluded.get(next_excluded).is_some_and(|r| r.end <= start) {
            next_excluded += 1;
        }
        let inside_excluded = excluded
            .get(next_excluded)
            .is_some_and(|r| r.start <= start);
        if !inside_excluded {
            let run = Run {
                start,
                left_free: left_free(text, start),
                right_free: right_free(text, end),
                identifier: after_identifier_label(text, start),
            };
            each(&run, &groups);
        }
        i = end.max(i + 1);
    }
}

fn candidate(text: &str, range: Range<usize>) -> Option<PhoneCandidate<'_>> {
    let written = text.get(range.clone())?;
    let prefix = if written.starts_with('+') {
        Prefix::Plus
    } else if written.starts_with("00") {
        Prefix::DoubleZero
    } else {
        Prefix::None
    };
    Some(PhoneCandidate {
        range,
        text: written,
        prefix,
    })
}

/// Maximal digit runs that could be phone numbers, before any validity check.
///
/// A run is kept when nothing glues it to its surroundings (see [`find_phones`]) and it
/// does not follow an identifier label. Runs that are too long are kept too: this is the
/// raw material; [`find_phones`] is what rules should use, because it also finds a valid
/// number inside a run that swallowed a neighbour.
pub fn find_phone_candidates(text: &str) -> Vec<PhoneCandidate<'_>> {
    let mut out = Vec::new();
    for_each_run(text, &scan_urls(text), |run, groups| {
        if run.identifier || !run.left_free || !run.right_free {
            return;
        }
        if let Some(last) = groups.last() {
            out.extend(candidate(text, run.start..last.end));
        }
    });
    out
}

/// Phone numbers in `text`: the runs (or parts of runs) that `is_valid` accepts.
///
/// Semantics, following SPEC 1.3:
/// - a run is ASCII digit groups joined by single spaces, no-break spaces, dots or
///   hyphens, with an optional `+` directly in front; `00…` is reported as
///   [`Prefix::DoubleZero`];
/// - a run must not touch letters or digits of any script, `_` or `@` (handles,
///   e-mails), `%` or a currency sign (also across one space: `€ 1.299`, `120 euro`),
///   nor another number through `,` `/` `:` (`19,90`, `27/11/2026`, `9:30`); `tel:` in
///   front is fine (`tel:3331234567`);
/// - a run directly after `#`, `n.`, `nr.`, `no.`, `n°`, `P.IVA`, `Partita IVA`, `VAT`,
///   `C.F.`, `codice fiscale` (and a few spellings of those) is an identifier: none of it
///   is a phone;
/// - digits in a word that is a link (`https://…`, `www.…`, `negozio.it/…`, any `…://…`)
///   and in chat deep links (`wa.me/…`, `api.whatsapp.com/send?phone=…`) are never
///   phones: the deep-link rule owns those;
/// - `is_valid` receives the candidate text as written (with `+`, separators). The whole
///   run is tried first; if rejected, sub-runs split only at spaces are tried, left to
///   right, longest first, so `2026 333 1234567` yields `333 1234567` while a dotted or
///   hyphenated run (`27.11.2026`) is never split. Candidates over 17 digits are not
///   offered to `is_valid`.
///
/// Results are in text order and do not overlap.
pub fn find_phones<'a>(text: &'a str, is_valid: impl Fn(&str) -> bool) -> Vec<PhoneCandidate<'a>> {
    read_phones(text, |s| is_valid(s).then_some(()))
        .into_iter()
        .map(|(found, ())| found)
        .collect()
}

/// [`find_phones`] that keeps what `read` made of each number it accepted (`Some` for a
/// valid number), so a rule that needs the reading does not read the number again.
pub fn read_phones<'a, T>(
    text: &'a str,
    read: impl Fn(&str) -> Option<T>,
) -> Vec<(PhoneCandidate<'a>, T)> {
    read_phones_in(text, &scan_urls(text), read)
}

/// [`read_phones`] given the URLs of `text` as [`scan_urls`] finds them (a rendered part
/// keeps its own: [`crate::domain::render::Rendered::urls`]).
pub fn read_phones_in<'a, T>(
    text: &'a str,
    urls: &[Url],
    read: impl Fn(&str) -> Option<T>,
) -> Vec<(PhoneCandidate<'a>, T)> {
    let mut out = Vec::new();
    for_each_run(text, urls, |run, groups| {
        if run.identifier {
            return;
        }
        let mut i = 0;
        while i < groups.len() {
            if let Some((last, found)) = longest_valid_from(text, run, groups, i, &read) {
                out.push(found);
                i = last + 1;
            } else {
                i += 1;
            }
        }
    });
    out
}

/// The longest valid candidate made of groups `first..=last` for some `last`, with its
/// reading.
fn longest_valid_from<'a, T>(
    text: &'a str,
    run: &Run,
    groups: &[Group],
    first: usize,
    read: &impl Fn(&str) -> Option<T>,
) -> Option<(usize, (PhoneCandidate<'a>, T))> {
    let head = groups.get(first)?;
    let start_free = if first == 0 {
        run.left_free
    } else {
        head.after_space
    };
    if !start_free {
        return None;
    }
    let start = if first == 0 { run.start } else { head.start };
    let mut digits = 0;
    let mut widest = None;
    for (last, group) in groups.iter().enumerate().skip(first) {
        digits += group.end - group.start;
        if digits > MAX_DIGITS {
            break;
        }
        widest = Some(last);
    }
    let widest = widest?;
    (first..=widest).rev().find_map(|last| {
        let end_free = match groups.get(last + 1) {
            Some(next) => next.after_space,
            None => run.right_free,
        };
        if !end_free {
            return None;
        }
        let end = groups.get(last)?.end;
        let found = candidate(text, start..end)?;
        let reading = read(found.text)?;
        Some((last, (found, reading)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stand-in for libphonenumber: 9 to 11 national digits starting with 3 or 0, or
    /// that after `+39`/`0039`.
    fn fake_valid(s: &str) -> bool {
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        let national = if s.starts_with('+') {
            match digits.strip_prefix("39") {
                Some(n) => n,
                None => return false,
            }
        } else if let Some(n) = digits.strip_prefix("0039") {
            n
        } else {
            &digits
        };
        (9..=11).contains(&national.len()) && national.starts_with(['3', '0'])
    }

    fn phones(text: &str) -> Vec<(&str, Prefix)> {
        find_phones(text, fake_valid)
            .into_iter()
            .map(|p| (p.text, p.prefix))
            .collect()
    }

    #[test]
    fn finds_written_numbers() {
        use Prefix::*;
        let cases: &[(&str, &[(&str, Prefix)])] = &[
            ("chiama il 333 1234567!", &[("333 1234567", None)]),
            ("333.123.4567", &[("333.123.4567", None)]),
            ("tel. 333-123-4567.", &[("333-123-4567", None)]),
            ("Tel.3331234567", &[("3331234567", None)]),
            ("333 1234567 europa", &[("333 1234567", None)]),
            ("ufficio: 02 1234 5678", &[("02 1234 5678", None)]),
            ("0039 333 1234567", &[("0039 333 1234567", DoubleZero)]),
            ("call +39 333 1234567", &[("+39 333 1234567", Plus)]),
            ("(+393331234567)", &[("+393331234567", Plus)]),
            ("chiama (tel:3331234567)", &[("3331234567", None)]),
            ("_chiama il 333 1234567_", &[("333 1234567", None)]),
            ("*333 1234567*", &[("333 1234567", None)]),
            ("tel:+393331234567", &[("+393331234567", Plus)]),
            ("333\u{a0}1234567", &[("333\u{a0}1234567", None)]),
            (
                "chiama 02 1234 5678 o 333 1234567",
                &[("02 1234 5678", None), ("333 1234567", None)],
            ),
            (
                "02 1234 5678 333 1234567",
                &[("02 1234 5678", None), ("333 1234567", None)],
            ),
            ("dal 2026 333 1234567", &[("333 1234567", None)]),
            ("BF26 333 1234567", &[("333 1234567", None)]),
            ("ore 9:30 333 1234567", &[("333 1234567", None)]),
        ];
        for (text, expected) in cases {
            assert_eq!(&phones(text), expected, "{text}");
        }
    }

    #[test]
    fn ignores_non_phones() {
        let texts = [
            "il 27/11/2026",
            "il 27.11.2026",
            "il 2026-11-27",
            "solo € 19,90",
            "solo 19.90",
            "ordine #100234567",
            "ordine #0212345678",
            "# 3331234567",
            "ordine n. 100234567",
            "ordine n.3331234567",
            "ordine nr. 3331234567",
            "aperti 9:30-13:00",
            "aperti 9.30-13.00",
            "P.IVA 01234567890",
            "p.iva: 01234567890",
            "Partita IVA 01234567890",
            "VAT 01234567890",
            "C.F. 01234567890",
            "codice fiscale 01234567890",
            "codice BF26",
            "sconto del 20%",
            "nel 2026",
            "20121 Milano",
            "€ 0333.123.456",
            "0333123456 €",
            "0333123456 euro",
            "0333123456 EUR.",
            "03331234567%",
            "ABC3331234567",
            "3331234567abc",
            "13331234567",
            "@shop_3331234567",
            "3331234567@example.com",
            "1,3331234567",
            "https://shop.example/p/3331234567",
            "www.shop.example/3331234567",
            "https://wa.me/393331234567",
            "wa.me/+39 333 1234567",
            "https://api.whatsapp.com/send?phone=39 333 1234567&text=ciao",
        ];
        for text in texts {
            assert_eq!(phones(text), [], "{text}");
        }
    }

    #[test]
    fn candidates_are_maximal_runs() {
        let found: Vec<_> = find_phone_candidates("a 2026 333 1234567, 27.11.2026 P.IVA 0123")
            .into_iter()
            .map(|c| c.text)
            .collect();
        assert_eq!(found, ["2026 333 1234567", "27.11.2026"]);
        let c = find_phone_candidates("x +39 333 1234567");
        assert_eq!(c.first().map(|c| c.range.clone()), Some(2..17));
        assert_eq!(
            c.first().map(PhoneCandidate::digits).as_deref(),
            Some("393331234567")
        );
    }

    #[test]
    fn long_runs_stay_linear() {
        let text = "1 ".repeat(50_000);
        let calls = std::cell::Cell::new(0usize);
        let found = find_phones(&text, |s| {
            calls.set(calls.get() + 1);
            fake_valid(s)
        });
        assert!(found.is_empty());
        assert!(calls.get() <= 50_000 * MAX_DIGITS);
    }
}
