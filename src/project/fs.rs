//! Reading project files safely: only regular files under the root, no link escapes,
//! bounded size, UTF-8 checked with the position of the first bad byte.

use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Largest file camplint reads (a 2,000,000-event ledger is about 120 MB).
pub const MAX_FILE_SIZE: u64 = 512 * 1024 * 1024;

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadProblem {
    /// The file does not exist.
    Missing,
    /// A link (or a path) that leads outside the project root.
    OutsideRoot,
    /// A folder, FIFO, socket or device.
    NotRegular,
    /// Over [`MAX_FILE_SIZE`].
    TooLarge(u64),
    /// Not UTF-8: the decoded text (lossy) and the offset of the first bad byte.
    NotUtf8 {
        /// The text with bad bytes replaced, so positions can still be shown.
        lossy: String,
        /// Byte offset of the first invalid byte (same in the lossy text).
        offset: usize,
    },
    /// Any other I/O error, described.
    Io(String),
}

impl ReadProblem {
    /// A plain sentence for users (the file name is added by the caller).
    pub fn describe(&self) -> String {
        match self {
            ReadProblem::Missing => "the file does not exist".to_string(),
            ReadProblem::OutsideRoot => {
                "it is a link that leads outside the project folder; camplint does not follow it"
                    .to_string()
            }
            ReadProblem::NotRegular => {
                "it is not a regular file (a folder, FIFO or device); camplint does not open it"
                    .to_string()
            }
            ReadProblem::TooLarge(n) => format!(
                "it is {} MiB; camplint reads files up to {} MiB",
                n / (1024 * 1024),
                MAX_FILE_SIZE / (1024 * 1024)
            ),
            ReadProblem::NotUtf8 { .. } => "it is not UTF-8 text".to_string(),
            ReadProblem::Io(e) => format!("it could not be read: {e}"),
        }
    }
}

/// Joins a root-relative path (with `/`) onto the root.
pub fn absolute(root: &Path, rel: &str) -> PathBuf {
    let mut p = root.to_path_buf();
    for part in rel.split('/') {
        p.push(part);
    }
    p
}

/// Resolves `rel` against the folder `base` (both root-relative, `/`-separated) without
/// touching the disk. `None` when the result would leave the root or `rel` is absolute.
pub fn join_relative(base: &str, rel: &str) -> Option<String> {
    let rel_path = Path::new(rel);
    if rel_path.is_absolute() || rel.starts_with('/') || rel.starts_with('\\') {
        return None;
    }
    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    for c in rel_path.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str()?),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.join("/"))
}

/// The folder part of a root-relative path (`""` for a file at the root).
pub fn parent(rel: &str) -> &str {
    rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// Checks that `rel` under `root` is a regular file inside the root (following links to
/// find out) and returns its size, without opening it.
pub fn inspect(root: &Path, rel: &str) -> Result<u64, ReadProblem> {
    let path = absolute(root, rel);
    let meta = match fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ReadProblem::Missing),
        Err(e) => return Err(ReadProblem::Io(e.to_string())),
    };
    // Any link along the way (the file or a folder above it) must land inside the root.
    let real = fs::canonicalize(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ReadProblem::Missing,
        _ => ReadProblem::Io(e.to_string()),
    })?;
    if !real.starts_with(root) {
        return Err(ReadProblem::OutsideRoot);
    }
    let meta = if meta.file_type().is_symlink() {
        fs::metadata(&real).map_err(|e| ReadProblem::Io(e.to_string()))?
    } else {
        meta
    };
    if !meta.is_file() {
        return Err(ReadProblem::NotRegular);
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(ReadProblem::TooLarge(meta.len()));
    }
    Ok(meta.len())
}

/// Reads a project text file (see [`inspect`]); a UTF-8 byte-order mark is dropped.
pub fn read_text(root: &Path, rel: &str) -> Result<String, ReadProblem> {
    let size = inspect(root, rel)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    fs::File::open(absolute(root, rel))
        .and_then(|f| f.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes))
        .map_err(|e| ReadProblem::Io(e.to_string()))?;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        ReadProblem::NotUtf8 {
            lossy: String::from_utf8_lossy(e.as_bytes()).into_owned(),
            offset,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_cannot_leave_the_root() {
        assert_eq!(
            join_relative("messages/bf", "../../media/a.mp4").as_deref(),
            Some("media/a.mp4")
        );
        assert_eq!(
            join_relative("audiences", "vip.csv").as_deref(),
            Some("audiences/vip.csv")
        );
        assert_eq!(join_relative("audiences", "../../etc/passwd"), None);
        assert_eq!(join_relative("", "/etc/passwd"), None);
        assert_eq!(join_relative("a", "./b/../c").as_deref(), Some("a/c"));
    }
}
