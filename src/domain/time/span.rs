//! Config durations such as `7d` or `24mo`, and moving an instant by one on the
//! calendar of a time zone (see the conventions in the module doc of `time`).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Days, Months, NaiveDateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::local::{earliest, latest, local_wall, resolve_local_lenient};

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

    /// This span `k` times over, for the `k`-th step of a repeat; unlike [`Span::new`]
    /// it is not held to the longest duration, since a repeat's later sends lie far
    /// beyond its interval. `None` when the count overflows.
    pub(super) fn times(self, k: u32) -> Option<Span> {
        self.n.checked_mul(k).map(|n| Span { n, unit: self.unit })
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

/// `local` moved by `span` on the calendar; `None` when out of chrono's range.
pub(super) fn shift_local(
    local: NaiveDateTime,
    span: Span,
    forward: bool,
) -> Option<NaiveDateTime> {
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
#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::local::format_local;
    use crate::domain::time::testing::{naive, parsed, utc};
    use chrono::TimeZone;
    use chrono_tz::Europe::Rome;

    fn span(s: &str) -> Span {
        parsed(s)
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
    }
}
