//! `gigops`: a thin adapter from the command line to the domain crates.

use std::process::ExitCode;

use clap::Parser;

mod cli;
mod commands;
mod exit;
mod output;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // --help and --version are not errors; everything else clap rejects is usage.
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::from(exit::BAD_INPUT)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("GIGOPS_LOG")
                // tokei warns about every file whose extension it does not know (a `.snap`, a
                // `.mod`): hundreds of lines on a real repository, none of them the user's problem.
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,tokei=error")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            output::note!("error: cannot start the async runtime: {err}");
            return ExitCode::from(exit::ENVIRONMENT);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(err) => exit::report(&err),
    }
}
