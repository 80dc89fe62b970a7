//! What rules look for in a draft's rendered text: offers, opt-out instructions, promo
//! codes, phone numbers, e-mail addresses and chat deep links ([`content`]), and the
//! weighted length of an X post ([`tweet_length`]); the URL scanner they all share
//! ([`urls`]). Everything here is pure: text in, byte ranges of that text out.

pub mod content;
pub mod tweet_length;
pub mod urls;
