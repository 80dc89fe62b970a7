//! `camplint init`: a small working project that passes `camplint check`.

use std::path::Path;

/// The files of the example project: path and content.
pub const FILES: &[(&str, &str)] = &[
    (
        "camplint.toml",
        r#"# camplint settings: see `camplint explain config/invalid` and the README.
[project]
name = "Il Mio Negozio"
timezone = "Europe/Rome"
default_region = "IT"
language = "it"
senders = ["+39 02 1234 5678"]
"#,
    ),
    (
        "campaigns/benvenuto.toml",
        r#"name = "Benvenuto"
channel = "whatsapp"
purpose = "marketing"
audiences = ["clienti"]

[offer]
code = "BENVENUTO10"
description = "10% di sconto sul primo ordine"
valid_until = 2027-12-31

[[sends]]
message = "messages/benvenuto/primo.md"
at = 2027-01-15T10:00:00
"#,
    ),
    (
        "messages/benvenuto/primo.md",
        r#"Ciao! Grazie per esserti iscritto: per te il **10% di sconto** sul primo ordine con il codice BENVENUTO10.

Per non ricevere più messaggi rispondi STOP.
"#,
    ),
    (
        "audiences/clienti.toml",
        r#"name = "Clienti iscritti"
channel = "whatsapp"
contacts = "clienti.csv"
"#,
    ),
    (
        "audiences/clienti.csv",
        "phone,name\n+393331234567,Anna\n+393471234567,Marco\n",
    ),
    (
        "consent/ledger.csv",
        "contact,channel,purpose,action,at,source\n\
         +393331234567,whatsapp,marketing,granted,2026-06-02T11:20:00+02:00,form:negozio\n\
         +393471234567,whatsapp,marketing,granted,2026-09-10,form:sito\n",
    ),
];

/// Why `init` refused.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The folder has files already.
    #[error("{0} is not empty; camplint init only writes into an empty or new folder")]
    NotEmpty(String),
    /// Writing failed.
    #[error("cannot write into {0}: {1}")]
    Io(String, std::io::Error),
}

/// Writes the example project into `dir`, which must be empty or not exist.
pub fn write(dir: &Path) -> Result<Vec<&'static str>, InitError> {
    let io = |e| InitError::Io(dir.display().to_string(), e);
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(io)?;
        if entries.next().is_some() {
            return Err(InitError::NotEmpty(dir.display().to_string()));
        }
    }
    for (path, content) in FILES {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(&target, content).map_err(io)?;
    }
    Ok(FILES.iter().map(|(p, _)| *p).collect())
}
