//! Phone number parsing, validation and E.164 normalisation (SPEC 1.3–1.5, rules
//! `phone/not-e164`, `phone/invalid`, `phone/not-international`).
//!
//! Validity, number type and formatting come from libphonenumber's numbering-plan
//! metadata through the `rlibphonenumber` port, so `parse` agrees with
//! libphonenumber's `parse` + `isValidNumber`: a +39 number is valid when it is valid
//! for Italy or for the Vatican. Nothing here knows Italian lengths or prefixes by hand.

mod e164;
mod kind;
mod parse;
mod region;

pub use self::e164::E164;
pub use self::kind::{NumberKind, Written};
pub use self::parse::{
    parse, parse_in, parse_key_in, plus_italian, warm_up, why_invalid, Phone, PhoneError,
};
pub use self::region::{is_known_region, Region};
