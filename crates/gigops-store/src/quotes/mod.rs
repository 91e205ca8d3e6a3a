//! Quotes: each deal's quote versions (the quote JSON as `gigops quote` printed it), and which
//! one the client accepted.

mod statements;

use std::future::Future;

use gigops_core::DealId;
use jiff::Timestamp;

use crate::codec::{instant, micros, parse_deal_id, version_u32};
use crate::error::{Result, StoreError};
use crate::ledger::{DealStatements, deal_key};
use crate::model::StoredQuote;
use crate::problems::Problems;
use crate::scope::{ClientScope, DealsIn, deals_in};
use crate::store::{Store, in_transaction};

/// Saving a deal's quotes as versions and accepting one.
pub trait QuoteStore: Send + Sync {
    /// Saves a quote (its JSON) as the deal's next version; returns the version, 1 for the
    /// deal's first. The deal must exist (`NotFound`). Two saves of one deal take turns, so no
    /// version is taken twice.
    fn save_quote(
        &self,
        deal_id: &DealId,
        created_at: Timestamp,
        quote: &str,
    ) -> impl Future<Output = Result<u32>> + Send;

    /// The saved quotes of a deal (`NotFound` when it is not in the scope), or of every deal in
    /// the scope, by deal id and version.
    fn quotes(
        &self,
        deal_id: Option<&DealId>,
        scope: &ClientScope,
    ) -> impl Future<Output = Result<Vec<StoredQuote>>> + Send;

    /// Marks a version of a deal's quote accepted at `at`, and no other version of that deal;
    /// `NotFound` when the deal or the version does not exist.
    fn accept_quote(
        &self,
        deal_id: &DealId,
        version: u32,
        at: Timestamp,
    ) -> impl Future<Output = Result<()>> + Send;
}

impl QuoteStore for Store {
    async fn save_quote(
        &self,
        deal_id: &DealId,
        created_at: Timestamp,
        quote: &str,
    ) -> Result<u32> {
        in_transaction!(self, write, |tx| save(tx, deal_id, created_at, quote))
    }

    async fn quotes(
        &self,
        deal_id: Option<&DealId>,
        scope: &ClientScope,
    ) -> Result<Vec<StoredQuote>> {
        in_transaction!(self, read, |tx| quotes_of(tx, deal_id, scope))
    }

    async fn accept_quote(&self, deal_id: &DealId, version: u32, at: Timestamp) -> Result<()> {
        in_transaction!(self, write, |tx| accept(tx, deal_id, version, at))
    }
}

/// A quote version as stored: `(deal id, version, created_at µs, accepted_at µs, quote)`.
pub(crate) type QuoteRow = (String, i64, i64, Option<i64>, String);

/// The statements of quotes, which each backend writes in its SQL.
pub(crate) trait QuoteStatements: DealStatements {
    /// The highest quote version of the deal with this key, 0 when it has none.
    fn last_quote_version(&mut self, deal_key: i64) -> impl Future<Output = Result<i64>> + Send;

    /// Inserts a version of a deal's quote.
    fn insert_quote(
        &mut self,
        deal_key: i64,
        version: i64,
        created_at: i64,
        quote: &str,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The quotes of the deals reached, by deal id and version.
    fn quotes_of(&mut self, deals: DealsIn) -> impl Future<Output = Result<Vec<QuoteRow>>> + Send;

    /// Marks one version of a deal's quote accepted at `at` and every other version not;
    /// returns whether the version exists.
    fn set_accepted_quote(
        &mut self,
        deal_key: i64,
        version: i64,
        at: i64,
    ) -> impl Future<Output = Result<bool>> + Send;
}

async fn save<T: QuoteStatements>(
    tx: &mut T,
    deal_id: &DealId,
    created_at: Timestamp,
    quote: &str,
) -> Result<u32> {
    let mut problems = Problems::default();
    problems.instant(created_at, || {
        format!("quote of deal {deal_id}: created_at")
    });
    problems.into_result()?;
    let deal_key = deal_key(tx, deal_id, "deal").await?;
    // Two saves of the deal take turns, so that they do not both take the next version.
    tx.lock_deal(deal_key).await?;
    let version = tx.last_quote_version(deal_key).await? + 1;
    tx.insert_quote(deal_key, version, micros(created_at), quote)
        .await?;
    Ok(u32::try_from(version).expect("a deal has fewer than 4 billion quotes"))
}

async fn quotes_of<T: QuoteStatements>(
    tx: &mut T,
    deal_id: Option<&DealId>,
    scope: &ClientScope,
) -> Result<Vec<StoredQuote>> {
    let Some(deals) = deals_in(tx, deal_id, scope).await? else {
        return Ok(Vec::new());
    };
    tx.quotes_of(deals)
        .await?
        .into_iter()
        .map(|(deal_id, version, created_at, accepted_at, quote)| {
            Ok(StoredQuote {
                version: version_u32(version, &deal_id)?,
                deal_id: parse_deal_id(&deal_id)?,
                created_at: instant(created_at)?,
                accepted_at: accepted_at.map(instant).transpose()?,
                quote,
            })
        })
        .collect()
}

async fn accept<T: QuoteStatements>(
    tx: &mut T,
    deal_id: &DealId,
    version: u32,
    at: Timestamp,
) -> Result<()> {
    let mut problems = Problems::default();
    problems.instant(at, || format!("quote of deal {deal_id}: accepted_at"));
    problems.into_result()?;
    let deal_key = deal_key(tx, deal_id, "deal").await?;
    if tx
        .set_accepted_quote(deal_key, i64::from(version), micros(at))
        .await?
    {
        Ok(())
    } else {
        Err(StoreError::NotFound {
            what: "quote version",
            key: format!("{deal_id} v{version}"),
        })
    }
}
