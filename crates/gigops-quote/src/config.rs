//! The `[quote]` settings: productivity, rates, weights, service tiers, platforms, tax, and the
//! LOC/FP table. Every default is documented in docs/quote.md with where it comes from; those
//! that are gigops's own starting values say "calibrate locally".

use std::collections::BTreeMap;

use gigops_core::Currency;
use serde::{Deserialize, Serialize};

use crate::cocomo::Mode;
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
    /// A factor on COCOMO II effort, fitted by `quote calibrate` (1 = the published model).
    pub cocomo_calibration: f64,
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
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    /// COCOMO II on the code size.
    pub size: f64,
    /// Function points × hours per FP.
    pub scope: f64,
    /// Function points at the service tier's productivity.
    pub service_level: f64,
}

impl Default for Weights {
    /// 30 / 45 / 25 %: a starting point to calibrate. Scope carries most because it is what the
    /// client asked for; size is a second opinion where code exists; service level moves the
    /// estimate toward the rigour the tier demands.
    fn default() -> Self {
        Weights {
            size: 0.30,
            scope: 0.45,
            service_level: 0.25,
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
}

impl Default for Uncertainty {
    /// Sizes: 0.8–1.25×, the range Boehm's cone of uncertainty gives once the product design
    /// is settled; productivity 0.8–1.5×, skewed high because overruns outnumber underruns.
    /// Both calibrate locally.
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaTier {
    /// Monthly availability target, percent.
    pub availability_percent: f64,
    /// p95 latency target, milliseconds.
    pub p95_latency_ms: u32,
    /// Hours per FP at this tier, relative to `hours_per_fp`.
    pub productivity_factor: f64,
    /// The operational work the tier demands, in hours: monitoring, redundancy, load tests,
    /// on-call.
    pub operations: BTreeMap<String, f64>,
    /// A premium on labour for carrying the tier's risk (credits, night calls), 0.10 = 10 %.
    pub risk_premium: f64,
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

fn tier(
    availability_percent: f64,
    p95_latency_ms: u32,
    productivity_factor: f64,
    hours: [f64; 4],
    risk_premium: f64,
) -> SlaTier {
    SlaTier {
        availability_percent,
        p95_latency_ms,
        productivity_factor,
        operations: ["monitoring", "redundancy", "load_tests", "on_call"]
            .into_iter()
            .zip(hours)
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        risk_premium,
    }
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
            hours_per_fp: 8.0,
            hours_per_person_month: 152.0,
            cocomo_calibration: 1.0,
            language: "Go".into(),
            loc_per_fp: BTreeMap::new(),
            exclude: Vec::new(),
            weights: Weights::default(),
            uncertainty: Uncertainty::default(),
            cocomo81: Cocomo81Config::default(),
            rate_card: vec![
                Rate {
                    role: "developer".into(),
                    seniority: "senior".into(),
                    hourly_minor: 9_000,
                    share_permille: 700,
                },
                Rate {
                    role: "developer".into(),
                    seniority: "mid".into(),
                    hourly_minor: 6_000,
                    share_permille: 200,
                },
                Rate {
                    role: "devops".into(),
                    seniority: "senior".into(),
                    hourly_minor: 10_000,
                    share_permille: 100,
                },
            ],
            tiers: [
                ("bronze", tier(99.0, 1000, 1.0, [8.0, 0.0, 4.0, 0.0], 0.0)),
                (
                    "silver",
                    tier(99.5, 500, 1.1, [16.0, 16.0, 12.0, 16.0], 0.10),
                ),
                (
                    "gold",
                    tier(99.9, 200, 1.25, [24.0, 40.0, 24.0, 40.0], 0.20),
                ),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
            debt_premium: DebtPremium::default(),
            platforms,
            tax: Tax::default(),
            validity_days: 30,
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
        positive("cocomo_calibration", self.cocomo_calibration);
        positive("cocomo81.overhead", self.cocomo81.overhead);
        positive("cocomo81.eaf", self.cocomo81.eaf);
        let w = self.weights;
        if [w.size, w.scope, w.service_level]
            .iter()
            .any(|v| !(v.is_finite() && *v >= 0.0))
            || w.size + w.scope + w.service_level <= 0.0
        {
            problems.push(format!(
                "quote.weights = {}/{}/{}: expected numbers ≥ 0, not all 0",
                w.size, w.scope, w.service_level
            ));
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
            if !(tier.productivity_factor.is_finite() && tier.productivity_factor > 0.0) {
                problems.push(format!(
                    "quote.tiers.{name}.productivity_factor = {}: expected a positive number",
                    tier.productivity_factor
                ));
            }
            if !(0.0..=1.0).contains(&tier.risk_premium) {
                problems.push(format!(
                    "quote.tiers.{name}.risk_premium = {}: expected 0 to 1",
                    tier.risk_premium
                ));
            }
            for (task, hours) in &tier.operations {
                if !(hours.is_finite() && *hours >= 0.0) {
                    problems.push(format!(
                        "quote.tiers.{name}.operations.{task} = {hours}: expected hours ≥ 0"
                    ));
                }
            }
        }
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
        problems
    }
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
        assert_eq!(config.weights.scope, 0.45);
        assert_eq!(config.tax.rate, 0.06);
        assert_eq!(config.tiers.len(), 3);
    }

    fn toml_like(json: &str) -> QuoteConfig {
        serde_json::from_str(json).unwrap()
    }
}
