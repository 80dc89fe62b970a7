//! `media/*` through `camplint check`: the fixture project `fixtures/media` is copied into
//! a temporary folder and its media are generated there (tiny real headers, sparse files
//! for the sizes), so nothing large is committed.

mod media_common;

use media_common::*;

/// The media project with every file its drafts attach.
fn shop() -> TempProject {
    let p = TempProject::new("media");
    let m = p.media();
    // Exactly 5 MB: WhatsApp's image limit, which is still allowed.
    write_sparse(&m, "vetrina.jpg", &jpeg(800, 600), 5_000_000);
    // 5 MB + 1 byte and 16 MB + 1 byte: one byte too many.
    write_sparse(&m, "catalogo.jpg", &jpeg(800, 600), 5_000_001);
    write_sparse(&m, "sfilata.mp4", &mp4(0, 1000, 30_000), 16_000_001);
    write(&m, "clip.mp4", &mp4(0, 1000, 30_000));
    // An animated GIF named as a video.
    write(&m, "saldi.mp4", &gif(3, true));
    // 141 s (version 0 mvhd) and 139 s (version 1 mvhd, 90 kHz timescale).
    write(&m, "backstage-141s.mp4", &mp4(0, 600, 141 * 600));
    write(&m, "laboratorio-139s.mp4", &mp4(1, 90_000, 139 * 90_000));
    write(&m, "novita.png", &png(1200, 800));
    // Outside the root: a JPEG over every image limit (if it were read, it would be
    // too large) and a named pipe (if it were opened, the run would hang).
    write_sparse(p.outside(), "segreto.jpg", &jpeg(10, 10), 6_000_000);
    #[cfg(unix)]
    {
        mkfifo(&p.outside().join("segreto-pipe"));
        std::os::unix::fs::symlink(p.outside().join("segreto-pipe"), m.join("collegamento.jpg"))
            .expect("symlink");
        mkfifo(&m.join("coda.jpg"));
    }
    p
}

fn finding(rule: &str, file: &str, span: &str) -> (String, String, String) {
    (rule.to_string(), file.to_string(), span.to_string())
}

/// Checks one draft and snapshots its report in both formats.
fn snapshot(p: &TempProject, draft: &str, name: &str) -> Report {
    let r = check_dir(&p.root, &[draft]);
    insta::assert_snapshot!(format!("{name}_human"), r.human);
    insta::assert_snapshot!(format!("{name}_json"), r.json);
    assert!(
        !r.human.contains(&*p.outside().to_string_lossy())
            && !r.json.contains(&*p.outside().to_string_lossy()),
        "output shows an absolute path"
    );
    r
}

#[test]
fn every_media_finding_of_the_project() {
    let p = shop();
    let r = check_dir(&p.root, &[]);
    let wa = |f: &str| format!("messages/wa/{f}.md");
    let x = |f: &str| format!("messages/x/{f}.md");
    let alt = std::fs::read_to_string(p.root.join("messages/x/alt-long.md")).unwrap();
    let alt_span = alt
        .lines()
        .nth(2)
        .and_then(|l| l.split("](").next())
        .map(|s| s.trim_start_matches("![").to_string())
        .unwrap();
    assert_eq!(
        r.findings(&p.root),
        [
            finding(
                "media/too-many",
                "messages/both/shared.md",
                "../../media/vetrina.jpg"
            ),
            finding("media/outside-project", &wa("absolute"), "\"/etc/passwd\""),
            finding(
                "media/unsupported-type",
                &wa("liar"),
                "\"../../media/saldi.mp4\""
            ),
            finding(
                "media/missing-file",
                &wa("missing"),
                "\"../../media/sciarpa.jpg\""
            ),
            finding(
                "media/outside-project",
                &wa("outside"),
                "\"../../../segreto.jpg\""
            ),
            finding(
                "media/unsupported-type",
                &wa("pipe"),
                "\"../../media/coda.jpg\""
            ),
            finding(
                "media/outside-project",
                &wa("symlink"),
                "\"../../media/collegamento.jpg\""
            ),
            finding(
                "media/too-large",
                &wa("too-large"),
                "../../media/catalogo.jpg"
            ),
            finding("media/too-many", &wa("two"), "\"../../media/clip.mp4\""),
            finding(
                "media/too-large",
                &wa("video-large"),
                "\"../../media/sfilata.mp4\""
            ),
            finding("media/alt-text-too-long", &x("alt-long"), alt_span.as_str()),
            finding("media/too-many", &x("five"), "../../media/novita.png"),
            finding(
                "media/too-long",
                &x("long"),
                "../../media/backstage-141s.mp4"
            ),
            finding(
                "media/too-many",
                &x("mix"),
                "../../media/laboratorio-139s.mp4"
            ),
            finding(
                "media/missing-alt-text",
                &x("no-alt"),
                "../../media/novita.png"
            ),
        ]
    );
    // Nothing but media findings: the fixture is otherwise compliant.
    assert!(
        r.codes().iter().all(|c| c.starts_with("media/")),
        "{:?}",
        r.codes()
    );
}

#[test]
fn near_misses_are_silent() {
    let p = shop();
    // A JPEG of exactly 5 MB on WhatsApp; a 139 s video on X; 4 images in one post and
    // the fifth in the next post of the thread; a remote image.
    for draft in [
        "messages/wa/ok.md",
        "messages/x/short.md",
        "messages/x/thread.md",
    ] {
        let r = check_dir(&p.root, &[draft]);
        assert!(r.codes().is_empty(), "{draft}: {:?}", r.codes());
    }
}

#[test]
fn missing_file() {
    let p = shop();
    let r = snapshot(&p, "messages/wa/missing.md", "missing_file");
    assert_eq!(r.codes(), ["media/missing-file"]);
    assert!(r.human.contains("../../media/sciarpa.jpg"));
}

#[test]
fn outside_project_is_never_read() {
    let p = shop();
    // The run finishing at all shows the FIFO behind the symlink was never opened; the
    // messages say nothing about the files' content, which was never looked at.
    let r = snapshot(&p, "messages/wa/outside.md", "outside_project_traversal");
    assert_eq!(r.codes(), ["media/outside-project"]);
    assert!(
        !r.human.contains("JPEG") && !r.human.contains("MB"),
        "{}",
        r.human
    );
    let r = snapshot(&p, "messages/wa/absolute.md", "outside_project_absolute");
    assert_eq!(r.codes(), ["media/outside-project"]);
    let r = snapshot(&p, "messages/wa/symlink.md", "outside_project_symlink");
    assert_eq!(r.codes(), ["media/outside-project"]);
    assert!(!r.human.contains("pipe"), "{}", r.human);
}

#[test]
fn unsupported_type_by_content_names_both_facts() {
    let p = shop();
    let r = snapshot(&p, "messages/wa/liar.md", "unsupported_type");
    assert_eq!(r.codes(), ["media/unsupported-type"]);
    let message = r.value["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("MP4 video"), "{message}");
    assert!(message.contains("animated GIF"), "{message}");
    // A named pipe inside the project is refused without being opened.
    let r = check_dir(&p.root, &["messages/wa/pipe.md"]);
    assert_eq!(r.codes(), ["media/unsupported-type"]);
    assert!(r.human.contains("named pipe"), "{}", r.human);
}

#[test]
fn too_large_from_metadata() {
    let p = shop();
    let r = snapshot(&p, "messages/wa/too-large.md", "too_large_image");
    assert_eq!(r.codes(), ["media/too-large"]);
    assert!(r.human.contains("5.000001 MB"), "{}", r.human);
    let r = snapshot(&p, "messages/wa/video-large.md", "too_large_video");
    assert_eq!(r.codes(), ["media/too-large"]);
    assert!(r.human.contains("16.000001 MB"), "{}", r.human);
}

#[test]
fn too_many_per_channel() {
    let p = shop();
    // WhatsApp: one media object per message, so the second attachment is the error.
    let r = snapshot(&p, "messages/wa/two.md", "too_many_whatsapp");
    assert_eq!(r.codes(), ["media/too-many"]);
    // X: 5 images, and images mixed with a video.
    let r = snapshot(&p, "messages/x/five.md", "too_many_x");
    assert_eq!(r.codes(), ["media/too-many"]);
    let r = check_dir(&p.root, &["messages/x/mix.md"]);
    assert_eq!(r.codes(), ["media/too-many"]);
    assert!(r.human.contains("mixes images and videos"), "{}", r.human);
}

#[test]
fn a_draft_sent_on_two_channels_is_checked_for_each() {
    let p = shop();
    // Two images: fine for X, one too many for WhatsApp; the finding names the campaign.
    let r = snapshot(&p, "messages/both/shared.md", "two_channels");
    assert_eq!(r.codes(), ["media/too-many"]);
    let related = &r.value["diagnostics"][0]["related"][0]["file"];
    assert_eq!(related, "campaigns/avvisi.toml");
}

#[test]
fn too_long_from_mvhd() {
    let p = shop();
    let r = snapshot(&p, "messages/x/long.md", "too_long");
    assert_eq!(r.codes(), ["media/too-long"]);
    assert!(r.human.contains("141 s"), "{}", r.human);
}

#[test]
fn alt_text_on_x_images() {
    let p = shop();
    let r = snapshot(&p, "messages/x/no-alt.md", "missing_alt_text");
    assert_eq!(r.codes(), ["media/missing-alt-text"]);
    assert_eq!(r.value["diagnostics"][0]["severity"], "warning");
    let r = snapshot(&p, "messages/x/alt-long.md", "alt_text_too_long");
    assert_eq!(r.codes(), ["media/alt-text-too-long"]);
    assert!(r.human.contains("1,001"), "{}", r.human);
}

#[test]
fn limits_table_overrides_the_platform_figures() {
    let p = shop();
    let config = p.root.join("camplint.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(
        "\n[limits.twitter.video]\nmax_duration = \"10m\"\n\n[limits.whatsapp]\nmax_attachments = 2\n\n[limits.whatsapp.image]\nmax_size = \"6MB\"\n",
    );
    std::fs::write(&config, text).unwrap();
    for draft in [
        "messages/x/long.md",
        "messages/wa/two.md",
        "messages/wa/too-large.md",
        "messages/both/shared.md",
    ] {
        let r = check_dir(&p.root, &[draft]);
        assert!(r.codes().is_empty(), "{draft}: {:?}", r.codes());
    }
}

#[test]
fn a_bad_limits_table_is_config_invalid_with_its_span() {
    let p = shop();
    let config = p.root.join("camplint.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[limits.twitter.video]\nmax_duration = \"10 mo\"\n");
    std::fs::write(&config, &text).unwrap();
    let options = camplint::engine::Options {
        root: Some(p.root.clone()),
        ..Default::default()
    };
    match camplint::engine::run(&options) {
        Err(camplint::project::LoadError::Config(diags, _)) => {
            assert_eq!(diags.len(), 1);
            assert_eq!(diags[0].rule.code, "config/invalid");
            assert_eq!(&text[diags[0].span.clone()], "\"10 mo\"");
            assert!(diags[0].message.contains("10 mo"), "{}", diags[0].message);
        }
        other => panic!(
            "expected config/invalid, got {:?}",
            other.map(|r| r.diagnostics)
        ),
    }
}
