//! The consent ledger (`consent/*.csv`): an append-only log of consent events.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use rayon::prelude::*;

use super::contact::{rekey, ContactKey, Handles, PhoneForm, PhoneReader};
use super::csv_table::{field_span, open, split_rows, Rows};
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

/// Rows read by one thread at a time: big enough that merging costs nothing, small
/// enough that both cores stay busy to the end.
const CHUNK: usize = 4 << 20;

/// Reads a ledger.
pub fn load(
    file: FileId,
    text: &str,
    tz: Tz,
    phones: &PhoneReader,
    handles: &mut Handles,
    sink: &mut Sink,
) -> Ledger {
    load_in_chunks(file, text, tz, phones, handles, sink, CHUNK)
}

/// [`load`], reading the rows in chunks of about `chunk` bytes.
fn load_in_chunks(
    file: FileId,
    text: &str,
    tz: Tz,
    phones: &PhoneReader,
    handles: &mut Handles,
    sink: &mut Sink,
    chunk: usize,
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
    let [Some(contact), Some(channel), Some(purpose), Some(action), Some(at), source] =
        ledger.columns
    else {
        return ledger;
    };
    let columns = Columns {
        contact,
        channel,
        purpose,
        action,
        at,
        source,
    };
    let read = Read {
        file,
        text,
        tz,
        phones,
        columns,
    };
    // A ledger of millions of rows is one file: its rows are read in chunks on every
    // core, and the chunks' events, findings and handles merged in file order, as a
    // one-thread read gives them.
    match split_rows(text, rows.offset(), chunk) {
        Some(chunks) if chunks.len() > 1 => {
            let width = rows.width();
            let parts: Vec<(Vec<ConsentEvent>, Handles, Sink)> = chunks
                .into_par_iter()
                .map(|chunk| {
                    let mut own = Handles::default();
                    let mut found = Sink::default();
                    let mut rows = Rows::chunk(file, text, chunk, width);
                    let events = read.rows(&mut rows, &mut own, &mut found);
                    (events, own, found)
                })
                .collect();
            for (events, own, found) in parts {
                let map = handles.absorb(&own);
                ledger.events.extend(events.into_iter().map(|mut e| {
                    e.contact = rekey(e.contact, &map);
                    e
                }));
                for d in found.into_vec() {
                    sink.push(d);
                }
            }
        }
        _ => ledger.events = read.rows(&mut rows, handles, sink),
    }
    ledger
}

/// Where each column of a ledger is.
#[derive(Debug, Clone, Copy)]
struct Columns {
    contact: usize,
    channel: usize,
    purpose: usize,
    action: usize,
    at: usize,
    source: Option<usize>,
}

/// What reading a ledger's rows needs, shared by the chunks read on other threads.
struct Read<'a> {
    file: FileId,
    text: &'a str,
    tz: Tz,
    phones: &'a PhoneReader,
    columns: Columns,
}

impl Read<'_> {
    /// The events of `rows`; rows that cannot be read are reported and skipped.
    fn rows(
        &self,
        rows: &mut Rows<'_>,
        handles: &mut Handles,
        sink: &mut Sink,
    ) -> Vec<ConsentEvent> {
        let Columns {
            contact: c_contact,
            channel: c_channel,
            purpose: c_purpose,
            action: c_action,
            at: c_at,
            source: c_source,
        } = self.columns;
        let (file, text, tz, phones) = (self.file, self.text, self.tz, self.phones);
        let mut events = Vec::new();
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
            events.push(ConsentEvent {
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
        events
    }
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
    fn a_ledger_read_in_chunks_is_the_ledger_read_in_one_go() {
        let lf = "# consent export\ncontact,channel,purpose,action,at,source\n\
            +393331234567,whatsapp,marketing,granted,2026-01-15,form\n\
            \n# camplint-disable consent/no-source\n\
            @Mario,twitter-dm,marketing,granted,2026-01-15,\r\n\
            +39 333 123 4568,whatsapp,service,granted,2026-01-16,x\n\
            +39333,whatsapp,marketing,granted,2026-01-16,x\n\
            @luigi,twitter-dm,marketing,withdrawn,2026-02-01,x,extra\n\
            @MARIO,twitter-dm,marketing,withdrawn,yesterday,x\n\
            @luigi,twitter-dm,marketing,withdrawn,2026-02-01T10:00,x\n\
            +393331234567,sms,marketing,granted,2026-01-15,form\n\
            @mario,twitter-dm,marketing,withdrawn,2026-02-02,x";
        // A spreadsheet's export ends every line, the header's too, with CRLF.
        let crlf = lf.replace("\r\n", "\n").replace('\n', "\r\n");
        for text in [lf, crlf.as_str()] {
            same_in_chunks(text);
        }
    }

    fn same_in_chunks(text: &str) {
        let tz = chrono_tz::Europe::Rome;
        let read = |chunk| {
            let phones = PhoneReader::new(crate::domain::phone::Region::IT);
            let mut handles = Handles::default();
            let mut sink = Sink::default();
            let l = load_in_chunks(FileId(0), text, tz, &phones, &mut handles, &mut sink, chunk);
            let events: Vec<String> = l.events.iter().map(|e| format!("{e:?}")).collect();
            let found: Vec<String> = sink
                .into_vec()
                .iter()
                .map(|d| format!("{:?} {}", d.span, d.message))
                .collect();
            (
                events,
                found,
                handles.name(0).to_string(),
                handles.name(1).to_string(),
            )
        };
        let whole = read(usize::MAX / 4);
        assert_eq!(whole.0.len(), 6, "{:?}", whole.0);
        assert_eq!(whole.1.len(), 3, "{:?}", whole.1);
        for chunk in [1, 7, 40, 100] {
            assert_eq!(read(chunk), whole, "chunks of {chunk} bytes");
        }
    }

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
