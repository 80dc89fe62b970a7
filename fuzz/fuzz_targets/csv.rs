//! Ledger and audience CSV to diagnostics: the fuzzer's text replaces the contact list
//! or the consent ledger of a small valid project, which is then checked whole.
#![no_main]

use libfuzzer_sys::fuzz_target;

const CSV_FILES: [&str; 2] = ["audiences/lista.csv", "consent/ledger.csv"];

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let path = CSV_FILES[usize::from(which) % CSV_FILES.len()];
    let text = String::from_utf8_lossy(rest);
    camplint_fuzz::check(camplint_fuzz::base_with(path, &text));
});
