//! Whether a send falls inside its offer's validity, in whole local days.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::local::local_wall;

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
#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::testing::utc;
    use chrono_tz::Europe::Rome;

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
    fn the_earliest_instant_does_not_panic() {
        let _ = offer_window_check(
            DateTime::<Utc>::MIN_UTC,
            chrono_tz::America::Adak,
            None,
            None,
        );
    }
}
