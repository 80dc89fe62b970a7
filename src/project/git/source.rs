//! The base tree as a [`FileSource`], so the loader reads an earlier commit exactly as
//! it reads the disk: the same checks, the same problems for the same files.
//!
//! Text comes from the bytes in memory. Media (and the few checks that look at a path on
//! disk) read under [`FileSource::root`]; for the base that is a private copy of the tree
//! in a temporary folder, so a video replaced in the change is judged as it was at the
//! base on that side, not as it is now. The repository itself is never written.

use std::path::{Path, PathBuf};

use super::tree::{BaseContent, BaseTree};
use crate::project::fs::{join_relative, parent, FileSource, Listing, ReadProblem, MAX_FILE_SIZE};

/// How many links in a row are followed before giving up (as the kernel's ELOOP limit).
const MAX_LINK_HOPS: usize = 40;

/// A [`BaseTree`] read like a project folder.
#[derive(Debug)]
pub struct BaseSource<'a> {
    tree: &'a BaseTree,
    copy: TempCopy,
}

impl<'a> BaseSource<'a> {
    /// Wraps `tree`, writing a private copy of its files to a temporary folder for the
    /// checks that read from disk (removed again when the source is dropped).
    pub fn new(tree: &'a BaseTree) -> std::io::Result<BaseSource<'a>> {
        let copy = TempCopy::write(tree)?;
        Ok(BaseSource { tree, copy })
    }

    /// Follows links inside the tree to the file they lead to.
    fn resolve(&self, rel: &str) -> Result<(String, &'a [u8]), ReadProblem> {
        let mut path = rel.to_string();
        for _ in 0..MAX_LINK_HOPS {
            let Some(entry) = self.tree.files.get(&path) else {
                // A path under a folder of the tree (a link to a folder points here).
                let dir = format!("{path}/");
                if self.tree.files.keys().any(|k| k.starts_with(&dir)) {
                    return Err(ReadProblem::NotRegular);
                }
                return Err(ReadProblem::Missing);
            };
            match &entry.content {
                BaseContent::File { bytes, .. } => return Ok((path, bytes.as_slice())),
                BaseContent::Link { target } => {
                    let target = std::str::from_utf8(target).map_err(|_| ReadProblem::Missing)?;
                    // A target that climbs out of the root, or is absolute, leaves the
                    // project: the disk source refuses it the same way.
                    path = join_relative(parent(&path), target).ok_or(ReadProblem::OutsideRoot)?;
                    if path.is_empty() {
                        return Err(ReadProblem::NotRegular);
                    }
                }
            }
        }
        Err(ReadProblem::Io(
            "too many levels of symbolic links".to_string(),
        ))
    }
}

impl FileSource for BaseSource<'_> {
    fn root(&self) -> &Path {
        &self.copy.dir
    }

    fn list(&self) -> Listing {
        let mut listing = Listing::default();
        for (path, entry) in &self.tree.files {
            if entry.lossy {
                listing.bad_names.push(path.clone());
            } else {
                listing.files.push(path.clone());
            }
        }
        listing
    }

    fn inspect(&self, rel: &str) -> Result<u64, ReadProblem> {
        let (_, bytes) = self.resolve(rel)?;
        let size = bytes.len() as u64;
        if size > MAX_FILE_SIZE {
            return Err(ReadProblem::TooLarge(size));
        }
        Ok(size)
    }

    fn read_text(&self, rel: &str) -> Result<String, ReadProblem> {
        self.inspect(rel)?;
        let (_, bytes) = self.resolve(rel)?;
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(text.to_string()),
            Err(e) => Err(ReadProblem::NotUtf8 {
                lossy: String::from_utf8_lossy(bytes).into_owned(),
                offset: e.valid_up_to(),
            }),
        }
    }
}

/// A temporary folder holding the base's files, deleted on drop.
#[derive(Debug)]
struct TempCopy {
    dir: PathBuf,
}

impl TempCopy {
    fn write(tree: &BaseTree) -> std::io::Result<TempCopy> {
        let base = std::env::temp_dir();
        let mut n = 0u32;
        // create_dir fails when the name is taken, so two runs never share a folder.
        let dir = loop {
            let candidate = base.join(format!("camplint-base-{}-{n}", std::process::id()));
            match std::fs::create_dir(&candidate) {
                Ok(()) => break candidate,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
                Err(e) => return Err(e),
            }
        };
        // Canonical, because links are judged by whether they land under the root.
        let copy = TempCopy {
            dir: std::fs::canonicalize(&dir)?,
        };
        for (path, entry) in &tree.files {
            if entry.lossy {
                continue;
            }
            let at = crate::project::fs::absolute(&copy.dir, path);
            if let Some(folder) = at.parent() {
                std::fs::create_dir_all(folder)?;
            }
            match &entry.content {
                BaseContent::File { bytes, .. } => std::fs::write(&at, bytes)?,
                BaseContent::Link { target } => link(target, &at)?,
            }
        }
        Ok(copy)
    }
}

impl Drop for TempCopy {
    fn drop(&mut self) {
        // Nothing to tell anyone if cleaning the temporary folder fails.
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(unix)]
fn link(target: &[u8], at: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    std::os::unix::fs::symlink(std::ffi::OsStr::from_bytes(target), at)
}

/// Without symbolic links the copy leaves the link out: on that side the file is absent,
/// which only matters for media behind a link.
#[cfg(not(unix))]
fn link(_target: &[u8], _at: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::project::git::{BaseChoice, BaseCommit, BaseEntry};

    fn tree(files: &[(&str, BaseContent)]) -> BaseTree {
        let mut map = BTreeMap::new();
        for (p, c) in files {
            map.insert(
                p.to_string(),
                BaseEntry {
                    raw_path: p.as_bytes().to_vec(),
                    lossy: false,
                    id: String::new(),
                    content: c.clone(),
                },
            );
        }
        BaseTree {
            commit: BaseCommit {
                rev: "main".into(),
                rev_id: String::new(),
                id: String::new(),
                short: String::new(),
                choice: BaseChoice::Ancestor,
                head: String::new(),
            },
            root_prefix: String::new(),
            existed: true,
            files: map,
            skipped: Vec::new(),
        }
    }

    fn file(b: &[u8]) -> BaseContent {
        BaseContent::File {
            bytes: b.to_vec(),
            executable: false,
        }
    }

    fn link_to(t: &str) -> BaseContent {
        BaseContent::Link {
            target: t.as_bytes().to_vec(),
        }
    }

    #[test]
    fn reads_like_the_disk_does() {
        let t = tree(&[
            ("a.md", file(b"\xEF\xBB\xBFciao")),
            ("bad.csv", file(b"ok\xFFno")),
            ("m/in.md", link_to("../a.md")),
            ("m/out.md", link_to("../../etc/passwd")),
            ("m/dir", link_to("../sub")),
            ("sub/x.md", file(b"x")),
        ]);
        let s = BaseSource::new(&t).unwrap();
        assert_eq!(s.read_text("a.md").unwrap(), "ciao");
        assert_eq!(s.read_text("m/in.md").unwrap(), "ciao");
        assert_eq!(s.inspect("m/out.md"), Err(ReadProblem::OutsideRoot));
        assert_eq!(s.inspect("m/dir"), Err(ReadProblem::NotRegular));
        assert_eq!(s.inspect("nope.md"), Err(ReadProblem::Missing));
        match s.read_text("bad.csv") {
            Err(ReadProblem::NotUtf8 { offset, .. }) => assert_eq!(offset, 2),
            other => panic!("{other:?}"),
        }
        assert_eq!(s.list().files.len(), 6);
        let dir = s.root().to_path_buf();
        assert!(dir.join("sub/x.md").is_file());
        drop(s);
        assert!(!dir.exists());
    }
}
