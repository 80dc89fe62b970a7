//! The `fix` target: see `camplint_fuzz::fix`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| camplint_fuzz::fix(data));
