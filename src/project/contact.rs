//! Contacts as camplint compares them: phone numbers in E.164, handles case-folded.
//! Each raw value is normalised once, when its row is read.

use std::collections::HashMap;

use crate::phone::{self, Region, Written, E164};

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
}

impl Handles {
    /// The id of a handle, case-folded, `@` added when missing.
    pub fn intern(&mut self, raw: &str) -> u32 {
        let raw = raw.trim();
        let folded = format!("@{}", raw.trim_start_matches('@').to_lowercase());
        if let Some(&id) = self.ids.get(folded.as_str()) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(folded.clone().into_boxed_str());
        self.ids.insert(folded.into_boxed_str(), id);
        id
    }

    /// The handle with this id, as `@name`.
    pub fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map(|s| &**s).unwrap_or("@?")
    }
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
