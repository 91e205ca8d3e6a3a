//! What one gate run found: the [`Summary`] (summary.json, `--json`, the Markdown comment, the
//! evidence a SOW acceptance item checks) and the [`GateReport`] around it, whose details the HTML
//! report lays out. The summary's keys are a documented interface (docs/gate.md): add keys,
//! never rename or remove them.

use gigops_core::evidence::{
    Coverage, CoverageUnit, FindingCounts, FindingLevel, Findings, RecoveredResult, SuiteError,
    TestCase, TestCounts, TestRun,
};
use serde::{Deserialize, Serialize};

use crate::benchcmp::Comparison;
use crate::debt::{Debt, Rating};
use gigops_core::Message;
use gigops_core::project::Toolchain;

use crate::detail::ENGLISH;

/// The schema this summary follows; readers check it before trusting the keys.
pub const SCHEMA: &str = gigops_core::gate_output::SUMMARY_SCHEMA;

pub use gigops_core::gate_output::BenchmarkSummary;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub schema: String,
    /// RFC 3339, when the run finished.
    pub generated_at: String,
    pub project: Project,
    pub tests: Option<TestCounts>,
    pub coverage: Option<CoverageSummary>,
    pub patch_coverage: Option<PatchCoverage>,
    pub findings: Option<FindingCounts>,
    pub debt: Option<DebtSummary>,
    pub benchmarks: Option<BenchmarkSummary>,
    pub gate: Verdict,
    /// Which tests the run selected: `null` when not known (a summary written before this key,
    /// or evidence read without the command that made it).
    #[serde(default)]
    pub selection: Option<Selection>,
    /// Why `debt` is `null`: technical debt is not measured without findings, without code, or
    /// when skipped; `null` when it was measured (or in a summary written before this key).
    #[serde(default)]
    pub debt_not_measured: Option<NotMeasured>,
    /// Coverage per package (a file's directory), least covered first; `null` without coverage.
    #[serde(default)]
    pub coverage_by_package: Option<Vec<CoverageShare>>,
    /// Findings per tool, rule and level, most severe first; `null` without findings.
    #[serde(default)]
    pub findings_by_rule: Option<Vec<RuleFindings>>,
    /// Every finding: `findings.error + .warning + .note`; `null` without findings.
    #[serde(default)]
    pub findings_total: Option<u64>,
}

/// Why technical debt was not measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotMeasured {
    /// No findings evidence (lint output) was given: no findings is not the same as none found.
    NoFindings,
    /// No project root: `--root` was not given and none was found from the inputs.
    NoRoot,
    /// The project root holds no code to set the debt against.
    NoCode,
    /// `--no-debt`.
    Skipped,
}

impl NotMeasured {
    /// The key of the sentence that says why (a key of [`crate::detail::ENGLISH`]).
    pub fn message_key(self) -> &'static str {
        match self {
            NotMeasured::NoFindings => "debt_no_findings",
            NotMeasured::NoRoot => "debt_no_root",
            NotMeasured::NoCode => "no_code_size",
            NotMeasured::Skipped => "debt_skipped",
        }
    }
}

/// The coverage of a part of the code: a package (a file's directory) or a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverageShare {
    /// The package (`example.com/shop/calc`, `src/app`; `.` for files without a directory) or
    /// the file, as the coverage tool named it.
    pub name: String,
    pub covered: u64,
    pub total: u64,
    /// `null` when nothing in it was instrumented.
    pub percent: Option<f64>,
}

/// How many findings one rule of one tool gave at one level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleFindings {
    pub tool: String,
    pub rule: String,
    pub level: FindingLevel,
    pub count: u64,
    /// The highest security severity among them (0.0–10.0); `null` when none carries one.
    pub security_severity: Option<f64>,
}

/// Whether a run tested the whole suite or a part of it — a SOW item that asks for the whole
/// suite refuses a partial run as evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    /// `false` when the run selected a subset: a test filter (`go test -run`, `pytest -k`, a
    /// `cargo test` name filter …) or a subset of packages or files.
    pub complete: bool,
    /// What made it partial, as written on the command line (`-run TestParse`,
    /// `./internal/billing`); empty when complete.
    pub filters: Vec<String>,
}

/// Where the evidence came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Project {
    /// The repository the evidence is of: its `origin` remote URL without credentials; `null`
    /// when unknown (no remote, not a repository, or a summary written before this key).
    #[serde(default)]
    pub repository: Option<String>,
    pub commit: Option<String>,
    pub branch: Option<String>,
    /// `git describe --tags --always --dirty`.
    pub describe: Option<String>,
    pub toolchains: Vec<Toolchain>,
    /// The inputs read, as named on the command line (`-` for stdin, or the command run).
    pub inputs: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CoverageSummary {
    pub covered: u64,
    pub total: u64,
    /// `null` when nothing was instrumented.
    pub percent: Option<f64>,
    pub unit: CoverageUnit,
    /// How many files the coverage lists (0 in a summary written before this key).
    #[serde(default)]
    pub files: u64,
}

impl From<&Coverage> for CoverageSummary {
    fn from(coverage: &Coverage) -> Self {
        CoverageSummary {
            covered: coverage.covered(),
            total: coverage.total(),
            percent: coverage.percent(),
            unit: coverage.unit,
            files: coverage.files.len() as u64,
        }
    }
}

/// Coverage of the instrumented lines a change added or modified.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatchCoverage {
    /// The revision compared with, as given.
    pub base: String,
    pub covered: u64,
    pub total: u64,
    /// `null` when the change touched no instrumented line.
    pub percent: Option<f64>,
    /// Changed files with instrumented changed lines, with the lines left uncovered.
    pub files: Vec<PatchFile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatchFile {
    pub path: String,
    pub covered: u64,
    pub total: u64,
    pub uncovered_lines: Vec<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DebtSummary {
    pub minutes: u64,
    /// A fraction: 0.034 is 3.4 %; `null` (infinite) when there are findings but no code.
    #[serde(with = "gigops_core::json::infinite_as_null")]
    pub ratio: f64,
    pub rating: Rating,
}

/// The gate's decision and every rule behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub passed: bool,
    pub rules: Vec<RuleResult>,
}

/// One policy rule: what was measured against what was required.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleResult {
    /// `tests.failed`, `coverage.total`, `coverage.patch`, `coverage.drop`, `findings.level`,
    /// `findings.security`, `findings.rules`, `benchmarks.regression`, `toolchain.<tool>`,
    /// `debt.rating`, `evidence.command`, `tests.count`.
    pub name: String,
    pub passed: bool,
    /// The measured value: a number where the rule measures one, text otherwise; `null` when the
    /// evidence the rule needs is missing (the rule then fails).
    pub value: serde_json::Value,
    /// The required value, in the same unit.
    pub threshold: serde_json::Value,
    /// One sentence for a person, in English: what was found, and why it passed or failed.
    pub detail: String,
    /// The same sentence as a key and its values, for reports in other languages.
    #[serde(default)]
    pub message: Message,
}

impl RuleResult {
    /// A rule's result, its `detail` the English of `message` (a key of [`ENGLISH`]).
    pub fn new(
        name: impl Into<String>,
        passed: bool,
        value: serde_json::Value,
        threshold: serde_json::Value,
        message: Message,
    ) -> RuleResult {
        RuleResult {
            name: name.into(),
            passed,
            value,
            threshold,
            detail: message.english_in(ENGLISH),
            message,
        }
    }
}

/// The summary and the details the HTML report lays out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateReport {
    pub summary: Summary,
    /// The failed tests that are not quarantined, in the order read: the first
    /// [`crate::LISTED_FAILURES`] of them.
    pub failures: Vec<TestCase>,
    /// Failed tests past the first [`crate::LISTED_FAILURES`], counted but not listed.
    pub failures_not_listed: u64,
    /// Quarantined failures (shown, not counted against the gate).
    pub quarantined: Vec<TestCase>,
    pub quarantined_not_listed: u64,
    pub suite_errors: Vec<SuiteError>,
    /// The slowest tests, slowest first; only tests that reported a duration above zero (go
    /// test reports durations in steps of 0.01 s, so a quick Go test reports 0).
    pub slowest: Vec<TestCase>,
    /// Coverage per file, least covered first (then by name).
    pub coverage_by_file: Vec<CoverageShare>,
    pub coverage: Option<Coverage>,
    pub findings: Option<Findings>,
    pub debt: Option<Debt>,
    pub benchmarks: Vec<Comparison>,
    /// The significance level the benchmarks were compared at.
    pub alpha: f64,
    /// Suites that passed while their test output reported failed tests (a nested suite failing
    /// on purpose), one entry per suite: shown, not counted against the gate.
    #[serde(default)]
    pub inner_failures: Vec<InnerFailures>,
    /// Tests whose result was read from the text Go printed, not from an event.
    #[serde(default)]
    pub recovered: Vec<RecoveredResult>,
    /// Every test case and suite error, for the normalised JUnit file.
    #[serde(skip)]
    pub tests: Option<TestRun>,
}

/// The failed tests reported inside one suite that itself passed: "package passed, N inner
/// failures". `go test` exits with the package's own result, so the gate does too; these are
/// shown and not counted (docs/gate.md, "Counting rules").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InnerFailures {
    pub suite: String,
    /// How many failed inside it.
    pub count: u64,
    /// The first [`crate::LISTED_FAILURES`] of them, with their output.
    pub tests: Vec<TestCase>,
}
