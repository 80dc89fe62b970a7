//! Values written as text in the time tests, parsed or the test fails loudly.

use std::fmt::Display;
use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, Utc};
use toml::value::Datetime;

/// Any value that parses from text (a span, a TOML date-time).
pub fn parsed<T: FromStr>(s: &str) -> T
where
    T::Err: Display,
{
    match s.parse() {
        Ok(x) => x,
        Err(e) => panic!("bad test value {s}: {e}"),
    }
}

/// A TOML date, time or date-time.
pub fn dt(s: &str) -> Datetime {
    parsed(s)
}

/// An RFC 3339 instant.
pub fn utc(s: &str) -> DateTime<Utc> {
    match DateTime::parse_from_rfc3339(s) {
        Ok(d) => d.to_utc(),
        Err(e) => panic!("bad test instant {s}: {e}"),
    }
}

/// A wall-clock time written `2026-03-31 10:00`.
pub fn naive(s: &str) -> NaiveDateTime {
    match NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M") {
        Ok(x) => x,
        Err(e) => panic!("bad test naive {s}: {e}"),
    }
}
