//! Rendered text with a map from each byte back to the Markdown source it came from,
//! so a finding in the rendered text (a phone number, the character where a post passes
//! 280) points at the exact source span.

use std::ops::Range;
use std::sync::OnceLock;

use crate::domain::text::urls::{scan_urls, Url};

/// Whether rendered bytes are a copy of source bytes or were made by the renderer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentKind {
    /// Byte-for-byte copy of `src`: sub-ranges map exactly.
    Verbatim,
    /// Markers, separators, entities, escapes: any part maps to the whole `src`.
    Synthetic,
}

/// One run of rendered bytes and the source bytes it came from (file offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Byte range in [`Rendered::text`].
    pub out: Range<usize>,
    /// Byte range in the draft file.
    pub src: Range<usize>,
    /// How `out` relates to `src`.
    pub kind: SegmentKind,
}

/// The rendered text of one message or post, with its map back to the source.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The text the platform receives.
    pub text: String,
    /// Byte range in the file of the Markdown this part was rendered from.
    pub source: Range<usize>,
    segments: Vec<Segment>,
    // The URLs of `text`, scanned on first use: the length, link and phone rules all read
    // them, and scanning once per rule was a tenth of checking 10,000 drafts.
    urls: OnceLock<Vec<Url>>,
}

/// Two parts are equal when their text and map are (whether their URLs were scanned yet
/// does not matter).
impl PartialEq for Rendered {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text && self.source == other.source && self.segments == other.segments
    }
}

impl Eq for Rendered {}

impl Rendered {
    /// The URLs of [`Rendered::text`] as [`scan_urls`] finds them, scanned once.
    pub fn urls(&self) -> &[Url] {
        self.urls.get_or_init(|| scan_urls(&self.text))
    }

    /// Maps a byte range of [`Rendered::text`] to the smallest file byte range covering it.
    ///
    /// Out-of-range input is clamped; an empty range maps to an empty range at the
    /// matching source position; an empty text maps to the start of [`Rendered::source`].
    pub fn source_range(&self, out: Range<usize>) -> Range<usize> {
        let len = self.text.len();
        let start = out.start.min(len);
        let end = out.end.clamp(start, len);
        let (Some(first), Some(last)) = (self.segments.first(), self.segments.last()) else {
            return self.source.start..self.source.start;
        };
        if start == end {
            let point = if start >= len {
                last.src.end
            } else {
                let i = self.segments.partition_point(|s| s.out.end <= start);
                self.segments
                    .get(i)
                    .map_or(first.src.start, |s| point_in(s, start))
            };
            return point..point;
        }
        let i = self.segments.partition_point(|s| s.out.end <= start);
        let mut lo = usize::MAX;
        let mut hi = 0;
        for seg in self.segments.iter().skip(i) {
            if seg.out.start >= end {
                break;
            }
            let src = match seg.kind {
                SegmentKind::Verbatim => {
                    let a = start.max(seg.out.start) - seg.out.start;
                    let b = end.min(seg.out.end) - seg.out.start;
                    seg.src.start + a..seg.src.start + b
                }
                SegmentKind::Synthetic => seg.src.clone(),
            };
            lo = lo.min(src.start);
            hi = hi.max(src.end);
        }
        if lo > hi {
            return last.src.end..last.src.end;
        }
        lo..hi
    }

    /// The span map, ordered by rendered offset and covering every rendered byte.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Moves every source range by `base` (body offsets to file offsets).
    pub(crate) fn shift(&mut self, base: usize) {
        self.source = self.source.start + base..self.source.end + base;
        for seg in &mut self.segments {
            seg.src = seg.src.start + base..seg.src.end + base;
        }
    }
}

fn point_in(seg: &Segment, out: usize) -> usize {
    match seg.kind {
        SegmentKind::Verbatim => seg.src.start + out.saturating_sub(seg.out.start),
        SegmentKind::Synthetic => seg.src.start,
    }
}

/// Text under construction with its span map; the renderer writes only through it.
#[derive(Debug, Default)]
pub(crate) struct SpanText {
    text: String,
    segments: Vec<Segment>,
}

impl SpanText {
    /// Room for a text of about `len` bytes (the rest of the source: rendering mostly
    /// drops markup), so writing it does not grow the buffers a piece at a time.
    pub(crate) fn with_capacity(len: usize) -> Self {
        SpanText {
            text: String::with_capacity(len),
            segments: Vec::with_capacity(len / 32),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    pub(crate) fn len(&self) -> usize {
        self.text.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Appends `s`, made from `src`, merging with the previous segment when they join.
    pub(crate) fn push(&mut self, s: &str, src: Range<usize>, kind: SegmentKind) {
        if s.is_empty() {
            return;
        }
        let out = self.text.len()..self.text.len() + s.len();
        self.text.push_str(s);
        if let Some(last) = self.segments.last_mut() {
            let joins = last.kind == kind
                && last.out.end == out.start
                && match kind {
                    SegmentKind::Verbatim => last.src.end == src.start,
                    SegmentKind::Synthetic => last.src == src,
                };
            if joins {
                last.out.end = out.end;
                last.src.end = src.end;
                return;
            }
        }
        self.segments.push(Segment { out, src, kind });
    }

    pub(crate) fn trim_end(&mut self) {
        let keep = self.text.trim_end().len();
        self.truncate(keep);
    }

    /// Cuts the text to `len` bytes; a verbatim segment cut in two keeps an exact map.
    pub(crate) fn truncate(&mut self, len: usize) {
        if len >= self.text.len() || !self.text.is_char_boundary(len) {
            return;
        }
        self.text.truncate(len);
        while let Some(last) = self.segments.last_mut() {
            if last.out.start >= len {
                self.segments.pop();
                continue;
            }
            if last.out.end > len {
                let cut = last.out.end - len;
                last.out.end = len;
                if last.kind == SegmentKind::Verbatim {
                    last.src.end -= cut;
                }
            }
            break;
        }
    }

    fn trim_start(&mut self) {
        let cut = self.text.len() - self.text.trim_start().len();
        if cut == 0 {
            return;
        }
        self.text.drain(..cut);
        self.segments.retain(|s| s.out.end > cut);
        for seg in &mut self.segments {
            if seg.out.start < cut {
                if seg.kind == SegmentKind::Verbatim {
                    seg.src.start += cut - seg.out.start;
                }
                seg.out.start = cut;
            }
            seg.out.start -= cut;
            seg.out.end -= cut;
        }
    }

    /// Trims both ends (SPEC 1.3: no leading or trailing whitespace) and seals the part.
    pub(crate) fn finish(mut self, source: Range<usize>) -> Rendered {
        self.trim_end();
        self.trim_start();
        Rendered {
            text: self.text,
            source,
            segments: self.segments,
            urls: OnceLock::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_cut_and_trim_keep_exact_maps() {
        let mut t = SpanText::default();
        t.push("  ab", 10..14, SegmentKind::Verbatim);
        t.push("cd", 14..16, SegmentKind::Verbatim);
        t.push("\n\n", 16..18, SegmentKind::Synthetic);
        t.push("*", 20..25, SegmentKind::Synthetic);
        t.push("*", 20..25, SegmentKind::Synthetic);
        assert_eq!(t.segments.len(), 3);
        t.truncate(t.len() - 1);
        let r = t.finish(0..30);
        assert_eq!(r.text, "abcd\n\n*");
        assert_eq!(r.source_range(0..4), 12..16);
        assert_eq!(r.source_range(1..2), 13..14);
        assert_eq!(r.source_range(6..7), 20..25);
        assert_eq!(r.source_range(3..7), 15..25);
    }

    #[test]
    fn shift_moves_every_range() {
        let mut t = SpanText::default();
        t.push("x", 0..1, SegmentKind::Verbatim);
        let mut r = t.finish(0..1);
        r.shift(5);
        assert_eq!(r.source, 5..6);
        assert_eq!(r.source_range(0..1), 5..6);
    }
}
