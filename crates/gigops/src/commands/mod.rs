//! One module per subcommand. Each parses its arguments into domain values, calls the domain
//! crates and the store, and prints what they return.

use std::process::ExitCode;

use anyhow::Context as _;
use gigops_store::Store;

use crate::cli::{Cli, Command};
use gigops_app::Settings;

mod client;
mod config;
mod db;
mod deal;
mod demo;
mod gate;
mod ledger_files;
mod proposal;
mod quote;
mod report;
mod sow;

/// What every command may need: merged settings, the --db flag, the output mode, and the store
/// once a command has opened it.
pub struct Context {
    pub settings: Settings,
    pub db_flag: Option<String>,
    pub json: bool,
    store: tokio::sync::OnceCell<Store>,
}

impl Context {
    /// The configured store, opened (and migrated) on first use.
    pub async fn store(&self) -> anyhow::Result<&Store> {
        self.store
            .get_or_try_init(|| async {
                let target = self.settings.db_target(self.db_flag.as_deref())?;
                Store::open(&target).await.with_context(|| {
                    format!(
                        "cannot open the ledger at {}",
                        gigops_app::settings::mask_url_password(&target)
                    )
                })
            })
            .await
    }

    /// Closes the store if a command opened it, so that SQLite checkpoints its write-ahead log
    /// into the database file: a user who copies `gigops.db` alone gets every write.
    async fn close(&self) {
        if let Some(store) = self.store.get() {
            store.close().await;
        }
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let settings = Settings::load(cli.config.as_deref())?;
    let ctx = Context {
        settings,
        db_flag: cli.db,
        json: cli.json,
        store: tokio::sync::OnceCell::new(),
    };
    let result = dispatch(&ctx, cli.command).await;
    ctx.close().await;
    result
}

async fn dispatch(ctx: &Context, command: Command) -> anyhow::Result<ExitCode> {
    match command {
        // The commands whose verdict is an exit code of their own.
        Command::Gate(command) => return gate::run(ctx, command).await,
        Command::Sow(command) => return sow::run(ctx, command).await,
        Command::Accept(args) => return sow::accept(ctx, *args).await,
        Command::Milestones { deal } => sow::milestones(ctx, deal).await?,
        Command::Demo(args) => demo::run(ctx, args).await?,
        Command::Client(command) => client::run(ctx, command).await?,
        Command::Deal(command) => deal::run(ctx, command).await?,
        Command::Time(command) => deal::run_time(ctx, command).await?,
        Command::Import(args) => ledger_files::import(ctx, args).await?,
        Command::Export(args) => ledger_files::export(ctx, args).await?,
        Command::Report(command) => report::run(ctx, command).await?,
        Command::Db(command) => db::run(ctx, command).await?,
        Command::Quote(command) => quote::run(ctx, command).await?,
        Command::Proposal(args) => proposal::run(ctx, *args)?,
        Command::Config(command) => config::run(ctx, command)?,
        Command::Completions { shell } => {
            // Into memory first: clap_complete panics when it cannot write, and a reader that
            // went away (`gigops completions bash | head`) is not a failure.
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "gigops", &mut script);
            crate::output::print_raw(&script)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub use gigops_app::ledger::instant_or_now;
