//! What camplint knows about the world, independent of any project: text in messages
//! (offers, opt-outs, phones, links, X's weighted length), phone numbers, media files
//! and the platforms' limits, Markdown rendered per channel, and calendar time (time
//! zones, repeats, rolling windows, quiet hours). Pure functions over values; imports
//! only `base`.

pub mod media;
pub mod phone;
pub mod render;
pub mod text;
pub mod time;
