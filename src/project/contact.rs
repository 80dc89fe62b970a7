//! Contacts as camplint compares them: phone numbers in E.164, handles case-folded.
//! Each raw value is normalised once, when its row is read.

use std::collections::HashMap;
use std::sync::Mutex;

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

    /// Interns every handle of `other` in the order it was first seen there, and returns
    /// the id here of each of its ids. A file read on its own thread interns into its own
    /// table; merged in file order, the ids are those one table would have given.
    pub fn absorb(&mut self, other: &Handles) -> Vec<u32> {
        other.names.iter().map(|name| self.intern(name)).collect()
    }
}

/// A key interned in a file's own [`Handles`], re-keyed by [`Handles::absorb`]'s map.
pub fn rekey(key: ContactKey, map: &[u32]) -> ContactKey {
    match key {
        ContactKey::Handle(h) => ContactKey::Handle(map.get(h as usize).copied().unwrap_or(h)),
        phone => phone,
    }
}

/// Reads phone cells with one default region, remembering the answer for each cell
/// written exactly as `+` and digits. A shop's number is usually in several audiences
/// and in the ledger, and libphonenumber parsing dominates loading, so each such number
/// is parsed once. The answer depends only on the text and the region, so a remembered
/// answer is the one parsing again would give.
///
/// One reader serves every file at once: files are read on several threads.
#[derive(Debug)]
pub struct PhoneReader {
    region: Region,
    // Keyed by the digits as an integer: with no leading zero that integer spells the
    // cell back exactly, and it is far smaller than a String key. Split by the last
    // digits so that threads seldom wait on the same lock; parsing is done unlocked.
    seen: Vec<Mutex<Memo>>,
}

/// Remembered answers of one shard of a [`PhoneReader`]: a million numbers must fit
/// the processor's cache as far as they can, so an answer is one byte and the hash is
/// a multiply (the keys are phone digits, not chosen by an attacker to collide).
type Memo = HashMap<u64, Remembered, rustc_hash::FxBuildHasher>;

/// The answer for a cell `+{n}`, where the number read (if any) is `n` itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Remembered {
    /// `+{n}` is the number `n`, written as E.164 (so valid).
    E164,
    /// `+{n}` is the number `n`, not valid for its country.
    Invalid,
    /// `+{n}` is not a phone number.
    Unreadable,
}

impl Remembered {
    /// How `answer` for the cell `+{n}` is remembered; `None` for an answer that is
    /// not one of these (the cell is then parsed each time it comes).
    fn of(answer: (Option<ContactKey>, PhoneForm), n: u64) -> Option<Remembered> {
        match answer {
            (None, PhoneForm::Unreadable) => Some(Remembered::Unreadable),
            (Some(ContactKey::Phone(e)), form) if E164::from_u64(n) == Some(e) => match form {
                PhoneForm::E164 => Some(Remembered::E164),
                PhoneForm::Invalid => Some(Remembered::Invalid),
                _ => None,
            },
            _ => None,
        }
    }

    /// The answer again.
    fn answer(self, n: u64) -> (Option<ContactKey>, PhoneForm) {
        let key = E164::from_u64(n).map(ContactKey::Phone);
        match (self, key) {
            (Remembered::E164, Some(k)) => (Some(k), PhoneForm::E164),
            (Remembered::Invalid, Some(k)) => (Some(k), PhoneForm::Invalid),
            _ => (None, PhoneForm::Unreadable),
        }
    }
}

/// Shards of a [`PhoneReader`]'s memory.
const SHARDS: u64 = 16;

impl PhoneReader {
    /// A reader for numbers without a country prefix in `region`.
    pub fn new(region: Region) -> PhoneReader {
        PhoneReader {
            region,
            seen: (0..SHARDS).map(|_| Mutex::default()).collect(),
        }
    }

    /// [`read_phone`] with this reader's region.
    pub fn read(&self, raw: &str) -> (Option<ContactKey>, PhoneForm) {
        let Some(n) = plus_digits_value(raw) else {
            return read_phone(raw, self.region);
        };
        // A lock poisoned by a panic elsewhere only costs the memory, never the answer.
        let shard = self.seen.get((n % SHARDS) as usize);
        let known = shard.and_then(|m| m.lock().ok().and_then(|m| m.get(&n).copied()));
        if let Some(known) = known {
            return known.answer(n);
        }
        let answer = read_phone_as(raw, Some(n), self.region);
        if let (Some(Ok(mut m)), Some(r)) = (shard.map(Mutex::lock), Remembered::of(answer, n)) {
            m.insert(n, r);
        }
        answer
    }
}

/// The digits of `raw` when it is exactly `+` then 1 to 15 digits (E.164's longest),
/// the first not `0` (so that `+{n}` gives `raw` back).
fn plus_digits_value(raw: &str) -> Option<u64> {
    let digits = raw.strip_prefix('+')?;
    let b = digits.as_bytes();
    if b.is_empty() || b.len() > 15 || b[0] == b'0' || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    digits.parse().ok()
}

/// Reads a phone cell: its key (when it is a number at all) and how it was written.
pub fn read_phone(raw: &str, region: Region) -> (Option<ContactKey>, PhoneForm) {
    read_phone_as(raw, plus_digits_value(raw), region)
}

/// [`read_phone`] given `raw`'s [`plus_digits_value`], which the memo has already read.
fn read_phone_as(
    raw: &str,
    digits: Option<u64>,
    region: Region,
) -> (Option<ContactKey>, PhoneForm) {
    // Most cells are `+39` and digits: answered without libphonenumber's text parsing.
    if let Some((e164, valid)) = digits.and_then(phone::plus_italian) {
        let form = if valid {
            PhoneForm::E164
        } else {
            PhoneForm::Invalid
        };
        return (Some(ContactKey::Phone(e164)), form);
    }
    match phone::parse_key_in(raw.trim(), region) {
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
        let reader = PhoneReader::new(Region::IT);
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
            "+3931",
            "+39312345678901",
            "+393123456789012",
        ] {
            assert_eq!(reader.read(raw), read_phone(raw, Region::IT), "{raw}");
        }
        assert_eq!(plus_digits_value("+393331234567"), Some(393331234567));
        assert_eq!(plus_digits_value("+0393"), None);
        assert_eq!(plus_digits_value("+39 3"), None);
        assert_eq!(plus_digits_value("+1234567890123456"), None);
        // Every kind of answer comes back as parsing gives it, remembered or not.
        for raw in ["+393331234567", "+39333", "+1", "+999", "+3900000000001"] {
            let answer = read_phone(raw, Region::IT);
            let n = plus_digits_value(raw).unwrap();
            if let Some(r) = Remembered::of(answer, n) {
                assert_eq!(r.answer(n), answer, "{raw}");
            }
            assert_eq!(reader.read(raw), answer, "{raw}");
            assert_eq!(reader.read(raw), answer, "{raw} again");
        }
    }
}
