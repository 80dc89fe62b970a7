//! Which commit `--base REV` means. See docs/gitbase.md for the rules in prose.

use std::fmt;

use super::cmd::{self, first_line, git, run, run_ok};
use super::error::{shallow_help, GitError};
use super::Repo;

/// Why the base commit is the one it is, for "compared with main at abc1234 (merge base)".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaseChoice {
    /// REV is already in HEAD's history, so it is the base itself.
    Ancestor,
    /// REV has diverged from HEAD; the base is where they forked (as `git diff REV...HEAD`).
    MergeBase,
    /// HEAD is a merge (a pull request's merge commit in CI); the fork point is taken with its
    /// first parent, so the base never includes what the merge brings in.
    MergeBaseFirstParent {
        /// The full id of HEAD's first parent.
        first_parent: String,
    },
}

impl BaseChoice {
    /// A few words for the report's "(…)".
    pub fn label(&self) -> &'static str {
        match self {
            BaseChoice::Ancestor => "ancestor of HEAD",
            BaseChoice::MergeBase => "merge base",
            BaseChoice::MergeBaseFirstParent { .. } => "merge base with HEAD's first parent",
        }
    }
}

/// The commit the working tree is compared with, and how it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseCommit {
    /// REV as the user wrote it.
    pub rev: String,
    /// The commit REV itself names (full id), before any merge-base step.
    pub rev_id: String,
    /// The chosen base commit, full id.
    pub id: String,
    /// The chosen base commit, abbreviated as git would show it.
    pub short: String,
    /// Why this commit.
    pub choice: BaseChoice,
    /// HEAD's full id when the base was resolved.
    pub head: String,
}

impl fmt::Display for BaseCommit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "compared with {} at {} ({})",
            self.rev,
            self.short,
            self.choice.label()
        )
    }
}

/// Resolves REV against HEAD following the documented rules.
pub(crate) fn resolve(repo: &Repo, rev: &str) -> Result<BaseCommit, GitError> {
    // A leading '-' would be read as an option; no ref can start with one anyway.
    if rev.is_empty() || rev.starts_with('-') {
        return Err(GitError::RevNotFound { rev: rev.into() });
    }
    let head = commit_id(repo, "HEAD")?.ok_or(GitError::NoHead)?;
    let rev_id = match commit_id(repo, rev)? {
        Some(id) => id,
        None if is_shallow(repo)? => {
            return Err(GitError::Shallow {
                rev: rev.into(),
                what: "that commit has not been fetched".into(),
                help: shallow_help(rev),
            })
        }
        None => return Err(GitError::RevNotFound { rev: rev.into() }),
    };

    let parents = parents(repo, &head)?;
    // `--base HEAD` means "only uncommitted work", even when HEAD is a merge.
    let (tip, first_parent) = if parents.len() >= 2 && rev_id != head {
        (parents[0].clone(), Some(parents[0].clone()))
    } else {
        (head.clone(), None)
    };

    // A depth-1 checkout of a merge commit has the merge but not its parents.
    if first_parent.is_some() && commit_id(repo, &tip)?.is_none() && is_shallow(repo)? {
        return Err(GitError::Shallow {
            rev: rev.into(),
            what: "HEAD's first parent has not been fetched".into(),
            help: shallow_help(rev),
        });
    }
    let base = match merge_base(repo, &rev_id, &tip)? {
        Some(b) => b,
        None if is_shallow(repo)? => {
            return Err(GitError::Shallow {
                rev: rev.into(),
                what: "the history shared with HEAD has not been fetched".into(),
                help: shallow_help(rev),
            })
        }
        None => return Err(GitError::NoMergeBase { rev: rev.into() }),
    };

    let choice = match first_parent {
        Some(first_parent) => BaseChoice::MergeBaseFirstParent { first_parent },
        None if base == rev_id => BaseChoice::Ancestor,
        None => BaseChoice::MergeBase,
    };
    let short = short_id(repo, &base)?;
    Ok(BaseCommit {
        rev: rev.into(),
        rev_id,
        id: base,
        short,
        choice,
        head,
    })
}

/// The full id of the commit `rev` names, or None when it names no commit.
fn commit_id(repo: &Repo, rev: &str) -> Result<Option<String>, GitError> {
    let mut c = git(&repo.top);
    c.args(["rev-parse", "--verify", "--quiet"])
        .arg(format!("{rev}^{{commit}}"));
    let out = run(c)?;
    if !out.status.success() {
        return Ok(None);
    }
    parse_id(first_line(&out.stdout), "git rev-parse --verify").map(Some)
}

/// The commit's recorded parents, read from the commit object so a shallow graft does not hide them.
fn parents(repo: &Repo, id: &str) -> Result<Vec<String>, GitError> {
    let mut c = git(&repo.top);
    c.args(["cat-file", "commit", id]);
    let out = run_ok(c)?;
    let mut parents = Vec::new();
    for line in out.split(|&b| b == b'\n') {
        if line.is_empty() {
            break; // end of the header
        }
        if let Some(p) = line.strip_prefix(b"parent ") {
            parents.push(parse_id(p, "git cat-file commit")?);
        }
    }
    Ok(parents)
}

/// The best common ancestor, or None when git finds none (exit status 1, no output).
fn merge_base(repo: &Repo, a: &str, b: &str) -> Result<Option<String>, GitError> {
    let mut c = git(&repo.top);
    c.args(["merge-base", a, b]);
    let command = cmd::describe(&c);
    let out = run(c)?;
    if out.status.success() {
        return parse_id(first_line(&out.stdout), "git merge-base").map(Some);
    }
    if out.status.code() == Some(1) {
        // 1 means "none found", but also a missing parent object in a shallow or broken clone.
        return Ok(None);
    }
    Err(cmd::failed(command, &out))
}

/// Whether the clone is shallow, which changes "not found" into "fetch more history".
pub(crate) fn is_shallow(repo: &Repo) -> Result<bool, GitError> {
    let mut c = git(&repo.top);
    c.args(["rev-parse", "--is-shallow-repository"]);
    Ok(first_line(&run_ok(c)?) == b"true")
}

/// The abbreviation git itself would print, unique in this repository.
fn short_id(repo: &Repo, id: &str) -> Result<String, GitError> {
    let mut c = git(&repo.top);
    c.args(["rev-parse", "--short", id]);
    let out = run_ok(c)?;
    let s = String::from_utf8_lossy(first_line(&out)).into_owned();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(id.chars().take(7).collect());
    }
    Ok(s)
}

/// A hex object id (SHA-1 or SHA-256), checked rather than trusted.
pub(crate) fn parse_id(bytes: &[u8], command: &str) -> Result<String, GitError> {
    let ok = matches!(bytes.len(), 40 | 64) && bytes.iter().all(|b| b.is_ascii_hexdigit());
    if !ok {
        return Err(GitError::UnexpectedOutput {
            command: command.into(),
            detail: format!(
                "expected an object id, got {:?}",
                String::from_utf8_lossy(bytes)
            ),
        });
    }
    Ok(String::from_utf8_lossy(bytes).into_owned())
}
