//! Scale check for consent coverage: 1,000,000 contacts and 2,000,000 ledger events
//! built in memory (loading is measured elsewhere), two sends with 8 instants in all.
//! Ignored by default; run in release:
//! `cargo test --release --test consent_scale -- --ignored --nocapture`

use std::time::Instant;

use camplint::analysis::consent::Coverage;
use camplint::analysis::plan::Plan;
use camplint::base::channel::{ConsentChannel, Purpose};
use camplint::domain::phone::E164;
use camplint::project::{self, Action, ConsentEvent, Contact, ContactKey, PhoneForm};
use chrono::{TimeDelta, TimeZone, Utc};

const CONTACTS: u64 = 1_000_000;

fn write(root: &std::path::Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
#[ignore]
fn million_contacts_two_million_events() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "camplint.toml",
        "[project]\ntimezone = \"Europe/Rome\"\n",
    );
    write(
        root,
        "audiences/tutti.toml",
        "channel = \"whatsapp\"\ncontacts = \"tutti.csv\"\n",
    );
    write(root, "audiences/tutti.csv", "phone\n+393331234567\n");
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
    write(
        root,
        "campaigns/c.toml",
        "channel = \"whatsapp\"\npurpose = \"marketing\"\naudiences = [\"tutti\"]\n\n[[sends]]\nmessage = \"messages/m.md\"\nat = 2026-11-27T10:00:00\n\n[[sends]]\nmessage = \"messages/m.md\"\nat = 2026-11-28T18:00:00\nrepeat = { every = \"1d\", count = 7 }\n",
    );
    let mut sink = camplint::base::diagnostic::Sink::default();
    let mut p = project::load(root, &camplint::rules::CATALOGUE, &mut sink).unwrap();

    let key = |i: u64| ContactKey::Phone(E164::from_u64(393_000_000_000 + i * 7).unwrap());
    p.audiences[0].contacts = (0..CONTACTS)
        .map(|i| Contact {
            key: Some(key(i)),
            form: PhoneForm::E164,
            line: i as u32 + 2,
            row_start: 0,
        })
        .collect();
    // Two events per contact, in a scrambled order: a grant 1-40 months before the
    // sends, and for one contact in five a withdrawal; one in ten only for service.
    let base = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
    let mut events = Vec::with_capacity(2 * CONTACTS as usize);
    for n in 0..CONTACTS {
        let i = (n * 700_001) % CONTACTS;
        let purpose = if i.is_multiple_of(10) {
            Purpose::Service
        } else {
            Purpose::Marketing
        };
        let ev = |action, at| ConsentEvent {
            contact: key(i),
            form: PhoneForm::E164,
            channel: ConsentChannel::Whatsapp,
            purpose,
            action,
            at,
            has_source: !i.is_multiple_of(13),
            line: 0,
            row_start: 0,
        };
        let granted = base - TimeDelta::days(30 * (1 + (i % 40) as i64));
        events.push(ev(Action::Granted, granted));
        let second = if i.is_multiple_of(5) {
            ev(Action::Withdrawn, granted + TimeDelta::days(20))
        } else {
            ev(Action::Granted, granted + TimeDelta::days(1))
        };
        events.push(second);
    }
    p.ledgers[0].events = events;

    let plan = Plan::build(&p, &mut sink);
    assert_eq!(plan.occurrences.len(), 8);
    let t = Instant::now();
    let rows = camplint::analysis::rows::ContactRows::build(&p);
    let coverage = Coverage::compute(&p, &plan, &rows);
    let took = t.elapsed();
    eprintln!(
        "coverage of {} contacts x {} instants against {} events: {:?} (ratio {}, {} groups, {} uncovered recipients)",
        CONTACTS,
        plan.occurrences.len(),
        2 * CONTACTS,
        took,
        coverage.ratio(),
        coverage.groups.len(),
        coverage.groups.iter().map(|g| g.uncovered as usize).sum::<usize>()
    );
    assert_eq!(coverage.recipients, CONTACTS as usize);
    assert_eq!(coverage.pairs, CONTACTS * 8);
    assert!(coverage.ratio() > 0.0 && coverage.ratio() < 1.0);
}
