//! The git side of `camplint check --base REV`: reading the project as it was at an earlier
//! commit, straight from git's object store, and the renames since then.
//!
//! Self-contained on purpose (std, thiserror and miette only) so it does not move with the
//! rest of the crate; only `source.rs` knows the loader's `FileSource`, to hand the tree to it. Git is driven through its command line with read-only commands and
//! `GIT_OPTIONAL_LOCKS=0`: the repository, its index and its refs are never written, and
//! nothing is checked out, stashed or fetched. docs/gitbase.md states the rules.

mod cmd;
mod error;
mod renames;
mod resolve;
mod source;
mod tree;

use std::path::{Path, PathBuf};

pub use error::GitError;
pub use renames::Rename;
pub use resolve::{BaseChoice, BaseCommit};
pub use source::BaseSource;
pub use tree::{BaseContent, BaseEntry, BaseTree, SkipReason, Skipped};

/// The git repository a project folder is in, and where in it the project sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    /// Every git command runs here, so paths in its output are top-relative.
    top: PathBuf,
    /// For display and for the paths handed back; lossy when the folder name is not UTF-8.
    prefix: String,
    /// The exact bytes, for pathspecs and for stripping the prefix off git's output.
    prefix_raw: Vec<u8>,
}

impl Repo {
    /// Finds the repository whose working tree holds `root` (the project folder).
    pub fn discover(root: &Path) -> Result<Repo, GitError> {
        if !root.is_dir() {
            return Err(GitError::RootMissing(root.display().to_string()));
        }
        let mut c = cmd::git(root);
        c.args(["rev-parse", "--show-toplevel", "--show-prefix"]);
        let out = cmd::run(c)?;
        if !out.status.success() {
            let root = root.display().to_string();
            let detail = String::from_utf8_lossy(&out.stderr).trim().to_string();
            // Messages are in English (LC_ALL=C), so this wording is stable enough to match.
            if detail.contains("dubious ownership") {
                return Err(GitError::UnsafeRepository { root, detail });
            }
            return Err(GitError::NotARepository { root, detail });
        }
        // Two lines, unquoted: the top (absolute) and the prefix ("" or "sub/dir/"). Split
        // at the last newline so a top folder with a newline in its name still parses.
        let text = out.stdout.strip_suffix(b"\n").unwrap_or(&out.stdout);
        let (top, prefix) = match text.iter().rposition(|&b| b == b'\n') {
            Some(i) => (&text[..i], &text[i + 1..]),
            None => (text, &[][..]),
        };
        if top.is_empty() {
            // A bare repository or the inside of .git: no working tree to compare.
            return Err(GitError::NotARepository {
                root: root.display().to_string(),
                detail: "no working tree".into(),
            });
        }
        let prefix_raw = prefix.strip_suffix(b"/").unwrap_or(prefix).to_vec();
        Ok(Repo {
            top: PathBuf::from(cmd::os_arg(top)),
            prefix: String::from_utf8_lossy(&prefix_raw).into_owned(),
            prefix_raw,
        })
    }

    /// The repository's top folder (the working tree root).
    pub fn top(&self) -> &Path {
        &self.top
    }

    /// The project root relative to the top, `/`-separated, without a trailing `/`; "" at the top.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Which commit REV means for this checkout; see [`BaseChoice`] and docs/gitbase.md.
    pub fn resolve(&self, rev: &str) -> Result<BaseCommit, GitError> {
        resolve::resolve(self, rev)
    }

    /// Every file under the project root at `base`, read into memory.
    pub fn read_tree(&self, base: BaseCommit) -> Result<BaseTree, GitError> {
        tree::read(self, base)
    }

    /// Files renamed between `base` and the working tree (uncommitted changes included).
    pub fn renames(&self, base: &BaseCommit) -> Result<Vec<Rename>, GitError> {
        renames::renames(self, base)
    }

    /// Whether this is a shallow clone, for callers that want to warn early.
    pub fn is_shallow(&self) -> Result<bool, GitError> {
        resolve::is_shallow(self)
    }

    /// A top-relative path made root-relative; None when it lies outside the root.
    fn relative<'a>(&self, path: &'a [u8]) -> Option<&'a [u8]> {
        if self.prefix_raw.is_empty() {
            return Some(path);
        }
        let rest = path.strip_prefix(self.prefix_raw.as_slice())?;
        rest.strip_prefix(b"/").filter(|r| !r.is_empty())
    }
}

/// The base for `--base REV` in one call: the repository around `root`, REV resolved, the tree read.
pub fn read_base(root: &Path, rev: &str) -> Result<BaseTree, GitError> {
    let repo = Repo::discover(root)?;
    let base = repo.resolve(rev)?;
    repo.read_tree(base)
}
