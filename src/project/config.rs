//! `camplint.toml`: the serde types that parse it (and generate its JSON Schema), and
//! their validation into a [`Config`] that rules can trust.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Mutex;

use chrono_tz::Tz;
use globset::{Glob, GlobSet, GlobSetBuilder};
use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use crate::base::diagnostic::Level;
use crate::base::rule::{Catalogue, Rule};
use crate::declare_rule;
use crate::domain::media::{LimitsOverride, LimitsTable};
use crate::domain::time::window::{Cap, QuietHours};
use crate::domain::time::{Span, Unit};

declare_rule! {
    /// ## What it does
    /// Checks that `camplint.toml` can be read: valid TOML, only known tables and keys,
    /// values of the right type, and values that make sense (a real IANA time zone such
    /// as `Europe/Rome`, a two-letter ISO country code such as `IT`, durations like `24mo`,
    /// times like `21:00`, known rule codes and severities).
    ///
    /// ## Why is this bad?
    /// Every other check depends on this file: with a wrong time zone every send time is
    /// wrong, with a misspelt key a setting silently keeps its default. camplint stops
    /// with exit code 2 rather than check with settings you did not mean.
    ///
    /// ## Example
    /// ```toml
    /// [project]
    /// timezone = "Rome"     # not an IANA name
    /// [consent]
    /// max_agee = "24mo"     # misspelt key
    /// ```
    ///
    /// ## How to fix
    /// ```toml
    /// [project]
    /// timezone = "Europe/Rome"
    /// [consent]
    /// max_age = "24mo"
    /// ```
    pub static INVALID = ("config/invalid", Error, "`camplint.toml` is unreadable, malformed or has unknown/ill-typed keys (exit 2)");
}

/// `camplint.toml` as written.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "camplint.toml",
    description = "Settings of a camplint project"
)]
pub struct RawConfig {
    /// The shop: name, time zone, default region, language, its own numbers and handles.
    #[serde(default)]
    pub project: RawProject,
    /// Where each kind of file lives (globs relative to the root).
    #[serde(default)]
    pub paths: RawPaths,
    /// Caps on marketing sends; each entry is a rolling window.
    #[serde(default)]
    pub frequency: RawFrequency,
    /// No marketing send may start inside these local windows.
    #[serde(default)]
    pub quiet_hours: RawQuietHours,
    /// When a consent grant counts.
    #[serde(default)]
    pub consent: RawConsent,
    /// Extra phrases that count as a concrete value offer.
    #[serde(default)]
    pub offer: RawKeywords,
    /// Extra phrases that count as opt-out instructions.
    #[serde(default)]
    pub opt_out: RawKeywords,
    /// Per-rule severity: "error", "warning", "info" or "off".
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, LevelName>")]
    pub rules: BTreeMap<Spanned<String>, Spanned<String>>,
    /// Per-path severities.
    #[serde(default)]
    pub overrides: Vec<RawOverride>,
    /// Media limits per channel and type, replacing the built-in platform figures.
    #[serde(default)]
    pub limits: LimitsOverride,
}

/// A severity as written in `[rules]`.
#[derive(Debug, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum LevelName {
    Error,
    Warning,
    Info,
    Off,
}

/// `[project]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProject {
    /// The shop's name.
    pub name: Option<String>,
    /// IANA time zone; times without offset are local to it. Default "Europe/Rome".
    #[schemars(with = "Option<String>")]
    pub timezone: Option<Spanned<String>>,
    /// ISO 3166-1 alpha-2 region used to read numbers written without `+`. Default "IT".
    #[schemars(with = "Option<String>")]
    pub default_region: Option<Spanned<String>>,
    /// Default language of drafts ("it" or "en"). Default "it".
    pub language: Option<Language>,
    /// The project's own phone numbers and handles.
    #[serde(default)]
    pub senders: Vec<String>,
}

/// Languages whose phrase lists camplint knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Italian.
    #[default]
    It,
    /// English.
    En,
}

/// `[paths]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPaths {
    /// Campaign definitions. Default ["campaigns/**/*.toml"].
    #[schemars(with = "Option<Vec<String>>")]
    pub campaigns: Option<Vec<Spanned<String>>>,
    /// Message drafts. Default ["messages/**/*.md"].
    #[schemars(with = "Option<Vec<String>>")]
    pub messages: Option<Vec<Spanned<String>>>,
    /// Audience metadata. Default ["audiences/**/*.toml"].
    #[schemars(with = "Option<Vec<String>>")]
    pub audiences: Option<Vec<Spanned<String>>>,
    /// Consent ledgers. Default ["consent/**/*.csv"].
    #[schemars(with = "Option<Vec<String>>")]
    pub consent: Option<Vec<Spanned<String>>>,
    /// Paths never loaded. Default [].
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub exclude: Vec<Spanned<String>>,
}

/// `[frequency]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawFrequency {
    /// Per recipient, WhatsApp and broadcast lists together. Default 2 per 7d and 1 per 1d.
    pub whatsapp: Option<Vec<Cap>>,
    /// Per recipient. Default 1 per 7d.
    pub twitter_dm: Option<Vec<Cap>>,
    /// Per account (public posts). Default 8 per 1d.
    pub twitter: Option<Vec<Cap>>,
}

/// `[quiet_hours]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawQuietHours {
    /// WhatsApp and broadcast lists. Default 21:00 to 09:00.
    pub whatsapp: Option<QuietHours>,
    /// X direct messages. Default 22:00 to 08:00.
    pub twitter_dm: Option<QuietHours>,
}

/// `[consent]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawConsent {
    /// A grant older than this at send time no longer counts. Default "24mo".
    pub max_age: Option<Span>,
    /// A grant must say where it was collected. Default true.
    pub require_source: Option<bool>,
}

/// `[offer]` and `[opt_out]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawKeywords {
    /// Extra phrases, matched case-insensitively as whole words.
    #[serde(default)]
    pub keywords: Vec<String>,
}

/// `[[overrides]]`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOverride {
    /// Globs relative to the root.
    #[schemars(with = "Vec<String>")]
    pub files: Vec<Spanned<String>>,
    /// Severities for those files.
    #[schemars(with = "BTreeMap<String, LevelName>")]
    pub rules: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// `consent.max_age` when not set: the Garante's 24-month benchmark.
pub const DEFAULT_MAX_AGE: Span = Span::MONTHS_24;

/// A set of globs with the patterns as written, for messages.
#[derive(Debug, Clone)]
pub struct Globs {
    /// The patterns.
    pub patterns: Vec<String>,
    set: GlobSet,
}

impl Globs {
    /// True when a root-relative path matches one of the patterns.
    pub fn is_match(&self, path: &str) -> bool {
        self.set.is_match(path)
    }
}

/// A validated `[[overrides]]` entry.
#[derive(Debug, Clone)]
pub struct Override {
    /// Which files.
    pub files: Globs,
    /// Rule code to level.
    pub rules: BTreeMap<&'static str, Level>,
}

/// The settings every rule reads, validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// Shop name.
    pub name: Option<String>,
    /// Project time zone.
    pub timezone: Tz,
    /// Region for numbers without `+`.
    pub default_region: String,
    /// Default draft language.
    pub language: Language,
    /// The project's own numbers and handles.
    pub senders: Vec<String>,
    /// Campaign globs.
    pub campaigns: Globs,
    /// Draft globs.
    pub messages: Globs,
    /// Audience globs.
    pub audiences: Globs,
    /// Ledger globs.
    pub consent_files: Globs,
    /// Never loaded.
    pub exclude: Globs,
    /// Caps on WhatsApp sends per recipient (broadcasts included).
    pub frequency_whatsapp: Vec<Cap>,
    /// Caps on DMs per recipient.
    pub frequency_twitter_dm: Vec<Cap>,
    /// Caps on public posts per account.
    pub frequency_twitter: Vec<Cap>,
    /// Quiet window for WhatsApp.
    pub quiet_whatsapp: Option<QuietHours>,
    /// Quiet window for DMs.
    pub quiet_twitter_dm: Option<QuietHours>,
    /// Oldest grant that still counts.
    pub consent_max_age: Span,
    /// Grants need a source.
    pub require_source: bool,
    /// Extra offer phrases.
    pub offer_keywords: Vec<String>,
    /// Extra opt-out phrases.
    pub opt_out_keywords: Vec<String>,
    /// Per-rule levels.
    pub rules: BTreeMap<&'static str, Level>,
    /// Per-path levels, later entries win.
    pub overrides: Vec<Override>,
    /// Effective media limits per channel: the platform figures with `[limits]` applied.
    pub limits: LimitsTable,
}

impl Default for Config {
    fn default() -> Self {
        // The defaults are all valid, so validation of an empty config cannot fail.
        match validate(RawConfig::default(), &Catalogue(&[])) {
            Ok(c) => c,
            Err(_) => unreachable!("the default config is valid"),
        }
    }
}

/// A problem found while validating, with its span in `camplint.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    /// Byte range in `camplint.toml`.
    pub span: Range<usize>,
    /// What is wrong.
    pub message: String,
    /// What to change.
    pub help: String,
}

impl ConfigProblem {
    fn new(span: Range<usize>, message: String, help: impl Into<String>) -> Self {
        ConfigProblem {
            span,
            message,
            help: help.into(),
        }
    }
}

/// Parses and validates the text of `camplint.toml`.
pub fn parse(text: &str, catalogue: &Catalogue) -> Result<Config, Vec<ConfigProblem>> {
    let raw: RawConfig = crate::base::toml_util::parse(text)
        .map_err(|(_, e)| vec![ConfigProblem::new(e.span, e.message, e.help)])?;
    validate(raw, catalogue)
}

fn default_globs(list: Option<Vec<Spanned<String>>>, default: &str) -> Vec<Spanned<String>> {
    list.unwrap_or_else(|| vec![Spanned::new(0..0, default.to_string())])
}

/// Glob sets already compiled, by their patterns: an editor re-reads `camplint.toml` at
/// every keystroke in a draft, and compiling its globs was 29% of that draft's check.
/// The same patterns always compile to the same set; a handful of lists is ever alive.
static COMPILED: Mutex<Vec<(Vec<String>, GlobSet)>> = Mutex::new(Vec::new());
/// How many lists [`COMPILED`] keeps (the oldest goes first).
const COMPILED_KEPT: usize = 64;

/// The set of `globs`, compiled once per distinct list.
fn compiled(builder: GlobSetBuilder, key: Vec<String>) -> GlobSet {
    let known = COMPILED.lock().ok().and_then(|memo| {
        memo.iter()
            .find(|(k, _)| *k == key)
            .map(|(_, set)| set.clone())
    });
    if let Some(set) = known {
        return set;
    }
    let set = builder.build().unwrap_or_else(|_| GlobSet::empty());
    // A lock poisoned by a panic elsewhere only costs the memory, never the answer.
    if let Ok(mut memo) = COMPILED.lock() {
        if memo.len() >= COMPILED_KEPT {
            memo.remove(0);
        }
        memo.push((key, set.clone()));
    }
    set
}

fn globs(list: Vec<Spanned<String>>, problems: &mut Vec<ConfigProblem>) -> Globs {
    let mut builder = GlobSetBuilder::new();
    let mut accepted = Vec::new();
    let mut patterns = Vec::new();
    for p in list {
        let span = p.span();
        let pattern = p.into_inner();
        // Patterns are matched against paths inside the root, so these would match nothing.
        if pattern.starts_with('/') || pattern.split('/').any(|part| part == "..") {
            problems.push(ConfigProblem::new(
                span,
                format!("\"{pattern}\" points outside the project folder, so it matches nothing"),
                "write the pattern relative to the project root, like \"campaigns/**/*.toml\"",
            ));
            continue;
        }
        match Glob::new(&pattern) {
            Ok(g) => {
                builder.add(g);
                accepted.push(pattern.clone());
            }
            Err(e) => problems.push(ConfigProblem::new(
                span,
                format!("\"{pattern}\" is not a valid glob: {}", e.kind()),
                "write a path pattern like \"campaigns/**/*.toml\"",
            )),
        }
        patterns.push(pattern);
    }
    let set = compiled(builder, accepted);
    Globs { patterns, set }
}

fn levels(
    map: BTreeMap<Spanned<String>, Spanned<String>>,
    catalogue: &Catalogue,
    problems: &mut Vec<ConfigProblem>,
) -> BTreeMap<&'static str, Level> {
    let mut out = BTreeMap::new();
    for (code, level) in map {
        let Some(rule) = catalogue.find(code.get_ref()) else {
            let help = match catalogue.suggest(code.get_ref()) {
                Some(near) => format!("did you mean \"{near}\"? `camplint rules` lists every code"),
                None => "`camplint rules` lists every rule code".to_string(),
            };
            problems.push(ConfigProblem::new(
                code.span(),
                format!("unknown rule \"{}\"", code.get_ref()),
                help,
            ));
            continue;
        };
        match Level::parse(level.get_ref()) {
            Some(l) => {
                out.insert(rule.code, l);
            }
            None => problems.push(ConfigProblem::new(
                level.span(),
                format!("\"{}\" is not a severity", level.get_ref()),
                "use \"error\", \"warning\", \"info\" or \"off\"",
            )),
        }
    }
    out
}

/// Validates a parsed config into settings that cannot be wrong.
pub fn validate(raw: RawConfig, catalogue: &Catalogue) -> Result<Config, Vec<ConfigProblem>> {
    let mut problems = Vec::new();
    let p = raw.project;
    let timezone = match &p.timezone {
        None => chrono_tz::Europe::Rome,
        Some(tz) => tz.get_ref().parse::<Tz>().unwrap_or_else(|_| {
            problems.push(ConfigProblem::new(
                tz.span(),
                format!("\"{}\" is not a time zone name", tz.get_ref()),
                "write a time zone name such as \"Europe/Rome\" (Italy)",
            ));
            chrono_tz::Europe::Rome
        }),
    };
    let default_region = match &p.default_region {
        None => "IT".to_string(),
        Some(r) => {
            let code = r.get_ref();
            if code.len() != 2
                || code.to_uppercase() != *code
                || !crate::domain::phone::is_known_region(code)
            {
                problems.push(ConfigProblem::new(
                    r.span(),
                    format!("\"{code}\" is not a two-letter country code in capitals"),
                    "write the country code in capitals, such as \"IT\" for Italy",
                ));
            }
            code.clone()
        }
    };
    let paths = raw.paths;
    let campaigns = globs(
        default_globs(paths.campaigns, "campaigns/**/*.toml"),
        &mut problems,
    );
    let messages = globs(
        default_globs(paths.messages, "messages/**/*.md"),
        &mut problems,
    );
    let audiences = globs(
        default_globs(paths.audiences, "audiences/**/*.toml"),
        &mut problems,
    );
    let consent_files = globs(
        default_globs(paths.consent, "consent/**/*.csv"),
        &mut problems,
    );
    let exclude = globs(paths.exclude, &mut problems);

    let cap = |max, n, unit| Span::new(n, unit).map(|per| Cap { max, per });
    let f = raw.frequency;
    let frequency_whatsapp = f.whatsapp.unwrap_or_else(|| {
        [cap(2, 7, Unit::Day), cap(1, 1, Unit::Day)]
            .into_iter()
            .flatten()
            .collect()
    });
    let frequency_twitter_dm = f
        .twitter_dm
        .unwrap_or_else(|| cap(1, 7, Unit::Day).into_iter().collect());
    let frequency_twitter = f
        .twitter
        .unwrap_or_else(|| cap(8, 1, Unit::Day).into_iter().collect());
    let quiet = |from, to| QuietHours::parse(from, to).ok();
    let quiet_whatsapp = raw.quiet_hours.whatsapp.or_else(|| quiet("21:00", "09:00"));
    let quiet_twitter_dm = raw
        .quiet_hours
        .twitter_dm
        .or_else(|| quiet("22:00", "08:00"));
    let rules = levels(raw.rules, catalogue, &mut problems);
    let overrides = raw
        .overrides
        .into_iter()
        .map(|o| Override {
            files: globs(o.files, &mut problems),
            rules: levels(o.rules, catalogue, &mut problems),
        })
        .collect();
    if !problems.is_empty() {
        problems.sort_by_key(|p| (p.span.start, p.span.end));
        return Err(problems);
    }
    Ok(Config {
        name: p.name,
        timezone,
        default_region,
        language: p.language.unwrap_or_default(),
        senders: p.senders,
        campaigns,
        messages,
        audiences,
        consent_files,
        exclude,
        frequency_whatsapp,
        frequency_twitter_dm,
        frequency_twitter,
        quiet_whatsapp,
        quiet_twitter_dm,
        consent_max_age: raw.consent.max_age.unwrap_or(DEFAULT_MAX_AGE),
        require_source: raw.consent.require_source.unwrap_or(true),
        offer_keywords: raw.offer.keywords,
        opt_out_keywords: raw.opt_out.keywords,
        rules,
        overrides,
        limits: raw.limits.resolve(),
    })
}

impl Config {
    /// The level of `rule` for a root-relative path, after `[rules]` and `[[overrides]]`.
    pub fn level(&self, rule: &Rule, path: &str) -> Level {
        let mut level = self
            .rules
            .get(rule.code)
            .copied()
            .unwrap_or(Level::On(rule.default_severity));
        for o in &self.overrides {
            if o.files.is_match(path) {
                if let Some(l) = o.rules.get(rule.code) {
                    level = *l;
                }
            }
        }
        level
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    declare_rule! {
        /// A rule for these tests only.
        static UNUSED = ("ref/unused-message", Warning, "test rule");
    }
    declare_rule! {
        /// Another.
        static OFFER = ("offer/missing", Warning, "test rule");
    }
    const CATALOGUE: Catalogue = Catalogue(&[&UNUSED, &OFFER]);

    fn parse(text: &str) -> Result<Config, Vec<ConfigProblem>> {
        super::parse(text, &CATALOGUE)
    }

    #[test]
    fn compiled_globs_are_reused_only_for_the_same_patterns() {
        let list = |ps: &[&str]| -> Vec<Spanned<String>> {
            ps.iter()
                .map(|p| Spanned::new(0..0, p.to_string()))
                .collect()
        };
        let mut problems = Vec::new();
        let a = globs(
            list(&["memo-test/**/*.md", "memo-test/[bad"]),
            &mut problems,
        );
        // The invalid pattern is reported each time, from the memo or not.
        let b = globs(
            list(&["memo-test/**/*.md", "memo-test/[bad"]),
            &mut problems,
        );
        assert_eq!(problems.len(), 2);
        assert_eq!(a.patterns, b.patterns);
        assert!(a.is_match("memo-test/x/y.md") && b.is_match("memo-test/x/y.md"));
        // A list that differs in one pattern, or in order, is compiled for itself.
        let c = globs(list(&["memo-test/**/*.toml"]), &mut problems);
        assert!(c.is_match("memo-test/a.toml") && !c.is_match("memo-test/x/y.md"));
        let d = globs(
            list(&["memo-test/*.csv", "memo-test/**/*.md"]),
            &mut problems,
        );
        assert!(d.is_match("memo-test/a.csv") && d.is_match("memo-test/b/c.md"));
    }

    #[test]
    fn empty_config_takes_the_spec_defaults() {
        let c = parse("").unwrap();
        assert_eq!(c.timezone, chrono_tz::Europe::Rome);
        assert_eq!(c.default_region, "IT");
        assert_eq!(c.frequency_whatsapp.len(), 2);
        assert_eq!(c.consent_max_age.to_string(), "24mo");
        assert!(c.require_source);
        assert!(c.campaigns.is_match("campaigns/black-friday.toml"));
        assert!(c.messages.is_match("messages/bf/announce.md"));
    }

    #[test]
    fn every_bad_value_is_reported_with_its_span() {
        let text = "[project]\ntimezone = \"Rome\"\ndefault_region = \"ITA\"\n[consent]\nmax_age = \"24 months\"\n[rules]\n\"offer/mising\" = \"warning\"\n";
        let problems = parse(text).unwrap_err();
        // serde stops at the first ill-typed value; validation then reports every other.
        let spans: Vec<&str> = problems.iter().map(|p| &text[p.span.clone()]).collect();
        assert_eq!(spans, ["\"24 months\""]);
        let text = text.replace("\"24 months\"", "\"24mo\"");
        let problems = parse(&text).unwrap_err();
        let spans: Vec<&str> = problems.iter().map(|p| &text[p.span.clone()]).collect();
        assert_eq!(spans, ["\"Rome\"", "\"ITA\"", "\"offer/mising\""]);
    }

    #[test]
    fn overrides_win_over_rules() {
        let text = "[rules]\n\"ref/unused-message\" = \"error\"\n[[overrides]]\nfiles = [\"messages/legacy/**\"]\nrules = { \"ref/unused-message\" = \"off\" }\n";
        let c = parse(text).unwrap();
        let r = &UNUSED;
        assert_eq!(c.level(r, "messages/legacy/a.md"), Level::Off);
        assert_eq!(
            c.level(r, "messages/new/a.md"),
            Level::On(crate::base::diagnostic::Severity::Error)
        );
    }
}
