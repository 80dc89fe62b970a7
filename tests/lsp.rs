//! `camplint lsp` as an editor drives it: JSON-RPC frames in, diagnostics, quick fixes
//! and hovers out, on temporary copies of the fixtures.

mod lsp_client;

use lsp_client::{apply_utf8, codes, copy_fixture, find, url, Client};
use serde_json::{json, Value};

fn has(params: &Value, code: &str) -> bool {
    codes(params).iter().any(|c| c == code)
}

fn version(params: &Value) -> Option<i64> {
    params["version"].as_i64()
}

/// The column of the phone number after an emoji, an accented letter and a letter with a
/// combining accent, in the negotiated encoding.
fn column_after_emoji(utf8: bool) -> (Value, u64) {
    let (_tmp, root) = copy_fixture("content-it");
    let draft = root.join("messages/wa/numeri.md");
    let mut c = Client::in_process();
    let init = c.initialize(&[&root], utf8);
    let text = c.open(&draft, 1);
    // Line 3 (index 2) is "Per info chiama il 333 1234567 ...": the number is at column 19.
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut changed = String::new();
    for (i, l) in lines.iter().enumerate() {
        if i == 2 {
            changed.push_str("🎄 è e\u{301} ");
        }
        changed.push_str(l);
    }
    c.replace(&draft, 2, &changed);
    let params = c.diagnostics(&url(&draft), |p| version(p) == Some(2));
    let d = find(&params, "333 1234567 has no country prefix").expect("the finding");
    assert_eq!(d["range"]["start"]["line"], 2);
    assert_eq!(d["code"], "phone/not-international");
    assert_eq!(c.shutdown(), 0);
    (
        init["capabilities"]["positionEncoding"].clone(),
        d["range"]["start"]["character"].as_u64().unwrap_or(0),
    )
}

#[test]
fn columns_after_an_emoji_in_utf16_and_in_utf8() {
    // UTF-16: 🎄 is 2 units, è 1, e + U+0301 2, each space 1: 19 + 8.
    assert_eq!(column_after_emoji(false), (json!("utf-16"), 27));
    // UTF-8: 🎄 is 4 bytes, è 2, e + U+0301 3, each space 1: 19 + 12.
    assert_eq!(column_after_emoji(true), (json!("utf-8"), 31));
}

#[test]
fn edits_apply_in_order_and_the_last_state_is_published() {
    let (_tmp, root) = copy_fixture("content-it");
    let draft = root.join("messages/wa/numeri.md");
    let mut c = Client::in_process();
    c.initialize(&[&root], false);
    c.open(&draft, 1);
    // Each edit inserts a line at the top: applied in order, the last is on line 0.
    for v in 2..=6 {
        c.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": url(&draft).as_str(), "version": v},
                "contentChanges": [{
                    "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                    "text": format!("Chiama il 333 123456{v}\n")
                }]
            }),
        );
    }
    let last = c.diagnostics(&url(&draft), |p| version(p) == Some(6));
    for v in 2..=6 {
        let d = find(&last, &format!("333 123456{v} has no")).expect("every edit applied");
        assert_eq!(d["range"]["start"]["line"], 6 - v, "edit {v} out of order");
    }
    // Whatever was published on the way, never an older version after a newer one.
    let versions: Vec<i64> = c
        .drain()
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .filter(|m| m["params"]["uri"] == url(&draft).as_str())
        .filter_map(|m| version(&m["params"]))
        .collect();
    assert!(versions.iter().all(|&v| v >= 6), "{versions:?}");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn a_quick_fix_removes_its_finding_and_fix_all_the_rest() {
    let (_tmp, root) = copy_fixture("content-it");
    let draft = root.join("messages/wa/numeri.md");
    let uri = url(&draft);
    let mut c = Client::in_process();
    c.initialize(&[&root], true);
    let text = c.open(&draft, 1);
    let first = c.diagnostics(&uri, |p| {
        version(p) == Some(1) && find(p, "333 1234567 has no").is_some()
    });
    let d = find(&first, "333 1234567 has no").expect("finding").clone();
    assert_eq!(
        d["codeDescription"]["href"],
        "https://github.com/camplint/camplint/blob/main/README.md#rules"
    );
    assert!(d["message"]
        .as_str()
        .unwrap_or("")
        .contains("\nhelp: write it as +39 333 123 4567"));

    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri.as_str()}, "position": d["range"]["start"]}),
    );
    let shown = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(shown.starts_with("# phone/not-international"), "{hover}");
    assert!(shown.contains("## How to fix"));

    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri.as_str()}, "range": d["range"],
               "context": {"diagnostics": [d], "only": ["quickfix"]}}),
    );
    let action = &actions["result"][0];
    assert_eq!(action["kind"], "quickfix");
    let edit = &action["edit"]["documentChanges"][0];
    assert_eq!(edit["textDocument"]["version"], 1);
    let fixed = apply_utf8(&text, edit["edits"].as_array().expect("edits"));
    assert!(fixed.contains("chiama il +39 333 123 4567 o"));
    c.replace(&draft, 2, &fixed);
    let after = c.diagnostics(&uri, |p| version(p) == Some(2));
    assert!(find(&after, "333 1234567 has no").is_none());
    assert!(
        find(&after, "0039 02 8765 4321").is_some(),
        "the others stay"
    );

    let all = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri.as_str()},
               "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
               "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    let action = &all["result"][0];
    assert_eq!(action["kind"], "source.fixAll.camplint");
    let edits = action["edit"]["documentChanges"][0]["edits"]
        .as_array()
        .expect("edits");
    let fixed = apply_utf8(&fixed, edits);
    c.replace(&draft, 3, &fixed);
    let after = c.diagnostics(&uri, |p| version(p) == Some(3));
    assert!(find(&after, "0039 02 8765 4321").is_none(), "{after}");
    let none = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri.as_str()},
               "range": {"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}},
               "context": {"diagnostics": [], "only": ["source.fixAll.camplint"]}}),
    );
    assert_eq!(none["result"], json!([]), "nothing left to fix");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn a_ledger_change_on_disk_updates_the_campaign_and_is_cleared_when_undone() {
    let (_tmp, root) = copy_fixture("consent-clean");
    let ledger = root.join("consent/ledger.csv");
    let campaign = url(&root.join("campaigns/attrezzi.toml"));
    let mut c = Client::in_process();
    c.initialize(&[&root], false);
    let reg = c.wait(|m| m["method"] == "client/registerCapability");
    let watchers = &reg["params"]["registrations"][0]["registerOptions"]["watchers"];
    assert_eq!(watchers[0]["globPattern"], "**/*.{toml,md,csv}");

    let before = std::fs::read_to_string(&ledger).expect("ledger");
    let withdrawn =
        format!("{before}+393471234567,whatsapp,marketing,withdrawn,2026-11-01,reply:STOP\n");
    std::fs::write(&ledger, withdrawn).expect("write");
    c.disk_changed(&[(&ledger, 2)]);
    let p = c.diagnostics(&campaign, |p| has(p, "consent/withdrawn"));
    assert_eq!(version(&p), None, "not open: no version");

    std::fs::write(&ledger, before).expect("write");
    c.disk_changed(&[(&ledger, 2)]);
    c.diagnostics(&campaign, |p| codes(p).is_empty());
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn deleted_files_are_cleared_and_a_csv_that_is_not_utf8_is_shown() {
    let (_tmp, root) = copy_fixture("content-it");
    let draft = root.join("messages/wa/numeri.md");
    let csv = root.join("audiences/clienti.csv");
    let mut c = Client::in_process();
    c.initialize(&[&root], false);
    c.diagnostics(&url(&draft), |p| has(p, "phone/not-international"));

    std::fs::remove_file(&draft).expect("delete");
    let mut bytes = std::fs::read(&csv).expect("csv");
    bytes.extend_from_slice(b"+393331234599,Nicol\xf2\n");
    std::fs::write(&csv, bytes).expect("write");
    c.disk_changed(&[(&draft, 3), (&csv, 2)]);
    c.diagnostics(&url(&draft), |p| codes(p).is_empty());
    c.diagnostics(&url(&csv), |p| has(p, "parse/encoding"));
    c.diagnostics(&url(&root.join("campaigns/promo.toml")), |p| {
        has(p, "ref/missing-message")
    });
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn a_config_change_is_reread_and_a_broken_config_is_shown_then_recovered() {
    let (_tmp, root) = copy_fixture("content-it");
    let draft = url(&root.join("messages/wa/numeri.md"));
    let config = root.join("camplint.toml");
    let mut c = Client::in_process();
    c.initialize(&[&root], false);
    c.diagnostics(&draft, |p| has(p, "phone/not-international"));

    let good = std::fs::read_to_string(&config).expect("config");
    std::fs::write(
        &config,
        format!("{good}\n[rules]\n\"phone/not-international\" = \"off\"\n"),
    )
    .expect("write");
    c.disk_changed(&[(&config, 2)]);
    c.diagnostics(&draft, |p| !has(p, "phone/not-international"));

    // Broken while being edited in the editor: shown on camplint.toml, the rest cleared.
    c.open(&config, 1);
    c.replace(&config, 2, &format!("{good}\n[project\n"));
    let broken = c.diagnostics(&url(&config), |p| has(p, "config/invalid"));
    assert_eq!(version(&broken), Some(2));
    let other = url(&root.join("messages/wa/stop-no.md"));
    c.diagnostics(&other, |p| codes(p).is_empty());

    // Repaired in the editor: the server kept running and everything is back.
    c.replace(&config, 3, &good);
    c.diagnostics(&url(&config), |p| codes(p).is_empty());
    c.diagnostics(&draft, |p| has(p, "phone/not-international"));
    c.diagnostics(&other, |p| has(p, "optout/missing"));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn two_workspace_folders_each_with_its_own_config() {
    let (_a, content) = copy_fixture("content-it");
    let (_b, consent) = copy_fixture("consent-withdrawn");
    let mut c = Client::in_process();
    c.initialize(&[&content, &consent], false);
    c.diagnostics(&url(&content.join("messages/wa/numeri.md")), |p| {
        has(p, "phone/not-international")
    });
    c.diagnostics(&url(&consent.join("campaigns/attrezzi.toml")), |p| {
        has(p, "consent/withdrawn")
    });
    // A setting of one project does not reach the other.
    let config = consent.join("camplint.toml");
    let good = std::fs::read_to_string(&config).expect("config");
    std::fs::write(
        &config,
        format!("{good}\n[rules]\n\"consent/withdrawn\" = \"off\"\n"),
    )
    .expect("write");
    c.disk_changed(&[(&config, 2)]);
    c.diagnostics(&url(&consent.join("campaigns/attrezzi.toml")), |p| {
        codes(p).is_empty()
    });
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn bad_input_never_stops_the_server() {
    let (_tmp, root) = copy_fixture("content-it");
    let draft = root.join("messages/wa/stop-no.md");
    let mut c = Client::in_process();
    let early = c.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "not initialized yet");
    c.initialize(&[&root], false);

    c.raw(b"Content-Length: 10\r\n\r\n{\"jsonrpc\"");
    c.raw(b"Content-Length: 3\r\n\r\n\xff\xfe\xfd");
    c.raw(b"X-Nonsense: 1\r\n\r\n");
    c.raw(b"Content-Length: lots\r\n\r\n");
    let unknown = c.request("camplint/nothing", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    c.notify("camplint/nothing", json!({"x": 1}));
    let bad_params = c.request("textDocument/hover", json!({"textDocument": 3}));
    assert_eq!(bad_params["error"]["code"], -32602);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///nowhere.md", "version": 1}, "contentChanges": []}),
    );
    let logged = c.wait(|m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("not UTF-8")
    });
    assert_eq!(logged["params"]["type"], 1);

    // A draft deleted on disk while open stays checked as the editor shows it.
    let text = c.open(&draft, 1);
    c.diagnostics(&url(&draft), |p| has(p, "optout/missing"));
    std::fs::remove_file(&draft).expect("delete");
    c.disk_changed(&[(&draft, 3)]);
    let stop = "Per non ricevere più messaggi rispondi STOP. Info: 333 1234567\n";
    c.replace(&draft, 2, &format!("{text}\n{stop}"));
    c.diagnostics(&url(&draft), |p| {
        version(p) == Some(2) && !has(p, "optout/missing") && has(p, "phone/not-international")
    });
    // Closed, it is gone for good: its findings are cleared, its campaign misses it.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": url(&draft).as_str()}}),
    );
    c.diagnostics(&url(&draft), |p| codes(p).is_empty());
    c.diagnostics(&url(&root.join("campaigns/promo.toml")), |p| {
        has(p, "ref/missing-message")
    });
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn a_keystroke_during_a_project_wide_publication_comes_first_and_stays_newest() {
    let (_tmp, root) = copy_fixture("content-it");
    // Many drafts with a finding each: a change of camplint.toml republishes all of them.
    let others = 600;
    for i in 0..others {
        let text = format!("Chiama il 333 12345{:02}\n", i % 100);
        std::fs::write(root.join(format!("messages/wa/gen-{i:03}.md")), text).expect("write");
    }
    // Enough findings in the edited draft for the worker to prepare them as JSON.
    let draft = root.join("messages/wa/zz-molti.md");
    let lines: String = (0..70)
        .map(|i| format!("Chiama il 333 12345{i:02}\n"))
        .collect();
    std::fs::write(&draft, &lines).expect("write");
    let uri = url(&draft);
    let mut c = Client::in_process();
    c.initialize(&[&root], false);
    c.open(&draft, 1);
    c.diagnostics(&uri, |p| codes(p).len() > 70);
    c.diagnostics(&url(&root.join("messages/wa/gen-599.md")), |p| {
        has(p, "phone/not-international")
    });
    c.settle(std::time::Duration::from_millis(500));
    c.drain();
    c.take_others(&uri);

    let config = root.join("camplint.toml");
    let good = std::fs::read_to_string(&config).expect("config");
    std::fs::write(
        &config,
        format!("{good}\n[rules]\n\"phone/not-international\" = \"warning\"\n"),
    )
    .expect("write");
    c.disk_changed(&[(&config, 2)]);
    // Every phone finding of the file shown with the new severity.
    let is_warning = |p: &Value| {
        let phones: Vec<&Value> = p["diagnostics"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|d| d["code"] == "phone/not-international")
                    .collect()
            })
            .unwrap_or_default();
        !phones.is_empty() && phones.iter().all(|d| d["severity"] == 2)
    };
    let is_publish = |m: &Value| m["method"] == "textDocument/publishDiagnostics";
    // The full check's results have started to go out: type in the draft right now.
    c.wait(|m| is_publish(m) && m["params"]["uri"] != uri.as_str() && is_warning(&m["params"]));
    c.replace(&draft, 2, &format!("{lines}Chiama il 333 7654321\n"));
    let typed = c.wait(|m| is_publish(m) && m["params"]["uri"] == uri.as_str());
    assert_eq!(version(&typed["params"]), Some(2), "{typed}");
    assert!(find(&typed["params"], "333 7654321").is_some() && is_warning(&typed["params"]));
    let earlier = c.take_others(&uri);

    let answer = c.request("shutdown", Value::Null);
    assert_eq!(answer["result"], Value::Null);
    let after: Vec<Value> = c.drain().into_iter().filter(|m| is_publish(m)).collect();
    let later = after
        .iter()
        .filter(|m| m["params"]["uri"] != uri.as_str())
        .count();
    // Served before the rest of the queue: the project's publications go on after it.
    assert!(
        later > 0,
        "{earlier} publications came before the keystroke's, none after"
    );
    // The one waited for, those before the keystroke's and those after: every draft.
    assert!(1 + earlier + later >= others, "{earlier} + {later}");
    // Nothing older about the draft after its newest findings.
    for m in after.iter().filter(|m| m["params"]["uri"] == uri.as_str()) {
        assert_eq!(version(&m["params"]), Some(2));
        assert!(find(&m["params"], "333 7654321").is_some(), "stale: {m}");
    }
    // Every generated draft published after it ends with the newest severity.
    let mut last = std::collections::BTreeMap::new();
    for m in after
        .iter()
        .filter(|m| m["params"]["uri"].to_string().contains("/gen-"))
    {
        last.insert(m["params"]["uri"].to_string(), m["params"].clone());
    }
    assert!(!last.is_empty() && last.values().all(is_warning));
    c.notify("exit", Value::Null);
    match c.server {
        lsp_client::Server::Thread(h) => assert_eq!(h.join().ok(), Some(0)),
        lsp_client::Server::Process(_) => unreachable!(),
    }
}

#[test]
fn exit_without_shutdown_is_code_1() {
    let mut c = Client::in_process();
    c.initialize(&[], false);
    c.notify("exit", Value::Null);
    match c.server {
        lsp_client::Server::Thread(h) => assert_eq!(h.join().ok(), Some(1)),
        lsp_client::Server::Process(_) => unreachable!(),
    }
}

#[test]
fn the_binary_speaks_lsp_over_stdio() {
    let (_tmp, root) = copy_fixture("content-it");
    let draft = root.join("messages/wa/numeri.md");
    let mut c = Client::binary();
    let init = c.initialize(&[&root], false);
    assert_eq!(init["serverInfo"]["name"], "camplint");
    c.open(&draft, 1);
    c.diagnostics(&url(&draft), |p| has(p, "phone/not-international"));
    assert_eq!(c.shutdown(), 0);
}

/// Keystroke latency on a big project: `CAMPLINT_LSP_BENCH=DIR cargo test --release --test
/// lsp -- --ignored --nocapture` (DIR from `examples/gen_big`, see `scripts/bench.sh`).
/// Drives the release binary over stdio, as an editor does. Times the first full check,
/// then didChange → publishDiagnostics of one draft: alone, while a full check runs, and
/// while a full check's results are being published.
/// `camplint.toml` of DIR is changed for the last part and put back.
#[test]
#[ignore]
fn keystroke_latency_on_a_big_project() {
    use std::time::{Duration, Instant};
    let Some(root) = std::env::var_os("CAMPLINT_LSP_BENCH").map(std::path::PathBuf::from) else {
        return;
    };
    let root = std::fs::canonicalize(root).expect("the project exists");
    let pick = |dir: &str, ext: &str| {
        walkdir::WalkDir::new(root.join(dir))
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .map(|e| e.into_path())
            .find(|p| p.extension().is_some_and(|e| e == ext))
            .expect("a file")
    };
    let first = pick("messages", "md");
    let uri = url(&first);
    // The real binary: a client on a thread of the server's process would share its
    // allocator and memory map with the full check, and time their stalls as the server's.
    let mut c = Client::binary();
    let start = Instant::now();
    c.initialize(&[&root], false);
    let text = c.open(&first, 1);
    c.wait(|m| m["method"] == "textDocument/publishDiagnostics");
    println!("first full check: {:?}", start.elapsed());
    c.settle(Duration::from_secs(1));
    c.take_others(&uri);
    let mut v = 1;
    // One edit: its latency, and how many publications of other files came meanwhile.
    let mut edit = |c: &mut Client| {
        v += 1;
        lsp_client::settle_allocator();
        let t = Instant::now();
        c.replace(
            &first,
            v,
            &format!("{text}\nChiama il 333 12345{:02}\n", v % 100),
        );
        c.diagnostics(&uri, |p| version(p) == Some(i64::from(v)));
        (t.elapsed(), c.take_others(&uri))
    };
    let report = |what: &str, mut times: Vec<Duration>| {
        times.sort();
        println!(
            "{what}: {} edits, min {:?}, median {:?}, max {:?}",
            times.len(),
            times[0],
            times[times.len() / 2],
            times[times.len() - 1]
        );
    };
    let quiet: Vec<_> = (0..20).map(|_| edit(&mut c).0).collect();
    report("didChange → publish, nothing else running", quiet);
    // A campaign changed on disk: a full check starts in the background after 150 ms;
    // the draft's own findings must not wait for it.
    let campaign = pick("campaigns", "toml");
    let t = Instant::now();
    c.disk_changed(&[(&campaign, 2)]);
    let mut busy = Vec::new();
    while t.elapsed() < Duration::from_secs(10) {
        busy.push(edit(&mut c).0);
    }
    report("didChange → publish during a full check", busy);
    // A severity changed in camplint.toml: every campaign's consent findings and the
    // ledger's 33,000 are published again. Edits go on until the publications have
    // been over for 2 s; those during which other files' findings arrived count.
    let config = root.join("camplint.toml");
    let good = std::fs::read_to_string(&config).expect("camplint.toml");
    let severities = [
        "\n[rules]\n\"consent/no-source\" = \"warning\"\n\"consent/missing\" = \"warning\"\n",
        "",
    ];
    for (round, extra) in severities.iter().enumerate() {
        std::fs::write(&config, format!("{good}{extra}")).expect("write camplint.toml");
        c.disk_changed(&[(&config, 2)]);
        let t = Instant::now();
        let (mut during, mut published, mut last) = (Vec::new(), 0, None::<Instant>);
        while t.elapsed() < Duration::from_secs(60)
            && last.is_none_or(|l| l.elapsed() < Duration::from_secs(2))
        {
            let (took, others) = edit(&mut c);
            if others > 0 {
                during.push(took);
                published += others;
                last = Some(Instant::now());
            }
        }
        if during.is_empty() {
            println!("round {round}: no publication of other files seen");
        } else {
            report(
                &format!(
                    "round {round}: didChange → publish while {published} files are published"
                ),
                during,
            );
        }
    }
    std::fs::write(&config, good).expect("camplint.toml put back");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn a_file_with_thousands_of_findings_shows_the_first_thousand_and_says_how_many() {
    let (_tmp, root) = copy_fixture("consent-clean");
    let ledger = root.join("consent/ledger.csv");
    let mut text = std::fs::read_to_string(&ledger).expect("ledger");
    let first_added = text.lines().count();
    for i in 0..1100 {
        text.push_str(&format!(
            "+3933312{i:05},sms,marketing,granted,2026-11-01,form\n"
        ));
    }
    std::fs::write(&ledger, text).expect("write");
    let mut c = Client::in_process();
    c.initialize(&[&root], false);
    let p = c.diagnostics(&url(&ledger), |p| {
        p["diagnostics"].as_array().is_some_and(|d| !d.is_empty())
    });
    let list = p["diagnostics"].as_array().expect("a list");
    assert_eq!(list.len(), 1001, "the first 1,000 and the note");
    assert!(list[..1000].iter().all(|d| d["code"] == "parse/csv"));
    let note = &list[1000];
    assert_eq!(
        note["message"],
        "this file has 1,100 findings; the editor shows the first 1,000\nhelp: `camplint check` in a terminal lists them all"
    );
    // The note sits where the first finding left out is: the 1,001st added row.
    assert_eq!(note["range"]["start"]["line"], first_added + 1000);
    assert_eq!(note["severity"], 3);
    assert_eq!(c.shutdown(), 0);
}
