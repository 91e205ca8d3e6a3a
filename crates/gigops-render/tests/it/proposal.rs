//! The proposal as HTML, PDF and in a real browser, in both languages, from a quote of the
//! Swagger Petstore with a diagram, benchmark evidence, scope and assumptions.

use std::path::Path;
use std::time::Duration;

use gigops_core::Lang;
use gigops_quote::montecarlo::Triangular;
use gigops_quote::proposal::{Proposal, ProposalInput, benchmark_evidence, proposal};
use gigops_quote::spec::Risk;
use gigops_quote::{QuoteConfig, QuoteInput, estimate, openapi};
use gigops_render::{proposal_html, proposal_pdf};

use crate::browser::{chromium, headless};
use crate::html::{assert_self_contained, decoded};
use crate::pdf::{cjk_font_installed, pdf_text};
use crate::support::{output_dir, run};

const DIAGRAM: &str = "flowchart LR
  app[Mobile app] -->|HTTPS| gw(API gateway)
  web[Web shop] -->|HTTPS| gw
  subgraph core [Petstore service]
    gw --> pets[订单服务<br>Pets and orders]
    gw --> users[Users]
    pets --> db[(PostgreSQL)]
    users --> db
    pets -.-> cache((Redis))
  end
  pets -- events --> mail[Mail provider]
";

const SUMMARY: &str = r#"{"schema": "gigops.gate.summary/1", "generated_at": "2025-06-30T10:00:00Z",
  "project": {"commit": "1f0c2ab", "branch": "main", "describe": "v1.4.0", "toolchains": [], "inputs": ["bench.txt"]},
  "tests": null, "coverage": null, "patch_coverage": null, "findings": null, "debt": null,
  "benchmarks": {"metrics": 3, "compared": 3, "regressions": 0, "worst_regression_percent": null},
  "gate": {"passed": true, "rules": []}}"#;

const COMPARISONS: &str = r#"{"schema": "gigops.gate.benchmarks/1", "generated_at": "2025-06-30T10:00:00Z",
  "alpha": 0.05, "baseline": true, "comparisons": [
    {"suite": "petstore", "name": "BenchmarkFindByStatus", "unit": "ns/op",
     "old": {"center": 48210.0, "n": 10, "min": 47000.0, "max": 50100.0},
     "new": {"center": 36180.5, "n": 10, "min": 35500.0, "max": 37000.0},
     "delta_percent": -24.95, "p_value": 0.0002, "significant": true, "regression_percent": -24.95, "note": null},
    {"suite": "petstore", "name": "BenchmarkFindByStatus", "unit": "B/op",
     "old": {"center": 5120.0, "n": 10, "min": 5120.0, "max": 5121.0},
     "new": {"center": 5121.0, "n": 10, "min": 5119.0, "max": 5122.0},
     "delta_percent": null, "p_value": 0.436, "significant": false, "regression_percent": null, "note": null},
    {"suite": "petstore", "name": "BenchmarkPlaceOrder", "unit": "MB/s",
     "old": {"center": 81.5, "n": 10, "min": 80.0, "max": 83.0},
     "new": {"center": 92.25, "n": 10, "min": 91.0, "max": 94.0},
     "delta_percent": 13.19, "p_value": 0.0002, "significant": true, "regression_percent": -13.19, "note": null}]}"#;

fn petstore() -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../gigops-quote/tests/fixtures/petstore3.yaml");
    std::fs::read_to_string(path).expect("the vendored Petstore")
}

/// A quote of the Petstore at the silver tier on Upwork with one risk, and everything a
/// proposal adds.
pub fn model(client: &str) -> Proposal {
    let text = petstore();
    let counted = openapi::count("petstore3.yaml", &text).unwrap();
    let input = QuoteInput {
        functions: counted.functions,
        api: counted.operations,
        sla_tier: Some("silver".into()),
        platform: Some("upwork".into()),
        risks: vec![Risk {
            name: "Payment sandbox unavailable".into(),
            probability: 0.3,
            impact_hours: Triangular {
                low: 8.0,
                mode: 16.0,
                high: 40.0,
            },
            source: "risks.yaml:1".into(),
        }],
        seed: 42,
        ..QuoteInput::default()
    };
    let mut config = QuoteConfig::default();
    config.tax.name = "VAT".into();
    config.tax.rate = 0.06;
    let quote = estimate(&input, &config).unwrap();
    proposal(
        ProposalInput {
            title: Some("Petstore API".into()),
            client: Some(client.into()),
            issued: jiff::civil::date(2025, 7, 1),
            scope: Some("The **Petstore API** as specified, with:\n\n- pets, orders and users\n- an admin report\n".into()),
            assumptions: Some("- The client provides the payment sandbox.\n".into()),
            api: Some(openapi::api_contract("petstore3.yaml", &text).unwrap()),
            diagram: Some(gigops_ingest::flowchart::parse("arch.mmd", DIAGRAM).unwrap()),
            benchmarks: Some(
                benchmark_evidence(
                    Some(("summary.json", SUMMARY)),
                    Some(("benchmarks.json", COMPARISONS)),
                )
                .unwrap(),
            ),
        },
        quote,
    )
}

fn money(minor: i64) -> String {
    gigops_render::format::money(minor, "USD").unwrap()
}

fn html(lang: Lang) -> (Proposal, String) {
    let model = model("杭州云栈科技 <script>alert(1)</script>");
    let html = proposal_html(&model, lang, None).expect("renders");
    std::fs::write(output_dir().join(format!("proposal.{lang}.html")), &html).unwrap();
    (model, html)
}

#[test]
fn the_html_is_self_contained_in_both_languages() {
    for lang in [Lang::En, Lang::ZhCn] {
        let (_, html) = html(lang);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("Content-Security-Policy"));
        assert_self_contained(&html);
        // The client's name is text, never markup.
        assert!(!html.contains("<script>alert"));
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
            "escaped"
        );
        // The diagram and the price range, inline.
        assert_eq!(html.matches("<svg ").count(), 2);
        assert!(html.contains(r#"id="chart-architecture""#));
    }
}

#[test]
fn the_html_shows_the_models_numbers() {
    let (model, html) = html(Lang::En);
    let html = decoded(&html);
    let q = &model.quote;
    let price = &q.price;
    for minor in [price.p10_minor, price.p50_minor, price.p90_minor] {
        assert!(html.contains(&money(minor)), "{}", money(minor));
    }
    for line in &price.breakdown {
        if let Some(amount) = line.amount_minor {
            assert!(
                html.contains(&money(amount)),
                "{}: {}",
                line.item,
                money(amount)
            );
        }
    }
    // The total is the P50 price, the last line of the breakdown.
    assert_eq!(
        price.breakdown.last().unwrap().amount_minor,
        Some(price.p50_minor)
    );
    for expected in [
        "<h1>Petstore API</h1>",
        "Valid until",
        // 30 days from 2025-07-01, that day included.
        "2025-07-30",
        "valid until 2025-07-30 (30 days from 2025-07-01)",
        // Function points: 109 UFP, VAF 1.07, AFP 116.6.
        "109.0",
        "1.07",
        "116.6",
        // The contract: a path, a required field, the built example.
        "/pet/{petId}",
        "photoUrls: array<string> (body)",
        "petId: integer/int64 (path)",
        "\"name\": \"doggie\"",
        "built from the schema",
        // Benchmarks: a significant change, a `~`, the run.
        "petstore BenchmarkFindByStatus",
        "-24.95%",
        "+13.19%",
        "~ (p=0.436)",
        "v1.4.0",
        // Factors of the price, in words.
        "Platform fee",
        "upwork keeps 10.0%",
        "VAT",
        "6.00% of",
        "Service-tier premium",
        "silver tier: 10.0% of labour",
        "Risk: Payment sandbox unavailable",
        "30.0% × 16.0 h",
        "Labour: senior developer",
        "70.0% of the hours × 90.00 USD/h",
        // The user's Markdown.
        "<strong>Petstore API</strong>",
        "The client provides the payment sandbox.",
        // The diagram's labels, both scripts.
        "订单服务",
        "Pets and orders",
        "PostgreSQL",
    ] {
        assert!(html.contains(expected), "missing {expected:?}");
    }
    let p50 = gigops_render::format::decimal(Some(q.effort.p50_hours), 1);
    assert!(html.contains(&p50), "P50 hours {p50}");
}

#[test]
fn the_chinese_html_is_translated() {
    let (model, html) = html(Lang::ZhCn);
    let html = decoded(&html);
    assert!(html.contains(r#"<html lang="zh-CN">"#));
    for expected in [
        "致 杭州云栈科技",
        "工作范围",
        "系统架构",
        "接口契约",
        "功能点",
        "估算区间",
        "报价明细",
        "性能基准证据",
        "假设与有效期",
        "有效期至",
        "平台服务费",
        "服务等级溢价",
        "人工：高级开发工程师",
        "按结构定义生成",
        "本建议书有效期至 2025-07-30",
        "“~”表示变化不显著",
    ] {
        assert!(html.contains(expected), "missing {expected:?}");
    }
    assert!(html.contains(&money(model.quote.price.p50_minor)));
    // No English working left in the breakdown.
    for english in [
        "grossed up",
        "of labour",
        "what the client pays",
        "Monte Carlo median",
    ] {
        assert!(!html.contains(english), "untranslated {english:?}");
    }
}

#[test]
fn an_empty_proposal_is_still_a_document() {
    let mut model = model("Acme");
    model.scope = None;
    model.assumptions = None;
    model.api = None;
    model.diagram = None;
    model.benchmarks = None;
    model.title = None;
    for lang in [Lang::En, Lang::ZhCn] {
        let html = proposal_html(&model, lang, None).unwrap();
        assert_self_contained(&html);
        let (title, scope, api) = match lang {
            Lang::En => (
                "<h1>Proposal</h1>",
                "No scope document was given.",
                "No OpenAPI document was given.",
            ),
            Lang::ZhCn => (
                "<h1>项目建议书</h1>",
                "未提供工作范围文档。",
                "未提供 OpenAPI 文档。",
            ),
        };
        assert!(
            html.contains(title) && html.contains(scope) && html.contains(api),
            "{lang}"
        );
        assert_eq!(html.matches("<svg ").count(), 1, "only the price range");
    }
}

#[test]
fn a_template_directory_overrides_the_layout() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("proposal.html"),
        "{% extends \"base.html\" %}{% block content %}<p id=\"mine\">{{ v.kpis[0].value }}</p>{% endblock %}",
    )
    .unwrap();
    let model = model("Acme");
    let html = proposal_html(&model, Lang::En, Some(dir.path())).unwrap();
    assert!(html.contains(&format!(
        "<p id=\"mine\">{}</p>",
        money(model.quote.price.p50_minor)
    )));
}

#[test]
fn the_pdf_has_the_price_in_both_languages() {
    let model = model("杭州云栈科技");
    let pdf = proposal_pdf(&model, Lang::En).expect("renders");
    assert!(pdf.starts_with(b"%PDF-"));
    let p50 = money(model.quote.price.p50_minor);
    if let Some(text) = pdf_text("proposal.en.pdf", &pdf) {
        for expected in [
            "Petstore API",
            p50.as_str(),
            "Price breakdown",
            "BenchmarkFindByStatus",
            "/pet/{petId}",
            "2025-07-30",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
    }
    if !cjk_font_installed() {
        assert!(proposal_pdf(&model, Lang::ZhCn).is_err());
        return;
    }
    let pdf = proposal_pdf(&model, Lang::ZhCn).expect("renders");
    if let Some(text) = pdf_text("proposal.zh-CN.pdf", &pdf) {
        for expected in [
            "工作范围",
            "报价明细",
            "杭州云栈科技",
            p50.as_str(),
            "本建议书有效期至",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
    }
}

#[test]
fn chromium_renders_the_proposal() {
    let Some(browser) = chromium() else {
        return; // not under CI: tools::chromium fails the test there
    };
    for lang in [Lang::En, Lang::ZhCn] {
        let (_, html) = html(lang);
        let path = output_dir().join(format!("proposal.browser.{lang}.html"));
        std::fs::write(&path, &html).unwrap();
        let url = format!("file://{}", path.display());
        let profile = tempfile::tempdir().unwrap();
        let mut dump = headless(&browser, profile.path());
        dump.arg("--dump-dom").arg(&url);
        let out = run(dump, Duration::from_secs(120));
        assert!(out.success, "chromium --dump-dom failed: {}", out.stderr);
        assert!(out.stdout.contains("chart-architecture"));
        let png = output_dir().join(format!("proposal.{lang}.png"));
        let _ = std::fs::remove_file(&png);
        let mut shot = headless(&browser, profile.path());
        shot.arg("--window-size=1280,9000")
            .arg(format!("--screenshot={}", png.display()))
            .arg(&url);
        let out = run(shot, Duration::from_secs(120));
        assert!(out.success, "chromium --screenshot failed: {}", out.stderr);
        let size = std::fs::metadata(&png).map(|m| m.len()).unwrap_or(0);
        assert!(
            size > 10_000,
            "screenshot {} is {size} bytes",
            png.display()
        );
    }
}
