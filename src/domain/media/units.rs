//! Sizes and playing times as written in `camplint.toml` (`"5MB"`, `"140s"`).
//!
//! Sizes are decimal (1 MB = 1,000,000 bytes), as the platforms write them; `KiB`/`MiB`/
//! `GiB` say binary explicitly. Parse errors are serde errors, so the TOML reader puts
//! the key's line and column on them.

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

/// One kilobyte as the platforms count it.
pub(super) const KB: u64 = 1_000;
/// One megabyte as the platforms count it.
pub(super) const MB: u64 = 1_000_000;

/// A file size in bytes, written in config as `"5MB"`, `"500 KB"`, `"1.5GB"`, `"16MiB"`
/// or a bare integer of bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteSize(pub u64);

impl ByteSize {
    /// Parses `"5MB"`-style text; decimal units are powers of 1000, `KiB`/`MiB`/`GiB` of 1024.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (number, unit) = split_unit(text);
        let scale = match unit.to_ascii_lowercase().as_str() {
            "" | "b" | "byte" | "bytes" => 1,
            "kb" | "k" => KB,
            "mb" => MB,
            "gb" => 1_000 * MB,
            "kib" => 1 << 10,
            "mib" => 1 << 20,
            "gib" => 1 << 30,
            _ => return Err(size_error(text)),
        };
        scaled(number, scale)
            .map(ByteSize)
            .ok_or_else(|| size_error(text))
    }
}

fn size_error(text: &str) -> String {
    format!(
        "invalid size `{text}`: write a number and a unit, like \"5MB\", \"500KB\" or \"1GB\" \
         (1 MB = 1,000,000 bytes; use \"MiB\" for 1,048,576)"
    )
}

/// A playing time in milliseconds, written in config as `"140s"`, `"10m"` (minutes),
/// `"2h"`, `"1.5min"` or a bare integer of seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MediaDuration(pub u64);

impl MediaDuration {
    /// Parses `"140s"`-style text into milliseconds.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (number, unit) = split_unit(text);
        let scale = match unit.to_ascii_lowercase().as_str() {
            "ms" => 1,
            "s" | "sec" | "secs" | "second" | "seconds" => 1_000,
            "m" | "min" | "mins" | "minute" | "minutes" => 60_000,
            "h" | "hour" | "hours" => 3_600_000,
            _ => return Err(duration_error(text)),
        };
        scaled(number, scale)
            .map(MediaDuration)
            .ok_or_else(|| duration_error(text))
    }
}

fn duration_error(text: &str) -> String {
    format!(
        "invalid duration `{text}`: write a number and a unit, like \"140s\", \"10m\" \
         (minutes) or \"2h\""
    )
}

fn split_unit(text: &str) -> (&str, &str) {
    let text = text.trim();
    let cut = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(cut);
    (number, unit.trim())
}

/// `number * scale` for a decimal number with an optional fraction, exactly in integers.
fn scaled(number: &str, scale: u64) -> Option<u64> {
    let (int, frac) = match number.split_once('.') {
        Some((_, "")) => return None,
        Some(parts) => parts,
        None => (number, ""),
    };
    if int.is_empty() || frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole = int.parse::<u64>().ok()?.checked_mul(scale)?;
    if frac.is_empty() {
        return Some(whole);
    }
    let digits = u32::try_from(frac.len()).ok()?;
    let part = u128::from(frac.parse::<u64>().ok()?) * u128::from(scale) / 10u128.pow(digits);
    whole.checked_add(u64::try_from(part).ok()?)
}

struct UnitVisitor<F> {
    parse: F,
    expecting: &'static str,
    integer_scale: u64,
}

impl<'de, T, F: Fn(&str) -> Result<T, String>> Visitor<'de> for UnitVisitor<F>
where
    T: From<u64>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.parse)(v).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        v.checked_mul(self.integer_scale)
            .map(T::from)
            .ok_or_else(|| E::custom("number too large"))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        let v = u64::try_from(v).map_err(|_| E::custom("must not be negative"))?;
        self.visit_u64(v)
    }
}

impl From<u64> for ByteSize {
    fn from(v: u64) -> Self {
        ByteSize(v)
    }
}

impl From<u64> for MediaDuration {
    fn from(v: u64) -> Self {
        MediaDuration(v)
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UnitVisitor {
            parse: ByteSize::parse,
            expecting: "a size like \"5MB\" or a number of bytes",
            integer_scale: 1,
        })
    }
}

impl<'de> Deserialize<'de> for MediaDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UnitVisitor {
            parse: MediaDuration::parse,
            expecting: "a duration like \"140s\" or a number of seconds",
            integer_scale: 1_000,
        })
    }
}

impl JsonSchema for ByteSize {
    fn schema_name() -> Cow<'static, str> {
        "ByteSize".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A size: a number and a unit (B, KB, MB, GB = powers of 1000; KiB, MiB, GiB = powers of 1024), or an integer number of bytes.",
            "anyOf": [
                { "type": "string", "pattern": "^\\s*[0-9]+(\\.[0-9]{1,9})?\\s*([kKmMgG]([iI]?[bB])?|[bB]|bytes?)?\\s*$" },
                { "type": "integer", "minimum": 0 }
            ]
        })
    }
}

impl JsonSchema for MediaDuration {
    fn schema_name() -> Cow<'static, str> {
        "MediaDuration".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A playing time: a number and a unit (ms, s, m or min = minutes, h), or an integer number of seconds.",
            "anyOf": [
                { "type": "string", "pattern": "^\\s*[0-9]+(\\.[0-9]{1,9})?\\s*(ms|s|secs?|seconds?|m|mins?|minutes?|h|hours?)\\s*$" },
                { "type": "integer", "minimum": 0 }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_decimal_unless_binary_is_asked() {
        assert_eq!(ByteSize::parse("5MB"), Ok(ByteSize(5_000_000)));
        assert_eq!(ByteSize::parse("16 MB"), Ok(ByteSize(16_000_000)));
        assert_eq!(ByteSize::parse("512mb"), Ok(ByteSize(512_000_000)));
        assert_eq!(ByteSize::parse("100 kB"), Ok(ByteSize(100_000)));
        assert_eq!(ByteSize::parse("1.5GB"), Ok(ByteSize(1_500_000_000)));
        assert_eq!(ByteSize::parse("16MiB"), Ok(ByteSize(16 * 1024 * 1024)));
        assert_eq!(ByteSize::parse("123"), Ok(ByteSize(123)));
        for bad in [
            "",
            "MB",
            "5 MBs",
            "-5MB",
            "5..0MB",
            "1.MB",
            "99999999999999999999GB",
        ] {
            assert!(ByteSize::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn durations_read_minutes_as_m() {
        assert_eq!(MediaDuration::parse("140s"), Ok(MediaDuration(140_000)));
        assert_eq!(MediaDuration::parse("10m"), Ok(MediaDuration(600_000)));
        assert_eq!(MediaDuration::parse("2 h"), Ok(MediaDuration(7_200_000)));
        assert_eq!(MediaDuration::parse("1.5min"), Ok(MediaDuration(90_000)));
        assert!(MediaDuration::parse("10").is_err());
        assert!(MediaDuration::parse("10 mo").is_err());
    }
}
