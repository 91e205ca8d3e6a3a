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
    REOPENING_WRITE_COLUMNS, upsert_clause,
};
use super::{
    DealRow, DealStatements, EntryRow, EventRow, Histories, KeyColumn, LedgerStatements,
    ReopeningRow,
};
use crate::codec::micros;
use crate::error::Result;
use crate::model::DealFilter;
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

fn write_clients(conn: &Connection, clients: &[&Client], then: &str) -> Result<u64> {
    let sql = insert("clients", &CLIENT_WRITE_COLUMNS, then);
    sum_each(conn, &sql, clients, |statement, client| {
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
            sum_each(conn, &sql, deals, |statement, row| {
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
            sum_each(conn, &sql, events, |statement, event| {
                statement.execute(params![event.deal_key, event.entered_at, event.stage])
            })
        })
    }

    async fn count_existing_entries(&mut self, entries: &[EntryRow<'_>]) -> Result<u64> {
        let direct = Direct::lend(self).await?;
        direct.run(|conn| {
            sum_each(
                conn,
                "SELECT count(*) FROM time_entries \
                 WHERE deal_key = ? AND started_at = ? AND category = ?",
                entries,
                |statement, entry| {
                    statement.query_row(
                        params![entry.deal_key, entry.started_at, entry.category],
                        |row| row.get::<_, i64>(0),
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
            sum_each(conn, &sql, entries, |statement, entry| {
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
            sum_each(
                conn,
                "SELECT count(*) FROM reopenings WHERE deal_key = ? AND reopened_at = ?",
                reopenings,
                |statement, row| {
                    statement.query_row(params![row.deal_key, row.reopened_at], |row| {
                        row.get::<_, i64>(0)
                    })
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
            sum_each(conn, &sql, reopenings, |statement, row| {
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
