//! The named results of use cases, as `--json` prints them and the server's API will answer
//! them. Fields are declared in alphabetical order: the order these results were printed in
//! when they were `json!` literals (serde_json keeps a map's keys sorted), which the snapshots
//! of crates/gigops/tests/it/snapshots hold.

use std::path::PathBuf;

use gigops_contract::Verification;
use gigops_core::{DealId, Lang, Outcome};
use jiff::Timestamp;
use serde::Serialize;

/// The files a command wrote, all or none.
#[derive(Debug, Serialize)]
pub struct Written {
    pub written: Vec<PathBuf>,
}

/// `db backup`.
#[derive(Debug, Serialize)]
pub struct BackupWritten {
    pub backup: PathBuf,
}

/// `deal close`.
#[derive(Debug, Serialize)]
pub struct DealClosed {
    pub closed_at: Timestamp,
    /// A won retainer closed as lost: it ended (it stays a won sale).
    pub ended: bool,
    pub id: DealId,
    pub lost_reason: Option<String>,
    pub outcome: Outcome,
}

/// `demo`: the ledger it made and the documents it wrote.
#[derive(Debug, Serialize)]
pub struct DemoRun {
    pub database: PathBuf,
    pub deals: usize,
    pub files: Vec<PathBuf>,
    /// What could not be made on this machine, and why (a PDF without a CJK font).
    pub notes: Vec<String>,
    pub stage_events: usize,
    pub time_entries: usize,
}

/// `sow slo`: the service levels in another tool's format.
#[derive(Debug, Serialize)]
pub struct SloExport {
    pub document: String,
    pub format: &'static str,
}

/// `sow attach`.
#[derive(Debug, Serialize)]
pub struct SowAttached {
    pub deal_id: DealId,
    pub source_sha256: String,
    pub sow_id: String,
    pub version: u32,
}

/// `sow new` without a file: the template.
#[derive(Debug, Serialize)]
pub struct SowTemplate {
    pub document: String,
    pub lang: Lang,
}

/// `sow check`.
#[derive(Debug, Serialize)]
pub struct SowChecked {
    pub file: String,
    pub ok: bool,
    pub problems: Vec<CheckedProblem>,
}

/// A problem of `sow check`: `column` a number (`null` for a problem about a whole mapping or
/// file).
#[derive(Debug, Serialize)]
pub struct CheckedProblem {
    pub column: Option<u64>,
    pub file: String,
    pub line: u64,
    pub reason: String,
}

/// `sow sign --message`: the text an OpenSSH signer signs.
#[derive(Debug, Serialize)]
pub struct SignedMessage {
    pub message: String,
}

/// `sow verify`.
#[derive(Debug, Serialize)]
pub struct SowVerified {
    pub deal: Option<DealId>,
    pub file: String,
    pub intact: bool,
    /// The ledger's version compared with, when a deal was given.
    pub ledger_version: Option<u32>,
    pub verification: Verification,
}

/// `gate deliverables`.
#[derive(Debug, Serialize)]
pub struct DeliverablesWritten {
    pub items: Vec<gigops_gate::deliverables::CheckItem>,
    pub written: Vec<PathBuf>,
}
