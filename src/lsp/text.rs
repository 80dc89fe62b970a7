//! Positions as the client counts them. LSP columns are code units of the negotiated
//! encoding (UTF-16 unless the client offers UTF-8), camplint's spans are byte offsets:
//! an emoji is 4 bytes, 2 UTF-16 units and 1 character, an `è` 2 bytes and 1 unit, and a
//! combining accent is a unit of its own in both.

use lsp_types::{
    ClientCapabilities, Position, PositionEncodingKind, TextDocumentContentChangeEvent,
};

use crate::base::source::SourceFile;

/// How columns are counted on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Bytes of UTF-8 (when the client offers it: no conversion, no ambiguity).
    Utf8,
    /// UTF-16 code units, the protocol's default (VS Code and Zed speak only this).
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client lists it among `general.positionEncodings`, else UTF-16.
    pub fn negotiate(caps: &ClientCapabilities) -> Encoding {
        let offered = caps
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref());
        match offered {
            Some(list) if list.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    /// The name sent back in the server's capabilities.
    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    /// Code units of `text` in this encoding.
    fn units(self, text: &str) -> usize {
        match self {
            Encoding::Utf8 => text.len(),
            Encoding::Utf16 => text.chars().map(char::len_utf16).sum(),
        }
    }
}

/// The position of a byte offset of a loaded file.
pub fn position(file: &SourceFile, offset: usize, enc: Encoding) -> Position {
    let offset = file.clamp(offset);
    let line = file.line_index(offset);
    let start = file.line_starts()[line];
    Position {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        character: u32::try_from(enc.units(&file.text[start..offset])).unwrap_or(u32::MAX),
    }
}

/// The byte offset of a client position in `text`. A line past the end is the end; a
/// column past the end of its line is the line's end; a column inside a character (half
/// of a surrogate pair) is that character's start, so a confused client cannot split one.
pub fn offset(text: &str, pos: Position, enc: Encoding) -> usize {
    let mut start = 0;
    for _ in 0..pos.line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line = &text[start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let line = line.strip_suffix('\r').unwrap_or(line);
    let wanted = pos.character as usize;
    let mut units = 0;
    for (i, c) in line.char_indices() {
        let width = match enc {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        };
        if units + width > wanted {
            return start + i;
        }
        units += width;
    }
    start + line.len()
}

/// Applies one `didChange` edit (a range, or the whole text when it has none).
pub fn apply(text: &mut String, change: TextDocumentContentChangeEvent, enc: Encoding) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let start = offset(text, range.start, enc);
            let end = offset(text, range.end, enc).max(start);
            text.replace_range(start..end, &change.text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::source::FileKind;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("m.md".into(), FileKind::Draft, text.into())
    }

    #[test]
    fn columns_around_emoji_accents_and_combining_marks() {
        // "e" + U+0301 (combining acute) is two characters that look like one.
        let text = "x\n🎄è e\u{301} 333";
        let f = file(text);
        let at = text.find("333").unwrap_or(0);
        let utf16 = position(&f, at, Encoding::Utf16);
        let utf8 = position(&f, at, Encoding::Utf8);
        assert_eq!((utf16.line, utf16.character), (1, 2 + 1 + 1 + 2 + 1));
        assert_eq!((utf8.line, utf8.character), (1, 4 + 2 + 1 + 3 + 1));
        assert_eq!(offset(text, utf16, Encoding::Utf16), at);
        assert_eq!(offset(text, utf8, Encoding::Utf8), at);
    }

    #[test]
    fn positions_out_of_range_clamp_to_a_character_boundary() {
        let text = "🎄a\r\nb";
        // Half of the surrogate pair lands on the emoji's start.
        assert_eq!(offset(text, Position::new(0, 1), Encoding::Utf16), 0);
        assert_eq!(offset(text, Position::new(0, 99), Encoding::Utf16), 5);
        assert_eq!(
            offset(text, Position::new(7, 0), Encoding::Utf16),
            text.len()
        );
        let mut t = text.to_string();
        apply(
            &mut t,
            TextDocumentContentChangeEvent {
                range: Some(lsp_types::Range::new(
                    Position::new(0, 2),
                    Position::new(1, 0),
                )),
                range_length: None,
                text: "-".into(),
            },
            Encoding::Utf16,
        );
        assert_eq!(t, "🎄-b");
    }
}
