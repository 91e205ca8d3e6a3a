//! Writes a synthetic ledger as the interchange CSV files, for benchmarks:
//! `cargo run --release --example synth_ledger -- DEALS SEED END_DATE OUT_DIR`.
// A program for benchmarks: printing what it did is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use gigops_ledger_files::{Format, Table, write_table};
use gigops_pipeline::{SynthSpec, synthetic_ledger};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [deals, seed, end, out] = args.as_slice() else {
        anyhow::bail!("usage: synth_ledger DEALS SEED END_DATE OUT_DIR");
    };
    let ledger = synthetic_ledger(&SynthSpec {
        deals: deals.parse()?,
        seed: seed.parse()?,
        end: end.parse()?,
        span_days: 730,
        time_entries: true,
    });
    let out = PathBuf::from(out);
    std::fs::create_dir_all(&out)?;
    for table in Table::ALL {
        let path = out.join(format!("{}.csv", table.file_stem()));
        let mut file = BufWriter::new(File::create(&path)?);
        write_table(table, Format::Csv, &ledger, &mut file)?;
    }
    println!(
        "{} clients, {} deals, {} stage events, {} time entries",
        ledger.clients.len(),
        ledger.deals.len(),
        ledger.events.len(),
        ledger.time_entries.len()
    );
    Ok(())
}
