//! `camplint consent`: every recipient a send may not reach, one line each, where
//! `check` shows counts and five examples. Text for people, CSV for spreadsheets.
//!
//! At a big shop's scale the listing has millions of lines, so it is written as it is
//! found (through the caller's buffered writer), never gathered in memory.

use std::io::Write;

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
#[derive(Debug)]
pub enum ReportError {
    /// No campaign has this id; the closest id when there is one.
    UnknownCampaign(String, Option<String>),
    /// The output could not be written.
    Write(std::io::Error),
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
            ReportError::Write(e) => write!(f, "cannot write to standard output: {e}"),
        }
    }
}

/// Writes the report for one campaign (or all, when `campaign` is `None`) to `out` and
/// flushes it; returns true when nobody listed is uncovered. A reader that stops early
/// (a closed pipe) ends the report quietly.
pub fn write(
    project: &Project,
    plan: &Plan,
    campaign: Option<&str>,
    format: ReportFormat,
    out: &mut dyn Write,
) -> Result<bool, ReportError> {
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
    let rows = crate::analysis::rows::ContactRows::build(project);
    let coverage = Coverage::compute(project, plan, &rows);
    let groups: Vec<usize> = (0..coverage.groups.len())
        .filter(|&i| {
            coverage
                .groups
                .get(i)
                .is_some_and(|g| wanted.is_none_or(|w| g.campaign == w))
        })
        .collect();
    let all_covered = groups
        .iter()
        .filter_map(|&i| coverage.groups.get(i))
        .all(|g| g.uncovered == 0);
    let written = match format {
        ReportFormat::Text => text(project, &groups, &coverage, wanted.is_none(), out),
        ReportFormat::Csv => csv(project, &groups, &coverage, out),
    }
    .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(ReportError::Write(e)),
        _ => Ok(all_covered),
    }
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

fn text(
    project: &Project,
    groups: &[usize],
    coverage: &Coverage,
    totals: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let tz = project.config.timezone;
    if groups.is_empty() {
        out.write_all(
            b"no send of this campaign needs consent (public posts, or nothing scheduled)\n",
        )?;
    }
    let mut last_send = None;
    for &gi in groups {
        let Some(g) = coverage.groups.get(gi) else {
            continue;
        };
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
            writeln!(out, "{id}: {file}:{line} sends {message}, {when}")?;
        }
        let audience = project.audiences.get(g.audience);
        let name = audience.map_or("", |a| a.id.as_str());
        if g.uncovered == 0 {
            match g.recipients {
                1 => writeln!(out, "  audience {name}: its 1 recipient is covered")?,
                n => writeln!(out, "  audience {name}: all {n} recipients covered")?,
            }
        } else {
            writeln!(
                out,
                "  audience {name}: {} of {} recipients not covered ({} of the messages to it would reach someone with valid consent)",
                g.uncovered,
                g.recipients,
                percent(g.covered_pairs, g.pairs)
            )?;
        }
        let csv_path = audience
            .and_then(|a| a.csv)
            .map(|f| project.sources.get(f).path.as_str())
            .unwrap_or("");
        let mut result = Ok(());
        coverage.each_finding(gi, |f| {
            if result.is_ok() {
                let (row, at) = row_and_time(audience, g, f, tz);
                result = writeln!(
                    out,
                    "    {csv_path}:{row}  {:<16}  {:<12}  {at}  {}",
                    who(project, g, f),
                    f.problem.as_str(),
                    detail(project, f)
                );
            }
        });
        result?;
    }
    if totals {
        writeln!(
            out,
            "consent coverage: {} of {} messages would reach someone with valid consent ({}); {}",
            coverage.covered_pairs,
            coverage.pairs,
            percent(coverage.covered_pairs, coverage.pairs),
            who_is_reached(coverage.recipients, coverage.missing_people)
        )?;
    }
    Ok(())
}

fn csv(
    project: &Project,
    groups: &[usize],
    coverage: &Coverage,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let tz = project.config.timezone;
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record([
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
    ])?;
    for &gi in groups {
        let Some(g) = coverage.groups.get(gi) else {
            continue;
        };
        let (id, message, line) = send_label(project, g);
        let audience = project.audiences.get(g.audience);
        let csv_path = audience
            .and_then(|a| a.csv)
            .map(|f| project.sources.get(f).path.clone())
            .unwrap_or_default();
        let mut result = Ok(());
        coverage.each_finding(gi, |f| {
            if result.is_ok() {
                let (row, at) = row_and_time(audience, g, f, tz);
                result = w.write_record([
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
        });
        result?;
    }
    w.flush()
}

/// Who the messages go to, and how many of them lack consent for one or more.
fn who_is_reached(recipients: usize, missing: usize) -> String {
    let people = match recipients {
        1 => "1 person".to_string(),
        n => format!("{n} different people"),
    };
    match (recipients, missing) {
        (0, _) => "they reach nobody".to_string(),
        (1, 0) => format!("they go to {people}, who has valid consent"),
        (_, 0) => format!("they go to {people}, all with valid consent"),
        (1, _) => {
            format!("they go to {people}, who is missing valid consent for at least one of them")
        }
        (n, m) if m == n => format!(
            "they go to {people}, all of whom are missing valid consent for at least one of them"
        ),
        (_, 1) => format!(
            "they go to {people}, 1 of whom is missing valid consent for at least one of them"
        ),
        (_, m) => format!(
            "they go to {people}, {m} of whom are missing valid consent for at least one of them"
        ),
    }
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
