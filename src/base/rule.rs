//! A rule's identity: its code, default severity and documentation, declared next to
//! the code that detects it (in whichever layer that is) with [`declare_rule!`], and
//! the [`Catalogue`] of every rule, which the layers below the rule checks receive as a
//! value instead of importing it.

use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks the merge: exit code 1.
    Error,
    /// Worth fixing; blocks only with `--deny-warnings`.
    Warning,
    /// For information only.
    Info,
}

impl Severity {
    /// The lowercase name used in config files and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A severity as configured: a severity or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Report with this severity.
    On(Severity),
    /// Do not report.
    Off,
}

impl Level {
    /// Parses `"error" | "warning" | "info" | "off"`.
    pub fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "error" => Level::On(Severity::Error),
            "warning" => Level::On(Severity::Warning),
            "info" => Level::On(Severity::Info),
            "off" => Level::Off,
            _ => return None,
        })
    }
}

/// Whether a fix keeps the meaning of the file it edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Keeps the meaning (normalising a phone to E.164): applied by `--fix`.
    Safe,
    /// Changes the meaning (deleting a duplicate contact row): needs `--unsafe-fixes`.
    Unsafe,
}

impl Applicability {
    /// The lowercase name used in outputs and the README.
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }

    /// The command line that applies a fix of this kind.
    pub fn applied_by(self) -> &'static str {
        match self {
            Applicability::Safe => "camplint check --fix",
            Applicability::Unsafe => "camplint check --fix --unsafe-fixes",
        }
    }
}

/// A rule's identity and documentation.
#[derive(Debug)]
pub struct Rule {
    /// `family/name`, stable: users put it in config and suppression comments.
    pub code: &'static str,
    /// Severity when the config says nothing.
    pub default_severity: Severity,
    /// One line for `camplint rules` and the README table.
    pub summary: &'static str,
    /// The full documentation (Markdown) printed by `camplint explain`.
    pub docs: &'static str,
    /// The kind of fix its findings carry, or `None` when it has none.
    pub fix: Option<Applicability>,
}

impl Rule {
    /// The family part of the code (`consent` for `consent/missing`).
    pub fn family(&self) -> &'static str {
        self.code.split('/').next().unwrap_or(self.code)
    }

    /// The documentation with the one-space indent of doc comments removed.
    pub fn docs(&self) -> String {
        let mut out = String::new();
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string()
    }
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
    }
}

/// Declares a rule as a static whose doc comment is also its `explain` text, so the
/// documentation cannot drift from the code it sits on. A rule whose findings carry a
/// fix says which kind after the summary: `fix = Safe` or `fix = Unsafe`.
#[macro_export]
macro_rules! declare_rule {
    (@fix) => { None };
    (@fix $fix:ident) => { Some($crate::base::rule::Applicability::$fix) };
    ($(#[doc = $doc:literal])* $vis:vis static $name:ident = ($code:literal, $sev:ident, $summary:literal $(, fix = $fix:ident)?);) => {
        $(#[doc = $doc])*
        $vis static $name: $crate::base::rule::Rule = $crate::base::rule::Rule {
            code: $code,
            default_severity: $crate::base::rule::Severity::$sev,
            summary: $summary,
            docs: concat!($($doc, "\n"),*),
            fix: $crate::declare_rule!(@fix $($fix)?),
        };
    };
}

/// The list of every rule, handed down to the loader so it can validate rule codes in
/// `camplint.toml` and `camplint-disable` comments without importing the checks.
#[derive(Debug, Clone, Copy)]
pub struct Catalogue(pub &'static [&'static Rule]);

impl Catalogue {
    /// Every rule, in catalogue order.
    pub fn rules(&self) -> &'static [&'static Rule] {
        self.0
    }

    /// Looks a rule up by its code.
    pub fn find(&self, code: &str) -> Option<&'static Rule> {
        self.0.iter().copied().find(|r| r.code == code)
    }

    /// The closest known code to a mistyped one, for "did you mean".
    pub fn suggest(&self, code: &str) -> Option<&'static str> {
        crate::base::toml_util::closest(code, self.0.iter().map(|r| r.code))
    }
}
