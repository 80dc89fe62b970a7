//! `--fix` on an arbitrary draft or CSV in a small project on disk: a file that parsed
//! still parses after its fixes, and a second `--fix` changes nothing in files whose
//! fixes settled.
#![no_main]

use camplint::autofix::{self, Target};
use camplint::engine::Options;
use camplint::project::fixes::{Convergence, FixMode};
use libfuzzer_sys::fuzz_target;

const FIXABLE: [&str; 3] = ["messages/promo/annuncio.md", "audiences/lista.csv", "consent/ledger.csv"];

fuzz_target!(|data: &[u8]| {
    let Some((&which, raw)) = data.split_first() else { return };
    let path = FIXABLE[usize::from(which & 3) % FIXABLE.len()];
    let mode = FixMode::from_unsafe_flag(which & 4 != 0);
    let files = camplint_fuzz::base_with(path, &String::from_utf8_lossy(raw));
    let Some(before) = camplint_fuzz::check(files.clone()) else { return };
    // A RAM disk when there is one: three checks and a write per input, no disk wear.
    let shm = std::path::Path::new("/dev/shm");
    let dir = if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() };
    let dir = dir.expect("a temporary folder");
    let root = dir.path().canonicalize().expect("the folder exists");
    camplint_fuzz::write_project(&root, &files, path, raw);
    let options = Options {
        root: Some(root.clone()),
        paths: Vec::new(),
        now: Some(camplint_fuzz::now()),
    };
    let Ok(first) = autofix::run(&options, mode, Target::Write) else { return };
    camplint_fuzz::assert_sane(&first.report);
    for f in first.written() {
        let parsed = !camplint_fuzz::has_parse_error(&before, &f.path);
        assert!(
            !parsed || !camplint_fuzz::has_parse_error(&first.report, &f.path),
            "fixing {} made it unparsable",
            f.path
        );
    }
    let settled = first.files.iter().all(|f| f.convergence == Convergence::Settled);
    let Ok(second) = autofix::run(&options, mode, Target::Write) else {
        panic!("the project loaded before its fixes but not after");
    };
    if settled {
        let changed: Vec<&str> = second.written().map(|f| f.path.as_str()).collect();
        assert!(changed.is_empty(), "a second --fix changed {changed:?}");
    }
});
