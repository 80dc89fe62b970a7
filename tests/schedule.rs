//! `schedule/invalid-time`, `schedule/offer-expired` and the `camplint schedule`
//! calendar on fixture projects.

mod common;

use common::{camplint, check, fixture};

#[test]
fn dst_gaps_are_errors_and_repeated_hours_take_the_earlier_instant() {
    let r = check("schedule-dst");
    assert_eq!(r.codes(), vec!["schedule/invalid-time"; 3], "{}", r.human);
    let lines: Vec<u64> = r.value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["line"].as_u64().unwrap())
        .collect();
    // 2026-03-29 02:30 and 2027-03-28 02:15 do not exist; the weekly repeat from
    // 2026-03-22 02:30 hits the gap on its second send (reported on `repeat`).
    assert_eq!(lines, vec![9, 17, 26]);
    assert!(r.human.contains("send number 2 of this repeat"));
    insta::assert_snapshot!("dst_human", r.human);
    insta::assert_snapshot!("dst_json", r.json);
    // The autumn times (02:30 twice a night) are kept, at the earlier (summer) instant.
    let (code, out, _) = camplint(&[
        "schedule",
        "--root",
        &fixture("schedule-dst").to_string_lossy(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ats: Vec<&str> = v["sends"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["at"].as_str().unwrap())
        .collect();
    assert_eq!(
        ats,
        vec!["2026-10-25T02:30:00+02:00", "2027-10-31T02:30:00+02:00"]
    );
    assert_eq!(v["unscheduled"], 3);
}

#[test]
fn sends_outside_the_offer_days_are_reported() {
    let r = check("schedule-offer");
    assert_eq!(r.codes(), vec!["schedule/offer-expired"; 3], "{}", r.human);
    let ds = r.value["diagnostics"].as_array().unwrap();
    // 30 Nov 20:00 (last valid day) is fine; 1 Dec is the day after valid_until.
    assert_eq!(ds[0]["line"], 18);
    let m = ds[0]["message"].as_str().unwrap();
    assert!(
        m.contains("2026-12-01 10:00 CET") && m.contains("ended on 2026-11-30"),
        "{m}"
    );
    assert_eq!(ds[0]["related"][0]["line"], 10, "the valid_until key");
    // The repeat: 29 and 30 Nov are fine, 1 and 2 Dec are not.
    let m = ds[1]["message"].as_str().unwrap();
    assert!(m.starts_with("2 of the 4 sends of this entry"), "{m}");
    assert!(ds[1]["help"]
        .as_str()
        .unwrap()
        .contains("until = 2026-11-30"));
    // The draft's own offer (from 5 Dec) replaces the campaign's: 4 Dec is early, 5
    // Dec is fine although the campaign's offer has ended.
    let m = ds[2]["message"].as_str().unwrap();
    assert!(m.contains("before the offer starts on 2026-12-05"), "{m}");
    assert_eq!(ds[2]["related"][0]["file"], "messages/bf/natale.md");
    insta::assert_snapshot!("offer_human", r.human);
    insta::assert_snapshot!("offer_json", r.json);
}

#[test]
fn schedule_command_prints_the_calendar() {
    let root = fixture("demo").to_string_lossy().into_owned();
    let (code, human, err) = camplint(&["schedule", "--root", &root]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(human.lines().count(), 7, "{human}");
    insta::assert_snapshot!("calendar_human", human);
    let (code, json, _) = camplint(&[
        "schedule",
        "--root",
        &root,
        "--format",
        "json",
        "--from",
        "2026-11-28",
        "--to",
        "2026-11-30",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let sends = v["sends"].as_array().unwrap();
    assert_eq!(sends.len(), 3);
    assert!(sends
        .iter()
        .all(|s| s["message"] == "messages/black-friday/reminder.md" && s["recipients"] == 8));
    insta::assert_snapshot!("calendar_json", json);
    // Bad arguments and a missing project are exit 2.
    assert_eq!(
        camplint(&["schedule", "--root", &root, "--from", "27/11"]).0,
        2
    );
    assert_eq!(
        camplint(&[
            "schedule",
            "--root",
            &root,
            "--from",
            "2026-12-01",
            "--to",
            "2026-11-01"
        ])
        .0,
        2
    );
    let missing = std::env::temp_dir().join("camplint-no-such-project");
    assert_eq!(
        camplint(&["schedule", "--root", &missing.to_string_lossy()]).0,
        2
    );
}
