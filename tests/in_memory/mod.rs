//! Projects held in memory for the fuzz regression, property and bounded-work tests:
//! the `fixable` fixture as a map of files, and a check of such a map over an empty
//! folder, so no file of the disk leaks in and each case costs no disk writes.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

use camplint::engine::{self, Report};
use camplint::project::fs::{Disk, Overlay};

/// The files of `fixtures/fixable`: every kind of file, each with findings with fixes.
pub const FIXABLE: &[&str] = &[
    "camplint.toml",
    "campaigns/promo.toml",
    "audiences/clienti.toml",
    "audiences/clienti.csv",
    "audiences/lista.toml",
    "audiences/lista.csv",
    "consent/ledger.csv",
    "messages/promo/annuncio.md",
];

/// The `fixable` fixture, path to text.
pub fn fixable() -> BTreeMap<String, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fixable");
    FIXABLE
        .iter()
        .map(|rel| {
            let text = std::fs::read_to_string(dir.join(rel)).expect("the fixture is there");
            (rel.to_string(), text)
        })
        .collect()
}

/// The `fixable` fixture with the file at `path` holding `text`.
pub fn fixable_with(path: &str, text: &str) -> BTreeMap<String, String> {
    let mut files = fixable();
    files.insert(path.to_string(), text.to_string());
    files
}

/// A fixed "now", before the fixture's sends, so every run sees the same findings.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_790_000_000, 0).expect("a valid instant")
}

/// Checks `files` as a whole project; `None` when it cannot be loaded at all.
pub fn check(files: &BTreeMap<String, String>) -> Option<Report> {
    let empty = tempfile::tempdir().expect("a temporary folder");
    let root = empty.path().canonicalize().expect("the folder exists");
    let disk = Disk::new(root);
    let overlay = Overlay {
        under: &disk,
        files,
    };
    engine::check(&overlay, now(), None).ok()
}

/// Whether `span` lies inside `text` on character boundaries.
pub fn inside(text: &str, span: &std::ops::Range<usize>) -> bool {
    span.start <= span.end
        && span.end <= text.len()
        && text.is_char_boundary(span.start)
        && text.is_char_boundary(span.end)
}

/// Asserts every finding, related place and fix lies inside its file, and the JSON
/// report parses.
pub fn assert_sane(report: &Report) {
    for d in &report.diagnostics {
        let text = &report.project.sources.get(d.file).text;
        assert!(inside(text, &d.span), "{} at {:?}", d.rule.code, d.span);
        for r in &d.related {
            assert!(inside(&report.project.sources.get(r.file).text, &r.span));
        }
        if let Some(fix) = &d.fix {
            assert!(inside(
                &report.project.sources.get(fix.file).text,
                &fix.span
            ));
        }
    }
    let mut json = Vec::new();
    camplint::output::json::write(report, &mut json).expect("writing to memory");
    serde_json::from_slice::<serde_json::Value>(&json).expect("the JSON report parses");
}
