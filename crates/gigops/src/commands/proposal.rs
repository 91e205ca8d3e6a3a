//! `gigops proposal`: the quote of `quote estimate` (same inputs), with the scope, the API
//! contract, the architecture diagram and the benchmark evidence, rendered as the proposal
//! document. Needs no database.

use std::path::{Path, PathBuf};

use gigops_core::{Problem, Problems};
use gigops_quote::proposal::{self, BenchmarkEvidence, ProposalInput};

use crate::cli::ProposalArgs;
use crate::commands::Context;
use crate::commands::quote::{estimate, read};
use crate::exit::bad_input;
use crate::output::{AtomicFiles, print_json, print_line};

pub fn run(ctx: &Context, args: ProposalArgs) -> anyhow::Result<()> {
    // Every file is read and checked before any problem is reported, so that all of them
    // come at once, with the quote's own.
    let mut problems: Vec<Problem> = Vec::new();
    let diagram = match &args.diagram {
        Some(path) => {
            let name = path.display().to_string();
            match gigops_mermaid::parse(&name, &read(path)?) {
                Ok(chart) => Some(chart),
                Err(Problems(found)) => {
                    problems.extend(found);
                    None
                }
            }
        }
        None => None,
    };
    let benchmarks = match &args.bench_summary {
        Some(path) => match bench_evidence(path)? {
            Ok(evidence) => Some(evidence),
            Err(Problems(found)) => {
                problems.extend(found);
                None
            }
        },
        None => None,
    };
    let scope = args.scope_doc.as_deref().map(read).transpose()?;
    let assumptions = args.assumptions.as_deref().map(read).transpose()?;
    let quote = match estimate(ctx, &args.quote, None) {
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
    // The document was read and counted by the quote already; this is its contract table.
    let api = match &args.quote.openapi {
        Some(path) => Some(gigops_quote::openapi::api_contract(
            &path.display().to_string(),
            &read(path)?,
        )?),
        None => None,
    };
    let issued = match args.date {
        Some(date) => date,
        None => jiff::Zoned::now().date(),
    };
    let lang = args.lang.unwrap_or(ctx.settings.report.lang);
    let outputs = if args.output.is_empty() && !ctx.json {
        vec![
            PathBuf::from("proposal.html"),
            PathBuf::from("proposal.pdf"),
        ]
    } else {
        args.output.clone()
    };
    // A contract too long to show in full goes to an appendix beside the first output:
    // proposal.html → proposal.api.html.
    let appendix_path = outputs.first().map(|first| {
        let stem = first
            .file_stem()
            .map_or_else(|| "proposal".into(), |s| s.to_string_lossy().into_owned());
        first.with_file_name(format!("{stem}.api.html"))
    });
    let model = proposal::proposal(
        ProposalInput {
            title: args.title.clone(),
            client: args.client.clone(),
            issued,
            scope,
            assumptions,
            api,
            diagram,
            benchmarks,
            contract_rows: ctx.settings.quote.contract_rows,
            appendix: appendix_path
                .as_ref()
                .and_then(|p| p.file_name())
                .map(|name| name.to_string_lossy().into_owned()),
        },
        quote,
    );

    let templates = ctx.settings.report.templates.as_deref();
    let mut files = AtomicFiles::default();
    for path in &outputs {
        let bytes = match path.extension().and_then(|e| e.to_str()) {
            Some("html" | "htm") => {
                gigops_render::proposal_html(&model, lang, templates)?.into_bytes()
            }
            Some("pdf") => gigops_render::proposal_pdf(&model, lang)?,
            _ => {
                return Err(bad_input(format!(
                    "{}: expected a file name ending in .html or .pdf",
                    path.display()
                )));
            }
        };
        files.stage(path, &bytes)?;
    }
    if let (Some(path), Some(index)) = (&appendix_path, &model.api_index)
        && !index.full
    {
        let html = gigops_render::proposal_api_html(&model, lang, templates)?;
        files.stage(path, html.as_bytes())?;
    }
    let written = files.commit()?;
    if ctx.json {
        return print_json(&model);
    }
    for path in written {
        print_line(path.display())?;
    }
    Ok(())
}

/// The benchmark evidence at `path`: a gate output directory (its `summary.json`, and its
/// `benchmarks.json` when the run wrote one), or one of those files — a `summary.json` with
/// the `benchmarks.json` beside it, when there is one.
fn bench_evidence(path: &Path) -> anyhow::Result<Result<BenchmarkEvidence, Problems>> {
    let (summary, comparisons) = if path.is_dir() {
        let summary = path.join("summary.json");
        if !summary.is_file() {
            return Err(bad_input(format!(
                "--bench-summary {}: no summary.json in this directory: expected the -o directory of a `gigops gate` run",
                path.display()
            )));
        }
        (Some(summary), Some(path.join("benchmarks.json")))
    } else {
        let text = read(path)?;
        if text.contains(gigops_gate::benchcmp::FILE_SCHEMA) {
            (None, Some(path.to_path_buf()))
        } else {
            let sibling = path.with_file_name("benchmarks.json");
            (Some(path.to_path_buf()), Some(sibling))
        }
    };
    let comparisons = comparisons.filter(|p| p.is_file());
    let named = |p: &Option<PathBuf>| -> anyhow::Result<Option<(String, String)>> {
        p.as_ref()
            .map(|p| Ok((p.display().to_string(), read(p)?)))
            .transpose()
    };
    let (summary, comparisons) = (named(&summary)?, named(&comparisons)?);
    Ok(proposal::benchmark_evidence(
        summary.as_ref().map(|(n, t)| (n.as_str(), t.as_str())),
        comparisons.as_ref().map(|(n, t)| (n.as_str(), t.as_str())),
    ))
}
