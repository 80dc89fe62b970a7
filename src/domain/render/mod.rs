//! Renders a draft's Markdown body into the text a channel receives, with a span map
//! from every rendered byte back to the Markdown source (SPEC 1.3).
//!
//! Rendering choices (the SPEC leaves them to us; the README should repeat them):
//! - WhatsApp keeps its own markup: strong -> `*x*`, emphasis -> `_x_`, strikethrough ->
//!   `~x~`, inline code and code blocks -> ```` ```x``` ```` (the SPEC's monospace; newer
//!   clients also know single-backtick inline code, older ones do not). Headings become
//!   bold; block quotes keep `> ` on every line. Markers nested inside the same marker
//!   (`**a **b** c**`, a bold heading) are written once, since WhatsApp cannot nest them.
//! - Plain (Twitter posts and DMs): all markers are dropped, quotes lose their `>`.
//! - Links become `text (url)`; the URL alone when the text is empty, and the text alone
//!   when it already says the target (`<https://x.it>`, `[info@x.it](mailto:info@x.it)`,
//!   `[negozio.it](https://negozio.it)`). `tel:` and `mailto:` targets are kept as written.
//! - Images are attachments: left out of the text and reported in [`RenderedDraft::images`].
//! - HTML comments are left out of the text and reported (they carry `camplint-disable`);
//!   other raw HTML is kept as text.
//! - Bullets become `- ` (WhatsApp's own list syntax, and one weighted character on
//!   Twitter where `•` counts two); numbered items are renumbered from the list's start
//!   and keep the author's `.` or `)`. Nested items and continuation lines are indented
//!   by the width of the enclosing markers.
//! - Soft and hard line breaks are both a newline: messages are not reflowed, so the
//!   author's lines are kept. CRLF input gives LF output.
//! - Blocks are joined by one blank line (items of a tight list by one newline) and each
//!   part is trimmed of leading and trailing whitespace.
//! - With `split_thread`, a top-level thematic break ends one post and starts the next;
//!   empty parts are kept so a rule can flag them. Otherwise (and inside quotes or lists)
//!   a thematic break is just a block boundary. CommonMark reads `---` directly under a
//!   paragraph line as a setext heading underline, not a break: those underlines are
//!   reported in [`RenderedDraft::setext_dash_underlines`] so a rule can warn.
//! - Backslash escapes give the bare character (`\*` -> `*`), even where WhatsApp would
//!   then read it as markup.

mod span_map;

pub use self::span_map::{Rendered, Segment, SegmentKind};

use self::span_map::SpanText;
use pulldown_cmark::{Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use std::ops::Range;

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
}

/// Renders a draft body; `base_offset` is where `body` starts in the file (after the
/// front matter), so every returned range is a file offset.
pub fn render(body: &str, base_offset: usize, style: Style, split_thread: bool) -> RenderedDraft {
    let parser = Parser::new_ext(body, Options::ENABLE_STRIKETHROUGH);
    let mut iter = parser.into_offset_iter();
    let mut r = Renderer::new(body, style, split_thread);
    while let Some((event, range)) = iter.next() {
        r.event(event, range, &iter);
    }
    r.finish(base_offset)
}

#[derive(Clone, Copy)]
enum Mark {
    Bold,
    Italic,
    Strike,
    Mono,
}

impl Mark {
    fn whatsapp(self) -> &'static str {
        match self {
            Mark::Bold => "*",
            Mark::Italic => "_",
            Mark::Strike => "~",
            Mark::Mono => "```",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

struct OpenMark {
    mark: Mark,
    emitted: bool,
    before: usize,
    after: usize,
    src: Range<usize>,
}

enum Container {
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

struct OpenLink {
    url: String,
    link_type: LinkType,
    id: String,
    range: Range<usize>,
    inner_end: usize,
    out_start: usize,
}

struct OpenImage {
    src: String,
    link_type: LinkType,
    id: String,
    range: Range<usize>,
    alt: String,
    alt_range: Option<Range<usize>>,
    depth: usize,
}

struct OpenComment {
    start: usize,
    end: usize,
    text: String,
}

/// The parser's iterator, kept for its reference definitions (`[text][ref]` targets).
type Refs<'a> = pulldown_cmark::OffsetIter<'a, pulldown_cmark::DefaultBrokenLinkCallback>;

/// Ranges are body-relative while rendering and shifted to file offsets in `finish`.
struct Renderer<'a> {
    body: &'a str,
    style: Style,
    split_thread: bool,
    buf: SpanText,
    part_start: usize,
    pending_sep: u8,
    at_line_start: bool,
    last_src_end: usize,
    containers: Vec<Container>,
    lists: Vec<Option<u64>>,
    marks: Vec<OpenMark>,
    in_code_block: bool,
    mark_depth: [u32; 4],
    links: Vec<OpenLink>,
    image: Option<OpenImage>,
    comment: Option<OpenComment>,
    out: RenderedDraft,
}

impl<'a> Renderer<'a> {
    fn new(body: &'a str, style: Style, split_thread: bool) -> Self {
        Renderer {
            body,
            style,
            split_thread,
            buf: SpanText::default(),
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

    fn event(&mut self, event: Event<'a>, range: Range<usize>, refs: &Refs<'a>) {
        let own_end = matches!(event, Event::End(TagEnd::Link | TagEnd::Image));
        if !own_end {
            if let Some(link) = self.links.last_mut() {
                link.inner_end = link.inner_end.max(range.end);
            }
            if let Some(image) = &mut self.image {
                let alt = image.alt_range.get_or_insert(range.clone());
                alt.start = alt.start.min(range.start);
                alt.end = alt.end.max(range.end);
            }
        }
        if self.image.is_some() {
            self.image_event(event, refs);
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range, refs),
            Event::Text(text) => {
                if self.in_code_block {
                    self.text_event(&text, range, false);
                } else {
                    let (text, start) = self.lead_trimmed(&text, range.start);
                    self.text_event(text, start..range.end, false);
                }
            }
            Event::Code(code) => {
                if self.style == Style::WhatsApp {
                    self.write("```", range.clone(), SegmentKind::Synthetic);
                    self.text_event(&code, range.clone(), true);
                    self.push("```", range, SegmentKind::Synthetic);
                } else {
                    self.text_event(&code, range, true);
                }
            }
            Event::Html(html) => self.html(&html, range, false),
            Event::InlineHtml(html) => self.html(&html, range, true),
            // A line left empty by an omitted image or comment is dropped with its break.
            Event::SoftBreak | Event::HardBreak if self.pending_sep == 0 && !self.at_line_start => {
                let keep = self.buf.as_str().trim_end_matches([' ', '\t']).len();
                self.truncate(keep);
                self.newline(range, SegmentKind::Synthetic);
            }
            Event::Rule => {
                if self.split_thread && self.containers.is_empty() {
                    self.finish_part(range.start);
                    self.part_start = range.end;
                    self.last_src_end = range.end;
                } else {
                    self.request_sep(2);
                }
            }
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'a>, range: Range<usize>) {
        match tag {
            Tag::Paragraph => self.request_sep(2),
            Tag::Heading { level, .. } => {
                if level == HeadingLevel::H2 {
                    self.note_setext_underline(&range);
                }
                self.request_sep(self.block_sep());
                self.open_mark(Mark::Bold, range);
            }
            Tag::CodeBlock(_) => {
                self.in_code_block = true;
                self.request_sep(self.block_sep());
                self.open_mark(Mark::Mono, range);
            }
            Tag::HtmlBlock => self.request_sep(self.block_sep()),
            Tag::BlockQuote(_) => {
                self.request_sep(self.block_sep());
                let first = range.start..range.start.saturating_add(1).min(range.end);
                self.containers.push(Container::Quote { src: first });
            }
            Tag::List(start) => {
                self.request_sep(self.block_sep());
                self.lists.push(start);
            }
            Tag::Item => self.start_item(range),
            Tag::Emphasis => self.open_mark(Mark::Italic, range),
            Tag::Strong => self.open_mark(Mark::Bold, range),
            Tag::Strikethrough => self.open_mark(Mark::Strike, range),
            Tag::Link {
                link_type,
                dest_url,
                id,
                ..
            } => {
                // Flush now so the link text starts at `out_start`, after any separator.
                self.flush(range.start);
                self.links.push(OpenLink {
                    url: dest_url.into_string(),
                    link_type,
                    id: id.into_string(),
                    inner_end: range.start.saturating_add(1).min(range.end),
                    range,
                    out_start: self.buf.len(),
                });
            }
            Tag::Image {
                link_type,
                dest_url,
                id,
                ..
            } => {
                self.image = Some(OpenImage {
                    src: dest_url.into_string(),
                    link_type,
                    id: id.into_string(),
                    range,
                    alt: String::new(),
                    alt_range: None,
                    depth: 1,
                });
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd, range: Range<usize>, refs: &Refs<'a>) {
        match tag {
            TagEnd::Paragraph => self.block_end(),
            TagEnd::Heading(_) => {
                self.close_mark();
                self.block_end();
            }
            TagEnd::CodeBlock => {
                self.in_code_block = false;
                self.trim_end();
                self.close_mark();
                self.block_end();
            }
            TagEnd::HtmlBlock => {
                self.close_comment();
                self.block_end();
            }
            TagEnd::BlockQuote(_) => {
                self.containers.pop();
                self.block_end();
            }
            TagEnd::List(_) => {
                self.lists.pop();
                self.block_end();
            }
            TagEnd::Item => {
                let pending = matches!(
                    self.containers.last(),
                    Some(Container::Item { pending: true, .. })
                );
                if pending {
                    // An empty item still shows its marker.
                    self.flush(range.start);
                }
                self.containers.pop();
                self.block_end();
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => self.close_mark(),
            TagEnd::Link => self.end_link(refs),
            _ => {}
        }
    }

    fn start_item(&mut self, range: Range<usize>) {
        let token_len = self
            .body
            .get(range.clone())
            .unwrap_or_default()
            .bytes()
            .take_while(|b| !b.is_ascii_whitespace())
            .count();
        let marker_src = range.start..range.start + token_len;
        let marker = match self.lists.last_mut() {
            Some(Some(number)) => {
                let delim = match self.body.get(marker_src.clone()) {
                    Some(token) if token.ends_with(')') => ')',
                    _ => '.',
                };
                let marker = format!("{number}{delim} ");
                *number = number.saturating_add(1);
                marker
            }
            _ => "- ".to_owned(),
        };
        self.request_sep(1);
        self.containers.push(Container::Item {
            width: marker.len(),
            marker,
            marker_src,
            pending: true,
        });
    }

    fn end_link(&mut self, refs: &Refs<'a>) {
        let Some(link) = self.links.pop() else {
            return;
        };
        let url_range = self.locate_dest(
            &link.range,
            link.inner_end,
            link.link_type,
            &link.id,
            &link.url,
            refs,
        );
        let shown = self.buf.as_str().get(link.out_start..).unwrap_or_default();
        if shown.is_empty() {
            self.text_event(&link.url, url_range.clone(), false);
        } else if !same_target(shown, &link.url) {
            self.write(" (", link.range.clone(), SegmentKind::Synthetic);
            self.text_event(&link.url, url_range.clone(), false);
            self.write(")", link.range.clone(), SegmentKind::Synthetic);
        }
        self.out.links.push(Link {
            url: link.url,
            range: link.range,
            url_range,
            part: self.out.parts.len(),
        });
    }

    fn image_event(&mut self, event: Event<'a>, refs: &Refs<'a>) {
        let Some(image) = &mut self.image else {
            return;
        };
        match event {
            Event::Start(Tag::Image { .. }) => image.depth += 1,
            Event::End(TagEnd::Image) => {
                image.depth -= 1;
                if image.depth == 0 {
                    self.end_image(refs);
                }
            }
            Event::Text(text) | Event::Code(text) => image.alt.push_str(&text),
            Event::SoftBreak | Event::HardBreak => image.alt.push(' '),
            _ => {}
        }
    }

    fn end_image(&mut self, refs: &Refs<'a>) {
        let Some(image) = self.image.take() else {
            return;
        };
        let after_bang = image.range.start.saturating_add(2).min(image.range.end);
        let alt_range = image.alt_range.unwrap_or(after_bang..after_bang);
        let src_range = self.locate_dest(
            &image.range,
            alt_range.end.max(after_bang),
            image.link_type,
            &image.id,
            &image.src,
            refs,
        );
        self.out.images.push(Image {
            src: image.src,
            alt: image.alt,
            range: image.range,
            src_range,
            alt_range,
            part: self.out.parts.len(),
        });
    }

    /// Finds where a link or image destination is written; falls back to a wider range.
    fn locate_dest(
        &self,
        range: &Range<usize>,
        inner_end: usize,
        link_type: LinkType,
        id: &str,
        dest: &str,
        refs: &Refs<'a>,
    ) -> Range<usize> {
        match link_type {
            LinkType::Autolink | LinkType::Email if range.len() >= 2 => {
                range.start + 1..range.end - 1
            }
            LinkType::Inline => {
                let Some(open) = self
                    .body
                    .get(inner_end..range.end)
                    .and_then(|s| s.find('('))
                else {
                    return range.clone();
                };
                let dest_end = range.end.saturating_sub(1).max(inner_end + open + 1);
                self.find_dest(inner_end + open + 1..dest_end, dest)
            }
            LinkType::Reference
            | LinkType::Collapsed
            | LinkType::Shortcut
            | LinkType::ReferenceUnknown
            | LinkType::CollapsedUnknown
            | LinkType::ShortcutUnknown => {
                let Some(def) = refs.reference_definitions().get(id) else {
                    return range.clone();
                };
                let span = def.span.clone();
                match self.body.get(span.clone()).and_then(|s| s.find("]:")) {
                    Some(colon) => self.find_dest(span.start + colon + 2..span.end, dest),
                    None => span,
                }
            }
            _ => range.clone(),
        }
    }

    /// `area` starts just before a destination (after `(` or `]:`), possibly with spaces.
    fn find_dest(&self, area: Range<usize>, dest: &str) -> Range<usize> {
        let Some(text) = self.body.get(area.clone()) else {
            return area;
        };
        let lead = text.len() - text.trim_start().len();
        let rest = text.get(lead..).unwrap_or_default();
        let (angle, rest) = match rest.strip_prefix('<') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let start = area.start + lead + usize::from(angle);
        if rest.starts_with(dest) {
            return start..start + dest.len();
        }
        // Escapes or entities in the destination: cover the destination token as written.
        let len = if angle {
            rest.find('>').unwrap_or(rest.len())
        } else {
            rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len())
        };
        start..start + len
    }

    fn note_setext_underline(&mut self, range: &Range<usize>) {
        let Some(src) = self.body.get(range.clone()) else {
            return;
        };
        let trimmed = src.trim_end();
        let Some(nl) = trimmed.rfind('\n') else {
            return;
        };
        let line = trimmed.get(nl + 1..).unwrap_or_default();
        let dashes = line.trim();
        if !dashes.is_empty() && dashes.bytes().all(|b| b == b'-') {
            let start = range.start + nl + 1 + (line.len() - line.trim_start().len());
            self.out
                .setext_dash_underlines
                .push(start..start + dashes.len());
        }
    }

    /// HTML pieces come a line at a time; comments may span several pieces.
    fn html(&mut self, html: &str, range: Range<usize>, inline: bool) {
        if self.body.get(range.clone()) != Some(html) {
            // Never seen in practice: keep the text rather than guess where a comment is.
            self.write_lines(html, range, SegmentKind::Synthetic);
            return;
        }
        let mut i = 0;
        while i < html.len() {
            let rest = html.get(i..).unwrap_or_default();
            if let Some(comment) = &mut self.comment {
                match rest.find("-->") {
                    Some(j) => {
                        comment.text.push_str(rest.get(..j).unwrap_or_default());
                        comment.end = range.start + i + j + 3;
                        i += j + 3;
                        self.close_comment();
                    }
                    None => {
                        comment.text.push_str(rest);
                        comment.end = range.end;
                        i = html.len();
                    }
                }
            } else {
                let end = rest.find("<!--").map_or(html.len(), |j| i + j);
                let piece = html.get(i..end).unwrap_or_default();
                let (piece, start) = if inline || i > 0 {
                    self.lead_trimmed(piece, range.start + i)
                } else {
                    (piece, range.start + i)
                };
                self.write_lines(piece, start..range.start + end, SegmentKind::Verbatim);
                let Some(j) = rest.find("<!--") else {
                    break;
                };
                let start = range.start + i + j;
                i += j + 4;
                let after = html.get(i..).unwrap_or_default();
                // CommonMark 0.31 also closes a comment with `<!-->` and `<!--->`.
                let short = [">", "->"].into_iter().find(|c| after.starts_with(c));
                self.comment = Some(OpenComment {
                    start,
                    end: range.end,
                    text: String::new(),
                });
                if let Some(close) = short {
                    i += close.len();
                    if let Some(c) = &mut self.comment {
                        c.end = range.start + i;
                    }
                    self.close_comment();
                }
            }
        }
    }

    /// Drops spaces at the start of a line of inline text, left by an omitted image or
    /// comment (the parser already strips the author's indentation).
    fn lead_trimmed<'t>(&self, text: &'t str, start: usize) -> (&'t str, usize) {
        if self.pending_sep > 0 || self.at_line_start {
            let trimmed = text.trim_start_matches([' ', '\t']);
            (trimmed, start + (text.len() - trimmed.len()))
        } else {
            (text, start)
        }
    }

    fn close_comment(&mut self) {
        if let Some(c) = self.comment.take() {
            self.out.comments.push(Comment {
                text: c.text,
                range: c.start..c.end,
            });
        }
    }

    fn block_sep(&self) -> u8 {
        if matches!(self.containers.last(), Some(Container::Item { .. })) {
            1
        } else {
            2
        }
    }

    fn request_sep(&mut self, newlines: u8) {
        self.pending_sep = self.pending_sep.max(newlines);
    }

    fn block_end(&mut self) {
        self.trim_end();
        self.request_sep(1);
    }

    fn open_mark(&mut self, mark: Mark, src: Range<usize>) {
        let depth = self.mark_depth.get(mark.index()).copied().unwrap_or(0);
        let emitted = self.style == Style::WhatsApp && depth == 0;
        let (mut before, mut after) = (0, 0);
        if emitted {
            self.flush(src.start);
            before = self.buf.len();
            self.push(mark.whatsapp(), src.clone(), SegmentKind::Synthetic);
            after = self.buf.len();
        }
        if let Some(d) = self.mark_depth.get_mut(mark.index()) {
            *d += 1;
        }
        self.marks.push(OpenMark {
            mark,
            emitted,
            before,
            after,
            src,
        });
    }

    fn close_mark(&mut self) {
        let Some(m) = self.marks.pop() else {
            return;
        };
        if let Some(d) = self.mark_depth.get_mut(m.mark.index()) {
            *d = d.saturating_sub(1);
        }
        if m.emitted {
            if self.buf.len() == m.after {
                // Nothing inside: WhatsApp would show the bare markers.
                self.truncate(m.before);
            } else {
                self.push(m.mark.whatsapp(), m.src, SegmentKind::Synthetic);
            }
        }
    }

    /// Writes an event's text; verbatim when it is a copy of its source.
    fn text_event(&mut self, text: &str, src: Range<usize>, is_code: bool) {
        let Some(source) = self.body.get(src.clone()) else {
            self.write_lines(text, src, SegmentKind::Synthetic);
            return;
        };
        if source == text {
            self.write_lines(text, src, SegmentKind::Verbatim);
            return;
        }
        if is_code && !text.is_empty() {
            // A code span's range includes its backticks; the content is usually inside.
            let ticks = source.bytes().take_while(|&b| b == b'`').count();
            let found = source.get(ticks..).and_then(|s| s.find(text));
            if let Some(i) = found {
                let start = src.start + ticks + i;
                self.write_lines(text, start..start + text.len(), SegmentKind::Verbatim);
                return;
            }
        }
        self.write_lines(text, src, SegmentKind::Synthetic);
    }

    /// Writes text line by line so quote prefixes follow each newline and CRLF becomes LF.
    /// For `Verbatim`, `src` starts where `text` is in the body.
    fn write_lines(&mut self, text: &str, src: Range<usize>, kind: SegmentKind) {
        let mut rest = text;
        let mut off = src.start;
        while let Some(i) = rest.find('\n') {
            let with_cr = rest.get(..i).unwrap_or_default();
            let line = with_cr.strip_suffix('\r').unwrap_or(with_cr);
            let nl = off + line.len();
            match kind {
                SegmentKind::Verbatim => {
                    self.write(line, off..nl, kind);
                    let nl_kind = if line.len() == with_cr.len() {
                        SegmentKind::Verbatim
                    } else {
                        SegmentKind::Synthetic
                    };
                    self.newline(nl..off + i + 1, nl_kind);
                }
                SegmentKind::Synthetic => {
                    self.write(line, src.clone(), kind);
                    self.newline(src.clone(), kind);
                }
            }
            off += i + 1;
            rest = rest.get(i + 1..).unwrap_or_default();
        }
        let end = if kind == SegmentKind::Verbatim {
            off + rest.len()
        } else {
            src.end
        };
        let start = if kind == SegmentKind::Verbatim {
            off
        } else {
            src.start
        };
        self.write(rest, start..end, kind);
    }

    fn newline(&mut self, src: Range<usize>, kind: SegmentKind) {
        self.flush_sep(src.start);
        self.push("\n", src, kind);
        self.at_line_start = true;
    }

    fn write(&mut self, s: &str, src: Range<usize>, kind: SegmentKind) {
        if s.is_empty() {
            return;
        }
        self.flush(src.start);
        self.push(s, src, kind);
    }

    /// Writes the pending block separator and, at a line start, the container prefix.
    fn flush(&mut self, next_src: usize) {
        self.flush_sep(next_src);
        if self.at_line_start {
            self.at_line_start = false;
            self.write_prefix();
        }
    }

    fn flush_sep(&mut self, next_src: usize) {
        let newlines = std::mem::take(&mut self.pending_sep);
        if newlines == 0 || self.buf.is_empty() {
            return;
        }
        let gap = if self.last_src_end <= next_src {
            self.last_src_end..next_src
        } else {
            next_src..next_src
        };
        for _ in 0..newlines {
            self.push("\n", gap.clone(), SegmentKind::Synthetic);
        }
        self.at_line_start = true;
    }

    fn write_prefix(&mut self) {
        let quotes = self.style == Style::WhatsApp;
        for i in 0..self.containers.len() {
            let Some(container) = self.containers.get_mut(i) else {
                break;
            };
            match container {
                Container::Quote { src } => {
                    if quotes {
                        let src = src.clone();
                        self.push("> ", src, SegmentKind::Synthetic);
                    }
                }
                Container::Item {
                    marker,
                    width,
                    marker_src,
                    pending,
                } => {
                    let src = marker_src.clone();
                    if *pending {
                        *pending = false;
                        let marker = std::mem::take(marker);
                        self.push(&marker, src, SegmentKind::Synthetic);
                    } else {
                        let width = *width;
                        self.push_spaces(width, src);
                    }
                }
            }
        }
    }

    fn push_spaces(&mut self, mut n: usize, src: Range<usize>) {
        const SPACES: &str = "                ";
        while n > 0 {
            let k = n.min(SPACES.len());
            self.push(
                SPACES.get(..k).unwrap_or_default(),
                src.clone(),
                SegmentKind::Synthetic,
            );
            n -= k;
        }
    }

    fn push(&mut self, s: &str, src: Range<usize>, kind: SegmentKind) {
        self.last_src_end = src.end;
        self.buf.push(s, src, kind);
    }

    fn trim_end(&mut self) {
        self.buf.trim_end();
        self.at_line_start = self.buf.is_empty();
    }

    fn truncate(&mut self, len: usize) {
        self.buf.truncate(len);
        self.at_line_start = self.buf.is_empty() || self.buf.as_str().ends_with('\n');
    }

    fn finish_part(&mut self, end: usize) {
        self.close_comment();
        let source = self.part_start..end.max(self.part_start);
        let part = std::mem::take(&mut self.buf).finish(source);
        self.out.parts.push(part);
        self.pending_sep = 0;
        self.at_line_start = true;
    }

    fn finish(mut self, base: usize) -> RenderedDraft {
        self.finish_part(self.body.len());
        let mut out = self.out;
        let shift = |r: &mut Range<usize>| {
            r.start += base;
            r.end += base;
        };
        for part in &mut out.parts {
            part.shift(base);
        }
        for image in &mut out.images {
            shift(&mut image.range);
            shift(&mut image.src_range);
            shift(&mut image.alt_range);
        }
        for link in &mut out.links {
            shift(&mut link.range);
            shift(&mut link.url_range);
        }
        for comment in &mut out.comments {
            shift(&mut comment.range);
        }
        for r in &mut out.setext_dash_underlines {
            shift(r);
        }
        out
    }
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

/// The link text already shows the target: write it once.
fn same_target(shown: &str, url: &str) -> bool {
    if shown == url {
        return true;
    }
    ["mailto:", "tel:", "http://", "https://"]
        .into_iter()
        .any(|scheme| {
            url.get(..scheme.len())
                .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
                && url.get(scheme.len()..) == Some(shown)
        })
}

#[cfg(test)]
mod tests;
