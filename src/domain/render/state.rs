//! The renderer's state while it walks a draft's Markdown events: open markers,
//! containers (quotes, list items), links, images and comments, and the text so far.
//! Its behaviour is split by concern over the sibling files.

use std::ops::Range;

use pulldown_cmark::LinkType;

use super::draft::{RenderedDraft, Style};
use super::span_map::SpanText;

/// An inline marker WhatsApp shows with its own characters.
#[derive(Clone, Copy)]
pub(super) enum Mark {
    Bold,
    Italic,
    Strike,
    Mono,
}

impl Mark {
    pub(super) fn whatsapp(self) -> &'static str {
        match self {
            Mark::Bold => "*",
            Mark::Italic => "_",
            Mark::Strike => "~",
            Mark::Mono => "```",
        }
    }

    pub(super) fn index(self) -> usize {
        self as usize
    }
}

/// A marker opened and not yet closed; `before`/`after` bound what it wrote.
pub(super) struct OpenMark {
    pub(super) mark: Mark,
    pub(super) emitted: bool,
    pub(super) before: usize,
    pub(super) after: usize,
    pub(super) src: Range<usize>,
}

/// A block that prefixes each of its lines: a quote or a list item.
pub(super) enum Container {
    /// `src` is the first `>`: WhatsApp's per-line `> ` maps to it.
    Quote { src: Range<usize> },
    /// `pending` until the marker is written in front of the item's first line.
    Item {
        marker: String,
        width: usize,
        marker_src: Range<usize>,
        pending: bool,
    },
}

/// A link whose text is being written; its target follows at the end.
pub(super) struct OpenLink {
    pub(super) url: String,
    pub(super) link_type: LinkType,
    pub(super) id: String,
    pub(super) range: Range<usize>,
    pub(super) inner_end: usize,
    pub(super) out_start: usize,
}

/// An image being read: its alt text is collected, not written.
pub(super) struct OpenImage {
    pub(super) src: String,
    pub(super) link_type: LinkType,
    pub(super) id: String,
    pub(super) range: Range<usize>,
    pub(super) alt: String,
    pub(super) alt_range: Option<Range<usize>>,
    pub(super) depth: usize,
}

/// An HTML comment not yet closed (comments may span several HTML pieces).
pub(super) struct OpenComment {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) text: String,
}

/// The parser's iterator, kept for its reference definitions (`[text][ref]` targets).
pub(super) type Refs<'a> =
    pulldown_cmark::OffsetIter<'a, pulldown_cmark::DefaultBrokenLinkCallback>;

/// Ranges are body-relative while rendering and shifted to file offsets in `finish`.
pub(super) struct Renderer<'a> {
    pub(super) body: &'a str,
    pub(super) style: Style,
    pub(super) split_thread: bool,
    pub(super) buf: SpanText,
    pub(super) part_start: usize,
    pub(super) pending_sep: u8,
    pub(super) at_line_start: bool,
    pub(super) last_src_end: usize,
    pub(super) containers: Vec<Container>,
    pub(super) lists: Vec<Option<u64>>,
    pub(super) marks: Vec<OpenMark>,
    pub(super) in_code_block: bool,
    pub(super) mark_depth: [u32; 4],
    pub(super) links: Vec<OpenLink>,
    pub(super) image: Option<OpenImage>,
    pub(super) comment: Option<OpenComment>,
    pub(super) out: RenderedDraft,
}

impl<'a> Renderer<'a> {
    pub(super) fn new(body: &'a str, style: Style, split_thread: bool) -> Self {
        Renderer {
            body,
            style,
            split_thread,
            buf: SpanText::with_capacity(body.len()),
            part_start: 0,
            pending_sep: 0,
            at_line_start: true,
            last_src_end: 0,
            containers: Vec::new(),
            lists: Vec::new(),
            marks: Vec::new(),
            in_code_block: false,
            mark_depth: [0; 4],
            links: Vec::new(),
            image: None,
            comment: None,
            out: RenderedDraft::default(),
        }
    }
}
