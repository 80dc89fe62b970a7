//! `audience/*`: problems inside one contact list.

use crate::analysis::Context;
use crate::base::diagnostic::{Diagnostic, Sink};
use crate::declare_rule;
use crate::project::contact;
use crate::project::csv_table::field_span;

declare_rule! {
    /// ## What it does
    /// Reports a contact that appears twice in one audience after normalisation:
    /// `+39 333 123 4567` and `3331234567` are the same phone, `@Mario` and `@mario` the
    /// same handle. Every occurrence after the first is reported, pointing at the first.
    /// The fix deletes the later row, line ending included; it is unsafe (applied only by
    /// `camplint check --fix --unsafe-fixes`) because the row's other columns are lost.
    ///
    /// ## Why is this bad?
    /// The person may get every message twice, and frequency caps are harder to read.
    ///
    /// ## Example
    /// ```csv
    /// phone,name
    /// +393331234567,Giulia Bianchi
    /// 333 123 4567,Giulia B.
    /// ```
    ///
    /// ## How to fix
    /// Delete the later row (merge any extra columns into the first).
    pub static DUPLICATE_CONTACT = ("audience/duplicate-contact", Warning, "the same contact (after normalisation) twice in an audience", fix = Unsafe);
}

/// Runs the audience checks.
pub fn check(cx: &Context<'_>, sink: &mut Sink) {
    let p = cx.project;
    let mut order: Vec<(crate::project::ContactKey, u32)> = Vec::new();
    for a in &p.audiences {
        let Some(csv) = a.csv else { continue };
        let text = p.text(csv);
        order.clear();
        order.extend(
            a.contacts
                .iter()
                .enumerate()
                .filter_map(|(i, c)| c.key.map(|k| (k, i as u32))),
        );
        // Sorting by (key, row) puts each contact's first row first.
        order.sort_unstable();
        let mut first: Option<(crate::project::ContactKey, u32)> = None;
        for &(key, i) in &order {
            match first {
                Some((k, f)) if k == key => {
                    let (Some(dup), Some(orig)) =
                        (a.contacts.get(i as usize), a.contacts.get(f as usize))
                    else {
                        continue;
                    };
                    let who = contact::display(key, &p.handles);
                    sink.push(
                        Diagnostic::new(
                            &DUPLICATE_CONTACT,
                            csv,
                            field_span(text, dup.row_start as usize, a.column),
                            format!(
                                "{who} is already in this list at line {}; they would get every message twice",
                                orig.line
                            ),
                            format!("delete line {} (keep line {})", dup.line, orig.line),
                        )
                        .with_related(
                            csv,
                            field_span(text, orig.row_start as usize, a.column),
                            format!("first occurrence of {who}"),
                        )
                        .with_fix(csv, row_span(text, dup.row_start as usize), ""),
                    );
                }
                _ => first = Some((key, i)),
            }
        }
    }
}

/// The bytes of the CSV row starting at `row_start` with its line ending, quoted line
/// breaks included. The last row of a file without a final newline takes the line ending
/// before it instead, so deleting it keeps the file's final-newline convention.
fn row_span(text: &str, row_start: usize) -> std::ops::Range<usize> {
    let bytes = text.as_bytes();
    let start = row_start.min(bytes.len());
    let mut in_quotes = false;
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => return start..i + 1,
            _ => {}
        }
        i += 1;
    }
    let before = &text[..start];
    let ending = if before.ends_with("\r\n") {
        2
    } else if before.ends_with('\n') {
        1
    } else {
        0
    };
    start - ending..bytes.len()
}

#[cfg(test)]
mod tests {
    use super::row_span;

    #[test]
    fn a_row_span_takes_its_line_ending_and_quoted_breaks() {
        let text = "phone,name\r\n333,\"A\r\nB\"\r\n444,C\r\n";
        let start = text.find("333").unwrap();
        assert_eq!(&text[row_span(text, start)], "333,\"A\r\nB\"\r\n");
    }

    #[test]
    fn the_last_row_without_newline_takes_the_one_before() {
        let text = "phone\r\n111\r\n333";
        let start = text.find("333").unwrap();
        assert_eq!(&text[row_span(text, start)], "\r\n333");
    }
}
