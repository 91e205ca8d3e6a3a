//! The statements of gate runs on SQLite.

use sqlx::SqliteConnection;

use super::{GateRunRow, GateRunStatements};
use crate::codec::micros;
use crate::error::Result;
use crate::model::GateRun;

impl GateRunStatements for SqliteConnection {
    async fn insert_gate_run(&mut self, deal_key: i64, run: &GateRun) -> Result<()> {
        sqlx::query(
            "INSERT INTO gate_runs (deal_key, milestone, recorded_at, passed, summary) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(deal_key)
        .bind(run.milestone.as_deref())
        .bind(micros(run.recorded_at))
        .bind(run.passed)
        .bind(&run.summary)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    async fn gate_runs_of(
        &mut self,
        deal_key: i64,
        milestone: Option<&str>,
    ) -> Result<Vec<GateRunRow>> {
        Ok(sqlx::query_as(
            "SELECT milestone, recorded_at, passed, summary FROM gate_runs \
             WHERE deal_key = ? AND (? IS NULL OR milestone = ?) ORDER BY recorded_at, key",
        )
        .bind(deal_key)
        .bind(milestone)
        .bind(milestone)
        .fetch_all(&mut *self)
        .await?)
    }
}
