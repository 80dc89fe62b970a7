//! Message drafts (`messages/**/*.md`): optional `+++` TOML front matter, then Markdown.

use std::ops::Range;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::campaign::{Offer, RawOffer};
use crate::base::diagnostic::{Diagnostic, Sink};
use crate::base::source::FileId;
use crate::project::config::Language;
use crate::project::parse::{SCHEMA, TOML};

/// A draft's front matter as written.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "camplint draft front matter",
    description = "TOML between +++ lines at the top of a message draft"
)]
pub struct RawFrontMatter {
    /// Overrides the campaign's offer for this message.
    #[schemars(with = "Option<RawOffer>")]
    pub offer: Option<Spanned<RawOffer>>,
    /// Attachments, relative to this file.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub media: Vec<Spanned<String>>,
    /// Language of this draft ("it" or "en"); default project.language.
    pub lang: Option<Language>,
}

/// A loaded draft.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The file.
    pub file: FileId,
    /// Root-relative path.
    pub path: String,
    /// Offer declared in the front matter.
    pub offer: Option<Offer>,
    /// Front-matter attachments with their spans (paths as written).
    pub media: Vec<Spanned<String>>,
    /// Language, if the front matter says.
    pub lang: Option<Language>,
    /// Byte range of the Markdown body in the file.
    pub body: Range<usize>,
    /// Indexes into `Project::campaigns` of the campaigns that send it, each once, in
    /// campaign-id order (filled once the campaigns are loaded).
    pub sent_by: Vec<usize>,
}

/// Where the front matter and the body are in a draft's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The TOML between the `+++` lines.
    pub front_matter: Option<Range<usize>>,
    /// The Markdown after it.
    pub body: Range<usize>,
}

/// Finds the `+++` front matter. An opening `+++` without a closing one is an error
/// whose span is the opening line.
pub fn layout(text: &str) -> Result<Layout, Range<usize>> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "+++" {
        return Ok(Layout {
            front_matter: None,
            body: 0..text.len(),
        });
    }
    let fm_start = (first_end + 1).min(text.len());
    let mut pos = fm_start;
    while pos < text.len() {
        let end = text[pos..]
            .find('\n')
            .map(|i| pos + i)
            .unwrap_or(text.len());
        if text[pos..end].trim_end() == "+++" {
            let body_start = (end + 1).min(text.len());
            return Ok(Layout {
                front_matter: Some(fm_start..pos),
                body: body_start..text.len(),
            });
        }
        pos = end + 1;
    }
    Err(0..first_end)
}

/// Parses a draft. Spans in the result are offsets in the whole file.
pub fn load(file: FileId, path: String, text: &str, sink: &mut Sink) -> Draft {
    let mut draft = Draft {
        file,
        path,
        offer: None,
        media: Vec::new(),
        lang: None,
        body: 0..text.len(),
        sent_by: Vec::new(),
    };
    let layout = match layout(text) {
        Ok(l) => l,
        Err(span) => {
            sink.push(Diagnostic::new(
                &TOML,
                file,
                span,
                "the front matter opened with `+++` is never closed",
                "add a line with `+++` after the front matter, before the message text",
            ));
            return draft;
        }
    };
    draft.body = layout.body.clone();
    let Some(fm) = layout.front_matter else {
        return draft;
    };
    // Blank out everything before the front matter (keeping line breaks) so that the
    // TOML parser's spans are offsets in the whole file.
    let mut padded: String = text[..fm.start]
        .chars()
        .map(|c| if c == '\n' { '\n' } else { ' ' })
        .collect();
    padded.push_str(&text[fm.clone()]);
    match crate::base::toml_util::parse::<RawFrontMatter>(&padded) {
        Ok(raw) => {
            draft.offer = raw.offer.map(|o| super::campaign::offer(o, file, sink));
            draft.media = raw.media;
            draft.lang = raw.lang;
        }
        Err((syntax, e)) => sink.push(Diagnostic::new(
            if syntax { &TOML } else { &SCHEMA },
            file,
            e.span,
            format!("front matter: {}", e.message),
            e.help,
        )),
    }
    draft
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_found_with_crlf_and_without() {
        let t = "+++\r\nlang = \"it\"\r\n+++\r\nCiao";
        let l = layout(t).unwrap();
        assert_eq!(&t[l.front_matter.unwrap()], "lang = \"it\"\r\n");
        assert_eq!(&t[l.body], "Ciao");
        let l = layout("Ciao").unwrap();
        assert_eq!(l.front_matter, None);
        assert_eq!(layout("+++\nlang = \"it\"\n"), Err(0..3));
    }

    #[test]
    fn front_matter_spans_are_file_offsets() {
        let t = "+++\nlangg = \"it\"\n+++\nCiao";
        let mut sink = Sink::default();
        load(FileId(0), "m.md".into(), t, &mut sink);
        let d = &sink.as_slice()[0];
        assert_eq!(&t[d.span.clone()], "langg");
        assert_eq!(d.rule.code, "parse/schema");
    }
}
