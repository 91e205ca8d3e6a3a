//! Fixtures and helpers shared by the tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gigops_pipeline::PipelineReport;
use gigops_pipeline::report::{
    CategoryHours, CycleStats, Drivers, DurationStats, Scope, StageRow, TimeReport,
};
use jiff::civil::Date;

/// The generated date used by every test, so that outputs are reproducible.
pub const GENERATED: Date = jiff::civil::date(2025, 7, 1);

/// A realistic report: 64 deals over seven stages, five platforms, three currencies.
pub fn report() -> PipelineReport {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pipeline_report.json");
    let text = std::fs::read_to_string(&path).expect("fixture is readable");
    serde_json::from_str(&text).expect("fixture matches the PipelineReport model")
}

/// A report over zero deals, as the pipeline produces it for an empty ledger.
pub fn empty_report() -> PipelineReport {
    let stages = gigops_core::Stages::DEFAULT
        .iter()
        .map(|stage| StageRow {
            stage: stage.to_string(),
            reached: 0,
            conversion: None,
            hours: DurationStats::default(),
            business_days: DurationStats::default(),
        })
        .collect();
    PipelineReport {
        scope: Scope::default(),
        time_zone: "UTC".into(),
        deals: 0,
        stages,
        cycle_hours: CycleStats::default(),
        win_rate: None,
        won: 0,
        lost: 0,
        open: 0,
        reopened: 0,
        win_rate_by_platform: Default::default(),
        platforms: vec![],
        bottleneck: None,
        bottleneck_shares: vec![],
        deals_with_durations: 0,
        lost_reasons: vec![],
        churn_reasons: vec![],
        value_bands: vec![],
        time: TimeReport {
            total_hours: 0.0,
            by_category: [
                "coding",
                "communication",
                "testing",
                "docs",
                "negotiation",
                "admin",
            ]
            .iter()
            .map(|c| CategoryHours {
                category: c.to_string(),
                hours: 0.0,
                share: 0.0,
            })
            .collect(),
            hours_per_day: None,
            days_with_entries: 0,
            effective_rates: vec![],
            won_deals_with_time: 0,
            won_deals_without_time: 0,
            rates_by_currency: vec![],
        },
        drivers: Drivers::Insufficient {
            insufficient_data: true,
            n: 0,
            required: 20,
        },
    }
}

/// Where tests leave their output for a person to look at (`target/render-it`).
pub fn output_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/render-it");
    std::fs::create_dir_all(&dir).expect("output dir");
    dir
}

/// What a finished command printed.
pub struct Finished {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs a command to completion within `limit`, killing it if it hangs (headless browsers
/// can). Output goes to files rather than pipes so that a large `--dump-dom` cannot fill a pipe
/// and block the child while we wait for it.
pub fn run(mut command: Command, limit: Duration) -> Finished {
    let out = tempfile::NamedTempFile::new().expect("temp file");
    let err = tempfile::NamedTempFile::new().expect("temp file");
    let mut child = command
        .stdin(Stdio::null())
        .stdout(out.reopen().expect("reopen"))
        .stderr(err.reopen().expect("reopen"))
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{command:?} did not finish within {limit:?}; stderr: {}",
                std::fs::read_to_string(err.path()).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Finished {
        success: status.success(),
        stdout: String::from_utf8_lossy(&std::fs::read(out.path()).expect("read")).into_owned(),
        stderr: String::from_utf8_lossy(&std::fs::read(err.path()).expect("read")).into_owned(),
    }
}
