//! The statements of quotes on PostgreSQL.

use sqlx::PgConnection;

use super::{QuoteRow, QuoteStatements};
use crate::error::{Result, StoreError};
use crate::scope::DealsIn;

impl QuoteStatements for PgConnection {
    async fn last_quote_version(&mut self, deal_key: i64) -> Result<i64> {
        let last: i32 =
            sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM quotes WHERE deal_key = $1")
                .bind(deal_key)
                .fetch_one(&mut *self)
                .await?;
        Ok(i64::from(last))
    }

    async fn insert_quote(
        &mut self,
        deal_key: i64,
        version: i64,
        created_at: i64,
        quote: &str,
    ) -> Result<()> {
        let version = i32::try_from(version)
            .map_err(|_| StoreError::Invalid(format!("quote version {version} is too large")))?;
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
        let rows: Vec<(String, i32, i64, Option<i64>, String)> = sqlx::query_as(
            "SELECT d.id, q.version, q.created_at, q.accepted_at, q.quote \
             FROM quotes q JOIN deals d ON d.key = q.deal_key \
             WHERE ($1::bigint IS NULL OR q.deal_key = $1) \
             AND ($2::bigint IS NULL OR d.client_key = $2) ORDER BY d.id, q.version",
        )
        .bind(deals.deal)
        .bind(deals.client)
        .fetch_all(&mut *self)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, version, created, accepted, quote)| {
                (id, i64::from(version), created, accepted, quote)
            })
            .collect())
    }

    async fn set_accepted_quote(&mut self, deal_key: i64, version: i64, at: i64) -> Result<bool> {
        let Ok(version) = i32::try_from(version) else {
            return Ok(false);
        };
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
}
