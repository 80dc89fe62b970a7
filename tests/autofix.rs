//! `camplint check --fix`, `--diff`, `--unsafe-fixes` and `--statistics`, driven through
//! the real binary on temporary copies of fixture projects.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{camplint, fixture, NOW};

/// A temporary copy of a fixture project (links and permissions kept).
fn copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join(name);
    let status = Command::new("cp")
        .arg("-a")
        .arg(fixture(name))
        .arg(&dest)
        .status()
        .unwrap();
    assert!(status.success(), "copying {name}");
    (tmp, dest)
}

/// Every regular file under `root`, by root-relative path, with its bytes.
fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(root).unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            out.insert(rel, fs::read(entry.path()).unwrap());
        }
    }
    out
}

/// Runs `camplint check --root ROOT --now NOW` with more arguments.
fn check(root: &Path, args: &[&str]) -> (i32, String, String) {
    let root = root.to_str().unwrap();
    let mut all = vec!["check", "--root", root, "--now", NOW];
    all.extend_from_slice(args);
    camplint(&all)
}

/// The files that differ from the fixture, shown with `\r` and the BOM visible.
fn changed_files(name: &str, root: &Path) -> String {
    let before = files(&fixture(name));
    let mut out = String::new();
    for (path, bytes) in files(root) {
        if before.get(&path) != Some(&bytes) {
            let text = String::from_utf8(bytes).unwrap();
            let shown = text.replace('\r', "\\r").replace('\u{feff}', "<BOM>");
            out.push_str(&format!("=== {path}\n{shown}\n"));
        }
    }
    out
}

/// The JSON report's diagnostics.
fn diagnostics(stdout: &str) -> Vec<serde_json::Value> {
    let value: serde_json::Value = serde_json::from_str(stdout).unwrap();
    value["diagnostics"].as_array().cloned().unwrap_or_default()
}

#[test]
fn diff_shows_every_safe_fix_and_writes_nothing() {
    let (_tmp, root) = copy("fixable");
    let (code, out, err) = check(&root, &["--diff"]);
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!("diff_safe", out);
    insta::assert_snapshot!("diff_safe_stderr", err);
    assert_eq!(files(&root), files(&fixture("fixable")));
}

#[test]
fn diff_with_unsafe_fixes_also_deletes_duplicate_rows() {
    let (_tmp, root) = copy("fixable");
    let (code, out, _) = check(&root, &["--diff", "--unsafe-fixes"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("diff_unsafe", out);
    assert_eq!(files(&root), files(&fixture("fixable")));
}

#[test]
fn fix_writes_safe_fixes_and_reports_what_is_left() {
    let (_tmp, root) = copy("fixable");
    let (code, out, err) = check(&root, &["--fix", "--format", "short"]);
    // Only the duplicate rows are left, and they are warnings.
    assert_eq!(code, 0, "{out}{err}");
    insta::assert_snapshot!("fix_safe_report", out);
    insta::assert_snapshot!("fix_safe_stderr", err);
    insta::assert_snapshot!("fix_safe_files", changed_files("fixable", &root));
    let (code, _, _) = check(&root, &["--deny-warnings"]);
    assert_eq!(code, 1);
}

#[test]
fn fix_with_unsafe_fixes_leaves_nothing() {
    let (_tmp, root) = copy("fixable");
    let (code, out, err) = check(&root, &["--fix", "--unsafe-fixes", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(diagnostics(&out).is_empty(), "{out}");
    insta::assert_snapshot!("fix_unsafe_files", changed_files("fixable", &root));
}

#[test]
fn bom_crlf_and_quoting_survive_byte_for_byte() {
    let (_tmp, root) = copy("fixable");
    check(&root, &["--fix", "--unsafe-fixes"]);
    let clienti = fs::read(root.join("audiences/clienti.csv")).unwrap();
    let expected: &[u8] = b"\xEF\xBB\xBFphone,name\r\n\"+393331234567\",\"Rossi, Mario\"\r\n+393471234567,Marco Riva\r\n+393456789012,Luca Bianchi\r\n\"+390212345678\",\"Bianchi \"\"Gigi\"\"\"\r\n";
    assert_eq!(clienti, expected);
    // The duplicate rows go with their line endings; the file still has no final newline.
    let lista = fs::read(root.join("audiences/lista.csv")).unwrap();
    let expected: &[u8] = b"phone,name\n+393471234567,Marco Riva\n+393331112222,Sara Neri";
    assert_eq!(lista, expected);
}

#[test]
fn a_second_fix_changes_nothing() {
    for unsafe_fixes in [false, true] {
        let (_tmp, root) = copy("fixable");
        let mut args = vec!["--fix"];
        if unsafe_fixes {
            args.push("--unsafe-fixes");
        }
        check(&root, &args);
        let once = files(&root);
        let (_, _, err) = check(&root, &args);
        assert_eq!(files(&root), once);
        assert!(err.starts_with("camplint: nothing to fix"), "{err}");
        let diff_args = if unsafe_fixes {
            vec!["--diff", "--unsafe-fixes"]
        } else {
            vec!["--diff"]
        };
        let (code, out, _) = check(&root, &diff_args);
        assert_eq!((code, out.as_str()), (0, ""));
    }
}

/// Over every fixture: after `--fix --unsafe-fixes` no finding with a fix is left, a
/// second run changes nothing, and plain `check` never writes.
#[test]
fn after_fix_no_fixable_finding_remains_in_any_fixture() {
    let mut names: Vec<String> = fs::read_dir(fixture(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in &names {
        let (_tmp, root) = copy(name);
        let before = files(&root);
        let (code, _, _) = check(&root, &["--format", "json"]);
        assert_eq!(files(&root), before, "{name}: check without --fix wrote");
        if code == 2 {
            continue;
        }
        let (code, out, err) = check(&root, &["--fix", "--unsafe-fixes", "--format", "json"]);
        assert_ne!(code, 2, "{name}: {err}");
        let left: Vec<_> = diagnostics(&out)
            .into_iter()
            .filter(|d| !d["fix"].is_null())
            .collect();
        assert!(left.is_empty(), "{name}: fixable findings left: {left:?}");
        let once = files(&root);
        check(&root, &["--fix", "--unsafe-fixes"]);
        assert_eq!(files(&root), once, "{name}: a second --fix changed files");
    }
}

#[test]
fn a_read_only_file_is_left_untouched_and_reported() {
    use std::os::unix::fs::PermissionsExt;
    let (_tmp, root) = copy("fixable");
    let ledger = root.join("consent/ledger.csv");
    fs::set_permissions(&ledger, fs::Permissions::from_mode(0o444)).unwrap();
    let (code, out, err) = check(&root, &["--fix", "--format", "json"]);
    assert_eq!(code, 1, "the ledger's phone errors are left: {err}");
    assert_eq!(
        fs::read(&ledger).unwrap(),
        fs::read(fixture("fixable").join("consent/ledger.csv")).unwrap()
    );
    let refused: Vec<_> = diagnostics(&out)
        .into_iter()
        .filter(|d| d["rule"] == "fix/not-written")
        .collect();
    assert_eq!(refused.len(), 1, "{out}");
    assert_eq!(refused[0]["file"], "consent/ledger.csv");
    assert!(refused[0]["message"]
        .as_str()
        .unwrap()
        .contains("read-only"));
    assert!(err.contains("1 file not written"), "{err}");
    // The other files were fixed.
    assert_ne!(
        fs::read(root.join("audiences/clienti.csv")).unwrap(),
        fs::read(fixture("fixable").join("audiences/clienti.csv")).unwrap()
    );
}

#[test]
fn a_file_changed_between_read_and_write_is_left_untouched() {
    use camplint::autofix::{run_with, Target};
    use camplint::project::fixes::FixMode;
    let (_tmp, root) = copy("fixable");
    let ledger = root.join("consent/ledger.csv");
    let saved_meanwhile = b"contact,channel,purpose,action,at,source\n+393331234567,whatsapp,marketing,granted,2026-03-01,form:nuovo\n";
    let options = camplint::engine::Options {
        root: Some(root.clone()),
        paths: Vec::new(),
        now: Some(chrono::DateTime::parse_from_rfc3339(NOW).unwrap().into()),
    };
    let outcome = run_with(&options, FixMode::SafeOnly, Target::Write, &mut |path| {
        if path == "consent/ledger.csv" {
            fs::write(&ledger, saved_meanwhile).unwrap();
        }
    })
    .unwrap();
    assert_eq!(fs::read(&ledger).unwrap(), saved_meanwhile.to_vec());
    let refused: Vec<_> = outcome
        .report
        .diagnostics
        .iter()
        .filter(|d| d.rule.code == "fix/not-written")
        .collect();
    assert_eq!(refused.len(), 1);
    assert!(refused[0].message.contains("changed on disk"));
    assert!(outcome
        .files
        .iter()
        .any(|f| f.path == "audiences/clienti.csv" && f.not_written.is_none()));
}

#[test]
fn exit_codes_and_flag_conflicts() {
    let (_tmp, root) = copy("clean");
    assert_eq!(check(&root, &["--diff"]).0, 0);
    assert_eq!(check(&root, &["--fix"]).0, 0);
    assert_eq!(check(&root, &["--fix", "--diff"]).0, 2);
    assert_eq!(check(&root, &["--unsafe-fixes"]).0, 2);
    assert_eq!(check(&root, &["--diff", "--statistics"]).0, 2);
    assert_eq!(check(&root, &["--statistics", "--format", "sarif"]).0, 2);
    assert_eq!(files(&root), files(&fixture("clean")));
}

#[test]
fn statistics_count_findings_and_fixes_per_rule() {
    let root = fixture("fixable");
    let (code, out, _) = check(&root, &["--statistics"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("statistics_human", out);
    let (code, out, _) = check(&root, &["--statistics", "--format", "json"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("statistics_json", out);
}

#[test]
fn explain_says_whether_a_rule_fixes_itself() {
    let (_, out, _) = camplint(&["explain", "phone/not-e164"]);
    assert!(
        out.contains("Fix: safe, applied by `camplint check --fix`."),
        "{out}"
    );
    let (_, out, _) = camplint(&["explain", "audience/duplicate-contact"]);
    assert!(out.contains("Fix: unsafe, applied by `camplint check --fix --unsafe-fixes`."));
}

#[test]
fn a_file_reached_through_a_link_is_left_untouched_and_reported() {
    let (_tmp, root) = copy("fixable");
    let ledger = root.join("consent/ledger.csv");
    let real = root.join("consent/real.csv.bak");
    fs::rename(&ledger, &real).unwrap();
    std::os::unix::fs::symlink("real.csv.bak", &ledger).unwrap();
    let (code, out, _) = check(&root, &["--fix", "--format", "json"]);
    assert_eq!(code, 1);
    assert!(fs::symlink_metadata(&ledger)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        fs::read(&real).unwrap(),
        fs::read(fixture("fixable").join("consent/ledger.csv")).unwrap()
    );
    let refused: Vec<_> = diagnostics(&out)
        .into_iter()
        .filter(|d| d["rule"] == "fix/not-written")
        .collect();
    assert_eq!(refused.len(), 1, "{out}");
    assert!(refused[0]["message"].as_str().unwrap().contains("symlink"));
}

#[test]
fn paths_limit_the_files_that_are_fixed() {
    let (_tmp, root) = copy("fixable");
    let only = root.join("audiences/clienti.csv");
    let (code, _, err) = check(&root, &["--fix", only.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let before = files(&fixture("fixable"));
    let changed: Vec<String> = files(&root)
        .into_iter()
        .filter(|(path, bytes)| before.get(path) != Some(bytes))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(changed, ["audiences/clienti.csv"]);
}
