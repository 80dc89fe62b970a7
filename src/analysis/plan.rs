//! The send plan: every `[[sends]]` entry expanded into the instants it goes out, once
//! per run, for every rule that needs times (consent, frequency, quiet hours, offers).

use chrono::{DateTime, Utc};

use crate::base::diagnostic::{Diagnostic, Sink};
use crate::declare_rule;
use crate::domain::time as schedule;
use crate::project::Project;

declare_rule! {
    /// ## What it does
    /// Reports a send time that cannot be scheduled: a local time that does not exist
    /// because the clocks jump forward that night (in Italy, 02:00 to 03:00 on the last
    /// Sunday of March), or a `repeat` that cannot be expanded (both `until` and
    /// `count`, neither of them, `count = 0`).
    ///
    /// ## Why is this bad?
    /// The sending platform would pick a time for you, or refuse the send.
    ///
    /// ## Example
    /// ```toml
    /// [[sends]]
    /// message = "messages/spring/launch.md"
    /// at = 2026-03-29T02:30:00
    /// ```
    ///
    /// ## How to fix
    /// Pick a time that exists, such as `2026-03-29T03:30:00`, and give `repeat` either
    /// `until` or `count`.
    pub static INVALID_TIME = ("schedule/invalid-time", Error, "a local send time does not exist (DST gap) or `repeat` is malformed");
}

/// One instant at which one send goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Occurrence {
    /// When.
    pub at: DateTime<Utc>,
    /// Index into `Project::campaigns`.
    pub campaign: usize,
    /// Index into that campaign's `sends`.
    pub send: usize,
}

/// Every occurrence of every send, sorted by time (then campaign, then send).
#[derive(Debug, Default)]
pub struct Plan {
    /// The occurrences, in time order.
    pub occurrences: Vec<Occurrence>,
}

impl Plan {
    /// Expands every send; a send that cannot be scheduled is reported once and left out.
    pub fn build(project: &Project, sink: &mut Sink) -> Plan {
        let tz = project.config.timezone;
        let mut occurrences = Vec::new();
        for (ci, c) in project.campaigns.iter().enumerate() {
            for (si, s) in c.sends.iter().enumerate() {
                let at = s.at.get_ref();
                if at.date.is_none() || at.time.is_none() {
                    continue; // reported as parse/schema by the loader
                }
                let repeat = s.repeat.as_ref().map(|r| r.get_ref());
                match schedule::expand_send(at, tz, repeat) {
                    Ok(instants) => occurrences.extend(instants.into_iter().map(|at| Occurrence {
                        at,
                        campaign: ci,
                        send: si,
                    })),
                    Err(e) => {
                        let span = match (&e, &s.repeat) {
                            (
                                schedule::ScheduleError::NonexistentLocalTime {
                                    occurrence: None,
                                    ..
                                },
                                _,
                            )
                            | (_, None) => s.at.span(),
                            (_, Some(r)) => r.span(),
                        };
                        // The help names what to change: the time for a DST gap, the
                        // repeat's keys otherwise.
                        let help = match e {
                            schedule::ScheduleError::NonexistentLocalTime { .. } => {
                                "move the send out of the hour the clocks skip: to the time they jump to or later (like 03:30 in Italy), or before the jump"
                            }
                            schedule::ScheduleError::TooManyOccurrences { .. }
                            | schedule::ScheduleError::BeyondYear9999 { .. } => {
                                "end the repeat sooner or repeat less often: at most 10,000 sends per [[sends]] entry"
                            }
                            schedule::ScheduleError::RepeatWithoutEnd
                            | schedule::ScheduleError::RepeatWithBothEnds
                            | schedule::ScheduleError::RepeatZeroCount
                            | schedule::ScheduleError::RepeatUntilTimeOnly(_)
                            | schedule::ScheduleError::RepeatUntilBeforeFirst { .. } => {
                                "give `repeat` an `every` and exactly one of `until` (a date or date-time after `at`) and `count` (at least 1)"
                            }
                            _ => "write `at` as a date and time, like 2026-11-27T10:00:00",
                        };
                        sink.push(Diagnostic::new(
                            &INVALID_TIME,
                            c.file,
                            span,
                            e.to_string(),
                            help,
                        ));
                    }
                }
            }
        }
        occurrences.sort();
        Plan { occurrences }
    }
}
