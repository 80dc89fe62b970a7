//! `--format short`: one line per finding, for grep, editors' quickfix lists and hooks.

use std::io::{self, Write};

use super::Style;
use crate::engine::Report;

/// Writes `file:line:col: severity[code]: message` lines.
pub fn write(report: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
    for d in &report.diagnostics {
        if !style.shows(d.severity) {
            continue;
        }
        let (start, _) = super::positions(&report.project, d);
        writeln!(
            out,
            "{}:{}:{}: {}[{}]: {}",
            report.project.sources.get(d.file).path,
            start.line,
            start.column,
            d.severity.as_str(),
            d.rule.code,
            d.message
        )?;
    }
    Ok(())
}
