//! Splitting a thread into posts on top-level thematic breaks, and closing the parts
//! with every range shifted from the body to the file.

use std::ops::Range;

use super::draft::RenderedDraft;
use super::state::Renderer;

impl<'a> Renderer<'a> {
    /// A thematic break (`---`, `***`): the end of a thread post when splitting and
    /// not inside a quote or list; otherwise just a block boundary.
    pub(super) fn thematic_break(&mut self, range: Range<usize>) {
        if self.split_thread && self.containers.is_empty() {
            let line = self.body.get(range.clone()).unwrap_or_default();
            let start = range.start + (line.len() - line.trim_start().len());
            let end = (range.start + line.trim_end().len()).max(start);
            self.out.thread_breaks.push(start..end);
            self.finish_part(range.start);
            self.part_start = range.end;
            self.last_src_end = range.end;
        } else {
            self.request_sep(2);
        }
    }

    pub(super) fn finish_part(&mut self, end: usize) {
        self.close_comment();
        let source = self.part_start..end.max(self.part_start);
        // The next post grows its own buffer: reserving the rest of the body for each post
        // would keep parts x body bytes alive for a long thread.
        let part = std::mem::take(&mut self.buf).finish(source);
        self.out.parts.push(part);
        self.pending_sep = 0;
        self.at_line_start = true;
    }

    pub(super) fn finish(mut self, base: usize) -> RenderedDraft {
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
        for r in out
            .setext_dash_underlines
            .iter_mut()
            .chain(&mut out.thread_breaks)
        {
            shift(r);
        }
        out
    }
}
