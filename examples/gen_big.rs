//! Writes a large, deterministic camplint project for benchmarking `camplint check`.
//!
//! ```text
//! cargo run --release --example gen_big -- DIR [--contacts N] [--events E]
//!     [--audiences A] [--memberships K] [--campaigns M] [--sends S]
//!     [--repeat-every R] [--drafts D] [--media F] [--cap C]
//! ```
//!
//! - N WhatsApp contacts (default 1,000,000), each in 1..=K (default 3) of A (default
//!   20) overlapping audiences; a few phones are written with spaces, without `+39`,
//!   with `0039` or with a digit too many, as real exports are.
//! - A consent ledger of E events (default 2 N) in scrambled row order: a first grant
//!   per contact (some service-only, some without a source, some older than `max_age`,
//!   dates and date-times), then withdrawals (one in ten) and renewed grants.
//! - M WhatsApp marketing campaigns (default 1,000), each to 1 to 3 audiences, with S
//!   sends (default 3) a few days apart; every R-th campaign (default 10, 0 = none)
//!   repeats its last send weekly, three times in all. 1,000 × 3 with every tenth
//!   repeated is 3,200 send instants.
//! - D drafts (default 10,000): half WhatsApp drafts (an offer with its code in the text,
//!   a `+39 …` phone, an opt-out line), half X posts (single posts and threads with a
//!   concrete offer, some with an image and its alt text). Every draft is sent: the
//!   WhatsApp campaigns' sends take the WhatsApp drafts in turn; the X posts, and the
//!   WhatsApp drafts left over when D / 2 > M × S (written short enough for a post),
//!   go out as public posts of `twitter` campaigns, six a day, under the account cap.
//!   About one draft in 100 has a realistic mistake (a phone without `+39`, no opt-out,
//!   a private e-mail in a public post), so a check has some content findings but most
//!   drafts have none.
//! - F JPEG images (default 100) under `media/`, attached to about one draft in ten.
//! - WhatsApp caps of 2 per 7 days and 1 a day; `--cap C` (C other than 2) sets one cap
//!   of C per 7 days instead, to keep frequency findings out of a drafts benchmark.
//!
//! The same arguments always write the same bytes; the output folder should be empty or
//! hold an earlier output of the same arguments.

use std::fmt::Write as _;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// A small deterministic generator (SplitMix64), so no crate is needed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0); the modulo bias is irrelevant here.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// One element of a non-empty slice.
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// The shape of the project, from the command line.
struct Shape {
    contacts: u64,
    events: Option<u64>,
    audiences: u64,
    memberships: u64,
    campaigns: u64,
    sends: u64,
    repeat_every: u64,
    drafts: u64,
    media: u64,
    cap: u64,
}

const USAGE: &str = "usage: gen_big DIR [--contacts N] [--events E] [--audiences A] \
[--memberships K] [--campaigns M] [--sends S] [--repeat-every R] [--drafts D] [--media F] [--cap C]";

fn usage(msg: &str) -> ! {
    eprintln!("gen_big: {msg}\n{USAGE}");
    std::process::exit(2);
}

fn parse_args() -> (String, Shape) {
    let mut shape = Shape {
        contacts: 1_000_000,
        events: None,
        audiences: 20,
        memberships: 3,
        campaigns: 1_000,
        sends: 3,
        repeat_every: 10,
        drafts: 10_000,
        media: 100,
        cap: 2,
    };
    let mut dir = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if !a.starts_with("--") {
            if dir.replace(a).is_some() {
                usage("only one DIR");
            }
            continue;
        }
        let value: u64 = match args.next().map(|v| v.replace('_', "").parse()) {
            Some(Ok(v)) => v,
            _ => usage(&format!("{a} needs a whole number")),
        };
        match a.as_str() {
            "--contacts" => shape.contacts = value,
            "--events" => shape.events = Some(value),
            "--audiences" => shape.audiences = value,
            "--memberships" => shape.memberships = value,
            "--campaigns" => shape.campaigns = value,
            "--sends" => shape.sends = value,
            "--repeat-every" => shape.repeat_every = value,
            "--drafts" => shape.drafts = value,
            "--media" => shape.media = value,
            "--cap" => shape.cap = value,
            _ => usage(&format!("unknown option {a}")),
        }
    }
    let Some(dir) = dir else {
        usage("DIR is missing")
    };
    if shape.contacts == 0 || shape.audiences == 0 || shape.memberships == 0 {
        usage("--contacts, --audiences and --memberships must be at least 1");
    }
    if shape.campaigns > 0 && (shape.sends == 0 || shape.drafts < 2) {
        usage("campaigns need --sends 1 or more and --drafts 2 or more");
    }
    (dir, shape)
}

/// The mobile number of contact `i`: `3` then nine digits, spread over 320–329.
fn national(i: u64) -> u64 {
    3_200_000_000 + i * 97 % 100_000_000
}

/// Contact `i`'s phone as a shop's export would write it: nearly always E.164.
fn phone_cell(i: u64, rng: &mut Rng) -> String {
    let n = national(i);
    match rng.below(5000) {
        0 => format!("+39 {n}0"), // one digit too many: invalid
        1..=4 => format!(
            "+39 {} {} {}",
            n / 10_000_000,
            n / 10_000 % 1000,
            n % 10_000
        ),
        5..=7 => format!("{n}"),
        8 => format!("0039{n}"),
        _ => format!("+39{n}"),
    }
}

/// The civil date (year, month, day) `days` after 1970-01-01 (proleptic Gregorian).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// `YYYY-MM-DD` of a day number.
fn date(days: i64) -> String {
    let (y, m, d) = civil(days);
    format!("{y}-{m:02}-{d:02}")
}

/// Day number of 2026-11-02, a Monday: the first campaign day.
const START: i64 = 20_759;

fn write(root: &Path, rel: &str, bytes: &[u8]) -> io::Result<()> {
    let p = root.join(rel);
    if let Some(dir) = p.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::write(p, bytes)
}

fn create(root: &Path, rel: &str) -> io::Result<BufWriter<fs::File>> {
    let p = root.join(rel);
    if let Some(dir) = p.parent() {
        fs::create_dir_all(dir)?;
    }
    Ok(BufWriter::with_capacity(1 << 20, fs::File::create(p)?))
}

const CONFIG: &str = r#"# A generated benchmark project (examples/gen_big.rs): a shop's WhatsApp offers and X posts.
[project]
name = "Bottega Bench"
timezone = "Europe/Rome"
default_region = "IT"
language = "it"
senders = ["+39 02 1234 5678", "+39 06 8765 4321", "@bottegabench", "info@bottegabench.it"]

[frequency]
{whatsapp_caps}
twitter = [{ max = 8, per = "1d" }]

[quiet_hours]
whatsapp = { from = "21:00", to = "09:00" }

[consent]
max_age = "24mo"
require_source = true
"#;

const AUDIENCE_NAMES: [&str; 20] = [
    "clienti",
    "newsletter",
    "vip",
    "milano",
    "roma",
    "torino",
    "napoli",
    "bologna",
    "firenze",
    "donna",
    "uomo",
    "bambini",
    "casa",
    "sport",
    "fedelta",
    "nuovi",
    "inattivi",
    "carrello",
    "saldi",
    "eventi",
];

fn audience_id(a: u64) -> String {
    match AUDIENCE_NAMES.get(a as usize) {
        Some(name) => (*name).to_string(),
        None => format!("segmento-{a:03}"),
    }
}

fn audiences(root: &Path, s: &Shape, rng: &mut Rng) -> io::Result<()> {
    let mut outs = Vec::new();
    for a in 0..s.audiences {
        let id = audience_id(a);
        write(
            root,
            &format!("audiences/{id}.toml"),
            format!("name = \"Lista {id}\"\nchannel = \"whatsapp\"\ncontacts = \"{id}.csv\"\n")
                .as_bytes(),
        )?;
        let mut out = create(root, &format!("audiences/{id}.csv"))?;
        writeln!(out, "phone,name,city")?;
        outs.push(out);
    }
    const FIRST: [&str; 8] = [
        "Giulia", "Marco", "Sara", "Luca", "Anna", "Paolo", "Elena", "Davide",
    ];
    const CITY: [&str; 6] = ["Milano", "Roma", "Torino", "Napoli", "Bologna", "Firenze"];
    let k = s.memberships.min(s.audiences);
    let mut chosen = Vec::with_capacity(k as usize);
    for i in 0..s.contacts {
        let m = 1 + rng.below(k);
        chosen.clear();
        while (chosen.len() as u64) < m {
            let a = rng.below(s.audiences);
            if !chosen.contains(&a) {
                chosen.push(a);
            }
        }
        let first = FIRST[(i % 8) as usize];
        let city = CITY[(i / 8 % 6) as usize];
        for &a in &chosen {
            let cell = phone_cell(i, rng);
            writeln!(outs[a as usize], "{cell},{first} {i},{city}")?;
        }
    }
    for mut out in outs {
        out.flush()?;
    }
    Ok(())
}

fn ledger(root: &Path, s: &Shape, rng: &mut Rng) -> io::Result<()> {
    let n = s.contacts;
    let events = s.events.unwrap_or(2 * n);
    // Rows in scrambled order: a stride coprime with n visits everyone once a round.
    let mut stride = n * 7 / 10 + 1;
    while gcd(stride, n) != 1 {
        stride += 1;
    }
    let mut out = create(root, "consent/ledger.csv")?;
    writeln!(out, "contact,channel,purpose,action,at,source")?;
    let mut written = 0;
    let mut round = 0;
    while written < events {
        for k in 0..n.min(events - written) {
            let i = (k * stride) % n;
            let contact = phone_cell(i, rng);
            if round == 0 {
                let purpose = if rng.below(20) == 0 {
                    "service"
                } else {
                    "marketing"
                };
                // Months before the first send (Nov 2026): 1-30, sometimes over 24.
                let months = 1 + rng.below(30);
                let (y, m) = (2026 - (months / 12) as i32, 11 - (months % 12) as i32);
                let (y, m) = if m < 1 { (y - 1, m + 12) } else { (y, m) };
                let day = 1 + rng.below(28);
                let source = if rng.below(30) == 0 { "" } else { "form:sito" };
                if rng.below(4) == 0 {
                    let min = rng.below(60);
                    writeln!(
                        out,
                        "{contact},whatsapp,{purpose},granted,{y}-{m:02}-{day:02}T10:{min:02}:00+01:00,{source}"
                    )?;
                } else {
                    writeln!(
                        out,
                        "{contact},whatsapp,{purpose},granted,{y}-{m:02}-{day:02},{source}"
                    )?;
                }
            } else if rng.below(10) == 0 {
                let m = 1 + rng.below(10);
                writeln!(
                    out,
                    "{contact},whatsapp,marketing,withdrawn,2026-{m:02}-15,reply:STOP"
                )?;
            } else {
                let (m, d) = (1 + rng.below(10), 1 + rng.below(28));
                writeln!(
                    out,
                    "{contact},whatsapp,marketing,granted,2026-{m:02}-{d:02},checkout:negozio"
                )?;
            }
        }
        written += n.min(events - written);
        round += 1;
    }
    out.flush()
}

/// A tiny baseline JPEG header (SOI, JFIF, SOF0 with the size) padded to `len` bytes.
fn jpeg(width: u16, height: u16, len: usize) -> Vec<u8> {
    let mut b = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00,
        0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08,
    ];
    b.extend_from_slice(&height.to_be_bytes());
    b.extend_from_slice(&width.to_be_bytes());
    b.extend_from_slice(&[0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
    let mut x: u32 = u32::from(width) * 31 + u32::from(height);
    while b.len() + 2 < len {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        // Entropy-coded data never has 0xFF unstuffed; keep bytes below it.
        b.push((x >> 16) as u8 & 0x7F);
    }
    b.extend_from_slice(&[0xFF, 0xD9]);
    b
}

fn media(root: &Path, s: &Shape) -> io::Result<()> {
    for i in 0..s.media {
        let (w, h) = if i % 3 == 0 {
            (1080, 1080)
        } else {
            (1200, 675)
        };
        let len = 20_000 + (i as usize * 7919) % 150_000;
        write(root, &format!("media/foto-{i:04}.jpg"), &jpeg(w, h, len))?;
    }
    Ok(())
}

const PRODUCTS: [&str; 12] = [
    "borse in pelle",
    "scarpe da corsa",
    "giacche invernali",
    "maglioni di lana",
    "occhiali da sole",
    "zaini da viaggio",
    "profumi",
    "orologi",
    "sciarpe di seta",
    "jeans",
    "camicie di lino",
    "stivali",
];
const GREETINGS: [&str; 5] = [
    "Ciao!",
    "Buongiorno!",
    "Ciao {name}!",
    "Novità in negozio!",
    "Offerta riservata!",
];
const CLOSINGS: [&str; 4] = [
    "Per non ricevere più messaggi rispondi STOP.",
    "Rispondi STOP per non ricevere più messaggi.",
    "Se non vuoi più ricevere le nostre offerte, rispondi STOP.",
    "Per cancellarti dalla lista rispondi STOP.",
];
const PHONES: [&str; 2] = ["+39 02 1234 5678", "+39 06 8765 4321"];
const HASHTAGS: [&str; 6] = [
    "#saldi",
    "#moda",
    "#offerte",
    "#shopping",
    "#novità",
    "#madeinitaly",
];

/// A WhatsApp draft: front matter with its offer, the offer in the text, a `+39` phone,
/// an opt-out line; `short` keeps it within one X post (it goes out as a public post).
fn wa_draft(i: u64, short: bool, s: &Shape, rng: &mut Rng) -> String {
    let pct = 10 + 5 * rng.below(7);
    let code = format!("PROMO{i}");
    let product = rng.pick(&PRODUCTS);
    let phone = rng.pick(&PHONES);
    let image = (s.media > 0 && rng.below(10) == 0).then(|| rng.below(s.media));
    let mistake = rng.below(100);
    let mut t = String::with_capacity(1024);
    let _ = write!(
        t,
        "+++\noffer = {{ code = \"{code}\", description = \"{pct}% di sconto su {product}\" }}\n"
    );
    t.push_str("+++\n");
    if short {
        let _ = write!(
            t,
            "**{pct}% di sconto** su {product} con il codice *{code}*.\n\nInfo: {phone}\n\n"
        );
        if let Some(m) = image {
            let _ = write!(
                t,
                "![I nostri {product}](../../../media/foto-{m:04}.jpg)\n\n"
            );
        }
        let _ = writeln!(t, "{}", rng.pick(&CLOSINGS));
        return t;
    }
    let greeting = rng.pick(&GREETINGS).replace("{name}", "{{1}}");
    let _ = write!(
        t,
        "{greeting} Questa settimana **{pct}% di sconto** su tutti i nostri {product}: \
         usa il codice *{code}* in cassa o sul sito.\n\n"
    );
    if let Some(m) = image {
        let _ = write!(
            t,
            "![I nostri {product} in vetrina](../../../media/foto-{m:04}.jpg)\n\n"
        );
    }
    match rng.below(3) {
        0 => {
            let _ = write!(
                t,
                "Cosa trovi in negozio:\n\n- {}\n- {}\n- consegna in 48 ore\n\n",
                rng.pick(&PRODUCTS),
                rng.pick(&PRODUCTS)
            );
        }
        1 => {
            let _ = write!(
                t,
                "Scopri la collezione su [bottegabench.it](https://bottegabench.it/{}/{i}) \
                 o vieni a trovarci in via Roma {}: siamo aperti _dal lunedì al sabato_, \
                 9:30-19:30.\n\n",
                product.split(' ').next().unwrap_or("novita"),
                1 + i % 120
            );
        }
        _ => t.push_str("L'offerta vale fino a esaurimento scorte.\n\n"),
    }
    if mistake == 0 {
        // A phone written without the country prefix: phone/not-international.
        let _ = write!(
            t,
            "Per informazioni chiama il 333 123 {:04}.\n\n",
            1000 + i % 9000
        );
    } else {
        let _ = write!(t, "Per informazioni chiamaci al {phone}.\n\n");
    }
    if mistake != 1 {
        // Otherwise no opt-out: optout/missing.
        let _ = writeln!(t, "{}", rng.pick(&CLOSINGS));
    }
    t
}

/// An X post or thread (posts split by `---`), each part well under 280.
fn x_post(i: u64, s: &Shape, rng: &mut Rng) -> String {
    let product = rng.pick(&PRODUCTS);
    let tag = rng.pick(&HASHTAGS);
    let mut t = String::with_capacity(512);
    match rng.below(3) {
        0 => {
            let _ = writeln!(
                t,
                "Spedizione gratuita su {product} fino a domenica! \
                 https://bottegabench.it/x/{i} {tag}"
            );
        }
        1 => {
            let pct = 10 + 5 * rng.below(7);
            let _ = write!(
                t,
                "-{pct}% su {product} questa settimana, in negozio e online. {tag}\n\n---\n\n\
                 Ti aspettiamo in via Roma {}, aperti dal lunedì al sabato. \
                 Scrivi a info@bottegabench.it per un consiglio.\n",
                1 + i % 120
            );
        }
        _ => {
            let _ = writeln!(
                t,
                "Prendi 3 paghi 2 su {product}! Solo per pochi giorni. {tag}"
            );
        }
    }
    if s.media > 0 && rng.below(10) == 0 {
        let m = rng.below(s.media);
        let _ = write!(
            t,
            "\n![I nostri {product} in vetrina](../../../media/foto-{m:04}.jpg)\n"
        );
    }
    if rng.below(200) == 0 {
        // A private address in a public post: privacy/pii-in-public-post.
        let _ = write!(t, "\nPer i resi scrivete a mario.rossi{i}@gmail.com\n");
    }
    t
}

fn main() -> io::Result<()> {
    let (dir, s) = parse_args();
    let root = Path::new(&dir);
    fs::create_dir_all(root)?;
    let mut rng = Rng(0x00C0_FFEE);

    let caps = if s.cap == 2 {
        "whatsapp = [{ max = 2, per = \"7d\" }, { max = 1, per = \"1d\" }]".to_string()
    } else {
        // Out of the way, as in fixtures/content-it: many sends reach the same people.
        format!("whatsapp = [{{ max = {}, per = \"7d\" }}]", s.cap)
    };
    write(
        root,
        "camplint.toml",
        CONFIG.replace("{whatsapp_caps}", &caps).as_bytes(),
    )?;
    audiences(root, &s, &mut rng)?;
    ledger(root, &s, &mut rng)?;
    media(root, &s)?;

    // Drafts: WhatsApp drafts first (index w), X posts (index x).
    let n_wa = s.drafts.div_ceil(2);
    let n_x = s.drafts / 2;
    let wa_sends = s.campaigns * s.sends;
    let wa_path = |w: u64| format!("messages/whatsapp/{:03}/offerta-{w:05}.md", w / 500);
    let x_path = |x: u64| format!("messages/x/{:03}/post-{x:05}.md", x / 500);
    for w in 0..n_wa {
        let text = wa_draft(w, w >= wa_sends, &s, &mut rng);
        write(root, &wa_path(w), text.as_bytes())?;
    }
    for x in 0..n_x {
        write(root, &x_path(x), x_post(x, &s, &mut rng).as_bytes())?;
    }

    // WhatsApp campaigns: spread over a year from START, sends four days apart.
    for c in 0..s.campaigns {
        let first = START + (c * 365 / s.campaigns.max(1)) as i64;
        let n_aud = (1 + c % 3).min(s.audiences);
        let list: Vec<String> = (0..n_aud)
            .map(|j| format!("\"{}\"", audience_id((c * 7 + j) % s.audiences)))
            .collect();
        let repeated = s.repeat_every > 0 && c % s.repeat_every == s.repeat_every - 1;
        let last = first + 4 * (s.sends as i64 - 1) + if repeated { 14 } else { 0 };
        let pct = 10 + 5 * (c % 7);
        let mut toml = format!(
            "name = \"Campagna {c}\"\nchannel = \"whatsapp\"\npurpose = \"marketing\"\naudiences = [{}]\n\n[offer]\ndescription = \"{pct}% di sconto\"\nvalid_from = {}\nvalid_until = {}\n",
            list.join(", "),
            date(first),
            date(last + 1)
        );
        for k in 0..s.sends {
            let g = c * s.sends + k;
            let hour = if g % 97 == 0 { 21 } else { 9 + g % 10 };
            let _ = write!(
                toml,
                "\n[[sends]]\nmessage = \"{}\"\nat = {}T{hour:02}:{:02}:00\n",
                wa_path(g % n_wa),
                date(first + 4 * k as i64),
                15 * (c % 4)
            );
            if repeated && k == s.sends - 1 {
                toml.push_str("repeat = { every = \"1w\", count = 3 }\n");
            }
        }
        write(root, &format!("campaigns/wa-{c:05}.toml"), toml.as_bytes())?;
    }

    // Public posts: the X posts, then the WhatsApp drafts no WhatsApp send took; six
    // a day (10:00 to 15:00), ten posts per `twitter` campaign.
    let mut posts: Vec<String> = (0..n_x).map(x_path).collect();
    posts.extend((wa_sends.min(n_wa)..n_wa).map(wa_path));
    for (c, chunk) in posts.chunks(10).enumerate() {
        let mut toml = format!(
            "name = \"Social {c}\"\nchannel = \"twitter\"\npurpose = \"marketing\"\n\n[offer]\ndescription = \"offerte della settimana\"\n"
        );
        for (k, path) in chunk.iter().enumerate() {
            let p = (c * 10 + k) as i64;
            let _ = write!(
                toml,
                "\n[[sends]]\nmessage = \"{path}\"\nat = {}T{:02}:00:00\n",
                date(START + p / 6),
                10 + p % 6
            );
        }
        write(
            root,
            &format!("campaigns/social-{c:05}.toml"),
            toml.as_bytes(),
        )?;
    }
    Ok(())
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}
