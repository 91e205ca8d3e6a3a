//! What the store takes and returns besides the domain records themselves.

use gigops_core::{Currency, Deal, DealId, Outcome, Platform, Reopening, StageEvent, TimeEntry};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Result, StoreError};

/// Which deals an operation looks at. Every field that is set must match; the default matches
/// every deal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealFilter {
    /// Deals of this platform, whatever the case of its ASCII letters (`Platform::is`).
    pub platform: Option<Platform>,
    pub outcome: Option<Outcome>,
    /// Deals opened at or after this instant.
    pub opened_from: Option<Timestamp>,
    /// Deals opened strictly before this instant.
    pub opened_to: Option<Timestamp>,
    /// Leaves the time entries' notes out (`None`): the analytics never read them, and on a
    /// ledger with long notes they are most of its bytes (docs/store.md, "Reading for
    /// reports"). Which deals match does not depend on it.
    pub without_notes: bool,
}

impl DealFilter {
    /// The filter that matches every deal.
    pub fn all() -> Self {
        DealFilter::default()
    }

    /// Whether every deal passes the filter.
    pub fn selects_all(&self) -> bool {
        self.platform.is_none()
            && self.outcome.is_none()
            && self.opened_from.is_none()
            && self.opened_to.is_none()
    }

    /// Whether a deal passes the filter: the same rule the store applies in SQL, for callers
    /// that filter deals they already hold.
    pub fn matches(&self, deal: &Deal) -> bool {
        self.platform
            .as_ref()
            .is_none_or(|p| deal.platform.is(p.as_str()))
            && self.outcome.is_none_or(|o| o == deal.outcome)
            && self.opened_from.is_none_or(|from| deal.opened_at >= from)
            && self.opened_to.is_none_or(|to| deal.opened_at < to)
    }
}

/// A deal with its stage history and the time logged on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealDetail {
    pub deal: Deal,
    /// By `entered_at`, then stage name.
    pub events: Vec<StageEvent>,
    /// By `started_at`, then category name.
    pub time_entries: Vec<TimeEntry>,
    /// Each time the deal was reopened, oldest first.
    pub reopenings: Vec<Reopening>,
}

/// What an import did to one table. Every record of the input is counted once, so
/// `inserted + updated + unchanged` is the number of records given (for clients, plus those
/// created because a deal names them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowCounts {
    /// New rows.
    pub inserted: u64,
    /// Rows that existed with different values and were rewritten.
    pub updated: u64,
    /// Records that were already stored exactly so (or repeated an earlier record of the same
    /// input), and wrote nothing.
    pub unchanged: u64,
}

impl RowCounts {
    /// Rows written: inserted or updated.
    pub fn changed(&self) -> u64 {
        self.inserted + self.updated
    }

    pub fn total(&self) -> u64 {
        self.inserted + self.updated + self.unchanged
    }
}

/// What an import did, table by table. Importing the same ledger twice gives, the second time,
/// counts where everything is `unchanged`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    pub clients: RowCounts,
    pub deals: RowCounts,
    /// Named in JSON like the table and its interchange file.
    #[serde(rename = "stage_events")]
    pub events: RowCounts,
    pub time_entries: RowCounts,
    pub reopenings: RowCounts,
}

impl ImportCounts {
    /// Rows written across all tables; 0 when the import changed nothing.
    pub fn changed(&self) -> u64 {
        self.tables().iter().map(|(_, c)| c.changed()).sum()
    }

    /// Records considered across all tables.
    pub fn total(&self) -> u64 {
        self.tables().iter().map(|(_, c)| c.total()).sum()
    }

    /// The counts with the name of their table, in dependency order.
    pub fn tables(&self) -> [(&'static str, RowCounts); 5] {
        [
            ("clients", self.clients),
            ("deals", self.deals),
            ("stage_events", self.events),
            ("time_entries", self.time_entries),
            ("reopenings", self.reopenings),
        ]
    }
}

/// How many rows each table holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub clients: u64,
    pub deals: u64,
    #[serde(rename = "stage_events")]
    pub events: u64,
    pub time_entries: u64,
    pub reopenings: u64,
}

/// What a backup does when its destination already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IfExists {
    /// Refuse with [`StoreError::Conflict`](crate::StoreError::Conflict), leaving the file as
    /// it is.
    Fail,
    /// Replace the file, atomically: readers see the old copy or the new one, never a mix.
    Replace,
}

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One version of a deal's quote: the quote JSON as `gigops quote` printed it (schema
/// `gigops.quote/1`; the store does not look inside).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredQuote {
    pub deal_id: DealId,
    /// 1 for the deal's first quote, then one more for each.
    pub version: u32,
    pub created_at: Timestamp,
    /// When the client accepted this version; at most one version of a deal is accepted.
    pub accepted_at: Option<Timestamp>,
    pub quote: String,
}

/// One delivery-gate run recorded against a deal: the summary JSON the gate wrote, kept as it
/// was written (its schema is the gate's, not the store's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateRun {
    pub deal_id: DealId,
    /// The contract milestone the run is evidence for, if any.
    pub milestone: Option<String>,
    pub recorded_at: Timestamp,
    pub passed: bool,
    pub summary: String,
}

/// A statement of work to store as a deal's next version: the documents as text (the store
/// does not look inside) and the few values the store queries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSow {
    /// The SOW's own id (`acme-billing-api`), as written in it.
    pub sow_id: String,
    pub created_at: Timestamp,
    /// The currency of every amount of the SOW.
    pub currency: Currency,
    /// The YAML text as the user wrote it.
    pub source: String,
    /// SHA-256 of `source`, 64 lowercase hex digits; what a signature must name.
    pub source_sha256: String,
    /// The SOW model as JSON (schema `gigops.sow/1`), as gigops-contract wrote it.
    pub sow_json: String,
    /// In the order the SOW lists them; ids unique within the SOW.
    pub milestones: Vec<SowMilestone>,
}

/// A milestone of a SOW as the store keeps it, for listing and invoicing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SowMilestone {
    /// Unique within the SOW (`M1`).
    pub id: String,
    pub title: String,
    /// Stored as text, `YYYY-MM-DD`; years 1 to 9999.
    pub due: Date,
    /// Minor units of the SOW's currency.
    pub amount_minor: i64,
}

/// One stored version of a deal's SOW.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSow {
    pub deal_id: DealId,
    /// 1 for the deal's first SOW, then one more for each.
    pub version: u32,
    pub sow_id: String,
    pub created_at: Timestamp,
    pub currency: Currency,
    pub source: String,
    pub source_sha256: String,
    pub sow_json: String,
    /// In the order the SOW lists them.
    pub milestones: Vec<StoredMilestone>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredMilestone {
    pub id: String,
    pub title: String,
    pub due: Date,
    pub amount_minor: i64,
    /// When billing invoiced this milestone of this version; `None` until then.
    pub invoiced_at: Option<Timestamp>,
}

/// One evaluation of a milestone's acceptance items, to record against a SOW version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAcceptance {
    /// A milestone id of that version.
    pub milestone: String,
    pub evaluated_at: Timestamp,
    /// Every item passed.
    pub accepted: bool,
    /// The acceptance record JSON (schema `gigops.acceptance/1`), kept as given.
    pub record_json: String,
    /// The digests of the evidence the evaluation read, as JSON, kept as given.
    pub evidence_json: String,
}

/// A recorded evaluation of a milestone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredAcceptance {
    pub deal_id: DealId,
    /// The SOW version the milestone was evaluated against.
    pub version: u32,
    pub milestone: String,
    pub evaluated_at: Timestamp,
    pub accepted: bool,
    pub record_json: String,
    pub evidence_json: String,
}

/// A milestone of a deal's latest SOW version that is accepted and not yet invoiced: what
/// billing invoices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadyMilestone {
    pub deal_id: DealId,
    /// The deal's latest SOW version, whose terms the milestone is invoiced under.
    pub version: u32,
    pub milestone: String,
    pub title: String,
    pub amount_minor: i64,
    pub currency: Currency,
    /// When the evaluation that accepted it ran.
    pub accepted_at: Timestamp,
    /// The SOW version that evaluation was recorded against (`version` or an earlier one
    /// holding the same milestone id, amount and currency).
    pub accepted_version: u32,
}

/// Decodes a stored JSON document; an error names the kind of document and which one.
fn decode<T: DeserializeOwned>(
    text: &str,
    what: &'static str,
    key: impl FnOnce() -> String,
) -> Result<T> {
    serde_json::from_str(text).map_err(|source| StoreError::Decode {
        what,
        key: key(),
        source,
    })
}

impl StoredQuote {
    /// The quote, decoded as `T` (the quote's own type, or `serde_json::Value` to keep every
    /// field); `Decode` naming the deal and version when it does not read so.
    pub fn document<T: DeserializeOwned>(&self) -> Result<T> {
        decode(&self.quote, "quote", || {
            format!("{} v{}", self.deal_id, self.version)
        })
    }
}

impl GateRun {
    /// The gate's summary, decoded as `T`; `Decode` naming the deal, the milestone and when the
    /// run was recorded when it does not read so.
    pub fn document<T: DeserializeOwned>(&self) -> Result<T> {
        decode(&self.summary, "gate summary", || match &self.milestone {
            Some(milestone) => format!(
                "of {} ({milestone}) recorded at {}",
                self.deal_id, self.recorded_at
            ),
            None => format!("of {} recorded at {}", self.deal_id, self.recorded_at),
        })
    }
}

impl StoredSow {
    /// The SOW model (`gigops.sow/1`), decoded as `T`; `Decode` naming the deal and version
    /// when it does not read so.
    pub fn document<T: DeserializeOwned>(&self) -> Result<T> {
        decode(&self.sow_json, "SOW", || {
            format!("{} v{}", self.deal_id, self.version)
        })
    }
}

impl StoredAcceptance {
    fn key(&self) -> String {
        format!(
            "of milestone {} of SOW {} v{} evaluated at {}",
            self.milestone, self.deal_id, self.version, self.evaluated_at
        )
    }

    /// The acceptance record (`gigops.acceptance/1`), decoded as `T`; `Decode` naming the
    /// deal, version, milestone and evaluation when it does not read so.
    pub fn record<T: DeserializeOwned>(&self) -> Result<T> {
        decode(&self.record_json, "acceptance record", || self.key())
    }

    /// The digests of the evidence the evaluation read, decoded as `T`.
    pub fn evidence<T: DeserializeOwned>(&self) -> Result<T> {
        decode(&self.evidence_json, "acceptance evidence", || self.key())
    }
}
