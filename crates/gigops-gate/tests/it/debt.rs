//! Technical debt computed from given facts: pricing, sums by rule and file, hotspots, ratings
//! and the configuration. The facts themselves (tokei sizing, git history) are read, and set
//! against this computation over real trees, in gigops-env's tests.

use std::collections::BTreeMap;
use std::path::PathBuf;

use gigops_core::evidence::{Finding, FindingLevel, Findings};
use gigops_core::project::{ChangeFrequency, ChangeWindow, CodeSize};
use gigops_gate::debt::{DebtConfig, Hotspot, MINUTES_PER_LINE, Rating, RuleMinutes, assess};
use proptest::prelude::*;

fn finding(
    tool: &str,
    rule: &str,
    level: FindingLevel,
    security_severity: Option<f64>,
    path: Option<&str>,
) -> Finding {
    Finding {
        tool: tool.into(),
        rule: rule.into(),
        level,
        security_severity,
        message: String::new(),
        path: path.map(String::from),
        line: None,
        column: None,
    }
}

fn counts(pairs: &[(&str, u32)]) -> BTreeMap<String, u32> {
    pairs.iter().map(|(p, n)| (p.to_string(), *n)).collect()
}

// ---------------------------------------------------------------------------------------------
// Pricing

fn rules(pairs: &[(&str, u32)]) -> RuleMinutes {
    RuleMinutes::new(pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()).unwrap()
}

#[test]
fn each_finding_is_priced_by_rule_then_level_and_security() {
    let config = DebtConfig {
        rules: rules(&[
            ("clippy::unwrap_used", 1),
            ("clippy::*", 3),
            ("clippy::unwrap*", 4),
        ]),
        ..DebtConfig::default()
    };
    let price = |rule: &str, level, security| {
        config.remediation_minutes(&finding("t", rule, level, security, None))
    };
    use FindingLevel::{Error, Note, Warning};
    // An exact id wins over patterns, and over the security band.
    assert_eq!(price("clippy::unwrap_used", Warning, None), 1);
    assert_eq!(price("clippy::unwrap_used", Error, Some(9.9)), 1);
    // Both patterns match; the longer, `clippy::unwrap*`, wins.
    assert_eq!(price("clippy::unwrap_or_default", Warning, None), 4);
    assert_eq!(price("clippy::needless_return", Note, None), 3);
    // No rule: the level's minutes (15 / 5 / 2 by default) …
    assert_eq!(price("errcheck", Error, None), 15);
    assert_eq!(price("errcheck", Warning, None), 5);
    assert_eq!(price("errcheck", Note, None), 2);
    // … raised to the security band's (30 / 20 / 10 / 5) when that is more.
    assert_eq!(price("G101", Warning, Some(9.8)), 30);
    assert_eq!(price("S3649", Note, Some(7.0)), 20);
    assert_eq!(price("G", Warning, Some(8.99)), 20);
    assert_eq!(price("G", Warning, Some(4.0)), 10);
    assert_eq!(price("G", Error, Some(2.0)), 15);
    // 0.0 is CVSS "none": no band.
    assert_eq!(price("G", Note, Some(0.0)), 2);
}

#[test]
fn debt_is_summed_by_rule_and_by_file_with_paths_made_relative() {
    let size = CodeSize {
        code: 1000,
        roots: vec![PathBuf::from("/ci/proj")],
        ..CodeSize::default()
    };
    use FindingLevel::{Error, Note, Warning};
    let findings = Findings {
        findings: vec![
            // The same file three ways: 3 × 15.
            finding("golangci-lint", "errcheck", Error, None, Some("src/a.go")),
            finding("golangci-lint", "errcheck", Error, None, Some("./src/a.go")),
            finding(
                "golangci-lint",
                "errcheck",
                Error,
                None,
                Some("/ci/proj/src/a.go"),
            ),
            // 5 + 2 + 30 (critical band).
            finding("golangci-lint", "revive", Warning, None, Some("src/b.go")),
            finding("golangci-lint", "revive", Note, None, Some("src/b.go")),
            finding("gosec", "G101", Warning, Some(9.8), Some("src/b.go")),
            // 2, with no file.
            finding("ruff", "E501", Note, None, None),
        ],
    };
    let debt = assess(&findings, &size, None, &DebtConfig::default());
    assert_eq!(debt.minutes, 45 + 37 + 2);
    assert_eq!(debt.development_minutes, 1000 * MINUTES_PER_LINE);
    assert_eq!(debt.ratio, 84.0 / 30_000.0);
    assert_eq!(debt.rating, Rating::A);
    assert_eq!(debt.unlocated_minutes, 2);

    let by_file: Vec<(&str, u64, u64)> = debt
        .by_file
        .iter()
        .map(|f| (f.path.as_str(), f.minutes, f.findings))
        .collect();
    assert_eq!(by_file, [("src/a.go", 45, 3), ("src/b.go", 37, 3)]);

    let by_rule: Vec<(&str, &str, FindingLevel, u64, u64)> = debt
        .by_rule
        .iter()
        .map(|r| {
            (
                r.tool.as_str(),
                r.rule.as_str(),
                r.level,
                r.count,
                r.minutes,
            )
        })
        .collect();
    assert_eq!(
        by_rule,
        [
            ("golangci-lint", "errcheck", Error, 3, 45),
            ("gosec", "G101", Warning, 1, 30),
            ("golangci-lint", "revive", Warning, 1, 5),
            // Two at 2 minutes: by tool.
            ("golangci-lint", "revive", Note, 1, 2),
            ("ruff", "E501", Note, 1, 2),
        ]
    );
    assert!(debt.hotspots.is_empty());
    assert_eq!(debt.hotspot_window, None);
}

#[test]
fn hotspots_rank_debt_times_changes() {
    use FindingLevel::{Error, Note, Warning};
    let warnings = |path: &'static str, n: usize| {
        (0..n).map(move |_| finding("lint", "w", Warning, None, Some(path)))
    };
    let mut findings: Vec<Finding> = Vec::new();
    findings.extend(warnings("p.go", 4)); // 20 minutes
    findings.push(finding("lint", "e", Error, None, Some("q.go"))); // 15
    findings.extend(warnings("r.go", 2)); // 10
    findings.push(finding("lint", "n", Note, None, Some("s.go"))); // 2
    findings.extend(warnings("t.go", 1)); // 5, never changed
    let changes = ChangeFrequency {
        window: ChangeWindow::default(),
        // u.go changed most but has no debt.
        files: counts(&[
            ("p.go", 1),
            ("q.go", 4),
            ("r.go", 7),
            ("s.go", 30),
            ("u.go", 9),
        ]),
    };
    let size = CodeSize {
        code: 10_000,
        ..CodeSize::default()
    };
    let mut config = DebtConfig::default();
    let debt = assess(
        &Findings {
            findings: findings.clone(),
        },
        &size,
        Some(&changes),
        &config,
    );
    let hotspot = |path: &str, debt_minutes, changes, score| Hotspot {
        path: path.into(),
        debt_minutes,
        changes,
        score,
    };
    // By debt the order would be p, q, r, s; by changes s, r, q, p. By both:
    // r 10 × 7 = 70, q 15 × 4 = 60, s 2 × 30 = 60 (after q by path), p 20 × 1 = 20.
    assert_eq!(
        debt.hotspots,
        [
            hotspot("r.go", 10, 7, 70),
            hotspot("q.go", 15, 4, 60),
            hotspot("s.go", 2, 30, 60),
            hotspot("p.go", 20, 1, 20),
        ]
    );
    assert_eq!(debt.hotspot_window, Some(ChangeWindow::default()));

    config.hotspot_limit = 2;
    let debt = assess(&Findings { findings }, &size, Some(&changes), &config);
    let paths: Vec<&str> = debt.hotspots.iter().map(|h| h.path.as_str()).collect();
    assert_eq!(paths, ["r.go", "q.go"]);
}

// ---------------------------------------------------------------------------------------------
// Rating

#[test]
fn rating_boundaries_are_exact() {
    // 100 lines cost 3,000 minutes to write: 5 % is 150 minutes, 10 % 300, 20 % 600, 50 % 1,500.
    let cases = [
        (0, Rating::A),
        (150, Rating::A),
        (151, Rating::B),
        (299, Rating::B),
        (300, Rating::C),
        (599, Rating::C),
        (600, Rating::D),
        (1499, Rating::D),
        (1500, Rating::E),
    ];
    let size = CodeSize {
        code: 100,
        ..CodeSize::default()
    };
    for (minutes, rating) in cases {
        assert_eq!(Rating::of(minutes, 100), rating, "{minutes} minutes");
        // The same through assess: one finding of a rule priced at exactly `minutes`.
        let config = DebtConfig {
            rules: rules(&[("r", minutes as u32)]),
            ..DebtConfig::default()
        };
        let findings = Findings {
            findings: vec![finding("t", "r", FindingLevel::Note, None, None)],
        };
        assert_eq!(assess(&findings, &size, None, &config).rating, rating);
    }
}

#[test]
fn no_code_is_rated_a_without_debt_and_e_with_it() {
    let empty = CodeSize::default();
    let debt = assess(&Findings::default(), &empty, None, &DebtConfig::default());
    assert_eq!((debt.ratio, debt.rating), (0.0, Rating::A));

    let findings = Findings {
        findings: vec![finding("t", "r", FindingLevel::Note, None, None)],
    };
    let debt = assess(&findings, &empty, None, &DebtConfig::default());
    assert_eq!(debt.rating, Rating::E);
    assert_eq!(debt.ratio, f64::INFINITY);
    // JSON has no infinity: written and read back as null.
    let json = serde_json::to_value(&debt).unwrap();
    assert_eq!(json["ratio"], serde_json::Value::Null);
    let back: gigops_gate::debt::Debt = serde_json::from_value(json).unwrap();
    assert_eq!(back, debt);
}

proptest! {
    #[test]
    fn more_debt_never_rates_better(minutes in 0u64..2_000_000, extra in 0u64..100_000,
                                    lines in 0u64..100_000) {
        prop_assert!(Rating::of(minutes, lines) <= Rating::of(minutes + extra, lines));
        // And more code under the same debt never rates worse.
        prop_assert!(Rating::of(minutes, lines + extra) <= Rating::of(minutes, lines));
    }
}

// ---------------------------------------------------------------------------------------------
// Serialization

#[test]
fn config_reads_partial_tables_and_rejects_unknown_keys() {
    let config: DebtConfig = serde_json::from_str(
        r#"{
            "minutes": {"error": 20},
            "rules": {"errcheck": 7, "clippy::*": 3},
            "hotspot_window_days": 30,
            "exclude": ["vendor"]
        }"#,
    )
    .unwrap();
    assert_eq!(config.minutes.error, 20);
    // The rest keeps its defaults.
    assert_eq!(
        config.minutes.warning,
        DebtConfig::default().minutes.warning
    );
    assert_eq!(config.security, DebtConfig::default().security);
    assert_eq!(config.hotspot_limit, 10);
    assert_eq!(config.hotspot_window_days, 30);
    assert_eq!(config.rules.get("clippy::todo"), Some(3));
    assert_eq!(config.rules.get("errcheck"), Some(7));
    assert_eq!(config.rules.get("unused"), None);

    // Written and read back, it is the same config.
    let json = serde_json::to_string(&config).unwrap();
    assert_eq!(serde_json::from_str::<DebtConfig>(&json).unwrap(), config);

    for bad in [
        r#"{"hotspot_days": 30}"#,
        r#"{"minutes": {"fatal": 60}}"#,
        r#"{"security": {"severe": 60}}"#,
    ] {
        let error = serde_json::from_str::<DebtConfig>(bad).unwrap_err();
        assert!(
            error.to_string().contains("unknown field"),
            "{bad}: {error}"
        );
    }
    let error = serde_json::from_str::<DebtConfig>(r#"{"rules": {"clippy::[": 3}}"#).unwrap_err();
    assert!(error.to_string().contains("clippy::["), "{error}");
}

#[test]
fn ratings_are_written_as_letters() {
    assert_eq!(serde_json::to_string(&Rating::B).unwrap(), r#""B""#);
    assert_eq!(serde_json::from_str::<Rating>(r#""E""#).unwrap(), Rating::E);
    assert_eq!(Rating::C.to_string(), "C");
    assert_eq!("d".parse::<Rating>(), Ok(Rating::D));
    assert!("F".parse::<Rating>().is_err());
    assert!(Rating::A < Rating::E);
}
