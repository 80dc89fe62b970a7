//! `schedule/*`: send times that cannot happen as written, and sends outside the days
//! their offer is valid.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::analysis::Context;
use crate::base::diagnostic::{Diagnostic, Sink};
use crate::declare_rule;
use crate::domain::time::{format_local, offer_window_check, OfferProblem};
use crate::project::{Offer, Project, Send};

declare_rule! {
    /// ## What it does
    /// Reports a send that goes out on a day its offer is not valid: after the offer's
    /// `valid_until` or before its `valid_from`. Validity is in whole local days (project
    /// time zone), both ends included: `valid_until = 2026-11-30` covers sends up to
    /// 23:59 on 30 November. A draft's own `[offer]` front matter replaces the
    /// campaign's for the sends of that draft. Every repeat of a send is checked.
    ///
    /// ## Why is this bad?
    /// Customers who come in with an expired code are turned away, and promising a
    /// discount that is no longer given can be a misleading commercial practice.
    ///
    /// ## Example
    /// ```toml
    /// [offer]
    /// valid_until = 2026-11-30
    /// [[sends]]
    /// message = "messages/bf/last-call.md"
    /// at = 2026-12-01T10:00:00
    /// ```
    ///
    /// ## How to fix
    /// Move the send inside the offer's days (`at = 2026-11-30T10:00:00`), end its
    /// `repeat` on the last valid day, or extend `valid_until` if the offer really lasts.
    pub static OFFER_EXPIRED = ("schedule/offer-expired", Error, "a send is after its offer's `valid_until` or before its `valid_from`");
}

/// Runs the schedule checks (invalid times are reported while the plan is built).
pub fn check(cx: &Context<'_>, sink: &mut Sink) {
    let p = cx.project;
    let tz = p.config.timezone;
    // (campaign, send, after?) -> (first offending instant, how many, the bound day)
    type Found = (DateTime<Utc>, usize, NaiveDate);
    let mut found: BTreeMap<(usize, usize, bool), Found> = BTreeMap::new();
    let mut totals: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for o in &cx.plan.occurrences {
        *totals.entry((o.campaign, o.send)).or_default() += 1;
        let Some((_, offer)) = offer_of(p, o.campaign, o.send) else {
            continue;
        };
        let from = offer.valid_from.as_ref().map(|d| *d.get_ref());
        let until = offer.valid_until.as_ref().map(|d| *d.get_ref());
        let (after, day) = match offer_window_check(o.at, tz, from, until) {
            Some(OfferProblem::After(d)) => (true, d),
            Some(OfferProblem::Before(d)) => (false, d),
            None => continue,
        };
        found
            .entry((o.campaign, o.send, after))
            .or_insert((o.at, 0, day))
            .1 += 1;
    }
    for ((ci, si, after), (first, n, day)) in found {
        let (Some(c), Some((s, offer))) = (p.campaigns.get(ci), offer_of(p, ci, si)) else {
            continue;
        };
        let total = totals.get(&(ci, si)).copied().unwrap_or(0);
        let when = format_local(first, tz);
        let (key, bound) = if after {
            ("valid_until", offer.valid_until.as_ref())
        } else {
            ("valid_from", offer.valid_from.as_ref())
        };
        let what = if after {
            format!("after the offer ended on {day}")
        } else {
            format!("before the offer starts on {day}")
        };
        let whose = if offer.file == c.file {
            format!("campaign `{}`", c.id)
        } else {
            format!("draft {}", p.sources.get(offer.file).path)
        };
        let message = if total > 1 {
            format!(
                "{n} of the {total} sends of this entry go out {what} ({key} of the offer of {whose}); the first on {when}"
            )
        } else {
            format!("this send goes out on {when}, {what} ({key} of the offer of {whose})")
        };
        let help = match (after, s.repeat.is_some()) {
            (true, true) => format!(
                "end the repeat by {day} (`until = {day}`), move the send, or extend `valid_until` if the offer really lasts longer"
            ),
            (true, false) => format!(
                "send on or before {day}, or extend `valid_until` if the offer really lasts longer"
            ),
            (false, _) => format!(
                "send on or after {day}, or move `valid_from` earlier if the offer already holds"
            ),
        };
        let mut d = Diagnostic::new(&OFFER_EXPIRED, c.file, s.at.span(), message, help);
        if let Some(b) = bound {
            d = d.with_related(offer.file, b.span(), format!("the offer's {key}: {day}"));
        }
        sink.push(d);
    }
}

/// A send and the offer that applies to it: its draft's front matter offer when it
/// declares one, else the campaign's.
fn offer_of(p: &Project, campaign: usize, send: usize) -> Option<(&Send, &Offer)> {
    let c = p.campaigns.get(campaign)?;
    let s = c.sends.get(send)?;
    let draft_offer = s
        .draft
        .and_then(|di| p.drafts.get(di))
        .and_then(|d| d.offer.as_ref());
    Some((s, draft_offer.or(c.offer.as_ref())?))
}
