//! Writing rendered text: block separators, quote and list prefixes at each line
//! start, CRLF to LF, and every byte recorded in the span map with its source.

use std::ops::Range;

use super::draft::Style;
use super::span_map::SegmentKind;
use super::state::{Container, Renderer};

impl<'a> Renderer<'a> {
    /// Drops spaces at the start of a line of inline text, left by an omitted image or
    /// comment (the parser already strips the author's indentation).
    pub(super) fn lead_trimmed<'t>(&self, text: &'t str, start: usize) -> (&'t str, usize) {
        if self.pending_sep > 0 || self.at_line_start {
            let trimmed = text.trim_start_matches([' ', '\t']);
            (trimmed, start + (text.len() - trimmed.len()))
        } else {
            (text, start)
        }
    }

    /// Writes an event's text; verbatim when it is a copy of its source.
    pub(super) fn text_event(&mut self, text: &str, src: Range<usize>, is_code: bool) {
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
    pub(super) fn write_lines(&mut self, text: &str, src: Range<usize>, kind: SegmentKind) {
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

    pub(super) fn newline(&mut self, src: Range<usize>, kind: SegmentKind) {
        self.flush_sep(src.start);
        self.push("\n", src, kind);
        self.at_line_start = true;
    }

    pub(super) fn write(&mut self, s: &str, src: Range<usize>, kind: SegmentKind) {
        if s.is_empty() {
            return;
        }
        self.flush(src.start);
        self.push(s, src, kind);
    }

    /// Writes the pending block separator and, at a line start, the container prefix.
    pub(super) fn flush(&mut self, next_src: usize) {
        self.flush_sep(next_src);
        if self.at_line_start {
            self.at_line_start = false;
            self.write_prefix();
        }
    }

    pub(super) fn flush_sep(&mut self, next_src: usize) {
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

    pub(super) fn write_prefix(&mut self) {
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

    pub(super) fn push_spaces(&mut self, mut n: usize, src: Range<usize>) {
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

    pub(super) fn push(&mut self, s: &str, src: Range<usize>, kind: SegmentKind) {
        self.last_src_end = src.end;
        self.buf.push(s, src, kind);
    }

    pub(super) fn trim_end(&mut self) {
        self.buf.trim_end();
        self.at_line_start = self.buf.is_empty();
    }

    pub(super) fn truncate(&mut self, len: usize) {
        self.buf.truncate(len);
        self.at_line_start = self.buf.is_empty() || self.buf.as_str().ends_with('\n');
    }
}
