//! The CI formats (`sarif`, `github`, `gitlab`, `junit`) on the demo project, which has
//! findings with related places and fixes, and on the clean project: snapshots, and the
//! properties each consumer relies on (a schema-valid SARIF log, workflow commands that
//! parse back to the message, unique stable fingerprints, well-formed XML).

mod common;

use std::path::Path;

use camplint::engine::{self, Options};
use camplint::output::{self, Format, Style};
use camplint::rules::RULES;
use common::{camplint, check, fixture, NOW};
use serde_json::Value;

/// The report of the project at `root` in `format`, rendered as the CLI would.
fn render_at(root: &Path, format: Format) -> String {
    let options = Options {
        root: Some(root.to_path_buf()),
        paths: Vec::new(),
        now: Some(chrono::DateTime::parse_from_rfc3339(NOW).unwrap().into()),
    };
    let report = engine::run(&options).unwrap();
    let style = Style {
        color: false,
        quiet: false,
        deny_warnings: false,
    };
    let mut out = Vec::new();
    output::write(&report, format, style, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn render(name: &str, format: Format) -> String {
    render_at(&fixture(name), format)
}

/// Where a SARIF log breaks the official 2.1.0 schema (a copy in tests/data; it is a
/// draft-04 schema), formats (`uri`, `uri-reference`) included.
fn schema_errors(sarif: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn assert_schema_valid(sarif: &Value) {
    let errors = schema_errors(sarif);
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn the_schema_check_can_fail() {
    let mut sarif: Value = serde_json::from_str(&render("demo", Format::Sarif)).unwrap();
    sarif["runs"][0]["results"][0]["level"] = "fatal".into();
    sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    sarif["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = "not a uri".into();
    assert_eq!(
        schema_errors(&sarif).len(),
        3,
        "{:#?}",
        schema_errors(&sarif)
    );
}

#[test]
fn sarif_demo_is_schema_valid_and_complete() {
    let text = render("demo", Format::Sarif);
    let sarif: Value = serde_json::from_str(&text).unwrap();
    assert_schema_valid(&sarif);

    let json = check("demo").value;
    let diagnostics = json["diagnostics"].as_array().unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));

    // Every registered rule is described, in catalogue order, with its docs as help.
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len());
    for (descriptor, rule) in rules.iter().zip(RULES) {
        assert_eq!(descriptor["id"], rule.code);
        assert_eq!(descriptor["shortDescription"]["text"], rule.summary);
        assert_eq!(descriptor["help"]["markdown"], rule.docs());
        assert!(!descriptor["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .contains("##"));
    }

    // One result per diagnostic, same order, same positions as --format json.
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), diagnostics.len());
    for (r, d) in results.iter().zip(diagnostics) {
        assert_eq!(r["ruleId"], d["rule"]);
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], d["rule"]);
        let text = r["message"]["text"].as_str().unwrap();
        assert!(text.starts_with(d["message"].as_str().unwrap()));
        assert!(text.ends_with(&format!("\nhelp: {}", d["help"].as_str().unwrap())));
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], d["file"]);
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(loc["region"]["startLine"], d["line"]);
        assert_eq!(loc["region"]["startColumn"], d["column"]);
        assert_eq!(loc["region"]["endLine"], d["end_line"]);
        assert_eq!(loc["region"]["endColumn"], d["end_column"]);
        let related = r["relatedLocations"].as_array().map_or(0, Vec::len);
        assert_eq!(related, d["related"].as_array().unwrap().len());
        let fix = &r["fixes"][0]["artifactChanges"][0]["replacements"][0];
        if d["fix"].is_null() {
            assert!(r.get("fixes").is_none());
        } else {
            assert_eq!(fix["insertedContent"]["text"], d["fix"]["replacement"]);
            assert_eq!(fix["deletedRegion"]["startLine"], d["fix"]["line"]);
            assert_eq!(fix["deletedRegion"]["endColumn"], d["fix"]["end_column"]);
        }
    }
    assert!(results.iter().any(|r| r.get("fixes").is_some()));
    assert!(results.iter().any(|r| r.get("relatedLocations").is_some()));
    let levels: Vec<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert!(levels
        .iter()
        .all(|l| ["error", "warning", "note"].contains(l)));

    // %SRCROOT% is described in words: its absolute location would differ per checkout.
    assert!(run["originalUriBaseIds"]["%SRCROOT%"].get("uri").is_none());

    // The rule descriptors are checked above against RULES; the snapshot keeps only
    // their ids so that editing a rule's docs does not churn this file.
    let mut shown = sarif.clone();
    shown["runs"][0]["tool"]["driver"]["rules"] = rules.iter().map(|r| r["id"].clone()).collect();
    insta::assert_snapshot!("demo_sarif", serde_json::to_string_pretty(&shown).unwrap());
}

#[test]
fn sarif_clean_is_schema_valid_with_no_results() {
    let sarif: Value = serde_json::from_str(&render("clean", Format::Sarif)).unwrap();
    assert_schema_valid(&sarif);
    assert_eq!(sarif["runs"][0]["results"], Value::Array(Vec::new()));
}

/// Reverses the runner's escaping of a message or property.
fn unescape(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

#[test]
fn github_commands_parse_back_to_the_findings() {
    let text = render("demo", Format::Github);
    let json = check("demo").value;
    let diagnostics = json["diagnostics"].as_array().unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    // The last line gives the totals, since GitHub shows only ten annotations a kind.
    let totals = lines.pop().unwrap();
    let summary = &json["summary"];
    let n = |k: &str, one: &str, many: &str| {
        let v = summary[k].as_u64().unwrap();
        format!("{v} {}", if v == 1 { one } else { many })
    };
    let expected = format!(
        "::notice title=camplint::{}, {}, {} in ",
        n("errors", "error", "errors"),
        n("warnings", "warning", "warnings"),
        n("infos", "info", "infos")
    );
    assert!(totals.starts_with(&expected), "{totals}");
    assert!(
        totals.contains("GitHub shows at most 10 annotations"),
        "{totals}"
    );
    assert_eq!(lines.len(), diagnostics.len());
    for (line, d) in lines.iter().zip(diagnostics) {
        let command = match d["severity"].as_str().unwrap() {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        let rest = line
            .strip_prefix(&format!("::{command} "))
            .unwrap_or_else(|| panic!("{line}"));
        let (props, message) = rest.split_once("::").unwrap();
        // Properties are split on raw commas and colons: escaping must leave none inside.
        let props: Vec<(&str, &str)> = props
            .split(',')
            .map(|p| p.split_once('=').unwrap())
            .collect();
        let keys: Vec<&str> = props.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            keys,
            ["file", "line", "col", "endLine", "endColumn", "title"]
        );
        let value = |k: &str| unescape(props.iter().find(|(key, _)| *key == k).unwrap().1);
        assert_eq!(value("file"), d["file"].as_str().unwrap());
        assert_eq!(value("title"), d["rule"].as_str().unwrap());
        assert_eq!(value("line"), d["line"].to_string());
        assert_eq!(value("endColumn"), d["end_column"].to_string());
        // The message keeps its commas and puts its help after an escaped line break.
        assert!(!message.contains('\n'));
        let message = unescape(message);
        let expected = format!(
            "{}\nhelp: {}",
            d["message"].as_str().unwrap(),
            d["help"].as_str().unwrap()
        );
        assert!(message.starts_with(&expected), "{message}");
    }
    // The demo's help texts hold commas, its related places add line breaks: both are
    // exercised above.
    assert!(text.contains("%0Ahelp: write +393456789012 (+, country code"));
    insta::assert_snapshot!("demo_github", text);
}

#[test]
fn github_quiet_keeps_only_what_fails_the_run() {
    let (code, out, _) = camplint(&[
        "check",
        "--root",
        fixture("demo").to_str().unwrap(),
        "--now",
        NOW,
        "--format",
        "github",
        "--quiet",
    ]);
    assert_eq!(code, 1);
    assert!(!out.is_empty());
    assert!(out.lines().all(|l| l.starts_with("::error ")), "{out}");
}

#[test]
fn gitlab_fingerprints_are_unique_and_stable() {
    let text = render("demo", Format::Gitlab);
    let issues: Value = serde_json::from_str(&text).unwrap();
    let issues = issues.as_array().unwrap();
    let json = check("demo").value;
    assert_eq!(issues.len(), json["diagnostics"].as_array().unwrap().len());
    let mut fingerprints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert!(fingerprints
        .iter()
        .all(|f| f.len() == 32 && f.bytes().all(|b| b.is_ascii_hexdigit())));
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), issues.len(), "fingerprints collide");
    for i in issues {
        assert!(["critical", "major", "info"].contains(&i["severity"].as_str().unwrap()));
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(i["location"]["lines"]["end"].as_u64() >= i["location"]["lines"]["begin"].as_u64());
    }
    // A second run gives the same fingerprints, byte for byte.
    assert_eq!(render("demo", Format::Gitlab), text);
    insta::assert_snapshot!("demo_gitlab", text);
    // SARIF and GitLab carry one identity, the one `check --base` matches by.
    let sarif: Value = serde_json::from_str(&render("demo", Format::Sarif)).unwrap();
    let partial: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["partialFingerprints"]["camplint/v1"].as_str().unwrap())
        .collect();
    let gitlab: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(partial, gitlab);
    assert_eq!(render("clean", Format::Gitlab), "[]\n");
}

/// Parses `xml` to the end, checking that every element closes with its own name and
/// every attribute and text unescapes; returns (testcases, failures).
fn parse_junit(xml: &str) -> (usize, usize) {
    use quick_xml::events::{BytesStart, Event};
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let (mut cases, mut failures, mut depth, mut roots) = (0, 0, 0usize, 0);
    let mut open = |e: &BytesStart, depth: usize| {
        for a in e.attributes() {
            a.unwrap()
                .normalized_value(quick_xml::XmlVersion::Explicit1_0)
                .unwrap();
        }
        match e.name().as_ref() {
            "testcase" => cases += 1,
            "failure" => failures += 1,
            _ => {}
        }
        if depth == 0 {
            roots += 1;
        }
    };
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("{e}\n{xml}")) {
            Event::Start(e) => {
                open(&e, depth);
                depth += 1;
            }
            Event::Empty(e) => open(&e, depth),
            Event::End(_) => depth -= 1,
            Event::GeneralRef(r) => {
                // Only character references and the five predefined entities are XML.
                let known = ["amp", "lt", "gt", "quot", "apos"].contains(&&*r);
                assert!(
                    known || r.resolve_char_ref().unwrap().is_some(),
                    "&{};",
                    &*r
                );
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "unclosed elements");
    assert_eq!(roots, 1, "one root element");
    (cases, failures)
}

#[test]
fn junit_is_well_formed_with_one_failure_per_finding() {
    let xml = render("demo", Format::Junit);
    let n = check("demo").value["diagnostics"].as_array().unwrap().len();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    assert!(xml.contains(&format!(
        "<testsuites name=\"camplint\" tests=\"{n}\" failures=\"{n}\""
    )));
    assert_eq!(parse_junit(&xml), (n, n));
    assert!(
        !xml.contains(" time=") && !xml.contains(" timestamp="),
        "no timestamps or durations"
    );
    insta::assert_snapshot!("demo_junit", xml);
}

#[test]
fn junit_clean_project_is_one_passing_testcase() {
    let xml = render("clean", Format::Junit);
    assert_eq!(parse_junit(&xml), (1, 0));
    insta::assert_snapshot!("clean_junit", xml);
}

#[test]
fn clean_project_gives_empty_machine_reports() {
    assert_eq!(render("clean", Format::Github), "");
}

/// Copies a fixture project to another folder.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn every_format_is_identical_from_another_checkout() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("elsewhere").join("demo");
    copy_tree(&fixture("demo"), &copy);
    for format in [Format::Sarif, Format::Github, Format::Gitlab, Format::Junit] {
        let here = render("demo", format);
        let there = render_at(&copy, format);
        assert_eq!(here, there, "{format:?} depends on where the project is");
        let root = fixture("demo");
        assert!(!here.contains(root.to_str().unwrap()), "{format:?}");
    }
}

#[test]
fn cli_accepts_every_format() {
    for format in ["sarif", "github", "gitlab", "junit"] {
        let (code, out, err) = camplint(&[
            "check",
            "--root",
            fixture("demo").to_str().unwrap(),
            "--now",
            NOW,
            "--format",
            format,
        ]);
        assert_eq!(code, 1, "{format}: {err}");
        assert!(!out.is_empty(), "{format}");
        assert!(err.is_empty(), "{format}: {err}");
    }
}
