//! Every detector on many random texts made of the pieces that steer them: none may panic,
//! and every range must be a valid slice of the text.

use camplint::domain::text::content::{
    check_deeplinks, find_code, find_emails, find_phone_candidates, find_phones, OfferFinder,
    OptOutFinder,
};

const PIECES: &[&str] = &[
    "0",
    "3",
    "9",
    "00",
    "+",
    " ",
    "\u{a0}",
    "\u{202f}",
    ".",
    "-",
    "/",
    ":",
    ",",
    "%",
    "€",
    "_",
    "*",
    "@",
    "#",
    "n.",
    "P.IVA",
    "à",
    "È",
    "😀",
    "x",
    "STOP",
    "rispondi ",
    "sconto",
    "codice ",
    "wa.me/",
    "https://",
    "api.whatsapp.com/send?",
    "phone=",
    "&",
    "?",
    "text=",
    "%2B",
    "x.com/messages/compose?recipient_id=",
    "tel:",
    "\n",
    "(",
    ")",
    "a@b.it",
    "euro",
];

#[test]
fn random_texts_never_panic() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let extra = vec!["à".to_string(), "-50€".to_string()];
    let offers = OfferFinder::new(&extra);
    let opt_outs = OptOutFinder::new(&extra);
    for _ in 0..20_000 {
        let len = next() % 24;
        let text: String = (0..len)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        let mut ranges = Vec::new();
        ranges.extend(offers.find(&text));
        ranges.extend(opt_outs.find(&text));
        ranges.extend(find_code(&text, "à0"));
        ranges.extend(find_emails(&text));
        ranges.extend(find_phone_candidates(&text).into_iter().map(|p| p.range));
        ranges.extend(find_phones(&text, |_| true).into_iter().map(|p| p.range));
        for p in check_deeplinks(&text, |s| Some(s.to_string())) {
            ranges.push(p.range);
            ranges.push(p.link);
        }
        for r in ranges {
            assert!(text.get(r.clone()).is_some(), "{text:?} {r:?}");
        }
    }
}
