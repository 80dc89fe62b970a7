//! `privacy/pii-in-public-post`: phone numbers and e-mail addresses in public posts that
//! are not the shop's own.

use std::collections::BTreeSet;

use super::message::{self, Once};
use crate::analysis::Context;
use crate::base::channel::Channel;
use crate::base::diagnostic::{Diagnostic, Sink};
use crate::declare_rule;
use crate::domain::phone::{self, E164};
use crate::domain::text::content::{find_emails, read_phones_in};

declare_rule! {
    /// ## What it does
    /// Reports a phone number or an e-mail address in a draft that a `twitter` campaign
    /// posts publicly, unless it is one of the shop's own contacts in `project.senders`
    /// (phone numbers are compared after normalisation to E.164, e-mail addresses without
    /// regard to case; @handles in `senders` are ignored here).
    ///
    /// ## Why is this bad?
    /// A public post is read, copied and archived by anyone. A customer's or an employee's
    /// personal number or address in it is personal data made public; customer care that
    /// needs it belongs in a direct message.
    ///
    /// ## Example
    /// ```markdown
    /// @mario_rossi il tuo ordine è pronto, per info chiama Giulia al +39 333 765 4321
    /// ```
    ///
    /// ## How to fix
    /// Move the conversation to a direct message, or use the shop's own number and add it
    /// to `senders` in `camplint.toml`:
    /// ```toml
    /// [project]
    /// senders = ["+39 02 1234 5678", "info@negozio.it"]
    /// ```
    pub static PII_IN_PUBLIC_POST = ("privacy/pii-in-public-post", Warning, "a public post shows a phone number or e-mail that is not in `project.senders`");
}

/// Runs the check on every draft a `twitter` campaign posts.
pub fn check(cx: &Context<'_>, sink: &mut Sink) {
    let p = cx.project;
    let region = message::region(p);
    let mut own_phones: BTreeSet<E164> = BTreeSet::new();
    let mut own_emails: BTreeSet<String> = BTreeSet::new();
    for s in &p.config.senders {
        let s = s.trim();
        if s.starts_with('@') {
            continue;
        }
        if s.contains('@') {
            own_emails.insert(s.to_lowercase());
        } else if let Ok(ph) = phone::parse_in(s, region) {
            own_phones.insert(ph.e164);
        }
    }
    let readings = message::PhoneReadings::new(p);
    let valid = |s: &str| readings.valid(s);
    let mut once = Once::default();
    for draft in &p.drafts {
        let public = message::senders(p, draft)
            .iter()
            .any(|c| *c.channel.get_ref() == Channel::Twitter);
        if !public {
            continue;
        }
        let r = cx.renders.get(p, draft, Channel::Twitter);
        for part in &r.parts {
            for (found, ph) in read_phones_in(&part.text, part.urls(), valid) {
                if own_phones.contains(&ph.e164) {
                    continue;
                }
                once.push(
                    sink,
                    Diagnostic::new(
                        &PII_IN_PUBLIC_POST,
                        draft.file,
                        part.source_range(found.range.clone()),
                        format!(
                            "the public post {} shows the phone number {}, which is not one of the shop's numbers in project.senders",
                            draft.path, found.text
                        ),
                        format!("remove the number and continue in a direct message; if {} is the shop's own number, add it to `senders` in camplint.toml", ph.e164.grouped()),
                    ),
                );
            }
            for range in find_emails(&part.text) {
                let email = part.text.get(range.clone()).unwrap_or("");
                if own_emails.contains(&email.to_lowercase()) {
                    continue;
                }
                once.push(
                    sink,
                    Diagnostic::new(
                        &PII_IN_PUBLIC_POST,
                        draft.file,
                        part.source_range(range.clone()),
                        format!(
                            "the public post {} shows the e-mail address {email}, which is not one of the shop's addresses in project.senders",
                            draft.path
                        ),
                        format!("remove the address and continue in a direct message; if {email} is the shop's own address, add it to `senders` in camplint.toml"),
                    ),
                );
            }
        }
    }
}
