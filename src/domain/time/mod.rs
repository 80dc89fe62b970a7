//! Time logic for send schedules: config durations, send-time resolution in the
//! project's time zone, `repeat` expansion, offer validity and message formatting.
//!
//! Conventions (also stated in the README):
//! - A local send time that a DST change skips is an error; one that occurs twice
//!   (the hour the clocks go back) takes the earlier instant.
//! - Where a duration is subtracted or added for a window (not a send), a skipped
//!   local time is read as the first instant after the gap (the moment the clocks
//!   jump), so window edges never fail.
//! - `h` is exact elapsed hours; `d` and `w` are calendar days in the local time
//!   zone (a week always starts at the same wall-clock time, whatever DST does);
//!   `mo` and `y` are calendar months and years, clamped to the month's last day
//!   (31 March minus `1mo` is 28 or 29 February).

pub mod window;

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::{
    DateTime, Datelike, Days, LocalResult, Months, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeDelta, TimeZone, Utc,
};
use chrono_tz::{OffsetName, Tz};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use toml::value::Datetime;

/// Most instants one `[[sends]]` entry may expand to, so a fast repeat over many
/// years is reported instead of exhausting memory.
pub const MAX_OCCURRENCES: usize = 10_000;

/// Longest accepted duration, in years; far beyond any marketing use, and it keeps
/// every date arithmetic on TOML dates (years 0–9999) inside chrono's range.
const MAX_SPAN_YEARS: u32 = 1_000;

/// The unit of a config duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    /// `h`: exact elapsed hours (3600 s each).
    Hour,
    /// `d`: calendar days in the local time zone.
    Day,
    /// `w`: seven calendar days in the local time zone.
    Week,
    /// `mo`: calendar months, clamped to the last day of a shorter month.
    Month,
    /// `y`: calendar years (twelve months).
    Year,
}

impl Unit {
    /// The suffix written in config files.
    pub fn suffix(self) -> &'static str {
        match self {
            Unit::Hour => "h",
            Unit::Day => "d",
            Unit::Week => "w",
            Unit::Month => "mo",
            Unit::Year => "y",
        }
    }

    /// Largest count allowed for this unit (about `MAX_SPAN_YEARS` years).
    fn max_count(self) -> u32 {
        match self {
            Unit::Hour => MAX_SPAN_YEARS * 366 * 24,
            Unit::Day => MAX_SPAN_YEARS * 366,
            Unit::Week => MAX_SPAN_YEARS * 53,
            Unit::Month => MAX_SPAN_YEARS * 12,
            Unit::Year => MAX_SPAN_YEARS,
        }
    }
}

/// A config duration such as `7d` or `24mo`: a positive whole number and a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    n: u32,
    unit: Unit,
}

/// Why a duration string was refused; `Display` is a full sentence for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpanError {
    /// The text is empty.
    Empty,
    /// The text is not a whole number followed by a known unit.
    Malformed(String),
    /// The number is zero.
    Zero(String),
    /// `m` was written: minutes are not supported and `mo` means months.
    AmbiguousMinute(String),
    /// The duration is longer than the supported maximum.
    TooLong(String),
}

const UNITS_HELP: &str = "write a whole number followed by a unit: h (hours), d (days), \
w (weeks), mo (months) or y (years), for example \"7d\" or \"24mo\"";

impl fmt::Display for SpanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpanError::Empty => write!(f, "the duration is empty: {UNITS_HELP}"),
            SpanError::Malformed(s) => write!(f, "\"{s}\" is not a duration: {UNITS_HELP}"),
            SpanError::Zero(s) => write!(
                f,
                "\"{s}\" is a duration of zero: it must be at least 1 of its unit"
            ),
            SpanError::AmbiguousMinute(s) => write!(
                f,
                "\"{s}\" is not a duration: minutes are not supported; for months write \"mo\" (for example \"6mo\")"
            ),
            SpanError::TooLong(s) => write!(
                f,
                "\"{s}\" is too long: a duration can be at most {MAX_SPAN_YEARS} years"
            ),
        }
    }
}

impl std::error::Error for SpanError {}

impl Span {
    /// 24 months, the default `consent.max_age`.
    pub const MONTHS_24: Span = Span {
        n: 24,
        unit: Unit::Month,
    };

    /// A span of `n` units; `None` when `n` is zero or longer than the maximum.
    pub fn new(n: u32, unit: Unit) -> Option<Span> {
        (n > 0 && n <= unit.max_count()).then_some(Span { n, unit })
    }

    /// The span in words for messages: `24 months`, `1 day`.
    pub fn words(self) -> String {
        let unit = match self.unit {
            Unit::Hour => "hour",
            Unit::Day => "day",
            Unit::Week => "week",
            Unit::Month => "month",
            Unit::Year => "year",
        };
        if self.n == 1 {
            format!("1 {unit}")
        } else {
            format!("{} {unit}s", self.n)
        }
    }

    /// The number of units (always at least 1).
    pub fn count(self) -> u32 {
        self.n
    }

    /// The unit.
    pub fn unit(self) -> Unit {
        self.unit
    }

    /// `at` moved back by this span (see the module doc for the calendar rules).
    ///
    /// Saturates at chrono's earliest date instead of failing.
    pub fn subtract_from(self, at: DateTime<Tz>) -> DateTime<Tz> {
        let tz = at.timezone();
        self.shift(at, false)
            .unwrap_or_else(|| earliest().with_timezone(&tz))
    }

    /// `at` moved forward by this span (see the module doc for the calendar rules).
    ///
    /// Saturates at chrono's latest date instead of failing.
    pub fn add_to(self, at: DateTime<Tz>) -> DateTime<Tz> {
        let tz = at.timezone();
        self.shift(at, true)
            .unwrap_or_else(|| latest().with_timezone(&tz))
    }

    /// Same as [`Span::subtract_from`] for a UTC instant read in `tz`.
    pub fn subtract_from_utc(self, at: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
        if self.unit == Unit::Hour {
            // Exact hours need no local calendar: skip the two time-zone lookups.
            return at
                .checked_sub_signed(TimeDelta::hours(i64::from(self.n)))
                .unwrap_or_else(earliest);
        }
        self.subtract_from(at.with_timezone(&tz)).to_utc()
    }

    fn shift(self, at: DateTime<Tz>, forward: bool) -> Option<DateTime<Tz>> {
        let n = self.n;
        match self.unit {
            Unit::Hour => {
                let d = TimeDelta::hours(i64::from(n));
                if forward {
                    at.checked_add_signed(d)
                } else {
                    at.checked_sub_signed(d)
                }
            }
            Unit::Day | Unit::Week | Unit::Month | Unit::Year => {
                let tz = at.timezone();
                let local = shift_local(local_wall(at.to_utc(), tz), self, forward)?;
                Some(resolve_local_lenient(local, tz))
            }
        }
    }
}

/// Earliest instant used when arithmetic saturates: two days inside chrono's range,
/// so converting it to any time zone's wall clock cannot overflow.
fn earliest() -> DateTime<Utc> {
    DateTime::<Utc>::MIN_UTC
        .checked_add_signed(TimeDelta::days(2))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Latest instant used when arithmetic saturates (see [`earliest`]).
fn latest() -> DateTime<Utc> {
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

/// `local` moved by `span` on the calendar; `None` when out of chrono's range.
fn shift_local(local: NaiveDateTime, span: Span, forward: bool) -> Option<NaiveDateTime> {
    let n = span.n;
    match span.unit {
        Unit::Hour => {
            let d = TimeDelta::hours(i64::from(n));
            if forward {
                local.checked_add_signed(d)
            } else {
                local.checked_sub_signed(d)
            }
        }
        Unit::Day | Unit::Week => {
            let days = if span.unit == Unit::Week {
                u64::from(n) * 7
            } else {
                u64::from(n)
            };
            if forward {
                local.checked_add_days(Days::new(days))
            } else {
                local.checked_sub_days(Days::new(days))
            }
        }
        Unit::Month | Unit::Year => {
            let months = if span.unit == Unit::Year {
                n.checked_mul(12)?
            } else {
                n
            };
            if forward {
                local.checked_add_months(Months::new(months))
            } else {
                local.checked_sub_months(Months::new(months))
            }
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.n, self.unit.suffix())
    }
}

impl FromStr for Span {
    type Err = SpanError;

    fn from_str(s: &str) -> Result<Span, SpanError> {
        if s.is_empty() {
            return Err(SpanError::Empty);
        }
        let malformed = || SpanError::Malformed(s.to_owned());
        let split = s
            .find(|c: char| !c.is_ascii_digit())
            .ok_or_else(malformed)?;
        let (digits, suffix) = s.split_at(split);
        let unit = match suffix {
            "h" => Unit::Hour,
            "d" => Unit::Day,
            "w" => Unit::Week,
            "mo" => Unit::Month,
            "y" => Unit::Year,
            "m" if !digits.is_empty() => return Err(SpanError::AmbiguousMinute(s.to_owned())),
            _ => return Err(malformed()),
        };
        if digits.is_empty() {
            return Err(malformed());
        }
        // Only ASCII digits remain, so a parse failure can only be overflow.
        let n: u32 = digits
            .parse()
            .map_err(|_| SpanError::TooLong(s.to_owned()))?;
        if n == 0 {
            return Err(SpanError::Zero(s.to_owned()));
        }
        Span::new(n, unit).ok_or_else(|| SpanError::TooLong(s.to_owned()))
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Span, D::Error> {
        let s = <Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl Serialize for Span {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl JsonSchema for Span {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("Duration")
    }

    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^0*[1-9][0-9]*(h|d|w|mo|y)$",
            "description": "A whole number and a unit: h (hours), d (days), w (weeks), mo (calendar months), y (years), e.g. \"7d\", \"24mo\".",
            "examples": ["1h", "7d", "2w", "24mo", "1y"]
        })
    }
}

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

fn short_time(t: NaiveTime) -> String {
    if chrono::Timelike::second(&t) == 0 {
        t.format("%H:%M").to_string()
    } else {
        t.format("%H:%M:%S").to_string()
    }
}

fn short_dt(dt: NaiveDateTime) -> String {
    format!("{} {}", dt.date(), short_time(dt.time()))
}

/// A TOML date as a chrono date; `None` when the fields are not a real day.
fn toml_date(d: &toml::value::Date) -> Option<NaiveDate> {
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
fn resolve_local_strict(
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
fn gap_transition(local: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
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
        let Some(step) = every.n.checked_mul(k).map(|n| Span {
            n,
            unit: every.unit,
        }) else {
            return Err(ScheduleError::BeyondYear9999 { every });
        };
        let next = if every.unit == Unit::Hour {
            first.checked_add_signed(TimeDelta::hours(i64::from(step.n)))
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

/// Why a send falls outside its offer's validity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferProblem {
    /// The send's local day is before `valid_from`.
    Before(NaiveDate),
    /// The send's local day is after `valid_until`.
    After(NaiveDate),
}

impl fmt::Display for OfferProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OfferProblem::Before(d) => {
                write!(f, "the offer is valid only from {d}, after this send")
            }
            OfferProblem::After(d) => {
                write!(f, "the offer ended on {d}, before this send")
            }
        }
    }
}

/// Checks a send against an offer's validity in whole local days, both ends inclusive
/// (`valid_until = 2026-11-30` covers up to 23:59:59.999 local on that day).
pub fn offer_window_check(
    instant: DateTime<Utc>,
    tz: Tz,
    valid_from: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
) -> Option<OfferProblem> {
    let day = local_wall(instant, tz).date();
    match (valid_from, valid_until) {
        (Some(from), _) if day < from => Some(OfferProblem::Before(from)),
        (_, Some(until)) if day > until => Some(OfferProblem::After(until)),
        _ => None,
    }
}

/// An instant as people read it in `tz`: `2026-11-27 10:00 CET` (seconds only when
/// not zero; the zone abbreviation from the tz database, or the offset when it has none).
pub fn format_local(instant: DateTime<Utc>, tz: Tz) -> String {
    let offset = tz.offset_from_utc_datetime(&instant.naive_utc());
    let abbr = offset
        .abbreviation()
        .map(str::to_owned)
        .unwrap_or_else(|| offset.fix().to_string());
    format!("{} {}", short_dt(local_wall(instant, tz)), abbr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Rome;

    fn dt(s: &str) -> Datetime {
        match s.parse() {
            Ok(d) => d,
            Err(e) => panic!("bad test datetime {s}: {e}"),
        }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        match DateTime::parse_from_rfc3339(s) {
            Ok(d) => d.to_utc(),
            Err(e) => panic!("bad test instant {s}: {e}"),
        }
    }

    fn span(s: &str) -> Span {
        match s.parse() {
            Ok(x) => x,
            Err(e) => panic!("bad test span {s}: {e}"),
        }
    }

    fn naive(s: &str) -> NaiveDateTime {
        match NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M") {
            Ok(x) => x,
            Err(e) => panic!("bad test naive {s}: {e}"),
        }
    }

    #[test]
    fn span_parses_every_unit() {
        assert_eq!(
            span("24mo"),
            Span {
                n: 24,
                unit: Unit::Month
            }
        );
        assert_eq!(
            span("7d"),
            Span {
                n: 7,
                unit: Unit::Day
            }
        );
        assert_eq!(
            span("1h"),
            Span {
                n: 1,
                unit: Unit::Hour
            }
        );
        assert_eq!(
            span("2w"),
            Span {
                n: 2,
                unit: Unit::Week
            }
        );
        assert_eq!(
            span("1y"),
            Span {
                n: 1,
                unit: Unit::Year
            }
        );
        assert_eq!(span("07d").to_string(), "7d");
        assert_eq!(span("1000y").count(), 1000);
    }

    #[test]
    fn span_rejects_malformed() {
        for bad in [
            "7 days", "-1d", "1.5d", "", "d", "7", " 7d", "7d ", "7D", "+7d", "7dd", "mo", "1x",
            "٣d", "1e3d",
        ] {
            let err = bad.parse::<Span>();
            assert!(err.is_err(), "{bad:?} should be refused");
        }
        assert_eq!("0d".parse::<Span>(), Err(SpanError::Zero("0d".into())));
        assert_eq!("".parse::<Span>(), Err(SpanError::Empty));
        assert!(matches!(
            "3m".parse::<Span>(),
            Err(SpanError::AmbiguousMinute(_))
        ));
        assert!(matches!(
            "1001y".parse::<Span>(),
            Err(SpanError::TooLong(_))
        ));
        assert!(matches!(
            "99999999999999999999h".parse::<Span>(),
            Err(SpanError::TooLong(_))
        ));
        let msg = "7 days".parse::<Span>().err().map(|e| e.to_string());
        let msg = msg.unwrap_or_default();
        assert!(
            msg.contains("mo (months)") && msg.contains("h (hours)"),
            "{msg}"
        );
    }

    #[test]
    fn span_deserializes_from_toml_string() {
        #[derive(Deserialize)]
        struct T {
            per: Span,
        }
        let t: Result<T, _> = toml::from_str("per = \"7d\"");
        assert_eq!(t.map(|t| t.per).ok(), Some(span("7d")));
        let bad: Result<T, _> = toml::from_str("per = \"7 days\"");
        let msg = bad.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("is not a duration"), "{msg}");
        let schema = schemars::schema_for!(Span);
        let json = serde_json_string(&schema);
        assert!(json.contains("pattern"), "{json}");
    }

    fn serde_json_string(schema: &Schema) -> String {
        format!("{:?}", schema.as_value())
    }

    #[test]
    fn months_clamp_to_month_end() {
        let at = Rome
            .from_local_datetime(&naive("2026-03-31 10:00"))
            .single();
        let at = at.map(|a| span("1mo").subtract_from(a).naive_local());
        assert_eq!(at, Some(naive("2026-02-28 10:00")));
        let leap = Rome
            .from_local_datetime(&naive("2028-03-31 10:00"))
            .single();
        let leap = leap.map(|a| span("1mo").subtract_from(a).naive_local());
        assert_eq!(leap, Some(naive("2028-02-29 10:00")));
        let y = Rome
            .from_local_datetime(&naive("2028-02-29 10:00"))
            .single();
        let y = y.map(|a| span("1y").add_to(a).naive_local());
        assert_eq!(y, Some(naive("2029-02-28 10:00")));
    }

    #[test]
    fn days_are_calendar_days_hours_are_exact() {
        // 2026-03-29 is the spring-forward day in Rome: 7 calendar days is 167 hours.
        let t = utc("2026-04-02T08:00:00Z"); // 10:00 CEST
        let back = span("7d").subtract_from_utc(t, Rome);
        assert_eq!(format_local(back, Rome), "2026-03-26 10:00 CET");
        assert_eq!((t - back).num_hours(), 167);
        let back_h = span("168h").subtract_from_utc(t, Rome);
        assert_eq!(format_local(back_h, Rome), "2026-03-26 09:00 CET");
    }

    #[test]
    fn window_edge_in_gap_moves_to_the_jump() {
        // 2026-04-05 02:30 minus 7d is 2026-03-29 02:30, which does not exist.
        let t = utc("2026-04-05T00:30:00Z");
        let back = span("7d").subtract_from_utc(t, Rome);
        assert_eq!(back, utc("2026-03-29T01:00:00Z"));
        // Autumn: 2026-11-01 02:30 minus 7d is ambiguous; the earlier instant.
        let t = utc("2026-11-01T01:30:00Z");
        let back = span("7d").subtract_from_utc(t, Rome);
        assert_eq!(back, utc("2026-10-25T00:30:00Z"));
    }

    #[test]
    fn saturates_instead_of_panicking() {
        let max = DateTime::<Utc>::MAX_UTC.with_timezone(&Rome);
        let _ = span("1000y").add_to(max);
        let min = DateTime::<Utc>::MIN_UTC.with_timezone(&Rome);
        let _ = span("1000y").subtract_from(min);
        let _ = span("8784000h").subtract_from_utc(DateTime::<Utc>::MIN_UTC, Rome);
        let _ = span("1d").add_to(max);
        let _ = resolve_local_lenient(NaiveDateTime::MAX, Rome);
        let _ = resolve_local_lenient(NaiveDateTime::MIN, chrono_tz::Pacific::Kiritimati);
        let _ = resolve_local_strict(NaiveDateTime::MAX, chrono_tz::America::Adak, None);
        let _ = format_local(DateTime::<Utc>::MAX_UTC, chrono_tz::Pacific::Kiritimati);
        let _ = offer_window_check(
            DateTime::<Utc>::MIN_UTC,
            chrono_tz::America::Adak,
            None,
            None,
        );
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
    fn offer_day_boundaries() {
        let from = NaiveDate::from_ymd_opt(2026, 11, 27);
        let until = NaiveDate::from_ymd_opt(2026, 11, 30);
        let check = |s: &str| offer_window_check(utc(s), Rome, from, until);
        // 23:59:59.999 local on the last day is still in.
        assert_eq!(check("2026-11-30T22:59:59.999Z"), None);
        assert_eq!(
            check("2026-11-30T23:00:00Z"),
            until.map(OfferProblem::After)
        );
        // 00:00 local on the first day is in; a moment before is not.
        assert_eq!(check("2026-11-26T23:00:00Z"), None);
        assert_eq!(
            check("2026-11-26T22:59:59Z"),
            from.map(OfferProblem::Before)
        );
        assert_eq!(
            offer_window_check(utc("2030-01-01T00:00:00Z"), Rome, None, None),
            None
        );
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
}
