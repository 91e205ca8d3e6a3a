//! The SOW and the acceptance record: plain, serializable data that every rendering (JSON,
//! Markdown, HTML, PDF), the diff, the OpenSLO export and the store work from.
//!
//! A value of these types has passed `sow check`: amounts are integer minor units of the SOW's
//! currency, percentages are in (0, 100), dates are ordered. The reader that builds them from
//! YAML reports every problem with its place; these types do not re-validate.

use gigops_core::{Currency, Lang, Message};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The schema id written into every SOW's JSON, so a reader knows what it holds.
pub const SOW_SCHEMA: &str = "gigops.sow/1";
/// The schema id of an acceptance record.
pub const ACCEPTANCE_SCHEMA: &str = "gigops.acceptance/1";

/// A statement of work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sow {
    /// A short id both sides use for the contract (`acme-billing-api`).
    pub id: String,
    pub title: String,
    /// The language the contract is governed by; its documents render in it by default.
    pub language: Lang,
    pub parties: Parties,
    /// The contract period: every milestone is due inside it.
    pub start: Date,
    pub end: Date,
    pub currency: Currency,
    /// The contract total in minor units; the milestone amounts sum to it.
    pub total_minor: i64,
    /// Days from `start` to `end`, both included (derived: [`Sow::derive_figures`]).
    #[serde(default)]
    pub period_days: i64,
    /// Scope in the client's words, one paragraph or bullet per entry.
    pub scope: Vec<String>,
    /// What is explicitly not included.
    pub out_of_scope: Vec<String>,
    pub milestones: Vec<Milestone>,
    /// The length of one delivery iteration (`2w`).
    pub iteration: Option<Duration>,
    /// The code repository delivered (`https://github.com/acme/billing-api`): gate evidence of
    /// any other repository is no evidence for this SOW's milestones.
    #[serde(default)]
    pub repository: Option<String>,
    pub change_requests: ChangePolicy,
    pub support: Option<SupportWindow>,
    pub service_levels: Vec<ServiceLevel>,
    pub credits: Option<CreditTable>,
    pub payment: PaymentTerms,
}

impl Sow {
    /// The SOW as JSON with its `schema` ([`SOW_SCHEMA`]): the model every rendering shows.
    pub fn to_json(&self) -> serde_json::Value {
        let mut object = serde_json::Map::new();
        object.insert("schema".into(), SOW_SCHEMA.into());
        if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(self) {
            object.extend(fields);
        }
        serde_json::Value::Object(object)
    }

    /// Fills the figures derived from the terms — the period's days, each milestone's share of
    /// the total, each availability objective's error budget — so that every rendering and the
    /// JSON show the same numbers. The reader calls it; so must code that builds a `Sow`.
    pub fn derive_figures(&mut self) {
        self.period_days = (self.end - self.start).get_days().max(0) as i64 + 1;
        let total = self.total_minor;
        for m in &mut self.milestones {
            m.share_percent = if total == 0 {
                0.0
            } else {
                (m.amount_minor as f64 / total as f64 * 1000.0).round() / 10.0
            };
        }
        let budgets: Vec<_> = self
            .service_levels
            .iter()
            .map(|level| crate::budget_of(self, level))
            .collect();
        for (level, budget) in self.service_levels.iter_mut().zip(budgets) {
            level.error_budget = budget;
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parties {
    /// The freelancer or agency doing the work.
    pub provider: Party,
    pub client: Party,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub name: String,
    /// Who signs for the party.
    pub representative: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    /// Unique within the SOW (`M1`); what `gigops accept M1` names.
    pub id: String,
    pub title: String,
    pub due: Date,
    /// Minor units of the SOW's currency; invoiced when the milestone is accepted.
    pub amount_minor: i64,
    /// The amount's share of the contract total in percent, to the tenth (derived:
    /// [`Sow::derive_figures`]).
    #[serde(default)]
    pub share_percent: f64,
    pub deliverables: Vec<String>,
    pub acceptance: Vec<AcceptanceItem>,
}

/// One acceptance criterion of a milestone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcceptanceItem {
    /// Unique within the milestone (`tests`, `A1`).
    pub id: String,
    /// What the client reads on the checklist.
    pub text: String,
    pub check: Check,
}

/// How an acceptance item is decided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Check {
    /// Ticked by a person, with who, when and a note.
    Manual,
    /// A condition on a `gigops gate` summary JSON.
    Gate { condition: GateCondition },
    /// A service level of this SOW met over a period ending at evaluation time.
    Slo {
        service_level: String,
        over: Duration,
    },
    /// A command run by the acceptor (not by this crate) exits with the expected status.
    Command { argv: Vec<String>, expect_exit: i32 },
}

/// The conditions an acceptance item can put on gate evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "condition", rename_all = "snake_case")]
pub enum GateCondition {
    /// The gate's own verdict passed.
    GatePassed,
    /// Total coverage at least this percent.
    CoverageAtLeast { percent: f64 },
    /// No failed and no errored tests.
    NoFailedTests,
    /// No finding at error level.
    NoErrorFindings,
    /// No statistically significant benchmark regression.
    NoBenchmarkRegression,
    /// Technical-debt rating at least this good (`A` best, `E` worst).
    DebtRatingAtLeast { rating: char },
}

impl GateCondition {
    /// The condition speaks of the whole test suite (its verdict, its failures, its coverage),
    /// so a run of a part of it (a test filter, a package subset) is no evidence for it.
    /// Findings, benchmarks and debt are not about which tests ran.
    pub fn needs_whole_suite(&self) -> bool {
        matches!(
            self,
            GateCondition::GatePassed
                | GateCondition::NoFailedTests
                | GateCondition::CoverageAtLeast { .. }
        )
    }
}

/// A fixed length of time written as the user wrote it (`2w`, `28d`, `5m`, `1h 30m`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duration {
    pub text: String,
    pub seconds: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangePolicy {
    /// How a change is requested and approved, in words.
    pub process: Option<String>,
    /// Working days within which the provider answers a change request with an estimate.
    pub response_days: Option<u32>,
    /// The hourly rate changes are billed at, in minor units.
    pub hourly_rate_minor: Option<i64>,
    /// Changes up to this many hours in total are absorbed without a change order.
    pub free_hours: Option<u32>,
}

/// Support after delivery: how long, when, and how fast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupportWindow {
    /// Days of support after the last milestone is accepted.
    pub days: u32,
    /// Hours of cover in words (`Mon–Fri 09:00–18:00`).
    pub hours: Option<String>,
    /// IANA time zone of `hours` (`Asia/Shanghai`).
    pub time_zone: Option<String>,
    /// First response within this long.
    pub response: Option<Duration>,
}

/// A service level the provider commits to and the SLA monitor enforces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceLevel {
    /// Unique within the SOW (`api-availability`); what an acceptance item's `slo` names.
    pub id: String,
    pub description: Option<String>,
    pub objective: Objective,
    /// The evaluation window one good/bad decision is made over (`5m`).
    pub window: Duration,
    /// A breach is N consecutive bad windows (1: every bad window is a breach).
    pub consecutive_windows: u32,
    pub budget_period: BudgetPeriod,
    /// For an availability objective, the bad time it allows in the contract's shortest and
    /// longest budget period ([`crate::budget_of`]); `null` for a latency objective (its budget
    /// is in windows) and in SOW JSON written before this key.
    #[serde(default)]
    pub error_budget: Option<crate::ErrorBudget>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Objective {
    /// Percent of good events (or good windows) in the budget period, in (0, 100).
    Availability { target_percent: f64 },
    /// The given percentile of request latency at or under `threshold_ms`, in `target_percent`
    /// of the windows ("P95 ≤ 150 ms" in 99 % of windows).
    Latency {
        percentile: f64,
        threshold_ms: f64,
        target_percent: f64,
    },
}

/// The period an error budget is counted over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BudgetPeriod {
    /// The last `duration`, continuously.
    Rolling { duration: Duration },
    /// Each calendar month in the client's time zone.
    CalendarMonth,
}

/// Service credits: the lower the measured level, the larger the credit, never past the cap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreditTable {
    /// The service level the tiers are measured on.
    pub service_level: String,
    /// Ordered by `below_percent` descending, and so by `credit_percent` ascending.
    pub tiers: Vec<CreditTier>,
    /// At most this percent of the period's fee is credited, whatever the tiers say.
    pub cap_percent: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreditTier {
    /// Applies when the period's measured level is below this percent.
    pub below_percent: f64,
    /// Percent of the period's fee credited.
    pub credit_percent: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentTerms {
    /// An invoice is due this many days after it is issued.
    pub net_days: u32,
    /// Percent per month charged on overdue amounts.
    pub late_fee_percent_per_month: Option<f64>,
}

/// The outcome of evaluating one milestone's acceptance items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcceptanceRecord {
    pub schema: String,
    pub sow_id: String,
    pub milestone: String,
    pub milestone_title: String,
    pub amount_minor: i64,
    pub currency: Currency,
    pub evaluated_at: Timestamp,
    pub items: Vec<ItemResult>,
    /// Every piece of evidence read, with its SHA-256.
    pub evidence: Vec<EvidenceDigest>,
    /// The gate run the gate items were judged on: the repository and commit it names. `null`
    /// when no gate summary was given (and in records written before this key).
    #[serde(default)]
    pub judged: Option<JudgedRun>,
    /// How many items passed, failed and are pending.
    #[serde(default)]
    pub counts: OutcomeCounts,
    /// Every item passed: the milestone is accepted and ready to invoice.
    pub accepted: bool,
}

/// The gate run an evaluation judged: a summary is evidence only for the repository and commit
/// it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JudgedRun {
    /// The summary, as named on the command line.
    pub evidence: String,
    /// The repository's `origin` URL; `null` when the summary does not name one.
    pub repository: Option<String>,
    pub commit: Option<String>,
    /// `git describe` of the commit.
    pub describe: Option<String>,
    /// RFC 3339, when the run finished.
    pub generated_at: String,
    /// The gate's own verdict on the run.
    pub passed: bool,
    /// Whether the run tested the whole suite: `false` for a test filter or a package subset,
    /// `null` when the summary does not say.
    pub complete: Option<bool>,
    /// What made the run partial, as written on its command line.
    pub filters: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeCounts {
    pub passed: usize,
    pub failed: usize,
    pub pending: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceDigest {
    /// As named on the command line.
    pub name: String,
    /// Lowercase hex.
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemResult {
    pub id: String,
    pub text: String,
    /// `manual`, `gate`, `slo` or `command`.
    pub kind: String,
    pub outcome: ItemOutcome,
    /// What was measured (`coverage 72.4 %`), when the check measures something: in English,
    /// the sentence of `measured_message`.
    pub measured: Option<String>,
    /// The same as a key of [`crate::MEASURED_ENGLISH`] and its values, for a checklist in another
    /// language. Absent from records written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured_message: Option<Message>,
    /// What the item requires (`coverage ≥ 80 %`).
    pub required: Option<String>,
    /// For a manual item: who ticked it, when, and their note.
    pub ticked: Option<Tick>,
    /// The evidence the outcome was decided on (an `EvidenceDigest` name).
    pub evidence: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemOutcome {
    Passed,
    Failed,
    /// Not decided: a manual item not ticked, or no evidence of the kind the item needs.
    Pending,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tick {
    pub by: String,
    pub at: Timestamp,
    pub note: Option<String>,
}

/// A SOW given for a deal whose currency is not the SOW's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "SOW {sow_id} is in {sow}, but the deal is in {deal}: a deal's SOWs and milestones are in the \
     deal's currency, and gigops never converts without a rate; write the SOW's amounts in \
     {deal}, or record the deal in {sow}"
)]
pub struct CurrencyMismatch {
    pub sow_id: String,
    pub sow: Currency,
    pub deal: Currency,
}

/// A deal's SOWs are in the deal's currency: `Err` names both when `sow` is not in `deal`.
pub fn check_deal_currency(sow: &Sow, deal: Currency) -> Result<(), CurrencyMismatch> {
    if sow.currency == deal {
        return Ok(());
    }
    Err(CurrencyMismatch {
        sow_id: sow.id.clone(),
        sow: sow.currency,
        deal,
    })
}
