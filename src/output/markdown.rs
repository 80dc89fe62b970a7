//! `--format markdown`: a report for a pull-request comment or `$GITHUB_STEP_SUMMARY`.
//!
//! A comment may be read by more people than the contact lists, so phone numbers never
//! appear: audiences, files, rows and counts do. With `--base` it is the impact summary
//! and the findings the change adds; without, the whole report.

use std::io::{self, Write};
use std::sync::OnceLock;

use regex::Regex;

use crate::base::diagnostic::Diagnostic;
use crate::change::ChangeReport;
use crate::engine::Report;

/// How many related places (rows of the people affected) a finding lists.
const PLACES: usize = 5;

/// Phone numbers as they appear in messages: `+39 333 1234567`, `+393331234567`,
/// `333 1234567`, `wa.me/393331234567`. Dates and times have separators and fewer
/// digits, so they stay.
fn phones() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\+\d[\d .\-]{4,18}\d|\b\d(?: ?\d){6,14}\b").ok())
        .as_ref()
}

const HIDDEN: &str = "(phone number hidden)";

/// "(phone number hidden), (phone number hidden)" → "(2 phone numbers hidden)": a list of
/// names that is all numbers says only how many.
fn collapse(text: &str) -> String {
    let sep = format!("{HIDDEN}, ");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(HIDDEN) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let mut n = 0;
        while let Some(next) = rest.strip_prefix(&sep) {
            n += 1;
            rest = next;
        }
        if let Some(next) = rest.strip_prefix(HIDDEN) {
            n += 1;
            rest = next;
        } else {
            // The last one was followed by ", " and something else: give the comma back.
            rest = &text[text.len() - rest.len() - 2..];
        }
        if n == 1 {
            out.push_str(HIDDEN);
        } else {
            out.push_str(&format!("({n} phone numbers hidden)"));
        }
    }
    out.push_str(rest);
    out
}

/// The text with phone numbers hidden and HTML made inert, for a Markdown document.
pub fn safe(text: &str) -> String {
    let masked = match phones() {
        Some(re) => collapse(&re.replace_all(text, HIDDEN)),
        // The pattern is a constant, so this does not happen; if it did, hiding every
        // digit is the safe side.
        None => text.replace(|c: char| c.is_ascii_digit(), "#"),
    };
    inert(&masked)
}

/// The text with HTML made inert, for text camplint wrote itself from no contact data
/// (the change headline: a revision, a commit id and counts). A commit id can be all
/// digits, as `4315072`, and must not read as a hidden phone number.
fn inert(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', " ")
}

fn finding(report: &Report, d: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
    let p = &report.project;
    let (start, _) = super::positions(p, d);
    writeln!(
        out,
        "- **{}** `{}` in `{}` line {}: {}",
        d.severity.as_str(),
        d.rule.code,
        p.sources.get(d.file).path,
        start.line,
        safe(&d.message)
    )?;
    for r in d.related.iter().take(PLACES) {
        let src = p.sources.get(r.file);
        let at = src.line_col(r.span.start);
        writeln!(
            out,
            "  - `{}` line {}: {}",
            src.path,
            at.line,
            safe(&r.message)
        )?;
    }
    if d.related.len() > PLACES {
        writeln!(out, "  - and {} more places", d.related.len() - PLACES)?;
    }
    if !d.help.is_empty() {
        writeln!(out, "  - what to do: {}", safe(&d.help))?;
    }
    Ok(())
}

fn findings(report: &Report, title: &str, out: &mut dyn Write) -> io::Result<()> {
    if report.diagnostics.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n### {title} ({})\n", report.diagnostics.len())?;
    for d in &report.diagnostics {
        finding(report, d, out)?;
    }
    Ok(())
}

/// Writes the whole report (no `--base`).
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## camplint\n")?;
    let verdict = if report.diagnostics.is_empty() {
        "no problems found"
    } else {
        "found"
    };
    writeln!(out, "{verdict}: {}.", super::counts(report))?;
    let s = &report.summary;
    writeln!(
        out,
        "{} campaigns, {} sends, {} recipients; consent coverage {:.1}%.",
        s.campaigns,
        s.sends,
        s.recipients,
        s.consent_coverage * 100.0
    )?;
    findings(report, "Findings", out)
}

/// Writes the impact summary and the findings the change adds.
pub fn write_change(change: &ChangeReport, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## camplint: what this change does\n")?;
    writeln!(out, "{}.\n", inert(&change.headline()))?;
    for line in change.impact.lines() {
        writeln!(out, "- {}", safe(&line))?;
    }
    findings(
        &change.report,
        "Findings added or made worse by this change",
        out,
    )
}

#[cfg(test)]
mod tests {
    use super::safe;

    #[test]
    fn phone_numbers_never_reach_a_comment() {
        assert_eq!(
            safe("+393331234567: no grant; call 333 123 4567 or wa.me/393331234567"),
            "(phone number hidden): no grant; call (phone number hidden) or wa.me/(phone number hidden)"
        );
        let kept = "All 1,552 recipients at 2026-11-27 10:00 CET, row 14 of `vip`";
        assert_eq!(safe(kept), kept);
        assert_eq!(safe("<b>"), "&lt;b&gt;");
        assert_eq!(
            safe("first: +393331234567, +393331234568, +393331234569 and 2 more"),
            "first: (3 phone numbers hidden) and 2 more"
        );
        assert_eq!(
            safe("+393331234567, +393331234568, and Anna"),
            "(2 phone numbers hidden), and Anna"
        );
    }

    #[test]
    fn a_commit_id_of_digits_is_not_a_phone_number() {
        let headline = "compared with HEAD at 4315072 (ancestor of HEAD): 3 new findings";
        assert_eq!(super::inert(headline), headline);
        assert_eq!(super::inert("a<b"), "a&lt;b");
    }
}
