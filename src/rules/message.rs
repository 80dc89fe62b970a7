//! What the content rules (`offer/`, `optout/`, `phone/not-international`, `length/`,
//! `link/`, `privacy/`) share: which campaigns send a draft (its channels and purpose come
//! from them), the draft rendered for a channel, the lines a finding about a whole message
//! points at, and reporting each distinct finding once.
//!
//! A draft sent by several campaigns is checked once per campaign channel; a draft no
//! campaign sends has no channel and no purpose, so only the rules that do not need them
//! (`phone/not-international`, `link/invalid-deeplink`, `offer/code-not-in-text` for a
//! front-matter code) look at it, rendered as for WhatsApp (`ref/unused-message` already
//! reports it).

use std::collections::BTreeSet;
use std::ops::Range;

use rayon::prelude::*;

use crate::analysis::renders::style;
use crate::base::channel::Channel;
use crate::base::diagnostic::{Diagnostic, Sink};
use crate::domain::phone::{self, Phone, Region};
use crate::domain::render::Style;
use crate::project::config::Language;
use crate::project::{Campaign, Draft, Project};

/// The campaigns that send `draft`, each once, in campaign-id order.
pub fn senders<'a>(p: &'a Project, draft: &Draft) -> Vec<&'a Campaign> {
    draft
        .sent_by
        .iter()
        .filter_map(|&ci| p.campaigns.get(ci))
        .collect()
}

/// The channel `camplint render` uses by default: the first sending campaign's (by id),
/// else WhatsApp.
pub fn default_channel(p: &Project, draft: &Draft) -> Channel {
    senders(p, draft)
        .first()
        .map_or(Channel::Whatsapp, |c| *c.channel.get_ref())
}

/// One representative channel per distinct rendering of the draft among its senders'
/// channels (WhatsApp when nobody sends it), for rules where only the text matters.
pub fn text_channels(p: &Project, draft: &Draft) -> Vec<Channel> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for c in senders(p, draft) {
        let ch = *c.channel.get_ref();
        if seen.insert((style(ch) == Style::WhatsApp, ch == Channel::Twitter)) {
            out.push(ch);
        }
    }
    if out.is_empty() {
        out.push(Channel::Whatsapp);
    }
    out
}

/// Runs `find` on every post or message of every draft, as rendered for each of its
/// text channels ([`text_channels`]): what the channel-free text rules (phones, deep
/// links) walk. Drafts are taken on every core (rendering those not rendered yet on the
/// way); the findings are pushed in draft order, each distinct one once, as one thread
/// would.
pub fn in_text_parts<F>(cx: &crate::analysis::Context<'_>, sink: &mut Sink, find: F)
where
    F: Fn(&Draft, &crate::domain::render::Rendered, &mut Vec<Diagnostic>) + Sync,
{
    let p = cx.project;
    let in_draft = |draft: &Draft| {
        let mut found = Vec::new();
        for channel in text_channels(p, draft) {
            for part in &cx.renders.get(p, draft, channel).parts {
                find(draft, part, &mut found);
            }
        }
        found
    };
    // An editor's keystroke checks one draft from its own thread: handing it to the pool
    // would only add a thread wake-up per rule.
    let per_draft: Vec<Vec<Diagnostic>> = if p.drafts.len() > 1 {
        p.drafts.par_iter().map(in_draft).collect()
    } else {
        p.drafts.iter().map(in_draft).collect()
    };
    let mut once = Once::default();
    for d in per_draft.into_iter().flatten() {
        once.push(sink, d);
    }
}

/// The first non-blank line of the draft's body (the body start when it has none).
pub fn first_line(p: &Project, draft: &Draft) -> Range<usize> {
    body_lines(p, draft)
        .next()
        .unwrap_or(draft.body.start..draft.body.start)
}

/// The last non-blank line of the draft's body, where an opt-out line usually goes.
pub fn last_line(p: &Project, draft: &Draft) -> Range<usize> {
    body_lines(p, draft)
        .last()
        .unwrap_or(draft.body.start..draft.body.start)
}

/// Non-blank lines of the body, trimmed of surrounding whitespace, as file ranges.
fn body_lines<'a>(p: &'a Project, draft: &Draft) -> impl Iterator<Item = Range<usize>> + 'a {
    let text = p.text(draft.file);
    let base = draft.body.start;
    let body = text.get(draft.body.clone()).unwrap_or("");
    let mut pos = base;
    body.split_inclusive('\n').filter_map(move |line| {
        let start = pos;
        pos += line.len();
        let lead = line.len() - line.trim_start().len();
        let kept = line.trim();
        (!kept.is_empty()).then(|| start + lead..start + lead + kept.len())
    })
}

/// The language of a draft: its front matter's `lang`, else the project's.
pub fn language(p: &Project, draft: &Draft) -> Language {
    draft.lang.unwrap_or(p.config.language)
}

/// The project's default region for numbers written without `+`.
pub fn region(p: &Project) -> Region {
    Region::new(&p.config.default_region).unwrap_or(Region::IT)
}

/// Reads the phone numbers found in drafts, remembering each text read: a shop writes
/// the same one or two numbers in thousands of drafts, and reading one with
/// libphonenumber costs more than the rest of finding it. Shared by the drafts that
/// are checked on every core.
#[derive(Debug)]
pub struct PhoneReadings {
    region: Region,
    seen: std::sync::Mutex<std::collections::HashMap<String, Option<Phone>>>,
}

impl PhoneReadings {
    /// Readings in the project's default region.
    pub fn new(p: &Project) -> Self {
        PhoneReadings {
            region: region(p),
            seen: Default::default(),
        }
    }

    /// The number `text` spells when it is a valid one.
    pub fn valid(&self, text: &str) -> Option<Phone> {
        // A lock poisoned by a panic elsewhere only costs the memory, never the answer.
        if let Some(known) = self.seen.lock().ok().and_then(|m| m.get(text).copied()) {
            return known;
        }
        let read = phone::parse_in(text, self.region)
            .ok()
            .filter(|ph| ph.valid);
        if let Ok(mut seen) = self.seen.lock() {
            seen.insert(text.to_string(), read);
        }
        read
    }
}

/// "campaign `a`" or "campaigns `a` and `b`", for messages.
pub fn campaign_names(campaigns: &[&Campaign]) -> String {
    let ids: Vec<String> = campaigns.iter().map(|c| format!("`{}`", c.id)).collect();
    match ids.as_slice() {
        [] => "no campaign".to_string(),
        [one] => format!("campaign {one}"),
        [init @ .., last] => format!("campaigns {} and {last}", init.join(", ")),
    }
}

/// Collects findings and pushes each distinct one (rule, span, message) once, so a draft
/// checked for two channels that render alike is reported once.
#[derive(Debug, Default)]
pub struct Once {
    seen: BTreeSet<(&'static str, u32, usize, usize, String)>,
}

impl Once {
    /// Pushes `d` unless an identical finding was pushed before.
    pub fn push(&mut self, sink: &mut Sink, d: Diagnostic) {
        let key = (
            d.rule.code,
            d.file.0,
            d.span.start,
            d.span.end,
            d.message.clone(),
        );
        if self.seen.insert(key) {
            sink.push(d);
        }
    }
}

/// The byte offset of the `n`-th character of `text` (its length when shorter).
pub fn char_offset(text: &str, n: usize) -> usize {
    text.char_indices().nth(n).map_or(text.len(), |(i, _)| i)
}

/// A short quote of a file range for messages: at most 40 characters, one line.
pub fn quote(text: &str, span: Range<usize>) -> String {
    let s = text.get(span).unwrap_or("");
    let line = s.lines().next().unwrap_or("").trim();
    let mut out: String = line.chars().take(40).collect();
    if out.len() < line.len() {
        out.push('…');
    }
    out
}
