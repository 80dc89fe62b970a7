//! A draft's text through the draft pipeline: front matter, rendering for both
//! styles, with and without thread splitting, the span map and the weighted length.
#![no_main]

use camplint::base::diagnostic::Sink;
use camplint::base::source::FileId;
use camplint::domain::render::{format_parts, render, Style};
use camplint::domain::text::tweet_length::weighted_length;
use camplint::project::draft;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = draft::layout(&text);
    let mut sink = Sink::default();
    let loaded = draft::load(FileId(0), "messages/a.md".into(), &text, &mut sink);
    assert!(loaded.body.end <= text.len() && text.is_char_boundary(loaded.body.start));
    for d in sink.as_slice() {
        assert!(d.span.start <= d.span.end && d.span.end <= text.len());
    }
    let body = &text[loaded.body.clone()];
    for style in [Style::WhatsApp, Style::Plain] {
        for split in [false, true] {
            let out = render(body, loaded.body.start, style, split);
            assert!(!out.parts.is_empty());
            let _ = format_parts(&out);
            for part in &out.parts {
                let _ = weighted_length(&part.text);
                let len = part.text.len();
                for seg in part.segments() {
                    assert!(seg.out.end <= len, "segment {seg:?} past the text");
                    assert!(seg.src.end <= text.len(), "segment {seg:?} past the file");
                }
                // Every character's source lies inside the draft file.
                for (i, c) in part.text.char_indices() {
                    let src = part.source_range(i..i + c.len_utf8());
                    assert!(src.start <= src.end && src.end <= text.len(), "{src:?}");
                }
                let all = part.source_range(0..len);
                assert!(all.end <= text.len());
            }
            for r in out.images.iter().map(|i| &i.range).chain(out.links.iter().map(|l| &l.range)) {
                assert!(r.start <= r.end && r.end <= text.len());
            }
        }
    }
});
