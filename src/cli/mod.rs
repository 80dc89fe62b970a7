//! The command line: argument types (parsed by `main.rs`) and what each command does.

pub mod calendar;
pub mod consent_report;
pub mod init;
pub mod schema;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Parser, Subcommand};

use crate::autofix::{self, Target};
use crate::base::diagnostic::Severity;
use crate::engine::{self, Options};
use crate::output::{self, Format, Style};
use crate::project::fixes::{Convergence, FixMode};
use crate::project::LoadError;

/// Writes a line to stderr; if even that fails there is nobody left to tell, and
/// `eprintln!` would panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// Lints WhatsApp and Twitter/X campaigns before anything is sent. Never touches the
/// network; reads only files under the project root.
#[derive(Debug, Parser)]
#[command(name = "camplint", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the project and report problems (exit 0: no errors, 1: errors, 2: could not check).
    Check(CheckArgs),
    /// List every recipient a send may not reach for lack of consent (exit 1 when any).
    Consent(ConsentArgs),
    /// List every rule: code, default severity, one line.
    Rules,
    /// Print a rule's full documentation, with an example.
    Explain {
        /// The rule code, like `consent/missing`.
        rule: String,
    },
    /// Print the expanded send calendar: one line per send instant, repeats included.
    Schedule(ScheduleArgs),
    /// Print a draft as a channel receives it (thread posts separated by `--- post N/M ---`).
    Render(RenderArgs),
    /// Write a small working example project into DIR (which must be empty or new).
    Init {
        /// Where to create the project.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Run the language server on stdin/stdout, for editors (Neovim, Helix, Zed, VS Code).
    Lsp {
        /// The project root (the folder with camplint.toml); otherwise the editor's
        /// workspace folders, or the folders around the files it opens.
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Write the JSON Schemas of camplint.toml, campaigns, audiences and front matter.
    Schema {
        /// Folder to write them into.
        #[arg(long, default_value = "schemas")]
        out: PathBuf,
    },
}

/// `camplint check` arguments.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("apply").args(["fix", "diff"]).multiple(false)))]
pub struct CheckArgs {
    /// Report only on these files or folders; the whole project is still loaded, so
    /// cross-file rules stay right (what pre-commit passes).
    pub paths: Vec<PathBuf>,
    /// The project root (the folder with camplint.toml); found by walking up otherwise.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Output format; `human` on a terminal.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Fix "now" (RFC 3339 with offset, like 2026-11-25T09:00:00+01:00).
    #[arg(long, value_name = "DATETIME", value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Show only what fails the run (errors; warnings too with --deny-warnings), and no
    /// summary line.
    #[arg(long, short)]
    pub quiet: bool,
    /// Report only what the change since REV adds (REV read from git; a branch at its
    /// merge base with HEAD), with its impact in people; exit 1 only when it adds an error.
    #[arg(long, value_name = "REV", conflicts_with_all = ["fix", "diff", "statistics"])]
    pub base: Option<String>,
    /// Apply every safe fix, write the fixed files, then report what is left.
    #[arg(long)]
    pub fix: bool,
    /// With --fix or --diff: also apply fixes that change meaning (deleting a duplicate
    /// contact row).
    #[arg(long, requires = "apply")]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff and write nothing (exit 1 when there is
    /// something to fix).
    #[arg(long, conflicts_with = "statistics")]
    pub diff: bool,
    /// One line per rule with its count and how many are fixable, instead of every
    /// finding (`--format human` or `json`).
    #[arg(long)]
    pub statistics: bool,
}

/// `camplint schedule` arguments.
#[derive(Debug, clap::Args)]
pub struct ScheduleArgs {
    /// First local day to show (YYYY-MM-DD, inclusive).
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub from: Option<NaiveDate>,
    /// Last local day to show (YYYY-MM-DD, inclusive).
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub to: Option<NaiveDate>,
    /// The project root (the folder with camplint.toml); found by walking up otherwise.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CalendarFormat::Human)]
    pub format: CalendarFormat,
}

/// Formats of `camplint schedule`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CalendarFormat {
    /// Aligned lines for people.
    Human,
    /// The same as data.
    Json,
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("\"{s}\" is not a date like 2026-11-27"))
}

/// `camplint render` arguments.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// The draft to render (a Markdown file under messages/).
    pub file: PathBuf,
    /// The channel to render for; default: the channel of the first campaign (by id) that
    /// sends the draft, else whatsapp.
    #[arg(long, value_name = "C", value_parser = parse_channel)]
    pub channel: Option<crate::base::channel::Channel>,
    /// The project root (the folder with camplint.toml); found by walking up otherwise.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

fn parse_channel(s: &str) -> Result<crate::base::channel::Channel, String> {
    crate::base::channel::Channel::parse(s).ok_or_else(|| {
        format!("\"{s}\" is not a channel: use whatsapp, whatsapp-broadcast, twitter or twitter-dm")
    })
}

/// `camplint consent` arguments.
#[derive(Debug, clap::Args)]
pub struct ConsentArgs {
    /// Only this campaign (its file name under campaigns/, without .toml).
    #[arg(long, value_name = "ID")]
    pub campaign: Option<String>,
    /// The project root (the folder with camplint.toml); found by walking up otherwise.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// `text` to read, `csv` for a spreadsheet.
    #[arg(long, value_enum, default_value_t = crate::cli::consent_report::ReportFormat::Text)]
    pub format: crate::cli::consent_report::ReportFormat,
}

fn consent(args: ConsentArgs) -> ExitCode {
    // Load problems are `check`'s to report; the report lists what could be read.
    let (project, mut sink) = match load(args.root.as_deref(), &[]) {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let incomplete = note_unreadable(&sink);
    let plan = crate::analysis::plan::Plan::build(&project, &mut sink);
    // The listing can run to millions of lines: it is written as it is found.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let campaign = args.campaign.as_deref();
    match crate::cli::consent_report::write(&project, &plan, campaign, args.format, &mut out) {
        Ok(all_covered) => {
            if all_covered && !incomplete {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            say!("camplint: {e}");
            ExitCode::from(2)
        }
    }
}

fn parse_now(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| {
            format!(
                "\"{s}\" is not an RFC 3339 date-time with offset, like 2026-11-25T09:00:00+01:00"
            )
        })
}

/// Colours only on a terminal and without NO_COLOR.
fn color(stream_is_tty: bool) -> bool {
    stream_is_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Writes a command's output to stdout. A reader that stops early (a closed pipe, as
/// with `| head`) is not a failure; any other write error is exit 2, never a panic.
fn emit(text: &str) -> Result<(), ExitCode> {
    emit_with(|out| out.write_all(text.as_bytes()))
}

/// [`emit`] for output written piece by piece, through a buffer.
fn emit_with(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), ExitCode> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match write(&mut out).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            say!("camplint: cannot write to standard output: {e}");
            Err(ExitCode::from(2))
        }
        _ => Ok(()),
    }
}

/// Finds the root as `check` does and loads the project, for the commands that read
/// one; the load's own findings are `check`'s to report and come back unprinted.
fn load(
    root: Option<&std::path::Path>,
    paths: &[PathBuf],
) -> Result<(crate::project::Project, crate::base::diagnostic::Sink), LoadError> {
    let root = engine::resolve_root(root, paths)?;
    let mut sink = crate::base::diagnostic::Sink::default();
    let project = crate::project::load(&root, &crate::rules::CATALOGUE, &mut sink)?;
    Ok((project, sink))
}

/// Says on stderr when files could not be read, so a report built from the rest is not
/// taken for the whole picture; returns whether any could not.
fn note_unreadable(sink: &crate::base::diagnostic::Sink) -> bool {
    let n = sink
        .as_slice()
        .iter()
        .filter(|d| d.rule.family() == "parse")
        .count();
    if n > 0 {
        say!(
            "camplint: {n} problem{} in the project's files left parts out of this report; run `camplint check` to see {}",
            if n == 1 { "" } else { "s" },
            if n == 1 { "it" } else { "them" }
        );
    }
    n > 0
}

/// Prints an exit-2 problem to stderr.
fn fail(e: LoadError) -> ExitCode {
    let tty = color(std::io::stderr().is_terminal());
    let text = match e {
        LoadError::Config(diags, sources) => {
            let mut t = output::human::render(&sources, &diags, tty);
            t.push_str("camplint: camplint.toml must be fixed before anything can be checked\n");
            t
        }
        other => {
            let mut t = String::new();
            let handler = output::human::handler(tty);
            if handler.render_report(&mut t, &other).is_err() {
                t = format!("camplint: {other}\n");
            }
            t
        }
    };
    let _ = std::io::stderr().write_all(text.as_bytes());
    ExitCode::from(2)
}

fn check(args: CheckArgs) -> ExitCode {
    let options = Options {
        root: args.root,
        paths: args.paths,
        now: args.now,
    };
    let mode = FixMode::from_unsafe_flag(args.unsafe_fixes);
    if args.statistics && !matches!(args.format, Format::Human | Format::Json) {
        say!("camplint: --statistics prints `--format human` or `--format json` only");
        return ExitCode::from(2);
    }
    if args.diff {
        return diff(&options, mode);
    }
    let style = Style {
        color: color(std::io::stdout().is_terminal()),
        quiet: args.quiet,
        deny_warnings: args.deny_warnings,
    };
    if let Some(rev) = &args.base {
        return check_change(&options, rev, args.format, style);
    }
    let report = if args.fix {
        match autofix::run(&options, mode, Target::Write) {
            Ok(outcome) => {
                tell_fixed(&outcome, mode, args.quiet);
                outcome.report
            }
            Err(e) => return fail(e),
        }
    } else {
        match engine::run(&options) {
            Ok(r) => r,
            Err(e) => return fail(e),
        }
    };
    // Streamed: the JSON report of a big project is 100 MB, and holding it in memory
    // before writing cost as much as the time to write it.
    let written = emit_with(|out| match (args.statistics, args.format) {
        (true, Format::Json) => output::statistics::write_json(&report, out),
        (true, _) => output::statistics::write_human(&report, style, out),
        (false, format) => output::write(&report, format, style, out),
    });
    if let Err(code) = written {
        return code;
    }
    let errors = report
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    let warnings = report
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Warning);
    // The process ends right after: freeing a big project's memory piece by piece
    // would only delay the exit.
    std::mem::forget(report);
    if errors || (args.deny_warnings && warnings) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `check --base REV`: only what the change adds; exit 1 only when it adds an error.
fn check_change(options: &Options, rev: &str, format: Format, style: Style) -> ExitCode {
    let change = match crate::change::run(options, rev) {
        Ok(c) => c,
        Err(crate::change::ChangeError::Load(e)) => return fail(e),
        Err(e) => {
            let mut t = String::new();
            let handler = output::human::handler(color(std::io::stderr().is_terminal()));
            if handler.render_report(&mut t, &e).is_err() {
                t = format!("camplint: {e}\n");
            }
            let _ = std::io::stderr().write_all(t.as_bytes());
            return ExitCode::from(2);
        }
    };
    let mut text = Vec::new();
    // Writing into memory cannot fail; the one real write is emit's.
    if let Ok(Some(line)) = output::write_change(&change, format, style, &mut text) {
        // Machine formats stay parseable on stdout; the counts go beside them.
        say!("camplint: {line}");
    }
    if let Err(code) = emit(&String::from_utf8_lossy(&text)) {
        return code;
    }
    let warnings = change
        .report
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Warning);
    if change.adds_error() || (style.deny_warnings && warnings) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `check --diff`: the fixes as a unified diff on stdout, nothing written.
fn diff(options: &Options, mode: FixMode) -> ExitCode {
    let outcome = match autofix::run(options, mode, Target::Diff) {
        Ok(o) => o,
        Err(e) => return fail(e),
    };
    if let Err(code) = emit(&String::from_utf8_lossy(&outcome.diff())) {
        return code;
    }
    let fixes = outcome.fixed();
    if fixes == 0 {
        say!("camplint: nothing to fix{}", unsafe_hint(&outcome, mode));
        return ExitCode::SUCCESS;
    }
    say!(
        "camplint: {} in {} would be applied by `camplint check --fix{}`{}",
        crate::base::words::count(fixes, "fix", "fixes"),
        crate::base::words::count(outcome.written().count(), "file", "files"),
        if mode == FixMode::IncludeUnsafe {
            " --unsafe-fixes"
        } else {
            ""
        },
        unsafe_hint(&outcome, mode)
    );
    ExitCode::from(1)
}

/// Says on stderr what `--fix` changed, and why any file was left as it was.
fn tell_fixed(outcome: &autofix::Outcome, mode: FixMode, quiet: bool) {
    for f in &outcome.files {
        if f.not_written.is_none() && f.convergence != Convergence::Settled {
            say!(
                "camplint: the fixes in {} did not settle after {} rounds; what they changed is written, and what is left is reported below",
                f.path,
                crate::project::fixes::DEFAULT_MAX_PASSES
            );
        }
    }
    if quiet {
        return;
    }
    let refused = outcome.files.len() - outcome.written().count();
    if outcome.files.is_empty() {
        say!("camplint: nothing to fix{}", unsafe_hint(outcome, mode));
        return;
    }
    say!(
        "camplint: fixed {} in {}{}{}",
        crate::base::words::count(outcome.fixed(), "problem", "problems"),
        crate::base::words::count(outcome.written().count(), "file", "files"),
        if refused > 0 {
            format!(
                "; {} not written (see fix/not-written)",
                crate::base::words::count(refused, "file", "files")
            )
        } else {
            String::new()
        },
        unsafe_hint(outcome, mode)
    );
}

/// `; N more with --unsafe-fixes` when unsafe fixes were left out.
fn unsafe_hint(outcome: &autofix::Outcome, mode: FixMode) -> String {
    let left = outcome.unsafe_left();
    if mode == FixMode::SafeOnly && left > 0 {
        format!(
            "; {left} more {} with --unsafe-fixes (they change meaning: see the README)",
            if left == 1 { "fix" } else { "fixes" }
        )
    } else {
        String::new()
    }
}

fn schedule(args: ScheduleArgs) -> ExitCode {
    if let (Some(f), Some(t)) = (args.from, args.to) {
        if f > t {
            say!("camplint: --from {f} is after --to {t}");
            return ExitCode::from(2);
        }
    }
    let (project, mut sink) = match load(args.root.as_deref(), &[]) {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    note_unreadable(&sink);
    let before = sink.as_slice().len();
    let plan = crate::analysis::plan::Plan::build(&project, &mut sink);
    let unscheduled = sink.as_slice().len() - before;
    let cal = crate::cli::calendar::build(&project, &plan, unscheduled, args.from, args.to);
    let text = match args.format {
        CalendarFormat::Human => crate::cli::calendar::human(&cal),
        CalendarFormat::Json => crate::cli::calendar::json(&cal),
    };
    match emit(&text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

fn render(args: RenderArgs) -> ExitCode {
    let (project, _) = match load(args.root.as_deref(), std::slice::from_ref(&args.file)) {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let abs = std::fs::canonicalize(&args.file).unwrap_or_else(|_| args.file.clone());
    let rel = abs
        .strip_prefix(&project.root)
        .map(|r| r.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let Some(draft) = project.draft(&rel) else {
        say!(
            "camplint: {} is not a message draft of this project (drafts are the files matched by [paths] messages)",
            args.file.display()
        );
        return ExitCode::from(2);
    };
    let channel = args
        .channel
        .unwrap_or_else(|| crate::rules::message::default_channel(&project, draft));
    let rendered = crate::analysis::renders::rendered(&project, draft, channel);
    let text = crate::domain::render::format_parts(&rendered);
    match emit(&text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

fn rules() -> ExitCode {
    let mut out = String::new();
    let width = crate::rules::RULES
        .iter()
        .map(|r| r.code.len())
        .max()
        .unwrap_or(0);
    for r in crate::rules::RULES {
        out.push_str(&format!(
            "{:width$}  {:7}  {}\n",
            r.code,
            r.default_severity.as_str(),
            r.summary,
            width = width
        ));
    }
    match emit(&out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

fn explain(code: &str) -> ExitCode {
    match crate::rules::find(code) {
        Some(r) => {
            let text = format!(
                "# {}\n\nDefault severity: {}. {}.\n{}\n\n{}\n",
                r.code,
                r.default_severity.as_str(),
                r.summary,
                crate::rules::fix_line(r),
                r.docs()
            );
            match emit(&text) {
                Ok(()) => ExitCode::SUCCESS,
                Err(code) => code,
            }
        }
        None => {
            match crate::rules::suggest(code) {
                Some(near) => say!("camplint: unknown rule `{code}`; did you mean `{near}`?"),
                None => {
                    say!("camplint: unknown rule `{code}`; `camplint rules` lists every code")
                }
            }
            ExitCode::from(2)
        }
    }
}

/// Runs a parsed command line and returns the exit code.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Schedule(args) => schedule(args),
        Command::Render(args) => render(args),
        Command::Consent(args) => consent(args),
        Command::Rules => rules(),
        Command::Explain { rule } => explain(&rule),
        Command::Lsp { root } => {
            ExitCode::from(u8::try_from(crate::lsp::run_stdio(root)).unwrap_or(1))
        }
        Command::Init { dir } => match crate::cli::init::write(&dir) {
            Ok(files) => {
                let mut text: String = files.iter().map(|f| format!("created {f}\n")).collect();
                text.push_str(&format!("next: cd {} && camplint check\n", dir.display()));
                match emit(&text) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(code) => code,
                }
            }
            Err(e) => {
                say!("camplint: {e}");
                ExitCode::from(2)
            }
        },
        Command::Schema { out } => match crate::cli::schema::write(&out) {
            Ok(files) => {
                let text: String = files
                    .iter()
                    .map(|f| format!("wrote {}\n", out.join(f).display()))
                    .collect();
                match emit(&text) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(code) => code,
                }
            }
            Err(e) => {
                say!(
                    "camplint: cannot write the schemas into {}: {e}",
                    out.display()
                );
                ExitCode::from(2)
            }
        },
    }
}
