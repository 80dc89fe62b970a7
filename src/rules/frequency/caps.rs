//! `frequency/cap-exceeded`: too many marketing messages for one person (or one
//! account) in a rolling window.
//!
//! Caps are counted over the whole plan, every campaign and past sends included. A
//! person's timeline depends only on which audiences they are in, so recipients are
//! grouped by that membership and each group's timeline is counted once: the cost is
//! (distinct memberships × sends), not (contacts × sends), and each send's window start
//! is computed once per cap, not once per membership.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rayon::prelude::*;

use crate::analysis::plan::Occurrence;
use crate::analysis::rows::audience_mask;
use crate::analysis::Context;
use crate::base::channel::Purpose;
use crate::base::diagnostic::{Diagnostic, Sink};
use crate::declare_rule;
use crate::domain::time::format_local;
use crate::domain::time::window::{cap_violations_with_starts, Cap};
use crate::project::{contact, ContactKey, Project};
use crate::rules::frequency::counter::{cap_words, span_words, Counter};

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

/// Recipients named in a message before "and N more".
const NAMED: usize = 5;

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
    /// The group whose timeline was related last and the span of it already related:
    /// a timeline element is related once per group, however many windows hold it.
    related_span: Option<(usize, usize, usize)>,
    /// Plan occurrences already related (a bit each): other groups' windows hold the
    /// same sends, and one is related with its own instant, so once is enough.
    seen: Vec<u64>,
}

impl Finding {
    fn record(&mut self, group: usize, at: DateTime<Utc>, count: u32) {
        // Groups are checked in order, so a group already recorded is the last one.
        if self.groups.last() != Some(&group) {
            self.groups.insert(group);
        }
        self.first = Some(self.first.map_or(at, |f| f.min(at)));
        self.counts = Some(match self.counts {
            Some((lo, hi)) => (lo.min(count), hi.max(count)),
            None => (count, count),
        });
    }

    /// The part of `window` (indices into group `group`'s timeline) not related yet.
    /// Windows of one group move forward, so what is related is kept as one span; a
    /// window that starts before it (an autumn repeated hour) is related whole again.
    fn unrelated(&mut self, group: usize, window: Range<usize>) -> Range<usize> {
        match self.related_span {
            Some((g, lo, hi)) if g == group && (lo..=hi).contains(&window.start) => {
                let from = hi.max(window.start);
                self.related_span = Some((g, lo, hi.max(window.end)));
                from..window.end.max(from)
            }
            _ => {
                self.related_span = Some((group, window.start, window.end));
                window
            }
        }
    }

    /// True the first time plan occurrence `oi` is offered.
    fn first_sight(&mut self, oi: usize) -> bool {
        let (word, bit) = (oi / 64, 1u64 << (oi % 64));
        if self.seen.len() <= word {
            self.seen.resize(word + 1, 0);
        }
        match self.seen.get_mut(word) {
            Some(w) if *w & bit == 0 => {
                *w |= bit;
                true
            }
            _ => false,
        }
    }

    fn relate(&mut self, entry: (usize, usize), at: DateTime<Utc>) {
        let e = self.related.entry(entry).or_insert(at);
        *e = (*e).min(at);
    }

    /// Adds what another thread found for the same (send entry, cap) in other groups.
    fn merge(&mut self, other: Finding) {
        self.groups.extend(other.groups);
        if let Some(at) = other.first {
            self.first = Some(self.first.map_or(at, |f| f.min(at)));
        }
        if let Some((lo, hi)) = other.counts {
            self.counts = Some(match self.counts {
                Some((a, b)) => (a.min(lo), b.max(hi)),
                None => (lo, hi),
            });
        }
        for (entry, at) in other.related {
            self.relate(entry, at);
        }
    }
}

/// What counting one membership group's timeline needs, shared by the threads.
struct Timelines<'a> {
    plan: &'a [Occurrence],
    caps: &'a [Cap],
    /// Each cap's window start for each plan occurrence.
    starts: &'a [Vec<DateTime<Utc>>],
    /// Each audience's counted occurrences, in plan order.
    by_audience: &'a [Vec<usize>],
    /// Every counted occurrence (the `twitter` account's one timeline).
    every: &'a [usize],
    /// The first finding slot of each campaign.
    first_slot: &'a [usize],
    twitter: bool,
    tz: Tz,
}

impl Timelines<'_> {
    /// Counts group `gi`'s timeline against every cap, into `found` (one slot per (send
    /// entry, cap)); `picked` is scratch space.
    fn count(
        &self,
        gi: usize,
        group: &Membership,
        found: &mut [Option<Finding>],
        picked: &mut Vec<usize>,
    ) {
        let indices: &[usize] = if self.twitter {
            self.every
        } else {
            picked.clear();
            for &a in &group.audiences {
                picked.extend(self.by_audience.get(a).map(Vec::as_slice).unwrap_or(&[]));
            }
            // A send to two of the group's audiences reaches them once.
            picked.sort_unstable();
            picked.dedup();
            picked
        };
        // (instant, (index in the plan, occurrence)).
        let timeline: Vec<(DateTime<Utc>, (usize, Occurrence))> = indices
            .iter()
            .filter_map(|&oi| self.plan.get(oi).map(|o| (o.at, (oi, *o))))
            .collect();
        let caps = self.caps.len();
        for (ki, cap) in self.caps.iter().enumerate() {
            let start = |i: usize, t: DateTime<Utc>| {
                timeline
                    .get(i)
                    .and_then(|&(_, (oi, _))| self.starts.get(ki).and_then(|s| s.get(oi)))
                    .copied()
                    .unwrap_or_else(|| cap.per.subtract_from_utc(t, self.tz))
            };
            for v in cap_violations_with_starts(&timeline, cap.max, start) {
                let (_, send) = v.send;
                let own = (send.campaign, send.send);
                let slot = self
                    .first_slot
                    .get(own.0)
                    .map_or(usize::MAX, |&f| f + own.1 * caps + ki);
                let Some(f) = found.get_mut(slot) else {
                    continue;
                };
                let f = f.get_or_insert_with(Finding::default);
                f.record(gi, send.at, v.count);
                let fresh = f.unrelated(gi, v.window.clone());
                for (at, (oi, o)) in timeline.get(fresh).unwrap_or_default() {
                    let entry = (o.campaign, o.send);
                    // Earlier repeats of this same send count too: a daily repeat can break
                    // a daily cap on its own, and `related` must then show them.
                    if (entry != own || *at < send.at) && f.first_sight(*oi) {
                        f.relate(entry, *at);
                    }
                }
            }
        }
    }
}

/// People with the same audiences, who therefore share a timeline.
struct Membership {
    /// Indices into `Project::audiences`, sorted.
    audiences: Vec<usize>,
    /// The people, sorted.
    keys: Vec<ContactKey>,
}

/// Groups the recipients of the counted campaigns by the audiences they are in.
/// `counted` flags the audiences of those campaigns.
fn memberships(cx: &Context<'_>, counter: Counter, counted: &[bool]) -> Vec<Membership> {
    let mut by_set: BTreeMap<Vec<usize>, Vec<ContactKey>> = BTreeMap::new();
    let mut set: Vec<usize> = Vec::new();
    // People come in key order with their rows by audience, so each set is sorted
    // and each group's list stays sorted.
    for run in cx.rows.people() {
        let Some(&(key, _, _)) = run.first() else {
            continue;
        };
        if !counter.reaches(key) {
            continue;
        }
        set.clear();
        for &(_, ai, _) in run {
            let ai = ai as usize;
            if counted.get(ai).copied().unwrap_or(false) && set.last() != Some(&ai) {
                set.push(ai);
            }
        }
        if set.is_empty() {
            continue;
        }
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

/// Reports the sends over a cap of `counter`.
pub fn cap_exceeded(cx: &Context<'_>, counter: Counter, sink: &mut Sink) {
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
        let used = audience_mask(p, reach.iter().flatten().copied());
        memberships(cx, counter, &used)
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
    // Each audience's counted occurrences (indices into the plan, in plan order): a
    // group's timeline merges its audiences' lists instead of filtering the whole plan.
    let mut by_audience: Vec<Vec<usize>> = vec![Vec::new(); p.audiences.len()];
    let mut every: Vec<usize> = Vec::new();
    for (oi, o) in cx.plan.occurrences.iter().enumerate() {
        if !counted.get(o.campaign).copied().unwrap_or(false) {
            continue;
        }
        every.push(oi);
        for &a in reach.get(o.campaign).map(Vec::as_slice).unwrap_or(&[]) {
            if let Some(list) = by_audience.get_mut(a) {
                list.push(oi);
            }
        }
    }
    // One slot per (send entry, cap), numbered in (campaign, send, cap) order: a
    // violation finds its finding by index, not by a map search.
    let first_slot: Vec<usize> = p
        .campaigns
        .iter()
        .scan(0usize, |n, c| {
            let here = *n;
            *n += c.sends.len() * caps.len();
            Some(here)
        })
        .collect();
    let slots = p.campaigns.iter().map(|c| c.sends.len()).sum::<usize>() * caps.len();
    let shared = Timelines {
        plan: &cx.plan.occurrences,
        caps,
        starts: &starts,
        by_audience: &by_audience,
        every: &every,
        first_slot: &first_slot,
        twitter: counter == Counter::Twitter,
        tz,
    };
    // Groups are counted on every core, each thread into its own findings, merged after:
    // what a finding gathers (groups, earliest instant, counts, related sends with their
    // instants) is the same whichever thread saw it first.
    let empty = || {
        let mut v: Vec<Option<Finding>> = Vec::new();
        v.resize_with(slots, || None);
        (v, Vec::new())
    };
    let (findings, _) = groups
        .par_iter()
        .enumerate()
        .fold(empty, |(mut found, mut picked), (gi, group)| {
            shared.count(gi, group, &mut found, &mut picked);
            (found, picked)
        })
        .reduce(empty, |(mut a, picked), (b, _)| {
            for (x, y) in a.iter_mut().zip(b) {
                match (x.as_mut(), y) {
                    (Some(x), Some(y)) => x.merge(y),
                    (None, y) => *x = y,
                    (Some(_), None) => {}
                }
            }
            (a, picked)
        });
    // Slot numbers back to (campaign, send, cap).
    let keys: Vec<(usize, usize, usize)> = p
        .campaigns
        .iter()
        .enumerate()
        .flat_map(|(ci, c)| {
            (0..c.sends.len()).flat_map(move |si| (0..caps.len()).map(move |ki| (ci, si, ki)))
        })
        .collect();
    // 200,000 related sends of the large bench name a few thousand distinct instants:
    // each is written once.
    let local: BTreeMap<DateTime<Utc>, String> = cx
        .plan
        .occurrences
        .iter()
        .map(|o| o.at)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|at| (at, format_local(at, tz)))
        .collect();
    let found: Vec<((usize, usize, usize), Finding)> = keys
        .into_iter()
        .zip(findings)
        .filter_map(|(k, f)| Some((k, f?)))
        .collect();
    // Each finding's message names its first recipients and dates every related send:
    // written on every core, pushed in slot order.
    let described: Vec<Diagnostic> = found
        .into_par_iter()
        .filter_map(|(slot, f)| describe(p, caps, &groups, counter, &local, slot, f))
        .collect();
    for d in described {
        sink.push(d);
    }
}

/// The finding of send `si` of campaign `ci` over cap `ki`, from what the groups found.
fn describe(
    p: &Project,
    caps: &[Cap],
    groups: &[Membership],
    counter: Counter,
    local: &BTreeMap<DateTime<Utc>, String>,
    (ci, si, ki): (usize, usize, usize),
    f: Finding,
) -> Option<Diagnostic> {
    let tz = p.config.timezone;
    let format_local = |at: DateTime<Utc>, tz| {
        local
            .get(&at)
            .cloned()
            .unwrap_or_else(|| format_local(at, tz))
    };
    let (Some(c), Some(cap), Some(first), Some((lo, hi))) =
        (p.campaigns.get(ci), caps.get(ki), f.first, f.counts)
    else {
        return None;
    };
    let send = c.sends.get(si)?;
    let how_many = if lo == hi {
        format!("{hi}")
    } else {
        format!("up to {hi}")
    };
    let when = format_local(first, tz);
    let per = span_words(cap.per);
    // Who the send reaches: (people, " in `vip`", the first names), for one person
    // or DM counters.
    let reached = (counter != Counter::Twitter).then(|| {
        // Everyone is in exactly one group and each group's list is sorted, so the
        // first names overall are among the first names of each group: the smallest
        // are kept while the groups go by, instead of gathering and sorting every
        // group's (a send can reach a thousand groups).
        let mut first: Vec<ContactKey> = Vec::with_capacity(NAMED + 1);
        for g in f.groups.iter().filter_map(|&g| groups.get(g)) {
            for &k in g.keys.iter().take(NAMED) {
                if first.len() == NAMED && first.last().is_some_and(|&last| k >= last) {
                    break;
                }
                first.insert(first.partition_point(|&x| x < k), k);
                first.truncate(NAMED);
            }
        }
        // Groups are distinct sets of audiences: the people share one set only when
        // they are one group.
        let who = match f.groups.iter().next().and_then(|&g| groups.get(g)) {
            Some(g) if f.groups.len() == 1 => audience_phrase(p, &g.audiences),
            _ => String::new(),
        };
        let n: usize = f
            .groups
            .iter()
            .filter_map(|&g| groups.get(g))
            .map(|g| g.keys.len())
            .sum();
        let names = name_list(p, &first, n);
        (n, who, names)
    });
    let key = counter.key();
    let (message, help) = match (&reached, cap.max) {
        // A cap of 0 is a ban, not a count: say so instead of "over the cap of 0".
        (None, 0) => (
            format!(
                "camplint.toml allows no marketing posts on {key} (max = 0 per {per}), but this post goes out on {when}"
            ),
            format!(
                "remove this post, or if the account may publish marketing posts, raise max in [frequency] {key} of camplint.toml"
            ),
        ),
        (Some((n, who, names)), 0) => (
            format!(
                "camplint.toml allows no marketing messages on {key} (max = 0 per {per}), but this send reaches {n} {}{who}, first on {when}: {names}",
                if *n == 1 { "person" } else { "people" }
            ),
            format!(
                "remove this send, or if marketing messages on {key} are allowed, raise max in [frequency] {key} of camplint.toml"
            ),
        ),
        (None, _) => (
            format!(
                "the account would publish {how_many} {} within {per}, over the cap of {} (a thread counts as one post); first with this send on {when}",
                counter.noun(hi),
                cap_words(cap)
            ),
            over_help(&f, (ci, si), cap.max, &per, counter),
        ),
        (Some((n, who, names)), _) => (
            format!(
                "{n} {}{who} would get {how_many} {} within {per}, over the cap of {}; first with this send on {when}: {names}",
                if *n == 1 { "recipient" } else { "recipients" },
                counter.noun(hi),
                cap_words(cap)
            ),
            over_help(&f, (ci, si), cap.max, &per, counter),
        ),
    };
    let mut d = Diagnostic::new(&CAP_EXCEEDED, c.file, send.at.span(), message, help);
    // With max = 0 every send is reported on its own: the others are beside the point.
    let mut related: Vec<(DateTime<Utc>, (usize, usize))> = if cap.max == 0 {
        Vec::new()
    } else {
        f.related.iter().map(|(&e, &at)| (at, e)).collect()
    };
    related.sort_unstable();
    for (at, (rc, rs)) in related {
        let (Some(oc), Some(os)) = (
            p.campaigns.get(rc),
            p.campaigns.get(rc).and_then(|c| c.sends.get(rs)),
        ) else {
            return None;
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
    Some(d)
}

/// The help of a send over a cap: spread the sends, or repeat less often when only its
/// own repeats fill the window.
fn over_help(f: &Finding, own: (usize, usize), max: u32, per: &str, counter: Counter) -> String {
    // Only its own earlier repeats in the window: the repeat itself is too frequent.
    let alone = f.related.keys().all(|&e| e == own);
    if alone {
        format!(
            "repeat this send less often: at most {max} in any {per} (a send exactly {per} after another starts a new window), or raise [frequency] {} in camplint.toml",
            counter.key()
        )
    } else if counter == Counter::Twitter {
        format!(
            "move this post or one of the others so that at most {max} fall in any {per} (exactly {per} later starts a new window), or merge them into one thread"
        )
    } else {
        format!(
            "move this send or one of the others so that at most {max} reach anyone in any {per} (exactly {per} later starts a new window), or leave these people out of one of the audiences"
        )
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
