//! The `check` target: see `camplint_fuzz::check`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| camplint_fuzz::check(data));
