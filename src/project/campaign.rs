//! Campaign definitions (`campaigns/*.toml`).

use schemars::JsonSchema;
use serde::Deserialize;
use toml::value::Datetime;
use toml::Spanned;

use crate::base::channel::{Channel, Purpose};
use crate::base::diagnostic::{Diagnostic, Sink};
use crate::base::source::FileId;
use crate::domain::time::Repeat;
use crate::project::parse::SCHEMA;

/// A campaign file as written.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "camplint campaign",
    description = "A campaign: channel, purpose, audiences, offer and sends"
)]
pub struct RawCampaign {
    /// A readable name; the campaign's id is its file stem.
    pub name: Option<String>,
    /// "whatsapp", "whatsapp-broadcast", "twitter" or "twitter-dm".
    #[schemars(with = "Channel")]
    pub channel: Spanned<Channel>,
    /// "marketing" or "service".
    #[schemars(with = "Purpose")]
    pub purpose: Spanned<Purpose>,
    /// Audience ids (file stems under audiences/); required for every channel but "twitter".
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub audiences: Vec<Spanned<String>>,
    /// The concrete value for the reader.
    #[schemars(with = "Option<RawOffer>")]
    pub offer: Option<Spanned<RawOffer>>,
    /// When which draft goes out.
    #[serde(default)]
    #[schemars(with = "Vec<RawSend>")]
    pub sends: Vec<Spanned<RawSend>>,
}

/// An offer (in a campaign or a draft's front matter).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOffer {
    /// Promo code; must then appear in each message.
    #[schemars(with = "Option<String>")]
    pub code: Option<Spanned<String>>,
    /// What the reader gets, like "20% di sconto su tutto".
    pub description: Option<String>,
    /// First day of validity (inclusive), a date like 2026-11-27.
    #[schemars(with = "Option<String>")]
    pub valid_from: Option<Spanned<Datetime>>,
    /// Last day of validity (inclusive, to the end of that local day).
    #[schemars(with = "Option<String>")]
    pub valid_until: Option<Spanned<Datetime>>,
}

/// One `[[sends]]` entry as written.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSend {
    /// The draft, relative to the project root.
    #[schemars(with = "String")]
    pub message: Spanned<String>,
    /// Local date-time (project time zone) or offset date-time.
    #[schemars(with = "String")]
    pub at: Spanned<Datetime>,
    /// Repeat the send: { every = "1d", until = 2026-11-30 } or { every = "1w", count = 3 }.
    #[schemars(with = "Option<Repeat>")]
    pub repeat: Option<Spanned<Repeat>>,
}

/// An offer, validated.
#[derive(Debug, Clone)]
pub struct Offer {
    /// The promo code and its span.
    pub code: Option<Spanned<String>>,
    /// What the reader gets.
    pub description: Option<String>,
    /// First valid day.
    pub valid_from: Option<Spanned<chrono::NaiveDate>>,
    /// Last valid day.
    pub valid_until: Option<Spanned<chrono::NaiveDate>>,
    /// Where it is declared (file and span of the table).
    pub file: FileId,
    /// Span of the offer table.
    pub span: std::ops::Range<usize>,
}

/// One `[[sends]]` entry, validated.
#[derive(Debug, Clone)]
pub struct Send {
    /// The draft path as written and its span.
    pub message: Spanned<String>,
    /// The draft path, root-relative and normalised; `None` if it leaves the root.
    pub message_path: Option<String>,
    /// The draft's index in the project's drafts, found once the project is loaded
    /// (`None` when no draft of the project has that path).
    pub draft: Option<usize>,
    /// The first send time as written.
    pub at: Spanned<Datetime>,
    /// Repetition (checked when the schedule is expanded).
    pub repeat: Option<Spanned<Repeat>>,
    /// Span of the whole `[[sends]]` entry.
    pub span: std::ops::Range<usize>,
}

/// A campaign, validated.
#[derive(Debug, Clone)]
pub struct Campaign {
    /// File stem.
    pub id: String,
    /// The campaign file.
    pub file: FileId,
    /// Readable name.
    pub name: Option<String>,
    /// Channel and span.
    pub channel: Spanned<Channel>,
    /// Purpose and span.
    pub purpose: Spanned<Purpose>,
    /// Audience ids and spans.
    pub audiences: Vec<Spanned<String>>,
    /// Declared offer.
    pub offer: Option<Offer>,
    /// Sends in file order.
    pub sends: Vec<Send>,
}

/// Reads a TOML date that must be a plain date.
pub fn date_of(
    v: &Spanned<Datetime>,
    what: &str,
    file: FileId,
    sink: &mut Sink,
) -> Option<Spanned<chrono::NaiveDate>> {
    let dt = v.get_ref();
    match (dt.date, dt.time) {
        (Some(d), None) => {
            chrono::NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
                .map(|nd| Spanned::new(v.span(), nd))
        }
        _ => {
            sink.push(Diagnostic::new(
                &SCHEMA,
                file,
                v.span(),
                format!("`{what}` must be a date, but {dt} is not just a date"),
                format!("write the day only, like `{what} = 2026-11-30`"),
            ));
            None
        }
    }
}

/// Validates an offer table.
pub fn offer(raw: Spanned<RawOffer>, file: FileId, sink: &mut Sink) -> Offer {
    let span = raw.span();
    let raw = raw.into_inner();
    let valid_from = raw
        .valid_from
        .as_ref()
        .and_then(|v| date_of(v, "valid_from", file, sink));
    let valid_until = raw
        .valid_until
        .as_ref()
        .and_then(|v| date_of(v, "valid_until", file, sink));
    if let (Some(f), Some(u)) = (&valid_from, &valid_until) {
        if f.get_ref() > u.get_ref() {
            sink.push(Diagnostic::new(
                &SCHEMA,
                file,
                u.span(),
                format!(
                    "the offer ends ({}) before it starts ({})",
                    u.get_ref(),
                    f.get_ref()
                ),
                "swap `valid_from` and `valid_until`, or correct one of them",
            ));
        }
    }
    let blank = |t: &Option<String>| t.as_deref().is_none_or(|d| d.trim().is_empty());
    if raw.code.is_none() && blank(&raw.description) {
        sink.push(Diagnostic::new(
            &SCHEMA,
            file,
            span.clone(),
            "the offer says nothing: no `code` and no `description`",
            "describe the concrete value, like description = \"20% di sconto su tutto\", or remove [offer]",
        ));
    }
    if let Some(code) = &raw.code {
        if code.get_ref().trim().is_empty() || code.get_ref().chars().any(char::is_whitespace) {
            sink.push(Diagnostic::new(
                &SCHEMA,
                file,
                code.span(),
                "the promo code is empty or contains spaces".to_string(),
                "write the code exactly as customers type it, without spaces, like \"BF26\"",
            ));
        }
    }
    Offer {
        code: raw.code,
        description: raw.description,
        valid_from,
        valid_until,
        file,
        span,
    }
}

/// Validates a campaign file; `id` is its stem and `dir` is unused for paths (sends are
/// relative to the project root).
pub fn validate(id: String, file: FileId, raw: RawCampaign, sink: &mut Sink) -> Campaign {
    let channel = *raw.channel.get_ref();
    if channel.needs_audience() && raw.audiences.is_empty() {
        sink.push(Diagnostic::new(
            &SCHEMA,
            file,
            raw.channel.span(),
            format!("a {channel} campaign needs `audiences`, but none is given"),
            "add `audiences = [\"...\"]` with the ids of files under audiences/",
        ));
    }
    if !channel.needs_audience() {
        if let Some(first) = raw.audiences.first() {
            sink.push(Diagnostic::new(
                &SCHEMA,
                file,
                first.span(),
                "public twitter posts have no audience, but `audiences` is given".to_string(),
                "remove `audiences`, or use channel \"twitter-dm\" to write to those people",
            ));
        }
    }
    let offer = raw.offer.map(|o| offer(o, file, sink));
    let sends = raw
        .sends
        .into_iter()
        .map(|s| {
            let header = s.span();
            let s = s.into_inner();
            // toml gives an array-of-tables entry the span of its `[[sends]]` header only;
            // a finding about the whole send covers the header and every key under it.
            let end = [
                Some(s.message.span()),
                Some(s.at.span()),
                s.repeat.as_ref().map(Spanned::span),
            ]
            .into_iter()
            .flatten()
            .map(|r| r.end)
            .fold(header.end, usize::max);
            let span = header.start..end;
            let at = s.at.get_ref();
            if at.date.is_none() || at.time.is_none() {
                sink.push(Diagnostic::new(
                    &SCHEMA,
                    file,
                    s.at.span(),
                    format!("`at` needs a date and a time, but {at} is not both"),
                    "write a local date-time like `at = 2026-11-27T10:00:00`",
                ));
            }
            let message_path = super::fs::join_relative("", s.message.get_ref());
            Send {
                message: s.message,
                message_path,
                draft: None,
                at: s.at,
                repeat: s.repeat,
                span,
            }
        })
        .collect();
    Campaign {
        id,
        file,
        name: raw.name,
        channel: raw.channel,
        purpose: raw.purpose,
        audiences: raw.audiences,
        offer,
        sends,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(offer_toml: &str) -> Vec<String> {
        let text = format!("{offer_toml}\n");
        let raw: Spanned<RawOffer> = match toml::from_str(&text) {
            Ok(r) => r,
            Err(e) => panic!("test offer does not parse: {e}"),
        };
        let mut sink = Sink::default();
        offer(raw, FileId(0), &mut sink);
        sink.into_vec().into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn an_offer_must_say_something() {
        assert_eq!(
            problems("description = \"\""),
            ["the offer says nothing: no `code` and no `description`"]
        );
        assert!(problems("description = \"20% di sconto\"").is_empty());
        assert!(problems("code = \"BF26\"").is_empty());
        assert_eq!(problems("code = \"BF 26\"").len(), 1);
    }
}
