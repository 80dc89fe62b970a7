//! `--format gitlab`: a GitLab Code Quality report (a JSON array of issues, the Code
//! Climate subset GitLab reads), shown in merge requests.
//!
//! Severity: `error` is `critical` (it fails the pipeline), `warning` is `major`, `info`
//! is `info`. `blocker` is not used: camplint has nothing above an error.
//!
//! Fingerprint: GitLab matches issues between the base and the merge request by it, so
//! it must not change between runs and must differ between issues. It hashes the rule,
//! the file and the message (which names the rows, people or words affected), not the
//! line: a finding that moved because lines were added above it is the same finding, not
//! a fixed one and a new one. Identical findings in one file are told apart by their
//! order.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::base::diagnostic::Severity;
use crate::engine::Report;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// GitLab's name for a severity.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "info",
    }
}

/// 128-bit FNV-1a as 32 hex digits: tiny, fixed by its definition (so stable across
/// Rust versions and platforms, unlike `std`'s hashers), and long enough that distinct
/// findings do not collide in practice. Not cryptographic, and need not be.
pub fn fnv1a_128(parts: &[&[u8]]) -> String {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut h = OFFSET;
    for part in parts {
        // The length first, so ("ab", "c") and ("a", "bc") hash differently.
        for b in (part.len() as u64).to_le_bytes().iter().chain(part.iter()) {
            h ^= u128::from(*b);
            h = h.wrapping_mul(PRIME);
        }
    }
    format!("{h:032x}")
}

/// Writes the JSON array followed by a newline (`[]` when there is nothing to report).
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let p = &report.project;
    let mut seen: BTreeMap<(&str, &str, &str), u64> = BTreeMap::new();
    let issues: Vec<Issue> = report
        .diagnostics
        .iter()
        .map(|d| {
            let path = p.sources.get(d.file).path.as_str();
            let n = seen.entry((d.rule.code, path, &d.message)).or_insert(0);
            let fingerprint = fnv1a_128(&[
                d.rule.code.as_bytes(),
                path.as_bytes(),
                d.message.as_bytes(),
                &n.to_le_bytes(),
            ]);
            *n += 1;
            let (start, end) = super::positions(p, d);
            // The span ends just after its last character: at column 1 of the next line
            // when it takes in a line break, which is not a line of the finding.
            let last = if end.column == 1 && end.line > start.line {
                end.line - 1
            } else {
                end.line
            };
            Issue {
                description: super::message_with_help(d),
                check_name: d.rule.code,
                fingerprint,
                severity: severity(d.severity),
                location: Location {
                    path,
                    lines: Lines {
                        begin: start.line,
                        end: last,
                    },
                },
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues).map_err(io::Error::other)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::fnv1a_128;

    #[test]
    fn fnv_matches_its_definition_and_separates_parts() {
        // The FNV-1a 128-bit hash of no input is its offset basis.
        assert_eq!(fnv1a_128(&[]), "6c62272e07bb014262b821756295c58d");
        assert_ne!(fnv1a_128(&[b"ab", b"c"]), fnv1a_128(&[b"a", b"bc"]));
        assert_eq!(fnv1a_128(&[b"x"]), fnv1a_128(&[b"x"]));
    }
}
