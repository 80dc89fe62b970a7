//! Where a project's files come from, and reading them safely: only regular files under
//! the root, no link escapes, bounded size, UTF-8 checked with the position of the first
//! bad byte.
//!
//! The loader reads through a [`FileSource`], so the same loading serves the disk
//! ([`Disk`]), an editor's unsaved buffers over the disk ([`Overlay`]), and a project as
//! it was at an earlier commit.

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::RwLock;

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

/// The files under a project root, as [`FileSource::list`] finds them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Listing {
    /// Root-relative paths with `/`, sorted; folders not included.
    pub files: Vec<String>,
    /// Names that are not UTF-8, in their lossy form (they cannot be matched or shown
    /// exactly, so they are reported instead of read).
    pub bad_names: Vec<String>,
    /// Folders that could not be read, root-relative.
    pub unreadable_dirs: Vec<String>,
}

/// Where a project's files come from. Paths are root-relative with `/`.
pub trait FileSource: Sync {
    /// The project folder on disk (media files and `--root` are always read there).
    fn root(&self) -> &Path;
    /// Every file under the root (except inside `.git`).
    fn list(&self) -> Listing;
    /// Whether `rel` is a regular file that may be read, and its size.
    fn inspect(&self, rel: &str) -> Result<u64, ReadProblem>;
    /// The text of `rel`, without a UTF-8 byte-order mark.
    fn read_text(&self, rel: &str) -> Result<String, ReadProblem>;
}

/// The project folder as it is on disk.
#[derive(Debug)]
pub struct Disk {
    root: PathBuf,
    // Root-relative folders found to be real folders (no link) under the root. Resolving
    // every file's full path to check for links cost a `readlink` per path component per
    // file, a fifth of a 10,000-draft run; a file in a known folder needs one `lstat`.
    real_dirs: RwLock<HashSet<String>>,
    // Open handles of real folders, by root-relative path, for reading their files by
    // name (see `read_in_folder`).
    #[cfg(unix)]
    folders: RwLock<std::collections::HashMap<String, std::sync::Arc<rustix::fd::OwnedFd>>>,
}

impl Clone for Disk {
    fn clone(&self) -> Self {
        Disk::new(self.root.clone())
    }
}

impl Disk {
    /// Reads under `root`, which must be canonical (links are resolved against it).
    pub fn new(root: PathBuf) -> Self {
        Disk {
            root,
            real_dirs: RwLock::new(HashSet::new()),
            #[cfg(unix)]
            folders: RwLock::default(),
        }
    }

    /// Reads `rel`, a regular file in real folders, relative to its folder's open handle:
    /// measured without following a link, then opened without following one (so a file
    /// swapped for a link in between is not followed either) and without waiting on a
    /// FIFO. `None` when this way does not apply or fails (a link, a missing file, any
    /// error): the path-based way then reads it or says in its own words why not.
    #[cfg(unix)]
    fn read_in_folder(&self, rel: &str) -> Option<Result<String, ReadProblem>> {
        use rustix::fs::{AtFlags, FileType, Mode, OFlags};
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        if name.is_empty() || name == "." || name == ".." || !self.in_real_folders(rel) {
            return None;
        }
        let folder = self.folder(dir)?;
        let stat = rustix::fs::statat(&*folder, name, AtFlags::SYMLINK_NOFOLLOW).ok()?;
        match FileType::from_raw_mode(stat.st_mode) {
            FileType::RegularFile => {}
            FileType::Symlink => return None,
            _ => return Some(Err(ReadProblem::NotRegular)),
        }
        let size = u64::try_from(stat.st_size).unwrap_or(0);
        if size > MAX_FILE_SIZE {
            return Some(Err(ReadProblem::TooLarge(size)));
        }
        let flags =
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
        let file = rustix::fs::openat(&*folder, name, flags, Mode::empty()).ok()?;
        Some(
            read_sized(fs::File::from(file), size)
                .map_err(|e| ReadProblem::Io(e.to_string()))
                .and_then(decode),
        )
    }

    /// The open handle of the real folder `dir` (root-relative), opened on first use.
    #[cfg(unix)]
    fn folder(&self, dir: &str) -> Option<std::sync::Arc<rustix::fd::OwnedFd>> {
        use rustix::fs::{Mode, OFlags};
        if let Some(fd) = self.folders.read().ok()?.get(dir) {
            return Some(fd.clone());
        }
        let path = if dir.is_empty() {
            self.root.clone()
        } else {
            absolute(&self.root, dir)
        };
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let fd = std::sync::Arc::new(rustix::fs::open(&path, flags, Mode::empty()).ok()?);
        let mut folders = self.folders.write().ok()?;
        Some(folders.entry(dir.to_string()).or_insert(fd).clone())
    }

    /// True when every folder of `rel` is a real folder under the root (no link, no
    /// `..`), so that the file's own path is its real path.
    fn in_real_folders(&self, rel: &str) -> bool {
        let dir = parent(rel);
        if dir.is_empty() {
            return true;
        }
        if dir
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..")
        {
            return false;
        }
        let known = |d: &str| self.real_dirs.read().is_ok_and(|set| set.contains(d));
        if known(dir) {
            return true;
        }
        let mut end = 0;
        for part in dir.split('/') {
            end += part.len();
            let prefix = &dir[..end];
            end += 1;
            if known(prefix) {
                continue;
            }
            let real = fs::symlink_metadata(absolute(&self.root, prefix))
                .is_ok_and(|m| m.file_type().is_dir());
            if !real {
                return false;
            }
            if let Ok(mut set) = self.real_dirs.write() {
                set.insert(prefix.to_string());
            }
        }
        true
    }

    /// [`inspect`] without resolving the whole path when no link can be on the way.
    fn inspect_fast(&self, rel: &str) -> Result<u64, ReadProblem> {
        if rel.is_empty() || rel.ends_with('/') || !self.in_real_folders(rel) {
            return inspect(&self.root, rel);
        }
        let name = rel.rsplit('/').next().unwrap_or(rel);
        if name == "." || name == ".." {
            return inspect(&self.root, rel);
        }
        match fs::symlink_metadata(absolute(&self.root, rel)) {
            Ok(meta) if !meta.file_type().is_symlink() => regular_size(&meta),
            // A link is resolved and checked the slow way; so is an error, for its words.
            _ => inspect(&self.root, rel),
        }
    }
}

impl FileSource for Disk {
    fn root(&self) -> &Path {
        &self.root
    }

    fn list(&self) -> Listing {
        walk(&self.root)
    }

    fn inspect(&self, rel: &str) -> Result<u64, ReadProblem> {
        self.inspect_fast(rel)
    }

    fn read_text(&self, rel: &str) -> Result<String, ReadProblem> {
        #[cfg(unix)]
        if let Some(read) = self.read_in_folder(rel) {
            return read;
        }
        let size = self.inspect_fast(rel)?;
        read_checked(&self.root, rel, size)
    }
}

/// Another source with some files replaced by text held in memory (an editor's unsaved
/// buffers). A file only in memory is listed too, as a new file not yet saved.
#[derive(Debug, Clone)]
pub struct Overlay<'a, S: FileSource> {
    /// What is not in memory is read from here.
    pub under: &'a S,
    /// Root-relative path to its current text.
    pub files: &'a std::collections::BTreeMap<String, String>,
}

impl<S: FileSource> FileSource for Overlay<'_, S> {
    fn root(&self) -> &Path {
        self.under.root()
    }

    fn list(&self) -> Listing {
        let mut listing = self.under.list();
        let missing: Vec<String> = self
            .files
            .keys()
            .filter(|k| listing.files.binary_search(k).is_err())
            .cloned()
            .collect();
        if !missing.is_empty() {
            listing.files.extend(missing);
            listing.files.sort();
        }
        listing
    }

    fn inspect(&self, rel: &str) -> Result<u64, ReadProblem> {
        match self.files.get(rel) {
            Some(text) => Ok(text.len() as u64),
            None => self.under.inspect(rel),
        }
    }

    fn read_text(&self, rel: &str) -> Result<String, ReadProblem> {
        match self.files.get(rel) {
            Some(text) => Ok(text.strip_prefix('\u{feff}').unwrap_or(text).to_string()),
            None => self.under.read_text(rel),
        }
    }
}

/// Walks the root. Folder links are not followed (their targets inside the root are
/// walked where they really are), so link loops cannot happen; file links are checked
/// when read.
fn walk(root: &Path) -> Listing {
    let mut listing = Listing::default();
    let root_bytes = root.as_os_str().as_encoded_bytes();
    let skip = root_bytes.len()
        + usize::from(
            !root_bytes
                .last()
                .is_some_and(|&b| std::path::is_separator(b as char)),
        );
    // Not `sort_by_file_name`: its comparisons take each path's file name apart again
    // (4% of a 10,000-draft run); the lists are sorted once below.
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || e.file_name() != ".git");
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e
                    .path()
                    .and_then(|p| p.strip_prefix(root).ok())
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_default();
                listing.unreadable_dirs.push(at);
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        // The walker joins names onto `root`, so the relative path is what follows it
        // (cheaper than `strip_prefix`, which compares every component again).
        let path = entry.path().as_os_str().as_encoded_bytes();
        let Some(rel) = path
            .starts_with(root_bytes)
            .then(|| path.get(skip..))
            .flatten()
        else {
            continue;
        };
        match std::str::from_utf8(rel) {
            Ok(rel) if std::path::MAIN_SEPARATOR == '/' => listing.files.push(rel.to_string()),
            Ok(rel) => listing
                .files
                .push(rel.replace(std::path::MAIN_SEPARATOR, "/")),
            Err(_) => listing
                .bad_names
                .push(String::from_utf8_lossy(rel).replace(std::path::MAIN_SEPARATOR, "/")),
        }
    }
    // Folders are read in the file system's order; the loader wants one order.
    listing.files.sort_unstable();
    listing.bad_names.sort_unstable();
    listing.unreadable_dirs.sort_unstable();
    listing
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
    regular_size(&meta)
}

/// The size of a regular file that is not too large to read.
fn regular_size(meta: &fs::Metadata) -> Result<u64, ReadProblem> {
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
    read_checked(root, rel, size)
}

/// Reads a file [`inspect`] accepted, `size` bytes expected.
fn read_checked(root: &Path, rel: &str, size: u64) -> Result<String, ReadProblem> {
    let bytes = fs::File::open(absolute(root, rel))
        .and_then(|f| read_sized(f, size))
        .map_err(|e| ReadProblem::Io(e.to_string()))?;
    decode(bytes)
}

/// Reads a regular file measured at `size` bytes. `read_to_end` confirms the end with a
/// second read call on every file (a tenth of reading 10,000 small drafts); here one call
/// asks for a byte more than measured, and when exactly `size` bytes come back the file
/// is as it was measured. A short answer (a file that shrank, or a file system that
/// answers in pieces) or a long one (a file that grew) is read on to its end, never past
/// [`MAX_FILE_SIZE`] and a byte, as `read_to_end` was bounded.
fn read_sized(mut file: fs::File, size: u64) -> std::io::Result<Vec<u8>> {
    let expected = usize::try_from(size.min(MAX_FILE_SIZE)).unwrap_or(0);
    let mut bytes = vec![0; expected + 1];
    let n = loop {
        match file.read(&mut bytes) {
            Ok(n) => break n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    };
    bytes.truncate(n);
    if n != expected {
        file.take(MAX_FILE_SIZE + 1 - n as u64)
            .read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

/// The text of a file's bytes, without a UTF-8 byte-order mark.
fn decode(mut bytes: Vec<u8>) -> Result<String, ReadProblem> {
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

    #[test]
    fn a_file_is_read_whole_whatever_its_measured_size() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("draft.md");
        let text = "Ciao {{nome}}, -20% fino a domenica.\n".repeat(300);
        fs::write(&path, &text).expect("write");
        let len = text.len() as u64;
        // As measured; grown since (measured smaller); shrunk since (measured larger);
        // empty when measured.
        for measured in [len, len - 1, len / 2, 0, len + 1, len * 2] {
            let file = fs::File::open(&path).expect("open");
            let bytes = read_sized(file, measured).expect("read");
            assert_eq!(bytes, text.as_bytes(), "measured at {measured} bytes");
        }
    }
}
