//! The proposal: what a client reads before signing — the scope, the API contract, the
//! architecture, the evidence of past delivery, and the quote with every figure it rests on —
//! as one model (`gigops.proposal/1`) that gigops-render lays out as HTML and PDF.
//!
//! The model is assembled from plain data the caller has read and checked; it computes only
//! the validity date, from the issue date the caller passes (domain crates never read the
//! clock).

use gigops_core::gate_output::{
    BenchmarkSummary, Comparison, ComparisonFile, FILE_SCHEMA, SUMMARY_SCHEMA,
};
use gigops_core::{Problem, Problems};
use gigops_mermaid::Flowchart;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::Quote;
use crate::openapi::{ApiContract, ContractRow};

/// The schema name of the [`Proposal`] JSON.
pub const SCHEMA: &str = "gigops.proposal/1";

/// What a proposal is made of besides the quote.
#[derive(Debug, Clone)]
pub struct ProposalInput {
    /// The document's title; `None` for the catalog's "Proposal".
    pub title: Option<String>,
    pub client: Option<String>,
    /// The day the proposal is issued; it is valid for the quote's `valid_for_days` from then.
    pub issued: Date,
    /// What the work is, in Markdown, as the freelancer wrote it.
    pub scope: Option<String>,
    /// Assumptions the freelancer adds to gigops's own, in Markdown.
    pub assumptions: Option<String>,
    pub api: Option<ApiContract>,
    pub diagram: Option<Flowchart>,
    pub benchmarks: Option<BenchmarkEvidence>,
    /// Operations the contract shows in full (`quote.contract_rows`); beyond them, a summary
    /// per tag.
    pub contract_rows: usize,
    /// The file the full contract is written to when it is summarised (`proposal.api.html`).
    pub appendix: Option<String>,
}

/// A proposal. Schema `gigops.proposal/1`: keys are added, never renamed or removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    pub schema: &'static str,
    pub title: Option<String>,
    pub client: Option<String>,
    pub issued: Date,
    /// The last day the price holds: `issued` + `valid_for_days` − 1.
    pub valid_until: Date,
    pub valid_for_days: u32,
    pub scope: Option<String>,
    pub assumptions: Option<String>,
    pub api: Option<ApiContract>,
    /// The contract by tag, and whether the proposal shows it in full; `null` without `api`.
    pub api_index: Option<ContractIndex>,
    pub diagram: Option<Flowchart>,
    pub benchmarks: Option<BenchmarkEvidence>,
    pub quote: Quote,
}

/// The API contract grouped by tag: what the proposal's index lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContractIndex {
    /// The document's tags in its order, then tags it only uses in their order of use, then
    /// the operations without a tag. An operation is in the group of its first tag.
    pub groups: Vec<TagGroup>,
    pub operations: usize,
    /// The most operations shown in full (`quote.contract_rows`).
    pub limit: usize,
    /// `false` when there are more operations than `limit`: the proposal lists the groups and
    /// the full table is in `appendix`.
    pub full: bool,
    /// The appendix file with every operation; `null` when the proposal shows them all.
    pub appendix: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TagGroup {
    /// `null` for the operations without a tag.
    pub tag: Option<String>,
    pub description: Option<String>,
    pub operations: usize,
    /// Operations by method, in the order GET, POST, PUT, PATCH, DELETE, then others.
    pub methods: Vec<MethodCount>,
    /// The group's rows, as indexes of `api.rows`.
    pub rows: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MethodCount {
    pub method: String,
    pub operations: usize,
}

/// The contract's rows grouped by their first tag.
pub fn contract_index(api: &ApiContract, limit: usize, appendix: Option<String>) -> ContractIndex {
    let mut order: Vec<(Option<String>, Option<String>)> = api
        .tags
        .iter()
        .map(|t| (Some(t.name.clone()), t.description.clone()))
        .collect();
    let first_tag = |row: &ContractRow| row.tags.first().cloned();
    for row in &api.rows {
        let tag = first_tag(row);
        if tag.is_some() && !order.iter().any(|(t, _)| *t == tag) {
            order.push((tag, None));
        }
    }
    order.push((None, None));
    let groups: Vec<TagGroup> = order
        .into_iter()
        .filter_map(|(tag, description)| {
            let rows: Vec<usize> = (0..api.rows.len())
                .filter(|&i| first_tag(&api.rows[i]) == tag)
                .collect();
            if rows.is_empty() {
                return None;
            }
            let mut methods: Vec<MethodCount> = Vec::new();
            for &i in &rows {
                let method = &api.rows[i].method;
                match methods.iter_mut().find(|m| m.method == *method) {
                    Some(m) => m.operations += 1,
                    None => methods.push(MethodCount {
                        method: method.clone(),
                        operations: 1,
                    }),
                }
            }
            let rank = |m: &str| {
                ["GET", "POST", "PUT", "PATCH", "DELETE"]
                    .iter()
                    .position(|x| *x == m)
                    .unwrap_or(5)
            };
            methods.sort_by_key(|m| rank(&m.method));
            Some(TagGroup {
                tag,
                description,
                operations: rows.len(),
                methods,
                rows,
            })
        })
        .collect();
    let full = api.rows.len() <= limit;
    ContractIndex {
        groups,
        operations: api.rows.len(),
        limit,
        full,
        appendix: if full { None } else { appendix },
    }
}

/// Benchmarks measured by a `gigops gate` run, as evidence of how the freelancer's code
/// performs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchmarkEvidence {
    /// The files read.
    pub sources: Vec<String>,
    /// When the gate run finished (RFC 3339).
    pub generated_at: String,
    /// `git describe` of the run, when known.
    pub describe: Option<String>,
    /// The summary's counts; `null` when only `benchmarks.json` was read.
    pub summary: Option<BenchmarkSummary>,
    /// The significance level of the comparisons; `null` without `benchmarks.json`.
    pub alpha: Option<f64>,
    /// Whether an old set was compared with (`--bench-baseline`).
    pub baseline: bool,
    /// Every metric, old against new; empty without `benchmarks.json`.
    pub comparisons: Vec<Comparison>,
}

/// Assembles the proposal.
pub fn proposal(input: ProposalInput, quote: Quote) -> Proposal {
    let days = quote.valid_for_days;
    // A proposal valid for 30 days from the 1st holds through the 30th. Dates beyond jiff's
    // range (year 9999) stay at the last day it has.
    let valid_until = input
        .issued
        .checked_add(jiff::Span::new().days(i64::from(days.max(1)) - 1))
        .unwrap_or(Date::MAX);
    let api_index = input
        .api
        .as_ref()
        .map(|api| contract_index(api, input.contract_rows, input.appendix.clone()));
    Proposal {
        schema: SCHEMA,
        title: input.title,
        client: input.client,
        issued: input.issued,
        valid_until,
        valid_for_days: days,
        scope: input.scope,
        assumptions: input.assumptions,
        api: input.api,
        api_index,
        diagram: input.diagram,
        benchmarks: input.benchmarks,
        quote,
    }
}

/// A file's name and text.
pub type Named<'a> = (&'a str, &'a str);

/// Reads the benchmark evidence of a gate run: its `summary.json` (schema
/// `gigops.gate.summary/1`) and/or its `benchmarks.json` (`gigops.gate.benchmarks/1`). Given
/// both, they must come from the same run (the same `generated_at`). Every problem of both
/// files is reported.
pub fn benchmark_evidence(
    summary_file: Option<Named<'_>>,
    comparisons_file: Option<Named<'_>>,
) -> Result<BenchmarkEvidence, Problems> {
    let mut problems = Vec::new();
    let summary: Option<(String, GateRunSummary)> = summary_file.and_then(|(file, text)| {
        read_json::<GateRunSummary>(file, text, SUMMARY_SCHEMA, &mut problems)
            .map(|s| (file.into(), s))
    });
    let comparisons: Option<(String, ComparisonFile)> =
        comparisons_file.and_then(|(file, text)| {
            read_json::<ComparisonFile>(file, text, FILE_SCHEMA, &mut problems)
                .map(|c| (file.into(), c))
        });
    if let Some((file, s)) = &summary
        && s.benchmarks.is_none()
    {
        problems.push(Problem {
            file: file.clone(),
            line: 0,
            column: "benchmarks".into(),
            reason: "the gate run measured no benchmark: expected a run with benchmark output (Go benchmarks or criterion)".into(),
        });
    }
    if let (Some((sf, s)), Some((cf, c))) = (&summary, &comparisons)
        && s.generated_at != c.generated_at
    {
        problems.push(Problem {
            file: cf.clone(),
            line: 0,
            column: "generated_at".into(),
            reason: format!(
                "{:?} is another run than {sf}'s {:?}: expected the two files of one gate run",
                c.generated_at, s.generated_at
            ),
        });
    }
    if !problems.is_empty() {
        return Err(Problems(problems));
    }
    let mut sources = Vec::new();
    sources.extend(summary.as_ref().map(|(f, _)| f.clone()));
    sources.extend(comparisons.as_ref().map(|(f, _)| f.clone()));
    let generated_at = summary
        .as_ref()
        .map(|(_, s)| s.generated_at.clone())
        .or_else(|| comparisons.as_ref().map(|(_, c)| c.generated_at.clone()))
        .unwrap_or_default();
    Ok(BenchmarkEvidence {
        sources,
        generated_at,
        describe: summary
            .as_ref()
            .and_then(|(_, s)| s.project.describe.clone()),
        summary: summary.as_ref().and_then(|(_, s)| s.benchmarks.clone()),
        alpha: comparisons.as_ref().map(|(_, c)| c.alpha),
        baseline: comparisons.as_ref().is_some_and(|(_, c)| c.baseline),
        comparisons: comparisons.map(|(_, c)| c.comparisons).unwrap_or_default(),
    })
}

/// The keys of a gate run's `summary.json` that a proposal reads: the gate's own model of the
/// summary lives with the gate, which the quote does not depend on. The keys it leaves out are
/// not read.
#[derive(Debug, Deserialize)]
struct GateRunSummary {
    generated_at: String,
    project: GateRunProject,
    benchmarks: Option<BenchmarkSummary>,
}

/// The summary's `project`, of which a proposal shows the `git describe`.
#[derive(Debug, Deserialize)]
struct GateRunProject {
    describe: Option<String>,
}

/// A JSON file of a gate schema, each problem with its line and column.
fn read_json<T: serde::de::DeserializeOwned>(
    file: &str,
    text: &str,
    schema: &str,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    let at = |e: &serde_json::Error| (e.line() as u64, format!("column {}", e.column()));
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let (line, column) = at(&e);
            problems.push(Problem {
                file: file.into(),
                line,
                column,
                reason: format!(
                    "not JSON: {}",
                    e.to_string().split(" at line ").next().unwrap_or_default()
                ),
            });
            return None;
        }
    };
    let found = value
        .get("schema")
        .and_then(|s| s.as_str())
        .unwrap_or_default();
    if found != schema {
        problems.push(Problem {
            file: file.into(),
            line: 0,
            column: "schema".into(),
            reason: format!("{found:?}: expected schema {schema:?}"),
        });
        return None;
    }
    // Parsed again from the text, so that a field of the wrong type is reported where it is.
    match serde_json::from_str(text) {
        Ok(v) => Some(v),
        Err(e) => {
            let (line, column) = at(&e);
            problems.push(Problem {
                file: file.into(),
                line,
                column,
                reason: e
                    .to_string()
                    .split(" at line ")
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            });
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::{TagInfo, api_contract};

    #[test]
    fn the_contract_is_grouped_by_first_tag_and_summarised_past_the_limit() {
        let doc = "openapi: 3.0.3\ntags:\n  - {name: users, description: People}\n  - {name: pets}\npaths:\n  /pets:\n    get: {tags: [pets, store], responses: {'200': {description: ok}}}\n    post: {tags: [pets], responses: {'201': {description: ok}}}\n  /users:\n    delete: {tags: [users], responses: {'204': {description: ok}}}\n  /orders:\n    get: {tags: [store], responses: {'200': {description: ok}}}\n  /health:\n    get: {responses: {'200': {description: ok}}}\n";
        let api = api_contract("api.yaml", doc).unwrap();
        assert_eq!(
            api.tags,
            [
                TagInfo {
                    name: "users".into(),
                    description: Some("People".into())
                },
                TagInfo {
                    name: "pets".into(),
                    description: None
                }
            ]
        );
        let index = contract_index(&api, 5, Some("p.api.html".into()));
        let groups: Vec<(Option<&str>, usize, Vec<usize>)> = index
            .groups
            .iter()
            .map(|g| (g.tag.as_deref(), g.operations, g.rows.clone()))
            .collect();
        // The document's tags first (users, pets), then store (used, not listed), then none.
        assert_eq!(
            groups,
            [
                (Some("users"), 1, vec![2]),
                (Some("pets"), 2, vec![0, 1]),
                (Some("store"), 1, vec![3]),
                (None, 1, vec![4]),
            ]
        );
        assert_eq!(index.groups[1].methods[1].method, "POST");
        assert!(index.full);
        assert_eq!(index.appendix, None);
        let summarised = contract_index(&api, 4, Some("p.api.html".into()));
        assert!(!summarised.full);
        assert_eq!(summarised.appendix.as_deref(), Some("p.api.html"));
    }

    const SUMMARY: &str = r#"{"schema": "gigops.gate.summary/1", "generated_at": "2025-06-30T10:00:00Z",
      "project": {"commit": null, "branch": null, "describe": "v1.2.0", "toolchains": [], "inputs": []},
      "tests": null, "coverage": null, "patch_coverage": null, "findings": null, "debt": null,
      "benchmarks": {"metrics": 2, "compared": 2, "regressions": 0, "worst_regression_percent": null},
      "gate": {"passed": true, "rules": []}}"#;

    const COMPARISONS: &str = r#"{"schema": "gigops.gate.benchmarks/1", "generated_at": "2025-06-30T10:00:00Z",
      "alpha": 0.05, "baseline": true, "comparisons": [
        {"suite": "shop", "name": "BenchmarkCheckout", "unit": "ns/op",
         "old": {"center": 1200.0, "n": 10, "min": 1150.0, "max": 1300.0},
         "new": {"center": 900.0, "n": 10, "min": 880.0, "max": 950.0},
         "delta_percent": -25.0, "p_value": 0.0001, "significant": true, "regression_percent": -25.0, "note": null}]}"#;

    #[test]
    fn both_files_of_one_run() {
        let evidence = benchmark_evidence(
            Some(("summary.json", SUMMARY)),
            Some(("benchmarks.json", COMPARISONS)),
        )
        .unwrap();
        assert_eq!(evidence.describe.as_deref(), Some("v1.2.0"));
        assert_eq!(evidence.summary.as_ref().unwrap().compared, 2);
        assert_eq!(evidence.comparisons.len(), 1);
        assert_eq!(evidence.comparisons[0].delta_percent, Some(-25.0));
        assert!(evidence.baseline);
        assert_eq!(evidence.sources, ["summary.json", "benchmarks.json"]);
    }

    #[test]
    fn files_of_two_runs_or_of_another_kind_are_refused() {
        let other = COMPARISONS.replace("10:00:00Z", "11:00:00Z");
        let err =
            benchmark_evidence(Some(("s.json", SUMMARY)), Some(("b.json", &other))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "b.json: generated_at: \"2025-06-30T11:00:00Z\" is another run than s.json's \"2025-06-30T10:00:00Z\": expected the two files of one gate run"
        );
        let err = benchmark_evidence(Some(("b.json", COMPARISONS)), None).unwrap_err();
        assert!(
            err.to_string()
                .contains("expected schema \"gigops.gate.summary/1\""),
            "{err}"
        );
        let broken = COMPARISONS.replace("\"alpha\": 0.05", "\"alpha\": \"high\"");
        let err = benchmark_evidence(None, Some(("b.json", &broken))).unwrap_err();
        assert_eq!(err.0[0].line, 2, "{err}");
        let err = benchmark_evidence(None, Some(("b.json", "{\n  oops"))).unwrap_err();
        assert_eq!((err.0[0].line, err.0[0].column.as_str()), (2, "column 3"));
    }
}
