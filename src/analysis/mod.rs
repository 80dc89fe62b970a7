//! The analyses every rule shares, each computed once per run over a loaded project:
//! the send plan (every send expanded to its instants), consent coverage of every send,
//! and drafts rendered per channel. Rules read them through [`Context`].

use std::sync::OnceLock;

use chrono::{DateTime, Utc};

use crate::project::Project;

pub mod consent;
pub mod plan;
pub mod renders;
pub mod rows;

/// What a check may look at besides the project.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Everything that was loaded.
    pub project: &'a Project,
    /// Every send expanded to its instants.
    pub plan: &'a plan::Plan,
    /// Consent coverage of every send, decided once (SPEC 1.5); read it with
    /// [`Context::coverage`].
    pub coverage: &'a LazyCoverage,
    /// Drafts rendered per channel, each at most once.
    pub renders: &'a renders::Renders,
    /// Every audience row with a contact, sorted by contact.
    pub rows: &'a rows::ContactRows,
    /// "Now", for messages that say how far away a send is.
    pub now: DateTime<Utc>,
}

impl<'a> Context<'a> {
    /// Consent coverage of every send, computed by the first check that asks.
    pub fn coverage(&self) -> &'a consent::Coverage {
        self.coverage.get(self.project, self.plan, self.rows)
    }
}

/// Consent coverage, computed when a check first reads it, so that the checks that do
/// not (frequency caps, the content rules) run on the other core meanwhile instead of
/// waiting for it. [`consent::Coverage::compute`] uses no thread pool, so the thread
/// computing it never picks up, while it waits, a check that would wait for it.
#[derive(Debug, Default)]
pub struct LazyCoverage {
    cell: OnceLock<consent::Coverage>,
}

impl LazyCoverage {
    /// A coverage known already (an editor's draft check reads none: empty).
    pub fn ready(coverage: consent::Coverage) -> LazyCoverage {
        LazyCoverage {
            cell: OnceLock::from(coverage),
        }
    }

    /// The coverage of `plan`, computed on the first call.
    pub fn get(
        &self,
        project: &Project,
        plan: &plan::Plan,
        rows: &rows::ContactRows,
    ) -> &consent::Coverage {
        self.cell
            .get_or_init(|| consent::Coverage::compute(project, plan, rows))
    }

    /// The coverage, computed now if no check read it.
    pub fn into_inner(
        self,
        project: &Project,
        plan: &plan::Plan,
        rows: &rows::ContactRows,
    ) -> consent::Coverage {
        match self.cell.into_inner() {
            Some(c) => c,
            None => consent::Coverage::compute(project, plan, rows),
        }
    }
}
