//! `suppress/*`: problems with `camplint-disable` comments, and the machinery that
//! applies them together with `[rules]` and `[[overrides]]`.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `camplint-disable` comment that names a rule camplint does not know.
    ///
    /// ## Why is this bad?
    /// A misspelt code turns nothing off, so the finding you meant to silence is still
    /// reported, or a later rename silently stops matching.
    ///
    /// ## Example
    /// ```markdown
    /// <!-- camplint-disable optout/mising -->
    /// ```
    ///
    /// ## How to fix
    /// Use a code from `camplint rules`: `<!-- camplint-disable optout/missing -->`.
    pub static UNKNOWN_RULE = ("suppress/unknown-rule", Warning, "a `camplint-disable` comment names a rule that does not exist");
}
