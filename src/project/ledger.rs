//! The consent ledger (`consent/*.csv`): an append-only log of consent events.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::contact::{ContactKey, Handles, PhoneForm, PhoneReader};
use super::csv_table::{field_span, open};
use crate::base::channel::{ConsentChannel, Purpose};
use crate::base::diagnostic::{Diagnostic, Sink};
use crate::base::source::FileId;
use crate::project::parse::CSV;

/// Granted or withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// The person said yes.
    Granted,
    /// The person said no more.
    Withdrawn,
}

/// One ledger row.
#[derive(Debug, Clone, Copy)]
pub struct ConsentEvent {
    /// Who.
    pub contact: ContactKey,
    /// How the contact cell was written (for the phone rules).
    pub form: PhoneForm,
    /// Which channel.
    pub channel: ConsentChannel,
    /// For what.
    pub purpose: Purpose,
    /// Yes or no.
    pub action: Action,
    /// When.
    pub at: DateTime<Utc>,
    /// Whether a source (proof) is given.
    pub has_source: bool,
    /// 1-based line.
    pub line: u32,
    /// Byte offset of the row.
    pub row_start: u32,
}

/// One ledger file.
#[derive(Debug)]
pub struct Ledger {
    /// The CSV.
    pub file: FileId,
    /// Column indexes, for spans: contact, channel, purpose, action, at, source.
    pub columns: [Option<usize>; 6],
    /// Rows that could be read, in file order.
    pub events: Vec<ConsentEvent>,
}

const COLUMNS: [&str; 6] = ["contact", "channel", "purpose", "action", "at", "source"];

/// Index of the `contact` column in [`Ledger::columns`].
pub const CONTACT: usize = 0;
/// Index of the `source` column in [`Ledger::columns`].
pub const SOURCE: usize = 5;

/// Reads a ledger.
pub fn load(
    file: FileId,
    text: &str,
    tz: Tz,
    phones: &PhoneReader,
    handles: &mut Handles,
    sink: &mut Sink,
) -> Ledger {
    let mut ledger = Ledger {
        file,
        columns: [None; 6],
        events: Vec::new(),
    };
    let Some((table, mut rows)) = open(file, text, sink) else {
        return ledger;
    };
    for (i, name) in COLUMNS.iter().enumerate() {
        ledger.columns[i] = table.column(name);
    }
    let missing: Vec<&str> = COLUMNS[..5]
        .iter()
        .zip(&ledger.columns)
        .filter(|(_, c)| c.is_none())
        .map(|(n, _)| *n)
        .collect();
    if !missing.is_empty() {
        sink.push(Diagnostic::new(
            &CSV,
            file,
            table.header_span.clone(),
            format!(
                "the consent ledger is missing the column{} {}",
                if missing.len() == 1 { "" } else { "s" },
                missing
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "the first line must name the columns: contact,channel,purpose,action,at,source",
        ));
        return ledger;
    }
    let [Some(c_contact), Some(c_channel), Some(c_purpose), Some(c_action), Some(c_at), c_source] =
        ledger.columns
    else {
        return ledger;
    };
    while let Some(row) = rows.next_row(sink) {
        let cell = |i: usize| row.record.get(i).unwrap_or("").trim();
        let bad = |sink: &mut Sink, i: usize, message: String, help: &str| {
            sink.push(Diagnostic::new(
                &CSV,
                file,
                field_span(text, row.start as usize, i),
                message,
                help,
            ));
        };
        let Some(channel) = ConsentChannel::parse(cell(c_channel)) else {
            bad(
                sink,
                c_channel,
                format!(
                    "row {}: \"{}\" is not a consent channel",
                    row.line,
                    cell(c_channel)
                ),
                "write whatsapp (it covers broadcast lists too) or twitter-dm",
            );
            continue;
        };
        let Some(purpose) = Purpose::parse(cell(c_purpose)) else {
            bad(
                sink,
                c_purpose,
                format!("row {}: \"{}\" is not a purpose", row.line, cell(c_purpose)),
                "write marketing or service",
            );
            continue;
        };
        let action = match cell(c_action) {
            a if a.eq_ignore_ascii_case("granted") => Action::Granted,
            a if a.eq_ignore_ascii_case("withdrawn") => Action::Withdrawn,
            other => {
                bad(
                    sink,
                    c_action,
                    format!("row {}: \"{other}\" is not a consent action", row.line),
                    "write granted or withdrawn",
                );
                continue;
            }
        };
        let at = match parse_when(cell(c_at), tz) {
            Ok(at) => at,
            Err(why) => {
                bad(
                    sink,
                    c_at,
                    format!("row {}: {why}", row.line),
                    "write a date like 2025-03-02 or a date-time like 2025-03-02T11:20:00+01:00",
                );
                continue;
            }
        };
        let raw = cell(c_contact);
        let (key, form) = match channel {
            ConsentChannel::Whatsapp => phones.read(row.record.get(c_contact).unwrap_or("")),
            ConsentChannel::TwitterDm if super::audience::is_handle(raw) => (
                Some(ContactKey::Handle(handles.intern(raw))),
                PhoneForm::NotPhone,
            ),
            ConsentChannel::TwitterDm => (None, PhoneForm::NotPhone),
        };
        let Some(contact) = key else {
            let what = if channel == ConsentChannel::Whatsapp {
                "a phone number"
            } else {
                "an X handle"
            };
            bad(
                sink,
                c_contact,
                format!("row {}: \"{raw}\" is not {what}", row.line),
                "write phones like +393331234567 and handles like @mario",
            );
            continue;
        };
        ledger.events.push(ConsentEvent {
            contact,
            form,
            channel,
            purpose,
            action,
            at,
            has_source: c_source.is_some_and(|i| !cell(i).is_empty()),
            line: row.line,
            row_start: row.start,
        });
    }
    ledger
}

/// Reads a ledger time: a date (start of that local day), a local date-time, or a
/// date-time with offset.
pub fn parse_when(s: &str, tz: Tz) -> Result<DateTime<Utc>, String> {
    // Most ledger rows carry a bare date: try that first, once.
    if s.len() == 10 {
        if let Some(d) = plain_date(s) {
            return local(d.and_time(chrono::NaiveTime::MIN), s, tz);
        }
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return local(d.and_time(chrono::NaiveTime::MIN), s, tz);
        }
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Ok(dt.with_timezone(&Utc));
    }
    // An offset without seconds, as spreadsheets often write it.
    if let Ok(dt) = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M%:z") {
        return Ok(dt.with_timezone(&Utc));
    }
    let naive = [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok());
    match naive {
        Some(n) => local(n, s, tz),
        None => Err(format!("\"{s}\" is not a date")),
    }
}

/// `YYYY-MM-DD` read digit by digit: the date `%Y-%m-%d` parsing gives for that exact
/// shape, without interpreting a format string for each of millions of rows. `None`
/// for any other shape or an impossible date (the general parser then decides).
fn plain_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let year = i32::try_from(num(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, num(5..7)?, num(8..10)?)
}

/// A local wall-clock time in `tz`; a time the clocks skip does not exist.
fn local(n: NaiveDateTime, s: &str, tz: Tz) -> Result<DateTime<Utc>, String> {
    match tz.from_local_datetime(&n).earliest() {
        Some(t) => Ok(t.with_timezone(&Utc)),
        None => Err(format!(
            "{s} does not exist in {tz}: the clocks skip that hour"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledger_times_in_every_usual_shape() {
        let tz = chrono_tz::Europe::Rome;
        let at = |s| parse_when(s, tz).map(|t| t.to_rfc3339());
        assert_eq!(at("2026-01-15").unwrap(), "2026-01-14T23:00:00+00:00");
        assert_eq!(
            at("2025-03-02T11:20:00+01:00").unwrap(),
            "2025-03-02T10:20:00+00:00"
        );
        assert_eq!(
            at("2025-03-02T11:20+01:00").unwrap(),
            "2025-03-02T10:20:00+00:00"
        );
        assert_eq!(at("2025-03-02 11:20").unwrap(), "2025-03-02T10:20:00+00:00");
        assert!(at("02/03/2025").is_err());
        for d in [
            "2026-01-15",
            "0000-01-01",
            "2026-02-29",
            "2024-02-29",
            "2026-13-01",
            "2026-1-015",
        ] {
            assert_eq!(
                plain_date(d),
                NaiveDate::parse_from_str(d, "%Y-%m-%d").ok(),
                "{d}"
            );
        }
        assert!(at("2026-03-29T02:30")
            .unwrap_err()
            .contains("does not exist"));
    }
}
