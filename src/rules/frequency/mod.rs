//! `frequency/*`: too many marketing messages for one person (or one account) in a
//! rolling window ([`caps`]), and marketing messages that start at night ([`quiet`]).

pub mod caps;
pub mod counter;
pub mod quiet;

pub use self::caps::CAP_EXCEEDED;
pub use self::quiet::QUIET_HOURS;

use crate::analysis::Context;
use crate::base::diagnostic::Sink;

/// Runs the frequency checks.
pub fn check(cx: &Context<'_>, sink: &mut Sink) {
    for counter in [
        self::counter::Counter::Whatsapp,
        self::counter::Counter::TwitterDm,
        self::counter::Counter::Twitter,
    ] {
        self::caps::cap_exceeded(cx, counter, sink);
    }
    self::quiet::quiet_hours(cx, sink);
}
