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
    pub static DUPLICATE_CONTACT = ("audience/duplicate-contact", Warning, "the same contact (after normalisation) twice in an audience");
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
                        ),
                    );
                }
                _ => first = Some((key, i)),
            }
        }
    }
}
