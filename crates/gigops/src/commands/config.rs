use crate::cli::ConfigCommand;
use crate::commands::Context;
use crate::output::{print_json, print_line};

pub fn run(ctx: &Context, command: ConfigCommand) -> anyhow::Result<()> {
    match command {
        ConfigCommand::Show => {
            let mut shown = ctx.settings.clone();
            if let Some(flag) = &ctx.db_flag {
                shown.db = Some(flag.clone());
            }
            if ctx.json {
                shown.db = shown
                    .db
                    .as_deref()
                    .map(gigops_app::settings::mask_url_password);
                print_json(&shown)
            } else {
                print_line(shown.to_masked_toml()?.trim_end())
            }
        }
    }
}
