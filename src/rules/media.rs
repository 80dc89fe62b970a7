//! `media/*`: attachments the platform would refuse, found by looking at the files
//! themselves (see [`crate::domain::media`]): missing, outside the project, of a type the channel
//! does not take, too large, too many, too long, or an X image without a description.
//!
//! A draft's attachments are its front matter `media` plus every Markdown image, both
//! relative to the draft. It is checked once for each channel that sends it (a draft sent
//! on WhatsApp and on X is checked against both tables); identical findings are reported
//! once.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::PathBuf;

use crate::analysis::Context;
use crate::base::channel::Channel;
use crate::base::diagnostic::{Diagnostic, Sink};
use crate::declare_rule;
use crate::domain::media::{
    check_attachments, probe, Attachment, MediaChannel, MediaInfo, MediaRule, ProbeError, Resolver,
};
use crate::domain::render::Image;
use crate::project::{fs, Campaign, Draft};

declare_rule! {
    /// ## What it does
    /// Reports an attachment (a front matter `media` entry or a Markdown image) whose file
    /// does not exist or cannot be read. Paths are relative to the draft.
    ///
    /// ## Why is this bad?
    /// The message would go out without its picture or video, or the send would fail.
    ///
    /// ## Example
    /// ```markdown
    /// ![Sciarpa rossa](../../media/sciarpa.jpg)   <!-- the file is media/sciarpa.jpeg -->
    /// ```
    ///
    /// ## How to fix
    /// Correct the path (relative to the draft: from `messages/bf/announce.md` the folder
    /// `media/` is `../../media/`) or add the file to the project. Links to `http://` and
    /// `https://` addresses are not files and are not checked.
    pub static MISSING_FILE = ("media/missing-file", Error, "an attachment does not exist");
}

declare_rule! {
    /// ## What it does
    /// Reports an attachment whose path leaves the project folder: an absolute path, a
    /// path that climbs above the root with `../`, or a link (symlink) whose target is
    /// outside the project. camplint never opens such a file.
    ///
    /// ## Why is this bad?
    /// A file outside the repository is not versioned with the campaign: on another
    /// computer or in CI it is missing or different. Following such paths would also let
    /// a draft make camplint read any file of the machine.
    ///
    /// ## Example
    /// ```toml
    /// media = ["/home/giulia/Scaricati/promo.mp4", "../../../promo.jpg"]
    /// ```
    ///
    /// ## How to fix
    /// Copy the file into the project (for example into `media/`) and point to that copy
    /// with a path relative to the draft.
    pub static OUTSIDE_PROJECT = ("media/outside-project", Error, "an attachment path leaves the project root (never read)");
}

declare_rule! {
    /// ## What it does
    /// Reports an attachment of a type the channel does not accept. The type is read from
    /// the file's content (its first bytes and container headers), not from its name: a
    /// PNG renamed `.jpg` is a PNG, and when the name lies the message says both. Also
    /// reported: a video whose codec the platform refuses (H.265 on WhatsApp), a WhatsApp
    /// sticker that is not 512×512 pixels, an empty file, a folder or a named pipe.
    ///
    /// ## Why is this bad?
    /// The platform refuses the upload and the message is not sent, or arrives without
    /// the media.
    ///
    /// ## Example
    /// ```toml
    /// # a WhatsApp draft
    /// media = ["../../media/vetrina.heic"]   # an iPhone photo: WhatsApp takes JPEG or PNG
    /// ```
    ///
    /// ## How to fix
    /// Export the file in a format the channel accepts (the message lists them; see the
    /// media table in the README), or change the accepted list in `[limits]` if the
    /// platform has changed its rules.
    pub static UNSUPPORTED_TYPE = ("media/unsupported-type", Error, "the channel does not accept that type (by content, not only extension)");
}

declare_rule! {
    /// ## What it does
    /// Reports an attachment larger than the channel allows for its type (WhatsApp:
    /// images 5 MB, videos and audio 16 MB, documents 100 MB; X: images 5 MB, animated
    /// GIFs 15 MB, videos 512 MB). 1 MB is 1,000,000 bytes. The size comes from the file
    /// system; the file is not read.
    ///
    /// ## Why is this bad?
    /// The platform refuses the upload.
    ///
    /// ## Example
    /// ```toml
    /// # a WhatsApp draft; the video is 18.4 MB
    /// media = ["../../media/sfilata.mp4"]
    /// ```
    ///
    /// ## How to fix
    /// Export a smaller file (lower resolution or quality, shorter video). If the
    /// platform's limit changed, set it under `[limits]` in `camplint.toml`.
    pub static TOO_LARGE = ("media/too-large", Error, "over the channel's size limit for that type");
}

declare_rule! {
    /// ## What it does
    /// Reports the first attachment beyond what one message or post can carry. WhatsApp
    /// carries one media object per message, so a WhatsApp draft with two attachments is
    /// an error on the second (camplint does not split a draft into several messages). An
    /// X post carries up to 4 images, or 1 animated GIF, or 1 video, not mixed; each post
    /// of a thread (parts split by `---`) counts on its own. An X direct message carries
    /// one attachment.
    ///
    /// ## Why is this bad?
    /// The platform refuses the message, or drops attachments.
    ///
    /// ## Example
    /// ```markdown
    /// +++
    /// media = ["../../media/locandina.jpg", "../../media/video.mp4"]
    /// +++
    /// ```
    ///
    /// ## How to fix
    /// Keep one attachment (WhatsApp, DMs) or one allowed set (X) per draft, and send the
    /// others from drafts of their own; on X, move them to another post of the thread.
    pub static TOO_MANY = ("media/too-many", Error, "more attachments than the channel allows in one message/post");
}

declare_rule! {
    /// ## What it does
    /// Reports a video longer than the channel allows (X: 140 seconds for ordinary
    /// accounts). The playing time is read from the MP4/MOV header (`mvhd`), reading only
    /// the boxes needed, never the whole file.
    ///
    /// ## Why is this bad?
    /// The platform refuses the upload.
    ///
    /// ## Example
    /// ```markdown
    /// ![Dietro le quinte](../../media/backstage.mp4)   <!-- 2 min 31 s, posted on X -->
    /// ```
    ///
    /// ## How to fix
    /// Trim the video. If your account may post longer videos (X subscribers), raise the
    /// limit in `camplint.toml`: `[limits.twitter.video]` `max_duration = "10m"`.
    pub static TOO_LONG = ("media/too-long", Error, "a video longer than the channel allows");
}

declare_rule! {
    /// ## What it does
    /// Reports an image or animated GIF in an X post without alt text: a Markdown image
    /// with nothing between the brackets (`![](...)`), or an image in the front matter
    /// `media`, which has no place for a description.
    ///
    /// ## Why is this bad?
    /// People who use a screen reader cannot know what the picture shows, and the post
    /// reaches fewer people.
    ///
    /// ## Example
    /// ```markdown
    /// ![](../../media/albero.jpg)
    /// ```
    ///
    /// ## How to fix
    /// Describe the picture between the brackets:
    /// `![L'albero di Natale della vetrina, con le candele rosse](../../media/albero.jpg)`.
    pub static MISSING_ALT_TEXT = ("media/missing-alt-text", Warning, "a Twitter image with empty alt text");
}

declare_rule! {
    /// ## What it does
    /// Reports an image in an X post whose alt text (the words between the brackets of
    /// `![...](...)`) is over 1,000 characters, the most X accepts.
    ///
    /// ## Why is this bad?
    /// X refuses or cuts the description, so the post goes out without it or with half
    /// of it.
    ///
    /// ## Example
    /// ```markdown
    /// ![A very long description of 1,200 characters ...](../../media/vetrina.jpg)
    /// ```
    ///
    /// ## How to fix
    /// Shorten the description to what the picture shows; put the rest in the post text.
    pub static ALT_TEXT_TOO_LONG = ("media/alt-text-too-long", Error, "a Twitter image's alt text is over 1,000 characters");
}

/// The rule static of a media finding.
fn rule_of(rule: MediaRule) -> &'static crate::base::rule::Rule {
    match rule {
        MediaRule::MissingFile => &MISSING_FILE,
        MediaRule::OutsideProject => &OUTSIDE_PROJECT,
        MediaRule::UnsupportedType => &UNSUPPORTED_TYPE,
        MediaRule::TooLarge => &TOO_LARGE,
        MediaRule::TooMany => &TOO_MANY,
        MediaRule::TooLong => &TOO_LONG,
        MediaRule::MissingAltText => &MISSING_ALT_TEXT,
        MediaRule::AltTooLong => &ALT_TEXT_TOO_LONG,
    }
}

/// The media table a campaign channel is checked against.
fn media_channel(channel: Channel) -> MediaChannel {
    match channel {
        Channel::Whatsapp => MediaChannel::Whatsapp,
        Channel::WhatsappBroadcast => MediaChannel::WhatsappBroadcast,
        Channel::Twitter => MediaChannel::Twitter,
        Channel::TwitterDm => MediaChannel::TwitterDm,
    }
}

/// One attachment reference found in a draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The path as written (the Markdown destination or the front matter string).
    pub path: String,
    /// Where it is written in the draft file (the string or the image's destination).
    pub span: Range<usize>,
    /// The Markdown image's alt text; `None` for front matter entries.
    pub alt: Option<String>,
    /// Where the alt text is written, when it is not empty.
    pub alt_span: Option<Range<usize>>,
    /// Which post of an X thread it belongs to (parts are split by `---`); 0 for front
    /// matter entries, which go with the first post.
    pub part: usize,
}

/// A draft's attachments: its front matter `media`, then its Markdown images in order
/// (as the renderer found them, with the thread post each belongs to). Remote images
/// (`http://`, `https://`) are not files and are left out.
pub fn references(draft: &Draft, images: &[Image]) -> Vec<Reference> {
    let front = draft.media.iter().map(|m| Reference {
        path: m.get_ref().clone(),
        span: m.span(),
        alt: None,
        alt_span: None,
        part: 0,
    });
    let inline = images.iter().map(|img| Reference {
        path: img.src.clone(),
        span: if img.src_range.is_empty() {
            img.range.clone()
        } else {
            img.src_range.clone()
        },
        alt: Some(img.alt.clone()),
        alt_span: (!img.alt_range.is_empty()).then(|| img.alt_range.clone()),
        part: img.part,
    });
    front
        .chain(inline)
        .filter(|r| !is_remote(&r.path))
        .collect()
}

/// True for addresses on the web, which camplint does not download.
fn is_remote(path: &str) -> bool {
    let lower = path.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Runs the media checks.
pub fn check(cx: &Context<'_>, sink: &mut Sink) {
    let p = cx.project;
    // Each file is probed once, however many drafts and channels attach it.
    let mut probed: BTreeMap<PathBuf, Result<MediaInfo, ProbeError>> = BTreeMap::new();
    let mut resolver = Resolver::new(&p.root);
    for draft in &p.drafts {
        // Each channel that sends the draft, with the first campaign (by id) on it.
        let mut channels: BTreeMap<Channel, &Campaign> = BTreeMap::new();
        for c in super::message::senders(p, draft) {
            channels.entry(*c.channel.get_ref()).or_insert(c);
        }
        if channels.is_empty() {
            continue;
        }
        // The images are the same in every rendering (one Markdown parse, whatever the
        // style); the thread rendering also knows which post each belongs to, which only
        // X posts need. Any other draft is read in a rendering its rules made anyway.
        let rendering = if channels.contains_key(&Channel::Twitter) {
            Channel::Twitter
        } else {
            channels.keys().next().copied().unwrap_or(Channel::Twitter)
        };
        let refs = references(draft, &cx.renders.get(p, draft, rendering).images);
        if refs.is_empty() {
            continue;
        }
        let draft_dir = fs::absolute(&p.root, fs::parent(&draft.path));
        let media: Vec<Result<MediaInfo, ProbeError>> = refs
            .iter()
            .map(|r| {
                // An empty path would resolve to the draft's own folder.
                if r.path.trim().is_empty() {
                    return Err(ProbeError::NotFound);
                }
                match resolver.resolve(&draft_dir, &r.path) {
                    Ok(path) => probed.entry(path).or_insert_with_key(|p| probe(p)).clone(),
                    Err(e) => Err(e),
                }
            })
            .collect();
        let mut seen = BTreeSet::new();
        for (&channel, campaign) in &channels {
            let limits = p.config.limits.get(media_channel(channel));
            // An X thread is one post per part; every other channel sends the draft whole.
            let parts: BTreeSet<usize> = if channel == Channel::Twitter {
                refs.iter().map(|r| r.part).collect()
            } else {
                BTreeSet::from([0])
            };
            for part in parts {
                let attachments: Vec<Attachment<'_>> = refs
                    .iter()
                    .zip(&media)
                    .enumerate()
                    .filter(|(_, (r, _))| channel != Channel::Twitter || r.part == part)
                    .map(|(index, (r, m))| Attachment {
                        index,
                        media: m,
                        alt_text: r.alt.as_deref(),
                        is_markdown_image: r.alt.is_some(),
                    })
                    .collect();
                for f in check_attachments(limits, &attachments) {
                    let Some(r) = refs.get(f.attachment) else {
                        continue;
                    };
                    if !seen.insert((f.rule, r.span.start, f.message.clone())) {
                        continue;
                    }
                    // Alt text that is too long is pointed at, not the file.
                    let span = match (&r.alt_span, f.rule) {
                        (Some(alt), MediaRule::AltTooLong) => alt.clone(),
                        _ => r.span.clone(),
                    };
                    let d = Diagnostic::new(
                        rule_of(f.rule),
                        draft.file,
                        span,
                        if r.path.trim().is_empty() && f.rule == MediaRule::MissingFile {
                            "an attachment has no file path".to_string()
                        } else if r.path.trim().is_empty() {
                            format!("an attachment without a file path: {}", f.message)
                        } else {
                            format!("attachment `{}`: {}", r.path, f.message)
                        },
                        f.help,
                    );
                    // Findings that depend on the channel say which campaign sends it there.
                    let d = if matches!(f.rule, MediaRule::MissingFile | MediaRule::OutsideProject)
                    {
                        d
                    } else {
                        d.with_related(
                            campaign.file,
                            campaign.channel.span(),
                            format!("campaign `{}` sends this draft on {channel}", campaign.id),
                        )
                    };
                    sink.push(d);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::source::FileId;

    fn draft(text: &str) -> Draft {
        let mut sink = Sink::default();
        crate::project::draft::load(FileId(0), "messages/a/b.md".into(), text, &mut sink)
    }

    fn refs_of(text: &str) -> Vec<Reference> {
        let d = draft(text);
        let body = &text[d.body.clone()];
        let rendered = crate::domain::render::render(
            body,
            d.body.start,
            crate::domain::render::Style::Plain,
            true,
        );
        references(&d, &rendered.images)
    }

    #[test]
    fn references_are_front_matter_then_images_with_spans_and_parts() {
        let text = "+++\nmedia = [\"../../media/a.mp4\"]\n+++\nCiao ![una *sciarpa* rossa](../../media/b.jpg \"t\")\n\n---\n\n![](<../../media/c d.png>) ![x](https://example.com/x.png)\n";
        let refs = refs_of(text);
        let got: Vec<(&str, &str, Option<&str>, usize)> = refs
            .iter()
            .map(|r| {
                (
                    r.path.as_str(),
                    &text[r.span.clone()],
                    r.alt.as_deref(),
                    r.part,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("../../media/a.mp4", "\"../../media/a.mp4\"", None, 0),
                (
                    "../../media/b.jpg",
                    "../../media/b.jpg",
                    Some("una sciarpa rossa"),
                    0
                ),
                ("../../media/c d.png", "../../media/c d.png", Some(""), 1),
            ]
        );
    }

    #[test]
    fn reference_style_images_point_at_their_definition() {
        let text = "![logo][l]\n\n[l]: ../../media/logo.png\n";
        let refs = refs_of(text);
        assert_eq!(refs.len(), 1);
        assert_eq!(&text[refs[0].span.clone()], "../../media/logo.png");
        assert_eq!(refs[0].path, "../../media/logo.png");
    }
}
