//! Reading a file for fixing and writing the fixed bytes back without ever losing data.
//!
//! A fix is written to a new file next to the original and renamed over it, so a crash
//! or a full disk leaves either the old file or the new one, never half of each. Because
//! a rename replaces whatever the path names, the checks a plain write would get from
//! the system (a read-only file, a link) are made here explicitly, and the file is read
//! again just before the rename so an edit saved meanwhile (an editor, a `git pull`) is
//! never overwritten.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use super::hash::ContentHash;

/// Why a fixed file was not written; the file on disk is then exactly as it was.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum WriteError {
    /// The path leaves the project folder.
    #[error("camplint did not fix `{path}`: it is outside the project folder, and fixes are only written inside it")]
    #[diagnostic(
        code(camplint::fix::outside_root),
        help("run camplint from the project that holds this file, or pass --root with that project's folder")
    )]
    OutsideRoot {
        /// The path as given.
        path: String,
    },
    /// The file, or a folder on the way to it, is a symbolic link.
    #[error("camplint did not fix `{path}`: `{link}` is a link to somewhere else (a symlink), and fixes are never written through links")]
    #[diagnostic(
        code(camplint::fix::symlink),
        help("fix the file the link points to by hand, or replace the link with a real copy of the file and run camplint again")
    )]
    Symlink {
        /// The file to fix, relative to the root.
        path: String,
        /// The link found on the way, relative to the root.
        link: String,
    },
    /// The file has other names (hard links) that a rewrite would split from it.
    #[error("camplint did not fix `{path}`: the same file also exists under another name (a hard link), and rewriting it would leave that copy unfixed")]
    #[diagnostic(
        code(camplint::fix::hard_link),
        help("apply the fix by hand (`camplint check --diff` shows it), or replace the hard link with an ordinary copy")
    )]
    HardLink {
        /// The file to fix, relative to the root.
        path: String,
    },
    /// Not a regular file (a folder, a device, a FIFO) or missing.
    #[error("camplint did not fix `{path}`: it is not an ordinary file")]
    #[diagnostic(
        code(camplint::fix::not_a_file),
        help("check that the path names a campaign, draft or CSV file that exists")
    )]
    NotAFile {
        /// The path, relative to the root.
        path: String,
    },
    /// The file's permissions say it must not be changed.
    #[error("camplint did not fix `{path}`: the file is read-only")]
    #[diagnostic(
        code(camplint::fix::read_only),
        help("if the file may be changed, make it writable (for example `chmod u+w {path}`) and run `camplint check --fix` again")
    )]
    ReadOnly {
        /// The path, relative to the root.
        path: String,
    },
    /// The file on disk is not the one the fixes were computed from.
    #[error("camplint did not fix `{path}`: the file changed on disk after camplint read it (someone or something saved it meanwhile)")]
    #[diagnostic(
        code(camplint::fix::changed),
        help(
            "your latest changes are kept; run `camplint check --fix` again to fix the new version"
        )
    )]
    Changed {
        /// The path, relative to the root.
        path: String,
    },
    /// The system refused a read or write.
    #[error("camplint did not fix `{path}`: could not {action}: {source}")]
    #[diagnostic(
        code(camplint::fix::io),
        help("the file is unchanged; check that the disk has space and that you may write in its folder, then run camplint again")
    )]
    Io {
        /// The path, relative to the root (or `.` for the root itself).
        path: String,
        /// What camplint was doing, in a few words.
        action: &'static str,
        /// The system's error.
        #[source]
        source: io::Error,
    },
}

/// What a file looked like when it was read: compared again just before writing.
///
/// The length and the hash catch any change of content; the modification time catches
/// a save that happened to write the same bytes, which is harmless to treat as a
/// change (the user just runs `--fix` again) and cheaper to reason about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileSnapshot {
    /// Length in bytes.
    pub len: u64,
    /// Modification time, when the system reports one.
    pub modified: Option<SystemTime>,
    /// Hash of the bytes.
    pub hash: ContentHash,
}

impl FileSnapshot {
    /// Describes bytes read from a file whose metadata (taken before reading) is given.
    pub fn new(bytes: &[u8], metadata: &Metadata) -> FileSnapshot {
        FileSnapshot {
            len: bytes.len() as u64,
            modified: metadata.modified().ok(),
            hash: ContentHash::of(bytes),
        }
    }
}

/// Reads a file under `root` for fixing: its bytes and the snapshot to write against.
///
/// `path` is relative to `root`, or absolute and inside it. The same refusals as
/// [`write_atomic`] apply, so a file that could never be written is reported before
/// any fix is computed. `--diff` writes nothing and should read files the ordinary
/// way, so that it still shows fixes for a read-only file.
pub fn read_for_fix(root: &Path, path: &Path) -> Result<(Vec<u8>, FileSnapshot), WriteError> {
    let target = resolve(root, path)?;
    read_checked(&target)
}

/// Replaces the file at `path` (under `root`) with `contents`, atomically, if it is still
/// the file described by `expected`.
///
/// On success the file has the new bytes and its old permission bits. On any error the
/// original file is untouched and no temporary file is left behind.
pub fn write_atomic(
    root: &Path,
    path: &Path,
    expected: &FileSnapshot,
    contents: &[u8],
) -> Result<(), WriteError> {
    write_atomic_with(root, path, expected, contents, || {})
}

/// [`write_atomic`] with a hook run just before the last check, so tests can change the
/// file at the worst moment and see that nothing is lost and no temporary file stays.
fn write_atomic_with(
    root: &Path,
    path: &Path,
    expected: &FileSnapshot,
    contents: &[u8],
    before_last_check: impl FnOnce(),
) -> Result<(), WriteError> {
    let target = resolve(root, path)?;
    let (current, metadata) = read_with_metadata(&target)?;
    if FileSnapshot::new(&current, &metadata) != *expected {
        return Err(WriteError::Changed { path: target.rel });
    }
    let dir = target.abs.parent().unwrap_or(Path::new("."));
    let (mut file, mut temp) = create_temp(dir, &target)?;
    let io = |action, source| WriteError::Io {
        path: target.rel.clone(),
        action,
        source,
    };
    file.write_all(contents)
        .map_err(|e| io("write the fixed file", e))?;
    file.set_permissions(metadata.permissions())
        .map_err(|e| io("copy the file's permissions", e))?;
    file.sync_all()
        .map_err(|e| io("save the fixed file to disk", e))?;
    drop(file);
    before_last_check();

    // Last look before the rename: the fix must not replace a version saved while it
    // was being written, nor follow a link put in place meanwhile.
    let target = resolve(root, path)?;
    let (now, now_meta) = read_with_metadata(&target)?;
    if FileSnapshot::new(&now, &now_meta) != *expected {
        return Err(WriteError::Changed { path: target.rel });
    }
    fs::rename(&temp.path, &target.abs).map_err(|e| io("replace the file", e))?;
    temp.keep();
    sync_dir(dir);
    Ok(())
}

/// A file path checked to be under the root with no link on the way.
struct Target {
    abs: PathBuf,
    rel: String,
}

fn resolve(root: &Path, path: &Path) -> Result<Target, WriteError> {
    let shown = path.to_string_lossy().replace('\\', "/");
    let root_abs = root.canonicalize().map_err(|source| WriteError::Io {
        path: ".".into(),
        action: "open the project folder",
        source,
    })?;
    let inside = if path.is_absolute() {
        path.strip_prefix(root)
            .or_else(|_| path.strip_prefix(&root_abs))
            .map_err(|_| WriteError::OutsideRoot {
                path: shown.clone(),
            })?
    } else {
        path
    };
    let mut parts = Vec::new();
    for component in inside.components() {
        match component {
            Component::Normal(part) => parts.push(part),
            Component::CurDir => {}
            // `..` is refused even when it would come back inside: the check is on the
            // path as written, so no folder outside the root is ever looked at.
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                return Err(WriteError::OutsideRoot { path: shown });
            }
        }
    }
    let rel = parts
        .iter()
        .map(|p| p.to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    if parts.is_empty() {
        return Err(WriteError::NotAFile { path: ".".into() });
    }
    let mut abs = root_abs;
    for (i, part) in parts.iter().enumerate() {
        abs.push(part);
        let meta = match fs::symlink_metadata(&abs) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(WriteError::NotAFile { path: rel });
            }
            Err(source) => {
                return Err(WriteError::Io {
                    path: rel,
                    action: "look at the file",
                    source,
                })
            }
        };
        if meta.file_type().is_symlink() {
            let link = parts[..=i]
                .iter()
                .map(|p| p.to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            return Err(WriteError::Symlink { path: rel, link });
        }
    }
    Ok(Target { abs, rel })
}

/// Opens without following a link (so one swapped in after [`resolve`] is refused by
/// the system) and reads the bytes, metadata taken first so that a change during the
/// read shows up as a newer time.
fn read_with_metadata(target: &Target) -> Result<(Vec<u8>, Metadata), WriteError> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK so that a FIFO put in place of the file cannot hang the run.
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let mut file = match options.open(&target.abs) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(WriteError::Changed {
                path: target.rel.clone(),
            })
        }
        Err(e) if is_symlink_refusal(&e) => {
            return Err(WriteError::Symlink {
                path: target.rel.clone(),
                link: target.rel.clone(),
            })
        }
        Err(source) => {
            return Err(WriteError::Io {
                path: target.rel.clone(),
                action: "read the file",
                source,
            })
        }
    };
    let metadata = file.metadata().map_err(|source| WriteError::Io {
        path: target.rel.clone(),
        action: "read the file",
        source,
    })?;
    check_writable(target, &metadata)?;
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.read_to_end(&mut bytes)
        .map_err(|source| WriteError::Io {
            path: target.rel.clone(),
            action: "read the file",
            source,
        })?;
    Ok((bytes, metadata))
}

fn read_checked(target: &Target) -> Result<(Vec<u8>, FileSnapshot), WriteError> {
    let (bytes, metadata) = read_with_metadata(target)?;
    let snapshot = FileSnapshot::new(&bytes, &metadata);
    Ok((bytes, snapshot))
}

#[cfg(unix)]
fn is_symlink_refusal(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::ELOOP)
}

#[cfg(not(unix))]
fn is_symlink_refusal(_: &io::Error) -> bool {
    false
}

fn check_writable(target: &Target, metadata: &Metadata) -> Result<(), WriteError> {
    let rel = || target.rel.clone();
    if !metadata.is_file() {
        return Err(WriteError::NotAFile { path: rel() });
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        // The owner's write bit, not "can this process write": camplint may run as root
        // (in CI containers), which can write anything, and a file its owner marked
        // read-only is still meant to stay as it is.
        if metadata.permissions().mode() & 0o200 == 0 {
            return Err(WriteError::ReadOnly { path: rel() });
        }
        if metadata.nlink() > 1 {
            return Err(WriteError::HardLink { path: rel() });
        }
    }
    #[cfg(not(unix))]
    if metadata.permissions().readonly() {
        return Err(WriteError::ReadOnly { path: rel() });
    }
    Ok(())
}

/// Removes the temporary file when dropped, unless it was renamed into place: every
/// early return (and a panic) cleans up the same way.
struct TempFile {
    path: PathBuf,
    kept: bool,
}

impl TempFile {
    fn keep(&mut self) {
        self.kept = true;
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.kept {
            let _ = fs::remove_file(&self.path);
        }
    }
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Creates a new, empty, private file next to the target. `create_new` (O_EXCL) means
/// an existing file, or a link planted under the chosen name, is never opened.
fn create_temp(dir: &Path, target: &Target) -> Result<(File, TempFile), WriteError> {
    let name = target
        .abs
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut last_error = None;
    for _ in 0..100 {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(
            ".{name}.camplint-fix-{}-{n}.tmp",
            std::process::id()
        ));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // Private until the original's permissions are copied: a contact list must
            // not be readable by others even for a moment.
            options.mode(0o600);
        }
        match options.open(&path) {
            Ok(file) => return Ok((file, TempFile { path, kept: false })),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last_error = Some(e),
            Err(source) => {
                return Err(WriteError::Io {
                    path: target.rel.clone(),
                    action: "create a temporary file next to it",
                    source,
                })
            }
        }
    }
    Err(WriteError::Io {
        path: target.rel.clone(),
        action: "find a free temporary file name next to it",
        source: last_error.unwrap_or_else(|| io::Error::other("no free name")),
    })
}

/// Makes the rename itself durable. Best effort: the new file is already in place and
/// complete, so a folder that cannot be synced is no reason to report a failure.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_file_is_removed_unless_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = Target {
            abs: dir.path().join("a.csv"),
            rel: "a.csv".into(),
        };
        let (_, temp) = create_temp(dir.path(), &target).unwrap();
        let path = temp.path.clone();
        assert!(path.exists());
        drop(temp);
        assert!(!path.exists());
    }

    /// Runs a write whose file is changed by `meddle` after the temporary file exists.
    fn write_while(meddle: impl FnOnce(&Path)) -> (tempfile::TempDir, WriteError) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("vip.csv");
        fs::write(&file, "333 1234567\n").unwrap();
        let (_, snapshot) = read_for_fix(dir.path(), Path::new("vip.csv")).unwrap();
        let err = write_atomic_with(
            dir.path(),
            Path::new("vip.csv"),
            &snapshot,
            b"+393331234567\n",
            || {
                // The temporary file exists now: this is the window the check guards.
                assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
                meddle(&file);
            },
        )
        .unwrap_err();
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("vip.csv")], "{err:?}");
        (dir, err)
    }

    #[test]
    fn a_save_during_the_write_wins_and_the_temp_file_goes() {
        let (dir, err) = write_while(|f| fs::write(f, "333 7654321\n").unwrap());
        assert!(matches!(err, WriteError::Changed { .. }));
        assert_eq!(
            fs::read(dir.path().join("vip.csv")).unwrap(),
            b"333 7654321\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_swapped_in_during_the_write_is_not_followed() {
        let (dir, err) = write_while(|f| {
            fs::remove_file(f).unwrap();
            std::os::unix::fs::symlink("/etc/hostname", f).unwrap();
        });
        assert!(matches!(err, WriteError::Symlink { .. }), "{err:?}");
        let meta = fs::symlink_metadata(dir.path().join("vip.csv")).unwrap();
        assert!(meta.file_type().is_symlink());
    }

    #[cfg(unix)]
    #[test]
    fn a_file_made_read_only_during_the_write_is_kept() {
        use std::os::unix::fs::PermissionsExt;
        let (dir, err) =
            write_while(|f| fs::set_permissions(f, fs::Permissions::from_mode(0o444)).unwrap());
        assert!(matches!(err, WriteError::ReadOnly { .. }), "{err:?}");
        assert_eq!(
            fs::read(dir.path().join("vip.csv")).unwrap(),
            b"333 1234567\n"
        );
    }

    #[test]
    fn dot_dot_is_outside_even_when_it_comes_back() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.csv"), "x").unwrap();
        let name = dir.path().file_name().unwrap().to_owned();
        let sneaky = Path::new("..").join(name).join("a.csv");
        assert!(matches!(
            resolve(dir.path(), &sneaky),
            Err(WriteError::OutsideRoot { .. })
        ));
    }

    #[test]
    fn absolute_path_inside_root_is_accepted() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.csv"), "x").unwrap();
        let t = resolve(dir.path(), &dir.path().join("a.csv")).unwrap();
        assert_eq!(t.rel, "a.csv");
    }

    #[test]
    fn messages_name_the_relative_path_only() {
        let e = WriteError::ReadOnly {
            path: "audiences/vip.csv".into(),
        };
        assert_eq!(
            e.to_string(),
            "camplint did not fix `audiences/vip.csv`: the file is read-only"
        );
    }
}
