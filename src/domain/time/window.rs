//! Rolling-window frequency caps and quiet hours (rules `frequency/cap-exceeded`
//! and `frequency/quiet-hours`).
//!
//! Window convention (stated in the README): the window ending at a send at instant
//! `t` is the half-open interval `(t − per, t]`. A send exactly `per` after another
//! starts a new window; `per` is subtracted with the calendar rules of [`Span`].

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use chrono::{DateTime, NaiveTime, Timelike, Utc};
use chrono_tz::Tz;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer};

use crate::domain::time::{local_wall, Span};

/// One `[frequency]` entry: at most `max` sends in any window of length `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cap {
    /// Largest number of sends allowed in one window (0 forbids every send).
    pub max: u32,
    /// Length of the rolling window.
    pub per: Span,
}

/// A send that goes over a cap: it is the `count`-th send in the window ending at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation<S> {
    /// The offending send.
    pub send: S,
    /// Its index in the timeline passed to [`cap_violations`].
    pub index: usize,
    /// Timeline indices of the earlier sends in its window (for `related`).
    pub window: Range<usize>,
    /// Sends in the window, this one included (always more than `max`).
    pub count: u32,
}

impl<S: Copy> Violation<S> {
    /// The earlier sends of the window, read from the same timeline, oldest first.
    pub fn window_sends<'a>(
        &self,
        timeline: &'a [(DateTime<Utc>, S)],
    ) -> impl Iterator<Item = S> + 'a {
        timeline
            .get(self.window.clone())
            .unwrap_or_default()
            .iter()
            .map(|&(_, s)| s)
    }
}

/// Every send that is the `(max+1)`-th or later in the window ending at it.
///
/// `timeline` must be sorted by instant; sends at the same instant all count and
/// are taken in slice order. Runs in linear time with two pointers (window starts
/// never move back: see [`Span`]) and allocates only the returned vector; window
/// contents are index ranges into `timeline` rather than copies, so a long burst
/// costs O(1) memory per violation.
pub fn cap_violations<S: Copy>(
    timeline: &[(DateTime<Utc>, S)],
    cap: &Cap,
    tz: Tz,
) -> Vec<Violation<S>> {
    cap_violations_with_starts(timeline, cap.max, |_, t| cap.per.subtract_from_utc(t, tz))
}

/// [`cap_violations`] with the window start of each send given by `start(index, at)`
/// (`at` minus the cap's `per`), for callers that check many timelines made of the
/// same sends and compute each start once.
pub fn cap_violations_with_starts<S: Copy>(
    timeline: &[(DateTime<Utc>, S)],
    max: u32,
    start: impl Fn(usize, DateTime<Utc>) -> DateTime<Utc>,
) -> Vec<Violation<S>> {
    let mut out = Vec::new();
    let max = usize::try_from(max).unwrap_or(usize::MAX);
    if timeline.len() <= max {
        // Not enough sends to break the cap anywhere: skip the time-zone work.
        return out;
    }
    let mut lo = 0usize;
    for (i, &(t, send)) in timeline.iter().enumerate() {
        let start = start(i, t);
        // Sends at or before `start` are outside the half-open window.
        while lo < i && timeline.get(lo).is_some_and(|&(tl, _)| tl <= start) {
            lo += 1;
        }
        // Starts can step back a little inside an autumn repeated hour (02:10 of the
        // second pass comes after 02:30 of the first, but a week earlier 02:10 is
        // before 02:30), so re-include sends the pointer passed too eagerly.
        while lo > 0 && timeline.get(lo - 1).is_some_and(|&(tl, _)| tl > start) {
            lo -= 1;
        }
        let in_window = i - lo + 1;
        if in_window > max {
            out.push(Violation {
                send,
                index: i,
                window: lo..i,
                count: u32::try_from(in_window).unwrap_or(u32::MAX),
            });
        }
    }
    out
}

/// A `[quiet_hours]` entry: local times in `[from, to)` are quiet; a window with
/// `from` after `to` crosses midnight (`21:00`–`09:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    from: NaiveTime,
    to: NaiveTime,
}

/// Why a quiet-hours entry was refused; `Display` is a full sentence for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuietHoursError {
    /// A time is not `HH:MM` on a 24-hour clock.
    BadTime(String),
    /// `from` and `to` are the same time, which could mean no quiet time or all day.
    Empty(String),
}

impl fmt::Display for QuietHoursError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuietHoursError::BadTime(s) => write!(
                f,
                "\"{s}\" is not a time of day: write hours and minutes on a 24-hour clock, like \"21:00\" or \"09:00\" (midnight is \"00:00\")"
            ),
            QuietHoursError::Empty(s) => write!(
                f,
                "quiet hours from {s} to {s} are empty: use two different times, or remove the entry to have no quiet hours"
            ),
        }
    }
}

impl std::error::Error for QuietHoursError {}

/// Parses strict `HH:MM` (two digits each, 00:00–23:59).
fn parse_hhmm(s: &str) -> Result<NaiveTime, QuietHoursError> {
    let bad = || QuietHoursError::BadTime(s.to_owned());
    let b = s.as_bytes();
    if b.len() != 5 || b.get(2) != Some(&b':') {
        return Err(bad());
    }
    let two = |x: Option<&u8>, y: Option<&u8>| -> Option<u32> {
        match (x, y) {
            (Some(x @ b'0'..=b'9'), Some(y @ b'0'..=b'9')) => {
                Some(u32::from(x - b'0') * 10 + u32::from(y - b'0'))
            }
            _ => None,
        }
    };
    let h = two(b.first(), b.get(1)).ok_or_else(bad)?;
    let m = two(b.get(3), b.get(4)).ok_or_else(bad)?;
    NaiveTime::from_hms_opt(h, m, 0).ok_or_else(bad)
}

impl QuietHours {
    /// Quiet hours from `from` to `to`; refused when the two are equal.
    pub fn new(from: NaiveTime, to: NaiveTime) -> Result<QuietHours, QuietHoursError> {
        if from == to {
            return Err(QuietHoursError::Empty(from.format("%H:%M").to_string()));
        }
        Ok(QuietHours { from, to })
    }

    /// Quiet hours from two `"HH:MM"` strings.
    pub fn parse(from: &str, to: &str) -> Result<QuietHours, QuietHoursError> {
        QuietHours::new(parse_hhmm(from)?, parse_hhmm(to)?)
    }

    /// First quiet minute (inclusive).
    pub fn start(&self) -> NaiveTime {
        self.from
    }

    /// First minute no longer quiet (exclusive).
    pub fn end(&self) -> NaiveTime {
        self.to
    }

    /// Whether a local wall-clock time is quiet.
    pub fn contains(&self, local: NaiveTime) -> bool {
        if self.from < self.to {
            self.from <= local && local < self.to
        } else {
            local >= self.from || local < self.to
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuietHours<'a> {
    #[serde(borrow)]
    from: Cow<'a, str>,
    #[serde(borrow)]
    to: Cow<'a, str>,
}

impl<'de> Deserialize<'de> for QuietHours {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<QuietHours, D::Error> {
        let raw = RawQuietHours::deserialize(deserializer)?;
        QuietHours::parse(&raw.from, &raw.to).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for QuietHours {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("QuietHours")
    }

    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "description": "Local times in [from, to) are quiet; when from is later than to the window crosses midnight. from and to must differ.",
            "properties": {
                "from": { "type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "description": "First quiet minute, HH:MM (24-hour clock)." },
                "to": { "type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "description": "First minute no longer quiet, HH:MM (24-hour clock)." }
            },
            "required": ["from", "to"],
            "additionalProperties": false
        })
    }
}

/// Whether a send at `instant` starts inside the quiet hours, read in `tz`.
pub fn in_quiet_hours(instant: DateTime<Utc>, tz: Tz, q: &QuietHours) -> bool {
    // Sub-minute precision matters only at the edges: 08:59:59 is still quiet.
    let local = local_wall(instant, tz).time();
    let local = local.with_nanosecond(0).unwrap_or(local);
    q.contains(local)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Rome;

    fn utc(s: &str) -> DateTime<Utc> {
        match DateTime::parse_from_rfc3339(s) {
            Ok(d) => d.to_utc(),
            Err(e) => panic!("bad test instant {s}: {e}"),
        }
    }

    fn cap(max: u32, per: &str) -> Cap {
        match per.parse() {
            Ok(per) => Cap { max, per },
            Err(e) => panic!("bad test span {per}: {e}"),
        }
    }

    fn flagged(timeline: &[(DateTime<Utc>, u32)], c: &Cap) -> Vec<(u32, Vec<u32>, u32)> {
        cap_violations(timeline, c, Rome)
            .into_iter()
            .map(|v| (v.send, v.window_sends(timeline).collect(), v.count))
            .collect()
    }

    #[test]
    fn exactly_per_later_is_a_new_window() {
        let c = cap(1, "7d");
        let t = [
            (utc("2026-11-01T09:00:00Z"), 1),
            (utc("2026-11-08T09:00:00Z"), 2),
        ];
        assert!(flagged(&t, &c).is_empty());
    }

    #[test]
    fn a_minute_less_is_in_the_window() {
        let c = cap(1, "7d");
        let t = [
            (utc("2026-11-01T09:00:00Z"), 1),
            (utc("2026-11-08T08:59:00Z"), 2),
        ];
        assert_eq!(flagged(&t, &c), vec![(2, vec![1], 2)]);
    }

    #[test]
    fn week_window_across_spring_dst_is_calendar() {
        // 10:00 local on both days: 7 calendar days apart but only 167 hours.
        let c = cap(1, "7d");
        let t = [
            (utc("2026-03-26T09:00:00Z"), 1),
            (utc("2026-04-02T08:00:00Z"), 2),
        ];
        assert!(flagged(&t, &c).is_empty());
        // With hours, 167h < 168h: same window.
        let c = cap(1, "168h");
        assert_eq!(flagged(&t, &c), vec![(2, vec![1], 2)]);
    }

    #[test]
    fn window_start_steps_back_in_repeated_hour() {
        let c = cap(1, "7d");
        let t = [
            (utc("2026-10-18T00:20:00Z"), 0), // 02:20 CEST
            (utc("2026-10-25T00:30:00Z"), 1), // 02:30 CEST, window from 18 Oct 02:30
            (utc("2026-10-25T01:10:00Z"), 2), // 02:10 CET, window from 18 Oct 02:10
        ];
        // Send 1's window starts at 00:30 UTC on 18 Oct (send 0 is outside); send
        // 2's starts at 00:10 UTC, so send 0 is back in.
        assert_eq!(flagged(&t, &c), vec![(2, vec![0, 1], 3)]);
    }

    #[test]
    fn ties_all_count_in_order() {
        let c = cap(2, "1d");
        let at = utc("2026-11-27T09:00:00Z");
        let t = [(at, 1), (at, 2), (at, 3), (at, 4)];
        assert_eq!(
            flagged(&t, &c),
            vec![(3, vec![1, 2], 3), (4, vec![1, 2, 3], 4)]
        );
    }

    #[test]
    fn rolling_window_slides() {
        let c = cap(2, "7d");
        let t = [
            (utc("2026-11-01T09:00:00Z"), 1),
            (utc("2026-11-03T09:00:00Z"), 2),
            (utc("2026-11-05T09:00:00Z"), 3), // 3 in (Oct 29, Nov 5]
            (utc("2026-11-08T09:00:00Z"), 4), // window (Nov 1, Nov 8]: 2, 3, 4
            (utc("2026-11-12T09:00:00Z"), 5), // (Nov 5, Nov 12]: 4, 5
        ];
        assert_eq!(
            flagged(&t, &c),
            vec![(3, vec![1, 2], 3), (4, vec![2, 3], 3)]
        );
    }

    #[test]
    fn month_windows_across_month_ends() {
        let c = cap(1, "1mo");
        // 31 March 10:00 minus 1mo is 28 Feb 10:00: a send at that instant is outside.
        let t = [
            (utc("2026-02-28T09:00:00Z"), 1),
            (utc("2026-03-31T08:00:00Z"), 2),
        ];
        assert!(flagged(&t, &c).is_empty());
        // One minute after 28 Feb 10:00 is inside.
        let t = [
            (utc("2026-02-28T09:01:00Z"), 1),
            (utc("2026-03-31T08:00:00Z"), 2),
        ];
        assert_eq!(flagged(&t, &c), vec![(2, vec![1], 2)]);
        // 15 Jan to 15 Feb is exactly one month: new window; 14 Feb is not.
        let t = [
            (utc("2026-01-15T09:00:00Z"), 1),
            (utc("2026-02-14T09:00:00Z"), 2),
            (utc("2026-03-15T09:00:00Z"), 3),
        ];
        assert_eq!(flagged(&t, &c), vec![(2, vec![1], 2)]);
    }

    #[test]
    fn max_zero_flags_every_send() {
        let c = cap(0, "1d");
        let t = [
            (utc("2026-11-01T09:00:00Z"), 1),
            (utc("2026-11-05T09:00:00Z"), 2),
        ];
        assert_eq!(flagged(&t, &c), vec![(1, vec![], 1), (2, vec![], 1)]);
    }

    #[test]
    fn cap_deserializes() {
        let c: Result<Cap, _> = toml::from_str("max = 2\nper = \"7d\"");
        assert_eq!(c, Ok(cap(2, "7d")));
        let c: Result<Cap, _> = toml::from_str("max = 2\nper = \"7d\"\nevery = 1");
        assert!(c.is_err());
        let c: Result<Cap, _> = toml::from_str("max = -1\nper = \"7d\"");
        assert!(c.is_err());
    }

    #[test]
    fn large_timeline_is_linear() {
        // 200,000 hourly sends under a weekly cap: must finish quickly (two pointers).
        let start = utc("2026-01-01T00:00:00Z");
        let t: Vec<(DateTime<Utc>, u32)> = (0..200_000u32)
            .map(|i| (start + chrono::TimeDelta::hours(i64::from(i)), i))
            .collect();
        let v = cap_violations(&t, &cap(2, "7d"), Rome);
        assert_eq!(v.len(), 200_000 - 2);
        // A calendar week is 167, 168 or 169 hours depending on DST.
        assert!(v.iter().skip(200).all(|v| (167..=169).contains(&v.count)));
        assert!(v.iter().any(|v| v.count == 169) && v.iter().any(|v| v.count == 167));
    }

    /// Same result as `cap_violations` by counting every window from scratch.
    fn brute(t: &[(DateTime<Utc>, u32)], c: &Cap) -> Vec<(u32, Vec<u32>, u32)> {
        let mut out = Vec::new();
        for (i, &(ti, si)) in t.iter().enumerate() {
            let start = c.per.subtract_from_utc(ti, Rome);
            let earlier: Vec<u32> = t[..i]
                .iter()
                .filter(|&&(tj, _)| tj > start)
                .map(|&(_, s)| s)
                .collect();
            let count = earlier.len() as u32 + 1;
            if count > c.max {
                out.push((si, earlier, count));
            }
        }
        out
    }

    #[test]
    fn matches_brute_force_around_dst_and_month_ends() {
        // Deterministic pseudo-random gaps (LCG) so the test needs no extra crate.
        let mut seed: u64 = 0x2026_1127;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            seed >> 33
        };
        for (start, per, max, step_minutes) in [
            ("2026-03-20T00:00:00Z", "7d", 2, 600),
            ("2026-10-18T00:00:00Z", "7d", 2, 40),
            ("2026-10-24T23:00:00Z", "1d", 3, 7),
            ("2027-01-20T00:00:00Z", "1mo", 3, 4000),
            ("2027-10-25T00:00:00Z", "2w", 4, 900),
            ("2026-03-28T22:00:00Z", "5h", 2, 25),
        ] {
            let c = cap(max, per);
            let mut at = utc(start);
            let mut t = Vec::new();
            for id in 0..400u32 {
                t.push((at, id));
                // Zero gaps happen too: simultaneous sends.
                let gap = next() % step_minutes;
                at += chrono::TimeDelta::minutes(gap as i64);
            }
            assert_eq!(flagged(&t, &c), brute(&t, &c), "{start} {per}");
        }
    }

    fn q(from: &str, to: &str) -> QuietHours {
        match QuietHours::parse(from, to) {
            Ok(q) => q,
            Err(e) => panic!("bad test quiet hours: {e}"),
        }
    }

    #[test]
    fn quiet_hours_cross_midnight() {
        let qh = q("21:00", "09:00");
        let at = |s: &str| in_quiet_hours(utc(s), Rome, &qh);
        assert!(at("2026-11-27T20:00:00Z")); // 21:00 CET: inside
        assert!(!at("2026-11-27T19:59:00Z")); // 20:59
        assert!(at("2026-11-27T21:30:00Z")); // 22:30
        assert!(at("2026-11-27T23:00:00Z")); // 00:00
        assert!(at("2026-11-28T07:59:00Z")); // 08:59
        assert!(at("2026-11-28T07:59:59.999Z")); // 08:59:59.999
        assert!(!at("2026-11-28T08:00:00Z")); // 09:00: outside
        assert!(!at("2026-07-01T07:00:00Z")); // 09:00 CEST: outside
        assert!(at("2026-07-01T06:59:00Z")); // 08:59 CEST
    }

    #[test]
    fn quiet_hours_same_day() {
        let qh = q("13:00", "15:00");
        assert!(qh.contains(NaiveTime::from_hms_opt(13, 0, 0).unwrap_or_default()));
        assert!(!qh.contains(NaiveTime::from_hms_opt(15, 0, 0).unwrap_or_default()));
        assert!(!qh.contains(NaiveTime::from_hms_opt(12, 59, 0).unwrap_or_default()));
        let to_midnight = q("21:00", "00:00");
        assert!(to_midnight.contains(NaiveTime::from_hms_opt(23, 59, 0).unwrap_or_default()));
        assert!(!to_midnight.contains(NaiveTime::from_hms_opt(0, 0, 0).unwrap_or_default()));
    }

    #[test]
    fn quiet_hours_validation() {
        for bad in [
            "9:00", "24:00", "21:60", "21.00", "", "21:00:00", "２1:00", "ab:cd",
        ] {
            assert!(
                matches!(
                    QuietHours::parse(bad, "09:00"),
                    Err(QuietHoursError::BadTime(_))
                ),
                "{bad:?}"
            );
        }
        assert!(matches!(
            QuietHours::parse("09:00", "09:00"),
            Err(QuietHoursError::Empty(_))
        ));
        let ok: Result<QuietHours, _> = toml::from_str("from = \"21:00\"\nto = \"09:00\"");
        assert_eq!(ok, Ok(q("21:00", "09:00")));
        let bad: Result<QuietHours, _> = toml::from_str("from = \"21:00\"\nto = \"21:00\"");
        let msg = bad.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("are empty"), "{msg}");
        let bad: Result<QuietHours, _> =
            toml::from_str("from = \"21:00\"\nto = \"09:00\"\nuntil = \"x\"");
        assert!(bad.is_err());
    }
}
