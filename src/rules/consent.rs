//! `consent/*`: recipients a send may not reach (no grant, withdrawn, expired) and grant
//! rows without proof. Coverage itself is decided once in [`crate::analysis::consent`]; this file
//! only turns it into diagnostics, one per (send entry, audience) and rule, so a list of
//! a million contacts gives one line per send, not a million.

use crate::analysis::consent::{FamilyFindings, Finding, Group, Problem};
use crate::analysis::Context;
use crate::base::diagnostic::{Diagnostic, Sink};
use crate::declare_rule;
use crate::domain::time::format_local;
use crate::project::csv_table::{field_span, line_at};
use crate::project::{contact, Action, Project};

declare_rule! {
    /// ## What it does
    /// Reports recipients of a send who have no grant that counts for the campaign's
    /// channel and purpose at the moment it goes out: nothing in the consent ledger, only
    /// a *service* grant for a *marketing* send, or a grant without a `source` while
    /// `consent.require_source` is on. One finding per `[[sends]]` entry and audience,
    /// with the count and up to five example rows.
    ///
    /// ## Why is this bad?
    /// Promotional WhatsApp messages and DMs need the person's prior, provable consent
    /// (GDPR art. 6-7, the Italian Privacy Code art. 130, WhatsApp Business policy).
    /// Consent to order updates does not cover promotions.
    ///
    /// ## Example
    /// ```toml
    /// audiences = ["vip"]          # vip.csv lists +393337654321 ...
    /// [[sends]]                    # ... and consent/ledger.csv has no grant for it
    /// message = "messages/black-friday/announce.md"
    /// at = 2026-11-27T10:00:00
    /// ```
    ///
    /// ## How to fix
    /// Record each grant, with its source, in the consent ledger
    /// (`+393337654321,whatsapp,marketing,granted,2026-02-14,form:sito`), or remove the
    /// people from the audience's CSV. `camplint consent --campaign ID` lists them all.
    pub static MISSING = ("consent/missing", Error, "recipients of a send have no valid grant for its channel and purpose at send time (count, examples)");
}

declare_rule! {
    /// ## What it does
    /// Reports recipients of a send whose latest consent event before the send is a
    /// withdrawal. A withdrawal dated after the send does not count against it.
    ///
    /// ## Why is this bad?
    /// Writing to someone who said STOP is the complaint that gets a WhatsApp number
    /// blocked and a shop fined.
    ///
    /// ## Example
    /// ```csv
    /// +393401234567,whatsapp,marketing,granted,2026-04-01,form:sito
    /// +393401234567,whatsapp,marketing,withdrawn,2026-10-15,reply:STOP
    /// ```
    /// and a send on 2026-11-27 to an audience with +393401234567.
    ///
    /// ## How to fix
    /// Remove them from the audience's CSV. Only a new grant from the person makes them
    /// reachable again.
    pub static WITHDRAWN = ("consent/withdrawn", Error, "recipients withdrew consent before the send");
}

declare_rule! {
    /// ## What it does
    /// Reports recipients whose grant in force at the send is older than
    /// `consent.max_age` (default `24mo`, calendar months in the project time zone; a
    /// grant exactly that old still counts).
    ///
    /// ## Why is this bad?
    /// Consent fades: the Italian data protection authority expects marketing consent to
    /// be renewed, and people who signed up years ago report messages as spam.
    ///
    /// ## Example
    /// ```csv
    /// +393471112233,whatsapp,marketing,granted,2024-01-10,form:negozio
    /// ```
    /// and a send on 2026-11-27 with `max_age = "24mo"`.
    ///
    /// ## How to fix
    /// Ask them to confirm, record the new grant in the ledger, or remove them from the
    /// audience's CSV.
    pub static EXPIRED = ("consent/expired", Error, "the grant is older than `consent.max_age` at send time");
}

declare_rule! {
    /// ## What it does
    /// Reports a `granted` row of the consent ledger with an empty `source` (or a ledger
    /// without a `source` column) while `consent.require_source` is on.
    ///
    /// ## Why is this bad?
    /// The shop must be able to prove consent (GDPR art. 7(1)). A grant nobody can trace
    /// does not count, so its recipients are also reported by `consent/missing`.
    ///
    /// ## Example
    /// ```csv
    /// +393495556677,whatsapp,marketing,granted,2026-06-11,
    /// ```
    ///
    /// ## How to fix
    /// Write where the consent was collected: `form:checkout`, `reply:SI`, `paper:2026-06`.
    pub static NO_SOURCE = ("consent/no-source", Error, "a grant row has no source");
}

/// Most example rows in `related`.
const EXAMPLES: usize = 5;

/// Runs the consent checks.
pub fn check(cx: &Context<'_>, sink: &mut Sink) {
    let p = cx.project;
    for g in &cx.coverage().groups {
        for (rule, found) in [&MISSING, &WITHDRAWN, &EXPIRED]
            .into_iter()
            .zip(&g.families)
        {
            if let Some(d) = group_diagnostic(p, g, rule, found, cx.now) {
                sink.push(d);
            }
        }
    }
    if p.config.require_source {
        no_source(p, sink);
    }
}

/// The rule that reports a problem.
pub fn rule_of(problem: Problem) -> &'static crate::base::rule::Rule {
    match problem {
        Problem::Missing | Problem::ServiceOnly | Problem::Unsourced => &MISSING,
        Problem::Withdrawn => &WITHDRAWN,
        Problem::Expired => &EXPIRED,
    }
}

/// The ledger file people should edit, as named in help lines.
pub fn ledger_name(p: &Project) -> String {
    p.ledgers
        .first()
        .map(|l| p.sources.get(l.file).path.clone())
        .unwrap_or_else(|| "consent/ledger.csv".to_string())
}

/// The readable contact of a finding.
pub fn who(p: &Project, g: &Group, f: &Finding) -> String {
    p.audiences
        .get(g.audience)
        .and_then(|a| a.contacts.get(f.contact as usize))
        .and_then(|c| c.key)
        .map(|k| contact::display(k, &p.handles))
        .unwrap_or_default()
}

/// What decided a finding, in a few words (`withdrew on 2026-10-15, consent/ledger.csv
/// row 6`).
pub fn detail(p: &Project, f: &Finding) -> String {
    let tz = p.config.timezone;
    let Some(r) = f.event else {
        return "no grant in the consent ledger".to_string();
    };
    let Some((l, e)) = r.locate(&p.ledgers) else {
        return "no grant in the consent ledger".to_string();
    };
    let day = crate::domain::time::local_wall(e.at, tz).date();
    let row = format!("{} row {}", p.sources.get(l.file).path, e.line);
    match f.problem {
        Problem::Missing => "no grant in the consent ledger".to_string(),
        Problem::ServiceOnly => format!("only service consent (granted {day}, {row})"),
        Problem::Unsourced => format!("the grant of {day} has no source ({row})"),
        Problem::Withdrawn => format!("withdrew on {day} ({row})"),
        Problem::Expired => format!(
            "granted on {day}, more than {} before ({row})",
            p.config.consent_max_age.words()
        ),
    }
}

/// When, for a message: `at X` for a single send, `from X (repeat i of n)` for repeats.
fn when(p: &Project, g: &Group, first: u32) -> String {
    let tz = p.config.timezone;
    let t = g
        .instants
        .get(first as usize)
        .map(|&t| format_local(t, tz))
        .unwrap_or_default();
    if g.instants.len() > 1 {
        format!("from {t} (repeat {} of {})", first + 1, g.instants.len())
    } else {
        format!("at {t}")
    }
}

fn group_diagnostic(
    p: &Project,
    g: &Group,
    rule: &'static crate::base::rule::Rule,
    found: &FamilyFindings,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Diagnostic> {
    // Distinct recipients: one with two problems of one rule at different repeats
    // counts once.
    let affected = found.affected as usize;
    if affected == 0 {
        return None;
    }
    let c = p.campaigns.get(g.campaign)?;
    let s = c.sends.get(g.send)?;
    let a = p.audiences.get(g.audience)?;
    let first = found.first;
    let channel = c
        .channel
        .get_ref()
        .consent_channel()
        .map_or("", |c| c.as_str());
    let purpose = c.purpose.get_ref().as_str();
    let csv_path = a
        .csv
        .map(|f| p.sources.get(f).path.clone())
        .unwrap_or_else(|| a.contacts_path.get_ref().clone());
    let ledger = ledger_name(p);
    let of = if affected as u32 == g.recipients {
        if affected == 1 {
            format!("the only recipient of audience `{}`", a.id)
        } else {
            format!("all {affected} recipients of audience `{}`", a.id)
        }
    } else {
        format!(
            "{affected} of the {} recipients of audience `{}`",
            g.recipients, a.id
        )
    };
    let has = if affected == 1 { "has" } else { "have" };
    let of = upper_first(&of);
    let when = when(p, g, first);
    let count = |pr: Problem| g.with_problem[pr.slot()] as usize;
    let (message, mut help) = if std::ptr::eq(rule, &MISSING) {
        let (none, service, unsourced) = (
            count(Problem::Missing),
            count(Problem::ServiceOnly),
            count(Problem::Unsourced),
        );
        let only = |n: usize| {
            if n == affected {
                String::new()
            } else {
                format!("{n} with ")
            }
        };
        let mut parts = Vec::new();
        if none > 0 && none < affected {
            parts.push(format!("{none} with no grant at all"));
        }
        if service > 0 {
            parts.push(format!(
                "{}only service consent, which does not cover marketing",
                only(service)
            ));
        }
        if unsourced > 0 {
            parts.push(format!("{}a grant that has no source", only(unsourced)));
        }
        let why = if parts.is_empty() {
            String::new()
        } else {
            format!(": {}", parts.join("; "))
        };
        let help = if service == affected {
            format!("service consent does not cover promotions: record a {channel} {purpose} grant in {ledger}, or remove them from {csv_path}")
        } else if unsourced == affected {
            format!("write where each grant was collected in the source column of {ledger}, or remove them from {csv_path}")
        } else {
            format!("record a {channel} {purpose} grant (with its source) in {ledger}, or remove them from {csv_path}")
        };
        (
            format!("{of} {has} no valid {channel} {purpose} consent {when}{why}"),
            help,
        )
    } else if std::ptr::eq(rule, &WITHDRAWN) {
        (
            format!("{of} had withdrawn {channel} {purpose} consent {when}"),
            format!("remove them from {csv_path}: only a new grant from them (in {ledger}) makes them reachable again"),
        )
    } else {
        (
            format!(
                "{of} {has} only a {channel} {purpose} grant older than {} (`max_age` in camplint.toml) {when}",
                p.config.consent_max_age.words()
            ),
            format!("ask them to confirm and record the new grant in {ledger}, or remove them from {csv_path}"),
        )
    };
    // A send already due (by the clock, or by --now) may have gone out: say so, since
    // it changes what the marketer must do.
    if g.instants.get(first as usize).is_some_and(|&t| t <= now) {
        help.push_str(
            "; this send's time has already passed: if it went out, they were messaged without valid consent",
        );
    }
    if affected > EXAMPLES {
        help.push_str(&format!(
            " (`camplint consent --campaign {}` lists all {affected})",
            c.id
        ));
    }
    let mut d = Diagnostic::new(rule, c.file, s.span.clone(), message, help);
    if let Some(csv) = a.csv {
        let text = p.text(csv);
        let mut last = u32::MAX;
        for f in found.examples.iter().filter(|f| {
            let new = f.contact != last;
            last = f.contact;
            new
        }) {
            if d.related.len() >= EXAMPLES {
                break;
            }
            let Some(row) = a.contacts.get(f.contact as usize) else {
                continue;
            };
            d = d.with_related(
                csv,
                field_span(text, row.row_start as usize, a.column),
                format!("{}: {}", who(p, g, f), detail(p, f)),
            );
        }
    }
    Some(d)
}

fn no_source(p: &Project, sink: &mut Sink) {
    for l in &p.ledgers {
        let text = p.text(l.file);
        let grants = l
            .events
            .iter()
            .filter(|e| e.action == Action::Granted && !e.has_source);
        match l.columns[crate::project::ledger::SOURCE] {
            None => {
                let n = l
                    .events
                    .iter()
                    .filter(|e| e.action == Action::Granted)
                    .count();
                if n > 0 {
                    // One finding for the whole file, not one per row.
                    sink.push(Diagnostic::new(
                        &NO_SOURCE,
                        l.file,
                        line_at(text, 0),
                        format!(
                            "this ledger has no source column, so none of its {n} grants says where consent was collected"
                        ),
                        "add a source column to the first line and fill it for every grant, like form:checkout or reply:SI",
                    ));
                }
            }
            Some(col) => {
                for e in grants {
                    sink.push(Diagnostic::new(
                        &NO_SOURCE,
                        l.file,
                        field_span(text, e.row_start as usize, col),
                        format!(
                            "row {}: the {} {} grant of {} has no source",
                            e.line,
                            e.channel.as_str(),
                            e.purpose.as_str(),
                            contact::display(e.contact, &p.handles)
                        ),
                        "write where consent was collected, like form:checkout or reply:SI; without proof the grant does not count",
                    ));
                }
            }
        }
    }
}

/// The text with its first letter in upper case (messages start with a capital).
fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
