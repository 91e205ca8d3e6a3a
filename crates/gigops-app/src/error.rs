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
///
/// When one value of the request is wrong, `field` names it and `message` does not: each adapter
/// names the field in its own words, the CLI as its flag (`--minutes 0: expected a positive
/// number`), an API as its field (`minutes: 0: expected a positive number`, which is also how it
/// displays).
#[derive(Debug)]
pub struct AppError {
    pub kind: ErrorKind,
    /// The request's field the message is about, snake_case (`minutes`, `debt_ratio`); the CLI's
    /// flag is the same name in kebab-case. A field that may be given many times is named in the
    /// singular (`rating`, `tick`): the message is about one of its values.
    pub field: Option<&'static str>,
    /// What is wrong; with a field, said after its name (`0: expected a positive number`,
    /// `is for lost deals`).
    pub message: String,
}

impl AppError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        AppError {
            kind,
            field: None,
            message: message.into(),
        }
    }

    /// An error about the request's `field`, whose message does not name it.
    pub fn field(kind: ErrorKind, field: &'static str, message: impl Into<String>) -> Self {
        AppError {
            kind,
            field: Some(field),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.field {
            Some(field) => write!(f, "{field}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for AppError {}

/// Something the user gave that cannot be used as it is.
pub fn bad_input(message: impl Into<String>) -> anyhow::Error {
    AppError::new(ErrorKind::BadInput, message).into()
}

/// The request's `field` cannot be used as it is; `message` says why without naming it.
pub fn bad_field(field: &'static str, message: impl Into<String>) -> anyhow::Error {
    AppError::field(ErrorKind::BadInput, field, message).into()
}

/// The request's field `err` is about: of the first [`AppError`] in its chain that names one.
pub fn field_of(err: &anyhow::Error) -> Option<&'static str> {
    err.chain()
        .find_map(|cause| cause.downcast_ref::<AppError>()?.field)
}

/// `err` and its causes as `{err:#}` shows them, each [`AppError`] as `app_error` words it: an
/// adapter names a field in its own vocabulary.
pub fn describe(err: &anyhow::Error, app_error: impl Fn(&AppError) -> String) -> String {
    err.chain()
        .map(|cause| match cause.downcast_ref::<AppError>() {
            Some(error) => app_error(error),
            None => cause.to_string(),
        })
        .collect::<Vec<_>>()
        .join(": ")
}

/// `err` as an API answers it: a field named as the request names it (`minutes: 0: expected a
/// positive number`). With [`field_of`] and [`kind_of`], what a server needs to answer.
pub fn api_message(err: &anyhow::Error) -> String {
    describe(err, AppError::to_string)
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

/// Asserts that `err` is about the request's `field` and names no CLI flag, so that a message
/// that went back to naming one (`--minutes 0: …`) fails its test.
#[cfg(test)]
pub(crate) fn assert_about_field(err: &anyhow::Error, field: &str) {
    assert_eq!(field_of(err), Some(field), "{err:#}");
    let message = format!("{err:#}");
    assert!(!message.contains("--"), "names a flag: {message}");
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

    #[test]
    fn a_field_is_found_under_context_and_named_as_the_request_names_it() {
        let err = bad_field("minutes", "0: expected a positive number").context("cannot log time");
        assert_eq!(field_of(&err), Some("minutes"));
        assert_eq!(kind_of(&err), ErrorKind::BadInput);
        assert_eq!(
            api_message(&err),
            "cannot log time: minutes: 0: expected a positive number"
        );
        assert_eq!(api_message(&err), format!("{err:#}"));
        let flagged = describe(&err, |e| match e.field {
            Some(field) => format!("<{field}> {}", e.message),
            None => e.message.clone(),
        });
        assert_eq!(
            flagged,
            "cannot log time: <minutes> 0: expected a positive number"
        );

        let plain = bad_input("no deal with id D-9");
        assert_eq!(field_of(&plain), None);
        assert_eq!(api_message(&plain), "no deal with id D-9");
    }
}
