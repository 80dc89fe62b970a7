//! `offer/*`: a marketing message must give the reader something concrete, and a declared
//! promo code must be in the text the customer reads.

use std::collections::BTreeMap;

use super::message;
use crate::analysis::Context;
use crate::base::channel::Channel;
use crate::base::channel::Purpose;
use crate::base::diagnostic::{Diagnostic, Sink};
use crate::declare_rule;
use crate::domain::text::content::{find_code, OfferFinder};
use crate::project::config::Language;
use crate::project::{Campaign, Offer};

declare_rule! {
    /// ## What it does
    /// Reports a marketing draft that offers the reader nothing concrete: neither its
    /// campaign nor its front matter declares an `[offer]`, and its text (as the channel
    /// renders it) names no discount, price, promo code or free item. Recognised in Italian
    /// and English: `20%`, `-20%`, `€ 9,90`, `9.90 EUR`, `sconto`, `codice BF26`, `coupon`,
    /// `gratis`, `omaggio`, `spedizione gratuita`, `3x2`, `free shipping`, `discount`,
    /// `50% off`..., plus the phrases in `[offer] keywords`. Hype words (`imperdibile`,
    /// `incredibile`, `amazing`, `don't miss`) and `offerta`/`saldi`/`sale` alone are not
    /// an offer.
    ///
    /// ## Why is this bad?
    /// A promotional message with no value for the reader is the one customers block or
    /// report as spam, and every report lowers the number's quality rating.
    ///
    /// ## Example
    /// ```markdown
    /// Offerte imperdibili questo weekend! Vieni a trovarci.
    /// ```
    ///
    /// ## How to fix
    /// Say what the reader gets (`-20% su tutto fino a domenica`, `spedizione gratuita`),
    /// or declare the offer in the campaign or the front matter:
    /// ```toml
    /// [offer]
    /// description = "20% di sconto su tutto"
    /// ```
    pub static MISSING = ("offer/missing", Error, "a marketing draft declares no offer and its text has no concrete value (discount, price, code, free item)");
}

declare_rule! {
    /// ## What it does
    /// Reports a draft whose offer has a promo `code` that does not appear in the draft's
    /// rendered text, written exactly (case-sensitive) as a whole word. The front matter's
    /// offer replaces the campaign's for that draft. The finding is on the draft, with the
    /// `code` key in `related`.
    ///
    /// ## Why is this bad?
    /// Customers cannot use a code they were never told; a code spelt differently
    /// (`bf26`, `BF-26`) is rejected at the checkout.
    ///
    /// ## Example
    /// ```toml
    /// [offer]
    /// code = "BF26"
    /// ```
    /// with a draft that says `usa il codice BF2026`.
    ///
    /// ## How to fix
    /// Write the code in the message exactly as declared (`usa il codice BF26`), or correct
    /// the `code` key.
    pub static CODE_NOT_IN_TEXT = ("offer/code-not-in-text", Error, "the offer's `code` does not appear in the rendered text");
}

/// Runs the offer checks on every draft a campaign sends.
pub fn check(cx: &Context<'_>, sink: &mut Sink) {
    let p = cx.project;
    let finder = OfferFinder::new(&p.config.offer_keywords);
    for draft in &p.drafts {
        let senders = message::senders(p, draft);

        // offer/missing: marketing campaigns without a declared offer, and whose rendering
        // of the draft names no concrete value.
        let mut lacking = Vec::new();
        for c in &senders {
            if *c.purpose.get_ref() != Purpose::Marketing
                || draft.offer.is_some()
                || c.offer.is_some()
            {
                continue;
            }
            let r = cx.renders.get(p, draft, *c.channel.get_ref());
            if !r.parts.iter().any(|part| finder.find(&part.text).is_some()) {
                lacking.push(*c);
            }
        }
        if !lacking.is_empty() {
            let line = message::first_line(p, draft);
            sink.push(Diagnostic::new(
                &MISSING,
                draft.file,
                line,
                format!(
                    "{} is a marketing message ({}) but offers the reader nothing concrete: no discount, price, promo code or free item, and no declared offer",
                    draft.path,
                    message::campaign_names(&lacking)
                ),
                match message::language(p, draft) {
                    Language::It => "add a concrete value to the text (like \"20% di sconto\" or \"spedizione gratuita\"), or declare it in an [offer] table of the campaign or in the front matter",
                    Language::En => "add a concrete value to the text (like \"20% off\" or \"free shipping\"), or declare it in an [offer] table of the campaign or in the front matter",
                },
            ));
        }

        // offer/code-not-in-text: one finding per declared code that the text lacks.
        let mut by_code: BTreeMap<(u32, usize), (&Offer, Vec<&Campaign>)> = BTreeMap::new();
        let channels: Vec<_> = if senders.is_empty() {
            vec![(None, Channel::Whatsapp)]
        } else {
            senders
                .iter()
                .map(|c| (Some(*c), *c.channel.get_ref()))
                .collect()
        };
        for (campaign, channel) in channels {
            let offer = match (&draft.offer, campaign) {
                (Some(o), _) => o,
                (None, Some(c)) => match &c.offer {
                    Some(o) => o,
                    None => continue,
                },
                (None, None) => continue,
            };
            let Some(code) = &offer.code else {
                continue;
            };
            // An empty code or one with spaces is already a `parse/schema` finding.
            if code.get_ref().trim().is_empty() || code.get_ref().chars().any(char::is_whitespace) {
                continue;
            }
            let r = cx.renders.get(p, draft, channel);
            if r.parts
                .iter()
                .any(|part| find_code(&part.text, code.get_ref()).is_some())
            {
                continue;
            }
            let entry = by_code
                .entry((offer.file.0, code.span().start))
                .or_insert((offer, Vec::new()));
            if let Some(c) = campaign {
                if !entry.1.iter().any(|x: &&Campaign| x.id == c.id) {
                    entry.1.push(c);
                }
            }
        }
        for (offer, campaigns) in by_code.into_values() {
            let Some(code) = &offer.code else {
                continue;
            };
            let declared = if offer.file == draft.file {
                "its front matter".to_string()
            } else {
                message::campaign_names(&campaigns)
            };
            let d = Diagnostic::new(
                &CODE_NOT_IN_TEXT,
                draft.file,
                message::first_line(p, draft),
                format!(
                    "the promo code `{}` declared by {declared} does not appear in the text of {}",
                    code.get_ref(),
                    draft.path
                ),
                format!(
                    "write `{}` in the message exactly like that (capitals included), or correct the code",
                    code.get_ref()
                ),
            )
            .with_related(
                offer.file,
                code.span(),
                format!("the code `{}` is declared here", code.get_ref()),
            );
            sink.push(d);
        }
    }
}
