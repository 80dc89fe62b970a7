//! `camplint consent`: every recipient a send may not reach, one line each, where
//! `check` shows counts and five examples. Text for people, CSV for spreadsheets.

use std::fmt::Write as _;

use chrono_tz::Tz;

use crate::analysis::consent::{Coverage, Finding, Group};
use crate::analysis::plan::Plan;
use crate::domain::time::format_local;
use crate::project::{Audience, Project};
use crate::rules::consent::{detail, who};

/// The report's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Grouped by send and audience, aligned for reading.
    Text,
    /// One row per recipient and problem, with a header (opens in Excel).
    Csv,
}

/// Why the report cannot be made.
#[derive(Debug, PartialEq, Eq)]
pub enum ReportError {
    /// No campaign has this id; the closest id when there is one.
    UnknownCampaign(String, Option<String>),
}

impl std::fmt::Display for ReportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReportError::UnknownCampaign(id, Some(near)) => write!(
                f,
                "no campaign `{id}`; did you mean `{near}`? (ids are the file names under campaigns/)"
            ),
            ReportError::UnknownCampaign(id, None) => write!(
                f,
                "no campaign `{id}` (ids are the file names under campaigns/)"
            ),
        }
    }
}

/// The rendered report and whether every listed recipient is covered.
#[derive(Debug)]
pub struct Report {
    /// What to print.
    pub text: String,
    /// True when nobody listed is uncovered.
    pub all_covered: bool,
}

/// Builds the report for one campaign (or all, when `campaign` is `None`).
pub fn render(
    project: &Project,
    plan: &Plan,
    campaign: Option<&str>,
    format: ReportFormat,
) -> Result<Report, ReportError> {
    let wanted = match campaign {
        Some(id) => Some(
            project
                .campaigns
                .iter()
                .position(|c| c.id == id)
                .ok_or_else(|| {
                    ReportError::UnknownCampaign(
                        id.to_string(),
                        crate::base::toml_util::closest(
                            id,
                            project.campaigns.iter().map(|c| c.id.as_str()),
                        )
                        .map(str::to_string),
                    )
                })?,
        ),
        None => None,
    };
    let coverage = Coverage::compute(project, plan);
    let groups: Vec<&Group> = coverage
        .groups
        .iter()
        .filter(|g| wanted.is_none_or(|w| g.campaign == w))
        .collect();
    let all_covered = groups.iter().all(|g| g.findings.is_empty());
    let text = match format {
        ReportFormat::Text => text(project, &groups, &coverage, wanted.is_none()),
        ReportFormat::Csv => csv(project, &groups),
    };
    Ok(Report { text, all_covered })
}

fn send_label(project: &Project, g: &Group) -> (String, String, usize) {
    let Some(c) = project.campaigns.get(g.campaign) else {
        return (String::new(), String::new(), 0);
    };
    let line = c.sends.get(g.send).map_or(0, |s| {
        project.sources.get(c.file).line_col(s.span.start).line
    });
    let message = c
        .sends
        .get(g.send)
        .map(|s| s.message.get_ref().clone())
        .unwrap_or_default();
    (c.id.clone(), message, line)
}

fn percent(covered: u64, pairs: u64) -> String {
    if pairs == 0 {
        return "100%".to_string();
    }
    format!("{:.1}%", covered as f64 * 100.0 / pairs as f64)
}

fn text(project: &Project, groups: &[&Group], coverage: &Coverage, totals: bool) -> String {
    let tz = project.config.timezone;
    let mut out = String::new();
    if groups.is_empty() {
        out.push_str(
            "no send of this campaign needs consent (public posts, or nothing scheduled)\n",
        );
    }
    let mut last_send = None;
    for g in groups {
        let (id, message, line) = send_label(project, g);
        if last_send != Some((g.campaign, g.send)) {
            last_send = Some((g.campaign, g.send));
            let first = g
                .instants
                .first()
                .map(|&t| format_local(t, tz))
                .unwrap_or_default();
            let when = if g.instants.len() > 1 {
                format!("{} sends from {first}", g.instants.len())
            } else {
                first
            };
            let file = project
                .campaigns
                .get(g.campaign)
                .map(|c| project.sources.get(c.file).path.as_str())
                .unwrap_or("");
            let _ = writeln!(out, "{id}: {file}:{line} sends {message}, {when}");
        }
        let audience = project.audiences.get(g.audience);
        let name = audience.map_or("", |a| a.id.as_str());
        let uncovered = {
            let mut rows: Vec<u32> = g.findings.iter().map(|f| f.contact).collect();
            rows.dedup();
            rows.len()
        };
        if uncovered == 0 {
            let _ = match g.recipients {
                1 => writeln!(out, "  audience {name}: its 1 recipient is covered"),
                n => writeln!(out, "  audience {name}: all {n} recipients covered"),
            };
        } else {
            let _ = writeln!(
                out,
                "  audience {name}: {uncovered} of {} recipients not covered ({} of the messages to it would reach someone with valid consent)",
                g.recipients,
                percent(g.covered_pairs, g.pairs)
            );
        }
        let csv_path = audience
            .and_then(|a| a.csv)
            .map(|f| project.sources.get(f).path.as_str())
            .unwrap_or("");
        for f in &g.findings {
            let (row, at) = row_and_time(audience, g, f, tz);
            let _ = writeln!(
                out,
                "    {csv_path}:{row}  {:<16}  {:<12}  {at}  {}",
                who(project, g, f),
                f.problem.as_str(),
                detail(project, f)
            );
        }
    }
    if totals {
        let _ = writeln!(
            out,
            "consent coverage: {} of {} messages would reach someone with valid consent ({}); {} different people",
            coverage.covered_pairs,
            coverage.pairs,
            percent(coverage.covered_pairs, coverage.pairs),
            coverage.recipients
        );
    }
    out
}

fn csv(project: &Project, groups: &[&Group]) -> String {
    let tz = project.config.timezone;
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "campaign",
        "send_line",
        "message",
        "audience",
        "file",
        "line",
        "contact",
        "problem",
        "first_at",
        "detail",
    ]);
    for g in groups {
        let (id, message, line) = send_label(project, g);
        let audience = project.audiences.get(g.audience);
        let csv_path = audience
            .and_then(|a| a.csv)
            .map(|f| project.sources.get(f).path.clone())
            .unwrap_or_default();
        for f in &g.findings {
            let (row, at) = row_and_time(audience, g, f, tz);
            let _ = w.write_record([
                id.as_str(),
                &line.to_string(),
                &message,
                audience.map_or("", |a| a.id.as_str()),
                &csv_path,
                &row.to_string(),
                &who(project, g, f),
                f.problem.as_str(),
                &at,
                &detail(project, f),
            ]);
        }
    }
    w.into_inner()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

/// The CSV line of a finding's recipient and the local time of its send.
fn row_and_time(audience: Option<&Audience>, g: &Group, f: &Finding, tz: Tz) -> (u32, String) {
    let row = audience
        .and_then(|a| a.contacts.get(f.contact as usize))
        .map_or(0, |c| c.line);
    let at = g
        .instants
        .get(f.instant as usize)
        .map(|&t| format_local(t, tz))
        .unwrap_or_default();
    (row, at)
}
