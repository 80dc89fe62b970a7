//! `--format gitlab`: a GitLab Code Quality report (a JSON array of issues, the Code
//! Climate subset GitLab reads), shown in merge requests.
//!
//! Severity: `error` is `critical` (it fails the pipeline), `warning` is `major`, `info`
//! is `info`. `blocker` is not used: camplint has nothing above an error.
//!
//! Fingerprint: GitLab matches issues between the base and the merge request by it, so
//! it must not change between runs and must differ between issues. It is the identity
//! `check --base` matches by (`change::identity`): the rule, the file, the text under the
//! span and what the message is about without its counts, not the line: a finding that
//! moved because lines were added above it is the same finding, not a fixed one and a
//! new one, and so is one whose count of people changed. Identical findings in one file
//! are told apart by their order.

use std::io::{self, Write};

use serde::Serialize;

use crate::base::diagnostic::Severity;
use crate::engine::Report;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// GitLab's name for a severity.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "info",
    }
}

/// Writes the JSON array followed by a newline (`[]` when there is nothing to report).
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let p = &report.project;
    let fingerprints = crate::change::identity::fingerprints(p, &report.diagnostics);
    let issues: Vec<Issue> = report
        .diagnostics
        .iter()
        .zip(fingerprints)
        .map(|(d, fingerprint)| {
            let path = p.sources.get(d.file).path.as_str();
            let (start, end) = super::positions(p, d);
            // The span ends just after its last character: at column 1 of the next line
            // when it takes in a line break, which is not a line of the finding.
            let last = if end.column == 1 && end.line > start.line {
                end.line - 1
            } else {
                end.line
            };
            Issue {
                description: super::message_with_help(d),
                check_name: d.rule.code,
                fingerprint,
                severity: severity(d.severity),
                location: Location {
                    path,
                    lines: Lines {
                        begin: start.line,
                        end: last,
                    },
                },
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues).map_err(io::Error::other)?;
    writeln!(out)
}
