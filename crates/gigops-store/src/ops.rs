//! The write operations, written once over the few statements each backend provides
//! ([`LedgerTx`]), so that both backends have the same semantics and the same counts.

use std::collections::{HashMap, HashSet};
use std::future::Future;

use gigops_core::Signature;
use gigops_core::{
    Client, Deal, DealId, Lang, Ledger, Outcome, Reopening, StageEvent, Stages, TimeEntry,
};
use jiff::Timestamp;

use crate::codec::{is_storable, micros};
use crate::error::{Result, StoreError};
use crate::model::{
    DealFilter, GateRun, ImportCounts, NewAcceptance, NewSow, ReadyMilestone, RowCounts,
    SowMilestone, StoredAcceptance, StoredMilestone, StoredQuote, StoredSow,
};

/// A text column that identifies rows of a table.
#[derive(Debug, Clone, Copy)]
pub(crate) enum KeyColumn {
    ClientName,
    DealId,
}

impl KeyColumn {
    /// `(table, column)`.
    pub(crate) fn sql(self) -> (&'static str, &'static str) {
        match self {
            KeyColumn::ClientName => ("clients", "name"),
            KeyColumn::DealId => ("deals", "id"),
        }
    }
}

/// A deal as written: the deal and the key of its client.
pub(crate) struct DealRow<'a> {
    pub deal: &'a Deal,
    pub client_key: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct EventRow<'a> {
    pub deal_key: i64,
    pub entered_at: i64,
    pub stage: &'a str,
}

/// A reopening as written: its deal's key, instants in microseconds.
pub(crate) struct ReopeningRow<'a> {
    pub deal_key: i64,
    pub reopened_at: i64,
    pub reason: &'a str,
    pub outcome: &'static str,
    pub closed_at: i64,
    pub lost_reason: Option<&'a str>,
}

/// Whose reopenings to read.
#[derive(Clone, Copy)]
pub(crate) enum ReopeningsOf<'a> {
    /// The deals a filter matches, by deal id, then `reopened_at`.
    Deals(&'a DealFilter),
    /// One deal's, by `reopened_at`.
    Deal(i64),
}

pub(crate) struct EntryRow<'a> {
    pub deal_key: i64,
    pub started_at: i64,
    pub category: &'static str,
    pub minutes: i64,
    pub note: Option<&'a str>,
}

/// The statements a backend runs inside one transaction. Each takes any number of rows and
/// batches them as its database allows.
pub(crate) trait LedgerTx: Send {
    /// The keys of the rows whose `column` is one of `values`, by that value.
    fn keys_by_text(
        &mut self,
        column: KeyColumn,
        values: &[&str],
    ) -> impl Future<Output = Result<HashMap<String, i64>>> + Send;

    /// Inserts clients, or rewrites those whose name exists with other values; rows already
    /// equal are left alone. Returns how many rows were inserted or rewritten. No two clients
    /// may share a name.
    fn upsert_clients(&mut self, clients: &[&Client]) -> impl Future<Output = Result<u64>> + Send;

    /// Inserts the clients whose name does not exist yet; returns how many were.
    fn insert_missing_clients(
        &mut self,
        clients: &[Client],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Like [`upsert_clients`](Self::upsert_clients), for deals by id.
    fn upsert_deals(&mut self, deals: &[DealRow<'_>]) -> impl Future<Output = Result<u64>> + Send;

    /// Inserts the events not stored yet; returns how many were.
    fn insert_events(
        &mut self,
        events: &[EventRow<'_>],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// How many of these (deal, started_at, category) keys are stored.
    fn count_existing_entries(
        &mut self,
        entries: &[EntryRow<'_>],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Inserts entries, or rewrites those whose key exists with other values; returns how many
    /// rows were inserted or rewritten. No two entries may share a key.
    fn upsert_entries(
        &mut self,
        entries: &[EntryRow<'_>],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// How many of these (deal, reopened_at) keys are stored.
    fn count_existing_reopenings(
        &mut self,
        reopenings: &[ReopeningRow<'_>],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Inserts reopenings, or rewrites those whose key exists with other values; returns how
    /// many rows were inserted or rewritten. No two may share a key.
    fn upsert_reopenings(
        &mut self,
        reopenings: &[ReopeningRow<'_>],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// The reopenings of some deals.
    fn reopenings_of(
        &mut self,
        deals: ReopeningsOf<'_>,
    ) -> impl Future<Output = Result<Vec<Reopening>>> + Send;

    /// The stored deal with this id.
    fn deal_by_id(&mut self, id: &str) -> impl Future<Output = Result<Option<Deal>>> + Send;

    /// Inserts a gate run of the deal with this key.
    fn insert_gate_run(
        &mut self,
        deal_key: i64,
        run: &GateRun,
    ) -> impl Future<Output = Result<()>> + Send;

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

    /// The quotes of the deal with this key, or of every deal, by deal id and version.
    fn quotes_of(
        &mut self,
        deal_key: Option<i64>,
    ) -> impl Future<Output = Result<Vec<QuoteRow>>> + Send;

    /// Marks one version of a deal's quote accepted at `at` and every other version not;
    /// returns whether the version exists.
    fn set_accepted_quote(
        &mut self,
        deal_key: i64,
        version: i64,
        at: i64,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// The gate runs of the deal with this key (of one milestone, when given), oldest first:
    /// `(milestone, recorded_at, passed, summary)`.
    fn gate_runs_of(
        &mut self,
        deal_key: i64,
        milestone: Option<&str>,
    ) -> impl Future<Output = Result<Vec<GateRunRow>>> + Send;

    /// Makes writers of the same deal's contract take turns until the transaction ends: a row
    /// lock on the deal in PostgreSQL; nothing on SQLite, whose write transactions already do.
    fn lock_deal(&mut self, deal_key: i64) -> impl Future<Output = Result<()>> + Send;

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

    /// The SOW versions of the deal with this key, or of every deal, by deal id and version.
    fn sows_of(
        &mut self,
        deal_key: Option<i64>,
    ) -> impl Future<Output = Result<Vec<SowRow>>> + Send;

    /// The milestones of the SOWs of the deal with this key, or of every deal, by SOW key and
    /// position.
    fn milestones_of(
        &mut self,
        deal_key: Option<i64>,
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

    /// The milestones ready to invoice (the rule of `LedgerStore::ready_to_invoice`), of the
    /// deal with this key or of every deal, by deal id and position.
    fn ready_of(
        &mut self,
        deal_key: Option<i64>,
    ) -> impl Future<Output = Result<Vec<ReadyRow>>> + Send;
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

/// A quote version as stored: `(deal id, version, created_at µs, accepted_at µs, quote)`.
pub(crate) type QuoteRow = (String, i64, i64, Option<i64>, String);

/// A gate run as stored: `(milestone, recorded_at µs, passed, summary)`.
pub(crate) type GateRunRow = (Option<String>, i64, bool, String);

/// Records a gate run; its deal must exist.
pub(crate) async fn record_gate_run<T: LedgerTx>(tx: &mut T, run: &GateRun) -> Result<()> {
    let mut problems = Problems::default();
    problems.instant(run.recorded_at, || {
        format!("gate run of deal {}: recorded_at", run.deal_id)
    });
    problems.into_result()?;
    let deal_key = deal_key(tx, &run.deal_id, "deal").await?;
    tx.insert_gate_run(deal_key, run).await
}

/// The gate runs of a deal, oldest first; an unknown deal is `NotFound`.
pub(crate) async fn gate_runs<T: LedgerTx>(
    tx: &mut T,
    deal_id: &DealId,
    milestone: Option<&str>,
) -> Result<Vec<GateRun>> {
    let deal_key = deal_key(tx, deal_id, "deal").await?;
    tx.gate_runs_of(deal_key, milestone)
        .await?
        .into_iter()
        .map(|(milestone, recorded_at, passed, summary)| {
            Ok(GateRun {
                deal_id: deal_id.clone(),
                milestone,
                recorded_at: crate::codec::instant(recorded_at)?,
                passed,
                summary,
            })
        })
        .collect()
}

/// Saves a quote as the deal's next version; returns the version.
pub(crate) async fn save_quote<T: LedgerTx>(
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
    let version = tx.last_quote_version(deal_key).await? + 1;
    tx.insert_quote(deal_key, version, micros(created_at), quote)
        .await?;
    Ok(u32::try_from(version).expect("a deal has fewer than 4 billion quotes"))
}

/// The quotes of one deal (an unknown deal is `NotFound`) or of all, by deal id and version.
pub(crate) async fn quotes<T: LedgerTx>(
    tx: &mut T,
    deal_id: Option<&DealId>,
) -> Result<Vec<StoredQuote>> {
    let deal_key = match deal_id {
        Some(id) => Some(deal_key(tx, id, "deal").await?),
        None => None,
    };
    tx.quotes_of(deal_key)
        .await?
        .into_iter()
        .map(|(deal_id, version, created_at, accepted_at, quote)| {
            Ok(StoredQuote {
                deal_id: DealId::parse(&deal_id)
                    .map_err(|e| StoreError::Corrupt(format!("deal id: {e}")))?,
                version: u32::try_from(version).map_err(|_| {
                    StoreError::Corrupt(format!("quote version {version} of deal {deal_id}"))
                })?,
                created_at: crate::codec::instant(created_at)?,
                accepted_at: accepted_at.map(crate::codec::instant).transpose()?,
                quote,
            })
        })
        .collect()
}

/// Marks one version of a deal's quote accepted (and no other); `NotFound` when the deal or
/// the version does not exist.
pub(crate) async fn accept_quote<T: LedgerTx>(
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

fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn parse_deal_id(text: &str) -> Result<DealId> {
    DealId::parse(text).map_err(|e| StoreError::Corrupt(format!("deal id: {e}")))
}

fn version_u32(version: i64, of: &str) -> Result<u32> {
    u32::try_from(version).map_err(|_| StoreError::Corrupt(format!("version {version} of {of}")))
}

fn currency(code: &str) -> Result<gigops_core::Currency> {
    gigops_core::Currency::parse(code).map_err(|e| StoreError::Corrupt(format!("currency: {e}")))
}

/// The key of a deal's SOW version and its `source_sha256`; `NotFound` naming `D-1 v3`.
async fn sow_version<T: LedgerTx>(
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
pub(crate) async fn attach_sow<T: LedgerTx>(
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
pub(crate) async fn sows<T: LedgerTx>(
    tx: &mut T,
    deal_id: Option<&DealId>,
) -> Result<Vec<StoredSow>> {
    let deal_key = match deal_id {
        Some(id) => Some(deal_key(tx, id, "deal").await?),
        None => None,
    };
    let rows = tx.sows_of(deal_key).await?;
    let mut milestones: HashMap<i64, Vec<StoredMilestone>> = HashMap::new();
    for (sow_key, id, title, due, amount_minor, invoiced_at) in tx.milestones_of(deal_key).await? {
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
                invoiced_at: invoiced_at.map(crate::codec::instant).transpose()?,
            });
    }
    rows.into_iter()
        .map(
            |(key, deal_id, version, sow_id, created_at, code, source, source_sha256, sow_json)| {
                Ok(StoredSow {
                    version: version_u32(version, &deal_id)?,
                    deal_id: parse_deal_id(&deal_id)?,
                    sow_id,
                    created_at: crate::codec::instant(created_at)?,
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
pub(crate) async fn sign_sow<T: LedgerTx>(
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

async fn signatures<T: LedgerTx>(tx: &mut T, sow_key: i64) -> Result<Vec<Signature>> {
    tx.signatures_of(sow_key)
        .await?
        .into_iter()
        .map(
            |(signer, role, signed_at, source_sha256, document_sha256, lang, ssh_signature)| {
                Ok(Signature {
                    signer,
                    role,
                    signed_at: crate::codec::instant(signed_at)?,
                    source_sha256,
                    document_sha256,
                    lang: crate::codec::parse_enum("signature language", &lang)?,
                    ssh_signature,
                })
            },
        )
        .collect()
}

/// The sign-offs of a SOW version, oldest first.
pub(crate) async fn sow_signatures<T: LedgerTx>(
    tx: &mut T,
    deal_id: &DealId,
    version: u32,
) -> Result<Vec<Signature>> {
    let deal_key = deal_key(tx, deal_id, "deal").await?;
    let (sow_key, _) = sow_version(tx, deal_key, deal_id, version).await?;
    signatures(tx, sow_key).await
}

/// Records an evaluation of a milestone of a SOW version.
pub(crate) async fn record_acceptance<T: LedgerTx>(
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
pub(crate) async fn acceptances<T: LedgerTx>(
    tx: &mut T,
    deal_id: &DealId,
) -> Result<Vec<StoredAcceptance>> {
    let deal_key = deal_key(tx, deal_id, "deal").await?;
    tx.acceptances_of(deal_key)
        .await?
        .into_iter()
        .map(
            |(version, milestone, evaluated_at, accepted, record_json, evidence_json)| {
                Ok(StoredAcceptance {
                    deal_id: deal_id.clone(),
                    version: version_u32(version, deal_id.as_str())?,
                    milestone,
                    evaluated_at: crate::codec::instant(evaluated_at)?,
                    accepted,
                    record_json,
                    evidence_json,
                })
            },
        )
        .collect()
}

/// The milestones ready to invoice, of one deal or of all.
pub(crate) async fn ready_to_invoice<T: LedgerTx>(
    tx: &mut T,
    deal_id: Option<&DealId>,
) -> Result<Vec<ReadyMilestone>> {
    let deal_key = match deal_id {
        Some(id) => Some(deal_key(tx, id, "deal").await?),
        None => None,
    };
    tx.ready_of(deal_key)
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
                    accepted_at: crate::codec::instant(accepted_at)?,
                })
            },
        )
        .collect()
}

/// Marks a milestone of a SOW version invoiced; a milestone id is invoiced once per deal.
pub(crate) async fn mark_milestone_invoiced<T: LedgerTx>(
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

/// The client a deal implies when it names one that does not exist.
pub(crate) fn default_client(deal: &Deal) -> Client {
    Client {
        name: deal.client.clone(),
        currency: deal.value.currency,
        locale: Lang::En,
        time_zone: "UTC".to_string(),
        platform: Some(deal.platform.clone()),
    }
}

/// Collects the problems of the records given to a write, so that one error lists them all.
#[derive(Default)]
struct Problems {
    lines: Vec<String>,
    count: usize,
}

const PROBLEMS_SHOWN: usize = 20;

impl Problems {
    fn push(&mut self, line: impl FnOnce() -> String) {
        self.count += 1;
        if self.lines.len() < PROBLEMS_SHOWN {
            self.lines.push(line());
        }
    }

    fn instant(&mut self, instant: Timestamp, what: impl FnOnce() -> String) {
        if !is_storable(instant) {
            self.push(|| {
                format!(
                    "{}: {instant} is finer than the microseconds the store keeps, or out of its range",
                    what()
                )
            });
        }
    }

    fn deal(&mut self, deal: &Deal) {
        for (field, reason) in deal.problems() {
            self.push(|| format!("deal {}: {field}: {reason}", deal.id));
        }
        self.instant(deal.opened_at, || format!("deal {}: opened_at", deal.id));
        if let Some(closed_at) = deal.closed_at {
            self.instant(closed_at, || format!("deal {}: closed_at", deal.id));
        }
    }

    fn reopening(&mut self, reopening: &Reopening) {
        let what = || format!("reopening of deal {}", reopening.deal_id);
        for (field, reason) in reopening.problems() {
            self.push(|| format!("{}: {field}: {reason}", what()));
        }
        self.instant(reopening.reopened_at, || format!("{}: reopened_at", what()));
        self.instant(reopening.closed_at, || format!("{}: closed_at", what()));
    }

    fn into_result(self) -> Result<()> {
        if self.count == 0 {
            return Ok(());
        }
        let mut message = if self.count == 1 {
            "nothing was stored because of 1 problem:".to_string()
        } else {
            format!("nothing was stored because of {} problems:", self.count)
        };
        for line in &self.lines {
            message.push_str("\n  ");
            message.push_str(line);
        }
        if self.count > self.lines.len() {
            message.push_str(&format!("\n  … and {} more", self.count - self.lines.len()));
        }
        Err(StoreError::Invalid(message))
    }
}

/// Keeps the last of each run of records with an equal key (input order within a key is kept
/// by the stable sort that precedes this), as if the records were written one after another.
fn keep_last<T>(sorted: Vec<T>, same_key: impl Fn(&T, &T) -> bool) -> Vec<T> {
    let mut kept: Vec<T> = Vec::with_capacity(sorted.len());
    for record in sorted {
        match kept.last_mut() {
            Some(last) if same_key(last, &record) => *last = record,
            _ => kept.push(record),
        }
    }
    kept
}

/// Counts an upsert of `total` distinct records of which `existing` were stored before and
/// `written` rows were inserted or rewritten. Exact inside the import's transaction; only on
/// PostgreSQL, where another writer may insert the same keys meanwhile, can a row counted as
/// inserted have been an update, hence the saturation.
fn upsert_counts(total: usize, existing: usize, written: u64) -> RowCounts {
    let inserted = total.saturating_sub(existing) as u64;
    let updated = written.saturating_sub(inserted);
    RowCounts {
        inserted,
        updated,
        unchanged: (existing as u64).saturating_sub(updated),
    }
}

/// Adds to `keys` the keys of those `names` it lacks, from the store.
async fn complete_keys<T: LedgerTx>(
    tx: &mut T,
    column: KeyColumn,
    names: impl Iterator<Item = &str>,
    keys: &mut HashMap<String, i64>,
) -> Result<()> {
    let missing: Vec<&str> = names.filter(|name| !keys.contains_key(*name)).collect();
    if !missing.is_empty() {
        keys.extend(tx.keys_by_text(column, &missing).await?);
    }
    Ok(())
}

/// Resolves the deal ids that records refer to, from the deals just written and then from the
/// store; an id in neither is `NotFound`, naming what referred to it.
async fn resolve_deal_keys<T: LedgerTx>(
    tx: &mut T,
    deal_keys: &mut HashMap<String, i64>,
    referenced: impl Iterator<Item = &DealId>,
    referrer: &'static str,
) -> Result<()> {
    let mut unknown: Vec<&str> = referenced
        .map(DealId::as_str)
        .filter(|id| !deal_keys.contains_key(*id))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    unknown.sort_unstable();
    let stored = tx.keys_by_text(KeyColumn::DealId, &unknown).await?;
    if let Some(missing) = unknown.iter().find(|id| !stored.contains_key(**id)) {
        return Err(StoreError::NotFound {
            what: referrer,
            key: missing.to_string(),
        });
    }
    deal_keys.extend(stored);
    Ok(())
}

/// Writes a whole ledger; the caller runs it in one transaction and commits only on `Ok`.
pub(crate) async fn import<T: LedgerTx>(tx: &mut T, ledger: &Ledger) -> Result<ImportCounts> {
    let mut problems = Problems::default();
    for deal in &ledger.deals {
        problems.deal(deal);
    }
    for event in &ledger.events {
        problems.instant(event.entered_at, || {
            format!("stage event {} of deal {}", event.stage, event.deal_id)
        });
    }
    for entry in &ledger.time_entries {
        problems.instant(entry.started_at, || {
            format!("time entry of deal {}: started_at", entry.deal_id)
        });
    }
    for reopening in &ledger.reopenings {
        problems.reopening(reopening);
    }
    problems.into_result()?;

    let mut counts = ImportCounts::default();

    // Clients: those listed, then those only named by a deal.
    let mut listed: Vec<&Client> = ledger.clients.iter().collect();
    listed.sort_by(|a, b| a.name.cmp(&b.name));
    let listed = keep_last(listed, |a, b| a.name == b.name);
    let listed_names: Vec<&str> = listed.iter().map(|c| c.name.as_str()).collect();
    let mut client_keys = tx
        .keys_by_text(KeyColumn::ClientName, &listed_names)
        .await?;
    let written = tx.upsert_clients(&listed).await?;
    counts.clients = upsert_counts(listed.len(), client_keys.len(), written);
    counts.clients.unchanged += (ledger.clients.len() - listed.len()) as u64;
    complete_keys(
        tx,
        KeyColumn::ClientName,
        listed_names.into_iter(),
        &mut client_keys,
    )
    .await?;

    let mut deals: Vec<&Deal> = ledger.deals.iter().collect();
    deals.sort_by(|a, b| a.id.cmp(&b.id));
    let deals = keep_last(deals, |a, b| a.id == b.id);

    let mut implied: Vec<Client> = Vec::new();
    let mut implied_names: HashSet<&str> = HashSet::new();
    for deal in &deals {
        if !client_keys.contains_key(&deal.client) && implied_names.insert(&deal.client) {
            implied.push(default_client(deal));
        }
    }
    let created = tx.insert_missing_clients(&implied).await?;
    counts.clients.inserted += created;
    counts.clients.unchanged += implied.len() as u64 - created;
    let implied_names = implied.iter().map(|c| c.name.as_str());
    complete_keys(tx, KeyColumn::ClientName, implied_names, &mut client_keys).await?;

    // Deals.
    let mut rows = Vec::with_capacity(deals.len());
    for deal in &deals {
        let client_key = *client_keys
            .get(&deal.client)
            .ok_or_else(|| StoreError::NotFound {
                what: "client",
                key: deal.client.clone(),
            })?;
        rows.push(DealRow { deal, client_key });
    }
    let ids: Vec<&str> = deals.iter().map(|d| d.id.as_str()).collect();
    let mut deal_keys = tx.keys_by_text(KeyColumn::DealId, &ids).await?;
    let written = tx.upsert_deals(&rows).await?;
    counts.deals = upsert_counts(deals.len(), deal_keys.len(), written);
    counts.deals.unchanged += (ledger.deals.len() - deals.len()) as u64;
    complete_keys(tx, KeyColumn::DealId, ids.into_iter(), &mut deal_keys).await?;
    drop(rows);

    // Stage events: insert-only; a repeated event is unchanged.
    resolve_deal_keys(
        tx,
        &mut deal_keys,
        ledger.events.iter().map(|e| &e.deal_id),
        "deal referenced by a stage event",
    )
    .await?;
    let mut events: Vec<EventRow> = Vec::with_capacity(ledger.events.len());
    for event in &ledger.events {
        events.push(EventRow {
            deal_key: resolved(&deal_keys, &event.deal_id)?,
            entered_at: micros(event.entered_at),
            stage: event.stage.as_str(),
        });
    }
    // In primary-key order, the database appends to its index instead of inserting all over it.
    events.sort_unstable();
    events.dedup();
    let inserted = tx.insert_events(&events).await?;
    counts.events = RowCounts {
        inserted,
        updated: 0,
        unchanged: ledger.events.len() as u64 - inserted,
    };
    drop(events);

    // Time entries: upserted on (deal, started_at, category).
    resolve_deal_keys(
        tx,
        &mut deal_keys,
        ledger.time_entries.iter().map(|e| &e.deal_id),
        "deal referenced by a time entry",
    )
    .await?;
    let mut entries: Vec<EntryRow> = Vec::with_capacity(ledger.time_entries.len());
    for entry in &ledger.time_entries {
        entries.push(entry_row(resolved(&deal_keys, &entry.deal_id)?, entry));
    }
    entries.sort_by_key(|e| (e.deal_key, e.started_at, e.category));
    let entries = keep_last(entries, |a, b| {
        (a.deal_key, a.started_at, a.category) == (b.deal_key, b.started_at, b.category)
    });
    let existing = tx.count_existing_entries(&entries).await?;
    let written = tx.upsert_entries(&entries).await?;
    counts.time_entries = upsert_counts(entries.len(), existing as usize, written);
    counts.time_entries.unchanged += (ledger.time_entries.len() - entries.len()) as u64;
    drop(entries);

    // Reopenings: upserted on (deal, reopened_at).
    resolve_deal_keys(
        tx,
        &mut deal_keys,
        ledger.reopenings.iter().map(|r| &r.deal_id),
        "deal referenced by a reopening",
    )
    .await?;
    let mut reopenings: Vec<ReopeningRow> = Vec::with_capacity(ledger.reopenings.len());
    for reopening in &ledger.reopenings {
        reopenings.push(reopening_row(
            resolved(&deal_keys, &reopening.deal_id)?,
            reopening,
        ));
    }
    reopenings.sort_by_key(|r| (r.deal_key, r.reopened_at));
    let reopenings = keep_last(reopenings, |a, b| {
        (a.deal_key, a.reopened_at) == (b.deal_key, b.reopened_at)
    });
    let existing = tx.count_existing_reopenings(&reopenings).await?;
    let written = tx.upsert_reopenings(&reopenings).await?;
    counts.reopenings = upsert_counts(reopenings.len(), existing as usize, written);
    counts.reopenings.unchanged += (ledger.reopenings.len() - reopenings.len()) as u64;
    Ok(counts)
}

fn reopening_row(deal_key: i64, reopening: &Reopening) -> ReopeningRow<'_> {
    ReopeningRow {
        deal_key,
        reopened_at: micros(reopening.reopened_at),
        reason: &reopening.reason,
        outcome: reopening.outcome.as_str(),
        closed_at: micros(reopening.closed_at),
        lost_reason: reopening.lost_reason.as_deref(),
    }
}

/// The key of a deal that [`resolve_deal_keys`] found.
fn resolved(deal_keys: &HashMap<String, i64>, id: &DealId) -> Result<i64> {
    deal_keys
        .get(id.as_str())
        .copied()
        .ok_or_else(|| StoreError::NotFound {
            what: "deal",
            key: id.to_string(),
        })
}

fn entry_row(deal_key: i64, entry: &TimeEntry) -> EntryRow<'_> {
    EntryRow {
        deal_key,
        started_at: micros(entry.started_at),
        category: entry.category.as_str(),
        minutes: i64::from(entry.minutes),
        note: entry.note.as_deref(),
    }
}

async fn deal_key<T: LedgerTx>(tx: &mut T, id: &DealId, referrer: &'static str) -> Result<i64> {
    tx.keys_by_text(KeyColumn::DealId, &[id.as_str()])
        .await?
        .remove(id.as_str())
        .ok_or_else(|| StoreError::NotFound {
            what: referrer,
            key: id.to_string(),
        })
}

pub(crate) async fn add_client<T: LedgerTx>(tx: &mut T, client: &Client) -> Result<()> {
    let existing = tx
        .keys_by_text(KeyColumn::ClientName, &[client.name.as_str()])
        .await?;
    if !existing.is_empty() {
        return Err(StoreError::Conflict {
            what: "client",
            key: client.name.clone(),
        });
    }
    tx.upsert_clients(&[client]).await?;
    Ok(())
}

pub(crate) async fn add_deal<T: LedgerTx>(tx: &mut T, deal: &Deal) -> Result<()> {
    let mut problems = Problems::default();
    problems.deal(deal);
    problems.into_result()?;
    let existing = tx
        .keys_by_text(KeyColumn::DealId, &[deal.id.as_str()])
        .await?;
    if !existing.is_empty() {
        return Err(StoreError::Conflict {
            what: "deal",
            key: deal.id.to_string(),
        });
    }
    write_deal(tx, deal).await
}

/// Writes a deal, creating its client with defaults when the name is new.
async fn write_deal<T: LedgerTx>(tx: &mut T, deal: &Deal) -> Result<()> {
    tx.insert_missing_clients(&[default_client(deal)]).await?;
    let client_keys = tx
        .keys_by_text(KeyColumn::ClientName, &[deal.client.as_str()])
        .await?;
    let client_key = *client_keys
        .get(&deal.client)
        .ok_or_else(|| StoreError::NotFound {
            what: "client",
            key: deal.client.clone(),
        })?;
    tx.upsert_deals(&[DealRow { deal, client_key }]).await?;
    Ok(())
}

/// Records that a deal entered a stage, when the deal may (`Deal::check_move`).
pub(crate) async fn add_stage_event<T: LedgerTx>(
    tx: &mut T,
    event: &StageEvent,
    stages: &Stages,
) -> Result<bool> {
    let mut problems = Problems::default();
    problems.instant(event.entered_at, || {
        format!("stage event {} of deal {}", event.stage, event.deal_id)
    });
    problems.into_result()?;
    let (deal_key, deal) = locked_deal(tx, &event.deal_id).await?;
    deal.check_move(&event.stage, stages)
        .map_err(|e| StoreError::Invalid(e.0))?;
    let row = EventRow {
        deal_key,
        entered_at: micros(event.entered_at),
        stage: event.stage.as_str(),
    };
    Ok(tx.insert_events(&[row]).await? == 1)
}

/// Adds a time entry; `Ok(false)` when the identical entry is stored already, `Conflict` when
/// one with the same deal, start and category holds other values.
pub(crate) async fn add_time_entry<T: LedgerTx>(tx: &mut T, entry: &TimeEntry) -> Result<bool> {
    let mut problems = Problems::default();
    problems.instant(entry.started_at, || {
        format!("time entry of deal {}: started_at", entry.deal_id)
    });
    problems.into_result()?;
    let deal_key = deal_key(tx, &entry.deal_id, "deal").await?;
    let row = entry_row(deal_key, entry);
    let existed = tx
        .count_existing_entries(std::slice::from_ref(&row))
        .await?
        == 1;
    let written = tx.upsert_entries(std::slice::from_ref(&row)).await? == 1;
    match (existed, written) {
        (false, _) => Ok(true),
        (true, false) => Ok(false),
        // The caller drops the transaction, so the rewrite is rolled back.
        (true, true) => Err(StoreError::Conflict {
            what: "time entry",
            key: format!(
                "{} at {} ({})",
                entry.deal_id, entry.started_at, entry.category
            ),
        }),
    }
}

/// The key and the stored state of a deal, which other writers of the deal then wait for until
/// the transaction ends, so that a rule checked on this state still holds when it is written;
/// `NotFound` when there is no such deal.
async fn locked_deal<T: LedgerTx>(tx: &mut T, id: &DealId) -> Result<(i64, Deal)> {
    let key = deal_key(tx, id, "deal").await?;
    tx.lock_deal(key).await?;
    let deal = tx
        .deal_by_id(id.as_str())
        .await?
        .ok_or_else(|| StoreError::NotFound {
            what: "deal",
            key: id.to_string(),
        })?;
    Ok((key, deal))
}

/// Closes a deal, when it may be closed so (`Deal::check_close`).
pub(crate) async fn close_deal<T: LedgerTx>(
    tx: &mut T,
    id: &DealId,
    outcome: Outcome,
    closed_at: Timestamp,
    lost_reason: Option<String>,
) -> Result<()> {
    let (_, mut deal) = locked_deal(tx, id).await?;
    deal.check_close(outcome, closed_at)
        .map_err(|e| StoreError::Invalid(e.0))?;
    deal.outcome = outcome;
    deal.closed_at = Some(closed_at);
    deal.lost_reason = lost_reason;
    let mut problems = Problems::default();
    problems.deal(&deal);
    problems.into_result()?;
    write_deal(tx, &deal).await
}

/// Reopens a closed deal (`Deal::reopen`): the deal is open again and the reopening keeps why
/// and how it had closed.
pub(crate) async fn reopen_deal<T: LedgerTx>(
    tx: &mut T,
    id: &DealId,
    at: Timestamp,
    reason: &str,
) -> Result<Reopening> {
    let mut problems = Problems::default();
    problems.instant(at, || format!("reopening of deal {id}: reopened_at"));
    problems.into_result()?;
    let (deal_key, mut deal) = locked_deal(tx, id).await?;
    let reopening = deal
        .reopen(at, reason)
        .map_err(|e| StoreError::Invalid(e.0))?;
    write_deal(tx, &deal).await?;
    tx.upsert_reopenings(&[reopening_row(deal_key, &reopening)])
        .await?;
    Ok(reopening)
}

/// The reopenings of one deal, oldest first; an unknown deal is `NotFound`.
pub(crate) async fn reopenings_of_deal<T: LedgerTx>(
    tx: &mut T,
    id: &DealId,
) -> Result<Vec<Reopening>> {
    let deal_key = deal_key(tx, id, "deal").await?;
    tx.reopenings_of(ReopeningsOf::Deal(deal_key)).await
}
