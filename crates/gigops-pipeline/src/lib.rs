//! Deal, funnel and time analytics over the ledger, and a synthetic ledger generator for the
//! demo and the benchmarks.
//!
//! [`pipeline_report`] turns a [`gigops_core::Ledger`] into a [`PipelineReport`]; the
//! definitions of every number are in docs/pipeline-analytics.md. [`synthetic_ledger`] makes a
//! realistic, deterministic ledger of any size.

mod analytics;
mod calendar;
mod drivers;
mod options;
pub mod report;
mod stats;
mod synth;

pub use analytics::pipeline_report;
pub use drivers::{DRIVERS_ALPHA, DRIVERS_MIN_DEALS};
pub use options::PipelineOptions;
pub use report::{PipelineReport, Scope};
pub use synth::{SynthSpec, synthetic_ledger};
