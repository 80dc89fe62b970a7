//! Fuzzing in the normal suite (issue 15): every input under `tests/data/fuzz/<target>/`
//! (each crash or timeout a fuzz run found, kept once fixed) and the committed seed
//! corpora under `fuzz/corpus/<target>/` go through the very functions the fuzz targets
//! call, so a regression fails `cargo test` without a nightly toolchain or libFuzzer.

#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::path::{Path, PathBuf};

/// The files of `dir`, sorted; none when it does not exist.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file());
    files.sort();
    files
}

/// Runs `target` over its regression inputs and seed corpus; a panic names the input.
fn replay(name: &str, target: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = inputs(&root.join("tests/data/fuzz").join(name));
    all.extend(inputs(&root.join("fuzz/corpus").join(name)));
    assert!(!all.is_empty(), "no input for the {name} target");
    for path in all {
        let data = std::fs::read(&path).expect("a committed input");
        let outcome = std::panic::catch_unwind(|| target(&data));
        assert!(
            outcome.is_ok(),
            "the {name} target fails on {}",
            path.display()
        );
    }
}

#[test]
fn draft() {
    replay("draft", harness::draft);
}

#[test]
fn toml() {
    replay("toml", harness::toml);
}

#[test]
fn csv() {
    replay("csv", harness::csv);
}

#[test]
fn finders() {
    replay("finders", harness::finders);
}

#[test]
fn media() {
    replay("media", harness::media);
}

#[test]
fn lsp() {
    replay("lsp", harness::lsp);
}

#[test]
fn fix() {
    replay("fix", harness::fix);
}

#[test]
fn check() {
    replay("check", harness::check);
}

/// The targets start from a project that loads and has findings with fixes; were it
/// silent, the `toml`, `csv` and `fix` targets would test nothing.
#[test]
fn the_base_project_has_fixable_findings() {
    let files = harness::base_with("camplint.toml", harness::BASE[0].1);
    let report = harness::check_files(files).expect("the base project loads");
    let fixes = report
        .diagnostics
        .iter()
        .filter(|d| d.fix.is_some())
        .count();
    assert!(fixes >= 5, "only {fixes} findings with fixes");
}
