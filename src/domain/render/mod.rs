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

mod draft;
mod html;
mod links;
mod span_map;
mod state;
mod thread;
mod walk;
mod write;

pub use self::draft::{format_parts, Comment, Image, Link, RenderedDraft, Style};
pub use self::span_map::{Rendered, Segment, SegmentKind};
pub use self::walk::render;

#[cfg(test)]
mod tests;
