//! The `finders` target: see `camplint_fuzz::finders`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| camplint_fuzz::finders(data));
