//! Statements of work as checkable files.
//!
//! A SOW (`sow.yaml`) is read into a [`Sow`]; its milestones are what gets invoiced, its
//! acceptance items are evaluated against delivery evidence into an [`AcceptanceRecord`], its
//! service levels are what the SLA monitor enforces, and its credit table is what billing
//! applies. Nothing here does I/O: the caller reads files, runs commands and stores records.
//!
//! - [`read`] / [`check`]: the YAML into the model, every problem located;
//! - [`schema()`]: the JSON Schema of the YAML (docs/sow.schema.json);
//! - [`template`]: a commented starting SOW in English or Simplified Chinese;
//! - [`diff()`]: what changed between two SOWs, by meaning;
//! - [`openslo()`]: the service levels as OpenSLO v1;
//! - [`error_budget`] / [`budget_period`]: what an availability objective allows in a budget
//!   period, calendar months of their real length (the SLA monitor's functions too);
//! - [`evaluate`]: a milestone's acceptance items against gate summaries, SLO states, command
//!   results and manual ticks;
//! - [`sign`] / [`verify`]: sign-offs with SSH keys (OpenSSH `SSHSIG`), checked against the
//!   source, the rendered document, the allowed signers and the ledger.

mod accept;
mod budget;
mod diff;
pub mod model;
mod openslo;
mod read;
mod schema;
mod sign;
mod template;

pub use accept::{
    CommandResult, CommandsNotRun, Evidence, GateEvidence, KnownRun, MEASURED_ENGLISH,
    SLO_STATE_SCHEMA, SloEvidence, SloState, UnknownMilestone, evaluate, same_repository,
    sha256_hex, standing_ticks,
};
pub use budget::{ErrorBudget, PeriodBudget, budget_of, budget_period, error_budget};
pub use diff::{Change, ChangeKind, SowDiff, diff};
pub use model::*;
pub use openslo::openslo;
pub use read::{check, read};
pub use schema::schema;
pub use sign::{
    AllowedSigners, LedgerDifference, OnFile, SIGNATURE_NAMESPACE, SignError, SignatureCheck,
    SignatureProblem, SignatureProblemKind, Verification, compare_with_ledger, sign,
    signed_message, verify, with_ssh_signature,
};
pub use ssh_key::PrivateKey;
pub use template::template;
