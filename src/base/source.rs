//! Source files as loaded from the project, with the line index that turns byte offsets
//! into the line/column positions users see.

use std::ops::Range;
use std::sync::OnceLock;

/// Index of a file in [`Sources`]; stable for one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// What kind of project file a source is; decides which rules look at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileKind {
    /// `camplint.toml`.
    Config,
    /// A campaign definition (`campaigns/*.toml`).
    Campaign,
    /// A message draft (`messages/**/*.md`).
    Draft,
    /// An audience's metadata (`audiences/*.toml`).
    Audience,
    /// An audience's contact list (CSV named by an audience).
    Contacts,
    /// A consent ledger (`consent/*.csv`).
    Ledger,
    /// An attachment, known only by path and metadata.
    Media,
}

/// One file of the project: its path relative to the root and its text.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the project root, with `/` separators.
    pub path: String,
    /// What the file is.
    pub kind: FileKind,
    /// The text; a file that is not UTF-8 holds its lossy decoding so positions still work.
    pub text: String,
    line_starts: OnceLock<Vec<usize>>,
}

/// A 1-based line and column; columns count Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// 1-based line.
    pub line: usize,
    /// 1-based column in Unicode scalar values.
    pub column: usize,
}

impl SourceFile {
    /// A file with its text.
    pub fn new(path: String, kind: FileKind, text: String) -> Self {
        SourceFile {
            path,
            kind,
            text,
            line_starts: OnceLock::new(),
        }
    }

    /// Byte offsets where each line starts (computed once, on first use: most files never
    /// get a diagnostic, so most never pay for it).
    pub fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            // A char pattern searches with memchr: a 2,000,000-line ledger byte by byte
            // took 0.1 s.
            starts.extend(self.text.match_indices('\n').map(|(i, _)| i + 1));
            starts
        })
    }

    /// 0-based line index containing `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        let starts = self.line_starts();
        match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Clamps an offset into the text and onto a char boundary, so a span computed on a
    /// slightly different text can never make position code panic.
    pub fn clamp(&self, offset: usize) -> usize {
        let mut o = offset.min(self.text.len());
        while !self.text.is_char_boundary(o) {
            o -= 1;
        }
        o
    }

    /// Line and column (1-based, Unicode scalar values) of a byte offset.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.clamp(offset);
        let line = self.line_index(offset);
        let start = self.line_starts()[line];
        let column = self.text[start..offset].chars().count() + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// Byte range of a 0-based line, without its line ending.
    pub fn line_range(&self, line: usize) -> Range<usize> {
        let starts = self.line_starts();
        let start = starts.get(line).copied().unwrap_or(self.text.len());
        let mut end = starts
            .get(line + 1)
            .map(|&s| s - 1)
            .unwrap_or(self.text.len());
        if end > start && self.text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        start..end.max(start)
    }
}

/// Every file that was read, indexed by [`FileId`].
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
    // File ids by the hash of their path, compared with the path each file holds: a
    // second copy of 10,000 paths cost more than the hashing. Only looked up, never
    // walked, so its order cannot reach the output.
    by_path: hashbrown::HashTable<FileId>,
}

/// The hash of a path in [`Sources`]' index.
fn path_hash(path: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(path)
}

impl Sources {
    /// Makes room for `n` more files.
    pub fn reserve(&mut self, n: usize) {
        self.files.reserve(n);
        let files = &self.files;
        self.by_path.reserve(n, |id| {
            path_hash(files.get(id.0 as usize).map_or("", |f| f.path.as_str()))
        });
    }

    /// Adds a file and returns its id (a second file with the same path takes over the
    /// path's lookups).
    pub fn add(&mut self, file: SourceFile) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        let files = &self.files;
        let path_of = |id: &FileId| files.get(id.0 as usize).map_or("", |f| f.path.as_str());
        match self.by_path.entry(
            path_hash(&file.path),
            |other| path_of(other) == file.path,
            |other| path_hash(path_of(other)),
        ) {
            hashbrown::hash_table::Entry::Occupied(mut e) => *e.get_mut() = id,
            hashbrown::hash_table::Entry::Vacant(e) => {
                e.insert(id);
            }
        }
        self.files.push(file);
        id
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Lends a file's text out while its source is borrowed elsewhere (the loader
    /// parses the ledger on one core while contact lists are added on the other); give
    /// it back with [`Sources::put_text`] before positions are asked of the file.
    pub fn take_text(&mut self, id: FileId) -> String {
        self.files
            .get_mut(id.0 as usize)
            .map(|f| std::mem::take(&mut f.text))
            .unwrap_or_default()
    }

    /// Gives back a text lent by [`Sources::take_text`].
    pub fn put_text(&mut self, id: FileId, text: String) {
        if let Some(f) = self.files.get_mut(id.0 as usize) {
            f.text = text;
        }
    }

    /// Finds a file by its root-relative path.
    pub fn find(&self, path: &str) -> Option<FileId> {
        self.by_path
            .find(path_hash(path), |id| {
                self.files
                    .get(id.0 as usize)
                    .is_some_and(|f| f.path == path)
            })
            .copied()
    }

    /// All files with their ids.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when nothing was read.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_scalar_values_not_bytes() {
        let f = SourceFile::new("a".into(), FileKind::Draft, "città\nperché è 20%".into());
        let off = f.text.find("20%").unwrap();
        assert_eq!(
            f.line_col(off),
            LineCol {
                line: 2,
                column: 10
            }
        );
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        // An offset past the end clamps instead of panicking.
        assert_eq!(f.line_col(10_000).line, 2);
    }

    #[test]
    fn line_range_drops_crlf() {
        let f = SourceFile::new("a".into(), FileKind::Draft, "ab\r\ncd".into());
        assert_eq!(&f.text[f.line_range(0)], "ab");
        assert_eq!(&f.text[f.line_range(1)], "cd");
    }
}
