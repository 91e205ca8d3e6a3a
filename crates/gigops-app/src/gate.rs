//! A gate run's assessment, as `gate ingest`, `gate run` and (later) a CI webhook make it: the
//! project root found from what the run was given, the baseline chosen, patch coverage, the
//! project's facts and its technical debt read through gigops-env, then the gate's verdict
//! (gigops-gate). Reading the evidence files and running the command are the caller's.

use std::path::{Path, PathBuf};

use gigops_core::DealId;
use gigops_core::evidence::{BenchmarkSet, Evidence};
use gigops_gate::summary::{NotMeasured, Project, Selection};
use gigops_gate::{GateReport, Policy, Run, Summary, debt, patch};
use gigops_store::{ClientScope, GateRun, GateRunStore, Store};

use crate::{bad_field, bad_input};

/// What the run was given that tells where the project is.
pub struct RootClues<'a> {
    /// The root the user gave (the request's `root`).
    pub given: Option<&'a Path>,
    /// The directory `gate run`'s command ran in.
    pub command_dir: Option<&'a Path>,
    /// The input files named by the user, in the order given (not stdin, not what a command
    /// printed).
    pub files: &'a [&'a Path],
    pub current_dir: &'a Path,
}

/// The project root (gigops_env::root): given, the command's directory, or found from the
/// inputs and the absolute paths the evidence names. Without one, debt, version and declared
/// toolchains are not read: the caller tells the user, naming in its own words how to give a
/// root.
pub fn project_root(clues: &RootClues, evidence: &Evidence) -> Option<PathBuf> {
    // The evidence's own absolute paths, normalised as debt matches them (a file:// URI is a
    // path); the first few are enough to find a work tree.
    let named: Vec<String> = evidence
        .findings
        .iter()
        .flat_map(|f| f.findings.iter().filter_map(|f| f.path.as_deref()))
        .chain(
            evidence
                .coverage
                .iter()
                .flat_map(|c| c.files.iter().map(|f| f.path.as_str())),
        )
        .map(|path| debt::normalize_path(path, &[]))
        .filter(|path| path.starts_with('/'))
        .take(20)
        .collect();
    let named: Vec<&str> = named.iter().map(String::as_str).collect();
    gigops_env::root::find(&gigops_env::root::Clues {
        given: clues.given,
        command_dir: clues.command_dir,
        inputs: clues.files,
        evidence_paths: &named,
        current_dir: clues.current_dir,
    })
}

/// The baseline summary's file: the one named for this run, else the policy's.
pub fn baseline_file(given: Option<&Path>, policy: &Policy) -> Option<PathBuf> {
    given
        .map(Path::to_path_buf)
        .or_else(|| policy.baseline.as_ref().map(PathBuf::from))
}

/// Everything a gate run's verdict is computed from besides the policy.
pub struct Assessment<'a> {
    pub evidence: Evidence,
    /// The inputs' names as given (`-` for stdin, the command for what it printed).
    pub input_names: Vec<String>,
    pub root: Option<&'a Path>,
    /// The baseline summary read from [`baseline_file`], which wins over `stored_baseline`.
    pub given_baseline: Option<&'a Summary>,
    /// The deal's latest recorded run, when no baseline file is named.
    pub stored_baseline: Option<&'a Summary>,
    pub old_benchmarks: Option<&'a BenchmarkSet>,
    /// The git revision patch coverage is measured against, when given for this run (the
    /// policy's otherwise).
    pub patch_base: Option<&'a str>,
    pub no_debt: bool,
    pub silent_failures: Vec<String>,
    pub test_command: bool,
    pub selection: Option<Selection>,
}

/// What `gate run` knows of the command beyond its evidence.
#[derive(Debug, Default)]
pub struct Ran {
    /// The directory it ran in.
    pub dir: Option<PathBuf>,
    /// Commands that failed without writing any evidence.
    pub silent_failures: Vec<String>,
    /// Which tests it selected, when it is a test command gigops knows.
    pub selection: Option<Selection>,
    pub test_command: bool,
}

/// `gate run`'s command as the caller ran it.
pub struct CommandRun<'a> {
    pub argv: &'a [String],
    /// The directory it ran in.
    pub dir: &'a Path,
    pub success: bool,
    /// Whether what it printed is in a format gigops can tell.
    pub printed_readable: bool,
    /// Each input file named (the request's `input`), and whether the command wrote it in this run (see
    /// [`written_since`]), or why not.
    pub named_files: Vec<(PathBuf, Result<(), String>)>,
}

/// Which of a command's outputs are evidence of its run.
#[derive(Debug)]
pub struct RunEvidence {
    /// What it printed is evidence (only when its format can be told).
    pub printed: bool,
    /// The input files named that it wrote in this run.
    pub written: Vec<PathBuf>,
    pub ran: Ran,
}

/// Decides what evidence a command's run left. A file the command did not write in this run
/// (missing, or last modified before it started) is not evidence of it: when the command
/// failed, it failed before writing it, and `warn` says so; when the command succeeded, the
/// file was named wrongly (bad input). A command that failed and left no evidence at all is a
/// silent failure, which fails the `evidence.command` rule; one that succeeded and left none is
/// bad input.
pub fn collect_run(run: CommandRun, warn: &mut dyn FnMut(&str)) -> anyhow::Result<RunEvidence> {
    let shown = run.argv.join(" ");
    let mut written = Vec::new();
    for (path, was_written) in run.named_files {
        match was_written {
            Ok(()) => written.push(path),
            Err(why) if !run.success => warn(&format!(
                "warning: `{shown}` failed and did not write {}: {why}",
                path.display()
            )),
            Err(why) => {
                return Err(bad_field(
                    "input",
                    format!("{}: not written by `{shown}`: {why}", path.display()),
                ));
            }
        }
    }
    // Which tests the command selected, against the project its runner reads.
    let selection = gigops_gate::selection::runner(run.argv).and_then(|runner| {
        let layout = gigops_env::test_layout(run.dir, runner);
        gigops_gate::selection::of_command(run.argv, run.dir, &layout)
    });
    let mut ran = Ran {
        dir: Some(run.dir.to_path_buf()),
        test_command: selection.is_some(),
        selection,
        ..Ran::default()
    };
    if !run.printed_readable && written.is_empty() {
        if run.success {
            return Err(bad_field(
                "input",
                format!("was not given and `{shown}` printed nothing gigops can read"),
            ));
        }
        ran.silent_failures.push(shown);
    }
    Ok(RunEvidence {
        printed: run.printed_readable,
        written,
        ran,
    })
}

/// Whether `path` was written at or after `started` (to the second, for file systems that keep
/// whole seconds); otherwise why not.
pub fn written_since(path: &Path, started: std::time::SystemTime) -> Result<(), String> {
    let modified = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            _ => e.to_string(),
        })?;
    let second = |t: std::time::SystemTime| {
        t.duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    };
    if second(modified) < second(started) {
        return Err("it was last modified before the command started".into());
    }
    Ok(())
}

/// The gate's report on `assessment` under `policy`: patch coverage, the project's facts and
/// its debt read from the root, then the verdict. `warn` hears what the user should know (a
/// shallow clone's short history).
pub fn assess(
    policy: &Policy,
    assessment: Assessment,
    warn: &mut dyn FnMut(&str),
) -> anyhow::Result<GateReport> {
    let Assessment {
        evidence,
        input_names,
        root,
        given_baseline,
        stored_baseline,
        old_benchmarks,
        patch_base,
        no_debt,
        silent_failures,
        test_command,
        selection,
    } = assessment;
    let patch_base = patch_base.or(policy.patch_base.as_deref());
    let patch = match (patch_base, &evidence.coverage) {
        (Some(base), Some(coverage)) => {
            let root = root.ok_or_else(|| {
                bad_field(
                    "root",
                    format!(
                        "is needed: patch coverage against {base} is measured in the project's git work tree"
                    ),
                )
            })?;
            let changed = gigops_env::git::changed_lines(root, base)
                .map_err(|e| bad_input(format!("patch coverage against {base}: {e}")))?;
            Some(patch::patch_coverage(coverage, &changed, base))
        }
        _ => None,
    };

    let wanted: Vec<&str> = policy.toolchain.keys().map(String::as_str).collect();
    let revision = root.map(gigops_env::git::describe).unwrap_or_default();
    let project = Project {
        repository: revision.repository,
        commit: revision.commit,
        branch: revision.branch,
        describe: revision.describe,
        toolchains: gigops_env::toolchain::probe(root, &wanted),
        inputs: input_names,
    };

    let debt = if no_debt {
        Err(NotMeasured::Skipped)
    } else {
        debt::measure(
            root,
            evidence.findings.as_ref(),
            &policy.debt,
            |root, config| {
                gigops_env::code_with_history(root, &config.exclude, config.hotspot_window_days)
            },
        )
        .map_err(|e| anyhow::Error::new(e).context("cannot measure the technical debt"))?
    };
    if let Ok(debt) = &debt
        && debt.hotspot_window.as_ref().is_some_and(|w| w.shallow)
    {
        warn(
            "warning: shallow clone: hotspots count only the history fetched (fetch with depth 0 for all)",
        );
    }

    let generated_at = jiff::Timestamp::now()
        .round(jiff::Unit::Second)?
        .to_string();
    let run = Run {
        evidence,
        project,
        generated_at,
        baseline: given_baseline.or(stored_baseline),
        old_benchmarks,
        patch,
        debt,
        silent_failures,
        test_command,
        selection,
    };
    Ok(gigops_gate::assess(policy, run)?)
}

/// The gate runs recorded against a deal (of one milestone, or all), oldest first, as
/// (recorded at, milestone, summary).
pub async fn recorded_runs(
    store: &Store,
    deal: &DealId,
    milestone: Option<&str>,
) -> anyhow::Result<Vec<(String, Option<String>, Summary)>> {
    let runs = store.gate_runs(deal, milestone, &ClientScope::All).await?;
    runs.into_iter()
        .map(|run| {
            let summary: Summary = run.document()?;
            Ok((run.recorded_at.to_string(), run.milestone, summary))
        })
        .collect()
}

/// With a deal and no baseline file, the deal's latest recorded run (of any milestone: the
/// previous delivery) is the baseline.
pub async fn stored_baseline(store: &Store, deal: &DealId) -> anyhow::Result<Option<Summary>> {
    Ok(recorded_runs(store, deal, None)
        .await?
        .pop()
        .map(|(_, _, summary)| summary))
}

/// Records the run's summary against the deal (and milestone).
pub async fn record(
    store: &Store,
    deal: &DealId,
    milestone: Option<String>,
    report: &GateReport,
    at: jiff::Timestamp,
) -> anyhow::Result<()> {
    store
        .record_gate_run(&GateRun {
            deal_id: deal.clone(),
            milestone,
            recorded_at: at,
            passed: report.summary.gate.passed,
            summary: serde_json::to_string(&report.summary)?,
        })
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ErrorKind, kind_of};

    fn run<'a>(
        argv: &'a [String],
        success: bool,
        printed_readable: bool,
        named_files: Vec<(PathBuf, Result<(), String>)>,
    ) -> CommandRun<'a> {
        CommandRun {
            argv,
            dir: Path::new("/nowhere"),
            success,
            printed_readable,
            named_files,
        }
    }

    #[test]
    fn only_what_the_command_wrote_in_its_run_is_evidence_of_it() {
        let argv = ["make".to_string(), "test".to_string()];
        let stale = || {
            vec![
                (PathBuf::from("new.xml"), Ok(())),
                (
                    PathBuf::from("old.xml"),
                    Err("it was last modified before".into()),
                ),
            ]
        };
        let mut warnings = Vec::new();
        let mut warn = |line: &str| warnings.push(line.to_string());

        // A command that failed may have failed before writing a file: said, not an error.
        let failed = collect_run(run(&argv, false, false, stale()), &mut warn).unwrap();
        assert_eq!(failed.written, [PathBuf::from("new.xml")]);
        assert!(!failed.printed);
        assert!(failed.ran.silent_failures.is_empty());
        assert_eq!(
            warnings,
            ["warning: `make test` failed and did not write old.xml: it was last modified before"]
        );

        // A command that succeeded and did not write a file named for it: the name is wrong.
        let error = collect_run(run(&argv, true, true, stale()), &mut |_| {}).unwrap_err();
        assert_eq!(kind_of(&error), ErrorKind::BadInput);
        crate::error::assert_about_field(&error, "input");
        assert!(
            error
                .to_string()
                .starts_with("input: old.xml: not written by `make test`")
        );
    }

    #[test]
    fn a_run_with_no_evidence_fails_the_gate_or_is_refused() {
        let argv = ["make".to_string(), "test".to_string()];
        let failed = collect_run(run(&argv, false, false, vec![]), &mut |_| {}).unwrap();
        assert_eq!(failed.ran.silent_failures, ["make test"]);

        let error = collect_run(run(&argv, true, false, vec![]), &mut |_| {}).unwrap_err();
        assert_eq!(kind_of(&error), ErrorKind::BadInput);
        crate::error::assert_about_field(&error, "input");
        assert_eq!(
            error.to_string(),
            "input: was not given and `make test` printed nothing gigops can read"
        );

        let printed = collect_run(run(&argv, false, true, vec![]), &mut |_| {}).unwrap();
        assert!(printed.printed);
        assert!(printed.ran.silent_failures.is_empty());
    }

    #[test]
    fn patch_coverage_without_a_root_asks_for_one() {
        let evidence = Evidence {
            coverage: Some(gigops_core::evidence::Coverage {
                unit: gigops_core::evidence::CoverageUnit::Lines,
                files: Vec::new(),
                counted_whole: Vec::new(),
            }),
            ..Evidence::default()
        };
        let assessment = Assessment {
            evidence,
            input_names: Vec::new(),
            root: None,
            given_baseline: None,
            stored_baseline: None,
            old_benchmarks: None,
            patch_base: Some("main"),
            no_debt: true,
            silent_failures: Vec::new(),
            test_command: false,
            selection: None,
        };
        let error = assess(&Policy::default(), assessment, &mut |_| {}).unwrap_err();
        assert_eq!(kind_of(&error), ErrorKind::BadInput);
        crate::error::assert_about_field(&error, "root");
        assert_eq!(
            error.to_string(),
            "root: is needed: patch coverage against main is measured in the project's git work tree"
        );
    }

    #[test]
    fn a_file_is_written_since_the_second_the_command_started() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junit.xml");
        let before = std::time::SystemTime::now() - std::time::Duration::from_secs(5);
        assert_eq!(
            written_since(&path, before),
            Err("no such file".to_string())
        );
        std::fs::write(&path, "<testsuites/>").unwrap();
        assert_eq!(written_since(&path, before), Ok(()));
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
        assert_eq!(
            written_since(&path, later),
            Err("it was last modified before the command started".to_string())
        );
    }
}
