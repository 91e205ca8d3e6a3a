use gigops_store::{IfExists, LedgerStore};

use crate::cli::DbCommand;
use crate::commands::Context;
use crate::output::{print_json, print_line};

pub async fn run(ctx: &Context, command: DbCommand) -> anyhow::Result<()> {
    let store = ctx.store().await?;
    match command {
        DbCommand::Migrate => {
            let counts = store.counts().await?;
            if ctx.json {
                print_json(&counts)
            } else {
                print_line(format!(
                    "schema is up to date: {} clients, {} deals, {} stage events, {} time entries, \
                     {} reopenings",
                    counts.clients,
                    counts.deals,
                    counts.events,
                    counts.time_entries,
                    counts.reopenings
                ))
            }
        }
        DbCommand::Backup { file, force } => {
            let if_exists = if force {
                IfExists::Replace
            } else {
                IfExists::Fail
            };
            store.backup(&file, if_exists).await?;
            if ctx.json {
                print_json(&gigops_app::results::BackupWritten { backup: file })
            } else {
                print_line(format!("backup written to {}", file.display()))
            }
        }
    }
}
