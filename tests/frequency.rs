//! `frequency/cap-exceeded` and `frequency/quiet-hours` on fixture projects: caps counted
//! across campaigns per recipient (grouped by audience membership), per account for
//! public posts, and quiet hours in each audience's time zone.

mod common;

use common::check;
use serde_json::Value;

/// The diagnostics of one rule.
fn of<'a>(r: &'a common::Rendered, rule: &str) -> Vec<&'a Value> {
    r.value["diagnostics"]
        .as_array()
        .map(|a| a.iter().filter(|d| d["rule"] == rule).collect())
        .unwrap_or_default()
}

fn text(d: &Value, key: &str) -> String {
    d[key].as_str().unwrap_or_default().to_string()
}

#[test]
fn overlapping_audiences_count_exactly_the_people_in_both() {
    let r = check("frequency-overlap");
    assert_eq!(r.codes(), vec!["frequency/cap-exceeded"], "{}", r.human);
    let d = of(&r, "frequency/cap-exceeded")[0];
    assert_eq!(text(d, "file"), "campaigns/novita.toml");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(9), Some(6))
    );
    let msg = text(d, "message");
    // vip has 4 people, newsletter 5; only the 2 in both get 3 sends in 7 days.
    assert!(
        msg.starts_with("2 recipients in both `newsletter` and `vip`"),
        "{msg}"
    );
    assert!(msg.contains("+393331000003, +393331000004"), "{msg}");
    assert!(msg.contains("2 per 7 days"), "{msg}");
    assert!(msg.contains("2026-11-06 10:00 CET"), "{msg}");
    // Both earlier saldi sends are related; the service send in between never counts.
    let related = d["related"].as_array().unwrap();
    assert_eq!(related.len(), 2, "{related:?}");
    assert!(related.iter().all(|x| x["file"] == "campaigns/saldi.toml"));
    insta::assert_snapshot!("overlap_human", r.human);
    insta::assert_snapshot!("overlap_json", r.json);
}

#[test]
fn a_repeat_breaks_a_daily_cap_and_broadcasts_count_with_whatsapp() {
    let r = check("frequency-repeat");
    let ds = of(&r, "frequency/cap-exceeded");
    assert_eq!(ds.len(), 2, "{}", r.human);
    // The 4-hourly repeat: one diagnostic for the entry, first at its second send.
    let flash = ds
        .iter()
        .find(|d| d["file"] == "campaigns/flash.toml")
        .unwrap();
    let msg = text(flash, "message");
    assert!(msg.starts_with("3 recipients would get up to 3"), "{msg}");
    assert!(
        msg.contains("1 per day") && msg.contains("2026-11-10 14:00 CET"),
        "{msg}"
    );
    // The earlier repeat in the window is the related place: the `repeat` key.
    let related = flash["related"].as_array().unwrap();
    assert_eq!(related.len(), 1, "{related:?}");
    assert!(related[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("this send's repeat also goes out on"));
    assert!(text(flash, "help").contains("repeat this send less often"));
    // A broadcast and a WhatsApp send on the same day reach the 2 people on both lists.
    let promo = ds
        .iter()
        .find(|d| d["file"] == "campaigns/promo.toml")
        .unwrap();
    let msg = text(promo, "message");
    assert!(
        msg.starts_with("2 recipients in both `clienti` and `lista`"),
        "{msg}"
    );
    assert_eq!(promo["related"][0]["file"], "campaigns/lista.toml");
    insta::assert_snapshot!("repeat_human", r.human);
    insta::assert_snapshot!("repeat_json", r.json);
}

#[test]
fn twitter_counts_the_accounts_posts_and_a_thread_is_one() {
    let r = check("frequency-twitter");
    assert_eq!(r.codes(), vec!["frequency/cap-exceeded"], "{}", r.human);
    let d = of(&r, "frequency/cap-exceeded")[0];
    // 09:30 (a two-part thread), 12:00, 17:00: the third post is over 2 per day; the
    // service post at 15:00 does not count, nor do the DMs exactly 7 days apart.
    assert_eq!(d["line"], 16);
    let msg = text(d, "message");
    assert!(
        msg.starts_with("the account would publish 3 marketing posts"),
        "{msg}"
    );
    let related: Vec<u64> = d["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["line"].as_u64().unwrap())
        .collect();
    assert_eq!(related, vec![8, 12]);
    insta::assert_snapshot!("twitter_human", r.human);
    insta::assert_snapshot!("twitter_json", r.json);
}

#[test]
fn quiet_hours_cross_midnight_in_each_audience_zone() {
    let r = check("frequency-quiet");
    let ds = of(&r, "frequency/quiet-hours");
    assert_eq!(r.codes().len(), ds.len(), "only quiet hours: {}", r.human);
    let at: Vec<(String, u64)> = ds
        .iter()
        .map(|d| (text(d, "file"), d["line"].as_u64().unwrap()))
        .collect();
    // 22:30 and 08:59 are quiet; 09:00, 20:59 and the service send at 23:00 are not;
    // 09:30 in Rome is 08:30 in London, quiet for the London audience only.
    assert_eq!(
        at,
        vec![
            ("campaigns/estero.toml".to_string(), 9),
            ("campaigns/sera.toml".to_string(), 9),
            ("campaigns/sera.toml".to_string(), 13),
        ]
    );
    assert!(ds.iter().all(|d| d["severity"] == "warning"));
    let london = text(ds[0], "message");
    assert!(
        london.contains("08:30 GMT") && london.contains("`londra`"),
        "{london}"
    );
    assert!(!london.contains("`milano`"), "{london}");
    assert!(text(ds[1], "help").contains("09:00 or later and before 21:00"));
    insta::assert_snapshot!("quiet_human", r.human);
    insta::assert_snapshot!("quiet_json", r.json);
}

#[test]
fn near_misses_stay_silent() {
    // Exactly 7 days apart under 1 per 7d (also across the March DST change), a
    // service send in between, a send at 20:59, two posts a day under 2 per day, and
    // one send to two audiences that share a person (it reaches them once).
    let r = check("frequency-near-miss");
    assert_eq!(r.codes(), Vec::<String>::new(), "{}", r.human);
}

#[test]
fn clean_project_has_no_frequency_findings() {
    let r = check("clean");
    assert!(r.codes().iter().all(|c| !c.starts_with("frequency/")));
}

/// Writes a project with `n` contacts in two audiences overlapping by `overlap`, and
/// a daily repeat for a year in each campaign.
fn big_project(dir: &std::path::Path, n: usize, overlap: usize) {
    let w = |p: &str, s: String| {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, s).unwrap();
    };
    w(
        "camplint.toml",
        "[frequency]\nwhatsapp = [{ max = 1, per = \"1d\" }]\n".into(),
    );
    let phone = |i: usize| format!("+39333{:07}", 1_000_000 + i);
    let a: String = (0..n).map(|i| format!("{}\n", phone(i))).collect();
    let b: String = (n - overlap..2 * n - overlap)
        .map(|i| format!("{}\n", phone(i)))
        .collect();
    w("audiences/a.csv", format!("phone\n{a}"));
    w("audiences/b.csv", format!("phone\n{b}"));
    for x in ["a", "b"] {
        w(
            &format!("audiences/{x}.toml"),
            format!("channel = \"whatsapp\"\ncontacts = \"{x}.csv\"\n"),
        );
        w(&format!("messages/{x}.md"), "Sconto del 10%.\n".into());
    }
    w(
        "campaigns/a.toml",
        "channel = \"whatsapp\"\npurpose = \"marketing\"\naudiences = [\"a\"]\n[[sends]]\nmessage = \"messages/a.md\"\nat = 2026-01-01T10:00:00\nrepeat = { every = \"1d\", count = 365 }\n".into(),
    );
    w(
        "campaigns/b.toml",
        "channel = \"whatsapp\"\npurpose = \"marketing\"\naudiences = [\"b\"]\n[[sends]]\nmessage = \"messages/b.md\"\nat = 2026-01-01T15:00:00\nrepeat = { every = \"1d\", count = 365 }\n".into(),
    );
}

#[test]
fn many_contacts_are_counted_by_membership() {
    // 20,000 contacts per audience and 730 send instants: contacts x sends would be
    // 29 million steps; by membership it is 3 timelines.
    let dir = tempfile::tempdir().unwrap();
    big_project(dir.path(), 20_000, 1_234);
    let options = camplint::engine::Options {
        root: Some(dir.path().to_path_buf()),
        paths: vec![],
        now: None,
    };
    let start = std::time::Instant::now();
    let report = camplint::engine::run(&options).unwrap();
    let caps: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule.code == "frequency/cap-exceeded")
        .collect();
    // b at 15:00 follows a at 10:00, and a's next 10:00 is within a day of b's 15:00.
    assert_eq!(caps.len(), 2);
    for d in caps {
        assert!(
            d.message.starts_with("1234 recipients in both `a` and `b`"),
            "{}",
            d.message
        );
        assert!(d.message.ends_with("and 1229 more"), "{}", d.message);
    }
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
}

#[test]
fn a_cap_of_zero_says_the_channel_allows_no_marketing_sends() {
    let r = check("frequency-zero");
    let ds = of(&r, "frequency/cap-exceeded");
    // Every marketing send is reported on its own, each without the others as related.
    assert_eq!(ds.len(), 2, "{}", r.human);
    for d in &ds {
        let msg = text(d, "message");
        assert!(
            msg.starts_with(
                "camplint.toml allows no marketing messages on whatsapp (max = 0 per 7 days), but this send reaches 3 people of `clienti`"
            ),
            "{msg}"
        );
        assert!(!msg.contains("over the cap"), "{msg}");
        assert!(text(d, "help").contains("raise max in [frequency] whatsapp"));
        assert!(d["related"].as_array().is_none_or(|a| a.is_empty()));
    }
    insta::assert_snapshot!("zero_human", r.human);
    insta::assert_snapshot!("zero_json", r.json);
}
