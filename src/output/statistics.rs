//! `check --statistics`: one line per rule with its count and how many findings carry a
//! fix, instead of every finding, for projects with thousands of them.
//!
//! Rules are sorted by count (most first), then by code, so the biggest job is on top
//! and two runs print the same lines.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::base::diagnostic::Applicability;
use crate::engine::Report;

/// One rule's line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    /// The rule code.
    pub rule: &'static str,
    /// Findings of the rule.
    pub count: usize,
    /// Findings with a fix `camplint check --fix` applies.
    pub fixable: usize,
    /// Findings with a fix that needs `--unsafe-fixes` as well.
    pub fixable_unsafe: usize,
}

/// The counts per rule, sorted by count (descending), then code.
pub fn counts(report: &Report, style: super::Style) -> Vec<RuleCount> {
    let mut by_rule: BTreeMap<&'static str, RuleCount> = BTreeMap::new();
    for d in report
        .diagnostics
        .iter()
        .filter(|d| style.shows(d.severity))
    {
        let entry = by_rule.entry(d.rule.code).or_insert(RuleCount {
            rule: d.rule.code,
            count: 0,
            fixable: 0,
            fixable_unsafe: 0,
        });
        entry.count += 1;
        match d.fix.as_ref().map(|f| f.applicability) {
            Some(Applicability::Safe) => entry.fixable += 1,
            Some(Applicability::Unsafe) => entry.fixable_unsafe += 1,
            None => {}
        }
    }
    let mut out: Vec<RuleCount> = by_rule.into_values().collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.rule.cmp(b.rule)));
    out
}

/// Aligned lines for people: `COUNT  CODE  N fixable`, then the summary line.
pub fn write_human(report: &Report, style: super::Style, out: &mut dyn Write) -> io::Result<()> {
    let rows = counts(report, style);
    let count_width = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    let code_width = rows.iter().map(|r| r.rule.len()).max().unwrap_or(0);
    for r in &rows {
        let mut fixable = Vec::new();
        if r.fixable > 0 {
            fixable.push(format!("{} fixable", r.fixable));
        }
        if r.fixable_unsafe > 0 {
            fixable.push(format!("{} fixable with --unsafe-fixes", r.fixable_unsafe));
        }
        let line = format!(
            "{:>count_width$}  {:code_width$}  {}",
            r.count,
            r.rule,
            fixable.join(", ")
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    if !style.quiet {
        let safe: usize = rows.iter().map(|r| r.fixable).sum();
        let unsafe_: usize = rows.iter().map(|r| r.fixable_unsafe).sum();
        let mut line = super::counts(report);
        if safe > 0 {
            line.push_str(&format!("; {safe} fixable with `camplint check --fix`"));
        }
        if unsafe_ > 0 {
            line.push_str(&format!("; {unsafe_} more with `--unsafe-fixes`"));
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// The JSON document: `{"version": 1, "statistics": [...], "summary": {...}}`.
pub fn write_json(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    #[derive(Serialize)]
    struct Doc<'a> {
        version: u32,
        statistics: Vec<RuleCount>,
        summary: &'a crate::engine::Summary,
    }
    let all = super::Style {
        color: false,
        quiet: false,
        deny_warnings: false,
    };
    let doc = Doc {
        version: 1,
        statistics: counts(report, all),
        summary: &report.summary,
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}
