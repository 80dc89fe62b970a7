//! Files renamed since the base, so a finding in a moved file is matched with its old self.

use std::collections::BTreeMap;

use super::cmd::{git, os_arg, run_ok, run_with_input};
use super::error::GitError;
use super::resolve::BaseCommit;
use super::Repo;

/// A file that moved between the base and the working tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    /// The path at the base, relative to the project root (lossy when not UTF-8).
    pub from: String,
    /// The path in the working tree, relative to the project root (lossy when not UTF-8).
    pub to: String,
    /// git's similarity score, 0-100 (100 for identical content).
    pub similarity: u8,
    /// True when either path is not UTF-8 and was rendered lossily.
    pub lossy: bool,
}

/// A rename as git reports it: top-relative old and new path, and the similarity score.
type RawRename = (Vec<u8>, Vec<u8>, u8);

/// A deleted path with the blob it had, kept for matching against untracked files.
struct Deleted {
    path: Vec<u8>,
    id: String,
}

/// Renames between `base` and the working tree, both ends under the root.
pub(crate) fn renames(repo: &Repo, base: &BaseCommit) -> Result<Vec<Rename>, GitError> {
    let mut c = git(&repo.top);
    // Plumbing `diff-index` rather than `git diff`: the porcelain refreshes and rewrites the
    // index (diff.autoRefreshIndex) even with GIT_OPTIONAL_LOCKS=0, and reads diff.* config.
    // --raw is --name-status plus the blob ids, which the untracked-file pass needs.
    c.args([
        "diff-index",
        "-M",
        "--raw",
        "--no-abbrev",
        "-z",
        "--no-ext-diff",
        "--no-textconv",
        "--ignore-submodules=all",
        &base.id,
        "--",
    ]);
    if !repo.prefix_raw.is_empty() {
        c.arg(os_arg(&repo.prefix_raw));
    }
    let out = run_ok(c)?;
    let mut found = Vec::new();
    let mut deleted = Vec::new();
    parse_raw(&out, &mut found, &mut deleted)?;

    // diff-index ignores untracked files, so a plain `mv` (not yet `git add`ed) would be a
    // deletion only; match those by identical content.
    if !deleted.is_empty() {
        found.extend(untracked_renames(repo, deleted)?);
    }

    let mut renames: Vec<Rename> = found
        .into_iter()
        .filter_map(|(from, to, similarity)| {
            let from = repo.relative(&from)?;
            let to = repo.relative(&to)?;
            let (from, l1) = lossy(from);
            let (to, l2) = lossy(to);
            Some(Rename {
                from,
                to,
                similarity,
                lossy: l1 || l2,
            })
        })
        .collect();
    renames.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
    Ok(renames)
}

/// Parses `:mode mode id id status\0path\0[path\0]` records.
fn parse_raw(
    out: &[u8],
    renames: &mut Vec<RawRename>,
    deleted: &mut Vec<Deleted>,
) -> Result<(), GitError> {
    let bad = |detail: String| GitError::UnexpectedOutput {
        command: "git diff-index -M --raw -z".into(),
        detail,
    };
    let mut parts = out.split(|&b| b == 0);
    while let Some(meta) = parts.next() {
        if meta.is_empty() {
            continue;
        }
        let text = String::from_utf8_lossy(meta);
        let fields: Vec<&str> = text.trim_start_matches(':').split(' ').collect();
        let [_, _, old_id, _, status] = fields.as_slice() else {
            return Err(bad(format!("bad record {text:?}")));
        };
        let path = parts
            .next()
            .ok_or_else(|| bad(format!("no path after {text:?}")))?;
        let letter = status.chars().next().unwrap_or(' ');
        match letter {
            'R' | 'C' => {
                let to = parts
                    .next()
                    .ok_or_else(|| bad(format!("no second path after {text:?}")))?;
                if letter == 'R' {
                    let score = status[1..].parse::<u8>().unwrap_or(0).min(100);
                    renames.push((path.to_vec(), to.to_vec(), score));
                }
            }
            'D' => deleted.push(Deleted {
                path: path.to_vec(),
                id: old_id.to_string(),
            }),
            _ => {}
        }
    }
    Ok(())
}

/// Pairs deleted files with untracked files of identical content, without writing objects.
fn untracked_renames(repo: &Repo, deleted: Vec<Deleted>) -> Result<Vec<RawRename>, GitError> {
    let mut c = git(&repo.top);
    c.args([
        "ls-files",
        "--others",
        "--exclude-standard",
        "-z",
        "--full-name",
        "--",
    ]);
    if !repo.prefix_raw.is_empty() {
        c.arg(os_arg(&repo.prefix_raw));
    }
    let listed = run_ok(c)?;
    let untracked: Vec<&[u8]> = listed
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .collect();
    if untracked.is_empty() {
        return Ok(Vec::new());
    }
    // hash-object without -w only computes ids; --no-filters keeps clean filters (LFS) from running.
    let mut c = git(&repo.top);
    c.args(["hash-object", "--no-filters", "--stdin-paths"]);
    let mut input = Vec::new();
    for p in &untracked {
        c_quote(p, &mut input);
        input.push(b'\n');
    }
    let ids = run_with_input(c, input)?;
    let mut by_id: BTreeMap<&str, Vec<&[u8]>> = BTreeMap::new();
    let ids_text = String::from_utf8_lossy(&ids);
    for (id, path) in ids_text.lines().zip(&untracked) {
        by_id.entry(id.trim()).or_default().push(path);
    }
    let mut pairs = Vec::new();
    for d in deleted {
        let Some(candidates) = by_id.get_mut(d.id.as_str()) else {
            continue;
        };
        if candidates.is_empty() {
            continue;
        }
        // Prefer the candidate with the same file name (a move), else the first in path order.
        let name = d.path.rsplit(|&b| b == b'/').next().unwrap_or(&[]);
        let i = candidates
            .iter()
            .position(|p| p.rsplit(|&b| b == b'/').next() == Some(name))
            .unwrap_or(0);
        let to = candidates.remove(i);
        pairs.push((d.path, to.to_vec(), 100));
    }
    Ok(pairs)
}

/// The path as text, flagged when it had to be rendered lossily.
fn lossy(bytes: &[u8]) -> (String, bool) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), false),
        Err(_) => (String::from_utf8_lossy(bytes).into_owned(), true),
    }
}

/// Quotes a path the way `--stdin-paths` unquotes it, so names starting with `"` or
/// holding a newline reach git intact (other bytes pass through raw).
fn c_quote(path: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for &b in path {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            _ => out.push(b),
        }
    }
    out.push(b'"');
}
