//! `camplint schedule`: the expanded send calendar, one entry per send instant, for
//! marketers to read before they commit. It reads the same [`Plan`] the rules use.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::analysis::plan::Plan;
use crate::base::channel::{Channel, Purpose};
use crate::domain::time::{format_local, local_wall};
use crate::project::Project;

/// One send instant as the calendar shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// The instant, RFC 3339 with the project time zone's offset.
    pub at: String,
    /// The same instant as people read it: `2026-11-27 10:00 CET`.
    pub local: String,
    /// Campaign id (file stem).
    pub campaign: String,
    /// Campaign channel.
    pub channel: Channel,
    /// Campaign purpose.
    pub purpose: Purpose,
    /// The draft, as written in the campaign.
    pub message: String,
    /// Distinct recipients over the campaign's audiences; `None` for public posts.
    pub recipients: Option<usize>,
}

/// The calendar and the range it was asked for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calendar {
    /// Output format version.
    pub version: u32,
    /// The project time zone every local time is read in.
    pub timezone: String,
    /// First local day shown (inclusive), when limited.
    #[serde(serialize_with = "day")]
    pub from: Option<NaiveDate>,
    /// Last local day shown (inclusive), when limited.
    #[serde(serialize_with = "day")]
    pub to: Option<NaiveDate>,
    /// Send instants in time order.
    pub sends: Vec<Entry>,
    /// `[[sends]]` entries left out because their time cannot be scheduled.
    pub unscheduled: usize,
}

/// Writes an optional day as `"2026-11-27"` or `null` (chrono is built without serde).
fn day<S: serde::Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.to_string()),
        None => s.serialize_none(),
    }
}

/// Builds the calendar of `plan`, keeping the local days `from..=to` (project time zone).
pub fn build(
    project: &Project,
    plan: &Plan,
    unscheduled: usize,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Calendar {
    let tz = project.config.timezone;
    // Recipients per campaign, counted once however many instants it has.
    let recipients: Vec<Option<usize>> = project
        .campaigns
        .iter()
        .map(|c| {
            if !c.channel.get_ref().needs_audience() {
                return None;
            }
            let keys: BTreeSet<_> = c
                .audiences
                .iter()
                .filter_map(|a| project.audience(a.get_ref()))
                .flat_map(|a| a.contacts.iter().filter_map(|k| k.key))
                .collect();
            Some(keys.len())
        })
        .collect();
    let sends = plan
        .occurrences
        .iter()
        .filter(|o| in_range(o.at, tz, from, to))
        .filter_map(|o| {
            let c = project.campaigns.get(o.campaign)?;
            let s = c.sends.get(o.send)?;
            Some(Entry {
                at: o.at.with_timezone(&tz).to_rfc3339(),
                local: format_local(o.at, tz),
                campaign: c.id.clone(),
                channel: *c.channel.get_ref(),
                purpose: *c.purpose.get_ref(),
                message: s.message.get_ref().clone(),
                recipients: recipients.get(o.campaign).copied().flatten(),
            })
        })
        .collect();
    Calendar {
        version: 1,
        timezone: tz.name().to_string(),
        from,
        to,
        sends,
        unscheduled,
    }
}

fn in_range(
    at: DateTime<Utc>,
    tz: chrono_tz::Tz,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> bool {
    let day = local_wall(at, tz).date();
    from.is_none_or(|f| day >= f) && to.is_none_or(|t| day <= t)
}

/// The calendar as aligned text lines, with a closing count.
pub fn human(cal: &Calendar) -> String {
    let rows: Vec<[String; 5]> = cal
        .sends
        .iter()
        .map(|e| {
            [
                e.local.clone(),
                e.campaign.clone(),
                e.channel.to_string(),
                e.message.clone(),
                match e.recipients {
                    None => "public post".to_string(),
                    Some(1) => "1 recipient".to_string(),
                    Some(n) => format!("{n} recipients"),
                },
            ]
        })
        .collect();
    let mut widths = [0usize; 4];
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r.iter()) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for r in &rows {
        let mut line = String::new();
        for (i, cell) in r.iter().enumerate() {
            line.push_str(cell);
            if let Some(&w) = widths.get(i) {
                let pad = w.saturating_sub(cell.chars().count()) + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let range = match (cal.from, cal.to) {
        (Some(f), Some(t)) => format!(" from {f} to {t}"),
        (Some(f), None) => format!(" from {f}"),
        (None, Some(t)) => format!(" up to {t}"),
        (None, None) => String::new(),
    };
    let n = cal.sends.len();
    out.push_str(&format!(
        "camplint: {n} send{}{range}, times in {}",
        if n == 1 { "" } else { "s" },
        cal.timezone
    ));
    if cal.unscheduled > 0 {
        out.push_str(&format!(
            "; {} [[sends]] {} could not be scheduled (run `camplint check`)",
            cal.unscheduled,
            if cal.unscheduled == 1 {
                "entry"
            } else {
                "entries"
            }
        ));
    }
    out.push('\n');
    out
}

/// The calendar as pretty JSON with a final newline.
pub fn json(cal: &Calendar) -> String {
    let mut s = serde_json::to_string_pretty(cal).unwrap_or_else(|_| "{}".to_string());
    s.push('\n');
    s
}
