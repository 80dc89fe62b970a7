//! The fix engine behind `camplint check --fix` and `--diff`: it applies byte edits to
//! one file at a time, repeats until the fixes settle, shows the result as a unified
//! diff and writes it back without ever losing what is on disk.
//!
//! It deliberately depends on nothing else in the crate but the fix kinds of `base`
//! (and declares the rule that reports a refused write): callers turn diagnostics into
//! [`Edit`]s and hand over plain bytes, so the engine can be tested (and trusted) on
//! its own, whatever the rules look like.
//!
//! The promises, in order of importance:
//! - a file is written only inside the accepted spans; every other byte (BOM, CRLF,
//!   CSV quoting, the final newline or its absence) is kept as it was;
//! - a file is never written through a link, outside the root, when it is read-only,
//!   or when it changed on disk since it was read ([`write`]);
//! - the same input gives the same output, byte for byte.

pub mod apply;
pub mod diff;
pub mod hash;
pub mod passes;
pub mod write;

use std::ops::Range;

pub use apply::{apply_edits, Applied, RejectReason, Rejected};
pub use diff::unified_diff;
pub use hash::ContentHash;
pub use passes::{fix_until_stable, Convergence, FixRun, PassReport, DEFAULT_MAX_PASSES};
pub use write::{read_for_fix, write_atomic, FileSnapshot, WriteError};

/// Whether a fix keeps the meaning: the same kind a rule declares for its fixes.
pub use crate::base::rule::Applicability;

crate::declare_rule! {
    /// ## What it does
    /// Reports a file that `camplint check --fix` had fixes for but did not write:
    /// it is read-only, it is reached through a link (symlink or hard link), it lies
    /// outside the project folder, or it changed on disk after camplint read it. The file
    /// is left exactly as it was, and its findings are reported as usual.
    ///
    /// ## Why is this bad?
    /// The fixes you asked for were not applied; writing through a link or over a newer
    /// version could have changed another file or lost someone's work, so camplint
    /// refuses.
    ///
    /// ## Example
    /// ```text
    /// audiences/vip.csv is read-only (chmod a-w audiences/vip.csv)
    /// ```
    ///
    /// ## How to fix
    /// Do what the message says (make the file writable, replace the link with a real
    /// file, or simply run `camplint check --fix` again after a file changed), or apply
    /// the fixes by hand: `camplint check --diff` shows them.
    pub static NOT_WRITTEN = ("fix/not-written", Warning, "`camplint check --fix` had fixes for a file but did not write it (read-only, a link, outside the project, or changed meanwhile)");
}

/// Which fixes the user allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FixMode {
    /// `--fix`: only fixes that keep the meaning.
    #[default]
    SafeOnly,
    /// `--fix --unsafe-fixes`: also fixes that change the meaning.
    IncludeUnsafe,
}

impl FixMode {
    /// Maps the `--unsafe-fixes` flag to a mode.
    pub fn from_unsafe_flag(unsafe_fixes: bool) -> FixMode {
        if unsafe_fixes {
            FixMode::IncludeUnsafe
        } else {
            FixMode::SafeOnly
        }
    }

    /// Whether a fix of this applicability may be applied in this mode.
    pub fn allows(self, applicability: Applicability) -> bool {
        match applicability {
            Applicability::Safe => true,
            Applicability::Unsafe => self == FixMode::IncludeUnsafe,
        }
    }
}

/// One replacement in one file, over the bytes the linter read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    /// Byte range in the original bytes to replace; empty for an insertion.
    pub span: Range<usize>,
    /// The text to put there; empty for a deletion.
    pub replacement: String,
    /// Whether applying it keeps the meaning of the file.
    pub applicability: Applicability,
}

impl Edit {
    /// A fix that keeps the meaning.
    pub fn safe(span: Range<usize>, replacement: impl Into<String>) -> Edit {
        Edit {
            span,
            replacement: replacement.into(),
            applicability: Applicability::Safe,
        }
    }

    /// A fix that changes the meaning.
    pub fn unsafe_fix(span: Range<usize>, replacement: impl Into<String>) -> Edit {
        Edit {
            span,
            replacement: replacement.into(),
            applicability: Applicability::Unsafe,
        }
    }

    /// The deterministic order edits are considered in: start, end, then replacement.
    ///
    /// Applicability comes last only so that the order is total; two edits that differ
    /// only there are the same change and are applied once.
    pub fn sort_key(&self) -> (usize, usize, &str, Applicability) {
        (
            self.span.start,
            self.span.end,
            self.replacement.as_str(),
            self.applicability,
        )
    }
}

/// Keeps the edits the mode allows, in the order given.
pub fn select(edits: impl IntoIterator<Item = Edit>, mode: FixMode) -> Vec<Edit> {
    edits
        .into_iter()
        .filter(|e| mode.allows(e.applicability))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_only_drops_unsafe_edits() {
        let edits = vec![Edit::safe(0..1, "a"), Edit::unsafe_fix(2..3, "")];
        assert_eq!(
            select(edits.clone(), FixMode::SafeOnly),
            vec![Edit::safe(0..1, "a")]
        );
        assert_eq!(select(edits.clone(), FixMode::IncludeUnsafe), edits);
    }

    #[test]
    fn flag_maps_to_mode() {
        assert_eq!(FixMode::from_unsafe_flag(false), FixMode::SafeOnly);
        assert_eq!(FixMode::from_unsafe_flag(true), FixMode::IncludeUnsafe);
        assert!(!FixMode::SafeOnly.allows(Applicability::Unsafe));
    }
}
