//! `length/*`: each channel's limit on the length of a message, measured on the text the
//! channel receives (the draft rendered for it). The figures are the constants below, each
//! with its source; a finding depends only on the measured length.

use super::message::{self, Once};
use crate::analysis::Context;
use crate::base::channel::Channel;
use crate::base::diagnostic::{Diagnostic, Sink};
use crate::declare_rule;
use crate::domain::render::Rendered;
use crate::domain::text::tweet_length::{weighted_length_in, MAX_TWEET_WEIGHTED_LENGTH};

/// WhatsApp text message body, in characters (Meta, WhatsApp Cloud API reference,
/// "Text messages": body up to 4096 characters).
pub const WHATSAPP_TEXT_MAX: usize = 4096;
/// WhatsApp media caption, in characters (Meta, WhatsApp Cloud API reference, "Media
/// messages": caption up to 1024 characters).
pub const WHATSAPP_CAPTION_MAX: usize = 1024;
/// X direct message text, in characters (X Developer Platform, v1.1 Direct Messages
/// "Sending and receiving events": text up to 10,000 characters).
pub const DM_MAX: usize = 10_000;

declare_rule! {
    /// ## What it does
    /// Measures each post of a `twitter` draft (a thread is split on `---` or `***` lines)
    /// the way X counts: twitter-text v3 weighted length, on the rendered text (markup
    /// dropped, link targets kept as URLs). Every URL counts 23, each emoji sequence 2,
    /// characters of Latin and most European scripts 1, CJK and other scripts 2; the text
    /// is NFC-normalised first. Reports posts over 280, pointing where the excess starts.
    ///
    /// Also reports a post of a thread that is empty (no text and no attachment): a draft
    /// that starts or ends with a `---` line, or has two of them with nothing between,
    /// pointing at the `---` line that made it.
    ///
    /// ## Why is this bad?
    /// X refuses a post over 280 weighted characters, and an empty post: a scheduled post
    /// fails to go out.
    ///
    /// ## Example
    /// A post of 300 weighted characters in `messages/natale/thread.md`; a thread whose
    /// last line is `---`.
    ///
    /// ## How to fix
    /// Shorten the post from the underlined point on, or split the thread with a `---`
    /// line between paragraphs so each post fits. For an empty post, remove the
    /// underlined `---` line or write the post.
    pub static TWEET = ("length/tweet", Error, "a post's weighted length (twitter-text rules: URLs 23, CJK and emoji 2) is over 280, or a thread post is empty");
}

declare_rule! {
    /// ## What it does
    /// Reports a draft sent on `whatsapp` or `whatsapp-broadcast` with no attachment whose
    /// rendered text is over 4096 characters.
    ///
    /// ## Why is this bad?
    /// WhatsApp refuses a text message over 4096 characters.
    ///
    /// ## Example
    /// A newsletter pasted whole into `messages/news/novembre.md`.
    ///
    /// ## How to fix
    /// Shorten the text from the underlined point on, or link to a page with the rest.
    pub static WHATSAPP_TEXT = ("length/whatsapp-text", Error, "a WhatsApp text over 4096 characters");
}

declare_rule! {
    /// ## What it does
    /// Reports a draft sent on `whatsapp` or `whatsapp-broadcast` with an attachment (front
    /// matter `media` or a Markdown image) whose rendered text, the media's caption, is over
    /// 1024 characters.
    ///
    /// ## Why is this bad?
    /// WhatsApp refuses a media message whose caption is over 1024 characters.
    ///
    /// ## Example
    /// A photo with a 1500-character description.
    ///
    /// ## How to fix
    /// Shorten the caption from the underlined point on, or send the text as a separate
    /// message without the attachment.
    pub static CAPTION = ("length/caption", Error, "a WhatsApp media caption over 1024 characters");
}

declare_rule! {
    /// ## What it does
    /// Reports a draft sent on `twitter-dm` whose rendered text is over 10,000 characters.
    ///
    /// ## Why is this bad?
    /// X refuses a direct message over 10,000 characters.
    ///
    /// ## Example
    /// A whole catalogue pasted into a DM.
    ///
    /// ## How to fix
    /// Shorten the text from the underlined point on, or link to a page with the rest.
    pub static DM = ("length/dm", Error, "a DM over 10,000 characters");
}

/// Runs the length checks for each channel a draft is sent on.
pub fn check(cx: &Context<'_>, sink: &mut Sink) {
    let p = cx.project;
    let mut once = Once::default();
    for draft in &p.drafts {
        let mut channels: Vec<Channel> = message::senders(p, draft)
            .iter()
            .map(|c| *c.channel.get_ref())
            .collect();
        channels.sort();
        channels.dedup();
        for channel in channels {
            let r = cx.renders.get(p, draft, channel);
            match channel {
                Channel::Twitter => {
                    empty_posts(cx, sink, &mut once, draft, r);
                    let n = r.parts.len();
                    for (i, part) in r.parts.iter().enumerate() {
                        let len = weighted_length_in(&part.text, part.urls());
                        if len.weighted <= MAX_TWEET_WEIGHTED_LENGTH {
                            continue;
                        }
                        let at = len.over_limit_at.unwrap_or(part.text.len());
                        let which = if n > 1 {
                            format!("post {} of {} of the thread {}", i + 1, n, draft.path)
                        } else {
                            format!("the post {}", draft.path)
                        };
                        let over = len.weighted - MAX_TWEET_WEIGHTED_LENGTH;
                        once.push(
                            sink,
                            Diagnostic::new(
                                &TWEET,
                                draft.file,
                                excess(part, at),
                                format!(
                                    "{which} is {} weighted characters long, {over} over X's limit of {MAX_TWEET_WEIGHTED_LENGTH}; the excess starts here",
                                    len.weighted
                                ),
                                format!("shorten this post by at least {over} weighted characters (URLs count 23, emoji 2), or split it into two posts with a line `---` between paragraphs"),
                            ),
                        );
                    }
                }
                Channel::Whatsapp | Channel::WhatsappBroadcast => {
                    let has_media = !draft.media.is_empty() || !r.images.is_empty();
                    let (rule, max, what) = if has_media {
                        (
                            &CAPTION,
                            WHATSAPP_CAPTION_MAX,
                            "the caption of its attachment",
                        )
                    } else {
                        (&WHATSAPP_TEXT, WHATSAPP_TEXT_MAX, "the WhatsApp text")
                    };
                    long_text(sink, &mut once, draft, r, rule, max, what);
                }
                Channel::TwitterDm => {
                    long_text(sink, &mut once, draft, r, &DM, DM_MAX, "the direct message");
                }
            }
        }
    }
}

/// Reports each post of a thread that X would refuse because it is empty.
fn empty_posts(
    cx: &Context<'_>,
    sink: &mut Sink,
    once: &mut Once,
    draft: &crate::project::Draft,
    r: &crate::domain::render::RenderedDraft,
) {
    let n = r.parts.len();
    let source = cx.project.sources.get(draft.file);
    for (i, line) in empty_post_breaks(r, !draft.media.is_empty()) {
        let written = source.text.get(line.clone()).unwrap_or("---");
        let at = source.line_col(line.start).line;
        once.push(
            sink,
            Diagnostic::new(
                &TWEET,
                draft.file,
                line,
                format!(
                    "post {} of {n} of the thread {} is empty: X does not publish an empty post",
                    i + 1,
                    draft.path
                ),
                format!("remove the `{written}` line at line {at}, or write the post"),
            ),
        );
    }
}

/// Each post of a thread with no text and no attachment, with the line that split it
/// off: the break that ends it, or for the last post the one that starts it. Front
/// matter media (`front_media`) goes with the first post; a post with a picture and no
/// words is published.
fn empty_post_breaks(
    r: &crate::domain::render::RenderedDraft,
    front_media: bool,
) -> Vec<(usize, std::ops::Range<usize>)> {
    if r.parts.len() < 2 {
        return Vec::new();
    }
    r.parts
        .iter()
        .enumerate()
        .filter(|(i, part)| {
            let has_media = (*i == 0 && front_media) || r.images.iter().any(|im| im.part == *i);
            part.text.is_empty() && !has_media
        })
        .filter_map(|(i, _)| {
            let line = r
                .thread_breaks
                .get(i)
                .or_else(|| i.checked_sub(1).and_then(|j| r.thread_breaks.get(j)))?;
            Some((i, line.clone()))
        })
        .collect()
}

/// Reports a text over `max` characters (Unicode scalar values).
fn long_text(
    sink: &mut Sink,
    once: &mut Once,
    draft: &crate::project::Draft,
    r: &crate::domain::render::RenderedDraft,
    rule: &'static crate::base::rule::Rule,
    max: usize,
    what: &str,
) {
    for part in &r.parts {
        let len = part.text.chars().count();
        if len <= max {
            continue;
        }
        let at = message::char_offset(&part.text, max);
        let over = len - max;
        once.push(
            sink,
            Diagnostic::new(
                rule,
                draft.file,
                excess(part, at),
                format!(
                    "{what} of {} is {len} characters long, {over} over the limit of {max}; the excess starts here",
                    draft.path
                ),
                format!("shorten the text by at least {over} characters, or move the rest to a web page and link it"),
            ),
        );
    }
}

/// The source span of the rendered text from `at` to the end of the part.
fn excess(part: &Rendered, at: usize) -> std::ops::Range<usize> {
    part.source_range(at..part.text.len())
}

#[cfg(test)]
mod tests {
    use crate::domain::render::{render, Style};
    use crate::domain::text::tweet_length::weighted_length;

    /// The weighted length of the first post of a Markdown draft, rendered for X.
    fn weighted(md: &str) -> usize {
        let r = render(md, 0, Style::Plain, true);
        r.parts
            .first()
            .map_or(0, |p| weighted_length(&p.text).weighted)
    }

    #[test]
    fn boundary_280_281_inside_markdown() {
        // Bold markers are dropped; the link becomes `sito (URL)` and the URL counts 23:
        // n + " sito (" (7) + 23 + ")" (1).
        let draft = |n: usize| {
            format!(
                "**{}** [sito](https://negozio.it/natale/una-pagina-molto-lunga-davvero)\n",
                "a".repeat(n)
            )
        };
        assert_eq!(weighted(&draft(249)), 280);
        assert_eq!(weighted(&draft(250)), 281);
        // A scheme-less domain is a URL for twitter-text too.
        let bare = |n: usize| format!("_{}_ negozio.it\n", "b".repeat(n));
        assert_eq!(weighted(&bare(256)), 280);
        assert_eq!(weighted(&bare(257)), 281);
        // Accented Latin letters weigh 1, emoji 2; a thread's second post is measured alone.
        let thread = format!("{}\n\n---\n\n{}🎄\n", "è".repeat(280), "c".repeat(278));
        let r = render(&thread, 0, Style::Plain, true);
        let lengths: Vec<usize> = r
            .parts
            .iter()
            .map(|p| weighted_length(&p.text).weighted)
            .collect();
        assert_eq!(lengths, [280, 280]);
    }

    #[test]
    fn an_empty_post_points_at_the_break_that_made_it() {
        let breaks = |md: &str, front_media: bool| {
            let r = render(md, 0, Style::Plain, true);
            super::empty_post_breaks(&r, front_media)
                .into_iter()
                .map(|(i, line)| {
                    (
                        i,
                        md[line.clone()].to_string(),
                        md[..line.start].matches('\n').count(),
                    )
                })
                .collect::<Vec<_>>()
        };
        // Leading break: post 1 is empty and the first line made it.
        assert_eq!(breaks("---\n\nuno\n", false), [(0, "---".into(), 0)]);
        // Two breaks in a row: the second one ends the empty post.
        assert_eq!(
            breaks("uno\n\n---\n\n  ***  \n\ndue\n", false),
            [(1, "***".into(), 4)]
        );
        // A trailing break: the last post is empty, made by the break before it.
        assert_eq!(breaks("uno\n\n---\n", false), [(1, "---".into(), 2)]);
        // A comment alone is no text.
        assert_eq!(
            breaks("uno\n\n---\n\n<!-- nota -->\n\n---\n\ndue\n", false),
            [(1, "---".into(), 6)]
        );
        // A picture alone is a post; front matter media goes with the first post.
        assert_eq!(breaks("uno\n\n---\n\n![albero](a.png)\n", false), []);
        assert_eq!(breaks("---\n\nuno\n", true), []);
        // Full posts, a single post, a `---` inside a list: nothing to report.
        assert_eq!(breaks("uno\n\n---\n\ndue\n", false), []);
        assert_eq!(breaks("", false), []);
        assert_eq!(breaks("- uno\n\n  ---\n", false), []);
    }

    #[test]
    fn excess_maps_back_to_the_markdown_source() {
        let md = format!("**{}** e poi *basta*\n", "a".repeat(279));
        let r = render(&md, 0, Style::Plain, true);
        let part = &r.parts[0];
        let len = weighted_length(&part.text);
        assert_eq!(len.weighted, 279 + " e poi basta".len());
        // The 281st character is the `e` after the bold run; the span runs to the end of
        // the last rendered character of the post, in the Markdown source.
        let span = super::excess(part, len.over_limit_at.unwrap_or(0));
        assert_eq!(&md[span], "e poi *basta");
    }
}
