//! The walk over a draft's Markdown events: blocks, list items and inline markers,
//! each turned into the channel's text.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::draft::{RenderedDraft, Style};
use super::span_map::SegmentKind;
use super::state::{Container, Mark, OpenImage, OpenLink, OpenMark, Refs, Renderer};

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

impl<'a> Renderer<'a> {
    pub(super) fn event(&mut self, event: Event<'a>, range: Range<usize>, refs: &Refs<'a>) {
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
            Event::Rule => self.thematic_break(range),
            _ => {}
        }
    }

    pub(super) fn start(&mut self, tag: Tag<'a>, range: Range<usize>) {
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

    pub(super) fn end(&mut self, tag: TagEnd, range: Range<usize>, refs: &Refs<'a>) {
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

    pub(super) fn start_item(&mut self, range: Range<usize>) {
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

    pub(super) fn note_setext_underline(&mut self, range: &Range<usize>) {
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

    pub(super) fn block_sep(&self) -> u8 {
        if matches!(self.containers.last(), Some(Container::Item { .. })) {
            1
        } else {
            2
        }
    }

    pub(super) fn request_sep(&mut self, newlines: u8) {
        self.pending_sep = self.pending_sep.max(newlines);
    }

    pub(super) fn block_end(&mut self) {
        self.trim_end();
        self.request_sep(1);
    }

    pub(super) fn open_mark(&mut self, mark: Mark, src: Range<usize>) {
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

    pub(super) fn close_mark(&mut self) {
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
}
