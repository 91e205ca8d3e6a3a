use std::io;
use std::path::PathBuf;

/// What went wrong in the store, worded for the person who has to fix it.
///
/// Messages never contain a database password: targets are shown through
/// [`redact_target`](crate::redact_target).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A record the operation needs does not exist.
    #[error("{what} {key:?} does not exist")]
    NotFound { what: &'static str, key: String },

    /// A record with the same key already exists and the operation does not replace it.
    #[error("{what} {key:?} already exists")]
    Conflict { what: &'static str, key: String },

    /// The records given to the store break a rule of the domain (an incoherent deal, an instant
    /// finer than a microsecond…). The message lists what to fix.
    #[error("{0}")]
    Invalid(String),

    /// The operation does not exist on this backend; the message says what to use instead.
    #[error("{0}")]
    Unsupported(String),

    /// The store could not be opened or reached.
    #[error("cannot open the store at {target}: {source}")]
    Open {
        target: String,
        #[source]
        source: sqlx::Error,
    },

    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),

    /// An error of a statement run through rusqlite on SQLite (`sqlite::Direct`).
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),

    #[error("cannot bring the store's schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),

    /// The database holds a value gigops cannot have written (edited by hand, or by a newer
    /// version).
    #[error("the store holds invalid data: {0}")]
    Corrupt(String),

    /// A stored document (a quote, a SOW, an acceptance record, a gate summary) does not read
    /// as the type the caller asked for: written by another version of gigops, or edited by
    /// hand. `what` names the kind of document, `key` which one (`D-1 v2`).
    #[error("the stored {what} {key} does not read: {source}")]
    Decode {
        what: &'static str,
        key: String,
        #[source]
        source: serde_json::Error,
    },

    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
