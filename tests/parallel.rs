//! Files are loaded, drafts rendered and checks run on every core; the output must be
//! the same bytes as a run on one thread (issue 10). Runs the binary with
//! `RAYON_NUM_THREADS=1` and `=4` on the demo fixture and on a generated project whose
//! handles, phones, shared contact lists and broken files depend on merge order.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

const NOW: &str = "2026-11-25T09:00:00+01:00";

/// stdout and exit code of `camplint ARGS` on `threads` threads.
fn run(threads: usize, args: &[&str]) -> (Vec<u8>, Option<i32>) {
    let out = Command::new(env!("CARGO_BIN_EXE_camplint"))
        .args(args)
        .env("RAYON_NUM_THREADS", threads.to_string())
        .output()
        .expect("camplint runs");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out.stdout, out.status.code())
}

/// Every report of `root` is the same on one thread and on four.
fn same_on_one_and_four_threads(root: &Path) {
    let root = root.to_string_lossy().into_owned();
    let reports: [&[&str]; 4] = [
        &["check", "--root", &root, "--now", NOW, "--format", "json"],
        &["check", "--root", &root, "--now", NOW, "--format", "short"],
        &["check", "--root", &root, "--now", NOW],
        &["consent", "--root", &root],
    ];
    for args in reports {
        let one = run(1, args);
        assert!(!one.0.is_empty(), "{args:?} printed nothing");
        for _ in 0..3 {
            let four = run(4, args);
            assert_eq!(one.1, four.1, "exit code of {args:?}");
            assert!(
                one.0 == four.0,
                "{args:?} differs on 4 threads:\n--- 1 thread\n{}\n--- 4 threads\n{}",
                String::from_utf8_lossy(&one.0),
                String::from_utf8_lossy(&four.0)
            );
        }
    }
}

#[test]
fn demo_reports_do_not_depend_on_the_thread_count() {
    same_on_one_and_four_threads(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo"));
}

fn write(root: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("has a folder")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A shop with many drafts, audiences of phones and of handles written in mixed case
/// across files, one list named by two audiences, a missing list, a list that is not
/// UTF-8, bad rows, broken front matter and `camplint-disable` comments.
fn generated(root: &Path) {
    write(
        root,
        "camplint.toml",
        "[project]\nname = \"Negozio\"\ntimezone = \"Europe/Rome\"\ndefault_region = \"IT\"\n\
         language = \"it\"\nsenders = [\"@negozio\"]\n\n[frequency]\n\
         whatsapp = [{ max = 2, per = \"7d\" }]\ntwitter-dm = [{ max = 1, per = \"7d\" }]\n\
         twitter = [{ max = 8, per = \"1d\" }]\n\n[consent]\nmax_age = \"24mo\"\n\
         require_source = true\n",
    );
    let phone = |i: usize| match i % 11 {
        0 => format!("333 {:07}", i * 7919 % 10_000_000),
        1 => format!("+39 347 {:07}", i * 104_729 % 10_000_000),
        2 => "12".to_string(),
        _ => format!("+39347{:07}", i * 7919 % 10_000_000),
    };
    let handle = |i: usize| match i % 3 {
        0 => format!("@Fan_{}", i % 97),
        1 => format!("@fan_{}", i % 89),
        _ => format!("fan_{}", i % 83),
    };
    let mut ledger = String::from("contact,channel,purpose,action,at,source\n");
    for i in 0..600 {
        let (contact, channel) = if i % 4 == 0 {
            (handle(i * 5), "twitter-dm")
        } else {
            (phone(i * 3), "whatsapp")
        };
        let action = if i % 13 == 0 { "withdrawn" } else { "granted" };
        let source = if i % 17 == 0 { "" } else { "form:sito" };
        let at = if i % 29 == 0 { "ieri" } else { "2025-06-01" };
        writeln!(
            ledger,
            "{contact},{channel},marketing,{action},{at},{source}"
        )
        .ok();
    }
    write(root, "consent/ledger.csv", ledger);
    for a in 0..8 {
        let dm = a % 3 == 2;
        let mut csv = String::from(if dm { "handle,name\n" } else { "phone,name\n" });
        for i in 0..150 {
            let who = if dm {
                handle(i * (a + 2))
            } else {
                phone(i * (a + 1))
            };
            let who = if i % 37 == 5 { String::new() } else { who };
            writeln!(csv, "{who},Cliente {i}").ok();
        }
        write(root, &format!("audiences/a{a}.csv"), csv);
        let channel = if dm { "twitter-dm" } else { "whatsapp" };
        let contacts = match a {
            7 => "a0.csv".to_string(),
            6 => "manca.csv".to_string(),
            _ => format!("a{a}.csv"),
        };
        write(
            root,
            &format!("audiences/a{a}.toml"),
            format!("channel = \"{channel}\"\ncontacts = \"{contacts}\"\n"),
        );
    }
    write(
        root,
        "audiences/latin1.toml",
        "channel = \"whatsapp\"\ncontacts = \"latin1.csv\"\n",
    );
    write(
        root,
        "audiences/latin1.csv",
        b"phone,name\n+393471234567,Nicol\xf2\n",
    );
    let mut sends: Vec<Vec<String>> = vec![Vec::new(); 12];
    for d in 0..240 {
        let rel = format!("messages/m{:03}/d{d}.md", d % 7);
        let mut text = String::new();
        if d % 5 == 0 {
            text.push_str("+++\nlang = \"it\"\n+++\n");
        }
        if d % 41 == 3 {
            text.push_str("+++\nlang = \"it\"\n");
        }
        if d % 19 == 0 {
            text.push_str("<!-- camplint-disable optout/missing, nessuna/regola -->\n");
        }
        write!(text, "Ciao! Offerta {d}: chiamaci al 02 {:07}", d * 31).ok();
        if d % 9 == 0 {
            text.push_str(" o scrivi a mario.rossi@example.com");
        }
        text.push_str(".\n\n**Solo oggi** https://wa.me/39347123456\n");
        if d % 6 != 0 {
            text.push_str("\nPer non ricevere più messaggi rispondi STOP.\n");
        }
        if d % 23 == 0 {
            text.push_str(&"Lungo. ".repeat(80));
        }
        write(root, &rel, text);
        if d % 10 != 9 {
            sends[d % 12].push(rel);
        }
    }
    for (c, list) in sends.iter().enumerate() {
        let (channel, audiences) = match c % 4 {
            0 => (
                "whatsapp",
                format!("[\"a{}\", \"a{}\", \"latin1\"]", c % 8, (c + 3) % 8),
            ),
            1 => ("twitter-dm", "[\"a2\", \"a5\"]".to_string()),
            2 => ("twitter", String::new()),
            _ => ("whatsapp", "[\"a7\", \"a6\"]".to_string()),
        };
        let mut toml = format!("channel = \"{channel}\"\npurpose = \"marketing\"\n");
        if !audiences.is_empty() {
            writeln!(toml, "audiences = {audiences}").ok();
        }
        for (k, rel) in list.iter().enumerate() {
            writeln!(
                toml,
                "\n[[sends]]\nmessage = \"{rel}\"\nat = 2026-12-{:02}T{:02}:00:00",
                1 + k % 20,
                9 + k % 10
            )
            .ok();
        }
        write(root, &format!("campaigns/c{c:02}.toml"), toml);
    }
    write(
        root,
        "campaigns/rotta.toml",
        "channel = \"whatsapp\"\npurpose = [\n",
    );
}

#[test]
fn generated_project_reports_do_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().expect("temp dir");
    generated(dir.path());
    same_on_one_and_four_threads(dir.path());
}
