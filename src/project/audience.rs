//! Audiences: `audiences/*.toml` metadata and the CSV contact list it names.

use chrono_tz::Tz;
use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::contact::{ContactKey, Handles, PhoneForm, PhoneReader};
use crate::base::channel::AudienceChannel;
use crate::base::diagnostic::{Diagnostic, Sink};
use crate::base::source::FileId;
use crate::project::parse::{CSV, SCHEMA};

/// An audience file as written.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "camplint audience",
    description = "An audience: its channel and the CSV with its contacts"
)]
pub struct RawAudience {
    /// A readable name; the audience's id is its file stem.
    pub name: Option<String>,
    /// "whatsapp", "whatsapp-broadcast" or "twitter-dm".
    #[schemars(with = "AudienceChannel")]
    pub channel: Spanned<AudienceChannel>,
    /// The CSV with the contacts, relative to this file.
    #[schemars(with = "String")]
    pub contacts: Spanned<String>,
    /// IANA time zone quiet hours are read in; default project.timezone.
    #[schemars(with = "Option<String>")]
    pub timezone: Option<Spanned<String>>,
}

/// One contact row.
#[derive(Debug, Clone, Copy)]
pub struct Contact {
    /// Normalised key; `None` when the cell is not a number or handle at all.
    pub key: Option<ContactKey>,
    /// How a phone cell was written.
    pub form: PhoneForm,
    /// 1-based line in the CSV.
    pub line: u32,
    /// Byte offset of the row.
    pub row_start: u32,
}

/// An audience with its contacts.
#[derive(Debug)]
pub struct Audience {
    /// File stem.
    pub id: String,
    /// The TOML file.
    pub file: FileId,
    /// Readable name.
    pub name: Option<String>,
    /// Channel and span.
    pub channel: Spanned<AudienceChannel>,
    /// The `contacts` value and span.
    pub contacts_path: Spanned<String>,
    /// Time zone for quiet hours.
    pub timezone: Option<Tz>,
    /// The CSV file, once read.
    pub csv: Option<FileId>,
    /// Index of the `phone` or `handle` column.
    pub column: usize,
    /// Rows in file order.
    pub contacts: Vec<Contact>,
}

/// Validates audience metadata (the CSV is read separately by [`read_contacts`]).
pub fn validate(id: String, file: FileId, raw: RawAudience, sink: &mut Sink) -> Audience {
    let timezone = raw.timezone.as_ref().and_then(|tz| match tz.get_ref().parse::<Tz>() {
        Ok(t) => Some(t),
        Err(_) => {
            sink.push(Diagnostic::new(
                &SCHEMA,
                file,
                tz.span(),
                format!("\"{}\" is not a time zone name", tz.get_ref()),
                "use an IANA name such as \"Europe/Rome\", or remove `timezone` to use the project's",
            ));
            None
        }
    });
    Audience {
        id,
        file,
        name: raw.name,
        channel: raw.channel,
        contacts_path: raw.contacts,
        timezone,
        csv: None,
        column: 0,
        contacts: Vec::new(),
    }
}

/// Reads the contact list of `audience` from `text` (the CSV's text).
pub fn read_contacts(
    audience: &mut Audience,
    csv: FileId,
    text: &str,
    phones: &PhoneReader,
    handles: &mut Handles,
    sink: &mut Sink,
) {
    audience.csv = Some(csv);
    let is_phone = audience.channel.get_ref().channel().is_whatsapp();
    let wanted = if is_phone { "phone" } else { "handle" };
    let Some((table, mut rows)) = super::csv_table::open(csv, text, sink) else {
        return;
    };
    let Some(col) = table.column(wanted) else {
        sink.push(Diagnostic::new(
            &CSV,
            csv,
            table.header_span.clone(),
            format!("the contact list has no `{wanted}` column"),
            format!(
                "name the column with the contacts `{wanted}` in the first line (this audience's channel is {})",
                audience.channel.get_ref().channel()
            ),
        ));
        return;
    };
    audience.column = col;
    let mut contacts = Vec::new();
    while let Some(row) = rows.next_row(sink) {
        let value = row.record.get(col).unwrap_or("");
        if value.trim().is_empty() {
            sink.push(Diagnostic::new(
                &CSV,
                csv,
                super::csv_table::field_span(text, row.start as usize, col),
                format!("row {} has no {wanted}", row.line),
                format!("fill in the {wanted}, or delete the row"),
            ));
            continue;
        }
        let (key, form) = if is_phone {
            phones.read(value)
        } else if is_handle(value) {
            (
                Some(ContactKey::Handle(handles.intern(value))),
                PhoneForm::NotPhone,
            )
        } else {
            sink.push(Diagnostic::new(
                &CSV,
                csv,
                super::csv_table::field_span(text, row.start as usize, col),
                format!("\"{value}\" is not an X handle"),
                "write the handle like @negozio: letters, digits and _ only",
            ));
            continue;
        };
        contacts.push(Contact {
            key,
            form,
            line: row.line,
            row_start: row.start,
        });
    }
    audience.contacts = contacts;
}

/// True for an X handle: `@` optional, then letters, digits and `_`.
pub fn is_handle(value: &str) -> bool {
    let name = value.trim().trim_start_matches('@');
    !name.is_empty()
        && name.len() <= 15
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}
