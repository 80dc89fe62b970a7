//! The project as it was at the base: one `ls-tree` and one `cat-file --batch` for all files.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;

use super::cmd::{self, git, os_arg, run_ok};
use super::error::GitError;
use super::resolve::{parse_id, BaseCommit};
use super::Repo;

/// What a path held at the base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaseContent {
    /// A regular file's bytes, exactly as committed (no CRLF or BOM changes).
    File {
        /// The blob's bytes.
        bytes: Vec<u8>,
        /// Mode 100755: kept so a report can mention it, never needed to lint.
        executable: bool,
    },
    /// A symbolic link (mode 120000), not followed: git stores only where it points.
    Link {
        /// The link's target as stored, which need not exist or be UTF-8.
        target: Vec<u8>,
    },
}

/// One path of the base tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseEntry {
    /// The path relative to the project root, as git stores it (any bytes).
    pub raw_path: Vec<u8>,
    /// True when `raw_path` is not UTF-8 and the map's key is a lossy rendering of it.
    pub lossy: bool,
    /// The blob id.
    pub id: String,
    /// The content.
    pub content: BaseContent,
}

/// Why a path of the base tree is absent from `files`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// A submodule (mode 160000): its files live in another repository.
    Submodule {
        /// The commit the submodule pointed at.
        commit: String,
    },
    /// A mode git does not produce for files today; kept visible rather than guessed at.
    UnknownMode(String),
    /// Two non-UTF-8 names render to the same lossy text; the first one is kept.
    LossyCollision,
}

/// A path left out of the base tree, with the reason, so nothing disappears silently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The path relative to the project root (lossy when not UTF-8).
    pub path: String,
    /// Why it was left out.
    pub reason: SkipReason,
}

/// The project folder as it was at the base commit, readable like a file source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseTree {
    /// The base commit and how it was chosen.
    pub commit: BaseCommit,
    /// The project root relative to the repository's top, `/`-separated, "" at the top.
    pub root_prefix: String,
    /// False when the project folder or its camplint.toml did not exist at the base:
    /// then `files` is empty and every finding counts as new.
    pub existed: bool,
    /// Every file and link under the root, by path relative to the root with `/`.
    pub files: BTreeMap<String, BaseEntry>,
    /// Paths not in `files` and why.
    pub skipped: Vec<Skipped>,
}

impl BaseTree {
    /// A regular file's bytes at the base; None for links, skipped and absent paths.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        match &self.files.get(path)?.content {
            BaseContent::File { bytes, .. } => Some(bytes),
            BaseContent::Link { .. } => None,
        }
    }

    /// Where a symbolic link pointed at the base; None when `path` was not a link.
    pub fn link_target(&self, path: &str) -> Option<&[u8]> {
        match &self.files.get(path)?.content {
            BaseContent::Link { target } => Some(target),
            BaseContent::File { .. } => None,
        }
    }

    /// The entry at `path`, with its raw name and id.
    pub fn entry(&self, path: &str) -> Option<&BaseEntry> {
        self.files.get(path)
    }

    /// Every path in sorted order, files and links alike.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// How many files and links the base holds.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when there is nothing at the base (including `existed == false`).
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// One line of `ls-tree -r -z`.
struct Listed {
    mode: String,
    kind: String,
    id: String,
    path: Vec<u8>,
}

/// Reads every blob under the root at `commit`.
pub(crate) fn read(repo: &Repo, commit: BaseCommit) -> Result<BaseTree, GitError> {
    let listed = ls_tree(repo, &commit.id)?;
    let mut tree = BaseTree {
        commit,
        root_prefix: repo.prefix.clone(),
        existed: false,
        files: BTreeMap::new(),
        skipped: Vec::new(),
    };
    let has_config = listed.iter().any(|l| {
        l.path == b"camplint.toml" && matches!(l.mode.as_str(), "100644" | "100755" | "120000")
    });
    if !has_config {
        return Ok(tree);
    }
    tree.existed = true;

    let mut wanted = Vec::new();
    for l in listed {
        let (key, lossy) = match String::from_utf8(l.path.clone()) {
            Ok(s) => (s, false),
            Err(_) => (String::from_utf8_lossy(&l.path).into_owned(), true),
        };
        match (l.mode.as_str(), l.kind.as_str()) {
            ("100644" | "100755" | "120000", "blob") => wanted.push((key, lossy, l)),
            ("160000", _) => tree.skipped.push(Skipped {
                path: key,
                reason: SkipReason::Submodule { commit: l.id },
            }),
            _ => tree.skipped.push(Skipped {
                path: key,
                reason: SkipReason::UnknownMode(format!("{} {}", l.mode, l.kind)),
            }),
        }
    }

    let blobs = cat_blobs(repo, &wanted)?;
    for ((key, lossy, l), bytes) in wanted.into_iter().zip(blobs) {
        let content = if l.mode == "120000" {
            BaseContent::Link { target: bytes }
        } else {
            BaseContent::File {
                bytes,
                executable: l.mode == "100755",
            }
        };
        if tree.files.contains_key(&key) {
            tree.skipped.push(Skipped {
                path: key,
                reason: SkipReason::LossyCollision,
            });
            continue;
        }
        let entry = BaseEntry {
            raw_path: l.path,
            lossy,
            id: l.id,
            content,
        };
        tree.files.insert(key, entry);
    }
    Ok(tree)
}

/// Lists the root's subtree, with paths made relative to the root.
fn ls_tree(repo: &Repo, commit: &str) -> Result<Vec<Listed>, GitError> {
    const CMD: &str = "git ls-tree -r -z";
    let mut c = git(&repo.top);
    c.args(["ls-tree", "-r", "-z", "--full-tree", commit]);
    if !repo.prefix_raw.is_empty() {
        c.arg("--").arg(os_arg(&repo.prefix_raw));
    }
    let out = run_ok(c)?;
    let mut strip = repo.prefix_raw.clone();
    if !strip.is_empty() {
        strip.push(b'/');
    }
    let mut listed = Vec::new();
    for record in out.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        let bad = |detail: &str| GitError::UnexpectedOutput {
            command: CMD.into(),
            detail: format!("{detail}: {:?}", String::from_utf8_lossy(record)),
        };
        let tab = record
            .iter()
            .position(|&b| b == b'\t')
            .ok_or_else(|| bad("no tab in a record"))?;
        let (meta, path) = (&record[..tab], &record[tab + 1..]);
        let mut fields = meta.split(|&b| b == b' ');
        let (Some(mode), Some(kind), Some(id), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(bad("not `mode type id`"));
        };
        // The pathspec also matches a plain file named like the root; only what is inside counts.
        let Some(rel) = path.strip_prefix(strip.as_slice()) else {
            continue;
        };
        if rel.is_empty() {
            continue;
        }
        listed.push(Listed {
            mode: String::from_utf8_lossy(mode).into_owned(),
            kind: String::from_utf8_lossy(kind).into_owned(),
            id: parse_id(id, CMD)?,
            path: rel.to_vec(),
        });
    }
    Ok(listed)
}

/// Reads all blobs through one `cat-file --batch`, in the order asked.
fn cat_blobs(repo: &Repo, wanted: &[(String, bool, Listed)]) -> Result<Vec<Vec<u8>>, GitError> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let mut c = git(&repo.top);
    c.args(["cat-file", "--batch"]);
    let command = cmd::describe(&c);
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().map_err(cmd::spawn_error)?;
    let mut input = Vec::with_capacity(wanted.len() * 41);
    for (_, _, l) in wanted {
        input.extend_from_slice(l.id.as_bytes());
        input.push(b'\n');
    }
    // Ids go in from a thread: git answers as it reads, and with both pipes full a
    // single-threaded writer would wait forever on a large tree.
    let writer = cmd::feed(&mut child, input);
    let errors = cmd::drain(child.stderr.take());
    let result = match child.stdout.take() {
        Some(out) => read_batch(BufReader::new(out), wanted, &command),
        None => Err(GitError::UnexpectedOutput {
            command: command.clone(),
            detail: "no output pipe".into(),
        }),
    };
    if result.is_err() {
        // Stop git rather than leave it blocked writing to a pipe nobody reads.
        let _ = child.kill();
    }
    let status = child.wait();
    let _ = writer.join();
    let stderr = errors.join().unwrap_or_default();
    let blobs = result?;
    match status {
        Ok(s) if s.success() => Ok(blobs),
        Ok(s) => Err(GitError::Failed {
            command,
            status: s.to_string(),
            stderr: String::from_utf8_lossy(&stderr).trim().to_string(),
        }),
        Err(e) => Err(GitError::Failed {
            command,
            status: "not finished".into(),
            stderr: e.to_string(),
        }),
    }
}

/// Parses `<id> <type> <size>\n<bytes>\n` answers, reading each body by its stated size.
fn read_batch<R: BufRead>(
    mut out: R,
    wanted: &[(String, bool, Listed)],
    command: &str,
) -> Result<Vec<Vec<u8>>, GitError> {
    let bad = |detail: String| GitError::UnexpectedOutput {
        command: command.into(),
        detail,
    };
    let mut blobs = Vec::with_capacity(wanted.len());
    let mut header = Vec::new();
    for (key, _, l) in wanted {
        header.clear();
        out.read_until(b'\n', &mut header)
            .map_err(|e| bad(e.to_string()))?;
        if header.last() != Some(&b'\n') {
            return Err(bad(format!("output ended before {}", l.id)));
        }
        header.pop();
        let text = String::from_utf8_lossy(&header).into_owned();
        let fields: Vec<&str> = text.split(' ').collect();
        match fields.as_slice() {
            [id, "missing"] if *id == l.id => {
                return Err(GitError::ObjectMissing {
                    id: l.id.clone(),
                    path: key.clone(),
                })
            }
            [id, kind, size] if *id == l.id => {
                let size: u64 = size
                    .parse()
                    .map_err(|_| bad(format!("bad size in {text:?}")))?;
                if *kind != "blob" {
                    return Err(bad(format!("{key} is a {kind}, not a blob")));
                }
                let mut body = Vec::new();
                // `take` grows the buffer as bytes arrive, so a wrong size cannot force a huge allocation.
                (&mut out)
                    .take(size)
                    .read_to_end(&mut body)
                    .map_err(|e| bad(e.to_string()))?;
                if body.len() as u64 != size {
                    return Err(bad(format!("{key}: output ended inside the file")));
                }
                let mut nl = [0u8; 1];
                out.read_exact(&mut nl).map_err(|e| bad(e.to_string()))?;
                if nl != [b'\n'] {
                    return Err(bad(format!("{key}: no newline after the content")));
                }
                blobs.push(body);
            }
            _ => return Err(bad(format!("unexpected header {text:?} for {}", l.id))),
        }
    }
    Ok(blobs)
}
