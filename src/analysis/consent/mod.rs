//! Consent coverage (SPEC 1.5): for every send instant and every recipient, is there a
//! grant that counts? Computed once per run and shared by the `consent/*` rules, the
//! report summary and `camplint consent`.
//!
//! [`ledger`] indexes the consent ledger and decides one person at one instant;
//! [`people`] steps each recipient's consent over the send instants; [`coverage`]
//! counts, per send and audience, who is not covered, keeping counts and the first few
//! rows, and lists the rest on demand.

pub mod counts;
pub mod coverage;
pub mod ledger;
pub mod people;

pub use self::counts::EXAMPLES;
pub use self::coverage::{Coverage, FamilyFindings, Finding, Group};
pub use self::ledger::{
    history, verdict, Entry, EventRef, LedgerIndex, Problem, Verdict, FAMILIES,
};
