//! The price model's promises, over random specs and settings (issue 12):
//!
//! - a stricter service tier never costs less: no tier ≤ bronze ≤ silver ≤ gold, in hours and
//!   in price, at P10, P50 and P90;
//! - more function points or more code never lower the hours or the price at any percentile;
//! - the breakdown adds up to the total to the minor unit, and its hour lines to the P50 hours.

use std::collections::BTreeMap;

use gigops_quote::config::{Rate, SlaTier};
use gigops_quote::fp::{Complexity, Function, FunctionKind, Gsc};
use gigops_quote::montecarlo::Triangular;
use gigops_quote::size::{LanguageLines, Size};
use gigops_quote::spec::Risk;
use gigops_quote::{DebtInput, Quote, QuoteConfig, QuoteInput, estimate};
use proptest::prelude::*;

fn function() -> impl Strategy<Value = Function> {
    (0..5usize, 0..3usize).prop_map(|(kind, level)| {
        let complexity = [Complexity::Low, Complexity::Average, Complexity::High][level];
        Function::rated(
            FunctionKind::ALL[kind],
            format!("f{kind}{level}"),
            complexity,
            "s:1".into(),
        )
    })
}

fn risk() -> impl Strategy<Value = Risk> {
    (0.0..=1.0f64, 0.0..50.0f64, 0.0..50.0f64, 0.0..100.0f64).prop_map(|(p, low, more, most)| {
        Risk {
            name: "r".into(),
            probability: p,
            impact_hours: Triangular::new(low, low + more, low + more + most).unwrap(),
            source: "r:1".into(),
        }
    })
}

/// Three tiers, each at least as strict as the one before, whose tasks, on-call and premium
/// never fall as the tier rises: what `QuoteConfig::problems` requires of tiers so ordered.
fn tiers() -> impl Strategy<Value = BTreeMap<String, SlaTier>> {
    let hours = || proptest::collection::vec(0.0..40.0f64, 5);
    (
        hours(),
        hours(),
        hours(),
        proptest::collection::vec(0.0..20.0f64, 3),
        0.0..12.0f64,
        proptest::collection::vec(0.0..0.3f64, 3),
    )
        .prop_map(
            |(bronze, silver_more, gold_more, on_call, months, premiums)| {
                let mut rising = bronze.clone();
                let mut levels = Vec::new();
                for step in [vec![0.0; 5], silver_more, gold_more] {
                    rising = rising.iter().zip(&step).map(|(a, b)| a + b).collect();
                    levels.push(rising.clone());
                }
                let names = ["bronze", "silver", "gold"];
                let mut on_call_so_far = 0.0;
                let mut premium_so_far = 0.0;
                names
                    .iter()
                    .enumerate()
                    .map(|(i, name)| {
                        on_call_so_far += on_call[i];
                        premium_so_far += premiums[i];
                        let tier = SlaTier {
                            availability_percent: [99.0, 99.5, 99.9][i],
                            p95_latency_ms: [1000, 500, 200][i],
                            operations: [
                                "monitoring",
                                "redundancy",
                                "load_tests",
                                "failover_tests",
                                "runbooks",
                            ]
                            .iter()
                            .zip(&levels[i])
                            .map(|(task, h)| (task.to_string(), *h))
                            .collect(),
                            on_call_hours_per_month: on_call_so_far,
                            support_months: months,
                            risk_premium: premium_so_far,
                            productivity_factor: None,
                        };
                        (name.to_string(), tier)
                    })
                    .collect()
            },
        )
}

fn config() -> impl Strategy<Value = QuoteConfig> {
    (
        0.5..20.0f64,
        0.0..1.0f64,
        0.01..1.0f64,
        tiers(),
        proptest::collection::vec((0i64..30_000, 1u32..10), 1..4),
        0.0..0.3f64,
        0.0..0.2f64,
        0.5..3.0f64,
    )
        .prop_map(
            |(hours_per_fp, size, scope, tiers, rates, fee, tax, calibration)| {
                let mut config = QuoteConfig {
                    hours_per_fp,
                    cocomo_calibration: calibration,
                    tiers,
                    ..QuoteConfig::default()
                };
                config.weights.size = size;
                config.weights.scope = scope;
                config.uncertainty.iterations = 300;
                // Shares in per mille that add up to 1000.
                let total: u32 = rates.iter().map(|(_, w)| w).sum();
                let mut shares: Vec<u32> = rates.iter().map(|(_, w)| w * 1000 / total).collect();
                shares[0] += 1000 - shares.iter().sum::<u32>();
                config.rate_card = rates
                    .iter()
                    .zip(shares)
                    .enumerate()
                    .map(|(i, ((hourly, _), share))| Rate {
                        role: format!("role{i}"),
                        seniority: "any".into(),
                        hourly_minor: *hourly,
                        share_permille: share,
                    })
                    .collect();
                config.platforms.get_mut("upwork").unwrap().fee = fee;
                config.tax.rate = tax;
                config
            },
        )
}

fn go_lines(lines: u64) -> Size {
    Size {
        root: "repo".into(),
        scope: Vec::new(),
        files: 1,
        code_lines: lines,
        comment_lines: 0,
        blank_lines: 0,
        source_lines: lines,
        by_language: vec![LanguageLines {
            language: "Go".into(),
            files: 1,
            code: lines,
            comments: 0,
            blanks: 0,
            loc_per_fp: Some(53.0),
            function_points: Some(lines as f64 / 53.0),
        }],
    }
}

/// Hours and prices at P10, P50, P90.
fn percentiles(q: &Quote) -> [(f64, i64); 3] {
    [
        (q.effort.p10_hours, q.price.p10_minor),
        (q.effort.p50_hours, q.price.p50_minor),
        (q.effort.p90_hours, q.price.p90_minor),
    ]
}

fn never_less(smaller: &Quote, larger: &Quote) -> Result<(), TestCaseError> {
    for ((h0, p0), (h1, p1)) in percentiles(smaller).into_iter().zip(percentiles(larger)) {
        prop_assert!(h1 >= h0, "hours {h1} < {h0}");
        prop_assert!(p1 >= p0, "price {p1} < {p0}");
    }
    Ok(())
}

fn adds_up(q: &Quote) -> Result<(), TestCaseError> {
    let lines = &q.price.breakdown;
    let amount = |item: &str| {
        lines
            .iter()
            .find(|l| l.item == item)
            .and_then(|l| l.amount_minor)
    };
    let money: i64 = lines
        .iter()
        .filter(|l| l.item != "subtotal" && l.item != "total")
        .filter_map(|l| l.amount_minor)
        .sum();
    prop_assert_eq!(Some(money), amount("total"));
    prop_assert_eq!(amount("total"), Some(q.price.p50_minor));
    let parts = &q.price.parts;
    prop_assert_eq!(
        parts.labour.iter().map(|l| l.amount_minor).sum::<i64>(),
        parts.labour_minor
    );
    prop_assert_eq!(amount("subtotal"), Some(parts.subtotal_minor));
    prop_assert_eq!(parts.total_minor, q.price.p50_minor);
    let hours: f64 = lines
        .iter()
        .filter(|l| {
            ["estimate.", "operations.", "risk."]
                .iter()
                .any(|p| l.item.starts_with(p))
                || l.item == "uncertainty.p50"
        })
        .filter_map(|l| l.hours)
        .sum();
    prop_assert!((hours - q.effort.p50_hours).abs() < 1e-6 * q.effort.p50_hours.max(1.0));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn a_stricter_tier_never_costs_less(
        functions in proptest::collection::vec(function(), 1..30),
        lines in proptest::option::of(1u64..50_000),
        risks in proptest::collection::vec(risk(), 0..3),
        config in config(),
        seed in any::<u64>(),
        platform in any::<bool>(),
        debt in proptest::option::of(0.0..1.0f64),
    ) {
        prop_assert_eq!(config.problems(), Vec::<String>::new());
        let input = |tier: Option<&str>| QuoteInput {
            functions: functions.clone(),
            size: lines.map(go_lines),
            risks: risks.clone(),
            sla_tier: tier.map(str::to_string),
            platform: platform.then(|| "upwork".to_string()),
            debt: debt.map(|ratio| DebtInput { ratio, source: "test".into() }),
            seed,
            ..QuoteInput::default()
        };
        let quotes: Vec<Quote> = [None, Some("bronze"), Some("silver"), Some("gold")]
            .into_iter()
            .map(|tier| estimate(&input(tier), &config).unwrap())
            .collect();
        for pair in quotes.windows(2) {
            never_less(&pair[0], &pair[1])?;
        }
        for quote in &quotes {
            adds_up(quote)?;
        }
    }

    #[test]
    fn more_function_points_or_more_code_never_lower_the_price(
        functions in proptest::collection::vec(function(), 1..30),
        extra in function(),
        lines in 1u64..50_000,
        more_lines in 1u64..20_000,
        gsc in 0i64..=5,
        tier in proptest::option::of(prop_oneof![Just("bronze"), Just("silver"), Just("gold")]),
        config in config(),
        seed in any::<u64>(),
    ) {
        let mut characteristics = Gsc::default();
        characteristics.set("performance", gsc).unwrap();
        let base = QuoteInput {
            functions: functions.clone(),
            gsc: characteristics,
            sla_tier: tier.map(str::to_string),
            seed,
            ..QuoteInput::default()
        };
        // A spec alone (KSLOC backfired from it), then one more function.
        let mut more = base.clone();
        more.functions.push(extra);
        never_less(&estimate(&base, &config).unwrap(), &estimate(&more, &config).unwrap())?;
        // A spec and a repository: more code.
        let mut sized = base.clone();
        sized.size = Some(go_lines(lines));
        let mut bigger = sized.clone();
        bigger.size = Some(go_lines(lines + more_lines));
        never_less(&estimate(&sized, &config).unwrap(), &estimate(&bigger, &config).unwrap())?;
        // A repository alone (function points backfired from it): more code.
        let code = QuoteInput { functions: Vec::new(), ..sized };
        let more_code = QuoteInput { functions: Vec::new(), ..bigger };
        never_less(&estimate(&code, &config).unwrap(), &estimate(&more_code, &config).unwrap())?;
    }
}

/// The bug of issue 12, on the fixture it was found on: with default settings, bronze came out
/// about 12 % below no tier at all.
#[test]
fn the_petstore_never_gets_cheaper_with_a_tier() {
    let text = std::fs::read_to_string(crate::fixture("petstore3.yaml")).unwrap();
    let counted = gigops_quote::openapi::count("petstore3.yaml", &text).unwrap();
    let config = QuoteConfig::default();
    let quote = |tier: Option<&str>| {
        estimate(
            &QuoteInput {
                functions: counted.functions.clone(),
                sla_tier: tier.map(str::to_string),
                seed: 42,
                ..QuoteInput::default()
            },
            &config,
        )
        .unwrap()
    };
    let quotes: Vec<Quote> = [None, Some("bronze"), Some("silver"), Some("gold")]
        .into_iter()
        .map(quote)
        .collect();
    for pair in quotes.windows(2) {
        for ((_, a), (_, b)) in percentiles(&pair[0]).into_iter().zip(percentiles(&pair[1])) {
            assert!(b > a, "{b} ≤ {a}");
        }
    }
    // The tier adds its operations whole: bronze's 6 h, silver's 40 h, gold's 98 h.
    let ops: Vec<f64> = quotes.iter().map(|q| q.effort.operations_hours).collect();
    assert_eq!(ops, [0.0, 6.0, 40.0, 98.0]);
}
