//! The draft example of SPEC 1.3, split and rendered end to end for every channel style.

use camplint::domain::render::{render, Style};
use camplint::project::draft::layout;

const DRAFT: &str = "+++
offer = { code = \"BF26\", description = \"20% di sconto\", valid_until = 2026-11-30 }
media = [\"../../media/bf-promo.mp4\"]   # relative to this file
lang = \"it\"
+++
Ciao! Solo per i clienti VIP: **20% di sconto** su tutto con il codice *BF26*.

![Video della promo](../../media/bf-promo.mp4)

Per non ricevere più messaggi rispondi STOP.
";

fn check(file: &str) {
    let fm = layout(file).expect("terminated front matter");
    let toml = fm.front_matter.expect("front matter");
    assert!(file[toml].starts_with("offer = {"));
    let body_offset = fm.body.start;
    let body = &file[fm.body];

    let wa = render(body, body_offset, Style::WhatsApp, false);
    assert_eq!(
        wa.parts[0].text,
        "Ciao! Solo per i clienti VIP: *20% di sconto* su tutto con il codice _BF26_.\n\n\
         Per non ricevere più messaggi rispondi STOP."
    );
    let tw = render(body, body_offset, Style::Plain, true);
    assert_eq!(tw.parts.len(), 1);
    assert_eq!(
        tw.parts[0].text,
        "Ciao! Solo per i clienti VIP: 20% di sconto su tutto con il codice BF26.\n\n\
         Per non ricevere più messaggi rispondi STOP."
    );

    for draft in [&wa, &tw] {
        // `offer/code-not-in-text` and friends search the rendered text and point back.
        let part = &draft.parts[0];
        let at = part.text.find("BF26").expect("code in text");
        let src = part.source_range(at..at + 4);
        assert_eq!(&file[src.clone()], "BF26");
        assert_eq!(
            file[..src.start].matches("BF26").count(),
            1,
            "the body's BF26, not the TOML's"
        );

        let stop = part.text.find("STOP").expect("opt-out");
        assert_eq!(&file[part.source_range(stop..stop + 4)], "STOP");

        let image = &draft.images[0];
        assert_eq!(image.src, "../../media/bf-promo.mp4");
        assert_eq!(image.alt, "Video della promo");
        assert_eq!(&file[image.src_range.clone()], "../../media/bf-promo.mp4");
        assert!(file[image.src_range.start..].starts_with("../../media/bf-promo.mp4)"));
    }
}

#[test]
fn spec_example_lf() {
    check(DRAFT);
}

#[test]
fn spec_example_crlf() {
    check(&DRAFT.replace('\n', "\r\n"));
}
