//! JSON Schemas generated from the serde types that parse each file, so editors (Even
//! Better TOML / taplo, via a `#:schema` line) complete and check keys.

use std::path::Path;

/// Each schema's file name and its JSON text.
pub fn all() -> Vec<(&'static str, String)> {
    let pretty = |s: schemars::Schema| {
        let mut t = serde_json::to_string_pretty(&s).unwrap_or_default();
        t.push('\n');
        t
    };
    vec![
        (
            "camplint.schema.json",
            pretty(schemars::schema_for!(crate::project::config::RawConfig)),
        ),
        (
            "campaign.schema.json",
            pretty(schemars::schema_for!(crate::project::campaign::RawCampaign)),
        ),
        (
            "audience.schema.json",
            pretty(schemars::schema_for!(crate::project::audience::RawAudience)),
        ),
        (
            "front-matter.schema.json",
            pretty(schemars::schema_for!(crate::project::draft::RawFrontMatter)),
        ),
    ]
}

/// Writes every schema into `dir` (created if needed); returns the file names.
pub fn write(dir: &Path) -> std::io::Result<Vec<&'static str>> {
    std::fs::create_dir_all(dir)?;
    let mut names = Vec::new();
    for (name, text) in all() {
        std::fs::write(dir.join(name), text)?;
        names.push(name);
    }
    Ok(names)
}
