//! Unit tests of the parent module.

use super::*;

fn offer(text: &str) -> Option<&str> {
    find_offer(text, &[]).and_then(|r| text.get(r))
}

fn opt_out(text: &str) -> Option<&str> {
    find_opt_out(text, &[]).and_then(|r| text.get(r))
}

#[test]
fn builtin_patterns_compile() {
    assert!(offer_regex().is_some());
    assert!(opt_out_regex().is_some());
    assert!(email_regex().is_some());
}

#[test]
fn offers_are_found() {
    let cases = [
        ("Solo oggi 20% su tutto", "20%"),
        ("fino al -20% sui cappotti", "-20%"),
        ("sconti del 20 % e oltre", "sconti"),
        ("Risparmia il 12,5%!", "12,5%"),
        ("50% off everything", "50%"),
        ("a soli € 9,90", "€ 9,90"),
        ("a soli 9,90 €", "9,90 €"),
        ("a soli 9.90 EUR", "9.90 EUR"),
        ("solo €19", "€19"),
        ("solo 19 euro", "19 euro"),
        ("da 1.299,00€", "1.299,00€"),
        ("just $5", "$5"),
        ("Uno SCONTO speciale", "SCONTO"),
        ("prezzi scontati", "scontati"),
        ("con il codice BF26", "codice BF26"),
        ("usa il codice: NATALE", "codice: NATALE"),
        ("Il tuo codice promo è qui", "codice promo"),
        ("un coupon per te", "coupon"),
        ("use code SPRING24 now", "code SPRING24"),
        ("use this promo code", "promo code"),
        ("Spedizione gratuita", "gratuita"),
        ("il secondo è GRATIS", "GRATIS"),
        ("un omaggio per te", "omaggio"),
        ("una borsa in regalo", "in regalo"),
        ("promo 3x2 sui libri", "3x2"),
        ("promo 2 x 1", "2 x 1"),
        ("prendi 3 paghi 2", "prendi 3 paghi 2"),
        ("a metà prezzo", "metà prezzo"),
        ("free shipping today", "free shipping"),
        ("a free gift inside", "free gift"),
        ("get a discount", "discount"),
        ("buy one get one free", "buy one get one"),
        ("BOGO weekend", "BOGO"),
        ("saldi fino al 50%", "50%"),
        ("_sconto_ per te", "sconto"),
        ("*SCONTO* per te", "SCONTO"),
        ("gratuitamente", "gratuitamente"),
        ("è scontatissimo", "scontatissimo"),
    ];
    for (text, expected) in cases {
        assert_eq!(offer(text), Some(expected), "{text}");
    }
}

#[test]
fn hype_is_not_an_offer() {
    let texts = [
        "Un evento imperdibile!",
        "Una novità incredibile",
        "Amazing news, don't miss it",
        "Conserva lo scontrino",
        "I saldi sono arrivati",
        "Nuova promozione, offerta speciale",
        "Maglia 100% cotone",
        "tessuto 100 % lana",
        "CODICE FISCALE richiesto",
        "Il codice è nella mail",
        "feel free to ask",
        "sugar-free cookies",
        "misure 2x3 metri",
        "ordine n. 100234567 del 27/11/2026",
        "il 2026 è qui",
        "europei 2026",
        "scontoè",
        "èsconto",
    ];
    for text in texts {
        assert_eq!(offer(text), None, "{text}");
    }
}

#[test]
fn extra_offer_keywords() {
    let extra = vec![
        "saldi".to_string(),
        "  fuori   tutto ".to_string(),
        String::new(),
    ];
    let finder = OfferFinder::new(&extra);
    let text = "I SALDI sono qui";
    assert_eq!(finder.find(text).and_then(|r| text.get(r)), Some("SALDI"));
    let text = "Fuori\ntutto da noi";
    assert_eq!(
        finder.find(text).and_then(|r| text.get(r)),
        Some("Fuori\ntutto")
    );
    assert_eq!(finder.find("saldissimi"), None);
    assert!(Keywords::new(&[" ".to_string()]).is_empty());
    // The earliest of built-in and extra wins.
    let text = "saldi e 20%";
    assert_eq!(finder.find(text), Some(0..5));
    let finder = OfferFinder::new(&["novità".to_string()]);
    assert_eq!(finder.find("Le novitàx"), None);
    assert_eq!(finder.find("Le _NOVITÀ_"), Some(4..11));
    let finder = OfferFinder::new(&["-50€".to_string()]);
    let text = "tutto a -50€!";
    assert_eq!(finder.find(text).and_then(|r| text.get(r)), Some("-50€"));
}

#[test]
fn codes_are_whole_words() {
    let cases = [
        ("codice BF26.", Some(7..11)),
        ("codice *BF26*", Some(8..12)),
        ("codice _BF26_", Some(8..12)),
        ("BF26", Some(0..4)),
        ("BF265 e poi BF26", Some(12..16)),
        ("XBF26", None),
        ("BF265", None),
        ("bf26", None),
        ("àBF26", None),
    ];
    for (text, expected) in cases {
        assert_eq!(find_code(text, "BF26"), expected, "{text}");
    }
    assert_eq!(find_code("AAA AA", "AA"), Some(4..6));
    assert_eq!(find_code("text", " "), None);
    assert_eq!(find_code("è BF26", " BF26 "), Some(3..7));
}

#[test]
fn opt_outs_are_found() {
    let cases = [
        (
            "Per non ricevere più messaggi rispondi STOP.",
            "Per non ricevere",
        ),
        ("Rispondi STOP per disiscriverti", "Rispondi STOP"),
        ("rispondi stop", "rispondi stop"),
        ("scrivi \"STOP\"", "scrivi \"STOP"),
        ("invia *STOP*", "invia *STOP"),
        ("invia _STOP_", "invia _STOP"),
        ("manda: STOP", "manda: STOP"),
        (
            "rispondi a questo messaggio con STOP",
            "rispondi a questo messaggio con STOP",
        ),
        ("STOP per disiscriverti", "STOP per disiscriverti"),
        ("Disiscriviti qui", "Disiscriviti"),
        ("cancellati dalla lista", "cancellati dalla"),
        ("puoi annullare l'iscrizione", "annullare l'iscrizione"),
        ("revoca il consenso quando vuoi", "revoca il consenso"),
        ("se non vuoi più ricevere messaggi", "non vuoi più ricevere"),
        ("Reply STOP to unsubscribe", "Reply STOP"),
        ("text STOP to 12345", "text STOP"),
        ("reply with the word STOP", "reply with the word STOP"),
        ("STOP to opt out", "STOP to opt out"),
        ("Click to unsubscribe", "unsubscribe"),
        ("manage your opt-out", "opt-out"),
    ];
    for (text, expected) in cases {
        assert_eq!(opt_out(text), Some(expected), "{text}");
    }
}

#[test]
fn bare_stop_is_not_an_opt_out() {
    let texts = [
        "Divertimento non stop!",
        "Stop alle code: prenota online",
        "STOP alle code",
        "Text us to stop by the shop",
        "We send stop-motion videos",
        "I voli cancellati sono rimborsati",
        "Scrivi a noi per info",
    ];
    for text in texts {
        assert_eq!(opt_out(text), None, "{text}");
    }
    let extra = vec!["per uscire".to_string()];
    let text = "Per uscire dalla lista";
    assert_eq!(find_opt_out(text, &extra), Some(0..10));
}

#[test]
fn emails_are_found() {
    let text = "Scrivi a info@negozio.it o a mario.rossi+promo@mail.example.co.uk. \
                Seguici @negozio_demo, non user@localhost; però sì a ciàò@città.it";
    let found: Vec<_> = find_emails(text)
        .into_iter()
        .filter_map(|r| text.get(r))
        .collect();
    assert_eq!(
        found,
        [
            "info@negozio.it",
            "mario.rossi+promo@mail.example.co.uk",
            "ciàò@città.it"
        ]
    );
    assert_eq!(find_emails("mailto:a@b.it").len(), 1);
    assert_eq!(find_emails("@x.it ..@y.it"), Vec::<Range<usize>>::new());
}

#[test]
fn large_text_is_fast() {
    let chunk = "Ciao! Novità incredibili da non perdere, città e perché, 27/11/2026 ore 9:30. ";
    let text = chunk.repeat(2_000);
    let start = std::time::Instant::now();
    assert_eq!(find_offer(&text, &[]), None);
    assert_eq!(find_opt_out(&text, &[]), None);
    assert!(find_emails(&text).is_empty());
    assert!(find_phones(&text, |_| true).is_empty());
    assert!(check_deeplinks(&text, |_| None).is_empty());
    assert!(start.elapsed().as_secs() < 5);
}

/// Deep-link problems when every number starting with 3 is a valid national one.
fn no_country(text: &str) -> Vec<(&str, DeeplinkKind)> {
    check_deeplinks(text, |s| s.starts_with('3').then(|| format!("+39{s}")))
        .into_iter()
        .map(|p| (text.get(p.link).unwrap_or("?"), p.kind))
        .collect()
}

/// Results that moved when deep links and phones started sharing the X URL scanner.
#[test]
fn links_as_the_shared_url_scanner_sees_them() {
    // WhatsApp italic around a link is markup, not part of a word: the link is checked.
    assert_eq!(
        no_country("_https://wa.me/3331234567_"),
        [("https://wa.me/3331234567", DeeplinkKind::WaMeNoCountryCode)]
    );
    // The marketer's usual spellings are found as before.
    for text in [
        "wa.me/3331234567",
        "Scrivici: https://wa.me/3331234567?text=Ciao",
        "api.whatsapp.com/send?phone=3331234567",
    ] {
        assert_eq!(no_country(text).len(), 1, "{text}");
    }
    // A hashtag is no link, on X as in the scanner.
    assert_eq!(no_country("#wa.me/3331234567"), []);
    // Digits in a link written without scheme or `www.` belong to the link, not a phone.
    for text in ["ordina su negozio.it/p/3331234567", "bit.ly/3331234567"] {
        assert!(find_phones(text, |_| true).is_empty(), "{text}");
    }
    assert_eq!(find_phones("negozio.it 3331234567", |_| true).len(), 1);
}
