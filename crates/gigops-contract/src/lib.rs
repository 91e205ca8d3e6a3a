//! Statements of work as checkable files.
//!
//! A SOW (`sow.yaml`) is read into a [`Sow`]; its milestones are what gets invoiced, its
//! acceptance items are evaluated against delivery evidence into an [`AcceptanceRecord`], its
//! service levels are what the SLA monitor enforces, and its credit table is what billing
//! applies. Nothing here does I/O: the caller reads files, runs commands and stores records.

pub mod model;

pub use model::*;
