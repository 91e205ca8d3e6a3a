//! The delivery gate: turns evidence (tests, coverage, findings, benchmarks) into a verdict per
//! policy rule, a technical-debt rating, and the [`GateReport`] every output is rendered from.
//!
//! The crate computes; gathering the evidence (parsing files, running commands) is the caller's,
//! and so is reading the few facts only the environment knows — code size, git history, changed
//! lines, the revision, toolchain versions, the project root: gigops-env reads them, and the
//! caller passes them to [`debt::measure`], [`patch::patch_coverage`] and [`Run::project`].

pub mod benchcmp;
pub mod breakdown;
pub mod debt;
pub mod deliverables;
pub mod detail;
pub mod patch;
pub mod policy;
pub mod rules;
pub mod selection;
pub mod summary;
pub mod toolchain;
pub mod trend;

use gigops_core::evidence::{BenchmarkSet, Evidence, TestCase, TestCounts, TestRun, TestStatus};

pub use policy::Policy;
pub use rules::PolicyError;
pub use summary::{GateReport, RuleResult, Summary, Verdict};

use crate::debt::Debt;
use crate::summary::{
    BenchmarkSummary, CoverageSummary, DebtSummary, InnerFailures, NotMeasured, PatchCoverage,
    Project, Selection,
};

/// How many of the slowest tests a report lists.
pub const SLOWEST: usize = 10;

/// How many failed (and how many quarantined) tests a report lists with their output; the
/// normalised JUnit file has them all. A run where a third of a million tests fail is read from
/// its counts and its first failures, and copying all of them into the report would double the
/// memory of the run.
pub const LISTED_FAILURES: usize = 200;

/// Failed tests as a report lists them: the first [`LISTED_FAILURES`], and how many more.
#[derive(Default)]
struct Listed {
    cases: Vec<TestCase>,
    not_listed: u64,
}

impl Listed {
    fn add(&mut self, case: &TestCase) {
        if self.cases.len() < LISTED_FAILURES {
            self.cases.push(case.clone());
        } else {
            self.not_listed += 1;
        }
    }

    fn count(&self) -> u64 {
        self.cases.len() as u64 + self.not_listed
    }
}

/// What the gate reads off the test cases, in one pass over them: a run may hold a million, and
/// each pass over them costs about as much as the rest of the gate.
#[derive(Default)]
struct TestTally<'a> {
    counts: TestCounts,
    failures: Listed,
    quarantined: Listed,
    /// The [`SLOWEST`] tests with a duration above zero, slowest first (the earlier one first
    /// when two took as long). A duration of 0 is below the runner's resolution (go test
    /// reports steps of 0.01 s): such a test is not among the slow ones, whatever the others.
    slowest: Vec<(f64, &'a TestCase)>,
}

impl<'a> TestTally<'a> {
    fn new(run: Option<&'a TestRun>, quarantine: &rules::Quarantine) -> Self {
        let mut tally = TestTally::default();
        let Some(run) = run else {
            return tally;
        };
        tally.counts.errors = run.errored_suites();
        tally.counts.inner_failures = run.inner_failures.len() as u64;
        for case in &run.cases {
            tally.counts.add(case);
            if case.status == TestStatus::Failed {
                if quarantine.covers(case) {
                    tally.quarantined.add(case);
                } else {
                    tally.failures.add(case);
                }
            }
            if let Some(seconds) = case.duration_seconds
                && seconds > 0.0
            {
                tally.time(seconds, case);
            }
        }
        tally
    }

    fn time(&mut self, seconds: f64, case: &'a TestCase) {
        let slowest = &mut self.slowest;
        if slowest.len() == SLOWEST && slowest.last().is_some_and(|(s, _)| *s >= seconds) {
            return;
        }
        let at = slowest.partition_point(|(s, _)| *s >= seconds);
        slowest.insert(at, (seconds, case));
        slowest.truncate(SLOWEST);
    }

    /// The slowest tests without their output: the list is about time, and the output is shown
    /// with the failures.
    fn slowest(&self) -> Vec<TestCase> {
        self.slowest
            .iter()
            .map(|(_, case)| TestCase {
                suite: case.suite.clone(),
                name: case.name.clone(),
                status: case.status,
                duration_seconds: case.duration_seconds,
                output: Box::default(),
                cached: case.cached,
                flaky: case.flaky,
            })
            .collect()
    }
}

/// One gate run's inputs beyond the policy.
#[derive(Debug)]
pub struct Run<'a> {
    pub evidence: Evidence,
    pub project: Project,
    /// RFC 3339.
    pub generated_at: String,
    /// A previous run's summary, for the coverage-drop rule.
    pub baseline: Option<&'a Summary>,
    /// The benchmark set to compare this run's benchmarks with.
    pub old_benchmarks: Option<&'a BenchmarkSet>,
    pub patch: Option<PatchCoverage>,
    /// The technical debt, or why it was not measured.
    pub debt: Result<Debt, NotMeasured>,
    /// Commands that failed without producing evidence (`gate run`).
    pub silent_failures: Vec<String>,
    /// The run's command is a test command (`gate run -- go test …`): tests are expected.
    pub test_command: bool,
    /// Which tests the run selected, when known.
    pub selection: Option<Selection>,
}

/// Applies the policy to one run.
pub fn assess(policy: &Policy, run: Run) -> Result<GateReport, PolicyError> {
    let evidence = run.evidence;
    let quarantine = rules::Quarantine::new(&policy.quarantine)?;
    let comparisons = evidence.benchmarks.as_ref().map(|new| {
        let empty = BenchmarkSet::default();
        benchcmp::compare(
            run.old_benchmarks.unwrap_or(&empty),
            new,
            policy.benchmarks.alpha,
        )
    });
    let coverage = evidence.coverage.as_ref().map(CoverageSummary::from);
    let tally = TestTally::new(evidence.tests.as_ref(), &quarantine);
    let test_counts = evidence.tests.as_ref().map(|_| tally.counts);
    let measurements = rules::Measurements {
        tests: test_counts,
        quarantined_failures: tally.quarantined.count(),
        coverage,
        patch: run.patch.as_ref(),
        baseline: run.baseline,
        findings: evidence.findings.as_ref(),
        benchmark_comparisons: comparisons
            .as_deref()
            .filter(|_| run.old_benchmarks.is_some()),
        toolchains: &run.project.toolchains,
        debt_rating: run.debt.as_ref().ok().map(|d| d.rating),
        debt_not_measured: run.debt.as_ref().err().copied(),
        silent_failures: &run.silent_failures,
        test_command: run.test_command,
    };
    let rules = rules::evaluate(policy, &measurements)?;
    let verdict = Verdict {
        passed: rules.iter().all(|r| r.passed),
        rules,
    };

    let slowest = tally.slowest();

    let benchmarks = comparisons.unwrap_or_default();
    let summary = Summary {
        schema: summary::SCHEMA.into(),
        generated_at: run.generated_at,
        project: run.project,
        selection: run.selection,
        tests: test_counts,
        coverage,
        coverage_by_package: evidence
            .coverage
            .as_ref()
            .map(breakdown::coverage_by_package),
        patch_coverage: run.patch,
        findings: evidence.findings.as_ref().map(|f| f.counts()),
        findings_by_rule: evidence.findings.as_ref().map(breakdown::findings_by_rule),
        findings_total: evidence.findings.as_ref().map(|f| f.findings.len() as u64),
        debt: run.debt.as_ref().ok().map(|d| DebtSummary {
            minutes: d.minutes,
            ratio: d.ratio,
            rating: d.rating,
        }),
        debt_not_measured: run.debt.as_ref().err().copied(),
        benchmarks: evidence.benchmarks.as_ref().map(|set| {
            let regressions: Vec<f64> = benchmarks
                .iter()
                .filter(|c| c.significant)
                .filter_map(|c| c.regression_percent)
                .filter(|r| *r > 0.0)
                .collect();
            BenchmarkSummary {
                metrics: set.benchmarks.iter().map(|b| b.metrics.len() as u64).sum(),
                compared: benchmarks
                    .iter()
                    .filter(|c| c.old.is_some() && c.new.is_some())
                    .count() as u64,
                regressions: regressions.len() as u64,
                worst_regression_percent: regressions.into_iter().reduce(f64::max),
            }
        }),
        gate: verdict,
    };
    Ok(GateReport {
        summary,
        failures: tally.failures.cases,
        failures_not_listed: tally.failures.not_listed,
        quarantined: tally.quarantined.cases,
        quarantined_not_listed: tally.quarantined.not_listed,
        suite_errors: evidence
            .tests
            .as_ref()
            .map_or_else(Vec::new, |t| t.errors.clone()),
        slowest,
        coverage_by_file: evidence
            .coverage
            .as_ref()
            .map_or_else(Vec::new, breakdown::coverage_by_file),
        // Moved, not cloned: a million test cases are most of a run's memory.
        coverage: evidence.coverage,
        findings: evidence.findings,
        debt: run.debt.ok(),
        benchmarks,
        alpha: policy.benchmarks.alpha,
        inner_failures: evidence
            .tests
            .as_ref()
            .map_or_else(Vec::new, |t| InnerFailures::by_suite(&t.inner_failures)),
        recovered: evidence
            .tests
            .as_ref()
            .map_or_else(Vec::new, |t| t.recovered.clone()),
        tests: evidence.tests,
    })
}

impl InnerFailures {
    /// The inner failures grouped by suite, in the order the suites were first seen.
    fn by_suite(cases: &[TestCase]) -> Vec<InnerFailures> {
        let mut groups: Vec<InnerFailures> = Vec::new();
        for case in cases {
            let at = match groups.iter().position(|g| *g.suite == *case.suite) {
                Some(at) => at,
                None => {
                    groups.push(InnerFailures {
                        suite: case.suite.to_string(),
                        count: 0,
                        tests: Vec::new(),
                    });
                    groups.len() - 1
                }
            };
            let group = &mut groups[at];
            group.count += 1;
            if group.tests.len() < LISTED_FAILURES {
                group.tests.push(case.clone());
            }
        }
        groups
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use gigops_core::evidence::{SuiteError, SuiteErrorKind};

    use super::*;

    fn case(name: &str, status: TestStatus, seconds: Option<f64>) -> TestCase {
        TestCase {
            suite: Arc::from("pkg"),
            name: name.into(),
            status,
            duration_seconds: seconds,
            output: "out".into(),
            cached: false,
            flaky: false,
        }
    }

    #[test]
    fn one_pass_counts_lists_and_ranks_the_cases() {
        let mut cases: Vec<TestCase> = (0..12)
            .map(|i| {
                case(
                    &format!("TestPass{i}"),
                    TestStatus::Passed,
                    Some(f64::from(i)),
                )
            })
            .collect();
        cases.push(case("TestTie", TestStatus::Failed, Some(11.0)));
        cases.push(case("TestFlaky/quarantined", TestStatus::Failed, None));
        cases.push(case("TestSkip", TestStatus::Skipped, None));
        let run = TestRun {
            cases,
            errors: vec![SuiteError {
                suite: Arc::from("other"),
                kind: SuiteErrorKind::BuildFailure,
                output: String::new(),
            }],
            ..TestRun::default()
        };
        let quarantine = rules::Quarantine::new(&["TestFlaky/*".to_string()]).unwrap();
        let tally = TestTally::new(Some(&run), &quarantine);

        assert_eq!(tally.counts, run.counts());
        assert_eq!((tally.counts.failed, tally.counts.errors), (2, 1));
        let names =
            |cases: &[TestCase]| cases.iter().map(|c| c.name.to_string()).collect::<Vec<_>>();
        assert_eq!(names(&tally.failures.cases), ["TestTie"]);
        assert_eq!(names(&tally.quarantined.cases), ["TestFlaky/quarantined"]);
        assert_eq!(tally.quarantined.count(), 1);

        let slowest = tally.slowest();
        assert_eq!(slowest.len(), SLOWEST);
        // Slowest first; of two that took as long, the one read first; no output.
        assert_eq!(
            names(&slowest)[..3],
            ["TestPass11", "TestTie", "TestPass10"]
        );
        assert_eq!(names(&slowest)[SLOWEST - 1], "TestPass3");
        assert!(slowest.iter().all(|c| c.output.is_empty()));
    }
}
