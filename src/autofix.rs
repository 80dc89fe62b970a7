//! One run of `camplint check --fix` or `--diff`: check, turn the findings' fixes into
//! edits, apply them pass after pass (checking the fixed text again in memory between
//! passes), write each changed file atomically, then check again and report what is
//! left. The byte-level work (applying, diffing, refusing unsafe writes) is the fix
//! engine's, in [`crate::project::fixes`]; this module decides which fixes to apply.
//!
//! Positions: the loader strips a UTF-8 byte-order mark, so a diagnostic's span is an
//! offset in the text without it; edits are made on the file's bytes, so every span is
//! moved by the mark's length here, and the mark itself is never touched.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::Utc;
use miette::Diagnostic as _;

use crate::base::diagnostic::Diagnostic;
use crate::engine::{self, Options, Report};
use crate::project::fixes::{
    apply_edits, read_for_fix, unified_diff, write_atomic, ContentHash, Convergence, Edit,
    FileSnapshot, FixMode, WriteError, DEFAULT_MAX_PASSES, NOT_WRITTEN,
};
use crate::project::fs::{Disk, Overlay};
use crate::project::LoadError;

/// The UTF-8 byte-order mark the loader strips from text.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What a fix run does with the fixed bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `--fix`: write each changed file back.
    Write,
    /// `--diff`: only compute the changes; nothing is written.
    Diff,
}

/// One file the run changed (or would change, with `--diff`).
#[derive(Debug, Clone)]
pub struct FileFix {
    /// Root-relative path with `/`.
    pub path: String,
    /// The bytes as read.
    pub before: Vec<u8>,
    /// The bytes after every pass.
    pub after: Vec<u8>,
    /// Edits applied over all passes.
    pub applied: usize,
    /// Why its passes stopped.
    pub convergence: Convergence,
    /// Set when the file had fixes but was not written; the file is as it was.
    pub not_written: Option<String>,
}

/// The outcome of a fix run.
#[derive(Debug)]
pub struct Outcome {
    /// Files with fixes, by path.
    pub files: Vec<FileFix>,
    /// What is left: the check after writing (`--fix`), or of the files as they are
    /// (`--diff`), with a `fix/not-written` finding for each file that was not written.
    pub report: Report,
}

impl Outcome {
    /// Fixes applied (or that `--diff` would apply) in files that were or would be written.
    pub fn fixed(&self) -> usize {
        self.written().map(|f| f.applied).sum()
    }

    /// Files written (or that `--diff` would write).
    pub fn written(&self) -> impl Iterator<Item = &FileFix> {
        self.files.iter().filter(|f| f.not_written.is_none())
    }

    /// The unified diff of every changed file, in path order.
    pub fn diff(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for f in self.written() {
            out.extend(unified_diff(&f.path, &f.before, &f.after));
        }
        out
    }

    /// Findings left with a fix that needs `--unsafe-fixes`.
    pub fn unsafe_left(&self) -> usize {
        self.report
            .diagnostics
            .iter()
            .filter(|d| {
                d.fix
                    .as_ref()
                    .is_some_and(|f| !FixMode::SafeOnly.allows(f.applicability))
            })
            .count()
    }
}

/// Runs `--fix` (or `--diff`) over the project `options` names.
pub fn run(options: &Options, mode: FixMode, target: Target) -> Result<Outcome, LoadError> {
    run_with(options, mode, target, &mut |_| {})
}

/// [`run`] with a hook called with each file's root-relative path just before it is
/// written, so tests can change a file at that moment and see it left alone.
pub fn run_with(
    options: &Options,
    mode: FixMode,
    target: Target,
    before_write: &mut dyn FnMut(&str),
) -> Result<Outcome, LoadError> {
    // One "now" for every check of the run, so passes see the same findings.
    let options = Options {
        now: Some(options.now.unwrap_or_else(Utc::now)),
        ..options.clone()
    };
    let first = engine::run(&options)?;
    let root = first.project.root.clone();
    let edits = edits_by_file(&first, mode, None);
    if edits.is_empty() {
        return Ok(Outcome {
            files: Vec::new(),
            report: first,
        });
    }
    let mut files = Vec::new();
    let mut open = BTreeMap::new();
    for path in edits.keys() {
        let loaded = first
            .project
            .sources
            .find(path)
            .map(|id| first.project.text(id));
        match read(&root, path, target, loaded) {
            Ok(file) => {
                open.insert(path.clone(), file);
            }
            Err(e) => files.push(refused(path, &e)),
        }
    }
    let now = options.now.unwrap_or_else(Utc::now);
    passes(&root, now, mode, edits, &mut open);

    for (path, file) in open {
        if file.current == file.original {
            continue;
        }
        let mut fix = FileFix {
            path: path.clone(),
            before: file.original,
            after: file.current,
            applied: file.applied,
            convergence: file.convergence,
            not_written: None,
        };
        if let (Target::Write, Some(snapshot)) = (target, file.snapshot) {
            before_write(&path);
            if let Err(e) = write_atomic(&root, Path::new(&path), &snapshot, &fix.after) {
                fix = FileFix {
                    not_written: Some(describe(&e)),
                    ..fix
                };
            }
        }
        files.push(fix);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let wrote = target == Target::Write && files.iter().any(|f| f.not_written.is_none());
    let mut report = if wrote { engine::run(&options)? } else { first };
    let refusals: Vec<Diagnostic> = files
        .iter()
        .filter_map(|f| {
            let why = f.not_written.as_deref()?;
            let file = report.project.sources.find(&f.path)?;
            let (message, help) = why.split_once('\n').unwrap_or((why, ""));
            Some(Diagnostic::new(&NOT_WRITTEN, file, 0..0, message, help))
        })
        .collect();
    engine::add_findings(&mut report, refusals);
    Ok(Outcome { files, report })
}

/// A file being fixed: its bytes as read and as fixed so far.
struct Open {
    original: Vec<u8>,
    current: Vec<u8>,
    /// Length of the byte-order mark (0 or 3): spans from the checks start after it.
    bom: usize,
    /// What to write against; `None` with `--diff`.
    snapshot: Option<FileSnapshot>,
    applied: usize,
    convergence: Convergence,
    seen: Vec<ContentHash>,
    /// Still taking edits (not stopped by a cycle or bad text).
    active: bool,
}

/// Reads a file to fix and checks it is the text the findings were computed on.
fn read(root: &Path, path: &str, target: Target, loaded: Option<&str>) -> Result<Open, WriteError> {
    let (bytes, snapshot) = match target {
        Target::Write => {
            let (bytes, snapshot) = read_for_fix(root, Path::new(path))?;
            (bytes, Some(snapshot))
        }
        // `--diff` writes nothing, so a read-only file still shows its fixes.
        Target::Diff => {
            let bytes = std::fs::read(root.join(path)).map_err(|source| WriteError::Io {
                path: path.to_string(),
                action: "read the file",
                source,
            })?;
            (bytes, None)
        }
    };
    let bom = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    if loaded.map(str::as_bytes) != Some(&bytes[bom..]) {
        return Err(WriteError::Changed {
            path: path.to_string(),
        });
    }
    Ok(Open {
        seen: vec![ContentHash::of(&bytes)],
        current: bytes.clone(),
        original: bytes,
        bom,
        snapshot,
        applied: 0,
        convergence: Convergence::Settled,
        active: true,
    })
}

/// Applies the edits, checks the fixed text again in memory, and repeats until no file
/// gets an edit or [`DEFAULT_MAX_PASSES`] passes have run.
fn passes(
    root: &Path,
    now: chrono::DateTime<Utc>,
    mode: FixMode,
    mut edits: BTreeMap<String, Vec<Edit>>,
    open: &mut BTreeMap<String, Open>,
) {
    for pass in 0.. {
        let mut changed = false;
        for (path, file) in open.iter_mut() {
            let Some(list) = edits.get(path).filter(|_| file.active) else {
                continue;
            };
            let shifted: Vec<Edit> = list
                .iter()
                .map(|e| Edit {
                    span: e.span.start + file.bom..e.span.end + file.bom,
                    ..e.clone()
                })
                .collect();
            let result = apply_edits(&file.current, &shifted);
            if result.applied.is_empty() {
                continue;
            }
            if pass >= DEFAULT_MAX_PASSES {
                file.convergence = Convergence::PassLimit;
                file.active = false;
                continue;
            }
            let hash = ContentHash::of(&result.output);
            // Text that is no longer UTF-8 cannot be checked again: keep the last good one.
            if std::str::from_utf8(&result.output[file.bom..]).is_err() {
                file.active = false;
                continue;
            }
            file.applied += result.applied.len();
            file.current = result.output;
            changed = true;
            if file.seen.contains(&hash) {
                file.convergence = Convergence::Cycle;
                file.active = false;
            }
            file.seen.push(hash);
        }
        if !changed {
            return;
        }
        let texts: BTreeMap<String, String> = open
            .iter()
            .map(|(path, f)| {
                let text = String::from_utf8_lossy(&f.current[f.bom..]).into_owned();
                (path.clone(), text)
            })
            .collect();
        let disk = Disk::new(root.to_path_buf());
        let overlay = Overlay {
            under: &disk,
            files: &texts,
        };
        // The project loaded once already; a failure now cannot come from the fixes'
        // files alone, so the run stops with what it has.
        let Ok(report) = engine::check(&overlay, now, None) else {
            return;
        };
        let only: BTreeSet<&str> = open.keys().map(String::as_str).collect();
        edits = edits_by_file(&report, mode, Some(&only));
    }
}

/// The allowed fixes of a report's findings, by file; only files in `only` when given.
fn edits_by_file(
    report: &Report,
    mode: FixMode,
    only: Option<&BTreeSet<&str>>,
) -> BTreeMap<String, Vec<Edit>> {
    let mut out: BTreeMap<String, Vec<Edit>> = BTreeMap::new();
    for fix in report.diagnostics.iter().filter_map(|d| d.fix.as_ref()) {
        if !mode.allows(fix.applicability) {
            continue;
        }
        let path = &report.project.sources.get(fix.file).path;
        if only.is_some_and(|o| !o.contains(path.as_str())) {
            continue;
        }
        out.entry(path.clone()).or_default().push(Edit {
            span: fix.span.clone(),
            replacement: fix.replacement.clone(),
            applicability: fix.applicability,
        });
    }
    out
}

/// A file whose fixes could not even be computed: it is reported and left alone.
fn refused(path: &str, e: &WriteError) -> FileFix {
    FileFix {
        path: path.to_string(),
        before: Vec::new(),
        after: Vec::new(),
        applied: 0,
        convergence: Convergence::Settled,
        not_written: Some(describe(e)),
    }
}

/// The refusal's sentence and what to do, for the `fix/not-written` finding.
fn describe(e: &WriteError) -> String {
    match e.help() {
        Some(help) => format!("{e}\n{help}"),
        None => e.to_string(),
    }
}
