mod media_common;

use camplint::domain::media::{
    extension_format, probe, resolve_attachment, Codec, Format, MediaKind, ProbeError, SpecialFile,
};
use media_common::*;
use std::time::{Duration, Instant};

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

#[test]
fn jpeg_dimensions_come_from_a_frame_header_past_the_first_4k() {
    let dir = tmp();
    let info = probe(&write(dir.path(), "a.jpg", &jpeg(640, 480))).expect("probe");
    assert_eq!((info.format, info.kind), (Format::Jpeg, MediaKind::Image));
    assert_eq!((info.width, info.height), (Some(640), Some(480)));
    assert_eq!(info.named_as, Some(Format::Jpeg));
    assert!(!info.extension_lies());
}

#[test]
fn png_and_webp_dimensions() {
    let dir = tmp();
    let png = probe(&write(dir.path(), "a.png", &png(300, 200))).expect("probe");
    assert_eq!(
        (png.format, png.width, png.height),
        (Format::Png, Some(300), Some(200))
    );
    for (bytes, w, h, kind) in [
        (webp_vp8x(512, 512, false), 512, 512, MediaKind::Image),
        (
            webp_vp8x(512, 400, true),
            512,
            400,
            MediaKind::AnimatedImage,
        ),
        (webp_vp8l(800, 600), 800, 600, MediaKind::Image),
        (webp_vp8(1024, 768), 1024, 768, MediaKind::Image),
    ] {
        let info = probe(&write(dir.path(), "s.webp", &bytes)).expect("probe");
        assert_eq!(info.format, Format::WebP);
        assert_eq!(
            (info.width, info.height, info.kind),
            (Some(w), Some(h), kind)
        );
    }
}

#[test]
fn gif_static_and_animated() {
    let dir = tmp();
    let cases = [
        (gif(1, false), MediaKind::Image),
        (gif(1, true), MediaKind::AnimatedImage),
        (gif(3, false), MediaKind::AnimatedImage),
    ];
    for (bytes, kind) in cases {
        let info = probe(&write(dir.path(), "a.gif", &bytes)).expect("probe");
        assert_eq!((info.format, info.kind), (Format::Gif, kind));
        assert_eq!((info.width, info.height), (Some(10), Some(20)));
    }
    // A truncated first frame must not be read past the end or panic.
    let mut cut = gif(2, false);
    cut.truncate(30);
    let info = probe(&write(dir.path(), "cut.gif", &cut)).expect("probe");
    assert_eq!((info.format, info.kind), (Format::Gif, MediaKind::Image));
}

#[test]
fn mp4_duration_from_mvhd_after_mdat_in_both_versions() {
    let dir = tmp();
    for version in [0u8, 1] {
        for (secs, name) in [(141u64, "long.mp4"), (139, "short.mp4")] {
            let path = write(dir.path(), name, &mp4(version, 90_000, secs * 90_000));
            let info = probe(&path).expect("probe");
            assert_eq!((info.format, info.kind), (Format::Mp4, MediaKind::Video));
            assert_eq!(info.duration_ms, Some(secs * 1000), "version {version}");
            assert_eq!(info.video_codec, Some(Codec::H264));
            assert_eq!(info.audio_codec, Some(Codec::Aac));
            assert_eq!((info.width, info.height), (Some(1280), Some(720)));
        }
    }
}

#[test]
fn moov_after_a_3_gb_mdat_is_found_by_seeking() {
    let dir = tmp();
    let path = write_mp4_with_huge_mdat(
        dir.path(),
        "big.mp4",
        3_000_000_000,
        &moov(1, 1000, 141_500, b"hvc1"),
    );
    let started = Instant::now();
    let info = probe(&path).expect("probe");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(info.size > 3_000_000_000);
    assert_eq!(info.duration_ms, Some(141_500));
    assert_eq!(info.video_codec, Some(Codec::H265));
}

#[test]
fn brands_decide_mov_3gp_m4a_and_heic() {
    let dir = tmp();
    let cases: [(&[u8; 4], Format, MediaKind); 4] = [
        (b"qt  ", Format::Mov, MediaKind::Video),
        (b"3gp5", Format::ThreeGp, MediaKind::Video),
        (b"M4A ", Format::M4a, MediaKind::Audio),
        (b"heic", Format::Heic, MediaKind::Image),
    ];
    for (brand, format, kind) in cases {
        let info = probe(&write(dir.path(), "f.bin", &ftyp(brand))).expect("probe");
        assert_eq!((info.format, info.kind), (format, kind), "{brand:?}");
        assert_eq!(info.duration_ms, None);
    }
    // An MP4 with only a sound track is audio.
    let mut audio = ftyp(b"isom");
    let mut m = mvhd(0, 44_100, 44_100 * 30);
    m.extend_from_slice(&trak(b"soun", b"mp4a", (0, 0)));
    audio.extend_from_slice(&mp4_box(b"moov", &m));
    let info = probe(&write(dir.path(), "a.mp4", &audio)).expect("probe");
    assert_eq!(
        (info.kind, info.duration_ms),
        (MediaKind::Audio, Some(30_000))
    );
    assert_eq!(info.describe(), "MP4 audio");
}

#[test]
fn audio_and_document_signatures() {
    let dir = tmp();
    let mut id3 = b"ID3\x04\x00\x00\x00\x00\x01\x00".to_vec();
    id3.extend_from_slice(&[0; 128]);
    id3.extend_from_slice(&[0xFF, 0xFB, 0x90, 0x64]);
    let mut opus = b"OggS\0\x02".to_vec();
    opus.extend_from_slice(&[0; 20]);
    opus.push(1);
    opus.push(19);
    opus.extend_from_slice(b"OpusHead\x01\x02");
    let mut vorbis = opus.clone();
    vorbis.truncate(28);
    vorbis.extend_from_slice(b"\x01vorbis");
    let mut docx = b"PK\x03\x04".to_vec();
    docx.extend_from_slice(&[0; 26]);
    docx.extend_from_slice(b"[Content_Types].xml....PK\x03\x04....word/document.xml");
    let cases: Vec<(Vec<u8>, Format, MediaKind)> = vec![
        (id3, Format::Mp3, MediaKind::Audio),
        (
            vec![0xFF, 0xFB, 0x90, 0x64, 0, 0],
            Format::Mp3,
            MediaKind::Audio,
        ),
        (
            vec![0xFF, 0xF1, 0x50, 0x80, 0, 0],
            Format::Aac,
            MediaKind::Audio,
        ),
        (opus, Format::OggOpus, MediaKind::Audio),
        (vorbis, Format::OggOther, MediaKind::Audio),
        (b"#!AMR\n\x3c".to_vec(), Format::Amr, MediaKind::Audio),
        (
            b"%PDF-1.7\n%\xe2\xe3".to_vec(),
            Format::Pdf,
            MediaKind::Document,
        ),
        (
            vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
            Format::OfficeLegacy,
            MediaKind::Document,
        ),
        (docx, Format::Docx, MediaKind::Document),
        (
            "Saldi! 20% di sconto".as_bytes().to_vec(),
            Format::Text,
            MediaKind::Document,
        ),
        (
            b"\x1aE\xdf\xa3\x9fB\x82\x84webm".to_vec(),
            Format::WebM,
            MediaKind::Video,
        ),
    ];
    for (bytes, format, kind) in cases {
        let info = probe(&write(dir.path(), "x.bin", &bytes)).expect("probe");
        assert_eq!((info.format, info.kind), (format, kind));
    }
}

#[test]
fn a_png_named_jpg_is_seen_for_what_it_is() {
    let dir = tmp();
    let info = probe(&write(dir.path(), "promo.JPG", &png(10, 10))).expect("probe");
    assert_eq!(info.format, Format::Png);
    assert_eq!(info.named_as, Some(Format::Jpeg));
    assert!(info.extension_lies());
    assert_eq!(extension_format("a/b.Mp4".as_ref()), Some(Format::Mp4));
    assert_eq!(extension_format("noext".as_ref()), None);
}

#[test]
fn sparse_files_are_sized_from_metadata() {
    let dir = tmp();
    let img = write_sparse(dir.path(), "big.jpg", &jpeg(10, 10), 5_000_001);
    assert_eq!(probe(&img).expect("probe").size, 5_000_001);
    let vid = write_sparse(dir.path(), "big.mp4", &mp4(0, 600, 600 * 10), 16_000_001);
    let info = probe(&vid).expect("probe");
    assert_eq!((info.size, info.format), (16_000_001, Format::Mp4));
}

#[test]
fn garbage_truncated_and_empty_files_do_not_panic() {
    let dir = tmp();
    let empty = probe(&write(dir.path(), "e.jpg", b"")).expect("probe");
    assert_eq!(
        (empty.format, empty.kind),
        (Format::Empty, MediaKind::Unknown)
    );
    let mut noise = Vec::new();
    let mut x: u32 = 0x1234_5678;
    for _ in 0..10_000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        noise.push((x >> 24) as u8 | 0x80);
    }
    let info = probe(&write(dir.path(), "n.bin", &noise)).expect("probe");
    assert_eq!(info.kind, MediaKind::Unknown);
    // Every prefix of every sample must probe without panicking.
    let samples = [
        jpeg(5, 5),
        png(5, 5),
        gif(2, true),
        webp_vp8x(5, 5, true),
        mp4(1, 1000, 5000),
    ];
    for sample in &samples {
        for cut in (0..sample.len()).step_by(7) {
            let path = write(dir.path(), "t.bin", &sample[..cut]);
            assert!(probe(&path).is_ok());
        }
    }
    let only_soi = probe(&write(dir.path(), "s.jpg", &[0xFF, 0xD8, 0xFF])).expect("probe");
    assert_eq!((only_soi.format, only_soi.width), (Format::Jpeg, None));
}

#[test]
fn crafted_box_sizes_cannot_loop_or_overflow() {
    let dir = tmp();
    // size 1 with a largesize near u64::MAX, then a moov that must not be reached.
    let mut huge = ftyp(b"isom");
    huge.extend_from_slice(&1u32.to_be_bytes());
    huge.extend_from_slice(b"mdat");
    huge.extend_from_slice(&u64::MAX.to_be_bytes());
    huge.extend_from_slice(&moov(0, 1000, 5000, b"avc1"));
    let info = probe(&write(dir.path(), "huge.mp4", &huge)).expect("probe");
    assert_eq!((info.format, info.duration_ms), (Format::Mp4, None));

    // size 1 with a largesize smaller than its own header, and sizes 0..7.
    for bad in [
        &[0, 0, 0, 1, b'f', b'r', b'e', b'e', 0, 0, 0, 0, 0, 0, 0, 8][..],
        &[0, 0, 0, 4, b'f', b'r', b'e', b'e'],
    ] {
        let mut v = ftyp(b"isom");
        v.extend_from_slice(bad);
        v.extend_from_slice(&moov(0, 1000, 5000, b"avc1"));
        let info = probe(&write(dir.path(), "bad.mp4", &v)).expect("probe");
        assert_eq!(info.duration_ms, None);
    }

    // A moov stuffed with 100,000 empty boxes stops at the box budget, quickly.
    let mut stuffing = Vec::with_capacity(800_000);
    for _ in 0..100_000 {
        stuffing.extend_from_slice(&mp4_box(b"free", &[]));
    }
    stuffing.extend_from_slice(&mvhd(0, 1000, 5000));
    let mut v = ftyp(b"isom");
    v.extend_from_slice(&mp4_box(b"moov", &stuffing));
    let started = Instant::now();
    let info = probe(&write(dir.path(), "stuffed.mp4", &v)).expect("probe");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(info.duration_ms, None);

    // A moov whose last child has size 0 (to the end) still yields the duration.
    let mut m = mvhd(0, 1000, 7000);
    m.extend_from_slice(&[0, 0, 0, 0, b'f', b'r', b'e', b'e']);
    let mut v = ftyp(b"isom");
    v.extend_from_slice(&mp4_box(b"moov", &m));
    let info = probe(&write(dir.path(), "zero.mp4", &v)).expect("probe");
    assert_eq!(info.duration_ms, Some(7000));

    // Zero timescale and the all-ones "unknown" duration give no duration.
    for m in [
        mvhd(0, 0, 5000),
        mvhd(0, 1000, u64::from(u32::MAX)),
        mvhd(1, 1000, u64::MAX),
    ] {
        let mut v = ftyp(b"isom");
        v.extend_from_slice(&mp4_box(b"moov", &m));
        let info = probe(&write(dir.path(), "odd.mp4", &v)).expect("probe");
        assert_eq!(info.duration_ms, None);
    }
}

#[test]
fn directories_and_missing_files_are_refused() {
    let dir = tmp();
    assert_eq!(
        probe(dir.path()),
        Err(ProbeError::NotRegularFile(SpecialFile::Directory))
    );
    assert_eq!(
        probe(&dir.path().join("nope.jpg")),
        Err(ProbeError::NotFound)
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_being_opened() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tmp();
    let path = dir.path().join("pipe.jpg");
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).expect("c path");
    // SAFETY: c_path is a valid NUL-terminated string that outlives the call.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o644) }, 0);
    let (tx, rx) = std::sync::mpsc::channel();
    let probe_path = path.clone();
    std::thread::spawn(move || {
        let _ = tx.send(probe(&probe_path));
    });
    // Opening a FIFO for reading with no writer would block forever.
    let result = rx
        .recv_timeout(Duration::from_secs(5))
        .expect("probe blocked on a FIFO");
    assert_eq!(result, Err(ProbeError::NotRegularFile(SpecialFile::Fifo)));
}

#[cfg(unix)]
#[test]
fn attachment_paths_must_stay_inside_the_root() {
    let outer = tmp();
    let root = outer.path().join("project");
    let drafts = root.join("messages/bf");
    std::fs::create_dir_all(&drafts).expect("mkdir");
    std::fs::create_dir_all(root.join("media")).expect("mkdir");
    write(&root.join("media"), "promo.png", &png(1, 1));
    write(outer.path(), "secret.png", &png(1, 1));
    std::os::unix::fs::symlink(outer.path().join("secret.png"), root.join("media/link.png"))
        .expect("symlink");

    let ok = resolve_attachment(&root, &drafts, "../../media/promo.png").expect("inside");
    assert!(ok.ends_with("media/promo.png"));
    assert_eq!(
        resolve_attachment(&root, &drafts, "../../../secret.png"),
        Err(ProbeError::OutsideRoot)
    );
    assert_eq!(
        resolve_attachment(&root, &drafts, "../../media/link.png"),
        Err(ProbeError::OutsideRoot)
    );
    assert_eq!(
        resolve_attachment(&root, &drafts, "/etc/passwd"),
        Err(ProbeError::OutsideRoot)
    );
    assert_eq!(
        resolve_attachment(&root, &drafts, "../../media/missing.png"),
        Err(ProbeError::NotFound)
    );
}
