//! Every case of `phone-it.json` (libphonenumber's verdicts on Italian numbers) must agree.

use camplint::domain::phone::{parse, NumberKind};
use serde_json::Value;

#[test]
fn phone_it_conformance() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/phone-it.json"
    ))
    .expect("conformance file is present");
    let cases: Vec<Value> = serde_json::from_str(&text).expect("conformance file is JSON");
    assert_eq!(cases.len(), 50);
    let mut failures = Vec::new();
    for case in &cases {
        let input = case["input"].as_str().expect("input");
        let want_e164 = case["e164"].as_str().expect("e164");
        let want_valid = case["valid"].as_bool().expect("valid");
        let want_type = case["type"].as_str().expect("type");
        let want_region = case["region"].as_str();
        match parse(input, "IT") {
            Ok(p) => {
                let got_region = p.e164.region().map(|r| r.to_string());
                let got_region = if p.valid { got_region } else { None };
                if p.e164.to_string() != want_e164
                    || p.valid != want_valid
                    || p.kind.as_str() != want_type
                    || got_region.as_deref() != want_region
                    || (p.valid && p.kind == NumberKind::Unknown)
                {
                    failures.push(format!(
                        "{input:?}: got {} valid={} type={} region={:?}; want {want_e164} valid={want_valid} type={want_type} region={want_region:?}",
                        p.e164, p.valid, p.kind.as_str(), got_region
                    ));
                }
            }
            Err(e) => failures.push(format!("{input:?}: error {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
