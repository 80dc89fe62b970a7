//! The rule registry: every rule's code, default severity, summary and documentation, and
//! the checks that run over a loaded project. Nothing else lists rules by hand: the
//! `rules` and `explain` commands, the README table and config validation all read
//! [`RULES`].

use chrono::{DateTime, Utc};

use crate::diagnostic::{Severity, Sink};
use crate::project::Project;

pub mod audience;
pub mod broadcast;
pub mod consent;
pub mod frequency;
pub mod length;
pub mod link;
pub mod media;
pub mod message;
pub mod offer;
pub mod optout;
pub mod parse;
pub mod phone;
pub mod phone_text;
pub mod privacy;
pub mod refs;
pub mod schedule;
pub mod suppress;

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
/// documentation cannot drift from the code it sits on.
#[macro_export]
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* $vis:vis static $name:ident = ($code:literal, $sev:ident, $summary:literal);) => {
        $(#[doc = $doc])*
        $vis static $name: $crate::rules::Rule = $crate::rules::Rule {
            code: $code,
            default_severity: $crate::diagnostic::Severity::$sev,
            summary: $summary,
            docs: concat!($($doc, "\n"),*),
        };
    };
}

/// What a check may look at besides the project.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Everything that was loaded.
    pub project: &'a Project,
    /// Every send expanded to its instants.
    pub plan: &'a crate::plan::Plan,
    /// Consent coverage of every send, decided once (SPEC 1.5).
    pub coverage: &'a crate::consent::Coverage,
    /// Drafts rendered per channel, each at most once.
    pub renders: &'a message::Renders,
    /// "Now", for messages that say how far away a send is.
    pub now: DateTime<Utc>,
}

/// A check over the whole project.
pub type Check = fn(&Context<'_>, &mut Sink);

/// Every rule camplint knows, in catalogue order (by family, then code).
pub static RULES: &[&Rule] = &[
    &crate::config::INVALID,
    &parse::TOML,
    &parse::SCHEMA,
    &parse::CSV,
    &parse::ENCODING,
    &parse::UNREADABLE,
    &refs::UNKNOWN_AUDIENCE,
    &refs::MISSING_MESSAGE,
    &refs::CHANNEL_MISMATCH,
    &refs::UNUSED_MESSAGE,
    &refs::MISSING_CONTACTS,
    &consent::MISSING,
    &consent::WITHDRAWN,
    &consent::EXPIRED,
    &consent::NO_SOURCE,
    &frequency::CAP_EXCEEDED,
    &frequency::QUIET_HOURS,
    &schedule::INVALID_TIME,
    &schedule::OFFER_EXPIRED,
    &audience::DUPLICATE_CONTACT,
    &broadcast::TOO_MANY_RECIPIENTS,
    &offer::MISSING,
    &offer::CODE_NOT_IN_TEXT,
    &optout::MISSING,
    &phone::NOT_E164,
    &phone::INVALID,
    &phone_text::NOT_INTERNATIONAL,
    &length::TWEET,
    &length::WHATSAPP_TEXT,
    &length::CAPTION,
    &length::DM,
    &media::MISSING_FILE,
    &media::OUTSIDE_PROJECT,
    &media::UNSUPPORTED_TYPE,
    &media::TOO_LARGE,
    &media::TOO_MANY,
    &media::TOO_LONG,
    &media::MISSING_ALT_TEXT,
    &media::ALT_TEXT_TOO_LONG,
    &link::INVALID_DEEPLINK,
    &privacy::PII_IN_PUBLIC_POST,
    &suppress::UNKNOWN_RULE,
];

/// Every check, run in this order over a loaded project.
pub static CHECKS: &[Check] = &[
    refs::check,
    consent::check,
    frequency::check,
    schedule::check,
    audience::check,
    broadcast::check,
    offer::check,
    optout::check,
    phone::check,
    phone_text::check,
    length::check,
    media::check,
    link::check,
    privacy::check,
];

/// Looks a rule up by its code.
pub fn find(code: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.code == code)
}

/// The closest known code to a mistyped one, for "did you mean".
pub fn suggest(code: &str) -> Option<&'static str> {
    crate::toml_util::closest(code, RULES.iter().map(|r| r.code))
}

/// Runs every check.
pub fn run_all(cx: &Context<'_>, sink: &mut Sink) {
    for check in CHECKS {
        check(cx, sink);
    }
}

/// The rule table as Markdown, as the README shows it.
pub fn markdown_table() -> String {
    let mut out = String::from("| code | default | fires when |\n|---|---|---|\n");
    for r in RULES {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            r.code,
            r.default_severity.as_str(),
            r.summary
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_by_family_and_documented() {
        let mut seen = std::collections::BTreeSet::new();
        for r in RULES {
            assert!(seen.insert(r.code), "duplicate rule {}", r.code);
            assert!(r.code.contains('/'), "{} has no family", r.code);
            let docs = r.docs();
            assert!(docs.contains("## What it does"), "{} lacks docs", r.code);
            assert!(
                docs.contains("## How to fix"),
                "{} lacks a fix section",
                r.code
            );
            assert!(
                !r.summary.ends_with('.'),
                "{} summary ends with a dot",
                r.code
            );
        }
    }

    #[test]
    fn suggestion_finds_near_codes() {
        assert_eq!(
            suggest("ref/unknown-audiense"),
            Some("ref/unknown-audience")
        );
        assert_eq!(suggest("zzz"), None);
    }
}
