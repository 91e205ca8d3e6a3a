//! The statements of contracts, one text for both backends (see `store::on_both_backends!`).

use super::{
    AcceptanceRow, ContractStatements, MilestoneRow, ReadyRow, SignatureRow, SowRow, ready_sql,
};
use crate::codec::micros;
use crate::error::Result;
use crate::model::{NewAcceptance, NewSow, SowMilestone};
use crate::scope::DealsIn;
use crate::store::on_both_backends;
use gigops_core::Signature;

/// The SOWs (aliased `s`) of the deals reached: `$1` the deal's key, `$2` the client's.
pub(super) const SOWS_REACHED: &str = "(CAST($1 AS BIGINT) IS NULL OR s.deal_key = $1) \
     AND (CAST($2 AS BIGINT) IS NULL OR s.deal_key IN \
     (SELECT key FROM deals WHERE client_key = $2))";

on_both_backends!(impl ContractStatements {
    async fn last_sow_version(&mut self, deal_key: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM sows WHERE deal_key = $1",
        )
        .bind(deal_key)
        .fetch_one(&mut *self)
        .await?)
    }

    async fn insert_sow(&mut self, deal_key: i64, version: i64, sow: &NewSow) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO sows (deal_key, version, sow_id, created_at, currency, source, \
             source_sha256, sow_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING key",
        )
        .bind(deal_key)
        .bind(version)
        .bind(&sow.sow_id)
        .bind(micros(sow.created_at))
        .bind(sow.currency.code())
        .bind(&sow.source)
        .bind(&sow.source_sha256)
        .bind(&sow.sow_json)
        .fetch_one(&mut *self)
        .await?)
    }

    async fn insert_milestone(
        &mut self,
        sow_key: i64,
        position: i64,
        milestone: &SowMilestone,
        due: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sow_milestones (sow_key, id, position, title, due, amount_minor) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(sow_key)
        .bind(&milestone.id)
        .bind(position)
        .bind(&milestone.title)
        .bind(due)
        .bind(milestone.amount_minor)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    async fn sow_version(&mut self, deal_key: i64, version: i64) -> Result<Option<(i64, String)>> {
        Ok(
            sqlx::query_as(
                "SELECT key, source_sha256 FROM sows WHERE deal_key = $1 AND version = $2",
            )
            .bind(deal_key)
            .bind(version)
            .fetch_optional(&mut *self)
            .await?,
        )
    }

    async fn sows_of(&mut self, deals: DealsIn) -> Result<Vec<SowRow>> {
        let sql = format!(
            "SELECT s.key, d.id, CAST(s.version AS BIGINT), s.sow_id, s.created_at, s.currency, \
             s.source, s.source_sha256, s.sow_json FROM sows s JOIN deals d ON d.key = s.deal_key \
             WHERE {SOWS_REACHED} ORDER BY d.id, s.version"
        );
        Ok(sqlx::query_as(&sql)
            .bind(deals.deal)
            .bind(deals.client)
            .fetch_all(&mut *self)
            .await?)
    }

    async fn milestones_of(&mut self, deals: DealsIn) -> Result<Vec<MilestoneRow>> {
        let sql = format!(
            "SELECT m.sow_key, m.id, m.title, m.due, m.amount_minor, m.invoiced_at \
             FROM sow_milestones m JOIN sows s ON s.key = m.sow_key \
             WHERE {SOWS_REACHED} ORDER BY m.sow_key, m.position"
        );
        Ok(sqlx::query_as(&sql)
            .bind(deals.deal)
            .bind(deals.client)
            .fetch_all(&mut *self)
            .await?)
    }

    async fn has_milestone(&mut self, sow_key: i64, milestone: &str) -> Result<bool> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM sow_milestones WHERE sow_key = $1 AND id = $2)",
        )
        .bind(sow_key)
        .bind(milestone)
        .fetch_one(&mut *self)
        .await?)
    }

    async fn milestone_invoiced_at(
        &mut self,
        deal_key: i64,
        milestone: &str,
    ) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT min(m.invoiced_at) FROM sow_milestones m JOIN sows s ON s.key = m.sow_key \
             WHERE s.deal_key = $1 AND m.id = $2",
        )
        .bind(deal_key)
        .bind(milestone)
        .fetch_one(&mut *self)
        .await?)
    }

    async fn set_milestone_invoiced(
        &mut self,
        sow_key: i64,
        milestone: &str,
        at: i64,
    ) -> Result<()> {
        sqlx::query("UPDATE sow_milestones SET invoiced_at = $1 WHERE sow_key = $2 AND id = $3")
            .bind(at)
            .bind(sow_key)
            .bind(milestone)
            .execute(&mut *self)
            .await?;
        Ok(())
    }

    async fn insert_signature(&mut self, sow_key: i64, signature: &Signature) -> Result<()> {
        sqlx::query(
            "INSERT INTO sow_signatures (sow_key, signer, role, signed_at, source_sha256, \
             document_sha256, lang, ssh_signature) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(sow_key)
        .bind(&signature.signer)
        .bind(&signature.role)
        .bind(micros(signature.signed_at))
        .bind(&signature.source_sha256)
        .bind(&signature.document_sha256)
        .bind(signature.lang.as_str())
        .bind(&signature.ssh_signature)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    async fn signatures_of(&mut self, sow_key: i64) -> Result<Vec<SignatureRow>> {
        Ok(sqlx::query_as(
            "SELECT signer, role, signed_at, source_sha256, document_sha256, lang, \
             ssh_signature FROM sow_signatures WHERE sow_key = $1 ORDER BY signed_at, key",
        )
        .bind(sow_key)
        .fetch_all(&mut *self)
        .await?)
    }

    async fn insert_acceptance(&mut self, sow_key: i64, acceptance: &NewAcceptance) -> Result<()> {
        sqlx::query(
            "INSERT INTO sow_acceptances (sow_key, milestone, evaluated_at, accepted, record, \
             evidence) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(sow_key)
        .bind(&acceptance.milestone)
        .bind(micros(acceptance.evaluated_at))
        .bind(acceptance.accepted)
        .bind(&acceptance.record_json)
        .bind(&acceptance.evidence_json)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    async fn acceptances_of(&mut self, deal_key: i64) -> Result<Vec<AcceptanceRow>> {
        Ok(sqlx::query_as(
            "SELECT CAST(s.version AS BIGINT), a.milestone, a.evaluated_at, a.accepted, \
             a.record, a.evidence FROM sow_acceptances a JOIN sows s ON s.key = a.sow_key \
             WHERE s.deal_key = $1 ORDER BY a.evaluated_at, a.key",
        )
        .bind(deal_key)
        .fetch_all(&mut *self)
        .await?)
    }

    async fn ready_of(&mut self, deals: DealsIn) -> Result<Vec<ReadyRow>> {
        let sql = ready_sql();
        Ok(sqlx::query_as(&sql)
            .bind(deals.deal)
            .bind(deals.client)
            .fetch_all(&mut *self)
            .await?)
    }
});
