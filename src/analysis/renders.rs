//! Every draft rendered for each channel it is sent on, at most once per run and on
//! first use, shared by every rule that reads text.

use std::sync::OnceLock;

use rayon::prelude::*;

use crate::base::channel::Channel;
use crate::domain::render::{render, RenderedDraft, Style};
use crate::project::{Draft, Project};

/// How a channel shows text: WhatsApp markup, or plain for X posts and DMs.
pub fn style(channel: Channel) -> Style {
    if channel.is_whatsapp() {
        Style::WhatsApp
    } else {
        Style::Plain
    }
}

/// The three ways a draft can be rendered: WhatsApp markup, plain text split into a
/// thread (public posts), plain text in one piece (DMs).
fn variant(channel: Channel) -> usize {
    match channel {
        Channel::Whatsapp | Channel::WhatsappBroadcast => 0,
        Channel::Twitter => 1,
        Channel::TwitterDm => 2,
    }
}

/// Every draft rendered at most once per variant, on first use, for every rule that
/// reads text (content rules, media's Markdown images).
#[derive(Debug)]
pub struct Renders {
    cells: Vec<[OnceLock<RenderedDraft>; 3]>,
    empty: OnceLock<RenderedDraft>,
}

impl Renders {
    /// An empty cache for the project's drafts.
    pub fn new(p: &Project) -> Self {
        Renders {
            cells: p.drafts.iter().map(|_| Default::default()).collect(),
            empty: OnceLock::new(),
        }
    }

    /// Renders, on every core, each draft for every channel the rules will read it on:
    /// its senders' channels, WhatsApp for a draft nobody sends. What is not rendered
    /// here still is on first use.
    pub fn prepare(&self, p: &Project) {
        const CHANNELS: [Channel; 3] = [Channel::Whatsapp, Channel::Twitter, Channel::TwitterDm];
        self.cells
            .par_iter()
            .zip(&p.drafts)
            .for_each(|(cells, draft)| {
                let mut wanted = [false; 3];
                for c in draft.sent_by.iter().filter_map(|&ci| p.campaigns.get(ci)) {
                    wanted[variant(*c.channel.get_ref())] = true;
                }
                if draft.sent_by.is_empty() {
                    wanted[0] = true;
                }
                for ((cell, channel), wanted) in cells.iter().zip(CHANNELS).zip(wanted) {
                    if wanted {
                        cell.get_or_init(|| rendered(p, draft, channel));
                    }
                }
            });
    }

    /// The draft as `channel` receives it, rendered on first use.
    pub fn get<'a>(&'a self, p: &Project, draft: &Draft, channel: Channel) -> &'a RenderedDraft {
        match index_of(p, draft).and_then(|i| self.cells.get(i)) {
            Some(cells) => cells[variant(channel)].get_or_init(|| rendered(p, draft, channel)),
            // Every draft rules see is one of the project's; an unknown one reads as empty.
            None => self
                .empty
                .get_or_init(|| render("", 0, style(channel), false)),
        }
    }
}

/// The index of `draft` in the project's drafts. Rules pass the project's own drafts, so
/// the index follows from the address without comparing paths (comparing them was a
/// tenth of a 10,000-draft run); a draft from elsewhere is looked up by path.
fn index_of(p: &Project, draft: &Draft) -> Option<usize> {
    let size = std::mem::size_of::<Draft>().max(1);
    let offset = (draft as *const Draft as usize).wrapping_sub(p.drafts.as_ptr() as usize);
    let i = offset / size;
    if p.drafts.get(i).is_some_and(|d| std::ptr::eq(d, draft)) {
        return Some(i);
    }
    p.drafts
        .binary_search_by(|d| d.path.as_str().cmp(&draft.path))
        .ok()
}

/// The draft as `channel` receives it; public posts are split into a thread on `---`.
pub fn rendered(p: &Project, draft: &Draft, channel: Channel) -> RenderedDraft {
    let body = p.text(draft.file).get(draft.body.clone()).unwrap_or("");
    render(
        body,
        draft.body.start,
        style(channel),
        channel == Channel::Twitter,
    )
}
