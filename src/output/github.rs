//! `--format github`: GitHub Actions workflow commands, one line per finding, which the
//! runner turns into annotations on the pull request's files.

use std::io::{self, Write};

use super::Style;
use crate::base::diagnostic::Severity;
use crate::base::words::count;
use crate::engine::Report;

/// Escapes a command's message: the runner reads `%`, CR and LF as percent escapes.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes a property value: as [`escape_data`], plus `:` and `,`, which separate
/// properties and end the property list.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Writes `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE::MESSAGE` lines;
/// warnings are `::warning`, infos `::notice`. Like `short`, it prints only what fails
/// the run under `--quiet`; otherwise a last `::notice` line gives the totals.
pub fn write(report: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let p = &report.project;
    for d in &report.diagnostics {
        if !style.shows(d.severity) {
            continue;
        }
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let (start, end) = super::positions(p, d);
        // The annotation shows only the message, so the help and the related places
        // (the CSV rows of the recipients affected) follow it on their own lines.
        let message = super::message_with_context(p, d);
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&p.sources.get(d.file).path),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(d.rule.code),
            escape_data(&message)
        )?;
    }
    // GitHub shows only ten annotations of each kind per step: the totals line says how
    // many there are, so none is hidden without anyone knowing. `--quiet` keeps only
    // the lines that fail the run, and a clean project stays an empty report.
    if style.quiet || report.diagnostics.is_empty() {
        return Ok(());
    }
    let of = |s: Severity| {
        report
            .diagnostics
            .iter()
            .filter(|d| d.severity == s)
            .count()
    };
    let (errors, warnings, infos) = (
        of(Severity::Error),
        of(Severity::Warning),
        of(Severity::Info),
    );
    let files: std::collections::BTreeSet<_> = report.diagnostics.iter().map(|d| d.file).collect();
    writeln!(
        out,
        "::notice title=camplint::{}",
        escape_data(&format!(
            "{} in {}{}",
            totals(errors, warnings, infos),
            count(files.len(), "file", "files"),
            if errors + warnings + infos > 10 {
                "; GitHub shows at most 10 annotations of each kind, the job log lists them all"
            } else {
                ""
            }
        ))
    )?;
    Ok(())
}

fn totals(errors: usize, warnings: usize, infos: usize) -> String {
    format!(
        "{}, {}, {}",
        count(errors, "error", "errors"),
        count(warnings, "warning", "warnings"),
        count(infos, "info", "infos")
    )
}

#[cfg(test)]
mod tests {
    use super::{escape_data, escape_property};

    #[test]
    fn escapes_what_the_runner_would_read_as_syntax() {
        assert_eq!(
            escape_data("50% off\r\nnow: a, b"),
            "50%25 off%0D%0Anow: a, b"
        );
        assert_eq!(escape_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
    }
}
