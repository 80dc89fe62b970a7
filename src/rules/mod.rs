//! The rule registry: every rule's code, default severity, summary and documentation, and
//! the checks that run over a loaded project. Nothing else lists rules by hand: the
//! `rules` and `explain` commands, the README table and config validation all read
//! [`RULES`].

use crate::analysis::Context;
use crate::base::diagnostic::Sink;
use crate::base::rule::{Catalogue, Rule};
use rayon::prelude::*;

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
pub mod phone;
pub mod phone_text;
pub mod privacy;
pub mod refs;
pub mod schedule;

/// A check over the whole project.
pub type Check = fn(&Context<'_>, &mut Sink);

/// Every rule camplint knows, in catalogue order (by family, then code).
pub static RULES: &[&Rule] = &[
    &crate::project::config::INVALID,
    &crate::project::parse::TOML,
    &crate::project::parse::SCHEMA,
    &crate::project::parse::CSV,
    &crate::project::parse::ENCODING,
    &crate::project::parse::UNREADABLE,
    &refs::UNKNOWN_AUDIENCE,
    &refs::MISSING_MESSAGE,
    &refs::CHANNEL_MISMATCH,
    &refs::UNUSED_MESSAGE,
    &crate::project::MISSING_CONTACTS,
    &consent::MISSING,
    &consent::WITHDRAWN,
    &consent::EXPIRED,
    &consent::NO_SOURCE,
    &frequency::CAP_EXCEEDED,
    &frequency::QUIET_HOURS,
    &crate::analysis::plan::INVALID_TIME,
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
    &crate::project::suppress::UNKNOWN_RULE,
    &crate::project::fixes::NOT_WRITTEN,
];

/// Every check that runs over a loaded project. Their findings are sorted afterwards,
/// so the order here only decides which core starts what: rayon splits the list in
/// halves, the thread that starts runs the first half from its head and the other core
/// steals the second half, from its head too. Consent coverage and frequency caps take
/// most of a big project's time, so each heads one half; had they been neighbours, caps
/// would have waited for coverage while the other core ran out of work.
pub static CHECKS: &[Check] = &[
    consent::check,
    refs::check,
    schedule::check,
    audience::check,
    broadcast::check,
    offer::check,
    optout::check,
    frequency::check,
    phone::check,
    phone_text::check,
    length::check,
    media::check,
    link::check,
    privacy::check,
];

/// The checks whose findings on a draft depend only on that draft, `camplint.toml` and
/// the campaigns that send it (every finding they make is on the draft); an editor
/// re-runs only these while a draft is typed ([`crate::engine::check_draft`]).
pub static DRAFT_CHECKS: &[Check] = &[
    refs::check,
    offer::check,
    optout::check,
    phone_text::check,
    length::check,
    media::check,
    link::check,
    privacy::check,
];

/// A rule's `camplint explain` text: heading, default severity, summary, documentation.
pub fn explain(rule: &Rule) -> String {
    format!(
        "# {}\n\nDefault severity: {}. {}.\n\n{}\n",
        rule.code,
        rule.default_severity.as_str(),
        rule.summary,
        rule.docs()
    )
}

/// [`RULES`] as the value the loader validates codes against.
pub const CATALOGUE: Catalogue = Catalogue(RULES);

/// Looks a rule up by its code.
pub fn find(code: &str) -> Option<&'static Rule> {
    CATALOGUE.find(code)
}

/// The closest known code to a mistyped one, for "did you mean".
pub fn suggest(code: &str) -> Option<&'static str> {
    CATALOGUE.suggest(code)
}

/// Runs every check, on every core, each into its own sink; the findings are then
/// appended in [`CHECKS`] order, as one thread running them in turn gives them.
pub fn run_all(cx: &Context<'_>, sink: &mut Sink) {
    // One task per check (see `CHECKS` for why the order matters): left to rayon's
    // default split, each half of the list ran on one thread in turn.
    let found: Vec<Sink> = CHECKS
        .par_iter()
        .with_max_len(1)
        .map(|check| {
            let mut own = Sink::default();
            check(cx, &mut own);
            own
        })
        .collect();
    for d in found.into_iter().flat_map(Sink::into_vec) {
        sink.push(d);
    }
}

/// The rule table as Markdown, as the README shows it.
pub fn markdown_table() -> String {
    let mut out = String::from("| code | default | fix | fires when |\n|---|---|---|---|\n");
    for r in RULES {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            r.code,
            r.default_severity.as_str(),
            r.fix.map_or("", |a| a.as_str()),
            r.summary
        ));
    }
    out
}

/// One line for `camplint explain`: whether the rule's findings carry a fix, and which
/// command applies it.
pub fn fix_line(rule: &Rule) -> String {
    match rule.fix {
        Some(a) => format!("Fix: {}, applied by `{}`.", a.as_str(), a.applied_by()),
        None => "Fix: none; change the files by hand as the help line says.".to_string(),
    }
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
