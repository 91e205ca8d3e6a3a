//! The statements of the ledger on SQLite that differ from PostgreSQL's, run through rusqlite on
//! sqlx's connection ([`Direct`]): one prepared statement stepped once per row, rather than
//! multi-row statements binding megabytes of placeholders.

mod history;

use std::collections::HashMap;

use gigops_core::{Client, DealId, Score};
use rusqlite::{Connection, OptionalExtension, Statement, params};
use sqlx::SqliteConnection;

use super::shared::{shared_deal_statements, shared_ledger_statements};
use super::sql::{
    CLIENT_WRITE_COLUMNS, DEAL_WRITE_COLUMNS, ENTRY_WRITE_COLUMNS, EVENT_WRITE_COLUMNS,
    REOPENING_WRITE_COLUMNS,
};
use super::{
    DealRow, DealStatements, EntryRow, EventRow, Histories, KeyColumn, LedgerStatements,
    ReopeningRow,
};
use crate::codec::micros;
use crate::error::Result;
use crate::model::{DealFilter, RowCounts};
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

/// Runs one statement once per row and sums what `step` returns for each: the rows it changed,
/// or a count it selected.
fn sum_each<R, N: TryInto<u64>>(
    conn: &Connection,
    sql: &str,
    rows: &[R],
    mut step: impl FnMut(&mut Statement<'_>, &R) -> rusqlite::Result<N>,
) -> Result<u64> {
    let mut statement = conn.prepare(sql)?;
    let mut sum = 0;
    for row in rows {
        sum += step(&mut statement, row)?.try_into().unwrap_or(0);
    }
    Ok(sum)
}

/// Upserts rows keyed by `conflict`: per row, an insert that does nothing when the key is
/// stored, and only then an update where a value differs, each counted as it went.
///
/// Not SQLite's one-statement upsert (`ON CONFLICT … DO UPDATE`): a statement that may both
/// insert and update is given a statement journal, a copy of every page it first touches, which
/// took a third of the time of an import's deals (docs/store.md, "Import"). `execute` binds a
/// row's values in `columns` order to whichever of the two statements it is given.
fn upsert_each<R>(
    conn: &Connection,
    table: &str,
    conflict: &[&str],
    columns: &[&str],
    rows: &[R],
    mut execute: impl FnMut(&mut Statement<'_>, &R) -> rusqlite::Result<usize>,
) -> Result<RowCounts> {
    let then = format!(" ON CONFLICT ({}) DO NOTHING", conflict.join(", "));
    let mut insert = conn.prepare(&insert(table, columns, &then))?;
    let mut update = conn.prepare(&update_where_differs(table, conflict, columns))?;
    let mut counts = RowCounts::default();
    for row in rows {
        if execute(&mut insert, row)? == 1 {
            counts.inserted += 1;
        } else if execute(&mut update, row)? == 1 {
            counts.updated += 1;
        } else {
            counts.unchanged += 1;
        }
    }
    Ok(counts)
}

/// `UPDATE table SET c = ?n, … WHERE key = ?k AND (c IS NOT ?n OR …)`, its parameters numbered
/// as `columns` are, so that it binds what the insert of [`upsert_each`] binds.
fn update_where_differs(table: &str, conflict: &[&str], columns: &[&str]) -> String {
    let placeholder = |column: &str| {
        let position = columns.iter().position(|c| *c == column).unwrap_or(0);
        format!("?{}", position + 1)
    };
    let values: Vec<&str> = columns
        .iter()
        .copied()
        .filter(|c| !conflict.contains(c))
        .collect();
    let set: Vec<String> = values
        .iter()
        .map(|c| format!("{c} = {}", placeholder(c)))
        .collect();
    let key: Vec<String> = conflict
        .iter()
        .map(|c| format!("{c} = {}", placeholder(c)))
        .collect();
    let differs: Vec<String> = values
        .iter()
        .map(|c| format!("{c} IS NOT {}", placeholder(c)))
        .collect();
    format!(
        "UPDATE {table} SET {} WHERE {} AND ({})",
        set.join(", "),
        key.join(" AND "),
        differs.join(" OR ")
    )
}

fn execute_client(statement: &mut Statement<'_>, client: &&Client) -> rusqlite::Result<usize> {
    statement.execute(params![
        client.name,
        client.currency.code(),
        client.locale.as_str(),
        client.time_zone,
        client.platform.as_ref().map(|p| p.as_str()),
    ])
}

impl DealStatements for SqliteConnection {
    shared_deal_statements!();

    async fn keys_by_text(
        &mut self,
        column: KeyColumn,
        values: &[&str],
    ) -> Result<HashMap<String, i64>> {
        let (table, column) = column.sql();
        let direct = Direct::lend(self).await?;
        direct.run(|conn| {
            let mut statement =
                conn.prepare(&format!("SELECT key FROM {table} WHERE {column} = ?"))?;
            let mut keys = HashMap::with_capacity(values.len());
            for value in values {
                if let Some(key) = statement
                    .query_row([value], |row| row.get::<_, i64>(0))
                    .optional()?
                {
                    keys.insert(value.to_string(), key);
                }
            }
            Ok(keys)
        })
    }

    async fn lock_deal(&mut self, _deal_key: i64) -> Result<()> {
        // Every write transaction began with BEGIN IMMEDIATE and holds the database's lock.
        Ok(())
    }
}

impl LedgerStatements for SqliteConnection {
    shared_ledger_statements!();

    async fn upsert_clients(&mut self, clients: &[&Client]) -> Result<RowCounts> {
        let direct = Direct::lend(self).await?;
        direct.run(|conn| {
            upsert_each(
                conn,
                "clients",
                &["name"],
                &CLIENT_WRITE_COLUMNS,
                clients,
                execute_client,
            )
        })
    }

    async fn insert_missing_clients(&mut self, clients: &[Client]) -> Result<u64> {
        let clients: Vec<&Client> = clients.iter().collect();
        let sql = insert(
            "clients",
            &CLIENT_WRITE_COLUMNS,
            " ON CONFLICT (name) DO NOTHING",
        );
        let direct = Direct::lend(self).await?;
        direct.run(|conn| sum_each(conn, &sql, &clients, execute_client))
    }

    async fn upsert_deals(&mut self, deals: &[DealRow<'_>]) -> Result<RowCounts> {
        let direct = Direct::lend(self).await?;
        direct.run(|conn| {
            upsert_each(
                conn,
                "deals",
                &["id"],
                &DEAL_WRITE_COLUMNS,
                deals,
                |statement, row| {
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
                },
            )
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
            sum_each(conn, &sql, events, |statement, event| {
                statement.execute(params![event.deal_key, event.entered_at, event.stage])
            })
        })
    }

    async fn upsert_entries(&mut self, entries: &[EntryRow<'_>]) -> Result<RowCounts> {
        let direct = Direct::lend(self).await?;
        direct.run(|conn| {
            upsert_each(
                conn,
                "time_entries",
                &["deal_key", "started_at", "category"],
                &ENTRY_WRITE_COLUMNS,
                entries,
                |statement, entry| {
                    statement.execute(params![
                        entry.deal_key,
                        entry.started_at,
                        entry.category,
                        entry.minutes,
                        entry.note,
                    ])
                },
            )
        })
    }

    async fn upsert_reopenings(&mut self, reopenings: &[ReopeningRow<'_>]) -> Result<RowCounts> {
        let direct = Direct::lend(self).await?;
        direct.run(|conn| {
            upsert_each(
                conn,
                "reopenings",
                &["deal_key", "reopened_at"],
                &REOPENING_WRITE_COLUMNS,
                reopenings,
                |statement, row| {
                    statement.execute(params![
                        row.deal_key,
                        row.reopened_at,
                        row.reason,
                        row.outcome,
                        row.closed_at,
                        row.lost_reason,
                    ])
                },
            )
        })
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
}
