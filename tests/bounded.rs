//! Bounded work (issue 15): no input makes one file cost more than linear time in its
//! size. Each input here takes milliseconds in a release build; the bounds are seconds
//! in a debug build (`cargo test` compiles camplint at opt-level 0), so they catch a
//! quadratic blow-up (minutes or hours at these sizes), not a slow machine.

#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::time::{Duration, Instant};

use camplint::domain::render::{render, Style};
use camplint::domain::text::tweet_length::weighted_length;
use harness::{base_with, check_files};

/// Runs `work` and fails when it takes longer than `bound`.
fn within<T>(bound: Duration, what: &str, work: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = work();
    let took = start.elapsed();
    assert!(took <= bound, "{what} took {took:?}, over {bound:?}");
    out
}

const DRAFT: &str = "messages/promo/annuncio.md";
const LIST: &str = "audiences/lista.csv";
const LEDGER: &str = "consent/ledger.csv";
const CAMPAIGN: &str = "campaigns/promo.toml";

/// Text of about `len` bytes: `unit` repeated.
fn repeat_to(unit: &str, len: usize) -> String {
    unit.repeat(len / unit.len() + 1)
}

/// Checks the fuzz targets' base project with one file replaced, within `bound`.
fn check_within(bound: Duration, what: &str, path: &str, text: &str) {
    let files = base_with(path, text);
    // The harness asserts every span lies inside its file and the JSON report parses.
    within(bound, what, || check_files(files));
}

#[test]
fn a_one_megabyte_paragraph() {
    // Words, markup, numbers and links the rules look at, all on one line.
    let unit = "Sconto **del 20%** su _tutto_, chiama 333 1234567 o https://wa.me/393331234567 ";
    let text = repeat_to(unit, 1 << 20);
    within(Duration::from_secs(20), "rendering 1 MB", || {
        render(&text, 0, Style::WhatsApp, true)
    });
    check_within(
        Duration::from_secs(60),
        "checking a 1 MB draft",
        DRAFT,
        &text,
    );
}

#[test]
fn a_hundred_thousand_nested_list_items() {
    let nested = "- ".repeat(100_000) + "fine\n";
    within(Duration::from_secs(20), "rendering nested lists", || {
        render(&nested, 0, Style::Plain, false)
    });
    let quotes = "> ".repeat(100_000) + "fine\n";
    within(Duration::from_secs(20), "rendering nested quotes", || {
        render(&quotes, 0, Style::WhatsApp, false)
    });
    check_within(
        Duration::from_secs(30),
        "checking nested lists",
        DRAFT,
        &nested,
    );
}

#[test]
fn a_hundred_thousand_list_items() {
    let text = repeat_to("- voce con 333 1234567\n", 100_000 * 23);
    check_within(
        Duration::from_secs(60),
        "checking 100,000 items",
        DRAFT,
        &text,
    );
}

#[test]
fn a_csv_field_of_ten_million_quotes() {
    let field = format!("\"{}\"", "\"\"".repeat(5_000_000));
    let list = format!("phone,name\n+393471234567,{field}\n+393331112222,Sara\n");
    check_within(Duration::from_secs(60), "a contact list", LIST, &list);
    let ledger = format!(
        "contact,channel,purpose,action,at,source\n+393331234567,whatsapp,marketing,granted,2026-03-01,{field}\n"
    );
    check_within(Duration::from_secs(60), "a ledger", LEDGER, &ledger);
}

#[test]
fn a_megabyte_line_of_emoji() {
    // Flags, skin tones and joiners: the longest sequences the weighted length groups.
    let text = repeat_to("😀🇮🇹👍🏽👩‍👩‍👧‍👦é", 1 << 20);
    let length = within(Duration::from_secs(20), "the weighted length", || {
        weighted_length(&text)
    });
    assert!(!length.valid);
    within(Duration::from_secs(20), "rendering emoji", || {
        render(&text, 0, Style::Plain, true)
    });
}

#[test]
fn deeply_nested_toml() {
    let depth = 100_000;
    let arrays = format!("x = {}{}\n", "[".repeat(depth), "]".repeat(depth));
    check_within(Duration::from_secs(30), "nested arrays", CAMPAIGN, &arrays);
    let tables = format!("x = {}{}\n", "{ a = ".repeat(depth), "}".repeat(depth));
    check_within(Duration::from_secs(30), "nested tables", CAMPAIGN, &tables);
    let front = format!("+++\n{arrays}+++\nCiao\n");
    check_within(
        Duration::from_secs(30),
        "nested front matter",
        DRAFT,
        &front,
    );
}
