use camplint::domain::media::{
    check_attachments, Attachment, Codec, Format, LimitsOverride, LimitsTable, MediaChannel,
    MediaFinding, MediaInfo, MediaKind, MediaRule, ProbeError, SpecialFile,
};

fn info(format: Format, kind: MediaKind, size: u64) -> MediaInfo {
    MediaInfo {
        size,
        kind,
        format,
        width: None,
        height: None,
        duration_ms: None,
        video_codec: None,
        audio_codec: None,
        named_as: Some(format),
    }
}

fn image(size: u64) -> Result<MediaInfo, ProbeError> {
    Ok(info(Format::Jpeg, MediaKind::Image, size))
}

fn video(size: u64, secs: u64, codec: Codec) -> Result<MediaInfo, ProbeError> {
    let mut v = info(Format::Mp4, MediaKind::Video, size);
    v.duration_ms = Some(secs * 1000);
    v.video_codec = Some(codec);
    v.audio_codec = Some(Codec::Aac);
    Ok(v)
}

fn run(
    table: &LimitsTable,
    channel: MediaChannel,
    media: &[(Result<MediaInfo, ProbeError>, Option<&str>)],
) -> Vec<MediaFinding> {
    let atts: Vec<Attachment<'_>> = media
        .iter()
        .enumerate()
        .map(|(index, (m, alt))| Attachment {
            index,
            media: m,
            alt_text: *alt,
            is_markdown_image: alt.is_some(),
        })
        .collect();
    check_attachments(table.get(channel), &atts)
}

fn rules(findings: &[MediaFinding]) -> Vec<(usize, MediaRule)> {
    findings.iter().map(|f| (f.attachment, f.rule)).collect()
}

#[test]
fn x_video_duration_limit_names_both_figures() {
    let t = LimitsTable::default();
    let long = run(
        &t,
        MediaChannel::Twitter,
        &[(video(1_000_000, 141, Codec::H264), None)],
    );
    assert_eq!(rules(&long), [(0, MediaRule::TooLong)]);
    assert_eq!(
        long[0].message,
        "the video is 141 s long; X accepts at most 140 s"
    );
    assert_eq!(long[0].help, "trim the video to 140 s or less");
    let short = run(
        &t,
        MediaChannel::Twitter,
        &[(video(1_000_000, 139, Codec::H264), None)],
    );
    assert!(short.is_empty(), "{short:?}");
}

#[test]
fn a_refused_codec_never_hides_size_and_duration() {
    let t = LimitsTable::default();
    let f = run(
        &t,
        MediaChannel::Twitter,
        &[(video(600_000_000, 150, Codec::H265), None)],
    );
    assert_eq!(
        rules(&f),
        [
            (0, MediaRule::UnsupportedType),
            (0, MediaRule::TooLarge),
            (0, MediaRule::TooLong)
        ]
    );
    assert!(f[0].message.contains("H.265 (HEVC)"), "{}", f[0].message);
    assert_eq!(
        f[1].message,
        "the video is 600.0 MB; X accepts videos up to 512 MB"
    );
}

#[test]
fn whatsapp_size_limits_are_decimal_megabytes() {
    let t = LimitsTable::default();
    let f = run(&t, MediaChannel::Whatsapp, &[(image(5_000_001), None)]);
    assert_eq!(rules(&f), [(0, MediaRule::TooLarge)]);
    assert_eq!(
        f[0].message,
        "the image is 5.000001 MB; WhatsApp accepts images up to 5 MB"
    );
    assert!(run(&t, MediaChannel::Whatsapp, &[(image(5_000_000), None)]).is_empty());
    let v = run(
        &t,
        MediaChannel::WhatsappBroadcast,
        &[(video(16_000_001, 30, Codec::H264), None)],
    );
    assert_eq!(rules(&v), [(0, MediaRule::TooLarge)]);
}

#[test]
fn one_whatsapp_draft_carries_one_attachment() {
    let t = LimitsTable::default();
    let f = run(
        &t,
        MediaChannel::Whatsapp,
        &[(image(10), None), (image(10), None)],
    );
    assert_eq!(rules(&f), [(1, MediaRule::TooMany)]);
    assert_eq!(
        f[0].message,
        "this WhatsApp message has 2 attachments; a WhatsApp message can carry only 1 attachment"
    );
}

#[test]
fn x_posts_take_four_images_or_one_gif_or_one_video() {
    let t = LimitsTable::default();
    let alt = Some("vetrina");
    let five: Vec<_> = (0..5).map(|_| (image(10), alt)).collect();
    let f = run(&t, MediaChannel::Twitter, &five);
    assert_eq!(rules(&f), [(4, MediaRule::TooMany)]);
    assert!(f[0]
        .message
        .contains("up to 4 images, or 1 animated GIF, or 1 video"));
    let four: Vec<_> = (0..4).map(|_| (image(10), alt)).collect();
    assert!(run(&t, MediaChannel::Twitter, &four).is_empty());

    let mixed = run(
        &t,
        MediaChannel::Twitter,
        &[(image(10), alt), (video(10, 5, Codec::H264), None)],
    );
    assert_eq!(rules(&mixed), [(1, MediaRule::TooMany)]);
    assert!(
        mixed[0].message.contains("mixes images and videos"),
        "{}",
        mixed[0].message
    );

    let gif = || Ok(info(Format::Gif, MediaKind::AnimatedImage, 10));
    let two_gifs = run(&t, MediaChannel::Twitter, &[(gif(), alt), (gif(), alt)]);
    assert_eq!(rules(&two_gifs), [(1, MediaRule::TooMany)]);
    assert_eq!(
        two_gifs[0].message,
        "this X post has 2 animated GIFs; an X post can carry only 1 animated GIF"
    );
}

#[test]
fn x_dm_carries_one_attachment_and_no_alt_text() {
    let t = LimitsTable::default();
    let f = run(
        &t,
        MediaChannel::TwitterDm,
        &[(image(10), None), (image(10), None)],
    );
    assert_eq!(rules(&f), [(1, MediaRule::TooMany)]);
}

#[test]
fn alt_text_on_x_images() {
    let t = LimitsTable::default();
    let long = "a".repeat(1001);
    let f = run(
        &t,
        MediaChannel::Twitter,
        &[
            (image(10), Some("  ")),
            (image(10), Some(long.as_str())),
            (image(10), None),
        ],
    );
    assert_eq!(
        rules(&f),
        [
            (0, MediaRule::MissingAltText),
            (1, MediaRule::AltTooLong),
            (2, MediaRule::MissingAltText)
        ]
    );
    assert_eq!(
        f[1].message,
        "the image's alt text is 1,001 characters long; X accepts at most 1,000"
    );
    assert!(f[0].help.contains("between the brackets"));
    assert!(f[2].help.contains("instead of in `media`"));
    // Exactly 1,000 is fine; WhatsApp has no alt text rule.
    let ok = "à".repeat(1000);
    assert!(run(&t, MediaChannel::Twitter, &[(image(10), Some(ok.as_str()))]).is_empty());
    assert!(run(&t, MediaChannel::Whatsapp, &[(image(10), None)]).is_empty());
}

#[test]
fn unsupported_content_is_named_with_what_is_accepted() {
    let t = LimitsTable::default();
    let mut heic = info(Format::Heic, MediaKind::Image, 10);
    heic.named_as = Some(Format::Jpeg);
    let f = run(&t, MediaChannel::Whatsapp, &[(Ok(heic), None)]);
    assert_eq!(rules(&f), [(0, MediaRule::UnsupportedType)]);
    assert_eq!(
        f[0].message,
        "this is a HEIC image (the file is named as a JPEG image but holds a HEIC image), which \
         WhatsApp does not accept; it takes images as JPEG or PNG (stickers as WebP)"
    );
    assert!(f[0].help.starts_with("export the photo as JPEG or PNG"));

    // A PNG named .jpg is still a PNG, which WhatsApp takes: no finding.
    let mut png = info(Format::Png, MediaKind::Image, 10);
    png.named_as = Some(Format::Jpeg);
    assert!(run(&t, MediaChannel::Whatsapp, &[(Ok(png), None)]).is_empty());

    let pdf = run(
        &t,
        MediaChannel::Twitter,
        &[(Ok(info(Format::Pdf, MediaKind::Document, 9)), None)],
    );
    assert!(
        pdf[0].message.contains("X posts cannot carry documents"),
        "{}",
        pdf[0].message
    );

    let gif = Ok(info(Format::Gif, MediaKind::AnimatedImage, 10));
    let wa_gif = run(&t, MediaChannel::Whatsapp, &[(gif, None)]);
    assert!(wa_gif[0].help.contains("MP4"), "{}", wa_gif[0].help);

    let webm = run(
        &t,
        MediaChannel::Twitter,
        &[(Ok(info(Format::WebM, MediaKind::Video, 9)), None)],
    );
    assert_eq!(rules(&webm), [(0, MediaRule::UnsupportedType)]);
    assert!(webm[0].help.contains("H.264"));

    let empty = run(
        &t,
        MediaChannel::Twitter,
        &[(Ok(info(Format::Empty, MediaKind::Unknown, 0)), None)],
    );
    assert_eq!(empty[0].message, "the attached file is empty (0 bytes)");
}

#[test]
fn whatsapp_webp_is_a_sticker_with_its_own_limits() {
    let t = LimitsTable::default();
    let sticker = |w, h, size, kind| {
        let mut s = info(Format::WebP, kind, size);
        s.width = Some(w);
        s.height = Some(h);
        Ok(s)
    };
    assert!(run(
        &t,
        MediaChannel::Whatsapp,
        &[(sticker(512, 512, 90_000, MediaKind::Image), None)]
    )
    .is_empty());
    let f = run(
        &t,
        MediaChannel::Whatsapp,
        &[(sticker(800, 600, 150_000, MediaKind::Image), None)],
    );
    assert_eq!(
        rules(&f),
        [(0, MediaRule::UnsupportedType), (0, MediaRule::TooLarge)]
    );
    assert_eq!(
        f[0].message,
        "this WebP image is 800×600 pixels; WhatsApp stickers must be exactly 512×512"
    );
    assert_eq!(
        f[1].message,
        "the sticker is 150.0 KB; WhatsApp accepts stickers up to 100 KB"
    );
    let a = run(
        &t,
        MediaChannel::Whatsapp,
        &[(sticker(512, 512, 400_000, MediaKind::AnimatedImage), None)],
    );
    assert!(a.is_empty(), "{a:?}");
}

#[test]
fn probe_errors_become_findings() {
    let t = LimitsTable::default();
    let f = run(
        &t,
        MediaChannel::Whatsapp,
        &[(Err(ProbeError::NotFound), None)],
    );
    assert_eq!(rules(&f), [(0, MediaRule::MissingFile)]);
    for (err, rule) in [
        (ProbeError::OutsideRoot, MediaRule::OutsideProject),
        (
            ProbeError::NotRegularFile(SpecialFile::Fifo),
            MediaRule::UnsupportedType,
        ),
        (
            ProbeError::Unreadable(std::io::ErrorKind::PermissionDenied),
            MediaRule::MissingFile,
        ),
    ] {
        let f = run(&t, MediaChannel::Twitter, &[(Err(err), None)]);
        assert_eq!(rules(&f), [(0, rule)]);
    }
}

#[test]
fn overrides_from_toml_change_the_table() {
    #[derive(serde::Deserialize)]
    struct Config {
        limits: LimitsOverride,
    }
    let cfg: Config = toml::from_str(
        r#"
        [limits.twitter.video]
        max_size = "1GB"
        max_duration = "10m"
        [limits.whatsapp.image]
        max_size = "16 MiB"
        formats = ["jpeg", "png", "webp"]
        [limits.whatsapp-broadcast]
        max_attachments = 2
        "#,
    )
    .expect("valid overrides");
    let t = cfg.limits.resolve();
    let x = t.get(MediaChannel::Twitter);
    let v = x
        .kinds
        .iter()
        .find(|(k, _)| k.id() == "video")
        .map(|(_, l)| l)
        .expect("video");
    assert_eq!(
        (v.max_size, v.max_duration_ms),
        (1_000_000_000, Some(600_000))
    );
    // twitter-dm inherits the twitter per-type figures.
    assert_eq!(t.get(MediaChannel::TwitterDm).kinds, x.kinds);
    assert!(run(
        &t,
        MediaChannel::Twitter,
        &[(video(900_000_000, 599, Codec::H264), None)]
    )
    .is_empty());
    let long = run(
        &t,
        MediaChannel::Twitter,
        &[(video(10, 612, Codec::H264), None)],
    );
    assert_eq!(
        long[0].message,
        "the video is 10 min 12 s long; X accepts at most 10 min"
    );
    // broadcast starts from the overridden whatsapp table.
    assert!(run(
        &t,
        MediaChannel::WhatsappBroadcast,
        &[(image(16_000_000), None), (image(10), None)]
    )
    .is_empty());
    assert_eq!(
        rules(&run(
            &t,
            MediaChannel::Whatsapp,
            &[(image(10), None), (image(10), None)]
        )),
        [(1, MediaRule::TooMany)]
    );

    for bad in [
        "[limits.twitter.audio]\nmax_size = \"5MB\"",
        "[limits.twitter.video]\nmax_sise = \"5MB\"",
        "[limits.whatsapp.image]\nmax_size = \"5 MBs\"",
        "[limits.twitter.video]\nmax_duration = \"10mo\"",
        "[limits.whatsapp.image]\nformats = [\"heif\"]",
        "[limits.telegram]",
    ] {
        let err = toml::from_str::<Config>(bad).err();
        assert!(err.is_some(), "{bad} should be refused");
    }
    let err = toml::from_str::<Config>("[limits.whatsapp.image]\nmax_size = \"5 MBs\"")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("1 MB = 1,000,000 bytes"), "{err}");
    let ints: Config = toml::from_str("[limits.twitter.video]\nmax_size = 1000\nmax_duration = 30")
        .expect("integers are bytes and seconds");
    let t = ints.limits.resolve();
    let v = t
        .get(MediaChannel::Twitter)
        .kinds
        .iter()
        .find(|(k, _)| k.id() == "video")
        .map(|(_, l)| (l.max_size, l.max_duration_ms));
    assert_eq!(v, Some((1000, Some(30_000))));
}

#[test]
fn json_schema_names_the_override_types() {
    let schema = schemars::schema_for!(LimitsOverride);
    let text = serde_json::to_string(&schema).expect("json");
    assert!(text.contains("\"twitter-dm\""));
    assert!(text.contains("\"animated-sticker\""));
    assert!(text.contains("ByteSize"));
    assert!(text.contains("\"ogg-opus\""));
    assert!(
        !text.contains("Unknown"),
        "skipped variants must not be in the schema"
    );
    assert!(text.contains("\"additionalProperties\":false"));
}
