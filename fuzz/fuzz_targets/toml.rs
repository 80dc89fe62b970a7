//! The `toml` target: see `camplint_fuzz::toml`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| camplint_fuzz::toml(data));
