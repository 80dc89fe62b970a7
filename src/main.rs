use clap::Parser;

fn main() -> std::process::ExitCode {
    camplint::cli::run(camplint::cli::Cli::parse())
}
