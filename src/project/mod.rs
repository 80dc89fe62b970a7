//! Loading a project: finding its files by the `[paths]` globs, reading each one safely
//! and parsing it with positions into the immutable [`Project`] that rules look at.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::base::diagnostic::{Diagnostic, Sink};
use crate::base::rule::{Catalogue, Rule};
use crate::base::source::{FileId, FileKind, SourceFile, Sources};
use crate::declare_rule;
use crate::domain::phone::Region;
use crate::project::config::Config;
use crate::project::fs::{Disk, FileSource, Listing};
use crate::project::parse::UNREADABLE;
use rayon::prelude::*;

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
mod per_file;
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
    let read = per_file::read_file(files, rel, kind, next_id(sources));
    append(sink, read.sink);
    (sources.add(read.source), read.problem)
}

/// The id the next file added to `sources` gets.
fn next_id(sources: &Sources) -> FileId {
    FileId(u32::try_from(sources.len()).unwrap_or(u32::MAX))
}

/// Moves the findings of one file's own sink into the run's, in order.
fn append(sink: &mut Sink, from: Sink) {
    for d in from.into_vec() {
        sink.push(d);
    }
}

/// Adds parsed ledgers in path order, re-keying their X handles into the project's table.
fn absorb_ledgers(project: &mut Project, ledgers: Vec<(Ledger, Handles, Sink)>, sink: &mut Sink) {
    for (mut ledger, handles, s) in ledgers {
        let map = project.handles.absorb(&handles);
        for e in &mut ledger.events {
            e.contact = contact::rekey(e.contact, &map);
        }
        append(sink, s);
        project.ledgers.push(ledger);
    }
}

/// Loads the project at `root` (which holds `camplint.toml`). File-level problems go to
/// `sink`; only a broken `camplint.toml` or an unreadable root is an error.
pub fn load(root: &Path, catalogue: &Catalogue, sink: &mut Sink) -> Result<Project, LoadError> {
    let root = std::fs::canonicalize(root)
        .map_err(|e| LoadError::Root(root.display().to_string(), e.to_string()))?;
    load_from(&Disk::new(root), catalogue, sink)
}

/// Reads and checks `camplint.toml`: the sources holding it, its id, and the config or
/// the findings that stop the run.
fn read_config(
    files: &dyn FileSource,
    catalogue: &Catalogue,
) -> (Sources, FileId, Result<Config, Vec<Diagnostic>>) {
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
    (sources, config_file, config)
}

/// Loads the project whose files `files` gives (the disk, unsaved editor buffers over
/// it, or an earlier commit).
pub fn load_from(
    files: &dyn FileSource,
    catalogue: &Catalogue,
    sink: &mut Sink,
) -> Result<Project, LoadError> {
    let root = files.root().to_path_buf();
    // The folder is walked while `camplint.toml` is read and checked (that check loads
    // the numbering plan, for `default_region`): a few milliseconds each.
    let (listing, (sources, config_file, config)) =
        rayon::join(|| files.list(), || read_config(files, catalogue));
    let config = match config {
        Ok(c) => c,
        Err(diags) => return Err(LoadError::Config(diags, sources)),
    };
    let region = Region::new(&config.default_region).unwrap_or(Region::IT);
    // Shared by the ledger and every contact list: the same numbers recur across them.
    let phones = PhoneReader::new(region);

    let (mut found, bad_names) = discover(listing, &config, config_file, sink);
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
    // Every selected file is read and parsed on its own, on any thread, with the id it
    // would get read in path order; the results are merged in that order, so the
    // sources, findings and handle ids are those of a one-thread run.
    let mut next = project.sources.len();
    let jobs: Vec<per_file::Job> = found
        .into_iter()
        .map(|(kind, rel)| {
            let known = project.sources.find(&rel);
            let id = known.unwrap_or_else(|| {
                next += 1;
                FileId(u32::try_from(next - 1).unwrap_or(u32::MAX))
            });
            per_file::Job {
                kind,
                rel,
                id,
                known: known.is_some(),
            }
        })
        .collect();
    let shared = per_file::Shared {
        files,
        sources: &project.sources,
        catalogue,
    };
    let loaded: Vec<per_file::Loaded> = jobs
        .par_iter()
        .map(|job| per_file::load_file(job, &shared))
        .collect();
    // The patterns the first phone numbers need (ledger, contact lists) are compiled on
    // the core the merge below leaves idle: libphonenumber compiles each on first use.
    rayon::spawn(move || crate::domain::phone::warm_up(region));
    // Room made once: growing these while 10,000 files are added copied them again and
    // again on the one thread that merges.
    let count = |kind: FileKind| jobs.iter().filter(|j| j.kind == kind).count();
    project.sources.reserve(jobs.len());
    project.drafts.reserve(count(FileKind::Draft));
    project.campaigns.reserve(count(FileKind::Campaign));
    let mut disabled = BTreeMap::new();
    let mut later = Vec::new();
    for (job, file) in jobs.into_iter().zip(loaded) {
        if let Some(source) = file.source {
            project.sources.add(source);
        }
        append(sink, file.sink);
        if let Some(why) = file.problem {
            project.unreadable.insert(job.rel, why);
            continue;
        }
        if !file.off.is_empty() {
            disabled.insert(job.id, file.off);
        }
        match file.parsed {
            per_file::Parsed::Campaign(c) => project.campaigns.push(c),
            per_file::Parsed::Audience(a) => project.audiences.push(a),
            per_file::Parsed::Draft(d) => project.drafts.push(d),
            per_file::Parsed::LedgerLater => later.push(job.id),
            per_file::Parsed::Nothing => {}
        }
    }
    // The ledger is usually the largest file and one thread parses it: do that while the
    // contact lists are read. A list that is itself a ledger file (an odd setup) needs
    // the ledger's text in place, so then the ledgers go first.
    let ledger_named_as_list = project.audiences.iter().any(|a| {
        let dir = fs::parent(&project.sources.get(a.file).path);
        fs::join_relative(dir, a.contacts_path.get_ref())
            .and_then(|rel| project.sources.find(&rel))
            .is_some_and(|id| later.contains(&id))
    });
    let tz = project.config.timezone;
    let parse_ledgers = |texts: &[(FileId, String)]| -> Vec<(Ledger, Handles, Sink)> {
        texts
            .par_iter()
            .map(|(id, text)| {
                let mut s = Sink::default();
                let (l, h) = per_file::load_ledger(*id, text, tz, &phones, &mut s);
                (l, h, s)
            })
            .collect()
    };
    let texts: Vec<(FileId, String)> = later
        .iter()
        .map(|&id| (id, project.sources.take_text(id)))
        .collect();
    if ledger_named_as_list {
        let done = parse_ledgers(&texts);
        for (id, text) in texts {
            project.sources.put_text(id, text);
        }
        absorb_ledgers(&mut project, done, sink);
        read_contact_lists(files, catalogue, &phones, &mut project, &mut disabled, sink);
    } else {
        // The lists intern their X handles into a table of their own; it is merged
        // after the ledgers' below, so handle ids are those of a one-thread run, where
        // the ledgers come first.
        let before = std::mem::take(&mut project.handles);
        let mut list_sink = Sink::default();
        let (done, ()) = rayon::join(
            || parse_ledgers(&texts),
            || {
                read_contact_lists(
                    files,
                    catalogue,
                    &phones,
                    &mut project,
                    &mut disabled,
                    &mut list_sink,
                )
            },
        );
        for (id, text) in texts {
            project.sources.put_text(id, text);
        }
        let lists = std::mem::replace(&mut project.handles, before);
        absorb_ledgers(&mut project, done, sink);
        let map = project.handles.absorb(&lists);
        for a in &mut project.audiences {
            for c in &mut a.contacts {
                c.key = c.key.map(|k| contact::rekey(k, &map));
            }
        }
        append(sink, list_sink);
    }
    project.disabled = disabled;
    link_senders(&mut project);
    Ok(project)
}

/// Reads the contact list each audience names (they are named by audiences, not found
/// by globs). Lists are read and parsed on any thread; findings are merged audience by
/// audience, and ids given, in audience order, as a one-thread run gives them.
fn read_contact_lists(
    files: &dyn FileSource,
    catalogue: &Catalogue,
    phones: &PhoneReader,
    project: &mut Project,
    disabled: &mut BTreeMap<FileId, Vec<&'static Rule>>,
    sink: &mut Sink,
) {
    // Where each list is, with the findings that come before reading it.
    let mut before: Vec<Sink> = Vec::with_capacity(project.audiences.len());
    let mut rels: Vec<Option<String>> = Vec::with_capacity(project.audiences.len());
    for a in &project.audiences {
        let mut early = Sink::default();
        rels.push(locate_contacts(files, project, a, &mut early));
        before.push(early);
    }
    // A list not read yet is read by the first audience that names it, with the next id.
    let mut ids: Vec<Option<FileId>> = Vec::with_capacity(rels.len());
    let mut fresh: Vec<(usize, &str, FileId)> = Vec::new();
    let mut named: BTreeMap<&str, FileId> = BTreeMap::new();
    for (i, rel) in rels.iter().enumerate() {
        let id = rel.as_deref().map(|rel| {
            project.sources.find(rel).unwrap_or_else(|| {
                *named.entry(rel).or_insert_with(|| {
                    let id = FileId(
                        u32::try_from(project.sources.len() + fresh.len()).unwrap_or(u32::MAX),
                    );
                    fresh.push((i, rel, id));
                    id
                })
            })
        });
        ids.push(id);
    }
    let reads: Vec<per_file::ReadFile> = fresh
        .par_iter()
        .map(|&(_, rel, id)| per_file::read_file(files, rel, FileKind::Contacts, id))
        .collect();
    let mut failed = vec![false; ids.len()];
    for (&(i, rel, _), read) in fresh.iter().zip(reads) {
        project.sources.add(read.source);
        append(&mut before[i], read.sink);
        if let Some(why) = read.problem {
            project.unreadable.insert(rel.to_string(), why);
            failed[i] = true;
        }
    }
    let Project {
        audiences,
        sources,
        handles,
        ..
    } = project;
    let parsed: Vec<Option<per_file::ContactsRead>> = audiences
        .par_iter_mut()
        .zip(&ids)
        .zip(&failed)
        .map(|((a, id), &failed)| {
            let csv = id.filter(|_| !failed)?;
            Some(per_file::load_contacts(a, csv, sources, catalogue, phones))
        })
        .collect();
    let merged = audiences.iter_mut().zip(before).zip(ids).zip(parsed);
    for (((a, early), id), read) in merged {
        append(sink, early);
        let (Some(csv), Some(read)) = (id, read) else {
            continue;
        };
        append(sink, read.sink);
        if !read.off.is_empty() {
            disabled.insert(csv, read.off);
        }
        let map = handles.absorb(&read.handles);
        for c in &mut a.contacts {
            c.key = c.key.map(|k| contact::rekey(k, &map));
        }
    }
}

/// The root-relative path of the contact list audience `a` names; `None`, with a
/// finding, when it is outside the project or missing.
fn locate_contacts(
    files: &dyn FileSource,
    project: &Project,
    a: &Audience,
    sink: &mut Sink,
) -> Option<String> {
    let dir = fs::parent(&project.sources.get(a.file).path);
    let Some(rel) = fs::join_relative(dir, a.contacts_path.get_ref()) else {
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
        return None;
    };
    if files.inspect(&rel) == Err(fs::ReadProblem::Missing) {
        sink.push(Diagnostic::new(
            &MISSING_CONTACTS,
            a.file,
            a.contacts_path.span(),
            format!("the contact list {rel} does not exist"),
            format!("create {rel}, or correct `contacts` (it is relative to this file)"),
        ));
        return None;
    }
    Some(rel)
}

/// Records on each draft which campaigns send it, once, so rules need not scan every
/// campaign's sends for every draft, and on each send its draft, so rules need not look
/// the path up again.
fn link_senders(project: &mut Project) {
    let drafts = &mut project.drafts;
    let index: HashMap<&str, usize, rustc_hash::FxBuildHasher> = drafts
        .iter()
        .enumerate()
        .map(|(i, d)| (d.path.as_str(), i))
        .collect();
    let mut sent = Vec::new();
    for (ci, c) in project.campaigns.iter_mut().enumerate() {
        for s in &mut c.sends {
            s.draft = s
                .message_path
                .as_deref()
                .and_then(|path| index.get(path).copied());
            sent.extend(s.draft.map(|di| (di, ci)));
        }
    }
    drop(index);
    for (di, ci) in sent {
        let sent_by = &mut drafts[di].sent_by;
        if sent_by.last() != Some(&ci) {
            sent_by.push(ci);
        }
    }
    let campaigns = &project.campaigns;
    for d in drafts {
        d.sent_by
            .sort_by(|&a, &b| campaigns[a].id.cmp(&campaigns[b].id));
        d.sent_by.dedup();
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
    // Globs against every path of the project: on every core (rayon keeps the order).
    let out = listing
        .files
        .into_par_iter()
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
