//! A quick measure of import and load speed on a synthetic ledger. Not the benchmark (see
//! BENCHMARKS.md); a check while working on the store.
//!
//! ```sh
//! cargo run --release -p gigops-store --example store_speed -- [DEALS] [EVENTS_PER_DEAL] [ENTRIES_PER_DEAL] [TARGET]
//! ```
//!
//! TARGET defaults to a new SQLite file in a temporary directory; a `postgres://` URL must name
//! an empty database.
// A benchmark driver: printing its measurements is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::Instant;

use gigops_store::{DealFilter, LedgerStore, Store};
use gigops_test_support::fixtures::{bulk_ledger, platform};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize, default: usize| -> Result<usize, Box<dyn std::error::Error>> {
        Ok(args
            .get(i)
            .map(|a| a.parse())
            .transpose()?
            .unwrap_or(default))
    };
    let deals = number(0, 200_000)?;
    let events_per_deal = number(1, 5)?;
    let entries_per_deal = number(2, 0)?;
    let directory = tempfile::tempdir()?;
    let target = match args.get(3) {
        Some(target) => target.clone(),
        None => directory.path().join("speed.db").display().to_string(),
    };

    if std::env::var_os("STORE_SPEED_LOAD_ONLY").is_some() {
        let store = Store::open(&target).await?;
        for _ in 0..3 {
            let started = Instant::now();
            let loaded = store.load_ledger(&DealFilter::all()).await?;
            println!(
                "load all: {} events in {:.2?}",
                loaded.events.len(),
                started.elapsed()
            );
        }
        return Ok(());
    }
    let started = Instant::now();
    let ledger = bulk_ledger(deals, events_per_deal, entries_per_deal);
    let rows =
        ledger.clients.len() + ledger.deals.len() + ledger.events.len() + ledger.time_entries.len();
    println!(
        "generated {} deals, {} events, {} time entries in {:.2?}",
        ledger.deals.len(),
        ledger.events.len(),
        ledger.time_entries.len(),
        started.elapsed()
    );

    let store = Store::open(&target).await?;
    let started = Instant::now();
    let counts = store.import(&ledger).await?;
    let elapsed = started.elapsed();
    println!(
        "import:          {rows} rows in {elapsed:.2?} = {:.0} rows/s ({} written)",
        rows as f64 / elapsed.as_secs_f64(),
        counts.changed()
    );

    let started = Instant::now();
    let again = store.import(&ledger).await?;
    let elapsed = started.elapsed();
    println!(
        "import again:    {rows} rows in {elapsed:.2?} = {:.0} rows/s ({} written)",
        rows as f64 / elapsed.as_secs_f64(),
        again.changed()
    );

    for round in 0..3 {
        let started = Instant::now();
        let loaded = store.load_ledger(&DealFilter::all()).await?;
        println!(
            "load all ({round}):    {} deals, {} events, {} entries in {:.2?}",
            loaded.deals.len(),
            loaded.events.len(),
            loaded.time_entries.len(),
            started.elapsed()
        );
    }
    let filter = DealFilter {
        platform: Some(platform("upwork")),
        ..DealFilter::default()
    };
    let started = Instant::now();
    let loaded = store.load_ledger(&filter).await?;
    println!(
        "load upwork:     {} deals, {} events in {:.2?}",
        loaded.deals.len(),
        loaded.events.len(),
        started.elapsed()
    );
    let started = Instant::now();
    let ids: Vec<_> = ledger.deals.iter().map(|d| d.id.clone()).collect();
    let found = store.existing_deal_ids(&ids).await?;
    println!(
        "existing ids:    {} of {} in {:.2?}",
        found.len(),
        ids.len(),
        started.elapsed()
    );
    store.close().await;
    Ok(())
}
