//! The scanner proper: one left-to-right walk over the text that finds every URL the
//! twitter-text reference regex would, with the regex's backtracking replaced by memoised
//! label chains.

use std::ops::Range;

use super::chars::{
    blocks_tld_end, is_ascii_label_char, is_domain_char, is_path_char, is_path_end_char,
    is_query_char, is_query_end_char, is_valid_preceding, starts_with_ignore_ascii_case,
};
use super::host::{label_fits, tld_list_contains};
use super::tlds::{COUNTRY_TLDS, GENERIC_TLDS};
use super::Url;

/// Longest URL (in UTF-16 units, scheme included) twitter-text accepts.
const MAX_URL_UTF16_LEN: usize = 4096;
/// Longest slug of a `t.co` link that still counts as one.
const MAX_TCO_SLUG_LEN: usize = 40;
/// Scheme length assumed for scheme-less URLs when checking their total length.
const DEFAULT_SCHEME_LEN: usize = "https://".len();
/// Characters in the longest entry of the TLD lists.
pub(super) const MAX_TLD_CHARS: usize = 18;

/// Memo slot not computed yet.
const UNKNOWN: usize = usize::MAX;
/// Memo slot computed: no domain from here.
const NO_DOMAIN: usize = usize::MAX - 1;

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
    /// Where the path (or query) starts: after the domain and its `:port`.
    path_start: usize,
    has_path: bool,
    before: Option<char>,
}

/// Where the next URL can start: at `first` or later, before the dot at `dot`.
#[derive(Clone, Copy)]
struct Zone {
    first: usize,
    dot: usize,
}

pub(super) struct Scanner<'a> {
    text: &'a str,
    memo_main: Vec<usize>,
    memo_ascii: Vec<usize>,
    stack: Vec<(usize, Label)>,
    run: Option<Run>,
    ascii_found: Vec<Range<usize>>,
}

impl<'a> Scanner<'a> {
    pub(super) fn new(text: &'a str) -> Self {
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

    pub(super) fn run(&mut self, out: &mut Vec<Url>) {
        let mut p = 0;
        let Some(mut zone) = self.zone_from(0) else {
            return;
        };
        while let Some(c) = self.char_at(p) {
            let start = p + c.len_utf8();
            if start > zone.dot {
                match self.zone_from(start) {
                    Some(z) => zone = z,
                    None => break,
                }
            }
            if start < zone.first && !(p == 0 && zone.first == 0) {
                // Jump to the character right before the first start that can succeed.
                p = self
                    .text
                    .get(..zone.first)
                    .and_then(|head| head.char_indices().next_back())
                    .map_or(zone.first, |(i, _)| i);
                continue;
            }
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

    /// The next stretch where a URL can start, from `from` on: a domain needs its first
    /// label to run unbroken up to a dot, so only the label characters right before the next
    /// dot, or a `http(s)://` right before them, can start one. Finding it costs a search
    /// for the dot and a look back over that label, so the whole scan stays one pass.
    fn zone_from(&self, from: usize) -> Option<Zone> {
        let dot = from + self.text.get(from..)?.find('.')?;
        let head = self.text.get(from..dot)?;
        let label_len: usize = head
            .chars()
            .rev()
            .take_while(|&c| c == '-' || c == '_' || is_domain_char(c))
            .map(char::len_utf8)
            .sum();
        let label = dot - label_len;
        let scheme = ["https://", "http://"].iter().find_map(|scheme| {
            let at = label.checked_sub(scheme.len()).filter(|&at| at >= from)?;
            let written = self.text.get(at..label)?;
            written.eq_ignore_ascii_case(scheme).then_some(at)
        });
        Some(Zone {
            first: scheme.unwrap_or(label),
            dot,
        })
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
        let path_start = end;
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
            path_start,
            has_path,
            before,
        })
    }

    fn accept(&mut self, m: &Candidate, out: &mut Vec<Url>) {
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
            out.extend(self.ascii_found.drain(..).map(|host| Url {
                range: host.clone(),
                path: host.end..host.end,
                host,
                has_protocol: false,
            }));
            if m.has_path && out.len() > first_new {
                if let Some(last) = out.last_mut() {
                    last.range.end = m.end;
                    last.path = m.path_start.max(last.host.end)..m.end;
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
            out.push(Url {
                range: m.start..end,
                host: m.domain.clone(),
                path: m.path_start.min(end)..end,
                has_protocol: true,
            });
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
