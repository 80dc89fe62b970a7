//! Unit tests of the parent module.

use super::chars::fold_case;
use super::host::punycode_len;
use super::scanner::MAX_TLD_CHARS;
use super::tlds::{COUNTRY_TLDS, GENERIC_TLDS};
use super::*;

fn urls(text: &str) -> Vec<&str> {
    find_urls(text)
        .into_iter()
        .filter_map(|r| text.get(r))
        .collect()
}

#[test]
fn tld_lists_are_sorted_lowercase_and_bounded() {
    for list in [GENERIC_TLDS, COUNTRY_TLDS] {
        assert!(list.windows(2).all(|w| w[0] < w[1]));
        assert!(list.iter().all(|t| t.chars().all(|c| fold_case(c) == c)));
        assert!(list.iter().all(|t| t.chars().count() <= MAX_TLD_CHARS));
    }
}

#[test]
fn punycode_lengths_match_known_encodings() {
    // "bücher" -> "bcher-kva", "münchen" -> "mnchen-3ya", "☃" -> "n3h".
    assert_eq!(punycode_len("bücher"), Some(9));
    assert_eq!(punycode_len("münchen"), Some(10));
    assert_eq!(punycode_len("☃"), Some(3));
    // "ليهمابتكلموشعربي؟" -> "egbpdaj6bu4bxfgehfvwxn" (RFC 3492 sample A).
    assert_eq!(punycode_len("ليهمابتكلموشعربي؟"), Some(22));
}

#[test]
fn schemes_paths_and_trailing_punctuation() {
    assert_eq!(
        urls("vai su https://negozio.it/saldi."),
        ["https://negozio.it/saldi"]
    );
    assert_eq!(
        urls("(http://example.com/a_(b))!"),
        ["http://example.com/a_(b)"]
    );
    assert_eq!(
        urls("http://example.com?x=1&y=2!"),
        ["http://example.com?x=1&y=2"]
    );
    assert_eq!(
        urls("HTTPS://WWW.EXAMPLE.COM:8080/x"),
        ["HTTPS://WWW.EXAMPLE.COM:8080/x"]
    );
    assert_eq!(urls("https://t.co/abc123/extra"), ["https://t.co/abc123"]);
    assert_eq!(urls("http://☃.net/"), ["http://☃.net/"]);
}

#[test]
fn scheme_less_urls() {
    assert_eq!(urls("negozio.it/saldi"), ["negozio.it/saldi"]);
    assert_eq!(
        urls("www.example.com e foo.co.jp"),
        ["www.example.com", "foo.co.jp"]
    );
    assert_eq!(urls("saldi su negozio.it!"), ["negozio.it"]);
    // Only the ASCII part of a scheme-less host counts.
    assert_eq!(urls("こんにちはexample.com"), ["example.com"]);
    assert!(urls("file.txt, a.b, fine.frase").is_empty());
    assert!(urls("user@example.com").is_empty());
    assert!(urls("/example.com").is_empty());
}

#[test]
fn bad_hosts_are_not_urls() {
    assert!(urls("http://www.-domain4352.com/").is_empty());
    assert!(urls("http://domain-dash_2314352345_dfasd.foo-cow_4352.com").is_empty());
    let long_label = format!("http://{}.com", "a".repeat(64));
    assert!(urls(&long_label).is_empty());
    let ok_label = format!("http://{}.com", "a".repeat(63));
    assert_eq!(urls(&ok_label), [ok_label.as_str()]);
}

#[test]
fn byte_offsets_are_into_the_input() {
    let text = "Città: https://negozio.it";
    let found = find_urls(text);
    assert_eq!(
        found,
        vec![text.len() - "https://negozio.it".len()..text.len()]
    );
}

#[test]
fn every_substring_of_a_messy_text_is_safe() {
    let messy = "Vai su https://t.co/ab?x=1 e http://☃.net/(a(b)c)! ＠x.com \u{202A}xn--p1ai.рф/ö \
                 1\u{FE0F}\u{20E3} e\u{301}.it/_ 🇮🇹 a_b.c-d.com:80/x?y. 。t.co/x (";
    let bounds: Vec<usize> = messy
        .char_indices()
        .map(|(i, _)| i)
        .chain([messy.len()])
        .collect();
    for &a in &bounds {
        for &b in bounds.iter().filter(|&&b| b >= a) {
            let part = &messy[a..b];
            for r in find_urls(part) {
                assert!(
                    part.get(r.clone()).is_some_and(|u| !u.is_empty()),
                    "{part:?} {r:?}"
                );
            }
        }
    }
}

#[test]
fn urls_are_split_into_parts() {
    let text = "Vai su https://wa.me:443/39?text=ciao o negozio.it/p/1 o www.x.com";
    let parts: Vec<_> = scan_urls(text)
        .into_iter()
        .map(|u| {
            let part = |r: Range<usize>| text.get(r).unwrap_or("?");
            (part(u.host), part(u.path), u.has_protocol)
        })
        .collect();
    assert_eq!(
        parts,
        [
            ("wa.me", "/39?text=ciao", true),
            ("negozio.it", "/p/1", false),
            ("www.x.com", "", false),
        ]
    );
}

#[test]
fn link_words_cover_links_x_would_not_count() {
    let text =
        "a (https://shop.example/1) www.shop.example/2 negozio.it/3, whatsapp://send?phone=4 5.";
    let urls = scan_urls(text);
    let words: Vec<_> = link_words(text, &urls)
        .into_iter()
        .filter_map(|r| text.get(r))
        .collect();
    assert_eq!(
        words,
        [
            "(https://shop.example/1)",
            "www.shop.example/2",
            "negozio.it/3,",
            "whatsapp://send?phone=4"
        ]
    );
}

#[test]
fn skipping_to_the_next_dot_misses_no_start() {
    assert_eq!(urls("https://negozio.it"), ["https://negozio.it"]);
    assert_eq!(urls("negozio.it"), ["negozio.it"]);
    assert_eq!(urls("àhttp://a.it x"), ["http://a.it"]);
    assert_eq!(
        urls("Ciao. Vai su HTTP://www.a.it/x.y o b.it."),
        ["HTTP://www.a.it/x.y", "b.it"]
    );
    assert_eq!(urls("fine.frase..http://c.it"), ["http://c.it"]);
}

/// `link_words` as it was first written, one pass over every word: the reference the
/// candidate-driven version must agree with.
fn link_words_walking_every_word(text: &str, urls: &[Url]) -> Vec<std::ops::Range<usize>> {
    let mut words = Vec::new();
    let mut next_url = 0;
    let mut word_start = None;
    let ends = text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')));
    for (i, c) in ends {
        match (c.is_whitespace(), word_start) {
            (false, None) => word_start = Some(i),
            (true, Some(start)) => {
                word_start = None;
                while urls.get(next_url).is_some_and(|u| u.range.end <= start) {
                    next_url += 1;
                }
                let holds_url = urls.get(next_url).is_some_and(|u| u.range.start < i);
                let word = text.get(start..i).unwrap_or("");
                let bare = word.trim_start_matches(['(', '<', '[', '"', '\'', '*', '_', '~']);
                let www = bare
                    .get(..4)
                    .is_some_and(|p| p.eq_ignore_ascii_case("www."));
                let scheme = word.contains("://");
                if holds_url || www || scheme {
                    words.push(start..i);
                }
            }
            _ => {}
        }
    }
    words
}

#[test]
fn link_words_agree_with_walking_every_word() {
    const PIECES: &[&str] = &[
        " ",
        "\n",
        "\u{a0}",
        "\u{3000}",
        "www",
        "WwW",
        ".",
        "://",
        ":",
        "/",
        "(",
        "<",
        "[",
        "\"",
        "'",
        "*",
        "_",
        "~",
        "negozio",
        "it",
        "com",
        "wa.me",
        "https",
        "x.com/i",
        "3331234",
        "é",
        "日本",
        "🙂",
        "-",
        "?text=ciao",
        "t.co/abc",
        "@",
        "#",
    ];
    // Every text of up to 5 pieces drawn by a fixed linear congruential sequence: the
    // same cases on every run, tens of thousands of them.
    let mut state: u64 = 0x5eed;
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize % n
    };
    for _ in 0..60_000 {
        let len = 1 + next(8);
        let text: String = (0..len).map(|_| PIECES[next(PIECES.len())]).collect();
        let urls = scan_urls(&text);
        assert_eq!(
            link_words(&text, &urls),
            link_words_walking_every_word(&text, &urls),
            "{text:?}"
        );
    }
    for text in [
        "Visita www.negozio.it oggi",
        "(www.negozio.it) e https://shop.example/x",
        "whatsapp://send?phone=39333 wa.me/39333",
        "",
        "   ",
        "www.",
        "awww.x",
    ] {
        let urls = scan_urls(text);
        assert_eq!(
            link_words(text, &urls),
            link_words_walking_every_word(text, &urls),
            "{text:?}"
        );
    }
}
