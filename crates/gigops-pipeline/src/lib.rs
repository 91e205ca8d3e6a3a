//! Deal, funnel and time analytics over the ledger, and a synthetic ledger generator for the
//! demo and the benchmarks.

pub mod report;

pub use report::PipelineReport;
