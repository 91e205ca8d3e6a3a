use gigops_app::ledger::{self, NewDeal, NewTimeEntry};
use gigops_core::{Platform, Score, format_instant};
use gigops_store::{ClientScope, DealFilter, LedgerStore};

use crate::cli::{DealAddArgs, DealCommand, TimeCommand};
use crate::commands::Context;
use crate::output::{print_json, print_line, print_table};

pub async fn run(ctx: &Context, command: DealCommand) -> anyhow::Result<()> {
    let stages = &ctx.settings.pipeline.stages;
    match command {
        DealCommand::Add(args) => add(ctx, args).await,
        DealCommand::List { platform, outcome } => {
            let filter = DealFilter {
                platform: platform.as_deref().map(Platform::parse).transpose()?,
                outcome,
                ..DealFilter::default()
            };
            let deals = ctx
                .store()
                .await?
                .list_deals(&filter, &ClientScope::All)
                .await?;
            if ctx.json {
                return print_json(&deals);
            }
            print_table(
                &[
                    "id", "client", "platform", "kind", "value", "opened", "outcome",
                ],
                deals.into_iter().map(|d| {
                    vec![
                        d.id.to_string(),
                        d.client,
                        d.platform.to_string(),
                        d.kind.to_string(),
                        d.value.to_string(),
                        d.opened_at.strftime("%Y-%m-%d").to_string(),
                        d.outcome.to_string(),
                    ]
                }),
            )
        }
        DealCommand::Show { id } => {
            let detail = ledger::deal(ctx.store().await?, &id).await?;
            if ctx.json {
                return print_json(&detail);
            }
            let d = &detail.deal;
            let score = |s: Option<Score>| s.map(|s| s.get().to_string()).unwrap_or("-".into());
            print_table(
                &["field", "value"],
                [
                    vec!["id".into(), d.id.to_string()],
                    vec!["client".into(), d.client.clone()],
                    vec!["platform".into(), d.platform.to_string()],
                    vec!["kind".into(), d.kind.to_string()],
                    vec!["value".into(), d.value.to_string()],
                    vec!["opened".into(), format_instant(d.opened_at)],
                    vec!["outcome".into(), d.outcome.to_string()],
                    vec![
                        "closed".into(),
                        d.closed_at.map(format_instant).unwrap_or("-".into()),
                    ],
                    vec![
                        "lost reason".into(),
                        d.lost_reason.clone().unwrap_or("-".into()),
                    ],
                    vec![
                        "scores".into(),
                        format!(
                            "tech_doc {} · github {} · demo {}",
                            score(d.tech_doc_score),
                            score(d.github_score),
                            score(d.demo_score)
                        ),
                    ],
                ],
            )?;
            print_line("")?;
            print_table(
                &["stage", "entered"],
                detail
                    .events
                    .iter()
                    .map(|e| vec![e.stage.to_string(), format_instant(e.entered_at)]),
            )?;
            if !detail.reopenings.is_empty() {
                print_line("")?;
                print_table(
                    &["reopened", "reason", "had closed", "lost reason"],
                    detail.reopenings.iter().map(|r| {
                        vec![
                            format_instant(r.reopened_at),
                            r.reason.clone(),
                            format!("{} at {}", r.outcome, format_instant(r.closed_at)),
                            r.lost_reason.clone().unwrap_or_default(),
                        ]
                    }),
                )?;
            }
            if !detail.time_entries.is_empty() {
                print_line("")?;
                print_table(
                    &["started", "minutes", "category", "note"],
                    detail.time_entries.iter().map(|t| {
                        vec![
                            format_instant(t.started_at),
                            t.minutes.to_string(),
                            t.category.to_string(),
                            t.note.clone().unwrap_or_default(),
                        ]
                    }),
                )?;
            }
            Ok(())
        }
        DealCommand::Move { id, stage, at } => {
            let store = ctx.store().await?;
            let event = ledger::move_deal(store, stages, &id, &stage, at.as_deref()).await?;
            if ctx.json {
                print_json(&event)
            } else {
                print_line(format!(
                    "{} entered {} at {}",
                    event.deal_id,
                    event.stage,
                    format_instant(event.entered_at)
                ))
            }
        }
        DealCommand::Close {
            id,
            outcome,
            at,
            reason,
        } => {
            let store = ctx.store().await?;
            let closed = ledger::close_deal(store, &id, &outcome, at.as_deref(), reason).await?;
            if ctx.json {
                print_json(&closed)
            } else if closed.ended {
                print_line(format!(
                    "retainer {} ended at {} (it stays a won sale; the reason is a churn reason)",
                    closed.id,
                    format_instant(closed.closed_at)
                ))
            } else {
                print_line(format!(
                    "{} closed {} at {}",
                    closed.id,
                    closed.outcome,
                    format_instant(closed.closed_at)
                ))
            }
        }
        DealCommand::Reopen { id, reason, at } => {
            let id = gigops_core::DealId::parse(&id)?;
            let at = crate::commands::instant_or_now(at.as_deref())?;
            let reopening = ctx.store().await?.reopen_deal(&id, at, &reason).await?;
            if ctx.json {
                print_json(&reopening)
            } else {
                print_line(format!(
                    "{id} reopened at {} (it was {} at {}): {}",
                    format_instant(reopening.reopened_at),
                    reopening.outcome,
                    format_instant(reopening.closed_at),
                    reopening.reason
                ))
            }
        }
    }
}

async fn add(ctx: &Context, args: DealAddArgs) -> anyhow::Result<()> {
    let new = NewDeal {
        id: args.id,
        client: args.client,
        platform: args.platform,
        kind: args.kind,
        value: args.value,
        currency: args.currency,
        opened_at: args.opened_at,
        tech_doc_score: args.tech_doc_score,
        github_score: args.github_score,
        demo_score: args.demo_score,
        stage: args.stage,
    };
    let added = ledger::add_deal(ctx.store().await?, &ctx.settings.pipeline.stages, new).await?;
    let deal = &added.deal;
    if ctx.json {
        print_json(deal)
    } else {
        print_line(format!(
            "added deal {} ({}, {}) in stage {}",
            deal.id, deal.client, deal.value, added.stage
        ))
    }
}

pub async fn run_time(ctx: &Context, command: TimeCommand) -> anyhow::Result<()> {
    match command {
        TimeCommand::Add {
            deal,
            minutes,
            category,
            at,
            note,
        } => {
            let new = NewTimeEntry {
                deal,
                minutes,
                category,
                at,
                note,
            };
            let entry = ledger::log_time(ctx.store().await?, new).await?;
            if ctx.json {
                print_json(&entry)
            } else {
                print_line(format!(
                    "logged {} min of {} on {}",
                    entry.minutes, entry.category, entry.deal_id
                ))
            }
        }
    }
}
