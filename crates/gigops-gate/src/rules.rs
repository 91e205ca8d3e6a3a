//! The policy's rules, each turning one measurement into pass or fail.
//!
//! A rule runs only when the policy sets its threshold (the failed-test rule always runs when
//! there are test results). A rule whose evidence is missing fails: a gate that was asked to
//! check coverage and was given none must not pass silently.

use globset::{GlobSet, GlobSetBuilder};
use serde_json::{Value, json};

use gigops_core::evidence::{Findings, TestCase, TestRun, TestStatus};

use crate::benchcmp::Comparison;
use crate::debt::Rating;
use crate::policy::Policy;
use crate::summary::{CoverageSummary, PatchCoverage, RuleResult, Summary, Toolchain};

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
    pub tests: Option<&'a TestRun>,
    pub coverage: Option<CoverageSummary>,
    pub patch: Option<&'a PatchCoverage>,
    pub baseline: Option<&'a Summary>,
    pub findings: Option<&'a Findings>,
    /// Present when an old benchmark set was given.
    pub benchmark_comparisons: Option<&'a [Comparison]>,
    pub toolchains: &'a [Toolchain],
    pub debt_rating: Option<Rating>,
    /// Commands run by `gate run` that failed without producing any evidence.
    pub silent_failures: &'a [String],
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

/// Checks the policy's own values (patterns, version requirements) before anything is read.
pub fn check_policy(policy: &Policy) -> Result<(), PolicyError> {
    Quarantine::new(&policy.quarantine)?;
    for (tool, requirement) in &policy.toolchain {
        crate::toolchain::requirement(requirement).map_err(|reason| PolicyError {
            key: format!("toolchain.{tool}"),
            reason,
        })?;
    }
    for (key, value) in [
        ("min_coverage", policy.min_coverage),
        ("min_patch_coverage", policy.min_patch_coverage),
    ] {
        if let Some(v) = value
            && !(0.0..=100.0).contains(&v)
        {
            return Err(PolicyError {
                key: key.into(),
                reason: format!("{v} is not a percentage in [0, 100]"),
            });
        }
    }
    let alpha = policy.benchmarks.alpha;
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(PolicyError {
            key: "benchmarks.alpha".into(),
            reason: format!("{alpha} is not in (0, 1)"),
        });
    }
    Ok(())
}

/// Runs every rule the policy asks for, in a fixed order.
pub fn evaluate(policy: &Policy, m: &Measurements) -> Result<Vec<RuleResult>, PolicyError> {
    let mut rules = Vec::new();
    if !m.silent_failures.is_empty() {
        rules.push(RuleResult {
            name: "evidence.command".into(),
            passed: false,
            value: json!(m.silent_failures),
            threshold: json!("exit 0 or evidence"),
            detail: format!(
                "{} failed without writing any evidence gigops could read",
                m.silent_failures.join(", ")
            ),
        });
    }
    if let Some(run) = m.tests {
        rules.push(failed_tests(policy, run)?);
    }
    if let Some(min) = policy.min_coverage {
        rules.push(minimum(
            "coverage.total",
            m.coverage.and_then(|c| c.percent),
            m.coverage.is_some(),
            min,
            "total coverage",
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
            Some(rating) => RuleResult {
                name: "debt.rating".into(),
                passed: rating <= worst,
                value: json!(rating),
                threshold: json!(worst),
                detail: format!(
                    "technical debt is rated {rating}; the policy accepts {worst} or better"
                ),
            },
            None => missing(
                "debt.rating",
                json!(worst),
                "no code size to rate technical debt by",
            ),
        });
    }
    Ok(rules)
}

fn missing(name: &str, threshold: Value, why: &str) -> RuleResult {
    RuleResult {
        name: name.into(),
        passed: false,
        value: Value::Null,
        threshold,
        detail: why.into(),
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn minimum(name: &str, value: Option<f64>, present: bool, min: f64, what: &str) -> RuleResult {
    match value {
        Some(v) => RuleResult {
            name: name.into(),
            passed: v >= min,
            value: json!(round2(v)),
            threshold: json!(min),
            detail: format!("{what} is {:.2} %; the policy requires at least {min} %", v),
        },
        None if present => missing(
            name,
            json!(min),
            &format!("{what}: nothing was instrumented"),
        ),
        None => missing(
            name,
            json!(min),
            &format!("{what}: no coverage evidence was given"),
        ),
    }
}

fn failed_tests(policy: &Policy, run: &TestRun) -> Result<RuleResult, PolicyError> {
    let quarantine = Quarantine::new(&policy.quarantine)?;
    let failed = run
        .cases
        .iter()
        .filter(|c| c.status == TestStatus::Failed && !quarantine.covers(c))
        .count() as u64;
    let counts = run.counts();
    let excused = counts.failed - failed;
    let value = failed + counts.errors;
    let mut detail = format!(
        "{failed} failed test(s) and {} errored suite(s)",
        counts.errors
    );
    if excused > 0 {
        detail.push_str(&format!(" ({excused} quarantined failure(s) not counted)"));
    }
    detail.push_str(&format!("; the policy allows {}", policy.max_failed));
    Ok(RuleResult {
        name: "tests.failed".into(),
        passed: value <= policy.max_failed,
        value: json!(value),
        threshold: json!(policy.max_failed),
        detail,
    })
}

fn patch_rule(patch: Option<&PatchCoverage>, min: f64) -> RuleResult {
    let Some(patch) = patch else {
        return missing(
            "coverage.patch",
            json!(min),
            "patch coverage needs coverage evidence and gate.patch_base (or --patch-base)",
        );
    };
    match patch.percent {
        Some(v) => RuleResult {
            name: "coverage.patch".into(),
            passed: v >= min,
            value: json!(round2(v)),
            threshold: json!(min),
            detail: format!(
                "{} of {} instrumented lines changed since {} are covered ({v:.2} %); the policy requires at least {min} %",
                patch.covered, patch.total, patch.base
            ),
        },
        None => RuleResult {
            name: "coverage.patch".into(),
            passed: true,
            value: Value::Null,
            threshold: json!(min),
            detail: format!(
                "no instrumented line changed since {}: nothing to cover",
                patch.base
            ),
        },
    }
}

fn coverage_drop(m: &Measurements, max_drop: f64) -> RuleResult {
    let now = m.coverage.and_then(|c| c.percent);
    let before = m.baseline.and_then(|b| b.coverage).and_then(|c| c.percent);
    match (now, before) {
        (Some(now), Some(before)) => {
            let drop = before - now;
            RuleResult {
                name: "coverage.drop".into(),
                passed: drop <= max_drop,
                value: json!(round2(drop)),
                threshold: json!(max_drop),
                detail: format!(
                    "coverage went from {before:.2} % to {now:.2} % (a drop of {drop:.2} points); the policy allows {max_drop}"
                ),
            }
        }
        (None, _) => missing(
            "coverage.drop",
            json!(max_drop),
            "no coverage evidence was given",
        ),
        (_, None) => missing(
            "coverage.drop",
            json!(max_drop),
            "no baseline with coverage was given (--baseline or gate.baseline)",
        ),
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
            RuleResult {
                name: "findings.level".into(),
                passed: n == 0,
                value: json!(n),
                threshold: json!(0),
                detail: format!(
                    "{n} finding(s) at level {} or above; the policy allows none",
                    level_name.as_str().unwrap_or_default()
                ),
            }
        } else {
            missing("findings.level", json!(0), "no findings evidence was given")
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
            RuleResult {
                name: "findings.security".into(),
                passed: n == 0,
                value: json!(worst),
                threshold: json!(score),
                detail: format!(
                    "{n} finding(s) with a security severity of {score} or more; the policy allows none"
                ),
            }
        } else {
            missing("findings.security", json!(score), "no findings evidence was given")
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
            RuleResult {
                name: "findings.rules".into(),
                passed: hits.is_empty(),
                value: json!(hits.len()),
                threshold: json!(fp.fail_rules),
                detail: if hits.is_empty() {
                    "no finding of a forbidden rule".into()
                } else {
                    format!(
                        "{} finding(s) of forbidden rules: {}",
                        hits.len(),
                        distinct.join(", ")
                    )
                },
            }
        } else {
            missing(
                "findings.rules",
                json!(fp.fail_rules),
                "no findings evidence was given",
            )
        });
    }
}

fn benchmark_rule(comparisons: Option<&[Comparison]>, max: f64) -> RuleResult {
    let Some(comparisons) = comparisons else {
        return missing(
            "benchmarks.regression",
            json!(max),
            "benchmark regression needs new benchmark results and an old set (--bench-baseline)",
        );
    };
    let worst = comparisons
        .iter()
        .filter(|c| c.significant)
        .filter_map(|c| c.regression_percent.map(|r| (r, c)))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match worst {
        Some((regression, c)) if regression > 0.0 => RuleResult {
            name: "benchmarks.regression".into(),
            passed: regression <= max,
            value: json!(round2(regression)),
            threshold: json!(max),
            detail: format!(
                "the worst significant regression is {}/{} {}: {regression:.2} % worse; the policy allows {max} %",
                c.suite, c.name, c.unit
            ),
        },
        _ => RuleResult {
            name: "benchmarks.regression".into(),
            passed: true,
            value: json!(0.0),
            threshold: json!(max),
            detail: format!(
                "no significant regression among {} compared metric(s)",
                comparisons
                    .iter()
                    .filter(|c| c.old.is_some() && c.new.is_some())
                    .count()
            ),
        },
    }
}
