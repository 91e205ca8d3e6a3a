//! Evidence a delivery gate reads: the outcome of test runs, the coverage they measured, what
//! static analysis found, and benchmark measurements.
//!
//! These are plain values, produced by the parsers in `gigops-ingest` (one per tool format) and
//! read by the gate. Nothing here knows which tool produced them.

use std::sync::Arc;

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
    /// The suite the test belongs to: for Go, the package import path. Shared by the suite's
    /// tests: a run of a million tests names a few thousand suites.
    #[serde(with = "shared_text")]
    pub suite: Arc<str>,
    /// The full name, with the subtest path: `TestSign/negative`. (Boxed rather than a
    /// `String`, as is the output: a run holds a million of them, and the spare capacity field
    /// of a `String` is 8 bytes each.)
    pub name: Box<str>,
    pub status: TestStatus,
    /// As the tool reported it; `None` when the test never reported an end of its own (for
    /// example, it was still running when its package timed out).
    pub duration_seconds: Option<f64>,
    /// The output attributed to this test, possibly shortened in the middle when very long.
    pub output: Box<str>,
    /// The result was replayed from the tool's cache rather than run again.
    pub cached: bool,
    /// The test failed at least once and then passed when the runner retried it (JUnit
    /// `flakyFailure`/`flakyError`); its status is `Passed`.
    #[serde(default)]
    pub flaky: bool,
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
    #[serde(with = "shared_text")]
    pub suite: Arc<str>,
    pub kind: SuiteErrorKind,
    /// The suite-level output: compiler errors, the panic and its stack, and so on.
    pub output: String,
}

/// Every test case and suite error of one or more test runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TestRun {
    pub cases: Vec<TestCase>,
    pub errors: Vec<SuiteError>,
    /// Failed tests reported inside a suite that itself passed: the `--- FAIL` lines of a nested
    /// suite that a test runs and fails on purpose (a test framework's own tests), which
    /// test2json cannot tell from the package's own tests. The suite's own result is what
    /// `go test` exits with, so these are not in `cases` and not counted as failed; they are
    /// shown, and counted in [`TestCounts::inner_failures`].
    #[serde(default)]
    pub inner_failures: Vec<TestCase>,
    /// Tests whose result the tool's events left out and gigops read from the text the test
    /// binary printed (each is also in `cases`, with that result).
    #[serde(default)]
    pub recovered: Vec<RecoveredResult>,
}

/// A test whose end the events did not report, and the result gigops gave it.
///
/// Before Go 1.20, test2json reads the test binary's text output, and a test that prints
/// without a final newline gets its `--- PASS: TestX (0.01s)` line glued to that output
/// (`exporting… done--- PASS: TestX (0.01s)`), which test2json then takes for output: the test
/// has a `run` event and no result. gigops reads the result from that line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveredResult {
    #[serde(with = "shared_text")]
    pub suite: Arc<str>,
    pub name: Box<str>,
    pub status: TestStatus,
    /// The line the result was read from, as printed; `None` when the test printed no result
    /// at all in a suite that passed (every test of a passing Go package passed).
    pub line: Option<String>,
}

/// The totals of a [`TestRun`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestCounts {
    /// Every test and subtest that ended in pass, fail or skip, each once.
    pub total: u64,
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
    /// Suites that failed without a failing test of their own: a build failure, a panic outside
    /// any test, a timeout between tests. A suite error whose suite also has a failed test (the
    /// test that was running when the package timed out) is kept in [`TestRun::errors`], so that
    /// reports can show it, but is not counted again here.
    pub errors: u64,
    /// Tests that failed and then passed on a retry in the same run (also counted in `passed`);
    /// 0 for Go.
    pub flaky: u64,
    /// Failures reported inside suites that passed ([`TestRun::inner_failures`]): not in
    /// `total` or `failed`.
    #[serde(default)]
    pub inner_failures: u64,
}

impl TestRun {
    pub fn counts(&self) -> TestCounts {
        let mut counts = TestCounts {
            errors: self.errored_suites(),
            inner_failures: self.inner_failures.len() as u64,
            ..TestCounts::default()
        };
        for case in &self.cases {
            counts.add(case);
        }
        counts
    }
}

impl TestCounts {
    /// Counts one more test (the suite errors are counted by [`TestRun::errored_suites`]).
    #[inline]
    pub fn add(&mut self, case: &TestCase) {
        self.total += 1;
        self.flaky += u64::from(case.flaky);
        match case.status {
            TestStatus::Passed => self.passed += 1,
            TestStatus::Failed => self.failed += 1,
            TestStatus::Skipped => self.skipped += 1,
        }
    }
}

/// `Arc<str>` as a plain string (serde's `rc` feature would do it for every crate, and would
/// also share nothing on the way in).
mod shared_text {
    use std::sync::Arc;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(text: &Arc<str>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(text)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Arc<str>, D::Error> {
        String::deserialize(deserializer).map(Arc::from)
    }
}

impl TestRun {
    /// The suites with an error and no failed test (the common run has no error at all, and
    /// then the million cases are not looked at).
    pub fn errored_suites(&self) -> u64 {
        if self.errors.is_empty() {
            return 0;
        }
        let failed_suites: std::collections::HashSet<&str> = self
            .cases
            .iter()
            .filter(|c| c.status == TestStatus::Failed)
            .map(|c| &*c.suite)
            .collect();
        let errored_suites: std::collections::HashSet<&str> = self
            .errors
            .iter()
            .map(|e| &*e.suite)
            .filter(|suite| !failed_suites.contains(suite))
            .collect();
        errored_suites.len() as u64
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
    /// Every instrumented line, in line order, once: what patch coverage (the coverage of the
    /// lines a change touched) is computed from. For Go, a line is instrumented when a block
    /// spans it, and covered when any block spanning it ran.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<LineHit>,
}

/// One instrumented source line and whether it ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineHit {
    /// 1-based.
    pub line: u32,
    pub covered: bool,
}

/// Coverage of a set of files, in one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub unit: CoverageUnit,
    /// Sorted by path, one entry per path.
    pub files: Vec<FileCoverage>,
    /// Go files counted whole: every block of them is counted (as `go test -cover` counts),
    /// where for the others only the blocks within function declarations are (as
    /// `go tool cover -func` counts; the two differ by package-level function literals) —
    /// because their source was not found, or has `//line` directives, which move the
    /// positions both tools report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub counted_whole: Vec<String>,
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

/// How serious a finding is, as SARIF names its levels (`none` is read as `note`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingLevel {
    Note,
    Warning,
    Error,
}

/// One result of a static analyser or linter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The analyser: `clippy`, `golangci-lint`, `ruff`, `semgrep`, `eslint`, …
    pub tool: String,
    /// The rule's id as the tool names it (`clippy::unwrap_used`, `errcheck`, `E501`), or an empty
    /// string when the tool gave none.
    pub rule: String,
    pub level: FindingLevel,
    /// The CVSS-like score in 0.0–10.0 a security rule carries (SARIF `security-severity`).
    pub security_severity: Option<f64>,
    pub message: String,
    /// The file, as the tool names it (relative to the project root where it can be told).
    pub path: Option<String>,
    /// 1-based; `None` when the tool gave none or gave 0.
    pub line: Option<u32>,
    pub column: Option<u32>,
}

/// Every finding of one or more analyser runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Findings {
    pub findings: Vec<Finding>,
}

/// How many findings there are of each level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingCounts {
    pub error: u64,
    pub warning: u64,
    pub note: u64,
}

impl Findings {
    pub fn counts(&self) -> FindingCounts {
        let mut counts = FindingCounts::default();
        for finding in &self.findings {
            match finding.level {
                FindingLevel::Error => counts.error += 1,
                FindingLevel::Warning => counts.warning += 1,
                FindingLevel::Note => counts.note += 1,
            }
        }
        counts
    }
}

/// One benchmark and every measurement of it: one value per run for each unit it reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Benchmark {
    /// For Go, the package import path (`pkg:` line); for criterion, the group directory.
    pub suite: String,
    /// The name without the `-GOMAXPROCS` suffix: `BenchmarkParse/small`.
    pub name: String,
    /// In the order the tool first reported each unit; time first when there is one.
    pub metrics: Vec<BenchMetric>,
}

/// The values one benchmark reported in one unit, one per run (`go test -count N` gives N).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchMetric {
    /// `ns/op`, `B/op`, `allocs/op`, `MB/s`, or a custom unit such as `rows/op`.
    pub unit: String,
    pub values: Vec<f64>,
}

impl BenchMetric {
    /// Whether a larger value is better (throughput such as `MB/s` or any `…/s`), so that a
    /// regression is a fall rather than a rise.
    pub fn higher_is_better(&self) -> bool {
        self.unit.ends_with("/s")
    }
}

/// Every benchmark of one or more runs, in the order first seen.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BenchmarkSet {
    pub benchmarks: Vec<Benchmark>,
}

/// Everything one gate run read, by kind; `None` where no input of that kind was given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub tests: Option<TestRun>,
    pub coverage: Option<Coverage>,
    pub findings: Option<Findings>,
    pub benchmarks: Option<BenchmarkSet>,
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
            output: "".into(),
            cached: false,
            flaky: false,
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
            inner_failures: vec![case(TestStatus::Failed)],
            recovered: vec![],
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
                flaky: 0,
                inner_failures: 1,
            }
        );
    }

    #[test]
    fn a_suite_error_beside_a_failed_test_is_not_counted_again() {
        let mut timed_out = case(TestStatus::Failed);
        timed_out.suite = "q".into();
        let run = TestRun {
            cases: vec![timed_out],
            errors: vec![SuiteError {
                suite: "q".into(),
                kind: SuiteErrorKind::Timeout,
                output: String::new(),
            }],
            ..TestRun::default()
        };
        assert_eq!(run.counts().failed, 1);
        assert_eq!(run.counts().errors, 0);
    }

    #[test]
    fn percent_is_none_without_units() {
        let mut coverage = Coverage {
            unit: CoverageUnit::Statements,
            files: vec![],
            counted_whole: vec![],
        };
        assert_eq!(coverage.percent(), None);
        coverage.files = vec![
            FileCoverage {
                path: "a.go".into(),
                covered: 1,
                total: 3,
                lines: vec![],
            },
            FileCoverage {
                path: "b.go".into(),
                covered: 2,
                total: 1 + 4,
                lines: vec![],
            },
        ];
        assert_eq!(coverage.covered(), 3);
        assert_eq!(coverage.total(), 8);
        assert_eq!(coverage.percent(), Some(37.5));
        let json = serde_json::to_string(&CoverageUnit::Statements).unwrap();
        assert_eq!(json, "\"statements\"");
    }
}
