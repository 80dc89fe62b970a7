//! Turning TOML and serde errors into plain-language messages with a "did you mean".

use std::ops::Range;

/// The candidate closest to `word`, when it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &'a str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(word, c);
        if score >= 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// A TOML problem explained for a person: where, what, how to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    /// Byte range in the file.
    pub span: Range<usize>,
    /// What is wrong.
    pub message: String,
    /// What to change.
    pub help: String,
}

/// Extracts the back-quoted names from a serde message (`expected one of `a`, `b``).
fn quoted(s: &str) -> Vec<&str> {
    s.split('`').skip(1).step_by(2).collect()
}

/// Explains malformed TOML (the text does not parse as TOML at all).
pub fn explain_syntax(err: &toml::de::Error, text: &str) -> Explained {
    let raw = err.message().trim();
    let span = first_line(text, err.span().unwrap_or(0..0));
    let (message, help) = if let Some(rest) = raw.strip_prefix("duplicate key") {
        (
            format!("the same key is written twice{rest}"),
            "keep only one of the two".to_string(),
        )
    } else {
        (
            format!("this is not valid TOML: {raw}"),
            "check quotes, brackets and `=` around here; text values need double quotes"
                .to_string(),
        )
    };
    Explained {
        span,
        message,
        help,
    }
}

/// Parses `text` as `T`; on error the bool is true when the TOML itself is malformed and
/// false when it is valid TOML of the wrong shape.
pub fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, (bool, Explained)> {
    // Only a failed parse is parsed again, as a plain table, to tell the two apart: a
    // thousand campaigns parsed twice cost a tenth of a check of 10,000 drafts.
    toml::from_str(text).map_err(|e| match text.parse::<toml::Table>() {
        Err(syntax) => (true, explain_syntax(&syntax, text)),
        Ok(_) => (false, explain(&e, text)),
    })
}

/// Explains a schema error: valid TOML with a missing, unknown or ill-typed key. `text`
/// is the parsed text, so the span can be narrowed to its first line (a missing key
/// points at its whole table otherwise).
pub fn explain(err: &toml::de::Error, text: &str) -> Explained {
    let raw = err.message().trim();
    let span = first_line(text, err.span().unwrap_or(0..0));
    let (message, help) = if let Some(rest) = raw.strip_prefix("unknown field ") {
        let names = quoted(rest);
        let key = names.first().copied().unwrap_or("?");
        let allowed = &names[1.min(names.len())..];
        let help = match closest(key, allowed.iter().copied()) {
            Some(near) => format!("did you mean `{near}`? Rename the key"),
            None if allowed.is_empty() => "remove this key: this table takes no keys".to_string(),
            None => format!("remove it, or use one of: {}", list(allowed)),
        };
        (format!("unknown key `{key}`"), help)
    } else if let Some(rest) = raw.strip_prefix("unknown variant ") {
        let names = quoted(rest);
        let value = names.first().copied().unwrap_or("?");
        let allowed = &names[1.min(names.len())..];
        let help = match closest(value, allowed.iter().copied()) {
            Some(near) => format!("did you mean \"{near}\"? Allowed values: {}", list(allowed)),
            None => format!("use one of: {}", list(allowed)),
        };
        (format!("\"{value}\" is not an allowed value here"), help)
    } else if let Some(rest) = raw.strip_prefix("missing field ") {
        let key = quoted(rest).first().copied().unwrap_or("?").to_string();
        (
            format!("missing required key `{key}`"),
            format!("add `{key} = ...` to this table"),
        )
    } else if let Some(rest) = raw.strip_prefix("invalid type: ") {
        let (found, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "another type"));
        let expected = plain_type(expected);
        let help = if found.starts_with("map") && expected.starts_with("a list") {
            "for a list of tables write the header with double brackets, like [[sends]], once per entry".to_string()
        } else {
            format!("write {expected} here")
        };
        (
            format!("wrong type: found {found}, expected {expected}"),
            help,
        )
    } else if let Some(rest) = raw.strip_prefix("invalid value: ") {
        // "integer `-1`, expected u32": a value of the right kind but out of range.
        let (found, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "another value"));
        let expected = plain_type(expected);
        let found = quoted(found).first().copied().unwrap_or(found).to_string();
        (
            format!("{found} is not allowed here: expected {expected}"),
            format!("write {expected} here"),
        )
    } else {
        (raw.to_string(), "correct this value".to_string())
    };
    Explained {
        span,
        message,
        help,
    }
}

fn list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// serde's type names in words a marketer knows.
fn plain_type(expected: &str) -> String {
    let e = expected.trim();
    if e.contains("sequence") {
        "a list, like [\"a\", \"b\"]".to_string()
    } else if e.starts_with("struct") || e.contains("map") {
        "a table of keys and values".to_string()
    } else if e.starts_with("u8")
        || e.starts_with("u16")
        || e.starts_with("u32")
        || e.starts_with("u64")
    {
        "a whole number, 0 or more".to_string()
    } else if e.starts_with('i') && e[1..].chars().all(|c| c.is_ascii_digit()) {
        "a whole number".to_string()
    } else if e.contains("datetime") || e.contains("date-time") {
        "a date or date-time without quotes, like 2026-11-27 or 2026-11-27T10:00:00".to_string()
    } else if e.contains("bool") {
        "true or false".to_string()
    } else {
        e.to_string()
    }
}

/// Narrows a span to its first line, so a whole-table span reads as "here".
pub fn first_line(text: &str, span: Range<usize>) -> Range<usize> {
    // serde reports a key missing from the top level with an empty span at 0.
    let span = if span == (0..0) { 0..text.len() } else { span };
    let mut start = span.start.min(text.len());
    // A span over a whole table or file starts on a comment or blank line (the `#:schema`
    // line, say); point at its first real line instead.
    while start < span.end.min(text.len()) {
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = text[start..line_end].trim();
        if !(line.is_empty() || line.starts_with('#')) {
            break;
        }
        start = (line_end + 1).min(text.len());
    }
    let end = span.end.min(text.len()).max(start);
    match text[start..end].find('\n') {
        Some(nl) => start..start + nl,
        None => start..end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        name: String,
        timezone: Option<String>,
    }

    #[test]
    fn unknown_key_suggests_near_name() {
        let text = "naem = \"x\"\n";
        let (syntax, e) = parse::<T>(text).unwrap_err();
        assert_eq!(e.message, "unknown key `naem`");
        assert!(e.help.contains("`name`"), "{}", e.help);
        assert_eq!(&text[e.span.clone()], "naem");
        assert!(!syntax);
    }

    #[test]
    fn malformed_toml_is_syntax() {
        let text = "name = \"x\n";
        assert!(parse::<T>(text).unwrap_err().0);
    }

    #[test]
    fn missing_key_is_schema() {
        let text = "timezone = \"x\"\n";
        let (syntax, e) = parse::<T>(text).unwrap_err();
        assert!(!syntax);
        assert_eq!(e.message, "missing required key `name`");
    }

    #[test]
    fn out_of_range_numbers_are_explained_plainly() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct C {
            max: u32,
        }
        let (_, e) = parse::<C>("max = -1\n").unwrap_err();
        assert_eq!(
            e.message,
            "-1 is not allowed here: expected a whole number, 0 or more"
        );
        let (_, e) = parse::<C>("max = \"2\"\n").unwrap_err();
        assert!(
            e.message.contains("expected a whole number"),
            "{}",
            e.message
        );
    }
}
