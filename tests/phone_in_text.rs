//! Every written shape in `phone-it.json` (the same file as tests/phone_conformance.rs) must be
//! found whole in ordinary draft sentences, and never after an identifier label or inside
//! a deep link; validity is the table's own verdict.

use camplint::domain::text::content::{find_phone_candidates, find_phones, Prefix};

struct Case {
    input: String,
    valid: bool,
}

fn cases() -> Vec<Case> {
    let raw = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/phone-it.json"
    ))
    .unwrap_or_default();
    let json: serde_json::Value = serde_json::from_str(&raw).unwrap_or_default();
    let cases: Vec<Case> = json
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            Some(Case {
                input: c.get("input")?.as_str()?.to_string(),
                valid: c.get("valid")?.as_bool()?,
            })
        })
        .collect();
    assert!(cases.len() >= 40, "conformance data missing");
    cases
}

const CONTEXTS: &[&str] = &[
    "Chiama il {}.",
    "{}",
    "_Info: {}_",
    "*{}*",
    "Telefono: {}, dalle 9.30 alle 13.00",
    "Phone {}\nThanks!",
    "(tel:{})",
    "Ordini dal 27/11/2026 al {} grazie",
];

const NOT_PHONE_CONTEXTS: &[&str] = &[
    "P.IVA {}",
    "Partita IVA: {}",
    "ordine #{}",
    "ordine n. {}",
    "C.F. {}",
    "https://wa.me/{}",
    "https://api.whatsapp.com/send?phone={}&text=ciao",
];

#[test]
fn written_shapes_are_found_whole() {
    let cases = cases();
    let table_says = |s: &str| cases.iter().any(|c| c.valid && c.input == s);
    for case in &cases {
        for context in CONTEXTS {
            let text = context.replace("{}", &case.input);
            let candidates: Vec<_> = find_phone_candidates(&text)
                .into_iter()
                .map(|c| c.text)
                .collect();
            assert!(
                candidates.contains(&case.input.as_str()),
                "{text:?}: {candidates:?}"
            );
            let phones = find_phones(&text, table_says);
            let expected: &[&str] = if case.valid { &[&case.input] } else { &[] };
            let found: Vec<_> = phones.iter().map(|p| p.text).collect();
            assert_eq!(found, expected, "{text:?}");
            if let Some(p) = phones.first() {
                let prefix = if case.input.starts_with('+') {
                    Prefix::Plus
                } else if case.input.starts_with("00") {
                    Prefix::DoubleZero
                } else {
                    Prefix::None
                };
                assert_eq!(p.prefix, prefix, "{text:?}");
            }
        }
    }
}

#[test]
fn identifiers_and_links_are_not_phones() {
    for case in cases() {
        for context in NOT_PHONE_CONTEXTS {
            let text = context.replace("{}", &case.input);
            assert_eq!(find_phones(&text, |_| true), [], "{text:?}");
        }
    }
}
