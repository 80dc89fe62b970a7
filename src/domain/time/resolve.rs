//! Reading a send's `at` (a TOML date-time) as an instant in the project's time zone.

use chrono::{
    DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Utc,
};
use chrono_tz::Tz;
use toml::value::Datetime;

use super::error::ScheduleError;
use super::local::gap_transition;

/// A TOML date as a chrono date; `None` when the fields are not a real day.
pub(super) fn toml_date(d: &toml::value::Date) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
}

/// A TOML time as a chrono time; a leap second (`:60`) becomes chrono's leap-second form.
fn toml_time(t: &toml::value::Time) -> Option<NaiveTime> {
    let sec = t.second.unwrap_or(0);
    let nano = t.nanosecond.unwrap_or(0);
    if sec == 60 {
        NaiveTime::from_hms_nano_opt(
            u32::from(t.hour),
            u32::from(t.minute),
            59,
            nano.checked_add(1_000_000_000)?,
        )
    } else {
        NaiveTime::from_hms_nano_opt(u32::from(t.hour), u32::from(t.minute), u32::from(sec), nano)
    }
}

/// A TOML value that must be a plain date (offer `valid_from` / `valid_until`).
pub fn date_only(value: &Datetime) -> Result<NaiveDate, ScheduleError> {
    match (&value.date, &value.time, &value.offset) {
        (Some(d), None, None) => {
            toml_date(d).ok_or_else(|| ScheduleError::InvalidDateTime(value.to_string()))
        }
        _ => Err(ScheduleError::NotADate(value.to_string())),
    }
}

/// The instant of a send's `at`: a local date-time is read in `tz`, an offset
/// date-time is taken as written; a date or a time alone is an error.
pub fn resolve(at: &Datetime, tz: Tz) -> Result<DateTime<Utc>, ScheduleError> {
    let invalid = || ScheduleError::InvalidDateTime(at.to_string());
    let (d, t) = match (&at.date, &at.time) {
        (Some(d), Some(t)) => (d, t),
        (Some(d), None) => return Err(toml_date(d).map_or_else(invalid, ScheduleError::DateOnly)),
        (None, _) => return Err(ScheduleError::TimeOnly(at.to_string())),
    };
    let local = toml_date(d)
        .zip(toml_time(t))
        .map(|(d, t)| d.and_time(t))
        .ok_or_else(invalid)?;
    let minutes = match at.offset {
        None => return resolve_local_strict(local, tz, None),
        Some(toml::value::Offset::Z) => 0,
        Some(toml::value::Offset::Custom { minutes }) => i32::from(minutes),
    };
    // A fixed offset maps every local time to exactly one instant.
    chrono::FixedOffset::east_opt(minutes * 60)
        .and_then(|fixed| fixed.from_local_datetime(&local).single())
        .map(|dt| dt.to_utc())
        .ok_or_else(invalid)
}

/// A local wall-clock time read in `tz`: a skipped time is an error, a repeated one
/// takes the earlier instant. `occurrence` only labels the error.
pub(super) fn resolve_local_strict(
    local: NaiveDateTime,
    tz: Tz,
    occurrence: Option<u32>,
) -> Result<DateTime<Utc>, ScheduleError> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(dt) => Ok(dt.to_utc()),
        LocalResult::Ambiguous(a, b) => Ok(a.min(b).to_utc()),
        LocalResult::None => {
            let transition = gap_transition(local, tz);
            let before = transition
                .checked_sub_signed(TimeDelta::seconds(1))
                .map(|t| tz.offset_from_utc_datetime(&t.naive_utc()).fix())
                .unwrap_or_else(|| tz.offset_from_utc_datetime(&transition.naive_utc()).fix());
            let after = tz.offset_from_utc_datetime(&transition.naive_utc()).fix();
            let utc = transition.naive_utc();
            let shift = |off: chrono::FixedOffset| {
                utc.checked_add_signed(TimeDelta::seconds(i64::from(off.local_minus_utc())))
                    .unwrap_or(utc)
            };
            Err(ScheduleError::NonexistentLocalTime {
                local,
                tz,
                gap_from: shift(before),
                gap_to: shift(after),
                occurrence,
            })
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::testing::{dt, utc};
    use chrono_tz::Europe::Rome;

    #[test]
    fn resolve_local_and_offset() {
        assert_eq!(
            resolve(&dt("2026-11-27T10:00:00"), Rome),
            Ok(utc("2026-11-27T09:00:00Z"))
        );
        assert_eq!(
            resolve(&dt("2026-07-01T10:00:00"), Rome),
            Ok(utc("2026-07-01T08:00:00Z"))
        );
        assert_eq!(
            resolve(&dt("2026-11-27T10:00:00+05:30"), Rome),
            Ok(utc("2026-11-27T04:30:00Z"))
        );
        assert_eq!(
            resolve(&dt("2026-11-27T10:00:00Z"), Rome),
            Ok(utc("2026-11-27T10:00:00Z"))
        );
    }

    #[test]
    fn resolve_rejects_partial_values() {
        let d = resolve(&dt("2026-11-27"), Rome);
        assert!(matches!(d, Err(ScheduleError::DateOnly(_))));
        let msg = d.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("needs a date and a time"), "{msg}");
        let t = resolve(&dt("10:00:00"), Rome);
        assert!(matches!(t, Err(ScheduleError::TimeOnly(_))));
    }

    #[test]
    fn resolve_dst_gap_2026_and_2027() {
        for (s, expect) in [
            (
                "2026-03-29T02:30:00",
                "2026-03-29 02:30 does not exist in Europe/Rome: clocks jump from 02:00 to 03:00 on 2026-03-29",
            ),
            (
                "2027-03-28T02:00:00",
                "2027-03-28 02:00 does not exist in Europe/Rome: clocks jump from 02:00 to 03:00 on 2027-03-28",
            ),
        ] {
            let r = resolve(&dt(s), Rome);
            assert!(
                matches!(r, Err(ScheduleError::NonexistentLocalTime { .. })),
                "{s}"
            );
            let msg = r.err().map(|e| e.to_string()).unwrap_or_default();
            assert!(msg.starts_with(expect), "{msg}");
        }
        // Edges of the gap exist.
        assert_eq!(
            resolve(&dt("2026-03-29T01:59:59"), Rome),
            Ok(utc("2026-03-29T00:59:59Z"))
        );
        assert_eq!(
            resolve(&dt("2026-03-29T03:00:00"), Rome),
            Ok(utc("2026-03-29T01:00:00Z"))
        );
        assert_eq!(
            resolve(&dt("2027-03-28T03:00:00"), Rome),
            Ok(utc("2027-03-28T01:00:00Z"))
        );
    }

    #[test]
    fn resolve_ambiguous_takes_earlier_2026_and_2027() {
        assert_eq!(
            resolve(&dt("2026-10-25T02:30:00"), Rome),
            Ok(utc("2026-10-25T00:30:00Z"))
        );
        assert_eq!(
            resolve(&dt("2027-10-31T02:30:00"), Rome),
            Ok(utc("2027-10-31T00:30:00Z"))
        );
        // 03:00 on the autumn day is after the repeated hour: CET.
        assert_eq!(
            resolve(&dt("2026-10-25T03:00:00"), Rome),
            Ok(utc("2026-10-25T02:00:00Z"))
        );
    }

    #[test]
    fn gap_message_in_other_zone() {
        // America/New_York springs forward 2026-03-08 02:00 -> 03:00.
        let r = resolve(&dt("2026-03-08T02:15:00"), chrono_tz::America::New_York);
        let msg = r.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("clocks jump from 02:00 to 03:00"), "{msg}");
        // Lord Howe moves by 30 minutes.
        let r = resolve(&dt("2026-10-04T02:10:00"), chrono_tz::Australia::Lord_Howe);
        let msg = r.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("clocks jump from 02:00 to 02:30"), "{msg}");
    }

    #[test]
    fn date_only_for_offers() {
        assert_eq!(
            date_only(&dt("2026-11-30")),
            Ok(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default())
        );
        assert!(matches!(
            date_only(&dt("2026-11-30T10:00:00")),
            Err(ScheduleError::NotADate(_))
        ));
    }

    #[test]
    fn a_gap_at_the_end_of_time_does_not_panic() {
        let _ = resolve_local_strict(NaiveDateTime::MAX, chrono_tz::America::Adak, None);
    }
}
