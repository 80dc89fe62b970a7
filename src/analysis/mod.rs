//! The analyses every rule shares, each computed once per run over a loaded project:
//! the send plan (every send expanded to its instants), consent coverage of every send,
//! and drafts rendered per channel. Rules read them through [`Context`].

use chrono::{DateTime, Utc};

use crate::project::Project;

pub mod consent;
pub mod plan;
pub mod renders;

/// What a check may look at besides the project.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Everything that was loaded.
    pub project: &'a Project,
    /// Every send expanded to its instants.
    pub plan: &'a plan::Plan,
    /// Consent coverage of every send, decided once (SPEC 1.5).
    pub coverage: &'a consent::Coverage,
    /// Drafts rendered per channel, each at most once.
    pub renders: &'a renders::Renders,
    /// "Now", for messages that say how far away a send is.
    pub now: DateTime<Utc>,
}
