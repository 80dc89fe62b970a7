//! `optout/missing`: every marketing message to people who receive it privately
//! (WhatsApp, broadcast lists, X DMs) must tell them how to stop receiving them.

use std::collections::BTreeSet;

use super::message;
use crate::analysis::Context;
use crate::base::channel::{Channel, Purpose};
use crate::base::diagnostic::{Diagnostic, Sink};
use crate::declare_rule;
use crate::domain::text::content::OptOutFinder;
use crate::project::config::Language;
use crate::project::Campaign;

declare_rule! {
    /// ## What it does
    /// Reports a draft that a marketing campaign sends on `whatsapp`, `whatsapp-broadcast`
    /// or `twitter-dm` and that has no opt-out instruction. Recognised in Italian and
    /// English: a reply keyword after a verb (`rispondi STOP`, `scrivi STOP`, `invia
    /// "STOP"`, `reply STOP`, `text STOP`), or a phrase that is an instruction by itself
    /// (`disiscriviti`, `cancellati dalla lista`, `annulla l'iscrizione`, `per non ricevere
    /// più messaggi`, `unsubscribe`, `opt out`, `stop receiving`), plus the phrases in
    /// `[opt_out] keywords`. A bare `stop` (`non stop`) does not count. Public posts need
    /// none.
    ///
    /// ## Why is this bad?
    /// The GDPR and WhatsApp's Business Policy require that people can withdraw consent as
    /// easily as they gave it; a message without a way out gets blocked and reported,
    /// which lowers the number's quality rating.
    ///
    /// ## Example
    /// ```markdown
    /// Solo oggi -20% su tutto con il codice BF26!
    /// ```
    ///
    /// ## How to fix
    /// End the message with an instruction:
    /// ```markdown
    /// Per non ricevere più messaggi rispondi STOP.
    /// ```
    /// On a broadcast list, also say that deleting the shop's number stops them.
    pub static MISSING = ("optout/missing", Error, "a marketing draft to a WhatsApp or DM audience has no opt-out instruction");
}

/// Runs the opt-out check on every draft a marketing campaign sends privately.
pub fn check(cx: &Context<'_>, sink: &mut Sink) {
    let p = cx.project;
    let finder = OptOutFinder::new(&p.config.opt_out_keywords);
    for draft in &p.drafts {
        let mut lacking: Vec<&Campaign> = Vec::new();
        for c in message::senders(p, draft) {
            let channel = *c.channel.get_ref();
            if *c.purpose.get_ref() != Purpose::Marketing || channel == Channel::Twitter {
                continue;
            }
            let r = cx.renders.get(p, draft, channel);
            if !r.parts.iter().any(|part| finder.find(&part.text).is_some()) {
                lacking.push(c);
            }
        }
        if lacking.is_empty() {
            continue;
        }
        let broadcast = lacking
            .iter()
            .any(|c| *c.channel.get_ref() == Channel::WhatsappBroadcast);
        let mut help = match message::language(p, draft) {
            Language::It => {
                "end the message with an instruction like \"Per non ricevere più messaggi rispondi STOP.\"".to_string()
            }
            Language::En => {
                "end the message with an instruction like \"Reply STOP to stop receiving these messages.\"".to_string()
            }
        };
        if broadcast {
            help.push_str(
                "; on a broadcast list people stop receiving messages by deleting the shop's number from their contacts, so say that or offer the STOP reply",
            );
        }
        let channels: BTreeSet<&str> = lacking
            .iter()
            .map(|c| c.channel.get_ref().as_str())
            .collect();
        sink.push(Diagnostic::new(
            &MISSING,
            draft.file,
            message::last_line(p, draft),
            format!(
                "{} is a marketing message sent privately on {} by {}, but it does not tell people how to stop receiving messages",
                draft.path,
                channels.into_iter().collect::<Vec<_>>().join(" and "),
                message::campaign_names(&lacking)
            ),
            help,
        ));
    }
}
