//! Reading and parsing one project file on its own, so that every file can be loaded on
//! any thread. Each file's result carries its diagnostics in the order a one-file-at-a-
//! time loader pushes them, and the file id it will get; the loader merges the results
//! in path order, so a run on one thread and a run on many give the same bytes.

use chrono_tz::Tz;

use super::audience::{self, Audience};
use super::campaign::{self, Campaign};
use super::contact::{Handles, PhoneReader};
use super::draft::{self, Draft};
use super::fs::{FileSource, ReadProblem};
use super::ledger::{self, Ledger};
use super::parse::{ENCODING, SCHEMA, TOML, UNREADABLE};
use crate::base::diagnostic::{Diagnostic, Sink};
use crate::base::rule::{Catalogue, Rule};
use crate::base::source::{FileId, FileKind, SourceFile, Sources};

/// A file as read: its source, the diagnostics of reading it, and why it cannot be
/// checked in a few plain words (when it cannot).
#[derive(Debug)]
pub struct ReadFile {
    /// The file, to be added to the project's sources as `id`.
    pub source: SourceFile,
    /// The encoding or unreadable-file finding, if any.
    pub sink: Sink,
    /// Why the file cannot be checked.
    pub problem: Option<String>,
}

/// Reads `rel` as the file that will get `id`; a file that cannot be read becomes an
/// empty (or lossily decoded) source with a finding that says why.
pub fn read_file(files: &dyn FileSource, rel: &str, kind: FileKind, id: FileId) -> ReadFile {
    let mut sink = Sink::default();
    match files.read_text(rel) {
        Ok(text) => ReadFile {
            source: SourceFile::new(rel.to_string(), kind, text),
            sink,
            problem: None,
        },
        Err(ReadProblem::NotUtf8 { lossy, offset }) => {
            let source = SourceFile::new(rel.to_string(), kind, lossy);
            let end = source.clamp(offset + 1).max(offset);
            let end = if end == offset {
                source.text[offset..]
                    .chars()
                    .next()
                    .map_or(offset, |c| offset + c.len_utf8())
            } else {
                end
            };
            sink.push(Diagnostic::new(
                &ENCODING,
                id,
                offset..end,
                format!("{rel} is not UTF-8 text: the marked character cannot be read"),
                "save the file again with UTF-8 encoding (in Excel: \"CSV UTF-8\")",
            ));
            let problem = ReadProblem::NotUtf8 {
                lossy: String::new(),
                offset,
            };
            ReadFile {
                source,
                sink,
                problem: Some(problem.describe()),
            }
        }
        Err(problem) => {
            sink.push(Diagnostic::new(
                &UNREADABLE,
                id,
                0..0,
                format!("{rel} cannot be checked: {}", problem.describe()),
                "replace it with a regular file inside the project folder, or exclude it in [paths]",
            ));
            ReadFile {
                source: SourceFile::new(rel.to_string(), kind, String::new()),
                sink,
                problem: Some(problem.describe()),
            }
        }
    }
}

/// One file the globs selected, with the id it gets.
#[derive(Debug)]
pub struct Job {
    /// What the globs say it is.
    pub kind: FileKind,
    /// Root-relative path.
    pub rel: String,
    /// Its id in the project's sources.
    pub id: FileId,
    /// Already among the sources (then it is not read again).
    pub known: bool,
}

/// What a file holds, parsed.
#[derive(Debug)]
pub enum Parsed {
    /// A campaign.
    Campaign(Campaign),
    /// An audience's metadata.
    Audience(Audience),
    /// A draft.
    Draft(Draft),
    /// A ledger, with the handles it interned on its own.
    /// A ledger, read but left to parse with [`load_ledger`] once every other file is
    /// in, so its rows (the largest file of a project) are parsed while the contact
    /// lists are.
    LedgerLater,
    /// Nothing to keep (unreadable, broken TOML, or a kind found otherwise).
    Nothing,
}

/// A file read and parsed on its own.
#[derive(Debug)]
pub struct Loaded {
    /// The new source (none when the file was already known).
    pub source: Option<SourceFile>,
    /// Every finding about the file, in the order they were found.
    pub sink: Sink,
    /// Why the file cannot be checked.
    pub problem: Option<String>,
    /// Rules its `camplint-disable` comments turn off.
    pub off: Vec<&'static Rule>,
    /// What it holds.
    pub parsed: Parsed,
}

/// What [`load_file`] needs besides the file: shared, read-only.
pub struct Shared<'a> {
    /// Where files come from.
    pub files: &'a dyn FileSource,
    /// Files read before (the config).
    pub sources: &'a Sources,
    /// Codes `camplint-disable` may name.
    pub catalogue: &'a Catalogue,
}

/// Parses a ledger's text into its events and the X handles it names.
pub fn load_ledger(
    id: FileId,
    text: &str,
    timezone: Tz,
    phones: &PhoneReader,
    sink: &mut Sink,
) -> (Ledger, Handles) {
    let mut handles = Handles::default();
    let l = ledger::load(id, text, timezone, phones, &mut handles, sink);
    (l, handles)
}

/// Reads and parses one selected file.
pub fn load_file(job: &Job, shared: &Shared<'_>) -> Loaded {
    let (source, mut sink, problem) = if job.known {
        (None, Sink::default(), None)
    } else {
        let read = read_file(shared.files, &job.rel, job.kind, job.id);
        (Some(read.source), read.sink, read.problem)
    };
    let mut loaded = Loaded {
        source,
        sink: Sink::default(),
        problem,
        off: Vec::new(),
        parsed: Parsed::Nothing,
    };
    if loaded.problem.is_some() {
        loaded.sink = sink;
        return loaded;
    }
    let text = match &loaded.source {
        Some(s) => s.text.as_str(),
        None => shared.sources.get(job.id).text.as_str(),
    };
    let id = job.id;
    loaded.off = directives(
        id,
        text,
        job.kind == FileKind::Draft,
        shared.catalogue,
        &mut sink,
    );
    let s = &mut sink;
    loaded.parsed = match job.kind {
        FileKind::Campaign => parse_toml(id, text, s).map_or(Parsed::Nothing, |raw| {
            Parsed::Campaign(campaign::validate(stem(&job.rel), id, raw, s))
        }),
        FileKind::Audience => parse_toml(id, text, s).map_or(Parsed::Nothing, |raw| {
            Parsed::Audience(audience::validate(stem(&job.rel), id, raw, s))
        }),
        FileKind::Draft => Parsed::Draft(draft::load(id, job.rel.clone(), text, s)),
        FileKind::Ledger => Parsed::LedgerLater,
        FileKind::Config | FileKind::Contacts | FileKind::Media => Parsed::Nothing,
    };
    loaded.sink = sink;
    loaded
}

/// A contact list parsed for one audience: its `camplint-disable` rules, its findings
/// and the handles it interned on its own.
#[derive(Debug, Default)]
pub struct ContactsRead {
    /// Rules its comments turn off.
    pub off: Vec<&'static Rule>,
    /// Its findings, in the order they were found.
    pub sink: Sink,
    /// Handles interned while reading it.
    pub handles: Handles,
}

/// Reads the contact list `csv` (already among `sources`) into `audience`.
pub fn load_contacts(
    audience: &mut Audience,
    csv: FileId,
    sources: &Sources,
    catalogue: &Catalogue,
    phones: &PhoneReader,
) -> ContactsRead {
    let mut read = ContactsRead::default();
    let text = sources.get(csv).text.as_str();
    read.off = directives(csv, text, false, catalogue, &mut read.sink);
    audience::read_contacts(
        audience,
        csv,
        text,
        phones,
        &mut read.handles,
        &mut read.sink,
    );
    read
}

/// Collects `camplint-disable` directives from comment lines. `md` selects Markdown
/// comments (`<!-- ... -->`) instead of `#` lines.
fn directives(
    file: FileId,
    text: &str,
    md: bool,
    catalogue: &Catalogue,
    sink: &mut Sink,
) -> Vec<&'static Rule> {
    let mut rules = Vec::new();
    let mut found = |body: &str, base: usize, sink: &mut Sink| {
        // Only a comment that is a directive counts, not one that mentions it in prose.
        let lead = body.len() - body.trim_start().len();
        if !body[lead..].starts_with("camplint-disable") {
            return;
        }
        let i = lead;
        let after = i + "camplint-disable".len();
        let mut pos = base + after;
        for part in body[after..].split(',') {
            let code = part.trim();
            let start = pos + (part.len() - part.trim_start().len());
            pos += part.len() + 1;
            if code.is_empty() {
                continue;
            }
            match catalogue.find(code) {
                Some(r) => rules.push(r),
                None => {
                    let help = match catalogue.suggest(code) {
                        Some(near) => {
                            format!("did you mean `{near}`? `camplint rules` lists every code")
                        }
                        None => "use a code from `camplint rules`".to_string(),
                    };
                    sink.push(Diagnostic::new(
                        &crate::project::suppress::UNKNOWN_RULE,
                        file,
                        start..start + code.len(),
                        format!(
                            "`{code}` is not a camplint rule, so this comment turns nothing off"
                        ),
                        help,
                    ));
                }
            }
        }
    };
    if md {
        let mut from = 0;
        while let Some(open) = text[from..].find("<!--") {
            let start = from + open + 4;
            let end = text[start..].find("-->").map_or(text.len(), |i| start + i);
            found(&text[start..end], start, sink);
            from = end;
        }
    } else {
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim_start();
            if let Some(rest) = trimmed.strip_prefix('#') {
                let base = offset + (line.len() - trimmed.len()) + 1;
                found(rest.trim_end(), base, sink);
            }
            offset += line.len();
        }
    }
    rules
}

fn stem(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.rsplit_once('.').map_or(name, |(s, _)| s).to_string()
}

fn parse_toml<T: serde::de::DeserializeOwned>(
    id: FileId,
    text: &str,
    sink: &mut Sink,
) -> Option<T> {
    match crate::base::toml_util::parse::<T>(text) {
        Ok(v) => Some(v),
        Err((syntax, e)) => {
            sink.push(Diagnostic::new(
                if syntax { &TOML } else { &SCHEMA },
                id,
                e.span,
                e.message,
                e.help,
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::declare_rule;

    declare_rule! {
        /// A rule for these tests only.
        static OPTOUT = ("optout/missing", Warning, "test rule");
    }
    declare_rule! {
        /// Another.
        static AUDIENCE = ("ref/unknown-audience", Error, "test rule");
    }
    const CATALOGUE: Catalogue = Catalogue(&[&OPTOUT, &AUDIENCE]);

    #[test]
    fn only_comments_that_are_directives_disable_rules() {
        let mut sink = Sink::default();
        let md = "<!-- camplint-disable optout/missing -->\n<!-- do not use camplint-disable offer/missing here -->\n";
        let off = directives(FileId(0), md, true, &CATALOGUE, &mut sink);
        assert_eq!(
            off.iter().map(|r| r.code).collect::<Vec<_>>(),
            ["optout/missing"]
        );
        let toml =
            "# camplint-disable ref/unknown-audience, nope/x\nname = \"# camplint-disable\"\n";
        let off = directives(FileId(0), toml, false, &CATALOGUE, &mut sink);
        assert_eq!(off.len(), 1);
        assert_eq!(sink.as_slice().len(), 1, "the unknown code is a warning");
    }
}
