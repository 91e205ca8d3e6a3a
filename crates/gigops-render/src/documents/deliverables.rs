//! The deliverables checklist: a Markdown template (the embedded one of the language, or the
//! freelancer's own) filled from a gate summary ([`fill`]), judged by the gate
//! (`gigops_gate::deliverables::check`), and laid out here from that model — bound items ticked
//! when the evidence meets them, and otherwise left open with why, in the document's language —
//! as Markdown, as standalone HTML and as a PDF.
//!
//! Placeholders are minijinja expressions (`{{ coverage }}`, `{{ tests.failed }}`); see
//! [`placeholders`] for the full list.

use gigops_core::Lang;
use gigops_gate::deliverables::{Checklist, Judgment, Line};
use gigops_gate::summary::{NotMeasured, Summary};
use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;
use serde_json::json;

use crate::RenderError;
use crate::document::{Document, Format, Layouts, View};
use crate::engine::i18n::Catalog;
use crate::engine::markdown;

/// The default template, in each language gigops writes documents in.
pub const DEFAULT_EN: &str = include_str!("../../templates/deliverables.en.md");
pub const DEFAULT_ZH_CN: &str = include_str!("../../templates/deliverables.zh-CN.md");

/// The default template of `lang`.
pub fn default_template(lang: Lang) -> &'static str {
    match lang {
        Lang::En => DEFAULT_EN,
        Lang::ZhCn => DEFAULT_ZH_CN,
    }
}

/// A template that cannot be filled, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct TemplateError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

/// Values beyond the summary: the version being delivered, and the project's name.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Extra {
    pub version: Option<String>,
    pub project: Option<String>,
}

/// The values templates can use, by name (`debt_not_measured` says why there is no debt rating,
/// in the document's language).
pub fn placeholders(
    summary: &Summary,
    extra: &Extra,
    catalog: &Catalog,
) -> Result<serde_json::Value, RenderError> {
    let percent = |p: Option<f64>| p.map_or("—".to_string(), |p| format!("{p:.1} %"));
    let toolchains: Vec<String> = summary
        .project
        .toolchains
        .iter()
        .filter_map(|t| t.version.as_ref().map(|v| format!("{} {v}", t.name)))
        .collect();
    let debt_not_measured = summary
        .debt_not_measured
        .map(|why| not_measured(why, catalog))
        .transpose()?;
    Ok(json!({
        "project": extra.project,
        "version": extra.version.clone().or_else(|| summary.project.describe.clone()),
        "describe": summary.project.describe,
        "commit": summary.project.commit,
        "branch": summary.project.branch,
        "toolchains": toolchains.join(", "),
        "generated_at": summary.generated_at,
        "coverage": percent(summary.coverage.and_then(|c| c.percent)),
        "coverage_unit": summary.coverage.map(|c| c.unit),
        "patch_coverage": percent(summary.patch_coverage.as_ref().and_then(|p| p.percent)),
        "tests": summary.tests,
        "findings": summary.findings,
        "debt_rating": summary.debt.map(|d| d.rating.to_string()),
        "debt_minutes": summary.debt.map(|d| d.minutes),
        "debt_not_measured": debt_not_measured,
        "gate_passed": summary.gate.passed,
        "verdict": if summary.gate.passed { "passed" } else { "failed" },
        "rules": summary.gate.rules,
    }))
}

/// Fills `template` (named `file` in errors) from `summary`, in `lang`: the Markdown whose
/// check items the gate then judges.
pub fn fill(
    template: &str,
    file: &str,
    summary: &Summary,
    extra: &Extra,
    lang: Lang,
) -> Result<String, FillError> {
    let catalog = Catalog::of(lang, CATALOG)?;
    let mut env = Environment::new();
    // A misspelt placeholder must fail, not print an empty string into a client document.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    let values = placeholders(summary, extra, &catalog)?;
    env.render_str(template, values).map_err(|e| {
        FillError::Template(TemplateError {
            file: file.to_string(),
            line: e.line().unwrap_or(0),
            reason: match e.detail() {
                Some(detail) => format!("{}: {detail}", e.kind()),
                None => e.kind().to_string(),
            },
        })
    })
}

/// Why a checklist template could not be filled: the user's template, or gigops's catalog.
#[derive(Debug, thiserror::Error)]
pub enum FillError {
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Render(#[from] RenderError),
}

/// The catalog parts of the checklist.
const CATALOG: &[&str] = &["deliverables"];

/// The deliverables checklist the gate judged.
#[derive(Debug, Clone, Copy)]
pub struct DeliverablesChecklist<'a>(pub &'a Checklist);

impl DeliverablesChecklist<'_> {
    /// The checklist as Markdown in the catalog's language: each bound item ticked when it
    /// passed, and otherwise followed by what was measured or why it was not judged.
    pub fn markdown(&self, catalog: &Catalog) -> Result<String, RenderError> {
        let lines = self
            .0
            .lines
            .iter()
            .map(|line| match line {
                Line::Text(text) => Ok(text.clone()),
                Line::Item {
                    marker,
                    item,
                    judgment,
                } => {
                    let mark = if item.checked { "[x]" } else { "[ ]" };
                    let note = match judgment {
                        Some(judged) => note(judged, catalog)?,
                        None => String::new(),
                    };
                    Ok(format!("{marker}{mark} {}{note}", item.text))
                }
            })
            .collect::<Result<Vec<_>, RenderError>>()?;
        let mut markdown = lines.join("\n");
        if self.0.trailing_newline {
            markdown.push('\n');
        }
        Ok(markdown)
    }
}

/// The text after an item: empty when it passed.
fn note(judged: &Judgment, t: &Catalog) -> Result<String, RenderError> {
    let text = |key: &str| t.text(&format!("deliverables.{key}")).map(str::to_string);
    let note = match judged {
        Judgment::Passed => return Ok(String::new()),
        Judgment::Failed { measured, required } => t.fill(
            "deliverables.failed",
            &[("measured", measured), ("required", required)],
        )?,
        Judgment::NoTestRan => text("no_test_ran")?,
        Judgment::NoEvidence => text("no_evidence")?,
        Judgment::NotMeasured(why) => not_measured(*why, t)?,
        Judgment::NoThreshold { measured } => {
            t.fill("deliverables.no_threshold", &[("measured", measured)])?
        }
        Judgment::NotEvaluated => text("not_checked")?,
    };
    Ok(format!(" — {note}"))
}

/// Why debt was not measured, as the checklist says it.
fn not_measured(why: NotMeasured, t: &Catalog) -> Result<String, RenderError> {
    let key = match why {
        NotMeasured::NoFindings => "no_findings",
        NotMeasured::NoRoot => "no_root",
        NotMeasured::NoCode => "no_code",
        NotMeasured::Skipped => "skipped",
    };
    Ok(t.text(&format!("deliverables.not_measured.{key}"))?
        .to_string())
}

/// The view of the HTML and PDF layouts: the language and the title.
#[derive(Debug, Serialize)]
struct Heading<'a> {
    lang: &'static str,
    title: &'a str,
}

impl Document for DeliverablesChecklist<'_> {
    fn name(&self) -> &'static str {
        "the deliverables checklist"
    }

    fn catalog(&self) -> &'static [&'static str] {
        CATALOG
    }

    fn layouts(&self) -> Layouts {
        Layouts {
            markdown: Some("deliverables.md"),
            html: Some("markdown_document.html"),
            typst: Some(include_str!("../../templates/markdown_document.typ")),
            ..Layouts::default()
        }
    }

    fn view(&self, format: Format, catalog: &Catalog, _: &str) -> Result<View, RenderError> {
        let markdown = self.markdown(catalog)?;
        // The document's own first heading names it.
        let title = markdown
            .lines()
            .find_map(|l| l.strip_prefix("# "))
            .unwrap_or("Deliverables")
            .to_string();
        let view = View::new(&Heading {
            lang: catalog.lang().as_str(),
            title: &title,
        });
        match format {
            // Raw HTML in the Markdown is escaped, not passed through: a checklist is text, and
            // the page must make no request of its own.
            Format::Html => Ok(view.with_markup("body", Some(markdown::body_html(&markdown)))),
            Format::Pdf => view
                .with_data("title", &title)?
                .with_data("blocks", markdown::blocks(&markdown)),
            _ => Ok(view.with_markup("body", Some(markdown))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gigops_core::evidence::{CoverageUnit, FindingCounts, TestCounts};
    use gigops_gate::deliverables::{ItemState, check};
    use gigops_gate::summary::{CoverageSummary, Project, RuleResult, Verdict};

    fn summary() -> Summary {
        let rule = |name: &str, passed: bool, value: f64, threshold: f64| RuleResult {
            name: name.into(),
            passed,
            value: json!(value),
            threshold: json!(threshold),
            detail: String::new(),
            message: Default::default(),
        };
        Summary {
            schema: gigops_gate::summary::SCHEMA.into(),
            generated_at: "2026-11-23T10:00:00Z".into(),
            project: Project {
                describe: Some("v1.2.0".into()),
                ..Project::default()
            },
            tests: Some(TestCounts {
                total: 3,
                passed: 3,
                ..TestCounts::default()
            }),
            coverage: Some(CoverageSummary {
                covered: 143,
                total: 200,
                percent: Some(71.5),
                unit: CoverageUnit::Statements,
                files: 4,
            }),
            patch_coverage: None,
            findings: None,
            debt: None,
            benchmarks: None,
            selection: None,
            debt_not_measured: Some(NotMeasured::NoRoot),
            coverage_by_package: None,
            findings_by_rule: None,
            findings_total: None,
            gate: Verdict {
                passed: false,
                rules: vec![
                    rule("tests.failed", true, 0.0, 0.0),
                    rule("coverage.total", false, 71.5, 80.0),
                ],
            },
        }
    }

    fn laid_out(template: &str, lang: Lang) -> String {
        let summary = summary();
        let filled = fill(template, "t.md", &summary, &Extra::default(), lang).unwrap();
        let catalog = Catalog::of(lang, CATALOG).unwrap();
        DeliverablesChecklist(&check(&filled, &summary))
            .markdown(&catalog)
            .unwrap()
    }

    #[test]
    fn bound_items_are_ticked_and_open_ones_say_why() {
        let template = "# Delivery {{ version }}\n\n- [ ] All tests pass <!-- gate: tests.failed -->\n- [ ] Coverage ≥ 80 % <!-- gate: coverage.total -->\n- [ ] No findings <!-- gate: findings.level -->\n- [ ] Debt <!-- gate: debt.rating -->\n- [ ] Go <!-- gate: toolchain.go -->\n- [x] Handover call held\n- [ ] Docs updated\n";
        assert_eq!(
            laid_out(template, Lang::En),
            "# Delivery v1.2.0\n\n- [x] All tests pass\n- [ ] Coverage ≥ 80 % — ✗ 71.5 (required 80.0)\n- [ ] No findings — no evidence\n- [ ] Debt — not measured: no project root was found\n- [ ] Go — not checked by this gate run\n- [x] Handover call held\n- [ ] Docs updated\n"
        );
        assert_eq!(
            laid_out(template, Lang::ZhCn),
            "# Delivery v1.2.0\n\n- [x] All tests pass\n- [ ] Coverage ≥ 80 % — ✗ 71.5 (要求 80.0)\n- [ ] No findings — 无证据\n- [ ] Debt — 未测量：未找到项目根目录\n- [ ] Go — 本次门禁未检查\n- [x] Handover call held\n- [ ] Docs updated\n"
        );
        let mut summary = summary();
        summary.tests = Some(TestCounts {
            total: 2,
            skipped: 2,
            ..TestCounts::default()
        });
        summary.findings = Some(FindingCounts::default());
        let list = check(
            "- [ ] Every test passes <!-- gate: tests.failed -->\n- [ ] Coverage <!-- gate: coverage.total 90 -->",
            &summary,
        );
        let zh = Catalog::of(Lang::ZhCn, CATALOG).unwrap();
        assert_eq!(
            DeliverablesChecklist(&list).markdown(&zh).unwrap(),
            "- [ ] Every test passes — ✗ 没有运行任何测试\n- [ ] Coverage — ✗ 71.5 (要求 90.0)"
        );
    }

    #[test]
    fn a_misspelt_placeholder_is_an_error_with_its_line() {
        let error = fill(
            "ok\n\n{{ coverge }}\n",
            "mine.md",
            &summary(),
            &Extra::default(),
            Lang::En,
        )
        .unwrap_err();
        let FillError::Template(error) = error else {
            panic!("{error}");
        };
        assert_eq!(error.file, "mine.md");
        assert_eq!(error.line, 3);
        assert!(error.reason.contains("undefined"), "{error}");
    }

    #[test]
    fn the_default_templates_fill_and_say_why_debt_is_missing() {
        for lang in [Lang::En, Lang::ZhCn] {
            let summary = summary();
            let filled = fill(
                default_template(lang),
                "default",
                &summary,
                &Extra::default(),
                lang,
            )
            .unwrap();
            let list = check(&filled, &summary);
            let items = list.items();
            assert!(items.iter().any(|i| i.state == ItemState::Passed));
            assert!(items.iter().any(|i| i.state == ItemState::Manual));
        }
    }

    #[test]
    fn every_block_kind_typesets_and_the_html_is_a_page() {
        let md = "# T\n\npara **b** *e* `c` ~~s~~\n\n- [x] a\n- [ ] b\n  - c\n\n| a | b |\n|---|---|\n| 1 | **2** |\n\n```\ncode\n```\n\n---\n\n<script>alert(1)</script>\n";
        let list = check(md, &summary());
        let document = DeliverablesChecklist(&list);
        let pdf = crate::render(&document, Format::Pdf, Lang::En, None).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        let html = crate::render_text(&document, Format::Html, Lang::En, None).unwrap();
        assert!(html.contains("<title>T</title>"), "{html}");
        assert!(html.contains("&lt;script&gt;"));
        let markdown = crate::render_text(&document, Format::Markdown, Lang::En, None).unwrap();
        assert_eq!(
            markdown, md,
            "a checklist without bound items is laid out as written"
        );
        let error = crate::render(&document, Format::Json, Lang::En, None).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the deliverables checklist is not rendered as JSON (only as Markdown, HTML, PDF)"
        );
    }
}
