use gigops_core::ledger::parse_time_zone;
use gigops_core::{Client, Currency, Platform};
use gigops_store::LedgerStore;

use crate::cli::ClientCommand;
use crate::commands::Context;
use crate::exit::bad_input;
use crate::output::{print_json, print_line, print_table};

pub async fn run(ctx: &Context, command: ClientCommand) -> anyhow::Result<()> {
    let store = ctx.store().await?;
    match command {
        ClientCommand::Add {
            name,
            currency,
            locale,
            time_zone,
            platform,
        } => {
            let name = name.trim().to_string();
            if name.is_empty() {
                return Err(bad_input("the client name is empty"));
            }
            let client = Client {
                name,
                currency: Currency::parse(&currency)?,
                locale,
                time_zone: parse_time_zone(&time_zone)?,
                platform: platform.as_deref().map(Platform::parse).transpose()?,
            };
            store.add_client(&client).await?;
            if ctx.json {
                print_json(&client)
            } else {
                print_line(format!("added client {}", client.name))
            }
        }
        ClientCommand::List => {
            let clients = store.list_clients().await?;
            if ctx.json {
                return print_json(&clients);
            }
            print_table(
                &["name", "currency", "locale", "time zone", "platform"],
                clients.into_iter().map(|c| {
                    vec![
                        c.name,
                        c.currency.to_string(),
                        c.locale.to_string(),
                        c.time_zone,
                        c.platform.map(|p| p.to_string()).unwrap_or_default(),
                    ]
                }),
            )
        }
        ClientCommand::Show { name } => {
            let client = store
                .get_client(&name)
                .await?
                .ok_or_else(|| bad_input(format!("no client named {name:?}")))?;
            if ctx.json {
                return print_json(&client);
            }
            print_table(
                &["field", "value"],
                [
                    vec!["name".into(), client.name],
                    vec!["currency".into(), client.currency.to_string()],
                    vec!["locale".into(), client.locale.to_string()],
                    vec!["time zone".into(), client.time_zone],
                    vec![
                        "platform".into(),
                        client.platform.map(|p| p.to_string()).unwrap_or_default(),
                    ],
                ],
            )
        }
    }
}
