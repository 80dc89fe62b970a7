//! The documents and folders the editor opens, changes and closes, and the files that
//! change on disk under it.

use std::path::Path;

use lsp_types::{
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams, DidChangeWorkspaceFoldersParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, FileChangeType, MessageType, Url,
};

use super::outbox::Queued;
use super::{Doc, Server};
use crate::lsp::findings::FileFindings;
use crate::lsp::text;
use crate::lsp::workspace::Workspace;
use crate::project::CONFIG_FILE;

impl Server {
    /// Starts following the project around `path` (a folder or a file), if it has one.
    pub(super) fn open_project(&mut self, path: &Path) -> Option<usize> {
        let dir = if path.is_dir() { path } else { path.parent()? };
        let root = crate::project::find_root(dir).ok()?;
        if let Some((&id, _)) = self.spaces.iter().find(|(_, w)| w.root == root) {
            return Some(id);
        }
        // URIs are built on the folder as the client names it, which may go through links.
        let depth = std::fs::canonicalize(dir)
            .ok()?
            .strip_prefix(&root)
            .ok()?
            .components()
            .count();
        let folder = dir.ancestors().nth(depth)?.to_path_buf();
        let id = self.next_space;
        self.next_space += 1;
        let mut w = Workspace::new(folder, root);
        w.touch_now();
        self.spaces.insert(id, w);
        Some(id)
    }

    pub(super) fn locate_or_open(&mut self, uri: &Url) -> Option<(usize, String)> {
        if let Some(found) = self.locate(uri) {
            return Some(found);
        }
        self.open_project(&uri.to_file_path().ok()?)?;
        self.locate(uri)
    }

    pub(super) fn on_open(&mut self, p: DidOpenTextDocumentParams) {
        let doc = p.text_document;
        self.docs.insert(
            doc.uri.clone(),
            Doc {
                text: doc.text.clone(),
                version: doc.version,
            },
        );
        let Some((space, rel)) = self.locate_or_open(&doc.uri) else {
            return;
        };
        let Some(w) = self.spaces.get_mut(&space) else {
            return;
        };
        let checked_text = match &w.report {
            Some(r) => r
                .project
                .sources
                .find(&rel)
                .is_some_and(|id| r.project.text(id) == doc.text),
            // No check has finished yet: the one under way reads the disk, so a buffer
            // equal to the disk changes nothing it computes (and need not restart it).
            None => crate::project::fs::read_text(&w.root, &rel).is_ok_and(|t| t == doc.text),
        };
        let unchanged = !w.overlay.contains_key(&rel) && checked_text;
        w.overlay.insert(rel.clone(), doc.text);
        w.versions.insert(rel.clone(), doc.version);
        if unchanged {
            // The findings already shown are about this very text: tie them to the version.
            if let Some(shown) = w.shown.get_mut(&rel) {
                shown.version = Some(doc.version);
                let shown = shown.clone();
                self.publish(&doc.uri, &shown);
            }
        } else {
            self.changed(space, rel);
        }
    }

    pub(super) fn on_change(&mut self, p: DidChangeTextDocumentParams) {
        let uri = p.text_document.uri;
        let Some(doc) = self.docs.get_mut(&uri) else {
            self.log(
                MessageType::WARNING,
                format!("camplint: a change to {uri}, which is not open, was ignored"),
            );
            return;
        };
        for change in p.content_changes {
            text::apply(&mut doc.text, change, self.enc);
        }
        doc.version = p.text_document.version;
        let (text, version) = (doc.text.clone(), doc.version);
        let Some((space, rel)) = self.locate(&uri) else {
            return;
        };
        if let Some(w) = self.spaces.get_mut(&space) {
            w.overlay.insert(rel.clone(), text);
            w.versions.insert(rel.clone(), version);
        }
        self.changed(space, rel);
    }

    pub(super) fn on_close(&mut self, p: DidCloseTextDocumentParams) {
        let uri = p.text_document.uri;
        self.docs.remove(&uri);
        match self.locate(&uri) {
            Some((space, rel)) => {
                if let Some(w) = self.spaces.get_mut(&space) {
                    w.overlay.remove(&rel);
                    w.versions.remove(&rel);
                }
                // From now on the file is what is on disk (or gone, if never saved).
                self.changed(space, rel);
            }
            None => self.publish(&uri, &FileFindings::default()),
        }
    }

    pub(super) fn on_watched(&mut self, p: DidChangeWatchedFilesParams) {
        for change in p.changes {
            let found = if change.uri.path().ends_with(CONFIG_FILE) {
                self.locate_or_open(&change.uri)
            } else {
                self.locate(&change.uri)
            };
            let Some((space, rel)) = found else { continue };
            let Some(w) = self.spaces.get_mut(&space) else {
                continue;
            };
            // An open document is what the editor shows; the disk does not override it.
            if w.overlay.contains_key(&rel) || !w.is_relevant(&rel) {
                continue;
            }
            if change.typ == FileChangeType::CHANGED {
                self.changed(space, rel);
            } else {
                w.touch();
            }
        }
    }

    pub(super) fn on_folders(&mut self, p: DidChangeWorkspaceFoldersParams) {
        for gone in p.event.removed {
            let Ok(path) = gone.uri.to_file_path() else {
                continue;
            };
            let ids: Vec<usize> = self
                .spaces
                .iter()
                .filter(|(_, w)| w.folder == path)
                .map(|(&id, _)| id)
                .collect();
            for id in ids {
                if let Some(w) = self.spaces.remove(&id) {
                    for rel in w.shown.keys() {
                        if let Some(uri) = w.url(rel) {
                            self.outbox.queue(uri, Queued::Cleared(None));
                        }
                    }
                }
            }
        }
        for added in p.event.added {
            if let Ok(path) = added.uri.to_file_path() {
                self.open_project(&path);
            }
        }
    }
}
