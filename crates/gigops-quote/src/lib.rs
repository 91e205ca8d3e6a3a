//! Quotes: size, estimate and price a piece of work with a model the client can audit.
//!
//! - [`size`] counts a repository (or the paths in scope) with tokei and backfires between lines
//!   and function points;
//! - [`spec`] reads the requirements spec, [`openapi`] counts an OpenAPI document, [`fp`] turns
//!   both into IFPUG function points;
//! - [`cocomo`] estimates effort with COCOMO II.2000 and basic COCOMO 81;
//! - [`estimate`] blends the size- and scope-based estimates of the build, adds the service
//!   tier's operational work and the risks, runs the Monte Carlo for P10/P50/P90 and prices
//!   them ([`price`]) into one [`Quote`];
//! - [`exchange`] converts a quote's rates into a deal's currency at a rate the user gives;
//! - [`history`] compares a quote with the user's delivered work;
//! - [`calibrate`] fits hours per FP and a COCOMO multiplier to delivered work.
//!
//! Every number, table and default is in docs/quote.md.

use serde::Serialize;

pub mod calibrate;
pub mod cocomo;
pub mod config;
pub mod exchange;
pub mod fp;
pub mod history;
pub mod montecarlo;
pub mod openapi;
pub mod price;
pub mod proposal;
pub mod size;
pub mod spec;

pub use calibrate::{Fit, Sample, calibrate};
pub use config::QuoteConfig;

use cocomo::{Cocomo2, Cocomo81, Ratings};
use fp::{FunctionPoints, Gsc};
use gigops_core::{Currency, Money};
use gigops_core::{Problem, Problems};
use montecarlo::{Triangular, draw, generator, percentile};
use price::{Line, PriceParts, Terms};
use size::Size;
use spec::Risk;

/// The schema name of the [`Quote`] JSON.
pub const SCHEMA: &str = "gigops.quote/1";

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QuoteError {
    #[error("invalid [quote] settings:\n  {}", .0.join("\n  "))]
    Config(Vec<String>),
    #[error("{0}")]
    Unknown(String),
    #[error(
        "nothing to estimate: give a repository with source code, a spec with functions, or an OpenAPI document with operations"
    )]
    NothingToEstimate,
}

/// What a quote is made from, read and checked by the caller.
#[derive(Debug, Clone, Default)]
pub struct QuoteInput {
    pub size: Option<Size>,
    pub functions: Vec<fp::Function>,
    pub api: Vec<openapi::Operation>,
    pub gsc: Gsc,
    pub ratings: Ratings,
    /// The language to backfire to; `quote.language` when `None`.
    pub language: Option<String>,
    pub sla_tier: Option<String>,
    pub debt: Option<DebtInput>,
    pub risks: Vec<Risk>,
    pub platform: Option<String>,
    pub seed: u64,
    /// Where the inputs came from, echoed in the quote.
    pub sources: Sources,
    /// The rate to convert `quote.currency`'s rates into another currency at; `None` prices in
    /// `quote.currency`.
    pub exchange: Option<exchange::ExchangeRate>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Sources {
    pub repo: Option<String>,
    pub scope: Vec<String>,
    pub spec: Option<String>,
    pub openapi: Option<String>,
    pub risks: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DebtInput {
    /// Remediation over development cost; infinite when there is debt but no code.
    pub ratio: f64,
    pub source: String,
}

/// A quote: the working and the price range. Schema `gigops.quote/1` (docs/quote.md): keys are
/// added, never renamed or removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quote {
    pub schema: &'static str,
    pub inputs: Sources,
    pub currency: Currency,
    pub seed: u64,
    pub iterations: u32,
    /// `null` without a repository.
    pub size: Option<Size>,
    /// `null` with neither functions counted nor source lines to backfire.
    pub function_points: Option<FunctionPoints>,
    /// The OpenAPI contract table; empty without a document.
    pub api: Vec<openapi::Operation>,
    pub effort: Effort,
    pub sla: Option<SlaSummary>,
    pub debt: Option<DebtSummary>,
    pub risks: Vec<RiskExposure>,
    pub price: PriceRange,
    pub assumptions: Vec<String>,
    pub valid_for_days: u32,
    /// How the quote compares with the user's delivered work, when it lies far outside it
    /// ([`history::warnings`]); empty without a ledger or when it is within.
    pub warnings: Vec<history::Warning>,
    /// The conversion the rates went through, when the quote is in another currency than
    /// `quote.currency`'s rate card; `null` otherwise.
    pub exchange: Option<exchange::Conversion>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Effort {
    pub ksloc: f64,
    /// `repository` (the source lines in scope) or `backfired` (from the function points).
    pub ksloc_source: &'static str,
    /// The language backfired to or from.
    pub language: String,
    pub cocomo2: Cocomo2,
    pub cocomo81: Cocomo81,
    /// AFP × hours per FP; `null` without function points.
    pub fp_hours: Option<f64>,
    pub hours_per_fp: f64,
    /// Hours in a person-month (`quote.hours_per_person_month`).
    pub hours_per_person_month: f64,
    /// Lines per function point of `language`, used to backfire.
    pub loc_per_fp: f64,
    /// The estimates of the build at their most likely inputs, with their normalised weights.
    pub estimates: Vec<Estimate>,
    /// The weighted blend of `estimates`: the build's most likely hours.
    pub build_hours: f64,
    /// The service tier's operational work (`sla.hours`); 0 without a tier.
    pub operations_hours: f64,
    /// Σ probability × most likely impact.
    pub risk_hours: f64,
    /// The build + operations + risks, at the most likely inputs.
    pub most_likely_hours: f64,
    /// P50 − most likely: what the Monte Carlo's spread adds at the median.
    pub uncertainty_hours: f64,
    pub p10_hours: f64,
    pub p50_hours: f64,
    pub p90_hours: f64,
    /// The hours in calendar weeks, at `quote.hours_per_week`.
    pub calendar: Calendar,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    /// `size` or `scope`.
    pub method: &'static str,
    pub hours: f64,
    pub weight: f64,
    /// hours × weight: what it adds to the build.
    pub weighted_hours: f64,
}

/// How long the work takes on the calendar: hours ÷ the hours the team puts in a week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calendar {
    pub hours_per_week: f64,
    pub p10_weeks: f64,
    pub p50_weeks: f64,
    pub p90_weeks: f64,
}

/// The service tier asked for and the operational work that meets it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlaSummary {
    pub tier: String,
    pub availability_percent: f64,
    pub p95_latency_ms: u32,
    /// Always 1: kept for readers of `gigops.quote/1`; the service level is no longer a
    /// rescaled function-point estimate.
    pub productivity_factor: f64,
    /// Each task's hours, then `on_call` (its hours over the support period).
    pub operations: Vec<(String, f64)>,
    pub risk_premium: f64,
    /// The one-off tasks: monitoring and alerting set-up, redundancy, load and failover tests,
    /// runbooks.
    pub tasks: Vec<Task>,
    pub on_call_hours_per_month: f64,
    pub support_months: f64,
    /// on_call_hours_per_month × support_months.
    pub on_call_hours: f64,
    /// The tasks and the on-call: the service-level estimate.
    pub hours: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Task {
    pub task: String,
    pub hours: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DebtSummary {
    /// `null` when infinite (debt and no code).
    #[serde(with = "gigops_core::json::infinite_as_null")]
    pub ratio: f64,
    pub rating: String,
    pub premium: f64,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskExposure {
    pub name: String,
    pub probability: f64,
    pub impact_hours: Triangular,
    /// probability × most likely impact.
    pub exposure_hours: f64,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriceRange {
    pub currency: Currency,
    pub p10_minor: i64,
    pub p50_minor: i64,
    pub p90_minor: i64,
    /// How the P50 price is made, line by line; the amounts add up to `total`.
    pub breakdown: Vec<Line>,
    /// How the P50 price is made, part by part: labour by role, premiums, subtotal, fee, gross,
    /// tax and total, each a field (what documents show).
    pub parts: PriceParts,
    /// The terms the price was made with, for documents that state them in another language.
    pub rate_card: Vec<config::Rate>,
    /// The platform whose fee is grossed up; `null` without one.
    pub platform: Option<PlatformFee>,
    pub tax: config::Tax,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlatformFee {
    pub name: String,
    /// The share the platform keeps, 0.10 = 10 %.
    pub fee: f64,
}

/// The SQALE rating band of a debt ratio, as the gate rates it (docs/gate.md).
pub fn debt_rating(ratio: f64) -> &'static str {
    if ratio <= 0.05 {
        "A"
    } else if ratio < 0.10 {
        "B"
    } else if ratio < 0.20 {
        "C"
    } else if ratio < 0.50 {
        "D"
    } else {
        "E"
    }
}

/// The debt ratio of a `gigops gate` summary (`gigops.gate.summary/1`, key `debt.ratio`).
pub fn debt_from_gate_summary(file: &str, text: &str) -> Result<DebtInput, Problems> {
    let problem = |line: u64, column: String, reason: String| {
        Problems(vec![Problem {
            file: file.to_string(),
            line,
            column,
            reason,
        }])
    };
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        problem(
            e.line() as u64,
            format!("column {}", e.column()),
            format!(
                "not JSON: {}",
                e.to_string().split(" at line ").next().unwrap_or_default()
            ),
        )
    })?;
    let schema = value
        .get("schema")
        .and_then(|s| s.as_str())
        .unwrap_or_default();
    if schema != gigops_core::gate_output::SUMMARY_SCHEMA {
        return Err(problem(
            0,
            "schema".into(),
            format!(
                "{schema:?}: expected a gate summary, schema {:?}",
                gigops_core::gate_output::SUMMARY_SCHEMA
            ),
        ));
    }
    match value.get("debt") {
        Some(serde_json::Value::Object(debt)) => match debt.get("ratio") {
            Some(serde_json::Value::Null) => Ok(DebtInput {
                ratio: f64::INFINITY,
                source: file.to_string(),
            }),
            Some(r) if r.as_f64().is_some_and(|r| r >= 0.0) => Ok(DebtInput {
                ratio: r.as_f64().unwrap_or_default(),
                source: file.to_string(),
            }),
            _ => Err(problem(
                0,
                "debt.ratio".into(),
                "expected a number ≥ 0 or null".into(),
            )),
        },
        _ => {
            // The gate says why it did not measure debt (docs/gate.md, `debt_not_measured`).
            let why = match value.get("debt_not_measured").and_then(|v| v.as_str()) {
                Some("no_findings") => "no lint findings were given",
                Some("no_root") => "no project root was found",
                Some("no_code") => "no code under the project root",
                Some("skipped") | None => "the gate ran with --no-debt",
                Some(other) => other,
            };
            Err(problem(
                0,
                "debt".into(),
                format!("the summary has no debt ({why}): expected `debt.ratio`"),
            ))
        }
    }
}

/// The two estimates of the build, as functions of what the Monte Carlo draws.
struct Build<'a> {
    cocomo2: &'a Cocomo2,
    ksloc: f64,
    afp: f64,
    hours_per_person_month: f64,
    hours_per_fp: f64,
    /// The methods present with their normalised weights.
    weights: Vec<(&'static str, f64)>,
}

impl Build<'_> {
    /// One method's hours for sizes scaled by `size` (KSLOC) and `scope` (AFP), at a
    /// productivity factor.
    fn hours(&self, method: &str, size: f64, scope: f64, productivity: f64) -> f64 {
        match method {
            "size" => {
                self.cocomo2.person_months_at(self.ksloc * size)
                    * self.hours_per_person_month
                    * productivity
            }
            _ => self.afp * scope * self.hours_per_fp * productivity,
        }
    }

    /// The weighted blend: each method's hours never fall as a size or a factor rises, so
    /// neither does the blend.
    fn blend(&self, size: f64, scope: f64, size_productivity: f64, fp_productivity: f64) -> f64 {
        self.weights
            .iter()
            .map(|(method, weight)| {
                let productivity = if *method == "size" {
                    size_productivity
                } else {
                    fp_productivity
                };
                weight * self.hours(method, size, scope, productivity)
            })
            .sum()
    }
}

/// Estimates and prices the work:
///
/// ```text
/// build       = w_size × COCOMO II hours + w_scope × AFP × hours per FP   (weights normalised)
/// operations  = the tier's tasks + on-call hours a month × support months  (0 without a tier)
/// risks       = Σ probability × impact
/// hours       = build + operations + risks        (P10/P50/P90 by Monte Carlo)
/// price       = labour (rate card) + tier and debt premiums, grossed up by the platform's fee,
///               plus tax
/// ```
///
/// Every part rises with its input, and the Monte Carlo draws the same numbers in the same
/// order for a seed whatever the inputs, so that a larger scope, more code or a stricter tier
/// never gives a lower hour count or price at any percentile (tests/it/properties.rs).
pub fn estimate(input: &QuoteInput, config: &QuoteConfig) -> Result<Quote, QuoteError> {
    let problems = config.problems();
    if !problems.is_empty() {
        return Err(QuoteError::Config(problems));
    }
    let table = size::loc_per_fp_table(&config.loc_per_fp).map_err(QuoteError::Unknown)?;
    let wanted = input.language.as_deref().unwrap_or(&config.language);
    let (language, backfire) = size::lookup(&table, wanted).map_err(QuoteError::Unknown)?;
    let loc_per_fp = backfire.loc_per_fp;

    let tier = match &input.sla_tier {
        None => None,
        Some(name) => Some((
            name.as_str(),
            config.tiers.get(name).ok_or_else(|| {
                QuoteError::Unknown(format!(
                    "{name:?} is not a service tier: expected one of {}",
                    config.tiers.keys().cloned().collect::<Vec<_>>().join(", ")
                ))
            })?,
        )),
    };
    let platform = match &input.platform {
        None => None,
        Some(name) => Some((
            name.as_str(),
            // A platform is named as the user spells it ("Upwork"); settings key it in any case.
            config
                .platforms
                .iter()
                .find(|(key, _)| gigops_core::platform_key(key) == gigops_core::platform_key(name))
                .map(|(_, platform)| platform)
                .ok_or_else(|| {
                QuoteError::Unknown(format!(
                    "{name:?} is not a platform: expected one of {} (or add it under [quote.platforms])",
                    config.platforms.keys().cloned().collect::<Vec<_>>().join(", ")
                ))
            })?,
        )),
    };
    // The rates in the currency the quote is made in.
    let (currency, rate_card, annual_wage, conversion) = match &input.exchange {
        None => (
            config.currency,
            config.rate_card.clone(),
            config.cocomo81.annual_wage_minor,
            None,
        ),
        Some(rate) => {
            let (conversion, rate_card, wage) =
                rate.convert_rates(config).map_err(QuoteError::Unknown)?;
            (rate.to, rate_card, wage, Some(conversion))
        }
    };

    let source_lines = input.size.as_ref().map_or(0, |s| s.source_lines);
    let function_points = if !input.functions.is_empty() {
        Some(fp::count(input.functions.clone(), &input.gsc))
    } else if let Some(size) = input.size.as_ref().filter(|_| source_lines > 0) {
        let afp = size.backfired_fp();
        let vaf = input.gsc.vaf();
        Some(FunctionPoints {
            ufp: afp / vaf,
            vaf,
            afp,
            source: "backfired".into(),
            by_kind: Vec::new(),
            gsc: fp::gsc_ratings(&input.gsc),
            functions: Vec::new(),
        })
    } else {
        None
    };
    let afp = function_points.as_ref().map(|f| f.afp).filter(|a| *a > 0.0);
    let afp_backfired = function_points
        .as_ref()
        .is_some_and(|f| f.source == "backfired");
    let (ksloc, ksloc_source) = match (source_lines, afp) {
        (lines, _) if lines > 0 => (lines as f64 / 1000.0, "repository"),
        (_, Some(afp)) => (afp * loc_per_fp / 1000.0, "backfired"),
        _ => return Err(QuoteError::NothingToEstimate),
    };

    // The configured ratings of the team, under the spec's and the flags'.
    let mut ratings = Ratings::default();
    for (driver, level) in &config.ratings.0 {
        // Checked by `config.problems()`.
        let _ = ratings.set(driver, level.name());
    }
    ratings.0.extend(input.ratings.0.clone());
    let cocomo2 = Cocomo2::estimate(ksloc, &ratings, config.cocomo_calibration);
    let cocomo81 = Cocomo81::estimate(
        (ksloc * 1000.0).round() as u64,
        config.cocomo81.mode,
        config.cocomo81.eaf,
        Money::new(annual_wage, currency),
        config.cocomo81.overhead,
    );
    let hpm = config.hours_per_person_month;
    let hpfp = config.hours_per_fp;
    let fp_hours = afp.map(|a| a * hpfp);

    // The estimates of the build present, with their weights normalised to add up to 1.
    let mut methods: Vec<(&'static str, f64)> = vec![("size", config.weights.size)];
    if afp.is_some() {
        methods.push(("scope", config.weights.scope));
    }
    let weight_sum: f64 = methods.iter().map(|(_, w)| w).sum();
    let weights: Vec<(&'static str, f64)> = if weight_sum > 0.0 {
        methods.iter().map(|(m, w)| (*m, w / weight_sum)).collect()
    } else {
        methods
            .iter()
            .map(|(m, _)| (*m, 1.0 / methods.len() as f64))
            .collect()
    };
    let build = Build {
        cocomo2: &cocomo2,
        ksloc,
        afp: afp.unwrap_or(0.0),
        hours_per_person_month: hpm,
        hours_per_fp: hpfp,
        weights,
    };
    let estimates: Vec<Estimate> = build
        .weights
        .iter()
        .map(|(method, weight)| {
            let hours = build.hours(method, 1.0, 1.0, 1.0);
            Estimate {
                method,
                hours,
                weight: *weight,
                weighted_hours: hours * weight,
            }
        })
        .collect();
    let build_hours = build.blend(1.0, 1.0, 1.0, 1.0);

    // The service level: the tier's own operational work, never a rescaled build estimate.
    let sla = tier.map(|(name, t)| {
        let tasks: Vec<Task> = t
            .operations
            .iter()
            .map(|(task, hours)| Task {
                task: task.clone(),
                hours: *hours,
            })
            .collect();
        let on_call_hours = t.on_call_hours();
        let mut operations: Vec<(String, f64)> =
            tasks.iter().map(|x| (x.task.clone(), x.hours)).collect();
        operations.push(("on_call".into(), on_call_hours));
        SlaSummary {
            tier: name.to_string(),
            availability_percent: t.availability_percent,
            p95_latency_ms: t.p95_latency_ms,
            productivity_factor: 1.0,
            operations,
            risk_premium: t.risk_premium,
            tasks,
            on_call_hours_per_month: t.on_call_hours_per_month,
            support_months: t.support_months,
            on_call_hours,
            hours: t.hours(),
        }
    });
    let operations_hours = sla.as_ref().map_or(0.0, |s| s.hours);
    let risks: Vec<RiskExposure> = input
        .risks
        .iter()
        .map(|r| RiskExposure {
            name: r.name.clone(),
            probability: r.probability,
            impact_hours: r.impact_hours,
            exposure_hours: r.probability * r.impact_hours.mode,
            source: r.source.clone(),
        })
        .collect();
    // fold from +0.0: an empty f64 sum is -0.0.
    let risk_hours: f64 = risks.iter().fold(0.0, |sum, r| sum + r.exposure_hours);
    let most_likely_hours = build_hours + operations_hours + risk_hours;

    // Monte Carlo: the same draws in the same order for a seed, whatever the tier and sizes,
    // so that a quote with more of anything is more in every run.
    let u = config.uncertainty;
    let mut rng = generator(input.seed);
    let mut totals: Vec<f64> = (0..u.iterations)
        .map(|_| {
            let mut s = draw(&mut rng, &u.size);
            let mut f = draw(&mut rng, &u.function_points);
            let size_productivity = draw(&mut rng, &u.productivity);
            let fp_productivity = draw(&mut rng, &u.productivity);
            let operations = draw(&mut rng, &u.service_level);
            // A size derived from the other carries the other's uncertainty.
            if ksloc_source == "backfired" {
                s = f;
            } else if afp_backfired {
                f = s;
            }
            let risk: f64 = input
                .risks
                .iter()
                .map(|r| r.probability * draw(&mut rng, &r.impact_hours))
                .sum();
            build.blend(s, f, size_productivity, fp_productivity)
                + operations_hours * operations
                + risk
        })
        .collect();
    totals.sort_by(f64::total_cmp);
    let (p10, p50, p90) = (
        percentile(&totals, 10.0),
        percentile(&totals, 50.0),
        percentile(&totals, 90.0),
    );

    let debt = input.debt.as_ref().map(|d| {
        let rating = debt_rating(d.ratio);
        let p = config.debt_premium;
        let premium = match rating {
            "A" => p.a,
            "B" => p.b,
            "C" => p.c,
            "D" => p.d,
            _ => p.e,
        };
        DebtSummary {
            ratio: d.ratio,
            rating: rating.to_string(),
            premium,
            source: d.source.clone(),
        }
    });
    let terms = Terms {
        rate_card: &rate_card,
        sla: tier.map(|(name, t)| (name, t.risk_premium)),
        debt: debt.as_ref().map(|d| (d.rating.clone(), d.premium)),
        platform: platform.map(|(name, p)| (name, p.fee)),
        tax: (&config.tax.name, config.tax.rate),
    };
    let parts = price::price_parts(p50, &terms);

    let mut breakdown = Vec::new();
    for e in &estimates {
        let working = match e.method {
            "size" => format!(
                "COCOMO II: {:.2} KSLOC ({ksloc_source}) → {:.2} PM × {hpm} h",
                ksloc, cocomo2.person_months
            ),
            _ => format!("{:.1} AFP × {hpfp} h/FP", build.afp),
        };
        breakdown.push(Line::hours(
            format!("estimate.{}", e.method),
            format!(
                "{working} = {:.1} h, weight {:.1} %",
                e.hours,
                e.weight * 100.0
            ),
            e.weighted_hours,
        ));
    }
    if let Some(sla) = &sla {
        for task in &sla.tasks {
            breakdown.push(Line::hours(
                format!("operations.{}", task.task),
                format!("{} tier: {}", sla.tier, task.task),
                task.hours,
            ));
        }
        breakdown.push(Line::hours(
            "operations.on_call",
            format!(
                "{} tier: on-call {} h a month × {} months",
                sla.tier, sla.on_call_hours_per_month, sla.support_months
            ),
            sla.on_call_hours,
        ));
    }
    for r in &risks {
        breakdown.push(Line::hours(
            format!("risk.{}", r.name),
            format!("{:.0} % × {} h", r.probability * 100.0, r.impact_hours.mode),
            r.exposure_hours,
        ));
    }
    breakdown.push(Line::hours(
        "uncertainty.p50",
        format!(
            "Monte Carlo median ({} runs, seed {}) less the most likely {:.1} h",
            u.iterations, input.seed, most_likely_hours
        ),
        p50 - most_likely_hours,
    ));
    breakdown.push(Line::hours("hours", "P50 hours priced", p50));
    breakdown.extend(parts.lines(currency));

    let mut assumptions = vec![
        format!("{} h per person-month; {hpfp} h per function point", hpm),
        format!(
            "lines per function point for {language}: {loc_per_fp} ({})",
            backfire.source
        ),
        format!("{} h of work a calendar week", config.hours_per_week),
    ];
    if ksloc_source == "backfired" {
        assumptions.push(format!(
            "no repository sized: KSLOC backfired from the function points as {language}"
        ));
    }
    if afp_backfired {
        assumptions
            .push("no functions counted: function points backfired from the source lines".into());
    }
    if tier.is_none() {
        assumptions.push("no service tier asked for: no operational work".into());
    }
    if let Some(c) = &conversion {
        assumptions.push(format!(
            "rates converted from {} at 1 {} = {} {}",
            c.from, c.from, c.rate, c.to
        ));
    }

    let weeks = |hours: f64| hours / config.hours_per_week;
    Ok(Quote {
        schema: SCHEMA,
        inputs: input.sources.clone(),
        currency,
        seed: input.seed,
        iterations: u.iterations,
        size: input.size.clone(),
        function_points,
        api: input.api.clone(),
        effort: Effort {
            ksloc,
            ksloc_source,
            language: language.to_string(),
            cocomo2,
            cocomo81,
            fp_hours,
            hours_per_fp: hpfp,
            hours_per_person_month: hpm,
            loc_per_fp,
            estimates,
            build_hours,
            operations_hours,
            risk_hours,
            most_likely_hours,
            uncertainty_hours: p50 - most_likely_hours,
            p10_hours: p10,
            p50_hours: p50,
            p90_hours: p90,
            calendar: Calendar {
                hours_per_week: config.hours_per_week,
                p10_weeks: weeks(p10),
                p50_weeks: weeks(p50),
                p90_weeks: weeks(p90),
            },
        },
        sla,
        debt,
        risks,
        price: PriceRange {
            currency,
            p10_minor: price::price(p10, &terms),
            p50_minor: parts.total_minor,
            p90_minor: price::price(p90, &terms),
            breakdown,
            parts,
            rate_card,
            platform: platform.map(|(name, p)| PlatformFee {
                name: name.to_string(),
                fee: p.fee,
            }),
            tax: config.tax.clone(),
        },
        assumptions,
        valid_for_days: config.validity_days,
        warnings: Vec::new(),
        exchange: conversion,
    })
}
