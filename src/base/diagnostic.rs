//! The one diagnostic type every rule produces and every output format prints.

use std::ops::Range;

use crate::base::rule::Rule;
pub use crate::base::rule::{Applicability, Level, Severity};
use crate::base::source::FileId;

/// Another place that explains a diagnostic (the CSV row of a recipient, the earlier send).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// The file of that place.
    pub file: FileId,
    /// Byte range in that file.
    pub span: Range<usize>,
    /// What that place is, in a few words.
    pub message: String,
}

/// A replacement that fixes the finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// The file to edit.
    pub file: FileId,
    /// The byte range to replace.
    pub span: Range<usize>,
    /// The text to put there.
    pub replacement: String,
    /// Whether applying it keeps the meaning: `--fix` applies only safe fixes.
    pub applicability: Applicability,
}

/// One finding.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// The rule that found it.
    pub rule: &'static Rule,
    /// Its severity after configuration (starts as the rule's default).
    pub severity: Severity,
    /// The file it is about.
    pub file: FileId,
    /// The most precise byte range there is.
    pub span: Range<usize>,
    /// What is wrong, naming the people, rows or words affected.
    pub message: String,
    /// Exactly what to change.
    pub help: String,
    /// Other places that explain it.
    pub related: Vec<Related>,
    /// A machine-applicable fix, when there is one.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A finding of `rule` at `span` in `file`.
    pub fn new(
        rule: &'static Rule,
        file: FileId,
        span: Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Diagnostic {
            rule,
            severity: rule.default_severity,
            file,
            span,
            message: message.into(),
            help: help.into(),
            related: Vec::new(),
            fix: None,
        }
    }

    /// Adds a related place.
    pub fn with_related(
        mut self,
        file: FileId,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        self.related.push(Related {
            file,
            span,
            message: message.into(),
        });
        self
    }

    /// Adds a fix of the kind the rule declares; a rule that declares none gets an
    /// unsafe one, so a fix nobody reviewed is never applied by plain `--fix`.
    pub fn with_fix(
        mut self,
        file: FileId,
        span: Range<usize>,
        replacement: impl Into<String>,
    ) -> Self {
        self.fix = Some(Fix {
            file,
            span,
            replacement: replacement.into(),
            applicability: self.rule.fix.unwrap_or(Applicability::Unsafe),
        });
        self
    }
}

/// Where rules put what they find.
#[derive(Debug, Default)]
pub struct Sink {
    diagnostics: Vec<Diagnostic>,
}

impl Sink {
    /// Records a finding.
    pub fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// Everything recorded so far.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.diagnostics
    }

    /// Findings so far.
    pub fn as_slice(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}
