//! The PostgreSQL backend, for a team or several instances sharing one ledger. This file holds
//! the connection handling and what every domain's PostgreSQL statements share; the statements
//! are in each domain's `postgres.rs`.

use std::path::Path;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, Postgres};

use crate::error::{Result, StoreError};
use crate::model::IfExists;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// Rows per statement. Rows travel as one array per column (`UNNEST`), so PostgreSQL's limit of
/// 65,535 bound parameters does not apply; this only bounds the size of one message.
pub(crate) const ROWS_PER_STATEMENT: usize = 50_000;

/// A ledger store in a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    target: String,
}

impl PgStore {
    /// Connects to the database at a `postgres://` URL, applying pending migrations.
    pub async fn connect(url: &str) -> Result<PgStore> {
        let redacted = crate::target::redact_target(url);
        let options: PgConnectOptions = url.parse().map_err(|source| StoreError::Open {
            target: redacted.clone(),
            source,
        })?;
        PgStore::connect_with(options, &redacted).await
    }

    /// Connects with sqlx options; `shown_as` names the database in errors and logs, so it
    /// must not hold a password.
    pub async fn connect_with(options: PgConnectOptions, shown_as: &str) -> Result<PgStore> {
        let options = options
            .application_name("gigops")
            // Statements are fixed text and never carry values, but import batches are large.
            .disable_statement_logging();
        let unreachable = |source| StoreError::Open {
            target: shown_as.to_string(),
            source,
        };
        // One plain connection first: a pool retries a refused connection or a bad password
        // until its acquire timeout, while the user wants the server's answer at once.
        PgConnection::connect_with(&options)
            .await
            .map_err(unreachable)?
            .close()
            .await
            .map_err(unreachable)?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(unreachable)?;
        MIGRATOR.run(&pool).await?;
        tracing::debug!(target = shown_as, "opened PostgreSQL store");
        Ok(PgStore {
            pool,
            target: shown_as.to_string(),
        })
    }

    /// The database's URL, without its password.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Closes every connection, waiting for those in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A write transaction (read committed; writers of one deal take turns through
    /// `lock_deal`).
    pub(crate) async fn write(&self) -> Result<sqlx::Transaction<'static, Postgres>> {
        Ok(self.pool.begin().await?)
    }

    /// Refused: a PostgreSQL store is backed up with the server's tools.
    pub(crate) async fn backup(&self, _destination: &Path, _if_exists: IfExists) -> Result<()> {
        Err(StoreError::Unsupported(
            "gigops does not copy a PostgreSQL store; back it up with pg_dump, e.g. \
             `pg_dump --format=custom --file=gigops.dump DATABASE`, and restore with pg_restore"
                .to_string(),
        ))
    }

    /// A read-only transaction in which every statement sees one snapshot.
    pub(crate) async fn read(&self) -> Result<sqlx::Transaction<'static, Postgres>> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }
}

/// `INSERT INTO table (columns) SELECT * FROM UNNEST($1::type[], …)`.
pub(crate) fn insert_unnest(table: &str, columns: &[&str], types: &[&str]) -> String {
    let arrays = types
        .iter()
        .enumerate()
        .map(|(i, t)| format!("${}::{t}[]", i + 1))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO {table} ({}) SELECT * FROM UNNEST({arrays})",
        columns.join(", ")
    )
}
