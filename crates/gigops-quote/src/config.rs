//! The `[quote]` settings: productivity, rates, weights, service tiers, platforms, tax, and the
//! LOC/FP table. Every default is documented in docs/quote.md with where it comes from; those
//! that are gigops's own starting values say "calibrate locally".

use std::collections::BTreeMap;

use gigops_core::Currency;
use serde::{Deserialize, Serialize};

use crate::cocomo::{Mode, Ratings};
use crate::montecarlo::Triangular;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QuoteConfig {
    /// The currency of the rate card and every price.
    pub currency: Currency,
    /// Delivered hours per adjusted function point (calibrate locally: `quote calibrate`).
    pub hours_per_fp: f64,
    /// Hours in a person-month: COCOMO II's 152.
    pub hours_per_person_month: f64,
    /// Hours the team puts into the work in a calendar week: what turns hours into weeks.
    pub hours_per_week: f64,
    /// A factor on COCOMO II effort, fitted by `quote calibrate` (1 = the published model).
    pub cocomo_calibration: f64,
    /// The COCOMO II ratings of the team that quotes, under a spec's and `--rating`'s; a driver
    /// not named is nominal. The defaults describe gigops's users (docs/quote.md).
    pub ratings: Ratings,
    /// The language lines are backfired to from function points when no repository is sized.
    pub language: String,
    /// Lines of code per function point by tokei language name, over the defaults.
    pub loc_per_fp: BTreeMap<String, f64>,
    /// Paths left out of the repository's size, in .gitignore syntax (as `gate.debt.exclude`).
    pub exclude: Vec<String>,
    pub weights: Weights,
    pub uncertainty: Uncertainty,
    pub cocomo81: Cocomo81Config,
    /// Who works and at what rate; the shares of hours add up to 1.
    pub rate_card: Vec<Rate>,
    /// Service tiers by name (`--sla-tier`).
    pub tiers: BTreeMap<String, SlaTier>,
    /// The premium on labour for inheriting technical debt, by the debt's rating.
    pub debt_premium: DebtPremium,
    /// Platforms by name (`--platform`): the fee the platform keeps.
    pub platforms: BTreeMap<String, Platform>,
    pub tax: Tax,
    /// Days a quote stays valid.
    pub validity_days: u32,
    /// The sales stage at which a deal's work is delivered: calibration and the history a
    /// quote is compared with take only deals that reached it (a stage of `pipeline.stages`).
    pub delivered_stage: String,
    /// Operations the proposal's API contract shows in full; beyond them it shows a summary per
    /// tag and writes the full table to an appendix file beside the proposal.
    pub contract_rows: usize,
}

/// How the two estimates of the build are blended (normalised over those present). The
/// service level is not blended: its operational work is added whole.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    /// COCOMO II on the code size.
    pub size: f64,
    /// Function points × hours per FP.
    pub scope: f64,
    /// No longer read: named in [`QuoteConfig::problems`] when a settings file still sets it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_level: Option<f64>,
}

impl Default for Weights {
    /// 25 / 75 %: scope carries most because it counts what the client asked for, in the
    /// client's terms; size (COCOMO II, calibrated on large organisations' projects) is the
    /// second opinion until `quote calibrate` has fitted it to your work.
    fn default() -> Self {
        Weights {
            size: 0.25,
            scope: 0.75,
            service_level: None,
        }
    }
}

/// Ranges the Monte Carlo draws from, as factors on the most likely value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Uncertainty {
    pub iterations: u32,
    /// On KSLOC (the size-based estimate).
    pub size: Triangular,
    /// On the function points (scope- and service-level-based estimates).
    pub function_points: Triangular,
    /// On productivity: hours per FP and COCOMO II effort alike.
    pub productivity: Triangular,
    /// On the service level's operational work.
    pub service_level: Triangular,
}

impl Default for Uncertainty {
    /// Sizes: 0.8–1.25×, the range Boehm's cone of uncertainty gives once the product design
    /// is settled; productivity 0.8–1.5×, skewed high because overruns outnumber underruns;
    /// operations 0.9–1.3×, familiar set-up work with on-call that can run over. All calibrate
    /// locally.
    fn default() -> Self {
        Uncertainty {
            iterations: 10_000,
            size: Triangular {
                low: 0.8,
                mode: 1.0,
                high: 1.25,
            },
            function_points: Triangular {
                low: 0.8,
                mode: 1.0,
                high: 1.25,
            },
            productivity: Triangular {
                low: 0.8,
                mode: 1.0,
                high: 1.5,
            },
            service_level: Triangular {
                low: 0.9,
                mode: 1.0,
                high: 1.3,
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Cocomo81Config {
    pub mode: Mode,
    /// A yearly wage in minor units of `currency` (scc's default is 56,286 a year).
    pub annual_wage_minor: i64,
    /// scc's overhead factor.
    pub overhead: f64,
    /// scc's effort adjustment factor.
    pub eaf: f64,
}

impl Default for Cocomo81Config {
    fn default() -> Self {
        Cocomo81Config {
            mode: Mode::Organic,
            annual_wage_minor: 5_628_600,
            overhead: 2.4,
            eaf: 1.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    pub role: String,
    pub seniority: String,
    /// Per hour, in minor units of `currency`.
    pub hourly_minor: i64,
    /// Share of the hours, in per mille (600 = 60 %), so that shares add up exactly.
    pub share_permille: u32,
}

/// A service tier: its targets, and the operational work that meets them — the service-level
/// estimate, built from its own tasks rather than from the size of the build.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaTier {
    /// Monthly availability target, percent.
    pub availability_percent: f64,
    /// p95 latency target, milliseconds.
    pub p95_latency_ms: u32,
    /// One-off operational tasks and their hours: monitoring and alerting set-up, redundancy,
    /// load and failover tests, runbooks.
    pub operations: BTreeMap<String, f64>,
    /// On-call hours a month over the support period.
    #[serde(default)]
    pub on_call_hours_per_month: f64,
    /// The support period, in months.
    #[serde(default)]
    pub support_months: f64,
    /// A premium on labour for carrying the tier's risk (credits, night calls), 0.10 = 10 %.
    pub risk_premium: f64,
    /// No longer read: named in [`QuoteConfig::problems`] when a settings file still sets it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub productivity_factor: Option<f64>,
}

impl SlaTier {
    /// The tier's on-call hours over its support period.
    pub fn on_call_hours(&self) -> f64 {
        self.on_call_hours_per_month * self.support_months
    }

    /// The operational work in hours: the one-off tasks and the on-call.
    pub fn hours(&self) -> f64 {
        self.operations.values().fold(0.0, |sum, h| sum + h) + self.on_call_hours()
    }

    /// Whether this tier's targets are at least as strict as `other`'s on both counts.
    fn at_least_as_strict_as(&self, other: &SlaTier) -> bool {
        self.availability_percent >= other.availability_percent
            && self.p95_latency_ms <= other.p95_latency_ms
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DebtPremium {
    #[serde(rename = "A")]
    pub a: f64,
    #[serde(rename = "B")]
    pub b: f64,
    #[serde(rename = "C")]
    pub c: f64,
    #[serde(rename = "D")]
    pub d: f64,
    #[serde(rename = "E")]
    pub e: f64,
}

impl Default for DebtPremium {
    /// None for A; then rising with the rating (calibrate locally).
    fn default() -> Self {
        DebtPremium {
            a: 0.0,
            b: 0.05,
            c: 0.10,
            d: 0.20,
            e: 0.35,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Platform {
    /// The share of what the client pays that the platform keeps from the freelancer, 0.10 =
    /// 10 %; the price is grossed up so that the rest is the price before the fee.
    pub fee: f64,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Tax {
    pub name: String,
    /// Added to the price, 0.06 = 6 %.
    pub rate: f64,
}

impl Default for Tax {
    fn default() -> Self {
        Tax {
            name: "tax".into(),
            rate: 0.0,
        }
    }
}

/// The one-off tasks of the default tiers, in the order of [`tier`]'s hours.
pub const TIER_TASKS: [&str; 5] = [
    "monitoring",
    "redundancy",
    "load_tests",
    "failover_tests",
    "runbooks",
];

fn tier(
    availability_percent: f64,
    p95_latency_ms: u32,
    hours: [f64; 5],
    on_call_hours_per_month: f64,
    risk_premium: f64,
) -> SlaTier {
    SlaTier {
        availability_percent,
        p95_latency_ms,
        operations: TIER_TASKS
            .into_iter()
            .zip(hours)
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        on_call_hours_per_month,
        support_months: 3.0,
        risk_premium,
        productivity_factor: None,
    }
}

/// The COCOMO II ratings of gigops's users — a freelancer or a team of two or three,
/// experienced, with modern tools — each argued in docs/quote.md from the rating scales of the
/// COCOMO II.2000 Model Definition Manual. A driver not listed is nominal.
pub fn default_ratings() -> Ratings {
    let mut ratings = Ratings::default();
    for (driver, level) in [
        ("PREC", "high"),
        ("FLEX", "high"),
        ("RESL", "high"),
        ("TEAM", "very_high"),
        ("DATA", "low"),
        ("PVOL", "low"),
        ("ACAP", "high"),
        ("PCAP", "high"),
        ("PCON", "very_high"),
        ("APEX", "high"),
        ("PLEX", "high"),
        ("LTEX", "high"),
        ("TOOL", "very_high"),
        ("SITE", "very_high"),
    ] {
        ratings
            .set(driver, level)
            .expect("the default ratings are valid");
    }
    ratings
}

impl Default for QuoteConfig {
    fn default() -> Self {
        let mut platforms = BTreeMap::new();
        let mut platform = |name: &str, fee: f64, note: &str| {
            platforms.insert(
                name.to_string(),
                Platform {
                    fee,
                    note: note.to_string(),
                },
            );
        };
        platform(
            "upwork",
            0.10,
            "Upwork's freelancer service fee was a flat 10 % from 2022; it now varies by contract: set yours",
        );
        platform(
            "toptal",
            0.0,
            "Toptal adds its margin to the client's rate; the rate you agree is what you are paid",
        );
        platform(
            "码市",
            0.0,
            "not known to gigops: set the service fee of your 码市 agreement",
        );
        platform("oss-crowdsourcing", 0.0, "bounties are paid as posted");
        platform("direct", 0.0, "no intermediary");
        QuoteConfig {
            currency: Currency::USD,
            hours_per_fp: 2.0,
            hours_per_person_month: 152.0,
            hours_per_week: 35.0,
            cocomo_calibration: 1.0,
            ratings: default_ratings(),
            language: "Go".into(),
            loc_per_fp: BTreeMap::new(),
            exclude: ["vendor/", "third_party/", "node_modules/"]
                .map(String::from)
                .to_vec(),
            weights: Weights::default(),
            uncertainty: Uncertainty::default(),
            cocomo81: Cocomo81Config::default(),
            rate_card: vec![
                Rate {
                    role: "developer".into(),
                    seniority: "senior".into(),
                    hourly_minor: 6_500,
                    share_permille: 700,
                },
                Rate {
                    role: "developer".into(),
                    seniority: "mid".into(),
                    hourly_minor: 5_000,
                    share_permille: 200,
                },
                Rate {
                    role: "devops".into(),
                    seniority: "senior".into(),
                    hourly_minor: 7_000,
                    share_permille: 100,
                },
            ],
            // Hours: monitoring, redundancy, load tests, failover tests, runbooks; then on-call
            // hours a month over 3 months, and the risk premium (docs/quote.md, "Service tiers").
            tiers: [
                (
                    "bronze",
                    tier(99.0, 1000, [4.0, 0.0, 0.0, 0.0, 2.0], 0.0, 0.0),
                ),
                (
                    "silver",
                    tier(99.5, 500, [8.0, 8.0, 6.0, 2.0, 4.0], 4.0, 0.10),
                ),
                (
                    "gold",
                    tier(99.9, 200, [16.0, 24.0, 12.0, 8.0, 8.0], 10.0, 0.20),
                ),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
            debt_premium: DebtPremium::default(),
            platforms,
            tax: Tax::default(),
            validity_days: 30,
            delivered_stage: "delivered".into(),
            contract_rows: 40,
        }
    }
}

impl QuoteConfig {
    /// Every setting that cannot be used, each as `quote.key: what is wrong`.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut positive = |name: &str, v: f64| {
            if !(v.is_finite() && v > 0.0) {
                problems.push(format!("quote.{name} = {v}: expected a positive number"));
            }
        };
        positive("hours_per_fp", self.hours_per_fp);
        positive("hours_per_person_month", self.hours_per_person_month);
        positive("hours_per_week", self.hours_per_week);
        positive("cocomo_calibration", self.cocomo_calibration);
        positive("cocomo81.overhead", self.cocomo81.overhead);
        positive("cocomo81.eaf", self.cocomo81.eaf);
        let w = self.weights;
        if [w.size, w.scope]
            .iter()
            .any(|v| !(v.is_finite() && *v >= 0.0))
            || w.size + w.scope <= 0.0
        {
            problems.push(format!(
                "quote.weights = size {} / scope {}: expected numbers ≥ 0, not both 0",
                w.size, w.scope
            ));
        }
        if w.service_level.is_some() {
            problems.push(NO_LONGER_READ.replace("{key}", "quote.weights.service_level"));
        }
        for (driver, level) in &self.ratings.0 {
            if let Err(e) = Ratings::default().set(driver, level.name()) {
                problems.push(format!("quote.ratings: {e}"));
            }
        }
        if self.uncertainty.iterations == 0 || self.uncertainty.iterations > 1_000_000 {
            problems.push(format!(
                "quote.uncertainty.iterations = {}: expected 1 to 1000000",
                self.uncertainty.iterations
            ));
        }
        if self.rate_card.is_empty() {
            problems.push("quote.rate_card: expected at least one rate".into());
        }
        let shares: u32 = self.rate_card.iter().map(|r| r.share_permille).sum();
        if !self.rate_card.is_empty() && shares != 1000 {
            problems.push(format!(
                "quote.rate_card: the shares add up to {shares} per mille: expected 1000"
            ));
        }
        for rate in &self.rate_card {
            if rate.hourly_minor < 0 {
                problems.push(format!(
                    "quote.rate_card {} {}: hourly_minor {}: expected 0 or more",
                    rate.seniority, rate.role, rate.hourly_minor
                ));
            }
        }
        for (name, tier) in &self.tiers {
            problems.extend(tier_problems(name, tier));
        }
        problems.extend(tier_order_problems(&self.tiers));
        for (name, platform) in &self.platforms {
            if !(0.0..1.0).contains(&platform.fee) {
                problems.push(format!(
                    "quote.platforms.{name}.fee = {}: expected at least 0 and below 1",
                    platform.fee
                ));
            }
        }
        let d = self.debt_premium;
        if [d.a, d.b, d.c, d.d, d.e]
            .iter()
            .any(|v| !(0.0..=1.0).contains(v))
        {
            problems.push("quote.debt_premium: expected every premium from 0 to 1".into());
        }
        if !(0.0..1.0).contains(&self.tax.rate) {
            problems.push(format!(
                "quote.tax.rate = {}: expected at least 0 and below 1",
                self.tax.rate
            ));
        }
        if let Err(e) = crate::size::loc_per_fp_table(&self.loc_per_fp) {
            problems.push(e);
        }
        if self.contract_rows == 0 {
            problems.push("quote.contract_rows = 0: expected 1 or more operations".into());
        }
        problems
    }
}

const NO_LONGER_READ: &str = "{key}: no longer read: a service tier is priced by its own operational work, added whole (docs/quote.md, \"From estimates to hours\"); remove it";

fn tier_problems(name: &str, tier: &SlaTier) -> Vec<String> {
    let mut problems = Vec::new();
    if !(tier.availability_percent.is_finite()
        && (0.0..=100.0).contains(&tier.availability_percent))
    {
        problems.push(format!(
            "quote.tiers.{name}.availability_percent = {}: expected 0 to 100",
            tier.availability_percent
        ));
    }
    if !(0.0..=1.0).contains(&tier.risk_premium) {
        problems.push(format!(
            "quote.tiers.{name}.risk_premium = {}: expected 0 to 1",
            tier.risk_premium
        ));
    }
    let hours = tier
        .operations
        .iter()
        .map(|(task, h)| (format!("operations.{task}"), *h));
    for (key, value) in hours.chain([
        (
            "on_call_hours_per_month".to_string(),
            tier.on_call_hours_per_month,
        ),
        ("support_months".to_string(), tier.support_months),
    ]) {
        if !(value.is_finite() && value >= 0.0) {
            problems.push(format!(
                "quote.tiers.{name}.{key} = {value}: expected a number ≥ 0"
            ));
        }
    }
    if tier.productivity_factor.is_some() {
        problems.push(
            NO_LONGER_READ.replace("{key}", &format!("quote.tiers.{name}.productivity_factor")),
        );
    }
    problems
}

/// A stricter service level never costs less: a tier whose targets are at least as strict as
/// another's (availability no lower, p95 latency no higher) must have no task with fewer hours,
/// no fewer on-call hours and no smaller risk premium.
fn tier_order_problems(tiers: &BTreeMap<String, SlaTier>) -> Vec<String> {
    let mut problems = Vec::new();
    for (strict_name, strict) in tiers {
        for (lax_name, lax) in tiers {
            if strict_name == lax_name || !strict.at_least_as_strict_as(lax) {
                continue;
            }
            let mut short = Vec::new();
            for (task, hours) in &lax.operations {
                let own = strict.operations.get(task).copied().unwrap_or(0.0);
                if own < *hours {
                    short.push(format!("operations.{task} {own} h < {hours} h"));
                }
            }
            if strict.on_call_hours() < lax.on_call_hours() {
                short.push(format!(
                    "on-call {} h < {} h",
                    strict.on_call_hours(),
                    lax.on_call_hours()
                ));
            }
            if strict.risk_premium < lax.risk_premium {
                short.push(format!(
                    "risk_premium {} < {}",
                    strict.risk_premium, lax.risk_premium
                ));
            }
            if !short.is_empty() {
                problems.push(format!(
                    "quote.tiers.{strict_name}: its targets are at least as strict as {lax_name}'s but it would cost less ({}): expected a stricter tier to cost at least as much",
                    short.join(", ")
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_usable() {
        assert_eq!(QuoteConfig::default().problems(), Vec::<String>::new());
    }

    #[test]
    fn unusable_settings_are_all_named() {
        let mut config = QuoteConfig {
            hours_per_fp: 0.0,
            ..QuoteConfig::default()
        };
        config.rate_card[0].share_permille = 500;
        config.platforms.get_mut("upwork").unwrap().fee = 1.0;
        config.loc_per_fp.insert("Klingon".into(), 10.0);
        let problems = config.problems();
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(problems[1].contains("800 per mille"));
    }

    #[test]
    fn a_toml_table_overrides_some_keys() {
        let config: QuoteConfig = toml_like(
            r#"{"hours_per_fp": 6.5, "weights": {"size": 0.5}, "tax": {"name": "VAT", "rate": 0.06}}"#,
        );
        assert_eq!(config.hours_per_fp, 6.5);
        assert_eq!(config.weights.size, 0.5);
        assert_eq!(config.weights.scope, 0.75);
        assert_eq!(config.tax.rate, 0.06);
        assert_eq!(config.tiers.len(), 3);
    }

    #[test]
    fn a_stricter_tier_that_would_cost_less_is_refused() {
        let mut config = QuoteConfig::default();
        let gold = config.tiers.get_mut("gold").unwrap();
        gold.operations.insert("load_tests".into(), 1.0);
        gold.risk_premium = 0.05;
        let problems = config.problems();
        // Gold is stricter than both bronze and silver; only silver's load tests (6 h) and
        // premium (10 %) are above gold's now.
        assert_eq!(
            problems,
            [
                "quote.tiers.gold: its targets are at least as strict as silver's but it would cost less (operations.load_tests 1 h < 6 h, risk_premium 0.05 < 0.1): expected a stricter tier to cost at least as much"
            ]
        );
        // A tier neither stricter nor laxer than another is not compared with it.
        let mut config = QuoteConfig::default();
        let fast = config.tiers.get_mut("bronze").unwrap();
        fast.p95_latency_ms = 100;
        assert_eq!(config.problems(), Vec::<String>::new());
    }

    #[test]
    fn keys_of_the_old_model_are_named() {
        let config: QuoteConfig = toml_like(
            r#"{"weights": {"service_level": 0.25}, "tiers": {"gold": {"availability_percent": 99.9, "p95_latency_ms": 200, "productivity_factor": 1.25, "operations": {}, "risk_premium": 0.2}}}"#,
        );
        let problems = config.problems();
        assert!(
            problems[0].starts_with("quote.weights.service_level: no longer read"),
            "{problems:#?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("quote.tiers.gold.productivity_factor: no longer read")),
            "{problems:#?}"
        );
    }

    fn toml_like(json: &str) -> QuoteConfig {
        serde_json::from_str(json).unwrap()
    }
}
