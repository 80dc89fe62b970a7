//! `schedule/*`: send times that cannot happen as written.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a send time that cannot be scheduled: a local time that does not exist
    /// because the clocks jump forward that night (in Italy, 02:00 to 03:00 on the last
    /// Sunday of March), or a `repeat` that cannot be expanded (both `until` and
    /// `count`, neither of them, `count = 0`).
    ///
    /// ## Why is this bad?
    /// The sending platform would pick a time for you, or refuse the send.
    ///
    /// ## Example
    /// ```toml
    /// [[sends]]
    /// message = "messages/spring/launch.md"
    /// at = 2026-03-29T02:30:00
    /// ```
    ///
    /// ## How to fix
    /// Pick a time that exists, such as `2026-03-29T03:30:00`, and give `repeat` either
    /// `until` or `count`.
    pub static INVALID_TIME = ("schedule/invalid-time", Error, "a local send time does not exist (DST gap) or `repeat` is malformed");
}
