//! A small LSP client for the tests: frames JSON-RPC messages to `camplint lsp` (in
//! process or the real binary) and waits for the answers and notifications it expects,
//! with a generous timeout instead of sleeps.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lsp_types::Url;
use serde_json::{json, Value};

/// Long enough for a slow, shared machine; a test that times out has found a bug.
const TIMEOUT: Duration = Duration::from_secs(600);

/// Where the server runs.
pub enum Server {
    /// `camplint::lsp::serve` on a thread; its exit code.
    Thread(JoinHandle<i32>),
    /// `camplint lsp` as a child process.
    Process(std::process::Child),
}

/// One session with a server.
pub struct Client {
    to: Box<dyn Write + Send>,
    from: mpsc::Receiver<Value>,
    backlog: VecDeque<Value>,
    next_id: i64,
    pub server: Server,
}

fn reader_thread(out: impl Read + Send + 'static) -> mpsc::Receiver<Value> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut r = BufReader::new(out);
        loop {
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length: ") {
                    length = v.parse().expect("a numeric Content-Length");
                }
            }
            let mut body = vec![0; length];
            if r.read_exact(&mut body).is_err() {
                return;
            }
            let v: Value = serde_json::from_slice(&body).expect("the server writes JSON");
            if tx.send(v).is_err() {
                return;
            }
        }
    });
    rx
}

impl Client {
    /// A server on a thread of this test, over in-memory pipes.
    pub fn in_process() -> Client {
        let (server_in, to) = std::io::pipe().expect("pipe");
        let (from, server_out) = std::io::pipe().expect("pipe");
        let handle = std::thread::spawn(move || {
            camplint::lsp::serve(BufReader::new(server_in), server_out, None)
        });
        Client {
            to: Box::new(to),
            from: reader_thread(from),
            backlog: VecDeque::new(),
            next_id: 0,
            server: Server::Thread(handle),
        }
    }

    /// The real binary over stdio.
    pub fn binary() -> Client {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_camplint"))
            .arg("lsp")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("camplint lsp starts");
        let to = child.stdin.take().expect("stdin");
        let from = child.stdout.take().expect("stdout");
        Client {
            to: Box::new(to),
            from: reader_thread(from),
            backlog: VecDeque::new(),
            next_id: 0,
            server: Server::Process(child),
        }
    }

    /// Writes bytes as they are (for malformed frames).
    pub fn raw(&mut self, bytes: &[u8]) {
        self.to.write_all(bytes).expect("the server reads");
        self.to.flush().expect("flush");
    }

    /// Frames and sends a message.
    pub fn send(&mut self, v: &Value) {
        let body = v.to_string();
        self.raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response (the whole message).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait(|m| m["id"] == json!(id) && m.get("method").is_none())
    }

    /// The first message (seen or to come) that `pred` accepts; earlier ones stay for
    /// later waits.
    pub fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i).expect("present");
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.from.recv_timeout(left) {
                Ok(m) if pred(&m) => return m,
                Ok(m) => self.backlog.push_back(m),
                Err(_) => panic!(
                    "timed out; messages seen: {}",
                    serde_json::to_string_pretty(&Vec::from(self.backlog.clone()))
                        .unwrap_or_default()
                ),
            }
        }
    }

    /// Waits for diagnostics of `uri` that `pred` accepts and returns their params,
    /// dropping the earlier ones of that file.
    pub fn diagnostics(&mut self, uri: &Url, pred: impl Fn(&Value) -> bool) -> Value {
        let uri = uri.as_str().to_string();
        let is_for = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str()
        };
        let found = self.wait(|m| is_for(m) && pred(&m["params"]));
        self.backlog.retain(|m| !is_for(m));
        found["params"].clone()
    }

    /// Removes the publications of other files than `uri` received so far (while waiting
    /// for something else) and returns how many there were.
    pub fn take_others(&mut self, uri: &Url) -> usize {
        let before = self.backlog.len();
        self.backlog.retain(|m| {
            m["method"] != "textDocument/publishDiagnostics" || m["params"]["uri"] == uri.as_str()
        });
        before - self.backlog.len()
    }

    /// Receives everything the server sends until it has been silent for `quiet` (the
    /// publications of a full check go out in batches, after the first).
    pub fn settle(&mut self, quiet: Duration) {
        while let Ok(m) = self.from.recv_timeout(quiet) {
            self.backlog.push_back(m);
        }
    }

    /// Every message received so far and not yet waited for.
    pub fn drain(&mut self) -> Vec<Value> {
        while let Ok(m) = self.from.try_recv() {
            self.backlog.push_back(m);
        }
        self.backlog.iter().cloned().collect()
    }

    /// `initialize` (UTF-8 offered or not) with these workspace folders, then
    /// `initialized`; returns the result.
    pub fn initialize(&mut self, folders: &[&Path], utf8: bool) -> Value {
        let encodings = if utf8 {
            json!(["utf-8", "utf-16"])
        } else {
            json!(["utf-16"])
        };
        let folders: Vec<Value> = folders
            .iter()
            .map(|f| json!({"uri": url(f).as_str(), "name": "p"}))
            .collect();
        let r = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "capabilities": {
                    "general": {"positionEncodings": encodings},
                    "workspace": {
                        "didChangeWatchedFiles": {"dynamicRegistration": true},
                        "workspaceEdit": {"documentChanges": true}
                    }
                },
                "workspaceFolders": folders
            }),
        );
        self.notify("initialized", json!({}));
        r["result"].clone()
    }

    /// `shutdown`, `exit`, and the exit code.
    pub fn shutdown(mut self) -> i32 {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        match self.server {
            Server::Thread(h) => h.join().expect("the server thread ends"),
            Server::Process(mut c) => c.wait().expect("the server ends").code().unwrap_or(-1),
        }
    }

    /// Opens a file with its text from disk.
    pub fn open(&mut self, path: &Path, version: i32) -> String {
        let text = std::fs::read_to_string(path).expect("readable fixture");
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {
                "uri": url(path).as_str(), "languageId": "markdown", "version": version, "text": text
            }}),
        );
        text
    }

    /// Replaces a document's whole text.
    pub fn replace(&mut self, path: &Path, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": url(path).as_str(), "version": version},
                "contentChanges": [{"text": text}]
            }),
        );
    }

    /// Tells the server that files changed on disk (1 created, 2 changed, 3 deleted).
    pub fn disk_changed(&mut self, changes: &[(&Path, u32)]) {
        let changes: Vec<Value> = changes
            .iter()
            .map(|(p, t)| json!({"uri": url(p).as_str(), "type": t}))
            .collect();
        self.notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": changes}),
        );
    }
}

/// Hands the memory of dropped messages back to glibc's allocator now. Freed by the test
/// thread, the messages' blocks wait in the reader thread's arena until its next large
/// allocation merges them all, 0.3-0.4 s after a full check's 11,000 messages: the
/// latency benchmark calls this outside its timings so that it times the server, not
/// this client's allocator.
pub fn settle_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only reorganises the allocator's free lists; it takes no
    // pointer and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// A file URL.
pub fn url(p: &Path) -> Url {
    Url::from_file_path(p).expect("absolute path")
}

/// A copy of a fixture project in a temporary folder (kept alive by the returned guard).
pub fn copy_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join(name);
    copy(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(name),
        &root,
    );
    let root = std::fs::canonicalize(root).expect("exists");
    (dir, root)
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("readable") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// The codes of a publishDiagnostics' diagnostics.
pub fn codes(params: &Value) -> Vec<String> {
    params["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| d["code"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The diagnostic whose message contains `needle`.
pub fn find<'a>(params: &'a Value, needle: &str) -> Option<&'a Value> {
    params["diagnostics"]
        .as_array()?
        .iter()
        .find(|d| d["message"].as_str().is_some_and(|m| m.contains(needle)))
}

/// Applies LSP text edits whose columns are UTF-8 bytes (the tests that apply edits
/// negotiate UTF-8), last first.
pub fn apply_utf8(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap_or(0) as usize;
        let col = p["character"].as_u64().unwrap_or(0) as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        start + col
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (s, e, t) in spans {
        out.replace_range(s..e, &t);
    }
    out
}
