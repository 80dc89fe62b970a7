//! Text detectors over a draft's rendered text (SPEC 1.3).
//!
//! Every detector takes the plain rendered string and returns byte ranges into it; mapping
//! them back to the Markdown source, choosing severities and wording messages is the
//! caller's job. All detectors are linear in the length of the text (the `regex` crate
//! guarantees linear-time matching) and never panic.
//!
//! Rules served: `offer/missing` ([`find_offer`]), `offer/code-not-in-text` ([`find_code`]),
//! `optout/missing` ([`find_opt_out`]), `phone/not-international` and
//! `privacy/pii-in-public-post` ([`find_phones`], [`find_emails`]), `link/invalid-deeplink`
//! ([`check_deeplinks`]).

use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};

mod deeplinks;
mod phones;

pub use deeplinks::{check_deeplinks, check_deeplinks_in, DeeplinkKind, DeeplinkProblem};
pub use phones::{
    find_phone_candidates, find_phones, read_phones, read_phones_in, PhoneCandidate, Prefix,
};

/// Built-in offer vocabulary (Italian and English), case-insensitive, Unicode word bounds.
///
/// Alternatives that can start at the same position are ordered longest first, because
/// the regex engine keeps the first alternative that matches there.
const OFFER_PATTERN: &str = r"(?xi)
    # A promo code named as such: `codice BF26`, `code: NATALE`, `coupon SUMMER10`.
    \b(?:codice|code|coupon)\p{Zs}*:?\p{Zs}*(?-i:[A-Z0-9][A-Z0-9_-]*[A-Z0-9])\b
  | \bcodice\p{Zs}+(?:sconto|promo|promozionale|coupon|regalo)\b
  | \b(?:promo|discount|coupon|voucher)\p{Zs}+codes?\b
    # Percentages: `20%`, `-20%`, `20 %`, `12,5%` (`100%` is rejected afterwards).
  | (?:-\p{Zs}?)?[0-9]+(?:[.,][0-9]+)?\p{Zs}?%
    # Prices: `€ 9,90`, `€19`, `$5`, `9,90 €`, `9.90 EUR`, `19 euro`, `1.299,00€`.
  | [€$£]\p{Zs}?[0-9]+(?:[.,][0-9]+)*
  | [0-9]+(?:[.,][0-9]+)*\p{Zs}?(?:[€$£]|(?:eur|euro|euros|usd|gbp)\b)
    # Multi-buy: `3x2`, `2 x 1` (first number must be larger, checked afterwards).
  | \b[1-9]\p{Zs}?[x×]\p{Zs}?[1-9]\b
  | \bprendi\p{Zs}+(?:[0-9]+|due|tre|quattro|cinque)\p{Zs}+paghi\p{Zs}+(?:[0-9]+|uno|una|due|tre|quattro)\b
  | \bbuy\p{Zs}+(?:[0-9]+|one|two|three)\p{Zs}+get\p{Zs}+(?:[0-9]+|one|two|the\p{Zs}+second)\b
  | \bfree\p{Zs}+(?:shipping|delivery|gifts?|samples?|trial|returns?)\b
  | \bfree\p{Zs}+of\p{Zs}+charge\b
  | \bfor\p{Zs}+free\b
  | \bin\p{Zs}+regalo\b
  | \b(?:metà|half)\p{Zs}+prezzo\b
  | \bhalf\p{Zs}+price\b
  | \b(?:
        scont[oi] | scontat(?:issim)?[oaie]
      | gratis | gratuit(?:[oaie]|amente) | omaggio | omaggi
      | coupons? | vouchers? | cashback
      | discounts? | discounted | bogo
    )\b
";

/// Built-in opt-out instructions (Italian and English).
///
/// `STOP`-like keywords after a verb (`rispondi`, `scrivi`, `invia`, `manda`, `digita`,
/// `reply`, `text`, `send`, `type`, `respond`):
/// - directly after the verb (a colon, quotes or WhatsApp markers may sit between), any
///   case counts: `rispondi STOP`, `reply stop`, `invia "STOP"`, `scrivi *STOP*`;
/// - after a few filler words (`con`, `a questo messaggio`, `with the word`, `us` ...)
///   only an all-caps or quoted keyword counts: `rispondi a questo messaggio con STOP`,
///   but not `text us to stop by`.
///
/// A bare `stop` (`non stop`, `stop alle code`) is never an opt-out. Phrases that count on
/// their own: `disiscriviti` (any `disiscri-` word), `cancellarti`, `cancellati` followed by
/// `da…`/`qui`/`:` (alone it is usually the adjective "cancelled"), `annulla l'iscrizione`,
/// `revoca il consenso`, `non ricevere più`, `per non ricevere`, `smetti di ricevere`,
/// `unsubscribe`, `opt out`/`opt-out`/`optout`, `stop receiving`, `no longer receive`;
/// an all-caps `STOP per`/`STOP to` in front of one of them is included in the range.
const OPT_OUT_PATTERN: &str = r#"(?xi)
    \b(?:rispondi|rispondete|rispondere|rispondendo|scrivi|scrivici|scrivete|scrivere
        |scrivendo|invia|inviaci|inviate|inviare|inviando|manda|mandaci|mandate|mandare
        |mandando|digita|digitate|digitare|reply|replying|text|texting|send|sending|type
        |respond)\b
    (?:
        \p{Zs}*:?\p{Zs}*["“«'‘*_~]*
        (?:stop|stopall|unsubscribe|cancel|cancella|cancellami|annulla)\b
      | (?:\p{Zs}+(?:con|col|la|il|parola|testo|a|al|questo|messaggio|numero|qui|solo
            |semplicemente|anche|with|the|word|us|to|this|message|number|just|simply
            |back)){1,5}
        \p{Zs}*:?\p{Zs}*
        (?:
            (?-i:STOP|STOPALL|UNSUBSCRIBE|CANCEL|CANCELLA|CANCELLAMI|ANNULLA)\b
          | ["“«'‘*_~]+(?:stop|stopall|unsubscribe|cancel|cancella|cancellami|annulla)\b
        )
    )
  | (?:(?-i:STOP)["”»'’*_~]*\p{Zs}+(?:per|to)\p{Zs}+)?
    (?:
        \bdisiscri\w*
      | \bcancellar(?:ti|vi|si)\b
      | \bcancellati(?:\p{Zs}*:|\p{Zs}+(?:da|dal|dalla|dalle|dagli|dai|qui|qua|subito)\b)
      | \b(?:annulla|annullare|cancella|cancellare)\p{Zs}+l['’]\p{Zs}?iscrizione\b
      | \brevoca(?:re)?\p{Zs}+(?:il\p{Zs}+)?(?:tuo\p{Zs}+)?consenso\b
      | \bnon\p{Zs}+(?:vuoi\p{Zs}+|desideri\p{Zs}+)?(?:più|piu['’]?)\p{Zs}*ricevere\b
      | \bnon\p{Zs}+ricevere\p{Zs}+(?:più|piu\b['’]?)
      | \bper\p{Zs}+non\p{Zs}+ricevere\b
      | \bsmett(?:ere|i)\p{Zs}+di\p{Zs}+ricevere\b
      | \bunsubscrib\w*
      | \bopt[\p{Zs}-]?out\b
      | \bstop\p{Zs}+receiving\b
      | \bno\p{Zs}+longer\p{Zs}+(?:(?:wish|want)\p{Zs}+to\p{Zs}+)?receive\b
    )
"#;

/// E-mail addresses: a practical matcher, not RFC 5322.
const EMAIL_PATTERN: &str = r"[\p{L}\p{N}._%+-]+@[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)*\.\p{L}{2,}";

/// Promo-code-like words that follow `codice` in all-caps text but are not promo codes.
const NOT_PROMO_CODES: &[&str] = &[
    "FISCALE", "POSTALE", "ATECO", "IBAN", "CLIENTE", "ARTICOLO", "PRODOTTO", "ORDINE",
];

/// Compiles a built-in pattern once. Its `\b` become ASCII word boundaries, which keep
/// the regex on its fast DFA even on accented text; [`word_bounded`] then applies the
/// Unicode rule to each match.
fn compiled(cell: &'static OnceLock<Option<Regex>>, pattern: &str) -> Option<&'static Regex> {
    // The patterns are constants covered by tests; `None` only guards against a panic.
    cell.get_or_init(|| Regex::new(&pattern.replace(r"\b", r"(?-u:\b)")).ok())
        .as_ref()
}

/// The text words are searched in: WhatsApp keeps `_italic_` markers in the rendered
/// text and `_` is a word character to regex, so it becomes a space (same byte length,
/// so ranges stay valid for the original).
fn word_search_text(text: &str) -> Cow<'_, str> {
    if text.contains('_') {
        Cow::Owned(text.replace('_', " "))
    } else {
        Cow::Borrowed(text)
    }
}

/// Whether a match that starts or ends with a letter or digit does not continue into
/// a neighbouring letter or digit of any script (`sconto` in `scontò` is no word).
fn word_bounded(text: &str, range: &Range<usize>) -> bool {
    let Some(m) = text.get(range.clone()) else {
        return false;
    };
    let open_start = m.chars().next().is_some_and(char::is_alphanumeric);
    let open_end = m.chars().next_back().is_some_and(char::is_alphanumeric);
    let glued_before =
        open_start && char_before(text, range.start).is_some_and(char::is_alphanumeric);
    let glued_after = open_end && char_at(text, range.end).is_some_and(char::is_alphanumeric);
    !glued_before && !glued_after
}

fn offer_regex() -> Option<&'static Regex> {
    static CELL: OnceLock<Option<Regex>> = OnceLock::new();
    compiled(&CELL, OFFER_PATTERN)
}

fn opt_out_regex() -> Option<&'static Regex> {
    static CELL: OnceLock<Option<Regex>> = OnceLock::new();
    compiled(&CELL, OPT_OUT_PATTERN)
}

fn email_regex() -> Option<&'static Regex> {
    static CELL: OnceLock<Option<Regex>> = OnceLock::new();
    compiled(&CELL, EMAIL_PATTERN)
}

fn char_before(text: &str, at: usize) -> Option<char> {
    text.get(..at).and_then(|s| s.chars().next_back())
}

fn char_at(text: &str, at: usize) -> Option<char> {
    text.get(at..).and_then(|s| s.chars().next())
}

/// First match of `re` that `accept` keeps; a rejected match is skipped whole, so a
/// rejected `100%` cannot be found again as `00%`.
fn first_accepted(
    re: &Regex,
    text: &str,
    accept: impl Fn(&str, Range<usize>) -> bool,
) -> Option<Range<usize>> {
    let mut from = 0;
    while from <= text.len() {
        let m = re.find_at(text, from)?;
        if accept(text, m.range()) {
            return Some(m.range());
        }
        from = if m.end() > m.start() {
            m.end()
        } else {
            m.end() + char_at(text, m.end()).map_or(1, char::len_utf8)
        };
    }
    None
}

/// Phrases from the project's configuration, matched case-insensitively as whole words.
///
/// Whitespace inside a phrase matches any run of whitespace; an end of the phrase that is
/// a letter or digit must not touch another letter or digit of any script (so `novità`
/// is not found in `novitàx`, and `-50€` needs no boundary). `_` counts as a space, as
/// WhatsApp italic markup does.
#[derive(Debug, Clone, Default)]
pub struct Keywords {
    // Normally one alternation; one regex per phrase only if the alternation is too big.
    regexes: Vec<Regex>,
}

impl Keywords {
    /// Compiles `phrases`; blank phrases are ignored, and so is a phrase too large to compile.
    pub fn new(phrases: &[String]) -> Self {
        let parts: Vec<String> = phrases.iter().filter_map(|p| keyword_pattern(p)).collect();
        if parts.is_empty() {
            return Self::default();
        }
        let build = |p: &str| RegexBuilder::new(p).case_insensitive(true).build().ok();
        let regexes = match build(&parts.join("|")) {
            Some(re) => vec![re],
            None => parts.iter().filter_map(|p| build(p)).collect(),
        };
        Self { regexes }
    }

    /// First (leftmost, then longest) occurrence of any phrase.
    pub fn find(&self, text: &str) -> Option<Range<usize>> {
        let text = word_search_text(text);
        self.find_in(&text)
    }

    /// [`Keywords::find`] on text already passed through [`word_search_text`].
    fn find_in(&self, text: &str) -> Option<Range<usize>> {
        self.regexes
            .iter()
            .filter_map(|re| first_accepted(re, text, |t, r| word_bounded(t, &r)))
            .min_by_key(|r| (r.start, std::cmp::Reverse(r.end)))
    }

    /// Whether no phrase was configured.
    pub fn is_empty(&self) -> bool {
        self.regexes.is_empty()
    }
}

fn keyword_pattern(phrase: &str) -> Option<String> {
    let words: Vec<String> = phrase.split_whitespace().map(regex::escape).collect();
    let first = phrase.trim().chars().next()?;
    let last = phrase.trim().chars().next_back()?;
    // ASCII boundaries keep the fast DFA; a non-ASCII edge is left to `word_bounded`.
    let mut p = String::from("(?:");
    if first.is_ascii_alphanumeric() {
        p.push_str(r"(?-u:\b)");
    }
    p.push_str(&words.join(r"\s+"));
    if last.is_ascii_alphanumeric() {
        p.push_str(r"(?-u:\b)");
    }
    p.push(')');
    Some(p)
}

fn earliest(a: Option<Range<usize>>, b: Option<Range<usize>>) -> Option<Range<usize>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if (b.start, a.end) < (a.start, b.end) {
            b
        } else {
            a
        }),
        (a, b) => a.or(b),
    }
}

/// Finds a concrete value offered to the reader, with the project's extra keywords compiled once.
#[derive(Debug, Clone, Default)]
pub struct OfferFinder {
    extra: Keywords,
}

impl OfferFinder {
    /// Compiles the `[offer] keywords` of the project.
    pub fn new(extra_keywords: &[String]) -> Self {
        Self {
            extra: Keywords::new(extra_keywords),
        }
    }

    /// Same as [`find_offer`].
    pub fn find(&self, text: &str) -> Option<Range<usize>> {
        let text = word_search_text(text);
        let builtin = offer_regex().and_then(|re| {
            first_accepted(re, &text, |t, r| word_bounded(t, &r) && accept_offer(t, r))
        });
        earliest(builtin, self.extra.find_in(&text))
    }
}

/// First concrete value for the reader in `text` (see [`OfferFinder`] to reuse keywords).
///
/// Counts, case-insensitively and as whole words:
/// - percentages `20%`, `-20%`, `20 %`, `12,5%`, `50% off`, except a plain `100%`
///   (`100% cotone` is a claim, not a discount; `-100%` counts);
/// - prices with a currency: `€ 9,90`, `€19`, `9,90 €`, `9.90 EUR`, `19 euro`, `$5`, `£5`;
/// - `sconto`/`sconti`/`scontato…`, `codice sconto|promo|promozionale|coupon|regalo`,
///   `codice`/`code`/`coupon` followed by an upper-case code (`codice BF26`), `coupon`,
///   `voucher`, `cashback`, `gratis`, `gratuito/a/i/e`, `gratuitamente`, `omaggio`,
///   `in regalo`, `metà prezzo`, multi-buys `3x2`/`2 x 1` (first number larger),
///   `prendi 3 paghi 2`;
/// - English: `discount(s|ed)`, `promo code`, `free shipping|delivery|gift|sample|trial|returns`,
///   `free of charge`, `for free`, `half price`, `buy one get one`, `buy 2 get 1`, `BOGO`;
/// - any `extra_keywords` phrase (see [`Keywords`]).
///
/// Not offers: hype (`imperdibile`, `incredibile`, `amazing`, `don't miss`, `novità`),
/// `offerta`, `promo`/`promozione` alone, and `saldi`/`sale`: they announce that a deal
/// exists without saying what the reader gets (a real sale message names a figure,
/// `saldi fino al 50%`, which counts; a project can add `saldi` to `[offer] keywords`).
/// `_` counts as a space (WhatsApp italic: `_20% di sconto_`). Returns the range of the
/// earliest match.
pub fn find_offer(text: &str, extra_keywords: &[String]) -> Option<Range<usize>> {
    OfferFinder::new(extra_keywords).find(text)
}

fn accept_offer(text: &str, range: Range<usize>) -> bool {
    let Some(m) = text.get(range) else {
        return false;
    };
    if let Some(body) = m.strip_suffix('%') {
        if body.trim_start().starts_with('-') {
            return true;
        }
        let number = body.trim_matches(|c: char| !c.is_ascii_digit());
        let (whole, fraction) = number.split_once([',', '.']).unwrap_or((number, ""));
        let is_hundred =
            whole.trim_start_matches('0') == "100" && fraction.bytes().all(|b| b == b'0');
        return !is_hundred;
    }
    let starts_with_code_word = m
        .get(..3)
        .is_some_and(|s| s.eq_ignore_ascii_case("cod") || s.eq_ignore_ascii_case("cou"));
    if starts_with_code_word {
        // `CODICE FISCALE` in all-caps text: that upper-case word is not a promo code.
        let token = m.rsplit([' ', ':', '\u{a0}']).next().unwrap_or("");
        return token.bytes().any(|b| b.is_ascii_lowercase()) || !NOT_PROMO_CODES.contains(&token);
    }
    let is_multi_buy = m.contains(['x', 'X', '×'])
        && m.chars()
            .all(|c| c.is_ascii_digit() || "xX× \u{a0}\u{202f}".contains(c));
    if is_multi_buy {
        let mut digits = m.chars().filter(char::is_ascii_digit);
        return matches!((digits.next(), digits.next()), (Some(take), Some(pay)) if take > pay);
    }
    true
}

/// Where the promo `code` appears in `text`, case-sensitively and as a whole word.
///
/// "Whole word" means the characters around the occurrence are not letters or digits in
/// any script: `BF26` is found in `*BF26*`, `_BF26_`, `(BF26)` and `BF26.` but not in
/// `BF265`, `XBF26` or `bf26`. Surrounding whitespace of `code` is ignored; an empty code
/// is never found.
pub fn find_code(text: &str, code: &str) -> Option<Range<usize>> {
    let code = code.trim();
    if code.is_empty() {
        return None;
    }
    let mut from = 0;
    while let Some(offset) = text.get(from..).and_then(|rest| rest.find(code)) {
        let start = from + offset;
        let end = start + code.len();
        let free_before = char_before(text, start).is_none_or(|c| !c.is_alphanumeric());
        let free_after = char_at(text, end).is_none_or(|c| !c.is_alphanumeric());
        if free_before && free_after {
            return Some(start..end);
        }
        from = start + char_at(text, start).map_or(1, char::len_utf8);
    }
    None
}

/// Finds an opt-out instruction, with the project's extra keywords compiled once.
#[derive(Debug, Clone, Default)]
pub struct OptOutFinder {
    extra: Keywords,
}

impl OptOutFinder {
    /// Compiles the `[opt_out] keywords` of the project.
    pub fn new(extra: &[String]) -> Self {
        Self {
            extra: Keywords::new(extra),
        }
    }

    /// Same as [`find_opt_out`].
    pub fn find(&self, text: &str) -> Option<Range<usize>> {
        let text = word_search_text(text);
        let builtin = opt_out_regex().and_then(|re| {
            // `send stop-motion videos` is not an instruction to reply STOP.
            first_accepted(re, &text, |t, r| {
                word_bounded(t, &r) && char_at(t, r.end) != Some('-')
            })
        });
        earliest(builtin, self.extra.find_in(&text))
    }
}

/// First opt-out instruction in `text` (Italian or English; see [`OptOutFinder`] to reuse).
///
/// The accepted forms are documented on the built-in pattern: a STOP-like keyword right
/// after a reply verb in any case (`rispondi STOP`, `invia "stop"`, `reply STOP`, `text
/// *STOP*`), or after filler words in capitals or quotes (`rispondi a questo messaggio con
/// STOP`); or a phrase that is an instruction by itself (`disiscriviti`, `cancellati dalla
/// lista`, `annulla l'iscrizione`, `non ricevere più`, `unsubscribe`, `opt out`, `opt-out`,
/// `stop receiving`), optionally introduced by `STOP per`/`STOP to`. A bare `stop` (`non
/// stop`, `stop alle code`) is not an opt-out. `extra` phrases count as in [`Keywords`].
pub fn find_opt_out(text: &str, extra: &[String]) -> Option<Range<usize>> {
    OptOutFinder::new(extra).find(text)
}

/// E-mail addresses in `text`, in order.
///
/// An address is a local part of letters, digits and `._%+-`, an `@`, and a domain of at
/// least two labels whose last is two or more letters (`info@negozio.it`,
/// `mario.rossi+promo@mail.example.co.uk`, also with accented letters). `@handle`
/// mentions (nothing before `@`), `user@localhost` and a trailing sentence dot are not
/// part of a match; leading dots or `+-%` of the local part are trimmed.
pub fn find_emails(text: &str) -> Vec<Range<usize>> {
    let Some(re) = email_regex() else {
        return Vec::new();
    };
    re.find_iter(text)
        .filter_map(|m| {
            let trimmed = m.as_str().trim_start_matches(['.', '+', '-', '%']);
            let start = m.end() - trimmed.len();
            // After trimming the local part may be empty: `.@x.it` is no address.
            (!trimmed.starts_with('@')).then_some(start..m.end())
        })
        .collect()
}

#[cfg(test)]
mod tests;
