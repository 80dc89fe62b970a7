//! Loading a project: finding its files by the `[paths]` globs, reading each one safely
//! and parsing it with positions into the immutable [`Project`] that rules look at.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::base::diagnostic::{Diagnostic, Sink};
use crate::base::rule::{Catalogue, Rule};
use crate::base::source::{FileId, FileKind, SourceFile, Sources};
use crate::declare_rule;
use crate::domain::phone::Region;
use crate::project::config::Config;
use crate::project::fs::{Disk, FileSource, Listing};
use crate::project::parse::{ENCODING, SCHEMA, TOML, UNREADABLE};

pub mod audience;
pub mod campaign;
pub mod config;
pub mod contact;
pub mod csv_table;
pub mod draft;
pub mod fixes;
pub mod fs;
pub mod git;
pub mod ledger;
pub mod parse;
pub mod suppress;

declare_rule! {
    /// ## What it does
    /// Reports an audience whose `contacts` names a CSV file that does not exist.
    ///
    /// ## Why is this bad?
    /// The audience has no recipients, so its consent and frequency cannot be checked.
    ///
    /// ## Example
    /// ```toml
    /// contacts = "vip.cvs"
    /// ```
    ///
    /// ## How to fix
    /// Correct the file name; it is relative to the audience file.
    pub static MISSING_CONTACTS = ("ref/missing-contacts", Error, "an audience names a contact list that does not exist");
}

pub use audience::{Audience, Contact};
pub use campaign::{Campaign, Offer, Send};
pub use contact::{ContactKey, Handles, PhoneForm, PhoneReader};
pub use draft::Draft;
pub use ledger::{Action, ConsentEvent, Ledger};

/// The config file's name.
pub const CONFIG_FILE: &str = "camplint.toml";

/// Everything that was loaded; rules only read it.
#[derive(Debug)]
pub struct Project {
    /// The root folder (canonical, absolute; never printed).
    pub root: PathBuf,
    /// Every file read, by id.
    pub sources: Sources,
    /// `camplint.toml`'s file id.
    pub config_file: FileId,
    /// Validated settings.
    pub config: Config,
    /// Campaigns, sorted by path.
    pub campaigns: Vec<Campaign>,
    /// Drafts, sorted by path.
    pub drafts: Vec<Draft>,
    /// Audiences, sorted by path.
    pub audiences: Vec<Audience>,
    /// Ledgers, sorted by path.
    pub ledgers: Vec<Ledger>,
    /// Case-folded X handles.
    pub handles: Handles,
    /// Rules turned off per file by `camplint-disable` comments.
    pub disabled: BTreeMap<FileId, Vec<&'static Rule>>,
    /// Files the globs selected that could not be read (their `parse/*` finding says
    /// so), by path, with the reason in plain words; rules that refer to them say why.
    pub unreadable: BTreeMap<String, String>,
}

impl Project {
    /// The draft at a root-relative path.
    pub fn draft(&self, path: &str) -> Option<&Draft> {
        self.drafts
            .binary_search_by(|d| d.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.drafts[i])
    }

    /// The audience with this id.
    pub fn audience(&self, id: &str) -> Option<&Audience> {
        self.audiences.iter().find(|a| a.id == id)
    }

    /// The text of a file.
    pub fn text(&self, file: FileId) -> &str {
        &self.sources.get(file).text
    }
}

/// Why a project could not be loaded at all (exit 2).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum LoadError {
    /// No `camplint.toml` above the starting folder.
    #[error("no camplint.toml found in {0} or any folder above it")]
    #[diagnostic(
        code(camplint::no_project),
        help("run camplint inside a project, pass --root DIR, or create one with `camplint init DIR`")
    )]
    NoProject(String),
    /// The root cannot be read.
    #[error("cannot read the project folder {0}: {1}")]
    #[diagnostic(code(camplint::unreadable_root))]
    Root(String, String),
    /// `--root` names a folder without `camplint.toml`.
    #[error("{0} has no camplint.toml")]
    #[diagnostic(
        code(camplint::no_config),
        help("--root must name the project's folder, the one with camplint.toml; `camplint init DIR` creates one")
    )]
    NoConfigAtRoot(String),
    /// A PATH argument that does not exist.
    #[error("{0} does not exist")]
    #[diagnostic(
        code(camplint::path_missing),
        help("check the spelling; paths are read from the current folder (or from the project root with --root)")
    )]
    PathMissing(String),
    /// A PATH argument that is not inside the project.
    #[error("{0} is not inside the project at {1}")]
    #[diagnostic(
        code(camplint::path_outside),
        help("pass files and folders of this project, or name its root with --root")
    )]
    PathOutside(String, String),
    /// `camplint.toml` is broken: its diagnostics, and the sources to print them with.
    #[error("camplint.toml is invalid")]
    #[diagnostic(code(config::invalid))]
    Config(Vec<Diagnostic>, Sources),
}

/// Finds the project root: the nearest folder at or above `start` with `camplint.toml`.
pub fn find_root(start: &Path) -> Result<PathBuf, LoadError> {
    let start = std::fs::canonicalize(start)
        .map_err(|e| LoadError::Root(start.display().to_string(), e.to_string()))?;
    let mut dir = if start.is_file() {
        start
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or(start.clone())
    } else {
        start.clone()
    };
    loop {
        if dir.join(CONFIG_FILE).is_file() {
            return Ok(dir);
        }
        if !dir.pop() {
            return Err(LoadError::NoProject(start.display().to_string()));
        }
    }
}

/// Reads a file into `sources`, reporting why it could not be read. Returns the id and,
/// when it is not readable UTF-8, why not in a few plain words.
fn read_into(
    files: &dyn FileSource,
    rel: &str,
    kind: FileKind,
    sources: &mut Sources,
    sink: &mut Sink,
) -> (FileId, Option<String>) {
    if let Some(id) = sources.find(rel) {
        return (id, None);
    }
    match files.read_text(rel) {
        Ok(text) => (
            sources.add(SourceFile::new(rel.to_string(), kind, text)),
            None,
        ),
        Err(fs::ReadProblem::NotUtf8 { lossy, offset }) => {
            let id = sources.add(SourceFile::new(rel.to_string(), kind, lossy));
            let end = sources.get(id).clamp(offset + 1).max(offset);
            let end = if end == offset {
                sources.get(id).text[offset..]
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
            (
                id,
                Some(
                    fs::ReadProblem::NotUtf8 {
                        lossy: String::new(),
                        offset,
                    }
                    .describe(),
                ),
            )
        }
        Err(problem) => {
            let id = sources.add(SourceFile::new(rel.to_string(), kind, String::new()));
            sink.push(Diagnostic::new(
                &UNREADABLE,
                id,
                0..0,
                format!("{rel} cannot be checked: {}", problem.describe()),
                "replace it with a regular file inside the project folder, or exclude it in [paths]",
            ));
            (id, Some(problem.describe()))
        }
    }
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

/// Loads the project at `root` (which holds `camplint.toml`). File-level problems go to
/// `sink`; only a broken `camplint.toml` or an unreadable root is an error.
pub fn load(root: &Path, catalogue: &Catalogue, sink: &mut Sink) -> Result<Project, LoadError> {
    let root = std::fs::canonicalize(root)
        .map_err(|e| LoadError::Root(root.display().to_string(), e.to_string()))?;
    load_from(&Disk::new(root), catalogue, sink)
}

/// Loads the project whose files `files` gives (the disk, unsaved editor buffers over
/// it, or an earlier commit).
pub fn load_from(
    files: &dyn FileSource,
    catalogue: &Catalogue,
    sink: &mut Sink,
) -> Result<Project, LoadError> {
    let root = files.root().to_path_buf();
    let mut sources = Sources::default();
    let mut config_sink = Sink::default();
    let (config_file, readable) = read_into(
        files,
        CONFIG_FILE,
        FileKind::Config,
        &mut sources,
        &mut config_sink,
    );
    let config = if readable.is_none() {
        config::parse(&sources.get(config_file).text, catalogue).map_err(|problems| {
            problems
                .into_iter()
                .map(|p| {
                    Diagnostic::new(
                        &crate::project::config::INVALID,
                        config_file,
                        p.span,
                        p.message,
                        p.help,
                    )
                })
                .collect::<Vec<_>>()
        })
    } else {
        Err(config_sink
            .into_vec()
            .into_iter()
            .map(|mut d| {
                d.rule = &crate::project::config::INVALID;
                d
            })
            .collect())
    };
    let config = match config {
        Ok(c) => c,
        Err(diags) => return Err(LoadError::Config(diags, sources)),
    };
    let region = Region::new(&config.default_region).unwrap_or(Region::IT);
    // Shared by the ledger and every contact list: the same numbers recur across them.
    let mut phones = PhoneReader::new(region);

    let (mut found, bad_names) = discover(files.list(), &config, config_file, sink);
    found.sort();
    let mut project = Project {
        root: root.clone(),
        sources,
        config_file,
        config,
        campaigns: Vec::new(),
        drafts: Vec::new(),
        audiences: Vec::new(),
        ledgers: Vec::new(),
        handles: Handles::default(),
        disabled: BTreeMap::new(),
        unreadable: BTreeMap::new(),
    };
    for name in bad_names {
        let id = project.sources.add(SourceFile::new(
            name.clone(),
            FileKind::Media,
            String::new(),
        ));
        sink.push(Diagnostic::new(
            &UNREADABLE,
            id,
            0..0,
            format!("the name of {name} is not valid UTF-8 (shown with � where it cannot be read), so camplint cannot check it"),
            "rename the file using plain letters, digits, - and _",
        ));
    }
    let mut disabled = BTreeMap::new();
    for (kind, rel) in found {
        let (id, problem) = read_into(files, &rel, kind, &mut project.sources, sink);
        if let Some(why) = problem {
            project.unreadable.insert(rel.clone(), why);
            continue;
        }
        let text = &project.sources.get(id).text;
        let off = directives(id, text, kind == FileKind::Draft, catalogue, sink);
        if !off.is_empty() {
            disabled.insert(id, off);
        }
        match kind {
            FileKind::Campaign => {
                if let Some(raw) = parse_toml(id, text, sink) {
                    project
                        .campaigns
                        .push(campaign::validate(stem(&rel), id, raw, sink));
                }
            }
            FileKind::Audience => {
                if let Some(raw) = parse_toml(id, text, sink) {
                    project
                        .audiences
                        .push(audience::validate(stem(&rel), id, raw, sink));
                }
            }
            FileKind::Draft => project
                .drafts
                .push(draft::load(id, rel.clone(), text, sink)),
            FileKind::Ledger => {
                let tz = project.config.timezone;
                project.ledgers.push(ledger::load(
                    id,
                    text,
                    tz,
                    &mut phones,
                    &mut project.handles,
                    sink,
                ));
            }
            FileKind::Config | FileKind::Contacts | FileKind::Media => {}
        }
    }
    // Contact lists are named by audiences, not found by globs.
    for a in &mut project.audiences {
        let dir = fs::parent(&project.sources.get(a.file).path).to_string();
        let Some(rel) = fs::join_relative(&dir, a.contacts_path.get_ref()) else {
            sink.push(Diagnostic::new(
                &UNREADABLE,
                a.file,
                a.contacts_path.span(),
                format!(
                    "\"{}\" leads outside the project folder; camplint does not read it",
                    a.contacts_path.get_ref()
                ),
                "put the contact list inside the project, next to the audience file",
            ));
            continue;
        };
        if files.inspect(&rel) == Err(fs::ReadProblem::Missing) {
            sink.push(Diagnostic::new(
                &MISSING_CONTACTS,
                a.file,
                a.contacts_path.span(),
                format!("the contact list {rel} does not exist"),
                format!("create {rel}, or correct `contacts` (it is relative to this file)"),
            ));
            continue;
        }
        let (id, problem) = read_into(files, &rel, FileKind::Contacts, &mut project.sources, sink);
        if let Some(why) = problem {
            project.unreadable.insert(rel.clone(), why);
            continue;
        }
        let text = &project.sources.get(id).text;
        let off = directives(id, text, false, catalogue, sink);
        if !off.is_empty() {
            disabled.insert(id, off);
        }
        audience::read_contacts(a, id, text, &mut phones, &mut project.handles, sink);
    }
    project.disabled = disabled;
    link_senders(&mut project);
    Ok(project)
}

/// Records on each draft which campaigns send it, once, so rules need not scan every
/// campaign's sends for every draft.
fn link_senders(project: &mut Project) {
    for (ci, c) in project.campaigns.iter().enumerate() {
        for s in &c.sends {
            let Some(path) = s.message_path.as_deref() else {
                continue;
            };
            if let Ok(di) = project
                .drafts
                .binary_search_by(|d| d.path.as_str().cmp(path))
            {
                let sent_by = &mut project.drafts[di].sent_by;
                if sent_by.last() != Some(&ci) {
                    sent_by.push(ci);
                }
            }
        }
    }
    let campaigns = &project.campaigns;
    for d in &mut project.drafts {
        d.sent_by
            .sort_by(|&a, &b| campaigns[a].id.cmp(&campaigns[b].id));
        d.sent_by.dedup();
    }
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

/// Files selected by the globs, and names that are not UTF-8.
type Found = (Vec<(FileKind, String)>, Vec<String>);

/// The files of `listing` that the `[paths]` globs select, with their kind.
fn discover(listing: Listing, config: &Config, config_file: FileId, sink: &mut Sink) -> Found {
    for at in &listing.unreadable_dirs {
        sink.push(Diagnostic::new(
            &UNREADABLE,
            config_file,
            0..0,
            format!("the folder {at} cannot be read, so its files are not checked"),
            "give read permission on it, or list it in [paths] exclude",
        ));
    }
    let kind_of = |rel: &str| {
        if config.exclude.is_match(rel) {
            None
        } else if config.campaigns.is_match(rel) {
            Some(FileKind::Campaign)
        } else if config.messages.is_match(rel) {
            Some(FileKind::Draft)
        } else if config.audiences.is_match(rel) {
            Some(FileKind::Audience)
        } else if config.consent_files.is_match(rel) {
            Some(FileKind::Ledger)
        } else {
            None
        }
    };
    let out = listing
        .files
        .into_iter()
        .filter_map(|rel| kind_of(&rel).map(|k| (k, rel)))
        .collect();
    // The name cannot be written in reports or matched against sends exactly; report it
    // under its readable form rather than skip it silently.
    let bad_names = listing
        .bad_names
        .into_iter()
        .filter(|rel| kind_of(rel).is_some())
        .collect();
    (out, bad_names)
}

#[cfg(test)]
mod tests {
    use super::*;

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
