//! What rendering a draft gives: the text of each part (one, or one per thread post)
//! and the images, links, comments and `---` lines found on the way.

use std::ops::Range;

use super::span_map::Rendered;

/// How a channel shows text: with WhatsApp markup or as plain text (Twitter posts, DMs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `whatsapp` and `whatsapp-broadcast`: WhatsApp's own bold/italic/strike/monospace.
    WhatsApp,
    /// `twitter` and `twitter-dm`: no markup at all.
    Plain,
}

/// A Markdown image: an attachment, not text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// The destination as Markdown resolved it (escapes and entities decoded).
    pub src: String,
    /// The alt text as plain text (markup dropped).
    pub alt: String,
    /// File byte range of the whole image, `![alt](src)`.
    pub range: Range<usize>,
    /// File byte range of the destination (in the reference definition for `![a][ref]`).
    pub src_range: Range<usize>,
    /// File byte range of the alt text (empty, just after `![`, when there is none).
    pub alt_range: Range<usize>,
    /// Index of the part (thread post) the image belongs to.
    pub part: usize,
}

/// A Markdown link or autolink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The destination as Markdown resolved it (`tel:`/`mailto:` kept).
    pub url: String,
    /// File byte range of the whole link.
    pub range: Range<usize>,
    /// File byte range of the destination (in the reference definition for `[a][ref]`).
    pub url_range: Range<usize>,
    /// Index of the part (thread post) the link belongs to.
    pub part: usize,
}

/// An HTML comment, e.g. `<!-- camplint-disable offer/missing -->`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The text between `<!--` and `-->`, untrimmed, with LF line endings.
    pub text: String,
    /// File byte range of the whole comment (to the end of its block when unclosed).
    pub range: Range<usize>,
}

/// A draft rendered for one channel.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RenderedDraft {
    /// One part, or one per thread post when split; never empty.
    pub parts: Vec<Rendered>,
    /// Images in source order.
    pub images: Vec<Image>,
    /// Links in source order (images excluded).
    pub links: Vec<Link>,
    /// HTML comments in source order.
    pub comments: Vec<Comment>,
    /// File ranges of `---` lines read as setext heading underlines, not thread breaks.
    pub setext_dash_underlines: Vec<Range<usize>>,
    /// File ranges of the lines (`---`, `***`) that split the thread, without their
    /// indentation or line ending: break `i` ends part `i` and starts part `i + 1`.
    pub thread_breaks: Vec<Range<usize>>,
}

/// The text `camplint render` prints: the message, or each post of a thread after a line
/// `--- post N/M ---`; always ends with a newline.
pub fn format_parts(draft: &RenderedDraft) -> String {
    let mut out = String::new();
    let n = draft.parts.len();
    for (i, part) in draft.parts.iter().enumerate() {
        if n > 1 {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&format!("--- post {}/{} ---\n", i + 1, n));
        }
        out.push_str(&part.text);
        out.push('\n');
    }
    out
}
