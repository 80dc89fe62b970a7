//! Why a send time or a repeat cannot be used, in sentences for the user (rule
//! `schedule/invalid-time`).

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;

use super::local::{short_dt, short_time};
use super::span::Span;

/// Most instants one `[[sends]]` entry may expand to, so a fast repeat over many
/// years is reported instead of exhausting memory.
pub const MAX_OCCURRENCES: usize = 10_000;

/// Why a send time or a repeat cannot be used (rule `schedule/invalid-time`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleError {
    /// A date without a time of day was given where a send time is needed.
    DateOnly(NaiveDate),
    /// A time of day without a date was given.
    TimeOnly(String),
    /// The date or time fields do not form a real date-time.
    InvalidDateTime(String),
    /// A local time skipped by a DST change.
    NonexistentLocalTime {
        /// The local time as written (or as computed for a repeat).
        local: NaiveDateTime,
        /// The time zone it was read in.
        tz: Tz,
        /// The last wall-clock time before the jump, e.g. 02:00.
        gap_from: NaiveDateTime,
        /// The wall-clock time the clocks jump to, e.g. 03:00.
        gap_to: NaiveDateTime,
        /// For a repeat, which send it is (1 = the first); `None` for a single send.
        occurrence: Option<u32>,
    },
    /// `repeat` has neither `until` nor `count`.
    RepeatWithoutEnd,
    /// `repeat` has both `until` and `count`.
    RepeatWithBothEnds,
    /// `repeat.count` is zero.
    RepeatZeroCount,
    /// `repeat.until` is a time of day without a date.
    RepeatUntilTimeOnly(String),
    /// `repeat.until` is before the first send.
    RepeatUntilBeforeFirst {
        /// `until` as written.
        until: String,
        /// The first send, formatted for people.
        first: String,
    },
    /// The repeat yields more than [`MAX_OCCURRENCES`] sends.
    TooManyOccurrences {
        /// The interval between sends.
        every: Span,
    },
    /// The repeat runs past the year 9999.
    BeyondYear9999 {
        /// The interval between sends.
        every: Span,
    },
    /// A value with a time of day was given where a plain date is expected.
    NotADate(String),
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScheduleError::DateOnly(d) => write!(
                f,
                "{d} has no time of day: a send needs a date and a time, for example {d}T10:00:00"
            ),
            ScheduleError::TimeOnly(t) => write!(
                f,
                "{t} has no date: a send needs a date and a time, for example 2026-11-27T{t}"
            ),
            ScheduleError::InvalidDateTime(s) => {
                write!(f, "{s} is not a real date and time")
            }
            ScheduleError::NonexistentLocalTime {
                local,
                tz,
                gap_from,
                gap_to,
                occurrence,
            } => {
                match occurrence {
                    Some(k) => write!(f, "send number {k} of this repeat, {},", short_dt(*local))?,
                    None => write!(f, "{}", short_dt(*local))?,
                }
                let jump = if gap_from.date() == gap_to.date() {
                    format!(
                        "{} to {}",
                        short_time(gap_from.time()),
                        short_time(gap_to.time())
                    )
                } else {
                    format!("{} to {}", short_dt(*gap_from), short_dt(*gap_to))
                };
                write!(
                    f,
                    " does not exist in {}: clocks jump from {} on {}; pick a time outside that gap",
                    tz.name(),
                    jump,
                    gap_from.date()
                )
            }
            ScheduleError::RepeatWithoutEnd => write!(
                f,
                "repeat needs an end: add `until = <date>` (last day, inclusive) or `count = <number of sends>`"
            ),
            ScheduleError::RepeatWithBothEnds => write!(
                f,
                "repeat has both `until` and `count`: keep only one of them"
            ),
            ScheduleError::RepeatZeroCount => write!(
                f,
                "repeat `count` is 0: it counts every send including the first, so it must be at least 1"
            ),
            ScheduleError::RepeatUntilTimeOnly(t) => write!(
                f,
                "repeat `until = {t}` has no date: write a date such as 2026-11-30 or a date and time"
            ),
            ScheduleError::RepeatUntilBeforeFirst { until, first } => write!(
                f,
                "repeat `until = {until}` is before the first send ({first}): nothing would repeat"
            ),
            ScheduleError::TooManyOccurrences { every } => write!(
                f,
                "repeating every {every} gives more than {MAX_OCCURRENCES} sends: use a longer interval or an earlier end"
            ),
            ScheduleError::BeyondYear9999 { every } => write!(
                f,
                "repeating every {every} runs past the year 9999: use a shorter interval or fewer sends"
            ),
            ScheduleError::NotADate(s) => write!(
                f,
                "{s} is not a plain date: write only the day, for example 2026-11-30"
            ),
        }
    }
}

impl std::error::Error for ScheduleError {}
