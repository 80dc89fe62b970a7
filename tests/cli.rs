//! The commands besides `check`: init, rules, explain, schema; and the README's rule
//! table, which must match the registry.

mod common;

use common::camplint;

#[test]
fn init_writes_a_project_that_passes_check_and_refuses_a_non_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("negozio");
    let dir_s = dir.to_string_lossy().into_owned();
    let (code, out, _) = camplint(&["init", &dir_s]);
    assert_eq!(code, 0);
    assert!(out.contains("created camplint.toml"));
    let (code, out, err) = camplint(&["check", "--root", &dir_s]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("no problems found"), "{out}");
    let (code, _, err) = camplint(&["init", &dir_s]);
    assert_eq!(code, 2);
    assert!(err.contains("not empty"), "{err}");
}

#[test]
fn rules_lists_every_registered_rule() {
    let (code, out, _) = camplint(&["rules"]);
    assert_eq!(code, 0);
    for r in camplint::rules::RULES {
        assert!(out.contains(r.code), "{} missing", r.code);
    }
    assert_eq!(out.lines().count(), camplint::rules::RULES.len());
}

#[test]
fn explain_prints_the_docs_and_suggests_near_codes() {
    let (code, out, _) = camplint(&["explain", "ref/unknown-audience"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("# ref/unknown-audience"));
    assert!(out.contains("## How to fix"));
    let (code, _, err) = camplint(&["explain", "ref/unknown-audiense"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `ref/unknown-audience`"), "{err}");
}

#[test]
fn committed_schemas_are_up_to_date() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    for (name, text) in camplint::cli::schema::all() {
        let committed = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(
            committed == text,
            "schemas/{name} is stale: run `cargo run -- schema --out schemas` and commit it"
        );
    }
}

#[test]
fn schema_command_writes_every_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("s");
    let (code, _, _) = camplint(&["schema", "--out", &out.to_string_lossy()]);
    assert_eq!(code, 0);
    for (name, text) in camplint::cli::schema::all() {
        assert_eq!(std::fs::read_to_string(out.join(name)).unwrap(), text);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(v["properties"].is_object(), "{name} has no properties");
    }
}

#[test]
fn readme_rule_table_matches_the_registry() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("<!-- rules:start -->")
        .expect("README has the rules:start marker");
    let end = readme
        .find("<!-- rules:end -->")
        .expect("README has the rules:end marker");
    let table = readme[start + "<!-- rules:start -->".len()..end].trim();
    assert_eq!(
        table,
        camplint::rules::markdown_table().trim(),
        "README rule table is stale: paste the output of `cargo test -- --ignored print_rule_table --nocapture`"
    );
}

#[test]
#[ignore = "prints the README rule table"]
fn print_rule_table() {
    print!("{}", camplint::rules::markdown_table());
}

#[test]
fn fixture_toml_files_name_their_schema() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for entry in walkdir::WalkDir::new(&root) {
        let entry = entry.unwrap();
        let path = entry.path();
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let is_project_toml = rel.ends_with("camplint.toml")
            || rel.contains("/campaigns/")
            || rel.contains("/audiences/");
        if path.extension().is_some_and(|e| e == "toml")
            && is_project_toml
            && !rel.starts_with("config-invalid/")
        {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            assert!(text.starts_with("#:schema "), "{rel} lacks a #:schema line");
        }
    }
}

#[test]
fn readme_demo_listing_is_the_real_output() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("<!-- demo:start -->")
        .expect("demo:start marker");
    let end = readme.find("<!-- demo:end -->").expect("demo:end marker");
    let block = &readme[start..end];
    let listing = block
        .split("```text\n")
        .nth(2)
        .and_then(|b| b.split("```").next())
        .expect("the README shows the demo's short listing");
    let root = common::fixture("demo").to_string_lossy().into_owned();
    let (_, out, _) = camplint(&["check", "--root", &root, "--format", "short"]);
    assert_eq!(
        listing.trim(),
        out.trim(),
        "the README's demo listing is stale: paste `camplint check fixtures/demo --format short`"
    );
}
