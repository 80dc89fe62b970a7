//! One run of `camplint check`: load, run every rule, apply severities and suppressions,
//! keep what the user asked to see, sort.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::analysis::Context;
use crate::base::diagnostic::{Diagnostic, Level, Severity, Sink};
use crate::base::source::FileId;
use crate::project::fs::{Disk, FileSource};
use crate::project::{self, LoadError, Project};
use crate::rules;

/// What a run was asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The project root; found from `paths` or the current folder when `None`.
    pub root: Option<PathBuf>,
    /// Report only on these files or folders (the whole project is still loaded).
    pub paths: Vec<PathBuf>,
    /// "Now"; the clock when `None`.
    pub now: Option<DateTime<Utc>>,
}

/// Counts for the report's summary.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Summary {
    /// Error-level diagnostics.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Infos.
    pub infos: usize,
    /// Files read.
    pub files: usize,
    /// Campaigns loaded.
    pub campaigns: usize,
    /// Send instants, repeats expanded.
    pub sends: usize,
    /// Distinct recipients over all sends.
    pub recipients: usize,
    /// Covered recipient-sends / all recipient-sends that need consent.
    pub consent_coverage: f64,
    /// Recipient-sends that need consent and lack it (for `--base`'s impact summary; not
    /// part of the JSON report).
    #[serde(skip)]
    pub uncovered_pairs: u64,
}

/// The outcome of a run.
#[derive(Debug)]
pub struct Report {
    /// The loaded project.
    pub project: Project,
    /// The expanded sends.
    pub plan: crate::analysis::plan::Plan,
    /// Findings to show, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Counts.
    pub summary: Summary,
}

/// Finds the root as the CLI does: `--root`, else walking up from the first path (or the
/// current folder).
pub fn resolve_root(root: Option<&Path>, paths: &[PathBuf]) -> Result<PathBuf, LoadError> {
    match root {
        Some(r) => {
            if r.join(project::CONFIG_FILE).is_file() {
                std::fs::canonicalize(r)
                    .map_err(|e| LoadError::Root(r.display().to_string(), e.to_string()))
            } else {
                Err(LoadError::NoConfigAtRoot(r.display().to_string()))
            }
        }
        None => {
            let start = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
            if !start.exists() {
                return Err(LoadError::PathMissing(start.display().to_string()));
            }
            project::find_root(&start)
        }
    }
}

/// Runs every rule over the project and returns the sorted, filtered report.
pub fn run(options: &Options) -> Result<Report, LoadError> {
    let root = resolve_root(options.root.as_deref(), &options.paths)?;
    let root = std::fs::canonicalize(&root)
        .map_err(|e| LoadError::Root(root.display().to_string(), e.to_string()))?;
    let selected = selection(&root, &options.paths)?;
    check(
        &Disk::new(root),
        options.now.unwrap_or_else(Utc::now),
        selected.as_deref(),
    )
}

/// Checks the project that `files` holds (the disk, editor buffers over it, an earlier
/// commit), reporting only on the root-relative paths in `selection` when given.
pub fn check(
    files: &dyn FileSource,
    now: DateTime<Utc>,
    selection: Option<&[String]>,
) -> Result<Report, LoadError> {
    let mut sink = Sink::default();
    let project = project::load_from(files, &rules::CATALOGUE, &mut sink)?;
    let renders = crate::analysis::renders::Renders::new(&project);
    let (plan, rows) = rayon::join(
        || crate::analysis::plan::Plan::build(&project, &mut sink),
        || crate::analysis::rows::ContactRows::build(&project),
    );
    let coverage = crate::analysis::LazyCoverage::default();
    let cx = Context {
        project: &project,
        plan: &plan,
        renders: &renders,
        coverage: &coverage,
        rows: &rows,
        now,
    };
    // Drafts render while the checks run: consent coverage is computed by the consent
    // check, frequency caps meanwhile count on the other core, and content rules render
    // what is not rendered yet on first use.
    rayon::join(
        || renders.prepare(&project),
        || rules::run_all(&cx, &mut sink),
    );
    let coverage = coverage.into_inner(&project, &plan, &rows);
    // Freeing every rendering (10,000 drafts: 5 ms) need not hold up the report.
    rayon::spawn(move || drop(renders));
    let mut diagnostics = finalize(&project, sink.into_vec(), selection);
    sort(&project, &mut diagnostics);
    let summary = summarize(&project, &plan, &coverage, &diagnostics);
    Ok(Report {
        project,
        plan,
        diagnostics,
        summary,
    })
}

/// One draft re-checked on its own, as an editor needs it while the draft is typed.
#[derive(Debug)]
pub struct DraftReport {
    /// The small project loaded for it: `camplint.toml`, the draft, the campaigns that
    /// send it. Spans and file ids of `diagnostics` refer to its sources.
    pub project: Project,
    /// The draft's findings, as a full check of the same files would give them, sorted.
    pub diagnostics: Vec<Diagnostic>,
}

/// Re-checks the draft at `path` as `files` holds it now, against `base`, the project of
/// an earlier full run. Only `camplint.toml`, the draft and the campaigns that send it are
/// loaded (with the campaign files `base` could not parse, which keep
/// `ref/unused-message` quiet as in a full run), and only [`rules::DRAFT_CHECKS`] run:
/// no contact list or ledger is read, so it takes milliseconds on any project. Findings
/// on other files are left out; a draft's text cannot change them.
pub fn check_draft(
    files: &dyn FileSource,
    base: &Project,
    path: &str,
    now: DateTime<Utc>,
) -> Result<DraftReport, LoadError> {
    let mut wanted = vec![project::CONFIG_FILE.to_string(), path.to_string()];
    if let Some(draft) = base.draft(path) {
        wanted.extend(draft.sent_by.iter().filter_map(|&ci| {
            let c = base.campaigns.get(ci)?;
            Some(base.sources.get(c.file).path.clone())
        }));
    }
    let campaign_files = || {
        base.sources
            .iter()
            .filter(|(_, f)| f.kind == crate::base::source::FileKind::Campaign)
    };
    if campaign_files().count() != base.campaigns.len() {
        wanted.extend(
            campaign_files()
                .filter(|(id, _)| !base.campaigns.iter().any(|c| c.file == *id))
                .map(|(_, f)| f.path.clone()),
        );
    }
    wanted.sort();
    wanted.dedup();
    let only = Only {
        under: files,
        files: wanted,
    };
    let mut sink = Sink::default();
    let project = project::load_from(&only, &rules::CATALOGUE, &mut sink)?;
    let plan = crate::analysis::plan::Plan::default();
    let coverage = crate::analysis::LazyCoverage::ready(Default::default());
    let renders = crate::analysis::renders::Renders::new(&project);
    // No contact list is loaded for a draft, and no draft check reads them.
    let rows = crate::analysis::rows::ContactRows::default();
    let cx = Context {
        project: &project,
        plan: &plan,
        renders: &renders,
        coverage: &coverage,
        rows: &rows,
        now,
    };
    for check in rules::DRAFT_CHECKS {
        check(&cx, &mut sink);
    }
    let file = project.sources.find(path);
    let mine: Vec<Diagnostic> = sink
        .into_vec()
        .into_iter()
        .filter(|d| Some(d.file) == file)
        .collect();
    let mut diagnostics = finalize(&project, mine, None);
    sort(&project, &mut diagnostics);
    Ok(DraftReport {
        project,
        diagnostics,
    })
}

/// A source that lists only some files of another (a draft and what it needs).
struct Only<'a> {
    under: &'a dyn FileSource,
    /// Root-relative paths, sorted.
    files: Vec<String>,
}

impl FileSource for Only<'_> {
    fn root(&self) -> &Path {
        self.under.root()
    }

    fn list(&self) -> project::fs::Listing {
        project::fs::Listing {
            files: self.files.clone(),
            ..Default::default()
        }
    }

    fn inspect(&self, rel: &str) -> Result<u64, project::fs::ReadProblem> {
        self.under.inspect(rel)
    }

    fn read_text(&self, rel: &str) -> Result<String, project::fs::ReadProblem> {
        self.under.read_text(rel)
    }
}

/// Adds findings made after the run (the fix run's `fix/not-written`) as if the run had
/// made them: `[rules]`, `[[overrides]]` and `camplint-disable` applied, sorted in, and
/// counted in the summary.
pub fn add_findings(report: &mut Report, extra: Vec<Diagnostic>) {
    let extra = finalize(&report.project, extra, None);
    if extra.is_empty() {
        return;
    }
    report.diagnostics.extend(extra);
    sort(&report.project, &mut report.diagnostics);
    let count = |s: Severity| {
        report
            .diagnostics
            .iter()
            .filter(|d| d.severity == s)
            .count()
    };
    let (errors, warnings, infos) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    report.summary.errors = errors;
    report.summary.warnings = warnings;
    report.summary.infos = infos;
}

/// The root-relative forms of the PATH arguments; `None` means everything.
pub fn selection(root: &Path, paths: &[PathBuf]) -> Result<Option<Vec<String>>, LoadError> {
    if paths.is_empty() {
        return Ok(None);
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut out = Vec::new();
    for p in paths {
        // A PATH is read from the current folder; with --root it may also be written
        // from the root. It must exist: a mistyped PATH would select nothing and pass.
        let found = [cwd.join(p), root.join(p)]
            .into_iter()
            .find(|candidate| candidate.exists())
            .ok_or_else(|| LoadError::PathMissing(p.display().to_string()))?;
        let rel = std::fs::canonicalize(&found)
            .ok()
            .and_then(|abs| {
                abs.strip_prefix(root)
                    .ok()
                    .map(|r| r.to_string_lossy().replace('\\', "/"))
            })
            // A PATH outside the project would silently select nothing and pass a gate.
            .ok_or_else(|| {
                LoadError::PathOutside(p.display().to_string(), root.display().to_string())
            })?;
        out.push(rel);
    }
    Ok(Some(out))
}

/// Whether a root-relative path is among the selected files or under a selected folder.
pub fn selected(path: &str, selection: Option<&[String]>) -> bool {
    selection.is_none_or(|sel| {
        sel.iter().any(|s| {
            s.is_empty()
                || path == s
                || path
                    .strip_prefix(s.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        })
    })
}

/// Applies `[rules]`, `[[overrides]]` and `camplint-disable`, and the PATH selection.
fn finalize(
    project: &Project,
    diagnostics: Vec<Diagnostic>,
    selection: Option<&[String]>,
) -> Vec<Diagnostic> {
    // A level depends only on (file, rule), and `[[overrides]]` globs are the costly part:
    // decide each pair once, not once per diagnostic (a ledger can yield 100,000).
    let mut levels: HashMap<(FileId, &'static str), Level> = HashMap::new();
    diagnostics
        .into_iter()
        .filter_map(|mut d| {
            let path = &project.sources.get(d.file).path;
            if !selected(path, selection) {
                return None;
            }
            if project
                .disabled
                .get(&d.file)
                .is_some_and(|off| off.contains(&d.rule))
            {
                return None;
            }
            let level = *levels
                .entry((d.file, d.rule.code))
                .or_insert_with(|| project.config.level(d.rule, path));
            match level {
                Level::Off => None,
                Level::On(s) => {
                    d.severity = s;
                    Some(d)
                }
            }
        })
        .collect()
}

/// Sorts by file, line, column, code (then message; findings equal in all of these
/// keep their order).
fn sort(project: &Project, diagnostics: &mut Vec<Diagnostic>) {
    // Files are ranked by path once: comparing two paths in every comparison was most
    // of the sort's time (paths share long prefixes such as `messages/whatsapp/`).
    let path = |id: usize| project.sources.get(FileId(id as u32)).path.as_str();
    let mut by_path: Vec<usize> = (0..project.sources.len()).collect();
    by_path.sort_by(|&a, &b| path(a).cmp(path(b)));
    let mut rank = vec![0u32; by_path.len()];
    let mut r = 0;
    for (i, &id) in by_path.iter().enumerate() {
        if i > 0 && path(id) != path(by_path[i - 1]) {
            r += 1;
        }
        rank[id] = r;
    }
    let rank_of = |id: FileId| rank.get(id.0 as usize).copied().unwrap_or(u32::MAX);
    // Small keys are sorted and the findings moved once into place: sorting the findings
    // themselves moved every one of them a dozen times.
    let mut order: Vec<(u32, usize, usize, &'static str, usize)> = diagnostics
        .iter()
        .enumerate()
        .map(|(i, d)| (rank_of(d.file), d.span.start, d.span.end, d.rule.code, i))
        .collect();
    order.sort_unstable_by(|a, b| {
        (a.0, a.1, a.2, a.3)
            .cmp(&(b.0, b.1, b.2, b.3))
            .then_with(|| diagnostics[a.4].message.cmp(&diagnostics[b.4].message))
            .then(a.4.cmp(&b.4))
    });
    let mut slots: Vec<Option<Diagnostic>> = diagnostics.drain(..).map(Some).collect();
    diagnostics.extend(
        order
            .iter()
            .filter_map(|k| slots.get_mut(k.4).and_then(Option::take)),
    );
}

fn summarize(
    project: &Project,
    plan: &crate::analysis::plan::Plan,
    coverage: &crate::analysis::consent::Coverage,
    diagnostics: &[Diagnostic],
) -> Summary {
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    Summary {
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
        files: project.sources.len(),
        campaigns: project.campaigns.len(),
        sends: plan.occurrences.len(),
        recipients: coverage.recipients,
        consent_coverage: coverage.ratio(),
        uncovered_pairs: coverage.pairs.saturating_sub(coverage.covered_pairs),
    }
}
