//! The file-system side of probing: where an attachment really is, whether it may be
//! opened at all, and opening it without ever blocking. Content is [`super::sniff`]'s.

use super::sniff::sniff;
use super::{Format, MediaInfo};
use std::collections::BTreeMap;
use std::fmt;
use std::fs::{self, File};
use std::io;
use std::path::{Component, Path, PathBuf};

/// Why a file could not be probed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeError {
    /// Nothing exists at that path.
    NotFound,
    /// The path leaves the project root (lexically or through a symlink); never read.
    OutsideRoot,
    /// The path is a directory, FIFO, socket or device; never opened.
    NotRegularFile(SpecialFile),
    /// The file exists but could not be opened or read.
    Unreadable(io::ErrorKind),
}

/// What a non-regular path turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecialFile {
    /// A directory.
    Directory,
    /// A named pipe (FIFO); opening it could block forever.
    Fifo,
    /// A Unix domain socket.
    Socket,
    /// A block or character device.
    Device,
    /// Anything else the file system reports.
    Other,
}

impl SpecialFile {
    /// Plain words for messages, e.g. "a folder".
    pub fn describe(self) -> &'static str {
        match self {
            SpecialFile::Directory => "a folder",
            SpecialFile::Fifo => "a named pipe (FIFO)",
            SpecialFile::Socket => "a socket",
            SpecialFile::Device => "a device",
            SpecialFile::Other => "not a regular file",
        }
    }
}

impl fmt::Display for ProbeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProbeError::NotFound => f.write_str("the file does not exist"),
            ProbeError::OutsideRoot => f.write_str("the path leaves the project folder"),
            ProbeError::NotRegularFile(kind) => write!(f, "the path is {}", kind.describe()),
            ProbeError::Unreadable(kind) => write!(f, "the file cannot be read ({kind})"),
        }
    }
}

impl std::error::Error for ProbeError {}

fn io_error(err: &io::Error) -> ProbeError {
    match err.kind() {
        io::ErrorKind::NotFound => ProbeError::NotFound,
        kind => ProbeError::Unreadable(kind),
    }
}

fn special_kind(file_type: fs::FileType) -> SpecialFile {
    if file_type.is_dir() {
        return SpecialFile::Directory;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return SpecialFile::Fifo;
        }
        if file_type.is_socket() {
            return SpecialFile::Socket;
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return SpecialFile::Device;
        }
    }
    SpecialFile::Other
}

/// Resolves an attachment reference written in a draft to a path inside `root`.
///
/// `root` and `draft_dir` (the folder of the draft) must be in the same form, both
/// absolute as the loader holds them. Remote URLs must be filtered out before. The
/// reference is first normalised without touching the disk, so a path that climbs out of
/// the root is refused before anything is looked up; then symlinks are resolved and the
/// real path must still be under the real root.
pub fn resolve_attachment(
    root: &Path,
    draft_dir: &Path,
    reference: &str,
) -> Result<PathBuf, ProbeError> {
    Resolver::new(root).resolve(draft_dir, reference)
}

/// [`resolve_attachment`] for many references: the root is resolved once, and each
/// distinct path once, however many drafts attach it (resolving a path costs a `readlink`
/// per folder on the way: a thousand drafts sharing a hundred images cost 8,000 of them).
#[derive(Debug)]
pub struct Resolver<'a> {
    root: &'a Path,
    real_root: Option<Result<PathBuf, ProbeError>>,
    seen: BTreeMap<PathBuf, Result<PathBuf, ProbeError>>,
}

impl<'a> Resolver<'a> {
    /// Resolves references under `root` (absolute, as the loader holds it).
    pub fn new(root: &'a Path) -> Self {
        Resolver {
            root,
            real_root: None,
            seen: BTreeMap::new(),
        }
    }

    /// Resolves one reference written in a draft whose folder is `draft_dir`.
    pub fn resolve(&mut self, draft_dir: &Path, reference: &str) -> Result<PathBuf, ProbeError> {
        let reference = Path::new(reference);
        if reference.is_absolute() || reference.has_root() {
            return Err(ProbeError::OutsideRoot);
        }
        let mut lexical = PathBuf::new();
        for part in draft_dir.join(reference).components() {
            match part {
                Component::ParentDir => {
                    if !lexical.pop() {
                        return Err(ProbeError::OutsideRoot);
                    }
                }
                Component::CurDir => {}
                other => lexical.push(other),
            }
        }
        if !lexical.starts_with(self.root) {
            return Err(ProbeError::OutsideRoot);
        }
        if let Some(known) = self.seen.get(&lexical) {
            return known.clone();
        }
        let root = self.root;
        let real_root = self
            .real_root
            .get_or_insert_with(|| fs::canonicalize(root).map_err(|e| io_error(&e)))
            .clone()?;
        let real = match fs::canonicalize(&lexical) {
            Ok(real) if real.starts_with(&real_root) => Ok(real),
            Ok(_) => Err(ProbeError::OutsideRoot),
            Err(e) => Err(io_error(&e)),
        };
        self.seen.insert(lexical, real.clone());
        real
    }
}

/// Probes one file: refuses anything but a regular file without opening it, takes the
/// size from metadata, and reads only headers.
pub fn probe(path: &Path) -> Result<MediaInfo, ProbeError> {
    // `metadata` follows symlinks; the caller has already checked that the target stays
    // inside the project (see `resolve_attachment`).
    let meta = fs::metadata(path).map_err(|e| io_error(&e))?;
    if !meta.is_file() {
        return Err(ProbeError::NotRegularFile(special_kind(meta.file_type())));
    }
    let mut file = open_without_blocking(path).map_err(|e| io_error(&e))?;
    // The path could have been swapped for a FIFO between the two calls; the descriptor
    // is what we will read, so check it again.
    let opened = file.metadata().map_err(|e| io_error(&e))?;
    if !opened.is_file() {
        return Err(ProbeError::NotRegularFile(special_kind(opened.file_type())));
    }
    let mut info = sniff(&mut file, opened.len()).map_err(|e| io_error(&e))?;
    info.named_as = extension_format(path);
    Ok(info)
}

#[cfg(unix)]
fn open_without_blocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK makes opening a FIFO that replaced the file return at once instead of
    // waiting for a writer; on a regular file it changes nothing.
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// The format a file name claims by its extension (case-insensitive), if any.
pub fn extension_format(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "jpg" | "jpeg" | "jpe" | "jfif" => Format::Jpeg,
        "png" => Format::Png,
        "gif" => Format::Gif,
        "webp" => Format::WebP,
        "bmp" => Format::Bmp,
        "tif" | "tiff" => Format::Tiff,
        "heic" | "heif" => Format::Heic,
        "avif" => Format::Avif,
        "mp4" | "m4v" => Format::Mp4,
        "mov" | "qt" => Format::Mov,
        "3gp" | "3gpp" => Format::ThreeGp,
        "3g2" => Format::ThreeG2,
        "m4a" => Format::M4a,
        "webm" => Format::WebM,
        "mkv" => Format::Matroska,
        "avi" => Format::Avi,
        "mp3" => Format::Mp3,
        "aac" => Format::Aac,
        "opus" => Format::OggOpus,
        "ogg" | "oga" => Format::OggOther,
        "amr" => Format::Amr,
        "wav" => Format::Wav,
        "flac" => Format::Flac,
        "pdf" => Format::Pdf,
        "docx" => Format::Docx,
        "xlsx" => Format::Xlsx,
        "pptx" => Format::Pptx,
        "doc" | "xls" | "ppt" => Format::OfficeLegacy,
        "odt" | "ods" | "odp" => Format::OpenDocument,
        "zip" => Format::Zip,
        "txt" | "text" => Format::Text,
        _ => return None,
    })
}
