//! Wall-clock times in a time zone: reading an instant's local time, placing a local
//! time that a DST change skips or repeats, and writing an instant as people read it.

use chrono::{DateTime, LocalResult, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::{OffsetName, Tz};

/// Earliest instant used when arithmetic saturates: two days inside chrono's range,
/// so converting it to any time zone's wall clock cannot overflow.
pub(super) fn earliest() -> DateTime<Utc> {
    DateTime::<Utc>::MIN_UTC
        .checked_add_signed(TimeDelta::days(2))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Latest instant used when arithmetic saturates (see [`earliest`]).
pub(super) fn latest() -> DateTime<Utc> {
    DateTime::<Utc>::MAX_UTC
        .checked_sub_signed(TimeDelta::days(2))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The wall-clock time of `instant` in `tz`.
///
/// Unlike chrono's `naive_local`, it cannot panic: at the very ends of chrono's
/// range it falls back to the UTC wall clock.
pub fn local_wall(instant: DateTime<Utc>, tz: Tz) -> NaiveDateTime {
    let utc = instant.naive_utc();
    let offset = tz.offset_from_utc_datetime(&utc).fix().local_minus_utc();
    utc.checked_add_signed(TimeDelta::seconds(i64::from(offset)))
        .unwrap_or(utc)
}

/// A local wall-clock time read in `tz` without failing: a repeated time takes the
/// earlier instant, a skipped time the first instant after the gap (the moment the
/// clocks jump). Used for window edges and for dates in data rows.
pub fn resolve_local_lenient(local: NaiveDateTime, tz: Tz) -> DateTime<Tz> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(dt) => dt,
        LocalResult::Ambiguous(a, b) => a.min(b),
        LocalResult::None => gap_transition(local, tz).with_timezone(&tz),
    }
}

/// The instant the clocks jump over the skipped local time `local`.
///
/// Found by bisection on the first instant whose wall-clock time is past `local`:
/// real offsets lie within ±26 h, so the search range of ±27 h around `local`
/// read as UTC brackets the jump.
pub(super) fn gap_transition(local: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    let centre = local.and_utc().timestamp();
    let mut lo = centre.saturating_sub(27 * 3600); // wall clock <= local here
    let mut hi = centre.saturating_add(27 * 3600); // wall clock > local here
    let wall_after =
        |ts: i64| DateTime::from_timestamp(ts, 0).is_some_and(|dt| local_wall(dt, tz) > local);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if wall_after(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    DateTime::from_timestamp(hi, 0).unwrap_or_else(latest)
}

/// A time of day as `10:00`, with seconds only when they are not zero.
pub(super) fn short_time(t: NaiveTime) -> String {
    let mut out = String::with_capacity(8);
    push_short_time(&mut out, t);
    out
}

/// Appends [`short_time`]'s text. Written digit by digit: chrono's `format` parses its
/// pattern again at every call, and a report names thousands of send times.
fn push_short_time(out: &mut String, t: NaiveTime) {
    use chrono::Timelike;
    use std::fmt::Write;
    // A leap second reads `:60`, as chrono's `%S` writes it.
    let second = t.second() + u32::from(t.nanosecond() >= 1_000_000_000);
    let _ = write!(out, "{:02}:{:02}", t.hour(), t.minute());
    if second != 0 {
        let _ = write!(out, ":{second:02}");
    }
}

/// A local date-time as `2026-11-27 10:00` (see [`short_time`]).
pub(super) fn short_dt(dt: NaiveDateTime) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(24);
    let _ = write!(out, "{} ", dt.date());
    push_short_time(&mut out, dt.time());
    out
}

/// An instant as people read it in `tz`: `2026-11-27 10:00 CET` (seconds only when
/// not zero; the zone abbreviation from the tz database, or the offset when it has none).
pub fn format_local(instant: DateTime<Utc>, tz: Tz) -> String {
    use std::fmt::Write;
    let offset = tz.offset_from_utc_datetime(&instant.naive_utc());
    let mut out = short_dt(local_wall(instant, tz));
    out.push(' ');
    match offset.abbreviation() {
        Some(abbr) => out.push_str(abbr),
        None => {
            let _ = write!(out, "{}", offset.fix());
        }
    }
    out
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::testing::utc;
    use chrono_tz::Europe::Rome;

    #[test]
    fn short_times_read_as_chrono_writes_them() {
        let times = [
            (0, 0, 0, 0),
            (9, 5, 0, 0),
            (23, 59, 7, 0),
            (12, 0, 0, 999_999_999),
        ];
        for (h, m, s, nano) in times {
            let t = NaiveTime::from_hms_nano_opt(h, m, s, nano).expect("valid time");
            let pattern = if s == 0 { "%H:%M" } else { "%H:%M:%S" };
            assert_eq!(short_time(t), t.format(pattern).to_string());
        }
        let leap = NaiveTime::from_hms_nano_opt(23, 59, 59, 1_000_000_000).expect("leap second");
        assert_eq!(short_time(leap), leap.format("%H:%M:%S").to_string());
        assert_eq!(short_time(leap), "23:59:60");
    }

    #[test]
    fn format_local_is_deterministic() {
        assert_eq!(
            format_local(utc("2026-11-27T09:00:00Z"), Rome),
            "2026-11-27 10:00 CET"
        );
        assert_eq!(
            format_local(utc("2026-07-01T08:00:30Z"), Rome),
            "2026-07-01 10:00:30 CEST"
        );
    }

    #[test]
    fn never_panics_at_the_ends_of_time() {
        let _ = resolve_local_lenient(NaiveDateTime::MAX, Rome);
        let _ = resolve_local_lenient(NaiveDateTime::MIN, chrono_tz::Pacific::Kiritimati);
        let _ = format_local(DateTime::<Utc>::MAX_UTC, chrono_tz::Pacific::Kiritimati);
    }
}
