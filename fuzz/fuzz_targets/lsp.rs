//! The `lsp` target: see `camplint_fuzz::lsp`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| camplint_fuzz::lsp(data));
