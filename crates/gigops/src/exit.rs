//! Exit codes: 0 success, 1 a check or gate failed, 2 bad input or usage, 3 an environment or
//! I/O failure. An error's code is decided by what caused it.

use std::process::ExitCode;

use gigops_core::{Problem, Problems};

pub use gigops_app::bad_input;

use crate::output::note;

pub const BAD_INPUT: u8 = 2;
pub const ENVIRONMENT: u8 = 3;

/// The exit code of `err`: that of its kind (gigops_app::ErrorKind), except for a reader that
/// went away, which is no failure of the command.
pub fn code_of(err: &anyhow::Error) -> u8 {
    if err.chain().any(is_broken_pipe) {
        0
    } else {
        gigops_app::kind_of(err).exit_code()
    }
}

/// A reader that went away (`gigops deal list | head`) is not a failure.
fn is_broken_pipe(cause: &(dyn std::error::Error + 'static)) -> bool {
    let broken = Some(std::io::ErrorKind::BrokenPipe);
    // JSON is written through serde_json, whose error carries the I/O error's kind, not the
    // I/O error as its source.
    cause.downcast_ref::<std::io::Error>().map(|e| e.kind()) == broken
        || cause
            .downcast_ref::<serde_json::Error>()
            .and_then(serde_json::Error::io_error_kind)
            == broken
}

pub fn report(err: &anyhow::Error) -> ExitCode {
    let code = code_of(err);
    if code == 0 {
        return ExitCode::SUCCESS;
    }
    note!("error: {}", message(err));
    ExitCode::from(code)
}

/// What `report` says after `error: `, a request field named as its flag. Problems of flags
/// alone read as one error, a line each; with problems of files, they are counted and listed,
/// the flags' as problems of the command line.
fn message(err: &anyhow::Error) -> String {
    let Some(Problems(problems)) = err.chain().find_map(|c| c.downcast_ref::<Problems>()) else {
        return gigops_app::describe(err, |error| match error.field {
            Some(field) => format!("{} {}", flag(field), error.message),
            None => error.message.clone(),
        });
    };
    let shown = |problem: &Problem| match problem.field() {
        Some(field) => format!("{} {}", flag(field), problem.reason),
        None => problem.to_string(),
    };
    if problems.iter().all(|p| p.field().is_some()) {
        return problems.iter().map(shown).collect::<Vec<_>>().join("\n  ");
    }
    let count = problems.len();
    let mut lines = vec![format!(
        "{count} problem{} found; nothing was written:",
        if count == 1 { "" } else { "s" }
    )];
    lines.extend(problems.iter().map(|problem| match problem.field() {
        Some(_) => format!("  command line: {}", shown(problem)),
        None => format!("  {}", shown(problem)),
    }));
    lines.join("\n")
}

/// The flag of a request's field: `debt_ratio` is `--debt-ratio`.
fn flag(field: &str) -> String {
    format!("--{}", field.replace('_', "-"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use gigops_app::bad_field;
    use std::io::{Error, ErrorKind};

    #[test]
    fn a_field_is_said_as_its_flag_as_the_cli_always_said_it() {
        let minutes = bad_field("minutes", "0: expected a positive number");
        assert_eq!(message(&minutes), "--minutes 0: expected a positive number");
        assert_eq!(
            gigops_app::api_message(&minutes),
            "minutes: 0: expected a positive number"
        );
        let rate = bad_field("exchange_rate", "7.1: nothing to convert").context("cannot quote");
        assert_eq!(
            message(&rate),
            "cannot quote: --exchange-rate 7.1: nothing to convert"
        );
        assert_eq!(message(&bad_input("no deal D-9")), "no deal D-9");
    }

    /// The fields gigops_app names in its errors (`bad_field`, `Problem::of_field`): each is
    /// said as a flag, which must be one the CLI has.
    #[test]
    fn every_field_the_app_names_is_a_flag() {
        use clap::CommandFactory;
        fn longs(command: &clap::Command, all: &mut Vec<String>) {
            all.extend(
                command
                    .get_arguments()
                    .filter_map(|a| a.get_long())
                    .map(|l| format!("--{l}")),
            );
            for sub in command.get_subcommands() {
                longs(sub, all);
            }
        }
        let mut all = Vec::new();
        longs(&crate::cli::Cli::command(), &mut all);
        for field in [
            "by",
            "config",
            "currency",
            "debt_ratio",
            "exchange_rate",
            "gsc",
            "input",
            "minutes",
            "rating",
            "reason",
            "repo",
            "root",
            "tick",
            "to",
        ] {
            assert!(
                all.contains(&flag(field)),
                "{field}: no {} flag",
                flag(field)
            );
        }
    }

    #[test]
    fn problems_of_flags_read_as_one_error_or_as_problems_of_the_command_line() {
        let gsc = Problem::of_field(
            "gsc",
            "speed=3: \"speed\" is not a general system characteristic",
        );
        let ratio = Problem::of_field("debt_ratio", "-1: expected a number ≥ 0");
        let alone = anyhow::Error::new(Problems(vec![gsc.clone(), ratio.clone()]));
        assert_eq!(
            message(&alone),
            "--gsc speed=3: \"speed\" is not a general system characteristic\n  \
             --debt-ratio -1: expected a number ≥ 0"
        );
        let in_file = Problem {
            file: "api.yaml".into(),
            line: 3,
            column: String::new(),
            reason: "expected a mapping".into(),
        };
        let with_files = anyhow::Error::new(Problems(vec![gsc, in_file]));
        assert_eq!(
            message(&with_files),
            "2 problems found; nothing was written:\n  \
             command line: --gsc speed=3: \"speed\" is not a general system characteristic\n  \
             api.yaml:3: expected a mapping"
        );
    }

    #[test]
    fn a_reader_that_went_away_is_not_a_failure_however_it_is_wrapped() {
        let plain = anyhow::Error::new(Error::from(ErrorKind::BrokenPipe));
        assert_eq!(code_of(&plain), 0);
        let through_json =
            anyhow::Error::new(serde_json::Error::io(Error::from(ErrorKind::BrokenPipe)))
                .context("cannot print");
        assert_eq!(code_of(&through_json), 0);
        let other = anyhow::Error::new(serde_json::Error::io(Error::from(
            ErrorKind::PermissionDenied,
        )));
        assert_eq!(code_of(&other), ENVIRONMENT);
    }
}
