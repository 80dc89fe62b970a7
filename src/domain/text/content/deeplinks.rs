//! Chat deep links in a draft's rendered text: `wa.me`, `api.whatsapp.com/send` and
//! X/Twitter DM compose links (`link/invalid-deeplink`).
//!
//! The links are the URLs of the shared scanner ([`crate::domain::text::urls`]) whose host
//! is a chat host; from the host on, the link is read here the way the chat apps read it.

use std::ops::Range;

use super::char_at;
use crate::domain::text::urls::{scan_urls, Url};

/// Hosts whose links can open a chat.
const CHAT_HOSTS: &[&str] = &["wa.me", "whatsapp.com", "twitter.com", "x.com"];

/// Subdomains that serve the same chat links as the bare host.
const CHAT_SUBDOMAINS: &[&str] = &["www.", "api.", "web.", "mobile."];

/// `wa.me/<word>/…` paths that open something other than a number's chat and are valid:
/// business short links, catalogues, QR links.
const WA_ME_NAMED_PATHS: &[&str] = &["message", "c", "qr", "catalog"];

/// Characters trimmed from the end of a link or value: sentence punctuation, closing
/// brackets and quotes, WhatsApp markup left by rendering.
const TRAILING: &[char] = &[
    '.', ',', ';', ':', '!', '?', ')', ']', '}', '>', '"', '\'', '*', '_', '~', '’', '”', '»',
];

/// What is wrong with a chat deep link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeeplinkKind {
    /// `wa.me/`, `https://wa.me` or `send?phone=` with no number at all.
    WaMeMissingNumber,
    /// The number has `+`, spaces, dots, dashes, brackets or letters (`wa.me/+39 333…`,
    /// `wa.me/negozio`).
    WaMeNotDigits,
    /// Digits only, but starting with the `00` call prefix (`wa.me/00393331234567`).
    WaMeLeadingZeros,
    /// Digits only, valid as a national number but without the country code
    /// (`wa.me/3331234567`).
    WaMeNoCountryCode,
    /// Digits only, but neither a valid international nor a valid national number.
    WaMeInvalidNumber,
    /// An X/Twitter `messages/compose` link whose `recipient_id` is missing or not
    /// numeric (`recipient_id=@negozio`).
    XDmNoNumericId,
}

/// A chat deep link that cannot open a chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeeplinkProblem {
    /// The whole link, from scheme (or host) to its last character.
    pub link: Range<usize>,
    /// The number or id part when there is one, else the whole link.
    pub range: Range<usize>,
    /// What is wrong.
    pub kind: DeeplinkKind,
    /// The digits-only international number to put in place of `range`, when known.
    pub fixed_number: Option<String>,
}

/// What a recognised chat link points at.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// A WhatsApp chat with the number in `value` (`None`: no number given).
    WhatsApp { value: Option<Range<usize>> },
    /// A valid WhatsApp form that needs no number: short links, catalogues, share links.
    WhatsAppOther,
    /// An X/Twitter DM composer with the id in `value` (`None`: no `recipient_id`).
    XDm { value: Option<Range<usize>> },
}

/// A recognised chat link.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ChatLink {
    link: Range<usize>,
    target: Target,
}

/// Ranges of every chat link (valid or not) among `urls` (the URLs of `text`), for the
/// phone scanner to skip.
pub(super) fn chat_link_spans(text: &str, urls: &[Url]) -> Vec<Range<usize>> {
    chat_links(text, urls).into_iter().map(|l| l.link).collect()
}

/// Chat deep links in `text` that cannot open a chat, in text order.
///
/// A link is a URL as X finds it (so `#wa.me/…` is a hashtag, and `_https://wa.me/…_` in
/// WhatsApp italic is a link) whose host is a chat host, read on to the end of its word.
/// Recognised links (host case-insensitive, scheme `http(s)://` and `www.` optional):
/// - `wa.me/<number>[?text=…]`: `<number>` must be digits only and international
///   (country code, no `+`, no `00`). `wa.me/message/…`, `wa.me/c/…`, `wa.me/qr/…`,
///   `wa.me/catalog/…` and the share form `wa.me/?text=…` are valid. A bare mention of
///   `wa.me` without scheme or `/` is not a link.
/// - `api.whatsapp.com/send?…phone=<number>…` (also `whatsapp.com`, `web.whatsapp.com`):
///   the same number rules; `send?text=…` without `phone` is the valid share form.
/// - `twitter.com/messages/compose?recipient_id=<id>` (also `x.com`, `mobile.`, `www.`):
///   `<id>` must be non-empty ASCII digits.
///
/// A number may be written with single spaces when each space is followed by a digit or
/// `(`, so `wa.me/+39 333 1234567` is one (bad) link, not a link and a phone. `%2B` and
/// `%20` in a number are read as `+` and a space.
///
/// `to_e164` is the phone module: given a number as written (with `+`, with `00`, or
/// national for the project's default region) it returns the E.164 form (`+39…` or
/// `39…`) when the number is valid. It decides: digits-only `d` is fine when `+d` is
/// valid; when only `d` itself is valid it lacks the country code (fix: its E.164
/// digits); any other spelling is reported with the fix when the number it spells is valid
/// (international reading first, as WhatsApp reads it).
pub fn check_deeplinks(
    text: &str,
    to_e164: impl Fn(&str) -> Option<String>,
) -> Vec<DeeplinkProblem> {
    check_deeplinks_in(text, &scan_urls(text), to_e164)
}

/// [`check_deeplinks`] given the URLs of `text` as [`scan_urls`] finds them (a rendered
/// part keeps its own: [`crate::domain::render::Rendered::urls`]).
pub fn check_deeplinks_in(
    text: &str,
    urls: &[Url],
    to_e164: impl Fn(&str) -> Option<String>,
) -> Vec<DeeplinkProblem> {
    let mut problems = Vec::new();
    for link in chat_links(text, urls) {
        let problem = match link.target {
            Target::WhatsAppOther => None,
            Target::WhatsApp { value } => judge_whatsapp(text, &link.link, value, &to_e164),
            Target::XDm { value } => {
                let id = value.clone().and_then(|r| text.get(r));
                let numeric =
                    id.is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()));
                (!numeric).then(|| DeeplinkProblem {
                    link: link.link.clone(),
                    range: value.filter(|r| !r.is_empty()).unwrap_or(link.link.clone()),
                    kind: DeeplinkKind::XDmNoNumericId,
                    fixed_number: None,
                })
            }
        };
        problems.extend(problem);
    }
    problems
}

fn judge_whatsapp(
    text: &str,
    link: &Range<usize>,
    value: Option<Range<usize>>,
    to_e164: &impl Fn(&str) -> Option<String>,
) -> Option<DeeplinkProblem> {
    let problem = |range: Range<usize>, kind, fixed_number| {
        Some(DeeplinkProblem {
            link: link.clone(),
            range,
            kind,
            fixed_number,
        })
    };
    let Some(range) = value.filter(|r| !r.is_empty()) else {
        return problem(link.clone(), DeeplinkKind::WaMeMissingNumber, None);
    };
    let written = text.get(range.clone()).unwrap_or("");
    let digits_only = written.bytes().all(|b| b.is_ascii_digit());
    let e164_digits =
        |s: &str| to_e164(s).map(|n| n.chars().filter(char::is_ascii_digit).collect::<String>());
    if digits_only {
        if written.starts_with("00") {
            return problem(range, DeeplinkKind::WaMeLeadingZeros, e164_digits(written));
        }
        if e164_digits(&format!("+{written}")).is_some() {
            return None;
        }
        return match e164_digits(written) {
            Some(fixed) => problem(range, DeeplinkKind::WaMeNoCountryCode, Some(fixed)),
            None => problem(range, DeeplinkKind::WaMeInvalidNumber, None),
        };
    }
    let decoded = written
        .replace("%2B", "+")
        .replace("%2b", "+")
        .replace("%20", " ");
    let digits: String = decoded.chars().filter(char::is_ascii_digit).collect();
    let fixed = if digits.is_empty() {
        None
    } else if decoded.trim_start().starts_with('+') || digits.starts_with("00") {
        e164_digits(&decoded)
    } else {
        e164_digits(&format!("+{digits}")).or_else(|| e164_digits(&decoded))
    };
    problem(range, DeeplinkKind::WaMeNotDigits, fixed)
}

/// Every chat link among `urls` (the URLs of `text`), in order.
fn chat_links(text: &str, urls: &[Url]) -> Vec<ChatLink> {
    let mut links = Vec::new();
    let mut from = 0;
    for url in urls {
        // A number written with spaces can run past the URL X sees (`wa.me/+39 333 …`).
        if url.range.start < from {
            continue;
        }
        let Some(host) = text.get(url.host.clone()).map(str::to_ascii_lowercase) else {
            continue;
        };
        let base = CHAT_SUBDOMAINS
            .iter()
            .find_map(|sub| host.strip_prefix(sub))
            .filter(|base| CHAT_HOSTS.contains(base))
            .unwrap_or(host.as_str());
        if !CHAT_HOSTS.contains(&base) || !host_ends_cleanly(text, url.host.end) {
            continue;
        }
        let at = url.host.end;
        let parsed = if base == "wa.me" {
            parse_wa_me(text, at, url.has_protocol)
        } else if base == "whatsapp.com" {
            parse_whatsapp_send(text, at)
        } else {
            parse_x_compose(text, at)
        };
        if let Some((target, value_end)) = parsed {
            let end = link_end(text, at).max(value_end);
            links.push(ChatLink {
                link: url.range.start..end,
                target,
            });
            from = end;
        }
    }
    links
}

/// Whether the host is not glued to more of a name (`wa.me_x`, `wa.meè`, `wa.me.it` is
/// another host), which X's grammar alone would let through.
fn host_ends_cleanly(text: &str, end: usize) -> bool {
    match char_at(text, end) {
        None => true,
        Some('.') => !char_at(text, end + 1).is_some_and(char::is_alphanumeric),
        Some(c) => !(c.is_alphanumeric() || matches!(c, '-' | '_')),
    }
}

/// End of the link token that contains `from`: the next whitespace, minus trailing
/// punctuation.
fn link_end(text: &str, from: usize) -> usize {
    let rest = text.get(from..).unwrap_or("");
    let token = rest
        .find(char::is_whitespace)
        .map_or(rest, |i| rest.get(..i).unwrap_or(""));
    from + token.trim_end_matches(TRAILING).len()
}

/// `wa.me` followed by its path at `at`. Returns the target and where its number ends.
fn parse_wa_me(text: &str, at: usize, has_scheme: bool) -> Option<(Target, usize)> {
    let query_target = |q: usize| {
        let params = query_params(text, q, "phone");
        match params.value {
            Some(value) => (
                Target::WhatsApp {
                    value: Some(value.clone()),
                },
                value.end,
            ),
            None if params.has_text => (Target::WhatsAppOther, q),
            None => (Target::WhatsApp { value: None }, q),
        }
    };
    match char_at(text, at) {
        Some('/') => {}
        Some('?') => return Some(query_target(at + 1)),
        _ if has_scheme => return Some((Target::WhatsApp { value: None }, at)),
        _ => return None,
    }
    let path = at + 1;
    match char_at(text, path) {
        Some('?') => return Some(query_target(path + 1)),
        Some(c) if c.is_ascii_alphabetic() => {
            let rest = text.get(path..).unwrap_or("");
            let len = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '/' | '?' | '#'))
                .unwrap_or(rest.len());
            let word = rest.get(..len).unwrap_or("");
            if char_at(text, path + len) == Some('/')
                && WA_ME_NAMED_PATHS
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(word))
            {
                return Some((Target::WhatsAppOther, path + len));
            }
            let value = path..path + word.trim_end_matches(TRAILING).len();
            return Some((
                Target::WhatsApp {
                    value: Some(value.clone()),
                },
                value.end,
            ));
        }
        _ => {}
    }
    let end = number_end(text, path, &['/', '?', '#', '&']);
    Some((
        Target::WhatsApp {
            value: Some(path..end),
        },
        end,
    ))
}

/// `whatsapp.com` followed by its path at `at`: only `/send` is a chat link.
fn parse_whatsapp_send(text: &str, at: usize) -> Option<(Target, usize)> {
    let rest = text.get(at..)?;
    let path = rest.get(..5).filter(|p| p.eq_ignore_ascii_case("/send"))?;
    let mut q = at + path.len();
    if char_at(text, q) == Some('/') {
        q += 1;
    }
    if char_at(text, q) != Some('?') {
        return Some((Target::WhatsApp { value: None }, q));
    }
    let params = query_params(text, q + 1, "phone");
    Some(match params.value {
        Some(value) => (
            Target::WhatsApp {
                value: Some(value.clone()),
            },
            value.end,
        ),
        None if params.has_text => (Target::WhatsAppOther, q),
        None => (Target::WhatsApp { value: None }, q),
    })
}

/// `twitter.com`/`x.com` followed by its path at `at`: only `/messages/compose` is a DM link.
fn parse_x_compose(text: &str, at: usize) -> Option<(Target, usize)> {
    const PATH: &str = "/messages/compose";
    let rest = text.get(at..)?;
    rest.get(..PATH.len())
        .filter(|p| p.eq_ignore_ascii_case(PATH))?;
    let mut q = at + PATH.len();
    if char_at(text, q) == Some('/') {
        q += 1;
    }
    if char_at(text, q) != Some('?') {
        return Some((Target::XDm { value: None }, q));
    }
    let params = query_params(text, q + 1, "recipient_id");
    let end = params.value.as_ref().map_or(q, |v| v.end);
    Some((
        Target::XDm {
            value: params.value,
        },
        end,
    ))
}

/// What a query string holds for the caller.
struct QueryParams {
    /// Value of the wanted key, if the key is present.
    value: Option<Range<usize>>,
    /// A `text=` parameter is present (share links).
    has_text: bool,
}

/// Reads `key=value&…` pairs starting at `at` until whitespace or `#`.
fn query_params(text: &str, mut at: usize, wanted: &str) -> QueryParams {
    let mut found = QueryParams {
        value: None,
        has_text: false,
    };
    loop {
        let rest = text.get(at..).unwrap_or("");
        let key_len = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '=' | '&' | '#'))
            .unwrap_or(rest.len());
        let key = rest.get(..key_len).unwrap_or("");
        let mut end = at + key_len;
        if char_at(text, end) == Some('=') {
            let value_start = end + 1;
            end = if key.eq_ignore_ascii_case(wanted) {
                number_end(text, value_start, &['&', '#'])
            } else {
                let value = text.get(value_start..).unwrap_or("");
                value_start
                    + value
                        .find(|c: char| c.is_whitespace() || matches!(c, '&' | '#'))
                        .unwrap_or(value.len())
            };
            if key.eq_ignore_ascii_case(wanted) && found.value.is_none() {
                found.value = Some(value_start..end);
            }
        } else if key.eq_ignore_ascii_case(wanted) && found.value.is_none() {
            found.value = Some(end..end);
        }
        found.has_text |= key.eq_ignore_ascii_case("text");
        if char_at(text, end) == Some('&') {
            at = end + 1;
        } else {
            return found;
        }
    }
}

/// End of a number value starting at `start`: up to whitespace or one of `stops`, but
/// crossing a single space that is followed by a digit or `(` once a digit was seen;
/// trailing punctuation is not part of it.
fn number_end(text: &str, start: usize, stops: &[char]) -> usize {
    let mut end = start;
    let mut seen_digit = false;
    while let Some(c) = char_at(text, end) {
        if c.is_whitespace() {
            let next = char_at(text, end + c.len_utf8());
            let crosses = seen_digit
                && matches!(c, ' ' | '\u{a0}' | '\u{202f}')
                && next.is_some_and(|n| n.is_ascii_digit() || n == '(');
            if !crosses {
                break;
            }
        } else if stops.contains(&c) {
            break;
        }
        seen_digit |= c.is_ascii_digit();
        end += c.len_utf8();
    }
    let value = text.get(start..end).unwrap_or("");
    start + value.trim_end_matches(TRAILING).len()
}

#[cfg(test)]
mod tests {
    use super::DeeplinkKind::*;
    use super::*;

    /// Stand-in for the phone module with default region IT: 9 to 11 national digits
    /// starting with 3 or 0, written nationally, with `+39` or with `0039`.
    fn fake_e164(s: &str) -> Option<String> {
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        let national = if s.trim_start().starts_with('+') {
            digits.strip_prefix("39")?.to_string()
        } else if let Some(n) = digits.strip_prefix("0039") {
            n.to_string()
        } else {
            digits
        };
        ((9..=11).contains(&national.len()) && national.starts_with(['3', '0']))
            .then(|| format!("+39{national}"))
    }

    type Found<'a> = (&'a str, DeeplinkKind, Option<String>);

    fn problems(text: &str) -> Vec<Found<'_>> {
        check_deeplinks(text, fake_e164)
            .into_iter()
            .map(|p| (text.get(p.range).unwrap_or("?"), p.kind, p.fixed_number))
            .collect()
    }

    #[test]
    fn valid_links_pass() {
        let texts = [
            "https://wa.me/393331234567",
            "scrivici su wa.me/393331234567.",
            "(http://www.wa.me/393331234567?text=Ciao%20BF26)",
            "*https://WA.ME/393331234567*",
            "https://wa.me/message/ABCDEF123",
            "https://wa.me/c/393331234567",
            "https://wa.me/qr/XYZ",
            "https://wa.me/?text=condividi",
            "https://api.whatsapp.com/send?phone=393331234567&text=ciao",
            "https://api.whatsapp.com/send?text=ciao&phone=390212345678",
            "https://api.whatsapp.com/send?text=condividi",
            "https://twitter.com/messages/compose?recipient_id=123456789",
            "https://x.com/messages/compose?recipient_id=42&text=ciao",
            "scrivici su wa.me",
            "https://www.whatsapp.com/business",
            "https://x.com/negozio_demo",
            "https://fox.com/messages/compose?recipient_id=abc",
            "https://example.com/wa.me/3331234567",
            "seguici su x.com.",
        ];
        for text in texts {
            assert_eq!(problems(text), [], "{text}");
        }
    }

    #[test]
    fn broken_links_are_reported() {
        let fix = |s: &str| Some(s.to_string());
        let cases: &[(&str, Found)] = &[
            (
                "https://wa.me/",
                ("https://wa.me/", WaMeMissingNumber, None),
            ),
            (
                "vai su https://wa.me ora",
                ("https://wa.me", WaMeMissingNumber, None),
            ),
            ("wa.me/?x=1", ("wa.me/?x=1", WaMeMissingNumber, None)),
            (
                "wa.me/+393331234567",
                ("+393331234567", WaMeNotDigits, fix("393331234567")),
            ),
            (
                "https://wa.me/+39 333 123 4567 ciao",
                ("+39 333 123 4567", WaMeNotDigits, fix("393331234567")),
            ),
            (
                "wa.me/39-333-1234567",
                ("39-333-1234567", WaMeNotDigits, fix("393331234567")),
            ),
            (
                "wa.me/333 1234567",
                ("333 1234567", WaMeNotDigits, fix("393331234567")),
            ),
            (
                "wa.me/%2B393331234567",
                ("%2B393331234567", WaMeNotDigits, fix("393331234567")),
            ),
            ("wa.me/negozio", ("negozio", WaMeNotDigits, None)),
            (
                "(wa.me/3331234567)",
                ("3331234567", WaMeNoCountryCode, fix("393331234567")),
            ),
            (
                "wa.me/00393331234567",
                ("00393331234567", WaMeLeadingZeros, fix("393331234567")),
            ),
            ("wa.me/12345", ("12345", WaMeInvalidNumber, None)),
            (
                "https://api.whatsapp.com/send?phone=+393331234567&text=hi",
                ("+393331234567", WaMeNotDigits, fix("393331234567")),
            ),
            (
                "api.whatsapp.com/send?phone=3331234567",
                ("3331234567", WaMeNoCountryCode, fix("393331234567")),
            ),
            (
                "https://api.whatsapp.com/send?phone=&text=hi",
                (
                    "https://api.whatsapp.com/send?phone=&text=hi",
                    WaMeMissingNumber,
                    None,
                ),
            ),
            (
                "https://api.whatsapp.com/send",
                ("https://api.whatsapp.com/send", WaMeMissingNumber, None),
            ),
            (
                "https://twitter.com/messages/compose?recipient_id=@negozio",
                ("@negozio", XDmNoNumericId, None),
            ),
            (
                "x.com/messages/compose?recipient_id=negozio&text=ciao",
                ("negozio", XDmNoNumericId, None),
            ),
            (
                "https://x.com/messages/compose",
                ("https://x.com/messages/compose", XDmNoNumericId, None),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(problems(text), std::slice::from_ref(expected), "{text}");
        }
    }

    #[test]
    fn link_ranges_cover_the_whole_link() {
        let text = "Scrivi a https://wa.me/3331234567?text=ciao! Grazie";
        let found = check_deeplinks(text, fake_e164);
        let link = found.first().and_then(|p| text.get(p.link.clone()));
        assert_eq!(link, Some("https://wa.me/3331234567?text=ciao"));
        let text = "a wa.me/message/X b https://x.com/messages/compose?recipient_id=1";
        let spans = chat_link_spans(text, &scan_urls(text));
        assert_eq!(spans, [2..17, 20..65]);
    }
}
