//! The delivery-gate report: the verdict per rule, tests, coverage, findings, technical debt and
//! benchmarks of one build, as one self-contained HTML file, as a PDF and as a Markdown summary
//! for a pull-request comment. All are laid out from one [`GateView`], in which every number is
//! already formatted and every label translated. The summary is also what notifications carry
//! ([`gate_notification`]): as it is for chat, and as plain text and HTML for mail.

use std::path::Path;

use gigops_core::Lang;
use gigops_core::evidence::{CoverageUnit, FindingLevel, SuiteErrorKind, TestCase, TestStatus};
use gigops_gate::summary::CoverageShare;
use gigops_gate::{GateReport, RuleResult};
use serde::Serialize;

use crate::RenderError;
use crate::document::{Document, Format, Layouts, View, render_text};
use crate::engine::format::MISSING;
use crate::engine::i18n::Catalog;
use crate::engine::parts::{Field, Kpi};
use crate::engine::{fonts, mail, templates};
use gigops_gate::summary::{NotMeasured, Summary};

const MAIL_TEMPLATE: &str = "gate_mail.html";
/// Rows of a long table shown before "n more".
const MAX_ROWS: usize = 200;
/// Rows of the Markdown summary's tables (a pull-request comment, a chat message).
const MARKDOWN_ROWS: usize = 10;

/// The gate report of one build: as HTML and PDF the whole report, as Markdown the summary
/// for a pull-request comment or a chat message.
#[derive(Debug, Clone, Copy)]
pub struct GateReportDocument<'a>(pub &'a GateReport);

impl Document for GateReportDocument<'_> {
    fn name(&self) -> &'static str {
        "the gate report"
    }

    fn catalog(&self) -> &'static [&'static str] {
        &["gate"]
    }

    fn layouts(&self) -> Layouts {
        Layouts {
            markdown: Some("gate_summary.md"),
            html: Some("gate_report.html"),
            typst: Some(include_str!("../../templates/gate_report.typ")),
            ..Layouts::default()
        }
    }

    fn view(&self, _: Format, catalog: &Catalog, _: &str) -> Result<View, RenderError> {
        let view = GateView::build(self.0, catalog)?;
        let ring = view.ring.clone();
        Ok(View::new(&view).with_markup("ring", Some(ring)))
    }
}

/// The gate summary as the notification channels send it, in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GateNotification {
    /// One line: the verdict and the version (`gigops gate FAILED: v1.4.0`), the mail subject.
    pub title: String,
    /// The Markdown summary, as `summary.md` holds it, for the chat channels.
    pub markdown: String,
    /// The summary as plain text without Markdown syntax: the text part of the mail.
    pub text: String,
    /// The summary as an HTML document with inline styles only: the HTML part of the mail.
    pub html: String,
    pub passed: bool,
}

/// The gate summary for notifications: a translated title, the Markdown summary, and the same
/// summary as the plain-text and HTML parts of a mail. `templates` may override the mail's
/// HTML shell (`gate_mail.html`).
pub fn gate_notification(
    report: &GateReport,
    lang: Lang,
    templates: Option<&Path>,
) -> Result<GateNotification, RenderError> {
    let catalog = Catalog::of(lang, &["gate"])?;
    let passed = report.summary.gate.passed;
    let verdict = catalog.text(if passed {
        "gate.notify_passed"
    } else {
        "gate.notify_failed"
    })?;
    let title = match &report.summary.project.describe {
        Some(describe) => catalog.fill(
            "gate.notify_title",
            &[("verdict", verdict), ("describe", describe)],
        )?,
        None => verdict.to_string(),
    };
    let markdown = render_text(
        &GateReportDocument(report),
        Format::Markdown,
        lang,
        templates,
    )?;
    let footer = catalog.text("gate.mail_footer")?;
    let text = format!(
        "{}

-- 
{footer}
",
        mail::markdown_mail_text(&markdown)
    );
    let env = templates::environment(templates)?;
    // Our own font names, quoted the one way that needs no escaping inside style="…".
    let font_stack = fonts::html_font_stack(lang).replace('"', "'");
    let html = env
        .get_template(MAIL_TEMPLATE)?
        .render(minijinja::context! {
            v => minijinja::context! {
                lang => lang.as_str(),
                title => &title,
                accent => if passed { PASSED_COLOR } else { FAILED_COLOR },
                footer => footer,
            },
            body => minijinja::Value::from_safe_string(mail::markdown_mail_html(&markdown)),
            font_stack => minijinja::Value::from_safe_string(font_stack),
        })?;
    Ok(GateNotification {
        title,
        markdown,
        text,
        html,
        passed,
    })
}

/// The colours of a good and a bad result, in the coverage ring and the mail's top border.
const PASSED_COLOR: &str = "#2f855a";
const FAILED_COLOR: &str = "#c53030";

#[derive(Debug, Clone, Serialize)]
pub struct GateView {
    pub lang: &'static str,
    pub title: String,
    pub passed: bool,
    pub verdict: String,
    pub meta: Vec<Field>,
    pub inputs: Vec<String>,
    pub kpis: Vec<Kpi>,
    pub rules: Vec<RuleView>,
    /// The coverage ring, inline SVG; empty without coverage.
    pub ring: String,
    pub failures: Vec<CaseView>,
    /// "N more not shown" for the failed tests past those listed; empty when none.
    pub failures_more: String,
    pub quarantined: Vec<CaseView>,
    pub quarantined_more: String,
    pub suite_errors: Vec<CaseView>,
    /// Suites that passed with failures reported inside them: "package passed, N inner
    /// failures".
    pub inner_failures: Vec<InnerFailureView>,
    /// Tests whose result was read from Go's text rather than from an event.
    pub recovered: Vec<RecoveredView>,
    pub slowest: Vec<CaseView>,
    /// Why the slowest tests are not listed though tests ran; empty otherwise.
    pub slowest_none: String,
    pub packages: Vec<CoverageRow>,
    /// "N more" past the Markdown summary's rows of packages, and of findings by rule.
    pub packages_more: String,
    pub rules_more: String,
    pub markdown_rows: usize,
    pub files: Vec<CoverageRow>,
    /// How many files the coverage lists (the table shows the first [`MAX_ROWS`]).
    pub files_count: String,
    pub files_more: String,
    pub findings_by_rule: Vec<FindingRuleRow>,
    pub findings: Vec<FindingRow>,
    /// How many findings there are (the table shows the first [`MAX_ROWS`]).
    pub findings_count: String,
    pub findings_more: String,
    pub debt: Option<DebtView>,
    pub benchmarks: Vec<BenchRow>,
    pub benchmarks_intro: String,
    pub footer: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleView {
    pub name: String,
    pub passed: bool,
    pub result: String,
    pub value: String,
    pub threshold: String,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    pub suite: String,
    pub name: String,
    pub duration: String,
    pub output: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct InnerFailureView {
    pub suite: String,
    /// "package passed, 2 inner failure(s)".
    pub note: String,
    pub cases: Vec<CaseView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecoveredView {
    pub suite: String,
    pub name: String,
    pub result: String,
    /// The line the result was read from, or why there is none.
    pub line: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CoverageRow {
    pub path: String,
    pub covered: String,
    pub total: String,
    pub percent: String,
    /// 0–100, for the bar drawn behind the percentage.
    pub bar: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingRuleRow {
    pub tool: String,
    pub rule: String,
    pub level: String,
    pub count: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingRow {
    pub location: String,
    pub level: String,
    pub rule: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DebtView {
    pub intro: String,
    pub rating: String,
    pub time: String,
    pub ratio: String,
    pub by_rule: Vec<DebtRuleRow>,
    pub hotspots: Vec<HotspotRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DebtRuleRow {
    pub tool: String,
    pub rule: String,
    pub count: String,
    pub minutes: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct HotspotRow {
    pub path: String,
    pub minutes: String,
    pub changes: String,
    pub score: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BenchRow {
    pub name: String,
    pub unit: String,
    pub old: String,
    pub new: String,
    pub delta: String,
    pub p: String,
    pub worse: bool,
}

fn level_name(level: FindingLevel) -> &'static str {
    match level {
        FindingLevel::Error => "error",
        FindingLevel::Warning => "warning",
        FindingLevel::Note => "note",
    }
}

fn number(n: impl Into<f64>, places: usize) -> String {
    format!("{:.*}", places, n.into())
}

fn pct(value: Option<f64>) -> String {
    value.map_or(MISSING.to_string(), |v| format!("{v:.1} %"))
}

/// A debt ratio (a fraction) as a percentage; a ratio against no code has no finite value and is
/// never shown as one.
fn ratio_text(ratio: f64) -> String {
    pct(ratio.is_finite().then_some(ratio * 100.0))
}

/// A test's duration as it was measured: seconds from one second up, milliseconds below, so
/// that the 7 ms of a JUnit `time="0.007"` does not read "0.01 s" and a pytest's 0.4 ms not
/// "0.00 s"; a reported 0 as "0 s", not with decimals it was not measured to.
fn duration_text(seconds: f64) -> String {
    let ms = seconds * 1000.0;
    if seconds == 0.0 {
        // What the runner reported, no more precise than that (go test: under 5 ms).
        "0 s".to_string()
    } else if seconds >= 1.0 {
        format!("{seconds:.2} s")
    } else if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else if ms >= 1.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

/// 125 minutes → "2 h 5 min"; 2 days of 8 hours are "2 d 0 h".
fn work_time(minutes: u64) -> String {
    let (days, rest) = (minutes / 480, minutes % 480);
    match (days, rest / 60, rest % 60) {
        (0, 0, m) => format!("{m} min"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

fn json_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => MISSING.to_string(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => {
            items.iter().map(json_text).collect::<Vec<_>>().join(", ")
        }
        other => other.to_string(),
    }
}

fn case_view(case: &TestCase) -> CaseView {
    CaseView {
        suite: case.suite.to_string(),
        name: case.name.to_string(),
        duration: case
            .duration_seconds
            .map_or(MISSING.to_string(), duration_text),
        output: case.output.to_string(),
    }
}

/// The coverage ring: the covered share as an arc around the percentage.
fn ring(percent: f64, unit_label: &str) -> String {
    let r = 52.0;
    let circumference = 2.0 * std::f64::consts::PI * r;
    let arc = circumference * percent.clamp(0.0, 100.0) / 100.0;
    let color = if percent >= 80.0 {
        PASSED_COLOR
    } else if percent >= 60.0 {
        "#b7791f"
    } else {
        FAILED_COLOR
    };
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 128 128" width="128" height="128" role="img" aria-label="{percent:.1} %"><circle cx="64" cy="64" r="{r}" fill="none" stroke="#e2e8f0" stroke-width="12"/><circle cx="64" cy="64" r="{r}" fill="none" stroke="{color}" stroke-width="12" stroke-linecap="butt" stroke-dasharray="{arc:.2} {circumference:.2}" transform="rotate(-90 64 64)"/><text x="64" y="66" text-anchor="middle" font-size="22" font-weight="600" fill="#1f2933">{percent:.1}%</text><text x="64" y="86" text-anchor="middle" font-size="11" fill="#5f6b78">{unit_label}</text></svg>"##
    )
}

/// The header's fields: where the build comes from, its toolchains, which tests ran, when.
fn meta(s: &Summary, t: &Catalog) -> Result<Vec<Field>, RenderError> {
    let text = |key: &str| t.text(&format!("gate.{key}")).map(str::to_string);
    let mut meta = Vec::new();
    for (key, value) in [
        ("repository", &s.project.repository),
        ("describe", &s.project.describe),
        ("branch", &s.project.branch),
        ("commit", &s.project.commit),
    ] {
        if let Some(value) = value {
            meta.push(Field {
                label: text(key)?,
                value: value.clone(),
            });
        }
    }
    let chains: Vec<String> = s
        .project
        .toolchains
        .iter()
        .filter_map(|c| c.version.as_ref().map(|v| format!("{} {v}", c.name)))
        .collect();
    if !chains.is_empty() {
        meta.push(Field {
            label: text("toolchains")?,
            value: chains.join(", "),
        });
    }
    if let Some(selection) = &s.selection {
        meta.push(Field {
            label: text("selection")?,
            value: if selection.complete {
                text("selection_complete")?
            } else {
                t.fill(
                    "gate.selection_partial",
                    &[("filters", &selection.filters.join(" · "))],
                )?
            },
        });
    }
    meta.push(Field {
        label: text("generated")?,
        value: s.generated_at.clone(),
    });
    Ok(meta)
}

/// What coverage counts, in words: lines or statements.
fn unit_label(s: &Summary, t: &Catalog) -> Result<String, RenderError> {
    let key = match s.coverage.map(|c| c.unit) {
        Some(CoverageUnit::Lines) => "gate.lines",
        _ => "gate.statements",
    };
    Ok(t.text(key)?.to_string())
}

/// The headline figures: tests, coverage, patch coverage, findings and debt.
fn kpis(s: &Summary, t: &Catalog) -> Result<Vec<Kpi>, RenderError> {
    let text = |key: &str| t.text(&format!("gate.{key}")).map(str::to_string);
    let none = text("none")?;
    let unit_label = unit_label(s, t)?;
    let mut kpis = Vec::new();
    kpis.push(match &s.tests {
        Some(c) => {
            let mut note = t.fill(
                "gate.tests_note",
                &[
                    ("passed", &c.passed.to_string()),
                    ("failed", &c.failed.to_string()),
                    ("skipped", &c.skipped.to_string()),
                ],
            )?;
            if c.errors > 0 {
                note.push_str(" · ");
                note.push_str(&t.fill("gate.tests_errors", &[("n", &c.errors.to_string())])?);
            }
            if c.flaky > 0 {
                note.push_str(" · ");
                note.push_str(&t.fill("gate.tests_flaky", &[("n", &c.flaky.to_string())])?);
            }
            if c.inner_failures > 0 {
                note.push_str(" · ");
                note.push_str(
                    &t.fill("gate.tests_inner", &[("n", &c.inner_failures.to_string())])?,
                );
            }
            Kpi {
                label: text("tests")?,
                value: c.total.to_string(),
                note,
            }
        }
        None => Kpi {
            label: text("tests")?,
            value: MISSING.into(),
            note: none.clone(),
        },
    });
    kpis.push(match &s.coverage {
        Some(c) => Kpi {
            label: text("coverage")?,
            value: pct(c.percent),
            note: t.fill(
                "gate.coverage_note",
                &[
                    ("covered", &c.covered.to_string()),
                    ("total", &c.total.to_string()),
                    ("unit", &unit_label),
                ],
            )?,
        },
        None => Kpi {
            label: text("coverage")?,
            value: MISSING.into(),
            note: none.clone(),
        },
    });
    if let Some(p) = &s.patch_coverage {
        kpis.push(Kpi {
            label: text("patch_coverage")?,
            value: pct(p.percent),
            note: t.fill(
                "gate.patch_note",
                &[
                    ("covered", &p.covered.to_string()),
                    ("total", &p.total.to_string()),
                    ("base", &p.base),
                ],
            )?,
        });
    }
    kpis.push(match &s.findings {
        Some(f) => Kpi {
            label: text("findings")?,
            value: s
                .findings_total
                .map_or_else(|| MISSING.to_string(), |n| n.to_string()),
            note: t.fill(
                "gate.findings_note",
                &[
                    ("error", &f.error.to_string()),
                    ("warning", &f.warning.to_string()),
                    ("note", &f.note.to_string()),
                ],
            )?,
        },
        None => Kpi {
            label: text("findings")?,
            value: MISSING.into(),
            note: none.clone(),
        },
    });
    if let Some(d) = &s.debt {
        kpis.push(Kpi {
            label: text("debt")?,
            value: d.rating.to_string(),
            note: t.fill(
                "gate.debt_note",
                &[
                    ("time", &work_time(d.minutes)),
                    ("ratio", &ratio_text(d.ratio)),
                ],
            )?,
        });
    } else if let Some(why) = s.debt_not_measured {
        kpis.push(Kpi {
            label: text("debt")?,
            value: text("not_measured")?,
            note: text(match why {
                NotMeasured::NoFindings => "debt_no_findings",
                NotMeasured::NoRoot => "debt_no_root",
                NotMeasured::NoCode => "debt_no_code",
                NotMeasured::Skipped => "debt_skipped",
            })?,
        });
    }
    Ok(kpis)
}

/// One compared benchmark metric: medians with their sample counts, the change when it is
/// significant (`~` when not, as benchstat), and the p-value.
fn bench_row(c: &gigops_gate::benchcmp::Comparison) -> BenchRow {
    let center = |s: &Option<gigops_gate::benchcmp::Summary>| {
        s.as_ref().map_or(MISSING.to_string(), |s| {
            format!("{} (n={})", significant_digits(s.center), s.n)
        })
    };
    BenchRow {
        name: if c.suite.is_empty() {
            c.name.clone()
        } else {
            format!("{} {}", c.suite, c.name)
        },
        unit: c.unit.clone(),
        old: center(&c.old),
        new: center(&c.new),
        delta: match c.delta_percent {
            Some(d) if c.significant => format!("{d:+.2} %"),
            _ if c.old.is_some() && c.new.is_some() => "~".into(),
            _ => MISSING.into(),
        },
        p: c.p_value.map_or(MISSING.to_string(), |p| format!("{p:.3}")),
        worse: c.significant && c.regression_percent.is_some_and(|r| r > 0.0),
    }
}

impl GateView {
    pub fn build(report: &GateReport, t: &Catalog) -> Result<GateView, RenderError> {
        let s = &report.summary;
        let text = |key: &str| t.text(&format!("gate.{key}")).map(str::to_string);

        let meta = meta(s, t)?;
        let kpis = kpis(s, t)?;
        let unit_label = unit_label(s, t)?;

        let (pass, fail) = (text("pass")?, text("fail")?);
        let rules = s
            .gate
            .rules
            .iter()
            .map(|r| RuleView {
                name: r.name.clone(),
                passed: r.passed,
                result: if r.passed { pass.clone() } else { fail.clone() },
                value: json_text(&r.value),
                threshold: json_text(&r.threshold),
                detail: rule_detail(t, r),
            })
            .collect();

        let row = |share: &CoverageShare| CoverageRow {
            path: share.name.clone(),
            covered: share.covered.to_string(),
            total: share.total.to_string(),
            percent: pct(share.percent),
            bar: share.percent.unwrap_or(0.0),
        };
        let packages: Vec<CoverageRow> = s.coverage_by_package.iter().flatten().map(row).collect();
        let files: Vec<CoverageRow> = report
            .coverage_by_file
            .iter()
            .take(MAX_ROWS)
            .map(row)
            .collect();
        let files_more = more_text(t, report.coverage_by_file.len().saturating_sub(MAX_ROWS))?;

        let findings_by_rule: Vec<FindingRuleRow> = s
            .findings_by_rule
            .iter()
            .flatten()
            .map(|r| FindingRuleRow {
                tool: r.tool.clone(),
                rule: r.rule.clone(),
                level: level_name(r.level).into(),
                count: r.count.to_string(),
            })
            .collect();
        let (findings, findings_more) = match &report.findings {
            Some(found) => {
                let mut sorted: Vec<_> = found.findings.iter().collect();
                sorted.sort_by(|a, b| {
                    b.level
                        .cmp(&a.level)
                        .then(a.path.cmp(&b.path))
                        .then(a.line.cmp(&b.line))
                });
                let more = sorted.len().saturating_sub(MAX_ROWS);
                let rows = sorted
                    .into_iter()
                    .take(MAX_ROWS)
                    .map(|f| FindingRow {
                        location: match (&f.path, f.line, f.column) {
                            (Some(p), Some(l), Some(c)) => format!("{p}:{l}:{c}"),
                            (Some(p), Some(l), None) => format!("{p}:{l}"),
                            (Some(p), None, _) => p.clone(),
                            (None, _, _) => MISSING.into(),
                        },
                        level: level_name(f.level).into(),
                        rule: f.rule.clone(),
                        message: f.message.clone(),
                    })
                    .collect();
                (rows, more_text(t, more)?)
            }
            None => (Vec::new(), String::new()),
        };

        let debt = report
            .debt
            .as_ref()
            .map(|d| -> Result<DebtView, RenderError> {
                Ok(DebtView {
                    intro: t.fill(
                        "gate.debt_intro",
                        &[("minutes", &d.minutes_per_line.to_string())],
                    )?,
                    rating: d.rating.to_string(),
                    time: work_time(d.minutes),
                    ratio: ratio_text(d.ratio),
                    by_rule: d
                        .by_rule
                        .iter()
                        .take(MAX_ROWS)
                        .map(|r| DebtRuleRow {
                            tool: r.tool.clone(),
                            rule: r.rule.clone(),
                            count: r.count.to_string(),
                            minutes: r.minutes.to_string(),
                        })
                        .collect(),
                    hotspots: d
                        .hotspots
                        .iter()
                        .map(|h| HotspotRow {
                            path: h.path.clone(),
                            minutes: h.debt_minutes.to_string(),
                            changes: h.changes.to_string(),
                            score: number(h.score as f64, 0),
                        })
                        .collect(),
                })
            })
            .transpose()?;

        let benchmarks = report.benchmarks.iter().map(bench_row).collect();

        let ring = s
            .coverage
            .and_then(|c| c.percent)
            .map_or(String::new(), |p| ring(p, &unit_label));

        Ok(GateView {
            lang: match t.lang() {
                Lang::En => "en",
                Lang::ZhCn => "zh-CN",
            },
            title: text("title")?,
            passed: s.gate.passed,
            verdict: text(if s.gate.passed { "passed" } else { "failed" })?,
            meta,
            inputs: s.project.inputs.clone(),
            kpis,
            rules,
            ring,
            failures: report.failures.iter().map(case_view).collect(),
            failures_more: more_text(t, report.failures_not_listed as usize)?,
            quarantined: report.quarantined.iter().map(case_view).collect(),
            quarantined_more: more_text(t, report.quarantined_not_listed as usize)?,
            suite_errors: report
                .suite_errors
                .iter()
                .map(|e| {
                    Ok(CaseView {
                        suite: e.suite.to_string(),
                        name: text(match e.kind {
                            SuiteErrorKind::BuildFailure => "suite_build_failure",
                            SuiteErrorKind::Panic => "suite_panic",
                            SuiteErrorKind::Timeout => "suite_timeout",
                            SuiteErrorKind::Failed => "suite_failed",
                        })?,
                        duration: MISSING.into(),
                        output: e.output.clone(),
                    })
                })
                .collect::<Result<_, RenderError>>()?,
            inner_failures: report
                .inner_failures
                .iter()
                .map(|group| {
                    Ok(InnerFailureView {
                        suite: group.suite.clone(),
                        note: t.fill(
                            "gate.inner_failures_note",
                            &[("n", &group.count.to_string())],
                        )?,
                        cases: group.tests.iter().map(case_view).collect(),
                    })
                })
                .collect::<Result<_, RenderError>>()?,
            recovered: report
                .recovered
                .iter()
                .map(|r| {
                    Ok(RecoveredView {
                        suite: r.suite.to_string(),
                        name: r.name.to_string(),
                        result: text(match r.status {
                            TestStatus::Passed => "recovered_passed",
                            TestStatus::Failed => "recovered_failed",
                            TestStatus::Skipped => "recovered_skipped",
                        })?,
                        line: match &r.line {
                            Some(line) => line.clone(),
                            None => text("recovered_from_package")?,
                        },
                    })
                })
                .collect::<Result<_, RenderError>>()?,
            slowest: report.slowest.iter().map(case_view).collect(),
            slowest_none: if report.slowest.is_empty() && s.tests.is_some_and(|c| c.total > 0) {
                text("slowest_none")?
            } else {
                String::new()
            },
            packages_more: more_text(t, packages.len().saturating_sub(MARKDOWN_ROWS))?,
            rules_more: more_text(t, findings_by_rule.len().saturating_sub(MARKDOWN_ROWS))?,
            markdown_rows: MARKDOWN_ROWS,
            packages,
            files,
            files_count: s.coverage.map_or(0, |c| c.files).to_string(),
            files_more,
            findings_by_rule,
            findings,
            findings_count: s.findings_total.unwrap_or(0).to_string(),
            findings_more,
            debt,
            benchmarks,
            benchmarks_intro: t.fill(
                "gate.benchmarks_intro",
                &[("alpha", &report.alpha.to_string())],
            )?,
            footer: t.fill("gate.footer", &[("unit", &unit_label)])?,
        })
    }
}

/// A rule's sentence in the report's language.
fn rule_detail(t: &Catalog, rule: &RuleResult) -> String {
    t.message("rule_detail", &rule.message, &rule.detail)
}

fn more_text(t: &Catalog, more: usize) -> Result<String, RenderError> {
    if more == 0 {
        Ok(String::new())
    } else {
        t.fill("gate.more", &[("n", &more.to_string())])
    }
}

/// A benchmark's centre: large values whole, small ones with enough decimals to compare.
fn significant_digits(x: f64) -> String {
    if x.abs() >= 1000.0 {
        format!("{x:.0}")
    } else if x.abs() >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.4}")
    }
}
