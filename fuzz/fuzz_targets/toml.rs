//! Campaign, audience and config TOML to diagnostics: the fuzzer's text replaces one
//! TOML file of a small valid project, which is then checked whole.
#![no_main]

use libfuzzer_sys::fuzz_target;

const TOML_FILES: [&str; 3] = ["camplint.toml", "campaigns/promo.toml", "audiences/lista.toml"];

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let path = TOML_FILES[usize::from(which) % TOML_FILES.len()];
    let text = String::from_utf8_lossy(rest);
    if path == "camplint.toml" {
        let _ = camplint::project::config::parse(&text, &camplint::rules::CATALOGUE);
    }
    camplint_fuzz::check(camplint_fuzz::base_with(path, &text));
});
