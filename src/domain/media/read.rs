//! Reading a bounded number of bytes from a media file, shared by the format sniffers
//! and the MP4 box walk.

use std::io::{self, Read, Seek, SeekFrom};

/// Reads as many bytes as are available at `offset`, up to `buf.len()`.
pub fn read_at<R: Read + Seek>(r: &mut R, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
    r.seek(SeekFrom::Start(offset))?;
    read_up_to(r, buf)
}

pub fn read_up_to<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}
