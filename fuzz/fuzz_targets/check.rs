//! A whole `check` of a small project whose every file comes from the fuzzer
//! (`%%FILE path` chunks, see `camplint_fuzz::unpack`), with the report's invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    camplint_fuzz::check(camplint_fuzz::unpack(data));
});
