//! The `media` target: see `camplint_fuzz::media`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| camplint_fuzz::media(data));
