//! `frequency/*`: too many marketing messages for one person (or one account) in a
//! rolling window, and marketing messages that start at night.
//!
//! Caps are counted over the whole plan, every campaign and past sends included. A
//! person's timeline depends only on which audiences they are in, so recipients are
//! grouped by that membership and each group's timeline is counted once: the cost is
//! (distinct memberships × sends), not (contacts × sends), and each send's window start
//! is computed once per cap, not once per membership.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::analysis::plan::Occurrence;
use crate::analysis::Context;
use crate::base::channel::{Channel, Purpose};
use crate::base::diagnostic::{Diagnostic, Sink};
use crate::declare_rule;
use crate::domain::time::window::{cap_violations_with_starts, in_quiet_hours, Cap};
use crate::domain::time::{format_local, Span};
use crate::project::{contact, ContactKey, Project};

declare_rule! {
    /// ## What it does
    /// Counts the marketing messages every recipient would get, over every campaign of
    /// the project and past sends included, and reports a send that goes over a
    /// `[frequency]` cap: it is the (max+1)-th or later message in a window ending at
    /// it. WhatsApp and broadcast lists count together per phone number, `twitter-dm`
    /// per handle, and `twitter` counts the account's public posts (a thread is one
    /// post). Service sends never count. The window ending at a send at time t is
    /// (t − per, t]: with `1 per 7d`, a send exactly 7 days after another is fine.
    ///
    /// ## Why is this bad?
    /// Someone who is in two audiences gets the messages of both campaigns. Too many
    /// messages make customers block the number or report it as spam, and WhatsApp
    /// lowers the quality rating of senders who are blocked often.
    ///
    /// ## Example
    /// ```toml
    /// # camplint.toml: whatsapp = [{ max = 2, per = "7d" }]
    /// audiences = ["vip", "newsletter"]
    /// [[sends]]
    /// message = "messages/bf/announce.md"
    /// at = 2026-11-27T10:00:00
    /// # and another campaign to "newsletter" on 2026-11-28 and 2026-11-29:
    /// # people in both audiences get 3 messages in 7 days
    /// ```
    ///
    /// ## How to fix
    /// Space the sends (exactly `per` later starts a new window), leave the people who
    /// are in both audiences out of one of them, or drop a send.
    pub static CAP_EXCEEDED = ("frequency/cap-exceeded", Error, "a recipient (or the account, for `twitter`) would get more marketing sends than a `[frequency]` window allows, counting every campaign");
}

declare_rule! {
    /// ## What it does
    /// Reports a marketing send to a WhatsApp, broadcast or `twitter-dm` audience whose
    /// local start time falls in the channel's `[quiet_hours]`, read in the audience's
    /// `timezone` (the project's when it has none). Quiet hours are [from, to): with
    /// 21:00–09:00, 21:00 and 08:59 are quiet, 09:00 is not.
    ///
    /// ## Why is this bad?
    /// A promotion that buzzes a phone at night annoys people into blocking the sender.
    ///
    /// ## Example
    /// ```toml
    /// # camplint.toml: [quiet_hours] whatsapp = { from = "21:00", to = "09:00" }
    /// [[sends]]
    /// message = "messages/bf/reminder.md"
    /// at = 2026-11-27T22:30:00
    /// ```
    ///
    /// ## How to fix
    /// Move the send to daytime, like `at = 2026-11-27T18:30:00`.
    pub static QUIET_HOURS = ("frequency/quiet-hours", Warning, "a marketing send starts inside the quiet hours of the audience's timezone");
}

/// Recipients named in a message before "and N more".
const NAMED: usize = 5;

/// The channels that share one set of caps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Counter {
    /// WhatsApp and broadcast lists, per phone number.
    Whatsapp,
    /// Direct messages, per handle.
    TwitterDm,
    /// Public posts, per account.
    Twitter,
}

impl Counter {
    fn of(channel: Channel) -> Counter {
        match channel {
            Channel::Whatsapp | Channel::WhatsappBroadcast => Counter::Whatsapp,
            Channel::TwitterDm => Counter::TwitterDm,
            Channel::Twitter => Counter::Twitter,
        }
    }

    fn caps(self, p: &Project) -> &[Cap] {
        match self {
            Counter::Whatsapp => &p.config.frequency_whatsapp,
            Counter::TwitterDm => &p.config.frequency_twitter_dm,
            Counter::Twitter => &p.config.frequency_twitter,
        }
    }

    /// The `[frequency]` key.
    fn key(self) -> &'static str {
        match self {
            Counter::Whatsapp => "whatsapp",
            Counter::TwitterDm => "twitter-dm",
            Counter::Twitter => "twitter",
        }
    }

    /// What `n` counted sends are called.
    fn noun(self, n: u32) -> &'static str {
        match (self, n == 1) {
            (Counter::Whatsapp, true) => "WhatsApp marketing message",
            (Counter::Whatsapp, false) => "WhatsApp marketing messages",
            (Counter::TwitterDm, true) => "marketing DM",
            (Counter::TwitterDm, false) => "marketing DMs",
            (Counter::Twitter, true) => "marketing post",
            (Counter::Twitter, false) => "marketing posts",
        }
    }

    /// Whether a recipient key is reached on this channel.
    fn reaches(self, key: ContactKey) -> bool {
        match self {
            Counter::Whatsapp => matches!(key, ContactKey::Phone(_)),
            Counter::TwitterDm => matches!(key, ContactKey::Handle(_)),
            Counter::Twitter => false,
        }
    }
}

/// A span as words: `7 days`, `1 day`, `24 hours`.
pub fn span_words(span: Span) -> String {
    span.words()
}

/// A cap as words: `2 per 7 days`, `1 per day`.
fn cap_words(cap: &Cap) -> String {
    if cap.per.count() == 1 {
        let one = span_words(cap.per);
        format!("{} per {}", cap.max, one.trim_start_matches("1 "))
    } else {
        format!("{} per {}", cap.max, span_words(cap.per))
    }
}

/// Everything found for one (send entry, cap).
#[derive(Debug, Default)]
struct Finding {
    /// Membership groups with at least one offending occurrence of this entry.
    groups: BTreeSet<usize>,
    /// The earliest offending instant.
    first: Option<DateTime<Utc>>,
    /// Fewest and most sends in an offending window.
    counts: Option<(u32, u32)>,
    /// Other send entries in the windows, with the earliest instant seen.
    related: BTreeMap<(usize, usize), DateTime<Utc>>,
}

impl Finding {
    fn record(&mut self, group: usize, at: DateTime<Utc>, count: u32) {
        self.groups.insert(group);
        self.first = Some(self.first.map_or(at, |f| f.min(at)));
        self.counts = Some(match self.counts {
            Some((lo, hi)) => (lo.min(count), hi.max(count)),
            None => (count, count),
        });
    }

    fn relate(&mut self, entry: (usize, usize), at: DateTime<Utc>) {
        let e = self.related.entry(entry).or_insert(at);
        *e = (*e).min(at);
    }
}

/// Runs the frequency checks.
pub fn check(cx: &Context<'_>, sink: &mut Sink) {
    for counter in [Counter::Whatsapp, Counter::TwitterDm, Counter::Twitter] {
        cap_exceeded(cx, counter, sink);
    }
    quiet_hours(cx, sink);
}

/// People with the same audiences, who therefore share a timeline.
struct Membership {
    /// Indices into `Project::audiences`, sorted.
    audiences: Vec<usize>,
    /// The people, sorted.
    keys: Vec<ContactKey>,
}

/// Groups the recipients of the counted campaigns by the audiences they are in.
fn memberships(p: &Project, counter: Counter, audiences: &BTreeSet<usize>) -> Vec<Membership> {
    // (person, audience) pairs sorted once: each person's audiences are then adjacent
    // and in index order, without a map entry and a vector per person.
    let mut pairs: Vec<(ContactKey, usize)> = Vec::new();
    for &ai in audiences {
        let Some(a) = p.audiences.get(ai) else {
            continue;
        };
        pairs.extend(
            a.contacts
                .iter()
                .filter_map(|c| c.key)
                .filter(|&key| counter.reaches(key))
                .map(|key| (key, ai)),
        );
    }
    pairs.sort_unstable();
    pairs.dedup();
    let mut by_set: BTreeMap<Vec<usize>, Vec<ContactKey>> = BTreeMap::new();
    let mut set: Vec<usize> = Vec::new();
    for run in pairs.chunk_by(|a, b| a.0 == b.0) {
        let Some(&(key, _)) = run.first() else {
            continue;
        };
        set.clear();
        set.extend(run.iter().map(|&(_, ai)| ai));
        // People come in key order, so each group's list stays sorted.
        match by_set.get_mut(set.as_slice()) {
            Some(keys) => keys.push(key),
            None => {
                by_set.insert(set.clone(), vec![key]);
            }
        }
    }
    by_set
        .into_iter()
        .map(|(audiences, keys)| Membership { audiences, keys })
        .collect()
}

fn cap_exceeded(cx: &Context<'_>, counter: Counter, sink: &mut Sink) {
    let p = cx.project;
    let caps = counter.caps(p);
    if caps.is_empty() {
        return;
    }
    let tz = p.config.timezone;
    let counted: Vec<bool> = p
        .campaigns
        .iter()
        .map(|c| {
            Counter::of(*c.channel.get_ref()) == counter
                && *c.purpose.get_ref() == Purpose::Marketing
        })
        .collect();
    if !counted.contains(&true) {
        return;
    }
    // Audience indices of each counted campaign, sorted, so membership tests are cheap.
    let reach: Vec<Vec<usize>> = p
        .campaigns
        .iter()
        .zip(&counted)
        .map(|(c, &on)| {
            let mut v: Vec<usize> = if on {
                c.audiences
                    .iter()
                    .filter_map(|a| p.audiences.iter().position(|x| x.id == *a.get_ref()))
                    .collect()
            } else {
                Vec::new()
            };
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();
    let groups = if counter == Counter::Twitter {
        // One account: a single "membership" that every counted post reaches.
        vec![Membership {
            audiences: Vec::new(),
            keys: Vec::new(),
        }]
    } else {
        let used: BTreeSet<usize> = reach.iter().flatten().copied().collect();
        memberships(p, counter, &used)
    };
    // Each group's timeline is a subset of the plan: compute every send's window start
    // once per cap (a time-zone calculation), not once per group.
    let starts: Vec<Vec<DateTime<Utc>>> = caps
        .iter()
        .map(|cap| {
            cx.plan
                .occurrences
                .iter()
                .map(|o| cap.per.subtract_from_utc(o.at, tz))
                .collect()
        })
        .collect();
    let mut findings: BTreeMap<(usize, usize, usize), Finding> = BTreeMap::new();
    for (gi, group) in groups.iter().enumerate() {
        // (instant, (index in the plan, occurrence)).
        let timeline: Vec<(DateTime<Utc>, (usize, Occurrence))> = cx
            .plan
            .occurrences
            .iter()
            .enumerate()
            .filter(|(_, o)| counted.get(o.campaign).copied().unwrap_or(false))
            .filter(|(_, o)| {
                counter == Counter::Twitter
                    || reach
                        .get(o.campaign)
                        .is_some_and(|r| r.iter().any(|a| group.audiences.binary_search(a).is_ok()))
            })
            .map(|(oi, o)| (o.at, (oi, *o)))
            .collect();
        for (ki, cap) in caps.iter().enumerate() {
            let start = |i: usize, t: DateTime<Utc>| {
                timeline
                    .get(i)
                    .and_then(|&(_, (oi, _))| starts.get(ki).and_then(|s| s.get(oi)))
                    .copied()
                    .unwrap_or_else(|| cap.per.subtract_from_utc(t, tz))
            };
            for v in cap_violations_with_starts(&timeline, cap.max, start) {
                let (_, send) = v.send;
                let own = (send.campaign, send.send);
                let f = findings.entry((own.0, own.1, ki)).or_default();
                f.record(gi, send.at, v.count);
                for (at, (_, o)) in timeline.get(v.window.clone()).unwrap_or_default() {
                    let entry = (o.campaign, o.send);
                    // Earlier repeats of this same send count too: a daily repeat can break
                    // a daily cap on its own, and `related` must then show them.
                    if entry != own || *at < send.at {
                        f.relate(entry, *at);
                    }
                }
            }
        }
    }
    for ((ci, si, ki), f) in findings {
        let (Some(c), Some(cap), Some(first), Some((lo, hi))) =
            (p.campaigns.get(ci), caps.get(ki), f.first, f.counts)
        else {
            continue;
        };
        let Some(send) = c.sends.get(si) else {
            continue;
        };
        let how_many = if lo == hi {
            format!("{hi}")
        } else {
            format!("up to {hi}")
        };
        let when = format_local(first, tz);
        let per = span_words(cap.per);
        let message = if counter == Counter::Twitter {
            format!(
                "the account would publish {how_many} {} within {per}, over the cap of {} (a thread counts as one post); first with this send on {when}",
                counter.noun(hi),
                cap_words(cap)
            )
        } else {
            // Everyone is in exactly one group and each group's list is sorted, so the
            // first names overall are among the first names of each group: no need to
            // gather and sort up to every recipient.
            let mut first: Vec<ContactKey> = f
                .groups
                .iter()
                .filter_map(|&g| groups.get(g))
                .flat_map(|g| g.keys.iter().take(NAMED).copied())
                .collect();
            first.sort_unstable();
            first.truncate(NAMED);
            let sets: BTreeSet<&[usize]> = f
                .groups
                .iter()
                .filter_map(|&g| groups.get(g).map(|g| g.audiences.as_slice()))
                .collect();
            let who = match sets.iter().next() {
                Some(set) if sets.len() == 1 => audience_phrase(p, set),
                _ => String::new(),
            };
            let n: usize = f
                .groups
                .iter()
                .filter_map(|&g| groups.get(g))
                .map(|g| g.keys.len())
                .sum();
            let names = name_list(p, &first, n);
            format!(
                "{n} {}{who} would get {how_many} {} within {per}, over the cap of {}; first with this send on {when}: {names}",
                if n == 1 { "recipient" } else { "recipients" },
                counter.noun(hi),
                cap_words(cap)
            )
        };
        // Only its own earlier repeats in the window: the repeat itself is too frequent.
        let alone = f.related.keys().all(|&e| e == (ci, si));
        let help = if alone {
            format!(
                "repeat this send less often: at most {} in any {per} (a send exactly {per} after another starts a new window), or raise [frequency] {} in camplint.toml",
                cap.max,
                counter.key()
            )
        } else if counter == Counter::Twitter {
            format!(
                "move this post or one of the others so that at most {} fall in any {per} (exactly {per} later starts a new window), or merge them into one thread",
                cap.max
            )
        } else {
            format!(
                "move this send or one of the others so that at most {} reach anyone in any {per} (exactly {per} later starts a new window), or leave these people out of one of the audiences",
                cap.max
            )
        };
        let mut d = Diagnostic::new(&CAP_EXCEEDED, c.file, send.at.span(), message, help);
        let mut related: Vec<(DateTime<Utc>, (usize, usize))> =
            f.related.iter().map(|(&e, &at)| (at, e)).collect();
        related.sort_unstable();
        for (at, (rc, rs)) in related {
            let (Some(oc), Some(os)) = (
                p.campaigns.get(rc),
                p.campaigns.get(rc).and_then(|c| c.sends.get(rs)),
            ) else {
                continue;
            };
            let when = if at == first {
                "at the same time".to_string()
            } else {
                format!("less than {per} before")
            };
            d = if (rc, rs) == (ci, si) {
                // An earlier repeat of this send: point at its `repeat`.
                let span = os.repeat.as_ref().map_or(os.at.span(), |r| r.span());
                d.with_related(
                    oc.file,
                    span,
                    format!(
                        "this send's repeat also goes out on {}, {when}",
                        format_local(at, tz)
                    ),
                )
            } else {
                d.with_related(
                    oc.file,
                    os.at.span(),
                    format!(
                        "`{}` sends {} on {}, {when}",
                        oc.id,
                        os.message.get_ref(),
                        format_local(at, tz)
                    ),
                )
            };
        }
        sink.push(d);
    }
}

/// ` in `vip`` or ` in both `vip` and `newsletter`` (empty for no audience).
fn audience_phrase(p: &Project, set: &[usize]) -> String {
    let names: Vec<String> = set
        .iter()
        .filter_map(|&a| p.audiences.get(a))
        .map(|a| format!("`{}`", a.id))
        .collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => format!(" of {one}"),
        [a, b] => format!(" in both {a} and {b}"),
        [rest @ .., last] => format!(" in all of {} and {last}", rest.join(", ")),
    }
}

/// The first few of `total` recipients, then how many more.
fn name_list(p: &Project, first: &[ContactKey], total: usize) -> String {
    let mut out: Vec<String> = first
        .iter()
        .take(NAMED)
        .map(|&k| contact::display(k, &p.handles))
        .collect();
    if total > NAMED {
        out.push(format!("and {} more", total - NAMED));
    }
    out.join(", ")
}

/// Quiet hours per (send entry, audience time zone), on the first quiet instant.
fn quiet_hours(cx: &Context<'_>, sink: &mut Sink) {
    let p = cx.project;
    let project_tz = p.config.timezone;
    // (campaign, send, zone name) -> (first quiet instant, quiet occurrences, zone, audiences)
    type Key = (usize, usize, &'static str);
    let mut found: BTreeMap<Key, (DateTime<Utc>, usize, Tz, BTreeSet<String>)> = BTreeMap::new();
    let mut totals: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for o in &cx.plan.occurrences {
        let Some(c) = p.campaigns.get(o.campaign) else {
            continue;
        };
        *totals.entry((o.campaign, o.send)).or_default() += 1;
        if *c.purpose.get_ref() != Purpose::Marketing {
            continue;
        }
        let quiet = match *c.channel.get_ref() {
            Channel::Whatsapp | Channel::WhatsappBroadcast => p.config.quiet_whatsapp.as_ref(),
            Channel::TwitterDm => p.config.quiet_twitter_dm.as_ref(),
            Channel::Twitter => None,
        };
        let Some(quiet) = quiet else {
            continue;
        };
        // Each audience's zone; the project's when none resolves (the send still goes
        // out at that time, whatever else is wrong with it).
        let mut zones: BTreeMap<&'static str, (Tz, BTreeSet<String>)> = BTreeMap::new();
        for a in c.audiences.iter().filter_map(|a| p.audience(a.get_ref())) {
            let tz = a.timezone.unwrap_or(project_tz);
            zones
                .entry(tz.name())
                .or_insert_with(|| (tz, BTreeSet::new()))
                .1
                .insert(a.id.clone());
        }
        if zones.is_empty() {
            zones.insert(project_tz.name(), (project_tz, BTreeSet::new()));
        }
        for (name, (tz, ids)) in zones {
            if !in_quiet_hours(o.at, tz, quiet) {
                continue;
            }
            let e = found
                .entry((o.campaign, o.send, name))
                .or_insert_with(|| (o.at, 0, tz, BTreeSet::new()));
            e.1 += 1;
            e.3.extend(ids);
        }
    }
    let mut people: BTreeMap<BTreeSet<String>, usize> = BTreeMap::new();
    for ((ci, si, _), (first, quiet_count, tz, ids)) in found {
        let (Some(c), Some(s)) = (
            p.campaigns.get(ci),
            p.campaigns.get(ci).and_then(|c| c.sends.get(si)),
        ) else {
            continue;
        };
        let channel = *c.channel.get_ref();
        let Some(q) = (match channel {
            Channel::TwitterDm => p.config.quiet_twitter_dm.as_ref(),
            _ => p.config.quiet_whatsapp.as_ref(),
        }) else {
            continue;
        };
        let window = format!("{}–{}", q.start().format("%H:%M"), q.end().format("%H:%M"));
        let total = totals.get(&(ci, si)).copied().unwrap_or(0);
        let local = format_local(first, tz);
        let key = if channel == Channel::TwitterDm {
            "twitter-dm"
        } else {
            "whatsapp"
        };
        let whom = if ids.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = ids.iter().map(|i| format!("`{i}`")).collect();
            // Many sends share an audience set: count its distinct people once.
            let n = *people.entry(ids.clone()).or_insert_with(|| {
                let mut keys: Vec<ContactKey> = ids
                    .iter()
                    .filter_map(|i| p.audience(i))
                    .flat_map(|a| a.contacts.iter().filter_map(|c| c.key))
                    .collect();
                keys.sort_unstable();
                keys.dedup();
                keys.len()
            });
            format!(
                " for the {n} {} of {}",
                if n == 1 { "recipient" } else { "recipients" },
                list.join(", ")
            )
        };
        let zone = tz.name();
        let message = if total > 1 {
            format!(
                "{quiet_count} of the {total} sends of this entry start inside the {key} quiet hours {window}{whom} ({zone} time); the first at {local}"
            )
        } else {
            format!(
                "this marketing send starts at {local}{whom} ({zone} time), inside the {key} quiet hours {window}"
            )
        };
        sink.push(Diagnostic::new(
            &QUIET_HOURS,
            c.file,
            s.at.span(),
            message,
            format!(
                "move `at` to {} or later and before {} local time, or change [quiet_hours] {key} in camplint.toml",
                q.end().format("%H:%M"),
                q.start().format("%H:%M")
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cap(max: u32, per: &str) -> Cap {
        match per.parse() {
            Ok(per) => Cap { max, per },
            Err(e) => panic!("bad test span {per}: {e}"),
        }
    }

    #[test]
    fn caps_read_as_words() {
        assert_eq!(cap_words(&cap(2, "7d")), "2 per 7 days");
        assert_eq!(cap_words(&cap(1, "1d")), "1 per day");
        assert_eq!(cap_words(&cap(8, "24h")), "8 per 24 hours");
        assert_eq!(cap_words(&cap(4, "1mo")), "4 per month");
        assert_eq!(span_words(cap(1, "2w").per), "2 weeks");
        assert_eq!(span_words(cap(1, "1y").per), "1 year");
    }

    #[test]
    fn channels_share_counters_as_documented() {
        assert_eq!(Counter::of(Channel::WhatsappBroadcast), Counter::Whatsapp);
        assert_eq!(Counter::of(Channel::Whatsapp), Counter::Whatsapp);
        assert_eq!(Counter::of(Channel::TwitterDm), Counter::TwitterDm);
        assert_eq!(Counter::of(Channel::Twitter), Counter::Twitter);
        let h = ContactKey::Handle(0);
        assert!(Counter::TwitterDm.reaches(h) && !Counter::Whatsapp.reaches(h));
        assert!(!Counter::Twitter.reaches(h));
    }
}
