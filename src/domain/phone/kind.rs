//! How a number is classified: its line type from the numbering-plan metadata, and
//! the way it was written in the input.

use rlibphonenumber::PhoneNumberType;

/// What kind of line a number is, from the numbering-plan metadata.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum NumberKind {
    /// A mobile phone.
    Mobile,
    /// A landline.
    FixedLine,
    /// Either, where the plan cannot tell them apart (e.g. the US).
    FixedLineOrMobile,
    /// Free to call (Italy: 80x).
    TollFree,
    /// Costs more to call (Italy: 89x).
    PremiumRate,
    /// Cost shared by caller and receiver (Italy: 84x).
    SharedCost,
    /// Internet telephony.
    Voip,
    /// A personal number routed to another line.
    PersonalNumber,
    /// A pager.
    Pager,
    /// A universal access number of a company.
    Uan,
    /// Voicemail access.
    Voicemail,
    /// No type matches: the number is not valid.
    Unknown,
}

impl NumberKind {
    /// The line type for the library's own value.
    pub(super) fn from_lib(t: PhoneNumberType) -> NumberKind {
        match t {
            PhoneNumberType::Mobile => NumberKind::Mobile,
            PhoneNumberType::FixedLine => NumberKind::FixedLine,
            PhoneNumberType::FixedLineOrMobile => NumberKind::FixedLineOrMobile,
            PhoneNumberType::TollFree => NumberKind::TollFree,
            PhoneNumberType::PremiumRate => NumberKind::PremiumRate,
            PhoneNumberType::SharedCost => NumberKind::SharedCost,
            PhoneNumberType::VoIP => NumberKind::Voip,
            PhoneNumberType::PersonalNumber => NumberKind::PersonalNumber,
            PhoneNumberType::Pager => NumberKind::Pager,
            PhoneNumberType::UAN => NumberKind::Uan,
            PhoneNumberType::VoiceMail => NumberKind::Voicemail,
            PhoneNumberType::Unknown => NumberKind::Unknown,
        }
    }

    /// libphonenumber's name for the type, e.g. `FIXED_LINE`.
    pub fn as_str(self) -> &'static str {
        match self {
            NumberKind::Mobile => "MOBILE",
            NumberKind::FixedLine => "FIXED_LINE",
            NumberKind::FixedLineOrMobile => "FIXED_LINE_OR_MOBILE",
            NumberKind::TollFree => "TOLL_FREE",
            NumberKind::PremiumRate => "PREMIUM_RATE",
            NumberKind::SharedCost => "SHARED_COST",
            NumberKind::Voip => "VOIP",
            NumberKind::PersonalNumber => "PERSONAL_NUMBER",
            NumberKind::Pager => "PAGER",
            NumberKind::Uan => "UAN",
            NumberKind::Voicemail => "VOICEMAIL",
            NumberKind::Unknown => "UNKNOWN",
        }
    }
}

/// How the input was written, for `phone/not-e164` and `phone/not-international`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Written {
    /// Exactly `+` then digits: the E.164 written form.
    E164,
    /// `+` and the country code, with spaces or other separators.
    International,
    /// The international prefix of the default region instead of `+` (`0039 ...`).
    IddPrefix,
    /// No country prefix: read with the default region.
    National,
}
