//! Time logic for send schedules: config durations, send-time resolution in the
//! project's time zone, `repeat` expansion, offer validity and message formatting.
//!
//! Conventions (also stated in the README):
//! - A local send time that a DST change skips is an error; one that occurs twice
//!   (the hour the clocks go back) takes the earlier instant.
//! - Where a duration is subtracted or added for a window (not a send), a skipped
//!   local time is read as the first instant after the gap (the moment the clocks
//!   jump), so window edges never fail.
//! - `h` is exact elapsed hours; `d` and `w` are calendar days in the local time
//!   zone (a week always starts at the same wall-clock time, whatever DST does);
//!   `mo` and `y` are calendar months and years, clamped to the month's last day
//!   (31 March minus `1mo` is 28 or 29 February).
//!
//! Files, lowest first: `local` (wall-clock times in a zone), `span` (durations),
//! `error` (why a send time fails), `resolve` (a send's `at`), `repeat` (expanding a
//! send), `offer` (offer validity days), `window` (frequency caps and quiet hours).

mod error;
mod local;
mod offer;
mod repeat;
mod resolve;
mod span;
pub mod window;

pub use self::error::{ScheduleError, MAX_OCCURRENCES};
pub use self::local::{format_local, local_wall, resolve_local_lenient};
pub use self::offer::{offer_window_check, OfferProblem};
pub use self::repeat::{expand, expand_send, Repeat};
pub use self::resolve::{date_only, resolve};
pub use self::span::{Span, SpanError, Unit};

#[cfg(test)]
mod testing;
