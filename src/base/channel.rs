//! Channels and purposes: the words campaigns, audiences and the ledger share.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where a campaign's messages go.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    /// WhatsApp Business Platform (Cloud API) messages to an audience.
    Whatsapp,
    /// A broadcast list of the WhatsApp (Business) app: at most 256 recipients.
    WhatsappBroadcast,
    /// Public posts from the project's account; no audience.
    Twitter,
    /// Direct messages to an audience of handles.
    TwitterDm,
}

impl Channel {
    /// Every channel, in a stable order.
    pub const ALL: [Channel; 4] = [
        Channel::Whatsapp,
        Channel::WhatsappBroadcast,
        Channel::Twitter,
        Channel::TwitterDm,
    ];

    /// The name written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Whatsapp => "whatsapp",
            Channel::WhatsappBroadcast => "whatsapp-broadcast",
            Channel::Twitter => "twitter",
            Channel::TwitterDm => "twitter-dm",
        }
    }

    /// Parses the name written in files.
    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// True for the channels that reach people by phone number.
    pub fn is_whatsapp(self) -> bool {
        matches!(self, Channel::Whatsapp | Channel::WhatsappBroadcast)
    }

    /// True when sends go to an audience (every channel but public posts).
    pub fn needs_audience(self) -> bool {
        self != Channel::Twitter
    }

    /// The consent channel that covers this one (`whatsapp` covers broadcasts).
    pub fn consent_channel(self) -> Option<ConsentChannel> {
        match self {
            Channel::Whatsapp | Channel::WhatsappBroadcast => Some(ConsentChannel::Whatsapp),
            Channel::TwitterDm => Some(ConsentChannel::TwitterDm),
            Channel::Twitter => None,
        }
    }
}

impl std::fmt::Display for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The channels an audience can belong to (public posts have no audience).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum AudienceChannel {
    /// Phone numbers reached through the WhatsApp Business Platform.
    Whatsapp,
    /// A broadcast list of the WhatsApp (Business) app.
    WhatsappBroadcast,
    /// X handles reached by direct message.
    TwitterDm,
}

impl AudienceChannel {
    /// The matching campaign channel.
    pub fn channel(self) -> Channel {
        match self {
            AudienceChannel::Whatsapp => Channel::Whatsapp,
            AudienceChannel::WhatsappBroadcast => Channel::WhatsappBroadcast,
            AudienceChannel::TwitterDm => Channel::TwitterDm,
        }
    }
}

/// The channels the consent ledger records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConsentChannel {
    /// WhatsApp, broadcasts included.
    Whatsapp,
    /// X direct messages.
    TwitterDm,
}

impl ConsentChannel {
    /// The name written in the ledger.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentChannel::Whatsapp => "whatsapp",
            ConsentChannel::TwitterDm => "twitter-dm",
        }
    }

    /// Parses the name written in the ledger, in any letter case (spreadsheets
    /// capitalise).
    pub fn parse(s: &str) -> Option<ConsentChannel> {
        [ConsentChannel::Whatsapp, ConsentChannel::TwitterDm]
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
    }
}

/// Why a message is sent.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Purpose {
    /// Promotion: needs marketing consent, counts toward frequency caps.
    Marketing,
    /// Service messages (order updates, appointments).
    Service,
}

impl Purpose {
    /// The name written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Marketing => "marketing",
            Purpose::Service => "service",
        }
    }

    /// Parses the name written in files, in any letter case.
    pub fn parse(s: &str) -> Option<Purpose> {
        [Purpose::Marketing, Purpose::Service]
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s))
    }
}
