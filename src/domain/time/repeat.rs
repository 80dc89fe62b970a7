//! A send's `repeat`: when it ends, and every instant a send expands to.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use toml::value::Datetime;

use super::error::{ScheduleError, MAX_OCCURRENCES};
use super::local::{format_local, local_wall};
use super::resolve::{resolve, resolve_local_strict, toml_date};
use super::span::{shift_local, Span, Unit};

/// A send's `repeat` table: an interval and exactly one of `until` or `count`.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Repeat {
    /// Time between two sends.
    pub every: Span,
    /// Last day (inclusive, to the end of that local day) or last date-time of a send.
    #[schemars(schema_with = "until_schema")]
    pub until: Option<Datetime>,
    /// Number of sends, the first included.
    pub count: Option<u32>,
}

fn until_schema(_generator: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "string",
        "description": "A TOML date (inclusive, to the end of that local day) or date-time: the last moment a repeat may send.",
        "anyOf": [
            { "format": "date" },
            { "format": "date-time" },
            { "format": "partial-date-time" }
        ]
    })
}

/// Where a repeat stops.
enum End {
    Count(u32),
    /// Inclusive: every occurrence whose local date is on or before this day.
    Day(NaiveDate),
    /// Inclusive instant.
    Instant(DateTime<Utc>),
}

impl Repeat {
    /// Checks the `until`/`count` combination without expanding.
    pub fn validate(&self, tz: Tz) -> Result<(), ScheduleError> {
        self.end(tz).map(|_| ())
    }

    fn end(&self, tz: Tz) -> Result<End, ScheduleError> {
        match (&self.until, self.count) {
            (None, None) => Err(ScheduleError::RepeatWithoutEnd),
            (Some(_), Some(_)) => Err(ScheduleError::RepeatWithBothEnds),
            (None, Some(0)) => Err(ScheduleError::RepeatZeroCount),
            (None, Some(c)) => {
                if usize::try_from(c).map_or(true, |c| c > MAX_OCCURRENCES) {
                    Err(ScheduleError::TooManyOccurrences { every: self.every })
                } else {
                    Ok(End::Count(c))
                }
            }
            (Some(u), None) => match (&u.date, &u.time) {
                (Some(d), None) => toml_date(d)
                    .map(End::Day)
                    .ok_or_else(|| ScheduleError::InvalidDateTime(u.to_string())),
                (Some(_), Some(_)) => resolve(u, tz).map(End::Instant),
                (None, _) => Err(ScheduleError::RepeatUntilTimeOnly(u.to_string())),
            },
        }
    }
}

/// Every instant of a send: `first` (an already resolved `at`) and its repeats.
///
/// `d`, `w`, `mo`, `y` keep the wall-clock time of `first` in `tz` (10:00 stays 10:00
/// across DST); each occurrence is computed from the first, so a send on the 31st
/// lands on the last day of shorter months and returns to the 31st when it exists.
/// `h` adds exact hours. A repeat falling in a DST gap is an error naming it; one in
/// the repeated hour takes the earlier instant. `count` includes the first send.
pub fn expand(
    first: DateTime<Utc>,
    tz: Tz,
    repeat: &Repeat,
) -> Result<Vec<DateTime<Utc>>, ScheduleError> {
    let end = repeat.end(tz)?;
    let every = repeat.every;
    let first_local = local_wall(first, tz);
    if let End::Day(d) = end {
        if d < first_local.date() {
            return Err(ScheduleError::RepeatUntilBeforeFirst {
                until: d.to_string(),
                first: format_local(first, tz),
            });
        }
    }
    if let End::Instant(u) = end {
        if u < first {
            return Err(ScheduleError::RepeatUntilBeforeFirst {
                until: format_local(u, tz),
                first: format_local(first, tz),
            });
        }
    }
    let capacity = match end {
        End::Count(c) => usize::try_from(c).unwrap_or(MAX_OCCURRENCES),
        _ => 16,
    };
    let mut out = Vec::with_capacity(capacity.min(MAX_OCCURRENCES));
    out.push(first);
    for k in 1u32.. {
        if let End::Count(c) = end {
            if k >= c {
                break;
            }
        }
        // Computed from the first occurrence so month-end clamping never accumulates.
        let Some(step) = every.times(k) else {
            return Err(ScheduleError::BeyondYear9999 { every });
        };
        let next = if every.unit() == Unit::Hour {
            first.checked_add_signed(TimeDelta::hours(i64::from(step.count())))
        } else {
            shift_local(first_local, step, true)
                .map(|local| resolve_local_strict(local, tz, Some(k + 1)))
                .transpose()?
        };
        // TOML cannot write dates past 9999: with an `until` (itself at most 9999) the
        // repeat is simply over; with a `count` the later sends cannot be written.
        let Some(next) = next.filter(|n| local_wall(*n, tz).year() <= 9999) else {
            if matches!(end, End::Count(_)) {
                return Err(ScheduleError::BeyondYear9999 { every });
            }
            break;
        };
        let within = match end {
            End::Count(_) => true,
            End::Day(d) => local_wall(next, tz).date() <= d,
            End::Instant(u) => next <= u,
        };
        if !within {
            break;
        }
        if out.len() >= MAX_OCCURRENCES {
            return Err(ScheduleError::TooManyOccurrences { every });
        }
        out.push(next);
    }
    Ok(out)
}

/// Resolves `at` and expands its optional `repeat` in one call.
pub fn expand_send(
    at: &Datetime,
    tz: Tz,
    repeat: Option<&Repeat>,
) -> Result<Vec<DateTime<Utc>>, ScheduleError> {
    let first = resolve(at, tz)?;
    match repeat {
        Some(r) => expand(first, tz, r),
        None => Ok(vec![first]),
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::testing::{dt, parsed, utc};
    use chrono_tz::Europe::Rome;

    fn span(s: &str) -> Span {
        parsed(s)
    }

    fn rep(every: &str, until: Option<&str>, count: Option<u32>) -> Repeat {
        Repeat {
            every: span(every),
            until: until.map(dt),
            count,
        }
    }

    #[test]
    fn repeat_daily_keeps_wall_clock_across_spring_dst() {
        let first = resolve(&dt("2026-03-27T10:00:00"), Rome);
        let got = first.and_then(|f| expand(f, Rome, &rep("1d", Some("2026-03-31"), None)));
        let got: Vec<String> = got
            .unwrap_or_default()
            .into_iter()
            .map(|i| format_local(i, Rome))
            .collect();
        assert_eq!(
            got,
            [
                "2026-03-27 10:00 CET",
                "2026-03-28 10:00 CET",
                "2026-03-29 10:00 CEST",
                "2026-03-30 10:00 CEST",
                "2026-03-31 10:00 CEST"
            ]
        );
    }

    #[test]
    fn repeat_hours_are_exact_across_dst() {
        let first = resolve(&dt("2026-03-29T00:30:00"), Rome);
        let got = first.and_then(|f| expand(f, Rome, &rep("1h", None, Some(3))));
        let got: Vec<String> = got
            .unwrap_or_default()
            .into_iter()
            .map(|i| format_local(i, Rome))
            .collect();
        assert_eq!(
            got,
            [
                "2026-03-29 00:30 CET",
                "2026-03-29 01:30 CET",
                "2026-03-29 03:30 CEST"
            ]
        );
    }

    #[test]
    fn repeat_into_gap_names_the_occurrence() {
        let first = resolve(&dt("2026-03-27T02:30:00"), Rome);
        let r = first.and_then(|f| expand(f, Rome, &rep("1d", None, Some(5))));
        match r {
            Err(ScheduleError::NonexistentLocalTime {
                occurrence: Some(3),
                ..
            }) => {}
            other => panic!("expected gap at send 3, got {other:?}"),
        }
        let first = resolve(&dt("2026-03-27T02:30:00"), Rome);
        let msg = first
            .and_then(|f| expand(f, Rome, &rep("1d", None, Some(5))))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            msg.starts_with(
                "send number 3 of this repeat, 2026-03-29 02:30, does not exist in Europe/Rome"
            ),
            "{msg}"
        );
    }

    #[test]
    fn repeat_ambiguous_takes_earlier() {
        let first = resolve(&dt("2026-10-24T02:30:00"), Rome);
        let got = first.and_then(|f| expand(f, Rome, &rep("1d", None, Some(2))));
        assert_eq!(
            got,
            Ok(vec![
                utc("2026-10-24T00:30:00Z"),
                utc("2026-10-25T00:30:00Z")
            ])
        );
    }

    #[test]
    fn repeat_count_includes_first_and_until_is_inclusive() {
        let first = resolve(&dt("2026-11-28T18:00:00"), Rome);
        let f = first.unwrap_or(DateTime::<Utc>::MIN_UTC);
        assert_eq!(
            expand(f, Rome, &rep("1w", None, Some(3))).map(|v| v.len()),
            Ok(3)
        );
        assert_eq!(expand(f, Rome, &rep("1w", None, Some(1))), Ok(vec![f]));
        // until = a date: the whole local day counts.
        assert_eq!(
            expand(f, Rome, &rep("1d", Some("2026-11-30"), None)).map(|v| v.len()),
            Ok(3)
        );
        assert_eq!(
            expand(f, Rome, &rep("1d", Some("2026-11-28"), None)).map(|v| v.len()),
            Ok(1)
        );
        // until = a local date-time: inclusive instant.
        assert_eq!(
            expand(f, Rome, &rep("1d", Some("2026-11-30T18:00:00"), None)).map(|v| v.len()),
            Ok(3)
        );
        assert_eq!(
            expand(f, Rome, &rep("1d", Some("2026-11-30T17:59:00"), None)).map(|v| v.len()),
            Ok(2)
        );
        // Hourly until a date stops at local midnight.
        let late = resolve(&dt("2026-11-30T21:00:00"), Rome).unwrap_or(f);
        assert_eq!(
            expand(late, Rome, &rep("1h", Some("2026-11-30"), None)).map(|v| v.len()),
            Ok(3)
        );
    }

    #[test]
    fn repeat_monthly_from_31st() {
        let first = resolve(&dt("2027-01-31T10:00:00"), Rome);
        let got = first.and_then(|f| expand(f, Rome, &rep("1mo", None, Some(4))));
        let got: Vec<String> = got
            .unwrap_or_default()
            .into_iter()
            .map(|i| format_local(i, Rome))
            .collect();
        assert_eq!(
            got,
            [
                "2027-01-31 10:00 CET",
                "2027-02-28 10:00 CET",
                "2027-03-31 10:00 CEST",
                "2027-04-30 10:00 CEST"
            ]
        );
    }

    #[test]
    fn malformed_repeats() {
        let f = utc("2026-11-28T17:00:00Z");
        assert_eq!(
            expand(f, Rome, &rep("1d", None, None)),
            Err(ScheduleError::RepeatWithoutEnd)
        );
        assert_eq!(
            expand(f, Rome, &rep("1d", Some("2026-11-30"), Some(2))),
            Err(ScheduleError::RepeatWithBothEnds)
        );
        assert_eq!(
            expand(f, Rome, &rep("1d", None, Some(0))),
            Err(ScheduleError::RepeatZeroCount)
        );
        assert!(matches!(
            expand(f, Rome, &rep("1d", Some("10:00:00"), None)),
            Err(ScheduleError::RepeatUntilTimeOnly(_))
        ));
        assert!(matches!(
            expand(f, Rome, &rep("1d", Some("2026-11-27"), None)),
            Err(ScheduleError::RepeatUntilBeforeFirst { .. })
        ));
        assert!(matches!(
            expand(f, Rome, &rep("1h", Some("2036-11-27"), None)),
            Err(ScheduleError::TooManyOccurrences { .. })
        ));
        assert!(matches!(
            expand(f, Rome, &rep("1d", None, Some(10_001))),
            Err(ScheduleError::TooManyOccurrences { .. })
        ));
        assert_eq!(
            expand(f, Rome, &rep("1h", None, Some(10_000))).map(|v| v.len()),
            Ok(10_000)
        );
        // Deserialisation refuses unknown keys and bad intervals.
        let r: Result<Repeat, _> = toml::from_str("every = \"1d\"\ntimes = 3");
        assert!(r.is_err());
        let r: Result<Repeat, _> = toml::from_str("every = \"0d\"\ncount = 3");
        assert!(r.is_err());
        let r: Result<Repeat, _> = toml::from_str("every = \"1w\"\ncount = 3");
        assert_eq!(r.map(|r| r.count), Ok(Some(3)));
        let r: Result<Repeat, _> = toml::from_str("every = \"1d\"\nuntil = 2026-11-30");
        assert_eq!(r.map(|r| r.validate(Rome)), Ok(Ok(())));
    }

    #[test]
    fn expand_send_without_repeat() {
        assert_eq!(
            expand_send(&dt("2026-11-27T10:00:00"), Rome, None),
            Ok(vec![utc("2026-11-27T09:00:00Z")])
        );
    }

    #[test]
    fn a_repeat_until_the_last_writable_day_ends_there() {
        let r = Repeat {
            every: span("1y"),
            until: Some(dt("9999-12-31")),
            count: None,
        };
        let got = expand_send(&dt("9999-12-31T23:59:59"), Rome, Some(&r));
        assert_eq!(got.map(|v| v.len()), Ok(1));
        let r = Repeat {
            every: span("1y"),
            until: None,
            count: Some(2),
        };
        let got = expand_send(&dt("9999-12-31T23:59:59"), Rome, Some(&r));
        assert!(matches!(got, Err(ScheduleError::BeyondYear9999 { .. })));
    }

    #[test]
    fn a_repeat_past_the_year_9999_is_an_error() {
        let far = expand(
            utc("2026-01-01T00:00:00Z"),
            Rome,
            &Repeat {
                every: span("1000y"),
                until: None,
                count: Some(10_000),
            },
        );
        assert!(matches!(far, Err(ScheduleError::BeyondYear9999 { .. })));
    }
}
