//! The statements of the ledger on SQLite, run through rusqlite on sqlx's connection
//! ([`Direct`]): one prepared statement stepped once per row, which SQLite runs faster than the
//! multi-row statements sqlx needs, without binding megabytes of placeholders.

mod history;

use std::collections::HashMap;

use futures_util::TryStreamExt;
use gigops_core::{Client, Deal, DealId, Reopening, Score};
use rusqlite::{Connection, OptionalExtension, Statement, params};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::sql::{
    CLIENT_WRITE_COLUMNS, COUNT_ROWS, DEAL_WRITE_COLUMNS, ENTRY_WRITE_COLUMNS, EVENT_WRITE_COLUMNS,
    REOPENING_WRITE_COLUMNS, SELECT_REOPENINGS, select_deals, upsert_clause,
};
use super::{
    DealRow, DealStatements, EntryRow, EventRow, Histories, KeyColumn, LedgerStatements,
    ReopeningRow, ReopeningsOf,
};
use crate::codec::{
    CLIENT_COLUMNS, Columns, Interner, decode_client, decode_deal, decode_reopening, micros,
    push_deal_filter,
};
use crate::error::Result;
use crate::model::{Counts, DealFilter};
use crate::sqlite::Direct;
use history::{Selection, read_histories};

/// `INSERT INTO table (columns) VALUES (?, …)` and what follows.
fn insert(table: &str, columns: &[&str], then: &str) -> String {
    format!(
        "INSERT INTO {table} ({}) VALUES ({}){then}",
        columns.join(", "),
        vec!["?"; columns.len()].join(", ")
    )
}

/// Runs one statement once per row; returns how many rows it changed in all.
fn execute_each<R>(
    conn: &Connection,
    sql: &str,
    rows: &[R],
    mut execute: impl FnMut(&mut Statement<'_>, &R) -> rusqlite::Result<usize>,
) -> Result<u64> {
    let mut statement = conn.prepare(sql)?;
    let mut changed = 0;
    for row in rows {
        changed += execute(&mut statement, row)? as u64;
    }
    Ok(changed)
}

/// Sums a count that a statement returns for each row.
fn count_each<R>(
    conn: &Connection,
    sql: &str,
    rows: &[R],
    mut count: impl FnMut(&mut Statement<'_>, &R) -> rusqlite::Result<i64>,
) -> Result<u64> {
    let mut statement = conn.prepare(sql)?;
    let mut total = 0;
    for row in rows {
        total += count(&mut statement, row)?;
    }
    Ok(total as u64)
}

fn write_clients(conn: &Connection, clients: &[&Client], then: &str) -> Result<u64> {
    let sql = insert("clients", &CLIENT_WRITE_COLUMNS, then);
    execute_each(conn, &sql, clients, |statement, client| {
        statement.execute(params![
            client.name,
            client.currency.code(),
            client.locale.as_str(),
            client.time_zone,
            client.platform.as_ref().map(|p| p.as_str()),
        ])
    })
}

impl DealStatements for SqliteConnection {
    async fn keys_by_text(
        &mut self,
        column: KeyColumn,
        values: &[&str],
    ) -> Result<HashMap<String, i64>> {
        let (table, column) = column.sql();
        let direct = Direct::lend(self).await?;
        direct.run(|conn| {
            let mut statement = conn.prepare(&format!("SELECT key FROM {table} WHERE {column} = ?"))?;
            let mut keys = HashMap::with_capacity(values.len());
            for value in values {
                if let Some(key) = statement.query_row([value], |row| row.get(0)).optional()? {
                    keys.insert(value.to_string(), key);
                }
            }
            Ok(keys)
        })
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
        let direct = Direct::lend(self).await?;
        direct.run(|conn| write_clients(conn, clients, &on_conflict))
    }

    async fn insert_missing_clients(&mut self, clients: &[Client]) -> Result<u64> {
        let clients: Vec<&Client> = clients.iter().collect();
        let direct = Direct::lend(self).await?;
        direct.run(|conn| write_clients(conn, &clients, " ON CONFLICT (name) DO NOTHING"))
    }

    async fn upsert_deals(&mut self, deals: &[DealRow<'_>]) -> Result<u64> {
        let on_conflict = upsert_clause("deals", &["id"], &DEAL_WRITE_COLUMNS, "IS NOT");
        let sql = insert("deals", &DEAL_WRITE_COLUMNS, &on_conflict);
        let direct = Direct::lend(self).await?;
        direct.run(|conn| {
            execute_each(conn, &sql, deals, |statement, row| {
                let deal = row.deal;
                statement.execute(params![
                    deal.id.as_str(),
                    row.client_key,
                    deal.platform.as_str(),
                    deal.kind.as_str(),
                    deal.value.currency.code(),
                    deal.value.minor,
                    micros(deal.opened_at),
                    deal.outcome.as_str(),
                    deal.closed_at.map(micros),
                    deal.lost_reason,
                    deal.tech_doc_score.map(Score::get),
                    deal.github_score.map(Score::get),
                    deal.demo_score.map(Score::get),
                ])
            })
        })
    }

    async fn insert_events(&mut self, events: &[EventRow<'_>]) -> Result<u64> {
        let sql = insert(
            "stage_events",
            &EVENT_WRITE_COLUMNS,
            " ON CONFLICT DO NOTHING",
        );
        let direct = Direct::lend(self).await?;
        direct.run(|conn| {
            execute_each(conn, &sql, events, |statement, event| {
                statement.execute(params![event.deal_key, event.entered_at, event.stage])
            })
        })
    }

    async fn count_existing_entries(&mut self, entries: &[EntryRow<'_>]) -> Result<u64> {
        let direct = Direct::lend(self).await?;
        direct.run(|conn| {
            count_each(
                conn,
                "SELECT count(*) FROM time_entries \
                 WHERE deal_key = ? AND started_at = ? AND category = ?",
                entries,
                |statement, entry| {
                    statement.query_row(
                        params![entry.deal_key, entry.started_at, entry.category],
                        |row| row.get(0),
                    )
                },
            )
        })
    }

    async fn upsert_entries(&mut self, entries: &[EntryRow<'_>]) -> Result<u64> {
        let on_conflict = upsert_clause(
            "time_entries",
            &["deal_key", "started_at", "category"],
            &ENTRY_WRITE_COLUMNS,
            "IS NOT",
        );
        let sql = insert("time_entries", &ENTRY_WRITE_COLUMNS, &on_conflict);
        let direct = Direct::lend(self).await?;
        direct.run(|conn| {
            execute_each(conn, &sql, entries, |statement, entry| {
                statement.execute(params![
                    entry.deal_key,
                    entry.started_at,
                    entry.category,
                    entry.minutes,
                    entry.note,
                ])
            })
        })
    }

    async fn count_existing_reopenings(&mut self, reopenings: &[ReopeningRow<'_>]) -> Result<u64> {
        let direct = Direct::lend(self).await?;
        direct.run(|conn| {
            count_each(
                conn,
                "SELECT count(*) FROM reopenings WHERE deal_key = ? AND reopened_at = ?",
                reopenings,
                |statement, row| {
                    statement.query_row(params![row.deal_key, row.reopened_at], |row| row.get(0))
                },
            )
        })
    }

    async fn upsert_reopenings(&mut self, reopenings: &[ReopeningRow<'_>]) -> Result<u64> {
        let on_conflict = upsert_clause(
            "reopenings",
            &["deal_key", "reopened_at"],
            &REOPENING_WRITE_COLUMNS,
            "IS NOT",
        );
        let sql = insert("reopenings", &REOPENING_WRITE_COLUMNS, &on_conflict);
        let direct = Direct::lend(self).await?;
        direct.run(|conn| {
            execute_each(conn, &sql, reopenings, |statement, row| {
                statement.execute(params![
                    row.deal_key,
                    row.reopened_at,
                    row.reason,
                    row.outcome,
                    row.closed_at,
                    row.lost_reason,
                ])
            })
        })
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
        let direct = Direct::lend(self).await?;
        direct.run(|conn| {
            let mut interner = Interner::default();
            let mut statement = conn.prepare(&sql)?;
            let mut rows = statement.query([])?;
            let mut clients = Vec::new();
            while let Some(row) = rows.next()? {
                clients.push(decode_client(row, &mut interner)?);
            }
            Ok(clients)
        })
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
        let direct = Direct::lend(self).await?;
        direct
            .run(|conn| read_histories(conn, &Selection::Id(id.as_str())))
            .map(Some)
    }

    async fn histories(&mut self, filter: &DealFilter) -> Result<Histories> {
        let direct = Direct::lend(self).await?;
        direct.run(|conn| read_histories(conn, &Selection::Filtered(filter)))
    }

    async fn counts(&mut self) -> Result<Counts> {
        let row = sqlx::query(COUNT_ROWS).fetch_one(&mut *self).await?;
        let count = |i: usize| -> Result<u64> { Ok(row.integer(i)? as u64) };
        Ok(Counts {
            clients: count(0)?,
            deals: count(1)?,
            events: count(2)?,
            time_entries: count(3)?,
            reopenings: count(4)?,
        })
    }
}
