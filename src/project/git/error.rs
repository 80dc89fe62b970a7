//! Why the base could not be read; each message says what to do next.

/// A failure to read the base; every variant tells the user how to fix it.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum GitError {
    /// The `git` program could not be started.
    #[error("--base needs the `git` command, and it could not be started: {0}")]
    #[diagnostic(
        code(camplint::git::not_installed),
        help(
            "install git and make sure `git --version` works in this shell, or run without --base"
        )
    )]
    GitNotInstalled(String),

    /// The project folder given does not exist or is not a folder.
    #[error("the project folder {0} does not exist")]
    #[diagnostic(
        code(camplint::git::no_root),
        help("pass the folder that holds camplint.toml")
    )]
    RootMissing(String),

    /// The project folder is not inside a git working tree.
    #[error("{root} is not inside a git repository's working tree: {detail}")]
    #[diagnostic(
        code(camplint::git::not_a_repository),
        help("--base compares with an earlier commit, so the project must be in a git clone; run camplint from inside the clone, or run without --base")
    )]
    NotARepository {
        /// The project folder, as given.
        root: String,
        /// What git said.
        detail: String,
    },

    /// git refuses the repository because another user owns it (common in CI containers).
    #[error("git refuses to read the repository around {root}: {detail}")]
    #[diagnostic(
        code(camplint::git::unsafe_repository),
        help("the repository belongs to another user; if you trust it, run `git config --global --add safe.directory <repository folder>` (in GitHub Actions containers, for $GITHUB_WORKSPACE)")
    )]
    UnsafeRepository {
        /// The project folder, as given.
        root: String,
        /// What git said.
        detail: String,
    },

    /// HEAD has no commit yet, so there is no change to compare.
    #[error("the repository has no commit yet, so there is nothing to compare with")]
    #[diagnostic(
        code(camplint::git::no_head),
        help("make a first commit, or run without --base")
    )]
    NoHead,

    /// REV names nothing (or nothing that is a commit) in this repository.
    #[error("--base {rev}: no commit of that name in this repository")]
    #[diagnostic(
        code(camplint::git::unknown_rev),
        help("check the spelling (`git branch -a` lists branches); a branch that only exists on the server must be fetched first, e.g. `git fetch origin main` and then --base origin/main")
    )]
    RevNotFound {
        /// The revision as the user wrote it.
        rev: String,
    },

    /// The clone is shallow and the base commit (or the history down to it) was not fetched.
    #[error("--base {rev}: this is a shallow clone and {what}, so the change cannot be measured")]
    #[diagnostic(code(camplint::git::shallow))]
    Shallow {
        /// The revision as the user wrote it.
        rev: String,
        /// Which part is missing: the commit itself or the shared history.
        what: String,
        /// The fetch command fitting this revision.
        #[help]
        help: String,
    },

    /// REV and HEAD share no history in a complete (not shallow) clone.
    #[error("--base {rev}: that commit shares no history with HEAD, so there is no merge base")]
    #[diagnostic(
        code(camplint::git::no_merge_base),
        help("pass the branch this work started from (for example main), or a commit in HEAD's history")
    )]
    NoMergeBase {
        /// The revision as the user wrote it.
        rev: String,
    },

    /// An object the tree names is absent (a partial clone); camplint never downloads it.
    #[error("git object {id} ({path}) is not in this clone")]
    #[diagnostic(
        code(camplint::git::missing_object),
        help("this looks like a partial clone; camplint never touches the network, so fetch the full history first (`git fetch --refetch` or a clone without --filter)")
    )]
    ObjectMissing {
        /// The object id git reported missing.
        id: String,
        /// The file it belongs to, relative to the project root.
        path: String,
    },

    /// A git command failed in a way none of the cases above explains.
    #[error("`{command}` failed ({status}): {stderr}")]
    #[diagnostic(
        code(camplint::git::failed),
        help("run the same command in the repository to see what git needs; camplint only reads from git")
    )]
    Failed {
        /// The command line, for the user to re-run.
        command: String,
        /// The exit status as text.
        status: String,
        /// What git printed on stderr.
        stderr: String,
    },

    /// git printed something camplint could not understand.
    #[error("`{command}` printed output camplint does not understand: {detail}")]
    #[diagnostic(
        code(camplint::git::unexpected_output),
        help("please report this with `git --version`; running without --base works meanwhile")
    )]
    UnexpectedOutput {
        /// The command line.
        command: String,
        /// What was wrong with the output.
        detail: String,
    },
}

/// The help line for a shallow clone, naming the branch to fetch when REV looks like one.
pub(crate) fn shallow_help(rev: &str) -> String {
    let branch = rev
        .strip_prefix("origin/")
        .or_else(|| rev.strip_prefix("refs/remotes/origin/"))
        .filter(|b| !b.is_empty() && !b.contains(['~', '^', ':', '@']))
        .unwrap_or("main");
    format!(
        "fetch more history: in GitHub Actions set `fetch-depth: 0` on actions/checkout, or run `git fetch --depth=50 origin {branch}` before camplint (deepen further if the branch is older)"
    )
}
