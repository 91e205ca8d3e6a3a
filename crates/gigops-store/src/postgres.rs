//! The PostgreSQL backend, for a team or several instances sharing one ledger.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Duration;

use futures_util::TryStreamExt;
use gigops_core::{
    Client, Deal, DealId, Ledger, Outcome, Reopening, Score, StageEvent, Stages, TimeEntry,
};
use jiff::Timestamp;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, Postgres, QueryBuilder, Row};

use crate::codec::{
    CLIENT_COLUMNS, DEAL_KEY_COLUMN, DealPositions, Interner, decode_client, decode_deal,
    decode_reopening, decode_stage_event, decode_time_entry, in_deal_order, micros,
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

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// Rows per statement. Rows travel as one array per column (`UNNEST`), so PostgreSQL's limit of
/// 65,535 bound parameters does not apply; this only bounds the size of one message.
const ROWS_PER_STATEMENT: usize = 50_000;

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
fn insert_unnest(table: &str, columns: &[&str], types: &[&str]) -> String {
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

async fn write_clients(
    conn: &mut PgConnection,
    clients: &[&Client],
    on_conflict: &str,
) -> Result<u64> {
    let sql = format!(
        "{}{on_conflict}",
        insert_unnest("clients", &CLIENT_WRITE_COLUMNS, &["text"; 5])
    );
    let mut written = 0;
    for chunk in clients.chunks(ROWS_PER_STATEMENT) {
        written += sqlx::query(&sql)
            .bind(chunk.iter().map(|c| c.name.as_str()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|c| c.currency.code()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|c| c.locale.as_str()).collect::<Vec<_>>())
            .bind(
                chunk
                    .iter()
                    .map(|c| c.time_zone.as_str())
                    .collect::<Vec<_>>(),
            )
            .bind(
                chunk
                    .iter()
                    .map(|c| c.platform.as_ref().map(|p| p.as_str()))
                    .collect::<Vec<_>>(),
            )
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    Ok(written)
}

impl LedgerTx for PgConnection {
    async fn keys_by_text(
        &mut self,
        column: KeyColumn,
        values: &[&str],
    ) -> Result<HashMap<String, i64>> {
        let (table, column) = column.sql();
        // One row per batch, the matches as two arrays, rather than a row per match.
        let sql = format!(
            "SELECT coalesce(array_agg({column}), '{{}}'), coalesce(array_agg(key), '{{}}') \
             FROM {table} WHERE {column} = ANY($1)"
        );
        let mut keys = HashMap::with_capacity(values.len());
        for chunk in values.chunks(ROWS_PER_STATEMENT) {
            let (names, found): (Vec<String>, Vec<i64>) = sqlx::query_as(&sql)
                .bind(chunk)
                .fetch_one(&mut *self)
                .await?;
            keys.extend(names.into_iter().zip(found));
        }
        Ok(keys)
    }

    async fn upsert_clients(&mut self, clients: &[&Client]) -> Result<u64> {
        let on_conflict = upsert_clause(
            "clients",
            &["name"],
            &CLIENT_WRITE_COLUMNS,
            "IS DISTINCT FROM",
        );
        write_clients(self, clients, &on_conflict).await
    }

    async fn insert_missing_clients(&mut self, clients: &[Client]) -> Result<u64> {
        let clients: Vec<&Client> = clients.iter().collect();
        write_clients(self, &clients, " ON CONFLICT (name) DO NOTHING").await
    }

    async fn upsert_deals(&mut self, deals: &[DealRow<'_>]) -> Result<u64> {
        let sql = format!(
            "{}{}",
            insert_unnest(
                "deals",
                &DEAL_WRITE_COLUMNS,
                &[
                    "text", "int8", "text", "text", "text", "int8", "int8", "text", "int8", "text",
                    "float8", "float8", "float8",
                ],
            ),
            upsert_clause("deals", &["id"], &DEAL_WRITE_COLUMNS, "IS DISTINCT FROM")
        );
        let mut written = 0;
        for chunk in deals.chunks(ROWS_PER_STATEMENT) {
            let column = |f: &dyn Fn(&Deal) -> &str| -> Vec<&str> {
                chunk.iter().map(|r| f(r.deal)).collect()
            };
            let score = |f: &dyn Fn(&Deal) -> Option<Score>| -> Vec<Option<f64>> {
                chunk.iter().map(|r| f(r.deal).map(Score::get)).collect()
            };
            written += sqlx::query(&sql)
                .bind(column(&|d| d.id.as_str()))
                .bind(chunk.iter().map(|r| r.client_key).collect::<Vec<_>>())
                .bind(column(&|d| d.platform.as_str()))
                .bind(column(&|d| d.kind.as_str()))
                .bind(column(&|d| d.value.currency.code()))
                .bind(chunk.iter().map(|r| r.deal.value.minor).collect::<Vec<_>>())
                .bind(
                    chunk
                        .iter()
                        .map(|r| micros(r.deal.opened_at))
                        .collect::<Vec<_>>(),
                )
                .bind(column(&|d| d.outcome.as_str()))
                .bind(
                    chunk
                        .iter()
                        .map(|r| r.deal.closed_at.map(micros))
                        .collect::<Vec<_>>(),
                )
                .bind(
                    chunk
                        .iter()
                        .map(|r| r.deal.lost_reason.as_deref())
                        .collect::<Vec<_>>(),
                )
                .bind(score(&|d| d.tech_doc_score))
                .bind(score(&|d| d.github_score))
                .bind(score(&|d| d.demo_score))
                .execute(&mut *self)
                .await?
                .rows_affected();
        }
        Ok(written)
    }

    async fn insert_events(&mut self, events: &[EventRow<'_>]) -> Result<u64> {
        let sql = format!(
            "{} ON CONFLICT DO NOTHING",
            insert_unnest(
                "stage_events",
                &EVENT_WRITE_COLUMNS,
                &["int8", "int8", "text"]
            )
        );
        let mut inserted = 0;
        for chunk in events.chunks(ROWS_PER_STATEMENT) {
            inserted += sqlx::query(&sql)
                .bind(chunk.iter().map(|e| e.deal_key).collect::<Vec<_>>())
                .bind(chunk.iter().map(|e| e.entered_at).collect::<Vec<_>>())
                .bind(chunk.iter().map(|e| e.stage).collect::<Vec<_>>())
                .execute(&mut *self)
                .await?
                .rows_affected();
        }
        Ok(inserted)
    }

    async fn count_existing_entries(&mut self, entries: &[EntryRow<'_>]) -> Result<u64> {
        let mut existing = 0;
        for chunk in entries.chunks(ROWS_PER_STATEMENT) {
            existing += sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM UNNEST($1::int8[], $2::int8[], $3::text[]) \
                 AS v (deal_key, started_at, category) JOIN time_entries t \
                 ON t.deal_key = v.deal_key AND t.started_at = v.started_at \
                 AND t.category = v.category",
            )
            .bind(chunk.iter().map(|e| e.deal_key).collect::<Vec<_>>())
            .bind(chunk.iter().map(|e| e.started_at).collect::<Vec<_>>())
            .bind(chunk.iter().map(|e| e.category).collect::<Vec<_>>())
            .fetch_one(&mut *self)
            .await?;
        }
        Ok(existing as u64)
    }

    async fn upsert_entries(&mut self, entries: &[EntryRow<'_>]) -> Result<u64> {
        let sql = format!(
            "{}{}",
            insert_unnest(
                "time_entries",
                &ENTRY_WRITE_COLUMNS,
                &["int8", "int8", "text", "int8", "text"]
            ),
            upsert_clause(
                "time_entries",
                &["deal_key", "started_at", "category"],
                &ENTRY_WRITE_COLUMNS,
                "IS DISTINCT FROM",
            )
        );
        let mut written = 0;
        for chunk in entries.chunks(ROWS_PER_STATEMENT) {
            written += sqlx::query(&sql)
                .bind(chunk.iter().map(|e| e.deal_key).collect::<Vec<_>>())
                .bind(chunk.iter().map(|e| e.started_at).collect::<Vec<_>>())
                .bind(chunk.iter().map(|e| e.category).collect::<Vec<_>>())
                .bind(chunk.iter().map(|e| e.minutes).collect::<Vec<_>>())
                .bind(chunk.iter().map(|e| e.note).collect::<Vec<_>>())
                .execute(&mut *self)
                .await?
                .rows_affected();
        }
        Ok(written)
    }

    async fn count_existing_reopenings(&mut self, reopenings: &[ReopeningRow<'_>]) -> Result<u64> {
        let existing = sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM UNNEST($1::int8[], $2::int8[]) AS v (deal_key, reopened_at) \
             JOIN reopenings r ON r.deal_key = v.deal_key AND r.reopened_at = v.reopened_at",
        )
        .bind(reopenings.iter().map(|r| r.deal_key).collect::<Vec<_>>())
        .bind(reopenings.iter().map(|r| r.reopened_at).collect::<Vec<_>>())
        .fetch_one(&mut *self)
        .await?;
        Ok(existing as u64)
    }

    // Reopenings are few (a deal is seldom reopened): one statement holds them all.
    async fn upsert_reopenings(&mut self, reopenings: &[ReopeningRow<'_>]) -> Result<u64> {
        let sql = format!(
            "{}{}",
            insert_unnest(
                "reopenings",
                &REOPENING_WRITE_COLUMNS,
                &["int8", "int8", "text", "text", "int8", "text"]
            ),
            upsert_clause(
                "reopenings",
                &["deal_key", "reopened_at"],
                &REOPENING_WRITE_COLUMNS,
                "IS DISTINCT FROM",
            )
        );
        Ok(sqlx::query(&sql)
            .bind(reopenings.iter().map(|r| r.deal_key).collect::<Vec<_>>())
            .bind(reopenings.iter().map(|r| r.reopened_at).collect::<Vec<_>>())
            .bind(reopenings.iter().map(|r| r.reason).collect::<Vec<_>>())
            .bind(reopenings.iter().map(|r| r.outcome).collect::<Vec<_>>())
            .bind(reopenings.iter().map(|r| r.closed_at).collect::<Vec<_>>())
            .bind(reopenings.iter().map(|r| r.lost_reason).collect::<Vec<_>>())
            .execute(&mut *self)
            .await?
            .rows_affected())
    }

    async fn reopenings_of(&mut self, deals: ReopeningsOf<'_>) -> Result<Vec<Reopening>> {
        let mut query = QueryBuilder::<Postgres>::new(SELECT_REOPENINGS);
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
        let sql = format!("{} AND d.id = $1", select_deals());
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&mut *self)
            .await?;
        row.map(|row| decode_deal(&row, &mut Interner::default()))
            .transpose()
    }

    async fn lock_deal(&mut self, deal_key: i64) -> Result<()> {
        sqlx::query("SELECT 1 FROM deals WHERE key = $1 FOR UPDATE")
            .bind(deal_key)
            .execute(&mut *self)
            .await?;
        Ok(())
    }
}

async fn select_clients(conn: &mut PgConnection) -> Result<Vec<Client>> {
    let sql = format!("SELECT {CLIENT_COLUMNS} FROM clients ORDER BY name");
    let mut interner = Interner::default();
    let mut clients = Vec::new();
    let mut rows = sqlx::query(&sql).fetch(&mut *conn);
    while let Some(row) = rows.try_next().await? {
        clients.push(decode_client(&row, &mut interner)?);
    }
    Ok(clients)
}

impl LedgerStore for PgStore {
    async fn add_client(&self, client: &Client) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        ops::add_client(&mut *tx, client).await?;
        Ok(tx.commit().await?)
    }

    async fn list_clients(&self) -> Result<Vec<Client>> {
        let mut conn = self.pool.acquire().await?;
        select_clients(&mut conn).await
    }

    async fn get_client(&self, name: &str) -> Result<Option<Client>> {
        let sql = format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE name = $1");
        let row = sqlx::query(&sql)
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| decode_client(&row, &mut Interner::default()))
            .transpose()
    }

    async fn add_deal(&self, deal: &Deal) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        ops::add_deal(&mut *tx, deal).await?;
        Ok(tx.commit().await?)
    }

    async fn get_deal(&self, id: &DealId) -> Result<Option<DealDetail>> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        let mut interner = Interner::default();
        let sql = format!("{} AND d.id = $1", select_deals());
        let Some(row) = sqlx::query(&sql)
            .bind(id.as_str())
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(None);
        };
        let deal = decode_deal(&row, &mut interner)?;
        let key: i64 = row.try_get(DEAL_KEY_COLUMN)?;
        let mut events = Vec::new();
        let mut rows = sqlx::query(
            "SELECT stage, entered_at FROM stage_events WHERE deal_key = $1 \
             ORDER BY entered_at, stage",
        )
        .bind(key)
        .fetch(&mut *tx);
        while let Some(row) = rows.try_next().await? {
            events.push(decode_stage_event(&row, 0, &deal.id, &mut interner)?);
        }
        drop(rows);
        let mut time_entries = Vec::new();
        let mut rows = sqlx::query(
            "SELECT started_at, minutes, category, note FROM time_entries WHERE deal_key = $1 \
             ORDER BY started_at, category",
        )
        .bind(key)
        .fetch(&mut *tx);
        while let Some(row) = rows.try_next().await? {
            time_entries.push(decode_time_entry(&row, 0, &deal.id)?);
        }
        drop(rows);
        let reopenings = tx.reopenings_of(ReopeningsOf::Deal(key)).await?;
        tx.commit().await?;
        Ok(Some(DealDetail {
            deal,
            events,
            time_entries,
            reopenings,
        }))
    }

    async fn list_deals(&self, filter: &DealFilter) -> Result<Vec<Deal>> {
        let mut query = QueryBuilder::<Postgres>::new(select_deals());
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
        let mut tx = self.pool.begin().await?;
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
        let mut tx = self.pool.begin().await?;
        ops::close_deal(&mut *tx, id, outcome, closed_at, lost_reason).await?;
        Ok(tx.commit().await?)
    }

    async fn reopen_deal(&self, id: &DealId, at: Timestamp, reason: &str) -> Result<Reopening> {
        let mut tx = self.pool.begin().await?;
        let reopening = ops::reopen_deal(&mut *tx, id, at, reason).await?;
        tx.commit().await?;
        Ok(reopening)
    }

    async fn add_time_entry(&self, entry: &TimeEntry) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
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
        let mut tx = self.pool.begin().await?;
        let counts = ops::import(&mut *tx, ledger).await?;
        tx.commit().await?;
        tracing::debug!(?counts, elapsed = ?started.elapsed(), "imported a ledger into PostgreSQL");
        Ok(counts)
    }

    async fn load_ledger(&self, filter: &DealFilter) -> Result<Ledger> {
        let started = std::time::Instant::now();
        let mut tx = self.pool.begin().await?;
        // One snapshot for every query of the load.
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        let clients = select_clients(&mut tx).await?;
        let mut interner = Interner::default();

        let mut query = QueryBuilder::<Postgres>::new(select_deals());
        push_deal_filter(&mut query, filter);
        query.push(" ORDER BY d.id");
        let mut deals: Vec<(i64, Deal)> = Vec::new();
        let mut rows = query.build().fetch(&mut *tx);
        while let Some(row) = rows.try_next().await? {
            let deal = decode_deal(&row, &mut interner)?;
            deals.push((row.try_get(DEAL_KEY_COLUMN)?, deal));
        }
        drop(rows);
        let positions = DealPositions::new(&deals);

        let filtered = *filter != DealFilter::all();
        let mut query = QueryBuilder::<Postgres>::new(
            "SELECT e.deal_key, e.stage, e.entered_at FROM stage_events e",
        );
        if filtered {
            query.push(" WHERE e.deal_key IN (SELECT d.key FROM deals d WHERE 1 = 1");
            push_deal_filter(&mut query, filter);
            query.push(")");
        }
        query.push(" ORDER BY e.deal_key, e.entered_at, e.stage");
        let mut events = Vec::new();
        let mut rows = query.build().fetch(&mut *tx);
        while let Some(row) = rows.try_next().await? {
            if let Some((position, deal_id)) = positions.get(row.try_get(0)?) {
                let event = decode_stage_event(&row, 1, deal_id, &mut interner)?;
                events.push((position, event));
            }
        }
        drop(rows);

        let mut query = QueryBuilder::<Postgres>::new(
            "SELECT t.deal_key, t.started_at, t.minutes, t.category, t.note FROM time_entries t",
        );
        if filtered {
            query.push(" WHERE t.deal_key IN (SELECT d.key FROM deals d WHERE 1 = 1");
            push_deal_filter(&mut query, filter);
            query.push(")");
        }
        query.push(" ORDER BY t.deal_key, t.started_at, t.category");
        let mut time_entries = Vec::new();
        let mut rows = query.build().fetch(&mut *tx);
        while let Some(row) = rows.try_next().await? {
            if let Some((position, deal_id)) = positions.get(row.try_get(0)?) {
                time_entries.push((position, decode_time_entry(&row, 1, deal_id)?));
            }
        }
        drop(rows);
        let reopenings = tx.reopenings_of(ReopeningsOf::Deals(filter)).await?;
        tx.commit().await?;

        let ledger = Ledger {
            clients,
            deals: deals.into_iter().map(|(_, deal)| deal).collect(),
            events: in_deal_order(events),
            time_entries: in_deal_order(time_entries),
            reopenings,
        };
        tracing::debug!(
            deals = ledger.deals.len(),
            events = ledger.events.len(),
            elapsed = ?started.elapsed(),
            "loaded a ledger from PostgreSQL"
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

    async fn backup(&self, _destination: &Path, _if_exists: IfExists) -> Result<()> {
        Err(StoreError::Unsupported(
            "gigops does not copy a PostgreSQL store; back it up with pg_dump, e.g. \
             `pg_dump --format=custom --file=gigops.dump DATABASE`, and restore with pg_restore"
                .to_string(),
        ))
    }
}
