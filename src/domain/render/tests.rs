//! Unit tests of the parent module.

use super::*;

/// Checks the span map's invariants and returns the draft.
fn checked(file: &str, base: usize, style: Style, split: bool) -> RenderedDraft {
    let body = &file[base..];
    let draft = render(body, base, style, split);
    assert!(!draft.parts.is_empty());
    for part in &draft.parts {
        let mut at = 0;
        for seg in part.segments() {
            assert_eq!(seg.out.start, at, "segments must tile the text: {part:?}");
            assert!(seg.out.end > seg.out.start);
            assert!(seg.src.start <= seg.src.end && seg.src.end <= file.len());
            if seg.kind == SegmentKind::Verbatim {
                assert_eq!(&part.text[seg.out.clone()], &file[seg.src.clone()]);
            }
            at = seg.out.end;
        }
        assert_eq!(at, part.text.len());
        assert_eq!(part.text, part.text.trim());
    }
    draft
}

fn wa(body: &str) -> String {
    one(checked(body, 0, Style::WhatsApp, false))
}

fn plain(body: &str) -> String {
    one(checked(body, 0, Style::Plain, false))
}

fn one(draft: RenderedDraft) -> String {
    assert_eq!(draft.parts.len(), 1);
    draft.parts.into_iter().next().unwrap().text
}

/// The source text behind the first occurrence of `needle` in part `part`.
fn source_of<'f>(file: &'f str, draft: &RenderedDraft, part: usize, needle: &str) -> &'f str {
    let p = &draft.parts[part];
    let at = p.text.find(needle).expect("needle in rendered text");
    &file[p.source_range(at..at + needle.len())]
}

#[test]
fn inline_markup() {
    let body = "**grassetto** __anche__ *corsivo* _anche_ ~~barrato~~ `codice`";
    assert_eq!(
        wa(body),
        "*grassetto* *anche* _corsivo_ _anche_ ~barrato~ ```codice```"
    );
    assert_eq!(plain(body), "grassetto anche corsivo anche barrato codice");
}

#[test]
fn nested_emphasis() {
    assert_eq!(wa("**a _b_ c**"), "*a _b_ c*");
    assert_eq!(wa("*a **b** c*"), "_a *b* c_");
    assert_eq!(wa("**a **b** c**"), "*a b c*");
    assert_eq!(wa("*a *b* c*"), "_a b c_");
    assert_eq!(wa("***tutto***"), "_*tutto*_");
    assert_eq!(plain("***tutto***"), "tutto");
}

#[test]
fn headings() {
    assert_eq!(wa("# Saldi\n\ntesto"), "*Saldi*\n\ntesto");
    assert_eq!(plain("# Saldi\n\ntesto"), "Saldi\n\ntesto");
    assert_eq!(wa("## Saldi **ora**"), "*Saldi ora*");
    assert_eq!(wa("#\n\ntesto"), "testo");
}

#[test]
fn links() {
    let body = "Vai su [il sito](https://negozio.it \"titolo\").";
    assert_eq!(wa(body), "Vai su il sito (https://negozio.it).");
    assert_eq!(plain(body), "Vai su il sito (https://negozio.it).");
    assert_eq!(plain("<https://negozio.it/x>"), "https://negozio.it/x");
    assert_eq!(plain("[https://x.it](https://x.it)"), "https://x.it");
    assert_eq!(plain("[negozio.it](https://negozio.it)"), "negozio.it");
    assert_eq!(plain("<info@negozio.it>"), "info@negozio.it");
    assert_eq!(plain("[info@x.it](mailto:info@x.it)"), "info@x.it");
    assert_eq!(plain("[](https://x.it)"), "https://x.it");
    assert_eq!(
        plain("[chiamaci](tel:+390212345678)"),
        "chiamaci (tel:+390212345678)"
    );
    assert_eq!(wa("[**qui**](https://x.it)"), "*qui* (https://x.it)");
}

#[test]
fn link_report_and_ranges() {
    let file = "+++\n+++\n[a](<https://x.it/a b>) [r][Ref] <https://y.it>\n\n[ref]: https://ref.it \"t\"\n";
    let base = 8;
    let d = checked(file, base, Style::Plain, false);
    assert_eq!(
        d.parts[0].text,
        "a (https://x.it/a b) r (https://ref.it) https://y.it"
    );
    let urls: Vec<_> = d.links.iter().map(|l| l.url.as_str()).collect();
    assert_eq!(urls, ["https://x.it/a b", "https://ref.it", "https://y.it"]);
    for l in &d.links {
        assert_eq!(&file[l.url_range.clone()], l.url);
    }
    assert_eq!(&file[d.links[0].range.clone()], "[a](<https://x.it/a b>)");
    assert_eq!(source_of(file, &d, 0, "https://ref.it"), "https://ref.it");
    assert_eq!(source_of(file, &d, 0, "://y"), "://y");
}

#[test]
fn escaped_url_maps_to_written_destination() {
    let file = "[a](https://x.it/&amp;q)";
    let d = checked(file, 0, Style::Plain, false);
    assert_eq!(d.parts[0].text, "a (https://x.it/&q)");
    assert_eq!(&file[d.links[0].url_range.clone()], "https://x.it/&amp;q");
    assert_eq!(source_of(file, &d, 0, "&q"), "https://x.it/&amp;q");
}

#[test]
fn images_are_reported_not_rendered() {
    let file = "Guarda!\n\n![Video *della* promo](../../media/bf.mp4)\n\nFine.";
    let d = checked(file, 0, Style::WhatsApp, false);
    assert_eq!(d.parts[0].text, "Guarda!\n\nFine.");
    let img = &d.images[0];
    assert_eq!(img.src, "../../media/bf.mp4");
    assert_eq!(img.alt, "Video della promo");
    assert_eq!(
        &file[img.range.clone()],
        "![Video *della* promo](../../media/bf.mp4)"
    );
    assert_eq!(&file[img.alt_range.clone()], "Video *della* promo");
    assert_eq!(&file[img.src_range.clone()], "../../media/bf.mp4");
    assert_eq!(img.part, 0);
    assert!(d.links.is_empty());
}

#[test]
fn body_of_only_an_image() {
    let file = "![](<a b.png>)\n";
    let d = checked(file, 0, Style::Plain, false);
    assert_eq!(d.parts[0].text, "");
    assert_eq!(d.parts[0].source_range(0..0), 0..0);
    let img = &d.images[0];
    assert_eq!(img.alt, "");
    assert_eq!(img.alt_range, 2..2);
    assert_eq!(&file[img.src_range.clone()], "a b.png");
}

#[test]
fn image_inside_link_and_reference_image() {
    let file = "[![logo](l.png)](https://x.it) ![alt][img]\n\n[img]: <p.png>\n";
    let d = checked(file, 0, Style::Plain, false);
    assert_eq!(d.parts[0].text, "https://x.it");
    assert_eq!(d.images.len(), 2);
    assert_eq!(&file[d.images[1].src_range.clone()], "p.png");
    assert_eq!(&file[d.images[0].alt_range.clone()], "logo");
}

#[test]
fn comments_are_reported_not_rendered() {
    let file = "<!-- camplint-disable offer/missing -->\n\nCiao <!-- nota -->a tutti\n\n<!--\nriga\n-->\n\n<div>html</div>\n";
    let d = checked(file, 0, Style::WhatsApp, false);
    assert_eq!(d.parts[0].text, "Ciao a tutti\n\n<div>html</div>");
    let texts: Vec<_> = d.comments.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        [" camplint-disable offer/missing ", " nota ", "\nriga\n"]
    );
    assert_eq!(
        &file[d.comments[0].range.clone()],
        "<!-- camplint-disable offer/missing -->"
    );
    assert_eq!(&file[d.comments[2].range.clone()], "<!--\nriga\n-->");
    assert_eq!(source_of(file, &d, 0, "html"), "html");
}

#[test]
fn comment_edge_cases() {
    let d = checked("a\n\n<!-->\n\n<!-- mai chiuso\nb", 0, Style::Plain, false);
    assert_eq!(d.parts[0].text, "a");
    assert_eq!(d.comments.len(), 2);
    assert_eq!(d.comments[1].text, " mai chiuso\nb");
    let d = checked("<!-- x --> dopo\n", 0, Style::Plain, false);
    assert_eq!(d.parts[0].text, "dopo");
}

#[test]
fn lists() {
    assert_eq!(wa("* uno\n* due\n+ tre"), "- uno\n- due\n\n- tre");
    assert_eq!(plain("3. tre\n1. quattro"), "3. tre\n4. quattro");
    assert_eq!(plain("1) a\n1) b"), "1) a\n2) b");
    assert_eq!(plain("- a\n  - b\n    c\n- d"), "- a\n  - b\n    c\n- d");
    assert_eq!(plain("- a\n\n- b\n\n  secondo"), "- a\n\n- b\n\n  secondo");
    assert_eq!(
        plain("Intro:\n- a\n- b\n\nFine"),
        "Intro:\n\n- a\n- b\n\nFine"
    );
    assert_eq!(plain("- - x"), "- - x");
    assert_eq!(plain("a\n\n-\n- b"), "a\n\n-\n- b");
    assert_eq!(wa("1. **a**\n2. `b`"), "1. *a*\n2. ```b```");
}

#[test]
fn block_quotes() {
    let body = "> riga uno\n> riga due\n>\n> - voce\n\nfuori";
    assert_eq!(wa(body), "> riga uno\n> riga due\n\n> - voce\n\nfuori");
    assert_eq!(plain(body), "riga uno\nriga due\n\n- voce\n\nfuori");
    assert_eq!(wa("- > citata"), "- > citata");
}

#[test]
fn code_blocks() {
    let body = "prima\n\n```text\nuno\n  due\n```\n\n    indentato\n";
    assert_eq!(wa(body), "prima\n\n```uno\n  due```\n\n```indentato```");
    assert_eq!(plain(body), "prima\n\nuno\n  due\n\nindentato");
    assert_eq!(wa("```\n```\n\nx"), "x");
}

#[test]
fn breaks_placeholders_and_escapes() {
    assert_eq!(
        plain("riga\nsoft  \nhard\\\nfine"),
        "riga\nsoft\nhard\nfine"
    );
    assert_eq!(
        wa("Ciao {{1}}, {{first_name}}!"),
        "Ciao {{1}}, {{first_name}}!"
    );
    assert_eq!(wa(r"2 \* 3 \_x\_"), "2 * 3 _x_");
    assert_eq!(plain("<b>ciao</b> a < b"), "<b>ciao</b> a < b");
}

#[test]
fn entities_map_to_the_whole_entity() {
    let file = "Tom &amp; Jerry &#233;";
    let d = checked(file, 0, Style::Plain, false);
    assert_eq!(d.parts[0].text, "Tom & Jerry é");
    assert_eq!(source_of(file, &d, 0, "&"), "&amp;");
    assert_eq!(source_of(file, &d, 0, "é"), "&#233;");
    assert_eq!(source_of(file, &d, 0, "m & J"), "m &amp; J");
}

#[test]
fn omitted_content_leaves_no_stray_whitespace() {
    assert_eq!(plain("a\n![x](y)\nb"), "a\nb");
    // `<!--` may interrupt a paragraph: an HTML block starts there.
    assert_eq!(plain("![x](y) Ciao\n<!-- c --> tutti"), "Ciao\n\ntutti");
    assert_eq!(plain("Ciao\n\n<!-- c -->\n  tutti"), "Ciao\n\ntutti");
    assert_eq!(plain("Ciao ![x](y)\ntutti"), "Ciao\ntutti");
    assert_eq!(plain("- ![x](y)\n  voce"), "- voce");
    assert_eq!(plain("a <!-- c --> b"), "a  b");
}

#[test]
fn trimming_and_block_joining() {
    assert_eq!(plain("\n\n  uno\n\n\n\ndue  \n\n\n"), "uno\n\ndue");
    assert_eq!(plain("uno\n\n<!-- x -->\n\ndue\n"), "uno\n\ndue");
}

#[test]
fn empty_body() {
    for style in [Style::WhatsApp, Style::Plain] {
        let d = checked("", 0, style, true);
        assert_eq!(d.parts.len(), 1);
        assert_eq!(d.parts[0].text, "");
        assert_eq!(d.parts[0].source_range(0..5), 0..0);
    }
    let d = checked("+++\n+++\n\n", 8, Style::Plain, false);
    assert_eq!(d.parts[0].source, 8..9);
    assert_eq!(d.parts[0].source_range(0..0), 8..8);
}

#[test]
fn thread_split() {
    let file = "Primo post.\n\n---\n\nSecondo *post*.\n\n***\n\n![img](a.png)\nTerzo.\n";
    let d = checked(file, 0, Style::Plain, true);
    let texts: Vec<_> = d.parts.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(texts, ["Primo post.", "Secondo post.", "Terzo."]);
    assert_eq!(&file[d.parts[1].source.clone()], "\nSecondo *post*.\n\n");
    assert_eq!(d.images[0].part, 2);
    assert_eq!(source_of(file, &d, 1, "post"), "post");

    // Not split: the break is a block boundary.
    let d = checked(file, 0, Style::WhatsApp, false);
    assert_eq!(d.parts[0].text, "Primo post.\n\nSecondo _post_.\n\nTerzo.");
}

#[test]
fn thread_split_keeps_empty_parts_and_ignores_nested_breaks() {
    let d = checked(
        "---\n\na\n\n> b\n>\n> ***\n> c\n\n---\n",
        0,
        Style::Plain,
        true,
    );
    let texts: Vec<_> = d.parts.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(texts, ["", "a\n\nb\n\nc", ""]);
}

#[test]
fn thread_breaks_are_the_lines_that_split_the_posts() {
    // After front matter (base 8), indented and with trailing spaces; the break inside
    // the quote does not split, so it is not one of them.
    let file = "+++\n+++\nuno\n\n  ---  \n\n> ***\n\n___\n";
    let d = checked(file, 8, Style::Plain, true);
    let lines: Vec<&str> = d.thread_breaks.iter().map(|r| &file[r.clone()]).collect();
    assert_eq!(lines, ["---", "___"]);
    assert_eq!(d.thread_breaks.len() + 1, d.parts.len());
    let d = checked(file, 8, Style::Plain, false);
    assert!(d.thread_breaks.is_empty());
}

#[test]
fn setext_underline_is_a_heading_not_a_break() {
    let file = "Primo\n---\nSecondo\n";
    let d = checked(file, 0, Style::Plain, true);
    assert_eq!(d.parts.len(), 1);
    assert_eq!(d.parts[0].text, "Primo\n\nSecondo");
    assert_eq!(d.setext_dash_underlines.len(), 1);
    assert_eq!(&file[d.setext_dash_underlines[0].clone()], "---");
    let d = checked("Titolo\n===\n\n## ---\n", 0, Style::Plain, true);
    assert!(d.setext_dash_underlines.is_empty());
}

#[test]
fn phone_in_bold_maps_back_to_its_digits() {
    let file = "+++\nlang = \"it\"\n+++\nChiama il **+39 02 1234 5678** oggi!\n";
    let base = file.find("Chiama").unwrap();
    let d = checked(file, base, Style::WhatsApp, false);
    assert_eq!(d.parts[0].text, "Chiama il *+39 02 1234 5678* oggi!");
    assert_eq!(
        source_of(file, &d, 0, "+39 02 1234 5678"),
        "+39 02 1234 5678"
    );
    assert_eq!(source_of(file, &d, 0, "1234"), "1234");
    // The added marker points at the whole bold element.
    let star = d.parts[0].text.find('*').unwrap();
    assert_eq!(
        &file[d.parts[0].source_range(star..star + 1)],
        "**+39 02 1234 5678**"
    );
    let d = checked(file, base, Style::Plain, false);
    assert_eq!(
        source_of(file, &d, 0, "+39 02 1234 5678"),
        "+39 02 1234 5678"
    );
}

#[test]
fn crlf_renders_like_lf() {
    let lf = "# T\n\nuno\ndue  \ntre\n\n- a\n- b\n\n```\nx\ny\n```\n\n> q\n> r\n\n<!--\nc\n-->\n";
    let crlf = lf.replace('\n', "\r\n");
    for style in [Style::WhatsApp, Style::Plain] {
        let a = checked(lf, 0, style, true);
        let b = checked(&crlf, 0, style, true);
        assert_eq!(a.parts[0].text, b.parts[0].text);
        assert!(!b.parts[0].text.contains('\r'));
        assert_eq!(a.comments[0].text, "\nc\n");
        assert_eq!(b.comments[0].text, "\nc\n");
    }
    let d = checked(&crlf, 0, Style::Plain, false);
    assert_eq!(source_of(&crlf, &d, 0, "due\ntre"), "due  \r\ntre");
    assert_eq!(source_of(&crlf, &d, 0, "x\ny"), "x\r\ny");
}

#[test]
fn source_range_edges() {
    let file = "ab **cd**";
    let d = checked(file, 0, Style::WhatsApp, false);
    let p = &d.parts[0];
    assert_eq!(p.text, "ab *cd*");
    assert_eq!(p.source_range(0..1), 0..1);
    assert_eq!(p.source_range(1..1), 1..1);
    assert_eq!(p.source_range(2..3), 2..3);
    assert_eq!(p.source_range(3..4), 3..9);
    assert_eq!(p.source_range(4..100), 3..9);
    assert_eq!(p.source_range(100..200), 9..9);
    let (hi, lo) = (5, 2);
    assert_eq!(p.source_range(hi..lo), 6..6);
}

#[test]
fn whatsapp_code_span_maps_content_exactly() {
    let file = "codice `` `BF26` `` ora";
    let d = checked(file, 0, Style::WhatsApp, false);
    assert_eq!(d.parts[0].text, "codice ````BF26```` ora");
    assert_eq!(source_of(file, &d, 0, "BF26"), "BF26");
}

/// Deterministic pseudo-random drafts: rendering must never panic and keep the map sound.
#[test]
fn random_drafts_keep_invariants() {
    const PIECES: &[&str] = &[
        "*",
        "**",
        "_",
        "~~",
        "`",
        "```",
        "\n",
        "\r\n",
        "\n\n",
        "> ",
        "- ",
        "1. ",
        "#",
        "---",
        "***",
        "[",
        "]",
        "(",
        ")",
        "![",
        "<",
        ">",
        "<!--",
        "-->",
        "&amp;",
        "\\",
        "  ",
        "testo",
        "è",
        "😀",
        "https://x.it",
        "{{1}}",
        "    ",
        "tel:+39",
        "[r]: /u\n",
        "<div>",
        "|",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..3000 {
        let mut body = String::new();
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let n = (seed >> 59) as usize + 1;
        for _ in 0..n * 2 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            body.push_str(PIECES[(seed >> 33) as usize % PIECES.len()]);
        }
        for style in [Style::WhatsApp, Style::Plain] {
            for split in [false, true] {
                let d = checked(&body, 0, style, split);
                for p in &d.parts {
                    for i in 0..=p.text.len() {
                        let r = p.source_range(i..p.text.len());
                        assert!(r.start <= r.end && r.end <= body.len(), "{body:?}");
                    }
                }
            }
        }
    }
}
