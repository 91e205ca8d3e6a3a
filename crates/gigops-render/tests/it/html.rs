//! The market report as HTML.

use crate::render::{market_report_html, market_report_html_on};
use gigops_core::Lang;
use gigops_pipeline::report::ReasonCount;
use gigops_render::RenderError;

use crate::support::{GENERATED, empty_report, output_dir, report};

fn html(lang: Lang) -> String {
    let html = market_report_html_on(&report(), lang, None, GENERATED).expect("renders");
    let name = format!("market_report.{lang}.html");
    std::fs::write(output_dir().join(name), &html).expect("write");
    html
}

/// Every value of a `src`, `href` or `srcset` attribute and of a CSS `url(...)`.
fn references(html: &str) -> Vec<String> {
    let lower = html.to_lowercase();
    let mut refs = Vec::new();
    for marker in ["src=", "href=", "srcset=", "url(", "@import"] {
        let mut rest = lower.as_str();
        while let Some(i) = rest.find(marker) {
            let after = &rest[i + marker.len()..];
            let value: String = after
                .trim_start_matches(['"', '\'', ' '])
                .chars()
                .take_while(|c| !matches!(c, '"' | '\'' | ')' | ' ' | '>'))
                .collect();
            refs.push(format!("{marker}{value}"));
            rest = after;
        }
    }
    refs
}

/// The HTML with minijinja's entity escapes decoded, for looking up visible text.
pub fn decoded(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

pub fn assert_self_contained(html: &str) {
    let refs = references(html);
    for r in &refs {
        let value = r.split_once(['=', '(']).map_or("", |(_, v)| v);
        assert!(
            !(value.starts_with("http:") || value.starts_with("https:") || value.starts_with("//")),
            "external reference {r}"
        );
    }
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "no script at all");
    assert!(
        !lower.contains("<link"),
        "no linked stylesheet, icon or preload"
    );
    assert!(!lower.contains("<iframe") && !lower.contains("<object") && !lower.contains("<embed"));
    assert!(!lower.contains("<img"), "charts are inline SVG, not images");
    // The only URLs in the file are XML namespace names, which are never fetched.
    let urls = lower.matches("http://").count() + lower.matches("https://").count();
    let namespaces = lower
        .matches(r#"xmlns="http://www.w3.org/2000/svg""#)
        .count();
    assert_eq!(urls, namespaces, "a URL other than the SVG namespace");
}

#[test]
fn html_is_one_self_contained_file() {
    for lang in [Lang::En, Lang::ZhCn] {
        let html = html(lang);
        assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..100]);
        assert!(html.contains("<style>"));
        assert!(html.contains("@media print"));
        assert!(html.contains("size: A4"));
        assert!(html.contains("Content-Security-Policy"));
        assert_self_contained(&html);
    }
}

#[test]
fn english_html_has_every_chart_and_the_key_numbers() {
    let html = decoded(&html(Lang::En));
    assert!(html.contains(r#"<html lang="en">"#));
    for chart in [
        "funnel",
        "stage_time",
        "bottlenecks",
        "win_rate",
        "value_cny",
        "value_eur",
        "value_usd",
        "time_by_category",
    ] {
        assert!(
            html.contains(&format!(r#"id="chart-{chart}""#)),
            "chart {chart}"
        );
    }
    assert_eq!(html.matches("<svg ").count(), 8);
    for expected in [
        "<h1>Market report</h1>",
        "2025-01-01 – 2025-06-30",
        "Asia/Shanghai",
        "2025-07-01",
        // Win rate 14 / 34, cycle median, total hours.
        "41.2%",
        "612.5 h",
        "1,234.5 h",
        // Stage table: legal review hours mean and P90, conversion.
        "Legal review",
        "260.4",
        "480.0",
        "58.1%",
        // Bottleneck.
        "35.0%",
        // Value bands in major units, per currency.
        "3,200.00",
        "30,000.00",
        "11,000.00",
        // Median effective rate per currency: USD (6806 + 8000) / 2, CNY 30000.
        "74.03 USD",
        "300.00 CNY",
        "125.00 USD",
        // Drivers.
        "+0.842",
        "−1.204",
        "0.812",
        "49.3%",
        // Platforms, user text and translated names.
        "Codemart (码市)",
        "GitHub Sponsors",
        "price too high",
        "no closed deals",
    ] {
        assert!(html.contains(expected), "missing {expected:?}");
    }
}

#[test]
fn chinese_html_is_translated_and_uses_cjk_fonts() {
    let en_catalog = gigops_render::i18n::Catalog::get(Lang::En).unwrap();
    let html = decoded(&html(Lang::ZhCn));
    assert!(html.contains(r#"<html lang="zh-CN">"#));
    assert!(html.contains(r#""Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei""#));
    for expected in [
        "市场报告",
        "销售漏斗",
        "赢单率",
        "法务审核",
        "612.5 小时",
        "74.03 USD",
        "码市",
    ] {
        assert!(html.contains(expected), "missing {expected:?}");
    }
    // No English prose leaks into the Chinese document.
    for key in [
        "doc.title",
        "doc.subtitle",
        "section.funnel",
        "section.stage_time",
        "intro.drivers",
        "empty.churn",
        "stage.legal_review",
        "col.business_days",
        "funnel.conversion",
        "stage_time.legend",
        "doc.footer",
    ] {
        let english = en_catalog.text(key).unwrap();
        assert!(
            !html.contains(english),
            "English {key} ({english:?}) in zh-CN output"
        );
    }
}

#[test]
fn empty_report_renders_with_empty_states() {
    for lang in [Lang::En, Lang::ZhCn] {
        let html = market_report_html_on(&empty_report(), lang, None, GENERATED).expect("renders");
        std::fs::write(
            output_dir().join(format!("market_report.empty.{lang}.html")),
            &html,
        )
        .unwrap();
        assert_self_contained(&html);
        assert!(!html.contains("<svg"), "no empty chart frames");
        let catalog = gigops_render::i18n::Catalog::get(lang).unwrap();
        for key in [
            "empty.funnel",
            "empty.stage_time",
            "empty.cycle",
            "empty.bottlenecks",
            "empty.platforms",
            "empty.value",
            "empty.time",
            "empty.rates",
            "empty.lost",
            "empty.churn",
        ] {
            assert!(html.contains(catalog.text(key).unwrap()), "{lang}: {key}");
        }
        let insufficient = catalog
            .fill("drivers.insufficient", &[("n", "0"), ("required", "20")])
            .unwrap();
        assert!(html.contains(&insufficient), "{lang}: {insufficient}");
    }
    let html = market_report_html_on(&empty_report(), Lang::En, None, GENERATED).unwrap();
    assert!(html.contains("Insufficient data: 0 of 20 closed deals with scores."));
    assert!(html.contains("all time"));
}

#[test]
fn hostile_user_text_is_escaped() {
    let mut report = report();
    let hostile = "<script>alert(1)</script>";
    report.lost_reasons.insert(
        0,
        ReasonCount {
            reason: hostile.into(),
            count: 9,
            share: 0.3,
        },
    );
    report.platforms[0].platform = r#""><img src=x onerror=alert(2)>"#.into();
    report.value_bands[0].platform = "<b>&amp;</b>".into();
    report.time.effective_rates[0].deal_id = "D-<i>1</i>".into();
    for lang in [Lang::En, Lang::ZhCn] {
        let html = market_report_html_on(&report, lang, None, GENERATED).unwrap();
        assert!(!html.contains(hostile));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
        assert!(!html.contains("<img"));
        assert!(!html.contains("<b>&amp;</b>"));
        // In tables (minijinja) and in chart labels (the SVG writer).
        assert!(html.contains("&lt;b&gt;&amp;amp;&lt;&#x2f;b&gt;"));
        assert!(html.contains("&lt;b&gt;&amp;amp;&lt;/b&gt;"));
        assert!(!html.contains("<i>1</i>"));
        assert_self_contained(&html);
    }
}

#[test]
fn template_directory_overrides_embedded_templates() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("style.css"),
        "/* acme brand */ body { color: #123456; font-family: {{ font_stack }}; }",
    )
    .unwrap();
    let html = market_report_html_on(&report(), Lang::En, Some(dir.path()), GENERATED).unwrap();
    assert!(html.contains("/* acme brand */ body { color: #123456;"));
    // The layout itself was not overridden.
    assert!(html.contains("<h1>Market report</h1>"));

    std::fs::write(
        dir.path().join("market_report.html"),
        r#"{% extends "base.html" %}{% block content %}<p class="custom">{{ v.title }}: {{ v.kpis[1].value }} · {{ v.rates.groups[0].median }}</p>{% endblock %}"#,
    )
    .unwrap();
    let html = market_report_html_on(&report(), Lang::En, Some(dir.path()), GENERATED).unwrap();
    assert!(
        html.contains(r#"<p class="custom">Market report: 41.2% · 300.00 CNY</p>"#),
        "{html}"
    );
    assert!(html.contains("/* acme brand */"));
}

#[test]
fn template_errors_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("market_report.html"),
        "{{ v.no_such_field }}",
    )
    .unwrap();
    let err = market_report_html(&report(), Lang::En, Some(dir.path())).unwrap_err();
    assert!(matches!(err, RenderError::Template(_)), "{err}");
    assert!(err.to_string().contains("market_report.html"), "{err}");

    std::fs::write(dir.path().join("market_report.html"), "{% if %}").unwrap();
    let err = market_report_html(&report(), Lang::En, Some(dir.path())).unwrap_err();
    assert!(matches!(err, RenderError::Template(_)), "{err}");

    let missing = dir.path().join("does-not-exist");
    let err = market_report_html(&report(), Lang::En, Some(&missing)).unwrap_err();
    assert!(matches!(err, RenderError::TemplateDir { .. }), "{err}");
}

#[test]
fn unknown_currency_is_an_error_not_a_wrong_amount() {
    let mut report = report();
    report.value_bands[0].currency = "XYZ".into();
    let err = market_report_html_on(&report, Lang::En, None, GENERATED).unwrap_err();
    assert!(matches!(err, RenderError::Currency { .. }), "{err}");
    assert!(err.to_string().contains("XYZ"));
}

#[test]
fn output_is_deterministic() {
    let a = market_report_html_on(&report(), Lang::ZhCn, None, GENERATED).unwrap();
    let b = market_report_html_on(&report(), Lang::ZhCn, None, GENERATED).unwrap();
    assert_eq!(a, b);
}

/// Every figure a reader sees in the market report — in its tables, its headline figures and
/// the labels of its charts — is a number of the pipeline report's JSON (`report pipeline
/// --json`), formatted: nothing is computed while rendering. The axis ticks of the charts
/// (round numbers of a scale, not of the data) and dates are not figures.
#[test]
fn every_figure_in_the_html_is_a_number_of_the_json() {
    let report = report();
    let json = serde_json::to_value(&report).unwrap();
    let mut renderings = std::collections::BTreeSet::new();
    renderings_of(&json, "", None, &mut renderings);
    for lang in [Lang::En, Lang::ZhCn] {
        let html = market_report_html_on(&report, lang, None, GENERATED).unwrap();
        let text = visible_text(&html);
        let found = figures(&text);
        assert!(
            found.len() > 250,
            "{lang}: only {} figures found",
            found.len()
        );
        let strays: Vec<&String> = found.iter().filter(|f| !renderings.contains(*f)).collect();
        assert!(
            strays.is_empty(),
            "{lang}: figures that are not in the JSON: {strays:?}"
        );
    }
    // And the check bites: a share computed by the renderer would not be in the JSON.
    let mut tampered = report.clone();
    tampered.lost_reasons[0].share = 0.123_456;
    let html = market_report_html_on(&tampered, Lang::En, None, GENERATED).unwrap();
    assert!(figures(&visible_text(&html)).contains(&"12.3%".to_string()));
    assert!(!renderings.contains("12.3%"));
}

/// Every way the renderer may show a JSON number (`format::count`, `decimal` with 1 or 3
/// places, `percent`, and minor units of the sibling `currency` as money), sign dropped.
fn renderings_of(
    value: &serde_json::Value,
    key: &str,
    currency: Option<&str>,
    out: &mut std::collections::BTreeSet<String>,
) {
    use gigops_render::format;
    match value {
        serde_json::Value::Number(number) => {
            let x = number.as_f64().unwrap().abs();
            if x.fract() == 0.0 {
                out.insert(format::count(x as usize));
            }
            out.insert(format::decimal(Some(x), 1));
            out.insert(format::decimal(Some(x), 3));
            out.insert(format::percent(Some(x)));
            if let (Some(code), true) = (currency, key.contains("minor")) {
                out.insert(format::money_amount(x as i64, code).unwrap());
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                renderings_of(item, key, currency, out);
            }
        }
        serde_json::Value::Object(fields) => {
            let currency = fields.get("currency").and_then(|c| c.as_str()).or(currency);
            for (key, field) in fields {
                renderings_of(field, key, currency, out);
            }
        }
        _ => {}
    }
}

/// The text a reader sees: no head or style, no chart axis ticks (numbers alone, centred
/// under an axis, not bold), no tags, entities decoded.
fn visible_text(html: &str) -> String {
    let body = &html[html.find("<body").expect("a body")..];
    let mut text = String::new();
    let mut rest = body;
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        text.push(' ');
        let tag = &rest[start..];
        let end = tag.find('>').expect("a tag ends") + 1;
        let (open, after) = tag.split_at(end);
        if open.starts_with("<style") {
            rest = &after[after.find("</style>").expect("style ends")..];
            continue;
        }
        if open.starts_with("<text ") {
            let content = &after[..after.find("</text>").expect("text ends")];
            let bare = !content.is_empty()
                && content
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '%'));
            let tick = open.contains(r#"text-anchor="middle""#) && !open.contains("bold");
            if bare && tick {
                rest = &after[content.len()..];
                continue;
            }
        }
        rest = after;
    }
    text.push_str(rest);
    decoded(&text).replace("&nbsp;", " ")
}

/// The figures of a text: runs of digits with `,` thousands separators, a decimal part and a
/// `%`, not inside a word or an id (`P90`, `D-0025`) and not dates (`2025-07-01`).
fn figures(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let in_word = |j: usize| chars[j].is_ascii_alphanumeric() || chars[j] == '.';
        // Not the digits of a word or an id: `P90`, `D-0025`.
        let starts = chars[i].is_ascii_digit()
            && (i == 0 || !(in_word(i - 1) || (chars[i - 1] == '-' && i > 1 && in_word(i - 2))));
        if !starts {
            i += 1;
            continue;
        }
        let mut end = i;
        while end < chars.len()
            && (chars[end].is_ascii_digit()
                || (matches!(chars[end], ',' | '.')
                    && chars.get(end + 1).is_some_and(char::is_ascii_digit)))
        {
            end += 1;
        }
        let is_date = chars.get(end) == Some(&'-') && end - i == 4;
        if chars.get(end) == Some(&'%') {
            end += 1;
        }
        if is_date {
            end += 6;
        } else {
            found.push(chars[i..end].iter().collect());
        }
        i = end;
    }
    found
}
