//! `broadcast/*`: limits of WhatsApp broadcast lists.

use crate::analysis::Context;
use crate::base::channel::AudienceChannel;
use crate::base::diagnostic::{Diagnostic, Sink};
use crate::declare_rule;
use crate::project::csv_table::field_span;

/// Most recipients of one WhatsApp broadcast list (WhatsApp Help Center, "How to use
/// broadcast lists").
pub const MAX_BROADCAST: usize = 256;

declare_rule! {
    /// ## What it does
    /// Reports a `whatsapp-broadcast` audience with more than 256 distinct contacts
    /// (duplicates count once).
    ///
    /// ## Why is this bad?
    /// A WhatsApp broadcast list holds at most 256 people; the rest would silently get
    /// nothing.
    ///
    /// ## Example
    /// ```toml
    /// channel = "whatsapp-broadcast"
    /// contacts = "clienti.csv"    # 257 numbers
    /// ```
    ///
    /// ## How to fix
    /// Split the CSV into audiences of at most 256 contacts and send the campaign to all
    /// of them, or use channel `whatsapp` (the Business Platform has no such limit).
    pub static TOO_MANY_RECIPIENTS = ("broadcast/too-many-recipients", Error, "a `whatsapp-broadcast` audience has more than 256 contacts");
}

/// Runs the broadcast checks.
pub fn check(cx: &Context<'_>, sink: &mut Sink) {
    let p = cx.project;
    for a in &p.audiences {
        if *a.channel.get_ref() != AudienceChannel::WhatsappBroadcast {
            continue;
        }
        // Distinct contacts in row order, so the 257th is a row people can find.
        let mut keys: Vec<(crate::project::ContactKey, u32)> = a
            .contacts
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.key.map(|k| (k, i as u32)))
            .collect();
        keys.sort_unstable();
        keys.dedup_by_key(|k| k.0);
        let total = keys.len();
        if total <= MAX_BROADCAST {
            continue;
        }
        let mut rows: Vec<u32> = keys.iter().map(|k| k.1).collect();
        rows.sort_unstable();
        let mut d = Diagnostic::new(
            &TOO_MANY_RECIPIENTS,
            a.file,
            a.contacts_path.span(),
            format!(
                "broadcast list `{}` has {total} contacts; WhatsApp broadcast lists hold at most {MAX_BROADCAST}, so {} would get nothing",
                a.id,
                total - MAX_BROADCAST
            ),
            format!(
                "split {} into audiences of at most {MAX_BROADCAST} contacts and send to each, or use channel \"whatsapp\"",
                a.contacts_path.get_ref()
            ),
        );
        if let (Some(csv), Some(row)) = (
            a.csv,
            rows.get(MAX_BROADCAST)
                .and_then(|&i| a.contacts.get(i as usize)),
        ) {
            d = d.with_related(
                csv,
                field_span(p.text(csv), row.row_start as usize, a.column),
                format!(
                    "contact {} of the list: the first one over the limit",
                    MAX_BROADCAST + 1
                ),
            );
        }
        sink.push(d);
    }
}
