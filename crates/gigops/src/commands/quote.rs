//! `gigops quote`: read the repository, spec, OpenAPI document and risk register; estimate and
//! price with gigops-quote; print the quote. Needs no database.

use std::io::ErrorKind;
use std::path::Path;

use anyhow::Context as _;
use gigops_gate::debt::DebtError;
use gigops_ingest::{Problem, Problems};
use gigops_quote::cocomo::Ratings;
use gigops_quote::fp::Gsc;
use gigops_quote::{DebtInput, Quote, QuoteInput, Sources};

use crate::cli::{QuoteCommand, QuoteEstimateArgs};
use crate::commands::Context;
use crate::exit::{BadInput, bad_input};
use crate::output::{print_json, print_line, print_table};

pub fn run(ctx: &Context, command: QuoteCommand) -> anyhow::Result<()> {
    match command {
        QuoteCommand::Schema => print_json(&gigops_quote::spec::schema()),
        QuoteCommand::Estimate(args) => {
            let quote = estimate(ctx, &args)?;
            if ctx.json {
                print_json(&quote)
            } else {
                print_quote(&quote)
            }
        }
    }
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
