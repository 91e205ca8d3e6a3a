//! The SQLite backend: one file, WAL journal, foreign keys on. This file holds the connection
//! handling and what every domain's SQLite statements share; the statements are in each
//! domain's `sqlite.rs`.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, Sqlite, SqliteConnection};

use crate::error::{Result, StoreError};
use crate::model::IfExists;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

/// Writes take the write lock when they begin, not at their first write: a transaction that
/// read first and must then upgrade fails at once with SQLITE_BUSY when another connection
/// wrote meanwhile, which no busy timeout can wait out.
const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";

/// A ledger store in one SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens (creating it and its directory if missing) the database file at `path`.
    pub async fn open(path: impl AsRef<Path>) -> Result<SqliteStore> {
        SqliteStore::open_with(SqliteConnectOptions::new().filename(path.as_ref())).await
    }

    /// Opens a private database in memory, gone when the store is dropped.
    pub async fn open_in_memory() -> Result<SqliteStore> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:").map_err(|source| {
            StoreError::Open {
                target: "sqlite::memory:".to_string(),
                source,
            }
        })?;
        SqliteStore::open_configured(options, true).await
    }

    /// Opens a database file from sqlx options (such as a parsed `sqlite:` URL), with gigops'
    /// settings (WAL, foreign keys, busy timeout, …) applied over them.
    pub async fn open_with(options: SqliteConnectOptions) -> Result<SqliteStore> {
        SqliteStore::open_configured(options, false).await
    }

    /// `in_memory` keeps one connection open for the life of the store, since a memory database
    /// vanishes with its last connection.
    pub(crate) async fn open_configured(
        options: SqliteConnectOptions,
        in_memory: bool,
    ) -> Result<SqliteStore> {
        let path = options.get_filename().to_path_buf();
        if !in_memory
            && let Some(parent) = path.parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
                action: "create the directory of",
                path: path.clone(),
                source,
            })?;
        }
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // Under WAL, NORMAL loses at most the last transactions on power loss, never
            // consistency, and spares an fsync per commit.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            // 64 MiB of page cache (the default is 2): re-importing a ledger reads every row it
            // compares, and a 200,000-deal ledger's indexes then stay in memory.
            .pragma("cache_size", "-65536")
            .pragma("temp_store", "memory")
            // No memory map: mapped pages of the file count in the process's memory, and a
            // report that reads a whole 280 MB ledger peaked 200 MB higher with a 256 MiB map
            // (docs/store.md, "Loading"). SQLite's page cache is bounded by cache_size.
            .pragma("mmap_size", "0")
            // Statements are fixed text, and import batches run to megabytes of placeholders.
            .disable_statement_logging();
        let mut pool = SqlitePoolOptions::new().max_connections(4);
        if in_memory {
            pool = pool
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None);
        }
        let pool = pool
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open {
                target: path.display().to_string(),
                source,
            })?;
        MIGRATOR.run(&pool).await?;
        tracing::debug!(path = %path.display(), "opened SQLite store");
        Ok(SqliteStore { pool, path })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes every connection, waiting for those in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A write transaction, holding the database's write lock from its start.
    pub(crate) async fn write(&self) -> Result<sqlx::Transaction<'static, Sqlite>> {
        Ok(self.pool.begin_with(BEGIN_WRITE).await?)
    }

    /// Copies the live database to `destination` (see [`backup`]).
    pub(crate) async fn backup(&self, destination: &Path, if_exists: IfExists) -> Result<()> {
        backup(&self.pool, destination, if_exists).await
    }

    /// A read transaction: every statement in it sees one snapshot (a deferred transaction
    /// under WAL).
    pub(crate) async fn read(&self) -> Result<sqlx::Transaction<'static, Sqlite>> {
        Ok(self.pool.begin().await?)
    }
}

/// rusqlite on the connection that sqlx holds, inside sqlx's transaction.
///
/// sqlx runs each SQLite connection on a worker thread and copies every value of every row into
/// an allocation of its own on the way to the caller; for statements whose rows scale with the
/// ledger (an import, a report's load) that traffic took most of the time (docs/store.md, "Two
/// drivers for SQLite"). rusqlite steps the same prepared statements on the caller's thread and
/// lends each value in place. Lending the connection rather than opening a second one keeps
/// one transaction, one snapshot and one write lock, and works for in-memory databases too.
pub(crate) struct Direct<'c> {
    // Declared first so that it is dropped first: rusqlite finalizes the statements it prepared
    // while the handle is still locked for it.
    connection: rusqlite::Connection,
    _locked: sqlx::sqlite::LockedSqliteHandle<'c>,
}

impl<'c> Direct<'c> {
    /// Locks sqlx's connection (its worker thread waits until this is dropped) and wraps its
    /// handle for rusqlite.
    pub(crate) async fn lend(conn: &'c mut SqliteConnection) -> Result<Direct<'c>> {
        let mut locked = conn.lock_handle().await?;
        let handle = locked.as_raw_handle().as_ptr();
        // SAFETY: `handle` is an open SQLite connection, and nothing else uses it while
        // `locked` lives, since sqlx's worker thread waits on that lock. `Direct` drops the
        // rusqlite connection before the lock. `from_handle` does not take ownership: dropping
        // it finalizes rusqlite's own statements and leaves the connection open for sqlx. Both
        // drivers link the same libsqlite3-sys (one version in Cargo.lock), so the handle's
        // type is the same library's.
        #[allow(unsafe_code)]
        let connection = unsafe { rusqlite::Connection::from_handle(handle) }?;
        Ok(Direct {
            connection,
            _locked: locked,
        })
    }

    /// Runs `work` on the connection. On a multi-threaded runtime (the server) the thread is
    /// handed over to blocking work first, so that other tasks move to another thread rather
    /// than wait for a long statement.
    pub(crate) fn run<T>(
        &self,
        work: impl FnOnce(&rusqlite::Connection) -> Result<T>,
    ) -> Result<T> {
        let work = || work(&self.connection);
        match tokio::runtime::Handle::try_current() {
            Ok(runtime)
                if runtime.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread =>
            {
                tokio::task::block_in_place(work)
            }
            _ => work(),
        }
    }
}

/// `VACUUM INTO` a temporary file beside the destination, then rename it into place: the copy
/// is one consistent snapshot of the live database, and the destination is never a
/// half-written file.
async fn backup(pool: &SqlitePool, destination: &Path, if_exists: IfExists) -> Result<()> {
    let io = |action: &'static str, path: &Path| {
        let path = path.to_path_buf();
        move |source| StoreError::Io {
            action,
            path,
            source,
        }
    };
    let exists = || StoreError::Conflict {
        what: "backup file",
        key: destination.display().to_string(),
    };
    if if_exists == IfExists::Fail && destination.exists() {
        return Err(exists());
    }
    let directory = match destination.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&directory).map_err(io("create the directory", &directory))?;
    // VACUUM INTO writes into a file that does not exist or is empty, which a new temporary
    // file is; dropping it (on any error below) removes it.
    let temporary = tempfile::Builder::new()
        .prefix(".gigops-backup-")
        .suffix(".tmp")
        .tempfile_in(&directory)
        .map_err(io("create a temporary file in", &directory))?;
    let temporary_path = temporary.path().to_str().ok_or_else(|| {
        StoreError::Invalid(format!(
            "the backup path {} is not valid UTF-8, which SQLite needs",
            destination.display()
        ))
    })?;
    sqlx::query("VACUUM INTO ?")
        .bind(temporary_path)
        .execute(pool)
        .await?;
    let destination = destination.to_path_buf();
    let finishing = destination.clone();
    tokio::task::spawn_blocking(move || {
        finish_backup(temporary, &destination, &directory, if_exists)
    })
    .await
    .map_err(|e| StoreError::Io {
        action: "finish the backup at",
        path: finishing,
        source: std::io::Error::other(e),
    })?
}

/// Flushes the copy, renames it into place as `if_exists` allows, and makes the rename durable.
fn finish_backup(
    temporary: tempfile::NamedTempFile,
    destination: &Path,
    directory: &Path,
    if_exists: IfExists,
) -> Result<()> {
    temporary
        .as_file()
        .sync_all()
        .map_err(|source| StoreError::Io {
            action: "flush",
            path: temporary.path().to_path_buf(),
            source,
        })?;
    let persisted = match if_exists {
        IfExists::Replace => temporary.persist(destination),
        IfExists::Fail => temporary.persist_noclobber(destination),
    };
    persisted.map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            StoreError::Conflict {
                what: "backup file",
                key: destination.display().to_string(),
            }
        } else {
            StoreError::Io {
                action: "move the backup into",
                path: destination.to_path_buf(),
                source: e.error,
            }
        }
    })?;
    // The rename survives a crash only once the directory entry is on disk too; not every
    // platform can open a directory to flush it, and the copy itself is complete either way.
    if let Ok(dir) = std::fs::File::open(directory) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What rusqlite runs through `Direct` is part of sqlx's transaction: it sees the
    /// transaction's own writes, and sqlx's rollback undoes its writes. On a current-thread
    /// runtime it runs in place (the CLI's and the store tests' runtimes are multi-threaded,
    /// where it runs in `block_in_place`).
    #[tokio::test(flavor = "current_thread")]
    async fn direct_statements_share_sqlx_s_transaction() {
        let store = SqliteStore::open_in_memory().await.unwrap();
        sqlx::query("CREATE TABLE t (v INTEGER NOT NULL)")
            .execute(&store.pool)
            .await
            .unwrap();
        let count = |conn: &rusqlite::Connection| -> Result<i64> {
            Ok(conn.query_row("SELECT count(*) FROM t", [], |row| row.get(0))?)
        };

        let mut tx = store.write().await.unwrap();
        sqlx::query("INSERT INTO t VALUES (1)")
            .execute(&mut *tx)
            .await
            .unwrap();
        let direct = Direct::lend(&mut tx).await.unwrap();
        assert_eq!(direct.run(count).unwrap(), 1, "sees sqlx's uncommitted row");
        direct
            .run(|conn| Ok(conn.execute("INSERT INTO t VALUES (2)", [])?))
            .unwrap();
        drop(direct);
        let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM t")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert_eq!(
            seen, 2,
            "sqlx sees rusqlite's row, and has its connection back"
        );
        tx.rollback().await.unwrap();

        let mut tx = store.read().await.unwrap();
        let direct = Direct::lend(&mut tx).await.unwrap();
        assert_eq!(
            direct.run(count).unwrap(),
            0,
            "the rollback undid both rows"
        );
    }
}
