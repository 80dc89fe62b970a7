//! Content sniffing: a few kilobytes of magic bytes and bounded header reads.
//!
//! Signatures are matched by hand rather than with a crate such as `infer`: the rules
//! need finer answers than a MIME guess (static vs animated GIF/WebP, Opus vs other Ogg,
//! 3GP vs MP4 vs MOV by brand, audio-only MP4) plus dimensions and durations, and every
//! read here must stay bounded on hostile input. All parsing works on `Read + Seek`, so
//! the unit tests run on in-memory buffers.

use super::mp4;
use super::read::{read_at, read_up_to};
use super::{Format, MediaInfo, MediaKind};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};

/// Bytes read from the start of every file; enough for every signature we know.
const PREFIX_LEN: usize = 4096;
/// JPEG segments walked before giving up on finding the frame header.
const MAX_JPEG_SEGMENTS: u32 = 512;
/// GIF blocks walked when looking for a second frame or a looping extension.
const MAX_GIF_BLOCKS: u32 = 200_000;
/// Bytes of a GIF read at most; animation markers sit near the start in practice.
const GIF_SCAN_LIMIT: u64 = 4 * 1024 * 1024;

/// Identifies content of `size` bytes from a reader positioned anywhere.
///
/// Reads the first 4 KiB plus bounded, format-specific header reads; never the whole
/// file. `named_as` is left empty (the reader has no name).
pub fn sniff<R: Read + Seek>(reader: &mut R, size: u64) -> io::Result<MediaInfo> {
    let mut prefix = [0u8; PREFIX_LEN];
    let len = read_at(reader, 0, &mut prefix)?;
    let p = prefix.get(..len).unwrap_or(&[]);
    let mut info = MediaInfo {
        size,
        kind: MediaKind::Unknown,
        format: Format::Unknown,
        width: None,
        height: None,
        duration_ms: None,
        video_codec: None,
        audio_codec: None,
        named_as: None,
    };
    if size == 0 || p.is_empty() {
        info.format = Format::Empty;
        return Ok(info);
    }
    let (format, kind) = identify(reader, size, p, &mut info)?;
    info.format = format;
    info.kind = kind;
    Ok(info)
}

fn identify<R: Read + Seek>(
    reader: &mut R,
    size: u64,
    p: &[u8],
    info: &mut MediaInfo,
) -> io::Result<(Format, MediaKind)> {
    use MediaKind::*;
    if p.starts_with(&[0xFF, 0xD8, 0xFF]) {
        if let Some((w, h)) = jpeg_dimensions(reader, size)? {
            set_dims(info, w, h);
        }
        return Ok((Format::Jpeg, Image));
    }
    if p.starts_with(b"\x89PNG\r\n\x1a\n") {
        if p.get(12..16) == Some(b"IHDR") {
            if let (Some(w), Some(h)) = (be_u32(p, 16), be_u32(p, 20)) {
                set_dims(info, w, h);
            }
        }
        return Ok((Format::Png, Image));
    }
    if p.starts_with(b"GIF87a") || p.starts_with(b"GIF89a") {
        if let (Some(w), Some(h)) = (le_u16(p, 6), le_u16(p, 8)) {
            set_dims(info, u32::from(w), u32::from(h));
        }
        let kind = if gif_is_animated(reader, p)? {
            AnimatedImage
        } else {
            Image
        };
        return Ok((Format::Gif, kind));
    }
    if p.starts_with(b"RIFF") {
        match p.get(8..12) {
            Some(b"WEBP") => {
                let animated = webp_header(p, info);
                return Ok((Format::WebP, if animated { AnimatedImage } else { Image }));
            }
            Some(b"AVI ") => return Ok((Format::Avi, Video)),
            Some(b"WAVE") => return Ok((Format::Wav, Audio)),
            _ => {}
        }
    }
    if p.get(4..8) == Some(b"ftyp") {
        return iso_media(reader, size, p, info);
    }
    if matches!(
        p.get(4..8),
        Some(b"moov" | b"mdat" | b"wide" | b"free" | b"skip" | b"pnot")
    ) {
        // Old QuickTime files have no `ftyp`; call it a movie only if a `moov` is found.
        let facts = mp4::walk(reader, size)?;
        if facts.found_moov {
            let kind = apply_mp4(info, &facts, Video);
            return Ok((Format::Mov, kind));
        }
    }
    if p.starts_with(b"OggS") {
        let start = 27 + usize::from(p.get(26).copied().unwrap_or(0));
        let packet = p.get(start..).unwrap_or(&[]);
        if packet.starts_with(b"OpusHead") {
            return Ok((Format::OggOpus, Audio));
        }
        let kind = if packet.starts_with(b"\x80theora") {
            Video
        } else {
            Audio
        };
        return Ok((Format::OggOther, kind));
    }
    if p.starts_with(b"#!AMR") {
        return Ok((Format::Amr, Audio));
    }
    if p.starts_with(b"fLaC") {
        return Ok((Format::Flac, Audio));
    }
    if p.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        let format = if contains(p, b"webm") {
            Format::WebM
        } else {
            Format::Matroska
        };
        return Ok((format, Video));
    }
    if p.starts_with(b"ID3") {
        return Ok((audio_after_id3(reader, p)?, Audio));
    }
    if let Some(format) = audio_frame(p) {
        return Ok((format, Audio));
    }
    if contains(p.get(..1024).unwrap_or(p), b"%PDF-") {
        return Ok((Format::Pdf, Document));
    }
    if p.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Ok((Format::OfficeLegacy, Document));
    }
    if p.starts_with(b"PK\x03\x04") {
        return Ok((zip_format(p), Document));
    }
    if p.starts_with(b"II*\0") || p.starts_with(b"MM\0*") {
        return Ok((Format::Tiff, Image));
    }
    if p.starts_with(b"BM") && matches!(le_u32(p, 14), Some(12 | 40 | 52 | 56 | 108 | 124)) {
        return Ok((Format::Bmp, Image));
    }
    if looks_like_text(p) {
        return Ok((Format::Text, Document));
    }
    Ok((Format::Unknown, Unknown))
}

fn set_dims(info: &mut MediaInfo, width: u32, height: u32) {
    if width > 0 && height > 0 {
        info.width = Some(width);
        info.height = Some(height);
    }
}

fn iso_media<R: Read + Seek>(
    reader: &mut R,
    size: u64,
    p: &[u8],
    info: &mut MediaInfo,
) -> io::Result<(Format, MediaKind)> {
    let box_len = be_u32(p, 0).map_or(0, |n| n as usize).min(p.len());
    let brands = p.get(8..box_len).unwrap_or(&[]);
    let major = brands.get(..4).unwrap_or(&[]);
    // Compatible brands start after the 4-byte minor version.
    let compatible = || brands.get(8..).unwrap_or(&[]).chunks_exact(4);
    let has = |b: &[u8]| major == b || compatible().any(|c| c == b);
    let format = if major == b"qt  " {
        Format::Mov
    } else if major.starts_with(b"3g2") {
        Format::ThreeG2
    } else if major.starts_with(b"3g") {
        Format::ThreeGp
    } else if major == b"M4A " || major == b"M4B " || major == b"M4P " {
        Format::M4a
    } else if has(b"avif") || has(b"avis") {
        return Ok((Format::Avif, MediaKind::Image));
    } else if [b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1"]
        .iter()
        .any(|b| major == *b)
    {
        return Ok((Format::Heic, MediaKind::Image));
    } else {
        Format::Mp4
    };
    let default_kind = if format == Format::M4a {
        MediaKind::Audio
    } else {
        MediaKind::Video
    };
    let facts = mp4::walk(reader, size)?;
    Ok((format, apply_mp4(info, &facts, default_kind)))
}

fn apply_mp4(info: &mut MediaInfo, facts: &mp4::Mp4Facts, default_kind: MediaKind) -> MediaKind {
    info.duration_ms = facts.duration_ms;
    info.video_codec = facts.video_codec;
    info.audio_codec = facts.audio_codec;
    if let (Some(w), Some(h)) = (facts.width, facts.height) {
        set_dims(info, w, h);
    }
    if facts.has_video {
        MediaKind::Video
    } else if facts.has_audio {
        MediaKind::Audio
    } else {
        default_kind
    }
}

/// Walks JPEG marker segments with seeks until a start-of-frame header.
fn jpeg_dimensions<R: Read + Seek>(reader: &mut R, size: u64) -> io::Result<Option<(u32, u32)>> {
    let mut offset: u64 = 2;
    for _ in 0..MAX_JPEG_SEGMENTS {
        let mut head = [0u8; 9];
        let got = read_at(reader, offset, &mut head)?;
        if got < 4 {
            return Ok(None);
        }
        if head[0] != 0xFF {
            return Ok(None);
        }
        let marker = head[1];
        match marker {
            // Fill byte: the marker starts one byte later.
            0xFF => {
                offset += 1;
                continue;
            }
            // Standalone markers carry no length.
            0x01 | 0xD0..=0xD7 => {
                offset += 2;
                continue;
            }
            // Start of scan or end of image: no frame header before the image data.
            0xD9 | 0xDA => return Ok(None),
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                if got < head.len() {
                    return Ok(None);
                }
                let h = u32::from(u16::from_be_bytes([head[5], head[6]]));
                let w = u32::from(u16::from_be_bytes([head[7], head[8]]));
                return Ok(Some((w, h)));
            }
            _ => {}
        }
        let seg_len = u64::from(u16::from_be_bytes([head[2], head[3]]));
        if seg_len < 2 {
            return Ok(None);
        }
        offset += 2 + seg_len;
        if offset >= size {
            return Ok(None);
        }
    }
    Ok(None)
}

/// Decides whether a GIF has more than one frame, reading at most `GIF_SCAN_LIMIT` bytes.
///
/// A looping application extension (`NETSCAPE2.0`/`ANIMEXTS1.0`) or a second image
/// descriptor means animated. If the budget runs out after one frame, the GIF is taken
/// as static: encoders put the looping extension before the first frame.
fn gif_is_animated<R: Read + Seek>(reader: &mut R, p: &[u8]) -> io::Result<bool> {
    let packed = p.get(10).copied().unwrap_or(0);
    let mut start: u64 = 13;
    if packed & 0x80 != 0 {
        start += 3 * (1u64 << ((packed & 0x07) + 1));
    }
    reader.seek(SeekFrom::Start(start))?;
    let mut r = BufReader::with_capacity(16 * 1024, &mut *reader);
    let mut pos = start;
    let mut frames = 0u32;
    for _ in 0..MAX_GIF_BLOCKS {
        if pos > GIF_SCAN_LIMIT {
            break;
        }
        let Some(block) = next_byte(&mut r, &mut pos)? else {
            break;
        };
        match block {
            0x21 => {
                let Some(label) = next_byte(&mut r, &mut pos)? else {
                    break;
                };
                if label == 0xFF {
                    let mut app = [0u8; 12];
                    if !read_full(&mut r, &mut app, &mut pos)? {
                        break;
                    }
                    if &app[1..] == b"NETSCAPE2.0" || &app[1..] == b"ANIMEXTS1.0" {
                        return Ok(true);
                    }
                }
                if !skip_sub_blocks(&mut r, &mut pos)? {
                    break;
                }
            }
            0x2C => {
                frames += 1;
                if frames >= 2 {
                    return Ok(true);
                }
                let mut desc = [0u8; 9];
                if !read_full(&mut r, &mut desc, &mut pos)? {
                    break;
                }
                if desc[8] & 0x80 != 0 {
                    let table = 3i64 * (1i64 << ((desc[8] & 0x07) + 1));
                    r.seek_relative(table)?;
                    pos += table as u64;
                }
                // LZW minimum code size, then the image data sub-blocks.
                if next_byte(&mut r, &mut pos)?.is_none() || !skip_sub_blocks(&mut r, &mut pos)? {
                    break;
                }
            }
            _ => break,
        }
    }
    Ok(false)
}

fn next_byte<R: BufRead>(r: &mut R, pos: &mut u64) -> io::Result<Option<u8>> {
    let mut b = [0u8; 1];
    Ok(if read_full(r, &mut b, pos)? {
        Some(b[0])
    } else {
        None
    })
}

fn read_full<R: Read>(r: &mut R, buf: &mut [u8], pos: &mut u64) -> io::Result<bool> {
    let n = read_up_to(r, buf)?;
    *pos += n as u64;
    Ok(n == buf.len())
}

fn skip_sub_blocks<R: Read + Seek>(r: &mut BufReader<R>, pos: &mut u64) -> io::Result<bool> {
    for _ in 0..MAX_GIF_BLOCKS {
        if *pos > GIF_SCAN_LIMIT {
            return Ok(false);
        }
        match next_byte(r, pos)? {
            None => return Ok(false),
            Some(0) => return Ok(true),
            Some(n) => {
                r.seek_relative(i64::from(n))?;
                *pos += u64::from(n);
            }
        }
    }
    Ok(false)
}

/// Reads dimensions from a WebP's first chunk; returns whether the animation flag is set.
fn webp_header(p: &[u8], info: &mut MediaInfo) -> bool {
    match p.get(12..16) {
        Some(b"VP8X") => {
            let flags = p.get(20).copied().unwrap_or(0);
            if let (Some(w), Some(h)) = (le_u24(p, 24), le_u24(p, 27)) {
                set_dims(info, w + 1, h + 1);
            }
            flags & 0x02 != 0
        }
        Some(b"VP8 ") => {
            if p.get(23..26) == Some(&[0x9D, 0x01, 0x2A]) {
                if let (Some(w), Some(h)) = (le_u16(p, 26), le_u16(p, 28)) {
                    set_dims(info, u32::from(w & 0x3FFF), u32::from(h & 0x3FFF));
                }
            }
            false
        }
        Some(b"VP8L") => {
            if p.get(20) == Some(&0x2F) {
                if let Some(bits) = le_u32(p, 21) {
                    set_dims(info, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
                }
            }
            false
        }
        _ => false,
    }
}

fn audio_after_id3<R: Read + Seek>(reader: &mut R, p: &[u8]) -> io::Result<Format> {
    let syncsafe = p.get(6..10).map_or(0u64, |b| {
        b.iter()
            .fold(0u64, |acc, &x| (acc << 7) | u64::from(x & 0x7F))
    });
    let footer = if p.get(5).is_some_and(|f| f & 0x10 != 0) {
        10
    } else {
        0
    };
    let mut frame = [0u8; 4];
    let n = read_at(reader, 10 + syncsafe + footer, &mut frame)?;
    // ID3 tags are an MP3 habit; an unreadable frame after one still means MP3.
    Ok(audio_frame(frame.get(..n).unwrap_or(&[])).unwrap_or(Format::Mp3))
}

/// Recognises an MPEG audio Layer III frame header or an AAC ADTS header.
fn audio_frame(p: &[u8]) -> Option<Format> {
    let (&b0, &b1, &b2) = (p.first()?, p.get(1)?, p.get(2)?);
    if b0 != 0xFF || b1 & 0xE0 != 0xE0 {
        return None;
    }
    let layer = (b1 >> 1) & 0x03;
    if b1 & 0xF0 == 0xF0 && layer == 0 {
        // ADTS: sampling frequency index 13-15 is reserved.
        return ((b2 >> 2) & 0x0F < 13).then_some(Format::Aac);
    }
    let version = (b1 >> 3) & 0x03;
    let bitrate = b2 >> 4;
    let rate = (b2 >> 2) & 0x03;
    (layer == 1 && version != 1 && bitrate != 0 && bitrate != 0x0F && rate != 3)
        .then_some(Format::Mp3)
}

fn zip_format(p: &[u8]) -> Format {
    if p.get(30..38) == Some(b"mimetype") && contains(p, b"application/vnd.oasis.opendocument") {
        return Format::OpenDocument;
    }
    // Office Open XML parts are named in the local headers near the start.
    if contains(p, b"word/") {
        Format::Docx
    } else if contains(p, b"xl/") {
        Format::Xlsx
    } else if contains(p, b"ppt/") {
        Format::Pptx
    } else {
        Format::Zip
    }
}

fn looks_like_text(p: &[u8]) -> bool {
    let valid = match std::str::from_utf8(p) {
        Ok(_) => true,
        // The 4 KiB cut may split a multi-byte character.
        Err(e) => e.error_len().is_none() && p.len() == PREFIX_LEN,
    };
    valid
        && !p
            .iter()
            .any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn be_u32(p: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(
        p.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn le_u32(p: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        p.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn le_u16(p: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        p.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn le_u24(p: &[u8], at: usize) -> Option<u32> {
    let b = p.get(at..at.checked_add(3)?)?;
    Some(u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16)
}
