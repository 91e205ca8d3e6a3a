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

/// Rows from which a bulk write goes through `COPY` into a staging table rather than through
/// `UNNEST` arrays: below it, the extra round trips (create the table, copy, insert) cost more
/// than the copy saves. See docs/store.md for the figures.
pub(crate) const COPY_FROM_ROWS: usize = 2_000;

/// Bytes gathered before they are sent as one `CopyData` message: big enough that a message
/// carries thousands of rows, small enough that an import does not hold its text twice.
const COPY_SEND_BYTES: usize = 1 << 20;

/// Rows in PostgreSQL's COPY text format: fields apart by a tab, rows ended by a newline,
/// NULL as `\N`, and in text a backslash, tab, newline or carriage return escaped with a
/// backslash so that none of them is read as a delimiter.
#[derive(Debug, Default)]
pub(crate) struct CopyText {
    buffer: Vec<u8>,
    row_started: bool,
}

impl CopyText {
    fn separate(&mut self) {
        if self.row_started {
            self.buffer.push(b'\t');
        }
        self.row_started = true;
    }

    pub(crate) fn text(&mut self, value: &str) -> &mut Self {
        self.separate();
        for byte in value.bytes() {
            // UTF-8 continuation bytes are never ASCII, so escaping bytewise leaves every other
            // character (Chinese included) as it is.
            match byte {
                b'\\' => self.buffer.extend_from_slice(b"\\\\"),
                b'\t' => self.buffer.extend_from_slice(b"\\t"),
                b'\n' => self.buffer.extend_from_slice(b"\\n"),
                b'\r' => self.buffer.extend_from_slice(b"\\r"),
                _ => self.buffer.push(byte),
            }
        }
        self
    }

    pub(crate) fn optional_text(&mut self, value: Option<&str>) -> &mut Self {
        match value {
            Some(value) => self.text(value),
            None => self.null(),
        }
    }

    pub(crate) fn int(&mut self, value: i64) -> &mut Self {
        self.separate();
        self.buffer.extend_from_slice(value.to_string().as_bytes());
        self
    }

    pub(crate) fn optional_int(&mut self, value: Option<i64>) -> &mut Self {
        match value {
            Some(value) => self.int(value),
            None => self.null(),
        }
    }

    /// Rust prints the shortest decimal that reads back as the same double, which PostgreSQL
    /// then parses exactly.
    pub(crate) fn optional_float(&mut self, value: Option<f64>) -> &mut Self {
        match value {
            Some(value) => {
                self.separate();
                self.buffer.extend_from_slice(value.to_string().as_bytes());
                self
            }
            None => self.null(),
        }
    }

    fn null(&mut self) -> &mut Self {
        self.separate();
        self.buffer.extend_from_slice(b"\\N");
        self
    }

    pub(crate) fn end_row(&mut self) {
        self.buffer.push(b'\n');
        self.row_started = false;
    }
}

/// Creates the temporary table `staging` with `columns` (name and type), dropped at the end of
/// the transaction, and copies `rows` into it, each written by `write_row`. An import runs in
/// one transaction, so the table lives until the statement that reads it has run; one that is
/// left from an earlier write of the same transaction is replaced.
pub(crate) async fn copy_to_staging<R>(
    conn: &mut PgConnection,
    staging: &str,
    columns: &[(&str, &str)],
    rows: &[R],
    write_row: impl Fn(&mut CopyText, &R),
) -> Result<()> {
    let definition = columns
        .iter()
        .map(|(name, kind)| format!("{name} {kind}"))
        .collect::<Vec<_>>()
        .join(", ");
    // Not kept as prepared statements: the table they name is dropped at every commit.
    sqlx::query(&format!("DROP TABLE IF EXISTS pg_temp.{staging}"))
        .persistent(false)
        .execute(&mut *conn)
        .await?;
    sqlx::query(&format!(
        "CREATE TEMP TABLE {staging} ({definition}) ON COMMIT DROP"
    ))
    .persistent(false)
    .execute(&mut *conn)
    .await?;
    let names = columns
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ");
    let mut copy = conn
        .copy_in_raw(&format!("COPY {staging} ({names}) FROM STDIN"))
        .await?;
    let mut text = CopyText::default();
    for row in rows {
        write_row(&mut text, row);
        text.end_row();
        if text.buffer.len() >= COPY_SEND_BYTES {
            copy.send(std::mem::take(&mut text.buffer)).await?;
        }
    }
    if !text.buffer.is_empty() {
        copy.send(text.buffer).await?;
    }
    // On an error above, dropping `copy` tells the server the copy failed; the transaction is
    // then rolled back by its owner.
    copy.finish().await?;
    Ok(())
}

/// `INSERT INTO table (columns) SELECT columns FROM staging`, to be followed by the same
/// `ON CONFLICT` clause as [`insert_unnest`].
pub(crate) fn insert_staged(table: &str, columns: &[&str], staging: &str) -> String {
    let columns = columns.join(", ");
    format!("INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging}")
}
