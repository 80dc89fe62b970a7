//! Numbers and lists written for people: sizes that never look equal to their limit,
//! durations in seconds or minutes, "a"/"an", "JPEG or PNG".

use super::Codec;

/// `noun` with its indefinite article, by sound: "an MP4 video", "a JPEG image",
/// "an animated GIF", "a PNG image".
pub(super) fn a(noun: &str) -> String {
    let mut chars = noun.chars();
    let first = chars.next().unwrap_or(' ');
    let second = chars.next().unwrap_or(' ');
    // Names spelt letter by letter (MP4, AAC) start with a vowel sound for these; HEIC
    // and FLAC are said as words.
    let acronym =
        first.is_ascii_uppercase() && (second.is_ascii_uppercase() || second.is_ascii_digit());
    let an = if acronym {
        "AEIOM".contains(first)
    } else {
        "aeiouAEIOU".contains(first)
    };
    format!("{} {noun}", if an { "an" } else { "a" })
}

pub(super) fn join_or<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.collect();
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

pub(super) fn join_or_codecs(codecs: &[Codec]) -> String {
    let names: Vec<String> = codecs.iter().map(|c| c.name()).collect();
    join_or(names.iter().map(String::as_str))
}

pub(super) use crate::base::words::thousands;

/// Renders a measured size and its limit so that the measured one visibly exceeds it
/// (5,000,001 bytes is "5.000001 MB", never "5.0 MB" against "5 MB").
pub(super) fn size_pair(measured: u64, limit: u64) -> (String, String) {
    fn unit(n: u64) -> (u64, &'static str) {
        match n {
            1_000_000_000.. => (1_000_000_000, "GB"),
            1_000_000.. => (1_000_000, "MB"),
            1_000.. => (1_000, "KB"),
            _ => (1, "bytes"),
        }
    }
    let (lu, lname) = unit(limit);
    let limit_text = format!("{} {lname}", decimal(limit, lu, lu.ilog10(), true));
    let (mu, mname) = unit(measured);
    let digits = mu.ilog10();
    let mut places = digits.min(1);
    while places < digits && truncated(measured, mu, places) <= limit {
        places += 1;
    }
    (
        format!("{} {mname}", decimal(measured, mu, places, false)),
        limit_text,
    )
}

/// Renders a measured duration and its limit in seconds (minutes from ten minutes on).
pub(super) fn duration_pair(measured_ms: u64, limit_ms: u64) -> (String, String) {
    let mut places = 0;
    while places < 3 && truncated(measured_ms, 1000, places) <= limit_ms {
        places += 1;
    }
    (
        seconds(measured_ms, places, false),
        seconds(limit_ms, 3, true),
    )
}

/// `value` cut (not rounded) to `places` decimals of `unit`, back in base units.
fn truncated(value: u64, unit: u64, places: u32) -> u64 {
    let step = unit / 10u64.pow(places.min(unit.ilog10()));
    value / step * step
}

fn decimal(value: u64, unit: u64, places: u32, trim: bool) -> String {
    let places = places.min(unit.ilog10());
    let whole = value / unit;
    if places == 0 {
        return thousands(whole);
    }
    let frac = (value % unit) / (unit / 10u64.pow(places));
    let mut frac_text = format!("{frac:0width$}", width = places as usize);
    if trim {
        while frac_text.ends_with('0') {
            frac_text.pop();
        }
    }
    if frac_text.is_empty() {
        thousands(whole)
    } else {
        format!("{}.{frac_text}", thousands(whole))
    }
}

fn seconds(ms: u64, places: u32, trim: bool) -> String {
    if ms >= 600_000 {
        let minutes = ms / 60_000;
        let rest = ms % 60_000;
        if rest == 0 && (trim || places == 0) {
            return format!("{minutes} min");
        }
        return format!("{minutes} min {} s", decimal(rest, 1000, places, trim));
    }
    format!("{} s", decimal(ms, 1000, places, trim))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_never_look_equal_to_the_limit() {
        assert_eq!(
            size_pair(5_000_001, 5_000_000),
            ("5.000001 MB".into(), "5 MB".into())
        );
        assert_eq!(
            size_pair(5_242_880, 5_000_000),
            ("5.2 MB".into(), "5 MB".into())
        );
        assert_eq!(
            size_pair(612_300_000, 512_000_000),
            ("612.3 MB".into(), "512 MB".into())
        );
        assert_eq!(
            size_pair(2_100_000, 100_000),
            ("2.1 MB".into(), "100 KB".into())
        );
        assert_eq!(
            size_pair(1_500_000_000, 1_000_000_000),
            ("1.5 GB".into(), "1 GB".into())
        );
    }

    #[test]
    fn durations_read_like_a_person_would_say_them() {
        assert_eq!(
            duration_pair(141_000, 140_000),
            ("141 s".into(), "140 s".into())
        );
        assert_eq!(
            duration_pair(140_400, 140_000),
            ("140.4 s".into(), "140 s".into())
        );
        assert_eq!(
            duration_pair(140_001, 140_000),
            ("140.001 s".into(), "140 s".into())
        );
        assert_eq!(
            duration_pair(612_000, 600_000),
            ("10 min 12 s".into(), "10 min".into())
        );
    }

    #[test]
    fn articles_follow_the_sound() {
        assert_eq!(a("MP4 video"), "an MP4 video");
        assert_eq!(a("JPEG image"), "a JPEG image");
        assert_eq!(a("animated GIF"), "an animated GIF");
        assert_eq!(a("PNG image"), "a PNG image");
        assert_eq!(a("HEIC image"), "a HEIC image");
        assert_eq!(a("AAC audio"), "an AAC audio");
        assert_eq!(a("Word document"), "a Word document");
        assert_eq!(a("Ogg audio (not Opus)"), "an Ogg audio (not Opus)");
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
