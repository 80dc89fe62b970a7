//! Reading a written phone number: normalising it to E.164, checking it is valid and
//! saying in plain words why it is not.

use std::fmt;
use std::sync::LazyLock;

use rlibphonenumber::{CountryCodeSource, ParseError, PhoneNumberType, PHONE_NUMBER_UTIL};

use super::e164::{e164_of, E164};
use super::kind::{NumberKind, Written};
use super::region::Region;

/// A parsed phone number.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Phone {
    /// The number normalised to E.164.
    pub e164: E164,
    /// True when libphonenumber's `isValidNumber` accepts it (for any region of its
    /// country code).
    pub valid: bool,
    /// Line type; `Unknown` exactly when the number is not valid.
    pub kind: NumberKind,
    /// How the input was written.
    pub written: Written,
}

/// Why a text could not be read as a phone number at all.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum PhoneError {
    /// No phone number in the text (letters, empty, a lone `+`).
    NotANumber,
    /// Too few digits to be a phone number.
    TooShort,
    /// Too many digits to be a phone number.
    TooLong,
    /// The country code after `+` or `00` is not in use.
    InvalidCountryCode,
    /// The text has an extension (`ext. 12`), which a chat number cannot have.
    HasExtension,
    /// The default region is not a known two-letter region code.
    UnknownRegion,
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PhoneError::NotANumber => "this is not a phone number",
            PhoneError::TooShort => "too few digits for a phone number",
            PhoneError::TooLong => "too many digits for a phone number",
            PhoneError::InvalidCountryCode => {
                "the country code after + or 00 does not exist (Italy is +39)"
            }
            PhoneError::HasExtension => {
                "the number has an extension; messages can only go to a number without one"
            }
            PhoneError::UnknownRegion => {
                "the default region is not a known two-letter country code (Italy is IT)"
            }
        })
    }
}

impl std::error::Error for PhoneError {}

/// Parses `input` like libphonenumber does, reading numbers without `+`/`00` as
/// numbers of `default_region` (a two-letter code such as `"IT"`), with the key
/// [`parse_key_in`] gives.
pub fn parse(input: &str, default_region: &str) -> Result<Phone, PhoneError> {
    let region = Region::new(default_region).ok_or(PhoneError::UnknownRegion)?;
    parse_key_in(input, region)
}

/// Parses `input` with an already checked default region, as one libphonenumber reading
/// (the fast entry point, for finding numbers in text). A number that is not valid may
/// get another key than its own E.164 form: see [`parse_key_in`].
pub fn parse_in(input: &str, default_region: Region) -> Result<Phone, PhoneError> {
    parse_once(input, default_region)
}

/// [`parse_in`] for a number that is matched against others (a contact cell, a ledger
/// row): every spelling of a number gets one key.
pub fn parse_key_in(input: &str, default_region: Region) -> Result<Phone, PhoneError> {
    let mut phone = parse_once(input, default_region)?;
    // For a number that is not valid, libphonenumber may strip a national prefix after
    // the country code, so its E.164 form can read as another number (`+43 00000 0`
    // reads as +4300000, which reads as +430000): the form is read again until it reads
    // as itself (found by fuzzing). Valid numbers, nearly all, are read once.
    for _ in 0..4 {
        if phone.valid {
            break;
        }
        match parse_once(&phone.e164.to_string(), default_region) {
            Ok(again) if again.e164 != phone.e164 => {
                phone = Phone {
                    written: phone.written,
                    ..again
                }
            }
            _ => break,
        }
    }
    Ok(phone)
}

/// Compiles the numbering-plan patterns that reading the first numbers would compile:
/// libphonenumber compiles each pattern on first use (about 5 ms for Italy's), and
/// every thread that meets a number meanwhile waits for it. The loader runs this on a
/// core that would otherwise wait for the merge of the loaded files.
pub fn warm_up(region: Region) {
    let _ = plus_italian(393_200_000_000);
    let _ = parse_in("320 000 0000", region);
    if let Ok(example) = PHONE_NUMBER_UTIL.get_example_number(region.inner) {
        let _ = PHONE_NUMBER_UTIL.get_number_type(&example);
    }
}

/// What [`parse_key_in`] answers for a cell written exactly `+39` and then digits, the
/// first not `0`: the number's E.164 form and whether it is valid, or `None` outside
/// that shape. `digits` is the cell after `+` as an integer (`393331234567`).
///
/// Contact lists and ledgers are mostly such cells, and libphonenumber's text parsing
/// is half the cost of reading them. For this shape its outcome is fixed: the country
/// code is 39, Italy strips no national prefix, and what follows is the national
/// number, with no leading zero to keep. Validity is then its own test, "valid for a
/// region of +39" (the Vatican's leading digits, 06698, cannot match a number that
/// does not start with 0), with one type lookup instead of the two `get_number_type`
/// makes. Checked against the full parse over every three-digit prefix and length by
/// `tests::plus_italian_answers_as_the_full_parse`.
pub fn plus_italian(digits: u64) -> Option<(E164, bool)> {
    // 39 and at least two national digits, at most E.164's 15 digits in all.
    let len = digits.checked_ilog10()? + 1;
    if !(4..=15).contains(&len) {
        return None;
    }
    let scale = 10u64.pow(len - 2);
    if digits / scale != 39 {
        return None;
    }
    let national = digits % scale;
    if national < scale / 10 {
        return None;
    }
    let e164 = E164::from_u64(digits)?;
    let number = rlibphonenumber::PhoneNumber {
        country_code: 39,
        national_number: national,
        ..Default::default()
    };
    // Looked up once: a binary search over every country code, per number, was 1% of
    // a million-contact run.
    static REGIONS: LazyLock<Vec<rlibphonenumber::Region>> = LazyLock::new(|| {
        PHONE_NUMBER_UTIL
            .get_regions_for_country_calling_code(39)
            .map(Iterator::collect)
            .unwrap_or_default()
    });
    let valid = REGIONS
        .iter()
        .any(|&r| PHONE_NUMBER_UTIL.is_valid_number_for_region(&number, r));
    Some((e164, valid))
}

/// One libphonenumber reading of `input`.
fn parse_once(input: &str, default_region: Region) -> Result<Phone, PhoneError> {
    let number = PHONE_NUMBER_UTIL
        .parse_and_keep_raw_input(input, Some(default_region.inner))
        .map_err(|e| match e {
            ParseError::InvalidCountryCode => PhoneError::InvalidCountryCode,
            ParseError::NotANumber(_) => PhoneError::NotANumber,
            ParseError::TooShortAfterIdd | ParseError::TooShortNsn => PhoneError::TooShort,
            ParseError::TooLongNsn => PhoneError::TooLong,
        })?;
    if number.extension.as_deref().is_some_and(|x| !x.is_empty()) {
        return Err(PhoneError::HasExtension);
    }
    let e164 = e164_of(&number).ok_or(PhoneError::TooLong)?;
    let kind = NumberKind::from_lib(PHONE_NUMBER_UTIL.get_number_type(&number));
    // libphonenumber's isValidNumber is exactly "the type for the number's region is
    // known", so one type lookup answers both questions.
    let valid = kind != NumberKind::Unknown;
    let written = match number.country_code_source() {
        CountryCodeSource::FromNumberWithPlusSign => {
            if is_plus_digits(input) {
                Written::E164
            } else {
                Written::International
            }
        }
        CountryCodeSource::FromNumberWithIdd => Written::IddPrefix,
        _ => Written::National,
    };
    Ok(Phone {
        e164,
        valid,
        kind,
        written,
    })
}

/// Why `input` is not a valid number, in plain words for `phone/invalid` ("too few
/// digits for an Italian number"); `None` when it is valid. Only called on numbers
/// already found invalid, so the second parse costs nothing at scale.
pub fn why_invalid(input: &str, default_region: Region) -> Option<String> {
    let number = match PHONE_NUMBER_UTIL.parse(input.trim(), Some(default_region.inner)) {
        Ok(n) => n,
        Err(_) => {
            return parse_in(input.trim(), default_region)
                .err()
                .map(|e| e.to_string());
        }
    };
    if PHONE_NUMBER_UTIL.get_number_type(&number) != PhoneNumberType::Unknown {
        return None;
    }
    let cc = number.country_code;
    let country = if cc == 39 {
        "an Italian number".to_string()
    } else {
        format!("a +{cc} number")
    };
    Some(
        match PHONE_NUMBER_UTIL.is_possible_number_with_reason(&number) {
            Err(rlibphonenumber::ValidationError::TooShort) => {
                format!("too few digits for {country}")
            }
            Err(rlibphonenumber::ValidationError::TooLong) => {
                format!("too many digits for {country}")
            }
            Err(rlibphonenumber::ValidationError::InvalidLength) => {
                format!("wrong number of digits for {country}")
            }
            Err(rlibphonenumber::ValidationError::InvalidCountryCode) => {
                "the country code after + or 00 does not exist (Italy is +39)".to_string()
            }
            Ok(_) => format!(
                "not a valid {} (the length does not fit its prefix, or no line has that prefix)",
                country.trim_start_matches("an ").trim_start_matches("a ")
            ),
        },
    )
}

/// True when `s` is `+` followed by one or more ASCII digits and nothing else.
fn is_plus_digits(s: &str) -> bool {
    match s.as_bytes().split_first() {
        Some((b'+', rest)) => !rest.is_empty() && rest.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_italian_answers_as_the_full_parse() {
        // Every national number of two and three digits, then every three-digit start
        // with each length up to E.164's limit, ended by zeros, by nines and by mixed
        // digits: each prefix and length libphonenumber's Italian patterns tell apart.
        let mut cells: Vec<u64> = (100..1000).map(|n| 39_000 + n).collect();
        cells.extend((10..100).map(|n| 3_900 + n));
        for start in 100..1000u64 {
            for tail in 1..=10u32 {
                let scale = 10u64.pow(tail);
                let base = (39_000 + start) * scale;
                let mixed = (start * 7_919 + u64::from(tail) * 104_729) % scale;
                cells.extend([base, base + scale - 1, base + mixed]);
            }
        }
        let fr = Region::new("FR").unwrap();
        for n in cells {
            let raw = format!("+{n}");
            let full = parse_key_in(&raw, Region::IT);
            let fast = plus_italian(n);
            match full {
                Ok(p) => assert_eq!(fast, Some((p.e164, p.valid)), "{raw}"),
                Err(e) => panic!("{raw} does not parse ({e}), the fast path gives {fast:?}"),
            }
            // The default region plays no part once the number starts with +39.
            assert_eq!(
                parse_key_in(&raw, fr).map(|p| (p.e164, p.valid)),
                full.map(|p| (p.e164, p.valid)),
                "{raw}"
            );
        }
        // Outside the shape: other countries, a leading zero, too few or too many digits.
        for n in [33_612_345_678, 390_212_345_678, 393, 39_312_345_678_901_234] {
            assert_eq!(plus_italian(n), None, "{n}");
        }
    }

    #[test]
    fn an_invalid_numbers_key_reads_as_itself() {
        // Found by the property test: libphonenumber strips Austria's national prefix
        // from what follows +43, once per reading.
        for written in ["+4300 0 000", "+4300000", "+43 0000", "0043 000 000"] {
            let first = it(written);
            assert!(!first.valid, "{written}");
            assert_eq!(it(&first.e164.to_string()).e164, first.e164, "{written}");
            assert_eq!(it(&first.e164.grouped()).e164, first.e164, "{written}");
        }
        assert_eq!(it("+4300 0 000").written, Written::International);
    }

    fn it(input: &str) -> Phone {
        match parse(input, "IT") {
            Ok(p) => p,
            Err(e) => panic!("{input:?} did not parse: {e}"),
        }
    }

    #[test]
    fn landline_keeps_leading_zero() {
        let p = it("02 1234 5678");
        assert_eq!(p.e164.to_string(), "+390212345678");
        assert!(p.valid);
        assert_eq!(p.kind, NumberKind::FixedLine);
        assert_eq!(p.written, Written::National);
        assert_eq!(p.e164.grouped(), "+39 02 1234 5678");
        assert_eq!(p.e164.country_code(), 39);
    }

    #[test]
    fn idd_00_is_plus() {
        let a = it("0039 333 123 4567");
        let b = it("+39 333 123 4567");
        assert_eq!(a.e164, b.e164);
        assert_eq!(a.written, Written::IddPrefix);
        assert_eq!(b.written, Written::International);
        assert_eq!(a.kind, NumberKind::Mobile);
        assert_eq!(a.e164.grouped(), "+39 333 123 4567");
    }

    #[test]
    fn e164_written_form() {
        let p = it("+393331234567");
        assert_eq!(p.written, Written::E164);
        assert!(p.valid);
        let q = it("+39 333-123-4567");
        assert!(q.valid);
        assert_eq!(q.written, Written::International);
        assert_eq!(q.e164, p.e164);
        // Surrounding space is not the written form; callers trim if they want to.
        assert_eq!(it(" +393331234567").written, Written::International);
    }

    #[test]
    fn national_mobile_starting_39_is_not_a_country_code() {
        let p = it("391 234 5678");
        assert_eq!(p.e164.to_string(), "+393912345678");
        assert_eq!(p.written, Written::National);
    }

    #[test]
    fn vatican_numbers_are_valid() {
        // libphonenumber's VA fixed-line example.
        let p = it("06 6982 1234");
        assert!(p.valid, "{p:?}");
        assert_eq!(p.e164.to_string(), "+390669821234");
        assert_eq!(p.e164.region().map(|r| r.to_string()), Some("VA".into()));
        let q = it("+39 02 1234 5678");
        assert_eq!(q.e164.region(), Some(Region::IT));
    }

    #[test]
    fn voicemail_eleven_and_twelve_digits() {
        let p = it("331 0123 4501");
        assert!(p.valid);
        assert_eq!(p.kind, NumberKind::Voicemail);
        assert_eq!(p.e164.to_string(), "+3933101234501");
        let q = it("+39 331 0123 45012");
        assert_eq!(q.kind, NumberKind::Voicemail, "{q:?}");
        assert!(q.valid);
    }

    #[test]
    fn too_long_numbers_are_invalid() {
        let p = it("02234567890123");
        assert!(!p.valid);
        assert_eq!(p.kind, NumberKind::Unknown);
        assert_eq!(p.e164.to_string(), "+3902234567890123");
        // 11 digits after 333 is a voicemail range, 13 is too many for any type.
        assert!(it("+39 333 123 45678").valid);
        assert!(!it("+39 333 1234 567890").valid);
    }

    #[test]
    fn special_rate_numbers() {
        assert_eq!(it("800 123 456").kind, NumberKind::TollFree);
        assert_eq!(it("899 123 456").kind, NumberKind::PremiumRate);
        assert_eq!(it("848 123 456").kind, NumberKind::SharedCost);
    }

    #[test]
    fn foreign_numbers_parse_by_their_own_country() {
        let uk = it("+44 20 7946 0958");
        assert_eq!(uk.e164.to_string(), "+442079460958");
        assert_eq!(uk.e164.country_code(), 44);
        assert_eq!(uk.e164.grouped(), "+44 20 7946 0958");
        let us = it("+1 202 555 0143");
        assert_eq!(us.e164.to_string(), "+12025550143");
        assert_eq!(us.e164.country_code(), 1);
        assert_eq!(it("0044 20 7946 0958").e164, uk.e164);
        // Read from the US, 011 is the international prefix and 00 is not.
        let from_us = parse("011 39 02 1234 5678", "US");
        assert_eq!(from_us.map(|p| p.written), Ok(Written::IddPrefix));
        let us_national = parse("(202) 555-0143", "us").map(|p| p.e164);
        assert_eq!(us_national, Ok(us.e164));
    }

    #[test]
    fn garbage_is_an_error() {
        assert_eq!(parse("abc", "IT"), Err(PhoneError::NotANumber));
        assert_eq!(parse("", "IT"), Err(PhoneError::NotANumber));
        assert_eq!(parse("+", "IT"), Err(PhoneError::NotANumber));
        assert_eq!(parse("   ", "IT"), Err(PhoneError::NotANumber));
        assert_eq!(parse("1", "IT"), Err(PhoneError::NotANumber));
        // libphonenumber reads two digits as a (never valid) national number.
        assert_eq!(parse("12", "IT").map(|p| p.valid), Ok(false));
        assert_eq!(parse("0039", "IT"), Err(PhoneError::TooShort));
        assert_eq!(
            parse("12345678901234567890", "IT"),
            Err(PhoneError::TooLong)
        );
        assert_eq!(
            parse("+999 1234 5678", "IT"),
            Err(PhoneError::InvalidCountryCode)
        );
        assert_eq!(parse("333 1234567", "XX"), Err(PhoneError::UnknownRegion));
        assert_eq!(
            parse("+39 02 1234 5678 ext. 12", "IT"),
            Err(PhoneError::HasExtension)
        );
        for s in [
            "+0",
            "00",
            "0039",
            "+39",
            "++39 333",
            "☎",
            "+３９ ３３３",
            "-",
            "0",
            "\u{0}",
            "tel:+39-02",
            "9".repeat(200).as_str(),
            "+39 0000000000000000",
        ] {
            let _ = parse(s, "IT");
        }
    }

    #[test]
    fn country_code_without_plus_is_national_writing() {
        // libphonenumber drops a leading 39 only when the rest is valid and the whole is not.
        let p = it("39 333 123 4567");
        assert_eq!(p.e164.to_string(), "+393331234567");
        assert_eq!(p.written, Written::National);
        assert_eq!(it("(+39) 333 123 4567").written, Written::International);
    }

    #[test]
    fn random_text_never_panics() {
        const PIECES: [&str; 24] = [
            "0", "3", "9", "39", "00", "+", "++", " ", "-", ".", "(", ")", "/", "ext", ";", "x",
            "tel:", "#", "*", "٣", "３", "a", "é", "\u{feff}",
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            let mut s = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mut bits = state;
            for _ in 0..(bits % 24) {
                bits = bits.rotate_left(5) ^ state;
                s.push_str(PIECES[(bits % 24) as usize]);
            }
            if let Ok(p) = parse(&s, "IT") {
                let _ = p.e164.grouped();
                let _ = p.e164.region();
                assert_eq!(p.valid, p.kind != NumberKind::Unknown);
            }
        }
    }
}
