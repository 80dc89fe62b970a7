//! Bad input is normal input: links out of the root, link loops, FIFOs, huge files,
//! non-UTF-8 bytes and file names, a missing root. Each gets a diagnostic with a
//! location, never a panic and never a silent skip.
#![cfg(unix)]

mod common;

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

use common::camplint;

fn project(dir: &Path) {
    fs::create_dir_all(dir.join("campaigns")).unwrap();
    fs::create_dir_all(dir.join("messages")).unwrap();
    fs::create_dir_all(dir.join("audiences")).unwrap();
    fs::write(dir.join("camplint.toml"), "[project]\nname = \"t\"\n").unwrap();
}

fn short(dir: &Path) -> (i32, String) {
    let (code, out, err) = camplint(&[
        "check",
        "--root",
        &dir.to_string_lossy(),
        "--format",
        "short",
    ]);
    assert!(!err.contains("panicked"), "{err}");
    (code, out)
}

#[test]
fn a_link_to_a_file_outside_the_root_is_reported_and_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    project(&root);
    let secret = tmp.path().join("secret.toml");
    fs::write(&secret, "name = \"SECRET-CONTENT\"\n").unwrap();
    symlink(&secret, root.join("campaigns/leak.toml")).unwrap();
    let (code, out) = short(&root);
    assert_eq!(code, 1);
    assert!(
        out.contains("campaigns/leak.toml:1:1: error[parse/unreadable]"),
        "{out}"
    );
    assert!(out.contains("outside the project"), "{out}");
    assert!(!out.contains("SECRET-CONTENT"));
}

#[test]
fn folder_links_and_loops_do_not_hang_or_escape() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    project(&root);
    symlink(&root, root.join("messages/loop")).unwrap();
    symlink("/", root.join("campaigns/everything")).unwrap();
    fs::write(root.join("messages/ok.md"), "Ciao\n").unwrap();
    let (code, out) = short(&root);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("messages/ok.md"), "{out}");
}

#[test]
fn a_fifo_is_reported_without_being_opened() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    project(&root);
    let fifo = root.join("campaigns/pipe.toml");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    // A reader that opened the FIFO would block forever; the binary must return.
    let (code, out) = short(&root);
    assert_eq!(code, 1);
    assert!(
        out.contains("campaigns/pipe.toml:1:1: error[parse/unreadable]"),
        "{out}"
    );
    assert!(out.contains("not a regular file"), "{out}");
}

#[test]
fn a_huge_file_is_reported_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    project(&root);
    let f = fs::File::create(root.join("campaigns/huge.toml")).unwrap();
    f.set_len(600 * 1024 * 1024).unwrap(); // sparse: no disk is used
    let (code, out) = short(&root);
    assert_eq!(code, 1);
    assert!(
        out.contains("campaigns/huge.toml:1:1: error[parse/unreadable]"),
        "{out}"
    );
    assert!(out.contains("600 MiB"), "{out}");
}

#[test]
fn non_utf8_bytes_point_at_the_first_bad_character() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    project(&root);
    fs::write(root.join("messages/latin1.md"), b"Ciao!\nPerch\xe9 no?\n").unwrap();
    let (code, out) = short(&root);
    assert_eq!(code, 1);
    assert!(
        out.contains("messages/latin1.md:2:6: error[parse/encoding]"),
        "{out}"
    );
}

#[test]
fn a_non_utf8_file_name_is_reported() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    project(&root);
    let name = std::ffi::OsStr::from_bytes(b"perch\xe9.md");
    fs::write(root.join("messages").join(name), "Ciao\n").unwrap();
    let (code, out) = short(&root);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("parse/unreadable"), "{out}");
    assert!(out.contains("messages/perch"), "{out}");
}

#[test]
fn an_unreadable_config_is_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    project(&root);
    fs::write(
        root.join("camplint.toml"),
        b"[project]\nname = \"caf\xe9\"\n",
    )
    .unwrap();
    let (code, out, err) = camplint(&["check", "--root", &root.to_string_lossy()]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("config/invalid"), "{err}");
}

#[test]
fn an_empty_csv_and_a_header_only_csv_are_fine_or_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    project(&root);
    fs::write(
        root.join("audiences/a.toml"),
        "channel = \"whatsapp\"\ncontacts = \"a.csv\"\n",
    )
    .unwrap();
    fs::write(root.join("audiences/a.csv"), "").unwrap();
    fs::write(
        root.join("audiences/b.toml"),
        "channel = \"whatsapp\"\ncontacts = \"b.csv\"\n",
    )
    .unwrap();
    fs::write(root.join("audiences/b.csv"), "phone,name\n").unwrap();
    let (code, out) = short(&root);
    assert_eq!(code, 1);
    assert!(
        out.contains("audiences/a.csv:1:1: error[parse/csv]"),
        "{out}"
    );
    assert!(!out.contains("audiences/b.csv"), "{out}");
}

#[test]
fn a_send_of_an_unreadable_draft_says_what_is_wrong_with_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    project(&root);
    fs::write(root.join("messages/latin1.md"), b"Sconto del 20\xe9 oggi\n").unwrap();
    let outside = tmp.path().join("outside.md");
    fs::write(&outside, "Ciao\n").unwrap();
    symlink(&outside, root.join("messages/linked.md")).unwrap();
    fs::write(
        root.join("campaigns/c.toml"),
        "name = \"c\"\nchannel = \"whatsapp\"\npurpose = \"marketing\"\naudiences = []\n\
         [[sends]]\nmessage = \"messages/latin1.md\"\nat = 2030-01-10T10:00:00\n\
         [[sends]]\nmessage = \"messages/linked.md\"\nat = 2030-01-11T10:00:00\n",
    )
    .unwrap();
    let (_, out) = short(&root);
    assert!(
        out.contains("the draft messages/latin1.md cannot be checked: it is not UTF-8 text"),
        "{out}"
    );
    assert!(
        out.contains("the draft messages/linked.md cannot be checked: it is a link that leads outside the project folder"),
        "{out}"
    );
    assert!(!out.contains("globs do not include it"), "{out}");
    // The file's own finding is still there.
    assert!(
        out.contains("messages/latin1.md:1:14: error[parse/encoding]"),
        "{out}"
    );
}

#[test]
fn an_audience_whose_contact_list_is_the_ledger_reads_the_ledger_text() {
    // The loader parses ledgers beside the contact lists; a list that is itself the
    // ledger file must still be read from the ledger's full text.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    project(&root);
    fs::create_dir_all(root.join("consent")).unwrap();
    fs::write(
        root.join("consent/ledger.csv"),
        "contact,channel,purpose,action,at,source\n+393331234567,whatsapp,marketing,granted,2025-03-02,form\n",
    )
    .unwrap();
    fs::write(
        root.join("audiences/odd.toml"),
        "name = \"odd\"\nchannel = \"whatsapp\"\ncontacts = \"../consent/ledger.csv\"\n",
    )
    .unwrap();
    let (code, out) = short(&root);
    assert_ne!(code, 2, "{out}");
    // Read as a contact list, the ledger has no `phone` column: that proves its text was
    // there (an empty text would have no header to complain about).
    assert!(out.contains("consent/ledger.csv:1:1"), "{out}");
    assert!(out.contains("phone"), "{out}");
}
