//! Raw HTML in a draft: comments are set aside (they carry `camplint-disable`), other
//! HTML is kept as text.

use std::ops::Range;

use super::draft::Comment;
use super::span_map::SegmentKind;
use super::state::{OpenComment, Renderer};

impl<'a> Renderer<'a> {
    /// HTML pieces come a line at a time; comments may span several pieces.
    pub(super) fn html(&mut self, html: &str, range: Range<usize>, inline: bool) {
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

    pub(super) fn close_comment(&mut self) {
        if let Some(c) = self.comment.take() {
            self.out.comments.push(Comment {
                text: c.text,
                range: c.start..c.end,
            });
        }
    }
}
