//! camplint's findings as the editor shows them: diagnostics with the rule's docs link,
//! the help and the related places; quick fixes; the rule's `explain` text on hover.

use std::ops::Range;
use std::path::Path;

use lsp_types::{
    CodeAction, CodeActionKind, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity,
    Hover, HoverContents, Location, MarkupContent, MarkupKind, NumberOrString, Position, TextEdit,
    Url,
};

use super::text::{position, Encoding};
use crate::base::diagnostic::{Applicability, Diagnostic, Severity};
use crate::base::rule::Rule;
use crate::base::source::{FileId, Sources};

/// Where the rules are documented. The repository's README has the rule table under
/// `#rules`; the full text of each rule is what hover shows (`camplint explain`).
pub const RULES_DOCS: &str = "https://github.com/camplint/camplint/blob/main/README.md#rules";

/// The kind of the action that applies every fix of a file.
pub const FIX_ALL: &str = "source.fixAll.camplint";

/// One finding as published, with its fix in the client's coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// What the client shows.
    pub diagnostic: lsp_types::Diagnostic,
    /// The file to edit and the edit, when the finding has a fix.
    pub fix: Option<(Url, TextEdit)>,
    /// Whether that fix keeps the meaning; only safe fixes go into fix-all, as with
    /// `camplint check --fix`.
    pub fix_is_safe: bool,
    /// The rule, for hover.
    pub rule: &'static Rule,
}

/// The findings of one file as last published, with the document version they belong to.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FileFindings {
    /// The version of the open document they were computed on; `None` for the disk.
    pub version: Option<i32>,
    /// Sorted as `check` sorts them.
    pub items: Vec<Finding>,
}

/// The most findings published for one file. A ledger of a million people can have tens
/// of thousands; one message with all of them (16 MB) takes a quarter of a second to send
/// and read, and a keystroke's findings would wait behind it. VS Code keeps 1,000 per file
/// anyway (microsoft/vscode#172696) and no one reads more squiggles than that: the first
/// ones are shown with a note that `camplint check` lists the rest.
pub const PUBLISHED_PER_FILE: usize = 1000;

/// What a file's `publishDiagnostics` carries: every finding, or past
/// [`PUBLISHED_PER_FILE`] the first ones and a note, at the first one left out, saying
/// how many there are.
pub fn published(f: &FileFindings) -> Vec<lsp_types::Diagnostic> {
    let mut out: Vec<lsp_types::Diagnostic> = f
        .items
        .iter()
        .take(PUBLISHED_PER_FILE)
        .map(|i| i.diagnostic.clone())
        .collect();
    if let Some(first_left) = f.items.get(PUBLISHED_PER_FILE) {
        let count = |n: usize| crate::base::words::thousands(u64::try_from(n).unwrap_or(u64::MAX));
        let (total, shown) = (count(f.items.len()), count(PUBLISHED_PER_FILE));
        out.push(lsp_types::Diagnostic {
            range: first_left.diagnostic.range,
            severity: Some(DiagnosticSeverity::INFORMATION),
            source: Some("camplint".to_string()),
            message: format!(
                "this file has {total} findings; the editor shows the first {shown}\nhelp: `camplint check` in a terminal lists them all"
            ),
            ..lsp_types::Diagnostic::default()
        });
    }
    out
}

/// Turns a file of a project and a byte range into a client range.
fn range(sources: &Sources, file: FileId, span: &Range<usize>, enc: Encoding) -> lsp_types::Range {
    let f = sources.get(file);
    lsp_types::Range::new(position(f, span.start, enc), position(f, span.end, enc))
}

/// Converts one finding; `uri` names a root-relative path as the client knows it.
pub fn convert(
    d: &Diagnostic,
    sources: &Sources,
    enc: Encoding,
    uri: &dyn Fn(&str) -> Option<Url>,
) -> Finding {
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            Some(DiagnosticRelatedInformation {
                location: Location::new(
                    uri(&sources.get(r.file).path)?,
                    range(sources, r.file, &r.span, enc),
                ),
                message: r.message.clone(),
            })
        })
        .collect();
    let fix = d.fix.as_ref().and_then(|f| {
        Some((
            uri(&sources.get(f.file).path)?,
            TextEdit::new(range(sources, f.file, &f.span, enc), f.replacement.clone()),
        ))
    });
    let fix_is_safe = d
        .fix
        .as_ref()
        .is_some_and(|f| f.applicability == Applicability::Safe);
    let message = if d.help.is_empty() {
        d.message.clone()
    } else {
        format!("{}\nhelp: {}", d.message, d.help)
    };
    Finding {
        diagnostic: lsp_types::Diagnostic {
            range: range(sources, d.file, &d.span, enc),
            severity: Some(match d.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
                Severity::Info => DiagnosticSeverity::INFORMATION,
            }),
            code: Some(NumberOrString::String(d.rule.code.to_string())),
            code_description: Url::parse(RULES_DOCS)
                .ok()
                .map(|href| CodeDescription { href }),
            source: Some("camplint".to_string()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: None,
        },
        fix,
        fix_is_safe,
        rule: d.rule,
    }
}

/// The URL of a root-relative path under a folder.
pub fn file_url(folder: &Path, rel: &str) -> Option<Url> {
    Url::from_file_path(crate::project::fs::absolute(folder, rel)).ok()
}

/// Whether `pos` is inside `r` (ends included: the cursor just after a word is on it).
fn contains(r: &lsp_types::Range, pos: Position) -> bool {
    (r.start.line, r.start.character) <= (pos.line, pos.character)
        && (pos.line, pos.character) <= (r.end.line, r.end.character)
}

/// Whether two ranges share a position.
fn overlaps(a: &lsp_types::Range, b: &lsp_types::Range) -> bool {
    (a.start.line, a.start.character) <= (b.end.line, b.end.character)
        && (b.start.line, b.start.character) <= (a.end.line, a.end.character)
}

/// The `explain` text of every rule with a finding under the cursor.
pub fn hover(file: &FileFindings, pos: Position) -> Option<Hover> {
    let under: Vec<&Finding> = file
        .items
        .iter()
        .filter(|f| contains(&f.diagnostic.range, pos))
        .collect();
    let first = under.first()?;
    let mut codes: Vec<&'static Rule> = under.iter().map(|f| f.rule).collect();
    codes.dedup_by_key(|r| r.code);
    let text = codes
        .iter()
        .map(|r| crate::rules::explain(r))
        .collect::<Vec<_>>()
        .join("\n---\n\n");
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: Some(first.diagnostic.range),
    })
}

/// Builds the edit of a code action (versioned when the client supports it).
pub type EditBuilder<'a> = &'a dyn Fn(Vec<(Url, TextEdit)>) -> lsp_types::WorkspaceEdit;

/// The quick fixes of findings in `range`, and the fix-all action of the file, filtered
/// by the kinds the client asked for.
pub fn actions(
    file: &FileFindings,
    uri: &Url,
    range: &lsp_types::Range,
    only: Option<&[CodeActionKind]>,
    edit: EditBuilder<'_>,
) -> Vec<CodeAction> {
    let wants = |kind: &str| {
        only.is_none_or(|kinds| {
            kinds.iter().any(|k| {
                kind == k.as_str()
                    || kind
                        .strip_prefix(k.as_str())
                        .is_some_and(|rest| rest.starts_with('.'))
            })
        })
    };
    let mut out = Vec::new();
    if wants(CodeActionKind::QUICKFIX.as_str()) {
        for f in &file.items {
            let Some(fix) = &f.fix else { continue };
            if !overlaps(&f.diagnostic.range, range) {
                continue;
            }
            let mut title = title(f.rule.code, &fix.1.new_text);
            if !f.fix_is_safe {
                title.push_str(", changes meaning: check it");
            }
            out.push(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![f.diagnostic.clone()]),
                edit: Some(edit(vec![fix.clone()])),
                // Editors apply the preferred fix on their own ("auto fix"): only a safe one.
                is_preferred: Some(f.fix_is_safe),
                ..CodeAction::default()
            });
        }
    }
    if wants(FIX_ALL) {
        let fixes = non_overlapping(file, uri);
        if !fixes.is_empty() {
            out.push(CodeAction {
                title: format!("camplint: apply all {} fixes in this file", fixes.len()),
                kind: Some(CodeActionKind::new(FIX_ALL)),
                edit: Some(edit(fixes)),
                ..CodeAction::default()
            });
        }
    }
    out
}

fn title(code: &str, replacement: &str) -> String {
    let shown: String = replacement.chars().take(40).collect();
    if replacement.is_empty() {
        format!("camplint: delete this ({code})")
    } else if shown.len() < replacement.len() {
        format!("camplint: replace with \"{shown}…\" ({code})")
    } else {
        format!("camplint: replace with \"{shown}\" ({code})")
    }
}

/// The safe fixes of the file that edit the file itself, in order, leaving out any that
/// overlaps one before it: applied together they cannot clash.
fn non_overlapping(file: &FileFindings, uri: &Url) -> Vec<(Url, TextEdit)> {
    let mut fixes: Vec<&(Url, TextEdit)> = file
        .items
        .iter()
        .filter(|f| f.fix_is_safe)
        .filter_map(|f| f.fix.as_ref())
        .filter(|(u, _)| u == uri)
        .collect();
    let key = |p: Position| (p.line, p.character);
    fixes.sort_by_key(|(_, e)| (key(e.range.start), key(e.range.end)));
    let mut out: Vec<(Url, TextEdit)> = Vec::new();
    for fix in fixes {
        if let Some((_, last)) = out.last() {
            if key(fix.1.range.start) < key(last.range.end) || last.range == fix.1.range {
                continue;
            }
        }
        out.push(fix.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(line: u32, new_text: &str, safe: bool) -> Finding {
        let range = lsp_types::Range::new(Position::new(line, 0), Position::new(line, 3));
        Finding {
            diagnostic: lsp_types::Diagnostic {
                range,
                ..lsp_types::Diagnostic::default()
            },
            fix: Some((
                Url::parse("file:///p/audiences/vip.csv").expect("a URL"),
                TextEdit::new(range, new_text.to_string()),
            )),
            fix_is_safe: safe,
            rule: &crate::project::parse::CSV,
        }
    }

    /// A contact list with one safe fix (a number rewritten) and one that changes the
    /// meaning (a row emptied), and its URI.
    fn safe_and_unsafe() -> (FileFindings, Url) {
        let file = FileFindings {
            version: None,
            items: vec![finding(1, "+393331234567", true), finding(2, "", false)],
        };
        let uri = Url::parse("file:///p/audiences/vip.csv").expect("a URL");
        (file, uri)
    }

    #[test]
    fn a_fix_that_changes_the_meaning_is_offered_but_never_preferred() {
        let (file, uri) = safe_and_unsafe();
        let all = lsp_types::Range::new(Position::new(0, 0), Position::new(9, 0));
        let edit = |edits: Vec<(Url, TextEdit)>| lsp_types::WorkspaceEdit {
            changes: Some(edits.into_iter().map(|(u, e)| (u, vec![e])).collect()),
            ..lsp_types::WorkspaceEdit::default()
        };
        let quick: Vec<CodeAction> = actions(&file, &uri, &all, None, &edit)
            .into_iter()
            .filter(|a| a.kind == Some(CodeActionKind::QUICKFIX))
            .collect();
        assert_eq!(quick.len(), 2);
        assert_eq!(quick[0].is_preferred, Some(true));
        assert!(!quick[0].title.contains("changes meaning"));
        assert_eq!(quick[1].is_preferred, Some(false));
        assert!(quick[1].title.ends_with(", changes meaning: check it"));
    }

    #[test]
    fn fix_all_applies_only_safe_fixes_as_check_fix_does() {
        let (file, uri) = safe_and_unsafe();
        let fixes = non_overlapping(&file, &uri);
        assert_eq!(fixes.len(), 1);
        assert_eq!(fixes[0].1.new_text, "+393331234567");
    }
}
