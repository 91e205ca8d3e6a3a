//! The gate summary as notifications carry it: the translated title, and the plain-text and
//! HTML parts of the mail, in both languages.

use gigops_core::Lang;
use gigops_core::evidence::{
    Coverage, CoverageUnit, Evidence, FileCoverage, TestCase, TestRun, TestStatus,
};
use gigops_gate::summary::Project;
use gigops_gate::{GateReport, Policy, Run};
use gigops_render::{GateNotification, gate_notification};
use unicode_width::UnicodeWidthStr;

use crate::support::output_dir;

fn case(name: &str, status: TestStatus) -> TestCase {
    TestCase {
        suite: "example.com/shop/parse".into(),
        name: name.into(),
        status,
        duration_seconds: Some(0.25),
        output: "".into(),
        cached: false,
        flaky: false,
    }
}

/// 118 passed tests and `failed`, coverage 815 of 1,000 statements (81.5 %) against a minimum
/// of 80 %.
fn report(failed: &[&str], describe: Option<&str>) -> GateReport {
    let mut cases: Vec<TestCase> = (1..=118)
        .map(|i| case(&format!("TestOk{i}"), TestStatus::Passed))
        .collect();
    cases.extend(failed.iter().map(|name| case(name, TestStatus::Failed)));
    let files = [("parse/parse.go", 600, 700), ("parse/lex.go", 215, 300)]
        .into_iter()
        .map(|(path, covered, total)| FileCoverage {
            path: format!("example.com/shop/{path}"),
            covered,
            total,
            lines: Vec::new(),
        })
        .collect();
    let policy = Policy {
        min_coverage: Some(80.0),
        ..Policy::default()
    };
    let run = Run {
        evidence: Evidence {
            tests: Some(TestRun {
                cases,
                ..TestRun::default()
            }),
            coverage: Some(Coverage {
                unit: CoverageUnit::Statements,
                files,
                counted_whole: Vec::new(),
            }),
            findings: None,
            benchmarks: None,
        },
        project: Project {
            describe: describe.map(str::to_string),
            branch: Some("main".into()),
            commit: Some("4f1c2e9".into()),
            ..Project::default()
        },
        generated_at: "2025-07-01T09:30:00Z".into(),
        baseline: None,
        old_benchmarks: None,
        patch: None,
        debt: Err(gigops_gate::summary::NotMeasured::NoFindings),
        silent_failures: Vec::new(),
        test_command: false,
        selection: None,
    };
    gigops_gate::assess(&policy, run).expect("the policy is valid")
}

fn failed_report() -> GateReport {
    report(
        &["TestParse/empty_input", "TestLex/unicode"],
        Some("v1.4.0-rc.2"),
    )
}

fn notification(report: &GateReport, lang: Lang) -> GateNotification {
    gate_notification(report, lang, None).expect("renders")
}

/// Leaves both parts where a person can look at them (`target/render-it`).
fn keep(rendered: &GateNotification, lang: Lang) {
    let dir = output_dir();
    std::fs::write(dir.join(format!("gate_mail.{lang}.html")), &rendered.html).unwrap();
    std::fs::write(dir.join(format!("gate_mail.{lang}.txt")), &rendered.text).unwrap();
}

#[test]
fn the_title_is_translated_and_names_the_version() {
    let failed = failed_report();
    let passed = report(&[], None);

    assert_eq!(
        notification(&failed, Lang::En).title,
        "gigops gate FAILED: v1.4.0-rc.2"
    );
    assert_eq!(
        notification(&failed, Lang::ZhCn).title,
        "gigops 交付门禁未通过：v1.4.0-rc.2"
    );
    assert_eq!(notification(&passed, Lang::En).title, "gigops gate passed");
    assert_eq!(
        notification(&passed, Lang::ZhCn).title,
        "gigops 交付门禁通过"
    );
    assert!(!notification(&failed, Lang::En).passed);
    assert!(notification(&passed, Lang::En).passed);
}

#[test]
fn the_text_part_is_the_summary_without_markdown_syntax() {
    for (lang, verdict, failures) in [
        (Lang::En, "Delivery evidence: Gate failed", "Failures"),
        (Lang::ZhCn, "交付证据: 门禁未通过", "失败"),
    ] {
        let rendered = notification(&failed_report(), lang);
        let text = &rendered.text;

        assert!(text.starts_with(&format!("❌ {verdict}\n\n")), "{text}");
        assert!(text.contains("81.5 %"), "{text}");
        assert!(text.contains("\n- TestParse/empty_input (example.com/shop/parse)\n"));
        assert!(text.contains(&format!("\n{failures}\n")), "{text}");
        assert!(text.contains("\n\n-- \n"), "a signature separator: {text}");
        for syntax in ["**", "###", "|", "`", "](", "---|"] {
            assert!(!text.contains(syntax), "{syntax:?} left in:\n{text}");
        }
        // The rules table: every line as wide as the header, its numbers right-aligned.
        let table: Vec<&str> = text
            .lines()
            .skip_while(|line| !(line.starts_with("Result") || line.starts_with("结果")))
            .take_while(|line| !line.is_empty())
            .collect();
        // tests.failed, tests.count and coverage.total.
        assert_eq!(table.len(), 5, "header, underline and three rules:\n{text}");
        let widths: Vec<usize> = table.iter().map(|line| line.width()).collect();
        assert!(widths.iter().all(|w| *w == widths[0]), "{table:#?}");
        assert!(
            table[1].chars().all(|c| c == '-' || c == ' '),
            "{}",
            table[1]
        );
        assert!(
            table
                .iter()
                .any(|l| l.contains("tests.failed") && l.ends_with(" 0")),
            "{table:#?}"
        );
    }
}

#[test]
fn the_html_part_shows_the_verdict_and_numbers_with_inline_styles_only() {
    for (lang, verdict) in [(Lang::En, "Gate failed"), (Lang::ZhCn, "门禁未通过")] {
        let rendered = notification(&failed_report(), lang);
        keep(&rendered, lang);
        let html = &rendered.html;

        assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
        assert!(html.contains(&format!("<html lang=\"{lang}\">")));
        assert!(html.contains(&format!("<title>{}</title>", rendered.title)));
        assert!(html.contains(verdict), "{html}");
        for number in ["81.5 %", "120", "118", ">2<", "80"] {
            assert!(html.contains(number), "{number} missing:\n{html}");
        }
        assert!(html.contains("TestParse/empty_input"));
        assert!(
            html.contains("border-top:4px solid #c53030"),
            "the failed colour"
        );
        assert!(
            html.contains("<td style=\"padding:6px 10px;text-align:right;"),
            "numbers right-aligned: {html}"
        );

        let lower = html.to_lowercase();
        for forbidden in [
            "<style", "<link", "<script", "<img", "class=", "url(", "@import",
        ] {
            assert!(!lower.contains(forbidden), "{forbidden} in:\n{html}");
        }
        assert!(
            !lower.contains("http://") && !lower.contains("https://"),
            "{html}"
        );
        // Clients keep inline styles only, so every element that is styled carries its own.
        for tag in ["<table", "<td", "<th ", "<h3", "<p", "<ul", "<li", "<code"] {
            let unstyled = lower
                .match_indices(tag)
                .filter(|(i, _)| {
                    let rest = &lower[i + tag.len()..];
                    let attributes = &rest[..rest.find('>').unwrap()];
                    !attributes.contains("style=\"")
                })
                .count();
            assert_eq!(unstyled, 0, "{tag} without a style in:\n{html}");
        }
    }
}

#[test]
fn a_passed_gate_is_green() {
    let rendered = notification(&report(&[], Some("v1.4.0")), Lang::En);

    assert!(rendered.html.contains("border-top:4px solid #2f855a"));
    assert!(
        rendered
            .text
            .starts_with("✅ Delivery evidence: Gate passed")
    );
}

#[test]
fn test_names_are_text_in_both_parts() {
    let hostile = report(&["Test<script>alert(1)</script>/**bold**"], None);

    let rendered = notification(&hostile, Lang::En);

    assert!(!rendered.html.contains("<script>"), "{}", rendered.html);
    assert!(
        rendered
            .html
            .contains("Test&lt;script&gt;alert(1)&lt;/script&gt;/**bold**"),
        "{}",
        rendered.html
    );
    assert!(
        rendered
            .text
            .contains("- Test<script>alert(1)</script>/**bold** (example.com/shop/parse)"),
        "{}",
        rendered.text
    );
}

#[test]
fn the_mail_shell_can_be_overridden_from_the_template_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("gate_mail.html"),
        "<html><body style=\"color:#000\">{{ v.title }}{{ body }}</body></html>",
    )
    .unwrap();

    let rendered = gate_notification(&failed_report(), Lang::En, Some(dir.path())).unwrap();

    assert!(
        rendered
            .html
            .starts_with("<html><body style=\"color:#000\">gigops gate FAILED: v1.4.0-rc.2<h3"),
        "{}",
        rendered.html
    );
}

/// Each rule's sentence in the HTML report is in the report's language: from the catalog for
/// zh-CN, the gate's own English for en.
#[test]
fn rule_sentences_are_in_the_report_language() {
    let report = failed_report();
    let zh = crate::render::gate_report_html(&report, Lang::ZhCn, None).unwrap();
    assert!(zh.contains("总覆盖率为 81.50 %；策略要求至少 80 %"), "{zh}");
    assert!(zh.contains("2 个测试失败，0 个测试套件出错；策略允许 0 个"));
    assert!(!zh.contains("the policy"));
    let en = crate::render::gate_report_html(&report, Lang::En, None).unwrap();
    assert!(en.contains("total coverage is 81.50 %; the policy requires at least 80 %"));
    assert!(en.contains("2 failed test(s) and 0 errored suite(s); the policy allows 0"));

    // A summary written before rules carried messages keeps its English sentence.
    let mut old = report.clone();
    for rule in &mut old.summary.gate.rules {
        rule.message = Default::default();
    }
    let zh = crate::render::gate_report_html(&old, Lang::ZhCn, None).unwrap();
    assert!(zh.contains("total coverage is 81.50 %"));
}

#[test]
fn names_with_backticks_and_pipes_stay_whole_code_spans() {
    let name = "TestQuote/`a`|b";
    let rendered = notification(&report(&[name], Some("v1 | `rc`")), Lang::En);
    let options = pulldown_cmark::Options::ENABLE_TABLES;
    let spans: Vec<String> = pulldown_cmark::Parser::new_ext(&rendered.markdown, options)
        .filter_map(|event| match event {
            pulldown_cmark::Event::Code(code) => Some(code.to_string()),
            _ => None,
        })
        .collect();
    assert!(
        spans.iter().any(|s| s == name),
        "{spans:?}\n{}",
        rendered.markdown
    );
    assert!(spans.iter().any(|s| s == "v1 | `rc`"), "{spans:?}");
    assert!(rendered.text.contains(name), "{}", rendered.text);
}
