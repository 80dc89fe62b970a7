//! The channels that count together under one set of `[frequency]` caps, and caps as
//! words for messages.

use crate::base::channel::Channel;
use crate::domain::time::window::Cap;
use crate::domain::time::Span;
use crate::project::{ContactKey, Project};

/// The channels that share one set of caps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counter {
    /// WhatsApp and broadcast lists, per phone number.
    Whatsapp,
    /// Direct messages, per handle.
    TwitterDm,
    /// Public posts, per account.
    Twitter,
}

impl Counter {
    /// The counter a channel's sends count on.
    pub fn of(channel: Channel) -> Counter {
        match channel {
            Channel::Whatsapp | Channel::WhatsappBroadcast => Counter::Whatsapp,
            Channel::TwitterDm => Counter::TwitterDm,
            Channel::Twitter => Counter::Twitter,
        }
    }

    /// The caps of this counter in camplint.toml.
    pub fn caps(self, p: &Project) -> &[Cap] {
        match self {
            Counter::Whatsapp => &p.config.frequency_whatsapp,
            Counter::TwitterDm => &p.config.frequency_twitter_dm,
            Counter::Twitter => &p.config.frequency_twitter,
        }
    }

    /// The `[frequency]` key.
    pub fn key(self) -> &'static str {
        match self {
            Counter::Whatsapp => "whatsapp",
            Counter::TwitterDm => "twitter-dm",
            Counter::Twitter => "twitter",
        }
    }

    /// What `n` counted sends are called.
    pub fn noun(self, n: u32) -> &'static str {
        match (self, n == 1) {
            (Counter::Whatsapp, true) => "WhatsApp marketing message",
            (Counter::Whatsapp, false) => "WhatsApp marketing messages",
            (Counter::TwitterDm, true) => "marketing DM",
            (Counter::TwitterDm, false) => "marketing DMs",
            (Counter::Twitter, true) => "marketing post",
            (Counter::Twitter, false) => "marketing posts",
        }
    }

    /// Whether a recipient key is reached on this channel.
    pub fn reaches(self, key: ContactKey) -> bool {
        match self {
            Counter::Whatsapp => matches!(key, ContactKey::Phone(_)),
            Counter::TwitterDm => matches!(key, ContactKey::Handle(_)),
            Counter::Twitter => false,
        }
    }
}

/// A span as words: `7 days`, `1 day`, `24 hours`.
pub fn span_words(span: Span) -> String {
    span.words()
}

/// A cap as words: `2 per 7 days`, `1 per day`.
pub fn cap_words(cap: &Cap) -> String {
    if cap.per.count() == 1 {
        let one = span_words(cap.per);
        format!("{} per {}", cap.max, one.trim_start_matches("1 "))
    } else {
        format!("{} per {}", cap.max, span_words(cap.per))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::window::Cap;

    fn cap(max: u32, per: &str) -> Cap {
        match per.parse() {
            Ok(per) => Cap { max, per },
            Err(e) => panic!("bad test span {per}: {e}"),
        }
    }

    #[test]
    fn caps_read_as_words() {
        assert_eq!(cap_words(&cap(2, "7d")), "2 per 7 days");
        assert_eq!(cap_words(&cap(1, "1d")), "1 per day");
        assert_eq!(cap_words(&cap(8, "24h")), "8 per 24 hours");
        assert_eq!(cap_words(&cap(4, "1mo")), "4 per month");
        assert_eq!(span_words(cap(1, "2w").per), "2 weeks");
        assert_eq!(span_words(cap(1, "1y").per), "1 year");
    }

    #[test]
    fn channels_share_counters_as_documented() {
        assert_eq!(Counter::of(Channel::WhatsappBroadcast), Counter::Whatsapp);
        assert_eq!(Counter::of(Channel::Whatsapp), Counter::Whatsapp);
        assert_eq!(Counter::of(Channel::TwitterDm), Counter::TwitterDm);
        assert_eq!(Counter::of(Channel::Twitter), Counter::Twitter);
        let h = ContactKey::Handle(0);
        assert!(Counter::TwitterDm.reaches(h) && !Counter::Whatsapp.reaches(h));
        assert!(!Counter::Twitter.reaches(h));
    }
}
