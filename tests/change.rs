//! `camplint check --base REV` end to end: small git repositories in temporary folders,
//! a change on top, the real binary.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "common/git.rs"]
mod git_support;
use git_support::git;

const NOW: &str = "2026-11-25T09:00:00+01:00";

fn commit(dir: &Path, msg: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", msg]);
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), target).unwrap();
        }
    }
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn append(dir: &Path, rel: &str, text: &str) {
    let mut old = fs::read_to_string(dir.join(rel)).unwrap();
    old.push_str(text);
    fs::write(dir.join(rel), old).unwrap();
}

/// A repository whose first commit is the clean consent fixture with a WhatsApp cap of
/// `cap` per 7 days.
fn repo(cap: u32) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/consent-clean"),
        &dir,
    );
    append(
        &dir,
        "camplint.toml",
        &format!("\n[frequency]\nwhatsapp = [{{ max = {cap}, per = \"7d\" }}]\n"),
    );
    // Everyone granted well before any send, so moving a send changes nothing but time.
    let mut ledger = String::from("contact,channel,purpose,action,at,source\n");
    for phone in [
        "+393331234567",
        "+393471234567",
        "+393401234567",
        "+393207654321",
        "+393391112233",
        "+393392223344",
    ] {
        ledger.push_str(&format!(
            "{phone},whatsapp,marketing,granted,2026-02-01,form:negozio\n"
        ));
    }
    ledger.push_str("@mario_rossi,twitter-dm,marketing,granted,2026-03-15,dm:keyword\n");
    write(&dir, "consent/ledger.csv", &ledger);
    git(&dir, &["init", "-q"]);
    commit(&dir, "base");
    (tmp, dir)
}

fn camplint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_camplint"))
        .current_dir(dir)
        .args(["check", "--now", NOW])
        .args(args)
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const SECOND_CAMPAIGN: &str = "name = \"Bis\"\nchannel = \"whatsapp\"\npurpose = \"marketing\"\naudiences = [\"clienti\"]\n\n[offer]\ncode = \"COLOMBO15\"\ndescription = \"15% di sconto\"\nvalid_until = 2027-12-31\n\n[[sends]]\nmessage = \"messages/promo/attrezzi.md\"\nat = 2026-11-28T10:00:00\n";

#[test]
fn a_new_campaign_over_the_cap_is_new_with_its_people() {
    let (_t, dir) = repo(1);
    assert_eq!(camplint(&dir, &["--base", "HEAD"]).status.code(), Some(0));
    write(&dir, "campaigns/bis.toml", SECOND_CAMPAIGN);
    commit(&dir, "second campaign");
    let out = camplint(&dir, &["--base", "HEAD~1"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    assert!(text.contains("frequency/cap-exceeded"), "{text}");
    assert!(
        text.contains(
            "4 people newly over the frequency cap (WhatsApp marketing messages, cap 1 per 7 days)"
        ),
        "{text}"
    );
    assert!(text.contains("(ancestor of HEAD): 1 new finding"), "{text}");
}

#[test]
fn a_send_moved_into_quiet_hours_is_new_and_only_a_warning() {
    let (_t, dir) = repo(5);
    let path = "campaigns/attrezzi.toml";
    let moved = fs::read_to_string(dir.join(path))
        .unwrap()
        .replace("2026-11-27T10:00:00", "2026-11-27T22:30:00");
    fs::write(dir.join(path), moved).unwrap();
    // Uncommitted: the working tree is the change.
    let out = camplint(&dir, &["--base", "HEAD"]);
    let text = stdout(&out);
    // A warning is not an error: the change passes, and says so.
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("frequency/quiet-hours"), "{text}");
    assert!(text.contains("1 send newly inside quiet hours"), "{text}");
    assert_eq!(
        camplint(&dir, &["--base", "HEAD", "--deny-warnings"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn an_audience_edit_that_removes_consent_is_changed_not_new_and_fixed() {
    let (_t, dir) = repo(5);
    append(&dir, "audiences/clienti.csv", "+393339999999,Nuovo\n");
    commit(&dir, "one without consent");
    append(&dir, "audiences/clienti.csv", "+393338888888,Nuova\n");
    let out = camplint(&dir, &["--base", "HEAD"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("0 new findings, 1 finding made worse"),
        "{text}"
    );
    assert!(text.contains("0 fixed by this change"), "{text}");
    assert!(text.contains("now 2 people, was 1"), "{text}");
    assert!(
        text.contains("1 person and 1 message newly without valid consent"),
        "{text}"
    );
    // Every format carries the finding.
    let json: serde_json::Value =
        serde_json::from_slice(&camplint(&dir, &["--base", "HEAD", "--format", "json"]).stdout)
            .unwrap();
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 1);
    for format in ["sarif", "gitlab", "junit", "github", "short"] {
        let out = camplint(&dir, &["--base", "HEAD", "--format", format]);
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(stdout(&out).contains("consent/missing"), "{format}");
    }
}

#[test]
fn a_fix_is_counted_and_passes() {
    let (_t, dir) = repo(5);
    let clean = fs::read_to_string(dir.join("audiences/clienti.csv")).unwrap();
    append(&dir, "audiences/clienti.csv", "+393339999999,Nuovo\n");
    commit(&dir, "one without consent");
    fs::write(dir.join("audiences/clienti.csv"), clean).unwrap();
    let out = camplint(&dir, &["--base", "HEAD"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("1 fixed by this change"), "{text}");
    assert!(text.contains("% before, 100.0% after"), "{text}");
    // PATHs limit both sides: a fix outside them is not counted.
    let only = stdout(&camplint(&dir, &["--base", "HEAD", "messages"]));
    assert!(only.contains("0 fixed by this change"), "{only}");
}

#[test]
fn moved_lines_keep_old_findings_old() {
    let (_t, dir) = repo(5);
    append(
        &dir,
        "audiences/clienti.csv",
        "+393339999999,Nuovo\n3331112222,Senza prefisso\n",
    );
    commit(&dir, "old findings");
    assert_eq!(camplint(&dir, &[]).status.code(), Some(1));
    // Rows reordered, lines added above the send.
    let csv = fs::read_to_string(dir.join("audiences/clienti.csv")).unwrap();
    let mut lines: Vec<&str> = csv.lines().collect();
    lines[1..].reverse();
    fs::write(dir.join("audiences/clienti.csv"), lines.join("\n") + "\n").unwrap();
    let campaign = fs::read_to_string(dir.join("campaigns/attrezzi.toml")).unwrap();
    fs::write(
        dir.join("campaigns/attrezzi.toml"),
        format!("# riordinato\n# per la revisione\n\n{campaign}"),
    )
    .unwrap();
    let out = camplint(&dir, &["--base", "HEAD"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains(": 0 new findings, "), "{text}");
    assert!(text.contains("0 fixed by this change"), "{text}");
}

#[test]
fn a_renamed_draft_keeps_its_findings() {
    let (_t, dir) = repo(5);
    let draft = "messages/promo/attrezzi.md";
    let text = fs::read_to_string(dir.join(draft)).unwrap();
    fs::write(
        dir.join(draft),
        text.replace("Per non ricevere più messaggi rispondi STOP.", ""),
    )
    .unwrap();
    // One recipient without consent: a finding on the send that names the draft.
    append(&dir, "audiences/clienti.csv", "+393339999999,Nuovo\n");
    commit(&dir, "draft without opt-out");
    assert!(stdout(&camplint(&dir, &[])).contains("optout/missing"));
    git(&dir, &["mv", draft, "messages/promo/utensili.md"]);
    let c = "campaigns/attrezzi.toml";
    let t = fs::read_to_string(dir.join(c)).unwrap();
    fs::write(dir.join(c), t.replace(draft, "messages/promo/utensili.md")).unwrap();
    let out = camplint(&dir, &["--base", "HEAD"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains(": 0 new findings, "), "{text}");
    assert!(text.contains("2 old findings already there"), "{text}");
    assert!(text.contains("0 fixed by this change"), "{text}");
}

#[test]
fn a_lower_cap_at_head_is_part_of_the_change() {
    let (_t, dir) = repo(2);
    write(&dir, "campaigns/bis.toml", SECOND_CAMPAIGN);
    commit(&dir, "two sends, cap 2");
    assert_eq!(camplint(&dir, &[]).status.code(), Some(0));
    let config = fs::read_to_string(dir.join("camplint.toml")).unwrap();
    fs::write(
        dir.join("camplint.toml"),
        config.replace("max = 2", "max = 1"),
    )
    .unwrap();
    let out = camplint(&dir, &["--base", "HEAD"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("cap 1 per 7 days"), "{text}");
}

#[test]
fn a_base_without_the_project_makes_everything_new() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    fs::create_dir(&dir).unwrap();
    git(&dir, &["init", "-q"]);
    write(&dir, "README.md", "negozio\n");
    commit(&dir, "before camplint");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/consent-clean"),
        &dir.join("shop"),
    );
    append(&dir, "shop/audiences/clienti.csv", "+393339999999,Nuovo\n");
    let out = camplint(&dir.join("shop"), &["--base", "HEAD"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("the project did not exist there, so every finding is new"),
        "{text}"
    );
    assert!(text.contains(": 1 new finding"), "{text}");
}

#[test]
fn git_problems_are_exit_2_with_what_to_do() {
    let (_t, dir) = repo(5);
    let out = camplint(&dir, &["--base", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no commit of that name"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty());

    let plain = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/consent-clean"),
        plain.path(),
    );
    let out = camplint(plain.path(), &["--base", "main"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not inside a git repository"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_shallow_clone_says_how_to_fetch() {
    let (t, dir) = repo(5);
    append(&dir, "audiences/clienti.csv", "+393339999999,Nuovo\n");
    commit(&dir, "second");
    let url = format!("file://{}", dir.display());
    git(t.path(), &["clone", "-q", "--depth=1", &url, "clone"]);
    let out = camplint(&t.path().join("clone"), &["--base", "HEAD~1"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("shallow clone"), "{err}");
    assert!(err.contains("fetch-depth: 0"), "{err}");
}

#[test]
fn the_repository_is_left_untouched() {
    let (_t, dir) = repo(5);
    append(&dir, "audiences/clienti.csv", "+393339999999,Nuovo\n");
    write(&dir, "campaigns/bis.toml", SECOND_CAMPAIGN);
    git(&dir, &["add", "campaigns/bis.toml"]);
    let status = git(&dir, &["status", "--porcelain=v2", "--untracked-files=all"]);
    let index = fs::read(dir.join(".git/index")).unwrap();
    let out = camplint(&dir, &["--base", "HEAD", "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(fs::read(dir.join(".git/index")).unwrap(), index);
    assert_eq!(
        git(&dir, &["status", "--porcelain=v2", "--untracked-files=all"]),
        status
    );
}

#[test]
fn markdown_names_audiences_and_counts_never_phone_numbers() {
    let (_t, dir) = repo(1);
    append(&dir, "audiences/clienti.csv", "+393339999999,Nuovo\n");
    write(&dir, "campaigns/bis.toml", SECOND_CAMPAIGN);
    let out = camplint(&dir, &["--base", "HEAD", "--format", "markdown"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(!text.contains("+39"), "{text}");
    assert!(!text.contains("3339999999"), "{text}");
    // The commit id changes with every run; the rest must not.
    let short = git(&dir, &["rev-parse", "--short", "HEAD"]);
    insta::assert_snapshot!("markdown_change", text.replace(&short, "BASE"));

    // Without --base, the whole report, still without numbers.
    let whole = stdout(&camplint(&dir, &["--format", "markdown"]));
    assert!(whole.starts_with("## camplint\n"), "{whole}");
    assert!(!whole.contains("+39"), "{whole}");
}

#[test]
fn a_base_with_a_broken_config_makes_everything_new() {
    let (_t, dir) = repo(5);
    let good = fs::read_to_string(dir.join("camplint.toml")).unwrap();
    fs::write(dir.join("camplint.toml"), "[project\n").unwrap();
    commit(&dir, "broken config");
    fs::write(dir.join("camplint.toml"), good).unwrap();
    append(&dir, "audiences/clienti.csv", "+393339999999,Nuovo\n");
    let out = camplint(&dir, &["--base", "HEAD"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("its camplint.toml could not be read, so every finding is new"),
        "{text}"
    );
    assert!(text.contains("(nothing to compare with)"), "{text}");
}
