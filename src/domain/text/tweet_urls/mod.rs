//! URL spans as twitter-text's extractor finds them (the rules of its JS reference
//! implementation), re-implemented as a linear scanner: the original is a backtracking
//! regex whose worst case is quadratic or worse on long runs of `a.b.c.` text.
//!
//! Rules followed: a URL starts after a character that is not an ASCII letter or digit,
//! `@`, `＠`, `$`, `#`, `＃` (or at the start of the text); an optional `http://` or
//! `https://`; a domain whose last label is a known TLD (or `xn--` punycode) not followed by
//! `[0-9A-Za-z@+-]`; an optional `:port`, path and query whose trailing punctuation is left
//! out. A domain label longer than 63 characters once punycode-encoded, or a URL longer than
//! 4096 UTF-16 units, is no URL. Without a scheme only the ASCII part of the domain counts and
//! the URL must not follow `-`, `_`, `.` or `/`. `t.co` links stop after their slug.

use std::cmp::Ordering;
use std::ops::Range;

/// Longest URL (in UTF-16 units, scheme included) twitter-text accepts.
const MAX_URL_UTF16_LEN: usize = 4096;
/// Longest slug of a `t.co` link that still counts as one.
const MAX_TCO_SLUG_LEN: usize = 40;
/// DNS limit on one label once punycode-encoded.
const MAX_LABEL_LEN: usize = 63;
/// Scheme length assumed for scheme-less URLs when checking their total length.
const DEFAULT_SCHEME_LEN: usize = "https://".len();
/// Characters in the longest entry of the TLD lists below.
const MAX_TLD_CHARS: usize = 18;

/// Memo slot not computed yet.
const UNKNOWN: usize = usize::MAX;
/// Memo slot computed: no domain from here.
const NO_DOMAIN: usize = usize::MAX - 1;

/// Byte ranges of the URLs in `text`, in order, as twitter-text counts them.
pub fn find_urls(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    // Every URL has a dot in its domain; most texts can stop here.
    if text.contains('.') {
        Scanner::new(text).run(&mut out);
    }
    out
}

fn is_punct(c: char) -> bool {
    matches!(
        c,
        '!' | '\''
            | '#'
            | '%'
            | '&'
            | '('
            | ')'
            | '*'
            | '+'
            | ','
            | '\\'
            | '-'
            | '.'
            | '/'
            | ':'
            | ';'
            | '<'
            | '='
            | '>'
            | '?'
            | '@'
            | '['
            | ']'
            | '^'
            | '_'
            | '{'
            | '|'
            | '}'
            | '~'
            | '$'
    )
}

fn is_space(c: char) -> bool {
    matches!(
        c,
        '\u{9}'..='\u{D}'
            | ' '
            | '\u{85}'
            | '\u{A0}'
            | '\u{1680}'
            | '\u{180E}'
            | '\u{2000}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}'
    )
}

/// Characters that make a post invalid (and never belong to a URL).
pub(crate) fn is_invalid_char(c: char) -> bool {
    matches!(c, '\u{FFFE}' | '\u{FEFF}' | '\u{FFFF}')
}

fn is_directional_marker(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{2066}'..='\u{2069}'
    )
}

/// Any character may be part of a domain label unless it is punctuation, space, invalid or a
/// bidi control: this is what lets IDN hosts (CJK, Arabic, emoji) through.
fn is_domain_char(c: char) -> bool {
    !(is_punct(c) || is_space(c) || is_invalid_char(c) || is_directional_marker(c))
}

fn is_valid_preceding(c: char) -> bool {
    !(c.is_ascii_alphanumeric() || matches!(c, '@' | '＠' | '$' | '#' | '＃') || is_invalid_char(c))
}

fn is_latin_accent(c: char) -> bool {
    matches!(
        c,
        '\u{C0}'..='\u{D6}'
            | '\u{D8}'..='\u{F6}'
            | '\u{F8}'..='\u{24F}'
            | '\u{253}'
            | '\u{254}'
            | '\u{256}'
            | '\u{257}'
            | '\u{259}'
            | '\u{25B}'
            | '\u{263}'
            | '\u{268}'
            | '\u{26F}'
            | '\u{272}'
            | '\u{289}'
            | '\u{28B}'
            | '\u{2BB}'
            | '\u{300}'..='\u{36F}'
            | '\u{1E00}'..='\u{1EFF}'
    )
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{400}'..='\u{4FF}')
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || is_cyrillic(c) || is_latin_accent(c)
}

fn is_path_char(c: char) -> bool {
    is_word_char(c)
        || matches!(
            c,
            '!' | '*'
                | '\''
                | ';'
                | ':'
                | '='
                | '+'
                | ','
                | '.'
                | '$'
                | '/'
                | '%'
                | '#'
                | '['
                | ']'
                | '-'
                | '\u{2013}'
                | '_'
                | '~'
                | '@'
                | '|'
                | '&'
        )
}

/// A path may only end on these (or on a balanced parenthesis group), which is what leaves
/// trailing `.`, `,`, `!` and the like outside the URL.
fn is_path_end_char(c: char) -> bool {
    is_word_char(c) || matches!(c, '+' | '-' | '=' | '_' | '#' | '/')
}

fn is_query_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '!' | '?'
                | '*'
                | '\''
                | '@'
                | '('
                | ')'
                | ';'
                | ':'
                | '&'
                | '='
                | '+'
                | '$'
                | '/'
                | '%'
                | '#'
                | '['
                | ']'
                | '-'
                | '_'
                | '.'
                | ','
                | '~'
                | '|'
        )
}

fn is_query_end_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '&' | '=' | '#' | '/')
}

fn is_ascii_label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || is_latin_accent(c)
}

/// A TLD must not run on into one of these.
fn blocks_tld_end(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '@' | '+' | '-')
}

fn starts_with_ignore_ascii_case(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|b| b.eq_ignore_ascii_case(prefix.as_bytes()))
}

fn fold_case(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Case-insensitive membership in a list sorted by bytes, without allocating.
fn tld_list_contains(list: &[&str], candidate: &str) -> bool {
    list.binary_search_by(|entry| -> Ordering {
        entry.chars().cmp(candidate.chars().map(fold_case))
    })
    .is_ok()
}

/// Length of `part` after punycode encoding (RFC 3492), without building the string.
fn punycode_len(part: &str) -> Option<usize> {
    const BASE: u32 = 36;
    const TMIN: u32 = 1;
    const TMAX: u32 = 26;
    let total = u32::try_from(part.chars().count()).ok()?;
    let basic = u32::try_from(part.chars().filter(char::is_ascii).count()).ok()?;
    let mut out = basic as usize + usize::from(basic > 0);
    let (mut n, mut delta, mut bias, mut handled) = (128u32, 0u32, 72u32, basic);
    while handled < total {
        let m = part.chars().map(u32::from).filter(|&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled + 1)?)?;
        n = m;
        for c in part.chars().map(u32::from) {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        TMIN
                    } else if k >= bias + TMAX {
                        TMAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out += 1;
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out += 1;
                bias = punycode_adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(out)
}

fn punycode_adapt(delta: u32, points: u32, first: bool) -> u32 {
    const BASE: u32 = 36;
    const TMIN: u32 = 1;
    const TMAX: u32 = 26;
    const SKEW: u32 = 38;
    const DAMP: u32 = 700;
    let mut delta = if first { delta / DAMP } else { delta / 2 };
    delta += delta / points.max(1);
    let mut k = 0;
    while delta > ((BASE - TMIN) * TMAX) / 2 {
        delta /= BASE - TMIN;
        k += BASE;
    }
    k + (BASE - TMIN + 1) * delta / (delta + SKEW)
}

/// Whether one dot-separated label of a domain is 1..=63 characters once converted to ASCII
/// the way punycode.js's `toASCII` does (ideographic full stops split it further).
fn label_fits(label: &str) -> bool {
    // Encoding never shortens: each character yields at least one output character.
    if label.chars().count() > MAX_LABEL_LEN {
        return false;
    }
    let mut total = 0usize;
    for (i, part) in label
        .split(['\u{3002}', '\u{FF0E}', '\u{FF61}'])
        .enumerate()
    {
        total += usize::from(i > 0);
        if part.is_ascii() {
            total += part.len();
        } else {
            match punycode_len(part) {
                Some(len) => total += "xn--".len() + len,
                None => return false,
            }
        }
    }
    (1..=MAX_LABEL_LEN).contains(&total)
}

/// One label valid as a subdomain (`_` allowed inside): where its closing dot is and whether
/// it may also be the label right before the TLD.
#[derive(Clone, Copy)]
struct Label {
    dot: usize,
    /// Valid as the label right before the TLD (no `_`).
    name_ok: bool,
}

#[derive(Clone, Copy)]
enum Kind {
    /// Labels of the main domain pattern (any domain character, `-`/`_` inside).
    Main,
    /// Labels of the ASCII-only domain pattern used for scheme-less URLs.
    Ascii,
}

/// Maximal run of label characters seen from `start`, cached because consecutive start
/// positions inside one run would otherwise rescan it each time.
#[derive(Clone, Copy, Default)]
struct Run {
    start: usize,
    end: usize,
    ends_with_dot: bool,
    last_is_domain_char: bool,
    last_underscore: Option<usize>,
}

struct Candidate {
    start: usize,
    end: usize,
    scheme_len: usize,
    domain: Range<usize>,
    has_path: bool,
    before: Option<char>,
}

struct Scanner<'a> {
    text: &'a str,
    memo_main: Vec<usize>,
    memo_ascii: Vec<usize>,
    stack: Vec<(usize, Label)>,
    run: Option<Run>,
    ascii_found: Vec<Range<usize>>,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Scanner {
            text,
            memo_main: Vec::new(),
            memo_ascii: Vec::new(),
            stack: Vec::new(),
            run: None,
            ascii_found: Vec::new(),
        }
    }

    fn char_at(&self, i: usize) -> Option<char> {
        self.text.get(i..).and_then(|s| s.chars().next())
    }

    fn byte_at(&self, i: usize) -> Option<u8> {
        self.text.as_bytes().get(i).copied()
    }

    fn run(&mut self, out: &mut Vec<Range<usize>>) {
        let mut p = 0;
        while let Some(c) = self.char_at(p) {
            let mut found = None;
            if is_valid_preceding(c) {
                found = self.candidate_at(p + c.len_utf8(), Some(c));
            }
            if found.is_none() && p == 0 {
                found = self.candidate_at(0, None);
            }
            match found {
                Some(m) => {
                    // Like a global regex, scanning resumes after the whole match even when
                    // the match is then rejected.
                    p = m.end;
                    self.accept(&m, out);
                }
                None => p += c.len_utf8(),
            }
        }
    }

    fn candidate_at(&mut self, start: usize, before: Option<char>) -> Option<Candidate> {
        let rest = self.text.get(start..)?;
        let scheme_len = if starts_with_ignore_ascii_case(rest, "https://") {
            8
        } else if starts_with_ignore_ascii_case(rest, "http://") {
            7
        } else {
            0
        };
        let domain_start = start + scheme_len;
        // Without the scheme the text would begin with `http:`, which is no domain, so a
        // failed domain after a scheme means no match here.
        let domain_end = self.domain_end(domain_start)?;
        let mut end = domain_end;
        if self.byte_at(end) == Some(b':')
            && self.byte_at(end + 1).is_some_and(|b| b.is_ascii_digit())
        {
            end += 1;
            while self.byte_at(end).is_some_and(|b| b.is_ascii_digit()) {
                end += 1;
            }
        }
        let mut has_path = false;
        if self.byte_at(end) == Some(b'/') {
            has_path = true;
            end = self.path_end(end + 1);
        }
        if self.byte_at(end) == Some(b'?') {
            if let Some(q) = self.query_end(end + 1, self.text.len()) {
                end = q;
            }
        }
        Some(Candidate {
            start,
            end,
            scheme_len,
            domain: domain_start..domain_end,
            has_path,
            before,
        })
    }

    fn accept(&mut self, m: &Candidate, out: &mut Vec<Range<usize>>) {
        let Some(url) = self.text.get(m.start..m.end) else {
            return;
        };
        let scheme_len = if m.scheme_len > 0 {
            m.scheme_len
        } else {
            DEFAULT_SCHEME_LEN
        };
        let utf16_len: usize = url.chars().map(char::len_utf16).sum();
        if scheme_len + utf16_len > MAX_URL_UTF16_LEN || !self.domain_is_valid(m.domain.clone()) {
            return;
        }
        if m.scheme_len == 0 {
            if m.before.is_some_and(|c| matches!(c, '-' | '_' | '.' | '/')) {
                return;
            }
            self.find_ascii_domains(m.domain.clone());
            let first_new = out.len();
            out.append(&mut self.ascii_found);
            if m.has_path && out.len() > first_new {
                if let Some(last) = out.last_mut() {
                    last.end = m.end;
                }
            }
        } else {
            let mut end = m.end;
            let host = m.start + m.scheme_len;
            if self
                .text
                .get(host..m.end)
                .is_some_and(|h| starts_with_ignore_ascii_case(h, "t.co/"))
            {
                let slug_start = host + "t.co/".len();
                let mut slug_end = slug_start;
                while slug_end < m.end
                    && self
                        .byte_at(slug_end)
                        .is_some_and(|b| b.is_ascii_alphanumeric())
                {
                    slug_end += 1;
                }
                if slug_end > slug_start {
                    if slug_end - slug_start > MAX_TCO_SLUG_LEN {
                        return;
                    }
                    end = slug_end;
                    if self.byte_at(end) == Some(b'?') && end < m.end {
                        if let Some(q) = self.query_end(end + 1, m.end) {
                            end = q;
                        }
                    }
                }
            }
            out.push(m.start..end);
        }
    }

    fn domain_is_valid(&mut self, domain: Range<usize>) -> bool {
        let Some(text) = self.text.get(domain.clone()) else {
            return false;
        };
        if text.starts_with("xn--") {
            self.find_ascii_domains(domain);
            let any = !self.ascii_found.is_empty();
            self.ascii_found.clear();
            if !any {
                return false;
            }
        }
        text.split('.').all(label_fits)
    }

    /// Every ASCII domain inside `domain` (leftmost first, non-overlapping) into
    /// `self.ascii_found`.
    fn find_ascii_domains(&mut self, domain: Range<usize>) {
        self.ascii_found.clear();
        let limit = domain.end;
        let mut t = domain.start;
        while t < limit {
            let Some(c) = self.char_at(t) else { break };
            if !is_ascii_label_char(c) {
                t += c.len_utf8();
                continue;
            }
            // Any start inside a run has the same labels after it as the run's start, so
            // only run starts need trying.
            if let Some(end) = self.chain(Kind::Ascii, t, limit) {
                self.ascii_found.push(t..end);
                t = end;
                continue;
            }
            while let Some(c) = self
                .char_at(t)
                .filter(|&c| t < limit && is_ascii_label_char(c))
            {
                t += c.len_utf8();
            }
        }
    }

    /// The run of main-pattern label characters containing `s`, reusing the cached one.
    fn run_at(&mut self, s: usize) -> Run {
        if let Some(run) = self.run.filter(|r| r.start <= s && s < r.end) {
            return run;
        }
        let mut run = Run {
            start: s,
            end: s,
            ..Run::default()
        };
        let mut i = s;
        while let Some(c) = self.char_at(i) {
            if c == '_' {
                run.last_underscore = Some(i);
            } else if !(c == '-' || is_domain_char(c)) {
                break;
            }
            run.last_is_domain_char = is_domain_char(c);
            i += c.len_utf8();
        }
        run.end = i;
        run.ends_with_dot = self.byte_at(i) == Some(b'.');
        self.run = Some(run);
        run
    }

    /// End of the domain starting at `s`, choosing (like the greedy regex) the longest chain
    /// of labels that still ends in a TLD.
    fn domain_end(&mut self, s: usize) -> Option<usize> {
        let first = self.char_at(s)?;
        if !is_domain_char(first) {
            return None;
        }
        let run = self.run_at(s);
        if !(run.ends_with_dot && run.last_is_domain_char) {
            return None;
        }
        let after = run.end + 1;
        if let Some(end) = self.chain(Kind::Main, after, self.text.len()) {
            return Some(end);
        }
        let name_ok = run.last_underscore.is_none_or(|u| u < s);
        if name_ok {
            return self.tld_at(after, self.text.len());
        }
        None
    }

    fn label_at(&self, kind: Kind, q: usize, limit: usize) -> Option<Label> {
        let mut i = q;
        let mut last_is_domain_char = false;
        let mut has_underscore = false;
        let first = self.char_at(q)?;
        match kind {
            Kind::Main => {
                if !is_domain_char(first) {
                    return None;
                }
                while let Some(c) = self.char_at(i).filter(|_| i < limit) {
                    if c == '_' {
                        has_underscore = true;
                    } else if !(c == '-' || is_domain_char(c)) {
                        break;
                    }
                    last_is_domain_char = is_domain_char(c);
                    i += c.len_utf8();
                }
            }
            Kind::Ascii => {
                while let Some(c) = self
                    .char_at(i)
                    .filter(|&c| i < limit && is_ascii_label_char(c))
                {
                    i += c.len_utf8();
                }
                last_is_domain_char = i > q;
            }
        }
        if i >= limit || self.byte_at(i) != Some(b'.') || !last_is_domain_char {
            return None;
        }
        Some(Label {
            dot: i,
            name_ok: !has_underscore,
        })
    }

    fn memo(&mut self, kind: Kind) -> &mut Vec<usize> {
        let len = self.text.len() + 1;
        let memo = match kind {
            Kind::Main => &mut self.memo_main,
            Kind::Ascii => &mut self.memo_ascii,
        };
        if memo.len() != len {
            memo.clear();
            memo.resize(len, UNKNOWN);
        }
        memo
    }

    /// Longest domain end reachable from the label starting at `q`, memoised per position so
    /// every label is examined once however many start positions lead to it.
    fn chain(&mut self, kind: Kind, q: usize, limit: usize) -> Option<usize> {
        let mut stack = std::mem::take(&mut self.stack);
        stack.clear();
        let mut pos = q;
        let mut tail = loop {
            let known = self.memo(kind).get(pos).copied().unwrap_or(NO_DOMAIN);
            if known != UNKNOWN {
                break (known != NO_DOMAIN).then_some(known);
            }
            match self.label_at(kind, pos, limit) {
                Some(label) => {
                    stack.push((pos, label));
                    pos = label.dot + 1;
                }
                None => {
                    self.set_memo(kind, pos, None);
                    break None;
                }
            }
        };
        while let Some((p, label)) = stack.pop() {
            if tail.is_none() && label.name_ok {
                tail = self.tld_at(label.dot + 1, limit);
            }
            self.set_memo(kind, p, tail);
        }
        self.stack = stack;
        tail
    }

    fn set_memo(&mut self, kind: Kind, pos: usize, value: Option<usize>) {
        if let Some(slot) = self.memo(kind).get_mut(pos) {
            *slot = value.unwrap_or(NO_DOMAIN);
        }
    }

    /// End of the TLD starting at `q` (text considered up to `limit`), if any.
    fn tld_at(&self, q: usize, limit: usize) -> Option<usize> {
        let slice = self.text.get(q..limit)?;
        let mut ends = [0usize; MAX_TLD_CHARS];
        let mut count = 0;
        for (i, c) in slice.char_indices().take(MAX_TLD_CHARS) {
            // No TLD holds punctuation or spaces, so longer candidates are pointless.
            if !is_domain_char(c) {
                break;
            }
            let end = i + c.len_utf8();
            let next = slice.get(end..).and_then(|r| r.chars().next());
            if next.is_none_or(|n| !blocks_tld_end(n)) {
                if let Some(slot) = ends.get_mut(count) {
                    *slot = end;
                    count += 1;
                }
            }
        }
        let ends = ends.get(..count).unwrap_or(&[]);
        // The reference alternation tries generic TLDs before country ones, longest first.
        for list in [GENERIC_TLDS, COUNTRY_TLDS] {
            for &end in ends.iter().rev() {
                if slice
                    .get(..end)
                    .is_some_and(|cand| tld_list_contains(list, cand))
                {
                    return Some(q + end);
                }
            }
        }
        if starts_with_ignore_ascii_case(slice, "xn--") {
            let tail = slice
                .bytes()
                .skip(4)
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
                .count();
            if tail > 0 {
                return Some(q + 4 + tail);
            }
        }
        None
    }

    /// End of a path that starts right after its `/`: the longest stretch of path characters
    /// and balanced parentheses that ends on an allowed final character.
    fn path_end(&self, start: usize) -> usize {
        let mut i = start;
        let mut last_good = start;
        while let Some(c) = self.char_at(i) {
            if is_path_char(c) {
                i += c.len_utf8();
                if is_path_end_char(c) {
                    last_good = i;
                }
            } else if c == '(' {
                match self.balanced_parens_end(i) {
                    Some(j) => {
                        i = j;
                        last_good = j;
                    }
                    None => break,
                }
            } else {
                break;
            }
        }
        last_good
    }

    fn path_chars_end(&self, mut i: usize) -> usize {
        while let Some(c) = self.char_at(i).filter(|&c| is_path_char(c)) {
            i += c.len_utf8();
        }
        i
    }

    /// `(chars)` or `(chars(chars)chars)` starting at `open`, one nesting level at most.
    fn balanced_parens_end(&self, open: usize) -> Option<usize> {
        let inner = open + 1;
        let i = self.path_chars_end(inner);
        match self.byte_at(i)? {
            b')' if i > inner => Some(i + 1),
            b'(' => {
                let nested = i + 1;
                let j = self.path_chars_end(nested);
                if j == nested || self.byte_at(j) != Some(b')') {
                    return None;
                }
                let k = self.path_chars_end(j + 1);
                (self.byte_at(k) == Some(b')')).then_some(k + 1)
            }
            _ => None,
        }
    }

    /// End of a query that starts right after its `?`, or `None` when no allowed final
    /// character follows (then the `?` stays outside the URL).
    fn query_end(&self, start: usize, limit: usize) -> Option<usize> {
        let mut i = start;
        let mut last_good = None;
        while let Some(c) = self.char_at(i).filter(|&c| i < limit && is_query_char(c)) {
            i += c.len_utf8();
            if is_query_end_char(c) {
                last_good = Some(i);
            }
        }
        last_good
    }
}

mod tlds;

use tlds::{COUNTRY_TLDS, GENERIC_TLDS};

#[cfg(test)]
mod tests;
