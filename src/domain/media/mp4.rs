//! A minimal, bounded ISO-BMFF (MP4/MOV/3GP) box walker.
//!
//! Written here instead of using an mp4 crate because those parse (and allocate for)
//! whole sample tables, while the rules need four facts: the `mvhd` duration, the track
//! kinds, the first codec of each kind and the video size. Only box headers and a few
//! small payloads are read, with a seek between boxes, so `moov` after a 2 GB `mdat`
//! costs the same as `moov` first. Every box must advance the cursor by at least its
//! header and at most `MAX_BOXES` headers are read, so no crafted file can loop.

use super::read::read_at;
use super::Codec;
use std::io::{self, Read, Seek};

/// Box headers read at most in one file.
const MAX_BOXES: u32 = 4096;

/// What the walker learnt; every field is optional because files are often truncated.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Mp4Facts {
    pub found_moov: bool,
    pub duration_ms: Option<u64>,
    pub has_video: bool,
    pub has_audio: bool,
    pub video_codec: Option<Codec>,
    pub audio_codec: Option<Codec>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

#[derive(Default)]
struct Track {
    handler: Option<[u8; 4]>,
    sample_entry: Option<[u8; 4]>,
    size: Option<(u32, u32)>,
}

struct Walker<'r, R> {
    reader: &'r mut R,
    boxes: u32,
    facts: Mp4Facts,
    timescale: u32,
    movie_duration: Option<u64>,
    fragment_duration: Option<u64>,
    fragmented: bool,
    track: Track,
}

/// Walks the top level of a file of `size` bytes and the parts of `moov` that matter.
pub(super) fn walk<R: Read + Seek>(reader: &mut R, size: u64) -> io::Result<Mp4Facts> {
    let mut w = Walker {
        reader,
        boxes: 0,
        facts: Mp4Facts::default(),
        timescale: 0,
        movie_duration: None,
        fragment_duration: None,
        fragmented: false,
        track: Track::default(),
    };
    w.level(0, size, *b"\0\0\0\0")?;
    // A fragmented file leaves `mvhd` at 0 and may say the total in `mvex/mehd`.
    let raw = match w.movie_duration {
        Some(0) if w.fragment_duration.is_some() => w.fragment_duration,
        Some(0) if w.fragmented => None,
        other => other,
    };
    w.facts.duration_ms = match (raw, w.timescale) {
        (Some(units), scale) if scale > 0 => {
            let ms = u128::from(units) * 1000 / u128::from(scale);
            Some(u64::try_from(ms).unwrap_or(u64::MAX))
        }
        _ => None,
    };
    Ok(w.facts)
}

impl<R: Read + Seek> Walker<'_, R> {
    fn level(&mut self, start: u64, end: u64, parent: [u8; 4]) -> io::Result<()> {
        let mut offset = start;
        while offset.checked_add(8).is_some_and(|h| h <= end) {
            if self.boxes >= MAX_BOXES {
                return Ok(());
            }
            self.boxes += 1;
            let mut head = [0u8; 16];
            let got = read_at(self.reader, offset, &mut head)?;
            if got < 8 {
                return Ok(());
            }
            let size32 = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
            let kind = [head[4], head[5], head[6], head[7]];
            let (size, header) = match size32 {
                0 => (end - offset, 8),
                1 if got == 16 => {
                    let mut large = [0u8; 8];
                    large.copy_from_slice(&head[8..16]);
                    (u64::from_be_bytes(large), 16)
                }
                1 => return Ok(()),
                n => (u64::from(n), 8),
            };
            // A size below its own header would not move the cursor forward.
            if size < header {
                return Ok(());
            }
            let box_end = offset.checked_add(size).map_or(end, |e| e.min(end));
            let body = offset + header;
            if body > box_end {
                return Ok(());
            }
            self.visit(kind, parent, body, box_end)?;
            if &kind == b"moov" && parent == *b"\0\0\0\0" {
                // Everything needed lives in the first `moov`.
                return Ok(());
            }
            offset = box_end;
        }
        Ok(())
    }

    fn visit(&mut self, kind: [u8; 4], parent: [u8; 4], body: u64, end: u64) -> io::Result<()> {
        match (&kind, &parent) {
            (b"moov", b"\0\0\0\0") => {
                self.facts.found_moov = true;
                self.level(body, end, kind)?;
            }
            (b"trak", b"moov") => {
                self.track = Track::default();
                self.level(body, end, kind)?;
                self.finish_track();
            }
            (b"mvex", b"moov") => {
                self.fragmented = true;
                self.level(body, end, kind)?;
            }
            (b"mdia", b"trak") | (b"minf", b"mdia") | (b"stbl", b"minf") => {
                self.level(body, end, kind)?;
            }
            (b"mvhd", b"moov") => self.mvhd(body, end)?,
            (b"mehd", b"mvex") => {
                let mut buf = [0u8; 12];
                let got = self.payload(body, end, &mut buf)?;
                self.fragment_duration = if buf[0] == 1 && got >= 12 {
                    Some(be_u64(&buf, 4))
                } else if got >= 8 {
                    Some(u64::from(be_u32(&buf, 4)))
                } else {
                    None
                };
            }
            (b"tkhd", b"trak") => {
                let mut buf = [0u8; 96];
                let got = self.payload(body, end, &mut buf)?;
                let at = if buf[0] == 1 { 88 } else { 76 };
                if got >= at + 8 {
                    // 16.16 fixed point.
                    self.track.size = Some((be_u32(&buf, at) >> 16, be_u32(&buf, at + 4) >> 16));
                }
            }
            (b"hdlr", b"mdia") => {
                let mut buf = [0u8; 12];
                if self.payload(body, end, &mut buf)? == 12 {
                    self.track.handler = Some([buf[8], buf[9], buf[10], buf[11]]);
                }
            }
            (b"stsd", b"stbl") => {
                // Full-box header, entry count, then the first entry's size and type.
                let mut buf = [0u8; 16];
                if self.payload(body, end, &mut buf)? == 16 {
                    self.track.sample_entry = Some([buf[12], buf[13], buf[14], buf[15]]);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn payload(&mut self, body: u64, end: u64, buf: &mut [u8]) -> io::Result<usize> {
        let room = usize::try_from(end - body)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let (head, _) = buf.split_at_mut(room);
        read_at(self.reader, body, head)
    }

    fn mvhd(&mut self, body: u64, end: u64) -> io::Result<()> {
        let mut buf = [0u8; 32];
        let got = self.payload(body, end, &mut buf)?;
        if buf[0] == 1 {
            if got >= 32 {
                self.timescale = be_u32(&buf, 20);
                let d = be_u64(&buf, 24);
                self.movie_duration = (d != u64::MAX).then_some(d);
            }
        } else if got >= 20 {
            self.timescale = be_u32(&buf, 12);
            let d = be_u32(&buf, 16);
            self.movie_duration = (d != u32::MAX).then_some(u64::from(d));
        }
        Ok(())
    }

    fn finish_track(&mut self) {
        let track = std::mem::take(&mut self.track);
        let codec = track.sample_entry.map(codec_of);
        match track.handler.as_ref() {
            Some(b"vide") => {
                if !self.facts.has_video {
                    self.facts.video_codec = codec;
                    if let Some((w, h)) = track.size.filter(|&(w, h)| w > 0 && h > 0) {
                        self.facts.width = Some(w);
                        self.facts.height = Some(h);
                    }
                }
                self.facts.has_video = true;
            }
            Some(b"soun") => {
                if !self.facts.has_audio {
                    self.facts.audio_codec = codec;
                }
                self.facts.has_audio = true;
            }
            _ => {}
        }
    }
}

fn codec_of(entry: [u8; 4]) -> Codec {
    match &entry {
        b"avc1" | b"avc3" => Codec::H264,
        b"hvc1" | b"hev1" => Codec::H265,
        b"av01" => Codec::Av1,
        b"vp09" => Codec::Vp9,
        b"mp4v" => Codec::Mpeg4Visual,
        b"s263" | b"h263" => Codec::H263,
        b"apch" | b"apcn" | b"apcs" | b"apco" | b"ap4h" | b"ap4x" => Codec::ProRes,
        // `mp4a` can in theory carry MP3 too (object type in `esds`); AAC is the norm.
        b"mp4a" => Codec::Aac,
        b".mp3" => Codec::Mp3,
        b"Opus" | b"opus" => Codec::Opus,
        b"ac-3" => Codec::Ac3,
        b"ec-3" => Codec::Eac3,
        b"alac" => Codec::Alac,
        b"samr" | b"sawb" => Codec::Amr,
        b"sowt" | b"twos" | b"lpcm" | b"ipcm" | b"in24" | b"in32" | b"fl32" => Codec::Pcm,
        _ => Codec::Other(entry),
    }
}

fn be_u32(b: &[u8], at: usize) -> u32 {
    let mut v = [0u8; 4];
    if let Some(s) = b.get(at..at + 4) {
        v.copy_from_slice(s);
    }
    u32::from_be_bytes(v)
}

fn be_u64(b: &[u8], at: usize) -> u64 {
    let mut v = [0u8; 8];
    if let Some(s) = b.get(at..at + 8) {
        v.copy_from_slice(s);
    }
    u64::from_be_bytes(v)
}
