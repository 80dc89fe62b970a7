//! `parse/*`: files that cannot be read or understood. These are emitted by the loader
//! (`src/project/`) while it reads each file; one broken file never hides the others.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a campaign, audience or draft front matter that is not valid TOML:
    /// a missing quote, a missing `=`, a bracket left open, a key written twice.
    ///
    /// ## Why is this bad?
    /// camplint cannot read the file, so none of its sends, audiences or offers are
    /// checked, and the sending platform would not understand it either.
    ///
    /// ## Example
    /// ```toml
    /// name = "Black Friday
    /// ```
    ///
    /// ## How to fix
    /// Close the quote: `name = "Black Friday"`. Text values need double quotes.
    pub static TOML = ("parse/toml", Error, "a campaign/audience/front matter is not valid TOML");
}

declare_rule! {
    /// ## What it does
    /// Reports valid TOML that does not say what camplint expects: a required key that
    /// is missing, a key camplint does not know (with a "did you mean" when it is close
    /// to a known one), a value of the wrong type, a channel or purpose that does not
    /// exist, a malformed duration or date.
    ///
    /// ## Why is this bad?
    /// A misspelt key is silently ignored by most tools; here it would mean a send
    /// without its audience or an offer without its end date.
    ///
    /// ## Example
    /// ```toml
    /// chanel = "whatsapp"
    /// ```
    ///
    /// ## How to fix
    /// `channel = "whatsapp"`. The JSON Schemas in `schemas/` let your editor complete
    /// and check keys as you type.
    pub static SCHEMA = ("parse/schema", Error, "valid TOML with a missing, unknown or ill-typed key, bad enum value, bad duration or date");
}

declare_rule! {
    /// ## What it does
    /// Reports a CSV row that cannot be used: wrong number of fields, a missing
    /// required column (`phone` or `handle` in contact lists; `contact`, `channel`,
    /// `purpose`, `action`, `at` in the consent ledger), or a bad value (an unknown
    /// action or channel, a date that is not a date).
    ///
    /// ## Why is this bad?
    /// A consent row that cannot be read is a consent that cannot be proven.
    ///
    /// ## Example
    /// ```csv
    /// contact,channel,purpose,action,at,source
    /// +393331234567,whatsapp,marketing,granted,02/03/2025,form:checkout
    /// ```
    ///
    /// ## How to fix
    /// Write dates as `2025-03-02` (or `2025-03-02T11:20:00+01:00`).
    pub static CSV = ("parse/csv", Error, "a CSV row is malformed, lacks a required column, or has a bad value (action, channel, date)");
}

declare_rule! {
    /// ## What it does
    /// Reports a file that is not UTF-8 text, pointing at the first byte that is not.
    ///
    /// ## Why is this bad?
    /// Accented letters saved in an old encoding (Windows-1252, Latin-1) arrive on the
    /// customer's phone as garbage, and names in contact lists stop matching the ledger.
    ///
    /// ## Example
    /// A CSV exported from Excel as "CSV (Macintosh)" or "CSV (MS-DOS)".
    ///
    /// ## How to fix
    /// Save the file again as "CSV UTF-8" (Excel) or with UTF-8 encoding (any editor).
    pub static ENCODING = ("parse/encoding", Error, "a file is not UTF-8");
}

declare_rule! {
    /// ## What it does
    /// Reports a project file that camplint may not or cannot read: a symbolic link
    /// that leads outside the project folder, something that is not a regular file (a
    /// folder, a FIFO, a device), a file larger than 512 MiB, or a read error.
    ///
    /// ## Why is this bad?
    /// A file camplint cannot read is a file nobody checked. camplint never follows a
    /// link outside the project, so a repository cannot make it read your other files.
    ///
    /// ## Example
    /// `audiences/vip.csv` is a link to `/home/shared/contacts.csv`.
    ///
    /// ## How to fix
    /// Copy the file into the project instead of linking it, or remove it.
    pub static UNREADABLE = ("parse/unreadable", Error, "a project file cannot be read: a link outside the project, not a regular file, too large, or an I/O error");
}
