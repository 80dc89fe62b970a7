//! Contacts as camplint compares them: phone numbers in E.164, handles case-folded.
//! Each raw value is normalised once, when its row is read.

use std::collections::HashMap;

use crate::domain::phone::{self, Region, Written, E164};

/// A contact after normalisation: what audiences and the ledger are matched on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ContactKey {
    /// A phone number.
    Phone(E164),
    /// An X handle, by its id in [`Handles`].
    Handle(u32),
}

/// How a phone cell was written, so the phone rules need not parse it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneForm {
    /// Not a phone cell (a handle).
    NotPhone,
    /// Exactly E.164 and valid.
    E164,
    /// A valid number written otherwise (spaces, `00`, no prefix).
    NotE164,
    /// A number that is not valid for its country.
    Invalid,
    /// Not a number at all.
    Unreadable,
}

/// Interned, case-folded handles (`@Mario` and `@mario` are one person).
#[derive(Debug, Default)]
pub struct Handles {
    ids: HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
    // The folded form of the handle being looked up, reused so a handle seen before
    // costs no allocation.
    scratch: String,
}

impl Handles {
    /// The id of a handle, case-folded, `@` added when missing.
    pub fn intern(&mut self, raw: &str) -> u32 {
        let raw = raw.trim();
        self.scratch.clear();
        self.scratch.push('@');
        let name = raw.trim_start_matches('@');
        if name.is_ascii() {
            // Callers pass checked handles, which are ASCII: fold without allocating.
            self.scratch
                .extend(name.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            // Full Unicode folding (final sigma and all), as `to_lowercase` does it.
            self.scratch.push_str(&name.to_lowercase());
        }
        if let Some(&id) = self.ids.get(self.scratch.as_str()) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        let folded: Box<str> = self.scratch.as_str().into();
        self.names.push(folded.clone());
        self.ids.insert(folded, id);
        id
    }

    /// The handle with this id, as `@name`.
    pub fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map(|s| &**s).unwrap_or("@?")
    }
}

/// Reads phone cells with one default region, remembering the answer for each cell
/// written exactly as `+` and digits. A shop's number is usually in several audiences
/// and in the ledger, and libphonenumber parsing dominates loading, so each such number
/// is parsed once. The answer depends only on the text and the region, so a remembered
/// answer is the one parsing again would give.
#[derive(Debug)]
pub struct PhoneReader {
    region: Region,
    // Keyed by the digits as an integer: with no leading zero that integer spells the
    // cell back exactly, and it is far smaller than a String key.
    seen: HashMap<u64, (Option<ContactKey>, PhoneForm)>,
}

impl PhoneReader {
    /// A reader for numbers without a country prefix in `region`.
    pub fn new(region: Region) -> PhoneReader {
        PhoneReader {
            region,
            seen: HashMap::new(),
        }
    }

    /// [`read_phone`] with this reader's region.
    pub fn read(&mut self, raw: &str) -> (Option<ContactKey>, PhoneForm) {
        let region = self.region;
        match plus_digits_value(raw) {
            Some(n) => *self
                .seen
                .entry(n)
                .or_insert_with(|| read_phone(raw, region)),
            None => read_phone(raw, region),
        }
    }
}

/// The digits of `raw` when it is exactly `+` then 1 to 19 digits, the first not `0`
/// (so that `+{n}` gives `raw` back).
fn plus_digits_value(raw: &str) -> Option<u64> {
    let digits = raw.strip_prefix('+')?;
    let b = digits.as_bytes();
    if b.is_empty() || b.len() > 19 || b[0] == b'0' || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    digits.parse().ok()
}

/// Reads a phone cell: its key (when it is a number at all) and how it was written.
pub fn read_phone(raw: &str, region: Region) -> (Option<ContactKey>, PhoneForm) {
    match phone::parse_in(raw.trim(), region) {
        Ok(p) if !p.valid => (Some(ContactKey::Phone(p.e164)), PhoneForm::Invalid),
        Ok(p) if p.written == Written::E164 && raw.trim() == raw => {
            (Some(ContactKey::Phone(p.e164)), PhoneForm::E164)
        }
        Ok(p) => (Some(ContactKey::Phone(p.e164)), PhoneForm::NotE164),
        Err(_) => (None, PhoneForm::Unreadable),
    }
}

/// The readable form of a key.
pub fn display(key: ContactKey, handles: &Handles) -> String {
    match key {
        ContactKey::Phone(p) => p.to_string(),
        ContactKey::Handle(h) => handles.name(h).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_phones_read_as_parsed() {
        let mut reader = PhoneReader::new(Region::IT);
        for raw in [
            "+393331234567",
            "+393331234567",
            "+39333123456789",
            "+390212345678",
            "+39 333 123 4567",
            "3331234567",
            "+0393331234567",
            "+1",
            "+99912345678",
            " +393331234567",
        ] {
            assert_eq!(reader.read(raw), read_phone(raw, Region::IT), "{raw}");
        }
        assert_eq!(plus_digits_value("+393331234567"), Some(393331234567));
        assert_eq!(plus_digits_value("+0393"), None);
        assert_eq!(plus_digits_value("+39 3"), None);
        assert_eq!(plus_digits_value("+12345678901234567890"), None);
    }
}
