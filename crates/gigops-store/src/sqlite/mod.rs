//! The SQLite backend: one file, WAL journal, foreign keys on.

mod history;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use futures_util::TryStreamExt;
use gigops_core::{
    Client, Deal, DealId, Ledger, Outcome, Reopening, Score, StageEvent, Stages, TimeEntry,
};
use jiff::Timestamp;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool,
    SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, QueryBuilder, Row, Sqlite};

use crate::codec::{
    CLIENT_COLUMNS, Interner, decode_client, decode_deal, decode_reopening, micros,
    push_deal_filter,
};
use crate::error::{Result, StoreError};
use crate::model::{Counts, DealDetail, DealFilter, IfExists, ImportCounts};
use crate::ops::{
    self, DealRow, EntryRow, EventRow, KeyColumn, LedgerTx, ReopeningRow, ReopeningsOf,
};
use crate::sql::{
    CLIENT_WRITE_COLUMNS, DEAL_WRITE_COLUMNS, ENTRY_WRITE_COLUMNS, EVENT_WRITE_COLUMNS,
    REOPENING_WRITE_COLUMNS, SELECT_REOPENINGS, select_deals, upsert_clause,
};
use crate::store::LedgerStore;
use history::{Selection, select_histories};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

/// SQLite refuses statements with more bound parameters than this (SQLITE_MAX_VARIABLE_NUMBER
/// of builds since 3.32); batches are sized to stay under it.
const MAX_PARAMS: usize = 32_766;

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
            .pragma("mmap_size", "268435456")
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

    /// A read transaction: every statement in it sees one snapshot (a deferred transaction
    /// under WAL).
    pub(crate) async fn read(&self) -> Result<sqlx::Transaction<'static, Sqlite>> {
        Ok(self.pool.begin().await?)
    }
}

/// `?, ?, …` for an `IN` list.
fn in_list(values: usize) -> String {
    let mut sql = String::with_capacity(values * 3);
    for i in 0..values {
        sql.push_str(if i == 0 { "?" } else { ", ?" });
    }
    sql
}

/// `(?, ?), (?, ?), …` for a `VALUES` list.
fn values_list(columns: usize, rows: usize) -> String {
    let row = format!("({})", in_list(columns));
    let mut sql = String::with_capacity(rows * (row.len() + 2));
    for i in 0..rows {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&row);
    }
    sql
}

/// The statement text of a batch, built once per batch size: every full batch of a run shares
/// it, so SQLite prepares it once.
struct BatchSql<F: Fn(usize) -> String> {
    build: F,
    built: Option<(usize, String)>,
}

impl<F: Fn(usize) -> String> BatchSql<F> {
    fn new(build: F) -> Self {
        BatchSql { build, built: None }
    }

    fn get(&mut self, rows: usize) -> &str {
        if self.built.as_ref().is_none_or(|(n, _)| *n != rows) {
            self.built = Some((rows, (self.build)(rows)));
        }
        self.built.as_ref().map_or("", |(_, sql)| sql.as_str())
    }
}

fn rows_per_batch(columns: usize) -> usize {
    MAX_PARAMS / columns
}

type Query<'q> = sqlx::query::Query<'q, Sqlite, SqliteArguments<'q>>;

fn bind_deal<'q>(query: Query<'q>, row: &DealRow<'q>) -> Query<'q> {
    let deal = row.deal;
    query
        .bind(deal.id.as_str())
        .bind(row.client_key)
        .bind(deal.platform.as_str())
        .bind(deal.kind.as_str())
        .bind(deal.value.currency.code())
        .bind(deal.value.minor)
        .bind(micros(deal.opened_at))
        .bind(deal.outcome.as_str())
        .bind(deal.closed_at.map(micros))
        .bind(deal.lost_reason.as_deref())
        .bind(deal.tech_doc_score.map(Score::get))
        .bind(deal.github_score.map(Score::get))
        .bind(deal.demo_score.map(Score::get))
}

fn bind_client<'q>(query: Query<'q>, client: &'q Client) -> Query<'q> {
    query
        .bind(client.name.as_str())
        .bind(client.currency.code())
        .bind(client.locale.as_str())
        .bind(client.time_zone.as_str())
        .bind(client.platform.as_ref().map(|p| p.as_str()))
}

async fn write_clients(
    conn: &mut SqliteConnection,
    clients: &[&Client],
    on_conflict: &str,
) -> Result<u64> {
    let columns = CLIENT_WRITE_COLUMNS.len();
    let mut sql = BatchSql::new(|rows| {
        format!(
            "INSERT INTO clients ({}) VALUES {}{on_conflict}",
            CLIENT_WRITE_COLUMNS.join(", "),
            values_list(columns, rows)
        )
    });
    let mut written = 0;
    for chunk in clients.chunks(rows_per_batch(columns)) {
        let mut query = sqlx::query(sql.get(chunk.len()));
        for client in chunk {
            query = bind_client(query, client);
        }
        written += query.execute(&mut *conn).await?.rows_affected();
    }
    Ok(written)
}

impl LedgerTx for SqliteConnection {
    async fn keys_by_text(
        &mut self,
        column: KeyColumn,
        values: &[&str],
    ) -> Result<HashMap<String, i64>> {
        let (table, column) = column.sql();
        // One row per batch, the matches as two JSON arrays: rows one by one would cost more
        // than the lookups (see `history`).
        let mut sql = BatchSql::new(|n| {
            format!(
                "SELECT '[' || json_group_array({column}) || ',' || json_group_array(key) || ']' \
                 FROM {table} WHERE {column} IN ({})",
                in_list(n)
            )
        });
        let mut keys = HashMap::with_capacity(values.len());
        for chunk in values.chunks(MAX_PARAMS) {
            let mut query = sqlx::query_scalar::<_, String>(sql.get(chunk.len()));
            for value in chunk {
                query = query.bind(*value);
            }
            let found = query.fetch_one(&mut *self).await?;
            let (names, found_keys): (Vec<String>, Vec<i64>) = serde_json::from_str(&found)
                .map_err(|e| StoreError::Corrupt(format!("keys of {table} read back: {e}")))?;
            keys.extend(names.into_iter().zip(found_keys));
        }
        Ok(keys)
    }

    async fn upsert_clients(&mut self, clients: &[&Client]) -> Result<u64> {
        let on_conflict = upsert_clause("clients", &["name"], &CLIENT_WRITE_COLUMNS, "IS NOT");
        write_clients(self, clients, &on_conflict).await
    }

    async fn insert_missing_clients(&mut self, clients: &[Client]) -> Result<u64> {
        let clients: Vec<&Client> = clients.iter().collect();
        write_clients(self, &clients, " ON CONFLICT (name) DO NOTHING").await
    }

    async fn upsert_deals(&mut self, deals: &[DealRow<'_>]) -> Result<u64> {
        let columns = DEAL_WRITE_COLUMNS.len();
        let on_conflict = upsert_clause("deals", &["id"], &DEAL_WRITE_COLUMNS, "IS NOT");
        let mut sql = BatchSql::new(|rows| {
            format!(
                "INSERT INTO deals ({}) VALUES {}{on_conflict}",
                DEAL_WRITE_COLUMNS.join(", "),
                values_list(columns, rows)
            )
        });
        let mut written = 0;
        for chunk in deals.chunks(rows_per_batch(columns)) {
            let mut query = sqlx::query(sql.get(chunk.len()));
            for row in chunk {
                query = bind_deal(query, row);
            }
            written += query.execute(&mut *self).await?.rows_affected();
        }
        Ok(written)
    }

    async fn insert_events(&mut self, events: &[EventRow<'_>]) -> Result<u64> {
        let columns = EVENT_WRITE_COLUMNS.len();
        let mut sql = BatchSql::new(|rows| {
            format!(
                "INSERT INTO stage_events ({}) VALUES {} ON CONFLICT DO NOTHING",
                EVENT_WRITE_COLUMNS.join(", "),
                values_list(columns, rows)
            )
        });
        let mut inserted = 0;
        for chunk in events.chunks(rows_per_batch(columns)) {
            let mut query = sqlx::query(sql.get(chunk.len()));
            for event in chunk {
                query = query
                    .bind(event.deal_key)
                    .bind(event.entered_at)
                    .bind(event.stage);
            }
            inserted += query.execute(&mut *self).await?.rows_affected();
        }
        Ok(inserted)
    }

    async fn count_existing_entries(&mut self, entries: &[EntryRow<'_>]) -> Result<u64> {
        let mut sql = BatchSql::new(|rows| {
            format!(
                "SELECT count(*) FROM (VALUES {}) AS v JOIN time_entries t \
                 ON t.deal_key = v.column1 AND t.started_at = v.column2 \
                 AND t.category = v.column3",
                values_list(3, rows)
            )
        });
        let mut existing = 0;
        for chunk in entries.chunks(rows_per_batch(3)) {
            let mut query = sqlx::query_scalar::<_, i64>(sql.get(chunk.len()));
            for entry in chunk {
                query = query
                    .bind(entry.deal_key)
                    .bind(entry.started_at)
                    .bind(entry.category);
            }
            existing += query.fetch_one(&mut *self).await?;
        }
        Ok(existing as u64)
    }

    async fn upsert_entries(&mut self, entries: &[EntryRow<'_>]) -> Result<u64> {
        let columns = ENTRY_WRITE_COLUMNS.len();
        let on_conflict = upsert_clause(
            "time_entries",
            &["deal_key", "started_at", "category"],
            &ENTRY_WRITE_COLUMNS,
            "IS NOT",
        );
        let mut sql = BatchSql::new(|rows| {
            format!(
                "INSERT INTO time_entries ({}) VALUES {}{on_conflict}",
                ENTRY_WRITE_COLUMNS.join(", "),
                values_list(columns, rows)
            )
        });
        let mut written = 0;
        for chunk in entries.chunks(rows_per_batch(columns)) {
            let mut query = sqlx::query(sql.get(chunk.len()));
            for entry in chunk {
                query = query
                    .bind(entry.deal_key)
                    .bind(entry.started_at)
                    .bind(entry.category)
                    .bind(entry.minutes)
                    .bind(entry.note);
            }
            written += query.execute(&mut *self).await?.rows_affected();
        }
        Ok(written)
    }

    async fn count_existing_reopenings(&mut self, reopenings: &[ReopeningRow<'_>]) -> Result<u64> {
        let mut existing = 0;
        for row in reopenings {
            existing += sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM reopenings WHERE deal_key = ? AND reopened_at = ?",
            )
            .bind(row.deal_key)
            .bind(row.reopened_at)
            .fetch_one(&mut *self)
            .await?;
        }
        Ok(existing as u64)
    }

    // Reopenings are few (a deal is seldom reopened), so they go one statement each.
    async fn upsert_reopenings(&mut self, reopenings: &[ReopeningRow<'_>]) -> Result<u64> {
        let sql = format!(
            "INSERT INTO reopenings ({}) VALUES ({}){}",
            REOPENING_WRITE_COLUMNS.join(", "),
            in_list(REOPENING_WRITE_COLUMNS.len()),
            upsert_clause(
                "reopenings",
                &["deal_key", "reopened_at"],
                &REOPENING_WRITE_COLUMNS,
                "IS NOT"
            )
        );
        let mut written = 0;
        for row in reopenings {
            written += sqlx::query(&sql)
                .bind(row.deal_key)
                .bind(row.reopened_at)
                .bind(row.reason)
                .bind(row.outcome)
                .bind(row.closed_at)
                .bind(row.lost_reason)
                .execute(&mut *self)
                .await?
                .rows_affected();
        }
        Ok(written)
    }

    async fn reopenings_of(&mut self, deals: ReopeningsOf<'_>) -> Result<Vec<Reopening>> {
        let mut query = QueryBuilder::<Sqlite>::new(SELECT_REOPENINGS);
        match deals {
            ReopeningsOf::Deals(filter) => push_deal_filter(&mut query, filter),
            ReopeningsOf::Deal(key) => {
                query.push(" AND r.deal_key = ").push_bind(key);
            }
        }
        query.push(" ORDER BY d.id, r.reopened_at");
        let rows = query.build().fetch_all(&mut *self).await?;
        rows.iter().map(decode_reopening).collect()
    }

    async fn deal_by_id(&mut self, id: &str) -> Result<Option<Deal>> {
        let sql = format!("{} AND d.id = ?", select_deals());
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&mut *self)
            .await?;
        row.map(|row| decode_deal(&row, &mut Interner::default()))
            .transpose()
    }

    async fn lock_deal(&mut self, _deal_key: i64) -> Result<()> {
        // Every write transaction began with BEGIN IMMEDIATE and holds the database's lock.
        Ok(())
    }
}

/// Every client by name, on a given connection so that `load_ledger` reads them in its
/// transaction.
async fn select_clients(conn: &mut SqliteConnection) -> Result<Vec<Client>> {
    let sql = format!("SELECT {CLIENT_COLUMNS} FROM clients ORDER BY name");
    let mut interner = Interner::default();
    let mut clients = Vec::new();
    let mut rows = sqlx::query(&sql).fetch(&mut *conn);
    while let Some(row) = rows.try_next().await? {
        clients.push(decode_client(&row, &mut interner)?);
    }
    Ok(clients)
}

impl LedgerStore for SqliteStore {
    async fn add_client(&self, client: &Client) -> Result<()> {
        let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
        ops::add_client(&mut *tx, client).await?;
        Ok(tx.commit().await?)
    }

    async fn list_clients(&self) -> Result<Vec<Client>> {
        let mut conn = self.pool.acquire().await?;
        select_clients(&mut conn).await
    }

    async fn get_client(&self, name: &str) -> Result<Option<Client>> {
        let sql = format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE name = ?");
        let row = sqlx::query(&sql)
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| decode_client(&row, &mut Interner::default()))
            .transpose()
    }

    async fn add_deal(&self, deal: &Deal) -> Result<()> {
        let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
        ops::add_deal(&mut *tx, deal).await?;
        Ok(tx.commit().await?)
    }

    async fn get_deal(&self, id: &DealId) -> Result<Option<DealDetail>> {
        // One read transaction: the deal and its reopenings come from the same snapshot.
        let mut tx = self.pool.begin().await?;
        let histories = select_histories(&mut tx, Selection::Id(id.as_str())).await?;
        let Some(deal) = histories.deals.into_iter().next() else {
            return Ok(None);
        };
        let reopenings = ops::reopenings_of_deal(&mut *tx, id).await?;
        tx.commit().await?;
        Ok(Some(DealDetail {
            deal,
            events: histories.events,
            time_entries: histories.time_entries,
            reopenings,
        }))
    }

    async fn list_deals(&self, filter: &DealFilter) -> Result<Vec<Deal>> {
        let mut query = QueryBuilder::<Sqlite>::new(select_deals());
        push_deal_filter(&mut query, filter);
        query.push(" ORDER BY d.opened_at, d.id");
        let mut interner = Interner::default();
        let mut deals = Vec::new();
        let mut rows = query.build().fetch(&self.pool);
        while let Some(row) = rows.try_next().await? {
            deals.push(decode_deal(&row, &mut interner)?);
        }
        Ok(deals)
    }

    async fn add_stage_event(&self, event: &StageEvent, stages: &Stages) -> Result<bool> {
        let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
        let inserted = ops::add_stage_event(&mut *tx, event, stages).await?;
        tx.commit().await?;
        Ok(inserted)
    }

    async fn close_deal(
        &self,
        id: &DealId,
        outcome: Outcome,
        closed_at: Timestamp,
        lost_reason: Option<String>,
    ) -> Result<()> {
        let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
        ops::close_deal(&mut *tx, id, outcome, closed_at, lost_reason).await?;
        Ok(tx.commit().await?)
    }

    async fn reopen_deal(&self, id: &DealId, at: Timestamp, reason: &str) -> Result<Reopening> {
        let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
        let reopening = ops::reopen_deal(&mut *tx, id, at, reason).await?;
        tx.commit().await?;
        Ok(reopening)
    }

    async fn add_time_entry(&self, entry: &TimeEntry) -> Result<bool> {
        let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
        let inserted = ops::add_time_entry(&mut *tx, entry).await?;
        tx.commit().await?;
        Ok(inserted)
    }

    async fn existing_deal_ids(&self, ids: &[DealId]) -> Result<HashSet<DealId>> {
        let texts: Vec<&str> = ids.iter().map(DealId::as_str).collect();
        let mut conn = self.pool.acquire().await?;
        let stored = conn.keys_by_text(KeyColumn::DealId, &texts).await?;
        Ok(ids
            .iter()
            .filter(|id| stored.contains_key(id.as_str()))
            .cloned()
            .collect())
    }

    async fn import(&self, ledger: &Ledger) -> Result<ImportCounts> {
        let started = std::time::Instant::now();
        let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
        let counts = ops::import(&mut *tx, ledger).await?;
        tx.commit().await?;
        tracing::debug!(?counts, elapsed = ?started.elapsed(), "imported a ledger into SQLite");
        Ok(counts)
    }

    async fn load_ledger(&self, filter: &DealFilter) -> Result<Ledger> {
        let started = std::time::Instant::now();
        // One read transaction: clients and deals come from the same snapshot.
        let mut tx = self.pool.begin().await?;
        let clients = select_clients(&mut tx).await?;
        let histories = select_histories(&mut tx, Selection::Filtered(filter)).await?;
        let reopenings = tx.reopenings_of(ReopeningsOf::Deals(filter)).await?;
        tx.commit().await?;
        let ledger = Ledger {
            clients,
            deals: histories.deals,
            events: histories.events,
            time_entries: histories.time_entries,
            reopenings,
        };
        tracing::debug!(
            deals = ledger.deals.len(),
            events = ledger.events.len(),
            time_entries = ledger.time_entries.len(),
            elapsed = ?started.elapsed(),
            "loaded a ledger from SQLite"
        );
        Ok(ledger)
    }

    async fn counts(&self) -> Result<Counts> {
        let row = sqlx::query(crate::sql::COUNT_ROWS)
            .fetch_one(&self.pool)
            .await?;
        let count = |i: usize| -> Result<u64> { Ok(row.try_get::<i64, _>(i)? as u64) };
        Ok(Counts {
            clients: count(0)?,
            deals: count(1)?,
            events: count(2)?,
            time_entries: count(3)?,
            reopenings: count(4)?,
        })
    }

    async fn backup(&self, destination: &Path, if_exists: IfExists) -> Result<()> {
        backup(&self.pool, destination, if_exists).await
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
