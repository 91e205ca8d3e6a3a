//! Times one parser on one file, for tuning (the recorded figures come from `bench/gate.sh`,
//! which times the whole `gigops gate ingest`):
//!
//!   cargo run --release -p gigops-ingest --example parse_speed -- gotest big.json
//!
//! Prints the wall time, the throughput, the counts and the peak resident memory.
// A benchmark driver: printing its measurements is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fs::File;
use std::io::BufReader;
use std::time::Instant;

use gigops_ingest::evidence::{EvidenceFormat, Input, read_evidence};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(format), Some(path)) = (args.next(), args.next()) else {
        eprintln!("usage: parse_speed FORMAT FILE");
        std::process::exit(2);
    };
    let format = EvidenceFormat::from_name(&format).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2);
    });
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    // Touches the file once so that the timed read is not the first from disk.
    let _ = std::io::copy(
        &mut BufReader::new(File::open(&path).expect("readable file")),
        &mut std::io::sink(),
    );
    let start = Instant::now();
    let evidence = read_evidence(&[Input {
        name: path.clone(),
        path: path.clone().into(),
        format: Some(format),
    }]);
    let elapsed = start.elapsed().as_secs_f64();
    match evidence {
        Ok(evidence) => {
            if let Some(tests) = &evidence.tests {
                println!("tests: {:?}", tests.counts());
            }
            if let Some(coverage) = &evidence.coverage {
                println!("coverage: {:?}", coverage.percent());
            }
        }
        Err(problems) => {
            for problem in problems.0.iter().take(5) {
                println!("{problem}");
            }
        }
    }
    println!(
        "{elapsed:.3} s, {:.0} MB/s, peak RSS {}",
        bytes as f64 / 1e6 / elapsed,
        peak_rss()
    );
}

fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l["VmHWM:".len()..].trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}
