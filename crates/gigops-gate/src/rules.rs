//! The policy's rules, each turning one measurement into pass or fail.
//!
//! A rule runs only when the policy sets its threshold (the failed-test rule always runs when
//! there are test results, and the test-count rule whenever tests are expected). A rule whose evidence is missing fails: a gate that was asked to
//! check coverage and was given none must not pass silently.

use globset::{GlobSet, GlobSetBuilder};
use serde_json::{Value, json};

use gigops_core::evidence::{Findings, TestCase, TestCounts};
use gigops_core::project::Toolchain;

use crate::benchcmp::Comparison;
use crate::debt::Rating;
use crate::detail::{rule_message, two_decimals};
use crate::policy::Policy;
use crate::summary::{CoverageSummary, NotMeasured, PatchCoverage, RuleResult, Summary};

/// A policy value that cannot be used, named by its key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("gate.{key}: {reason}")]
pub struct PolicyError {
    pub key: String,
    pub reason: String,
}

/// Everything the rules measure, gathered by the caller.
#[derive(Debug, Default)]
pub struct Measurements<'a> {
    /// Present when there are test results.
    pub tests: Option<TestCounts>,
    /// How many of the failed tests are quarantined.
    pub quarantined_failures: u64,
    pub coverage: Option<CoverageSummary>,
    pub patch: Option<&'a PatchCoverage>,
    pub baseline: Option<&'a Summary>,
    pub findings: Option<&'a Findings>,
    /// Present when an old benchmark set was given.
    pub benchmark_comparisons: Option<&'a [Comparison]>,
    pub toolchains: &'a [Toolchain],
    pub debt_rating: Option<Rating>,
    /// Why there is no debt rating, when there is none.
    pub debt_not_measured: Option<NotMeasured>,
    /// Commands run by `gate run` that failed without producing any evidence.
    pub silent_failures: &'a [String],
    /// The run was a test command (`gate run -- go test …`), so tests are expected even when
    /// it printed none.
    pub test_command: bool,
}

/// The quarantine patterns, compiled.
pub struct Quarantine(GlobSet);

impl Quarantine {
    pub fn new(patterns: &[String]) -> Result<Quarantine, PolicyError> {
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            // Test names contain `/` (subtests), which must not be special here.
            let glob = globset::GlobBuilder::new(pattern)
                .literal_separator(false)
                .build()
                .map_err(|e| PolicyError {
                    key: "quarantine".into(),
                    reason: format!("{pattern:?} is not a glob pattern: {e}"),
                })?;
            builder.add(glob);
        }
        let set = builder.build().map_err(|e| PolicyError {
            key: "quarantine".into(),
            reason: e.to_string(),
        })?;
        Ok(Quarantine(set))
    }

    pub fn covers(&self, case: &TestCase) -> bool {
        !self.0.is_empty()
            && (self.0.is_match(&*case.name)
                || self.0.is_match(format!("{}/{}", case.suite, case.name)))
    }
}

/// Every value of the policy that cannot be used, in the order of its keys (checked with the
/// other settings when they are loaded).
pub fn policy_problems(policy: &Policy) -> Vec<PolicyError> {
    let mut problems = Vec::new();
    if let Err(problem) = Quarantine::new(&policy.quarantine) {
        problems.push(problem);
    }
    for (tool, requirement) in &policy.toolchain {
        if let Err(reason) = crate::toolchain::requirement(requirement) {
            problems.push(PolicyError {
                key: format!("toolchain.{tool}"),
                reason,
            });
        }
    }
    for (key, value) in [
        ("min_coverage", policy.min_coverage),
        ("min_patch_coverage", policy.min_patch_coverage),
    ] {
        if let Some(v) = value
            && !(0.0..=100.0).contains(&v)
        {
            problems.push(PolicyError {
                key: key.into(),
                reason: format!("{v} is not a percentage in [0, 100]"),
            });
        }
    }
    let alpha = policy.benchmarks.alpha;
    if !(alpha > 0.0 && alpha < 1.0) {
        problems.push(PolicyError {
            key: "benchmarks.alpha".into(),
            reason: format!("{alpha} is not in (0, 1)"),
        });
    }
    problems
}

/// Runs every rule the policy asks for, in a fixed order.
pub fn evaluate(policy: &Policy, m: &Measurements) -> Result<Vec<RuleResult>, PolicyError> {
    let mut rules = Vec::new();
    if !m.silent_failures.is_empty() {
        rules.push(RuleResult::new(
            "evidence.command",
            false,
            json!(m.silent_failures),
            json!("exit 0 or evidence"),
            rule_message(
                "command_without_evidence",
                &[("commands", m.silent_failures.join(", "))],
            ),
        ));
    }
    if let Some(counts) = m.tests {
        rules.push(failed_tests(policy, counts, m.quarantined_failures));
    }
    // Tests are expected when there is test output or the command was a test command.
    let expected = u64::from(m.tests.is_some() || m.test_command);
    let min_tests = policy.min_tests.unwrap_or(expected);
    if min_tests > 0 {
        rules.push(tests_run(m.tests, min_tests));
    }
    if let Some(min) = policy.min_coverage {
        rules.push(total_coverage(
            m.coverage.and_then(|c| c.percent),
            m.coverage.is_some(),
            min,
        ));
    }
    if let Some(min) = policy.min_patch_coverage {
        rules.push(patch_rule(m.patch, min));
    }
    if let Some(max_drop) = policy.max_coverage_drop {
        rules.push(coverage_drop(m, max_drop));
    }
    findings_rules(policy, m.findings, &mut rules);
    if let Some(max) = policy.benchmarks.max_regression_percent {
        rules.push(benchmark_rule(m.benchmark_comparisons, max));
    }
    for (tool, requirement) in &policy.toolchain {
        let found = m.toolchains.iter().find(|t| &t.name == tool);
        rules.push(
            crate::toolchain::check(tool, requirement, found).map_err(|reason| PolicyError {
                key: format!("toolchain.{tool}"),
                reason,
            })?,
        );
    }
    if let Some(worst) = policy.max_debt_rating {
        rules.push(match m.debt_rating {
            Some(rating) => RuleResult::new(
                "debt.rating",
                rating <= worst,
                json!(rating),
                json!(worst),
                rule_message(
                    "debt_rating",
                    &[("rating", rating.to_string()), ("worst", worst.to_string())],
                ),
            ),
            None => missing(
                "debt.rating",
                json!(worst),
                m.debt_not_measured
                    .unwrap_or(NotMeasured::NoCode)
                    .message_key(),
            ),
        });
    }
    Ok(rules)
}

/// A rule whose evidence is missing: it fails, saying why (a message without values).
fn missing(name: &str, threshold: Value, why: &str) -> RuleResult {
    RuleResult::new(name, false, Value::Null, threshold, rule_message(why, &[]))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn total_coverage(value: Option<f64>, present: bool, min: f64) -> RuleResult {
    let name = "coverage.total";
    match value {
        Some(v) => RuleResult::new(
            name,
            v >= min,
            json!(round2(v)),
            json!(min),
            rule_message(
                "coverage_total",
                &[("percent", two_decimals(v)), ("min", min.to_string())],
            ),
        ),
        None if present => missing(name, json!(min), "coverage_nothing_instrumented"),
        None => missing(name, json!(min), "no_coverage"),
    }
}

fn failed_tests(policy: &Policy, counts: TestCounts, excused: u64) -> RuleResult {
    let failed = counts.failed - excused;
    let value = failed + counts.errors;
    let mut args = vec![
        ("failed", failed.to_string()),
        ("errors", counts.errors.to_string()),
        ("max", policy.max_failed.to_string()),
    ];
    if excused > 0 {
        args.push(("excused", excused.to_string()));
    }
    if counts.inner_failures > 0 {
        args.push(("inner", counts.inner_failures.to_string()));
    }
    let key = match (excused > 0, counts.inner_failures > 0) {
        (false, false) => "tests_failed",
        (true, false) => "tests_failed_quarantined",
        (false, true) => "tests_failed_inner",
        (true, true) => "tests_failed_quarantined_inner",
    };
    RuleResult::new(
        "tests.failed",
        value <= policy.max_failed,
        json!(value),
        json!(policy.max_failed),
        rule_message(key, &args),
    )
}

/// At least `min` tests ran (passed or failed: a skipped test tested nothing). A suite whose
/// tests were all filtered out, or a runner that found none, must not pass as a green build.
fn tests_run(counts: Option<TestCounts>, min: u64) -> RuleResult {
    let Some(counts) = counts else {
        return RuleResult::new(
            "tests.count",
            false,
            Value::Null,
            json!(min),
            rule_message("no_tests", &[("min", min.to_string())]),
        );
    };
    let ran = counts.passed + counts.failed;
    RuleResult::new(
        "tests.count",
        ran >= min,
        json!(ran),
        json!(min),
        rule_message(
            "tests_count",
            &[
                ("ran", ran.to_string()),
                ("skipped", counts.skipped.to_string()),
                ("min", min.to_string()),
            ],
        ),
    )
}

fn patch_rule(patch: Option<&PatchCoverage>, min: f64) -> RuleResult {
    let Some(patch) = patch else {
        return missing("coverage.patch", json!(min), "patch_needs_base");
    };
    match patch.percent {
        Some(v) => RuleResult::new(
            "coverage.patch",
            v >= min,
            json!(round2(v)),
            json!(min),
            rule_message(
                "coverage_patch",
                &[
                    ("covered", patch.covered.to_string()),
                    ("total", patch.total.to_string()),
                    ("base", patch.base.clone()),
                    ("percent", two_decimals(v)),
                    ("min", min.to_string()),
                ],
            ),
        ),
        None => RuleResult::new(
            "coverage.patch",
            true,
            Value::Null,
            json!(min),
            rule_message("patch_nothing_changed", &[("base", patch.base.clone())]),
        ),
    }
}

fn coverage_drop(m: &Measurements, max_drop: f64) -> RuleResult {
    let now = m.coverage.and_then(|c| c.percent);
    let before = m.baseline.and_then(|b| b.coverage).and_then(|c| c.percent);
    match (now, before) {
        (Some(now), Some(before)) => {
            let drop = before - now;
            RuleResult::new(
                "coverage.drop",
                drop <= max_drop,
                json!(round2(drop)),
                json!(max_drop),
                rule_message(
                    "coverage_drop",
                    &[
                        ("before", two_decimals(before)),
                        ("now", two_decimals(now)),
                        ("drop", two_decimals(drop)),
                        ("max", max_drop.to_string()),
                    ],
                ),
            )
        }
        (None, _) => missing("coverage.drop", json!(max_drop), "no_coverage"),
        (_, None) => missing("coverage.drop", json!(max_drop), "no_baseline"),
    }
}

fn findings_rules(policy: &Policy, findings: Option<&Findings>, rules: &mut Vec<RuleResult>) {
    let fp = &policy.findings;
    let none = Findings::default();
    let given = findings.is_some();
    let findings = findings.unwrap_or(&none);
    if let Some(level) = fp.fail_level {
        let n = findings
            .findings
            .iter()
            .filter(|f| f.level >= level)
            .count();
        let level_name = json!(level);
        rules.push(if given {
            RuleResult::new(
                "findings.level",
                n == 0,
                json!(n),
                json!(0),
                rule_message(
                    "findings_level",
                    &[
                        ("n", n.to_string()),
                        ("level", level_name.as_str().unwrap_or_default().to_string()),
                    ],
                ),
            )
        } else {
            missing("findings.level", json!(0), "no_findings")
        });
    }
    if let Some(score) = fp.fail_security_severity {
        let worst = findings
            .findings
            .iter()
            .filter_map(|f| f.security_severity)
            .fold(None, |acc: Option<f64>, s| {
                Some(acc.map_or(s, |a| a.max(s)))
            });
        let n = findings
            .findings
            .iter()
            .filter(|f| f.security_severity.is_some_and(|s| s >= score))
            .count();
        rules.push(if given {
            RuleResult::new(
                "findings.security",
                n == 0,
                json!(worst),
                json!(score),
                rule_message(
                    "findings_security",
                    &[("n", n.to_string()), ("score", score.to_string())],
                ),
            )
        } else {
            missing("findings.security", json!(score), "no_findings")
        });
    }
    if !fp.fail_rules.is_empty() {
        let hits: Vec<&str> = findings
            .findings
            .iter()
            .filter(|f| fp.fail_rules.iter().any(|r| r == &f.rule))
            .map(|f| f.rule.as_str())
            .collect();
        let mut distinct = hits.clone();
        distinct.sort_unstable();
        distinct.dedup();
        rules.push(if given {
            RuleResult::new(
                "findings.rules",
                hits.is_empty(),
                json!(hits.len()),
                json!(fp.fail_rules),
                if hits.is_empty() {
                    rule_message("findings_rules_none", &[])
                } else {
                    rule_message(
                        "findings_rules",
                        &[
                            ("n", hits.len().to_string()),
                            ("rules", distinct.join(", ")),
                        ],
                    )
                },
            )
        } else {
            missing("findings.rules", json!(fp.fail_rules), "no_findings")
        });
    }
}

fn benchmark_rule(comparisons: Option<&[Comparison]>, max: f64) -> RuleResult {
    let Some(comparisons) = comparisons else {
        return missing(
            "benchmarks.regression",
            json!(max),
            "benchmarks_need_baseline",
        );
    };
    let worst = comparisons
        .iter()
        .filter(|c| c.significant)
        .filter_map(|c| c.regression_percent.map(|r| (r, c)))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match worst {
        Some((regression, c)) if regression > 0.0 => RuleResult::new(
            "benchmarks.regression",
            regression <= max,
            json!(round2(regression)),
            json!(max),
            rule_message(
                "benchmark_regression",
                &[
                    ("benchmark", format!("{}/{}", c.suite, c.name)),
                    ("unit", c.unit.clone()),
                    ("percent", two_decimals(regression)),
                    ("max", max.to_string()),
                ],
            ),
        ),
        _ => {
            let compared = comparisons
                .iter()
                .filter(|c| c.old.is_some() && c.new.is_some())
                .count();
            RuleResult::new(
                "benchmarks.regression",
                true,
                json!(0.0),
                json!(max),
                rule_message("no_regression", &[("compared", compared.to_string())]),
            )
        }
    }
}
