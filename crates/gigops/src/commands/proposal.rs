//! `gigops proposal`: the quote of `quote estimate` (same inputs), with the scope, the API
//! contract, the architecture diagram and the benchmark evidence, rendered as the proposal
//! document. Needs no database.

use std::path::{Path, PathBuf};

use gigops_app::proposal::{BenchmarkFiles, ProposalRequest};
use gigops_app::quotes::Document;

use crate::cli::ProposalArgs;
use crate::commands::Context;
use crate::commands::quote::{estimate_request, read};
use crate::exit::bad_input;
use crate::output::{AtomicFiles, print_json, print_line, stage_document};

pub fn run(ctx: &Context, args: ProposalArgs) -> anyhow::Result<()> {
    let document = |path: &Path| -> anyhow::Result<Document> {
        Ok(Document {
            name: path.display().to_string(),
            text: read(path)?,
        })
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
    let request = ProposalRequest {
        estimate: estimate_request(&args.quote)?,
        title: args.title.clone(),
        client: args.client.clone(),
        issued: args.date.unwrap_or_else(|| jiff::Zoned::now().date()),
        scope: args.scope_doc.as_deref().map(read).transpose()?,
        assumptions: args.assumptions.as_deref().map(read).transpose()?,
        diagram: args.diagram.as_deref().map(document).transpose()?,
        benchmarks: args.bench_summary.as_deref().map(bench_files).transpose()?,
        appendix: appendix_path
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|name| name.to_string_lossy().into_owned()),
    };
    let model = gigops_app::proposal::proposal(&ctx.settings, request)?;

    let templates = ctx.settings.report.templates.as_deref();
    let mut files = AtomicFiles::default();
    stage_document(
        &mut files,
        &gigops_render::ProposalDocument(&model),
        &outputs,
        lang,
        templates,
    )?;
    if let (Some(path), Some(index)) = (&appendix_path, &model.api_index)
        && !index.full
    {
        let html = gigops_render::render(
            &gigops_render::ProposalAppendix(&model),
            gigops_render::Format::Html,
            lang,
            templates,
        )?;
        files.stage(path, &html)?;
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

/// The benchmark evidence at `path`, read: a gate output directory (its `summary.json`, and its
/// `benchmarks.json` when the run wrote one), or one of those files — a `summary.json` with
/// the `benchmarks.json` beside it, when there is one.
fn bench_files(path: &Path) -> anyhow::Result<BenchmarkFiles> {
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
    let named = |p: Option<PathBuf>| -> anyhow::Result<Option<Document>> {
        p.filter(|p| p.is_file())
            .map(|p| {
                Ok(Document {
                    name: p.display().to_string(),
                    text: read(&p)?,
                })
            })
            .transpose()
    };
    Ok(BenchmarkFiles {
        summary: named(summary)?,
        comparisons: named(comparisons)?,
    })
}
