//! The fuzz targets' bodies, one function per target, with what they share: a project
//! held in memory, a small valid project to replace one file of, the unpacking of fuzzer
//! bytes into a project, and the checks of a report's invariants (every span inside its
//! file, the JSON report parses). `tests/fuzz_regressions.rs` includes this file and
//! replays the corpora and every crash input through the same functions in `cargo test`.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Cursor;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use camplint::autofix::{self, Target};
use camplint::base::diagnostic::Sink;
use camplint::base::source::FileId;
use camplint::domain::phone::{self, Region};
use camplint::domain::render::{format_parts, render, Style};
use camplint::domain::text::content;
use camplint::domain::text::tweet_length::weighted_length;
use camplint::domain::text::urls;
use camplint::engine::Options;
use camplint::engine::{self, Report};
use camplint::project::draft as draft_file;
use camplint::project::fixes::{Convergence, FixMode};
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
pub fn check_files(files: BTreeMap<String, String>) -> Option<Report> {
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
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
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

/// A draft's text through the draft pipeline: front matter, rendering for both
/// styles, with and without thread splitting, the span map and the weighted length.
pub fn draft(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = draft_file::layout(&text);
    let mut sink = Sink::default();
    let loaded = draft_file::load(FileId(0), "messages/a.md".into(), &text, &mut sink);
    assert!(loaded.body.end <= text.len() && text.is_char_boundary(loaded.body.start));
    for d in sink.as_slice() {
        assert!(d.span.start <= d.span.end && d.span.end <= text.len());
    }
    let body = &text[loaded.body.clone()];
    for style in [Style::WhatsApp, Style::Plain] {
        for split in [false, true] {
            let out = render(body, loaded.body.start, style, split);
            assert!(!out.parts.is_empty());
            let _ = format_parts(&out);
            for part in &out.parts {
                let _ = weighted_length(&part.text);
                let len = part.text.len();
                for seg in part.segments() {
                    assert!(seg.out.end <= len, "segment {seg:?} past the text");
                    assert!(seg.src.end <= text.len(), "segment {seg:?} past the file");
                }
                // Every character's source lies inside the draft file.
                for (i, c) in part.text.char_indices() {
                    let src = part.source_range(i..i + c.len_utf8());
                    assert!(src.start <= src.end && src.end <= text.len(), "{src:?}");
                }
                let all = part.source_range(0..len);
                assert!(all.end <= text.len());
            }
            for r in out
                .images
                .iter()
                .map(|i| &i.range)
                .chain(out.links.iter().map(|l| &l.range))
            {
                assert!(r.start <= r.end && r.end <= text.len());
            }
        }
    }
}

/// The TOML files of the base project the `toml` target replaces, picked by the first byte.
const TOML_FILES: [&str; 3] = [
    "camplint.toml",
    "campaigns/promo.toml",
    "audiences/lista.toml",
];

/// Campaign, audience and config TOML to diagnostics: the fuzzer's text replaces one
/// TOML file of a small valid project, which is then checked whole.
pub fn toml(data: &[u8]) {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let path = TOML_FILES[usize::from(which) % TOML_FILES.len()];
    let text = String::from_utf8_lossy(rest);
    if path == "camplint.toml" {
        let _ = camplint::project::config::parse(&text, &camplint::rules::CATALOGUE);
    }
    check_files(base_with(path, &text));
}

/// The CSV files of the base project the `csv` target replaces, picked by the first byte.
const CSV_FILES: [&str; 2] = ["audiences/lista.csv", "consent/ledger.csv"];

/// Ledger and audience CSV to diagnostics: the fuzzer's text replaces the contact list
/// or the consent ledger of a small valid project, which is then checked whole.
pub fn csv(data: &[u8]) {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let path = CSV_FILES[usize::from(which) % CSV_FILES.len()];
    let text = String::from_utf8_lossy(rest);
    check_files(base_with(path, &text));
}

/// Asserts `r` lies inside `text` on character boundaries.
fn inside(text: &str, r: &Range<usize>) {
    assert!(
        r.start <= r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end),
        "{r:?} not inside {} bytes",
        text.len()
    );
}

/// The E.164 form of a valid number written in Italy.
fn e164(number: &str) -> Option<String> {
    let p = phone::parse(number, "IT").ok()?;
    p.valid.then(|| p.e164.to_string())
}

/// The finders on free text: phone numbers, WhatsApp and X deep links, URLs, e-mails,
/// offers and opt-outs; every range they give lies inside the text on char boundaries.
pub fn finders(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    for c in content::find_phone_candidates(text) {
        inside(text, &c.range);
    }
    for c in content::find_phones(text, |n| e164(n).is_some()) {
        inside(text, &c.range);
    }
    let found = urls::scan_urls(text);
    for u in &found {
        inside(text, &u.range);
        inside(text, &u.host);
        inside(text, &u.path);
    }
    for r in urls::find_urls(text)
        .iter()
        .chain(&urls::link_words(text, &found))
    {
        inside(text, r);
    }
    for p in content::check_deeplinks(text, e164) {
        inside(text, &p.range);
        inside(text, &p.link);
    }
    for r in content::find_emails(text) {
        inside(text, &r);
    }
    if let Some(r) = content::find_offer(text, &["sconto".into()]) {
        inside(text, &r);
    }
    if let Some(r) = content::find_opt_out(text, &[]) {
        inside(text, &r);
    }
    // The whole text as one number, in a few regions.
    for region in ["IT", "US", "GB"] {
        if let Ok(p) = phone::parse(text, region) {
            let again = phone::parse(&p.e164.to_string(), region);
            if p.valid {
                assert_eq!(
                    again.map(|q| q.e164).ok(),
                    Some(p.e164),
                    "normalising twice changed {text:?}"
                );
            }
        }
    }
    if let Some(region) = Region::new("IT") {
        let _ = phone::why_invalid(text, region);
    }
}

/// The media sniffers (MP4 box walk, image headers) on arbitrary bytes, with the true
/// size and with a size the file system could report differently.
pub fn media(data: &[u8]) {
    let _ = camplint::domain::media::sniff(&mut Cursor::new(data), data.len() as u64);
    let _ = camplint::domain::media::sniff(&mut Cursor::new(data), u64::MAX / 2);
}

/// Separates message bodies in the `lsp` target's framed mode.
const MSG_MARK: &[u8] = b"\n%%MSG\n";

/// A copy of the base project on disk, made once per process.
fn root() -> PathBuf {
    static ROOT: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = ROOT.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        for (path, text) in BASE {
            let file = dir.path().join(path);
            std::fs::create_dir_all(file.parent().expect("a file has a folder")).expect("mkdir");
            std::fs::write(file, text).expect("write");
        }
        dir
    });
    dir.path().canonicalize().expect("the folder exists")
}

/// Frames each body with its Content-Length, `file:///ROOT/` made the project's folder.
fn frames(bodies: &[u8], root_uri: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = bodies;
    loop {
        let end = rest
            .windows(MSG_MARK.len())
            .position(|w| w == MSG_MARK)
            .unwrap_or(rest.len());
        let body = String::from_utf8_lossy(&rest[..end]).replace("file:///ROOT/", root_uri);
        let body = body.as_bytes();
        out.extend(format!("Content-Length: {}\r\n\r\n", body.len()).bytes());
        out.extend(body);
        if end == rest.len() {
            return out;
        }
        rest = &rest[end + MSG_MARK.len()..];
    }
}

/// The language server on a stream of arbitrary frames, over in-memory streams, rooted
/// in a copy of a small project. The input ends without `exit` as often as not: the
/// server must then stop by itself, so a hang here is a finding (libFuzzer's -timeout).
///
/// Input: a first byte whose low bit picks raw bytes (frames, headers and all, as the
/// fuzzer wrote them) or bodies separated by `\n%%MSG\n`, each framed with its right
/// Content-Length, so the fuzzer reaches the server past the transport; in those bodies
/// `file:///ROOT/` stands for the project's folder, so documents can be in the project.
pub fn lsp(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let root = root();
    let input = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        frames(rest, &format!("file://{}/", root.display()))
    };
    let code = camplint::lsp::serve(Cursor::new(input), std::io::sink(), Some(root));
    assert!(code == 0 || code == 1);
}

/// The files the `fix` target replaces, picked by the first byte.
const FIXABLE: [&str; 3] = [
    "messages/promo/annuncio.md",
    "audiences/lista.csv",
    "consent/ledger.csv",
];

/// `--fix` on an arbitrary draft or CSV in a small project on disk: a file that parsed
/// still parses after its fixes, and a second `--fix` changes nothing in files whose
/// fixes settled.
pub fn fix(data: &[u8]) {
    let Some((&which, raw)) = data.split_first() else {
        return;
    };
    let path = FIXABLE[usize::from(which & 3) % FIXABLE.len()];
    let mode = FixMode::from_unsafe_flag(which & 4 != 0);
    let files = base_with(path, &String::from_utf8_lossy(raw));
    let Some(before) = check_files(files.clone()) else {
        return;
    };
    // A RAM disk when there is one: three checks and a write per input, no disk wear.
    let shm = std::path::Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(shm)
    } else {
        tempfile::tempdir()
    };
    let dir = dir.expect("a temporary folder");
    let root = dir.path().canonicalize().expect("the folder exists");
    write_project(&root, &files, path, raw);
    let options = Options {
        root: Some(root.clone()),
        paths: Vec::new(),
        now: Some(now()),
    };
    let Ok(first) = autofix::run(&options, mode, Target::Write) else {
        return;
    };
    assert_sane(&first.report);
    for f in first.written() {
        let parsed = !has_parse_error(&before, &f.path);
        assert!(
            !parsed || !has_parse_error(&first.report, &f.path),
            "fixing {} made it unparsable",
            f.path
        );
    }
    let settled = first
        .files
        .iter()
        .all(|f| f.convergence == Convergence::Settled);
    let Ok(second) = autofix::run(&options, mode, Target::Write) else {
        panic!("the project loaded before its fixes but not after");
    };
    if settled {
        let changed: Vec<&str> = second.written().map(|f| f.path.as_str()).collect();
        assert!(changed.is_empty(), "a second --fix changed {changed:?}");
    }
}

/// A whole `check` of a small project whose every file comes from the fuzzer
/// (`%%FILE path` chunks, see `unpack`), with the report's invariants.
pub fn check(data: &[u8]) {
    check_files(unpack(data));
}
