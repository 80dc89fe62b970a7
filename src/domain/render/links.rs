//! Links and images: where their destination is written in the source, how a link is
//! shown as text, and images set aside as attachments.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Tag, TagEnd};

use super::draft::{Image, Link};
use super::span_map::SegmentKind;
use super::state::{Refs, Renderer};

impl<'a> Renderer<'a> {
    pub(super) fn end_link(&mut self, refs: &Refs<'a>) {
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

    pub(super) fn image_event(&mut self, event: Event<'a>, refs: &Refs<'a>) {
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

    pub(super) fn end_image(&mut self, refs: &Refs<'a>) {
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
    pub(super) fn locate_dest(
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
    pub(super) fn find_dest(&self, area: Range<usize>, dest: &str) -> Range<usize> {
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
