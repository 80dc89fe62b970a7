//! Publications waiting their turn: a full check of a big project changes the findings
//! of thousands of files, and sending them all at once would make a keystroke that
//! arrives meanwhile wait for every one of them. The loop sends them a batch at a time
//! when no client message is waiting.
//!
//! One entry per URI: queueing a URI again replaces its entry, and a URI published
//! directly (a draft just re-checked) loses its entry, so nothing older is ever sent
//! after something newer.

use std::collections::BTreeMap;

use lsp_types::Url;
use serde_json::Value;

/// What a queued publication sends when its turn comes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Queued {
    /// The file's findings as they stand at that moment (what its project shows).
    Shown {
        /// The project.
        space: usize,
        /// The file, root-relative.
        rel: String,
        /// Its findings' `diagnostics` already in JSON (from the worker), when many. They
        /// stay true while the entry waits: whatever changes the file's findings later
        /// publishes it directly (dropping the entry) or queues it anew.
        json: Option<Value>,
    },
    /// An empty list for a file that lost its findings, tied to this document version.
    Cleared(Option<i32>),
}

/// The publications not sent yet.
#[derive(Debug, Default)]
pub(super) struct Outbox {
    pending: BTreeMap<Url, Queued>,
}

impl Outbox {
    /// Queues a publication, replacing an older one of the same URI.
    pub(super) fn queue(&mut self, uri: Url, what: Queued) {
        self.pending.insert(uri, what);
    }

    /// Drops the queued publication of a URI (it is being published directly), and
    /// returns it.
    pub(super) fn take(&mut self, uri: &Url) -> Option<Queued> {
        self.pending.remove(uri)
    }

    /// The next publication to send.
    pub(super) fn pop(&mut self) -> Option<(Url, Queued)> {
        self.pending.pop_first()
    }

    /// Whether nothing waits.
    pub(super) fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(name: &str) -> Url {
        Url::parse(&format!("file:///p/{name}")).expect("a URL")
    }

    fn shown(rel: &str) -> Queued {
        Queued::Shown {
            space: 0,
            rel: rel.to_string(),
            json: None,
        }
    }

    #[test]
    fn a_uri_waits_once_and_a_direct_publication_drops_it() {
        let mut o = Outbox::default();
        o.queue(uri("b.md"), Queued::Cleared(Some(3)));
        o.queue(uri("a.md"), shown("a.md"));
        // A newer full check queues b again: the older entry is replaced, not repeated.
        o.queue(uri("b.md"), shown("b.md"));
        assert_eq!(o.take(&uri("a.md")), Some(shown("a.md")));
        assert_eq!(o.take(&uri("a.md")), None);
        assert_eq!(o.pop(), Some((uri("b.md"), shown("b.md"))));
        assert_eq!(o.pop(), None);
        assert!(o.is_empty());
    }
}
