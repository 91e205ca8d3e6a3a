//! `gigops demo`: a demo workspace on an embedded SQLite file, filled with a generated two-year
//! ledger, and the reports over it.

use std::path::PathBuf;

use anyhow::Context as _;
use gigops_core::Lang;
use gigops_pipeline::report::Scope;
use gigops_pipeline::{SynthSpec, synthetic_ledger};
use gigops_store::{LedgerStore, Store};

use crate::cli::DemoArgs;
use crate::commands::Context;
use crate::commands::report::write_market_report;
use crate::output::{AtomicFiles, print_json, print_line};
use gigops_app::settings::data_dir;

pub async fn run(ctx: &Context, args: DemoArgs) -> anyhow::Result<()> {
    let dir = match args.dir {
        Some(dir) => dir,
        None => data_dir()?.join("demo"),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let db = dir.join("gigops.db");
    // The demo is regenerated from scratch every time.
    for suffix in ["", "-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{suffix}", db.display()));
        if file.exists() {
            std::fs::remove_file(&file)
                .with_context(|| format!("cannot remove {}", file.display()))?;
        }
    }
    let end = match args.end {
        Some(end) => end,
        None => jiff::Zoned::now()
            .with_time_zone(jiff::tz::TimeZone::UTC)
            .date(),
    };
    let ledger = synthetic_ledger(&SynthSpec {
        deals: args.deals,
        seed: args.seed,
        end,
        span_days: 730,
        time_entries: true,
    });
    let store = Store::open(&db.display().to_string()).await?;
    store.import(&ledger).await?;
    let report = gigops_app::reports::pipeline(&store, &ctx.settings, Scope::default()).await?;
    store.close().await;

    let mut json = serde_json::to_vec_pretty(&report)?;
    json.push(b'\n');
    let mut files = AtomicFiles::default();
    files.stage(&dir.join("pipeline.json"), &json)?;
    let mut written = files.commit()?;
    let mut notes = Vec::new();
    for (lang, stem) in [
        (Lang::En, "market-report"),
        (Lang::ZhCn, "market-report.zh-CN"),
    ] {
        let html = dir.join(format!("{stem}.html"));
        let pdf = dir.join(format!("{stem}.pdf"));
        let templates = ctx.settings.report.templates.as_deref();
        let outputs = if args.no_pdf {
            vec![html.clone()]
        } else {
            vec![html.clone(), pdf]
        };
        match write_market_report(&report, lang, templates, &outputs) {
            Ok(paths) => written.extend(paths),
            // A machine without a CJK font still gets every other document.
            Err(err) if missing_cjk_font(&err) => {
                notes.push(format!("{lang} PDF skipped: {}", err.root_cause()));
                written.extend(write_market_report(&report, lang, templates, &[html])?);
            }
            Err(err) => return Err(err),
        }
    }

    if ctx.json {
        return print_json(&gigops_app::results::DemoRun {
            database: db,
            deals: ledger.deals.len(),
            files: written,
            notes,
            stage_events: ledger.events.len(),
            time_entries: ledger.time_entries.len(),
        });
    }
    print_line(format!(
        "demo ledger: {} clients, {} deals, {} stage events, {} time entries, two years to {end}",
        ledger.clients.len(),
        ledger.deals.len(),
        ledger.events.len(),
        ledger.time_entries.len()
    ))?;
    print_line(format!("  database  {}", db.display()))?;
    for path in &written {
        print_line(format!("  report    {}", path.display()))?;
    }
    for note in notes {
        print_line(format!("  note      {note}"))?;
    }
    print_line(format!(
        "next: gigops --db {} report pipeline",
        db.display()
    ))
}

fn missing_cjk_font(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<gigops_render::RenderError>(),
            Some(gigops_render::RenderError::MissingCjkFont { .. })
        )
    })
}
