//! `ref/*`: references between files that do not hold: audiences and drafts that a
//! campaign names but do not exist, audiences on a channel the campaign cannot reach,
//! drafts nobody sends.

use crate::analysis::Context;
use crate::base::diagnostic::{Diagnostic, Sink};
use crate::base::source::FileKind;
use crate::declare_rule;
use crate::project::fs;

declare_rule! {
    /// ## What it does
    /// Reports a campaign whose `audiences` names an audience that does not exist: there
    /// is no `audiences/<id>.toml`.
    ///
    /// ## Why is this bad?
    /// The send would go to nobody, or the platform would pick a list by a similar name.
    ///
    /// ## Example
    /// ```toml
    /// audiences = ["vip", "newsleter"]
    /// ```
    ///
    /// ## How to fix
    /// Correct the id (it is the audience file's name without `.toml`), or create the
    /// audience.
    pub static UNKNOWN_AUDIENCE = ("ref/unknown-audience", Error, "a campaign names an audience that does not exist");
}

declare_rule! {
    /// ## What it does
    /// Reports a `[[sends]]` entry whose `message` is not a draft of the project: the
    /// file does not exist, is not under the `[paths] messages` globs, or the path leaves
    /// the project folder.
    ///
    /// ## Why is this bad?
    /// Nothing would be sent, or an unchecked file would.
    ///
    /// ## Example
    /// ```toml
    /// [[sends]]
    /// message = "messages/black-friday/anounce.md"
    /// ```
    ///
    /// ## How to fix
    /// Correct the path; it is relative to the project root, like
    /// `messages/black-friday/announce.md`.
    pub static MISSING_MESSAGE = ("ref/missing-message", Error, "a send names a draft that does not exist");
}

declare_rule! {
    /// ## What it does
    /// Reports a campaign and an audience that cannot meet: WhatsApp campaigns reach
    /// phone numbers, `twitter-dm` campaigns reach X handles, and public `twitter` posts
    /// have no audience.
    ///
    /// ## Why is this bad?
    /// A WhatsApp message cannot be delivered to an X handle, nor a DM to a phone.
    ///
    /// ## Example
    /// ```toml
    /// channel = "whatsapp"
    /// audiences = ["x-followers"]   # an audience with channel = "twitter-dm"
    /// ```
    ///
    /// ## How to fix
    /// Use an audience of the campaign's channel, or change the campaign's channel.
    pub static CHANNEL_MISMATCH = ("ref/channel-mismatch", Error, "a campaign's channel cannot reach its audience's channel");
}

declare_rule! {
    /// ## What it does
    /// Reports a draft that no campaign sends.
    ///
    /// ## Why is this bad?
    /// Usually a send that was forgotten, or a file name that changed on one side only.
    ///
    /// ## Example
    /// `messages/black-friday/reminder.md` exists, but no `[[sends]]` names it.
    ///
    /// ## How to fix
    /// Add a `[[sends]]` entry for it, delete it, or move it out of `messages/`. Not
    /// reported while a campaign file cannot be read, since that campaign may send it.
    pub static UNUSED_MESSAGE = ("ref/unused-message", Warning, "a draft that no campaign sends");
}

/// Runs the reference checks.
pub fn check(cx: &Context<'_>, sink: &mut Sink) {
    let p = cx.project;
    for c in &p.campaigns {
        let channel = *c.channel.get_ref();
        for a in &c.audiences {
            let Some(audience) = p.audience(a.get_ref()) else {
                let help = match crate::base::toml_util::closest(
                    a.get_ref(),
                    p.audiences.iter().map(|x| x.id.as_str()),
                ) {
                    Some(near) => format!(
                        "did you mean \"{near}\"? Audience ids are the file names under audiences/"
                    ),
                    None => format!("create audiences/{}.toml, or correct the id", a.get_ref()),
                };
                sink.push(Diagnostic::new(
                    &UNKNOWN_AUDIENCE,
                    c.file,
                    a.span(),
                    format!(
                        "campaign `{}` sends to audience `{}`, which does not exist",
                        c.id,
                        a.get_ref()
                    ),
                    help,
                ));
                continue;
            };
            let theirs = audience.channel.get_ref().channel();
            if channel.is_whatsapp() != theirs.is_whatsapp() {
                sink.push(
                    Diagnostic::new(
                        &CHANNEL_MISMATCH,
                        c.file,
                        a.span(),
                        format!(
                            "campaign `{}` sends on {channel}, but audience `{}` is a {theirs} audience",
                            c.id, audience.id
                        ),
                        format!("use an audience whose channel is {channel}, or change the campaign's channel"),
                    )
                    .with_related(audience.file, audience.channel.span(), format!("audience `{}` is {theirs}", audience.id)),
                );
            }
        }
        for s in &c.sends {
            let Some(path) = &s.message_path else {
                sink.push(Diagnostic::new(
                    &MISSING_MESSAGE,
                    c.file,
                    s.message.span(),
                    format!("\"{}\" leads outside the project folder", s.message.get_ref()),
                    "write the draft's path relative to the project root, like \"messages/black-friday/announce.md\"",
                ));
                continue;
            };
            if s.draft.is_some() {
                continue;
            }
            if let Some(why) = p.unreadable.get(path) {
                // The loader found the draft but could not read it; its own finding
                // says what is wrong, so point there instead of at the globs.
                let mut d = Diagnostic::new(
                    &MISSING_MESSAGE,
                    c.file,
                    s.message.span(),
                    format!("the draft {path} cannot be checked: {why}"),
                    format!(
                        "fix {path} as its own finding says; until then this send is not checked"
                    ),
                );
                if let Some(file) = p.sources.find(path) {
                    d = d.with_related(file, 0..0, "what is wrong with the draft is reported here");
                }
                sink.push(d);
                continue;
            }
            let (message, help) = match fs::inspect(&p.root, path) {
                Ok(_) => (
                    format!("{path} is not a message draft: the [paths] messages globs do not include it"),
                    "move it under messages/ (or add its folder to [paths] messages)".to_string(),
                ),
                Err(fs::ReadProblem::Missing) => {
                    let near = crate::base::toml_util::closest(
                        path,
                        p.drafts.iter().map(|d| d.path.as_str()),
                    );
                    (
                        format!("the draft {path} does not exist"),
                        match near {
                            Some(n) => {
                                format!("did you mean \"{n}\"? Paths are relative to the project root")
                            }
                            None => "create the draft, or correct the path (relative to the project root)"
                                .to_string(),
                        },
                    )
                }
                Err(problem) => (
                    format!("the draft {path} cannot be read: {}", problem.describe()),
                    "replace it with a regular text file inside the project folder".to_string(),
                ),
            };
            sink.push(Diagnostic::new(
                &MISSING_MESSAGE,
                c.file,
                s.message.span(),
                message,
                help,
            ));
        }
    }
    let campaign_files = p
        .sources
        .iter()
        .filter(|(_, f)| f.kind == FileKind::Campaign)
        .count();
    if campaign_files != p.campaigns.len() {
        return;
    }
    for d in &p.drafts {
        if d.sent_by.is_empty() {
            let first_line = p
                .sources
                .get(d.file)
                .line_range(p.sources.get(d.file).line_index(d.body.start));
            sink.push(Diagnostic::new(
                &UNUSED_MESSAGE,
                d.file,
                first_line,
                format!("no campaign sends {}", d.path),
                "add a [[sends]] entry with this message to a campaign, or delete the draft",
            ));
        }
    }
}
