//! A number in E.164 held as one integer, and what the numbering plan says about it
//! (country code, region, grouping for reading).

use std::fmt;

use rlibphonenumber::{PhoneNumber, PhoneNumberFormat, PHONE_NUMBER_UTIL};

use super::region::Region;

/// Most digits an [`E164`] can hold: every 19-digit string with a non-zero first digit
/// fits in a `u64`, and a valid E.164 number never has more than 15.
const MAX_STORED_DIGITS: u32 = 19;

/// A phone number in E.164, stored as the integer made of its digits (country code
/// first, so no leading zero is ever lost). Orders numerically. Valid numbers have at
/// most 15 digits; an invalid, too-long one may keep up to 19 so it can be shown.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct E164(u64);

impl E164 {
    /// Wraps the E.164 digits read as an integer (`390212345678` for `+390212345678`);
    /// `None` when they do not start with a country code in use or exceed 19 digits.
    pub fn from_u64(digits: u64) -> Option<E164> {
        let e = E164(digits);
        e.split()?;
        Some(e)
    }

    /// The E.164 digits as an integer (`390212345678`).
    pub fn as_u64(self) -> u64 {
        self.0
    }

    /// The country calling code, e.g. `39`.
    pub fn country_code(self) -> u16 {
        self.split().map_or(0, |(cc, _)| cc)
    }

    /// The region the number belongs to (`IT`, `VA`, ...); `None` for invalid numbers
    /// of shared country codes and for non-geographic numbers such as +800.
    pub fn region(self) -> Option<Region> {
        let number = self.to_phone_number()?;
        let inner = PHONE_NUMBER_UTIL.get_region_for_number(&number)?;
        Region::from_inner(inner)
    }

    /// The number grouped for reading, in libphonenumber's international format for its
    /// region (`+39 333 123 4567`, `+39 02 1234 5678`).
    pub fn grouped(&self) -> String {
        match self.to_phone_number() {
            Some(number) => PHONE_NUMBER_UTIL
                .format(&number, PhoneNumberFormat::International)
                .into_owned(),
            None => self.to_string(),
        }
    }

    /// Splits into country code and national significant number (as written digits).
    fn split(self) -> Option<(u16, Nsn)> {
        let total = digit_count(self.0);
        if self.0 == 0 || total > MAX_STORED_DIGITS {
            return None;
        }
        // Country codes are prefix-free (ITU-T E.164), so at most one of the 1-, 2- and
        // 3-digit prefixes is in use.
        for cc_len in 1..=3u32 {
            if cc_len >= total {
                break;
            }
            let rest_len = total - cc_len;
            let scale = 10u64.checked_pow(rest_len)?;
            let cc = self.0 / scale;
            let Ok(cc_i32) = i32::try_from(cc) else {
                continue;
            };
            if PHONE_NUMBER_UTIL
                .get_regions_for_country_calling_code(cc_i32)
                .is_some()
            {
                let national = self.0 % scale;
                let leading_zeros = rest_len - digit_count(national);
                let cc = u16::try_from(cc).ok()?;
                return Some((
                    cc,
                    Nsn {
                        national,
                        leading_zeros,
                    },
                ));
            }
        }
        None
    }

    fn to_phone_number(self) -> Option<PhoneNumber> {
        let (cc, nsn) = self.split()?;
        let mut number = PhoneNumber {
            country_code: i32::from(cc),
            national_number: nsn.national,
            ..PhoneNumber::default()
        };
        if nsn.leading_zeros > 0 {
            number.italian_leading_zero = Some(true);
            if nsn.leading_zeros > 1 {
                number.number_of_leading_zeros = i32::try_from(nsn.leading_zeros).ok();
            }
        }
        Some(number)
    }
}

impl fmt::Display for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+{}", self.0)
    }
}

/// A national significant number: libphonenumber keeps leading zeros (Italian
/// landlines) apart from the integer.
struct Nsn {
    national: u64,
    leading_zeros: u32,
}

/// Number of decimal digits; `0` has one.
fn digit_count(n: u64) -> u32 {
    n.checked_ilog10().map_or(1, |l| l + 1)
}

/// Packs a parsed number into its E.164 integer; `None` past 19 digits.
pub(super) fn e164_of(number: &PhoneNumber) -> Option<E164> {
    let cc = u64::try_from(number.country_code).ok()?;
    let zeros = if number.italian_leading_zero() {
        u32::try_from(number.number_of_leading_zeros()).ok()?
    } else {
        0
    };
    let nsn_len = zeros + digit_count(number.national_number);
    if digit_count(cc) + nsn_len > MAX_STORED_DIGITS {
        return None;
    }
    let value = cc
        .checked_mul(10u64.checked_pow(nsn_len)?)?
        .checked_add(number.national_number)?;
    Some(E164(value))
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e164_round_trips_through_u64() {
        let milan = E164::from_u64(390212345678);
        assert_eq!(milan.map(|e| e.to_string()), Some("+390212345678".into()));
        assert_eq!(milan.and_then(|e| E164::from_u64(e.as_u64())), milan);
        assert_eq!(E164::from_u64(0), None);
        assert_eq!(E164::from_u64(u64::MAX), None);
        // +800 is a non-geographic code: no region, but groupable.
        let freephone = E164::from_u64(80012345678);
        assert_eq!(freephone.map(E164::region), Some(None));
        assert_eq!(freephone.map(E164::country_code), Some(800));
    }
}
