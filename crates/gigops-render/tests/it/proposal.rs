//! The proposal as HTML, PDF and in a real browser, in both languages, from a quote of the
//! Swagger Petstore with a diagram, benchmark evidence, scope and assumptions.

use std::path::Path;
use std::time::Duration;

use crate::render::{proposal_html, proposal_pdf};
use gigops_core::Lang;
use gigops_quote::montecarlo::Triangular;
use gigops_quote::proposal::{Proposal, ProposalInput, benchmark_evidence, proposal};
use gigops_quote::spec::Risk;
use gigops_quote::{QuoteConfig, QuoteInput, estimate, openapi};

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
            diagram: Some(gigops_mermaid::parse("arch.mmd", DIAGRAM).unwrap()),
            benchmarks: Some(
                benchmark_evidence(
                    Some(("summary.json", SUMMARY)),
                    Some(("benchmarks.json", COMPARISONS)),
                )
                .unwrap(),
            ),
            contract_rows: QuoteConfig::default().contract_rows,
            appendix: None,
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
        // Function points: 86 UFP, VAF 1.07, AFP 92.0.
        "86.0",
        "1.07",
        "92.0",
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
        "70.0% of the hours × 65.00 USD/h",
        // The tier's own work, and the contract by tag.
        "Operations: failover tests",
        "Operations: on-call",
        "4.0 h a month × 3.0 months of support (silver tier)",
        "Operations by tag",
        r##"<a href="#api-1">pet</a>"##,
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

/// The visible text of an HTML document: without its style sheet and its SVG drawings (the
/// diagram's labels are the model's; a chart's axis ticks are a scale, not figures), tags
/// removed and entities decoded.
fn visible_text(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while !rest.is_empty() {
        let skip = [
            ("<style", "</style>"),
            ("<svg", "</svg>"),
            ("<title", "</title>"),
        ]
        .into_iter()
        .find(|(open, _)| rest.starts_with(open));
        if let Some((_, close)) = skip {
            let end = rest.find(close).map_or(rest.len(), |i| i + close.len());
            rest = &rest[end..];
        } else if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            rest = &rest[end..];
            text.push(' ');
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            text.push_str(&rest[..end]);
            rest = &rest[end..];
        }
    }
    decoded(&text)
}

/// The numbers written in a text, as (text, value, decimals, preceded by `<`): digits with
/// thousands separators and a decimal part, a sign in front; not a part of a word, a version
/// or a date (`P50`, `v1.4.0`, `2025-07-30` are read as text).
fn numbers(text: &str) -> Vec<(String, f64, usize, bool)> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit()
            && (i == 0
                || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '.' || chars[i - 1] == '_'));
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len()
            && (chars[j].is_ascii_digit()
                || (matches!(chars[j], ',' | '.')
                    && chars.get(j + 1).is_some_and(char::is_ascii_digit)))
        {
            j += 1;
        }
        let token: String = chars[i..j].iter().collect();
        let glued = chars.get(j).is_some_and(|c| {
            c.is_alphanumeric()
                || *c == '_'
                || (*c == '-' && chars.get(j + 1).is_some_and(char::is_ascii_digit))
        });
        let dots = token.matches('.').count();
        if !glued && dots <= 1 {
            let negative =
                i > 0 && chars[i - 1] == '-' && (i < 2 || !chars[i - 2].is_alphanumeric());
            let below = i > 0 && chars[i - 1] == '<';
            let digits = token.replace(',', "");
            let value: f64 = digits.parse().unwrap();
            let decimals = digits.split_once('.').map_or(0, |(_, d)| d.len());
            found.push((
                token,
                if negative { -value } else { value },
                decimals,
                below,
            ));
        }
        i = j.max(i + 1);
    }
    found
}

/// Every number of a JSON value, and those written inside its strings.
fn model_figures(value: &serde_json::Value, into: &mut Vec<f64>, strings: &mut Vec<String>) {
    match value {
        serde_json::Value::Number(n) => into.extend(n.as_f64()),
        serde_json::Value::String(s) => {
            into.extend(numbers(s).into_iter().map(|(_, v, _, _)| v));
            strings.push(s.clone());
        }
        serde_json::Value::Array(items) => {
            items.iter().for_each(|i| model_figures(i, into, strings))
        }
        serde_json::Value::Object(map) => {
            map.values().for_each(|v| model_figures(v, into, strings))
        }
        _ => {}
    }
}

/// The numbers of `text` that are no figure of the model: each must be one of its numbers in
/// the unit the model keeps it (minor units shown as major, shares as percent, per mille as
/// percent), rounded as shown; or written in one of its strings (a date, a version, an
/// example); or, after `<`, a bound some figure is below (`p<0.001`).
fn unexplained(text: &str, model: &serde_json::Value) -> Vec<String> {
    let (mut figures, mut strings) = (Vec::new(), Vec::new());
    model_figures(model, &mut figures, &mut strings);
    let mut unexplained = Vec::new();
    for (token, x, decimals, below) in numbers(text) {
        let tolerance = 0.5 * 10f64.powi(-(decimals as i32)) + 1e-9;
        let near = |n: f64| (n - x).abs() <= tolerance;
        let found = figures
            .iter()
            .any(|&n| near(n) || near(n / 100.0) || near(n * 100.0) || near(n / 10.0))
            || (below && figures.iter().any(|&n| n > 0.0 && n < x))
            || strings.iter().any(|s| s.contains(&token));
        if !found {
            let at = text.find(&token).unwrap_or(0);
            let start = (0..=at.saturating_sub(60))
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            let context: String = text[start..].chars().take(100).collect();
            unexplained.push(format!(
                "{token}: …{}…",
                context.split_whitespace().collect::<Vec<_>>().join(" ")
            ));
        }
    }
    unexplained
}

/// Issue 12: every figure the proposal shows is a field of its model, so that JSON, HTML and
/// PDF cannot disagree — nothing is added up or derived in the renderer or the template.
#[test]
fn every_figure_in_the_html_is_in_the_json_model() {
    for lang in [Lang::En, Lang::ZhCn] {
        let (model, html) = html(lang);
        let json = serde_json::to_value(&model).unwrap();
        // Names that hold digits: the models' names, not figures.
        let text = visible_text(&html)
            .replace("COCOMO 81", "COCOMO")
            .replace("II.2000", "II");
        // The check reads the document's figures (the price, hours, rates, counts, dates …).
        assert!(numbers(&text).len() > 150, "{}", numbers(&text).len());
        let left = unexplained(&text, &json);
        assert!(
            left.is_empty(),
            "{lang}: figures not in the model:\n{}",
            left.join("\n")
        );
    }
    // And it finds one that is not: a sum the renderer would have made.
    let (model, _) = html(Lang::En);
    let json = serde_json::to_value(&model).unwrap();
    let p = &model.quote.price.parts;
    let made_up = p.subtotal_minor + p.platform_fee.as_ref().unwrap().amount_minor + 1;
    let text = format!("total {}", money(made_up));
    assert_eq!(unexplained(&text, &json).len(), 1, "{text}");
}

/// A large API (1,000 operations in 40 tags): the proposal lists the tags with their counts and
/// says where the full table is; the appendix has every operation, grouped by tag.
#[test]
fn a_large_contract_is_summarised_with_an_appendix() {
    let mut doc = String::from("openapi: 3.0.3\ninfo: {title: Big API, version: '1'}\ntags:\n");
    for tag in 0..40 {
        doc.push_str(&format!(
            "  - {{name: area{tag:02}, description: Area {tag} of the API}}\n"
        ));
    }
    doc.push_str("paths:\n");
    for op in 0..500 {
        let tag = op % 40;
        doc.push_str(&format!(
            "  /area{tag:02}/items{op}:\n    get:\n      tags: [area{tag:02}]\n      operationId: get{op}\n      summary: Read item {op}\n      responses:\n        '200':\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Item'}}\n    put:\n      tags: [area{tag:02}]\n      operationId: put{op}\n      summary: Write item {op}\n      requestBody:\n        content:\n          application/json:\n            schema: {{$ref: '#/components/schemas/Item'}}\n      responses:\n        '204': {{description: written}}\n"
        ));
    }
    doc.push_str("components:\n  schemas:\n    Item:\n      type: object\n      required: [name]\n      properties:\n        id: {type: integer}\n        name: {type: string, example: widget}\n");
    let counted = openapi::count("big.yaml", &doc).unwrap();
    assert_eq!(counted.operations.len(), 1000);
    let quote = estimate(
        &QuoteInput {
            functions: counted.functions,
            seed: 1,
            ..QuoteInput::default()
        },
        &QuoteConfig::default(),
    )
    .unwrap();
    let model = proposal(
        ProposalInput {
            title: Some("Big API".into()),
            client: None,
            issued: jiff::civil::date(2025, 7, 1),
            scope: None,
            assumptions: None,
            api: Some(openapi::api_contract("big.yaml", &doc).unwrap()),
            diagram: None,
            benchmarks: None,
            contract_rows: 40,
            appendix: Some("big.api.html".into()),
        },
        quote,
    );
    let index = model.api_index.as_ref().unwrap();
    assert!(!index.full);
    assert_eq!(index.groups.len(), 40);
    assert_eq!(index.groups[0].operations, 26);
    for lang in [Lang::En, Lang::ZhCn] {
        let html = proposal_html(&model, lang, None).unwrap();
        std::fs::write(
            output_dir().join(format!("proposal.big.{lang}.html")),
            &html,
        )
        .unwrap();
        let text = decoded(&html);
        // The index only: no operation's row, the file named.
        assert!(!text.contains("/area00/items0"), "{lang}");
        assert!(text.contains("area39"), "{lang}");
        assert!(text.contains("big.api.html"), "{lang}");
        let appendix = crate::render::proposal_api_html(&model, lang, None).unwrap();
        assert_self_contained(&appendix);
        std::fs::write(
            output_dir().join(format!("proposal.big.api.{lang}.html")),
            &appendix,
        )
        .unwrap();
        let text = decoded(&appendix);
        assert_eq!(
            text.matches("<tbody class=\"operation\">").count(),
            1000,
            "{lang}"
        );
        assert!(text.contains(r#"<h3 id="api-40">area39</h3>"#), "{lang}");
        // No diagram or chart: the appendix is the contract alone.
        assert!(!text.contains("<svg"));
    }
    // The PDF of the summary is a few pages, not hundreds (pdftotext ends each page with a
    // form feed).
    let pdf = proposal_pdf(&model, Lang::En).unwrap();
    std::fs::write(output_dir().join("proposal.big.en.pdf"), &pdf).unwrap();
    if let Some(text) = pdf_text("proposal.big.en.pdf", &pdf) {
        let pages = text.matches('\u{c}').count();
        assert!(pages <= 8, "{pages} pages");
        assert!(text.contains("big.api.html"), "{text}");
    }
}
