//! camplint: a linter for WhatsApp and Twitter/X marketing campaigns kept in a git
//! repository. It reads campaign definitions (TOML), message drafts (Markdown), contact
//! lists and the consent ledger (CSV) and reports what would break the law, the
//! platforms' rules or the customers' patience, before anything is sent.
//!
//! The modules are layers; each imports only the ones listed before it
//! (`docs/architecture.md` draws them, and `tests/layers.rs` keeps it true):
//!
//! 1. [`base`]: source files and positions, diagnostics, a rule's identity.
//! 2. [`domain`]: text, phones, media, rendering, calendar time; no project.
//! 3. [`project`]: `camplint.toml` and loading every file into a [`project::Project`].
//! 4. [`analysis`]: the send plan, consent coverage, renders, shared by all rules.
//! 5. [`rules`]: the checks and the catalogue of every rule.
//! 6. [`engine`]: one check run: load, analyse, check, apply severities, sort; beside it,
//!    [`change`]: the same check on two commits, matched, for `check --base`, and
//!    [`autofix`]: a `--fix` or `--diff` run over it.
//! 7. The faces: [`output`] formats, [`cli`] commands, [`lsp`] the editors' server.

pub mod analysis;
pub mod autofix;
pub mod base;
pub mod change;
pub mod cli;
pub mod domain;
pub mod engine;
pub mod lsp;
pub mod output;
pub mod project;
pub mod rules;
