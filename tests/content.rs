//! Message content rules (offer/, optout/, phone/not-international, length/, link/,
//! privacy/) on Italian and English fixture projects, a project of near misses that must
//! stay silent, and `camplint render`.

mod common;

use common::{camplint, check, fixture};
use serde_json::Value;

/// The diagnostics of a report as (rule, file, line, column).
fn found(r: &common::Rendered) -> Vec<(String, String, u64, u64)> {
    r.value["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| {
                    (
                        d["rule"].as_str().unwrap_or("").to_string(),
                        d["file"].as_str().unwrap_or("").to_string(),
                        d["line"].as_u64().unwrap_or(0),
                        d["column"].as_u64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn diag<'a>(r: &'a common::Rendered, rule: &str, file: &str) -> Vec<&'a Value> {
    r.value["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["rule"] == rule && d["file"] == file)
        .collect()
}

fn fix(d: &Value) -> &str {
    d["fix"]["replacement"].as_str().unwrap_or("")
}

#[test]
fn italian_drafts() {
    let r = check("content-it");
    let codes = r.codes();
    for code in [
        "offer/missing",
        "offer/code-not-in-text",
        "optout/missing",
        "phone/not-international",
        "length/tweet",
        "length/whatsapp-text",
        "length/caption",
        "length/dm",
        "link/invalid-deeplink",
        "privacy/pii-in-public-post",
    ] {
        assert!(codes.iter().any(|c| c == code), "{code} missing: {codes:?}");
    }
    // Hype and `scontrino` are no offer; `non stop`/`stop alle code` is no opt-out.
    assert_eq!(diag(&r, "offer/missing", "messages/wa/vago.md").len(), 1);
    assert_eq!(
        diag(&r, "optout/missing", "messages/wa/stop-no.md").len(),
        1
    );
    assert!(diag(&r, "offer/missing", "messages/wa/stop-no.md").is_empty());

    // Phones: three mistakes, with their fixes; dates, prices, order and VAT numbers,
    // times and the +39 number are silent.
    let phones = diag(&r, "phone/not-international", "messages/wa/numeri.md");
    let fixes: Vec<&str> = phones.iter().map(|d| fix(d)).collect();
    assert_eq!(
        fixes,
        ["+39 333 123 4567", "+39 02 8765 4321", "+39 347 987 6543"]
    );
    assert_eq!(
        (phones[2]["line"].as_u64(), phones[2]["column"].as_u64()),
        (Some(4), Some(23)),
        "the tel: link's number in the source"
    );

    // Deep links: one diagnostic each, wa.me numbers never also a phone finding.
    let links = diag(&r, "link/invalid-deeplink", "messages/wa/link.md");
    assert_eq!(links.len(), 4);
    assert_eq!(fix(links[0]), "393331234567");
    assert_eq!(fix(links[1]), "393331234567");
    assert!(diag(&r, "phone/not-international", "messages/wa/link.md").is_empty());

    // The code must be written exactly: `natale26` and `NATALE265` do not count.
    let code = diag(&r, "offer/code-not-in-text", "messages/wa/codice.md");
    assert_eq!(code[0]["related"][0]["file"], "campaigns/codice.toml");
    assert!(diag(&r, "offer/code-not-in-text", "messages/wa/override.md").is_empty());

    // A broadcast list: the help says how opting out works there.
    let b = diag(&r, "optout/missing", "messages/wa/broadcast.md");
    assert!(b[0]["help"]
        .as_str()
        .unwrap()
        .contains("deleting the shop's number"));

    // The thread: only post 2 is too long, and the span starts at its 281st character.
    let t = diag(&r, "length/tweet", "messages/x/thread.md");
    assert_eq!(t.len(), 1);
    assert!(t[0]["message"].as_str().unwrap().contains("post 2 of 3"));
    assert_eq!(
        (t[0]["line"].as_u64(), t[0]["column"].as_u64()),
        (Some(5), Some(281))
    );

    // Privacy: the shop's own address and number (written nationally) are not reported.
    let p = diag(&r, "privacy/pii-in-public-post", "messages/x/thread.md");
    let shown: Vec<&str> = p.iter().map(|d| d["message"].as_str().unwrap()).collect();
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert!(shown[0].contains("mario.rossi@gmail.com"));
    assert!(shown[1].contains("+39 333 765 4321"));

    insta::assert_snapshot!("content_it_human", r.human);
    insta::assert_snapshot!("content_it_json", r.json);
}

#[test]
fn english_drafts() {
    let r = check("content-en");
    let got = found(&r);
    assert!(got.contains(&("offer/missing".into(), "messages/wa/hype.md".into(), 1, 1)));
    assert!(got.contains(&(
        "optout/missing".into(),
        "messages/dm/no-optout.md".into(),
        1,
        1
    )));
    let hype = diag(&r, "optout/missing", "messages/wa/hype.md");
    assert!(hype[0]["help"].as_str().unwrap().contains("Reply STOP"));
    let phones = diag(&r, "phone/not-international", "messages/wa/phone.md");
    let fixes: Vec<&str> = phones.iter().map(|d| fix(d)).collect();
    assert_eq!(fixes, ["+39 055 765 4321", "+39 347 987 6543"]);
    assert_eq!(
        diag(&r, "link/invalid-deeplink", "messages/wa/link.md").len(),
        1
    );
    assert_eq!(
        diag(&r, "offer/code-not-in-text", "messages/wa/code.md").len(),
        1
    );
    assert_eq!(diag(&r, "length/tweet", "messages/x/thread.md").len(), 1);
    assert_eq!(
        diag(&r, "privacy/pii-in-public-post", "messages/x/thread.md").len(),
        2
    );
    // `[offer] keywords` and `[opt_out] keywords` from camplint.toml count.
    assert!(
        got.iter().all(|d| d.1 != "messages/wa/keywords.md"),
        "{got:?}"
    );
    insta::assert_snapshot!("content_en_human", r.human);
    insta::assert_snapshot!("content_en_json", r.json);
}

#[test]
fn near_misses_stay_silent() {
    let r = check("content-quiet");
    assert_eq!(r.codes(), Vec::<String>::new(), "{}", r.human);
}

#[test]
fn render_prints_the_text_a_channel_receives() {
    let root = fixture("content-it");
    let file = root.join("messages/x/thread.md");
    let (code, out, err) = camplint(&["render", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("--- post 1/3 ---\n"), "{out}");
    assert!(out.contains("\n--- post 3/3 ---\n"));
    let (_, wa, _) = camplint(&["render", file.to_str().unwrap(), "--channel", "whatsapp"]);
    assert!(!wa.contains("--- post"));
    let numeri = root.join("messages/wa/numeri.md");
    let (_, out, _) = camplint(&[
        "render",
        numeri.to_str().unwrap(),
        "--root",
        root.to_str().unwrap(),
    ]);
    assert!(
        out.starts_with("Questa settimana *-20%* su tutte le borse."),
        "{out}"
    );
    assert!(out.contains("oppure chiamaci (tel:3479876543)."), "{out}");
    let (_, plain, _) = camplint(&[
        "render",
        numeri.to_str().unwrap(),
        "--channel",
        "twitter-dm",
    ]);
    assert!(plain.starts_with("Questa settimana -20% su tutte le borse."));
    let (code, _, err) = camplint(&["render", root.join("campaigns/x.toml").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("is not a message draft"));
    let (code, _, _) = camplint(&["render", file.to_str().unwrap(), "--channel", "sms"]);
    assert_eq!(code, 2);
}

#[test]
fn empty_thread_posts_are_reported_on_their_break_line() {
    let r = check("thread-empty");
    let got = found(&r);
    assert_eq!(
        got,
        [
            ("length/tweet".into(), "messages/x/commento.md".into(), 7, 1),
            ("length/tweet".into(), "messages/x/doppio.md".into(), 5, 1),
            ("length/tweet".into(), "messages/x/fine.md".into(), 3, 1),
            ("length/tweet".into(), "messages/x/inizio.md".into(), 1, 1),
        ],
        "{}",
        r.human
    );
    let first = diag(&r, "length/tweet", "messages/x/inizio.md");
    assert_eq!(
        first[0]["message"],
        "post 1 of 3 of the thread messages/x/inizio.md is empty: X does not publish an empty post"
    );
    assert_eq!(
        first[0]["help"],
        "remove the `---` line at line 1, or write the post"
    );
    insta::assert_snapshot!("thread_empty_human", r.human);
    insta::assert_snapshot!("thread_empty_json", r.json);
}
