//! The gate report as HTML: every figure it shows is a figure of the model it is rendered from
//! (the `GateReport`, as JSON), and coverage per package and findings per rule are in the
//! summary (summary.json) too — none is computed by the renderer.

use std::collections::BTreeMap;

use gigops_core::Lang;
use gigops_core::evidence::{
    BenchMetric, Benchmark, BenchmarkSet, Coverage, CoverageUnit, Evidence, FileCoverage, Finding,
    FindingLevel, Findings, SuiteError, SuiteErrorKind, TestCase, TestRun, TestStatus,
};
use gigops_core::project::{ChangeFrequency, ChangeWindow, CodeSize, Toolchain};
use gigops_gate::debt::DebtConfig;
use gigops_gate::summary::{PatchCoverage, PatchFile, Project, Selection};
use gigops_gate::{GateReport, Policy, Run};
use serde_json::Value;

use crate::html::decoded;
use crate::support::output_dir;

fn case(name: &str, status: TestStatus, seconds: f64) -> TestCase {
    TestCase {
        suite: "example.com/shop/calc".into(),
        name: name.into(),
        status,
        duration_seconds: Some(seconds),
        output: if status == TestStatus::Failed {
            "calc_test.go:14: got 4, want 5".into()
        } else {
            "".into()
        },
        cached: false,
        flaky: false,
    }
}

fn finding(rule: &str, level: FindingLevel, path: &str, line: u32, score: Option<f64>) -> Finding {
    Finding {
        tool: "golangci-lint".into(),
        rule: rule.into(),
        level,
        security_severity: score,
        message: format!("{rule} says so"),
        path: Some(path.into()),
        line: Some(line),
        column: Some(7),
    }
}

fn bench(name: &str, values: &[f64]) -> BenchmarkSet {
    BenchmarkSet {
        benchmarks: vec![Benchmark {
            suite: "example.com/shop/calc".into(),
            name: name.into(),
            metrics: vec![BenchMetric {
                unit: "ns/op".into(),
                values: values.to_vec(),
            }],
        }],
    }
}

/// A run with every section of the report filled, its figures chosen so that no two of them
/// are alike by chance.
fn report() -> GateReport {
    let tests = TestRun {
        cases: vec![
            case("TestAdd", TestStatus::Passed, 0.311),
            case("TestSign", TestStatus::Passed, 0.0074),
            case("TestParse", TestStatus::Passed, 1.842),
            case("TestDiv", TestStatus::Failed, 0.0532),
            case("TestTiny", TestStatus::Passed, 0.00043),
            case("TestZero", TestStatus::Passed, 0.0),
            case("TestLater", TestStatus::Skipped, 0.0),
        ],
        errors: vec![SuiteError {
            suite: "example.com/shop/broken".into(),
            kind: SuiteErrorKind::BuildFailure,
            output: "broken.go:3:1: syntax error".into(),
        }],
        ..TestRun::default()
    };
    let file = |path: &str, covered, total| FileCoverage {
        path: format!("example.com/shop/{path}"),
        covered,
        total,
        lines: Vec::new(),
    };
    let coverage = Coverage {
        unit: CoverageUnit::Statements,
        files: vec![
            file("calc/calc.go", 143, 167),
            file("calc/div.go", 19, 61),
            file("util/util.go", 37, 43),
        ],
        counted_whole: Vec::new(),
    };
    let findings = Findings {
        findings: vec![
            finding("G101", FindingLevel::Error, "calc/calc.go", 41, Some(8.8)),
            finding("errcheck", FindingLevel::Warning, "calc/div.go", 23, None),
            finding("errcheck", FindingLevel::Warning, "util/util.go", 58, None),
            finding("godot", FindingLevel::Note, "calc/calc.go", 96, None),
        ],
    };
    let size = CodeSize {
        files: 9,
        code: 1234,
        comments: 311,
        blanks: 150,
        ..CodeSize::default()
    };
    let changes = ChangeFrequency {
        window: ChangeWindow {
            since: "2026-08-25T10:00:00Z".into(),
            until: "2026-11-23T10:00:00Z".into(),
            days: 90,
            commits: 27,
            shallow: false,
        },
        files: BTreeMap::from([
            ("calc/calc.go".to_string(), 13),
            ("calc/div.go".to_string(), 6),
        ]),
    };
    let config = DebtConfig::default();
    let debt = gigops_gate::debt::assess(&findings, &size, Some(&changes), &config);
    let old = bench("BenchmarkAdd", &[1204.0, 1190.0, 1211.0, 1198.0, 1207.0]);
    let policy = Policy {
        min_coverage: Some(80.0),
        ..Policy::default()
    };
    let run = Run {
        evidence: Evidence {
            tests: Some(tests),
            coverage: Some(coverage),
            findings: Some(findings),
            benchmarks: Some(bench("BenchmarkAdd", &[903.5, 911.0, 897.0, 905.0, 899.0])),
        },
        project: Project {
            repository: Some("https://github.com/acme/shop.git".into()),
            commit: Some("4f1c2e9".into()),
            branch: Some("main".into()),
            describe: Some("v1.4.0-rc.2".into()),
            toolchains: vec![Toolchain {
                name: "go".into(),
                version: Some("1.19.8".into()),
                declared: Some("1.19".into()),
            }],
            inputs: vec!["test.json".into(), "cover.out".into(), "lint.sarif".into()],
        },
        generated_at: "2026-11-23T10:00:00Z".into(),
        baseline: None,
        old_benchmarks: Some(&old),
        patch: Some(PatchCoverage {
            base: "origin/main".into(),
            covered: 17,
            total: 26,
            percent: Some(100.0 * 17.0 / 26.0),
            files: vec![PatchFile {
                path: "calc/div.go".into(),
                covered: 17,
                total: 26,
                uncovered_lines: vec![31, 32],
            }],
        }),
        debt: Ok(debt),
        silent_failures: Vec::new(),
        test_command: true,
        selection: Some(Selection {
            complete: false,
            filters: vec!["./calc/...".into()],
        }),
    };
    gigops_gate::assess(&policy, run).expect("the policy is valid")
}

/// Everything the model holds: its numbers, and its strings (names, paths, versions, times).
struct Model {
    numbers: Vec<f64>,
    strings: Vec<String>,
}

impl Model {
    fn of(value: &Value) -> Model {
        let mut model = Model {
            numbers: Vec::new(),
            strings: Vec::new(),
        };
        model.collect(value);
        model
    }

    fn collect(&mut self, value: &Value) {
        match value {
            Value::Number(n) => self.numbers.extend(n.as_f64()),
            Value::String(s) => self.strings.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|v| self.collect(v)),
            Value::Object(map) => map.values().for_each(|v| self.collect(v)),
            _ => {}
        }
    }

    /// Whether the figure `text` (`58.3`, `311`, `0.43`) is one of the model's numbers as the
    /// report writes it: rounded to as many decimals as it shows, as it is, as a percentage of
    /// a fraction, or in milliseconds of seconds.
    fn has_number(&self, text: &str) -> bool {
        let Ok(shown) = text.parse::<f64>() else {
            return false;
        };
        let decimals = text.split_once('.').map_or(0, |(_, d)| d.len()) as i32;
        let round = |x: f64| (x * 10f64.powi(decimals)).round() / 10f64.powi(decimals);
        self.numbers.iter().any(|&n| {
            [n, n * 100.0, n * 1000.0]
                .iter()
                .any(|&v| (round(v.abs()) - shown).abs() < 1e-9)
        })
    }

    /// Whether `text` is one of the model's strings, or a word of one (a figure in a test's
    /// output, a rule's sentence values).
    fn has_string(&self, text: &str) -> bool {
        self.strings.iter().any(|s| {
            s == text
                || s.split_whitespace()
                    .any(|w| w.trim_matches(|c: char| !c.is_alphanumeric()) == text)
        })
    }
}

/// `html` without its `open … close` elements.
fn without(html: &str, open: &str, close: &str) -> String {
    let mut kept = String::new();
    let mut rest = html;
    while let Some(start) = rest.find(open) {
        kept.push_str(&rest[..start]);
        rest = rest[start..]
            .find(close)
            .map_or("", |end| &rest[start + end + close.len()..]);
    }
    kept.push_str(rest);
    kept
}

/// The text a person reads in the HTML: no style sheet, no SVG drawing (the ring's percentage
/// is also a headline figure), no tags, entities decoded.
fn visible_text(html: &str) -> String {
    let html = without(&without(html, "<style", "</style>"), "<svg", "</svg>");
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    decoded(&out)
}

/// The figures of `text` that are not in the model: each word that holds a digit must be a
/// string of the model (a test name, a version, a time) or a number of it; work times
/// (`3 h 5 min`) are read as their minutes.
fn figures_not_in(text: &str, model: &Model) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut missing = Vec::new();
    let mut i = 0;
    while i < words.len() {
        // "2 d 3 h", "3 h 5 min", "45 min": one figure, in minutes (a day of 8 hours).
        let unit = |k: usize| words.get(i + k).copied();
        let minutes = match (unit(1), unit(3)) {
            (Some("d"), Some("h")) => Some((480, 60, 4)),
            (Some("h"), Some("min")) => Some((60, 1, 4)),
            (Some("min"), _) => Some((1, 0, 2)),
            _ => None,
        };
        if let Some((first, second, len)) = minutes
            && let Ok(a) = words[i].parse::<u64>()
        {
            let b = if len == 4 {
                words[i + 2].parse::<u64>().unwrap_or(u64::MAX)
            } else {
                0
            };
            // Days and hours drop the minutes below the hour.
            let total = a * first + b * second;
            let found = model.numbers.iter().any(|&n| {
                let n = n as u64;
                if first == 480 {
                    n / 60 == total / 60
                } else {
                    n == total
                }
            });
            if !found {
                missing.push(words[i..i + len].join(" "));
            }
            i += len;
            continue;
        }
        let word = words[i].trim_matches(|c: char| !c.is_alphanumeric());
        i += 1;
        if !word.chars().any(|c| c.is_ascii_digit()) || model.has_string(word) {
            continue;
        }
        // `calc/div.go:23:7`, `(n=5)`, `+24.96`, `个测试失败，1`: each part on its own.
        for part in word.split(|c: char| !c.is_ascii() || ":=()+-".contains(c)) {
            if part.chars().any(|c| c.is_ascii_digit())
                && !model.has_string(part)
                && !model.has_number(part.trim_end_matches('%'))
            {
                missing.push(word.to_string());
            }
        }
    }
    missing
}

#[test]
fn every_figure_in_the_report_is_in_the_model() {
    let report = report();
    let model = Model::of(&serde_json::to_value(&report).unwrap());
    for lang in [Lang::En, Lang::ZhCn] {
        let html = crate::render::gate_report_html(&report, lang, None).expect("renders");
        std::fs::write(output_dir().join(format!("gate_report.{lang}.html")), &html).unwrap();
        let text = visible_text(&html);
        let missing = figures_not_in(&text, &model);
        assert!(
            missing.is_empty(),
            "{lang}: not in the model: {missing:?}\n{text}"
        );
        // The figures this test is about are really there.
        for figure in [
            "85.6 %", "31.1 %", "311 ms", "7.4 ms", "0.43 ms", "1.84 s", "65.4 %", "32 min",
        ] {
            assert!(text.contains(figure), "{lang}: {figure} not shown");
        }
    }
    // A figure the model does not have is found.
    assert_eq!(
        figures_not_in("coverage 47.11 % over 4711 statements", &model),
        ["47.11", "4711"]
    );
}

#[test]
fn packages_and_rules_are_in_the_summary_as_the_report_shows_them() {
    let report = report();
    let summary = serde_json::to_value(&report.summary).unwrap();
    // calc: 143 + 19 of 167 + 61 = 162 of 228 (71.05 %); util: 37 of 43 (86.05 %).
    assert_eq!(
        summary["coverage_by_package"],
        serde_json::json!([
            {"name": "example.com/shop/calc", "covered": 162, "total": 228, "percent": 100.0 * 162.0 / 228.0},
            {"name": "example.com/shop/util", "covered": 37, "total": 43, "percent": 100.0 * 37.0 / 43.0}
        ])
    );
    assert_eq!(
        summary["findings_by_rule"],
        serde_json::json!([
            {"tool": "golangci-lint", "rule": "G101", "level": "error", "count": 1, "security_severity": 8.8},
            {"tool": "golangci-lint", "rule": "errcheck", "level": "warning", "count": 2, "security_severity": null},
            {"tool": "golangci-lint", "rule": "godot", "level": "note", "count": 1, "security_severity": null}
        ])
    );
    assert_eq!(summary["findings_total"], 4);
    let html = decoded(&crate::render::gate_report_html(&report, Lang::En, None).unwrap());
    for shown in ["71.1 %", "86.0 %", "errcheck"] {
        assert!(html.contains(shown), "{shown}");
    }
    let markdown = crate::render::gate_summary_markdown(&report, Lang::En).unwrap();
    for row in [
        "| `example.com/shop/calc` | 162 | 228 | 71.1 % |",
        "| golangci-lint | `errcheck` | warning | 2 |",
    ] {
        assert!(markdown.contains(row), "{row} not in\n{markdown}");
    }
}

#[test]
fn a_suite_that_failed_as_a_whole_says_why_in_the_readers_language() {
    let report = report();
    for (lang, said) in [(Lang::En, "build failed"), (Lang::ZhCn, "构建失败")] {
        let html = decoded(&crate::render::gate_report_html(&report, lang, None).unwrap());
        let markdown = crate::render::gate_summary_markdown(&report, lang).unwrap();
        for (what, text) in [("HTML", &html), ("Markdown", &markdown)] {
            assert!(text.contains(said), "{lang} {what} lacks {said:?}");
            assert!(
                !text.contains("buildfailure"),
                "{lang} {what} shows the Rust name"
            );
        }
    }
}

/// The gate report as a PDF, in both languages: the verdict, the rules, a failed test with its
/// output, coverage by package, findings and benchmarks, as `pdftotext` reads them back; a test
/// name that looks like typst markup is shown, not evaluated.
#[test]
fn the_gate_report_pdf_has_the_verdict_and_the_figures_in_both_languages() {
    let mut report = report();
    assert!(!report.failures.is_empty());
    report.failures[0].name = r#"TestX/#panic("x")"#.into();
    for (lang, expected) in [
        (
            Lang::En,
            &[
                "Delivery evidence",
                "Gate failed",
                "coverage.total",
                "calc_test.go:14: got 4, want 5",
                "example.com/shop/calc",
                "71.1 %",
                "errcheck",
                r#"TestX/#panic("x")"#,
            ][..],
        ),
        (
            Lang::ZhCn,
            &[
                "交付证据",
                "门禁未通过",
                "coverage.total",
                "71.1 %",
                "errcheck",
                r#"TestX/#panic("x")"#,
            ][..],
        ),
    ] {
        let result = crate::render::gate_report_pdf(&report, lang);
        if lang == Lang::ZhCn && !crate::pdf::cjk_font_installed() {
            assert!(matches!(
                result,
                Err(gigops_render::RenderError::MissingCjkFont { .. })
            ));
            continue;
        }
        let pdf = result.expect("renders");
        assert!(pdf.starts_with(b"%PDF-"));
        let Some(text) = crate::pdf::pdf_text(&format!("gate_report.{lang}.pdf"), &pdf) else {
            return;
        };
        for shown in expected {
            assert!(text.contains(shown), "{lang}: {shown:?} not in\n{text}");
        }
    }
}
