//! Reading CSV files row by row with positions, shared by contact lists and the ledger.

use std::ops::Range;

use crate::base::diagnostic::{Diagnostic, Sink};
use crate::base::source::FileId;
use crate::project::parse::CSV;

/// One data row: its fields and where it starts. Borrows the reader's record buffer,
/// so reading millions of rows allocates nothing per row.
#[derive(Debug)]
pub struct Row<'r> {
    /// The fields, unquoted.
    pub record: &'r csv::StringRecord,
    /// 1-based line of the row.
    pub line: u32,
    /// Byte offset of the row's first character.
    pub start: u32,
}

/// A CSV file's header and rows, read in one pass; malformed rows are reported and
/// skipped (never silently).
#[derive(Debug)]
pub struct Table {
    /// Header names, trimmed and lowercased.
    pub header: Vec<String>,
    /// Byte range of the header line.
    pub header_span: Range<usize>,
}

impl Table {
    /// Index of a column by name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }
}

/// A CSV file being read row by row.
pub struct Rows<'t> {
    file: FileId,
    text: &'t str,
    // Offset in `text` of the bytes `reader` reads: a chunk of rows starts mid-file.
    base: usize,
    reader: csv::Reader<&'t [u8]>,
    width: usize,
    record: csv::StringRecord,
    done: bool,
    // The csv crate does not count comment lines, so lines are counted here from byte
    // offsets, incrementally: (offset, line) of the last row seen.
    counted: (usize, usize),
}

/// Opens `text` as CSV with a header row. Lines starting with `#` are comments (they
/// carry `camplint-disable`). Returns `None` (after reporting) when there is no header.
pub fn open<'t>(file: FileId, text: &'t str, sink: &mut Sink) -> Option<(Table, Rows<'t>)> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            report(file, text, 0, &e, sink);
            return None;
        }
    };
    // Excel set to Italian saves "CSV" with semicolons; say so instead of a missing column.
    if header.len() == 1 && header.get(0).is_some_and(|h| h.contains(';')) {
        let start = header.position().map(|p| p.byte() as usize).unwrap_or(0);
        sink.push(Diagnostic::new(
            &CSV,
            file,
            line_at(text, start),
            "the columns are separated by `;`, but camplint reads commas",
            "save the file again as \"CSV UTF-8 (delimitato da virgole)\" (comma-separated)",
        ));
        return None;
    }
    if header.iter().all(|h| h.trim().is_empty()) {
        sink.push(Diagnostic::new(
            &CSV,
            file,
            0..0,
            "the file has no header row",
            "put the column names on the first line, like `phone,name`",
        ));
        return None;
    }
    let header_start = header.position().map(|p| p.byte() as usize).unwrap_or(0);
    let table = Table {
        header: header.iter().map(|h| h.trim().to_lowercase()).collect(),
        header_span: line_at(text, header_start),
    };
    // With a name twice, only the first column would be read: say so rather than guess.
    let mut seen = std::collections::BTreeSet::new();
    for name in table.header.iter().filter(|h| !h.is_empty()) {
        if !seen.insert(name.as_str()) {
            sink.push(Diagnostic::new(
                &CSV,
                file,
                table.header_span.clone(),
                format!("the column `{name}` appears twice in the header"),
                "rename or remove one of the two columns: camplint would read only the first",
            ));
        }
    }
    let rows = Rows {
        file,
        text,
        base: 0,
        reader,
        width: header.len(),
        record: csv::StringRecord::new(),
        done: false,
        counted: (0, 1),
    };
    Some((table, rows))
}

/// Splits the rows from `from` to the end of `text` into consecutive chunks of about
/// `size` bytes, each starting at a line start, so that each can be read on its own
/// thread with [`Rows::chunk`]. `None` when the text holds a quote: a quoted value may
/// span lines, and only reading from the start tells where its row ends.
pub fn split_rows(text: &str, from: usize, size: usize) -> Option<Vec<Chunk>> {
    let bytes = text.as_bytes();
    let from = from.min(bytes.len());
    if bytes[from..].contains(&b'"') {
        return None;
    }
    let mut chunks = Vec::new();
    let mut start = from;
    let mut line = 1 + memchr_count(&bytes[..from]);
    while start < bytes.len() {
        let end = match bytes.get(start + size.max(1)..) {
            Some(rest) => rest
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |i| start + size.max(1) + i + 1),
            None => bytes.len(),
        };
        chunks.push(Chunk {
            range: start..end,
            line,
        });
        line += memchr_count(&bytes[start..end]);
        start = end;
    }
    Some(chunks)
}

/// A run of whole lines of a CSV file, from [`split_rows`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// The bytes of the lines.
    pub range: Range<usize>,
    /// The 1-based line number of the first.
    pub line: usize,
}

impl<'t> Rows<'t> {
    /// The rows of `chunk`, one of [`split_rows`]'s chunks of a table whose header
    /// has `width` columns: read as they are when the whole file is read in one go.
    pub fn chunk(file: FileId, text: &'t str, chunk: Chunk, width: usize) -> Rows<'t> {
        let Chunk { range, line } = chunk;
        let reader = csv::ReaderBuilder::new()
            .flexible(true)
            .comment(Some(b'#'))
            .has_headers(false)
            .from_reader(text.as_bytes().get(range.clone()).unwrap_or_default());
        Rows {
            file,
            text,
            base: range.start,
            reader,
            width,
            record: csv::StringRecord::new(),
            done: false,
            counted: (range.start, line),
        }
    }

    /// The offset of the first data row not yet read (after [`open`]: past the header).
    pub fn offset(&self) -> usize {
        self.base + self.reader.position().byte() as usize
    }

    /// The number of columns of the header.
    pub fn width(&self) -> usize {
        self.width
    }
}

impl Rows<'_> {
    fn line_of(&mut self, offset: usize) -> usize {
        let (from, line) = self.counted;
        let offset = offset.min(self.text.len());
        let line = if offset >= from {
            line + memchr_count(&self.text.as_bytes()[from..offset])
        } else {
            1 + memchr_count(&self.text.as_bytes()[..offset])
        };
        self.counted = (offset, line);
        line
    }

    /// The next well-formed data row; malformed rows are reported and skipped (never
    /// silently), blank lines are skipped.
    pub fn next_row(&mut self, sink: &mut Sink) -> Option<Row<'_>> {
        while !self.done {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => self.done = true,
                Ok(true) => {
                    let start = row_start(
                        self.text,
                        self.base + self.record.position().map_or(0, |p| p.byte() as usize),
                    );
                    let line = self.line_of(start);
                    if self.record.len() == 1
                        && self.record.get(0).is_some_and(|f| f.trim().is_empty())
                    {
                        continue;
                    }
                    if self.record.len() != self.width {
                        let raw = &self.text[line_at(self.text, start)];
                        let message = if raw.matches('"').count() % 2 == 1 {
                            format!("row {line} opens a quote (\") that is never closed")
                        } else {
                            format!(
                                "row {line} has {} {}, but the header has {}",
                                self.record.len(),
                                if self.record.len() == 1 {
                                    "value"
                                } else {
                                    "values"
                                },
                                self.width
                            )
                        };
                        sink.push(Diagnostic::new(
                            &CSV,
                            self.file,
                            line_at(self.text, start),
                            message,
                            "check for a missing or extra comma; put values that contain commas in double quotes",
                        ));
                        continue;
                    }
                    return Some(Row {
                        record: &self.record,
                        line: u32::try_from(line).unwrap_or(u32::MAX),
                        start: u32::try_from(start).unwrap_or(u32::MAX),
                    });
                }
                Err(e) => {
                    report(self.file, self.text, self.base, &e, sink);
                    // After a broken quote the reader cannot find the next row reliably.
                    if !matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                        self.done = true;
                    }
                }
            }
        }
        None
    }
}

/// The csv crate reports a record's position as the end of the previous one, so blank
/// and comment lines in between are skipped here to find where the row really starts.
fn row_start(text: &str, mut offset: usize) -> usize {
    let bytes = text.as_bytes();
    while offset < bytes.len() {
        match bytes[offset] {
            b'#' => match text[offset..].find('\n') {
                Some(nl) => offset += nl + 1,
                None => return bytes.len(),
            },
            b'\n' => offset += 1,
            b'\r' if bytes.get(offset + 1) == Some(&b'\n') => offset += 2,
            _ => break,
        }
    }
    offset
}

fn memchr_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

fn report(file: FileId, text: &str, base: usize, e: &csv::Error, sink: &mut Sink) {
    let start = base + e.position().map(|p| p.byte() as usize).unwrap_or(0);
    sink.push(Diagnostic::new(
        &CSV,
        file,
        line_at(text, start),
        format!("this row cannot be read as CSV: {e}"),
        "check the quotes on this line: a value in quotes must end with a quote",
    ));
}

/// The byte range of the line that contains `offset`, without its line ending.
pub fn line_at(text: &str, offset: usize) -> Range<usize> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let end = text[offset..]
        .find('\n')
        .map(|i| offset + i)
        .unwrap_or(text.len());
    let end = if text[..end].ends_with('\r') {
        end - 1
    } else {
        end
    };
    start..end.max(start)
}

/// The byte range of field `index` of the row starting at `row_start`, found by scanning
/// the raw text (quotes included). Computed only when a diagnostic needs it.
pub fn field_span(text: &str, row_start: usize, index: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    let mut i = row_start.min(bytes.len());
    let mut field = 0;
    let mut field_start = i;
    let mut in_quotes = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_quotes {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quotes = false;
                }
            }
        } else if b == b'"' {
            in_quotes = true;
        } else if b == b',' || b == b'\n' || b == b'\r' {
            if field == index {
                return field_start..i;
            }
            if b != b',' {
                break;
            }
            field += 1;
            field_start = i + 1;
        }
        i += 1;
    }
    if field == index {
        field_start..i
    } else {
        line_at(text, row_start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_spans_handle_quotes() {
        let t = "a,b,c\n1,\"x, y\",3\r\n";
        assert_eq!(&t[field_span(t, 6, 0)], "1");
        assert_eq!(&t[field_span(t, 6, 1)], "\"x, y\"");
        assert_eq!(&t[field_span(t, 6, 2)], "3");
    }

    #[test]
    fn rows_keep_their_line_and_bad_rows_are_reported() {
        let t = "phone,name\n+393331234567,Ada\n# camplint-disable phone/invalid\n+39333,Bob,extra\n\n+393330000000,Cy\n";
        let mut sink = Sink::default();
        let mut lines = Vec::new();
        let (table, mut rows) = open(FileId(0), t, &mut sink).unwrap();
        assert_eq!(table.column("name"), Some(1));
        while let Some(row) = rows.next_row(&mut sink) {
            lines.push(row.line);
        }
        assert_eq!(lines, [2, 6]);
        assert_eq!(sink.as_slice().len(), 1);
        assert_eq!(&t[sink.as_slice()[0].span.clone()], "+39333,Bob,extra");
    }

    #[test]
    fn a_column_named_twice_is_reported() {
        let t = "phone,name,Phone\n+393331234567,Ada,x\n";
        let mut sink = Sink::default();
        let (table, _) = open(FileId(0), t, &mut sink).unwrap();
        assert_eq!(table.column("phone"), Some(0));
        assert_eq!(sink.as_slice().len(), 1);
        assert!(sink.as_slice()[0].message.contains("`phone` appears twice"));
    }

    #[test]
    fn semicolon_files_are_explained() {
        let t = "phone;name\n+393331234567;Ada\n";
        let mut sink = Sink::default();
        assert!(open(FileId(0), t, &mut sink).is_none());
        assert!(sink.as_slice()[0].message.contains("separated by `;`"));
    }
}
