//! `gigops quote`: read the repository, spec, OpenAPI document and risk register; estimate and
//! price with gigops-quote; print the quote. Needs no database, unless the quote is saved with
//! its deal (`--deal`), listed, shown, accepted, or calibrated on the ledger's delivered deals.

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::Path;

use anyhow::Context as _;
use gigops_core::{DealId, Outcome};
use gigops_gate::debt::DebtError;
use gigops_ingest::{Problem, Problems};
use gigops_quote::cocomo::Ratings;
use gigops_quote::fp::Gsc;
use gigops_quote::{DebtInput, Quote, QuoteInput, Sample, Sources};
use gigops_store::{DealFilter, LedgerStore, StoredQuote};

use crate::cli::{QuoteCommand, QuoteEstimateArgs};
use crate::commands::{Context, instant_or_now};
use crate::exit::{BadInput, bad_input};
use crate::output::{print_json, print_line, print_table};

pub async fn run(ctx: &Context, command: QuoteCommand) -> anyhow::Result<()> {
    match command {
        QuoteCommand::Schema => print_json(&gigops_quote::spec::schema()),
        QuoteCommand::Estimate { args, deal } => {
            let quote = estimate(ctx, &args)?;
            if let Some(deal) = deal {
                let deal = DealId::parse(&deal)?;
                let json = serde_json::to_string(&quote)?;
                let version = ctx
                    .store()
                    .await?
                    .save_quote(&deal, instant_or_now(None)?, &json)
                    .await?;
                // On stderr: stdout is the quote, the same whether it was saved or not.
                eprintln!("saved as version {version} of the quote of {deal}");
            }
            if ctx.json {
                print_json(&quote)
            } else {
                print_quote(&quote)
            }
        }
        QuoteCommand::List { deal } => {
            let deal = deal.as_deref().map(DealId::parse).transpose()?;
            let quotes = ctx.store().await?.quotes(deal.as_ref()).await?;
            list(ctx, &quotes)
        }
        QuoteCommand::Show {
            deal,
            number: version,
        } => {
            let deal = DealId::parse(&deal)?;
            let quotes = ctx.store().await?.quotes(Some(&deal)).await?;
            let chosen = match version {
                Some(v) => quotes.iter().find(|q| q.version == v),
                None => quotes.last(),
            };
            let Some(stored) = chosen else {
                return Err(bad_input(match version {
                    Some(v) => format!("deal {deal} has no quote version {v}"),
                    None => format!("deal {deal} has no saved quote"),
                }));
            };
            if ctx.json {
                print_line(&stored.quote)
            } else {
                show(stored)
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
            print_line(format!(
                "version {version} of the quote of {deal} accepted at {at}"
            ))
        }
        QuoteCommand::Calibrate => calibrate(ctx).await,
    }
}

/// A saved quote's JSON, read back; only the figures a listing shows are looked at.
fn figures(stored: &StoredQuote) -> anyhow::Result<serde_json::Value> {
    serde_json::from_str(&stored.quote).with_context(|| {
        format!(
            "the saved quote {} v{} is not JSON",
            stored.deal_id, stored.version
        )
    })
}

fn list(ctx: &Context, quotes: &[StoredQuote]) -> anyhow::Result<()> {
    let mut listed = Vec::new();
    for stored in quotes {
        listed.push(ListedQuote {
            deal_id: stored.deal_id.to_string(),
            version: stored.version,
            created_at: stored.created_at.to_string(),
            accepted_at: stored.accepted_at.map(|t| t.to_string()),
            quote: figures(stored)?,
        });
    }
    if ctx.json {
        return print_json(&listed);
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
        listed.iter().map(|q| {
            let f = &q.quote;
            vec![
                q.deal_id.clone(),
                q.version.to_string(),
                q.created_at.clone(),
                q.accepted_at.clone().unwrap_or_default(),
                number(&f["effort"]["p50_hours"], 0),
                price(f, "p50_minor"),
                number(&f["function_points"]["afp"], 1),
            ]
        }),
    )
}

/// One saved quote as `quote list --json` prints it: the quote JSON whole.
#[derive(serde::Serialize)]
struct ListedQuote {
    deal_id: String,
    version: u32,
    created_at: String,
    accepted_at: Option<String>,
    quote: serde_json::Value,
}

fn number(value: &serde_json::Value, decimals: usize) -> String {
    value
        .as_f64()
        .map_or_else(String::new, |n| format!("{n:.decimals$}"))
}

/// A price of a saved quote (`p10_minor`, …) in its currency, from the JSON.
fn price(quote: &serde_json::Value, which: &str) -> String {
    let currency = quote["price"]["currency"]
        .as_str()
        .and_then(|c| gigops_core::Currency::parse(c).ok());
    match (quote["price"][which].as_i64(), currency) {
        (Some(minor), Some(currency)) => format!("{} {currency}", currency.format_major(minor)),
        _ => String::new(),
    }
}

fn show(stored: &StoredQuote) -> anyhow::Result<()> {
    let f = figures(stored)?;
    let accepted = stored
        .accepted_at
        .map_or_else(|| "not accepted".to_string(), |t| format!("accepted {t}"));
    print_line(format!(
        "quote of {} v{} (saved {}, {accepted})",
        stored.deal_id, stored.version, stored.created_at
    ))?;
    let e = &f["effort"];
    print_table(
        &["", "quote"],
        [
            vec![
                "function points".into(),
                format!("AFP {}", number(&f["function_points"]["afp"], 1)),
            ],
            vec![
                "COCOMO II".into(),
                format!(
                    "{} KSLOC: {} person-months",
                    number(&e["ksloc"], 2),
                    number(&e["cocomo2"]["person_months"], 2)
                ),
            ],
            vec![
                "hours".into(),
                format!(
                    "P10 {}  P50 {}  P90 {}",
                    number(&e["p10_hours"], 0),
                    number(&e["p50_hours"], 0),
                    number(&e["p90_hours"], 0)
                ),
            ],
            vec![
                "price".into(),
                format!(
                    "P10 {}  P50 {}  P90 {}",
                    price(&f, "p10_minor"),
                    price(&f, "p50_minor"),
                    price(&f, "p90_minor")
                ),
            ],
        ],
    )
}

/// `quote calibrate`: each won deal with a saved quote (the accepted version, else the latest)
/// and logged hours is a sample: the quote's adjusted function points and its COCOMO II effort
/// (at a calibration of 1) against the hours logged.
async fn calibrate(ctx: &Context) -> anyhow::Result<()> {
    let store = ctx.store().await?;
    let ledger = store.load_ledger(&DealFilter::all()).await?;
    let quotes = store.quotes(None).await?;
    let mut chosen: BTreeMap<&DealId, &StoredQuote> = BTreeMap::new();
    for stored in &quotes {
        let keep = chosen
            .get(&stored.deal_id)
            .is_some_and(|earlier| earlier.accepted_at.is_some());
        if !keep {
            chosen.insert(&stored.deal_id, stored);
        }
    }
    let mut minutes: BTreeMap<&DealId, u64> = BTreeMap::new();
    for entry in &ledger.time_entries {
        *minutes.entry(&entry.deal_id).or_default() += u64::from(entry.minutes);
    }
    let hours_per_person_month = ctx.settings.quote.hours_per_person_month;
    let mut samples = Vec::new();
    for deal in ledger.deals.iter().filter(|d| d.outcome == Outcome::Won) {
        let (Some(stored), Some(&logged)) = (chosen.get(&deal.id), minutes.get(&deal.id)) else {
            continue;
        };
        let f = figures(stored)?;
        let cocomo = &f["effort"]["cocomo2"];
        let cocomo_hours = match (
            cocomo["person_months"].as_f64(),
            cocomo["calibration"].as_f64(),
        ) {
            (Some(pm), Some(calibration)) if pm > 0.0 && calibration > 0.0 => {
                Some(pm / calibration * hours_per_person_month)
            }
            _ => None,
        };
        samples.push(Sample {
            label: format!("{} v{}", deal.id, stored.version),
            function_points: f["function_points"]["afp"].as_f64().filter(|fp| *fp > 0.0),
            cocomo_hours,
            hours: logged as f64 / 60.0,
        });
    }
    let fit = gigops_quote::calibrate(&samples).map_err(|e| BadInput(e.to_string()))?;
    if ctx.json {
        return print_json(&fit);
    }
    let mut rows = Vec::new();
    for (what, line, setting) in [
        ("hours per FP", &fit.hours_per_fp, "quote.hours_per_fp"),
        (
            "COCOMO II multiplier",
            &fit.cocomo_multiplier,
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
    print_table(
        &["fit", "value", "deals", "R²", "MMRE", "PRED(25)", "setting"],
        rows,
    )
}

pub(crate) fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).map_err(|e| match e.kind() {
        ErrorKind::NotFound => bad_input(format!("{}: no such file", path.display())),
        ErrorKind::InvalidData => bad_input(format!("{}: not UTF-8 text", path.display())),
        _ => anyhow::Error::new(e).context(format!("cannot read {}", path.display())),
    })
}

pub(crate) fn estimate(ctx: &Context, args: &QuoteEstimateArgs) -> anyhow::Result<Quote> {
    let config = &ctx.settings.quote;
    let config_problems = config.problems();
    if !config_problems.is_empty() {
        return Err(bad_input(format!(
            "invalid [quote] settings:\n  {}",
            config_problems.join("\n  ")
        )));
    }
    let table = gigops_quote::size::loc_per_fp_table(&config.loc_per_fp).map_err(bad_input)?;
    let mut input = QuoteInput {
        seed: args.seed,
        sla_tier: args.sla_tier.clone(),
        platform: args.platform.clone(),
        sources: Sources {
            repo: args.repo.as_ref().map(|p| p.display().to_string()),
            scope: args.scope.iter().map(|p| p.display().to_string()).collect(),
            spec: args.spec.as_ref().map(|p| p.display().to_string()),
            openapi: args.openapi.as_ref().map(|p| p.display().to_string()),
            risks: args.risks.as_ref().map(|p| p.display().to_string()),
        },
        ..QuoteInput::default()
    };

    // Every file is read before any problem is reported, so that all of them come at once.
    let mut problems: Vec<Problem> = Vec::new();
    let mut gsc = Gsc::default();
    let mut ratings = Ratings::default();
    if let Some(path) = &args.spec {
        match gigops_quote::spec::parse(&path.display().to_string(), &read(path)?, &table) {
            Ok(spec) => {
                for (name, rating) in &spec.gsc {
                    let _ = gsc.set(name, i64::from(*rating));
                }
                for (driver, level) in &spec.ratings {
                    let _ = ratings.set(driver, level);
                }
                input.language = spec.language.clone();
                input.functions.extend(spec.functions);
                input.risks.extend(spec.risks);
            }
            Err(Problems(found)) => problems.extend(found),
        }
    }
    if let Some(path) = &args.openapi {
        match gigops_quote::openapi::count(&path.display().to_string(), &read(path)?) {
            Ok(api) => {
                input.functions.extend(api.functions);
                input.api = api.operations;
            }
            Err(Problems(found)) => problems.extend(found),
        }
    }
    if let Some(path) = &args.risks {
        match gigops_quote::spec::parse_risks(&path.display().to_string(), &read(path)?) {
            Ok(risks) => input.risks.extend(risks),
            Err(Problems(found)) => problems.extend(found),
        }
    }
    if let Some(path) = &args.gate_summary {
        match gigops_quote::debt_from_gate_summary(&path.display().to_string(), &read(path)?) {
            Ok(debt) => input.debt = Some(debt),
            Err(Problems(found)) => problems.extend(found),
        }
    }
    // Flags after the spec: a flag overrides what the spec rates.
    let mut flag_problems = Vec::new();
    for pair in &args.gsc {
        match pair.split_once('=') {
            Some((name, value)) => match value.trim().parse::<i64>() {
                Ok(n) => {
                    if let Err(e) = gsc.set(name.trim(), n) {
                        flag_problems.push(format!("--gsc {pair}: {e}"));
                    }
                }
                Err(_) => {
                    flag_problems.push(format!("--gsc {pair}: expected a rating from 0 to 5"))
                }
            },
            None => flag_problems.push(format!("--gsc {pair}: expected NAME=RATING")),
        }
    }
    for pair in &args.ratings {
        match pair.split_once('=') {
            Some((driver, level)) => {
                if let Err(e) = ratings.set(driver.trim(), level.trim()) {
                    flag_problems.push(format!("--rating {pair}: {e}"));
                }
            }
            None => flag_problems.push(format!("--rating {pair}: expected DRIVER=LEVEL")),
        }
    }
    if let Some(ratio) = args.debt_ratio {
        if ratio.is_finite() && ratio >= 0.0 {
            input.debt = Some(DebtInput {
                ratio,
                source: "--debt-ratio".into(),
            });
        } else {
            flag_problems.push(format!("--debt-ratio {ratio}: expected a number ≥ 0"));
        }
    }
    if let Some(language) = &args.language {
        input.language = Some(language.clone());
    }
    // By file; each reader already lists its own problems in line and column order.
    problems.sort_by(|a, b| a.file.cmp(&b.file));
    if !problems.is_empty() {
        // Flag problems have no place in a file; they go first, as problems of the command line.
        let mut all: Vec<Problem> = flag_problems
            .into_iter()
            .map(|reason| Problem {
                file: "command line".into(),
                line: 0,
                column: String::new(),
                reason,
            })
            .collect();
        all.extend(problems);
        return Err(Problems(all).into());
    }
    if !flag_problems.is_empty() {
        return Err(bad_input(flag_problems.join("\n  ")));
    }
    input.gsc = gsc;
    input.ratings = ratings;

    if let Some(root) = &args.repo {
        let size = gigops_quote::size::measure(root, &args.scope, &config.exclude, &table)
            .map_err(|e| match e {
                DebtError::Io { path, source } if source.kind() == ErrorKind::NotFound => {
                    bad_input(format!("{}: no such file or directory", path.display()))
                }
                DebtError::Io { path, source } if source.kind() == ErrorKind::NotADirectory => {
                    bad_input(format!("--repo {}: not a directory", path.display()))
                }
                DebtError::InvalidPattern { .. } => bad_input(format!("quote.exclude: {e}")),
                other => anyhow::Error::new(other).context("cannot size the repository"),
            })?;
        input.size = Some(size);
    }
    if input.size.is_none() && args.spec.is_none() && args.openapi.is_none() {
        return Err(bad_input(
            "nothing to quote: give --repo DIR, --spec FILE or --openapi FILE",
        ));
    }
    gigops_quote::estimate(&input, config)
        .map_err(|e| BadInput(e.to_string()))
        .context("cannot estimate")
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
    rows.push(vec!["estimates".into(), estimates.join(", ")]);
    rows.push(vec![
        "hours".into(),
        format!(
            "P10 {:.0}  P50 {:.0}  P90 {:.0}  (most likely {:.0}; operations {:.0}, risks {:.1})",
            e.p10_hours,
            e.p50_hours,
            e.p90_hours,
            e.most_likely_hours,
            e.operations_hours,
            e.risk_hours
        ),
    ]);
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
