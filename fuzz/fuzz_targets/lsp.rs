//! The language server on a stream of arbitrary frames, over in-memory streams, rooted
//! in a copy of a small project. The input ends without `exit` as often as not: the
//! server must then stop by itself, so a hang here is a finding (libFuzzer's -timeout).
//!
//! Input: a first byte whose low bit picks raw bytes (frames, headers and all, as the
//! fuzzer wrote them) or bodies separated by `\n%%MSG\n`, each framed with its right
//! Content-Length, so the fuzzer reaches the server past the transport; in those bodies
//! `file:///ROOT/` stands for the project's folder, so documents can be in the project.
#![no_main]

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

const MSG_MARK: &[u8] = b"\n%%MSG\n";

fn root() -> PathBuf {
    static ROOT: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = ROOT.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        for (path, text) in camplint_fuzz::BASE {
            let file = dir.path().join(path);
            std::fs::create_dir_all(file.parent().expect("a file has a folder")).expect("mkdir");
            std::fs::write(file, text).expect("write");
        }
        dir
    });
    dir.path().canonicalize().expect("the folder exists")
}

fn frames(bodies: &[u8], root_uri: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = bodies;
    loop {
        let end = rest
            .windows(MSG_MARK.len())
            .position(|w| w == MSG_MARK)
            .unwrap_or(rest.len());
        let body = String::from_utf8_lossy(&rest[..end]).replace("file:///ROOT/", root_uri);
        let body = body.as_bytes();
        out.extend(format!("Content-Length: {}\r\n\r\n", body.len()).bytes());
        out.extend(body);
        if end == rest.len() {
            return out;
        }
        rest = &rest[end + MSG_MARK.len()..];
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let root = root();
    let input = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        frames(rest, &format!("file://{}/", root.display()))
    };
    let code = camplint::lsp::serve(Cursor::new(input), std::io::sink(), Some(root));
    assert!(code == 0 || code == 1);
});
