//! The recipients of the sends of one consent channel and purpose, each with their
//! consent as a step function over the send instants.
//!
//! A person's verdict can change only at one of their ledger events or when a grant
//! ages past `max_age`, so it is decided at those few instants (binary search into the
//! sorted send instants) instead of at every send. What is kept per person is a short
//! list of steps: the first instant index of each run of equal state.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::analysis::consent::ledger::{history, verdict, Entry, Problem, Verdict};
use crate::analysis::rows::ContactRows;
use crate::project::ContactKey;

/// A state in the step lists: a [`Problem::slot`], or this value for covered.
pub const COVERED: u8 = 5;

/// Number of states: the five problems and covered.
pub const STATES: usize = 6;

/// The state of a verdict.
pub fn state_of(v: Verdict) -> u8 {
    match v {
        Verdict::Covered => COVERED,
        Verdict::Not(p, _) => p.slot() as u8,
    }
}

/// The problem of a state (`None` for covered).
pub fn problem_of(state: u8) -> Option<Problem> {
    Problem::ALL.get(state as usize).copied()
}

/// What decides a verdict besides a person's history.
#[derive(Debug)]
pub struct Rules<'a> {
    /// The send instants, sorted and distinct.
    pub instants: &'a [DateTime<Utc>],
    /// Each instant minus `consent.max_age`.
    pub cutoffs: &'a [DateTime<Utc>],
    /// `consent.require_source`.
    pub require_source: bool,
}

impl Rules<'_> {
    /// The verdict of a history at instant index `k`.
    pub fn verdict_at(&self, hist: &[Entry], service: &[Entry], k: usize) -> Verdict {
        match (self.instants.get(k), self.cutoffs.get(k)) {
            (Some(&t), Some(&cutoff)) => verdict(hist, service, t, cutoff, self.require_source),
            _ => Verdict::Covered,
        }
    }

    /// Where the cutoffs stop growing (an autumn repeated hour can move a calendar
    /// cutoff back a little): 0 and every index whose cutoff is below the previous one.
    /// Between two of these, a grant expires at one partition point.
    fn runs(&self) -> Vec<usize> {
        let mut starts = vec![0];
        for (k, w) in self.cutoffs.windows(2).enumerate() {
            if let [a, b] = w {
                if b < a {
                    starts.push(k + 1);
                }
            }
        }
        starts
    }
}

/// The recipients of one consent channel and purpose.
#[derive(Debug, Default)]
pub struct People {
    /// Each person's contact.
    pub keys: Vec<ContactKey>,
    /// Each person's history as (start, len) in the channel-and-purpose slice.
    pub history: Vec<(u32, u32)>,
    /// Each person's service history (for marketing) as (start, len).
    pub service: Vec<(u32, u32)>,
    /// Person `p`'s steps are `starts[offsets[p]..offsets[p + 1]]`.
    offsets: Vec<u32>,
    /// First instant index of each step.
    starts: Vec<u32>,
    /// State of each step (never equal to the previous step's).
    states: Vec<u8>,
    /// Each person's membership class: an index into `classes`.
    pub class: Vec<u32>,
    /// The distinct sets of audiences (sorted indices) people are in.
    pub classes: Vec<Vec<u32>>,
    /// Per audience (index into `Project::audiences`): (first row, person), by row.
    pub members: Vec<Vec<(u32, u32)>>,
}

impl People {
    /// Gathers the people of the audiences marked in `used` from `rows` (every audience
    /// row, sorted by contact) and steps their consent over
    /// `rules.instants`, reading histories from `main` and `service` (the index slices
    /// of the channel and purpose, and of service consent; empty when not marketing).
    pub fn build(
        rows: &ContactRows,
        used: &[bool],
        main: &[Entry],
        service: &[Entry],
        rules: &Rules<'_>,
    ) -> People {
        let mut out = People {
            members: vec![Vec::new(); used.len()],
            offsets: vec![0],
            ..People::default()
        };
        let runs = rules.runs();
        let mut class_of: BTreeMap<Vec<u32>, u32> = BTreeMap::new();
        let mut set: Vec<u32> = Vec::new();
        let mut candidates: Vec<usize> = Vec::new();
        let (mut pos, mut spos) = (0usize, 0usize);
        for run in rows.people() {
            let Some(&(key, _, _)) = run.first() else {
                continue;
            };
            set.clear();
            let person = out.class.len() as u32;
            // Rows of one audience are adjacent and in row order: its first row counts.
            for &(_, audience, row) in run {
                if used.get(audience as usize).copied().unwrap_or(false)
                    && set.last() != Some(&audience)
                {
                    set.push(audience);
                    if let Some(m) = out.members.get_mut(audience as usize) {
                        m.push((row, person));
                    }
                }
            }
            if set.is_empty() {
                continue;
            }
            let class = match class_of.get(set.as_slice()) {
                Some(&c) => c,
                None => {
                    let c = out.classes.len() as u32;
                    out.classes.push(set.clone());
                    class_of.insert(set.clone(), c);
                    c
                }
            };
            out.class.push(class);
            out.keys.push(key);
            // `history` returns where the next contact's search starts, just past this
            // contact's events.
            let (hist, next) = history(main, pos, key);
            out.history
                .push(((next - hist.len()) as u32, hist.len() as u32));
            pos = next;
            let (shist, snext) = history(service, spos, key);
            out.service
                .push(((snext - shist.len()) as u32, shist.len() as u32));
            spos = snext;
            out.step(hist, shist, rules, &runs, &mut candidates);
        }
        for m in &mut out.members {
            m.sort_unstable();
        }
        out
    }

    /// Appends one person's steps: the verdict is decided only where it can change.
    fn step(
        &mut self,
        hist: &[Entry],
        shist: &[Entry],
        rules: &Rules<'_>,
        runs: &[usize],
        candidates: &mut Vec<usize>,
    ) {
        let n = rules.instants.len();
        candidates.clear();
        candidates.extend_from_slice(runs);
        for e in hist.iter().chain(shist) {
            candidates.push(rules.instants.partition_point(|&u| u < e.at));
        }
        // A grant stops counting at the first instant whose cutoff passes it, once in
        // each run of growing cutoffs.
        for e in hist {
            for (i, &r0) in runs.iter().enumerate() {
                let r1 = runs.get(i + 1).copied().unwrap_or(n);
                let run = rules.cutoffs.get(r0..r1).unwrap_or(&[]);
                candidates.push(r0 + run.partition_point(|&c| c <= e.at));
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut last = u8::MAX;
        for &k in candidates.iter().filter(|&&k| k < n) {
            let state = state_of(rules.verdict_at(hist, shist, k));
            if state != last {
                self.starts.push(k as u32);
                self.states.push(state);
                last = state;
            }
        }
        self.offsets.push(self.starts.len() as u32);
    }

    /// Number of people.
    pub fn len(&self) -> usize {
        self.class.len()
    }

    /// True when nobody is reached.
    pub fn is_empty(&self) -> bool {
        self.class.is_empty()
    }

    /// A person's steps as (first instant index, state).
    pub fn steps(&self, person: u32) -> impl Iterator<Item = (u32, u8)> + '_ {
        let p = person as usize;
        let lo = self.offsets.get(p).copied().unwrap_or(0) as usize;
        let hi = self.offsets.get(p + 1).copied().unwrap_or(0) as usize;
        let starts = self.starts.get(lo..hi).unwrap_or(&[]);
        let states = self.states.get(lo..hi).unwrap_or(&[]);
        starts.iter().copied().zip(states.iter().copied())
    }

    /// A person's steps as (from, to, state) ranges of instant indices; `n` instants.
    pub fn ranges(&self, person: u32, n: u32) -> impl Iterator<Item = (u32, u32, u8)> + '_ {
        let p = person as usize;
        let lo = self.offsets.get(p).copied().unwrap_or(0) as usize;
        let hi = self.offsets.get(p + 1).copied().unwrap_or(0) as usize;
        (lo..hi).filter_map(move |i| {
            let from = *self.starts.get(i)?;
            let state = *self.states.get(i)?;
            let to = if i + 1 < hi {
                self.starts.get(i + 1).copied().unwrap_or(n)
            } else {
                n
            };
            Some((from, to, state))
        })
    }

    /// The people not covered at one of the instant indices their audiences are sent
    /// at (`reached`, per audience, sorted).
    pub fn missing<'a>(&'a self, reached: &'a [Vec<u32>]) -> impl Iterator<Item = ContactKey> + 'a {
        let n = u32::MAX;
        (0..self.len() as u32).filter_map(move |p| {
            let set = self.classes.get(*self.class.get(p as usize)? as usize)?;
            let hit = self.ranges(p, n).any(|(from, to, state)| {
                state != COVERED
                    && set.iter().any(|&a| {
                        reached.get(a as usize).is_some_and(|ks| {
                            let i = ks.partition_point(|&k| k < from);
                            ks.get(i).is_some_and(|&k| k < to)
                        })
                    })
            });
            if hit {
                self.keys.get(p as usize).copied()
            } else {
                None
            }
        })
    }

    /// A person's state at instant index `k`.
    pub fn state_at(&self, person: u32, k: u32) -> u8 {
        let p = person as usize;
        let lo = self.offsets.get(p).copied().unwrap_or(0) as usize;
        let hi = self.offsets.get(p + 1).copied().unwrap_or(0) as usize;
        let starts = self.starts.get(lo..hi).unwrap_or(&[]);
        let i = starts.partition_point(|&s| s <= k);
        i.checked_sub(1)
            .and_then(|i| self.states.get(lo + i))
            .copied()
            .unwrap_or(COVERED)
    }

    /// A person's histories, read back from the slices they were built from.
    pub fn histories<'a>(
        &self,
        person: u32,
        main: &'a [Entry],
        service: &'a [Entry],
    ) -> (&'a [Entry], &'a [Entry]) {
        let get = |s: &'a [Entry], r: Option<&(u32, u32)>| {
            r.and_then(|&(a, n)| s.get(a as usize..(a + n) as usize))
                .unwrap_or(&[])
        };
        (
            get(main, self.history.get(person as usize)),
            get(service, self.service.get(person as usize)),
        )
    }
}
