//! The market report: a freelancer's sales pipeline (funnel, time in stage, bottlenecks, win
//! rates, deal values, time spent, conversion drivers) as a client-grade document.
//!
//! The report is turned once into a [`MarketView`] — every number formatted, every label
//! translated, every chart drawn — and that one view is laid out twice: by a minijinja
//! template as HTML and by a typst source as PDF. That is how both renderings show the same
//! text, and why neither template computes anything.

use gigops_pipeline::PipelineReport;
use gigops_pipeline::report::{Drivers, DurationStats, ReasonCount};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;
use std::collections::BTreeMap;

use crate::RenderError;
use crate::document::{Document, Format, Layouts, View};
use crate::engine::charts::{
    self, BandRow, BarRow, BarScale, BoxRow, ChartStyle, FiveNumbers, FunnelStep,
};
use crate::engine::format::{self, MISSING};
use crate::engine::i18n::Catalog;
use crate::engine::parts::{Field, Kpi};

/// Rows of the effective-rate table per currency: the best-paid deals, not all of them.
const TOP_RATES: usize = 5;

/// The market report of a pipeline report, dated `generated` (today in the report's time zone
/// unless given, for reproducible output).
#[derive(Debug, Clone, Copy)]
pub struct MarketReport<'a> {
    pub report: &'a PipelineReport,
    pub generated: Option<Date>,
}

impl<'a> MarketReport<'a> {
    /// The report dated today in its time zone.
    pub fn new(report: &'a PipelineReport) -> Self {
        MarketReport {
            report,
            generated: None,
        }
    }

    /// The report dated `generated`.
    pub fn on(report: &'a PipelineReport, generated: Date) -> Self {
        MarketReport {
            report,
            generated: Some(generated),
        }
    }
}

impl Document for MarketReport<'_> {
    fn name(&self) -> &'static str {
        "the market report"
    }

    fn catalog(&self) -> &'static [&'static str] {
        &["market"]
    }

    fn layouts(&self) -> Layouts {
        Layouts {
            html: Some("market_report.html"),
            typst: Some(include_str!("../../templates/market_report.typ")),
            ..Layouts::default()
        }
    }

    fn view(&self, _: Format, catalog: &Catalog, chart_fonts: &str) -> Result<View, RenderError> {
        let generated = self
            .generated
            .unwrap_or_else(|| today(&self.report.time_zone));
        let view = MarketView::build(self.report, catalog, generated, chart_fonts)?;
        let charts = view.charts.clone();
        Ok(View::new(&view).with_charts(charts))
    }
}

fn today(time_zone: &str) -> Date {
    let tz = TimeZone::get(time_zone).unwrap_or(TimeZone::UTC);
    Timestamp::now().to_zoned(tz).date()
}

#[derive(Debug, Clone, Serialize)]
pub struct StageView {
    pub stage: String,
    pub reached: String,
    pub conversion: String,
    pub n: String,
    pub hours: StatsView,
    pub business_days: StatsView,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatsView {
    pub mean: String,
    pub median: String,
    pub std: String,
    pub p90: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CycleView {
    /// No signed deal: the section shows its empty-state message.
    pub empty: bool,
    pub n: String,
    pub median_hours: String,
    pub p90_hours: String,
    pub median_days: String,
    pub p90_days: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BottleneckView {
    pub stage: String,
    pub deals: String,
    pub share: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlatformView {
    pub platform: String,
    pub deals: String,
    pub won: String,
    pub lost: String,
    pub win_rate: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ValueBandView {
    pub platform: String,
    pub kind: String,
    pub currency: String,
    pub n: String,
    pub p25: String,
    pub median: String,
    pub p75: String,
}

/// The value-band chart of one currency.
#[derive(Debug, Clone, Serialize)]
pub struct ValueChart {
    pub currency: String,
    /// Key of the chart in [`MarketView::charts`].
    pub chart: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryView {
    pub category: String,
    pub hours: String,
    pub share: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimeView {
    /// With its unit, e.g. "1,234.5 h".
    pub total_hours: String,
    /// With its unit.
    pub hours_per_day: String,
    pub days_with_entries: String,
    pub categories: Vec<CategoryView>,
}

/// Effective hourly rates of one currency: never compared across currencies.
#[derive(Debug, Clone, Serialize)]
pub struct RateGroupView {
    pub currency: String,
    pub median: String,
    pub n: String,
    pub top: Vec<RateView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RateView {
    pub deal: String,
    pub platform: String,
    pub value: String,
    pub hours: String,
    pub rate: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RatesView {
    pub groups: Vec<RateGroupView>,
    /// Says how many rows are shown and how many won deals have no logged time.
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReasonView {
    pub reason: String,
    pub count: String,
    pub share: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DriverView {
    pub asset: String,
    pub coefficient: String,
    pub weight: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DriversView {
    pub fitted: bool,
    /// The "insufficient data" message when the model was not fitted.
    pub message: String,
    pub rows: Vec<DriverView>,
    pub intercept: String,
    pub auc: String,
    pub note: String,
}

/// Everything the templates show, formatted and translated.
#[derive(Debug, Clone, Serialize)]
pub struct MarketView {
    pub lang: &'static str,
    pub title: String,
    pub generated: String,
    pub scope: Vec<Field>,
    pub kpis: Vec<Kpi>,
    pub stages: Vec<StageView>,
    pub cycle: CycleView,
    pub bottlenecks: Vec<BottleneckView>,
    pub bottleneck_note: String,
    pub platforms: Vec<PlatformView>,
    pub value_bands: Vec<ValueBandView>,
    pub value_charts: Vec<ValueChart>,
    pub time: TimeView,
    pub rates: RatesView,
    pub lost_reasons: Vec<ReasonView>,
    pub churn_reasons: Vec<ReasonView>,
    pub drivers: DriversView,
    /// Chart name → SVG document. A chart with nothing to show is absent, and the templates
    /// show the section's empty-state message instead.
    pub charts: BTreeMap<String, String>,
}

impl MarketView {
    pub fn build(
        report: &PipelineReport,
        t: &Catalog,
        generated: Date,
        font_family: &str,
    ) -> Result<MarketView, RenderError> {
        let style = ChartStyle {
            font_family: font_family.to_string(),
        };
        let mut charts = BTreeMap::new();
        let stage_label = |stage: &str| name(t, "stage", stage);

        let stages: Vec<StageView> = report
            .stages
            .iter()
            .map(|row| StageView {
                stage: stage_label(&row.stage),
                reached: format::count(row.reached),
                conversion: format::percent(row.conversion),
                n: format::count(row.hours.n),
                hours: stats_view(&row.hours),
                business_days: stats_view(&row.business_days),
            })
            .collect();

        let steps: Vec<FunnelStep> = report
            .stages
            .iter()
            .enumerate()
            .map(|(i, row)| FunnelStep {
                label: stage_label(&row.stage),
                reached: row.reached,
                reached_text: format::count(row.reached),
                conversion_text: (i > 0).then(|| format::percent(row.conversion)),
            })
            .collect();
        insert(
            &mut charts,
            "funnel",
            charts::funnel(
                t.text("funnel.chart")?,
                &steps,
                t.text("funnel.conversion")?,
                &style,
            ),
        );

        let boxes = report
            .stages
            .iter()
            .map(|row| {
                Ok(BoxRow {
                    label: stage_label(&row.stage),
                    stats: five_numbers(&row.hours),
                    text: t.fill("chart.n", &[("n", &format::count(row.hours.n))])?,
                })
            })
            .collect::<Result<Vec<_>, RenderError>>()?;
        insert(
            &mut charts,
            "stage_time",
            charts::box_plot(
                t.text("stage_time.chart")?,
                &boxes,
                t.text("stage_time.axis")?,
                t.text("stage_time.axis_log")?,
                &style,
            ),
        );

        let bottlenecks: Vec<BottleneckView> = report
            .bottleneck_shares
            .iter()
            .map(|b| BottleneckView {
                stage: stage_label(&b.stage),
                deals: format::count(b.deals),
                share: format::percent(Some(b.blocked_share)),
            })
            .collect();
        if report.bottleneck.is_some() {
            let rows = report
                .bottleneck_shares
                .iter()
                .map(|b| {
                    Ok(BarRow {
                        label: stage_label(&b.stage),
                        value: Some(b.blocked_share),
                        text: t.fill(
                            "chart.share_of_deals",
                            &[
                                ("share", &format::percent(Some(b.blocked_share))),
                                ("deals", &format::count(b.deals)),
                            ],
                        )?,
                    })
                })
                .collect::<Result<Vec<_>, RenderError>>()?;
            insert(
                &mut charts,
                "bottlenecks",
                charts::bar_chart(
                    t.text("bottlenecks.chart")?,
                    &rows,
                    BarScale::Share,
                    t.text("bottlenecks.axis")?,
                    &style,
                ),
            );
        }
        let bottleneck_note = t.fill(
            "bottlenecks.note",
            &[("n", &format::count(report.deals_with_durations))],
        )?;

        let platforms: Vec<PlatformView> = report
            .platforms
            .iter()
            .map(|p| PlatformView {
                platform: platform_name(t, &p.platform),
                deals: format::count(p.deals),
                won: format::count(p.won),
                lost: format::count(p.lost),
                win_rate: format::percent(p.win_rate),
            })
            .collect();
        let win_rows = report
            .platforms
            .iter()
            .map(|p| {
                let text = match p.win_rate {
                    Some(rate) => t.fill(
                        "chart.win_rate",
                        &[
                            ("rate", &format::percent(Some(rate))),
                            ("won", &format::count(p.won)),
                            ("closed", &format::count(p.closed)),
                        ],
                    )?,
                    None => t.text("platforms.no_closed")?.to_string(),
                };
                Ok(BarRow {
                    label: platform_name(t, &p.platform),
                    value: p.win_rate,
                    text,
                })
            })
            .collect::<Result<Vec<_>, RenderError>>()?;
        insert(
            &mut charts,
            "win_rate",
            charts::bar_chart(
                t.text("platforms.chart")?,
                &win_rows,
                BarScale::Share,
                t.text("platforms.axis")?,
                &style,
            ),
        );

        let (value_bands, value_charts) = value_bands(report, t, &style, &mut charts)?;
        let time = time_view(report, t, &style, &mut charts)?;
        let rates = rates_view(report, t)?;
        let drivers = drivers_view(&report.drivers, t)?;

        let kpis = kpis(report, t)?;

        Ok(MarketView {
            lang: t.lang().as_str(),
            title: t.text("doc.title")?.into(),
            generated: generated.to_string(),
            scope: scope(report, t)?,
            kpis,
            stages,
            cycle: CycleView {
                empty: report.cycle_hours.n == 0,
                n: format::count(report.cycle_hours.n),
                median_hours: format::decimal(report.cycle_hours.median, 1),
                p90_hours: format::decimal(report.cycle_hours.p90, 1),
                median_days: format::decimal(report.cycle_hours.median_days, 1),
                p90_days: format::decimal(report.cycle_hours.p90_days, 1),
            },
            bottlenecks,
            bottleneck_note,
            platforms,
            value_bands,
            value_charts,
            time,
            rates,
            lost_reasons: reasons(&report.lost_reasons, t),
            churn_reasons: reasons(&report.churn_reasons, t),
            drivers,
            charts,
        })
    }
}

/// The headline figures: deals, win rate, cycle time, the bottleneck and logged hours.
fn kpis(report: &PipelineReport, t: &Catalog) -> Result<Vec<Kpi>, RenderError> {
    let stage_label = |stage: &str| name(t, "stage", stage);
    let hours = |v: Option<f64>| hours_with_unit(t, v);
    Ok(vec![
        Kpi {
            label: t.text("kpi.deals")?.into(),
            value: format::count(report.deals),
            note: t.fill(
                "kpi.deals_note",
                &[("n", &format::count(report.deals_with_durations))],
            )?,
        },
        Kpi {
            label: t.text("kpi.win_rate")?.into(),
            value: format::percent(report.win_rate),
            note: t.fill(
                "kpi.win_rate_note",
                &[
                    ("won", &format::count(report.won)),
                    ("lost", &format::count(report.lost)),
                ],
            )?,
        },
        Kpi {
            label: t.text("kpi.cycle")?.into(),
            value: hours(report.cycle_hours.median)?,
            note: if report.cycle_hours.n == 0 {
                t.text("empty.cycle")?.into()
            } else {
                t.fill(
                    "kpi.cycle_note",
                    &[
                        ("p90", &hours(report.cycle_hours.p90)?),
                        ("n", &format::count(report.cycle_hours.n)),
                    ],
                )?
            },
        },
        match &report.bottleneck {
            Some(b) => Kpi {
                label: t.text("kpi.bottleneck")?.into(),
                value: stage_label(&b.stage),
                note: t.fill(
                    "kpi.bottleneck_note",
                    &[("share", &format::percent(Some(b.blocked_share)))],
                )?,
            },
            None => Kpi {
                label: t.text("kpi.bottleneck")?.into(),
                value: MISSING.into(),
                note: t.text("kpi.bottleneck_none")?.into(),
            },
        },
        Kpi {
            label: t.text("kpi.hours")?.into(),
            value: hours(Some(report.time.total_hours))?,
            note: if report.time.days_with_entries == 0 {
                t.text("empty.time")?.into()
            } else {
                t.fill(
                    "kpi.hours_note",
                    &[
                        ("per_day", &hours(report.time.hours_per_day)?),
                        ("days", &format::count(report.time.days_with_entries)),
                    ],
                )?
            },
        },
    ])
}

fn insert(charts: &mut BTreeMap<String, String>, name: &str, svg: Option<String>) {
    if let Some(svg) = svg {
        charts.insert(name.to_string(), svg);
    }
}

/// The catalog's text for `key` in `section`, if it has one.
fn translated<'t>(t: &'t Catalog, section: &str, key: &str) -> Option<&'t str> {
    t.table()
        .get(section)
        .and_then(|s| s.as_table())
        .and_then(|s| s.get(key))
        .and_then(|v| v.as_str())
}

/// The translated name of a built-in stage, category or deal kind; a name the user configured
/// beyond those is shown as they wrote it.
fn name(t: &Catalog, section: &str, key: &str) -> String {
    translated(t, section, key).unwrap_or(key).to_string()
}

/// A platform's name in the document's language: the catalog's name for a platform it knows,
/// whatever the case of the ASCII letters it was written with (`direct` and `Direct` are
/// 直接客户 in Chinese, `toptal` is Toptal), and any other as the user wrote it.
fn platform_name(t: &Catalog, platform: &str) -> String {
    translated(t, "platform_name", &gigops_core::platform_key(platform))
        .unwrap_or(platform)
        .to_string()
}

/// Hours with the unit of the language ("12.5 h", "12.5 小时"); `—` when undefined.
fn hours_with_unit(t: &Catalog, value: Option<f64>) -> Result<String, RenderError> {
    match value {
        Some(_) => t.fill("unit.hours", &[("value", &format::decimal(value, 1))]),
        None => Ok(MISSING.to_string()),
    }
}

fn stats_view(stats: &DurationStats) -> StatsView {
    StatsView {
        mean: format::decimal(stats.mean, 1),
        median: format::decimal(stats.median, 1),
        std: format::decimal(stats.std, 1),
        p90: format::decimal(stats.p90, 1),
    }
}

fn five_numbers(stats: &DurationStats) -> Option<FiveNumbers> {
    Some(FiveNumbers {
        min: stats.min?,
        p25: stats.p25?,
        median: stats.median?,
        p75: stats.p75?,
        max: stats.max?,
    })
}

fn scope(report: &PipelineReport, t: &Catalog) -> Result<Vec<Field>, RenderError> {
    let tz = TimeZone::get(&report.time_zone).unwrap_or(TimeZone::UTC);
    let from = report
        .scope
        .from
        .map(|ts| ts.to_zoned(tz.clone()).date().to_string());
    // `to` is exclusive: a period ending at midnight reads better as its last day.
    let to = report.scope.to.map(|ts| {
        let zoned = ts.to_zoned(tz.clone());
        let midnight = zoned.time() == jiff::civil::Time::midnight();
        let date = zoned.date();
        match (midnight, date.yesterday()) {
            (true, Ok(last)) => last.to_string(),
            _ => date.to_string(),
        }
    });
    let period = match (&from, &to) {
        (Some(from), Some(to)) => t.fill("doc.period_range", &[("from", from), ("to", to)])?,
        (Some(from), None) => t.fill("doc.period_from", &[("from", from)])?,
        (None, Some(to)) => t.fill("doc.period_until", &[("to", to)])?,
        (None, None) => t.text("doc.period_all")?.to_string(),
    };
    let platform = match &report.scope.platform {
        Some(p) => platform_name(t, p),
        None => t.text("doc.platform_all")?.to_string(),
    };
    Ok(vec![
        Field {
            label: t.text("doc.period")?.into(),
            value: period,
        },
        Field {
            label: t.text("doc.platform")?.into(),
            value: platform,
        },
        Field {
            label: t.text("doc.time_zone")?.into(),
            value: report.time_zone.clone(),
        },
        Field {
            label: t.text("doc.deals")?.into(),
            value: format::count(report.deals),
        },
    ])
}

type ValueSection = (Vec<ValueBandView>, Vec<ValueChart>);

fn value_bands(
    report: &PipelineReport,
    t: &Catalog,
    style: &ChartStyle,
    charts: &mut BTreeMap<String, String>,
) -> Result<ValueSection, RenderError> {
    let mut views = Vec::new();
    let mut by_currency: BTreeMap<&str, Vec<BandRow>> = BTreeMap::new();
    for band in &report.value_bands {
        let platform = platform_name(t, &band.platform);
        let kind = name(t, "kind", &band.kind);
        views.push(ValueBandView {
            platform: platform.clone(),
            kind: kind.clone(),
            currency: band.currency.clone(),
            n: format::count(band.n),
            p25: format::money_amount(band.p25_minor, &band.currency)?,
            median: format::money_amount(band.p50_minor, &band.currency)?,
            p75: format::money_amount(band.p75_minor, &band.currency)?,
        });
        by_currency
            .entry(&band.currency)
            .or_default()
            .push(BandRow {
                label: t.fill("value.row", &[("platform", &platform), ("kind", &kind)])?,
                p25: format::major_units(band.p25_minor, &band.currency)?,
                median: format::major_units(band.p50_minor, &band.currency)?,
                p75: format::major_units(band.p75_minor, &band.currency)?,
                text: t.fill(
                    "chart.median_n",
                    &[
                        (
                            "median",
                            &format::money_amount(band.p50_minor, &band.currency)?,
                        ),
                        ("n", &format::count(band.n)),
                    ],
                )?,
            });
    }
    let mut value_charts = Vec::new();
    for (currency, rows) in by_currency {
        let key = format!("value_{}", currency.to_lowercase());
        let chart = charts::band_chart(
            &t.fill("value.chart", &[("currency", currency)])?,
            &rows,
            &t.fill("value.axis", &[("currency", currency)])?,
            style,
        );
        if chart.is_some() {
            value_charts.push(ValueChart {
                currency: currency.to_string(),
                chart: key.clone(),
            });
        }
        insert(charts, &key, chart);
    }
    Ok((views, value_charts))
}

fn time_view(
    report: &PipelineReport,
    t: &Catalog,
    style: &ChartStyle,
    charts: &mut BTreeMap<String, String>,
) -> Result<TimeView, RenderError> {
    let time = &report.time;
    if time.total_hours > 0.0 {
        let rows = time
            .by_category
            .iter()
            .map(|c| {
                Ok(BarRow {
                    label: name(t, "category", &c.category),
                    value: Some(c.hours),
                    text: t.fill(
                        "chart.hours_share",
                        &[
                            ("hours", &format::decimal(Some(c.hours), 1)),
                            ("share", &format::percent(Some(c.share))),
                        ],
                    )?,
                })
            })
            .collect::<Result<Vec<_>, RenderError>>()?;
        insert(
            charts,
            "time_by_category",
            charts::bar_chart(
                t.text("time.chart")?,
                &rows,
                BarScale::Linear,
                t.text("time.axis")?,
                style,
            ),
        );
    }
    Ok(TimeView {
        total_hours: hours_with_unit(t, Some(time.total_hours))?,
        hours_per_day: hours_with_unit(t, time.hours_per_day)?,
        days_with_entries: format::count(time.days_with_entries),
        categories: time
            .by_category
            .iter()
            .map(|c| CategoryView {
                category: name(t, "category", &c.category),
                hours: format::decimal(Some(c.hours), 1),
                share: format::percent(Some(c.share)),
            })
            .collect(),
    })
}

/// Median effective rate and the best-paid deals, per currency (rates in different currencies
/// are never ranked together: there is no implicit conversion).
fn rates_view(report: &PipelineReport, t: &Catalog) -> Result<RatesView, RenderError> {
    let rates = &report.time.effective_rates;
    let mut by_currency: BTreeMap<&str, Vec<(&gigops_pipeline::report::EffectiveRate, i64)>> =
        BTreeMap::new();
    for rate in rates {
        if let Some(per_hour) = rate.rate_minor_per_hour {
            by_currency
                .entry(&rate.currency)
                .or_default()
                .push((rate, per_hour));
        }
    }
    let mut groups = Vec::new();
    for (currency, mut rows) in by_currency {
        rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.deal_id.cmp(&b.0.deal_id)));
        let top = rows
            .iter()
            .take(TOP_RATES)
            .map(|(rate, per_hour)| {
                Ok(RateView {
                    deal: rate.deal_id.clone(),
                    platform: platform_name(t, &rate.platform),
                    value: format::money(rate.value_minor, currency)?,
                    hours: format::decimal(Some(rate.hours), 1),
                    rate: format::money(*per_hour, currency)?,
                })
            })
            .collect::<Result<Vec<_>, RenderError>>()?;
        groups.push(RateGroupView {
            currency: currency.to_string(),
            median: report
                .time
                .rates_by_currency
                .iter()
                .find(|band| band.currency == currency)
                .map(|band| format::money(band.median_minor_per_hour, currency))
                .transpose()?
                .unwrap_or_default(),
            n: format::count(rows.len()),
            top,
        });
    }
    let note = t.fill(
        "rates.note",
        &[
            ("top", &format::count(TOP_RATES)),
            ("rated", &format::count(report.time.won_deals_with_time)),
            (
                "unrated",
                &format::count(report.time.won_deals_without_time),
            ),
        ],
    )?;
    Ok(RatesView { groups, note })
}

fn reasons(counts: &[ReasonCount], t: &Catalog) -> Vec<ReasonView> {
    counts
        .iter()
        .map(|r| ReasonView {
            // The user's words as written; gigops's own `unspecified` in the document's language.
            reason: name(t, "reason", &r.reason),
            count: format::count(r.count),
            share: format::percent(Some(r.share)),
        })
        .collect()
}

fn drivers_view(drivers: &Drivers, t: &Catalog) -> Result<DriversView, RenderError> {
    Ok(match drivers {
        Drivers::Fitted {
            n,
            coefficients,
            weights,
            auc,
        } => {
            let row =
                |key: &str, coefficient: f64, weight: f64| -> Result<DriverView, RenderError> {
                    Ok(DriverView {
                        asset: t.text(&format!("asset.{key}"))?.into(),
                        coefficient: signed(coefficient),
                        weight: format::percent(Some(weight)),
                    })
                };
            DriversView {
                fitted: true,
                message: String::new(),
                rows: vec![
                    row("tech_doc", coefficients.tech_doc, weights.tech_doc)?,
                    row("github", coefficients.github, weights.github)?,
                    row("demo", coefficients.demo, weights.demo)?,
                ],
                intercept: signed(coefficients.intercept),
                auc: format::decimal(Some(*auc), 3),
                note: t.fill("drivers.fitted_note", &[("n", &format::count(*n))])?,
            }
        }
        Drivers::Insufficient { n, required, .. } => DriversView {
            fitted: false,
            message: t.fill(
                "drivers.insufficient",
                &[
                    ("n", &format::count(*n)),
                    ("required", &format::count(*required)),
                ],
            )?,
            rows: Vec::new(),
            intercept: MISSING.into(),
            auc: MISSING.into(),
            note: String::new(),
        },
    })
}

/// A coefficient with its sign always shown: the sign is what a reader looks for.
fn signed(value: f64) -> String {
    let text = format::decimal(Some(value), 3);
    match text.strip_prefix('-') {
        // Typographic minus reads better than a hyphen in a column of numbers.
        Some(magnitude) => format!("−{magnitude}"),
        None => format!("+{text}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coefficients_show_their_sign() {
        assert_eq!(signed(0.5), "+0.500");
        assert_eq!(signed(-1.25), "−1.250");
        assert_eq!(signed(-0.0001), "+0.000");
    }
}
