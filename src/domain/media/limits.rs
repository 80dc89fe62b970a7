//! Every platform media figure, in one table, and the `[limits]` overrides of
//! `camplint.toml`.
//!
//! Sources (see `LIMITS.md`): Meta, WhatsApp Cloud API reference, "Supported media
//! types"; X Developer Platform, "Media best practices"; X Help Center, "How to post
//! photos, GIFs and videos".
//!
//! Units: sizes are decimal, 1 MB = 1,000,000 bytes and 1 KB = 1,000 bytes, as the
//! platforms write them. Where the platforms mean binary megabytes this is the stricter
//! reading (5,000,000 < 5,242,880), which is the rule for conflicts. Overrides may say
//! `KiB`/`MiB`/`GiB` to mean binary units explicitly.
//!
//! Decisions:
//! - One draft is one message: a WhatsApp draft with two attachments is
//!   `media/too-many` rather than being split silently into two messages.
//! - `whatsapp-broadcast` starts from the effective `whatsapp` table (same app, same
//!   media rules), then applies its own section.
//! - `twitter-dm` takes X's per-type limits (the effective `twitter` table, including its
//!   overrides) but allows one attachment per direct message and has no alt text.
//! - A WebP sent on WhatsApp goes out as a sticker; on X it is an ordinary image.

use super::units::{ByteSize, MediaDuration};
use super::{Codec, Format, MediaInfo, MediaKind};
use schemars::JsonSchema;
use serde::Deserialize;

use super::units::{KB, MB};

/// A channel as far as media are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MediaChannel {
    /// WhatsApp Business Platform messages.
    Whatsapp,
    /// WhatsApp (Business) app broadcast lists.
    WhatsappBroadcast,
    /// Public X posts.
    Twitter,
    /// X direct messages.
    TwitterDm,
}

impl MediaChannel {
    /// Every channel, in a fixed order.
    pub const ALL: [MediaChannel; 4] = [
        MediaChannel::Whatsapp,
        MediaChannel::WhatsappBroadcast,
        MediaChannel::Twitter,
        MediaChannel::TwitterDm,
    ];

    /// The id used in `camplint.toml` (`"whatsapp-broadcast"`).
    pub fn id(self) -> &'static str {
        match self {
            MediaChannel::Whatsapp => "whatsapp",
            MediaChannel::WhatsappBroadcast => "whatsapp-broadcast",
            MediaChannel::Twitter => "twitter",
            MediaChannel::TwitterDm => "twitter-dm",
        }
    }

    /// Parses a channel id as written in campaigns.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.id() == id)
    }

    /// Who accepts or refuses the file, for messages ("WhatsApp", "X").
    pub fn platform(self) -> &'static str {
        match self {
            MediaChannel::Whatsapp | MediaChannel::WhatsappBroadcast => "WhatsApp",
            MediaChannel::Twitter => "X",
            MediaChannel::TwitterDm => "X direct messages",
        }
    }

    /// What one draft becomes on this channel ("WhatsApp message", "X post").
    pub fn unit(self) -> &'static str {
        match self {
            MediaChannel::Whatsapp | MediaChannel::WhatsappBroadcast => "WhatsApp message",
            MediaChannel::Twitter => "X post",
            MediaChannel::TwitterDm => "X direct message",
        }
    }

    /// `unit()` with its indefinite article ("a WhatsApp message", "an X post").
    pub fn a_unit(self) -> &'static str {
        match self {
            MediaChannel::Whatsapp | MediaChannel::WhatsappBroadcast => "a WhatsApp message",
            MediaChannel::Twitter => "an X post",
            MediaChannel::TwitterDm => "an X direct message",
        }
    }
}

/// A row of a channel's table: which content goes under which limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LimitKind {
    /// Still images.
    Image,
    /// Animated GIFs (X counts them apart from images).
    Gif,
    /// Videos.
    Video,
    /// Audio files.
    Audio,
    /// Documents.
    Document,
    /// Static WhatsApp stickers.
    Sticker,
    /// Animated WhatsApp stickers.
    AnimatedSticker,
}

impl LimitKind {
    /// The key used under `[limits.<channel>]`.
    pub fn id(self) -> &'static str {
        match self {
            LimitKind::Image => "image",
            LimitKind::Gif => "gif",
            LimitKind::Video => "video",
            LimitKind::Audio => "audio",
            LimitKind::Document => "document",
            LimitKind::Sticker => "sticker",
            LimitKind::AnimatedSticker => "animated-sticker",
        }
    }

    /// The content kind this row takes.
    pub fn content_kind(self) -> MediaKind {
        match self {
            LimitKind::Image | LimitKind::Sticker => MediaKind::Image,
            LimitKind::Gif | LimitKind::AnimatedSticker => MediaKind::AnimatedImage,
            LimitKind::Video => MediaKind::Video,
            LimitKind::Audio => MediaKind::Audio,
            LimitKind::Document => MediaKind::Document,
        }
    }

    /// Singular noun for messages ("image", "animated GIF").
    pub fn noun(self) -> &'static str {
        match self {
            LimitKind::Image => "image",
            LimitKind::Gif => "animated GIF",
            LimitKind::Video => "video",
            LimitKind::Audio => "audio file",
            LimitKind::Document => "document",
            LimitKind::Sticker => "sticker",
            LimitKind::AnimatedSticker => "animated sticker",
        }
    }

    /// Plural noun for messages ("images", "animated GIFs").
    pub fn plural(self) -> &'static str {
        match self {
            LimitKind::Image => "images",
            LimitKind::Gif => "animated GIFs",
            LimitKind::Video => "videos",
            LimitKind::Audio => "audio files",
            LimitKind::Document => "documents",
            LimitKind::Sticker => "stickers",
            LimitKind::AnimatedSticker => "animated stickers",
        }
    }
}

/// Limits for one row (e.g. WhatsApp images).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindLimits {
    /// Accepted containers, by content.
    pub formats: Vec<Format>,
    /// Largest accepted file, in bytes.
    pub max_size: u64,
    /// Longest accepted playing time, in milliseconds.
    pub max_duration_ms: Option<u64>,
    /// How many of this row one message/post may carry.
    pub max_count: u32,
    /// Accepted video codecs; empty accepts any.
    pub video_codecs: Vec<Codec>,
    /// Accepted audio codecs; empty accepts any.
    pub audio_codecs: Vec<Codec>,
    /// Required pixel size (WhatsApp stickers), when the header tells it.
    pub exact_px: Option<(u32, u32)>,
}

impl KindLimits {
    fn new(formats: &[Format], max_size: u64, max_count: u32) -> Self {
        KindLimits {
            formats: formats.to_vec(),
            max_size,
            max_duration_ms: None,
            max_count,
            video_codecs: Vec::new(),
            audio_codecs: Vec::new(),
            exact_px: None,
        }
    }
}

/// The effective media rules of one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelLimits {
    /// The channel these limits are for.
    pub channel: MediaChannel,
    /// Attachments one draft (message, post, DM) may carry in all.
    pub max_attachments: u32,
    /// Whether rows may be mixed in one message (X: images or a GIF or a video).
    pub allow_mixing: bool,
    /// Longest alt text in characters; `None` where the channel has no alt text.
    pub alt_text_max_chars: Option<usize>,
    /// Rows in matching order: the first row whose kind and formats fit is used.
    pub kinds: Vec<(LimitKind, KindLimits)>,
}

impl ChannelLimits {
    /// Built-in figures for a channel, before any override.
    pub fn defaults(channel: MediaChannel) -> Self {
        use Format::*;
        match channel {
            MediaChannel::Whatsapp | MediaChannel::WhatsappBroadcast => {
                // WhatsApp counts media per message, not per kind: rows get no cap of their
                // own, `max_attachments` does the counting (and mixing is moot at 1).
                const ANY: u32 = u32::MAX;
                // Meta, Cloud API "Supported media types": image JPEG/PNG 5 MB.
                let image = KindLimits::new(&[Jpeg, Png], 5 * MB, ANY);
                // Same page: video MP4/3GPP, H.264 video + AAC audio, 16 MB; no duration cap.
                let mut video = KindLimits::new(&[Mp4, ThreeGp], 16 * MB, ANY);
                video.video_codecs = vec![Codec::H264];
                video.audio_codecs = vec![Codec::Aac];
                // Same page: audio AAC, AMR, MP3, MP4 audio, OGG (Opus only), 16 MB.
                let audio = KindLimits::new(&[Aac, Amr, Mp3, M4a, Mp4, OggOpus], 16 * MB, ANY);
                // Same page: document PDF, Office formats, plain text, 100 MB.
                let document =
                    KindLimits::new(&[Pdf, Docx, Xlsx, Pptx, OfficeLegacy, Text], 100 * MB, ANY);
                // Same page: sticker WebP, 100 KB static / 500 KB animated, 512x512 px.
                let mut sticker = KindLimits::new(&[WebP], 100 * KB, ANY);
                sticker.exact_px = Some((512, 512));
                let mut animated = KindLimits::new(&[WebP], 500 * KB, ANY);
                animated.exact_px = Some((512, 512));
                ChannelLimits {
                    channel,
                    // One media object per message (Cloud API message object).
                    max_attachments: 1,
                    allow_mixing: true,
                    alt_text_max_chars: None,
                    kinds: vec![
                        (LimitKind::Image, image),
                        (LimitKind::Video, video),
                        (LimitKind::Audio, audio),
                        (LimitKind::Document, document),
                        (LimitKind::Sticker, sticker),
                        (LimitKind::AnimatedSticker, animated),
                    ],
                }
            }
            MediaChannel::Twitter | MediaChannel::TwitterDm => {
                // X "Media best practices": images JPEG, PNG, WebP, static GIF, 5 MB; up to 4.
                let image = KindLimits::new(&[Jpeg, Png, WebP, Gif], 5 * MB, 4);
                // Same page: animated GIF 15 MB, one per post.
                let gif = KindLimits::new(&[Gif], 15 * MB, 1);
                // Same page: MP4/MOV, H.264 + AAC, 512 MB and 140 s. Subscribers get more
                // on newer pages; the ordinary-account figure is the stricter default.
                let mut video = KindLimits::new(&[Mp4, Mov], 512 * MB, 1);
                video.max_duration_ms = Some(140_000);
                video.video_codecs = vec![Codec::H264];
                video.audio_codecs = vec![Codec::Aac];
                let dm = channel == MediaChannel::TwitterDm;
                ChannelLimits {
                    channel,
                    // Posts: 4 images or 1 GIF or 1 video. DMs: one image, GIF or video.
                    max_attachments: if dm { 1 } else { 4 },
                    allow_mixing: false,
                    // X Help Center: image descriptions up to 1,000 characters (posts only).
                    alt_text_max_chars: if dm { None } else { Some(1000) },
                    kinds: vec![
                        (LimitKind::Image, image),
                        (LimitKind::Gif, gif),
                        (LimitKind::Video, video),
                    ],
                }
            }
        }
    }

    /// The row for `kind`, if the channel takes that kind at all.
    pub fn get(&self, kind: LimitKind) -> Option<&KindLimits> {
        self.kinds.iter().find(|(k, _)| *k == kind).map(|(_, l)| l)
    }

    fn get_mut(&mut self, kind: LimitKind) -> Option<&mut KindLimits> {
        self.kinds
            .iter_mut()
            .find(|(k, _)| *k == kind)
            .map(|(_, l)| l)
    }

    /// The row a probed file falls under, by content kind and container format.
    ///
    /// `None` means the channel does not accept this content at all
    /// (`media/unsupported-type`).
    pub fn classify(&self, info: &MediaInfo) -> Option<(LimitKind, &KindLimits)> {
        self.kinds
            .iter()
            .find(|(k, l)| k.content_kind() == info.kind && l.formats.contains(&info.format))
            .map(|(k, l)| (*k, l))
    }
}

/// Effective limits for every channel, resolved once from defaults and overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitsTable {
    whatsapp: ChannelLimits,
    whatsapp_broadcast: ChannelLimits,
    twitter: ChannelLimits,
    twitter_dm: ChannelLimits,
}

impl Default for LimitsTable {
    fn default() -> Self {
        LimitsOverride::default().resolve()
    }
}

impl LimitsTable {
    /// The effective limits of one channel.
    pub fn get(&self, channel: MediaChannel) -> &ChannelLimits {
        match channel {
            MediaChannel::Whatsapp => &self.whatsapp,
            MediaChannel::WhatsappBroadcast => &self.whatsapp_broadcast,
            MediaChannel::Twitter => &self.twitter,
            MediaChannel::TwitterDm => &self.twitter_dm,
        }
    }
}

/// The `[limits]` table of `camplint.toml`: per channel, per kind.
///
/// ```toml
/// [limits.twitter.video]
/// max_size = "1GB"
/// max_duration = "10m"
/// [limits.whatsapp.image]
/// max_size = "5MB"
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitsOverride {
    /// WhatsApp Business Platform messages.
    pub whatsapp: Option<WhatsappOverride>,
    /// WhatsApp broadcast lists; starts from the effective `whatsapp` limits.
    #[serde(rename = "whatsapp-broadcast")]
    pub whatsapp_broadcast: Option<WhatsappOverride>,
    /// Public X posts.
    pub twitter: Option<TwitterOverride>,
    /// X direct messages; per-type limits start from the effective `twitter` limits.
    #[serde(rename = "twitter-dm")]
    pub twitter_dm: Option<TwitterOverride>,
}

impl LimitsOverride {
    /// Applies the overrides to the built-in table.
    pub fn resolve(&self) -> LimitsTable {
        let mut whatsapp = ChannelLimits::defaults(MediaChannel::Whatsapp);
        if let Some(o) = &self.whatsapp {
            o.apply(&mut whatsapp);
        }
        let mut whatsapp_broadcast = whatsapp.clone();
        whatsapp_broadcast.channel = MediaChannel::WhatsappBroadcast;
        if let Some(o) = &self.whatsapp_broadcast {
            o.apply(&mut whatsapp_broadcast);
        }
        let mut twitter = ChannelLimits::defaults(MediaChannel::Twitter);
        if let Some(o) = &self.twitter {
            o.apply(&mut twitter);
        }
        let mut twitter_dm = ChannelLimits::defaults(MediaChannel::TwitterDm);
        twitter_dm.kinds = twitter.kinds.clone();
        if let Some(o) = &self.twitter_dm {
            o.apply(&mut twitter_dm);
        }
        LimitsTable {
            whatsapp,
            whatsapp_broadcast,
            twitter,
            twitter_dm,
        }
    }
}

/// Overrides for a WhatsApp channel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WhatsappOverride {
    /// Attachments per message (default 1).
    pub max_attachments: Option<u32>,
    /// Images (default JPEG, PNG; 5 MB).
    pub image: Option<KindOverride>,
    /// Videos (default MP4, 3GP; H.264 + AAC; 16 MB).
    pub video: Option<VideoOverride>,
    /// Audio (default AAC, AMR, MP3, MP4 audio, Ogg Opus; 16 MB).
    pub audio: Option<KindOverride>,
    /// Documents (default PDF, Office, plain text; 100 MB).
    pub document: Option<KindOverride>,
    /// Static stickers (default WebP; 100 KB).
    pub sticker: Option<KindOverride>,
    /// Animated stickers (default WebP; 500 KB).
    #[serde(rename = "animated-sticker")]
    pub animated_sticker: Option<KindOverride>,
}

impl WhatsappOverride {
    fn apply(&self, limits: &mut ChannelLimits) {
        if let Some(n) = self.max_attachments {
            limits.max_attachments = n;
        }
        apply_kind(limits, LimitKind::Image, self.image.as_ref());
        if let (Some(o), Some(l)) = (&self.video, limits.get_mut(LimitKind::Video)) {
            o.apply(l);
        }
        apply_kind(limits, LimitKind::Audio, self.audio.as_ref());
        apply_kind(limits, LimitKind::Document, self.document.as_ref());
        apply_kind(limits, LimitKind::Sticker, self.sticker.as_ref());
        let animated = self.animated_sticker.as_ref();
        apply_kind(limits, LimitKind::AnimatedSticker, animated);
    }
}

/// Overrides for an X channel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TwitterOverride {
    /// Attachments per post (default 4) or per DM (default 1).
    pub max_attachments: Option<u32>,
    /// Still images (default JPEG, PNG, WebP, static GIF; 5 MB; 4 per post).
    pub image: Option<KindOverride>,
    /// Animated GIFs (default 15 MB; 1 per post).
    pub gif: Option<KindOverride>,
    /// Videos (default MP4, MOV; H.264 + AAC; 512 MB; 140 s; 1 per post).
    pub video: Option<VideoOverride>,
}

impl TwitterOverride {
    fn apply(&self, limits: &mut ChannelLimits) {
        if let Some(n) = self.max_attachments {
            limits.max_attachments = n;
        }
        apply_kind(limits, LimitKind::Image, self.image.as_ref());
        apply_kind(limits, LimitKind::Gif, self.gif.as_ref());
        if let (Some(o), Some(l)) = (&self.video, limits.get_mut(LimitKind::Video)) {
            o.apply(l);
        }
    }
}

fn apply_kind(limits: &mut ChannelLimits, kind: LimitKind, o: Option<&KindOverride>) {
    if let (Some(o), Some(l)) = (o, limits.get_mut(kind)) {
        o.apply(l);
    }
}

/// Overrides for an image, GIF, audio, document or sticker row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KindOverride {
    /// Largest file, e.g. "5MB" (1 MB = 1,000,000 bytes; "MiB" for binary).
    pub max_size: Option<ByteSize>,
    /// How many of this kind one message/post may carry.
    pub max_count: Option<u32>,
    /// Accepted formats, replacing the default list.
    pub formats: Option<Vec<Format>>,
}

impl KindOverride {
    fn apply(&self, l: &mut KindLimits) {
        if let Some(s) = self.max_size {
            l.max_size = s.0;
        }
        if let Some(n) = self.max_count {
            l.max_count = n;
        }
        if let Some(f) = &self.formats {
            l.formats.clone_from(f);
        }
    }
}

/// Overrides for a video row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VideoOverride {
    /// Largest file, e.g. "512MB" (1 MB = 1,000,000 bytes; "MiB" for binary).
    pub max_size: Option<ByteSize>,
    /// Longest playing time, e.g. "140s", "10m", "2h".
    pub max_duration: Option<MediaDuration>,
    /// How many videos one message/post may carry.
    pub max_count: Option<u32>,
    /// Accepted containers, replacing the default list.
    pub formats: Option<Vec<Format>>,
    /// Accepted video codecs, replacing the default list; `[]` accepts any.
    pub video_codecs: Option<Vec<Codec>>,
    /// Accepted audio codecs, replacing the default list; `[]` accepts any.
    pub audio_codecs: Option<Vec<Codec>>,
}

impl VideoOverride {
    fn apply(&self, l: &mut KindLimits) {
        KindOverride {
            max_size: self.max_size,
            max_count: self.max_count,
            formats: self.formats.clone(),
        }
        .apply(l);
        if let Some(d) = self.max_duration {
            l.max_duration_ms = Some(d.0);
        }
        if let Some(c) = &self.video_codecs {
            l.video_codecs.clone_from(c);
        }
        if let Some(c) = &self.audio_codecs {
            l.audio_codecs.clone_from(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_limits_md() {
        let t = LimitsTable::default();
        let wa = t.get(MediaChannel::Whatsapp);
        assert_eq!(wa.max_attachments, 1);
        assert_eq!(
            wa.get(LimitKind::Image).map(|l| l.max_size),
            Some(5_000_000)
        );
        assert_eq!(
            wa.get(LimitKind::Video).map(|l| l.max_size),
            Some(16_000_000)
        );
        assert_eq!(t.get(MediaChannel::WhatsappBroadcast).kinds, wa.kinds);
        let x = t.get(MediaChannel::Twitter);
        let video = x.get(LimitKind::Video);
        assert_eq!(video.map(|l| l.max_size), Some(512_000_000));
        assert_eq!(video.and_then(|l| l.max_duration_ms), Some(140_000));
        assert_eq!(t.get(MediaChannel::TwitterDm).max_attachments, 1);
        assert_eq!(t.get(MediaChannel::TwitterDm).alt_text_max_chars, None);
    }
}
