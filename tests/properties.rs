//! Property tests (issue 15): invariants that must hold for every input, checked on
//! generated ones. Case counts stay modest so `cargo test` stays fast in debug builds;
//! `PROPTEST_CASES=5000 cargo test --release --test properties` searches harder.

#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::collections::BTreeMap;

use camplint::base::diagnostic::Diagnostic;
use camplint::base::rule::Level;
use camplint::domain::phone;
use camplint::domain::render::{render, Style};
use camplint::engine::Report;
use camplint::project::draft;
use camplint::project::fixes::{apply_edits, Edit};
use proptest::prelude::*;

/// The fuzz targets' base project (`fixtures/fixable`), path to text.
fn fixable() -> BTreeMap<String, String> {
    harness::base_with("camplint.toml", harness::BASE[0].1)
}

/// Checks a project in memory (the fuzz harness asserts every span lies inside its file
/// and the JSON report parses).
fn check(files: &BTreeMap<String, String>) -> Option<Report> {
    harness::check_files(files.clone())
}

fn inside(text: &str, span: &std::ops::Range<usize>) -> bool {
    span.start <= span.end
        && span.end <= text.len()
        && text.is_char_boundary(span.start)
        && text.is_char_boundary(span.end)
}

/// Pieces the rules react to, so random edits make findings (and fixes) often.
const PIECES: &[&str] = &[
    "333 1234567",
    "+39 333 123 4567",
    "0039 02 1234 5678",
    "wa.me/3331234567",
    "https://api.whatsapp.com/send?phone=00393331234567",
    "x.com/messages/compose?recipient_id=abc",
    "STOP",
    "codice BF26",
    "**",
    "_",
    "~",
    "`",
    "[a](b)",
    "![x](media/y.jpg)",
    "<!-- camplint-disable -->",
    "\n---\n",
    "\n+++\n",
    "\n\n",
    "\r\n",
    ",",
    "\"",
    "\"\"",
    "=",
    "[[sends]]\n",
    "at = 2026-11-27T10:00:00\n",
    "granted",
    "withdrawn",
    "é",
    "😀",
    "\u{feff}",
];

/// A project: the fixture with a few pieces (or arbitrary short strings) inserted into
/// its files, or cut out of them.
fn project() -> impl Strategy<Value = BTreeMap<String, String>> {
    let edit = (
        0..harness::BASE.len(),
        0.0f64..1.0,
        prop_oneof![
            3 => proptest::sample::select(PIECES).prop_map(str::to_string),
            1 => "\\PC{0,12}",
        ],
        0usize..6,
    );
    proptest::collection::vec(edit, 0..5).prop_map(|edits| {
        let mut files = fixable();
        for (file, at, piece, cut) in edits {
            let text = files
                .get_mut(harness::BASE[file].0)
                .expect("a fixture file");
            let mut at = (at * text.len() as f64) as usize;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + cut).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.replace_range(at..end, &piece);
        }
        files
    })
}

fn key(report: &Report, d: &Diagnostic) -> (String, String, usize, usize, String) {
    let path = report.project.sources.get(d.file).path.clone();
    (
        d.rule.code.to_string(),
        path,
        d.span.start,
        d.span.end,
        d.message.clone(),
    )
}

/// Markdown made of the constructs the renderer handles, so generated drafts reach them.
fn markdown() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        proptest::sample::select(PIECES).prop_map(str::to_string),
        proptest::sample::select(
            &[
                "# ",
                "- ",
                "1. ",
                "> ",
                "    ",
                "*",
                "__",
                "\\",
                "&amp;",
                "&#x1F600;",
                "<b>",
                "</b>",
                "```\n",
                "| a | b |\n|---|---|\n",
                "[r]: http://x.it\n",
                "[r]",
                "\t",
                " ",
                "\n",
            ][..]
        )
        .prop_map(str::to_string),
        "[a-zA-Z0-9 ]{1,8}",
        "\\PC{1,4}",
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Rendering never panics, and every rendered character maps back inside its draft.
    #[test]
    fn rendering_maps_every_span_inside_the_draft(text in markdown(), split in any::<bool>()) {
        let mut sink = camplint::base::diagnostic::Sink::default();
        let loaded = draft::load(camplint::base::source::FileId(0), "m.md".into(), &text, &mut sink);
        let body = &text[loaded.body.clone()];
        for style in [Style::WhatsApp, Style::Plain] {
            let out = render(body, loaded.body.start, style, split);
            prop_assert!(!out.parts.is_empty());
            for part in &out.parts {
                prop_assert!(inside(&text, &part.source));
                for (i, c) in part.text.char_indices() {
                    let src = part.source_range(i..i + c.len_utf8());
                    prop_assert!(src.start <= src.end && src.end <= text.len(), "{:?} of {:?}", src, c);
                }
                let all = part.source_range(0..part.text.len());
                prop_assert!(all.start <= all.end && all.end <= text.len());
            }
        }
    }

    /// A number's E.164 form reads back as the same number: normalising is idempotent.
    #[test]
    fn phone_normalisation_is_idempotent(
        prefix in proptest::sample::select(&["", "+", "00", "+39", "0039", "+39 ", "+1", "+44 ", "0"][..]),
        groups in proptest::collection::vec("[0-9]{1,4}", 1..5),
        sep in proptest::sample::select(&[" ", "", "-", ".", "/"][..]),
        region in proptest::sample::select(&["IT", "US", "GB", "DE"][..]),
    ) {
        let written = format!("{prefix}{}", groups.join(sep));
        if let Ok(first) = phone::parse(&written, region) {
            for again in [first.e164.to_string(), first.e164.grouped()] {
                let second = phone::parse(&again, region);
                prop_assert!(second.is_ok(), "{} read as {} but {} does not parse", written, first.e164, again);
                let second = second.expect("checked above");
                prop_assert_eq!(second.e164, first.e164, "{} -> {}", written, again);
                prop_assert_eq!(second.valid, first.valid, "{} -> {}", written, again);
            }
        }
    }
}

proptest! {
    // Whole-project cases load and check a project each: fewer of them.
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The JSON report always parses, and every finding, related place and fix lies
    /// inside its file on character boundaries.
    #[test]
    fn json_report_parses_and_spans_lie_inside_their_files(files in project()) {
        // The harness asserts the spans and parses the JSON report.
        check(&files);
    }

    /// `[rules]` severities change a finding's level, or drop it with "off", and nothing
    /// else: the same findings, at the same places, with the same words.
    #[test]
    fn severities_change_only_the_level(
        levels in proptest::collection::btree_map(
            proptest::sample::select(camplint::rules::CATALOGUE.rules()).prop_map(|r| r.code),
            proptest::sample::select(&["error", "warning", "info", "off"][..]),
            1..12,
        ),
    ) {
        let base_files = fixable();
        let base = check(&base_files).expect("the fixture loads");
        let mut files = base_files.clone();
        let config = files.get_mut("camplint.toml").expect("the fixture has a config");
        config.push_str("\n[rules]\n");
        for (code, level) in &levels {
            config.push_str(&format!("\"{code}\" = \"{level}\"\n"));
        }
        let changed = check(&files).expect("the fixture loads with severities");
        let mut expected: Vec<_> = base
            .diagnostics
            .iter()
            .filter(|d| levels.get(d.rule.code) != Some(&"off"))
            .map(|d| key(&base, d))
            .collect();
        let mut got: Vec<_> = changed.diagnostics.iter().map(|d| key(&changed, d)).collect();
        expected.sort();
        got.sort();
        prop_assert_eq!(expected, got);
        for d in &changed.diagnostics {
            let want = match levels.get(d.rule.code).and_then(|l| Level::parse(l)) {
                Some(Level::On(severity)) => severity,
                _ => d.rule.default_severity,
            };
            prop_assert_eq!(d.severity, want, "{}", d.rule.code);
        }
    }

    /// Applying any one reported fix to its file removes that finding: the file has
    /// fewer findings of that rule afterwards.
    #[test]
    fn every_fix_removes_its_finding(files in project(), pick in any::<prop::sample::Index>()) {
        let Some(report) = check(&files) else { return Ok(()) };
        let fixable: Vec<&Diagnostic> = report.diagnostics.iter().filter(|d| d.fix.is_some()).collect();
        if fixable.is_empty() {
            return Ok(());
        }
        let d = fixable[pick.index(fixable.len())];
        let fix = d.fix.as_ref().expect("filtered on fixes");
        let path = report.project.sources.get(fix.file).path.clone();
        let count = |r: &Report| {
            r.diagnostics
                .iter()
                .filter(|x| x.rule.code == d.rule.code && r.project.sources.get(x.file).path == path)
                .count()
        };
        let before = count(&report);
        // The loader strips a byte-order mark; spans count from after it.
        let original = &files[&path];
        let bom = if original.starts_with('\u{feff}') { 3 } else { 0 };
        let edit = Edit::safe(fix.span.start + bom..fix.span.end + bom, fix.replacement.clone());
        let applied = apply_edits(original.as_bytes(), &[edit]);
        let fixed = String::from_utf8(applied.output);
        prop_assert!(fixed.is_ok(), "the fix of {} broke UTF-8", d.rule.code);
        let mut after_files = files.clone();
        after_files.insert(path.clone(), fixed.expect("checked above"));
        let after = check(&after_files);
        prop_assert!(after.is_some(), "the fix of {} made the project unloadable", d.rule.code);
        let after = after.expect("checked above");
        prop_assert!(
            count(&after) < before,
            "the fix of {} at {:?} in {} ({:?} -> {:?}) left {} findings of it",
            d.rule.code, d.span, path, &original.get(fix.span.start + bom..fix.span.end + bom), fix.replacement, count(&after)
        );
    }
}
