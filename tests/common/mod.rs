//! Runs camplint on a fixture project and renders its report in every format, for
//! snapshot tests. Every test file that checks fixtures shares this.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

use camplint::engine::{self, Options};
use camplint::output::{self, Format, Style};

/// Path of a fixture project.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// The fixed "now" of every fixture test, so messages that mention it never change.
pub const NOW: &str = "2026-11-25T09:00:00+01:00";

/// A report rendered as the CLI would print it.
pub struct Rendered {
    pub human: String,
    pub short: String,
    pub json: String,
    pub value: serde_json::Value,
}

impl Rendered {
    /// The rule codes reported, in output order.
    pub fn codes(&self) -> Vec<String> {
        self.value["diagnostics"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|d| d["rule"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Checks a fixture project and renders the report in human (no colour), short and json.
pub fn check(name: &str) -> Rendered {
    check_paths(name, &[])
}

/// Like [`check`], reporting only on `paths` (relative to the fixture).
pub fn check_paths(name: &str, paths: &[&str]) -> Rendered {
    check_dir(&fixture(name), paths)
}

/// Checks the project at `root` (a fixture or a temporary copy), reporting only on
/// `paths` (root-relative).
pub fn check_dir(root: &std::path::Path, paths: &[&str]) -> Rendered {
    let options = Options {
        root: Some(root.to_path_buf()),
        paths: paths.iter().map(|p| root.join(p)).collect(),
        now: Some(chrono::DateTime::parse_from_rfc3339(NOW).unwrap().into()),
    };
    let report =
        engine::run(&options).unwrap_or_else(|e| panic!("{} did not load: {e:?}", root.display()));
    let style = Style {
        color: false,
        quiet: false,
        deny_warnings: false,
    };
    let render = |format| {
        let mut out = Vec::new();
        output::write(&report, format, style, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    };
    let json = render(Format::Json);
    Rendered {
        human: render(Format::Human),
        short: render(Format::Short),
        value: serde_json::from_str(&json).unwrap(),
        json,
    }
}

/// Runs the built binary; returns (exit code, stdout, stderr).
pub fn camplint(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_camplint"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("camplint runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
