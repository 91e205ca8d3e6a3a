use gigops_core::{
    Deal, DealId, Money, Outcome, Platform, Score, StageEvent, TimeEntry, format_instant,
};
use gigops_store::{ClientScope, DealFilter, LedgerStore};

use crate::cli::{DealAddArgs, DealCommand, TimeCommand};
use crate::commands::{Context, instant_or_now};
use crate::exit::bad_input;
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
            let id = DealId::parse(&id)?;
            let detail = ctx
                .store()
                .await?
                .get_deal(&id, &ClientScope::All)
                .await?
                .ok_or_else(|| bad_input(format!("no deal with id {id}")))?;
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
            let event = StageEvent {
                deal_id: DealId::parse(&id)?,
                stage: stages.get(&stage)?.clone(),
                entered_at: instant_or_now(at.as_deref())?,
            };
            ctx.store().await?.add_stage_event(&event, stages).await?;
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
            let id = DealId::parse(&id)?;
            let outcome: Outcome = outcome.parse()?;
            if outcome == Outcome::Won && reason.is_some() {
                return Err(bad_input(
                    "--reason is for lost deals (and retainers that ended)",
                ));
            }
            let closed_at = instant_or_now(at.as_deref())?;
            let store = ctx.store().await?;
            // What it was, to say so when a won retainer ends rather than closes.
            let was_won = store
                .get_deal(&id, &ClientScope::All)
                .await?
                .is_some_and(|d| d.deal.outcome == Outcome::Won);
            store
                .close_deal(&id, outcome, closed_at, reason.clone())
                .await?;
            let ended = was_won && outcome == Outcome::Lost;
            if ctx.json {
                print_json(&gigops_app::results::DealClosed {
                    closed_at,
                    ended,
                    id,
                    lost_reason: reason,
                    outcome,
                })
            } else if ended {
                print_line(format!(
                    "retainer {id} ended at {} (it stays a won sale; the reason is a churn reason)",
                    format_instant(closed_at)
                ))
            } else {
                print_line(format!(
                    "{id} closed {outcome} at {}",
                    format_instant(closed_at)
                ))
            }
        }
        DealCommand::Reopen { id, reason, at } => {
            let id = DealId::parse(&id)?;
            let at = instant_or_now(at.as_deref())?;
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
    let stages = &ctx.settings.pipeline.stages;
    let currency = gigops_core::Currency::parse(&args.currency)?;
    let score = |s: Option<String>| s.as_deref().map(Score::parse).transpose();
    let deal = Deal {
        id: DealId::parse(&args.id)?,
        client: args.client.trim().to_string(),
        platform: Platform::parse(&args.platform)?,
        kind: args.kind,
        value: Money::parse_major(&args.value, currency)?,
        opened_at: instant_or_now(args.opened_at.as_deref())?,
        outcome: Outcome::Open,
        closed_at: None,
        lost_reason: None,
        tech_doc_score: score(args.tech_doc_score)?,
        github_score: score(args.github_score)?,
        demo_score: score(args.demo_score)?,
    };
    if let Some((field, reason)) = deal.problems().into_iter().next() {
        return Err(bad_input(format!("{field}: {reason}")));
    }
    let first_stage = match &args.stage {
        Some(stage) => stages.get(stage)?.clone(),
        None => stages
            .iter()
            .next()
            .cloned()
            .expect("stages are never empty"),
    };
    let store = ctx.store().await?;
    store.add_deal(&deal).await?;
    store
        .add_stage_event(
            &StageEvent {
                deal_id: deal.id.clone(),
                stage: first_stage.clone(),
                entered_at: deal.opened_at,
            },
            stages,
        )
        .await?;
    if ctx.json {
        print_json(&deal)
    } else {
        print_line(format!(
            "added deal {} ({}, {}) in stage {first_stage}",
            deal.id, deal.client, deal.value
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
            let minutes: u32 = match minutes.parse::<i64>() {
                Ok(m) if m > 0 => u32::try_from(m).map_err(|_| bad_input("too many minutes"))?,
                Ok(m) => {
                    return Err(bad_input(format!(
                        "--minutes {m}: expected a positive number"
                    )));
                }
                Err(_) => {
                    return Err(bad_input(format!(
                        "--minutes {minutes:?}: expected a whole number"
                    )));
                }
            };
            let entry = TimeEntry {
                deal_id: DealId::parse(&deal)?,
                started_at: instant_or_now(at.as_deref())?,
                minutes,
                category,
                note: note.filter(|n| !n.is_empty()),
            };
            ctx.store().await?.add_time_entry(&entry).await?;
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
