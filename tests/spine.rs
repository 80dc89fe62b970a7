//! The spine: loading, parse/* and ref/* diagnostics, severities, suppressions, output
//! formats and exit codes, on the fixture projects under fixtures/.

mod common;

use common::{camplint, check, check_paths, fixture};

#[test]
fn clean_project_reports_nothing() {
    let r = check("clean");
    assert_eq!(r.codes(), Vec::<String>::new(), "{}", r.human);
    assert_eq!(r.value["summary"]["errors"], 0);
    assert!(r.human.contains("no problems found"));
}

#[test]
fn every_broken_file_kind_is_reported_and_none_hides_another() {
    let r = check("parse");
    let codes = r.codes();
    for code in ["parse/toml", "parse/schema", "parse/csv", "parse/encoding"] {
        assert!(
            codes.iter().any(|c| c == code),
            "{code} missing in {codes:?}"
        );
    }
    // The good ledger row and the good campaign are still loaded next to broken ones.
    assert_eq!(r.value["summary"]["campaigns"], 2);
    insta::assert_snapshot!("parse_human", r.human);
    insta::assert_snapshot!("parse_json", r.json);
}

#[test]
fn did_you_mean_for_keys_and_values() {
    let r = check("parse");
    let diags = r.value["diagnostics"].as_array().unwrap();
    let typo = diags
        .iter()
        .find(|d| d["file"] == "campaigns/typo-key.toml")
        .unwrap();
    assert!(typo["help"].as_str().unwrap().contains("`channel`"));
    assert_eq!(
        (typo["line"].as_u64(), typo["column"].as_u64()),
        (Some(3), Some(1))
    );
    let bad = diags
        .iter()
        .find(|d| d["file"] == "campaigns/bad-enum.toml")
        .unwrap();
    assert!(bad["help"].as_str().unwrap().contains("\"whatsapp\""));
}

#[test]
fn refs_are_checked_across_files() {
    let r = check("refs");
    insta::assert_snapshot!("refs_human", r.human);
    insta::assert_snapshot!("refs_json", r.json);
}

#[test]
fn severities_overrides_and_disable_comments() {
    let r = check("suppress");
    insta::assert_snapshot!("suppress_short", r.short);
    insta::assert_snapshot!("suppress_json", r.json);
}

#[test]
fn demo_project() {
    let r = check("demo");
    insta::assert_snapshot!("demo_human", r.human);
    insta::assert_snapshot!("demo_json", r.json);
}

#[test]
fn paths_limit_reporting_not_loading() {
    let all = check("refs");
    let one = check_paths("refs", &["campaigns"]);
    assert!(one.codes().len() < all.codes().len());
    assert!(one.value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["file"].as_str().unwrap().starts_with("campaigns/")));
    // Loading is unchanged: the summary still counts every file.
    assert_eq!(one.value["summary"]["files"], all.value["summary"]["files"]);
}

#[test]
fn paths_outside_the_project_or_missing_are_an_error() {
    let root = fixture("refs").to_string_lossy().into_owned();
    let (code, out, err) = camplint(&["check", "--root", &root, "/"]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("is not inside the project"), "{err}");
    // A mistyped PATH would select nothing and pass a gate: it is an error.
    let gone = fixture("refs").join("messages/x/gone.md");
    let (code, _, err) = camplint(&["check", "--format", "short", &gone.to_string_lossy()]);
    assert_eq!(code, 2);
    assert!(err.contains("does not exist"), "{err}");
    // Relative PATHs may be given from the root when --root is used.
    let (code, out, _) = camplint(&["check", "--root", &root, "--format", "short", "campaigns"]);
    assert_eq!(code, 1);
    assert!(out.lines().all(|l| l.starts_with("campaigns/")), "{out}");
}

#[test]
fn output_that_cannot_be_written_is_exit_2_not_a_panic() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full");
    let Ok(full) = full else { return };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_camplint"))
        .arg("rules")
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn now_changes_only_the_wording_of_help() {
    let root = fixture("demo").to_string_lossy().into_owned();
    let run = |now: &str| {
        let (code, out, _) =
            camplint(&["check", "--root", &root, "--format", "json", "--now", now]);
        (
            code,
            serde_json::from_str::<serde_json::Value>(&out).unwrap(),
        )
    };
    let (c1, before) = run("2026-11-01T09:00:00+01:00");
    let (c2, after) = run("2026-12-31T09:00:00+01:00");
    assert_eq!(c1, c2);
    let strip = |v: &serde_json::Value| {
        let mut v = v.clone();
        for d in v["diagnostics"].as_array_mut().unwrap() {
            d["help"] = serde_json::Value::Null;
        }
        v
    };
    assert_eq!(strip(&before), strip(&after));
    assert!(after
        .to_string()
        .contains("this send's time has already passed"));
    assert!(!before
        .to_string()
        .contains("this send's time has already passed"));
    let (code, _, err) = camplint(&["check", "--root", &root, "--now", "yesterday"]);
    assert_eq!(code, 2);
    assert!(err.contains("RFC 3339"), "{err}");
}

#[test]
fn exit_codes() {
    let root = |n: &str| fixture(n).to_string_lossy().into_owned();
    assert_eq!(camplint(&["check", "--root", &root("clean")]).0, 0);
    assert_eq!(camplint(&["check", "--root", &root("parse")]).0, 1);
    let (code, out, err) = camplint(&[
        "check",
        "--root",
        &root("config-invalid"),
        "--format",
        "json",
    ]);
    assert_eq!(code, 2);
    assert!(
        out.is_empty(),
        "exit-2 problems go to stderr, not stdout: {out}"
    );
    assert!(err.contains("config/invalid"), "{err}");
    // Warnings alone pass, unless --deny-warnings.
    assert_eq!(camplint(&["check", "--root", &root("warnings-only")]).0, 0);
    assert_eq!(
        camplint(&["check", "--root", &root("warnings-only"), "--deny-warnings"]).0,
        1
    );
    let missing = std::env::temp_dir().join("camplint-no-such-project");
    assert_eq!(
        camplint(&["check", "--root", &missing.to_string_lossy()]).0,
        2
    );
    assert_eq!(camplint(&["check", "--format", "xml"]).0, 2);
}

#[test]
fn config_invalid_is_explained_with_spans() {
    let (_, _, err) = camplint(&[
        "check",
        "--root",
        &fixture("config-invalid").to_string_lossy(),
    ]);
    insta::assert_snapshot!("config_invalid_stderr", err);
}

#[test]
fn output_has_no_absolute_paths_and_is_stable() {
    let a = check("parse");
    let b = check("parse");
    assert_eq!(a.json, b.json);
    let root = fixture("parse").to_string_lossy().into_owned();
    for out in [&a.human, &a.short, &a.json] {
        assert!(!out.contains(&root), "absolute path in output");
    }
}
