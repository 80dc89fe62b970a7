//! camplint: a linter for WhatsApp and Twitter/X marketing campaigns kept in a git
//! repository. It reads campaign definitions (TOML), message drafts (Markdown), contact
//! lists and the consent ledger (CSV) and reports what would break the law, the
//! platforms' rules or the customers' patience, before anything is sent.
//!
//! The flow: [`project::load`] reads everything once into a [`project::Project`];
//! [`rules::run_all`] runs every check into a [`diagnostic::Sink`]; [`check::run`] applies
//! severities and suppressions and sorts; [`output`] prints.

pub mod calendar;
pub mod channel;
pub mod check;
pub mod cli;
pub mod config;
pub mod consent;
pub mod consent_report;
pub mod diagnostic;
pub mod fixes;
pub mod init;
pub mod media;
pub mod output;
pub mod phone;
pub mod plan;
pub mod project;
pub mod render;
pub mod rules;
pub mod schedule;
pub mod schema;
pub mod source;
pub mod text;
pub mod toml_util;
pub mod window;
