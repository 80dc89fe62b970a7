//! The finders on free text: phone numbers, WhatsApp and X deep links, URLs, e-mails,
//! offers and opt-outs; every range they give lies inside the text on char boundaries.
#![no_main]

use std::ops::Range;

use camplint::domain::phone::{self, Region};
use camplint::domain::text::content;
use camplint::domain::text::urls;
use libfuzzer_sys::fuzz_target;

fn inside(text: &str, r: &Range<usize>) {
    assert!(
        r.start <= r.end && r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
        "{r:?} not inside {} bytes",
        text.len()
    );
}

fn e164(number: &str) -> Option<String> {
    let p = phone::parse(number, "IT").ok()?;
    p.valid.then(|| p.e164.to_string())
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    for c in content::find_phone_candidates(text) {
        inside(text, &c.range);
    }
    for c in content::find_phones(text, |n| e164(n).is_some()) {
        inside(text, &c.range);
    }
    let found = urls::scan_urls(text);
    for u in &found {
        inside(text, &u.range);
        inside(text, &u.host);
        inside(text, &u.path);
    }
    for r in urls::find_urls(text).iter().chain(&urls::link_words(text, &found)) {
        inside(text, r);
    }
    for p in content::check_deeplinks(text, e164) {
        inside(text, &p.range);
        inside(text, &p.link);
    }
    for r in content::find_emails(text) {
        inside(text, &r);
    }
    if let Some(r) = content::find_offer(text, &["sconto".into()]) {
        inside(text, &r);
    }
    if let Some(r) = content::find_opt_out(text, &[]) {
        inside(text, &r);
    }
    // The whole text as one number, in a few regions.
    for region in ["IT", "US", "GB"] {
        if let Ok(p) = phone::parse(text, region) {
            let again = phone::parse(&p.e164.to_string(), region);
            if p.valid {
                assert_eq!(again.map(|q| q.e164).ok(), Some(p.e164), "normalising twice changed {text:?}");
            }
        }
    }
    if let Some(region) = Region::new("IT") {
        let _ = phone::why_invalid(text, region);
    }
});
