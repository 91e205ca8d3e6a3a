//! Contracts: each deal's statements of work as versions, with their milestones, the
//! sign-offs of a version, the evaluations of its milestones' acceptance, and which milestones
//! billing may invoice.

mod statements;

use std::collections::{HashMap, HashSet};
use std::future::Future;

use gigops_core::{DealId, Signature};
use jiff::Timestamp;

use crate::codec::{currency, instant, is_sha256, micros, parse_deal_id, parse_enum, version_u32};
use crate::error::{Result, StoreError};
use crate::ledger::{DealStatements, deal_key};
use crate::model::{
    NewAcceptance, NewSow, ReadyMilestone, SowMilestone, StoredAcceptance, StoredMilestone,
    StoredSow,
};
use crate::problems::Problems;
use crate::scope::{ClientScope, DealsIn, deals_in, scoped_deal_key};
use crate::store::{Store, in_transaction};

/// Statements of work, their sign-offs and acceptance, and what is ready to invoice.
pub trait ContractStore: Send + Sync {
    /// Saves a statement of work as the deal's next version; returns the version, 1 for the
    /// deal's first. The deal must exist (`NotFound`). `Invalid` when a milestone id repeats,
    /// a digest is not 64 lowercase hex digits, a due date's year is outside 1–9999 or
    /// `created_at` is finer than a microsecond, or when the SOW's currency is not the deal's
    /// (a deal's SOWs and milestones are in its currency). Two attaches to one deal take turns, so no
    /// version is taken twice.
    fn attach_sow(
        &self,
        deal_id: &DealId,
        sow: &NewSow,
    ) -> impl Future<Output = Result<u32>> + Send;

    /// The SOW versions of a deal (`NotFound` when it is not in the scope), or of every deal in
    /// the scope, by deal id and version, each with its milestones in the SOW's order.
    fn sows(
        &self,
        deal_id: Option<&DealId>,
        scope: &ClientScope,
    ) -> impl Future<Output = Result<Vec<StoredSow>>> + Send;

    /// Records a sign-off of one SOW version. `NotFound` when the deal or the version does not
    /// exist; `Invalid` when the signature's `source_sha256` is not the stored version's (a
    /// signer can only sign what is stored). A signature identical to one stored is not stored
    /// twice; one with the same version, role, signer and `signed_at` but other digests or
    /// language is a `Conflict`.
    fn sign_sow(
        &self,
        deal_id: &DealId,
        version: u32,
        signature: &Signature,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The sign-offs of one SOW version by `signed_at`, then the order they were recorded;
    /// `NotFound` when the deal is not in the scope or the version does not exist.
    fn sow_signatures(
        &self,
        deal_id: &DealId,
        version: u32,
        scope: &ClientScope,
    ) -> impl Future<Output = Result<Vec<Signature>>> + Send;

    /// Records one evaluation of a milestone of a SOW version; `NotFound` when the deal, the
    /// version or the milestone (in that version) does not exist. Every evaluation is kept:
    /// a later one does not replace an earlier one.
    fn record_acceptance(
        &self,
        deal_id: &DealId,
        version: u32,
        acceptance: &NewAcceptance,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Every evaluation recorded against any SOW version of a deal (`NotFound` when it is not
    /// in the scope), oldest first (by `evaluated_at`, then the order they were recorded).
    fn acceptances(
        &self,
        deal_id: &DealId,
        scope: &ClientScope,
    ) -> impl Future<Output = Result<Vec<StoredAcceptance>>> + Send;

    /// The milestones ready to invoice, of one deal (`NotFound` when it is not in the scope) or
    /// of every deal in the scope, by deal id and then the milestones' order in the SOW.
    ///
    /// Only the **latest** SOW version of each deal counts. One of its milestones is ready
    /// when, among the evaluations that apply to it, the latest (by `evaluated_at`, then the
    /// order they were recorded) accepted it, and it is not invoiced. The evaluations that
    /// apply are those recorded against the latest version and against any earlier version
    /// of the deal that holds a milestone of the same id **and** the same amount, in the same
    /// currency: an acceptance survives a new version that leaves the milestone's money
    /// alone (a retitled milestone or a moved due date), and not one that changes what is
    /// owed. A milestone counts as invoiced when its id is invoiced under **any** version of
    /// the deal, so that a new version never makes an invoiced milestone billable again. A
    /// lost deal's milestones are never ready, whatever was accepted before it was lost.
    fn ready_to_invoice(
        &self,
        deal_id: Option<&DealId>,
        scope: &ClientScope,
    ) -> impl Future<Output = Result<Vec<ReadyMilestone>>> + Send;

    /// Marks a milestone of a SOW version invoiced at `at` (for billing). `NotFound` when the
    /// deal, the version or the milestone does not exist; `Conflict` when that milestone id is
    /// already invoiced under any version of the deal.
    fn mark_milestone_invoiced(
        &self,
        deal_id: &DealId,
        version: u32,
        milestone: &str,
        at: Timestamp,
    ) -> impl Future<Output = Result<()>> + Send;
}

impl ContractStore for Store {
    async fn attach_sow(&self, deal_id: &DealId, sow: &NewSow) -> Result<u32> {
        in_transaction!(self, write, |tx| attach_sow(tx, deal_id, sow))
    }

    async fn sows(&self, deal_id: Option<&DealId>, scope: &ClientScope) -> Result<Vec<StoredSow>> {
        in_transaction!(self, read, |tx| sows(tx, deal_id, scope))
    }

    async fn sign_sow(&self, deal_id: &DealId, version: u32, signature: &Signature) -> Result<()> {
        in_transaction!(self, write, |tx| sign_sow(tx, deal_id, version, signature))
    }

    async fn sow_signatures(
        &self,
        deal_id: &DealId,
        version: u32,
        scope: &ClientScope,
    ) -> Result<Vec<Signature>> {
        in_transaction!(self, read, |tx| sow_signatures(tx, deal_id, version, scope))
    }

    async fn record_acceptance(
        &self,
        deal_id: &DealId,
        version: u32,
        acceptance: &NewAcceptance,
    ) -> Result<()> {
        in_transaction!(self, write, |tx| record_acceptance(
            tx, deal_id, version, acceptance
        ))
    }

    async fn acceptances(
        &self,
        deal_id: &DealId,
        scope: &ClientScope,
    ) -> Result<Vec<StoredAcceptance>> {
        in_transaction!(self, read, |tx| acceptances(tx, deal_id, scope))
    }

    async fn ready_to_invoice(
        &self,
        deal_id: Option<&DealId>,
        scope: &ClientScope,
    ) -> Result<Vec<ReadyMilestone>> {
        in_transaction!(self, read, |tx| ready_to_invoice(tx, deal_id, scope))
    }

    async fn mark_milestone_invoiced(
        &self,
        deal_id: &DealId,
        version: u32,
        milestone: &str,
        at: Timestamp,
    ) -> Result<()> {
        in_transaction!(self, write, |tx| mark_milestone_invoiced(
            tx, deal_id, version, milestone, at
        ))
    }
}

/// A SOW version as stored: `(key, deal id, version, sow_id, created_at µs, currency, source,
/// source_sha256, sow_json)`.
pub(crate) type SowRow = (
    i64,
    String,
    i64,
    String,
    i64,
    String,
    String,
    String,
    String,
);

/// A milestone as stored: `(sow key, id, title, due, amount_minor, invoiced_at µs)`.
pub(crate) type MilestoneRow = (i64, String, String, String, i64, Option<i64>);

/// A signature as stored: `(signer, role, signed_at µs, source_sha256, document_sha256, lang,
/// ssh_signature)`.
pub(crate) type SignatureRow = (String, String, i64, String, String, String, Option<String>);

/// An evaluation as stored: `(version, milestone, evaluated_at µs, accepted, record,
/// evidence)`.
pub(crate) type AcceptanceRow = (i64, String, i64, bool, String, String);

/// A ready milestone as found: `(deal id, version, milestone, title, amount_minor, currency,
/// evaluated_at µs, version evaluated against)`.
pub(crate) type ReadyRow = (String, i64, String, String, i64, String, i64, i64);

/// The statements of contracts, which each backend writes in its SQL.
pub(crate) trait ContractStatements: DealStatements {
    /// The highest SOW version of the deal with this key, 0 when it has none.
    fn last_sow_version(&mut self, deal_key: i64) -> impl Future<Output = Result<i64>> + Send;

    /// Inserts a SOW version (without its milestones); returns its key.
    fn insert_sow(
        &mut self,
        deal_key: i64,
        version: i64,
        sow: &NewSow,
    ) -> impl Future<Output = Result<i64>> + Send;

    /// Inserts a milestone of the SOW with this key; `due` is `YYYY-MM-DD`.
    fn insert_milestone(
        &mut self,
        sow_key: i64,
        position: i64,
        milestone: &SowMilestone,
        due: &str,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The key and `source_sha256` of a deal's SOW version.
    fn sow_version(
        &mut self,
        deal_key: i64,
        version: i64,
    ) -> impl Future<Output = Result<Option<(i64, String)>>> + Send;

    /// The SOW versions of the deals reached, by deal id and version.
    fn sows_of(&mut self, deals: DealsIn) -> impl Future<Output = Result<Vec<SowRow>>> + Send;

    /// The milestones of the SOWs of the deals reached, by SOW key and position.
    fn milestones_of(
        &mut self,
        deals: DealsIn,
    ) -> impl Future<Output = Result<Vec<MilestoneRow>>> + Send;

    /// Whether the SOW with this key has this milestone.
    fn has_milestone(
        &mut self,
        sow_key: i64,
        milestone: &str,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// When this milestone id was invoiced under any SOW version of the deal, if it was.
    fn milestone_invoiced_at(
        &mut self,
        deal_key: i64,
        milestone: &str,
    ) -> impl Future<Output = Result<Option<i64>>> + Send;

    fn set_milestone_invoiced(
        &mut self,
        sow_key: i64,
        milestone: &str,
        at: i64,
    ) -> impl Future<Output = Result<()>> + Send;

    fn insert_signature(
        &mut self,
        sow_key: i64,
        signature: &Signature,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The signatures of the SOW with this key, by `signed_at`, then key.
    fn signatures_of(
        &mut self,
        sow_key: i64,
    ) -> impl Future<Output = Result<Vec<SignatureRow>>> + Send;

    fn insert_acceptance(
        &mut self,
        sow_key: i64,
        acceptance: &NewAcceptance,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The evaluations recorded against the SOWs of the deal with this key, by
    /// `evaluated_at`, then key.
    fn acceptances_of(
        &mut self,
        deal_key: i64,
    ) -> impl Future<Output = Result<Vec<AcceptanceRow>>> + Send;

    /// The milestones ready to invoice (the rule of `ContractStore::ready_to_invoice`) of the
    /// deals reached, by deal id and position.
    fn ready_of(&mut self, deals: DealsIn) -> impl Future<Output = Result<Vec<ReadyRow>>> + Send;
}

/// The key of a deal's SOW version and its `source_sha256`; `NotFound` naming `D-1 v3`.
async fn sow_version<T: ContractStatements>(
    tx: &mut T,
    deal_key: i64,
    deal_id: &DealId,
    version: u32,
) -> Result<(i64, String)> {
    tx.sow_version(deal_key, i64::from(version))
        .await?
        .ok_or_else(|| StoreError::NotFound {
            what: "SOW version",
            key: format!("{deal_id} v{version}"),
        })
}

/// Saves a SOW and its milestones as the deal's next version; returns the version.
async fn attach_sow<T: ContractStatements>(
    tx: &mut T,
    deal_id: &DealId,
    sow: &NewSow,
) -> Result<u32> {
    let mut problems = Problems::default();
    let what = || format!("SOW {} of deal {deal_id}", sow.sow_id);
    problems.instant(sow.created_at, || format!("{}: created_at", what()));
    if !is_sha256(&sow.source_sha256) {
        problems.push(|| {
            format!(
                "{}: source_sha256 {:?} is not 64 lowercase hex digits",
                what(),
                sow.source_sha256
            )
        });
    }
    let mut ids = HashSet::new();
    for milestone in &sow.milestones {
        if !ids.insert(milestone.id.as_str()) {
            problems.push(|| format!("{}: milestone {} is listed twice", what(), milestone.id));
        }
        if !(1..=9999).contains(&milestone.due.year()) {
            problems.push(|| {
                format!(
                    "{}: milestone {}: due {} is outside the years 1 to 9999",
                    what(),
                    milestone.id,
                    milestone.due
                )
            });
        }
    }
    problems.into_result()?;
    let deal_key = deal_key(tx, deal_id, "deal").await?;
    tx.lock_deal(deal_key).await?;
    if let Some(deal) = tx.deal_by_id(deal_id.as_str()).await?
        && deal.value.currency != sow.currency
    {
        return Err(StoreError::Invalid(format!(
            "nothing was stored: {} is in {}, the deal in {}; a deal's SOWs and milestones are \
             in the deal's currency",
            what(),
            sow.currency,
            deal.value.currency
        )));
    }
    let version = tx.last_sow_version(deal_key).await? + 1;
    let sow_key = tx.insert_sow(deal_key, version, sow).await?;
    for (position, milestone) in sow.milestones.iter().enumerate() {
        // ISO 8601, `YYYY-MM-DD` for the years allowed above.
        let due = milestone.due.to_string();
        tx.insert_milestone(sow_key, position as i64, milestone, &due)
            .await?;
    }
    Ok(u32::try_from(version).expect("a deal has fewer than 4 billion SOW versions"))
}

/// The SOW versions of one deal (an unknown deal is `NotFound`) or of all, by deal id and
/// version, with their milestones.
async fn sows<T: ContractStatements>(
    tx: &mut T,
    deal_id: Option<&DealId>,
    scope: &ClientScope,
) -> Result<Vec<StoredSow>> {
    let Some(deals) = deals_in(tx, deal_id, scope).await? else {
        return Ok(Vec::new());
    };
    let rows = tx.sows_of(deals).await?;
    let mut milestones: HashMap<i64, Vec<StoredMilestone>> = HashMap::new();
    for (sow_key, id, title, due, amount_minor, invoiced_at) in tx.milestones_of(deals).await? {
        let due = due
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("due date {due:?} of milestone {id}: {e}")))?;
        milestones
            .entry(sow_key)
            .or_default()
            .push(StoredMilestone {
                id,
                title,
                due,
                amount_minor,
                invoiced_at: invoiced_at.map(instant).transpose()?,
            });
    }
    rows.into_iter()
        .map(
            |(key, deal_id, version, sow_id, created_at, code, source, source_sha256, sow_json)| {
                Ok(StoredSow {
                    version: version_u32(version, &deal_id)?,
                    deal_id: parse_deal_id(&deal_id)?,
                    sow_id,
                    created_at: instant(created_at)?,
                    currency: currency(&code)?,
                    source,
                    source_sha256,
                    sow_json,
                    milestones: milestones.remove(&key).unwrap_or_default(),
                })
            },
        )
        .collect()
}

/// Records a sign-off of a stored SOW version, which it must name by its source digest.
async fn sign_sow<T: ContractStatements>(
    tx: &mut T,
    deal_id: &DealId,
    version: u32,
    signature: &Signature,
) -> Result<()> {
    let mut problems = Problems::default();
    let what = || {
        format!(
            "signature of {} ({}) on SOW {deal_id} v{version}",
            signature.signer, signature.role
        )
    };
    problems.instant(signature.signed_at, || format!("{}: signed_at", what()));
    for (field, digest) in [
        ("source_sha256", &signature.source_sha256),
        ("document_sha256", &signature.document_sha256),
    ] {
        if !is_sha256(digest) {
            problems.push(|| {
                format!(
                    "{}: {field} {digest:?} is not 64 lowercase hex digits",
                    what()
                )
            });
        }
    }
    problems.into_result()?;
    let deal_key = deal_key(tx, deal_id, "deal").await?;
    tx.lock_deal(deal_key).await?;
    let (sow_key, stored_sha256) = sow_version(tx, deal_key, deal_id, version).await?;
    if stored_sha256 != signature.source_sha256 {
        return Err(StoreError::Invalid(format!(
            "nothing was stored: {} names the source sha256 {}, but SOW {deal_id} v{version} \
             is stored with the source sha256 {stored_sha256}; a signer can only sign the SOW \
             as stored",
            what(),
            signature.source_sha256
        )));
    }
    for stored in signatures(tx, sow_key).await? {
        if (&stored.role, &stored.signer, stored.signed_at)
            == (&signature.role, &signature.signer, signature.signed_at)
        {
            return if stored == *signature {
                Ok(())
            } else {
                Err(StoreError::Conflict {
                    what: "signature",
                    key: format!(
                        "{deal_id} v{version} {} {} at {}",
                        signature.role, signature.signer, signature.signed_at
                    ),
                })
            };
        }
    }
    tx.insert_signature(sow_key, signature).await
}

async fn signatures<T: ContractStatements>(tx: &mut T, sow_key: i64) -> Result<Vec<Signature>> {
    tx.signatures_of(sow_key)
        .await?
        .into_iter()
        .map(
            |(signer, role, signed_at, source_sha256, document_sha256, lang, ssh_signature)| {
                Ok(Signature {
                    signer,
                    role,
                    signed_at: instant(signed_at)?,
                    source_sha256,
                    document_sha256,
                    lang: parse_enum("signature language", &lang)?,
                    ssh_signature,
                })
            },
        )
        .collect()
}

/// The sign-offs of a SOW version, oldest first.
async fn sow_signatures<T: ContractStatements>(
    tx: &mut T,
    deal_id: &DealId,
    version: u32,
    scope: &ClientScope,
) -> Result<Vec<Signature>> {
    let deal_key = scoped_deal_key(tx, deal_id, scope).await?;
    let (sow_key, _) = sow_version(tx, deal_key, deal_id, version).await?;
    signatures(tx, sow_key).await
}

/// Records an evaluation of a milestone of a SOW version.
async fn record_acceptance<T: ContractStatements>(
    tx: &mut T,
    deal_id: &DealId,
    version: u32,
    acceptance: &NewAcceptance,
) -> Result<()> {
    let mut problems = Problems::default();
    problems.instant(acceptance.evaluated_at, || {
        format!(
            "acceptance of milestone {} of SOW {deal_id} v{version}: evaluated_at",
            acceptance.milestone
        )
    });
    problems.into_result()?;
    let deal_key = deal_key(tx, deal_id, "deal").await?;
    let (sow_key, _) = sow_version(tx, deal_key, deal_id, version).await?;
    if !tx.has_milestone(sow_key, &acceptance.milestone).await? {
        return Err(StoreError::NotFound {
            what: "milestone",
            key: format!("{deal_id} v{version} {}", acceptance.milestone),
        });
    }
    tx.insert_acceptance(sow_key, acceptance).await
}

/// Every evaluation of a deal's milestones, oldest first.
async fn acceptances<T: ContractStatements>(
    tx: &mut T,
    deal_id: &DealId,
    scope: &ClientScope,
) -> Result<Vec<StoredAcceptance>> {
    let deal_key = scoped_deal_key(tx, deal_id, scope).await?;
    tx.acceptances_of(deal_key)
        .await?
        .into_iter()
        .map(
            |(version, milestone, evaluated_at, accepted, record_json, evidence_json)| {
                Ok(StoredAcceptance {
                    deal_id: deal_id.clone(),
                    version: version_u32(version, deal_id.as_str())?,
                    milestone,
                    evaluated_at: instant(evaluated_at)?,
                    accepted,
                    record_json,
                    evidence_json,
                })
            },
        )
        .collect()
}

/// The milestones ready to invoice, of one deal or of all.
async fn ready_to_invoice<T: ContractStatements>(
    tx: &mut T,
    deal_id: Option<&DealId>,
    scope: &ClientScope,
) -> Result<Vec<ReadyMilestone>> {
    let Some(deals) = deals_in(tx, deal_id, scope).await? else {
        return Ok(Vec::new());
    };
    tx.ready_of(deals)
        .await?
        .into_iter()
        .map(
            |(deal_id, version, milestone, title, amount_minor, code, accepted_at, under)| {
                Ok(ReadyMilestone {
                    version: version_u32(version, &deal_id)?,
                    accepted_version: version_u32(under, &deal_id)?,
                    deal_id: parse_deal_id(&deal_id)?,
                    milestone,
                    title,
                    amount_minor,
                    currency: currency(&code)?,
                    accepted_at: instant(accepted_at)?,
                })
            },
        )
        .collect()
}

/// Marks a milestone of a SOW version invoiced; a milestone id is invoiced once per deal.
async fn mark_milestone_invoiced<T: ContractStatements>(
    tx: &mut T,
    deal_id: &DealId,
    version: u32,
    milestone: &str,
    at: Timestamp,
) -> Result<()> {
    let mut problems = Problems::default();
    problems.instant(at, || {
        format!("invoicing of milestone {milestone} of SOW {deal_id} v{version}")
    });
    problems.into_result()?;
    let deal_key = deal_key(tx, deal_id, "deal").await?;
    tx.lock_deal(deal_key).await?;
    let (sow_key, _) = sow_version(tx, deal_key, deal_id, version).await?;
    if !tx.has_milestone(sow_key, milestone).await? {
        return Err(StoreError::NotFound {
            what: "milestone",
            key: format!("{deal_id} v{version} {milestone}"),
        });
    }
    if tx
        .milestone_invoiced_at(deal_key, milestone)
        .await?
        .is_some()
    {
        return Err(StoreError::Conflict {
            what: "invoiced milestone",
            key: format!("{deal_id} {milestone}"),
        });
    }
    tx.set_milestone_invoiced(sow_key, milestone, micros(at))
        .await
}

/// The milestones ready to invoice (the rule documented on `ContractStore::ready_to_invoice`):
/// `(deal id, version, milestone, title, amount_minor, currency, evaluated_at, version
/// evaluated against)`, by deal id and position, of the deals `SOWS_REACHED` binds.
///
/// `latest` is each deal's latest SOW version; `evaluations` ranks, per milestone of it, every
/// evaluation recorded against a version of the deal holding the same milestone id and amount
/// in the same currency, newest first; the newest must have accepted it, no version of the
/// deal may have the milestone id invoiced, and the deal must not be lost (work that will not
/// be delivered is never billed).
fn ready_sql() -> String {
    let deal_filter = statements::SOWS_REACHED;
    format!(
        "WITH latest AS ( \
             SELECT s.key, s.deal_key, s.version, s.currency FROM sows s \
             WHERE ({deal_filter}) \
               AND s.version = (SELECT max(t.version) FROM sows t WHERE t.deal_key = s.deal_key) \
         ), evaluations AS ( \
             SELECT l.key AS sow_key, m.id AS milestone, a.accepted, a.evaluated_at, \
                    o.version AS under, \
                    row_number() OVER (PARTITION BY l.key, m.id \
                                       ORDER BY a.evaluated_at DESC, a.key DESC) AS n \
             FROM latest l \
             JOIN sow_milestones m ON m.sow_key = l.key \
             JOIN sows o ON o.deal_key = l.deal_key AND o.currency = l.currency \
             JOIN sow_milestones om ON om.sow_key = o.key AND om.id = m.id \
                                   AND om.amount_minor = m.amount_minor \
             JOIN sow_acceptances a ON a.sow_key = o.key AND a.milestone = m.id \
         ) \
         SELECT d.id, CAST(l.version AS BIGINT), m.id, m.title, m.amount_minor, l.currency, \
                e.evaluated_at, CAST(e.under AS BIGINT) \
         FROM latest l \
         JOIN deals d ON d.key = l.deal_key \
         JOIN sow_milestones m ON m.sow_key = l.key \
         JOIN evaluations e ON e.sow_key = l.key AND e.milestone = m.id AND e.n = 1 \
         WHERE e.accepted AND d.outcome <> 'lost' AND NOT EXISTS ( \
             SELECT 1 FROM sows i JOIN sow_milestones im ON im.sow_key = i.key \
             WHERE i.deal_key = l.deal_key AND im.id = m.id AND im.invoiced_at IS NOT NULL) \
         ORDER BY d.id, m.position"
    )
}
