//! `gigops report`: the pipeline analytics as a table, JSON, or the market report documents.

use std::path::{Path, PathBuf};

use gigops_app::reports::{self, ScopeRequest};
use gigops_core::{Currency, Lang};
use gigops_pipeline::PipelineReport;
use gigops_pipeline::report::DurationStats;

use crate::cli::{ReportCommand, ScopeArgs};
use crate::commands::Context;
use crate::output::{AtomicFiles, print_json, print_line, print_table, stage_document};

pub async fn run(ctx: &Context, command: ReportCommand) -> anyhow::Result<()> {
    match command {
        ReportCommand::Pipeline(scope) => {
            let scope = reports::scope(&scope_request(&scope))?;
            let report = reports::pipeline(ctx.store().await?, &ctx.settings, scope).await?;
            if ctx.json {
                print_json(&report)
            } else {
                print_pipeline(&report)
            }
        }
        ReportCommand::Market {
            scope,
            lang,
            output,
        } => {
            let scope = reports::scope(&scope_request(&scope))?;
            let report = reports::pipeline(ctx.store().await?, &ctx.settings, scope).await?;
            let lang = lang.unwrap_or(ctx.settings.report.lang);
            let outputs = if output.is_empty() {
                vec![
                    PathBuf::from("market-report.html"),
                    PathBuf::from("market-report.pdf"),
                ]
            } else {
                output
            };
            let written = write_market_report(
                &report,
                lang,
                ctx.settings.report.templates.as_deref(),
                &outputs,
            )?;
            if ctx.json {
                return print_json(&written);
            }
            for path in written {
                print_line(path.display())?;
            }
            Ok(())
        }
    }
}

/// The scope flags as the app takes them.
fn scope_request(args: &ScopeArgs) -> ScopeRequest {
    ScopeRequest {
        from: args.from.clone(),
        to: args.to.clone(),
        platform: args.platform.clone(),
    }
}

/// Renders the market report to each path, in the format its extension names, all or none.
pub fn write_market_report(
    report: &PipelineReport,
    lang: Lang,
    templates: Option<&Path>,
    outputs: &[PathBuf],
) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = AtomicFiles::default();
    stage_document(
        &mut files,
        &gigops_render::MarketReport::new(report),
        outputs,
        lang,
        templates,
    )?;
    files.commit()
}

fn percent(value: Option<f64>) -> String {
    value.map_or("-".into(), |v| format!("{:.1}%", v * 100.0))
}

fn number(value: Option<f64>) -> String {
    value.map_or("-".into(), |v| format!("{v:.1}"))
}

fn money(minor: i64, currency: &str) -> String {
    match Currency::parse(currency) {
        Ok(c) => format!("{} {currency}", c.format_major(minor)),
        Err(_) => format!("{minor} (minor units) {currency}"),
    }
}

fn print_pipeline(report: &PipelineReport) -> anyhow::Result<()> {
    let bottleneck = report.bottleneck.as_ref().map_or("none".into(), |b| {
        format!("{} ({} of deals)", b.stage, percent(Some(b.blocked_share)))
    });
    print_line(format!(
        "{} deals · win rate {} · cycle to signed: median {} h, P90 {} h · bottleneck: {bottleneck}",
        report.deals,
        percent(report.win_rate),
        number(report.cycle_hours.median),
        number(report.cycle_hours.p90),
    ))?;
    print_line("")?;
    let stats = |s: &DurationStats| {
        [
            number(s.mean),
            number(s.median),
            number(s.std),
            number(s.p90),
        ]
    };
    print_table(
        &[
            "stage",
            "reached",
            "conv.",
            "n",
            "mean h",
            "median h",
            "std h",
            "P90 h",
            "median bd",
            "P90 bd",
        ],
        report.stages.iter().map(|s| {
            let mut row = vec![
                s.stage.clone(),
                s.reached.to_string(),
                percent(s.conversion),
                s.hours.n.to_string(),
            ];
            row.extend(stats(&s.hours));
            row.push(number(s.business_days.median));
            row.push(number(s.business_days.p90));
            row
        }),
    )?;
    print_line("")?;
    print_table(
        &["platform", "deals", "won", "lost", "win rate"],
        report.platforms.iter().map(|p| {
            vec![
                p.platform.clone(),
                p.deals.to_string(),
                p.won.to_string(),
                p.lost.to_string(),
                percent(p.win_rate),
            ]
        }),
    )?;
    for (title, reasons) in [
        ("lost reason", &report.lost_reasons),
        ("churn reason", &report.churn_reasons),
    ] {
        if !reasons.is_empty() {
            print_line("")?;
            print_table(
                &[title, "count"],
                reasons
                    .iter()
                    .map(|r| vec![r.reason.clone(), r.count.to_string()]),
            )?;
        }
    }
    print_line("")?;
    print_table(
        &["platform", "kind", "n", "P25", "median", "P75"],
        report.value_bands.iter().map(|b| {
            vec![
                b.platform.clone(),
                b.kind.clone(),
                b.n.to_string(),
                money(b.p25_minor, &b.currency),
                money(b.p50_minor, &b.currency),
                money(b.p75_minor, &b.currency),
            ]
        }),
    )?;
    print_line("")?;
    print_table(
        &["time category", "hours", "share"],
        report.time.by_category.iter().map(|c| {
            vec![
                c.category.clone(),
                format!("{:.1}", c.hours),
                percent(Some(c.share)),
            ]
        }),
    )?;
    print_line(format!(
        "{:.1} h logged on {} days: {} h per day",
        report.time.total_hours,
        report.time.days_with_entries,
        number(report.time.hours_per_day)
    ))?;
    print_line("")?;
    match &report.drivers {
        gigops_pipeline::report::Drivers::Fitted {
            n,
            coefficients,
            weights,
            auc,
        } => print_line(format!(
            "conversion drivers (logistic regression on {n} closed deals, AUC {auc:.2}): \
             tech_doc {:+.2} (weight {:.0}%), github {:+.2} ({:.0}%), demo {:+.2} ({:.0}%)",
            coefficients.tech_doc,
            weights.tech_doc * 100.0,
            coefficients.github,
            weights.github * 100.0,
            coefficients.demo,
            weights.demo * 100.0,
        )),
        gigops_pipeline::report::Drivers::Insufficient { n, required, .. } => print_line(format!(
            "conversion drivers: not enough data ({n} closed deals with scores; {required} needed)"
        )),
    }
}
