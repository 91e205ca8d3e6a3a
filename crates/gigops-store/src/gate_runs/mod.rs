//! Gate runs: the delivery gate's summaries recorded against a deal (and a milestone).

mod statements;

use std::future::Future;

use gigops_core::DealId;

use crate::codec::instant;
use crate::error::Result;
use crate::ledger::{DealStatements, deal_key};
use crate::model::GateRun;
use crate::problems::Problems;
use crate::scope::{ClientScope, scoped_deal_key};
use crate::store::{Store, in_transaction};

/// Recording and reading delivery-gate runs.
pub trait GateRunStore: Send + Sync {
    /// Records a delivery-gate run against its deal, which must exist (`NotFound`); the
    /// summary is stored as the text given.
    fn record_gate_run(&self, run: &GateRun) -> impl Future<Output = Result<()>> + Send;

    /// The gate runs recorded against a deal (of one milestone, when given), by `recorded_at`,
    /// then the order they were recorded; `NotFound` for a deal not in the scope.
    fn gate_runs(
        &self,
        deal_id: &DealId,
        milestone: Option<&str>,
        scope: &ClientScope,
    ) -> impl Future<Output = Result<Vec<GateRun>>> + Send;
}

impl GateRunStore for Store {
    async fn record_gate_run(&self, run: &GateRun) -> Result<()> {
        in_transaction!(self, write, |tx| record(tx, run))
    }

    async fn gate_runs(
        &self,
        deal_id: &DealId,
        milestone: Option<&str>,
        scope: &ClientScope,
    ) -> Result<Vec<GateRun>> {
        in_transaction!(self, read, |tx| runs_of(tx, deal_id, milestone, scope))
    }
}

/// A gate run as stored: `(milestone, recorded_at µs, passed, summary)`.
pub(crate) type GateRunRow = (Option<String>, i64, bool, String);

/// The statements of gate runs, which each backend writes in its SQL.
pub(crate) trait GateRunStatements: DealStatements {
    /// Inserts a gate run of the deal with this key.
    fn insert_gate_run(
        &mut self,
        deal_key: i64,
        run: &GateRun,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The gate runs of the deal with this key (of one milestone, when given), by
    /// `recorded_at`, then key.
    fn gate_runs_of(
        &mut self,
        deal_key: i64,
        milestone: Option<&str>,
    ) -> impl Future<Output = Result<Vec<GateRunRow>>> + Send;
}

async fn record<T: GateRunStatements>(tx: &mut T, run: &GateRun) -> Result<()> {
    let mut problems = Problems::default();
    problems.instant(run.recorded_at, || {
        format!("gate run of deal {}: recorded_at", run.deal_id)
    });
    problems.into_result()?;
    let deal_key = deal_key(tx, &run.deal_id, "deal").await?;
    tx.insert_gate_run(deal_key, run).await
}

async fn runs_of<T: GateRunStatements>(
    tx: &mut T,
    deal_id: &DealId,
    milestone: Option<&str>,
    scope: &ClientScope,
) -> Result<Vec<GateRun>> {
    let deal_key = scoped_deal_key(tx, deal_id, scope).await?;
    tx.gate_runs_of(deal_key, milestone)
        .await?
        .into_iter()
        .map(|(milestone, recorded_at, passed, summary)| {
            Ok(GateRun {
                deal_id: deal_id.clone(),
                milestone,
                recorded_at: instant(recorded_at)?,
                passed,
                summary,
            })
        })
        .collect()
}
