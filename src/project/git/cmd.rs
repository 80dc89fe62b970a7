//! Running git read-only: one place decides the flags and environment every call gets.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use super::error::GitError;

/// Variables that would point git at another repository or index than the project's.
const FOREIGN_ENV: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_PREFIX",
    "GIT_COMMON_DIR",
];

/// A git command rooted at `dir`, set up so that it cannot write or reach the network.
pub(crate) fn git(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C").arg(dir);
    // Config a user may have that would start a daemon, run maintenance or a pager.
    c.args([
        "-c",
        "core.fsmonitor=false",
        "-c",
        "maintenance.auto=false",
        "-c",
        "gc.auto=0",
        "-c",
        "protocol.allow=never",
        "--no-pager",
    ]);
    for v in FOREIGN_ENV {
        c.env_remove(v);
    }
    // No index refresh written back, no lazy fetch in partial clones, no prompts,
    // pathspecs taken as plain names, messages in English.
    c.env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_LITERAL_PATHSPECS", "1")
        .env("LC_ALL", "C")
        .env("LANGUAGE", "");
    c.stdin(Stdio::null());
    c
}

/// The command line as the user could type it, for error messages.
pub(crate) fn describe(c: &Command) -> String {
    let mut s = String::from("git");
    let mut skip_config = false;
    for a in c.get_args() {
        let a = a.to_string_lossy();
        // Our fixed `-C dir -c …` prefix only clutters the message.
        if skip_config {
            skip_config = false;
            continue;
        }
        if a == "-c" || a == "-C" {
            skip_config = true;
            continue;
        }
        if a == "--no-pager" {
            continue;
        }
        s.push(' ');
        s.push_str(&a);
    }
    s
}

/// Turns a failure to start git into the "not installed" error rather than a bare io error.
pub(crate) fn spawn_error(e: std::io::Error) -> GitError {
    GitError::GitNotInstalled(e.to_string())
}

/// Runs to completion, returning the output whatever the exit status.
pub(crate) fn run(mut c: Command) -> Result<Output, GitError> {
    c.output().map_err(spawn_error)
}

/// Runs and requires success, returning stdout.
pub(crate) fn run_ok(c: Command) -> Result<Vec<u8>, GitError> {
    let command = describe(&c);
    let out = run(c)?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(failed(command, &out))
    }
}

/// The generic failure error for a finished command.
pub(crate) fn failed(command: String, out: &Output) -> GitError {
    GitError::Failed {
        command,
        status: out.status.to_string(),
        stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
    }
}

/// Runs with `input` on stdin, written from a thread so a large input and a large output
/// cannot block each other on full pipes.
pub(crate) fn run_with_input(mut c: Command, input: Vec<u8>) -> Result<Vec<u8>, GitError> {
    let command = describe(&c);
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().map_err(spawn_error)?;
    let writer = feed(&mut child, input);
    let out = child.wait_with_output().map_err(|e| GitError::Failed {
        command: command.clone(),
        status: "not finished".into(),
        stderr: e.to_string(),
    })?;
    // A write error only means git stopped reading; its exit status says why.
    let _ = writer.join();
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(failed(command, &out))
    }
}

/// Writes `input` to the child's stdin on its own thread, then closes it.
pub(crate) fn feed(child: &mut Child, input: Vec<u8>) -> std::thread::JoinHandle<()> {
    let stdin = child.stdin.take();
    std::thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            let _ = stdin.write_all(&input);
        }
    })
}

/// Drains a pipe on its own thread, so a chatty stderr cannot stall the child.
pub(crate) fn drain<R: Read + Send + 'static>(r: Option<R>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut r) = r {
            let _ = r.read_to_end(&mut buf);
        }
        buf
    })
}

/// Bytes from git (paths, folder names) as an argument, exactly on Unix.
pub(crate) fn os_arg(bytes: &[u8]) -> OsString {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        OsString::from_vec(bytes.to_vec())
    }
    #[cfg(not(unix))]
    {
        // Git for Windows stores paths as UTF-8, so nothing is lost here in practice.
        OsString::from(String::from_utf8_lossy(bytes).into_owned())
    }
}

/// The first line of git's output without its newline.
pub(crate) fn first_line(out: &[u8]) -> &[u8] {
    let end = out.iter().position(|&b| b == b'\n').unwrap_or(out.len());
    let line = &out[..end];
    line.strip_suffix(b"\r").unwrap_or(line)
}
