//! The statements of the ledger on SQLite.

mod history;

use std::collections::HashMap;

use futures_util::TryStreamExt;
use gigops_core::{Client, Deal, DealId, Reopening, Score};
use sqlx::sqlite::SqliteArguments;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};

use super::sql::{
    CLIENT_WRITE_COLUMNS, COUNT_ROWS, DEAL_WRITE_COLUMNS, ENTRY_WRITE_COLUMNS, EVENT_WRITE_COLUMNS,
    REOPENING_WRITE_COLUMNS, SELECT_REOPENINGS, select_deals, upsert_clause,
};
use super::{
    DealRow, DealStatements, EntryRow, EventRow, Histories, KeyColumn, LedgerStatements,
    ReopeningRow, ReopeningsOf,
};
use crate::codec::{
    CLIENT_COLUMNS, Interner, decode_client, decode_deal, decode_reopening, micros,
    push_deal_filter,
};
use crate::error::{Result, StoreError};
use crate::model::{Counts, DealFilter};
use crate::sqlite::{BatchSql, MAX_PARAMS, in_list, rows_per_batch, values_list};
use history::{Selection, select_histories};

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

impl DealStatements for SqliteConnection {
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

    async fn deal_by_id(&mut self, id: &str) -> Result<Option<Deal>> {
        let sql = format!("{} AND d.id = ?", select_deals());
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&mut *self)
            .await?;
        row.map(|row| decode_deal(&row, &mut Interner::default()))
            .transpose()
    }

    async fn deal_of_client(&mut self, deal_key: i64, client_key: i64) -> Result<bool> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM deals WHERE key = ? AND client_key = ?)",
        )
        .bind(deal_key)
        .bind(client_key)
        .fetch_one(&mut *self)
        .await?)
    }

    async fn lock_deal(&mut self, _deal_key: i64) -> Result<()> {
        // Every write transaction began with BEGIN IMMEDIATE and holds the database's lock.
        Ok(())
    }
}

impl LedgerStatements for SqliteConnection {
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

    async fn clients(&mut self) -> Result<Vec<Client>> {
        let sql = format!("SELECT {CLIENT_COLUMNS} FROM clients ORDER BY name");
        let mut interner = Interner::default();
        let mut clients = Vec::new();
        let mut rows = sqlx::query(&sql).fetch(&mut *self);
        while let Some(row) = rows.try_next().await? {
            clients.push(decode_client(&row, &mut interner)?);
        }
        Ok(clients)
    }

    async fn client_by_name(&mut self, name: &str) -> Result<Option<Client>> {
        let sql = format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE name = ?");
        let row = sqlx::query(&sql)
            .bind(name)
            .fetch_optional(&mut *self)
            .await?;
        row.map(|row| decode_client(&row, &mut Interner::default()))
            .transpose()
    }

    async fn deals(&mut self, filter: &DealFilter, client: Option<&str>) -> Result<Vec<Deal>> {
        let mut query = QueryBuilder::<Sqlite>::new(select_deals());
        push_deal_filter(&mut query, filter);
        if let Some(client) = client {
            query.push(" AND c.name = ").push_bind(client);
        }
        query.push(" ORDER BY d.opened_at, d.id");
        let mut interner = Interner::default();
        let mut deals = Vec::new();
        let mut rows = query.build().fetch(&mut *self);
        while let Some(row) = rows.try_next().await? {
            deals.push(decode_deal(&row, &mut interner)?);
        }
        Ok(deals)
    }

    async fn deal_history(&mut self, _deal_key: i64, id: &DealId) -> Result<Option<Histories>> {
        let read = select_histories(self, Selection::Id(id.as_str())).await?;
        Ok(Some(Histories {
            deals: read.deals,
            events: read.events,
            time_entries: read.time_entries,
        }))
    }

    async fn histories(&mut self, filter: &DealFilter) -> Result<Histories> {
        let read = select_histories(self, Selection::Filtered(filter)).await?;
        Ok(Histories {
            deals: read.deals,
            events: read.events,
            time_entries: read.time_entries,
        })
    }

    async fn counts(&mut self) -> Result<Counts> {
        let row = sqlx::query(COUNT_ROWS).fetch_one(&mut *self).await?;
        let count = |i: usize| -> Result<u64> { Ok(row.try_get::<i64, _>(i)? as u64) };
        Ok(Counts {
            clients: count(0)?,
            deals: count(1)?,
            events: count(2)?,
            time_entries: count(3)?,
            reopenings: count(4)?,
        })
    }
}
