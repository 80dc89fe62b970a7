//! Counting the people of one audience by state at each send instant, the distinct
//! people of a repeating send, the first rows with a problem, and the recipient-send
//! pairs of sends to several audiences: the sums behind [`crate::analysis::consent::coverage`].

use crate::analysis::consent::ledger::{Problem, FAMILIES};
use crate::analysis::consent::people::{People, COVERED, STATES};

/// Most example recipients kept per group and family.
pub const EXAMPLES: usize = 5;

/// State bits of each count a group keeps: the five problems, the three families,
/// then any problem.
pub const MASKS: [u8; 9] = [1, 2, 4, 8, 16, 0b00111, 0b01000, 0b10000, 0b11111];

/// Whether anyone counted in `c` is in a state of `mask`.
pub fn in_mask(c: &[u32; STATES], mask: u8) -> bool {
    sum(c, mask) > 0
}

/// People counted in `c` in a state of `mask`.
pub fn sum(c: &[u32; STATES], mask: u8) -> u32 {
    (0..5).filter(|s| mask & (1 << s) != 0).map(|s| c[s]).sum()
}

/// How many of `members` are in each state at each instant index: each person's steps
/// are added as differences and summed once.
pub fn state_counts(people: &People, members: &[(u32, u32)], n: u32) -> Vec<[u32; STATES]> {
    let mut diff = vec![[0i64; STATES]; n as usize + 1];
    for &(_, person) in members {
        for (from, to, state) in people.ranges(person, n) {
            let s = state as usize;
            if let Some(d) = diff.get_mut(from as usize) {
                d[s] += 1;
            }
            if let Some(d) = diff.get_mut(to as usize) {
                d[s] -= 1;
            }
        }
    }
    let mut running = [0i64; STATES];
    diff.iter()
        .take(n as usize)
        .map(|d| {
            let mut c = [0u32; STATES];
            for s in 0..STATES {
                running[s] += d[s];
                c[s] = u32::try_from(running[s]).unwrap_or(0);
            }
            c
        })
        .collect()
}

/// (instant index, person) of every change of state of `members`, by instant; empty
/// when no group of the audience repeats (one instant needs no changes).
pub fn changes(people: &People, members: &[(u32, u32)], repeats: bool) -> Vec<(u32, u32)> {
    if !repeats {
        return Vec::new();
    }
    let mut out: Vec<(u32, u32)> = members
        .iter()
        .flat_map(|&(_, person)| people.steps(person).skip(1).map(move |(k, _)| (k, person)))
        .collect();
    out.sort_unstable();
    out
}

/// The distinct people of a group for each of [`MASKS`]: the counts at its first
/// instant, corrected by the people whose state changes before its last instant.
pub fn distinct(
    people: &People,
    counts: &[[u32; STATES]],
    changes: &[(u32, u32)],
    ks: &[u32],
    group: u32,
    stamp: &mut [u32],
) -> [u32; 9] {
    let (Some(&k0), Some(&k1)) = (ks.first(), ks.last()) else {
        return [0; 9];
    };
    let at0 = counts.get(k0 as usize).copied().unwrap_or([0; STATES]);
    let mut out = MASKS.map(|m| i64::from(sum(&at0, m)));
    if ks.len() > 1 {
        let lo = changes.partition_point(|&(k, _)| k <= k0);
        let hi = changes.partition_point(|&(k, _)| k <= k1);
        for &(_, person) in changes.get(lo..hi).unwrap_or(&[]) {
            let Some(s) = stamp.get_mut(person as usize) else {
                continue;
            };
            if *s == group {
                continue;
            }
            *s = group;
            let first = 1u8 << people.state_at(person, k0);
            let hit = ks
                .iter()
                .fold(0u8, |m, &k| m | (1 << people.state_at(person, k)));
            for (o, m) in out.iter_mut().zip(MASKS) {
                *o += i64::from(hit & m != 0) - i64::from(first & m != 0);
            }
        }
    }
    out.map(|x| u32::try_from(x).unwrap_or(0))
}

/// Per family and instant index of an audience's groups, the first [`EXAMPLES`]
/// people (by row) with a problem of the family there.
pub struct FirstRows {
    /// The audience's instant indices, sorted and distinct.
    ks: Vec<u32>,
    /// `lists[family][i]`: (row, person) at `ks[i]`, by row.
    lists: [Vec<Vec<(u32, u32)>>; FAMILIES],
}

/// Fills [`FirstRows`] in one pass over the audience in row order; an instant whose
/// lists are full is skipped from then on (`next` points past full instants).
pub fn first_rows(people: &People, members: &[(u32, u32)], ks: &[u32], n: u32) -> FirstRows {
    let ks = ks.to_vec();
    let len = ks.len();
    let mut lists: [Vec<Vec<(u32, u32)>>; FAMILIES] = Default::default();
    let mut next: [Vec<u32>; FAMILIES] = Default::default();
    let mut open = [len; FAMILIES];
    for f in 0..FAMILIES {
        lists[f] = vec![Vec::new(); len];
        next[f] = (0..=len as u32).collect();
    }
    for &(row, person) in members {
        if open.iter().all(|&o| o == 0) {
            break;
        }
        for (from, to, state) in people.ranges(person, n) {
            let Some(problem) = Problem::ALL.get(state as usize) else {
                continue; // covered
            };
            let f = problem.family();
            let (next, lists) = (&mut next[f], &mut lists[f]);
            let end = ks.partition_point(|&k| k < to);
            let mut i = find(next, ks.partition_point(|&k| k < from));
            while i < end {
                if let Some(l) = lists.get_mut(i) {
                    l.push((row, person));
                    if l.len() >= EXAMPLES {
                        if let Some(x) = next.get_mut(i) {
                            *x = i as u32 + 1;
                        }
                        open[f] -= 1;
                    }
                }
                i = find(next, i + 1);
            }
        }
    }
    FirstRows { ks, lists }
}

impl FirstRows {
    /// The first [`EXAMPLES`] people (by row) with a problem of `family` at one of the
    /// instant indices `ks`: the first few at each instant contain them.
    pub fn pick(&self, family: usize, ks: &[u32]) -> Vec<(u32, u32)> {
        let mut all: Vec<(u32, u32)> = ks
            .iter()
            .filter_map(|k| self.ks.binary_search(k).ok())
            .filter_map(|i| self.lists.get(family).and_then(|l| l.get(i)))
            .flatten()
            .copied()
            .collect();
        all.sort_unstable();
        all.dedup();
        all.truncate(EXAMPLES);
        all
    }
}

/// The first index at or after `i` whose list is not full (path halving).
fn find(next: &mut [u32], mut i: usize) -> usize {
    while let Some(&j) = next.get(i) {
        if j as usize == i {
            return i;
        }
        let jj = next.get(j as usize).copied().unwrap_or(j);
        if let Some(x) = next.get_mut(i) {
            *x = jj;
        }
        i = j as usize;
    }
    i
}

/// Covered and all (recipient, instant) pairs of the sends of one channel and purpose,
/// counting a person in two audiences of one send once: a sweep over the instants in
/// time order keeps the covered people of each membership class.
/// `sends` gives each send's audiences (sorted) and instant indices.
pub fn union_pairs(people: &People, sends: &[(&[u32], &[u32])]) -> (u64, u64) {
    let classes = people.classes.len();
    let mut size = vec![0u64; classes];
    let mut covered = vec![0i64; classes];
    // (instant index, class, +1 or -1) whenever someone starts or stops being covered.
    let mut flips: Vec<(u32, u32, i8)> = Vec::new();
    for p in 0..people.len() as u32 {
        let Some(&class) = people.class.get(p as usize) else {
            continue;
        };
        size[class as usize] += 1;
        let mut was = false;
        for (k, state) in people.steps(p) {
            let is = state == COVERED;
            if k == 0 {
                covered[class as usize] += i64::from(is);
            } else if is != was {
                flips.push((k, class, if is { 1 } else { -1 }));
            }
            was = is;
        }
    }
    flips.sort_unstable();
    // (instant index, send) for every instant of every send.
    let mut queries: Vec<(u32, usize)> = Vec::new();
    let mut reach: Vec<Vec<u32>> = Vec::with_capacity(sends.len());
    for (si, &(audiences, ks)) in sends.iter().enumerate() {
        queries.extend(ks.iter().map(|&k| (k, si)));
        reach.push(
            (0..classes as u32)
                .filter(|&c| {
                    people
                        .classes
                        .get(c as usize)
                        .is_some_and(|set| set.iter().any(|a| audiences.binary_search(a).is_ok()))
                })
                .collect(),
        );
    }
    queries.sort_unstable();
    let (mut cov, mut all) = (0u64, 0u64);
    let mut f = 0;
    for (k, si) in queries {
        while let Some(&(fk, class, d)) = flips.get(f) {
            if fk > k {
                break;
            }
            covered[class as usize] += i64::from(d);
            f += 1;
        }
        for &c in reach.get(si).map(Vec::as_slice).unwrap_or(&[]) {
            all += size[c as usize];
            cov += u64::try_from(covered[c as usize]).unwrap_or(0);
        }
    }
    (cov, all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_skips_full_instants() {
        let mut next = vec![0, 2, 3, 3, 4];
        assert_eq!(find(&mut next, 0), 0);
        assert_eq!(find(&mut next, 1), 3);
        assert_eq!(next[1], 3);
        assert_eq!(find(&mut next, 4), 4);
    }
}
