//! What makes two findings the same finding, on two sides of a change or in two runs.
//!
//! A finding is identified by its rule, its file, the text under its span (not the line:
//! lines move) and what the message says it is about, with the counts taken out: a
//! consent finding by the send and the audience, a frequency finding by the send, the
//! channel and the cap, a phone cell by the number, a draft finding by the draft and the
//! words it is about. The same identity, hashed, is the SARIF `partialFingerprints` and
//! the GitLab `fingerprint`, so dashboards track what `--base` matches.

use std::collections::BTreeMap;

use crate::base::diagnostic::Diagnostic;
use crate::project::Project;

/// 128-bit FNV-1a as 32 hex digits: tiny, fixed by its definition (so stable across
/// Rust versions and platforms, unlike `std`'s hashers), and long enough that distinct
/// findings do not collide in practice. Not cryptographic, and need not be.
pub fn fnv1a_128(parts: &[&[u8]]) -> String {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut h = OFFSET;
    for part in parts {
        // The length first, so ("ab", "c") and ("a", "bc") hash differently.
        for b in (part.len() as u64).to_le_bytes().iter().chain(part.iter()) {
            h ^= u128::from(*b);
            h = h.wrapping_mul(PRIME);
        }
    }
    format!("{h:032x}")
}

/// The identity of a finding, before hashing: rule, file, anchor text, subject.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// The rule code.
    pub rule: &'static str,
    /// The file, root-relative (on the base side, under its name in the working tree).
    pub path: String,
    /// The text under the span, with runs of white space made one space.
    pub anchor: String,
    /// What the finding is about, from its message, without counts, rows or dates.
    pub subject: String,
}

impl Key {
    /// The key of `d` in `project`, with `path` as the file's name and `message` as its
    /// message (both possibly renamed on the base side).
    pub fn of(project: &Project, d: &Diagnostic, path: &str, message: &str) -> Key {
        let text = project.text(d.file);
        let anchor = text
            .get(d.span.clone())
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        Key {
            rule: d.rule.code,
            path: path.to_string(),
            anchor,
            subject: subject(d.rule.code, message),
        }
    }

    /// The fingerprint of the `n`-th finding (from 0) with this key in a report.
    pub fn fingerprint(&self, n: u64) -> String {
        fnv1a_128(&[
            self.rule.as_bytes(),
            self.path.as_bytes(),
            self.anchor.as_bytes(),
            self.subject.as_bytes(),
            &n.to_le_bytes(),
        ])
    }
}

/// The keys of a report's findings, each with its rank among findings of the same key.
pub fn keys(project: &Project, diagnostics: &[Diagnostic]) -> Vec<(Key, u64)> {
    let mut seen: BTreeMap<Key, u64> = BTreeMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let key = Key::of(project, d, &project.sources.get(d.file).path, &d.message);
            let n = seen.entry(key.clone()).or_insert(0);
            let rank = *n;
            *n += 1;
            (key, rank)
        })
        .collect()
}

/// One fingerprint per finding, in order (for SARIF and GitLab).
pub fn fingerprints(project: &Project, diagnostics: &[Diagnostic]) -> Vec<String> {
    keys(project, diagnostics)
        .into_iter()
        .map(|(k, n)| k.fingerprint(n))
        .collect()
}

/// The names between backticks: audiences, campaigns, codes, attachments.
fn quoted(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).collect()
}

/// The part of a message that says what the finding is about, per rule family.
fn subject(rule: &str, message: &str) -> String {
    let names = quoted(message).join("\u{1f}");
    match rule {
        // A send's consent finding: the send is the anchor, the audience is named; the
        // wording ("All 12", "12 of the 40", "The only") follows the counts.
        "consent/missing" | "consent/withdrawn" | "consent/expired"
            if message.contains("audience `") =>
        {
            names
        }
        // The channel and the cap, not how many people or messages.
        "frequency/cap-exceeded" => {
            let cap = message
                .split_once(" within ")
                .map(|(_, rest)| rest.split(';').next().unwrap_or(rest))
                .unwrap_or("");
            let channel = message
                .split_once(" within ")
                .map(|(before, _)| words_after_count(before))
                .unwrap_or_default();
            format!("{names}\u{1f}{channel}\u{1f}{cap}")
        }
        "frequency/quiet-hours" => {
            let window = message
                .split_once("quiet hours ")
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .unwrap_or("");
            format!("{names}\u{1f}{window}")
        }
        "broadcast/too-many-recipients" => names,
        _ => without_counts(message),
    }
}

/// "4 WhatsApp marketing messages" → "WhatsApp marketing messages": the words after the
/// last number.
fn words_after_count(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let from = words
        .iter()
        .rposition(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .map_or(0, |i| i + 1);
    words[from..].join(" ")
}

/// The message with every count, row number, date and time made `#`. Names between
/// backticks and phone numbers written with `+` stay: they say what the finding is about.
pub fn without_counts(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut in_quote = false;
    let mut chars = message.chars().peekable();
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        if c == '`' {
            in_quote = !in_quote;
        }
        if !in_quote && c.is_ascii_digit() && prev != '+' {
            // A number with its separators ("1,552", "10:00", "2026-11-27") is one `#`.
            while chars
                .peek()
                .is_some_and(|n| n.is_ascii_digit() || matches!(n, ',' | '.' | ':' | '-'))
            {
                let n = chars.next().unwrap_or(' ');
                prev = n;
            }
            // A trailing separator was punctuation, not part of the number.
            if matches!(prev, ',' | '.' | ':' | '-') {
                out.push('#');
                out.push(prev);
            } else {
                out.push('#');
            }
            prev = '#';
            continue;
        }
        if !in_quote && c.is_ascii_digit() {
            // The digits of a `+` phone number are kept whole.
            out.push(c);
            while let Some(&n) = chars.peek() {
                if !n.is_ascii_digit() {
                    break;
                }
                out.push(n);
                chars.next();
            }
            prev = '0';
            continue;
        }
        out.push(c);
        prev = c;
    }
    out
}

/// How many people, sends or items a finding is about: the first count in its message
/// (not a row, post or line number, a date, a time or a phone number).
pub fn magnitude(message: &str) -> Option<u64> {
    first_count(message).map(|(n, _)| n)
}

/// The first count and the text after it.
fn first_count(message: &str) -> Option<(u64, &str)> {
    let lower = message.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut i = 0;
    let mut in_quote = false;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'`' {
            in_quote = !in_quote;
            i += 1;
            continue;
        }
        if in_quote || !b.is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b',') {
            if bytes[i] == b',' && !bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
                break;
            }
            i += 1;
        }
        let before = &lower[..start];
        let after = bytes.get(i).copied().unwrap_or(b' ');
        let is_position = ["row ", "rows ", "line ", "post ", "number "]
            .iter()
            .any(|w| before.ends_with(w));
        let glued = matches!(after, b'-' | b':' | b'/' | b'.')
            || before.ends_with(['+', '-', ':', '/', '.', '@']);
        if !is_position && !glued {
            // ASCII lowering keeps byte offsets, so `i` indexes the original too.
            let n = lower[start..i].replace(',', "").parse().ok()?;
            return Some((n, message.get(i..).unwrap_or("")));
        }
    }
    if lower.starts_with("the only ") {
        return Some((1, message.get("the only".len()..).unwrap_or("")));
    }
    None
}

/// The noun a message counts, in the words a marketer uses ("people" for recipients);
/// empty when the message counts something else.
pub fn unit(message: &str) -> &'static str {
    let Some((n, rest)) = first_count(message) else {
        return "";
    };
    // "12 of the 40 recipients": the noun comes after the total.
    let noun = rest
        .split_whitespace()
        .find(|w| {
            !matches!(*w, "of" | "the") && !w.chars().next().is_some_and(|c| c.is_ascii_digit())
        })
        .unwrap_or("");
    let one = n == 1;
    match noun.trim_end_matches([',', ';']) {
        "recipient" | "recipients" => {
            if one {
                "person"
            } else {
                "people"
            }
        }
        "send" | "sends" => {
            if one {
                "send"
            } else {
                "sends"
            }
        }
        "contact" | "contacts" => {
            if one {
                "contact"
            } else {
                "contacts"
            }
        }
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_its_definition_and_separates_parts() {
        // The FNV-1a 128-bit hash of no input is its offset basis.
        assert_eq!(fnv1a_128(&[]), "6c62272e07bb014262b821756295c58d");
        assert_ne!(fnv1a_128(&[b"ab", b"c"]), fnv1a_128(&[b"a", b"bc"]));
        assert_eq!(fnv1a_128(&[b"x"]), fnv1a_128(&[b"x"]));
    }

    #[test]
    fn counts_go_names_and_phones_stay() {
        assert_eq!(
            without_counts("row 12: the grant of +393331234567 has no source, 1,552 left."),
            "row #: the grant of +393331234567 has no source, # left."
        );
        assert_eq!(
            without_counts("code `BF2026` on 2026-11-27 10:00 CET"),
            "code `BF2026` on # # CET"
        );
    }

    #[test]
    fn the_same_send_and_audience_is_one_consent_finding() {
        let a = subject(
            "consent/missing",
            "All 12 recipients of audience `vip` have no valid consent",
        );
        let b = subject(
            "consent/missing",
            "12 of the 40 recipients of audience `vip` have no valid consent",
        );
        assert_eq!(a, b);
        let cap = subject(
            "frequency/cap-exceeded",
            "3 recipients of `vip` would get 4 WhatsApp marketing messages within 7 days, over the cap of 3 per week; first with this send on 2026-11-27: a, b",
        );
        assert_eq!(
            cap,
            "vip\u{1f}WhatsApp marketing messages\u{1f}7 days, over the cap of 3 per week"
        );
    }

    #[test]
    fn magnitude_is_the_first_count() {
        assert_eq!(
            magnitude("All 1,552 recipients of audience `vip`"),
            Some(1552)
        );
        assert_eq!(magnitude("12 of the 40 recipients"), Some(12));
        assert_eq!(magnitude("The only recipient of audience `a`"), Some(1));
        assert_eq!(
            magnitude("this marketing send starts at 2026-11-27 22:00 CET for the 5 recipients"),
            Some(5)
        );
        assert_eq!(magnitude("row 14: the grant of +39333 has no source"), None);
        assert_eq!(unit("12 of the 40 recipients of `vip`"), "people");
        assert_eq!(unit("The only recipient of audience `a`"), "person");
        assert_eq!(unit("3 of the 6 sends of this entry start inside"), "sends");
    }
}
