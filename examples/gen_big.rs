//! Writes a large, deterministic camplint project for benchmarking `camplint check`.
//!
//! `cargo run --release --example gen_big -- DIR [--contacts N] [--campaigns M]`
//!
//! N contacts (default 1,000,000) in four overlapping WhatsApp audiences (about 1.2 N
//! rows) plus one small `twitter-dm` audience; a ledger of 2 N events in scrambled row
//! order (grants, withdrawals, service-only consent, rows without a source, grants
//! older than `max_age`, dates and date-times, a few numbers written with spaces or
//! without `+39`, a few invalid ones); M campaigns (default 10) with five `[[sends]]`
//! each, some repeated. The same arguments always write the same bytes.

use std::fmt::Write as _;
use std::fs;
use std::io::{BufWriter, Write};
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
}

/// The mobile number of contact `i`: `3` then nine digits, spread over 320–329.
fn national(i: u64) -> u64 {
    3_200_000_000 + i * 97
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

fn write(root: &Path, rel: &str, text: &str) -> std::io::Result<()> {
    let p = root.join(rel);
    if let Some(dir) = p.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::write(p, text)
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let mut contacts: u64 = 1_000_000;
    let mut campaigns: u64 = 10;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--contacts" => contacts = args.next().and_then(|v| v.parse().ok()).unwrap_or(contacts),
            "--campaigns" => {
                campaigns = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(campaigns)
            }
            _ => dir = Some(a),
        }
    }
    let Some(dir) = dir else {
        eprintln!("usage: gen_big DIR [--contacts N] [--campaigns M]");
        std::process::exit(2);
    };
    let root = Path::new(&dir);
    fs::create_dir_all(root)?;
    let n = contacts.max(10);
    let mut rng = Rng(0x00C0_FFEE);

    write(
        root,
        "camplint.toml",
        "[project]\nname = \"Bench\"\ntimezone = \"Europe/Rome\"\ndefault_region = \"IT\"\nlanguage = \"it\"\nsenders = [\"+39 02 1234 5678\", \"@negozio\"]\n\n[frequency]\nwhatsapp = [{ max = 2, per = \"7d\" }, { max = 1, per = \"1d\" }]\ntwitter-dm = [{ max = 1, per = \"7d\" }]\n\n[quiet_hours]\nwhatsapp = { from = \"21:00\", to = \"09:00\" }\n\n[consent]\nmax_age = \"24mo\"\nrequire_source = true\n",
    )?;

    // Four overlapping WhatsApp audiences: 60% + 60% (20% in both) + every 50th + a
    // scattered 2%, so members per campaign are about 1.2 N with many shared people.
    // Membership as a function of (contact, n).
    type Member = fn(u64, u64) -> bool;
    let audiences: [(&str, Member); 4] = [
        ("clienti", |i, n| i < n * 6 / 10),
        ("newsletter", |i, n| i >= n * 4 / 10),
        ("vip", |i, _| i % 50 == 0),
        ("nord", |i, _| i % 97 == 3),
    ];
    for (id, member) in &audiences {
        write(
            root,
            &format!("audiences/{id}.toml"),
            &format!("name = \"{id}\"\nchannel = \"whatsapp\"\ncontacts = \"{id}.csv\"\n"),
        )?;
        let mut out = BufWriter::new(fs::File::create(root.join(format!("audiences/{id}.csv")))?);
        writeln!(out, "phone,name")?;
        for i in (0..n).filter(|&i| member(i, n)) {
            writeln!(out, "{},Cliente {i}", phone_cell(i, &mut rng))?;
        }
        out.flush()?;
    }
    // A small X audience, so handles are interned too.
    let handles = (n / 100).max(1);
    write(
        root,
        "audiences/follower.toml",
        "name = \"follower\"\nchannel = \"twitter-dm\"\ncontacts = \"follower.csv\"\n",
    )?;
    let mut text = String::from("handle\n");
    for h in 0..handles {
        let _ = writeln!(text, "@Cliente_{h}");
    }
    write(root, "audiences/follower.csv", &text)?;

    // The ledger: two events per contact, rows in scrambled order (a stride coprime
    // with n visits everyone once).
    let mut stride = n * 7 / 10 + 1;
    while gcd(stride, n) != 1 {
        stride += 1;
    }
    let mut out = BufWriter::new(fs::File::create({
        fs::create_dir_all(root.join("consent"))?;
        root.join("consent/ledger.csv")
    })?);
    writeln!(out, "contact,channel,purpose,action,at,source")?;
    for k in 0..n {
        let i = (k * stride) % n;
        let (contact, channel) = if i < handles {
            (format!("@cliente_{i}"), "twitter-dm")
        } else {
            (phone_cell(i, &mut rng), "whatsapp")
        };
        let purpose = if rng.below(20) == 0 {
            "service"
        } else {
            "marketing"
        };
        // Months before the first send (Nov 2026): 1-30, sometimes over 24 (expired).
        let months = 1 + rng.below(30);
        let (y, m) = (2026 - (months / 12) as i32, 11 - (months % 12) as i32);
        let (y, m) = if m < 1 { (y - 1, m + 12) } else { (y, m) };
        let day = 1 + rng.below(28);
        let source = if rng.below(30) == 0 { "" } else { "form:sito" };
        let at = if rng.below(4) == 0 {
            format!("{y}-{m:02}-{day:02}T10:{:02}:00+01:00", rng.below(60))
        } else {
            format!("{y}-{m:02}-{day:02}")
        };
        writeln!(out, "{contact},{channel},{purpose},granted,{at},{source}")?;
        // The second event: a withdrawal for one in ten, else a renewed grant.
        let (action, at2) = if rng.below(10) == 0 {
            ("withdrawn", format!("2026-{:02}-15", 1 + rng.below(10)))
        } else {
            (
                "granted",
                format!("2026-{:02}-{:02}", 1 + rng.below(10), 1 + rng.below(28)),
            )
        };
        let src2 = if action == "withdrawn" { "" } else { source };
        writeln!(out, "{contact},{channel},{purpose},{action},{at2},{src2}")?;
    }
    out.flush()?;

    // Campaigns: five sends each in November-December 2026, some repeated daily.
    let wa_sets: [&[&str]; 5] = [
        &["clienti"],
        &["newsletter"],
        &["clienti", "vip"],
        &["newsletter", "nord", "vip"],
        &["clienti", "newsletter"],
    ];
    for c in 0..campaigns {
        let (channel, set): (&str, &[&str]) = if c % 7 == 6 {
            ("twitter-dm", &["follower"])
        } else {
            ("whatsapp", wa_sets[(c % 5) as usize])
        };
        let purpose = if c % 9 == 8 { "service" } else { "marketing" };
        let list: Vec<String> = set.iter().map(|a| format!("\"{a}\"")).collect();
        let mut toml = format!(
            "name = \"Campagna {c}\"\nchannel = \"{channel}\"\npurpose = \"{purpose}\"\naudiences = [{}]\n",
            list.join(", ")
        );
        for s in 0..5u64 {
            let day = 1 + (c * 3 + s * 5) % 28;
            let month = 11 + (s % 2);
            let hour = if (c + s) % 11 == 0 {
                22
            } else {
                10 + (c + s) % 9
            };
            let _ = write!(
                toml,
                "\n[[sends]]\nmessage = \"messages/c{c}.md\"\nat = 2026-{month:02}-{day:02}T{hour:02}:00:00\n"
            );
            if s % 2 == 1 {
                let _ = writeln!(toml, "repeat = {{ every = \"1d\", count = {} }}", 2 + s);
            }
        }
        write(root, &format!("campaigns/c{c}.toml"), &toml)?;
        write(
            root,
            &format!("messages/c{c}.md"),
            "Ciao! Per te il 10% di sconto sul prossimo ordine.\n\nPer non ricevere più messaggi rispondi STOP.\n",
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
