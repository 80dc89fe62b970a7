//! The main loop: the handshake, then every message in order, the draft re-checks and
//! the results of full checks, until `exit`.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use crossbeam_channel::{select, Receiver, Sender};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    ClientCapabilities, CodeActionParams, HoverParams, LogMessageParams, MessageType,
    PublishDiagnosticsParams, TextEdit, Url, WorkspaceEdit,
};
use serde_json::Value;

use super::findings::{self, FileFindings};
use super::text::Encoding;
use super::transport::Incoming;
use super::workspace::{group, panic_text, spawn_worker, Done, Job, Workspace};
use crate::project::fs::{Disk, Overlay};

mod documents;
mod outbox;
mod results;
mod setup;

/// More changed drafts than this in one go (a `git pull`) are left to one full check.
const MAX_QUICK: usize = 32;

/// An open document.
#[derive(Debug)]
struct Doc {
    text: String,
    version: i32,
}

/// Everything the loop owns.
struct Server {
    out: Sender<Message>,
    enc: Encoding,
    caps: ClientCapabilities,
    docs: BTreeMap<Url, Doc>,
    spaces: BTreeMap<usize, Workspace>,
    next_space: usize,
    jobs: Sender<Job>,
    /// Counts changes; a draft re-checked after a full check started keeps its findings.
    seq: u64,
    /// Drafts to re-check on their own before anything else is answered.
    dirty: BTreeSet<(usize, String)>,
    /// Publications of full checks not sent yet.
    outbox: outbox::Outbox,
    next_request: u64,
    shutdown: bool,
}

/// Runs the session; returns the exit code.
pub fn run(
    out: Sender<Message>,
    incoming: Receiver<Incoming>,
    root: Option<std::path::PathBuf>,
) -> i32 {
    let Some((id, params)) = setup::handshake(&out, &incoming) else {
        return 1;
    };
    let (done_tx, done_rx) = crossbeam_channel::unbounded::<Done>();
    let Ok(jobs) = spawn_worker(done_tx) else {
        let _ = out.send(
            Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                "cannot start a thread".into(),
            )
            .into(),
        );
        return 1;
    };
    let enc = Encoding::negotiate(&params.capabilities);
    let _ = out.send(Response::new_ok(id, setup::result(enc)).into());
    let mut server = Server {
        out,
        enc,
        caps: params.capabilities.clone(),
        docs: BTreeMap::new(),
        spaces: BTreeMap::new(),
        next_space: 0,
        jobs,
        seq: 0,
        dirty: BTreeSet::new(),
        outbox: outbox::Outbox::default(),
        next_request: 0,
        shutdown: false,
    };
    let mut folders = setup::folders(&params);
    // As every command: `--root`, else the project around the current folder when the
    // editor names no folder.
    if let Some(root) = root {
        if !root.join(crate::project::CONFIG_FILE).is_file() {
            server.log(
                MessageType::ERROR,
                format!("camplint: --root {} has no camplint.toml", root.display()),
            );
        }
        folders.insert(0, root);
    } else if folders.is_empty() {
        folders.extend(std::env::current_dir().ok());
    }
    for folder in folders {
        if server.open_project(&folder).is_none() {
            server.log(
                MessageType::INFO,
                format!("camplint: no camplint.toml in {} or above it; its files are checked once one is opened inside a project", folder.display()),
            );
        }
    }
    server.main_loop(&incoming, &done_rx)
}

impl Server {
    fn main_loop(&mut self, incoming: &Receiver<Incoming>, done: &Receiver<Done>) -> i32 {
        loop {
            let now = Instant::now();
            // With publications queued the loop only looks whether a message is waiting,
            // and gives the writer a moment to catch up.
            let wait = if self.outbox.is_empty() {
                self.spaces
                    .values()
                    .filter(|w| !w.running)
                    .filter_map(|w| w.due)
                    .min()
                    .map_or(Duration::from_secs(3600), |d| {
                        d.saturating_duration_since(now)
                    })
            } else {
                Duration::from_millis(1)
            };
            select! {
                recv(incoming) -> m => {
                    let Ok(first) = m else { return 1 };
                    if let Some(code) = self.guarded(first) {
                        return code;
                    }
                    // Whatever else already arrived is applied before re-checking: a burst
                    // of keystrokes costs one check of the last text.
                    for _ in 0..256 {
                        let Ok(next) = incoming.try_recv() else { break };
                        if let Some(code) = self.guarded(next) {
                            return code;
                        }
                    }
                }
                recv(done) -> d => {
                    if let Ok(d) = d {
                        self.on_done(d);
                    }
                }
                default(wait) => {}
            }
            self.flush();
            self.start_jobs();
            self.send_queued(incoming);
        }
    }

    fn send(&self, m: impl Into<Message>) {
        let _ = self.out.send(m.into());
    }

    fn log(&self, typ: MessageType, message: String) {
        self.send(Notification::new(
            "window/logMessage".into(),
            LogMessageParams { typ, message },
        ));
    }

    /// Handles one message; a bug met while handling it is logged, and the session goes on.
    fn guarded(&mut self, item: Incoming) -> Option<i32> {
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.on_incoming(item)));
        outcome.unwrap_or_else(|panic| {
            let text = panic_text(panic.as_ref());
            self.log(
                MessageType::ERROR,
                format!("camplint: internal error: {text}"),
            );
            None
        })
    }

    fn on_incoming(&mut self, item: Incoming) -> Option<i32> {
        match item {
            Incoming::Malformed(why) => {
                self.log(MessageType::ERROR, format!("camplint: skipped {why}"));
                None
            }
            Incoming::Message(Message::Request(r)) => {
                self.on_request(r);
                None
            }
            Incoming::Message(Message::Response(r)) => {
                if let Err(e) = r.response_result {
                    self.log(
                        MessageType::WARNING,
                        format!("camplint: the editor refused a request: {}", e.message),
                    );
                }
                None
            }
            Incoming::Message(Message::Notification(n)) => self.on_notification(n),
        }
    }

    fn on_request(&mut self, r: Request) {
        if self.shutdown {
            self.send(Response::new_err(
                r.id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".into(),
            ));
            return;
        }
        self.flush();
        let id = r.id.clone();
        let answer: Result<Value, (ErrorCode, String)> = match r.method.as_str() {
            "shutdown" => {
                self.send_all_queued();
                self.shutdown = true;
                Ok(Value::Null)
            }
            "textDocument/hover" => params::<HoverParams>(r.params).map(|p| {
                let pos = p.text_document_position_params;
                self.send_queued_of(&pos.text_document.uri);
                let hover = self
                    .current(&pos.text_document.uri)
                    .and_then(|f| findings::hover(f, pos.position));
                serde_json::to_value(hover).unwrap_or(Value::Null)
            }),
            "textDocument/codeAction" => params::<CodeActionParams>(r.params).map(|p| {
                let uri = p.text_document.uri;
                self.send_queued_of(&uri);
                let actions = match self.current(&uri) {
                    Some(f) => {
                        findings::actions(f, &uri, &p.range, p.context.only.as_deref(), &|fixes| {
                            self.edit(fixes)
                        })
                    }
                    None => Vec::new(),
                };
                serde_json::to_value(actions).unwrap_or(Value::Null)
            }),
            other => Err((
                ErrorCode::MethodNotFound,
                format!("camplint does not answer {other}"),
            )),
        };
        match answer {
            Ok(v) => self.send(Response::new_ok(id, v)),
            Err((code, message)) => self.send(Response::new_err(id, code as i32, message)),
        }
    }

    fn on_notification(&mut self, n: Notification) -> Option<i32> {
        let method = n.method.clone();
        let outcome = match method.as_str() {
            "exit" => return Some(if self.shutdown { 0 } else { 1 }),
            "initialized" => {
                self.register_watchers();
                Ok(())
            }
            "textDocument/didOpen" => params(n.params).map(|p| self.on_open(p)),
            "textDocument/didChange" => params(n.params).map(|p| self.on_change(p)),
            "textDocument/didClose" => params(n.params).map(|p| self.on_close(p)),
            "workspace/didChangeWatchedFiles" => params(n.params).map(|p| self.on_watched(p)),
            "workspace/didChangeWorkspaceFolders" => params(n.params).map(|p| self.on_folders(p)),
            // Saving changes nothing camplint reads (the buffer was checked already), and
            // other notifications need no answer.
            _ => Ok(()),
        };
        if let Err((_, why)) = outcome {
            self.log(
                MessageType::ERROR,
                format!("camplint: ignored {method}: {why}"),
            );
        }
        None
    }

    /// The findings of a document, if they were computed on its current text.
    fn current(&self, uri: &Url) -> Option<&FileFindings> {
        let (space, rel) = self.locate(uri)?;
        let shown = self.spaces.get(&space)?.shown.get(&rel)?;
        match self.docs.get(uri) {
            Some(doc) if shown.version != Some(doc.version) => None,
            _ => Some(shown),
        }
    }

    /// A workspace edit with these fixes, tied to the documents' versions when the client
    /// can check them.
    fn edit(&self, fixes: Vec<(Url, TextEdit)>) -> WorkspaceEdit {
        let mut by_file: BTreeMap<String, (Url, Vec<TextEdit>)> = BTreeMap::new();
        for (url, e) in fixes {
            by_file
                .entry(url.to_string())
                .or_insert_with(|| (url, Vec::new()))
                .1
                .push(e);
        }
        let versioned = self
            .caps
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.document_changes)
            .unwrap_or(false);
        if versioned {
            let edits = by_file
                .into_values()
                .map(|(uri, edits)| lsp_types::TextDocumentEdit {
                    text_document: lsp_types::OptionalVersionedTextDocumentIdentifier {
                        version: self.docs.get(&uri).map(|d| d.version),
                        uri,
                    },
                    edits: edits.into_iter().map(lsp_types::OneOf::Left).collect(),
                })
                .collect();
            WorkspaceEdit {
                document_changes: Some(lsp_types::DocumentChanges::Edits(edits)),
                ..WorkspaceEdit::default()
            }
        } else {
            WorkspaceEdit {
                changes: Some(by_file.into_values().collect()),
                ..WorkspaceEdit::default()
            }
        }
    }

    /// The project of a file and its root-relative path (the innermost project when
    /// projects are nested).
    fn locate(&self, uri: &Url) -> Option<(usize, String)> {
        self.spaces
            .iter()
            .filter_map(|(&id, w)| Some((id, w.rel(uri)?, w.root.components().count())))
            .max_by_key(|(_, _, depth)| *depth)
            .map(|(id, rel, _)| (id, rel))
    }

    /// Records that `rel` changed: a draft is re-checked on its own, anything else waits
    /// for a full check.
    fn changed(&mut self, space: usize, rel: String) {
        self.seq += 1;
        let Some(w) = self.spaces.get_mut(&space) else {
            return;
        };
        if w.is_quick_draft(&rel) {
            w.fresh.insert(rel.clone(), self.seq);
            self.dirty.insert((space, rel));
        } else {
            w.touch();
        }
    }

    /// Re-checks the drafts that changed, each on its own, and publishes them.
    fn flush(&mut self) {
        let dirty = std::mem::take(&mut self.dirty);
        let mut per_space: BTreeMap<usize, usize> = BTreeMap::new();
        for (space, _) in &dirty {
            *per_space.entry(*space).or_default() += 1;
        }
        for (space, rel) in dirty {
            let Some(w) = self.spaces.get_mut(&space) else {
                continue;
            };
            if per_space.get(&space).is_some_and(|&n| n > MAX_QUICK) || !w.is_quick_draft(&rel) {
                w.touch();
                continue;
            }
            let Some(report) = &w.report else { continue };
            let disk = Disk::new(w.root.clone());
            let files = Overlay {
                under: &disk,
                files: &w.overlay,
            };
            let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                crate::engine::check_draft(&files, &report.project, &rel, chrono::Utc::now())
            }));
            match checked {
                Ok(Ok(dr)) => {
                    let mut grouped = group(
                        &w.folder,
                        &dr.diagnostics,
                        &dr.project.sources,
                        &w.versions,
                        self.enc,
                    );
                    let found = grouped.remove(&rel).unwrap_or_else(|| FileFindings {
                        version: w.versions.get(&rel).copied(),
                        items: Vec::new(),
                    });
                    let uri = w.url(&rel);
                    if found.items.is_empty() {
                        w.shown.remove(&rel);
                    } else {
                        w.shown.insert(rel.clone(), found.clone());
                    }
                    if let Some(uri) = uri {
                        self.publish(&uri, &found);
                    }
                }
                // The draft cannot be loaded alone (camplint.toml broke meanwhile): the
                // full check says why.
                Ok(Err(_)) => w.touch(),
                Err(panic) => {
                    let text = panic_text(panic.as_ref());
                    self.log(
                        MessageType::ERROR,
                        format!("camplint failed checking {rel}: {text}"),
                    );
                }
            }
        }
    }

    fn start_jobs(&mut self) {
        let now = Instant::now();
        for (&id, w) in &mut self.spaces {
            if let Some(job) = w.take_job(id, self.seq, self.enc, now) {
                if self.jobs.send(job).is_err() {
                    w.running = false;
                }
            }
        }
    }

    /// Publishes a file's findings now; a queued older publication of it is dropped.
    fn publish(&mut self, uri: &Url, f: &FileFindings) {
        self.outbox.take(uri);
        self.send(notification(uri, f));
    }

    /// Asks the client to report changes to camplint's files made outside the editor
    /// (`git checkout`, `git pull`), when it can watch files for the server.
    fn register_watchers(&mut self) {
        let dynamic = self
            .caps
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        if !dynamic {
            return;
        }
        self.next_request += 1;
        let id = RequestId::from(format!("camplint-{}", self.next_request));
        self.send(Request::new(
            id,
            "client/registerCapability".into(),
            setup::watchers(),
        ));
    }
}

/// The `publishDiagnostics` of a file's findings.
fn notification(uri: &Url, f: &FileFindings) -> Notification {
    Notification::new(
        "textDocument/publishDiagnostics".into(),
        PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics: findings::published(f),
            version: f.version,
        },
    )
}

/// Reads a message's parameters, or says why they are not what the method takes.
fn params<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, (ErrorCode, String)> {
    serde_json::from_value(v).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}
