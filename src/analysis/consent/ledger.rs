//! The consent ledger indexed for lookups, and the verdict for one person at one
//! instant (SPEC 1.5).
//!
//! The ledger is indexed once into a vector sorted by (channel, purpose, contact, time),
//! so one contact's history for one channel and purpose is a contiguous slice found by
//! binary search.

use std::num::NonZeroU32;

use chrono::{DateTime, Utc};

use crate::base::channel::{ConsentChannel, Purpose};
use crate::project::{Action, ConsentEvent, ContactKey, Ledger};

/// One ledger event in the index. Field order is the sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    /// Consent channel.
    pub channel: ConsentChannel,
    /// Purpose.
    pub purpose: Purpose,
    /// Who.
    pub contact: ContactKey,
    /// When.
    pub at: DateTime<Utc>,
    /// Index of the ledger in `Project::ledgers` (files in path order).
    pub ledger: u32,
    /// Index of the event in that ledger (rows in file order).
    pub event: u32,
    /// Granted or withdrawn.
    pub action: Action,
    /// Whether the row gives a source.
    pub has_source: bool,
}

/// Every ledger event, sorted so that one contact's history for one channel and purpose
/// is a contiguous, time-ordered slice. Two events at the same instant keep ledger and
/// row order, so the one written last is the latest.
#[derive(Debug, Default)]
pub struct LedgerIndex {
    entries: Vec<Entry>,
}

impl LedgerIndex {
    /// Indexes `(ledger index, events)` pairs.
    pub fn build<'a>(ledgers: impl IntoIterator<Item = &'a [ConsentEvent]>) -> LedgerIndex {
        let mut entries = Vec::new();
        for (li, events) in ledgers.into_iter().enumerate() {
            let ledger = u32::try_from(li).unwrap_or(u32::MAX);
            entries.extend(events.iter().enumerate().map(|(ei, e)| Entry {
                channel: e.channel,
                purpose: e.purpose,
                contact: e.contact,
                at: e.at,
                ledger,
                event: u32::try_from(ei).unwrap_or(u32::MAX),
                action: e.action,
                has_source: e.has_source,
            }));
        }
        entries.sort_unstable();
        LedgerIndex { entries }
    }

    /// The events of one channel and purpose, sorted by contact then time.
    pub fn slice(&self, channel: ConsentChannel, purpose: Purpose) -> &[Entry] {
        let lo = self
            .entries
            .partition_point(|e| (e.channel, e.purpose) < (channel, purpose));
        let hi = self
            .entries
            .partition_point(|e| (e.channel, e.purpose) <= (channel, purpose));
        self.entries.get(lo..hi).unwrap_or(&[])
    }

    /// Number of events indexed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the ledger is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// One contact's events in `slice` (a [`LedgerIndex::slice`]), found from `from` on;
/// returns the history and the position to continue from for a larger contact.
pub fn history(slice: &[Entry], from: usize, contact: ContactKey) -> (&[Entry], usize) {
    let rest = slice.get(from..).unwrap_or(&[]);
    // Callers walk contacts in order and most have a history, so it usually starts
    // within a few entries: look there before searching the whole rest.
    let start = match rest.iter().take(8).position(|e| e.contact >= contact) {
        Some(near) => near,
        None => rest.partition_point(|e| e.contact < contact),
    };
    // A history is a handful of events.
    let len = rest
        .get(start..)
        .unwrap_or(&[])
        .iter()
        .take_while(|e| e.contact == contact)
        .count();
    let hist = rest.get(start..start + len).unwrap_or(&[]);
    (hist, from + start + len)
}

/// Why a recipient is not covered at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Problem {
    /// No event at or before the instant.
    Missing,
    /// No marketing event, but a service grant in force (it does not cover marketing).
    ServiceOnly,
    /// The grant in force has no source while `require_source` is on.
    Unsourced,
    /// The latest event is a withdrawal.
    Withdrawn,
    /// The latest event is a grant older than `consent.max_age`.
    Expired,
}

impl Problem {
    /// Every problem, in report order.
    pub const ALL: [Problem; 5] = [
        Problem::Missing,
        Problem::ServiceOnly,
        Problem::Unsourced,
        Problem::Withdrawn,
        Problem::Expired,
    ];

    /// A short name for reports (`missing`, `service-only`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Problem::Missing => "missing",
            Problem::ServiceOnly => "service-only",
            Problem::Unsourced => "no-source",
            Problem::Withdrawn => "withdrawn",
            Problem::Expired => "expired",
        }
    }

    /// The problem's position in [`Problem::ALL`].
    pub fn slot(self) -> usize {
        self as usize
    }

    /// Which of the [`FAMILIES`] reports it: no valid grant (missing, service-only,
    /// no source), withdrawn, expired.
    pub fn family(self) -> usize {
        match self {
            Problem::Missing | Problem::ServiceOnly | Problem::Unsourced => 0,
            Problem::Withdrawn => 1,
            Problem::Expired => 2,
        }
    }
}

/// Problems are reported in three families (one `consent/*` rule each): see
/// [`Problem::family`].
pub const FAMILIES: usize = 3;

/// The consent of one contact at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A grant counts.
    Covered,
    /// No grant counts; the event that decided it, when there is one.
    Not(Problem, Option<Entry>),
}

/// Decides coverage at `t` from one contact's time-ordered `history` for the send's
/// channel and purpose: the latest event at or before `t` (an event at the very instant
/// counts) must be a grant made at or after `cutoff` (`t` minus `consent.max_age`), with
/// a source when `require_source`. `service` is the contact's service history, consulted
/// only to explain a missing marketing grant.
pub fn verdict(
    history: &[Entry],
    service: &[Entry],
    t: DateTime<Utc>,
    cutoff: DateTime<Utc>,
    require_source: bool,
) -> Verdict {
    let latest = |h: &[Entry]| {
        h.partition_point(|e| e.at <= t)
            .checked_sub(1)
            .and_then(|i| h.get(i).copied())
    };
    match latest(history) {
        None => match latest(service) {
            Some(s) if s.action == Action::Granted => Verdict::Not(Problem::ServiceOnly, Some(s)),
            _ => Verdict::Not(Problem::Missing, None),
        },
        Some(e) if e.action == Action::Withdrawn => Verdict::Not(Problem::Withdrawn, Some(e)),
        Some(e) if e.at < cutoff => Verdict::Not(Problem::Expired, Some(e)),
        Some(e) if require_source && !e.has_source => Verdict::Not(Problem::Unsourced, Some(e)),
        Some(_) => Verdict::Covered,
    }
}

/// Which ledger event decided a finding: its position among the events of all ledgers
/// taken in order, plus one. Four bytes (with `Option` free) rather than a copy of its
/// [`Entry`], because there can be millions of findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventRef(NonZeroU32);

impl EventRef {
    /// The reference to event `event` of ledger `ledger`, given each ledger's number of
    /// events before it (`offsets`); `None` past `u32` (not reachable: events are
    /// numbered in `u32`).
    pub fn new(offsets: &[u32], ledger: u32, event: u32) -> Option<EventRef> {
        let before = *offsets.get(ledger as usize)?;
        before
            .checked_add(event)?
            .checked_add(1)
            .and_then(NonZeroU32::new)
            .map(EventRef)
    }

    /// The ledger and event this refers to.
    pub fn locate(self, ledgers: &[Ledger]) -> Option<(&Ledger, &ConsentEvent)> {
        let mut n = (self.0.get() - 1) as usize;
        for l in ledgers {
            match l.events.get(n) {
                Some(e) => return Some((l, e)),
                None => n -= l.events.len(),
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::phone::{parse, E164};
    use crate::domain::time::Span;
    use chrono::TimeZone;
    use chrono_tz::Europe::Rome;

    fn key(n: &str) -> ContactKey {
        ContactKey::Phone(
            parse(n, "IT")
                .map(|p| p.e164)
                .unwrap_or_else(|_| E164::from_u64(393331234567).unwrap_or_else(|| unreachable!())),
        )
    }

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Rome.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .map(|t| t.to_utc())
            .unwrap_or_default()
    }

    fn ev(purpose: Purpose, action: Action, t: DateTime<Utc>, src: bool) -> ConsentEvent {
        ConsentEvent {
            contact: key("+393331234567"),
            form: crate::project::PhoneForm::E164,
            channel: ConsentChannel::Whatsapp,
            purpose,
            action,
            at: t,
            has_source: src,
            line: 2,
            row_start: 0,
        }
    }

    fn decide(events: &[ConsentEvent], t: DateTime<Utc>) -> Verdict {
        let index = LedgerIndex::build([events]);
        let m = index.slice(ConsentChannel::Whatsapp, Purpose::Marketing);
        let s = index.slice(ConsentChannel::Whatsapp, Purpose::Service);
        let (h, _) = history(m, 0, key("+393331234567"));
        let (sh, _) = history(s, 0, key("+393331234567"));
        let cutoff = Span::MONTHS_24.subtract_from_utc(t, Rome);
        verdict(h, sh, t, cutoff, true)
    }

    fn problem(v: Verdict) -> Option<Problem> {
        match v {
            Verdict::Covered => None,
            Verdict::Not(p, _) => Some(p),
        }
    }

    const M: Purpose = Purpose::Marketing;
    const G: Action = Action::Granted;
    const W: Action = Action::Withdrawn;

    #[test]
    fn a_grant_at_the_very_instant_of_the_send_counts() {
        let send = at(2026, 11, 27, 10, 0);
        assert_eq!(problem(decide(&[ev(M, G, send, true)], send)), None);
        let one_second_late = send + chrono::TimeDelta::seconds(1);
        assert_eq!(
            problem(decide(&[ev(M, G, one_second_late, true)], send)),
            Some(Problem::Missing)
        );
    }

    #[test]
    fn a_withdrawal_at_the_very_instant_of_the_send_counts() {
        let send = at(2026, 11, 27, 10, 0);
        let events = [ev(M, G, at(2026, 1, 1, 0, 0), true), ev(M, W, send, false)];
        assert_eq!(problem(decide(&events, send)), Some(Problem::Withdrawn));
        // A withdrawal after the send does not reach back.
        let later = [
            ev(M, G, at(2026, 1, 1, 0, 0), true),
            ev(M, W, send + chrono::TimeDelta::seconds(1), false),
        ];
        assert_eq!(problem(decide(&later, send)), None);
    }

    #[test]
    fn max_age_to_the_day() {
        let send = at(2026, 11, 27, 10, 0);
        // 24 months before to the minute: still counts.
        assert_eq!(
            problem(decide(&[ev(M, G, at(2024, 11, 27, 10, 0), true)], send)),
            None
        );
        // A date-only grant on that day (midnight) is older than 24 months at 10:00.
        assert_eq!(
            problem(decide(&[ev(M, G, at(2024, 11, 27, 0, 0), true)], send)),
            Some(Problem::Expired)
        );
        // The next day is fine.
        assert_eq!(
            problem(decide(&[ev(M, G, at(2024, 11, 28, 0, 0), true)], send)),
            None
        );
        // Calendar months: 31 March minus one month is 28/29 February, not 3 March.
        let march31 = at(2026, 3, 31, 9, 0);
        let one_month = Span::new(1, crate::domain::time::Unit::Month).unwrap_or(Span::MONTHS_24);
        assert_eq!(
            one_month.subtract_from_utc(march31, Rome),
            at(2026, 2, 28, 9, 0)
        );
    }

    #[test]
    fn service_consent_does_not_cover_marketing() {
        let send = at(2026, 11, 27, 10, 0);
        let events = [ev(Purpose::Service, G, at(2026, 5, 1, 0, 0), true)];
        assert_eq!(problem(decide(&events, send)), Some(Problem::ServiceOnly));
    }

    #[test]
    fn a_grant_without_source_does_not_count_when_required() {
        let send = at(2026, 11, 27, 10, 0);
        let events = [ev(M, G, at(2026, 5, 1, 0, 0), false)];
        assert_eq!(problem(decide(&events, send)), Some(Problem::Unsourced));
        let index = LedgerIndex::build([&events[..]]);
        let (h, _) = history(
            index.slice(ConsentChannel::Whatsapp, M),
            0,
            key("+393331234567"),
        );
        assert_eq!(
            verdict(h, &[], send, DateTime::<Utc>::MIN_UTC, false),
            Verdict::Covered
        );
    }

    #[test]
    fn regrant_after_withdrawal_counts_and_same_instant_keeps_row_order() {
        let send = at(2026, 11, 27, 10, 0);
        let t = at(2026, 6, 1, 0, 0);
        let events = [ev(M, G, t, true), ev(M, W, t, false)];
        assert_eq!(problem(decide(&events, send)), Some(Problem::Withdrawn));
        let events = [ev(M, W, t, false), ev(M, G, t, true)];
        assert_eq!(problem(decide(&events, send)), None);
    }

    #[test]
    fn event_refs_number_events_across_ledgers() {
        let t = at(2026, 1, 1, 0, 0);
        let ledger = |n: u32| Ledger {
            file: crate::base::source::FileId(n),
            columns: [None; 6],
            events: (0..n).map(|_| ev(M, G, t, true)).collect(),
        };
        let ledgers = [ledger(2), ledger(0), ledger(3)];
        let offsets = [0, 2, 2];
        let found = |l: u32, e: u32| {
            EventRef::new(&offsets, l, e)
                .and_then(|r| r.locate(&ledgers))
                .map(|(l, e)| (l.file.0, l.events.iter().position(|x| std::ptr::eq(x, e))))
        };
        assert_eq!(found(0, 1), Some((2, Some(1))));
        assert_eq!(found(2, 0), Some((3, Some(0))));
        assert_eq!(found(2, 2), Some((3, Some(2))));
        assert_eq!(found(2, 3), None);
        assert_eq!(found(3, 0), None);
    }
}
