//! The statements of quotes, one text for both backends (see `store::on_both_backends!`).

use super::{QuoteRow, QuoteStatements};
use crate::error::Result;
use crate::scope::DealsIn;
use crate::store::on_both_backends;

on_both_backends!(impl QuoteStatements {
    async fn last_quote_version(&mut self, deal_key: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM quotes WHERE deal_key = $1",
        )
        .bind(deal_key)
        .fetch_one(&mut *self)
        .await?)
    }

    async fn insert_quote(
        &mut self,
        deal_key: i64,
        version: i64,
        created_at: i64,
        quote: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO quotes (deal_key, version, created_at, quote) VALUES ($1, $2, $3, $4)",
        )
        .bind(deal_key)
        .bind(version)
        .bind(created_at)
        .bind(quote)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    async fn quotes_of(&mut self, deals: DealsIn) -> Result<Vec<QuoteRow>> {
        Ok(sqlx::query_as(
            "SELECT d.id, CAST(q.version AS BIGINT), q.created_at, q.accepted_at, q.quote \
             FROM quotes q JOIN deals d ON d.key = q.deal_key \
             WHERE (CAST($1 AS BIGINT) IS NULL OR q.deal_key = $1) \
             AND (CAST($2 AS BIGINT) IS NULL OR d.client_key = $2) \
             ORDER BY d.id, q.version",
        )
        .bind(deals.deal)
        .bind(deals.client)
        .fetch_all(&mut *self)
        .await?)
    }

    async fn set_accepted_quote(&mut self, deal_key: i64, version: i64, at: i64) -> Result<bool> {
        let found =
            sqlx::query("UPDATE quotes SET accepted_at = $1 WHERE deal_key = $2 AND version = $3")
                .bind(at)
                .bind(deal_key)
                .bind(version)
                .execute(&mut *self)
                .await?
                .rows_affected();
        if found == 0 {
            return Ok(false);
        }
        sqlx::query("UPDATE quotes SET accepted_at = NULL WHERE deal_key = $1 AND version <> $2")
            .bind(deal_key)
            .bind(version)
            .execute(&mut *self)
            .await?;
        Ok(true)
    }
});
