//! The results of full checks: taken in when the worker is done (already in the
//! editor's positions), and published through the outbox a batch at a time.

use crossbeam_channel::Receiver;
use lsp_types::{MessageType, Url};

use super::outbox::Queued;
use super::Server;
use crate::lsp::findings::FileFindings;
use crate::lsp::transport::Incoming;
use crate::lsp::workspace::Done;
use crate::project::LoadError;

/// How many queued publications go out between two looks at the client's messages: a
/// few milliseconds of work, so a keystroke behind them is answered well within 100 ms.
const BATCH: usize = 256;

impl Server {
    /// Takes in a finished full check, unless a newer state is already waiting, and
    /// queues the files whose findings changed.
    pub(super) fn on_done(&mut self, done: Done) {
        let job = done.job;
        let Some(w) = self.spaces.get_mut(&job.space) else {
            return;
        };
        w.running = false;
        if job.generation != w.generation {
            return;
        }
        let root = w.root.display().to_string();
        let (mut next, problem) = match done.result {
            Err(panic) => {
                self.log(
                    MessageType::ERROR,
                    format!("camplint failed checking {root}: {panic}"),
                );
                return;
            }
            Ok(checked) => {
                let problem = match checked.report {
                    Ok(report) => {
                        w.report = Some(report);
                        None
                    }
                    Err(LoadError::Config(..)) => {
                        w.report = None;
                        None
                    }
                    Err(e) => {
                        w.report = None;
                        Some(format!("camplint cannot check {root}: {e}"))
                    }
                };
                (checked.files, problem)
            }
        };
        // Documents opened during the check, equal to what it read (anything else would
        // have restarted it or be re-checked below): their findings are of that version.
        for (rel, v) in &w.versions {
            if !job.versions.contains_key(rel) {
                if let Some(f) = next.get_mut(rel) {
                    f.version = Some(*v);
                }
            }
        }
        // Drafts edited after the check started keep their newer findings, and are
        // re-checked against the new project right after.
        let later: Vec<String> = w
            .fresh
            .iter()
            .filter(|(_, &s)| s > job.seq)
            .map(|(rel, _)| rel.clone())
            .collect();
        w.fresh.retain(|_, s| *s > job.seq);
        for rel in later {
            match w.shown.get(&rel) {
                Some(old) => next.insert(rel.clone(), old.clone()),
                None => next.remove(&rel),
            };
            self.dirty.insert((job.space, rel));
        }
        let old = std::mem::take(&mut w.shown);
        for rel in old.keys().filter(|rel| !next.contains_key(*rel)) {
            if let Some(uri) = w.url(rel) {
                let version = w.versions.get(rel).copied();
                self.outbox.queue(uri, Queued::Cleared(version));
            }
        }
        for (rel, now) in &next {
            if old.get(rel) != Some(now) {
                if let Some(uri) = w.url(rel) {
                    let space = job.space;
                    let rel = rel.clone();
                    self.outbox.queue(uri, Queued::Shown { space, rel });
                }
            }
        }
        w.shown = next;
        if let Some(problem) = problem {
            self.log(MessageType::WARNING, problem);
        }
    }

    /// Sends queued publications until a batch is out, the queue is empty or a client
    /// message is waiting (that one is served first).
    pub(super) fn send_queued(&mut self, incoming: &Receiver<Incoming>) {
        for _ in 0..BATCH {
            if !incoming.is_empty() {
                return;
            }
            let Some((uri, what)) = self.outbox.pop() else {
                return;
            };
            self.send_one(&uri, what);
        }
    }

    /// Sends everything still queued (before answering `shutdown`: the editor ends with
    /// every finding it would have had).
    pub(super) fn send_all_queued(&mut self) {
        while let Some((uri, what)) = self.outbox.pop() {
            self.send_one(&uri, what);
        }
    }

    /// Sends the queued publication of one file now, if it has one (before answering a
    /// request about it).
    pub(super) fn send_queued_of(&mut self, uri: &Url) {
        if let Some(what) = self.outbox.take(uri) {
            self.send_one(uri, what);
        }
    }

    fn send_one(&self, uri: &Url, what: Queued) {
        let cleared = |version| FileFindings {
            version,
            items: Vec::new(),
        };
        match what {
            Queued::Shown { space, rel } => match self.spaces.get(&space) {
                Some(w) => match w.shown.get(&rel) {
                    Some(f) => self.send(super::notification(uri, f)),
                    None => self.send(super::notification(
                        uri,
                        &cleared(w.versions.get(&rel).copied()),
                    )),
                },
                None => self.send(super::notification(uri, &cleared(None))),
            },
            Queued::Cleared(version) => self.send(super::notification(uri, &cleared(version))),
        }
    }
}
