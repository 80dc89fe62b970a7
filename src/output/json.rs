//! `--format json`: the versioned document of SPEC 3.2.

use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

use crate::base::diagnostic::Severity;
use crate::engine::Report;

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    help: &'a str,
    related: Related<'a>,
    fix: Option<JsonFix<'a>>,
}

/// A finding's related places, serialised as an array straight from the finding (a
/// vector built for each of 100,000 findings only to be written out cost a tenth of
/// writing the report).
struct Related<'a> {
    project: &'a crate::project::Project,
    diagnostic: &'a crate::base::diagnostic::Diagnostic,
}

impl Serialize for Related<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.diagnostic.related.iter().map(|r| {
            let src = self.project.sources.get(r.file);
            let at = src.line_col(r.span.start);
            JsonRelated {
                file: &src.path,
                line: at.line,
                column: at.column,
                message: &r.message,
            }
        }))
    }
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    replacement: &'a str,
}

/// Writes the JSON document followed by a newline: the bytes `serde_json`'s pretty
/// printer gives for the whole document, with the findings serialised on every core
/// (a big project's report is 100 MB).
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let p = &report.project;
    // Findings in runs of this many, each run written into its own buffer.
    const RUN: usize = 1024;
    // Each run is printed as the document's `diagnostics` member would be, so its
    // findings come out at their final depth, and only the run's own brackets are cut:
    // `{\n  "diagnostics": [\n` before it and `\n  ]\n}` after.
    const HEAD: &[u8] = b"{\n  \"diagnostics\": [\n";
    const TAIL: &[u8] = b"\n  ]\n}";
    let runs: Vec<Vec<u8>> = report
        .diagnostics
        .par_chunks(RUN)
        .map(|run| {
            #[derive(Serialize)]
            struct Run<I: Serialize> {
                diagnostics: I,
            }
            struct Findings<'a>(
                &'a crate::project::Project,
                &'a [crate::base::diagnostic::Diagnostic],
            );
            impl Serialize for Findings<'_> {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    s.collect_seq(self.1.iter().map(|d| json_diagnostic(self.0, d)))
                }
            }
            let mut buf = Vec::with_capacity(run.len() * 512);
            serde_json::to_writer_pretty(
                &mut buf,
                &Run {
                    diagnostics: Findings(p, run),
                },
            )
            .map_err(io::Error::other)?;
            if buf.len() < HEAD.len() + TAIL.len() || !buf.starts_with(HEAD) || !buf.ends_with(TAIL)
            {
                return Err(io::Error::other(
                    "a run of findings did not print as expected",
                ));
            }
            Ok(buf)
        })
        .collect::<io::Result<_>>()?;
    out.write_all(b"{\n  \"version\": 1,\n  \"diagnostics\": [")?;
    for (i, run) in runs.iter().enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        // Written between the run's own brackets, without copying it out first.
        out.write_all(&run[HEAD.len()..run.len() - TAIL.len()])?;
    }
    if !runs.is_empty() {
        out.write_all(b"\n  ")?;
    }
    out.write_all(b"],\n  \"summary\": ")?;
    let summary = serde_json::to_vec_pretty(&report.summary).map_err(io::Error::other)?;
    let mut buf = Vec::with_capacity(summary.len() + 64);
    indent(&mut buf, &summary, b"  ", false);
    out.write_all(&buf)?;
    out.write_all(b"\n}\n")
}

/// Appends `json` to `buf` with `pad` before each line (before the first too when
/// `first`).
fn indent(buf: &mut Vec<u8>, json: &[u8], pad: &[u8], first: bool) {
    for (i, line) in json.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            buf.push(b'\n');
        }
        if i > 0 || first {
            buf.extend_from_slice(pad);
        }
        buf.extend_from_slice(line);
    }
}

/// The JSON form of one finding.
fn json_diagnostic<'a>(
    p: &'a crate::project::Project,
    d: &'a crate::base::diagnostic::Diagnostic,
) -> JsonDiagnostic<'a> {
    let (start, end) = super::positions(p, d);
    JsonDiagnostic {
        rule: d.rule.code,
        severity: d.severity,
        message: &d.message,
        file: &p.sources.get(d.file).path,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        help: &d.help,
        related: Related {
            project: p,
            diagnostic: d,
        },
        fix: d.fix.as_ref().map(|f| {
            let src = p.sources.get(f.file);
            let (s, e) = (src.line_col(f.span.start), src.line_col(f.span.end));
            JsonFix {
                file: &src.path,
                line: s.line,
                column: s.column,
                end_line: e.line,
                end_column: e.column,
                replacement: &f.replacement,
            }
        }),
    }
}
