//! `gigops gate`: evidence files or a command's output → the policy's verdict, a report for the
//! client and a summary for CI. Needs no database.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use anyhow::Context as _;
use gigops_app::gate::{self as app_gate, Ran};
use gigops_core::DealId;
use gigops_gate::summary::{SCHEMA, Selection};
use gigops_gate::{GateReport, Policy, Summary};
use gigops_ingest::evidence::{EvidenceFormat, Input, read_evidence, read_evidence_of};
use tempfile::NamedTempFile;

use crate::cli::{DeliverablesArgs, GateArgs, GateCommand};
use crate::commands::Context;
use crate::exit::bad_input;
use crate::output::{AtomicFiles, note, print_json, print_line, print_table, stage_document};

/// The exit code of a gate that failed.
const GATE_FAILED: u8 = 1;

pub async fn run(ctx: &Context, command: GateCommand) -> anyhow::Result<ExitCode> {
    // Checked with every other setting when the settings were loaded (Settings::problems).
    let policy = ctx.settings.gate.clone();
    if let GateCommand::Ingest { gate, .. } | GateCommand::Run { gate, .. } = &command
        && gate.notify
    {
        check_notify(&ctx.settings.notify)?;
    }
    // Temporary files (stdin, captured output) live until the run is over.
    let mut spooled = Vec::new();
    let current_dir = std::env::current_dir().context("cannot tell the current directory")?;
    let (args, inputs, ran) = match command {
        GateCommand::Ingest {
            inputs,
            partial,
            gate,
        } => {
            let inputs = resolve_inputs(&inputs, &gate, &mut spooled)?;
            // Known only when the user says so: the files do not tell which tests were chosen.
            let selection = (!partial.is_empty()).then_some(Selection {
                complete: false,
                filters: partial,
            });
            let ran = Ran {
                selection,
                ..Ran::default()
            };
            (gate, inputs, ran)
        }
        GateCommand::Run {
            inputs,
            gate,
            command,
        } => {
            let (all, ran) = run_and_collect(&command, &inputs, &gate, &current_dir, &mut spooled)?;
            (gate, all, ran)
        }
        GateCommand::Deliverables(args) => return deliverables(ctx, args),
        GateCommand::Trend { deal, milestone } => {
            return trend(ctx, &deal, milestone.as_deref()).await;
        }
    };
    let deal = args.deal.as_deref().map(DealId::parse).transpose()?;
    let stored_baseline = match (
        &deal,
        app_gate::baseline_file(args.baseline.as_deref(), &policy),
    ) {
        (Some(deal), None) => app_gate::stored_baseline(ctx.store().await?, deal).await?,
        _ => None,
    };
    let report = assess(
        &policy,
        &args,
        &inputs,
        ran,
        &current_dir,
        stored_baseline.as_ref(),
    )?;
    drop(spooled);
    if args.record
        && let Some(deal) = &deal
    {
        app_gate::record(
            ctx.store().await?,
            deal,
            args.milestone.clone(),
            &report,
            crate::commands::instant_or_now(None)?,
        )
        .await?;
    }

    let lang = args.lang.unwrap_or(ctx.settings.report.lang);
    if let Some(dir) = &args.output {
        write_outputs(ctx, &report, lang, dir, &args)?;
    }
    if args.notify {
        notify(ctx, &report, lang).await?;
    }
    if ctx.json {
        print_json(&report.summary)?;
    } else {
        print_verdict(&report.summary)?;
    }
    let passed = report.summary.gate.passed;
    // The process ends next: freeing a million test cases one by one would take a tenth of a
    // second of a run that reads them in half a second.
    std::mem::forget(report);
    Ok(if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(GATE_FAILED)
    })
}

fn parse_format(name: &str) -> anyhow::Result<EvidenceFormat> {
    EvidenceFormat::from_name(name).map_err(bad_input)
}

/// Files as inputs; `-` is read from stdin into a temporary file, since some formats are read
/// twice (a `go test -json` stream for its tests and for its benchmarks).
fn resolve_inputs(
    paths: &[PathBuf],
    args: &GateArgs,
    spooled: &mut Vec<NamedTempFile>,
) -> anyhow::Result<Vec<Input>> {
    let format = args.format.as_deref().map(parse_format).transpose()?;
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            let mut file = NamedTempFile::new().context("cannot spool stdin")?;
            std::io::copy(&mut std::io::stdin().lock(), &mut file).context("cannot read stdin")?;
            file.flush()?;
            inputs.push(Input {
                name: "-".into(),
                path: file.path().to_path_buf(),
                format,
            });
            spooled.push(file);
        } else {
            if !path.exists() {
                return Err(bad_input(format!("{}: no such file", path.display())));
            }
            inputs.push(Input {
                name: path.display().to_string(),
                path: path.clone(),
                format,
            });
        }
    }
    Ok(inputs)
}

/// Runs the command and gathers its evidence: what it printed and the `--input` files, as
/// far as the app finds them evidence of this run (gigops_app::gate::collect_run).
fn run_and_collect(
    command: &[String],
    inputs: &[PathBuf],
    gate: &GateArgs,
    dir: &Path,
    spooled: &mut Vec<NamedTempFile>,
) -> anyhow::Result<(Vec<Input>, Ran)> {
    let started = std::time::SystemTime::now();
    let captured = run_command(command)?;
    let printed = Input {
        name: command.join(" "),
        path: captured.file.path().to_path_buf(),
        format: gate.format.as_deref().map(parse_format).transpose()?,
    };
    let run = app_gate::CommandRun {
        argv: command,
        dir,
        success: captured.success,
        printed_readable: gigops_ingest::evidence::format_of(&printed).is_ok(),
        named_files: inputs
            .iter()
            .map(|path| (path.clone(), app_gate::written_since(path, started)))
            .collect(),
    };
    let collected = app_gate::collect_run(run, &mut |line| note!("{line}"))?;
    spooled.push(captured.file);
    let mut all = Vec::new();
    if collected.printed {
        all.push(printed);
    }
    all.extend(resolve_inputs(&collected.written, gate, spooled)?);
    Ok((all, collected.ran))
}

struct Captured {
    file: NamedTempFile,
    success: bool,
}

/// Runs the command with its stdout captured to a file; stderr goes to the user as it comes.
fn run_command(command: &[String]) -> anyhow::Result<Captured> {
    let file = NamedTempFile::new().context("cannot create a file for the command's output")?;
    let (program, args) = command.split_first().context("no command given")?;
    let status = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(file.reopen()?)
        .stderr(Stdio::inherit())
        .status()
        .map_err(|e| bad_input(format!("cannot run {program}: {e}")))?;
    Ok(Captured {
        file,
        success: status.success(),
    })
}

/// Reads the evidence, the baseline and the old benchmarks the run names, and has the app
/// assess them (gigops_app::gate), its warnings on stderr as they come.
fn assess(
    policy: &Policy,
    args: &GateArgs,
    inputs: &[Input],
    ran: Ran,
    current_dir: &Path,
    stored_baseline: Option<&Summary>,
) -> anyhow::Result<GateReport> {
    let mut warn = |line: &str| note!("{line}");
    // The Go sources a coverprofile names are looked for in the project given or run in too.
    let evidence = read_evidence_of(inputs, args.root.as_deref().or(ran.dir.as_deref()))?;
    // Files named on the command line (not stdin, not the command's captured output).
    let files: Vec<&Path> = inputs
        .iter()
        .filter(|i| i.name != "-" && i.path.as_os_str() == i.name.as_str())
        .map(|i| i.path.as_path())
        .collect();
    let clues = app_gate::RootClues {
        given: args.root.as_deref(),
        command_dir: ran.dir.as_deref(),
        files: &files,
        current_dir,
    };
    let root = app_gate::project_root(&clues, &evidence);
    if root.is_none() {
        note!(
            "warning: no project root: the inputs are not in a git work tree and --root was not given; technical debt, the version and the declared toolchains are not read"
        );
    }
    let given_baseline = app_gate::baseline_file(args.baseline.as_deref(), policy)
        .as_deref()
        .map(read_summary)
        .transpose()?;
    let old_benchmarks = if args.bench_baseline.is_empty() {
        None
    } else {
        let mut spooled = Vec::new();
        let old = resolve_inputs(&args.bench_baseline, args, &mut spooled)?;
        let old = read_evidence(&old)?;
        Some(old.benchmarks.unwrap_or_default())
    };
    let assessment = app_gate::Assessment {
        evidence,
        input_names: inputs.iter().map(|i| i.name.clone()).collect(),
        root: root.as_deref(),
        given_baseline: given_baseline.as_ref(),
        stored_baseline,
        old_benchmarks: old_benchmarks.as_ref(),
        patch_base: args.patch_base.as_deref(),
        no_debt: args.no_debt,
        silent_failures: ran.silent_failures,
        test_command: ran.test_command,
        selection: ran.selection,
    };
    app_gate::assess(policy, assessment, &mut warn)
}

/// `gate trend`: a deal's recorded runs as a series.
async fn trend(ctx: &Context, deal: &str, milestone: Option<&str>) -> anyhow::Result<ExitCode> {
    let deal = DealId::parse(deal)?;
    let points = gigops_gate::trend::trend(
        &app_gate::recorded_runs(ctx.store().await?, &deal, milestone).await?,
    );
    if ctx.json {
        print_json(&points)?;
        return Ok(ExitCode::SUCCESS);
    }
    let dash = || "—".to_string();
    let rows = points.iter().map(|p| {
        vec![
            p.recorded_at.clone(),
            p.milestone.clone().unwrap_or_else(dash),
            p.describe.clone().unwrap_or_else(dash),
            if p.passed { "pass" } else { "FAIL" }.to_string(),
            match (p.tests_failed, p.tests_total) {
                (Some(failed), Some(total)) => format!("{failed}/{total}"),
                _ => dash(),
            },
            match (p.coverage_percent, p.coverage_change) {
                (Some(c), Some(d)) => format!("{c:.1} % ({d:+.1})"),
                (Some(c), None) => format!("{c:.1} %"),
                _ => dash(),
            },
            match (p.findings_error, p.findings_warning) {
                (Some(e), Some(w)) => format!("{e} / {w}"),
                _ => dash(),
            },
            p.debt_rating.map_or_else(dash, |r| r.to_string()),
        ]
    });
    print_table(
        &[
            "recorded",
            "milestone",
            "version",
            "gate",
            "failed/tests",
            "coverage",
            "errors / warnings",
            "debt",
        ],
        rows,
    )?;
    Ok(ExitCode::SUCCESS)
}

fn read_summary(path: &Path) -> anyhow::Result<Summary> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| bad_input(format!("{}: cannot read the baseline: {e}", path.display())))?;
    let summary: Summary = serde_json::from_str(&text).map_err(|e| {
        bad_input(format!(
            "{}:{}:{}: not a gate summary: {e}",
            path.display(),
            e.line(),
            e.column()
        ))
    })?;
    if summary.schema != SCHEMA {
        return Err(bad_input(format!(
            "{}: schema {:?}, expected {SCHEMA:?}",
            path.display(),
            summary.schema
        )));
    }
    Ok(summary)
}

fn write_outputs(
    ctx: &Context,
    report: &GateReport,
    lang: gigops_core::Lang,
    dir: &Path,
    args: &GateArgs,
) -> anyhow::Result<()> {
    let bench_baseline = !args.bench_baseline.is_empty();
    let templates = ctx.settings.report.templates.as_deref();
    let document = gigops_render::GateReportDocument(report);
    let mut files = AtomicFiles::default();
    let mut documents = vec![dir.join("report.html"), dir.join("summary.md")];
    if args.pdf {
        documents.push(dir.join("report.pdf"));
    }
    stage_document(&mut files, &document, &documents, lang, templates)?;
    files.stage(
        &dir.join("summary.json"),
        &serde_json::to_vec_pretty(&report.summary)?,
    )?;
    // The comparison table itself, for documents that show it (a proposal's benchmark
    // evidence); the summary keeps only its counts.
    if report.summary.benchmarks.is_some() {
        let comparisons = gigops_gate::benchcmp::ComparisonFile {
            schema: gigops_gate::benchcmp::FILE_SCHEMA.into(),
            generated_at: report.summary.generated_at.clone(),
            alpha: report.alpha,
            baseline: bench_baseline,
            comparisons: report.benchmarks.clone(),
        };
        files.stage(
            &dir.join("benchmarks.json"),
            &serde_json::to_vec_pretty(&comparisons)?,
        )?;
    }
    if let Some(tests) = &report.tests {
        let mut junit = Vec::new();
        gigops_ingest::junit::write(tests, &mut junit)?;
        files.stage(&dir.join("junit.xml"), &junit)?;
    }
    files.commit()?;
    Ok(())
}

/// `--notify` needs a channel, and every `ca_file` readable: checked before the gate runs, so
/// a broken setting is bad input (exit 2), not a failed delivery after a long build.
fn check_notify(config: &gigops_notify::NotifyConfig) -> anyhow::Result<()> {
    if config.is_empty() {
        return Err(bad_input(
            "--notify: no channel is configured under [notify] (slack, wecom or smtp)",
        ));
    }
    // The channels' CA files were read when the settings were loaded (Settings::problems).
    Ok(())
}

/// Sends the summary to every channel under [notify]. A channel that fails is reported on
/// stderr; it does not change the verdict, which is about the build, not the messenger.
async fn notify(ctx: &Context, report: &GateReport, lang: gigops_core::Lang) -> anyhow::Result<()> {
    let config = &ctx.settings.notify;
    let templates = ctx.settings.report.templates.as_deref();
    let rendered = gigops_render::gate_notification(report, lang, templates)?;
    let message = gigops_notify::Message {
        title: rendered.title,
        markdown: rendered.markdown,
        text: rendered.text,
        html: rendered.html,
        passed: rendered.passed,
    };
    let deliveries = gigops_notify::send(config, &message, &gigops_notify::process_env).await;
    for delivery in deliveries {
        let state = if delivery.ok { "sent" } else { "NOT sent" };
        note!("notify {}: {state}: {}", delivery.channel, delivery.detail);
    }
    Ok(())
}

/// `gate deliverables`: the checklist filled from a summary, as Markdown, HTML and PDF.
fn deliverables(ctx: &Context, args: DeliverablesArgs) -> anyhow::Result<ExitCode> {
    use gigops_render::documents::deliverables::{self, Extra, FillError};
    let summary = read_summary(&args.summary)?;
    let lang = args.lang.unwrap_or(ctx.settings.report.lang);
    let (template, name) = match &args.template {
        Some(path) => (
            std::fs::read_to_string(path)
                .map_err(|e| bad_input(format!("{}: cannot read: {e}", path.display())))?,
            path.display().to_string(),
        ),
        None => (
            deliverables::default_template(lang).to_string(),
            "(default template)".to_string(),
        ),
    };
    let extra = Extra {
        version: args.release.clone(),
        project: args.project.clone(),
    };
    let filled =
        deliverables::fill(&template, &name, &summary, &extra, lang).map_err(|e| match e {
            FillError::Template(e) => bad_input(e.to_string()),
            FillError::Render(e) => e.into(),
        })?;
    let checklist = gigops_gate::deliverables::check(&filled, &summary);
    let mut files = AtomicFiles::default();
    let dir = &args.output;
    let mut paths = vec![dir.join("deliverables.md"), dir.join("deliverables.html")];
    if !args.no_pdf {
        paths.push(dir.join("deliverables.pdf"));
    }
    let templates = ctx.settings.report.templates.as_deref();
    let document = gigops_render::DeliverablesChecklist(&checklist);
    stage_document(&mut files, &document, &paths, lang, templates)?;
    let written = files.commit()?;
    if ctx.json {
        print_json(&gigops_app::results::DeliverablesWritten {
            items: checklist.items(),
            written,
        })?;
    } else {
        for path in written {
            print_line(path.display())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_verdict(summary: &Summary) -> anyhow::Result<()> {
    let rows = summary.gate.rules.iter().map(|rule| {
        vec![
            if rule.passed { "pass" } else { "FAIL" }.to_string(),
            rule.name.clone(),
            rule.detail.clone(),
        ]
    });
    print_table(&["", "rule", "measured"], rows)?;
    print_line(if summary.gate.passed {
        "gate passed"
    } else {
        "gate FAILED"
    })
}
