//! Consent coverage and contact data: `consent/*`, `phone/not-e164`, `phone/invalid`,
//! `audience/duplicate-contact`, `broadcast/too-many-recipients`, the summary's coverage
//! and the `camplint consent` report, on the fixture projects under fixtures/.

mod common;

use common::{camplint, check, fixture, Rendered};
use serde_json::Value;

fn diags(r: &Rendered) -> Vec<Value> {
    r.value["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn of_rule(r: &Rendered, rule: &str) -> Vec<Value> {
    diags(r).into_iter().filter(|d| d["rule"] == rule).collect()
}

fn related_messages(d: &Value) -> Vec<String> {
    d["related"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| x["message"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn withdrawal_before_the_send_is_reported_and_after_it_is_not() {
    let r = check("consent-withdrawn");
    assert_eq!(r.codes(), vec!["consent/withdrawn"], "{}", r.human);
    let d = &of_rule(&r, "consent/withdrawn")[0];
    let msg = d["message"].as_str().unwrap();
    assert!(
        msg.starts_with("2 of the 4 recipients of audience `clienti`"),
        "{msg}"
    );
    assert!(msg.contains("2026-11-27 10:00 CET"), "{msg}");
    // On the [[sends]] entry of the campaign file.
    assert_eq!(d["file"], "campaigns/attrezzi.toml");
    assert_eq!(d["line"], 12);
    // Anna withdrew on 20 Nov; Sara at the very instant of the send. Marco withdrew
    // after the send and Luca granted again: both covered, not listed.
    let related = related_messages(d);
    assert_eq!(related.len(), 2, "{related:?}");
    assert!(related[0].starts_with("+393331234567: withdrew on 2026-11-20"));
    assert!(related[1].starts_with("+393207654321: withdrew on 2026-11-27"));
    assert_eq!(d["related"][0]["file"], "audiences/clienti.csv");
    assert_eq!(d["related"][0]["line"], 2);
    assert!(d["help"]
        .as_str()
        .unwrap()
        .contains("audiences/clienti.csv"));
    assert_eq!(r.value["summary"]["recipients"], 4);
    assert_eq!(r.value["summary"]["consent_coverage"], 0.5);
    insta::assert_snapshot!("withdrawn_human", r.human);
    insta::assert_snapshot!("withdrawn_json", r.json);
}

#[test]
fn grants_older_than_max_age_are_reported_once_per_send_entry() {
    let r = check("consent-expired");
    assert_eq!(r.codes(), vec!["consent/expired"], "{}", r.human);
    let d = &of_rule(&r, "consent/expired")[0];
    let msg = d["message"].as_str().unwrap();
    // Anna is expired at the first repeat, Luca only at the second: one diagnostic.
    assert!(msg.starts_with("2 of the 3 recipients"), "{msg}");
    assert!(
        msg.contains("from 2026-11-27 10:00 CET (repeat 1 of 2)"),
        "{msg}"
    );
    let related = related_messages(d);
    assert_eq!(related.len(), 2);
    assert!(related[0].contains("granted on 2024-11-26"), "{related:?}");
    assert!(related[1].contains("granted on 2024-12-02"), "{related:?}");
    // 6 pairs: Anna 0/2, Marco 2/2, Luca 1/2.
    assert_eq!(r.value["summary"]["consent_coverage"], 0.5);
    insta::assert_snapshot!("expired_human", r.human);
    insta::assert_snapshot!("expired_json", r.json);
}

#[test]
fn service_consent_does_not_cover_a_marketing_send() {
    let r = check("consent-service");
    assert_eq!(r.codes(), vec!["consent/missing"], "{}", r.human);
    let d = &of_rule(&r, "consent/missing")[0];
    let msg = d["message"].as_str().unwrap();
    assert!(msg.contains("only service consent"), "{msg}");
    assert!(msg.contains("audience `clienti`"), "{msg}");
    assert!(d["help"]
        .as_str()
        .unwrap()
        .contains("record a whatsapp marketing grant in consent/ledger.csv"));
    assert_eq!(
        related_messages(d),
        vec!["+393331234567: only service consent (granted 2026-05-20, consent/ledger.csv row 2)"]
    );
    // The service campaign to the same person is covered by that service grant.
    assert!(diags(&r)
        .iter()
        .all(|d| d["file"] != "campaigns/ritiro.toml"));
    insta::assert_snapshot!("service_human", r.human);
    insta::assert_snapshot!("service_json", r.json);
}

#[test]
fn a_grant_without_source_is_reported_on_its_row_and_does_not_cover() {
    let r = check("consent-no-source");
    assert_eq!(
        r.codes(),
        vec!["consent/missing", "consent/no-source"],
        "{}",
        r.human
    );
    let row = &of_rule(&r, "consent/no-source")[0];
    assert_eq!(row["file"], "consent/ledger.csv");
    assert_eq!(
        (row["line"].as_u64(), row["column"].as_u64()),
        (Some(2), Some(53))
    );
    assert!(row["message"].as_str().unwrap().contains("+393331234567"));
    let send = &of_rule(&r, "consent/missing")[0];
    assert!(send["message"]
        .as_str()
        .unwrap()
        .contains("a grant that has no source"));
    // The withdrawal without source (row 4) needs no proof: one no-source only.
    assert_eq!(of_rule(&r, "consent/no-source").len(), 1);
    insta::assert_snapshot!("no_source_human", r.human);
    insta::assert_snapshot!("no_source_json", r.json);
}

#[test]
fn one_person_in_three_formats_is_matched_and_each_cell_gets_its_fix() {
    let r = check("contact-formats");
    let codes = r.codes();
    assert!(
        !codes.iter().any(|c| c.starts_with("consent/")),
        "{}",
        r.human
    );
    let fixes: Vec<(String, u64, String)> = of_rule(&r, "phone/not-e164")
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["fix"]["replacement"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        fixes,
        vec![
            ("audiences/newsletter.csv".into(), 2, "+393331234567".into()),
            ("audiences/newsletter.csv".into(), 4, "+393331234567".into()),
            ("audiences/vip.csv".into(), 2, "+393331234567".into()),
            ("consent/ledger.csv".into(), 2, "+393331234567".into()),
        ]
    );
    // The fix replaces exactly the cell.
    let vip = of_rule(&r, "phone/not-e164")
        .into_iter()
        .find(|d| d["file"] == "audiences/vip.csv")
        .unwrap();
    assert_eq!(
        (
            vip["fix"]["column"].as_u64(),
            vip["fix"]["end_column"].as_u64()
        ),
        (Some(1), Some(17))
    );
    let invalid = of_rule(&r, "phone/invalid");
    assert_eq!(invalid.len(), 3);
    assert!(invalid.iter().any(|d| d["message"]
        .as_str()
        .unwrap()
        .contains("not a phone number")));
    let dup = of_rule(&r, "audience/duplicate-contact");
    assert_eq!(dup.len(), 1);
    assert_eq!(
        (
            dup[0]["line"].as_u64(),
            dup[0]["related"][0]["line"].as_u64()
        ),
        (Some(4), Some(2))
    );
    assert_eq!(dup[0]["severity"], "warning");
    // Anna (three spellings), Marco, and the short number: three people.
    assert_eq!(r.value["summary"]["recipients"], 3);
    assert_eq!(r.value["summary"]["consent_coverage"], 1.0);
    insta::assert_snapshot!("formats_human", r.human);
    insta::assert_snapshot!("formats_json", r.json);
}

#[test]
fn a_broadcast_list_of_257_is_too_long_and_256_is_fine() {
    let r = check("broadcast");
    assert_eq!(
        r.codes(),
        vec!["broadcast/too-many-recipients"],
        "{}",
        r.human
    );
    let d = &diags(&r)[0];
    assert_eq!(d["file"], "audiences/lista.toml");
    assert_eq!(d["line"], 4);
    assert!(d["message"].as_str().unwrap().contains("257 contacts"));
    assert_eq!(d["related"][0]["file"], "audiences/lista.csv");
    assert_eq!(d["related"][0]["line"], 258);
    assert_eq!(r.value["summary"]["recipients"], 513);
    insta::assert_snapshot!("broadcast_human", r.human);
    insta::assert_snapshot!("broadcast_json", r.json);
}

#[test]
fn every_near_miss_is_silent() {
    // A grant at the very instant of the send, one exactly max_age old, a withdrawal
    // one second after the send, a withdrawal followed by a new grant, a handle in
    // another letter case, a broadcast list, a public post without audience.
    let r = check("consent-clean");
    assert_eq!(r.codes(), Vec::<String>::new(), "{}", r.human);
    assert_eq!(r.value["summary"]["recipients"], 7);
    assert_eq!(r.value["summary"]["consent_coverage"], 1.0);
    insta::assert_snapshot!("clean_json", r.json);
}

#[test]
fn the_report_lists_every_uncovered_recipient() {
    let root = fixture("demo");
    let root = root.to_str().unwrap();
    let (code, out, err) = camplint(&["consent", "--root", root, "--campaign", "black-friday"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("audiences/vip.csv:3  +393471112233"), "{out}");
    assert!(out.contains("service-only"), "{out}");
    insta::assert_snapshot!("report_text", out);

    let (code, csv, _) = camplint(&[
        "consent",
        "--root",
        root,
        "--campaign",
        "black-friday",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 1);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("campaign,send_line,message,audience,file,line,contact,problem,first_at,detail")
    );
    // 2 sends x (2 newsletter + 3 vip) uncovered recipients.
    assert_eq!(lines.count(), 10);
    insta::assert_snapshot!("report_csv", csv);

    let clean = fixture("consent-clean");
    let (code, out, _) = camplint(&["consent", "--root", clean.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("100.0%") || out.contains("all"), "{out}");

    let (code, _, err) = camplint(&["consent", "--root", root, "--campaign", "black-fryday"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `black-friday`"), "{err}");
}

#[test]
fn demo_summary_counts_recipients_and_coverage() {
    let r = check("demo");
    assert_eq!(r.value["summary"]["recipients"], 10);
    assert_eq!(r.value["summary"]["consent_coverage"], 0.4118);
    let missing = of_rule(&r, "consent/missing");
    assert!(missing
        .iter()
        .all(|d| d["file"] == "campaigns/black-friday.toml"));
}
