//! The ledger store interface and the store that picks its backend at run time.

use std::path::Path;

use crate::error::Result;
use crate::model::{Backend, IfExists};
use crate::postgres::PgStore;
use crate::sqlite::SqliteStore;
use crate::target::{Target, redact_target};

/// A ledger store on whichever backend its location names. Cloning is cheap and shares the
/// connection pool.
#[derive(Debug, Clone)]
pub enum Store {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

impl Store {
    /// Opens the store at `target`, applying pending migrations.
    ///
    /// - `postgres://…` or `postgresql://…`: PostgreSQL;
    /// - `sqlite://PATH`, `sqlite:PATH` or a plain file path: SQLite, creating the file and its
    ///   directory when missing. `sqlite::memory:` is a private in-memory database.
    pub async fn open(target: &str) -> Result<Store> {
        match Target::parse(target)? {
            Target::Sqlite { options, in_memory } => Ok(Store::Sqlite(
                SqliteStore::open_configured(options, in_memory).await?,
            )),
            Target::Postgres(options) => Ok(Store::Postgres(
                PgStore::connect_with(options, &redact_target(target)).await?,
            )),
        }
    }

    /// Opens (creating if missing) the SQLite store in the file at `path`.
    pub async fn open_sqlite(path: impl AsRef<Path>) -> Result<Store> {
        Ok(Store::Sqlite(SqliteStore::open(path).await?))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Store::Sqlite(_) => Backend::Sqlite,
            Store::Postgres(_) => Backend::Postgres,
        }
    }

    /// Copies the live store to a file that opens as a store. SQLite only: on PostgreSQL it
    /// is `Unsupported`, and `pg_dump` is the tool.
    pub async fn backup(&self, destination: &Path, if_exists: IfExists) -> Result<()> {
        match self {
            Store::Sqlite(store) => store.backup(destination, if_exists).await,
            Store::Postgres(store) => store.backup(destination, if_exists).await,
        }
    }

    /// Closes the store's connections, waiting for those in use to be returned.
    pub async fn close(&self) {
        match self {
            Store::Sqlite(store) => store.close().await,
            Store::Postgres(store) => store.close().await,
        }
    }
}

impl From<SqliteStore> for Store {
    fn from(store: SqliteStore) -> Self {
        Store::Sqlite(store)
    }
}

impl From<PgStore> for Store {
    fn from(store: PgStore) -> Self {
        Store::Postgres(store)
    }
}

/// Runs `$work` (an expression over `$tx`, the backend's connection inside a transaction) on
/// whichever backend the store is, and commits when it succeeds; on an error the transaction is
/// dropped, which rolls it back. `write` begins a write transaction (on SQLite `BEGIN
/// IMMEDIATE`, which takes the write lock up front), `read` a read-only snapshot.
///
/// This is the one place where a domain operation meets the backends: each public method of a
/// domain trait is implemented once, for [`Store`], as one `in_transaction!` over the domain's
/// semantics, which are written once over its statement trait. The expression is written once
/// and compiled once per backend, since Rust has no closure generic over the connection type.
macro_rules! in_transaction {
    ($store:expr, $begin:ident, |$tx:ident| $work:expr) => {
        match $store {
            $crate::store::Store::Sqlite(store) => {
                $crate::store::commit_after!(store.$begin(), |$tx| $work)
            }
            $crate::store::Store::Postgres(store) => {
                $crate::store::commit_after!(store.$begin(), |$tx| $work)
            }
        }
    };
}

/// One arm of [`in_transaction!`]: begins, runs the work, commits.
macro_rules! commit_after {
    ($begin:expr, |$tx:ident| $work:expr) => {{
        let mut transaction = $begin.await?;
        let $tx = &mut *transaction;
        let done = $work.await?;
        transaction.commit().await?;
        Ok::<_, $crate::StoreError>(done)
    }};
}
/// Implements a domain's statement trait for both backends' connections from one text: SQL
/// that both databases read alike (numbered `$N` placeholders, which sqlx's SQLite driver binds
/// by number as PostgreSQL does, and standard `CAST` where PostgreSQL wants a type), written
/// once and compiled once per connection type. Statements whose SQL must differ (the ledger's
/// bulk writes and reads) are written per backend in the domain's `sqlite.rs` and
/// `postgres.rs`.
macro_rules! on_both_backends {
    (impl $statements:ident { $($body:tt)* }) => {
        impl $statements for sqlx::SqliteConnection { $($body)* }
        impl $statements for sqlx::PgConnection { $($body)* }
    };
}
pub(crate) use {commit_after, in_transaction, on_both_backends};
