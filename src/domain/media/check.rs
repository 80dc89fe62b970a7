//! The `media/*` rules as one pure function over probed attachments.
//!
//! Messages are for shop marketers: they name what the file is, the measured figure and
//! the platform's limit, and the help says what to do in an editor, not in a spec.

use super::limits::{ChannelLimits, KindLimits, LimitKind, MediaChannel};
use super::words::{a, duration_pair, join_or, join_or_codecs, size_pair, thousands};
use super::{Format, MediaInfo, MediaKind, ProbeError};

/// One attachment of one draft (message, post or DM), as the lead collected it.
#[derive(Debug, Clone, Copy)]
pub struct Attachment<'a> {
    /// Position among the draft's attachments (front matter `media` first, then images).
    pub index: usize,
    /// What probing the file found, or why it could not be probed.
    pub media: &'a Result<MediaInfo, ProbeError>,
    /// The Markdown image's alt text; `None` for front-matter media, which have none.
    pub alt_text: Option<&'a str>,
    /// Whether the attachment is a Markdown image (`![alt](path)`), for the help text.
    pub is_markdown_image: bool,
}

/// Which `media/*` rule a finding belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MediaRule {
    /// `media/missing-file`: the file does not exist or cannot be read.
    MissingFile,
    /// `media/outside-project`: the path leaves the project root.
    OutsideProject,
    /// `media/unsupported-type`: the channel refuses this content, codec or size in pixels.
    UnsupportedType,
    /// `media/too-large`: over the size limit of its kind.
    TooLarge,
    /// `media/too-many`: more attachments, or a mix of kinds, than one message allows.
    TooMany,
    /// `media/too-long`: a video over the duration limit.
    TooLong,
    /// `media/missing-alt-text`: an X image without a description (warning).
    MissingAltText,
    /// Proposed `media/alt-text-too-long`: an X image description over 1,000 characters.
    AltTooLong,
}

impl MediaRule {
    /// The rule code as the SPEC writes it.
    pub fn code(self) -> &'static str {
        match self {
            MediaRule::MissingFile => "media/missing-file",
            MediaRule::OutsideProject => "media/outside-project",
            MediaRule::UnsupportedType => "media/unsupported-type",
            MediaRule::TooLarge => "media/too-large",
            MediaRule::TooMany => "media/too-many",
            MediaRule::TooLong => "media/too-long",
            MediaRule::MissingAltText => "media/missing-alt-text",
            MediaRule::AltTooLong => "media/alt-text-too-long",
        }
    }
}

/// One problem with one attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaFinding {
    /// The `index` of the attachment the finding points at.
    pub attachment: usize,
    /// The rule that fired.
    pub rule: MediaRule,
    /// What is wrong, with the measured figure and the limit.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// Checks one draft's attachments against one channel's effective limits.
///
/// Findings come sorted by attachment index, then rule. Size and duration limits apply to
/// every attachment whose container the channel accepts, even when its codec is refused;
/// at most one `media/too-many` is reported per draft.
pub fn check_attachments(
    limits: &ChannelLimits,
    attachments: &[Attachment<'_>],
) -> Vec<MediaFinding> {
    let mut out = Vec::new();
    let mut rows: Vec<(usize, LimitKind)> = Vec::with_capacity(attachments.len());
    for att in attachments {
        if let Some(kind) = check_one(limits, att, &mut out) {
            rows.push((att.index, kind));
        }
    }
    if let Some(finding) = count_finding(limits, attachments, &rows) {
        out.push(finding);
    }
    out.sort_by_key(|f| (f.attachment, f.rule));
    out
}

fn finding(att: &Attachment<'_>, rule: MediaRule, message: String, help: String) -> MediaFinding {
    MediaFinding {
        attachment: att.index,
        rule,
        message,
        help,
    }
}

/// Checks one attachment and returns the limits row it counts under, if any.
fn check_one(
    limits: &ChannelLimits,
    att: &Attachment<'_>,
    out: &mut Vec<MediaFinding>,
) -> Option<LimitKind> {
    let info = match att.media {
        Ok(info) => info,
        Err(err) => {
            out.push(probe_finding(att, err));
            return None;
        }
    };
    let platform = limits.channel.platform();
    let Some((kind, row)) = limits.classify(info) else {
        out.push(unsupported_finding(limits, att, info));
        return None;
    };
    codec_findings(limits, att, info, row, out);
    if let (Some((want_w, want_h)), Some(w), Some(h)) = (row.exact_px, info.width, info.height) {
        if (w, h) != (want_w, want_h) {
            out.push(finding(
                att,
                MediaRule::UnsupportedType,
                format!(
                    "this {} is {w}×{h} pixels; {platform} {} must be exactly {want_w}×{want_h}",
                    info.describe(),
                    kind.plural()
                ),
                format!(
                    "resize it to {want_w}×{want_h} pixels (add a transparent border to keep \
                     its shape)"
                ),
            ));
        }
    }
    if info.size > row.max_size {
        let (measured, limit) = size_pair(info.size, row.max_size);
        out.push(finding(
            att,
            MediaRule::TooLarge,
            format!(
                "the {} is {measured}; {platform} accepts {} up to {limit}",
                kind.noun(),
                kind.plural()
            ),
            format!("make it {limit} or smaller: {}", shrink_hint(kind)),
        ));
    }
    if let (Some(max), Some(ms)) = (row.max_duration_ms, info.duration_ms) {
        if ms > max {
            let (measured, limit) = duration_pair(ms, max);
            out.push(finding(
                att,
                MediaRule::TooLong,
                format!(
                    "the {} is {measured} long; {platform} accepts at most {limit}",
                    kind.noun()
                ),
                format!("trim the {} to {limit} or less", kind.noun()),
            ));
        }
    }
    alt_text_findings(limits, att, kind, out);
    Some(kind)
}

fn probe_finding(att: &Attachment<'_>, err: &ProbeError) -> MediaFinding {
    match err {
        ProbeError::NotFound => finding(
            att,
            MediaRule::MissingFile,
            "the attached file does not exist".to_owned(),
            "check the path (it is relative to the draft) or add the file to the project"
                .to_owned(),
        ),
        ProbeError::Unreadable(kind) => finding(
            att,
            MediaRule::MissingFile,
            format!("the attached file cannot be read ({kind})"),
            "check that the file is readable (its permissions) and try again".to_owned(),
        ),
        ProbeError::OutsideRoot => finding(
            att,
            MediaRule::OutsideProject,
            "this path leaves the project folder, so the file was not read".to_owned(),
            "copy the file into the project (for example into media/) and point to that copy"
                .to_owned(),
        ),
        ProbeError::NotRegularFile(special) => finding(
            att,
            MediaRule::UnsupportedType,
            format!("the attachment is {}, not a media file", special.describe()),
            "point to the image, video, audio or document file itself".to_owned(),
        ),
    }
}

fn kind_words(kind: MediaKind) -> &'static str {
    match kind {
        MediaKind::Image => "images",
        MediaKind::AnimatedImage => "animations",
        MediaKind::Video => "videos",
        MediaKind::Audio => "audio",
        MediaKind::Document => "documents",
        MediaKind::Unknown => "files of unknown type",
    }
}

fn unsupported_finding(
    limits: &ChannelLimits,
    att: &Attachment<'_>,
    info: &MediaInfo,
) -> MediaFinding {
    let platform = limits.channel.platform();
    let what = info.describe();
    let lie = match info.named_as {
        Some(named) if info.extension_lies() => {
            format!(
                " (the file is named as {} but holds {})",
                a(named.name()),
                a(what)
            )
        }
        _ => String::new(),
    };
    if info.format == Format::Empty {
        return finding(
            att,
            MediaRule::UnsupportedType,
            "the attached file is empty (0 bytes)".to_owned(),
            "replace it with the real file; an upload or export probably failed".to_owned(),
        );
    }
    if info.kind == MediaKind::Unknown {
        return finding(
            att,
            MediaRule::UnsupportedType,
            format!("camplint cannot tell what kind of file this is{lie}, so {platform} will most likely refuse it"),
            format!("export it as one of the types {platform} accepts: {}", accepted_summary(limits)),
        );
    }
    let rows: Vec<&(LimitKind, KindLimits)> = limits
        .kinds
        .iter()
        .filter(|(k, l)| k.content_kind() == info.kind && !l.formats.is_empty())
        .collect();
    let Some((first_kind, first)) = rows.first().map(|r| (r.0, &r.1)) else {
        return finding(
            att,
            MediaRule::UnsupportedType,
            format!(
                "this is {}{lie}; {} cannot carry {}",
                a(what),
                plural_unit(limits.channel),
                kind_words(info.kind)
            ),
            format!(
                "remove it, or attach one of: {}; a link in the text also works",
                accepted_summary(limits)
            ),
        );
    };
    let formats = join_or(first.formats.iter().map(|f| f.short()));
    let also = if rows.len() > 1 {
        let others: Vec<String> = rows
            .iter()
            .skip(1)
            .map(|(k, l)| {
                format!(
                    "{} as {}",
                    k.plural(),
                    join_or(l.formats.iter().map(|f| f.short()))
                )
            })
            .collect();
        format!(" ({})", others.join(", "))
    } else {
        String::new()
    };
    let help = match (info.format, first_kind) {
        (Format::Heic, _) => format!(
            "export the photo as {formats} (on an iPhone: Settings > Camera > Formats > Most Compatible)"
        ),
        (_, LimitKind::Video) => format!("convert it to {formats} with H.264 video and AAC sound"),
        (_, LimitKind::AnimatedSticker) => {
            "convert it to a short MP4 video, which WhatsApp plays like a GIF".to_owned()
        }
        _ => format!("save or export it as {formats}"),
    };
    finding(
        att,
        MediaRule::UnsupportedType,
        format!(
            "this is {}{lie}, which {platform} does not accept; it takes {} as {formats}{also}",
            a(what),
            kind_words(info.kind)
        ),
        help,
    )
}

fn codec_findings(
    limits: &ChannelLimits,
    att: &Attachment<'_>,
    info: &MediaInfo,
    row: &KindLimits,
    out: &mut Vec<MediaFinding>,
) {
    let platform = limits.channel.platform();
    let fix = "re-export it as MP4 with H.264 video and AAC sound (often called \"H.264\" or \
               \"Most compatible\" in export settings)";
    if let Some(codec) = info.video_codec {
        if !row.video_codecs.is_empty() && !row.video_codecs.contains(&codec) {
            out.push(finding(
                att,
                MediaRule::UnsupportedType,
                format!(
                    "the video is encoded as {}; {platform} accepts only {} video",
                    codec.name(),
                    join_or_codecs(&row.video_codecs)
                ),
                fix.to_owned(),
            ));
        }
    }
    if let Some(codec) = info.audio_codec {
        if !row.audio_codecs.is_empty() && !row.audio_codecs.contains(&codec) {
            out.push(finding(
                att,
                MediaRule::UnsupportedType,
                format!(
                    "the video's sound is encoded as {}; {platform} accepts only {} sound in videos",
                    codec.name(),
                    join_or_codecs(&row.audio_codecs)
                ),
                fix.to_owned(),
            ));
        }
    }
}

fn alt_text_findings(
    limits: &ChannelLimits,
    att: &Attachment<'_>,
    kind: LimitKind,
    out: &mut Vec<MediaFinding>,
) {
    let Some(max) = limits.alt_text_max_chars else {
        return;
    };
    if !matches!(kind, LimitKind::Image | LimitKind::Gif) {
        return;
    }
    let alt = att.alt_text.map_or("", str::trim);
    if alt.is_empty() {
        let help = if att.is_markdown_image {
            "describe what the image shows between the brackets, like \
             ![a red wool scarf on a wooden table](…)"
        } else {
            "attach it as a Markdown image with a description, like \
             ![a red wool scarf on a wooden table](path), instead of in `media`"
        };
        out.push(finding(
            att,
            MediaRule::MissingAltText,
            format!(
                "the {} has no alt text, so people who use a screen reader cannot know what it shows",
                kind.noun()
            ),
            help.to_owned(),
        ));
        return;
    }
    let chars = alt.chars().count();
    if chars > max {
        out.push(finding(
            att,
            MediaRule::AltTooLong,
            format!(
                "the {}'s alt text is {} characters long; {} accepts at most {}",
                kind.noun(),
                thousands(chars as u64),
                limits.channel.platform(),
                thousands(max as u64)
            ),
            format!(
                "shorten the description to {} characters or fewer",
                thousands(max as u64)
            ),
        ));
    }
}

fn count_finding(
    limits: &ChannelLimits,
    attachments: &[Attachment<'_>],
    rows: &[(usize, LimitKind)],
) -> Option<MediaFinding> {
    let unit = limits.channel.unit();
    let a_unit = limits.channel.a_unit();
    let allowed = allowed_summary(limits);
    let max_total = usize::try_from(limits.max_attachments).unwrap_or(usize::MAX);
    if attachments.len() > max_total {
        let first_extra = attachments.get(max_total).or(attachments.last())?;
        let n = attachments.len();
        return Some(finding(
            first_extra,
            MediaRule::TooMany,
            format!("this {unit} has {n} attachments; {a_unit} can carry {allowed}"),
            move_help(limits.channel, max_total),
        ));
    }
    let &(_, first_kind) = rows.first()?;
    if !limits.allow_mixing {
        if let Some(&(index, other)) = rows.iter().find(|(_, k)| *k != first_kind) {
            let att = attachments.iter().find(|a| a.index == index)?;
            return Some(finding(
                att,
                MediaRule::TooMany,
                format!(
                    "this {unit} mixes {} and {}; {a_unit} can carry {allowed}, not a mix",
                    first_kind.plural(),
                    other.plural()
                ),
                match limits.channel {
                    MediaChannel::Twitter => format!(
                        "move the {} to a post of its own (split the thread with ---)",
                        other.noun()
                    ),
                    _ => format!("send the {} in a message of its own", other.noun()),
                },
            ));
        }
    }
    for (kind, row) in &limits.kinds {
        let max = usize::try_from(row.max_count).unwrap_or(usize::MAX);
        let mut same = rows.iter().filter(|(_, k)| k == kind);
        let count = same.clone().count();
        if count > max {
            let index = same.nth(max).map(|r| r.0)?;
            let att = attachments.iter().find(|a| a.index == index)?;
            let can = if max == 1 {
                format!("only 1 {}", kind.noun())
            } else {
                format!("up to {max} {}", kind.plural())
            };
            return Some(finding(
                att,
                MediaRule::TooMany,
                format!(
                    "this {unit} has {count} {}; {a_unit} can carry {can}",
                    kind.plural()
                ),
                move_help(limits.channel, max),
            ));
        }
    }
    None
}

fn move_help(channel: MediaChannel, keep: usize) -> String {
    let keep = if keep == 1 {
        "one attachment".to_owned()
    } else {
        format!("at most {keep} attachments")
    };
    match channel {
        MediaChannel::Twitter => {
            format!("keep {keep} here and move the rest to another post of the thread (split it with ---)")
        }
        MediaChannel::TwitterDm => {
            format!("keep {keep} here and send each other one in a direct message of its own")
        }
        MediaChannel::Whatsapp | MediaChannel::WhatsappBroadcast => {
            format!("keep {keep} here and send each other one from a draft of its own (one message each)")
        }
    }
}

fn plural_unit(channel: MediaChannel) -> &'static str {
    match channel {
        MediaChannel::Whatsapp | MediaChannel::WhatsappBroadcast => "WhatsApp messages",
        MediaChannel::Twitter => "X posts",
        MediaChannel::TwitterDm => "X direct messages",
    }
}

/// "only 1 attachment" or "up to 4 images, or 1 animated GIF, or 1 video".
fn allowed_summary(limits: &ChannelLimits) -> String {
    if limits.max_attachments == 1 {
        return "only 1 attachment".to_owned();
    }
    let parts: Vec<String> = limits
        .kinds
        .iter()
        .map(|(k, l)| {
            let n = l.max_count.min(limits.max_attachments);
            if n == 1 {
                format!("1 {}", k.noun())
            } else {
                format!("{n} {}", k.plural())
            }
        })
        .collect();
    if limits.allow_mixing {
        format!("up to {} attachments", limits.max_attachments)
    } else {
        format!("up to {}", parts.join(", or "))
    }
}

/// "images (JPEG or PNG), videos (MP4 or 3GP), ...".
fn accepted_summary(limits: &ChannelLimits) -> String {
    let parts: Vec<String> = limits
        .kinds
        .iter()
        .filter(|(_, l)| !l.formats.is_empty())
        .map(|(k, l)| {
            format!(
                "{} ({})",
                k.plural(),
                join_or(l.formats.iter().map(|f| f.short()))
            )
        })
        .collect();
    parts.join(", ")
}

fn shrink_hint(kind: LimitKind) -> &'static str {
    match kind {
        LimitKind::Image => "save it as JPEG at about 80% quality or reduce its pixel size",
        LimitKind::Gif => {
            "shorten it, reduce its pixel size or colours, or turn it into an MP4 video"
        }
        LimitKind::Video => "export it at a lower resolution or bitrate, or shorten it",
        LimitKind::Audio => "shorten it or export it at a lower bitrate",
        LimitKind::Document => "compress it (for a PDF: \"reduce file size\") or split it",
        LimitKind::Sticker | LimitKind::AnimatedSticker => {
            "simplify it or export it with stronger WebP compression"
        }
    }
}
