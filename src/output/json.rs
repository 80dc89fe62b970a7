//! `--format json`: the versioned document of SPEC 3.2.

use std::io::{self, Write};

use serde::Serialize;

use crate::base::diagnostic::Severity;
use crate::engine::{Report, Summary};

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: &'a Summary,
}

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
    related: Vec<JsonRelated<'a>>,
    fix: Option<JsonFix<'a>>,
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

/// Writes the JSON document followed by a newline.
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let p = &report.project;
    let diagnostics = report
        .diagnostics
        .iter()
        .map(|d| {
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
                related: d
                    .related
                    .iter()
                    .map(|r| {
                        let src = p.sources.get(r.file);
                        let at = src.line_col(r.span.start);
                        JsonRelated {
                            file: &src.path,
                            line: at.line,
                            column: at.column,
                            message: &r.message,
                        }
                    })
                    .collect(),
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
        })
        .collect();
    let doc = Document {
        version: 1,
        diagnostics,
        summary: &report.summary,
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}
