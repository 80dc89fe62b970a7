//! `camplint check --base REV`: what a change does. The project is checked as it is in
//! the working tree and as it was at the base commit (each with its own camplint.toml,
//! one shared "now"), findings are matched by [`identity::Key`], and only what the
//! change adds or makes worse is reported, with an [`impact::Impact`] in people.

pub mod identity;
pub mod impact;

use std::collections::BTreeMap;

use chrono::Utc;

use crate::base::diagnostic::{Diagnostic, Related, Severity};
use crate::engine::{self, Options, Report};
use crate::project::git::{BaseCommit, BaseSource, GitError, Repo};
use crate::project::LoadError;
use identity::Key;

/// Why `--base` could not run (exit 2).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ChangeError {
    /// The working tree's project could not be loaded.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Load(#[from] LoadError),
    /// The base could not be read from git.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Git(#[from] GitError),
    /// The temporary copy of the base could not be written.
    #[error("cannot write the base's files to a temporary folder: {0}")]
    #[diagnostic(
        code(camplint::base_copy),
        help("camplint copies the base into the system's temporary folder ($TMPDIR); make it writable, or run without --base")
    )]
    TempCopy(String),
}

/// How the base side went.
#[derive(Debug, Clone, PartialEq)]
pub enum BaseSide {
    /// Checked: its counts.
    Checked(engine::Summary),
    /// The project (or its camplint.toml) did not exist at the base: everything is new.
    Absent,
    /// The base's camplint.toml could not be read, so nothing there could be checked and
    /// everything counts as new.
    Broken,
}

/// The outcome of `--base`.
#[derive(Debug)]
pub struct ChangeReport {
    /// The working tree's report, its findings cut down to what the change adds (new,
    /// and old ones made worse, which carry a related note "now N, was M").
    pub report: Report,
    /// The base commit and how it was chosen.
    pub base: BaseCommit,
    /// What the base side was.
    pub base_side: BaseSide,
    /// Findings only the working tree has.
    pub new: usize,
    /// Findings on both sides whose count grew (or whose severity rose).
    pub worse: usize,
    /// Findings on both sides, not shown (including those that got better).
    pub old: usize,
    /// Findings only the base has: fixed by the change.
    pub fixed: usize,
    /// The change in people, messages and sends.
    pub impact: impact::Impact,
}

impl ChangeReport {
    /// Whether the change adds an error (new, or an old error made worse).
    pub fn adds_error(&self) -> bool {
        self.report
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// One line: the base, then what is new, hidden and fixed.
    pub fn headline(&self) -> String {
        use crate::base::words::count;
        let plural = |n: usize, w: &str| count(n, w, &format!("{w}s"));
        let mut parts = vec![count(self.new, "new finding", "new findings")];
        if self.worse > 0 {
            parts.push(format!("{} made worse", plural(self.worse, "finding")));
        }
        parts.push(format!(
            "{} already there before (not shown)",
            plural(self.old, "old finding")
        ));
        parts.push(format!("{} fixed by this change", self.fixed));
        let base = match self.base_side {
            BaseSide::Checked(_) => self.base.to_string(),
            BaseSide::Absent => format!(
                "{}; the project did not exist there, so every finding is new",
                self.base
            ),
            BaseSide::Broken => format!(
                "{}; its camplint.toml could not be read, so every finding is new",
                self.base
            ),
        };
        format!("{base}: {}", parts.join(", "))
    }
}

/// Runs the check on both sides and keeps what the change adds.
pub fn run(options: &Options, rev: &str) -> Result<ChangeReport, ChangeError> {
    let now = options.now.unwrap_or_else(Utc::now);
    let options = Options {
        now: Some(now),
        ..options.clone()
    };
    let root = engine::resolve_root(options.root.as_deref(), &options.paths)?;
    let root = std::fs::canonicalize(&root)
        .map_err(|e| LoadError::Root(root.display().to_string(), e.to_string()))?;
    // Git first: a wrong REV or a shallow clone is the first thing to say.
    let repo = Repo::discover(&root)?;
    let commit = repo.resolve(rev)?;
    let renames = repo.renames(&commit)?;
    let tree = repo.read_tree(commit)?;
    // PATHs limit reporting on both sides, so a finding outside them is not "fixed".
    let selected = engine::selection(&root, &options.paths)?;
    let base_selected = selected.map(|sel| base_selection(sel, &renames));
    // The two sides are independent: check them at the same time.
    let (head, base) = std::thread::scope(|s| {
        let base = s.spawn(|| check_base(&tree, now, base_selected.as_deref()));
        let head = engine::run(&options).map(|r| {
            let c = impact::consent_gaps(&r);
            (r, c)
        });
        let base = base
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (head, base)
    });
    let head = head?;
    let (base, base_side) = base?;
    let renamed: BTreeMap<&str, &str> = renames
        .iter()
        .map(|r| (r.from.as_str(), r.to.as_str()))
        .collect();
    Ok(compare(head, base, base_side, tree.commit, &renamed))
}

/// A checked side: its report and its consent gaps.
type Side = (Report, impact::Gaps);

/// Checks the base, if there is one to check.
fn check_base(
    tree: &crate::project::git::BaseTree,
    now: chrono::DateTime<Utc>,
    selection: Option<&[String]>,
) -> Result<(Option<Side>, BaseSide), ChangeError> {
    if !tree.existed {
        return Ok((None, BaseSide::Absent));
    }
    let source = BaseSource::new(tree).map_err(|e| ChangeError::TempCopy(e.to_string()))?;
    Ok(match engine::check(&source, now, selection) {
        Ok(r) => {
            let summary = r.summary.clone();
            let gaps = impact::consent_gaps(&r);
            (Some((r, gaps)), BaseSide::Checked(summary))
        }
        Err(_) => (None, BaseSide::Broken),
    })
}

/// The PATH selection on the base side: the same paths, plus the old names of files
/// renamed into them.
fn base_selection(
    mut selected: Vec<String>,
    renames: &[crate::project::git::Rename],
) -> Vec<String> {
    let old: Vec<String> = renames
        .iter()
        .filter(|r| engine::selected(&r.to, Some(&selected)))
        .map(|r| r.from.clone())
        .collect();
    selected.extend(old);
    selected
}

/// A base finding's key, under the names the working tree uses.
fn base_key(base: &Report, d: &Diagnostic, renamed: &BTreeMap<&str, &str>) -> Key {
    // A draft's path appears in messages ("no campaign sends messages/a.md") and in the
    // sends that name it, so a rename is followed there too, not only in the file name.
    let follow = |text: &str| {
        let mut text = text.to_string();
        for (from, to) in renamed {
            if text.contains(from) {
                text = text.replace(from, to);
            }
        }
        text
    };
    let path = &base.project.sources.get(d.file).path;
    let path = renamed.get(path.as_str()).copied().unwrap_or(path);
    let mut key = Key::of(&base.project, d, path, &follow(&d.message));
    key.anchor = follow(&key.anchor);
    key
}

fn rank(s: Severity) -> u8 {
    match s {
        Severity::Info => 0,
        Severity::Warning => 1,
        Severity::Error => 2,
    }
}

/// Matches findings by key (in order within a key) and cuts the head report down.
fn compare(
    (mut head, head_gaps): Side,
    base: Option<Side>,
    base_side: BaseSide,
    commit: BaseCommit,
    renamed: &BTreeMap<&str, &str>,
) -> ChangeReport {
    let mut before: BTreeMap<Key, Vec<&Diagnostic>> = BTreeMap::new();
    if let Some((b, _)) = &base {
        for d in &b.diagnostics {
            before.entry(base_key(b, d, renamed)).or_default().push(d);
        }
    }
    let keys = identity::keys(&head.project, &head.diagnostics);
    let mut matched: BTreeMap<Key, usize> = BTreeMap::new();
    let (mut new, mut worse, mut old) = (0, 0, 0);
    let mut pairs = Vec::new();
    let mut shown = Vec::new();
    for (d, (key, n)) in std::mem::take(&mut head.diagnostics).into_iter().zip(keys) {
        let earlier = before
            .get(&key)
            .and_then(|list| list.get(usize::try_from(n).unwrap_or(usize::MAX)))
            .copied();
        *matched.entry(key).or_insert(0) += 1;
        let Some(was) = earlier else {
            new += 1;
            pairs.push((d.clone(), None));
            shown.push(d);
            continue;
        };
        let (now_n, was_n) = (
            identity::magnitude(&d.message),
            identity::magnitude(&was.message),
        );
        let grew = matches!((now_n, was_n), (Some(a), Some(b)) if a > b);
        if grew || rank(d.severity) > rank(was.severity) {
            worse += 1;
            pairs.push((d.clone(), Some(was.clone())));
            shown.push(annotate(d, was, now_n, was_n));
        } else {
            old += 1;
        }
    }
    let fixed_list: Vec<&Diagnostic> = before
        .iter()
        .flat_map(|(key, list)| list.iter().skip(matched.get(key).copied().unwrap_or(0)))
        .copied()
        .collect();
    let impact = impact::Impact::measure(
        head_gaps,
        base.as_ref().map(|(_, g)| *g),
        &pairs,
        &fixed_list,
    );
    let fixed = fixed_list.len();
    head.diagnostics = shown;
    let count = |s: Severity| head.diagnostics.iter().filter(|d| d.severity == s).count();
    head.summary.errors = count(Severity::Error);
    head.summary.warnings = count(Severity::Warning);
    head.summary.infos = count(Severity::Info);
    ChangeReport {
        report: head,
        base: commit,
        base_side,
        new,
        worse,
        old,
        fixed,
        impact,
    }
}

/// An old finding made worse, with a note saying by how much.
fn annotate(
    mut d: Diagnostic,
    was: &Diagnostic,
    now_n: Option<u64>,
    was_n: Option<u64>,
) -> Diagnostic {
    let note = match (now_n, was_n) {
        (Some(a), Some(b)) if a != b => {
            let unit = identity::unit(&d.message);
            let unit = if unit.is_empty() {
                String::new()
            } else {
                format!(" {unit}")
            };
            format!(
                "made worse by this change: now {}{unit}, was {}",
                impact::thousands(a),
                impact::thousands(b)
            )
        }
        _ => format!(
            "made worse by this change: now {}, was {}",
            d.severity.as_str(),
            was.severity.as_str()
        ),
    };
    d.related.insert(
        0,
        Related {
            file: d.file,
            span: d.span.clone(),
            message: note,
        },
    );
    d
}
