//! The statements of the ledger on PostgreSQL.

use std::collections::HashMap;

use futures_util::TryStreamExt;
use gigops_core::{Client, Deal, DealId, Score};
use sqlx::{PgConnection, Postgres, QueryBuilder, Row};

use super::shared::{shared_deal_statements, shared_ledger_statements};
use super::sql::{
    CLIENT_WRITE_COLUMNS, DEAL_WRITE_COLUMNS, ENTRY_WRITE_COLUMNS, EVENT_WRITE_COLUMNS,
    REOPENING_WRITE_COLUMNS, select_deals, upsert_clause,
};
use super::{
    DealRow, DealStatements, EntryRow, EventRow, Histories, KeyColumn, LedgerStatements,
    ReopeningRow, upsert_counts,
};
use crate::codec::{
    DEAL_KEY_COLUMN, DealPositions, Interner, decode_deal, decode_stage_event, decode_time_entry,
    in_deal_order, micros, push_deal_filter,
};
use crate::error::Result;
use crate::model::{DealFilter, RowCounts};
use crate::postgres::{
    COPY_FROM_ROWS, CopyText, ROWS_PER_STATEMENT, copy_to_staging, insert_staged, insert_unnest,
};

/// The PostgreSQL types of each table's written columns, in the order of its `*_WRITE_COLUMNS`:
/// the element types of the `UNNEST` arrays and the columns of the `COPY` staging tables.
const CLIENT_TYPES: [&str; 5] = ["text"; 5];
const DEAL_TYPES: [&str; 13] = [
    "text", "int8", "text", "text", "text", "int8", "int8", "text", "int8", "text", "float8",
    "float8", "float8",
];
const EVENT_TYPES: [&str; 3] = ["int8", "int8", "text"];
const ENTRY_TYPES: [&str; 5] = ["int8", "int8", "text", "int8", "text"];
const REOPENING_TYPES: [&str; 6] = ["int8", "int8", "text", "text", "int8", "text"];

/// Writes many rows of `table` at once: `COPY` into a temporary table named `staged_<table>`,
/// then one `INSERT … SELECT` from it followed by `on_conflict`, the clause the `UNNEST`
/// statement of the same write uses, so both paths insert, update and count alike. Returns the
/// rows the insert wrote.
async fn write_by_copy<R>(
    conn: &mut PgConnection,
    table: &str,
    columns: &[&str],
    types: &[&str],
    on_conflict: &str,
    rows: &[R],
    write_row: impl Fn(&mut CopyText, &R),
) -> Result<u64> {
    let staging = format!("staged_{table}");
    let columns_and_types: Vec<(&str, &str)> =
        columns.iter().copied().zip(types.iter().copied()).collect();
    copy_to_staging(conn, &staging, &columns_and_types, rows, write_row).await?;
    let sql = format!("{}{on_conflict}", insert_staged(table, columns, &staging));
    Ok(sqlx::query(&sql)
        .persistent(false)
        .execute(&mut *conn)
        .await?
        .rows_affected())
}

async fn write_clients(
    conn: &mut PgConnection,
    clients: &[&Client],
    on_conflict: &str,
) -> Result<u64> {
    if clients.len() >= COPY_FROM_ROWS {
        return write_by_copy(
            conn,
            "clients",
            &CLIENT_WRITE_COLUMNS,
            &CLIENT_TYPES,
            on_conflict,
            clients,
            |row, c| {
                row.text(&c.name)
                    .text(c.currency.code())
                    .text(c.locale.as_str())
                    .text(c.time_zone.as_str())
                    .optional_text(c.platform.as_ref().map(|p| p.as_str()));
            },
        )
        .await;
    }
    let sql = format!(
        "{}{on_conflict}",
        insert_unnest("clients", &CLIENT_WRITE_COLUMNS, &CLIENT_TYPES)
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

async fn write_deals(conn: &mut PgConnection, deals: &[DealRow<'_>]) -> Result<u64> {
    let on_conflict = upsert_clause("deals", &["id"], &DEAL_WRITE_COLUMNS, "IS DISTINCT FROM");
    if deals.len() >= COPY_FROM_ROWS {
        return write_by_copy(
            conn,
            "deals",
            &DEAL_WRITE_COLUMNS,
            &DEAL_TYPES,
            &on_conflict,
            deals,
            |row, r| {
                let d = r.deal;
                row.text(d.id.as_str())
                    .int(r.client_key)
                    .text(d.platform.as_str())
                    .text(d.kind.as_str())
                    .text(d.value.currency.code())
                    .int(d.value.minor)
                    .int(micros(d.opened_at))
                    .text(d.outcome.as_str())
                    .optional_int(d.closed_at.map(micros))
                    .optional_text(d.lost_reason.as_deref())
                    .optional_float(d.tech_doc_score.map(Score::get))
                    .optional_float(d.github_score.map(Score::get))
                    .optional_float(d.demo_score.map(Score::get));
            },
        )
        .await;
    }
    let sql = format!(
        "{}{on_conflict}",
        insert_unnest("deals", &DEAL_WRITE_COLUMNS, &DEAL_TYPES)
    );
    let mut written = 0;
    for chunk in deals.chunks(ROWS_PER_STATEMENT) {
        let column =
            |f: &dyn Fn(&Deal) -> &str| -> Vec<&str> { chunk.iter().map(|r| f(r.deal)).collect() };
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
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    Ok(written)
}

async fn count_existing_entries(conn: &mut PgConnection, entries: &[EntryRow<'_>]) -> Result<u64> {
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
        .fetch_one(&mut *conn)
        .await?;
    }
    Ok(existing as u64)
}

async fn write_entries(conn: &mut PgConnection, entries: &[EntryRow<'_>]) -> Result<u64> {
    let on_conflict = upsert_clause(
        "time_entries",
        &["deal_key", "started_at", "category"],
        &ENTRY_WRITE_COLUMNS,
        "IS DISTINCT FROM",
    );
    if entries.len() >= COPY_FROM_ROWS {
        return write_by_copy(
            conn,
            "time_entries",
            &ENTRY_WRITE_COLUMNS,
            &ENTRY_TYPES,
            &on_conflict,
            entries,
            |row, e| {
                row.int(e.deal_key)
                    .int(e.started_at)
                    .text(e.category)
                    .int(e.minutes)
                    .optional_text(e.note);
            },
        )
        .await;
    }
    let sql = format!(
        "{}{on_conflict}",
        insert_unnest("time_entries", &ENTRY_WRITE_COLUMNS, &ENTRY_TYPES)
    );
    let mut written = 0;
    for chunk in entries.chunks(ROWS_PER_STATEMENT) {
        written += sqlx::query(&sql)
            .bind(chunk.iter().map(|e| e.deal_key).collect::<Vec<_>>())
            .bind(chunk.iter().map(|e| e.started_at).collect::<Vec<_>>())
            .bind(chunk.iter().map(|e| e.category).collect::<Vec<_>>())
            .bind(chunk.iter().map(|e| e.minutes).collect::<Vec<_>>())
            .bind(chunk.iter().map(|e| e.note).collect::<Vec<_>>())
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    Ok(written)
}

async fn count_existing_reopenings(
    conn: &mut PgConnection,
    reopenings: &[ReopeningRow<'_>],
) -> Result<u64> {
    let existing = sqlx::query_scalar::<_, i64>(
        "SELECT count(*) FROM UNNEST($1::int8[], $2::int8[]) AS v (deal_key, reopened_at) \
         JOIN reopenings r ON r.deal_key = v.deal_key AND r.reopened_at = v.reopened_at",
    )
    .bind(reopenings.iter().map(|r| r.deal_key).collect::<Vec<_>>())
    .bind(reopenings.iter().map(|r| r.reopened_at).collect::<Vec<_>>())
    .fetch_one(&mut *conn)
    .await?;
    Ok(existing as u64)
}

// Reopenings are few (a deal is seldom reopened): one statement holds them all, or a copy when
// an import brings many.
async fn write_reopenings(conn: &mut PgConnection, reopenings: &[ReopeningRow<'_>]) -> Result<u64> {
    let on_conflict = upsert_clause(
        "reopenings",
        &["deal_key", "reopened_at"],
        &REOPENING_WRITE_COLUMNS,
        "IS DISTINCT FROM",
    );
    if reopenings.len() >= COPY_FROM_ROWS {
        return write_by_copy(
            conn,
            "reopenings",
            &REOPENING_WRITE_COLUMNS,
            &REOPENING_TYPES,
            &on_conflict,
            reopenings,
            |row, r| {
                row.int(r.deal_key)
                    .int(r.reopened_at)
                    .text(r.reason)
                    .text(r.outcome)
                    .int(r.closed_at)
                    .optional_text(r.lost_reason);
            },
        )
        .await;
    }
    let sql = format!(
        "{}{on_conflict}",
        insert_unnest("reopenings", &REOPENING_WRITE_COLUMNS, &REOPENING_TYPES)
    );
    Ok(sqlx::query(&sql)
        .bind(reopenings.iter().map(|r| r.deal_key).collect::<Vec<_>>())
        .bind(reopenings.iter().map(|r| r.reopened_at).collect::<Vec<_>>())
        .bind(reopenings.iter().map(|r| r.reason).collect::<Vec<_>>())
        .bind(reopenings.iter().map(|r| r.outcome).collect::<Vec<_>>())
        .bind(reopenings.iter().map(|r| r.closed_at).collect::<Vec<_>>())
        .bind(reopenings.iter().map(|r| r.lost_reason).collect::<Vec<_>>())
        .execute(&mut *conn)
        .await?
        .rows_affected())
}

impl DealStatements for PgConnection {
    shared_deal_statements!();

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

    async fn lock_deal(&mut self, deal_key: i64) -> Result<()> {
        sqlx::query("SELECT 1 FROM deals WHERE key = $1 FOR UPDATE")
            .bind(deal_key)
            .execute(&mut *self)
            .await?;
        Ok(())
    }
}

impl LedgerStatements for PgConnection {
    shared_ledger_statements!();

    async fn upsert_clients(&mut self, clients: &[&Client]) -> Result<RowCounts> {
        let names: Vec<&str> = clients.iter().map(|c| c.name.as_str()).collect();
        let existing = self
            .keys_by_text(KeyColumn::ClientName, &names)
            .await?
            .len();
        let on_conflict = upsert_clause(
            "clients",
            &["name"],
            &CLIENT_WRITE_COLUMNS,
            "IS DISTINCT FROM",
        );
        let written = write_clients(self, clients, &on_conflict).await?;
        Ok(upsert_counts(clients.len(), existing, written))
    }

    async fn upsert_deals(&mut self, deals: &[DealRow<'_>]) -> Result<RowCounts> {
        let ids: Vec<&str> = deals.iter().map(|r| r.deal.id.as_str()).collect();
        let existing = self.keys_by_text(KeyColumn::DealId, &ids).await?.len();
        let written = write_deals(self, deals).await?;
        Ok(upsert_counts(deals.len(), existing, written))
    }

    async fn upsert_entries(&mut self, entries: &[EntryRow<'_>]) -> Result<RowCounts> {
        let existing = count_existing_entries(self, entries).await?;
        let written = write_entries(self, entries).await?;
        Ok(upsert_counts(entries.len(), existing as usize, written))
    }

    async fn upsert_reopenings(&mut self, reopenings: &[ReopeningRow<'_>]) -> Result<RowCounts> {
        let existing = count_existing_reopenings(self, reopenings).await?;
        let written = write_reopenings(self, reopenings).await?;
        Ok(upsert_counts(reopenings.len(), existing as usize, written))
    }

    async fn insert_missing_clients(&mut self, clients: &[Client]) -> Result<u64> {
        let clients: Vec<&Client> = clients.iter().collect();
        write_clients(self, &clients, " ON CONFLICT (name) DO NOTHING").await
    }

    async fn insert_events(&mut self, events: &[EventRow<'_>]) -> Result<u64> {
        let on_conflict = " ON CONFLICT DO NOTHING";
        if events.len() >= COPY_FROM_ROWS {
            return write_by_copy(
                self,
                "stage_events",
                &EVENT_WRITE_COLUMNS,
                &EVENT_TYPES,
                on_conflict,
                events,
                |row, e| {
                    row.int(e.deal_key).int(e.entered_at).text(e.stage);
                },
            )
            .await;
        }
        let sql = format!(
            "{}{on_conflict}",
            insert_unnest("stage_events", &EVENT_WRITE_COLUMNS, &EVENT_TYPES)
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

    async fn deal_history(&mut self, deal_key: i64, _id: &DealId) -> Result<Option<Histories>> {
        let mut interner = Interner::default();
        let sql = format!("{} AND d.key = $1", select_deals());
        let Some(row) = sqlx::query(&sql)
            .bind(deal_key)
            .fetch_optional(&mut *self)
            .await?
        else {
            return Ok(None);
        };
        let deal = decode_deal(&row, &mut interner)?;
        let mut events = Vec::new();
        let mut rows = sqlx::query(
            "SELECT stage, entered_at FROM stage_events WHERE deal_key = $1 \
             ORDER BY entered_at, stage",
        )
        .bind(deal_key)
        .fetch(&mut *self);
        while let Some(row) = rows.try_next().await? {
            events.push(decode_stage_event(&row, 0, &deal.id, &mut interner)?);
        }
        drop(rows);
        let mut time_entries = Vec::new();
        let mut rows = sqlx::query(
            "SELECT started_at, minutes, category, note FROM time_entries WHERE deal_key = $1 \
             ORDER BY started_at, category",
        )
        .bind(deal_key)
        .fetch(&mut *self);
        while let Some(row) = rows.try_next().await? {
            time_entries.push(decode_time_entry(&row, 0, &deal.id)?);
        }
        drop(rows);
        Ok(Some(Histories {
            deals: vec![deal],
            events,
            time_entries,
        }))
    }

    async fn histories(&mut self, filter: &DealFilter) -> Result<Histories> {
        let mut interner = Interner::default();

        let mut query = QueryBuilder::<Postgres>::new(select_deals());
        push_deal_filter(&mut query, filter);
        query.push(" ORDER BY d.id");
        let mut deals: Vec<(i64, Deal)> = Vec::new();
        let mut rows = query.build().fetch(&mut *self);
        while let Some(row) = rows.try_next().await? {
            let deal = decode_deal(&row, &mut interner)?;
            deals.push((row.try_get(DEAL_KEY_COLUMN)?, deal));
        }
        drop(rows);
        let positions = DealPositions::new(&deals);

        let filtered = !filter.selects_all();
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
        let mut rows = query.build().fetch(&mut *self);
        while let Some(row) = rows.try_next().await? {
            if let Some((position, deal_id)) = positions.get(row.try_get(0)?) {
                let event = decode_stage_event(&row, 1, deal_id, &mut interner)?;
                events.push((position, event));
            }
        }
        drop(rows);

        let mut query = QueryBuilder::<Postgres>::new(if filter.without_notes {
            "SELECT t.deal_key, t.started_at, t.minutes, t.category, NULL::text FROM time_entries t"
        } else {
            "SELECT t.deal_key, t.started_at, t.minutes, t.category, t.note FROM time_entries t"
        });
        if filtered {
            query.push(" WHERE t.deal_key IN (SELECT d.key FROM deals d WHERE 1 = 1");
            push_deal_filter(&mut query, filter);
            query.push(")");
        }
        query.push(" ORDER BY t.deal_key, t.started_at, t.category");
        let mut time_entries = Vec::new();
        let mut rows = query.build().fetch(&mut *self);
        while let Some(row) = rows.try_next().await? {
            if let Some((position, deal_id)) = positions.get(row.try_get(0)?) {
                time_entries.push((position, decode_time_entry(&row, 1, deal_id)?));
            }
        }
        drop(rows);
        Ok(Histories {
            deals: deals.into_iter().map(|(_, deal)| deal).collect(),
            events: in_deal_order(events),
            time_entries: in_deal_order(time_entries),
        })
    }
}
