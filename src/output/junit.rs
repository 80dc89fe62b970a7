//! `--format junit`: JUnit XML for CI test report views (GitLab, Jenkins, Azure
//! DevOps, GitHub test reporter actions).
//!
//! One `<testsuite>` per file with findings, one failing `<testcase>` per finding (its
//! `<failure>` type is the rule code); a report with no findings is one passing
//! testcase, so a clean run shows as "passed" rather than as an empty report. Every
//! finding is a failure, whatever its severity: the severity starts the failure message.
//! No `time` or `timestamp` attributes (SPEC 3: no timestamps or durations).

use std::io::{self, Write};

use crate::base::diagnostic::Diagnostic;
use crate::engine::Report;

/// Escapes text for an XML attribute value or element content. Characters XML 1.0
/// cannot hold at all (most C0 controls, U+FFFE, U+FFFF) become U+FFFD; line breaks and
/// tabs are written as references so attribute normalisation keeps them.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            _ => out.push(c),
        }
    }
    out
}

/// Writes the XML document followed by a newline.
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let p = &report.project;
    let total = report.diagnostics.len();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    if total == 0 {
        writeln!(
            out,
            r#"<testsuites name="camplint" tests="1" failures="0" errors="0">"#
        )?;
        writeln!(
            out,
            r#"  <testsuite name="camplint" tests="1" failures="0" errors="0" skipped="0">"#
        )?;
        writeln!(
            out,
            r#"    <testcase name="no problems found" classname="camplint"/>"#
        )?;
        writeln!(out, "  </testsuite>")?;
        return writeln!(out, "</testsuites>");
    }
    writeln!(
        out,
        r#"<testsuites name="camplint" tests="{total}" failures="{total}" errors="0">"#
    )?;
    // Diagnostics arrive sorted by file, so each file's findings are one run of them.
    for group in report.diagnostics.chunk_by(|a, b| a.file == b.file) {
        let Some(first) = group.first() else {
            continue;
        };
        let path = escape(&p.sources.get(first.file).path);
        let n = group.len();
        writeln!(
            out,
            r#"  <testsuite name="{path}" tests="{n}" failures="{n}" errors="0" skipped="0">"#
        )?;
        for d in group {
            testcase(report, d, &path, out)?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// One finding as a failing testcase named after its rule and position.
fn testcase(report: &Report, d: &Diagnostic, path: &str, out: &mut dyn Write) -> io::Result<()> {
    let p = &report.project;
    let (start, _) = super::positions(p, d);
    let mut body = format!(
        "{}:{}:{}: {}[{}]: {}",
        p.sources.get(d.file).path,
        start.line,
        start.column,
        d.severity.as_str(),
        d.rule.code,
        d.message
    );
    body.push_str(&super::context(p, d));
    writeln!(
        out,
        r#"    <testcase name="{code} at {line}:{col}" classname="{path}" file="{path}">"#,
        code = escape(d.rule.code),
        line = start.line,
        col = start.column,
    )?;
    writeln!(
        out,
        r#"      <failure message="{}: {}" type="{}">{}</failure>"#,
        d.severity.as_str(),
        escape(&d.message),
        escape(d.rule.code),
        escape(&body)
    )?;
    writeln!(out, "    </testcase>")
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_quotes_breaks_and_forbidden_characters() {
        assert_eq!(
            escape("<a href=\"x\">&'\n\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&#10;\u{fffd}"
        );
    }
}
