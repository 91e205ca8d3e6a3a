//! The verdict when tests are expected and none were reported: a test command (`gate run -- go
//! test …`) whose output held no test results fails the gate, as test output with zero tests
//! does; a run that was neither gives no test-count rule at all.

use gigops_core::evidence::Evidence;
use gigops_gate::summary::{NotMeasured, Project};
use gigops_gate::{GateReport, Policy, Run, assess};

fn assessed(policy: &Policy, test_command: bool) -> GateReport {
    assess(
        policy,
        Run {
            evidence: Evidence::default(),
            project: Project::default(),
            generated_at: "2026-12-07T14:00:00Z".into(),
            baseline: None,
            old_benchmarks: None,
            patch: None,
            debt: Err(NotMeasured::Skipped),
            silent_failures: Vec::new(),
            test_command,
            selection: None,
        },
    )
    .expect("the default policy applies")
}

#[test]
fn a_test_command_that_reported_no_tests_fails_the_gate() {
    let report = assessed(&Policy::default(), true);
    let verdict = &report.summary.gate;
    assert!(!verdict.passed, "{verdict:#?}");
    let count = verdict
        .rules
        .iter()
        .find(|r| r.name == "tests.count")
        .expect("a test-count rule when a test command ran");
    assert!(!count.passed);
    assert_eq!(count.threshold, serde_json::json!(1));
}

#[test]
fn no_test_count_rule_when_no_test_was_expected() {
    let report = assessed(&Policy::default(), false);
    let verdict = &report.summary.gate;
    assert!(
        verdict.rules.iter().all(|r| r.name != "tests.count"),
        "{verdict:#?}"
    );
    assert!(verdict.passed);
}

#[test]
fn a_policy_that_expects_no_tests_is_honoured_for_a_test_command() {
    let policy = Policy {
        min_tests: Some(0),
        ..Policy::default()
    };
    let report = assessed(&policy, true);
    assert!(
        report
            .summary
            .gate
            .rules
            .iter()
            .all(|r| r.name != "tests.count"),
        "{:#?}",
        report.summary.gate
    );
}
