//! One project folder of the editor: its open buffers, the last full check, what was
//! published on each of its files, and the background checks that keep it current.
//!
//! Every change that can reach other files (a campaign, an audience, a CSV, the ledger,
//! `camplint.toml`, a file created or deleted) bumps the generation and (re)starts a short
//! wait; when it ends a full check of that state runs on the worker, and its result is
//! dropped if the generation moved on meanwhile, so a `git checkout` of thousands of files
//! costs one or two checks and never leaves findings of an older state behind. A draft's
//! text changes only the draft's own findings, so an edit re-checks just that draft.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use crossbeam_channel::Sender;
use lsp_types::Url;
use serde_json::Value;

use super::findings::{convert, file_url, FileFindings};
use super::text::Encoding;
use crate::base::diagnostic::Diagnostic;
use crate::base::source::Sources;
use crate::engine::Report;
use crate::project::fs::{Disk, Overlay};
use crate::project::{LoadError, CONFIG_FILE};

/// From how many findings a file's diagnostics are turned into JSON on the worker.
const PREPARED_FROM: usize = 64;
/// How long a burst of changes may be quiet before the full check starts.
const SETTLE: Duration = Duration::from_millis(150);
/// The longest a steady stream of changes can put a full check off.
const MAX_WAIT: Duration = Duration::from_secs(2);

/// A project folder and everything known about it.
#[derive(Debug)]
pub struct Workspace {
    /// The folder as the client names it (URIs are built on it).
    pub folder: PathBuf,
    /// The same folder resolved (links and `..`), as the engine reads it.
    pub root: PathBuf,
    /// Open documents of this project, by root-relative path.
    pub overlay: BTreeMap<String, String>,
    /// Their versions.
    pub versions: BTreeMap<String, i32>,
    /// Bumped by every change that needs a full check.
    pub generation: u64,
    /// When the pending full check should start; `None` when none is pending.
    pub due: Option<Instant>,
    /// When the oldest change still waiting for a full check came.
    pending_since: Option<Instant>,
    /// Whether a full check is on the worker.
    pub running: bool,
    /// The last full check that completed, if the project could be loaded.
    pub report: Option<Report>,
    /// Drafts re-checked on their own since, with the sequence number of their change.
    pub fresh: BTreeMap<String, u64>,
    /// What each file was last given (files with no findings are absent).
    pub shown: BTreeMap<String, FileFindings>,
}

/// A full check for the worker.
#[derive(Debug)]
pub struct Job {
    /// Which workspace.
    pub space: usize,
    /// Its generation when the job was made.
    pub generation: u64,
    /// The server's change counter then.
    pub seq: u64,
    /// Where to read.
    pub root: PathBuf,
    /// The folder as the client names it, for the URIs of the findings.
    pub folder: PathBuf,
    /// The position encoding the client negotiated.
    pub enc: Encoding,
    /// The open documents then.
    pub overlay: BTreeMap<String, String>,
    /// Their versions then.
    pub versions: BTreeMap<String, i32>,
    /// "Now".
    pub now: DateTime<Utc>,
}

/// A finished full check.
#[derive(Debug)]
pub struct Done {
    /// The job it answers.
    pub job: Job,
    /// The check and its findings in the editor's terms, or the panic message.
    pub result: Result<Checked, String>,
}

/// A full check as the main loop takes it in: the conversion into the client's positions
/// is done on the worker, so a big project's results never hold up a keystroke.
#[derive(Debug)]
pub struct Checked {
    /// The report, or why the project could not be loaded.
    pub report: Result<Report, LoadError>,
    /// The findings of every file that has some (those of a broken `camplint.toml` when
    /// the project could not be loaded for that), versioned as the job's documents.
    pub files: BTreeMap<String, FileFindings>,
    /// The `diagnostics` of the files with many findings, already in JSON: turning the
    /// ledger's tens of thousands into JSON takes the loop a tenth of a second.
    pub json: BTreeMap<String, Value>,
}

impl Workspace {
    /// A project whose `camplint.toml` is at `root` (resolved), named `folder` by the client.
    pub fn new(folder: PathBuf, root: PathBuf) -> Self {
        Workspace {
            folder,
            root,
            overlay: BTreeMap::new(),
            versions: BTreeMap::new(),
            generation: 0,
            due: None,
            pending_since: None,
            running: false,
            report: None,
            fresh: BTreeMap::new(),
            shown: BTreeMap::new(),
        }
    }

    /// The root-relative path of a file URI, if the file is in this project.
    pub fn rel(&self, uri: &Url) -> Option<String> {
        let path = uri.to_file_path().ok()?;
        let inside = |base: &Path, p: &Path| {
            p.strip_prefix(base)
                .ok()
                .map(|r| r.to_string_lossy().replace('\\', "/"))
        };
        inside(&self.folder, &path)
            .or_else(|| inside(&self.root, &path))
            .or_else(|| {
                // A link in the client's path: resolve the folder holding the file (the
                // file itself may be deleted already).
                let dir = std::fs::canonicalize(path.parent()?).ok()?;
                inside(&self.root, &dir.join(path.file_name()?))
            })
            .filter(|r| !r.is_empty() && !r.starts_with(".git/"))
    }

    /// The URI of a root-relative path.
    pub fn url(&self, rel: &str) -> Option<Url> {
        file_url(&self.folder, rel)
    }

    /// Records a change that needs a full check.
    pub fn touch(&mut self) {
        let now = Instant::now();
        self.generation += 1;
        let since = *self.pending_since.get_or_insert(now);
        self.due = Some((now + SETTLE).min(since + MAX_WAIT));
    }

    /// Asks for a full check as soon as possible (the first one).
    pub fn touch_now(&mut self) {
        self.touch();
        self.due = Some(Instant::now());
    }

    /// Whether a change to `rel` can be handled by re-checking that draft alone: it was a
    /// readable draft at the last full check, and it still exists.
    pub fn is_quick_draft(&self, rel: &str) -> bool {
        let Some(report) = &self.report else {
            return false;
        };
        let p = &report.project;
        p.draft(rel).is_some()
            && !p.unreadable.contains_key(rel)
            && (self.overlay.contains_key(rel)
                || crate::project::fs::inspect(&self.root, rel).is_ok())
    }

    /// Whether a file changed on disk can matter: a file the last check read, a file the
    /// `[paths]` globs select, `camplint.toml`, or any CSV (an audience may name it).
    pub fn is_relevant(&self, rel: &str) -> bool {
        let Some(report) = &self.report else {
            return true;
        };
        let p = &report.project;
        let c = &p.config;
        rel == CONFIG_FILE
            || rel.ends_with(".csv")
            || p.sources.find(rel).is_some()
            || c.campaigns.is_match(rel)
            || c.messages.is_match(rel)
            || c.audiences.is_match(rel)
            || c.consent_files.is_match(rel)
    }

    /// Takes the pending full check if it is due and none is running.
    pub fn take_job(&mut self, space: usize, seq: u64, enc: Encoding, now: Instant) -> Option<Job> {
        if self.running || self.due.is_none_or(|d| d > now) {
            return None;
        }
        self.due = None;
        self.pending_since = None;
        self.running = true;
        Some(Job {
            space,
            generation: self.generation,
            seq,
            root: self.root.clone(),
            folder: self.folder.clone(),
            enc,
            overlay: self.overlay.clone(),
            versions: self.versions.clone(),
            now: Utc::now(),
        })
    }
}

/// Runs full checks one after the other on a thread of its own.
pub fn spawn_worker(done: Sender<Done>) -> std::io::Result<Sender<Job>> {
    let (tx, rx) = crossbeam_channel::unbounded::<Job>();
    std::thread::Builder::new()
        .name("camplint-lsp-check".into())
        .spawn(move || {
            // The full checks get threads of their own: a draft checked on the loop
            // meanwhile would otherwise queue its parallel parts behind theirs, for seconds.
            let pool = rayon::ThreadPoolBuilder::new()
                .thread_name(|i| format!("camplint-lsp-check-{i}"))
                .build()
                .ok();
            for job in rx {
                let work = || checked(&job);
                let result =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match &pool {
                        Some(pool) => pool.install(work),
                        None => work(),
                    }))
                    .map_err(|p| panic_text(p.as_ref()));
                if done.send(Done { job, result }).is_err() {
                    break;
                }
            }
        })?;
    Ok(tx)
}

/// A full check with its findings ready for the client.
fn checked(job: &Job) -> Checked {
    let report = run(job);
    let files = match &report {
        Ok(r) => group(
            &job.folder,
            &r.diagnostics,
            &r.project.sources,
            &job.versions,
            job.enc,
        ),
        Err(LoadError::Config(diags, sources)) => {
            group(&job.folder, diags, sources, &job.versions, job.enc)
        }
        Err(_) => BTreeMap::new(),
    };
    let json = files
        .iter()
        .filter(|(_, f)| f.items.len() >= PREPARED_FROM)
        .filter_map(|(rel, f)| Some((rel.clone(), diagnostics_json(f)?)))
        .collect();
    Checked {
        report,
        files,
        json,
    }
}

/// The `diagnostics` of a file's `publishDiagnostics`.
fn diagnostics_json(f: &FileFindings) -> Option<Value> {
    serde_json::to_value(super::findings::published(f)).ok()
}

/// One full check of the project as the job saw it.
fn run(job: &Job) -> Result<Report, LoadError> {
    if !job.overlay.contains_key(CONFIG_FILE) && !job.root.join(CONFIG_FILE).is_file() {
        return Err(LoadError::NoConfigAtRoot(job.root.display().to_string()));
    }
    let disk = Disk::new(job.root.clone());
    let files = Overlay {
        under: &disk,
        files: &job.overlay,
    };
    crate::engine::check(&files, job.now, None)
}

/// Converts diagnostics into findings per file, the version being that of the open
/// document the text came from; `folder` is the project as the client names it.
pub fn group(
    folder: &Path,
    diagnostics: &[Diagnostic],
    sources: &Sources,
    versions: &BTreeMap<String, i32>,
    enc: Encoding,
) -> BTreeMap<String, FileFindings> {
    let url = |rel: &str| file_url(folder, rel);
    let mut out: BTreeMap<String, FileFindings> = BTreeMap::new();
    for d in diagnostics {
        let path = &sources.get(d.file).path;
        let entry = out.entry(path.clone()).or_insert_with(|| FileFindings {
            version: versions.get(path).copied(),
            items: Vec::new(),
        });
        entry.items.push(convert(d, sources, enc, &url));
    }
    out
}

/// The message of a panic, for the log.
pub fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "an internal error".to_string())
}
