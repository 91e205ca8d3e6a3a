//! `gigops import` and `gigops export`: the ledger interchange files.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use gigops_app::ledger;
use gigops_ledger_files::{Format, Source, Table, write_table};
use gigops_store::LedgerStore;

use crate::cli::{ExportArgs, ExportFormat, ImportArgs};
use crate::commands::Context;
use crate::exit::bad_input;
use crate::output::{AtomicFiles, print_json, print_line, print_table};

/// The ledger files a path names: the file itself, or those found in a directory.
fn ledger_files(path: &Path) -> anyhow::Result<Vec<(PathBuf, Table, Format)>> {
    if path.is_dir() {
        let mut found = Vec::new();
        for table in Table::ALL {
            for format in [Format::Csv, Format::Json] {
                let file = path.join(format!("{}.{}", table.file_stem(), format.extension()));
                if file.is_file() {
                    found.push((file, table, format));
                }
            }
        }
        if found.is_empty() {
            return Err(bad_input(format!(
                "{}: no ledger files here; expected deals.csv, stage_events.csv, time_entries.csv, \
                 reopenings.csv or clients.csv (or .json)",
                path.display()
            )));
        }
        return Ok(found);
    }
    if !path.exists() {
        return Err(bad_input(format!(
            "{}: no such file or directory",
            path.display()
        )));
    }
    match Table::classify(path) {
        Some((table, format)) => Ok(vec![(path.to_path_buf(), table, format)]),
        None => Err(bad_input(format!(
            "{}: cannot tell what this file holds; name it deals, stage_events, time_entries, \
             reopenings or clients, with .csv or .json",
            path.display()
        ))),
    }
}

pub async fn import(ctx: &Context, args: ImportArgs) -> anyhow::Result<()> {
    let mut sources = Vec::new();
    for path in &args.paths {
        for (file, table, format) in ledger_files(path)? {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            sources.push(Source {
                name: file.display().to_string(),
                table,
                format,
                bytes,
            });
        }
    }
    let store = ctx.store().await?;
    let counts = ledger::import(store, &ctx.settings.pipeline.stages, &sources).await?;
    if ctx.json {
        return print_json(&counts);
    }
    print_table(
        &["table", "inserted", "updated", "unchanged"],
        counts.tables().into_iter().map(|(table, c)| {
            vec![
                table.to_string(),
                c.inserted.to_string(),
                c.updated.to_string(),
                c.unchanged.to_string(),
            ]
        }),
    )
}
pub async fn export(ctx: &Context, args: ExportArgs) -> anyhow::Result<()> {
    let format = match args.format {
        ExportFormat::Csv => Format::Csv,
        ExportFormat::Json => Format::Json,
    };
    let ledger = ctx.store().await?.export().await?;
    let mut files = AtomicFiles::default();
    for table in Table::ALL {
        let mut bytes = Vec::new();
        write_table(table, format, &ledger, &mut bytes)?;
        let path = args
            .dir
            .join(format!("{}.{}", table.file_stem(), format.extension()));
        files.stage(&path, &bytes)?;
    }
    let written = files.commit()?;
    if ctx.json {
        return print_json(&written);
    }
    for path in written {
        print_line(path.display())?;
    }
    Ok(())
}
