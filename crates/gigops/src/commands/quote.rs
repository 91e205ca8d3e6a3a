//! `gigops quote`: read the repository, spec, OpenAPI document and risk register; estimate and
//! price with gigops-quote; print the quote. Needs no database, unless the quote is saved with
//! its deal (`--deal`), listed, shown, accepted, or calibrated on the ledger's delivered deals.

use std::io::ErrorKind;
use std::path::Path;

use gigops_app::quotes::{self, SavedFigures, SavedPrice};
use gigops_core::{Deal, DealId, Ledger};
use gigops_quote::Quote;
use gigops_quote::calibrate::Calibration;
use gigops_store::{ClientScope, DealFilter, LedgerStore, QuoteStore, StoredQuote};

use crate::cli::{QuoteCommand, QuoteEstimateArgs};
use crate::commands::{Context, instant_or_now};
use crate::exit::bad_input;
use crate::output::{note, print_json, print_line, print_table};

pub async fn run(ctx: &Context, command: QuoteCommand) -> anyhow::Result<()> {
    match command {
        QuoteCommand::Schema => print_json(&gigops_quote::spec::schema()),
        QuoteCommand::Estimate { args, deal } => {
            let deal = match deal {
                Some(id) => Some(quotes::deal(ctx.store().await?, &DealId::parse(&id)?).await?),
                None => None,
            };
            let mut quote = estimate(ctx, &args, deal.as_ref())?;
            // Compared with the user's delivered work, when there is a ledger to read it from.
            if let Some(ledger) = existing_ledger(ctx).await? {
                quotes::warn_against_history(&mut quote, &ledger, &ctx.settings)?;
            }
            for warning in &quote.warnings {
                note!("warning: {}", warning.message);
            }
            if let Some(deal) = &deal {
                let version =
                    quotes::save(ctx.store().await?, &deal.id, &quote, instant_or_now(None)?)
                        .await?;
                // On stderr: stdout is the quote, the same whether it was saved or not.
                note!("saved as version {version} of the quote of {}", deal.id);
            }
            if ctx.json {
                print_json(&quote)
            } else {
                print_quote(&quote)
            }
        }
        QuoteCommand::List { deal } => {
            let deal = deal.as_deref().map(DealId::parse).transpose()?;
            let quotes = ctx
                .store()
                .await?
                .quotes(deal.as_ref(), &ClientScope::All)
                .await?;
            list(ctx, &quotes)
        }
        QuoteCommand::Show {
            deal,
            number: version,
        } => {
            let deal = DealId::parse(&deal)?;
            let stored = quotes::saved(ctx.store().await?, &deal, version).await?;
            if ctx.json {
                print_line(&stored.quote)
            } else {
                show(&stored)
            }
        }
        QuoteCommand::Accept {
            deal,
            number: version,
            at,
        } => {
            let deal = DealId::parse(&deal)?;
            let at = instant_or_now(at.as_deref())?;
            ctx.store().await?.accept_quote(&deal, version, at).await?;
            if ctx.json {
                return print_json(&AcceptedQuote {
                    deal_id: deal.as_str(),
                    version,
                    accepted_at: at,
                });
            }
            print_line(format!(
                "version {version} of the quote of {deal} accepted at {at}"
            ))
        }
        QuoteCommand::Calibrate => calibrate(ctx).await,
    }
}

/// What `quote accept --json` prints.
#[derive(serde::Serialize)]
struct AcceptedQuote<'d> {
    deal_id: &'d str,
    version: u32,
    accepted_at: jiff::Timestamp,
}

fn list(ctx: &Context, quotes: &[StoredQuote]) -> anyhow::Result<()> {
    if ctx.json {
        let mut listed = Vec::new();
        for stored in quotes {
            listed.push(ListedQuote {
                deal_id: stored.deal_id.to_string(),
                version: stored.version,
                created_at: stored.created_at.to_string(),
                accepted_at: stored.accepted_at.map(|t| t.to_string()),
                quote: stored.document()?,
            });
        }
        return print_json(&listed);
    }
    let mut rows = Vec::new();
    for stored in quotes {
        let f = SavedFigures::of(stored)?;
        rows.push(vec![
            stored.deal_id.to_string(),
            stored.version.to_string(),
            stored.created_at.to_string(),
            stored
                .accepted_at
                .map(|t| t.to_string())
                .unwrap_or_default(),
            number(f.effort.p50_hours, 0),
            price(&f.price, f.price.p50_minor),
            number(f.function_points.afp, 1),
        ]);
    }
    print_table(
        &[
            "deal",
            "version",
            "created",
            "accepted",
            "P50 hours",
            "P50 price",
            "AFP",
        ],
        rows,
    )
}

/// One saved quote as `quote list --json` prints it: the quote JSON whole, every key it was
/// saved with.
#[derive(serde::Serialize)]
struct ListedQuote {
    deal_id: String,
    version: u32,
    created_at: String,
    accepted_at: Option<String>,
    quote: serde_json::Value,
}

/// A figure of a saved quote, blank when the quote lacks it.
fn number(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(String::new, |n| format!("{n:.decimals$}"))
}

/// A price of a saved quote in its currency, blank when the quote lacks it.
fn price(price: &SavedPrice, minor: Option<i64>) -> String {
    price
        .money(minor)
        .map_or_else(String::new, |m| m.to_string())
}

fn show(stored: &StoredQuote) -> anyhow::Result<()> {
    let f = SavedFigures::of(stored)?;
    let accepted = stored
        .accepted_at
        .map_or_else(|| "not accepted".to_string(), |t| format!("accepted {t}"));
    print_line(format!(
        "quote of {} v{} (saved {}, {accepted})",
        stored.deal_id, stored.version, stored.created_at
    ))?;
    let (e, p) = (&f.effort, &f.price);
    print_table(
        &["", "quote"],
        [
            vec![
                "function points".into(),
                format!("AFP {}", number(f.function_points.afp, 1)),
            ],
            vec![
                "COCOMO II".into(),
                format!(
                    "{} KSLOC: {} person-months",
                    number(e.ksloc, 2),
                    number(e.cocomo2.person_months, 2)
                ),
            ],
            vec![
                "hours".into(),
                format!(
                    "P10 {}  P50 {}  P90 {}",
                    number(e.p10_hours, 0),
                    number(e.p50_hours, 0),
                    number(e.p90_hours, 0)
                ),
            ],
            vec![
                "price".into(),
                format!(
                    "P10 {}  P50 {}  P90 {}",
                    price(p, p.p10_minor),
                    price(p, p.p50_minor),
                    price(p, p.p90_minor)
                ),
            ],
        ],
    )
}

/// The ledger, when one exists: a PostgreSQL URL, or a SQLite file that is there (a quote
/// needs no ledger, and reading one must not create it).
async fn existing_ledger(ctx: &Context) -> anyhow::Result<Option<Ledger>> {
    let target = ctx.settings.db_target(ctx.db_flag.as_deref())?;
    let file = target
        .strip_prefix("sqlite://")
        .or_else(|| target.strip_prefix("sqlite:"))
        .unwrap_or(&target);
    let file = file.split('?').next().unwrap_or(file);
    let postgres = target.starts_with("postgres://") || target.starts_with("postgresql://");
    if !postgres && (file == ":memory:" || !Path::new(file).is_file()) {
        return Ok(None);
    }
    Ok(Some(
        ctx.store().await?.load_ledger(&DealFilter::all()).await?,
    ))
}

/// `quote calibrate` (gigops_app::quotes::calibrate): shown whether or not it recommends.
async fn calibrate(ctx: &Context) -> anyhow::Result<()> {
    let (calibration, refusal) = quotes::calibrate(ctx.store().await?, &ctx.settings).await?;
    if ctx.json {
        print_json(&calibration)?;
    } else {
        print_calibration(&calibration)?;
    }
    refusal.map_or(Ok(()), Err)
}

fn print_calibration(c: &Calibration) -> anyhow::Result<()> {
    let hours =
        |h: Option<f64>, decimals: usize| h.map_or_else(String::new, |h| format!("{h:.decimals$}"));
    print_line(format!(
        "delivered deals (reached {}, not lost) with a saved quote and logged hours: {}",
        c.delivered_stage,
        c.sample.len()
    ))?;
    if !c.sample.is_empty() {
        print_table(
            &[
                "deal",
                "quote",
                "AFP",
                "COCOMO II h",
                "h/PM",
                "hours logged",
            ],
            c.sample.iter().map(|s| {
                vec![
                    s.deal_id.clone(),
                    format!(
                        "v{}{}",
                        s.version,
                        if s.accepted { " (accepted)" } else { "" }
                    ),
                    hours(s.function_points, 1),
                    hours(s.cocomo_hours, 1),
                    format!(
                        "{:.0} ({})",
                        s.hours_per_person_month, s.hours_per_person_month_from
                    ),
                    format!("{:.1}", s.hours_logged),
                ]
            }),
        )?;
    }
    if !c.excluded.is_empty() {
        print_line("")?;
        print_table(
            &["left out", "why"],
            c.excluded
                .iter()
                .map(|e| vec![e.deal_id.clone(), e.reason.clone()]),
        )?;
    }
    let mut rows = Vec::new();
    for (what, line, setting) in [
        ("hours per FP", &c.fit.hours_per_fp, "quote.hours_per_fp"),
        (
            "COCOMO II multiplier",
            &c.fit.cocomo_multiplier,
            "quote.cocomo_calibration",
        ),
    ] {
        if let Some(line) = line {
            rows.push(vec![
                what.to_string(),
                format!("{:.3}", line.value),
                line.samples.to_string(),
                line.r_squared
                    .map_or_else(|| "—".into(), |r| format!("{r:.3}")),
                format!("{:.1} %", line.mmre * 100.0),
                format!("{:.0} %", line.pred25 * 100.0),
                setting.to_string(),
            ]);
        }
    }
    if !rows.is_empty() {
        print_line("")?;
        print_table(
            &["fit", "value", "deals", "R²", "MMRE", "PRED(25)", "setting"],
            rows,
        )?;
    }
    for refusal in &c.fit.refused {
        print_line(format!(
            "no {} recommended: {}",
            refusal.fit.replace('_', " "),
            refusal.reason
        ))?;
    }
    Ok(())
}

/// A file read whole, once it is known to be within the readers' size limit.
pub(crate) fn read(path: &Path) -> anyhow::Result<String> {
    let limit = gigops_yaml::MAX_BYTES as u64;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.len() > limit
    {
        return Err(bad_input(format!(
            "{}: {:.1} MiB: more than the {} MiB gigops reads in one file",
            path.display(),
            meta.len() as f64 / (1024.0 * 1024.0),
            limit / (1024 * 1024)
        )));
    }
    std::fs::read_to_string(path).map_err(|e| match e.kind() {
        ErrorKind::NotFound => bad_input(format!("{}: no such file", path.display())),
        ErrorKind::InvalidData => bad_input(format!("{}: not UTF-8 text", path.display())),
        _ => anyhow::Error::new(e).context(format!("cannot read {}", path.display())),
    })
}

/// The quote of `args` (gigops_app::quotes::estimate), with the documents it names read first;
/// with a deal, in the deal's currency.
pub(crate) fn estimate(
    ctx: &Context,
    args: &QuoteEstimateArgs,
    deal: Option<&Deal>,
) -> anyhow::Result<Quote> {
    quotes::estimate(&ctx.settings, &estimate_request(args)?, deal)
}

/// What `args` asks a quote of, with the documents it names read.
pub(crate) fn estimate_request(
    args: &QuoteEstimateArgs,
) -> anyhow::Result<quotes::EstimateRequest> {
    let document = |path: &Option<std::path::PathBuf>| -> anyhow::Result<Option<quotes::Document>> {
        path.as_deref()
            .map(|path| {
                Ok(quotes::Document {
                    name: path.display().to_string(),
                    text: read(path)?,
                })
            })
            .transpose()
    };
    Ok(quotes::EstimateRequest {
        seed: args.seed,
        sla_tier: args.sla_tier.clone(),
        platform: args.platform.clone(),
        currency: args.currency.clone(),
        exchange_rate: args.exchange_rate.clone(),
        repo: args.repo.clone(),
        scope: args.scope.clone(),
        spec: document(&args.spec)?,
        openapi: document(&args.openapi)?,
        risks: document(&args.risks)?,
        gate_summary: document(&args.gate_summary)?,
        gsc: args.gsc.clone(),
        ratings: args.ratings.clone(),
        debt_ratio: args.debt_ratio,
        language: args.language.clone(),
    })
}

fn print_quote(quote: &Quote) -> anyhow::Result<()> {
    let currency = quote.currency;
    let money = |minor: i64| format!("{} {currency}", currency.format_major(minor));
    let e = &quote.effort;
    let mut rows: Vec<Vec<String>> = Vec::new();
    if let Some(size) = &quote.size {
        let languages: Vec<String> = size
            .by_language
            .iter()
            .take(4)
            .map(|l| format!("{} {}", l.language, l.code))
            .collect();
        rows.push(vec![
            "size".into(),
            format!(
                "{} code lines in {} files ({}); {} source lines",
                size.code_lines,
                size.files,
                languages.join(", "),
                size.source_lines
            ),
        ]);
    }
    if let Some(fp) = &quote.function_points {
        rows.push(vec![
            "function points".into(),
            format!(
                "UFP {:.1} × VAF {:.2} = AFP {:.1} ({}, {} functions)",
                fp.ufp,
                fp.vaf,
                fp.afp,
                fp.source,
                fp.functions.len()
            ),
        ]);
    }
    rows.push(vec![
        "COCOMO II".into(),
        format!(
            "{:.2} KSLOC ({}): {:.2} person-months, {:.2} months (E {:.4}, EAF {:.3})",
            e.ksloc,
            e.ksloc_source,
            e.cocomo2.person_months,
            e.cocomo2.schedule_months,
            e.cocomo2.exponent,
            e.cocomo2.eaf
        ),
    ]);
    rows.push(vec![
        "COCOMO 81".into(),
        format!(
            "{}: {:.2} person-months, {:.2} months, cost {}",
            e.cocomo81.mode.name(),
            e.cocomo81.person_months,
            e.cocomo81.schedule_months,
            e.cocomo81.cost
        ),
    ]);
    let estimates: Vec<String> = e
        .estimates
        .iter()
        .map(|x| format!("{} {:.0} h × {:.0} %", x.method, x.hours, x.weight * 100.0))
        .collect();
    rows.push(vec![
        "build".into(),
        format!("{:.0} h ({})", e.build_hours, estimates.join(" + ")),
    ]);
    if let Some(sla) = &quote.sla {
        let tasks: Vec<String> = sla
            .tasks
            .iter()
            .map(|t| format!("{} {}", t.task, t.hours))
            .chain([format!(
                "on-call {} h/month × {} months",
                sla.on_call_hours_per_month, sla.support_months
            )])
            .collect();
        rows.push(vec![
            "service level".into(),
            format!(
                "{} ({} %, p95 {} ms): {:.0} h ({}); risk premium {:.0} %",
                sla.tier,
                sla.availability_percent,
                sla.p95_latency_ms,
                sla.hours,
                tasks.join(", "),
                sla.risk_premium * 100.0
            ),
        ]);
    }
    rows.push(vec![
        "hours".into(),
        format!(
            "P10 {:.0}  P50 {:.0}  P90 {:.0}  (most likely {:.0}: build {:.0}, operations {:.0}, risks {:.1})",
            e.p10_hours,
            e.p50_hours,
            e.p90_hours,
            e.most_likely_hours,
            e.build_hours,
            e.operations_hours,
            e.risk_hours
        ),
    ]);
    let c = &e.calendar;
    rows.push(vec![
        "calendar".into(),
        format!(
            "P10 {:.1}  P50 {:.1}  P90 {:.1} weeks at {} h a week",
            c.p10_weeks, c.p50_weeks, c.p90_weeks, c.hours_per_week
        ),
    ]);
    if let Some(x) = &quote.exchange {
        rows.push(vec![
            "currency".into(),
            format!("rates converted at 1 {} = {} {}", x.from, x.rate, x.to),
        ]);
    }
    rows.push(vec![
        "price".into(),
        format!(
            "P10 {}  P50 {}  P90 {}",
            money(quote.price.p10_minor),
            money(quote.price.p50_minor),
            money(quote.price.p90_minor)
        ),
    ]);
    print_table(&["", "quote"], rows)?;
    print_line("")?;
    print_table(
        &["item", "hours", "amount", "working"],
        quote.price.breakdown.iter().map(|line| {
            vec![
                line.item.clone(),
                line.hours.map(|h| format!("{h:.1}")).unwrap_or_default(),
                line.amount_minor.map(money).unwrap_or_default(),
                line.detail.clone(),
            ]
        }),
    )
}
