//! Exit codes: 0 success, 1 a check or gate failed, 2 bad input or usage, 3 an environment or
//! I/O failure. An error's code is decided by what caused it.

use std::process::ExitCode;

use gigops_core::Problems;

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
    if let Some(problems) = err.chain().find_map(|c| c.downcast_ref::<Problems>()) {
        let count = problems.0.len();
        note!(
            "error: {count} problem{} found; nothing was written:",
            if count == 1 { "" } else { "s" }
        );
        for problem in &problems.0 {
            note!("  {problem}");
        }
    } else {
        note!("error: {err:#}");
    }
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Error, ErrorKind};

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
