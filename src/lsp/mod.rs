//! `camplint lsp`: the findings in the editor while a marketer types (SPEC 3).
//!
//! One synchronous main loop owns all state, so `didChange` notifications are applied in
//! the order they came; full checks run on a worker thread ([`workspace`]), a draft's own
//! findings are re-checked right away on the loop ([`crate::engine::check_draft`]).
//! `docs/lsp.md` describes the design and the editors' setup.

pub mod findings;
mod server;
pub mod text;
pub mod transport;
pub mod workspace;

use std::io::{BufRead, Write};
use std::path::PathBuf;

/// Runs the server over stdin and stdout; the exit code (0 after `shutdown` and `exit`).
/// `root` (`--root`) names a project to check whatever folders the editor opens.
pub fn run_stdio(root: Option<PathBuf>) -> i32 {
    serve(
        std::io::BufReader::new(std::io::stdin()),
        std::io::stdout(),
        root,
    )
}

/// Runs the server over any pair of streams (a test drives it in process); returns the
/// exit code: 0 after `shutdown` then `exit`, 1 when the client left without them.
pub fn serve(
    input: impl BufRead + Send + 'static,
    output: impl Write + Send + 'static,
    root: Option<PathBuf>,
) -> i32 {
    let transport = match transport::spawn(input, output) {
        Ok(t) => t,
        Err(_) => return 1,
    };
    let writer = transport.writer;
    let code = server::run(transport.sender, transport.receiver, root);
    // Everything sent (the last answers) is written before the process ends.
    let _ = writer.join();
    code
}
