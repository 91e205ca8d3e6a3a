//! Evidence a delivery gate reads: the outcome of test runs and the coverage they measured.
//!
//! These are plain values, produced by the parsers in `gigops-ingest` (one per tool format) and
//! read by the gate. Nothing here knows which tool produced them.

use serde::{Deserialize, Serialize};

/// How one test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestStatus {
    Passed,
    Failed,
    Skipped,
}

/// One test or subtest that ended in pass, fail or skip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestCase {
    /// The suite the test belongs to: for Go, the package import path.
    pub suite: String,
    /// The full name, with the subtest path: `TestSign/negative`.
    pub name: String,
    pub status: TestStatus,
    /// As the tool reported it; `None` when the test never reported an end of its own (for
    /// example, it was still running when its package timed out).
    pub duration_seconds: Option<f64>,
    /// The output attributed to this test, possibly shortened in the middle when very long.
    pub output: String,
    /// The result was replayed from the tool's cache rather than run again.
    pub cached: bool,
}

/// Why a suite failed when no test of it reported a failure of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuiteErrorKind {
    /// The suite (or something it depends on) did not compile.
    BuildFailure,
    /// A panic outside any test: in `init`, `TestMain`, or a goroutine nobody attributed.
    Panic,
    /// The test binary hit its deadline (`panic: test timed out after …`).
    Timeout,
    /// The suite failed and said nothing more specific (for example `TestMain` exited 1).
    Failed,
}

/// A suite that failed as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuiteError {
    pub suite: String,
    pub kind: SuiteErrorKind,
    /// The suite-level output: compiler errors, the panic and its stack, and so on.
    pub output: String,
}

/// Every test case and suite error of one or more test runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TestRun {
    pub cases: Vec<TestCase>,
    pub errors: Vec<SuiteError>,
}

/// The totals of a [`TestRun`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestCounts {
    /// Every test and subtest that ended in pass, fail or skip, each once.
    pub total: u64,
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
    /// Suites that failed as a whole ([`TestRun::errors`]).
    pub errors: u64,
    /// Tests that both failed and passed in the same run (a retrying runner); 0 for Go.
    pub flaky: u64,
}

impl TestRun {
    pub fn counts(&self) -> TestCounts {
        let mut counts = TestCounts {
            errors: self.errors.len() as u64,
            ..TestCounts::default()
        };
        for case in &self.cases {
            counts.total += 1;
            match case.status {
                TestStatus::Passed => counts.passed += 1,
                TestStatus::Failed => counts.failed += 1,
                TestStatus::Skipped => counts.skipped += 1,
            }
        }
        counts
    }
}

/// What a coverage count counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageUnit {
    Statements,
    Lines,
}

/// The coverage of one source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileCoverage {
    /// As the tool names it: for Go, `module/path/file.go`.
    pub path: String,
    pub covered: u64,
    pub total: u64,
}

/// Coverage of a set of files, in one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub unit: CoverageUnit,
    /// Sorted by path, one entry per path.
    pub files: Vec<FileCoverage>,
}

impl Coverage {
    pub fn covered(&self) -> u64 {
        self.files.iter().map(|f| f.covered).sum()
    }

    pub fn total(&self) -> u64 {
        self.files.iter().map(|f| f.total).sum()
    }

    /// Covered units as a percentage of all units, `None` when there are none at all.
    pub fn percent(&self) -> Option<f64> {
        let total = self.total();
        (total > 0).then(|| 100.0 * self.covered() as f64 / total as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(status: TestStatus) -> TestCase {
        TestCase {
            suite: "p".into(),
            name: "T".into(),
            status,
            duration_seconds: None,
            output: String::new(),
            cached: false,
        }
    }

    #[test]
    fn counts_every_case_once_and_errors_by_suite() {
        let run = TestRun {
            cases: vec![
                case(TestStatus::Passed),
                case(TestStatus::Failed),
                case(TestStatus::Skipped),
                case(TestStatus::Passed),
            ],
            errors: vec![SuiteError {
                suite: "q".into(),
                kind: SuiteErrorKind::BuildFailure,
                output: String::new(),
            }],
        };
        let counts = run.counts();
        assert_eq!(
            counts,
            TestCounts {
                total: 4,
                passed: 2,
                failed: 1,
                skipped: 1,
                errors: 1,
                flaky: 0
            }
        );
    }

    #[test]
    fn percent_is_none_without_units() {
        let mut coverage = Coverage {
            unit: CoverageUnit::Statements,
            files: vec![],
        };
        assert_eq!(coverage.percent(), None);
        coverage.files = vec![
            FileCoverage {
                path: "a.go".into(),
                covered: 1,
                total: 3,
            },
            FileCoverage {
                path: "b.go".into(),
                covered: 2,
                total: 1 + 4,
            },
        ];
        assert_eq!(coverage.covered(), 3);
        assert_eq!(coverage.total(), 8);
        assert_eq!(coverage.percent(), Some(37.5));
        let json = serde_json::to_string(&CoverageUnit::Statements).unwrap();
        assert_eq!(json, "\"statements\"");
    }
}
