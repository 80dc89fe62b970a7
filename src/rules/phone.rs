//! `phone/not-e164` and `phone/invalid` on the phone cells of contact lists and the
//! consent ledger. How each cell was written was decided when it was loaded
//! ([`crate::project::PhoneForm`]); only cells already found invalid are read again, to
//! say why.

use crate::analysis::Context;
use crate::base::diagnostic::{Diagnostic, Sink};
use crate::base::source::FileId;
use crate::declare_rule;
use crate::domain::phone::Region;
use crate::project::csv_table::field_span;
use crate::project::ledger::CONTACT;
use crate::project::{ContactKey, PhoneForm};

declare_rule! {
    /// ## What it does
    /// Reports a phone number in a contact list or the consent ledger that is valid but
    /// not written in E.164 (`+393331234567`): spaces or dashes, `0039` instead of `+39`,
    /// or no country prefix at all (read with `project.default_region`). The fix (safe,
    /// applied by `camplint check --fix`) writes the E.164 form inside the cell, keeping
    /// its quotes when it has them.
    ///
    /// ## Why is this bad?
    /// WhatsApp and most sending tools need the international form; a number written
    /// `333 123 4567` fails to deliver or reaches the wrong country.
    ///
    /// ## Example
    /// ```csv
    /// phone,name
    /// 333 765 4321,Sara Neri
    /// ```
    ///
    /// ## How to fix
    /// Write `+`, the country code and the number, with nothing else:
    /// `+393337654321`.
    pub static NOT_E164 = ("phone/not-e164", Error, "a phone in a CSV is not in E.164 (`+393331234567`); the fix is the normalised value", fix = Safe);
}

declare_rule! {
    /// ## What it does
    /// Reports a phone number in a contact list or the consent ledger that is not a valid
    /// number for its country according to libphonenumber's numbering plans (too few or
    /// too many digits, a prefix no line has), or is not a phone number at all.
    ///
    /// ## Why is this bad?
    /// The message cannot be delivered, and a mistyped number may belong to a stranger.
    ///
    /// ## Example
    /// ```csv
    /// phone,name
    /// +3933312345,Numero sbagliato
    /// ```
    ///
    /// ## How to fix
    /// Check the number with the customer and correct it, or delete the row. Italian
    /// mobiles have 10 digits after +39 (`+39 333 123 4567`).
    pub static INVALID = ("phone/invalid", Error, "a phone is not a valid number for its country");
}

/// Runs the phone checks on audience CSVs and ledgers.
pub fn check(cx: &Context<'_>, sink: &mut Sink) {
    let p = cx.project;
    let region = Region::new(&p.config.default_region).unwrap_or(Region::IT);
    for a in &p.audiences {
        let Some(csv) = a.csv else { continue };
        if !a.channel.get_ref().channel().is_whatsapp() {
            continue;
        }
        let text = p.text(csv);
        // Most cells are already E.164: skip them before finding their span.
        for c in a.contacts.iter().filter(|c| needs_report(c.form)) {
            cell(
                sink,
                csv,
                text,
                field_span(text, c.row_start as usize, a.column),
                c.key,
                c.form,
                region,
            );
        }
    }
    for l in &p.ledgers {
        let Some(col) = l.columns[CONTACT] else {
            continue;
        };
        let text = p.text(l.file);
        for e in l.events.iter().filter(|e| needs_report(e.form)) {
            cell(
                sink,
                l.file,
                text,
                field_span(text, e.row_start as usize, col),
                Some(e.contact),
                e.form,
                region,
            );
        }
    }
}

/// True for the phone forms these rules report on.
fn needs_report(form: PhoneForm) -> bool {
    matches!(
        form,
        PhoneForm::NotE164 | PhoneForm::Invalid | PhoneForm::Unreadable
    )
}

/// The cell's text as written, without CSV quotes.
fn written(text: &str, span: &std::ops::Range<usize>) -> String {
    let raw = text.get(span.clone()).unwrap_or("");
    let raw = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .map_or_else(|| raw.to_string(), |r| r.replace("\"\"", "\""));
    raw
}

/// The span of a cell's value: inside its quotes when it has them, so a fix keeps the
/// cell's quoting exactly as it was written.
fn inside_quotes(text: &str, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let raw = text.get(span.clone()).unwrap_or("");
    if raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"') {
        span.start + 1..span.end - 1
    } else {
        span
    }
}

fn cell(
    sink: &mut Sink,
    file: FileId,
    text: &str,
    span: std::ops::Range<usize>,
    key: Option<ContactKey>,
    form: PhoneForm,
    region: Region,
) {
    match form {
        PhoneForm::NotPhone | PhoneForm::E164 => {}
        PhoneForm::NotE164 => {
            let Some(ContactKey::Phone(e164)) = key else {
                return;
            };
            let was = written(text, &span);
            let e = e164.to_string();
            sink.push(
                Diagnostic::new(
                    &NOT_E164,
                    file,
                    span.clone(),
                    format!(
                        "`{}` is not in the international format WhatsApp needs (E.164): write it as {e}",
                        was.trim()
                    ),
                    format!("write {e} (+, country code, number, nothing else)"),
                )
                .with_fix(file, inside_quotes(text, span), e),
            );
        }
        PhoneForm::Invalid | PhoneForm::Unreadable => {
            let was = written(text, &span);
            let why = crate::domain::phone::why_invalid(&was, region)
                .unwrap_or_else(|| "not a valid phone number".to_string());
            sink.push(Diagnostic::new(
                &INVALID,
                file,
                span,
                format!("`{}` cannot receive messages: {why}", was.trim()),
                "check the number with the customer and correct it, or delete the row (Italian mobiles are +39 and 10 digits, like +39 333 123 4567)",
            ));
        }
    }
}
