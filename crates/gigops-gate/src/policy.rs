//! The gate's policy: the `[gate]` table of gigops.toml. Every threshold is optional but the
//! failed-test limit and the fewest tests that must run, so a project adopts the gate one rule
//! at a time.

use std::collections::BTreeMap;

use gigops_core::evidence::FindingLevel;
use serde::{Deserialize, Serialize};

use crate::debt::{DebtConfig, Rating};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Minimum total coverage, in percent.
    pub min_coverage: Option<f64>,
    /// Minimum coverage of the lines changed since `patch_base`, in percent.
    pub min_patch_coverage: Option<f64>,
    /// The git revision patch coverage is measured against (its merge base with HEAD).
    pub patch_base: Option<String>,
    /// Maximum fall of total coverage against the baseline, in percentage points.
    pub max_coverage_drop: Option<f64>,
    /// A previous run's summary.json to compare coverage with (`--baseline` overrides it).
    pub baseline: Option<String>,
    /// Maximum failed tests plus errored suites not excused by quarantine (default 0).
    pub max_failed: u64,
    /// The fewest tests that must run (pass or fail; a skipped test does not count). Unset: 1
    /// whenever test output is given or `gate run`'s command is a test command; 0 says tests
    /// are not expected.
    pub min_tests: Option<u64>,
    /// Tests whose failures do not count: glob patterns (`*`, `?`, `[…]`) matched against the
    /// test name and against `suite/name`.
    pub quarantine: Vec<String>,
    pub findings: FindingsPolicy,
    pub benchmarks: BenchmarkPolicy,
    /// Tool → version requirement, e.g. `go = ">=1.19, <1.23"`.
    pub toolchain: BTreeMap<String, String>,
    /// The worst acceptable technical-debt rating.
    pub max_debt_rating: Option<Rating>,
    pub debt: DebtConfig,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FindingsPolicy {
    /// Fail on any finding at this level or above.
    pub fail_level: Option<FindingLevel>,
    /// Fail on any finding whose security severity is at or above this score (0.0–10.0; 7.0 is
    /// "high" in CVSS terms).
    pub fail_security_severity: Option<f64>,
    /// Fail on any finding of these rules (exact rule ids).
    pub fail_rules: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BenchmarkPolicy {
    /// Maximum statistically significant regression of any benchmark metric, in percent.
    pub max_regression_percent: Option<f64>,
    /// Significance level of the Mann–Whitney U test.
    pub alpha: f64,
}

impl Default for BenchmarkPolicy {
    fn default() -> Self {
        BenchmarkPolicy {
            max_regression_percent: None,
            alpha: 0.05,
        }
    }
}
