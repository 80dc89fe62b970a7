//! `phone/not-international`: phone numbers written in a draft's text without `+` and the
//! country code. (The CSV phone rules live in `rules/phone.rs`.)

use super::message;
use crate::analysis::Context;
use crate::base::diagnostic::{Diagnostic, Sink};
use crate::declare_rule;
use crate::domain::phone::Written;
use crate::domain::text::content::{read_phones_in, Prefix};

declare_rule! {
    /// ## What it does
    /// Finds phone numbers written in a draft (in its text and in `tel:` links) and reports
    /// those without `+` and the country code: `333 1234567`, `02 1234 5678`,
    /// `0039 333 1234567`. A phone number is a run of digits, optionally grouped by single
    /// spaces, dots or hyphens, that is a valid number for `project.default_region` and
    /// does not touch letters or other digits; dates (`27/11/2026`), prices (`€ 19,90`),
    /// times (`9:30-13:00`) and runs after `#`, `n.`, `P.IVA`, `VAT`, `C.F.` or `codice
    /// fiscale` are not phones. Numbers inside `wa.me` links are checked by
    /// `link/invalid-deeplink` instead. The fix (safe, applied by `camplint check --fix`)
    /// writes the number in the international form, grouped for reading; `0039` becomes
    /// `+39`.
    ///
    /// ## Why is this bad?
    /// A message is read abroad and forwarded: without the country code the number cannot
    /// be dialled from a foreign phone, and phones cannot turn it into a WhatsApp chat.
    /// `0039` works only from countries whose international prefix is `00`.
    ///
    /// ## Example
    /// ```markdown
    /// Per info chiamaci al 333 1234567.
    /// ```
    ///
    /// ## How to fix
    /// ```markdown
    /// Per info chiamaci al +39 333 123 4567.
    /// ```
    pub static NOT_INTERNATIONAL = ("phone/not-international", Error, "a phone written in a draft has no `+` country prefix (`333 1234567`, `0039 ...`); the fix is `+39 333 123 4567`", fix = Safe);
}

/// Runs the check on every draft, sent or not.
pub fn check(cx: &Context<'_>, sink: &mut Sink) {
    let p = cx.project;
    let readings = message::PhoneReadings::new(p);
    let valid = |s: &str| readings.valid(s);
    message::in_text_parts(cx, sink, |draft, part, out| {
        let text = p.text(draft.file);
        for (found, ph) in read_phones_in(&part.text, part.urls(), valid) {
            if found.prefix == Prefix::Plus || ph.written == Written::International {
                continue;
            }
            let span = part.source_range(found.range.clone());
            let grouped = ph.e164.grouped();
            let (message, why) = if found.prefix == Prefix::DoubleZero {
                (
                    format!(
                        "the phone number {} starts with the 00 dialling prefix instead of +",
                        found.text
                    ),
                    "00 works only from countries that dial abroad with 00",
                )
            } else {
                (
                    format!(
                        "the phone number {} has no country prefix (+{})",
                        found.text,
                        ph.e164.country_code()
                    ),
                    "without it the number cannot be dialled from abroad or opened in WhatsApp",
                )
            };
            let mut d = Diagnostic::new(
                &NOT_INTERNATIONAL,
                draft.file,
                span.clone(),
                message,
                format!("write it as {grouped}: {why}"),
            );
            // Only an exact copy of the source can be replaced safely (not a number
            // split by markup or written with entities).
            if text.get(span.clone()) == Some(found.text) {
                d = d.with_fix(draft.file, span, grouped);
            }
            out.push(d);
        }
    });
}
