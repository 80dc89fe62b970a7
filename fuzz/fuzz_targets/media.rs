//! The media sniffers (MP4 box walk, image headers) on arbitrary bytes, with the true
//! size and with a size the file system could report differently.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = camplint::domain::media::sniff(&mut Cursor::new(data), data.len() as u64);
    let _ = camplint::domain::media::sniff(&mut Cursor::new(data), u64::MAX / 2);
});
