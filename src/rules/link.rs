//! `link/invalid-deeplink`: chat links (`wa.me`, `api.whatsapp.com/send`, X DM compose)
//! that cannot open a chat.

use super::message;
use crate::analysis::Context;
use crate::base::diagnostic::{Diagnostic, Sink};
use crate::declare_rule;
use crate::domain::phone;
use crate::domain::text::content::{check_deeplinks_in, DeeplinkKind};

declare_rule! {
    /// ## What it does
    /// Checks the chat links in a draft's text and link targets. A
    /// `https://wa.me/<number>` or `https://api.whatsapp.com/send?phone=<number>` link must
    /// carry the number as digits only, with the country code and without `+` or `00`
    /// (`https://wa.me/393331234567`); `wa.me/message/...` short links and the share form
    /// `wa.me/?text=...` need no number. An X/Twitter DM link
    /// (`https://x.com/messages/compose?recipient_id=<id>`) needs the account's numeric id,
    /// not its @handle. The fix (safe, applied by `camplint check --fix`) rewrites a
    /// WhatsApp number as digits only with the country code when the intended number is
    /// clear (`+39 333 1234567`, `0039...`, `3331234567` all become `393331234567`).
    ///
    /// ## Why is this bad?
    /// A customer who taps a broken chat link gets an error page instead of a chat with
    /// the shop, at the moment they wanted to write.
    ///
    /// ## Example
    /// ```markdown
    /// Scrivici su WhatsApp: https://wa.me/+39 333 1234567
    /// ```
    ///
    /// ## How to fix
    /// ```markdown
    /// Scrivici su WhatsApp: https://wa.me/393331234567
    /// ```
    pub static INVALID_DEEPLINK = ("link/invalid-deeplink", Error, "a chat deep link that cannot open a chat: `wa.me/` or `api.whatsapp.com/send?phone=` without digits-only international number; an X/Twitter DM link (`/messages/compose?recipient_id=`) without a numeric id", fix = Safe);
}

/// Runs the check on every draft, sent or not.
pub fn check(cx: &Context<'_>, sink: &mut Sink) {
    let p = cx.project;
    let region = message::region(p);
    let to_e164 = |s: &str| {
        phone::parse_in(s, region)
            .ok()
            .filter(|ph| ph.valid)
            .map(|ph| ph.e164.to_string())
    };
    message::in_text_parts(cx, sink, |draft, part, found| {
        let text = p.text(draft.file);
        for problem in check_deeplinks_in(&part.text, part.urls(), to_e164) {
            let written = part.text.get(problem.range.clone()).unwrap_or("");
            let link = part.text.get(problem.link.clone()).unwrap_or("");
            let span = part.source_range(problem.range.clone());
            let (message, help) =
                describe(problem.kind, link, written, problem.fixed_number.as_deref());
            let mut d = Diagnostic::new(&INVALID_DEEPLINK, draft.file, span.clone(), message, help);
            if let Some(fixed) = &problem.fixed_number {
                // Only an exact copy of the source can be replaced safely.
                if problem.kind != DeeplinkKind::XDmNoNumericId
                    && text.get(span.clone()) == Some(written)
                {
                    d = d.with_fix(draft.file, span, fixed.clone());
                }
            }
            found.push(d);
        }
    });
}

/// The message and help for one broken link.
fn describe(
    kind: DeeplinkKind,
    link: &str,
    written: &str,
    fixed: Option<&str>,
) -> (String, String) {
    let with_fix = |default: &str| match fixed {
        Some(n) => {
            format!("write the number as {n}: digits only, country code first, no + or spaces")
        }
        None => default.to_string(),
    };
    match kind {
        DeeplinkKind::WaMeMissingNumber => (
            format!("the WhatsApp link {link} has no phone number, so it cannot open a chat"),
            "add the shop's number as digits with the country code, like https://wa.me/390212345678".to_string(),
        ),
        DeeplinkKind::WaMeNotDigits => (
            format!("the number `{written}` in the WhatsApp link {link} is not written as digits only, so the link opens no chat"),
            with_fix("write the number as digits only with the country code, like 393331234567"),
        ),
        DeeplinkKind::WaMeLeadingZeros => (
            format!("the number `{written}` in the WhatsApp link {link} starts with 00, which WhatsApp does not read as a country prefix"),
            with_fix("drop the 00 and start with the country code, like 393331234567"),
        ),
        DeeplinkKind::WaMeNoCountryCode => (
            format!("the number `{written}` in the WhatsApp link {link} has no country code, so WhatsApp reads it as a number of another country"),
            with_fix("put the country code in front (39 for Italy), like 393331234567"),
        ),
        DeeplinkKind::WaMeInvalidNumber => (
            format!("`{written}` in the WhatsApp link {link} is not a valid phone number"),
            "check the digits: the link needs the full number with the country code, like 393331234567".to_string(),
        ),
        DeeplinkKind::XDmNoNumericId => (
            format!("the X direct-message link {link} has no numeric recipient_id, so it opens no conversation"),
            "use the account's numeric id (shown in the account's settings or by the API), like recipient_id=1234567890, not the @handle".to_string(),
        ),
    }
}
