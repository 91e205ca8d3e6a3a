//! The application layer: what the CLI and the server share. It takes settings and request
//! values (never command-line arguments), returns named results, and fails with one error type
//! whose [`ErrorKind`] the CLI turns into an exit code and the server into an HTTP status; an
//! error about one value of the request names its field ([`field_of`]), which the CLI says as
//! its flag and an API as the field.
//!
//! It holds the settings (loaded and validated once, every problem listed), the error kinds,
//! the SOW sign-off and acceptance, the gate's assessment, the pipeline report, quotes and the
//! ledger's use cases; what is still in the binary's `commands/` is listed in
//! docs/architecture.md.

pub mod acceptance;
pub mod error;
pub mod gate;
pub mod ledger;
pub mod proposal;
pub mod quotes;
pub mod reports;
pub mod results;
pub mod settings;
pub mod signoff;

pub use error::{
    AppError, ErrorKind, api_message, bad_field, bad_input, describe, field_of, kind_of,
};
pub use settings::Settings;
