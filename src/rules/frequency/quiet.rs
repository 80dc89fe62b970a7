//! `frequency/quiet-hours`: marketing messages that start at night in the audience's
//! time zone.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::analysis::Context;
use crate::base::channel::{Channel, Purpose};
use crate::base::diagnostic::{Diagnostic, Sink};
use crate::declare_rule;
use crate::domain::time::format_local;
use crate::domain::time::window::in_quiet_hours;
use crate::project::ContactKey;

declare_rule! {
    /// ## What it does
    /// Reports a marketing send to a WhatsApp, broadcast or `twitter-dm` audience whose
    /// local start time falls in the channel's `[quiet_hours]`, read in the audience's
    /// `timezone` (the project's when it has none). Quiet hours are [from, to): with
    /// 21:00–09:00, 21:00 and 08:59 are quiet, 09:00 is not.
    ///
    /// ## Why is this bad?
    /// A promotion that buzzes a phone at night annoys people into blocking the sender.
    ///
    /// ## Example
    /// ```toml
    /// # camplint.toml: [quiet_hours] whatsapp = { from = "21:00", to = "09:00" }
    /// [[sends]]
    /// message = "messages/bf/reminder.md"
    /// at = 2026-11-27T22:30:00
    /// ```
    ///
    /// ## How to fix
    /// Move the send to daytime, like `at = 2026-11-27T18:30:00`.
    pub static QUIET_HOURS = ("frequency/quiet-hours", Warning, "a marketing send starts inside the quiet hours of the audience's timezone");
}

/// Quiet hours per (send entry, audience time zone), on the first quiet instant.
pub fn quiet_hours(cx: &Context<'_>, sink: &mut Sink) {
    let p = cx.project;
    let project_tz = p.config.timezone;
    // (campaign, send, zone name) -> (first quiet instant, quiet occurrences, zone, audiences)
    type Key = (usize, usize, &'static str);
    let mut found: BTreeMap<Key, (DateTime<Utc>, usize, Tz, BTreeSet<String>)> = BTreeMap::new();
    let mut totals: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for o in &cx.plan.occurrences {
        let Some(c) = p.campaigns.get(o.campaign) else {
            continue;
        };
        *totals.entry((o.campaign, o.send)).or_default() += 1;
        if *c.purpose.get_ref() != Purpose::Marketing {
            continue;
        }
        let quiet = match *c.channel.get_ref() {
            Channel::Whatsapp | Channel::WhatsappBroadcast => p.config.quiet_whatsapp.as_ref(),
            Channel::TwitterDm => p.config.quiet_twitter_dm.as_ref(),
            Channel::Twitter => None,
        };
        let Some(quiet) = quiet else {
            continue;
        };
        // Each audience's zone; the project's when none resolves (the send still goes
        // out at that time, whatever else is wrong with it).
        let mut zones: BTreeMap<&'static str, (Tz, BTreeSet<String>)> = BTreeMap::new();
        for a in c.audiences.iter().filter_map(|a| p.audience(a.get_ref())) {
            let tz = a.timezone.unwrap_or(project_tz);
            zones
                .entry(tz.name())
                .or_insert_with(|| (tz, BTreeSet::new()))
                .1
                .insert(a.id.clone());
        }
        if zones.is_empty() {
            zones.insert(project_tz.name(), (project_tz, BTreeSet::new()));
        }
        for (name, (tz, ids)) in zones {
            if !in_quiet_hours(o.at, tz, quiet) {
                continue;
            }
            let e = found
                .entry((o.campaign, o.send, name))
                .or_insert_with(|| (o.at, 0, tz, BTreeSet::new()));
            e.1 += 1;
            e.3.extend(ids);
        }
    }
    let mut people: BTreeMap<BTreeSet<String>, usize> = BTreeMap::new();
    for ((ci, si, _), (first, quiet_count, tz, ids)) in found {
        let (Some(c), Some(s)) = (
            p.campaigns.get(ci),
            p.campaigns.get(ci).and_then(|c| c.sends.get(si)),
        ) else {
            continue;
        };
        let channel = *c.channel.get_ref();
        let Some(q) = (match channel {
            Channel::TwitterDm => p.config.quiet_twitter_dm.as_ref(),
            _ => p.config.quiet_whatsapp.as_ref(),
        }) else {
            continue;
        };
        let window = format!("{}–{}", q.start().format("%H:%M"), q.end().format("%H:%M"));
        let total = totals.get(&(ci, si)).copied().unwrap_or(0);
        let local = format_local(first, tz);
        let key = if channel == Channel::TwitterDm {
            "twitter-dm"
        } else {
            "whatsapp"
        };
        let whom = if ids.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = ids.iter().map(|i| format!("`{i}`")).collect();
            // Many sends share an audience set: count its distinct people once.
            let n = *people.entry(ids.clone()).or_insert_with(|| {
                let mut keys: Vec<ContactKey> = ids
                    .iter()
                    .filter_map(|i| p.audience(i))
                    .flat_map(|a| a.contacts.iter().filter_map(|c| c.key))
                    .collect();
                keys.sort_unstable();
                keys.dedup();
                keys.len()
            });
            format!(
                " for the {n} {} of {}",
                if n == 1 { "recipient" } else { "recipients" },
                list.join(", ")
            )
        };
        let zone = tz.name();
        let message = if total > 1 {
            format!(
                "{quiet_count} of the {total} sends of this entry start inside the {key} quiet hours {window}{whom} ({zone} time); the first at {local}"
            )
        } else {
            format!(
                "this marketing send starts at {local}{whom} ({zone} time), inside the {key} quiet hours {window}"
            )
        };
        sink.push(Diagnostic::new(
            &QUIET_HOURS,
            c.file,
            s.at.span(),
            message,
            format!(
                "move `at` to {} or later and before {} local time, or change [quiet_hours] {key} in camplint.toml",
                q.end().format("%H:%M"),
                q.start().format("%H:%M")
            ),
        ));
    }
}
