//! twitter-text conformance data (Apache-2.0, see tests/data/LICENSE): the weighted-length
//! cases and the official `validate.yml` suite.

use std::fs;
use std::path::PathBuf;

use camplint::domain::text::tweet_length::{find_urls, weighted_length};
use serde_json::Value;
use yaml_rust2::{Yaml, YamlLoader};

fn data(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/twitter-text")
        .join(name);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn utf16_index(text: &str, byte: usize) -> usize {
    text.get(..byte).map_or(0, |s| s.encode_utf16().count())
}

/// v2 differs from v3 only in counting emoji per code point, so its cases hold for v3 too
/// when the text has no emoji code points.
fn has_emoji_code_points(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(u32::from(c), 0x2600..=0x27BF | 0x1F000..=0x1FAFF | 0xFE0F | 0x20E3 | 0xE0020..=0xE007F)
    })
}

#[test]
fn v3_config_matches_the_reference() {
    let config: Value = serde_json::from_str(&data("v3.json")).expect("v3.json");
    assert_eq!(config["maxWeightedTweetLength"], 280);
    assert_eq!(config["transformedURLLength"], 23);
    assert_eq!(config["defaultWeight"], 200);
    let ranges: Vec<(u64, u64)> = config["ranges"]
        .as_array()
        .expect("ranges")
        .iter()
        .map(|r| {
            (
                r["start"].as_u64().expect("start"),
                r["end"].as_u64().expect("end"),
            )
        })
        .collect();
    assert_eq!(
        ranges,
        [
            (0, 0x10FF),
            (0x2000, 0x200D),
            (0x2010, 0x201F),
            (0x2032, 0x2037)
        ]
    );
}

#[test]
fn weighted_length_cases() {
    let cases: Value = serde_json::from_str(&data("weighted_length_cases.json")).expect("json");
    let cases = cases.as_array().expect("array of cases");
    let mut checked = [0usize; 2];
    for case in cases {
        let text = case["text"].as_str().expect("text");
        let expected_len = case["weighted_length"].as_u64().expect("weighted_length") as usize;
        let expected_valid = case["valid"].as_bool().expect("valid");
        let config = case["config"].as_str().expect("config");
        let description = case["description"].as_str().unwrap_or("");
        match config {
            "v3" => checked[0] += 1,
            "v2" if !has_emoji_code_points(text) => checked[1] += 1,
            _ => continue,
        }
        let got = weighted_length(text);
        assert_eq!(
            (got.weighted, got.valid),
            (expected_len, expected_valid),
            "{config}: {description}"
        );
    }
    assert_eq!(checked[0], 24, "every v3 case checked");
    assert!(
        checked[1] >= 10,
        "v2 cases without emoji checked: {}",
        checked[1]
    );
}

fn section<'a>(doc: &'a Yaml, name: &str) -> &'a [Yaml] {
    doc["tests"][name].as_vec().map_or(&[], Vec::as_slice)
}

fn load_validate() -> Yaml {
    YamlLoader::load_from_str(&data("validate.yml"))
        .expect("validate.yml parses")
        .into_iter()
        .next()
        .expect("one document")
}

#[test]
fn validate_yml_weighted_counters() {
    let doc = load_validate();
    let mut checked = 0;
    for (name, v3) in [
        ("WeightedTweetsWithDiscountedEmojiCounterTest", true),
        ("UnicodeDirectionalMarkerCounterTest", true),
        ("WeightedTweetsCounterTest", false),
    ] {
        let cases = section(&doc, name);
        assert!(!cases.is_empty(), "{name} present");
        for case in cases {
            let text = case["text"].as_str().expect("text");
            let description = case["description"].as_str().unwrap_or("");
            if !v3 && has_emoji_code_points(text) {
                continue;
            }
            let expected = &case["expected"];
            let got = weighted_length(text);
            let want_len = expected["weightedLength"].as_i64().expect("weightedLength") as usize;
            let want_valid = expected["valid"].as_bool().expect("valid");
            assert_eq!(
                (got.weighted, got.valid),
                (want_len, want_valid),
                "{name}: {description}"
            );
            // validRangeEnd is the last UTF-16 index inside the limit, so the excess starts
            // right after it.
            let valid_end = expected["validRangeEnd"].as_i64().expect("validRangeEnd") as usize;
            if got.weighted > 280 {
                let at = got.over_limit_at.expect("over limit has an offset");
                assert_eq!(
                    utf16_index(text, at),
                    valid_end + 1,
                    "{name}: {description}"
                );
            } else {
                assert_eq!(got.over_limit_at, None, "{name}: {description}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 40, "checked {checked}");
}

#[test]
fn validate_yml_legacy_tweets_fit_v3() {
    // These are 140-character-era cases: every non-empty one fits 280 weighted, the empty
    // one is invalid under any version.
    let doc = load_validate();
    for case in section(&doc, "tweets") {
        let text = case["text"].as_str().expect("text");
        assert_eq!(weighted_length(text).valid, !text.is_empty(), "{text:?}");
    }
}

/// `urls` cases test twitter-text's URL *validator*; its extractor (which the length uses)
/// deliberately finds no userinfo or IP-address URLs, and a query cannot end in `+`.
const EXTRACTOR_DIFFERS: [&str; 4] = [
    "Valid url: port and userinfo",
    "Valid url: ipv4",
    "Valid url: ipv6",
    "Valid url: sub delims and question marks",
];

#[test]
fn validate_yml_urls() {
    let doc = load_validate();
    let mut checked = 0;
    for name in ["urls", "urls_without_protocol"] {
        for case in section(&doc, name) {
            let text = case["text"].as_str().expect("text");
            let description = case["description"].as_str().unwrap_or("");
            let expected = case["expected"].as_bool().expect("expected");
            let found: Vec<&str> = find_urls(text)
                .into_iter()
                .filter_map(|r| text.get(r))
                .collect();
            let whole = found == [text];
            if expected && EXTRACTOR_DIFFERS.contains(&description) {
                assert!(
                    !whole,
                    "{description}: now extracted whole, update the list"
                );
                continue;
            }
            assert_eq!(whole, expected, "{name}: {description}: {found:?}");
            checked += 1;
        }
    }
    assert!(checked >= 25, "checked {checked}");
}
