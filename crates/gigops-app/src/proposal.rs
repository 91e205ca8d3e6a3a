//! `proposal`: the quote of the same inputs as `quote estimate`, with the scope, the API
//! contract, the architecture diagram and the benchmark evidence, as the proposal's model. Every
//! problem of every document comes at once, the quote's with the others', ordered by file.

use gigops_core::{Problem, Problems};
use gigops_quote::proposal::{self, Proposal, ProposalInput};
use jiff::civil::Date;

use crate::Settings;
use crate::quotes::{self, Document, EstimateRequest};

/// The benchmark evidence as read: a gate run's `summary.json`, its `benchmarks.json`, or both.
#[derive(Default)]
pub struct BenchmarkFiles {
    pub summary: Option<Document>,
    pub comparisons: Option<Document>,
}

/// What a proposal is made of, the documents read by the caller.
pub struct ProposalRequest {
    /// The quote's inputs; its OpenAPI document is also the proposal's contract table.
    pub estimate: EstimateRequest,
    pub title: Option<String>,
    pub client: Option<String>,
    pub issued: Date,
    /// What the work is, in Markdown.
    pub scope: Option<String>,
    /// Assumptions beyond gigops's own, in Markdown.
    pub assumptions: Option<String>,
    /// A Mermaid flowchart of the architecture.
    pub diagram: Option<Document>,
    pub benchmarks: Option<BenchmarkFiles>,
    /// The file name the full contract goes to when the proposal summarises it.
    pub appendix: Option<String>,
}

/// The proposal of `request` under the settings.
pub fn proposal(settings: &Settings, request: ProposalRequest) -> anyhow::Result<Proposal> {
    let mut problems: Vec<Problem> = Vec::new();
    let diagram = request
        .diagram
        .as_ref()
        .and_then(|d| collect(&mut problems, gigops_mermaid::parse(&d.name, &d.text)));
    let benchmarks = request.benchmarks.as_ref().and_then(|files| {
        collect(
            &mut problems,
            proposal::benchmark_evidence(
                named(files.summary.as_ref()),
                named(files.comparisons.as_ref()),
            ),
        )
    });
    let quote = match quotes::estimate(settings, &request.estimate, None) {
        Ok(quote) => quote,
        Err(err) => {
            return Err(match err.downcast::<Problems>() {
                Ok(Problems(theirs)) => {
                    problems.extend(theirs);
                    problems.sort_by(|a, b| a.file.cmp(&b.file));
                    Problems(problems).into()
                }
                Err(err) if problems.is_empty() => err,
                Err(_) => Problems(problems).into(),
            });
        }
    };
    if !problems.is_empty() {
        problems.sort_by(|a, b| a.file.cmp(&b.file));
        return Err(Problems(problems).into());
    }
    // The quote has read and counted the document already; this is its contract table.
    let api = request
        .estimate
        .openapi
        .as_ref()
        .map(|d| gigops_quote::openapi::api_contract(&d.name, &d.text))
        .transpose()?;
    Ok(proposal::proposal(
        ProposalInput {
            title: request.title,
            client: request.client,
            issued: request.issued,
            scope: request.scope,
            assumptions: request.assumptions,
            api,
            diagram,
            benchmarks,
            contract_rows: settings.quote.contract_rows,
            appendix: request.appendix,
        },
        quote,
    ))
}

/// The value, or `None` with its problems added to `problems`.
fn collect<T>(problems: &mut Vec<Problem>, result: Result<T, Problems>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(Problems(found)) => {
            problems.extend(found);
            None
        }
    }
}

/// A document as the `(name, text)` pair the readers take.
fn named(document: Option<&Document>) -> Option<(&str, &str)> {
    document.map(|d| (d.name.as_str(), d.text.as_str()))
}
