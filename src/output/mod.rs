//! Output formats: each is a small module over [`Report`]; none decides anything.

use std::io::{self, Write};

use crate::base::diagnostic::Diagnostic;
use crate::base::source::LineCol;
use crate::engine::Report;
use crate::project::Project;

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod short;
pub mod statistics;

/// The `--format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// miette reports with the source line and the span underlined.
    Human,
    /// One line per finding: `file:line:col: severity[code]: message`.
    Short,
    /// The JSON document of SPEC 3.2.
    Json,
    /// A SARIF 2.1.0 log, for code scanning dashboards and editors.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request's files.
    Github,
    /// A GitLab Code Quality report, shown in merge requests.
    Gitlab,
    /// JUnit XML, for CI test report views.
    Junit,
    /// Markdown for a pull-request comment: with `--base`, the impact summary and the
    /// findings the change adds; without, the whole report. Phone numbers are hidden.
    Markdown,
}

/// How `human` output should look.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Use colours.
    pub color: bool,
    /// Print only what fails the run (errors; warnings too with `--deny-warnings`) and
    /// no summary.
    pub quiet: bool,
    /// Warnings fail the run (`--deny-warnings`), so `quiet` still shows them.
    pub deny_warnings: bool,
}

impl Style {
    /// Whether a finding of this severity is printed.
    pub fn shows(&self, severity: crate::base::diagnostic::Severity) -> bool {
        use crate::base::diagnostic::Severity;
        !self.quiet
            || severity == Severity::Error
            || (self.deny_warnings && severity == Severity::Warning)
    }
}

/// Writes the report in `format`.
pub fn write(report: &Report, format: Format, style: Style, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => human::write(report, style, out),
        Format::Short => short::write(report, style, out),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Github => github::write(report, style, out),
        Format::Gitlab => gitlab::write(report, out),
        Format::Junit => junit::write(report, out),
        Format::Markdown => markdown::write(report, out),
    }
}

/// Writes what a change adds (`check --base`). The findings go through `format` as in a
/// plain run; human and short output add the base line and the impact summary, markdown
/// its own summary. Machine formats carry only the findings: the returned line (base,
/// new, old and fixed counts) is for the caller to show elsewhere.
pub fn write_change(
    change: &crate::change::ChangeReport,
    format: Format,
    style: Style,
    out: &mut dyn Write,
) -> io::Result<Option<String>> {
    match format {
        Format::Markdown => {
            markdown::write_change(change, out)?;
            Ok(None)
        }
        Format::Human | Format::Short => {
            write(&change.report, format, style, out)?;
            writeln!(out, "camplint: {}", change.headline())?;
            if !style.quiet {
                writeln!(out, "impact of this change:")?;
                for line in change.impact.lines() {
                    writeln!(out, "  - {line}")?;
                }
            }
            Ok(None)
        }
        _ => {
            write(&change.report, format, style, out)?;
            Ok(Some(change.headline()))
        }
    }
}

/// Start and end positions of a diagnostic's span (end exclusive).
pub fn positions(project: &Project, d: &Diagnostic) -> (LineCol, LineCol) {
    let src = project.sources.get(d.file);
    (src.line_col(d.span.start), src.line_col(d.span.end))
}

/// The message followed by `help: ...`, for formats whose viewers show one text only.
pub fn message_with_help(d: &Diagnostic) -> String {
    if d.help.is_empty() {
        d.message.clone()
    } else {
        format!("{}\nhelp: {}", d.message, d.help)
    }
}

/// The message followed by [`context`], for CI annotations that show one text only.
pub fn message_with_context(project: &Project, d: &Diagnostic) -> String {
    let mut text = d.message.clone();
    text.push_str(&context(project, d));
    text
}

/// What follows a message in one-text formats: `\nhelp: ...`, then one
/// `\nfile:line:col: message` line per related place (the rows of the people affected).
pub fn context(project: &Project, d: &Diagnostic) -> String {
    let mut text = String::new();
    if !d.help.is_empty() {
        text.push_str("\nhelp: ");
        text.push_str(&d.help);
    }
    for r in &d.related {
        let src = project.sources.get(r.file);
        let at = src.line_col(r.span.start);
        text.push_str(&format!(
            "\n{}:{}:{}: {}",
            src.path, at.line, at.column, r.message
        ));
    }
    text
}

/// `N errors, N warnings` for summary lines.
pub fn counts(report: &Report) -> String {
    let s = &report.summary;
    use crate::base::words::count;
    format!(
        "{}, {}, {} in {}",
        count(s.errors, "error", "errors"),
        count(s.warnings, "warning", "warnings"),
        count(s.infos, "info", "infos"),
        count(s.files, "file", "files")
    )
}
