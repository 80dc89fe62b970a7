//! The git layer of `--base`, against real repositories built with the `git` binary.

use std::fs;
use std::path::{Path, PathBuf};

#[path = "common/git.rs"]
mod git_support;
use git_support::git;

use camplint::project::git::{read_base, BaseChoice, BaseContent, GitError, Repo, SkipReason};

fn write(dir: &Path, path: &str, bytes: &[u8]) {
    let p = dir.join(path);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, bytes).unwrap();
}

fn commit(dir: &Path, msg: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", msg]);
    git(dir, &["rev-parse", "HEAD"])
}

fn new_repo() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    fs::create_dir(&dir).unwrap();
    git(&dir, &["init", "-q"]);
    (tmp, dir)
}

/// Long enough that git's similarity scoring recognises an edited copy.
fn draft(n: usize) -> String {
    (0..40)
        .map(|i| format!("Line {i} of draft {n}: spring sale, reply STOP to opt out.\n"))
        .collect()
}

#[test]
fn project_in_a_subfolder_reads_the_committed_files_only() {
    let (_t, dir) = new_repo();
    write(&dir, "site/camplint.toml", b"[project]\n");
    write(&dir, "site/drafts/a.md", b"committed\n");
    write(&dir, "elsewhere/x.txt", b"not ours\n");
    write(&dir, "site.txt", b"a file next to the folder\n");
    let head = commit(&dir, "one");
    write(&dir, "site/drafts/a.md", b"edited, not committed\n");

    let root = dir.join("site");
    let repo = Repo::discover(&root).unwrap();
    assert_eq!(repo.prefix(), "site");
    assert_eq!(
        fs::canonicalize(repo.top()).unwrap(),
        fs::canonicalize(&dir).unwrap()
    );
    let tree = read_base(&root, "HEAD").unwrap();
    assert!(tree.existed);
    assert_eq!(tree.root_prefix, "site");
    assert_eq!(
        tree.paths().collect::<Vec<_>>(),
        ["camplint.toml", "drafts/a.md"]
    );
    assert_eq!(tree.get("drafts/a.md"), Some(&b"committed\n"[..]));
    assert_eq!(tree.commit.id, head);
    assert_eq!(tree.commit.choice, BaseChoice::Ancestor);
    assert!(head.starts_with(&tree.commit.short));
}

#[test]
fn a_diverged_branch_is_compared_at_its_merge_base() {
    let (_t, dir) = new_repo();
    write(&dir, "camplint.toml", b"");
    write(&dir, "drafts/a.md", b"a\n");
    let fork = commit(&dir, "A");
    git(&dir, &["checkout", "-q", "-b", "feature"]);
    write(&dir, "drafts/b.md", b"b\n");
    commit(&dir, "B");
    git(&dir, &["checkout", "-q", "main"]);
    write(&dir, "drafts/c.md", b"only on main\n");
    commit(&dir, "C");
    git(&dir, &["checkout", "-q", "feature"]);

    let repo = Repo::discover(&dir).unwrap();
    assert_eq!(repo.prefix(), "");
    let base = repo.resolve("main").unwrap();
    assert_eq!(base.id, fork);
    assert_eq!(base.choice, BaseChoice::MergeBase);
    assert_ne!(base.rev_id, fork, "REV itself is main's tip");
    assert_eq!(
        base.to_string(),
        format!("compared with main at {} (merge base)", base.short)
    );
    let tree = repo.read_tree(base).unwrap();
    assert!(
        tree.get("drafts/c.md").is_none(),
        "main's later work is not in the base"
    );
    assert!(tree.get("drafts/b.md").is_none());
    assert_eq!(tree.get("drafts/a.md"), Some(&b"a\n"[..]));
}

#[test]
fn a_merge_commit_head_uses_its_first_parent() {
    let (_t, dir) = new_repo();
    write(&dir, "camplint.toml", b"");
    let fork = commit(&dir, "A");
    git(&dir, &["checkout", "-q", "-b", "topic"]);
    write(&dir, "b.md", b"b\n");
    commit(&dir, "B");
    git(&dir, &["checkout", "-q", "main"]);
    write(&dir, "c.md", b"c\n");
    let c = commit(&dir, "C");
    git(&dir, &["checkout", "-q", "--detach", "main"]);
    git(&dir, &["merge", "-q", "--no-ff", "-m", "merge", "topic"]);

    let repo = Repo::discover(&dir).unwrap();
    let base = repo.resolve("topic").unwrap();
    // merge-base(topic, HEAD) would be topic itself and hide B; the first parent gives A.
    assert_eq!(base.id, fork);
    assert_eq!(
        base.choice,
        BaseChoice::MergeBaseFirstParent { first_parent: c }
    );
    // HEAD itself stays HEAD: only uncommitted work is new.
    let head = repo.resolve("HEAD").unwrap();
    assert_eq!(head.id, head.head);
    assert_eq!(head.choice, BaseChoice::Ancestor);
}

#[test]
fn renames_cover_commits_and_uncommitted_moves_under_the_root() {
    let (_t, dir) = new_repo();
    write(&dir, "p/camplint.toml", b"");
    write(&dir, "p/drafts/old.md", draft(1).as_bytes());
    write(&dir, "p/drafts/moved.md", draft(2).as_bytes());
    write(&dir, "p/drafts/staged.md", draft(3).as_bytes());
    write(&dir, "outside/o.md", draft(4).as_bytes());
    let base = commit(&dir, "base");

    git(&dir, &["mv", "p/drafts/old.md", "p/drafts/new.md"]);
    let mut edited = draft(1);
    edited.push_str("One more line.\n");
    write(&dir, "p/drafts/new.md", edited.as_bytes());
    git(&dir, &["mv", "outside/o.md", "outside/o2.md"]);
    commit(&dir, "committed rename with an edit");
    // Staged but not committed.
    fs::create_dir_all(dir.join("p/later")).unwrap();
    git(&dir, &["mv", "p/drafts/staged.md", "p/later/staged.md"]);
    // Plain move, not even staged.
    fs::create_dir_all(dir.join("p/archive")).unwrap();
    fs::rename(
        dir.join("p/drafts/moved.md"),
        dir.join("p/archive/moved.md"),
    )
    .unwrap();

    let root = dir.join("p");
    let repo = Repo::discover(&root).unwrap();
    let b = repo.resolve(&base).unwrap();
    let renames = repo.renames(&b).unwrap();
    let pairs: Vec<(&str, &str)> = renames
        .iter()
        .map(|r| (r.from.as_str(), r.to.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("drafts/moved.md", "archive/moved.md"),
            ("drafts/old.md", "drafts/new.md"),
            ("drafts/staged.md", "later/staged.md"),
        ]
    );
    assert!(renames[1].similarity < 100 && renames[1].similarity > 50);
    assert_eq!(renames[0].similarity, 100);
}

#[test]
fn an_unknown_rev_says_so() {
    let (_t, dir) = new_repo();
    write(&dir, "camplint.toml", b"");
    commit(&dir, "A");
    let err = read_base(&dir, "no-such-branch").unwrap_err();
    assert!(
        matches!(&err, GitError::RevNotFound { rev } if rev == "no-such-branch"),
        "{err:?}"
    );
    assert!(err.to_string().contains("no-such-branch"));
    let err = read_base(&dir, "--output=x").unwrap_err();
    assert!(matches!(err, GitError::RevNotFound { .. }), "{err:?}");
    assert!(!dir.join("x").exists());
}

#[test]
fn a_repository_without_commits_has_no_head() {
    let (_t, dir) = new_repo();
    write(&dir, "camplint.toml", b"");
    let err = read_base(&dir, "main").unwrap_err();
    assert!(matches!(err, GitError::NoHead), "{err:?}");
}

#[test]
fn a_folder_outside_git_is_not_a_repository() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "camplint.toml", b"");
    let err = read_base(tmp.path(), "main").unwrap_err();
    assert!(matches!(err, GitError::NotARepository { .. }), "{err:?}");
    let help = miette::Diagnostic::help(&err).unwrap().to_string();
    assert!(help.contains("without --base"), "{help}");
    let err = read_base(&tmp.path().join("missing"), "main").unwrap_err();
    assert!(matches!(err, GitError::RootMissing(_)), "{err:?}");
}

fn shallow_origin() -> (tempfile::TempDir, PathBuf) {
    let (t, dir) = new_repo();
    write(&dir, "camplint.toml", b"");
    commit(&dir, "A");
    write(&dir, "a.md", b"a\n");
    commit(&dir, "B");
    git(&dir, &["checkout", "-q", "-b", "feature"]);
    write(&dir, "f.md", b"f\n");
    commit(&dir, "F");
    git(&dir, &["checkout", "-q", "main"]);
    write(&dir, "c.md", b"c\n");
    commit(&dir, "C");
    (t, dir)
}

fn assert_fetch_help(err: &GitError) {
    assert!(matches!(err, GitError::Shallow { .. }), "{err:?}");
    assert!(err.to_string().contains("shallow clone"), "{err}");
    let help = miette::Diagnostic::help(err).unwrap().to_string();
    assert!(help.contains("fetch-depth: 0"), "{help}");
    assert!(help.contains("git fetch --depth=50 origin main"), "{help}");
}

#[test]
fn a_shallow_clone_says_how_to_fetch_the_base() {
    let (t, origin) = shallow_origin();
    let url = format!("file://{}", origin.display());
    let clone = t.path().join("clone");
    git(t.path(), &["clone", "-q", "--depth=1", &url, "clone"]);
    // The commit before the tip was never fetched.
    let err = read_base(&clone, "HEAD~1").unwrap_err();
    assert_fetch_help(&err);

    // Both branch tips fetched, their shared history not: no merge base can be found.
    let clone2 = t.path().join("clone2");
    git(
        t.path(),
        &[
            "clone",
            "-q",
            "--depth=1",
            "--no-single-branch",
            &url,
            "clone2",
        ],
    );
    git(&clone2, &["checkout", "-q", "feature"]);
    let err = read_base(&clone2, "origin/main").unwrap_err();
    assert_fetch_help(&err);
    // Never quietly compared with main's tip instead.
    assert!(matches!(&err, GitError::Shallow { what, .. } if what.contains("history")));

    // A shallow clone that has what it needs works.
    let tree = read_base(&clone, "origin/main").unwrap();
    assert!(tree.existed);
}

#[test]
fn a_base_before_the_project_existed_is_empty_not_an_error() {
    let (_t, dir) = new_repo();
    write(&dir, "README", b"hello\n");
    commit(&dir, "before the folder");
    write(&dir, "p/drafts/a.md", b"draft\n");
    commit(&dir, "folder without config");
    write(&dir, "p/camplint.toml", b"");
    commit(&dir, "project");
    let root = dir.join("p");
    for rev in ["HEAD~2", "HEAD~1"] {
        let tree = read_base(&root, rev).unwrap();
        assert!(!tree.existed, "{rev}");
        assert!(tree.is_empty(), "{rev}");
    }
    assert!(read_base(&root, "HEAD").unwrap().existed);
}

#[test]
fn bytes_links_submodules_and_a_big_tree_come_back_exactly() {
    let (_t, dir) = new_repo();
    let bom_crlf = b"\xEF\xBB\xBFname,phone\r\nAna,+34600000000\r\n".to_vec();
    write(&dir, "camplint.toml", b"");
    write(&dir, "contacts.csv", &bom_crlf);
    let big: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    write(&dir, "media/big.bin", &big);
    for i in 0..1500 {
        write(
            &dir,
            &format!("many/f{i:04}.md"),
            format!("file {i}\n").as_bytes(),
        );
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink("../outside/target.md", dir.join("link.md")).unwrap();
    let base = commit(&dir, "A");
    git(
        &dir,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{base},vendor/sub"),
        ],
    );
    git(&dir, &["commit", "-q", "-m", "submodule"]);

    let tree = read_base(&dir, "HEAD").unwrap();
    assert_eq!(tree.get("contacts.csv"), Some(bom_crlf.as_slice()));
    assert_eq!(tree.get("media/big.bin").map(<[u8]>::len), Some(big.len()));
    assert!(tree.get("media/big.bin") == Some(big.as_slice()));
    assert_eq!(tree.get("many/f1499.md"), Some(&b"file 1499\n"[..]));
    assert_eq!(tree.len(), 1500 + 3 + usize::from(cfg!(unix)));
    #[cfg(unix)]
    {
        assert_eq!(
            tree.link_target("link.md"),
            Some(&b"../outside/target.md"[..])
        );
        assert_eq!(tree.get("link.md"), None, "links are not followed");
        assert!(matches!(
            tree.entry("link.md").unwrap().content,
            BaseContent::Link { .. }
        ));
    }
    assert!(tree.get("vendor/sub").is_none());
    assert_eq!(tree.skipped.len(), 1);
    assert_eq!(tree.skipped[0].path, "vendor/sub");
    assert_eq!(
        tree.skipped[0].reason,
        SkipReason::Submodule { commit: base }
    );
}

#[cfg(unix)]
#[test]
fn a_non_utf8_file_name_is_kept_and_flagged() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let (_t, dir) = new_repo();
    write(&dir, "camplint.toml", b"");
    let name = b"drafts/caf\xe9 \"new\"\ttab.md";
    let path = dir.join(OsStr::from_bytes(name));
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, b"latin-1 name\n").unwrap();
    let base = commit(&dir, "A");

    let tree = read_base(&dir, "HEAD").unwrap();
    let key = String::from_utf8_lossy(name).into_owned();
    let entry = tree.entry(&key).expect("kept under its lossy name");
    assert!(entry.lossy);
    assert_eq!(entry.raw_path, name);
    assert_eq!(tree.get(&key), Some(&b"latin-1 name\n"[..]));
    assert!(!tree.entry("camplint.toml").unwrap().lossy);

    // A project whose own folder name is not UTF-8.
    let odd_root = dir.join(OsStr::from_bytes(b"camp\xe9 \"q\""));
    write(&odd_root, "camplint.toml", b"x = 1\n");
    commit(&dir, "odd root");
    let odd = read_base(&odd_root, "HEAD").unwrap();
    assert_eq!(odd.get("camplint.toml"), Some(&b"x = 1\n"[..]));
    assert_eq!(odd.root_prefix, "camp\u{FFFD} \"q\"");

    // Renamed without staging, to a name git would have to quote: still found, still flagged.
    let to = dir.join(OsStr::from_bytes(b"drafts/\"caf\xe9\n2\\.md"));
    fs::rename(&path, &to).unwrap();
    let repo = Repo::discover(&dir).unwrap();
    let renames = repo.renames(&repo.resolve(&base).unwrap()).unwrap();
    assert_eq!(renames.len(), 1);
    assert!(renames[0].lossy);
    assert_eq!(renames[0].from, key);
    assert_eq!(renames[0].to, "drafts/\"caf\u{FFFD}\n2\\.md");
}

/// Everything that would show a write: status, the index's bytes, refs, and the file list of .git.
fn snapshot(dir: &Path) -> (String, Vec<u8>, String, Vec<String>) {
    let status = git(dir, &["status", "--porcelain=v1", "--untracked-files=all"]);
    let index = fs::read(dir.join(".git/index")).unwrap();
    let refs = git(dir, &["for-each-ref", "--format=%(refname) %(objectname)"])
        + &fs::read_to_string(dir.join(".git/HEAD")).unwrap();
    let mut files = Vec::new();
    let mut stack = vec![dir.join(".git")];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                files.push(e.path().display().to_string());
            }
        }
    }
    files.sort();
    (status, index, refs, files)
}

#[test]
fn reading_the_base_leaves_the_repository_byte_for_byte_unchanged() {
    let (_t, dir) = new_repo();
    write(&dir, "p/camplint.toml", b"");
    write(&dir, "p/a.md", draft(1).as_bytes());
    write(&dir, "p/b.md", draft(2).as_bytes());
    commit(&dir, "A");
    git(&dir, &["checkout", "-q", "-b", "work"]);
    git(&dir, &["mv", "p/a.md", "p/a2.md"]);
    commit(&dir, "B");
    // Uncommitted edits, an untracked file and a stale index entry (same content, new
    // mtime) are what would tempt git into refreshing the index.
    write(&dir, "p/b.md", b"changed\n");
    write(&dir, "p/new.md", b"untracked\n");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    write(&dir, "p/camplint.toml", b"");

    let before = snapshot(&dir);
    let root = dir.join("p");
    let repo = Repo::discover(&root).unwrap();
    let base = repo.resolve("main").unwrap();
    assert_eq!(repo.renames(&base).unwrap().len(), 1);
    let tree = repo.read_tree(base).unwrap();
    assert!(tree.get("a.md").is_some());
    let _ = read_base(&root, "missing-rev");
    let after = snapshot(&dir);
    assert_eq!(before.0, after.0, "git status");
    assert!(before.1 == after.1, "the index file changed");
    assert_eq!(before.2, after.2, "refs");
    assert_eq!(before.3, after.3, "files under .git");
}

#[cfg(unix)]
#[test]
fn a_repository_owned_by_someone_else_says_how_to_trust_it() {
    let (_t, dir) = new_repo();
    write(&dir, "camplint.toml", b"");
    commit(&dir, "A");
    // Only root can hand the folder to another user; elsewhere there is nothing to test.
    if std::os::unix::fs::chown(&dir, Some(65534), None).is_err() {
        return;
    }
    match read_base(&dir, "HEAD") {
        // The machine's own git config may already trust every folder (safe.directory=*).
        Ok(_) => {}
        Err(err) => {
            assert!(matches!(err, GitError::UnsafeRepository { .. }), "{err:?}");
            let help = miette::Diagnostic::help(&err).unwrap().to_string();
            assert!(help.contains("safe.directory"), "{help}");
        }
    }
}
