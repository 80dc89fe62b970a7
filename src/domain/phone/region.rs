//! Regions of the numbering plan (`IT`, `VA`, `GB`) as libphonenumber knows them.

use std::fmt;

use rlibphonenumber::PHONE_NUMBER_UTIL;

/// A region of the numbering plan, an ISO 3166-1 alpha-2 code libphonenumber has
/// metadata for (e.g. `IT`, `VA`, `GB`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Region {
    code: [u8; 2],
    /// The library's own value, for parsing with this region as the default.
    pub(super) inner: rlibphonenumber::Region,
}

impl Region {
    /// Italy, the default for camplint projects.
    pub const IT: Region = Region {
        code: *b"IT",
        inner: rlibphonenumber::Region::IT,
    };

    /// Reads a two-letter region code (any letter case); `None` when it is not two ASCII
    /// letters or libphonenumber has no numbering plan for it (e.g. `XX`).
    pub fn new(code: &str) -> Option<Region> {
        let bytes = code.as_bytes();
        let [a, b] = bytes else {
            return None;
        };
        if !a.is_ascii_alphabetic() || !b.is_ascii_alphabetic() {
            return None;
        }
        let upper = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
        let inner = rlibphonenumber::Region::from_code(code).ok()?;
        PHONE_NUMBER_UTIL.get_country_code_for_region(inner)?;
        Some(Region { code: upper, inner })
    }

    /// The upper-case two-letter code, e.g. `"IT"`.
    pub fn as_str(&self) -> &str {
        // Always two ASCII letters by construction, so this never falls back.
        std::str::from_utf8(&self.code).unwrap_or("")
    }

    /// The region of a library value; `None` for the non-geographic entity.
    pub(super) fn from_inner(inner: rlibphonenumber::Region) -> Option<Region> {
        let text = inner.as_region_str();
        let [a, b] = text.as_str().as_bytes() else {
            // The non-geographic "001" entity (e.g. +800) is not a region.
            return None;
        };
        Some(Region {
            code: [*a, *b],
            inner,
        })
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// True when `code` is a two-letter region code with a numbering plan (for validating
/// `project.default_region`).
pub fn is_known_region(code: &str) -> bool {
    Region::new(code).is_some()
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        assert!(is_known_region("IT"));
        assert!(is_known_region("va"));
        assert!(!is_known_region("XX"));
        assert!(!is_known_region("ITA"));
        assert!(!is_known_region("001"));
        assert!(!is_known_region(""));
        assert!(!is_known_region("I"));
        assert!(!is_known_region("é"));
        assert_eq!(Region::new("it"), Some(Region::IT));
        assert_eq!(Region::IT.as_str(), "IT");
    }
}
