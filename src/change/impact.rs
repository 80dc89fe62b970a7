//! What a change does to the customers, in the words of the people who plan campaigns:
//! how many people newly get too many messages, lose consent or are messaged at night,
//! what the change fixed, and consent coverage before and after.

use std::collections::BTreeMap;

use super::identity::magnitude;
use crate::base::diagnostic::Diagnostic;
use crate::engine::Report;

/// People newly over one frequency cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverCap {
    /// What is counted and the cap, e.g. "WhatsApp marketing messages, cap 3 per week".
    pub what: String,
    /// How many more people go over it; `None` for the X account itself.
    pub people: Option<u64>,
}

/// The change measured in people, messages and sends.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Impact {
    /// People newly over a frequency cap, per channel and cap (sorted by `what`).
    pub over_cap: Vec<OverCap>,
    /// People newly without valid consent for a send (summed over sends).
    pub consent_people: u64,
    /// Recipient-sends newly without consent (one person messaged twice counts twice).
    pub consent_messages: u64,
    /// Sends newly inside quiet hours.
    pub quiet_sends: u64,
    /// People those sends reach.
    pub quiet_people: u64,
    /// Findings the change fixed.
    pub fixed: usize,
    /// People no longer affected by the fixed findings (as they counted them at the base).
    pub fixed_people: u64,
    /// Consent coverage at the base (None when the base could not be checked) and now.
    pub coverage: (Option<f64>, f64),
}

pub use crate::base::words::thousands;

fn percent(r: f64) -> String {
    format!("{:.1}%", r * 100.0)
}

/// The people (or sends) a finding adds over its base self.
fn added(now: &Diagnostic, was: Option<&Diagnostic>) -> u64 {
    let a = magnitude(&now.message).unwrap_or(1);
    let b = was.and_then(|w| magnitude(&w.message)).unwrap_or(0);
    a.saturating_sub(b)
}

/// "WhatsApp marketing messages, cap 3 per week" from a frequency finding.
fn cap_label(message: &str) -> (String, bool) {
    let account = message.starts_with("the account ");
    let Some((before, rest)) = message.split_once(" within ") else {
        return (String::new(), account);
    };
    let noun = super::identity::without_counts(before);
    let noun = noun
        .rsplit_once("# ")
        .map_or(noun.as_str(), |(_, n)| n)
        .to_string();
    let cap = rest
        .split_once("over the cap of ")
        .map(|(_, c)| c.split([';', '(']).next().unwrap_or(c).trim())
        .unwrap_or("");
    (format!("{noun}, cap {cap}"), account)
}

/// A side's recipient-sends without consent, and its consent coverage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gaps {
    /// Recipient-sends that need consent and lack it.
    pub uncovered: u64,
    /// Covered / all, as in the report's summary.
    pub ratio: f64,
}

/// A checked side's consent gaps, as its run measured them.
pub fn consent_gaps(r: &Report) -> Gaps {
    Gaps {
        uncovered: r.summary.uncovered_pairs,
        ratio: r.summary.consent_coverage,
    }
}

impl Impact {
    /// Measures the findings the change adds (`pairs`: each with its base self when it
    /// only got worse), those it fixed, and the consent gaps of both sides.
    pub fn measure(
        head: Gaps,
        base: Option<Gaps>,
        pairs: &[(Diagnostic, Option<Diagnostic>)],
        fixed: &[&Diagnostic],
    ) -> Impact {
        let mut over: BTreeMap<String, Option<u64>> = BTreeMap::new();
        let mut impact = Impact::default();
        for (d, was) in pairs {
            let n = added(d, was.as_ref());
            match d.rule.code {
                "frequency/cap-exceeded" => {
                    let (what, account) = cap_label(&d.message);
                    let slot = over
                        .entry(what)
                        .or_insert(if account { None } else { Some(0) });
                    if let Some(p) = slot {
                        *p += n;
                    }
                }
                "consent/missing" | "consent/withdrawn" | "consent/expired"
                    if d.message.contains("audience `") =>
                {
                    impact.consent_people += n;
                }
                "frequency/quiet-hours" => {
                    let (sends, people) = quiet_counts(&d.message);
                    let (was_sends, was_people) =
                        was.as_ref().map_or((0, 0), |w| quiet_counts(&w.message));
                    impact.quiet_sends += sends.saturating_sub(was_sends);
                    impact.quiet_people += people.saturating_sub(was_people);
                }
                _ => {}
            }
        }
        impact.over_cap = over
            .into_iter()
            .map(|(what, people)| OverCap { what, people })
            .collect();
        impact.fixed = fixed.len();
        impact.fixed_people = fixed
            .iter()
            .filter(|d| super::identity::unit(&d.message) == "people")
            .filter_map(|d| magnitude(&d.message))
            .sum();
        impact.consent_messages = head
            .uncovered
            .saturating_sub(base.map_or(0, |b| b.uncovered));
        impact.coverage = (base.map(|b| b.ratio), head.ratio);
        impact
    }

    /// The summary as sentences, one per line, without phone numbers.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for c in &self.over_cap {
            match c.people {
                Some(0) => {}
                Some(n) => out.push(format!(
                    "{} {} newly over the frequency cap ({})",
                    thousands(n),
                    if n == 1 { "person" } else { "people" },
                    c.what
                )),
                None => out.push(format!(
                    "the X account newly goes over the posting cap ({})",
                    c.what
                )),
            }
        }
        if self.consent_people > 0 || self.consent_messages > 0 {
            out.push(format!(
                "{} {} and {} {} newly without valid consent",
                thousands(self.consent_people),
                if self.consent_people == 1 {
                    "person"
                } else {
                    "people"
                },
                thousands(self.consent_messages),
                if self.consent_messages == 1 {
                    "message"
                } else {
                    "messages"
                },
            ));
        }
        if self.quiet_sends > 0 {
            out.push(format!(
                "{} {} newly inside quiet hours, reaching {} {}",
                thousands(self.quiet_sends),
                if self.quiet_sends == 1 {
                    "send"
                } else {
                    "sends"
                },
                thousands(self.quiet_people),
                if self.quiet_people == 1 {
                    "person"
                } else {
                    "people"
                },
            ));
        }
        if out.is_empty() {
            out.push(
                "no one newly over a frequency cap, without consent or messaged in quiet hours"
                    .into(),
            );
        }
        let fixed = match self.fixed {
            0 => "no finding fixed by this change".to_string(),
            n => format!(
                "{n} {} fixed by this change{}",
                if n == 1 { "finding" } else { "findings" },
                if self.fixed_people > 0 {
                    format!(
                        " ({} people no longer affected)",
                        thousands(self.fixed_people)
                    )
                } else {
                    String::new()
                }
            ),
        };
        out.push(fixed);
        out.push(match self.coverage {
            (Some(before), now) => format!(
                "consent coverage: {} before, {} after",
                percent(before),
                percent(now)
            ),
            (None, now) => format!(
                "consent coverage: {} (nothing to compare with)",
                percent(now)
            ),
        });
        out
    }
}

/// Sends and people of a quiet-hours finding: "3 of the 6 sends … for the 40 recipients"
/// or "this marketing send … for the 40 recipients".
fn quiet_counts(message: &str) -> (u64, u64) {
    let sends = if message.starts_with("this ") {
        1
    } else {
        magnitude(message).unwrap_or(1)
    };
    let people = message
        .split_once(" for the ")
        .and_then(|(_, rest)| magnitude(rest))
        .unwrap_or(0);
    (sends, people)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_labels_read_well() {
        assert_eq!(thousands(1552), "1,552");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(
            cap_label("3 recipients of `vip` would get 4 WhatsApp marketing messages within 7 days, over the cap of 3 per week; first with this send on 2026-11-27: a").0,
            "WhatsApp marketing messages, cap 3 per week"
        );
        assert_eq!(
            quiet_counts("3 of the 6 sends of this entry start inside the whatsapp quiet hours 21:00–08:00 for the 40 recipients of `a` (Europe/Rome time)"),
            (3, 40)
        );
    }
}
