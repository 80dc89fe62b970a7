//! Media attachments: what a file really is (by content, never only by name) and whether
//! a channel accepts it.
//!
//! Three layers, each usable alone:
//! - [`probe`] looks at one file on disk without reading more than a few kilobytes of it;
//! - [`limits`] holds every platform figure in one table, overridable from `camplint.toml`;
//! - [`check_attachments`] is a pure function from probed attachments to findings.

mod check;
pub mod limits;
mod mp4;
mod probe;
mod read;
mod sniff;
mod units;
mod words;

pub use check::{check_attachments, Attachment, MediaFinding, MediaRule};
pub use limits::{ChannelLimits, KindLimits, LimitKind, LimitsOverride, LimitsTable, MediaChannel};
pub use probe::{extension_format, probe, resolve_attachment, ProbeError, Resolver, SpecialFile};
pub use sniff::sniff;
pub use units::{ByteSize, MediaDuration};

use schemars::JsonSchema;
use serde::Deserialize;

/// What a probed file is, as far as its first kilobytes and its container headers tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaInfo {
    /// Size in bytes, from the file system (never by reading the file).
    pub size: u64,
    /// Broad content kind, which decides which limits apply.
    pub kind: MediaKind,
    /// Container or file format found by magic bytes.
    pub format: Format,
    /// Pixel width, when the header says it (images, WebP canvas).
    pub width: Option<u32>,
    /// Pixel height, when the header says it.
    pub height: Option<u32>,
    /// Playing time in milliseconds (MP4/MOV/3GP from `mvhd`).
    pub duration_ms: Option<u64>,
    /// Codec of the first video track, when the container names it.
    pub video_codec: Option<Codec>,
    /// Codec of the first audio track, when the container names it.
    pub audio_codec: Option<Codec>,
    /// The format the file name's extension claims, if it names one.
    pub named_as: Option<Format>,
}

impl MediaInfo {
    /// Plain words for what the file is, e.g. "animated GIF", "MP4 audio", "PNG image".
    pub fn describe(&self) -> &'static str {
        match (self.format, self.kind) {
            (Format::Gif, MediaKind::AnimatedImage) => "animated GIF",
            (Format::WebP, MediaKind::AnimatedImage) => "animated WebP image",
            (Format::Mp4, MediaKind::Audio) => "MP4 audio",
            (Format::Mov, MediaKind::Audio) => "QuickTime audio",
            (Format::ThreeGp, MediaKind::Audio) => "3GP audio",
            (Format::OggOther, MediaKind::Video) => "Ogg video",
            (format, _) => format.name(),
        }
    }

    /// Whether the extension names a different format than the content, e.g. a PNG in `.jpg`.
    pub fn extension_lies(&self) -> bool {
        match self.named_as {
            Some(named) => !named.same_family(self.format),
            None => false,
        }
    }
}

/// Broad kind of content; a channel's limits are per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MediaKind {
    /// A still picture (JPEG, PNG, static GIF, static WebP, ...).
    Image,
    /// A picture with several frames: animated GIF or animated WebP.
    AnimatedImage,
    /// A video container (MP4, MOV, 3GP, WebM, ...).
    Video,
    /// Sound only (MP3, AAC, Ogg, AMR, audio-only MP4, ...).
    Audio,
    /// PDF, Office files, plain text and other documents.
    Document,
    /// Empty or unrecognised content.
    Unknown,
}

/// File format recognised by its magic bytes. Config files name it by its `id()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
pub enum Format {
    /// JPEG image.
    #[serde(rename = "jpeg")]
    Jpeg,
    /// PNG image.
    #[serde(rename = "png")]
    Png,
    /// GIF image, static or animated.
    #[serde(rename = "gif")]
    Gif,
    /// WebP image, static or animated.
    #[serde(rename = "webp")]
    WebP,
    /// BMP bitmap.
    #[serde(rename = "bmp")]
    Bmp,
    /// TIFF image.
    #[serde(rename = "tiff")]
    Tiff,
    /// HEIC/HEIF image (iPhone photos).
    #[serde(rename = "heic")]
    Heic,
    /// AVIF image.
    #[serde(rename = "avif")]
    Avif,
    /// MP4 (ISO base media) file.
    #[serde(rename = "mp4")]
    Mp4,
    /// QuickTime movie.
    #[serde(rename = "mov")]
    Mov,
    /// 3GPP file.
    #[serde(rename = "3gp")]
    ThreeGp,
    /// 3GPP2 file.
    #[serde(rename = "3g2")]
    ThreeG2,
    /// MPEG-4 audio file (`M4A` brand).
    #[serde(rename = "m4a")]
    M4a,
    /// WebM video.
    #[serde(rename = "webm")]
    WebM,
    /// Matroska video.
    #[serde(rename = "mkv")]
    Matroska,
    /// AVI video.
    #[serde(rename = "avi")]
    Avi,
    /// MP3 audio.
    #[serde(rename = "mp3")]
    Mp3,
    /// AAC audio in ADTS framing.
    #[serde(rename = "aac")]
    Aac,
    /// Ogg with Opus audio.
    #[serde(rename = "ogg-opus")]
    OggOpus,
    /// Ogg with anything but Opus (Vorbis, Theora, ...).
    #[serde(rename = "ogg")]
    OggOther,
    /// AMR speech audio.
    #[serde(rename = "amr")]
    Amr,
    /// WAV audio.
    #[serde(rename = "wav")]
    Wav,
    /// FLAC audio.
    #[serde(rename = "flac")]
    Flac,
    /// PDF document.
    #[serde(rename = "pdf")]
    Pdf,
    /// Word document (.docx).
    #[serde(rename = "docx")]
    Docx,
    /// Excel workbook (.xlsx).
    #[serde(rename = "xlsx")]
    Xlsx,
    /// PowerPoint presentation (.pptx).
    #[serde(rename = "pptx")]
    Pptx,
    /// Office 97-2003 file (.doc, .xls, .ppt; OLE container).
    #[serde(rename = "office-legacy")]
    OfficeLegacy,
    /// OpenDocument file (.odt, .ods, .odp).
    #[serde(rename = "opendocument")]
    OpenDocument,
    /// Any other ZIP archive.
    #[serde(rename = "zip")]
    Zip,
    /// Plain UTF-8 text.
    #[serde(rename = "text")]
    Text,
    /// A file of zero bytes.
    #[serde(skip)]
    Empty,
    /// Content that matches no known signature.
    #[serde(skip)]
    Unknown,
}

impl Format {
    /// Plain name for messages, e.g. "JPEG image", "MP4 video".
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG image",
            Format::Png => "PNG image",
            Format::Gif => "GIF image",
            Format::WebP => "WebP image",
            Format::Bmp => "BMP image",
            Format::Tiff => "TIFF image",
            Format::Heic => "HEIC image",
            Format::Avif => "AVIF image",
            Format::Mp4 => "MP4 video",
            Format::Mov => "QuickTime (MOV) video",
            Format::ThreeGp => "3GP video",
            Format::ThreeG2 => "3G2 video",
            Format::M4a => "M4A audio",
            Format::WebM => "WebM video",
            Format::Matroska => "Matroska (MKV) video",
            Format::Avi => "AVI video",
            Format::Mp3 => "MP3 audio",
            Format::Aac => "AAC audio",
            Format::OggOpus => "Ogg Opus audio",
            Format::OggOther => "Ogg audio (not Opus)",
            Format::Amr => "AMR audio",
            Format::Wav => "WAV audio",
            Format::Flac => "FLAC audio",
            Format::Pdf => "PDF document",
            Format::Docx => "Word document",
            Format::Xlsx => "Excel workbook",
            Format::Pptx => "PowerPoint presentation",
            Format::OfficeLegacy => "Office 97-2003 document",
            Format::OpenDocument => "OpenDocument file",
            Format::Zip => "ZIP archive",
            Format::Text => "plain-text file",
            Format::Empty => "empty file",
            Format::Unknown => "file of unknown type",
        }
    }

    /// Short label used in lists of accepted formats, e.g. "JPEG", "MP4".
    pub fn short(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::Gif => "GIF",
            Format::WebP => "WebP",
            Format::Bmp => "BMP",
            Format::Tiff => "TIFF",
            Format::Heic => "HEIC",
            Format::Avif => "AVIF",
            Format::Mp4 => "MP4",
            Format::Mov => "MOV",
            Format::ThreeGp => "3GP",
            Format::ThreeG2 => "3G2",
            Format::M4a => "M4A",
            Format::WebM => "WebM",
            Format::Matroska => "MKV",
            Format::Avi => "AVI",
            Format::Mp3 => "MP3",
            Format::Aac => "AAC",
            Format::OggOpus => "Ogg Opus",
            Format::OggOther => "Ogg",
            Format::Amr => "AMR",
            Format::Wav => "WAV",
            Format::Flac => "FLAC",
            Format::Pdf => "PDF",
            Format::Docx => "Word (.docx)",
            Format::Xlsx => "Excel (.xlsx)",
            Format::Pptx => "PowerPoint (.pptx)",
            Format::OfficeLegacy => "Office 97-2003",
            Format::OpenDocument => "OpenDocument",
            Format::Zip => "ZIP",
            Format::Text => "plain text",
            Format::Empty => "empty",
            Format::Unknown => "unknown",
        }
    }

    /// Whether a file named for `self` holding `other` is honest enough to stay silent.
    ///
    /// The families are what the platforms treat alike: a `.ogg` holding Opus, a `.mp4`
    /// holding a QuickTime-branded movie or audio only, a `.doc` that is really `.docx`
    /// is still "an Office document" to a person.
    pub fn same_family(self, other: Format) -> bool {
        fn family(f: Format) -> u8 {
            match f {
                Format::Mp4 | Format::Mov | Format::M4a | Format::ThreeGp | Format::ThreeG2 => 1,
                Format::OggOpus | Format::OggOther => 2,
                Format::WebM | Format::Matroska => 3,
                Format::Docx | Format::Xlsx | Format::Pptx | Format::OfficeLegacy => 4,
                _ => 0,
            }
        }
        self == other || (family(self) != 0 && family(self) == family(other))
    }
}

/// Audio or video codec named by a container's sample description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
pub enum Codec {
    /// H.264 / AVC video.
    #[serde(rename = "h264")]
    H264,
    /// H.265 / HEVC video.
    #[serde(rename = "h265")]
    H265,
    /// AV1 video.
    #[serde(rename = "av1")]
    Av1,
    /// VP9 video.
    #[serde(rename = "vp9")]
    Vp9,
    /// MPEG-4 Part 2 video.
    #[serde(rename = "mpeg4")]
    Mpeg4Visual,
    /// H.263 video.
    #[serde(rename = "h263")]
    H263,
    /// Apple ProRes video.
    #[serde(rename = "prores")]
    ProRes,
    /// AAC audio (any `mp4a` sample entry).
    #[serde(rename = "aac")]
    Aac,
    /// MP3 audio.
    #[serde(rename = "mp3")]
    Mp3,
    /// Opus audio.
    #[serde(rename = "opus")]
    Opus,
    /// Dolby AC-3 audio.
    #[serde(rename = "ac3")]
    Ac3,
    /// Dolby E-AC-3 audio.
    #[serde(rename = "eac3")]
    Eac3,
    /// Apple Lossless audio.
    #[serde(rename = "alac")]
    Alac,
    /// AMR speech audio.
    #[serde(rename = "amr")]
    Amr,
    /// Uncompressed PCM audio.
    #[serde(rename = "pcm")]
    Pcm,
    /// Any other sample entry, by its four-character code.
    #[serde(skip)]
    Other([u8; 4]),
}

impl Codec {
    /// Plain name for messages, e.g. "H.265 (HEVC)".
    pub fn name(self) -> String {
        let fixed = match self {
            Codec::H264 => "H.264",
            Codec::H265 => "H.265 (HEVC)",
            Codec::Av1 => "AV1",
            Codec::Vp9 => "VP9",
            Codec::Mpeg4Visual => "MPEG-4 Part 2",
            Codec::H263 => "H.263",
            Codec::ProRes => "Apple ProRes",
            Codec::Aac => "AAC",
            Codec::Mp3 => "MP3",
            Codec::Opus => "Opus",
            Codec::Ac3 => "Dolby AC-3",
            Codec::Eac3 => "Dolby E-AC-3",
            Codec::Alac => "Apple Lossless",
            Codec::Amr => "AMR",
            Codec::Pcm => "uncompressed PCM",
            Codec::Other(code) => {
                let text: String = code
                    .iter()
                    .map(|&b| {
                        if b.is_ascii_graphic() || b == b' ' {
                            b as char
                        } else {
                            '?'
                        }
                    })
                    .collect();
                return format!("`{}`", text.trim_end());
            }
        };
        fixed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_keep_container_siblings_together() {
        assert!(Format::Mp4.same_family(Format::Mov));
        assert!(Format::OggOpus.same_family(Format::OggOther));
        assert!(!Format::Jpeg.same_family(Format::Png));
        assert!(Format::Png.same_family(Format::Png));
    }

    #[test]
    fn other_codec_names_are_printable() {
        assert_eq!(Codec::Other(*b"ab\0 ").name(), "`ab?`");
        assert_eq!(Codec::H265.name(), "H.265 (HEVC)");
    }
}
