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
//! - [`evaluate`]: a milestone's acceptance items against gate summaries, SLO states, command
//!   results and manual ticks;
//! - [`verify`]: whether signatures still match the source and the rendered document.

mod accept;
mod diff;
pub mod model;
mod openslo;
mod read;
mod schema;
mod sign;
mod template;

pub use accept::{
    CommandResult, Evidence, GateEvidence, MEASURED_ENGLISH, SLO_STATE_SCHEMA, SloEvidence,
    SloState, UnknownMilestone, evaluate, sha256_hex, standing_ticks,
};
pub use diff::{Change, ChangeKind, SowDiff, diff};
pub use model::*;
pub use openslo::openslo;
pub use read::{check, read};
pub use schema::schema;
pub use sign::{SignatureCheck, Verification, verify};
pub use template::template;
