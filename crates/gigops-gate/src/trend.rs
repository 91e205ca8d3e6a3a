//! The history of a deal's gate runs as a series: what moved between deliveries.

use serde::Serialize;

use crate::debt::Rating;
use crate::summary::Summary;

/// One recorded run, reduced to the figures a trend shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendPoint {
    /// RFC 3339, when the run was recorded.
    pub recorded_at: String,
    pub milestone: Option<String>,
    pub describe: Option<String>,
    pub passed: bool,
    pub tests_total: Option<u64>,
    pub tests_failed: Option<u64>,
    pub coverage_percent: Option<f64>,
    /// Percentage points against the previous run with coverage; `null` for the first.
    pub coverage_change: Option<f64>,
    pub findings_error: Option<u64>,
    pub findings_warning: Option<u64>,
    pub debt_rating: Option<Rating>,
}

/// The points of `runs` (recorded time, milestone, summary), in the order given.
pub fn trend(runs: &[(String, Option<String>, Summary)]) -> Vec<TrendPoint> {
    let mut previous: Option<f64> = None;
    runs.iter()
        .map(|(recorded_at, milestone, summary)| {
            let coverage = summary.coverage.and_then(|c| c.percent);
            let change = coverage.zip(previous).map(|(now, before)| now - before);
            if coverage.is_some() {
                previous = coverage;
            }
            TrendPoint {
                recorded_at: recorded_at.clone(),
                milestone: milestone.clone(),
                describe: summary.project.describe.clone(),
                passed: summary.gate.passed,
                tests_total: summary.tests.map(|t| t.total),
                tests_failed: summary.tests.map(|t| t.failed + t.errors),
                coverage_percent: coverage,
                coverage_change: change,
                findings_error: summary.findings.map(|f| f.error),
                findings_warning: summary.findings.map(|f| f.warning),
                debt_rating: summary.debt.map(|d| d.rating),
            }
        })
        .collect()
}
