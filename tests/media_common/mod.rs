//! Builders for tiny but structurally real media files; nothing binary is committed.
#![allow(dead_code)]

#[path = "../common/mod.rs"]
mod common;

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write test file");
    path
}

/// Writes `bytes` and then grows the file to `len` with a hole (no disk used).
pub fn write_sparse(dir: &Path, name: &str, bytes: &[u8], len: u64) -> PathBuf {
    let path = write(dir, name, bytes);
    let file = File::options().write(true).open(&path).expect("open");
    file.set_len(len).expect("set_len");
    path
}

pub fn jpeg(width: u16, height: u16) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8];
    // APP0 JFIF.
    v.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x10]);
    v.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    // A large APP1 so the frame header sits past the first 4 KiB.
    v.extend_from_slice(&[0xFF, 0xE1, 0x20, 0x00]);
    v.extend(std::iter::repeat_n(0u8, 0x2000 - 2));
    // Fill byte before a marker is legal.
    v.push(0xFF);
    // SOF2 (progressive).
    v.extend_from_slice(&[0xFF, 0xC2, 0x00, 0x11, 0x08]);
    v.extend_from_slice(&height.to_be_bytes());
    v.extend_from_slice(&width.to_be_bytes());
    v.extend_from_slice(&[3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1]);
    v.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9]);
    v
}

pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend_from_slice(&13u32.to_be_bytes());
    v.extend_from_slice(b"IHDR");
    v.extend_from_slice(&width.to_be_bytes());
    v.extend_from_slice(&height.to_be_bytes());
    v.extend_from_slice(&[8, 6, 0, 0, 0]);
    v.extend_from_slice(&[0, 0, 0, 0]);
    v.extend_from_slice(&[0, 0, 0, 0]);
    v.extend_from_slice(b"IEND");
    v.extend_from_slice(&[0xAE, 0x42, 0x60, 0x82]);
    v
}

fn gif_frame(v: &mut Vec<u8>) {
    v.extend_from_slice(&[0x21, 0xF9, 0x04, 0x00, 0x0A, 0x00, 0x00, 0x00]);
    v.extend_from_slice(&[0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0x00]);
    v.extend_from_slice(&[0x02, 0x02, 0x44, 0x01, 0x00]);
}

/// `frames` image blocks; `looping` adds the NETSCAPE2.0 extension.
pub fn gif(frames: usize, looping: bool) -> Vec<u8> {
    let mut v = b"GIF89a".to_vec();
    v.extend_from_slice(&[10, 0, 20, 0, 0x80, 0, 0]);
    v.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
    if looping {
        v.extend_from_slice(&[0x21, 0xFF, 0x0B]);
        v.extend_from_slice(b"NETSCAPE2.0");
        v.extend_from_slice(&[0x03, 0x01, 0x00, 0x00, 0x00]);
    }
    for _ in 0..frames {
        gif_frame(&mut v);
    }
    v.push(0x3B);
    v
}

fn riff_webp(chunk: &[u8], data: &[u8]) -> Vec<u8> {
    let mut v = b"RIFF".to_vec();
    v.extend_from_slice(&((4 + 8 + data.len()) as u32).to_le_bytes());
    v.extend_from_slice(b"WEBP");
    v.extend_from_slice(chunk);
    v.extend_from_slice(&(data.len() as u32).to_le_bytes());
    v.extend_from_slice(data);
    v
}

pub fn webp_vp8x(width: u32, height: u32, animated: bool) -> Vec<u8> {
    let mut d = vec![if animated { 0x12 } else { 0x10 }, 0, 0, 0];
    d.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
    d.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
    riff_webp(b"VP8X", &d)
}

pub fn webp_vp8l(width: u32, height: u32) -> Vec<u8> {
    let bits = (width - 1) | ((height - 1) << 14);
    let mut d = vec![0x2F];
    d.extend_from_slice(&bits.to_le_bytes());
    riff_webp(b"VP8L", &d)
}

pub fn webp_vp8(width: u16, height: u16) -> Vec<u8> {
    let mut d = vec![0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A];
    d.extend_from_slice(&width.to_le_bytes());
    d.extend_from_slice(&height.to_le_bytes());
    riff_webp(b"VP8 ", &d)
}

pub fn mp4_box(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut v = ((8 + payload.len()) as u32).to_be_bytes().to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(payload);
    v
}

pub fn ftyp(major: &[u8; 4]) -> Vec<u8> {
    let mut p = major.to_vec();
    p.extend_from_slice(&[0, 0, 2, 0]);
    p.extend_from_slice(b"isomiso2mp41");
    mp4_box(b"ftyp", &p)
}

pub fn mvhd(version: u8, timescale: u32, duration: u64) -> Vec<u8> {
    let mut p = vec![version, 0, 0, 0];
    if version == 1 {
        p.extend_from_slice(&[0; 16]);
        p.extend_from_slice(&timescale.to_be_bytes());
        p.extend_from_slice(&duration.to_be_bytes());
    } else {
        p.extend_from_slice(&[0; 8]);
        p.extend_from_slice(&timescale.to_be_bytes());
        p.extend_from_slice(&(duration as u32).to_be_bytes());
    }
    p.extend_from_slice(&[0; 80]);
    mp4_box(b"mvhd", &p)
}

pub fn trak(handler: &[u8; 4], entry: &[u8; 4], size: (u32, u32)) -> Vec<u8> {
    let mut tkhd = vec![0u8; 4 + 72];
    tkhd.extend_from_slice(&(size.0 << 16).to_be_bytes());
    tkhd.extend_from_slice(&(size.1 << 16).to_be_bytes());
    let mut hdlr = vec![0u8; 8];
    hdlr.extend_from_slice(handler);
    hdlr.extend_from_slice(&[0; 13]);
    let mut stsd = vec![0, 0, 0, 0, 0, 0, 0, 1];
    stsd.extend_from_slice(&mp4_box(entry, &[0; 16]));
    let stbl = mp4_box(b"stbl", &mp4_box(b"stsd", &stsd));
    let minf = mp4_box(b"minf", &stbl);
    let mut mdia = mp4_box(b"hdlr", &hdlr);
    mdia.extend_from_slice(&minf);
    let mut t = mp4_box(b"tkhd", &tkhd);
    t.extend_from_slice(&mp4_box(b"mdia", &mdia));
    mp4_box(b"trak", &t)
}

pub fn moov(version: u8, timescale: u32, duration: u64, video: &[u8; 4]) -> Vec<u8> {
    let mut m = mvhd(version, timescale, duration);
    m.extend_from_slice(&trak(b"vide", video, (1280, 720)));
    m.extend_from_slice(&trak(b"soun", b"mp4a", (0, 0)));
    mp4_box(b"moov", &m)
}

/// ftyp, a small mdat, then moov (the usual layout of a camera file).
pub fn mp4(version: u8, timescale: u32, duration: u64) -> Vec<u8> {
    let mut v = ftyp(b"isom");
    v.extend_from_slice(&mp4_box(b"mdat", &[0xAB; 64]));
    v.extend_from_slice(&moov(version, timescale, duration, b"avc1"));
    v
}

/// ftyp, a 64-bit `mdat` of `mdat_len` bytes left as a hole, then moov at the end.
pub fn write_mp4_with_huge_mdat(dir: &Path, name: &str, mdat_len: u64, moov: &[u8]) -> PathBuf {
    let mut head = ftyp(b"mp42");
    head.extend_from_slice(&1u32.to_be_bytes());
    head.extend_from_slice(b"mdat");
    head.extend_from_slice(&(mdat_len + 16).to_be_bytes());
    let path = write(dir, name, &head);
    let mut file = File::options().write(true).open(&path).expect("open");
    let moov_at = head.len() as u64 + mdat_len;
    file.seek(SeekFrom::Start(moov_at)).expect("seek");
    file.write_all(moov).expect("write moov");
    path
}

/// A fixture project copied into `<tmp>/shop`, so that `<tmp>` is outside its root.
pub struct TempProject {
    /// Holds the folder alive; dropped at the end of the test.
    pub dir: tempfile::TempDir,
    /// `<tmp>/shop`, the project root.
    pub root: PathBuf,
}

impl TempProject {
    /// Copies `fixtures/<name>` into a fresh temporary folder.
    pub fn new(name: &str) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("shop");
        let from = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(name);
        copy_dir(&from, &root);
        std::fs::create_dir_all(root.join("media")).expect("mkdir media");
        TempProject { dir, root }
    }

    /// The folder that holds the project (outside its root).
    pub fn outside(&self) -> &Path {
        self.dir.path()
    }

    /// The project's `media/` folder.
    pub fn media(&self) -> PathBuf {
        self.root.join("media")
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    let mut entries: Vec<_> = std::fs::read_dir(from)
        .expect("read fixture")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

/// Makes a named pipe; opening it for reading without a writer would block forever.
#[cfg(unix)]
pub fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).expect("c path");
    // SAFETY: c_path is a valid NUL-terminated string that outlives the call.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o644) }, 0);
}

/// A check report rendered as the CLI prints it (human without colour, and json).
pub struct Report {
    pub human: String,
    pub json: String,
    pub value: serde_json::Value,
}

impl Report {
    /// (rule, file, span text) of every diagnostic, in output order.
    pub fn findings(&self, root: &Path) -> Vec<(String, String, String)> {
        let empty = Vec::new();
        let list = self.value["diagnostics"].as_array().unwrap_or(&empty);
        list.iter()
            .map(|d| {
                let file = d["file"].as_str().unwrap_or("").to_string();
                let text = std::fs::read_to_string(root.join(&file)).unwrap_or_default();
                let at = |k: &str| d[k].as_u64().unwrap_or(0) as usize;
                // Spans of media findings sit on one line; columns count chars from 1.
                let line = text.lines().nth(at("line").saturating_sub(1)).unwrap_or("");
                let span: String = if at("line") == at("end_line") {
                    line.chars()
                        .skip(at("column").saturating_sub(1))
                        .take(at("end_column").saturating_sub(at("column")))
                        .collect()
                } else {
                    "<several lines>".to_string()
                };
                (d["rule"].as_str().unwrap_or("").to_string(), file, span)
            })
            .collect()
    }

    /// The rule codes reported, in output order.
    pub fn codes(&self) -> Vec<String> {
        let empty = Vec::new();
        let list = self.value["diagnostics"].as_array().unwrap_or(&empty);
        list.iter()
            .map(|d| d["rule"].as_str().unwrap_or("").to_string())
            .collect()
    }
}

/// Runs `camplint check` in-process on `root`, reporting only on `paths` (root-relative).
pub fn check_dir(root: &Path, paths: &[&str]) -> Report {
    let r = common::check_dir(root, paths);
    Report {
        human: r.human,
        value: r.value,
        json: r.json,
    }
}
