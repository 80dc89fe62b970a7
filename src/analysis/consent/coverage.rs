//! Consent coverage of every send (SPEC 1.5), decided once per run and shared by the
//! `consent/*` rules, the report summary and `camplint consent`.
//!
//! The cost does not grow with contacts × campaigns. Everyone reached on one consent
//! channel and purpose gets their consent stepped once over all its send instants
//! ([`People`]); per audience, the steps add up into the number of people in each state
//! at each instant. A group (send entry, audience) then reads its counts at its own
//! instants. A repeating send must count each person once over its repeats: only the
//! people of the audience whose state changes between its first and last instant are
//! looked at one by one. The five example rows of each finding come from a pass over
//! each audience in row order that fills, per instant, the first five people with a
//! problem and skips instants already full. Nothing holds every uncovered
//! (recipient, instant) pair: [`Coverage::each_finding`] lists them on demand.

use std::ops::Range;

use chrono::{DateTime, Utc};

use crate::analysis::consent::counts::{
    changes, distinct, first_rows, in_mask, state_counts, union_pairs, MASKS,
};
use crate::analysis::consent::ledger::{EventRef, LedgerIndex, Problem, Verdict, FAMILIES};
use crate::analysis::consent::people::{People, Rules, COVERED};
use crate::analysis::plan::Plan;
use crate::analysis::rows::{audience_mask, ContactRows};
use crate::base::channel::{ConsentChannel, Purpose};
use crate::project::{ContactKey, Project};

/// A recipient of one (send, audience) that is not covered at some instant of the send.
#[derive(Debug, Clone, Copy)]
pub struct Finding {
    /// Index into the audience's `contacts` (the first row with this contact).
    pub contact: u32,
    /// Why.
    pub problem: Problem,
    /// Index into the group's instants: the first instant with this problem.
    pub instant: u32,
    /// The ledger event that decided it, when there is one.
    pub event: Option<EventRef>,
}

/// What one family of problems (one `consent/*` rule) found in a group.
#[derive(Debug, Clone, Default)]
pub struct FamilyFindings {
    /// Distinct recipients with a problem of the family at one instant or more.
    pub affected: u32,
    /// Index into the group's instants: the first at which someone has one.
    pub first: u32,
    /// The first recipients by CSV row (at most [`super::EXAMPLES`]), each with every problem
    /// of the family they have, in (row, problem) order.
    pub examples: Vec<Finding>,
}

/// Coverage of one audience by one `[[sends]]` entry over all its instants.
#[derive(Debug)]
pub struct Group {
    /// Index into `Project::campaigns`.
    pub campaign: usize,
    /// Index into that campaign's sends.
    pub send: usize,
    /// Index into `Project::audiences`.
    pub audience: usize,
    /// The send's instants, in time order.
    pub instants: Vec<DateTime<Utc>>,
    /// Distinct recipients of the audience.
    pub recipients: u32,
    /// Covered (recipient, instant) pairs of this audience.
    pub covered_pairs: u64,
    /// All (recipient, instant) pairs of this audience.
    pub pairs: u64,
    /// Distinct recipients with each problem (by [`Problem::slot`]) at some instant.
    pub with_problem: [u32; 5],
    /// Distinct recipients not covered at one instant or more.
    pub uncovered: u32,
    /// Per family of problems ([`Problem::family`]).
    pub families: [FamilyFindings; FAMILIES],
    /// Index into `Coverage::combos`.
    combo: usize,
    /// The instants as indices into the combo's instants.
    ks: Vec<u32>,
}

/// The sends of one consent channel and purpose, and the people they reach.
#[derive(Debug)]
struct Combo {
    channel: ConsentChannel,
    purpose: Purpose,
    instants: Vec<DateTime<Utc>>,
    cutoffs: Vec<DateTime<Utc>>,
    people: People,
}

/// Coverage of every send that needs consent.
#[derive(Debug, Default)]
pub struct Coverage {
    /// One per (send entry, audience), in campaign, send, audience order.
    pub groups: Vec<Group>,
    /// Distinct recipients over all sends.
    pub recipients: usize,
    /// Covered (recipient, send instant) pairs.
    pub covered_pairs: u64,
    /// All (recipient, send instant) pairs of sends that need consent.
    pub pairs: u64,
    /// Distinct recipients not covered at one send instant or more.
    pub missing_people: usize,
    index: LedgerIndex,
    /// Events before each ledger, to number events across ledgers for [`EventRef`].
    offsets: Vec<u32>,
    require_source: bool,
    combos: Vec<Combo>,
}

/// One scheduled `[[sends]]` entry that needs consent.
struct SendEntry<'a> {
    channel: ConsentChannel,
    purpose: Purpose,
    /// Its campaign's audiences that exist and can be reached, sorted.
    audiences: Vec<u32>,
    times: &'a [DateTime<Utc>],
    /// Its groups in `Coverage::groups`, one per audience.
    groups: Range<usize>,
}

impl Coverage {
    /// Covered pairs / all pairs, rounded to 4 decimals; 1.0 when no send needs consent.
    pub fn ratio(&self) -> f64 {
        if self.pairs == 0 {
            return 1.0;
        }
        // Counts stay far below 2^52, so the division is exact enough to round.
        let r = self.covered_pairs as f64 / self.pairs as f64;
        (r * 10_000.0).round() / 10_000.0
    }

    /// Decides coverage for every send instant of the plan and every recipient.
    pub fn compute(project: &Project, plan: &Plan, contact_rows: &ContactRows) -> Coverage {
        let index = LedgerIndex::build(project.ledgers.iter().map(|l| l.events.as_slice()));
        let mut out = Coverage {
            require_source: project.config.require_source,
            offsets: project
                .ledgers
                .iter()
                .scan(0u32, |before, l| {
                    let here = *before;
                    let n = u32::try_from(l.events.len()).unwrap_or(u32::MAX);
                    *before = before.saturating_add(n);
                    Some(here)
                })
                .collect(),
            ..Coverage::default()
        };
        // Instants per send entry, in time order (the plan is sorted by time).
        let mut instants: Vec<Vec<Vec<DateTime<Utc>>>> = project
            .campaigns
            .iter()
            .map(|c| vec![Vec::new(); c.sends.len()])
            .collect();
        for o in &plan.occurrences {
            if let Some(v) = instants.get_mut(o.campaign).and_then(|c| c.get_mut(o.send)) {
                v.push(o.at);
            }
        }
        let sends = out.plan_groups(project, &instants);
        let mut combos: Vec<(ConsentChannel, Purpose)> =
            sends.iter().map(|s| (s.channel, s.purpose)).collect();
        combos.sort_unstable();
        combos.dedup();
        let mut missing: Vec<ContactKey> = Vec::new();
        for (channel, purpose) in combos {
            let mine: Vec<&SendEntry> = sends
                .iter()
                .filter(|s| (s.channel, s.purpose) == (channel, purpose))
                .collect();
            out.decide(
                project,
                &index,
                contact_rows,
                (channel, purpose),
                &mine,
                &mut missing,
            );
        }
        // One person can miss consent on two channels or purposes: count them once.
        missing.sort_unstable();
        missing.dedup();
        out.missing_people = missing.len();
        // Distinct recipients: contacts with a row in an audience of a counted send.
        let counted = audience_mask(
            project,
            sends.iter().flat_map(|s| &s.audiences).map(|&a| a as usize),
        );
        out.recipients = contact_rows
            .people()
            .filter(|rows| {
                rows.iter()
                    .any(|&(_, a, _)| counted.get(a as usize).copied().unwrap_or(false))
            })
            .count();
        out.index = index;
        out
    }

    /// Creates the groups of every send entry that needs consent and can be scheduled
    /// (the others are reported elsewhere), in campaign, send, audience order.
    fn plan_groups<'a>(
        &mut self,
        project: &Project,
        instants: &'a [Vec<Vec<DateTime<Utc>>>],
    ) -> Vec<SendEntry<'a>> {
        let mut sends = Vec::new();
        for (ci, c) in project.campaigns.iter().enumerate() {
            let channel = *c.channel.get_ref();
            let Some(consent_channel) = channel.consent_channel() else {
                continue; // public posts need no consent
            };
            let mut audiences: Vec<u32> = c
                .audiences
                .iter()
                .filter_map(|a| project.audiences.iter().position(|x| x.id == *a.get_ref()))
                .filter(|&ai| {
                    project.audiences.get(ai).is_some_and(|a| {
                        a.channel.get_ref().channel().is_whatsapp() == channel.is_whatsapp()
                    })
                })
                .map(|ai| ai as u32)
                .collect();
            audiences.sort_unstable();
            audiences.dedup();
            if audiences.is_empty() {
                continue;
            }
            for (si, times) in instants.get(ci).into_iter().flatten().enumerate() {
                if times.is_empty() {
                    continue;
                }
                let first = self.groups.len();
                self.groups.extend(audiences.iter().map(|&ai| Group {
                    campaign: ci,
                    send: si,
                    audience: ai as usize,
                    instants: times.clone(),
                    recipients: 0,
                    covered_pairs: 0,
                    pairs: 0,
                    with_problem: [0; 5],
                    uncovered: 0,
                    families: Default::default(),
                    combo: 0,
                    ks: Vec::new(),
                }));
                sends.push(SendEntry {
                    channel: consent_channel,
                    purpose: *c.purpose.get_ref(),
                    audiences: audiences.clone(),
                    times,
                    groups: first..self.groups.len(),
                });
            }
        }
        sends
    }

    /// Decides the groups of the sends of one channel and purpose.
    fn decide(
        &mut self,
        project: &Project,
        index: &LedgerIndex,
        rows: &ContactRows,
        (channel, purpose): (ConsentChannel, Purpose),
        sends: &[&SendEntry],
        missing: &mut Vec<ContactKey>,
    ) {
        let tz = project.config.timezone;
        let max_age = project.config.consent_max_age;
        let mut instants: Vec<DateTime<Utc>> =
            sends.iter().flat_map(|s| s.times.iter().copied()).collect();
        instants.sort_unstable();
        instants.dedup();
        let cutoffs: Vec<DateTime<Utc>> = instants
            .iter()
            .map(|&t| max_age.subtract_from_utc(t, tz))
            .collect();
        let used = audience_mask(
            project,
            sends.iter().flat_map(|s| &s.audiences).map(|&a| a as usize),
        );
        let main = index.slice(channel, purpose);
        let service = if purpose == Purpose::Marketing {
            index.slice(channel, Purpose::Service)
        } else {
            &[]
        };
        let rules = Rules {
            instants: &instants,
            cutoffs: &cutoffs,
            require_source: self.require_source,
        };
        let people = People::build(rows, &used, main, service, &rules);
        let combo = self.combos.len();
        for s in sends {
            let ks: Vec<u32> = s
                .times
                .iter()
                .map(|t| instants.partition_point(|u| u < t) as u32)
                .collect();
            for g in self.groups.get_mut(s.groups.clone()).unwrap_or(&mut []) {
                g.combo = combo;
                g.ks = ks.clone();
            }
        }
        let reach: Vec<(&[u32], &[u32])> = sends
            .iter()
            .map(|s| {
                let ks = self
                    .groups
                    .get(s.groups.start)
                    .map_or(&[][..], |g| g.ks.as_slice());
                (s.audiences.as_slice(), ks)
            })
            .collect();
        let (covered, pairs) = union_pairs(&people, &reach);
        self.covered_pairs += covered;
        self.pairs += pairs;
        let n = instants.len() as u32;
        // Each audience's groups and the instant indices they send at.
        let mut mine: Vec<Vec<usize>> = vec![Vec::new(); used.len()];
        let mut reached: Vec<Vec<u32>> = vec![Vec::new(); used.len()];
        for gi in sends.iter().flat_map(|s| s.groups.clone()) {
            if let Some(g) = self.groups.get(gi) {
                if let (Some(m), Some(r)) = (mine.get_mut(g.audience), reached.get_mut(g.audience))
                {
                    m.push(gi);
                    r.extend_from_slice(&g.ks);
                }
            }
        }
        for r in &mut reached {
            r.sort_unstable();
            r.dedup();
        }
        missing.extend(people.missing(&reached));
        let mut stamp = vec![u32::MAX; people.len()];
        for (ai, _) in used.iter().enumerate().filter(|(_, &u)| u) {
            let mine = mine.get(ai).map(Vec::as_slice).unwrap_or(&[]);
            let ks = reached.get(ai).map(Vec::as_slice).unwrap_or(&[]);
            let members = people.members.get(ai).map(Vec::as_slice).unwrap_or(&[]);
            let counts = state_counts(&people, members, n);
            let repeats = mine
                .iter()
                .any(|&gi| self.groups.get(gi).is_some_and(|g| g.ks.len() > 1));
            let changes = changes(&people, members, repeats);
            let firsts = first_rows(&people, members, ks, n);
            for &gi in mine {
                let Some(g) = self.groups.get_mut(gi) else {
                    continue;
                };
                g.recipients = members.len() as u32;
                g.pairs = u64::from(g.recipients) * g.ks.len() as u64;
                g.covered_pairs =
                    g.ks.iter()
                        .filter_map(|&k| counts.get(k as usize))
                        .map(|c| u64::from(c[COVERED as usize]))
                        .sum();
                let found = distinct(&people, &counts, &changes, &g.ks, gi as u32, &mut stamp);
                g.with_problem
                    .copy_from_slice(found.get(..5).unwrap_or(&[0; 5]));
                g.uncovered = found[8];
                for (f, fam) in g.families.iter_mut().enumerate() {
                    fam.affected = found[5 + f];
                    let mask = MASKS[5 + f];
                    fam.first =
                        g.ks.iter()
                            .position(|&k| counts.get(k as usize).is_some_and(|c| in_mask(c, mask)))
                            .unwrap_or(0) as u32;
                }
            }
            for &gi in mine {
                let Some(g) = self.groups.get(gi) else {
                    continue;
                };
                let examples: Vec<Vec<Finding>> = (0..FAMILIES)
                    .map(|f| {
                        let found = firsts.pick(f, &g.ks);
                        let mut out = Vec::new();
                        for (row, person) in found {
                            let seen =
                                self.decide_person(&people, main, service, &rules, person, &g.ks);
                            out.extend(findings(row, &seen).filter(|x| x.problem.family() == f));
                        }
                        out
                    })
                    .collect();
                if let Some(g) = self.groups.get_mut(gi) {
                    for (fam, ex) in g.families.iter_mut().zip(examples) {
                        fam.examples = ex;
                    }
                }
            }
        }
        self.combos.push(Combo {
            channel,
            purpose,
            instants,
            cutoffs,
            people,
        });
    }

    /// One person's first instant and deciding event per problem over instant indices
    /// `ks` (group instant indices in the result).
    fn decide_person(
        &self,
        people: &People,
        main: &[crate::analysis::consent::ledger::Entry],
        service: &[crate::analysis::consent::ledger::Entry],
        rules: &Rules<'_>,
        person: u32,
        ks: &[u32],
    ) -> [Option<(u32, Option<EventRef>)>; 5] {
        let (hist, shist) = people.histories(person, main, service);
        let mut seen: [Option<(u32, Option<EventRef>)>; 5] = [None; 5];
        for (j, &k) in ks.iter().enumerate() {
            if let Verdict::Not(p, e) = rules.verdict_at(hist, shist, k as usize) {
                let s = &mut seen[p.slot()];
                if s.is_none() {
                    let event = e.and_then(|e| EventRef::new(&self.offsets, e.ledger, e.event));
                    *s = Some((j as u32, event));
                }
            }
        }
        seen
    }

    /// Every uncovered recipient of group `group`, one finding per (recipient, problem)
    /// in (CSV row, problem) order, passed to `f` one at a time so that a listing of
    /// millions is never held in memory.
    pub fn each_finding(&self, group: usize, mut f: impl FnMut(&Finding)) {
        let Some(g) = self.groups.get(group) else {
            return;
        };
        let Some(c) = self.combos.get(g.combo) else {
            return;
        };
        let main = self.index.slice(c.channel, c.purpose);
        let service = if c.purpose == Purpose::Marketing {
            self.index.slice(c.channel, Purpose::Service)
        } else {
            &[]
        };
        let rules = Rules {
            instants: &c.instants,
            cutoffs: &c.cutoffs,
            require_source: self.require_source,
        };
        let members = c
            .people
            .members
            .get(g.audience)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for &(row, person) in members {
            // The steps say cheaply who is covered throughout; only the others have
            // their events looked up.
            if g.ks
                .iter()
                .all(|&k| c.people.state_at(person, k) == COVERED)
            {
                continue;
            }
            let seen = self.decide_person(&c.people, main, service, &rules, person, &g.ks);
            for x in findings(row, &seen) {
                f(&x);
            }
        }
    }
}

/// A person's findings from their first instant and event per problem.
fn findings(
    row: u32,
    seen: &[Option<(u32, Option<EventRef>)>; 5],
) -> impl Iterator<Item = Finding> + '_ {
    Problem::ALL.into_iter().filter_map(move |p| {
        seen[p.slot()].map(|(instant, event)| Finding {
            contact: row,
            problem: p,
            instant,
            event,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_rounds_and_defaults_to_one() {
        let mut c = Coverage::default();
        assert_eq!(c.ratio(), 1.0);
        c.pairs = 3;
        c.covered_pairs = 2;
        assert_eq!(c.ratio(), 0.6667);
    }
}
