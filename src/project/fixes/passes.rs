//! Re-linting and re-applying until the fixes settle.

use super::apply::{apply_edits, Rejected};
use super::hash::ContentHash;
use super::{select, Edit, FixMode};

/// Passes after which a file whose fixes keep producing edits is left alone.
///
/// Real fixes settle in one or two passes (a deferred overlap needs a second); ten
/// leaves room for chains without letting a rule that undoes another loop forever.
pub const DEFAULT_MAX_PASSES: usize = 10;

/// How a fix run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Convergence {
    /// The linter had nothing more to apply.
    Settled,
    /// Still producing edits after the last allowed pass: some fix does not converge.
    PassLimit,
    /// A pass produced bytes seen after an earlier pass: fixes undo each other.
    Cycle,
}

/// What one pass did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassReport {
    /// Edits applied, spans over the bytes this pass started from.
    pub applied: Vec<Edit>,
    /// Edits left for the next pass because they overlapped an applied one.
    pub deferred: usize,
    /// Edits with a span that cannot apply.
    pub rejected: Vec<Rejected>,
    /// Exact copies dropped.
    pub duplicates: usize,
}

/// The outcome of [`fix_until_stable`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixRun {
    /// The final bytes (equal to the input when nothing applied).
    pub output: Vec<u8>,
    /// One report per pass that applied something.
    pub passes: Vec<PassReport>,
    /// Why the run stopped.
    pub convergence: Convergence,
}

impl FixRun {
    /// Whether the bytes differ from the input.
    pub fn changed(&self) -> bool {
        self.passes.iter().any(|p| !p.applied.is_empty())
    }

    /// How many edits were applied over all passes.
    pub fn applied_count(&self) -> usize {
        self.passes.iter().map(|p| p.applied.len()).sum()
    }
}

/// Lints, applies the allowed edits, and repeats on the new bytes until nothing
/// applies, the same bytes come back, or `max_passes` passes have applied edits.
///
/// `lint` gets the current bytes and returns edits over exactly those bytes; it is
/// called at most `max_passes + 1` times (the last call only tells whether the run
/// settled). Taking a closure keeps the engine testable without the real rules.
pub fn fix_until_stable<F>(input: &[u8], mode: FixMode, max_passes: usize, mut lint: F) -> FixRun
where
    F: FnMut(&[u8]) -> Vec<Edit>,
{
    let mut current = input.to_vec();
    let mut seen = vec![ContentHash::of(&current)];
    let mut passes = Vec::new();
    loop {
        let edits = select(lint(&current), mode);
        let pass = apply_edits(&current, &edits);
        let report = PassReport {
            applied: pass.applied,
            deferred: pass.deferred.len(),
            rejected: pass.rejected,
            duplicates: pass.duplicates,
        };
        if report.applied.is_empty() {
            // Nothing applicable is left; report rejected edits of this last look so
            // the caller can tell the user which fixes could not be applied.
            if !report.rejected.is_empty() {
                passes.push(report);
            }
            return finish(current, passes, Convergence::Settled);
        }
        if passes.len() >= max_passes {
            return finish(current, passes, Convergence::PassLimit);
        }
        passes.push(report);
        let hash = ContentHash::of(&pass.output);
        current = pass.output;
        if seen.contains(&hash) {
            return finish(current, passes, Convergence::Cycle);
        }
        seen.push(hash);
    }
}

fn finish(output: Vec<u8>, passes: Vec<PassReport>, convergence: Convergence) -> FixRun {
    FixRun {
        output,
        passes,
        convergence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lowercases one `A`..`Z` per pass: needs as many passes as capitals.
    fn one_capital(bytes: &[u8]) -> Vec<Edit> {
        bytes
            .iter()
            .position(u8::is_ascii_uppercase)
            .map(|i| {
                let lower = (bytes[i].to_ascii_lowercase() as char).to_string();
                vec![Edit::safe(i..i + 1, lower)]
            })
            .unwrap_or_default()
    }

    #[test]
    fn settles_when_nothing_is_left() {
        let run = fix_until_stable(b"ABC", FixMode::SafeOnly, 10, one_capital);
        assert_eq!(run.output, b"abc");
        assert_eq!(run.passes.len(), 3);
        assert_eq!(run.convergence, Convergence::Settled);
    }

    #[test]
    fn reports_the_pass_limit() {
        let run = fix_until_stable(b"ABCD", FixMode::SafeOnly, 2, one_capital);
        assert_eq!(run.output, b"abCD");
        assert_eq!(run.convergence, Convergence::PassLimit);
    }

    #[test]
    fn detects_fixes_that_undo_each_other() {
        let flip = |b: &[u8]| {
            let to = if b == b"x" { "y" } else { "x" };
            vec![Edit::safe(0..1, to)]
        };
        let run = fix_until_stable(b"x", FixMode::SafeOnly, 10, flip);
        assert_eq!(run.convergence, Convergence::Cycle);
        assert_eq!(run.passes.len(), 2);
    }

    #[test]
    fn unsafe_edits_wait_for_the_flag() {
        let lint = |b: &[u8]| {
            if b.is_empty() {
                vec![]
            } else {
                vec![Edit::unsafe_fix(0..b.len(), "")]
            }
        };
        let safe = fix_until_stable(b"dup\n", FixMode::SafeOnly, 10, lint);
        assert_eq!(safe.output, b"dup\n");
        assert!(!safe.changed());
        let all = fix_until_stable(b"dup\n", FixMode::IncludeUnsafe, 10, lint);
        assert_eq!(all.output, b"");
        assert_eq!(all.applied_count(), 1);
    }
}
