//! The `draft` target: see `camplint_fuzz::draft`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| camplint_fuzz::draft(data));
