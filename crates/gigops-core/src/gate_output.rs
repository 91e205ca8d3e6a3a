//! What a gate run writes that crates other than the gate read: the summary's schema name, the
//! benchmark counts the summary carries and `benchmarks.json`'s comparison of every metric. The
//! gate computes them; a proposal reads them back as evidence of past delivery, and it must not
//! need the gate to do so. Their keys are a documented interface (docs/gate.md): add keys, never
//! rename or remove them.

use serde::{Deserialize, Serialize};

/// The schema of a gate run's `summary.json` (the gate's `Summary`).
pub const SUMMARY_SCHEMA: &str = "gigops.gate.summary/1";

/// The benchmark counts of one gate run, its summary's `benchmarks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchmarkSummary {
    /// Benchmark metrics measured in this run.
    pub metrics: u64,
    /// Metrics compared with an old set (present in both).
    pub compared: u64,
    /// Compared metrics that got significantly worse.
    pub regressions: u64,
    /// The largest significant regression, in percent; `null` when none.
    pub worst_regression_percent: Option<f64>,
}

/// One side of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The median: the middle value, or the mean of the two middle values.
    pub center: f64,
    /// How many values (runs, or criterion samples).
    pub n: u64,
    pub min: f64,
    pub max: f64,
}

/// One metric of one benchmark, old against new.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub suite: String,
    pub name: String,
    pub unit: String,
    /// `None` when the metric is only in the new set.
    pub old: Option<Summary>,
    /// `None` when the metric is only in the old set.
    pub new: Option<Summary>,
    /// `(new − old) / old × 100` of the medians, only for a significant change (`None` is
    /// benchstat's `~`), and `None` when the old median is 0.
    pub delta_percent: Option<f64>,
    /// The two-sided Mann–Whitney U p-value; `None` when one side is missing or every value is
    /// the same.
    pub p_value: Option<f64>,
    /// p ≤ α.
    pub significant: bool,
    /// The delta signed so that worse is positive (a throughput's fall, a cost's rise); `None`
    /// exactly when `delta_percent` is.
    pub regression_percent: Option<f64>,
    /// Why there is no verdict, or what to do to get one.
    pub note: Option<String>,
}

/// The schema of `benchmarks.json`, the comparison a gate run writes beside `summary.json`.
pub const FILE_SCHEMA: &str = "gigops.gate.benchmarks/1";

/// `benchmarks.json`: every metric's comparison of one gate run (docs/gate.md, "Outputs"). The
/// summary holds only their counts; a proposal or a report that shows the table reads this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonFile {
    pub schema: String,
    /// The summary's `generated_at`: which run the comparisons belong to.
    pub generated_at: String,
    /// The significance level they were compared at.
    pub alpha: f64,
    /// Whether an old set was given (`--bench-baseline`); without one every metric is new.
    pub baseline: bool,
    pub comparisons: Vec<Comparison>,
}
