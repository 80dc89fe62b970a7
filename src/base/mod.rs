//! The bottom layer: what every other layer speaks in and that knows nothing of a
//! project. Source files and byte positions, diagnostics, a rule's identity, the
//! channels, and helpers for reading TOML with spans.

pub mod channel;
pub mod diagnostic;
pub mod rule;
pub mod source;
pub mod toml_util;
pub mod words;
