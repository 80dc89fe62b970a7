//! What the fuzz targets share: a project held in memory, a small valid project to
//! replace one file of, the unpacking of fuzzer bytes into a project, and the checks of
//! a report's invariants (every span inside its file, the JSON report parses).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use camplint::base::source::FileId;
use camplint::engine::{self, Report};
use camplint::project::fs::{FileSource, Listing, ReadProblem};

/// A project whose files live in memory; media are looked for under a root that does not
/// exist, so no run reads the disk.
#[derive(Debug, Clone)]
pub struct MemFiles {
    /// Where media would be read; never created.
    pub root: PathBuf,
    /// Root-relative path to text.
    pub files: BTreeMap<String, String>,
}

impl MemFiles {
    /// A project of these files.
    pub fn new(files: BTreeMap<String, String>) -> Self {
        MemFiles {
            root: PathBuf::from("/nonexistent/camplint-fuzz"),
            files,
        }
    }
}

impl FileSource for MemFiles {
    fn root(&self) -> &Path {
        &self.root
    }

    fn list(&self) -> Listing {
        Listing {
            files: self.files.keys().cloned().collect(),
            ..Listing::default()
        }
    }

    fn inspect(&self, rel: &str) -> Result<u64, ReadProblem> {
        self.files
            .get(rel)
            .map(|t| t.len() as u64)
            .ok_or(ReadProblem::Missing)
    }

    fn read_text(&self, rel: &str) -> Result<String, ReadProblem> {
        let text = self.files.get(rel).ok_or(ReadProblem::Missing)?;
        Ok(text.strip_prefix('\u{feff}').unwrap_or(text).to_string())
    }
}

/// The files of `fixtures/fixable`: a small project where every kind of file is valid
/// and has findings with fixes.
pub const BASE: &[(&str, &str)] = &[
    (
        "camplint.toml",
        include_str!("../../fixtures/fixable/camplint.toml"),
    ),
    (
        "campaigns/promo.toml",
        include_str!("../../fixtures/fixable/campaigns/promo.toml"),
    ),
    (
        "audiences/clienti.toml",
        include_str!("../../fixtures/fixable/audiences/clienti.toml"),
    ),
    (
        "audiences/clienti.csv",
        include_str!("../../fixtures/fixable/audiences/clienti.csv"),
    ),
    (
        "audiences/lista.toml",
        include_str!("../../fixtures/fixable/audiences/lista.toml"),
    ),
    (
        "audiences/lista.csv",
        include_str!("../../fixtures/fixable/audiences/lista.csv"),
    ),
    (
        "consent/ledger.csv",
        include_str!("../../fixtures/fixable/consent/ledger.csv"),
    ),
    (
        "messages/promo/annuncio.md",
        include_str!("../../fixtures/fixable/messages/promo/annuncio.md"),
    ),
];

/// The base project with the file at `path` holding `text` instead.
pub fn base_with(path: &str, text: &str) -> BTreeMap<String, String> {
    let mut files: BTreeMap<String, String> = BASE
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    files.insert(path.to_string(), text.to_string());
    files
}

/// A fixed "now" so runs are reproducible: before the fixtures' sends.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap_or_default()
}

/// Checks a project in memory and asserts the report's invariants; `None` when the
/// project could not be loaded at all (no `camplint.toml`, say), which is an answer too.
pub fn check(files: BTreeMap<String, String>) -> Option<Report> {
    let source = MemFiles::new(files);
    let report = engine::check(&source, now(), None).ok()?;
    assert_sane(&report);
    Some(report)
}

/// Every span of every finding, related place and fix lies inside its file on character
/// boundaries, and the JSON report parses.
pub fn assert_sane(report: &Report) {
    let within = |file: FileId, span: &Range<usize>, what: &str| {
        let source = report.project.sources.get(file);
        assert!(
            span.start <= span.end
                && span.end <= source.text.len()
                && source.text.is_char_boundary(span.start)
                && source.text.is_char_boundary(span.end),
            "{what} span {span:?} is not inside {} ({} bytes)",
            source.path,
            source.text.len()
        );
    };
    for d in &report.diagnostics {
        within(d.file, &d.span, d.rule.code);
        for r in &d.related {
            within(r.file, &r.span, "related");
        }
        if let Some(fix) = &d.fix {
            within(fix.file, &fix.span, "fix");
        }
    }
    let mut json = Vec::new();
    camplint::output::json::write(report, &mut json).expect("writing to memory");
    serde_json::from_slice::<serde_json::Value>(&json).expect("the JSON report parses");
}

/// Separates the files of a whole project in the `check` target's input.
pub const FILE_MARK: &[u8] = b"\n%%FILE ";

/// Unpacks `%%FILE path\n text` chunks into a project (the format `seed.sh` writes a
/// fixture in). Paths keep only characters a project uses, so no chunk names a path
/// outside the root; bad UTF-8 is read lossily, as a loader given such a file would.
pub fn unpack(data: &[u8]) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut rest = data.strip_prefix(&FILE_MARK[1..]).unwrap_or(data);
    if rest.len() == data.len() {
        return files;
    }
    loop {
        let end = find(rest, FILE_MARK).unwrap_or(rest.len());
        let chunk = &rest[..end];
        let (name, text) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (&chunk[..i], &chunk[i + 1..]),
            None => (chunk, &[][..]),
        };
        if let Some(path) = clean_path(&String::from_utf8_lossy(name)) {
            files.insert(path, String::from_utf8_lossy(text).into_owned());
        }
        if end == rest.len() {
            return files;
        }
        rest = &rest[end + FILE_MARK.len()..];
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A root-relative path of at most four parts of `[a-z0-9._-]`, none `.` or `..`.
fn clean_path(name: &str) -> Option<String> {
    let parts: Vec<&str> = name.trim().split('/').collect();
    let ok = parts.len() <= 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && *p != "."
                && *p != ".."
                && p.len() <= 40
                && p.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b)
                })
        });
    ok.then(|| parts.join("/"))
}

/// Whether the report has a `parse/…` finding on the file at `path`: the file did not
/// parse as its kind.
pub fn has_parse_error(report: &Report, path: &str) -> bool {
    report.diagnostics.iter().any(|d| {
        d.rule.code.starts_with("parse/") && report.project.sources.get(d.file).path == path
    })
}

/// Writes a project into `dir`, the text of `path` as raw bytes.
pub fn write_project(dir: &Path, files: &BTreeMap<String, String>, path: &str, raw: &[u8]) {
    for (rel, text) in files {
        let file = dir.join(rel);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).expect("making a folder in the temporary project");
        }
        let bytes = if rel == path { raw } else { text.as_bytes() };
        std::fs::write(file, bytes).expect("writing the temporary project");
    }
}
