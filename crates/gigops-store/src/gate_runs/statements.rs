//! The statements of gate runs, one text for both backends (see `store::on_both_backends!`).

use super::{GateRunRow, GateRunStatements};
use crate::codec::micros;
use crate::error::Result;
use crate::model::GateRun;
use crate::store::on_both_backends;

on_both_backends!(impl GateRunStatements {
    async fn insert_gate_run(&mut self, deal_key: i64, run: &GateRun) -> Result<()> {
        sqlx::query(
            "INSERT INTO gate_runs (deal_key, milestone, recorded_at, passed, summary) \
             VALUES ($1, $2, $3, $4, $5)",
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
             WHERE deal_key = $1 AND (CAST($2 AS TEXT) IS NULL OR milestone = $2) \
             ORDER BY recorded_at, key",
        )
        .bind(deal_key)
        .bind(milestone)
        .fetch_all(&mut *self)
        .await?)
    }
});
