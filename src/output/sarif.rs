//! `--format sarif`: a SARIF 2.1.0 log with one run, for code scanning dashboards
//! (GitHub code scanning, Azure DevOps) and SARIF viewers in editors.
//!
//! Paths are root-relative URIs against the `%SRCROOT%` base, whose absolute location is
//! deliberately left out (SPEC 3: no absolute paths); the log carries no invocation, so
//! no timestamps either.

use std::io::{self, Write};
use std::ops::Range;

use serde::Serialize;

use crate::base::diagnostic::Severity;
use crate::base::rule::Rule;
use crate::base::source::FileId;
use crate::engine::Report;
use crate::project::Project;
use crate::rules::RULES;

/// The schema the log declares; tests validate against a copy of it.
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// The base every artifact URI is relative to: the project root.
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    original_uri_base_ids: OriginalUriBaseIds,
    results: Vec<SarifResult<'a>>,
    /// camplint counts columns in Unicode scalar values, which are code points (a Rust
    /// string holds no surrogates), hence `unicodeCodePoints` rather than the default
    /// UTF-16 code units.
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    rules: Vec<RuleDescriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor<'a> {
    id: &'a str,
    short_description: Text<'a>,
    full_description: OwnedText,
    help: Markdown,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Markdown {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct OriginalUriBaseIds {
    #[serde(rename = "%SRCROOT%")]
    srcroot: BaseDescription,
}

/// Describes `%SRCROOT%` in words only: a `uri` here would be the absolute root.
#[derive(Serialize)]
struct BaseDescription {
    description: OwnedText,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: OwnedText,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix<'a>>,
    /// The finding's identity (see `change::identity`), so code scanning tracks a finding
    /// across commits as `check --base` does, even when lines move.
    partial_fingerprints: PartialFingerprints,
}

#[derive(Serialize)]
struct PartialFingerprints {
    #[serde(rename = "camplint/v1")]
    camplint: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

/// A span as SARIF wants it: 1-based lines and columns, the end column just after the
/// last character (the same convention as `end_column` in `--format json`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    description: Text<'a>,
    artifact_changes: [ArtifactChange<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation,
    replacements: [Replacement<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Region,
    inserted_content: Text<'a>,
}

/// SARIF's name for a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn descriptor(rule: &Rule) -> RuleDescriptor<'_> {
    let docs = rule.docs();
    RuleDescriptor {
        id: rule.code,
        short_description: Text { text: rule.summary },
        full_description: OwnedText {
            text: what_it_does(&docs).unwrap_or_else(|| rule.summary.to_string()),
        },
        help: Markdown {
            text: docs.clone(),
            markdown: docs,
        },
        default_configuration: Configuration {
            level: level(rule.default_severity),
        },
    }
}

/// The paragraph under `## What it does` in a rule's docs, joined into one line: the
/// plain-text description dashboards show next to the rule's id.
fn what_it_does(docs: &str) -> Option<String> {
    let rest = docs.split("## What it does").nth(1)?;
    let section = rest.split("\n## ").next()?;
    let text = section.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

/// A file's root-relative path as a relative URI reference: every byte outside the
/// unreserved set and `/` is percent-encoded, so a space or a `:` in a file name cannot
/// make the URI invalid or look like a scheme.
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn artifact(project: &Project, file: FileId) -> ArtifactLocation {
    ArtifactLocation {
        uri: uri(&project.sources.get(file).path),
        uri_base_id: SRCROOT,
    }
}

fn region(project: &Project, file: FileId, span: &Range<usize>) -> Region {
    let src = project.sources.get(file);
    let (start, end) = (src.line_col(span.start), src.line_col(span.end));
    Region {
        start_line: start.line,
        start_column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

fn physical(project: &Project, file: FileId, span: &Range<usize>) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: artifact(project, file),
        region: region(project, file, span),
    }
}

/// Writes the SARIF log followed by a newline.
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let p = &report.project;
    let fingerprints = crate::change::identity::fingerprints(p, &report.diagnostics);
    let results = report
        .diagnostics
        .iter()
        .zip(fingerprints)
        .map(|(d, fingerprint)| SarifResult {
            rule_id: d.rule.code,
            rule_index: RULES.iter().position(|r| r.code == d.rule.code),
            level: level(d.severity),
            // Viewers show only the message, so the help goes with it: it is what the
            // reader must change.
            message: OwnedText {
                text: super::message_with_help(d),
            },
            locations: [Location {
                physical_location: physical(p, d.file, &d.span),
                message: None,
            }],
            related_locations: d
                .related
                .iter()
                .map(|r| Location {
                    physical_location: physical(p, r.file, &r.span),
                    message: Some(Text { text: &r.message }),
                })
                .collect(),
            fixes: d
                .fix
                .iter()
                .map(|f| SarifFix {
                    description: Text { text: &d.help },
                    artifact_changes: [ArtifactChange {
                        artifact_location: artifact(p, f.file),
                        replacements: [Replacement {
                            deleted_region: region(p, f.file, &f.span),
                            inserted_content: Text {
                                text: &f.replacement,
                            },
                        }],
                    }],
                })
                .collect(),
            partial_fingerprints: PartialFingerprints {
                camplint: fingerprint,
            },
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "camplint",
                    version: env!("CARGO_PKG_VERSION"),
                    rules: RULES.iter().map(|r| descriptor(r)).collect(),
                },
            },
            original_uri_base_ids: OriginalUriBaseIds {
                srcroot: BaseDescription {
                    description: OwnedText {
                        text: "the project root: the folder that holds camplint.toml".into(),
                    },
                },
            },
            results,
            column_kind: "unicodeCodePoints",
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::other)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn uris_encode_what_is_not_a_plain_path() {
        assert_eq!(uri("audiences/vip.csv"), "audiences/vip.csv");
        assert_eq!(
            uri("messages/saldi estivi.md"),
            "messages/saldi%20estivi.md"
        );
        assert_eq!(uri("a:b/perché.md"), "a%3Ab/perch%C3%A9.md");
    }
}
