//! One error type with kinds. A use case fails with what went wrong in the user's words; the
//! kind says whose move it is — the user's (bad input, not found, conflict), the evidence's (a
//! check failed) or the machine's (environment) — and each adapter turns it into its own signal:
//! an exit code for the CLI, an HTTP status for the server.

use gigops_store::StoreError;

/// What kind of failure an error is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Something the user gave cannot be used as it is: a file, a flag, a setting.
    BadInput,
    /// What the user named does not exist (a deal, a quote version, a milestone).
    NotFound,
    /// The request contradicts what is recorded (a closed deal moved, a duplicate id).
    Conflict,
    /// The request was carried out and its answer is "no": a gate, a verification, a check.
    CheckFailed,
    /// The machine let us down: a file that cannot be written, a database that cannot be
    /// reached.
    Environment,
}

impl ErrorKind {
    /// The CLI's exit code: 1 a check failed, 2 the user's input (including what it names and
    /// what it contradicts), 3 the environment.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::CheckFailed => 1,
            ErrorKind::BadInput | ErrorKind::NotFound | ErrorKind::Conflict => 2,
            ErrorKind::Environment => 3,
        }
    }

    /// The HTTP status the server answers with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::BadInput => 400,
            ErrorKind::NotFound => 404,
            ErrorKind::Conflict => 409,
            ErrorKind::CheckFailed => 422,
            ErrorKind::Environment => 500,
        }
    }
}

/// An error a use case raises itself, with its kind. Errors of the crates below (a located
/// problem, a store conflict) keep their own types; [`kind_of`] classifies them.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub kind: ErrorKind,
    pub message: String,
}

impl AppError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        AppError {
            kind,
            message: message.into(),
        }
    }
}

/// Something the user gave that cannot be used as it is.
pub fn bad_input(message: impl Into<String>) -> anyhow::Error {
    AppError::new(ErrorKind::BadInput, message).into()
}

/// The kind of `err`: of the first cause in its chain that has one, else the environment's.
pub fn kind_of(err: &anyhow::Error) -> ErrorKind {
    err.chain()
        .find_map(kind_of_cause)
        .unwrap_or(ErrorKind::Environment)
}

fn kind_of_cause(cause: &(dyn std::error::Error + 'static)) -> Option<ErrorKind> {
    if let Some(error) = cause.downcast_ref::<AppError>() {
        return Some(error.kind);
    }
    if let Some(error) = cause.downcast_ref::<StoreError>() {
        return match error {
            StoreError::NotFound { .. } => Some(ErrorKind::NotFound),
            StoreError::Conflict { .. } => Some(ErrorKind::Conflict),
            StoreError::Invalid(_) | StoreError::Unsupported(_) => Some(ErrorKind::BadInput),
            _ => None,
        };
    }
    if let Some(error) = cause.downcast_ref::<gigops_render::RenderError>() {
        // A file name asking for a format the document is not written in.
        return matches!(
            error,
            gigops_render::RenderError::UnknownExtension { .. }
                | gigops_render::RenderError::UnsupportedFormat { .. }
        )
        .then_some(ErrorKind::BadInput);
    }
    let bad_input = cause.is::<gigops_core::Problems>()
        || cause.is::<gigops_core::Invalid>()
        || cause.is::<gigops_contract::UnknownMilestone>()
        || cause.is::<gigops_core::MoneyError>()
        || cause.is::<gigops_core::InstantError>()
        || cause.is::<gigops_gate::PolicyError>()
        || cause.is::<figment::Error>();
    bad_input.then_some(ErrorKind::BadInput)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kind_is_found_under_context_and_defaults_to_the_environment() {
        let wrapped = bad_input("no such deal D-9").context("while closing");
        assert_eq!(kind_of(&wrapped), ErrorKind::BadInput);
        let io = anyhow::Error::new(std::io::Error::other("disk full"));
        assert_eq!(kind_of(&io), ErrorKind::Environment);
        let missing = anyhow::Error::new(StoreError::NotFound {
            what: "deal",
            key: "D-9".into(),
        });
        assert_eq!(kind_of(&missing), ErrorKind::NotFound);
        assert_eq!(kind_of(&missing).exit_code(), 2);
        assert_eq!(kind_of(&missing).http_status(), 404);
    }

    #[test]
    fn every_kind_has_its_own_status_and_a_documented_exit_code() {
        let kinds = [
            ErrorKind::BadInput,
            ErrorKind::NotFound,
            ErrorKind::Conflict,
            ErrorKind::CheckFailed,
            ErrorKind::Environment,
        ];
        let statuses: std::collections::BTreeSet<u16> =
            kinds.iter().map(|k| k.http_status()).collect();
        assert_eq!(statuses.len(), kinds.len());
        let codes: Vec<u8> = kinds.iter().map(|k| k.exit_code()).collect();
        assert_eq!(codes, [2, 2, 2, 1, 3]);
    }
}
