//! The estimate end to end: reproducible Monte Carlo, a breakdown that adds up, the blend and
//! its weights, backfiring, premiums and fees.

use gigops_quote::fp::{Complexity, Function, FunctionKind, Gsc};
use gigops_quote::montecarlo::Triangular;
use gigops_quote::spec::Risk;
use gigops_quote::{DebtInput, QuoteConfig, QuoteError, QuoteInput, estimate};

fn functions() -> Vec<Function> {
    // 10 + 6 + 5 + 4 = 25 UFP.
    vec![
        Function::rated(
            FunctionKind::ILF,
            "Order".into(),
            Complexity::Average,
            "s:1".into(),
        ),
        Function::rated(
            FunctionKind::EI,
            "Place".into(),
            Complexity::High,
            "s:2".into(),
        ),
        Function::rated(
            FunctionKind::EO,
            "Report".into(),
            Complexity::Average,
            "s:3".into(),
        ),
        Function::rated(
            FunctionKind::EQ,
            "Look up".into(),
            Complexity::Average,
            "s:4".into(),
        ),
    ]
}

fn input() -> QuoteInput {
    QuoteInput {
        functions: functions(),
        seed: 7,
        ..QuoteInput::default()
    }
}

#[test]
fn the_same_seed_gives_the_same_quote() {
    let config = QuoteConfig::default();
    let a = estimate(&input(), &config).unwrap();
    let b = estimate(&input(), &config).unwrap();
    assert_eq!(a, b);
    let mut other = input();
    other.seed = 8;
    let c = estimate(&other, &config).unwrap();
    assert_ne!(a.effort.p50_hours, c.effort.p50_hours);
    assert!(a.effort.p10_hours < a.effort.p50_hours && a.effort.p50_hours < a.effort.p90_hours);
    assert!(a.price.p10_minor < a.price.p50_minor && a.price.p50_minor < a.price.p90_minor);
}

#[test]
fn a_spec_alone_is_backfired_to_lines_and_blended() {
    let config = QuoteConfig::default();
    let quote = estimate(&input(), &config).unwrap();
    let fp = quote.function_points.as_ref().unwrap();
    // 25 UFP × 1.07 = 26.75 AFP; as Go at 53 lines per FP: 1,417.75 lines = 1.41775 KSLOC.
    assert_eq!(fp.ufp, 25.0);
    assert!((fp.afp - 26.75).abs() < 1e-12);
    assert_eq!(quote.effort.ksloc_source, "backfired");
    assert!((quote.effort.ksloc - 1.41775).abs() < 1e-12);
    // 2 h per FP (issue 12: the small-team figure, not 8).
    assert_eq!(quote.effort.fp_hours, Some(26.75 * 2.0));
    // The default weights, size 25 % and scope 75 %.
    let weights: Vec<(&str, f64)> = quote
        .effort
        .estimates
        .iter()
        .map(|e| (e.method, e.weight))
        .collect();
    assert_eq!(weights, [("size", 0.25), ("scope", 0.75)]);
    // COCOMO II at the default ratings (docs/quote.md): ΣSF = PREC H 2.48 + FLEX H 2.03 + RESL
    // H 2.83 + TEAM VH 1.10 + PMAT N 4.68 = 13.12, E = 1.0412; EAF = DATA L 0.90 × PVOL L 0.87
    // × ACAP H 0.85 × PCAP H 0.88 × PCON VH 0.81 × APEX H 0.88 × PLEX H 0.91 × LTEX H 0.91 ×
    // TOOL VH 0.78 × SITE VH 0.86 = 0.23190.
    let eaf = 0.90 * 0.87 * 0.85 * 0.88 * 0.81 * 0.88 * 0.91 * 0.91 * 0.78 * 0.86;
    assert!((quote.effort.cocomo2.eaf - eaf).abs() < 1e-12);
    assert!((quote.effort.cocomo2.exponent - 1.0412).abs() < 1e-12);
    let size_hours = 2.94 * 1.41775_f64.powf(1.0412) * eaf * 152.0;
    assert!((quote.effort.estimates[0].hours - size_hours).abs() < 1e-9);
    let expected = 0.25 * size_hours + 0.75 * 53.5;
    assert!((quote.effort.build_hours - expected).abs() < 1e-9);
    assert!((quote.effort.most_likely_hours - expected).abs() < 1e-9);
    // Calendar weeks at 35 h a week.
    assert!((quote.effort.calendar.p50_weeks - quote.effort.p50_hours / 35.0).abs() < 1e-12);
    assert!(quote.size.is_none());
    assert!(quote.sla.is_none());
}

#[test]
fn the_breakdown_adds_up_to_the_p50_price() {
    let mut config = QuoteConfig::default();
    config.tax.rate = 0.06;
    let mut input = input();
    input.sla_tier = Some("gold".into());
    input.platform = Some("upwork".into());
    input.debt = Some(DebtInput {
        ratio: 0.12,
        source: "test".into(),
    });
    input.risks = vec![Risk {
        name: "sandbox".into(),
        probability: 0.5,
        impact_hours: Triangular::new(10.0, 20.0, 60.0).unwrap(),
        source: "r:1".into(),
    }];
    let quote = estimate(&input, &config).unwrap();
    let lines = &quote.price.breakdown;
    let item = |name: &str| {
        lines
            .iter()
            .find(|l| l.item == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    // Hours: the weighted estimates of the build, the tier's operations and the risks, plus the
    // Monte Carlo adjustment, are the P50 hours priced.
    let hour_parts: f64 = lines
        .iter()
        .filter(|l| {
            l.item.starts_with("estimate.")
                || l.item.starts_with("operations.")
                || l.item.starts_with("risk.")
                || l.item == "uncertainty.p50"
        })
        .map(|l| l.hours.unwrap())
        .sum();
    assert!((hour_parts - quote.effort.p50_hours).abs() < 1e-6);
    assert_eq!(item("hours").hours, Some(quote.effort.p50_hours));
    // Gold: monitoring 16 + redundancy 24 + load tests 12 + failover tests 8 + runbooks 8 h,
    // and on-call 10 h a month × 3 months = 98 h of operations; 50 % × 20 h of risk.
    assert_eq!(quote.effort.operations_hours, 98.0);
    assert_eq!(item("operations.on_call").hours, Some(30.0));
    assert_eq!(item("operations.failover_tests").hours, Some(8.0));
    assert_eq!(quote.effort.risk_hours, 10.0);
    // Money: the labour lines, the premiums, the fee and the tax add up to the total.
    let amount = |name: &str| item(name).amount_minor.unwrap();
    let labour: i64 = lines
        .iter()
        .filter(|l| l.item.starts_with("labour."))
        .map(|l| l.amount_minor.unwrap())
        .sum();
    let subtotal = labour + amount("premium.sla") + amount("premium.debt");
    assert_eq!(amount("subtotal"), subtotal);
    assert_eq!(
        amount("total"),
        subtotal + amount("fee.platform") + amount("tax")
    );
    assert_eq!(amount("total"), quote.price.p50_minor);
    // The same figures as fields of the price's parts.
    let parts = &quote.price.parts;
    assert_eq!(parts.labour_minor, labour);
    assert_eq!(parts.subtotal_minor, subtotal);
    assert_eq!(parts.gross_minor, subtotal + amount("fee.platform"));
    assert_eq!(parts.total_minor, amount("total"));
    assert_eq!(parts.hours, quote.effort.p50_hours);
    // The premiums: gold 20 %, debt 12 % is rated C → 10 %, each of the labour, rounded once.
    assert_eq!(amount("premium.sla"), (labour as f64 * 0.20).round() as i64);
    assert_eq!(
        amount("premium.debt"),
        (labour as f64 * 0.10).round() as i64
    );
    let gross = subtotal + amount("fee.platform");
    assert_eq!(gross, (subtotal as f64 / 0.9).round() as i64);
    assert_eq!(amount("tax"), (gross as f64 * 0.06).round() as i64);
    assert_eq!(quote.debt.as_ref().unwrap().rating, "C");
    // The tier adds no estimate of the build: its work is the operations, added whole.
    let weights: Vec<f64> = quote.effort.estimates.iter().map(|e| e.weight).collect();
    assert_eq!(weights, [0.25, 0.75]);
}

#[test]
fn unknown_tiers_platforms_and_languages_list_the_valid_ones() {
    let config = QuoteConfig::default();
    let mut bad = input();
    bad.sla_tier = Some("platinum".into());
    assert_eq!(
        estimate(&bad, &config).unwrap_err(),
        QuoteError::Unknown(
            "\"platinum\" is not a service tier: expected one of bronze, gold, silver".into()
        )
    );
    let mut bad = input();
    bad.platform = Some("fiverr".into());
    let err = estimate(&bad, &config).unwrap_err().to_string();
    assert!(err.contains("upwork") && err.contains("码市"), "{err}");
    let mut bad = input();
    bad.language = Some("Klingon".into());
    let err = estimate(&bad, &config).unwrap_err().to_string();
    assert!(
        err.contains("\"Klingon\" has no lines-per-function-point figure") && err.contains("Rust"),
        "{err}"
    );
    assert_eq!(
        estimate(&QuoteInput::default(), &config).unwrap_err(),
        QuoteError::NothingToEstimate
    );
}

#[test]
fn a_gate_summary_gives_the_debt_ratio() {
    let summary = r#"{"schema": "gigops.gate.summary/1", "debt": {"minutes": 95, "ratio": 0.012, "rating": "A"}}"#;
    let debt = gigops_quote::debt_from_gate_summary("summary.json", summary).unwrap();
    assert_eq!(debt.ratio, 0.012);
    let infinite = r#"{"schema": "gigops.gate.summary/1", "debt": {"minutes": 5, "ratio": null, "rating": "E"}}"#;
    assert!(
        gigops_quote::debt_from_gate_summary("s.json", infinite)
            .unwrap()
            .ratio
            .is_infinite()
    );
    let err = gigops_quote::debt_from_gate_summary(
        "s.json",
        r#"{"schema": "gigops.gate.summary/1", "debt": null}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("--no-debt"), "{err}");
    // A gate that did not measure debt says why (its summary's `debt_not_measured`).
    let err = gigops_quote::debt_from_gate_summary(
        "s.json",
        r#"{"schema": "gigops.gate.summary/1", "debt": null, "debt_not_measured": "no_findings"}"#,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "s.json: debt: the summary has no debt (no lint findings were given): expected `debt.ratio`"
    );
    let err =
        gigops_quote::debt_from_gate_summary("s.json", "{\n  \"schema\": oops\n}").unwrap_err();
    assert_eq!(err.0[0].line, 2);
    assert_eq!(err.0[0].column, "column 13");
    let err = gigops_quote::debt_from_gate_summary("s.json", r#"{"schema": "gigops.quote/1"}"#)
        .unwrap_err();
    assert!(err.to_string().contains("expected a gate summary"), "{err}");
}

#[test]
fn gsc_ratings_move_the_adjusted_points() {
    let config = QuoteConfig::default();
    let mut high = input();
    let mut gsc = Gsc::default();
    gsc.set("performance", 5).unwrap();
    gsc.set("online_update", 5).unwrap();
    high.gsc = gsc;
    let quote = estimate(&high, &config).unwrap();
    // ΣGSC = 42 + 4 = 46: VAF 1.11, AFP 27.75.
    assert!((quote.function_points.unwrap().afp - 27.75).abs() < 1e-9);
}
