//! Consent coverage decided per person at their state changes must give exactly what
//! deciding every (recipient, instant) pair one by one gives: counts, distinct people
//! over repeats, first instants, example rows and the full listing.

use camplint::analysis::consent::{
    history, verdict, Coverage, EventRef, LedgerIndex, Problem, Verdict, EXAMPLES,
};
use camplint::analysis::plan::Plan;
use camplint::base::channel::{ConsentChannel, Purpose};
use camplint::domain::phone::E164;
use camplint::project::{self, Action, ConsentEvent, Contact, ContactKey, PhoneForm};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};

fn write(root: &std::path::Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// One person's first instant and deciding event per problem, by brute force.
type Seen = [Option<(u32, Option<EventRef>)>; 5];

/// One finding: problem, first instant, deciding event.
type Found = (Problem, u32, Option<EventRef>);

#[test]
fn stepped_coverage_matches_deciding_every_pair() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "camplint.toml",
        "[project]\ntimezone = \"Europe/Rome\"\n\n[consent]\nmax_age = \"3mo\"\nrequire_source = true\n",
    );
    for a in ["a", "b", "c"] {
        write(
            root,
            &format!("audiences/{a}.toml"),
            &format!("channel = \"whatsapp\"\ncontacts = \"{a}.csv\"\n"),
        );
        write(
            root,
            &format!("audiences/{a}.csv"),
            "phone\n+393331234567\n",
        );
    }
    write(
        root,
        "consent/ledger.csv",
        "contact,channel,purpose,action,at,source\n",
    );
    write(
        root,
        "messages/m.md",
        "Sconto 10% con il codice X. Rispondi STOP.\n",
    );
    let campaign = |name: &str, audiences: &str, sends: &str| {
        write(
            root,
            &format!("campaigns/{name}.toml"),
            &format!("channel = \"whatsapp\"\npurpose = \"marketing\"\naudiences = [{audiences}]\n{sends}"),
        );
    };
    let send = |at: &str, repeat: &str| {
        format!("\n[[sends]]\nmessage = \"messages/m.md\"\nat = {at}\n{repeat}")
    };
    campaign("uno", "\"a\", \"b\"", &send("2026-10-20T10:00:00", ""));
    campaign(
        "due",
        "\"b\", \"c\"",
        &(send(
            "2026-10-01T09:00:00",
            "repeat = { every = \"1w\", count = 8 }\n",
        ) + &send("2026-10-25T02:30:00", "")),
    );
    campaign(
        "tre",
        "\"c\"",
        &send(
            "2026-09-15T18:00:00",
            "repeat = { every = \"3d\", count = 30 }\n",
        ),
    );
    let mut sink = camplint::base::diagnostic::Sink::default();
    let mut p = project::load(root, &camplint::rules::CATALOGUE, &mut sink).unwrap();

    // Deterministic pseudo-random people, memberships and histories.
    let mut seed: u64 = 0x2026_1130;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let key = |i: u64| ContactKey::Phone(E164::from_u64(393_000_000_000 + i * 7).unwrap());
    let people = 400u64;
    for (ai, a) in p.audiences.iter_mut().enumerate() {
        let mut rows = Vec::new();
        for i in 0..people {
            if next(3) == 0 || (i % 3) as usize == ai {
                rows.push(i);
                if next(20) == 0 {
                    rows.push(i); // the same person twice: the first row counts
                }
            }
        }
        // Not in key order, so row order and key order differ.
        rows.sort_by_key(|&i| (i * 37) % people);
        a.contacts = rows
            .iter()
            .enumerate()
            .map(|(n, &i)| Contact {
                key: Some(key(i)),
                form: PhoneForm::E164,
                line: n as u32 + 2,
                row_start: 0,
            })
            .collect();
    }
    let base = Utc.with_ymd_and_hms(2026, 5, 1, 0, 0, 0).unwrap();
    let mut events = Vec::new();
    for i in 0..people {
        for _ in 0..next(5) {
            let purpose = if next(6) == 0 {
                Purpose::Service
            } else {
                Purpose::Marketing
            };
            let action = if next(4) == 0 {
                Action::Withdrawn
            } else {
                Action::Granted
            };
            events.push(ConsentEvent {
                contact: key(i),
                form: PhoneForm::E164,
                channel: ConsentChannel::Whatsapp,
                purpose,
                action,
                at: base + TimeDelta::hours(next(24 * 270) as i64),
                has_source: next(8) != 0,
                line: events.len() as u32 + 2,
                row_start: 0,
            });
        }
    }
    p.ledgers[0].events = events;

    let plan = Plan::build(&p, &mut sink);
    let rows = camplint::analysis::rows::ContactRows::build(&p);
    let coverage = Coverage::compute(&p, &plan, &rows);
    let index = LedgerIndex::build(p.ledgers.iter().map(|l| l.events.as_slice()));
    let main = index.slice(ConsentChannel::Whatsapp, Purpose::Marketing);
    let service = index.slice(ConsentChannel::Whatsapp, Purpose::Service);
    let tz = p.config.timezone;
    let decide = |k: ContactKey, instants: &[DateTime<Utc>]| -> Seen {
        let (h, _) = history(main, 0, k);
        let (s, _) = history(service, 0, k);
        let mut seen: Seen = [None; 5];
        for (j, &t) in instants.iter().enumerate() {
            let cutoff = p.config.consent_max_age.subtract_from_utc(t, tz);
            if let Verdict::Not(pr, e) = verdict(h, s, t, cutoff, true) {
                let slot = &mut seen[pr as usize];
                if slot.is_none() {
                    *slot = Some((
                        j as u32,
                        e.and_then(|e| EventRef::new(&[0], e.ledger, e.event)),
                    ));
                }
            }
        }
        seen
    };
    assert!(coverage.groups.len() >= 7);
    let mut checked_repeats = 0;
    for (gi, g) in coverage.groups.iter().enumerate() {
        let a = &p.audiences[g.audience];
        // Each person once, at their first row, in row order.
        let mut firsts: Vec<(u32, ContactKey)> = Vec::new();
        for (row, c) in a.contacts.iter().enumerate() {
            let k = c.key.unwrap();
            if !firsts.iter().any(|&(_, x)| x == k) {
                firsts.push((row as u32, k));
            }
        }
        let seen: Vec<(u32, Seen)> = firsts
            .iter()
            .map(|&(row, k)| (row, decide(k, &g.instants)))
            .collect();
        assert_eq!(g.recipients as usize, firsts.len());
        assert_eq!(g.pairs, (firsts.len() * g.instants.len()) as u64);
        let covered: u64 = firsts
            .iter()
            .map(|&(_, k)| {
                g.instants
                    .iter()
                    .filter(|&&t| {
                        let (h, _) = history(main, 0, k);
                        let (s, _) = history(service, 0, k);
                        let cutoff = p.config.consent_max_age.subtract_from_utc(t, tz);
                        verdict(h, s, t, cutoff, true) == Verdict::Covered
                    })
                    .count() as u64
            })
            .sum();
        assert_eq!(g.covered_pairs, covered, "group {gi}");
        for pr in Problem::ALL {
            let n = seen
                .iter()
                .filter(|(_, s)| s[pr as usize].is_some())
                .count();
            assert_eq!(g.with_problem[pr as usize] as usize, n, "group {gi} {pr:?}");
        }
        let uncovered = seen
            .iter()
            .filter(|(_, s)| s.iter().any(Option::is_some))
            .count();
        assert_eq!(g.uncovered as usize, uncovered, "group {gi}");
        for (f, fam) in g.families.iter().enumerate() {
            let of_fam = |s: &Seen| -> Vec<Found> {
                Problem::ALL
                    .into_iter()
                    .filter(|p| p.family() == f)
                    .filter_map(|p| s[p as usize].map(|(j, e)| (p, j, e)))
                    .collect()
            };
            let mut hit: Vec<(u32, Vec<Found>)> = seen
                .iter()
                .map(|(row, s)| (*row, of_fam(s)))
                .filter(|(_, v)| !v.is_empty())
                .collect();
            assert_eq!(fam.affected as usize, hit.len(), "group {gi} family {f}");
            if let Some(first) = hit.iter().flat_map(|(_, v)| v.iter().map(|x| x.1)).min() {
                assert_eq!(fam.first, first, "group {gi} family {f}");
            }
            hit.sort_by_key(|(row, _)| *row);
            let expected: Vec<(u32, Problem, u32, Option<EventRef>)> = hit
                .iter()
                .take(EXAMPLES)
                .flat_map(|(row, v)| v.iter().map(move |&(p, j, e)| (*row, p, j, e)))
                .collect();
            let got: Vec<(u32, Problem, u32, Option<EventRef>)> = fam
                .examples
                .iter()
                .map(|x| (x.contact, x.problem, x.instant, x.event))
                .collect();
            assert_eq!(got, expected, "group {gi} family {f}");
        }
        let mut listed = Vec::new();
        coverage.each_finding(gi, |x| {
            listed.push((x.contact, x.problem, x.instant, x.event))
        });
        let mut expected: Vec<(u32, Problem, u32, Option<EventRef>)> = seen
            .iter()
            .flat_map(|(row, s)| {
                Problem::ALL
                    .into_iter()
                    .filter_map(move |p| s[p as usize].map(|(j, e)| (*row, p, j, e)))
            })
            .collect();
        expected.sort_by_key(|x| (x.0, x.1));
        assert_eq!(listed, expected, "group {gi}");
        if g.instants.len() > 1 {
            checked_repeats += 1;
        }
    }
    assert!(checked_repeats >= 3);
}
