//! `--format human`: miette's graphical reports, the source line with the span
//! underlined, the rule code and the help line.

use std::fmt;
use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::Style;
use crate::base::diagnostic::{Applicability, Diagnostic, Severity};
use crate::base::source::{SourceFile, Sources};
use crate::engine::Report;

/// A window onto one source file for miette. miette finds lines by scanning from the
/// start of the text it is given; handing it only the lines around the span keeps a
/// report on row 900,000 of a contact list as cheap as one on row 1.
struct FileView<'a> {
    src: &'a SourceFile,
}

impl SourceCode for FileView<'_> {
    fn read_span<'s>(
        &'s self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'s> + 's>, MietteError> {
        let src = self.src;
        let start = src.clamp(span.offset());
        let end = src.clamp(span.offset() + span.len()).max(start);
        let first = src.line_index(start).saturating_sub(before);
        let last = src.line_index(end) + after;
        let starts = src.line_starts();
        let win_start = starts[first.min(starts.len() - 1)];
        let win_end = starts.get(last + 1).copied().unwrap_or(src.text.len());
        let window = &src.text[win_start..win_end];
        let local = SourceSpan::new((start - win_start).into(), end - start);
        let inner = window.read_span(&local, before, after)?;
        let offset = inner.span().offset() + win_start;
        // The inner view sees no lines before the window; shift its line numbers.
        Ok(Box::new(MietteSpanContents::new_named(
            src.path.clone(),
            inner.data(),
            SourceSpan::new(offset.into(), inner.span().len()),
            inner.line() + first,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// A diagnostic as miette sees it.
struct Shown<'a> {
    message: String,
    code: Option<&'a str>,
    severity: miette::Severity,
    help: Option<&'a str>,
    view: FileView<'a>,
    labels: Vec<LabeledSpan>,
    related: Vec<Shown<'a>>,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.code.map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help.map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.view)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}

fn span(range: &std::ops::Range<usize>) -> SourceSpan {
    SourceSpan::new(range.start.into(), range.end.saturating_sub(range.start))
}

fn shown<'a>(sources: &'a Sources, d: &'a Diagnostic) -> Shown<'a> {
    let mut labels = vec![LabeledSpan::new_primary_with_span(None, span(&d.span))];
    let mut related = Vec::new();
    for r in &d.related {
        if r.file == d.file {
            labels.push(LabeledSpan::new_with_span(
                Some(r.message.clone()),
                span(&r.span),
            ));
        } else {
            // miette heads a related report with "Advice: <code>": the file name reads
            // well there, and the message stands above the snippet.
            related.push(Shown {
                message: r.message.clone(),
                code: Some(&sources.get(r.file).path),
                severity: miette::Severity::Advice,
                help: None,
                view: FileView {
                    src: sources.get(r.file),
                },
                labels: vec![LabeledSpan::new_primary_with_span(None, span(&r.span))],
                related: Vec::new(),
            });
        }
    }
    if let Some(fix) = &d.fix {
        // A fix inside the finding's own span (a phone inside its cell's quotes) is
        // already what the help line says; one elsewhere gets its own label.
        let inside = d.span.start <= fix.span.start && fix.span.end <= d.span.end;
        if fix.file == d.file && !inside {
            let label = match (fix.replacement.is_empty(), fix.applicability) {
                (true, Applicability::Unsafe) => "`--fix --unsafe-fixes` deletes this".to_string(),
                (true, Applicability::Safe) => "`--fix` deletes this".to_string(),
                (false, _) => format!("replace with `{}`", fix.replacement),
            };
            labels.push(LabeledSpan::new_with_span(Some(label), span(&fix.span)));
        }
    }
    Shown {
        message: d.message.clone(),
        code: Some(d.rule.code),
        severity: match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        },
        help: Some(&d.help),
        view: FileView {
            src: sources.get(d.file),
        },
        labels,
        related,
    }
}

/// The miette handler for a style: colours only when asked, a fixed width so output does
/// not depend on the terminal, no hyperlinks.
pub fn handler(color: bool) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_break_words(false)
        .with_links(false)
        .with_context_lines(1)
}

/// Renders diagnostics of a set of sources as miette reports into a string.
pub fn render(sources: &Sources, diagnostics: &[Diagnostic], color: bool) -> String {
    let handler = handler(color);
    let mut text = String::new();
    for d in diagnostics {
        let s = shown(sources, d);
        if handler.render_report(&mut text, &s).is_err() {
            text.push_str(&format!("{}: {}\n", d.rule.code, d.message));
        }
        text.push('\n');
    }
    text
}

/// Writes every diagnostic and a summary line.
pub fn write(report: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let shown: Vec<Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| style.shows(d.severity))
        .cloned()
        .collect();
    out.write_all(render(&report.project.sources, &shown, style.color).as_bytes())?;
    if !style.quiet {
        let verdict = if report.diagnostics.is_empty() {
            "no problems found"
        } else {
            "found"
        };
        writeln!(out, "camplint: {verdict}: {}", super::counts(report))?;
    }
    Ok(())
}
