//! The deliverables checklist: a Markdown template whose placeholders are filled from a gate
//! summary and whose check items bound to gate rules are ticked when the rule passed.
//!
//! Placeholders are minijinja expressions (`{{ coverage }}`, `{{ tests.failed }}`); see
//! [`placeholders`] for the full list. A check item is a Markdown task, `- [ ] …`; it is bound to
//! a check by an HTML comment on its line, `<!-- gate: coverage.total -->` or with a threshold of
//! its own, `<!-- gate: coverage.total 80 -->`, which a Markdown renderer does not show.
//!
//! A bound item is judged against the evidence the summary holds, whatever thresholds the gate's
//! policy set ([`judge`]): "no finding at error level" is open when the run found errors, even if
//! the policy does not fail on them. It is ticked when the evidence meets it, and otherwise left
//! open with what was measured against what was required, or with why it could not be judged.
//! Unbound items are the freelancer's to tick.

use gigops_core::Lang;
use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;
use serde_json::json;

use crate::summary::{NotMeasured, Summary};

/// The default template, in each language gigops writes documents in.
pub const DEFAULT_EN: &str = include_str!("../templates/deliverables.en.md");
pub const DEFAULT_ZH_CN: &str = include_str!("../templates/deliverables.zh-CN.md");

/// A template that cannot be filled, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct TemplateError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

/// How a check item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// Bound, and the evidence meets it: ticked.
    Passed,
    /// Bound, and the evidence does not meet it: left open, with the measurement.
    Failed,
    /// Bound to a check this summary cannot judge (a rule the run did not evaluate and that
    /// needs the policy, such as `toolchain.go`): left open.
    NotEvaluated,
    /// Bound, but the run gave no evidence of that kind (no coverage, no lint output, debt not
    /// measured): left open.
    NoEvidence,
    /// Bound to a measurement with no agreed threshold (coverage with no minimum in the item or
    /// the policy): left open, with the measurement.
    NoThreshold,
    /// Not bound: as the template has it.
    Manual,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckItem {
    /// 1-based line in the filled document.
    pub line: usize,
    pub text: String,
    pub rule: Option<String>,
    pub state: ItemState,
    /// Ticked in the filled document.
    pub checked: bool,
    /// What the evidence measured and what the item required, as the document shows them
    /// (`4` against `0`); `null` when the item is not bound, passed, or has no evidence.
    pub measured: Option<String>,
    pub required: Option<String>,
}

/// The filled document and its check items.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Checklist {
    pub markdown: String,
    pub items: Vec<CheckItem>,
}

/// Values beyond the summary: the version being delivered, and the project's name.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Extra {
    pub version: Option<String>,
    pub project: Option<String>,
}

/// The values templates can use, by name (`debt_not_measured` says why there is no debt rating,
/// in the document's language).
pub fn placeholders(summary: &Summary, extra: &Extra, lang: Lang) -> serde_json::Value {
    let percent = |p: Option<f64>| p.map_or("—".to_string(), |p| format!("{p:.1} %"));
    let toolchains: Vec<String> = summary
        .project
        .toolchains
        .iter()
        .filter_map(|t| t.version.as_ref().map(|v| format!("{} {v}", t.name)))
        .collect();
    json!({
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
        "debt_not_measured": summary.debt_not_measured.map(|why| not_measured(why, lang)),
        "gate_passed": summary.gate.passed,
        "verdict": if summary.gate.passed { "passed" } else { "failed" },
        "rules": summary.gate.rules,
    })
}

/// Fills `template` (named `file` in errors) from `summary` and ticks the items it can check.
pub fn fill(
    template: &str,
    file: &str,
    summary: &Summary,
    extra: &Extra,
    lang: Lang,
) -> Result<Checklist, TemplateError> {
    let words = Words::of(lang);
    let mut env = Environment::new();
    // A misspelt placeholder must fail, not print an empty string into a client document.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    let error = |e: minijinja::Error| TemplateError {
        file: file.to_string(),
        line: e.line().unwrap_or(0),
        reason: match e.detail() {
            Some(detail) => format!("{}: {detail}", e.kind()),
            None => e.kind().to_string(),
        },
    };
    let filled = env
        .render_str(template, placeholders(summary, extra, lang))
        .map_err(error)?;

    let mut items = Vec::new();
    let mut lines = Vec::new();
    for (i, line) in filled.lines().enumerate() {
        let Some((prefix, rest)) = task(line) else {
            lines.push(line.to_string());
            continue;
        };
        let (text, rule) = match rest.split_once("<!--") {
            Some((text, comment)) => {
                let inner = comment.split("-->").next().unwrap_or_default().trim();
                match inner.strip_prefix("gate:") {
                    Some(rule) => (text.trim_end().to_string(), Some(rule.trim().to_string())),
                    None => (rest.to_string(), None),
                }
            }
            None => (rest.to_string(), None),
        };
        let already =
            line[prefix.len()..].starts_with("[x]") || line[prefix.len()..].starts_with("[X]");
        let (state, checked, note, judged) = match &rule {
            None => (ItemState::Manual, already, String::new(), None),
            Some(binding) => {
                let mut words_of = binding.split_whitespace();
                let name = words_of.next().unwrap_or_default();
                let args: Vec<&str> = words_of.collect();
                let judged = judge(summary, name, &args);
                let note = words.note(&judged, summary);
                let state = judged.state();
                (state, state == ItemState::Passed, note, Some(judged))
            }
        };
        let (measured, required) = match judged {
            Some(Judgment::Failed { measured, required }) => (Some(measured), Some(required)),
            Some(Judgment::NoThreshold { measured }) => (Some(measured), None),
            _ => (None, None),
        };
        let mark = if checked { "[x]" } else { "[ ]" };
        lines.push(format!("{prefix}{mark} {}{note}", text.trim()));
        items.push(CheckItem {
            line: i + 1,
            text: text.trim().to_string(),
            rule,
            state,
            checked,
            measured,
            required,
        });
    }
    let mut markdown = lines.join("\n");
    if filled.ends_with('\n') {
        markdown.push('\n');
    }
    Ok(Checklist { markdown, items })
}

/// What an item bound to a check found in the summary.
#[derive(Debug, Clone, PartialEq)]
pub enum Judgment {
    Passed,
    /// What was measured and what was required, as the item shows them.
    Failed {
        measured: String,
        required: String,
    },
    /// No test ran: an item about tests cannot pass on none.
    NoTestRan,
    NoEvidence,
    /// Debt was not measured (see [`crate::summary::NotMeasured`]).
    NotMeasured,
    NoThreshold {
        measured: String,
    },
    NotEvaluated,
}

impl Judgment {
    pub fn state(&self) -> ItemState {
        match self {
            Judgment::Passed => ItemState::Passed,
            Judgment::Failed { .. } | Judgment::NoTestRan => ItemState::Failed,
            Judgment::NoEvidence | Judgment::NotMeasured => ItemState::NoEvidence,
            Judgment::NoThreshold { .. } => ItemState::NoThreshold,
            Judgment::NotEvaluated => ItemState::NotEvaluated,
        }
    }
}

fn number(x: f64) -> String {
    json!((x * 100.0).round() / 100.0).to_string()
}

/// `passed`, or a failure showing `measured` against `required`.
fn held(passed: bool, measured: impl ToString, required: impl ToString) -> Judgment {
    if passed {
        Judgment::Passed
    } else {
        Judgment::Failed {
            measured: measured.to_string(),
            required: required.to_string(),
        }
    }
}

/// Judges the check `name` (with the item's own `args`) against the evidence in `summary`:
///
/// - `tests.failed`: at least one test ran, and none failed and no suite errored (quarantined
///   failures included: the item says every test passes);
/// - `tests.count [N]`: at least N tests ran (default 1);
/// - `coverage.total [MIN]`, `coverage.patch [MIN]`: at least MIN %, else the policy's minimum
///   for the rule of that name; without either, the measurement is shown and the item stays
///   open;
/// - `findings.level [LEVEL]`: no finding at LEVEL (default `error`) or above;
/// - `findings.security [SCORE]`: no finding with a security severity of SCORE (default 7.0)
///   or more;
/// - `findings.rules RULE…`: no finding of these rules, else of the policy's `fail_rules`;
/// - `benchmarks.regression [MAX]`: no significant regression (or none above MAX %) among the
///   metrics compared with a baseline;
/// - `debt.rating [RATING]`: rated RATING or better, else the policy's worst accepted rating;
///   without either, the rating is shown and the item stays open;
/// - any other name (`coverage.drop`, `toolchain.go`, `evidence.command`): the rule's result
///   when the run evaluated it.
pub fn judge(summary: &Summary, name: &str, args: &[&str]) -> Judgment {
    let rule = summary.gate.rules.iter().find(|r| r.name == name);
    let arg = args.first().copied();
    // The item's threshold, else the policy's (the rule's), as a number.
    let threshold = || {
        arg.and_then(|a| a.trim_end_matches('%').parse::<f64>().ok())
            .or_else(|| rule.and_then(|r| r.threshold.as_f64()))
    };
    match name {
        "tests.failed" | "tests.count" => {
            let Some(t) = summary.tests else {
                return Judgment::NoEvidence;
            };
            let ran = t.passed + t.failed;
            if name == "tests.count" {
                let min = arg.and_then(|a| a.parse::<u64>().ok()).unwrap_or(1);
                return held(ran >= min, ran, min);
            }
            if ran == 0 {
                return Judgment::NoTestRan;
            }
            held(t.failed + t.errors == 0, t.failed + t.errors, 0)
        }
        "coverage.total" | "coverage.patch" => {
            let percent = if name == "coverage.total" {
                summary.coverage.map(|c| c.percent)
            } else {
                summary.patch_coverage.as_ref().map(|p| p.percent)
            };
            let Some(percent) = percent else {
                return Judgment::NoEvidence;
            };
            match (percent, threshold()) {
                // Nothing instrumented (or, for a patch, nothing changed): no coverage to fall
                // short of.
                (None, _) if name == "coverage.patch" => Judgment::Passed,
                (None, Some(min)) => held(false, "—", number(min)),
                (None, None) => Judgment::NoEvidence,
                (Some(p), Some(min)) => held(p >= min, number(p), number(min)),
                (Some(p), None) => Judgment::NoThreshold {
                    measured: format!("{} %", number(p)),
                },
            }
        }
        "findings.level" => {
            let Some(f) = summary.findings else {
                return Judgment::NoEvidence;
            };
            let n = match arg {
                Some("warning") => f.error + f.warning,
                Some("note") => f.error + f.warning + f.note,
                _ => f.error,
            };
            held(n == 0, n, 0)
        }
        "findings.security" => {
            let Some(rules) = &summary.findings_by_rule else {
                // A summary written before findings_by_rule: the rule's result, if any.
                return by_rule(rule, summary.findings.is_some());
            };
            let score = threshold().unwrap_or(7.0);
            let worst = rules
                .iter()
                .filter_map(|r| r.security_severity)
                .fold(None, |acc: Option<f64>, s| {
                    Some(acc.map_or(s, |a| a.max(s)))
                });
            match worst {
                Some(w) if w >= score => held(false, number(w), format!("< {}", number(score))),
                _ => Judgment::Passed,
            }
        }
        "findings.rules" if !args.is_empty() => {
            let Some(rules) = &summary.findings_by_rule else {
                return by_rule(rule, summary.findings.is_some());
            };
            let n: u64 = rules
                .iter()
                .filter(|r| args.contains(&r.rule.as_str()))
                .map(|r| r.count)
                .sum();
            held(n == 0, n, 0)
        }
        "benchmarks.regression" => match summary.benchmarks.as_ref() {
            None => Judgment::NoEvidence,
            Some(b) if b.compared == 0 => Judgment::NoEvidence,
            Some(b) => {
                let worst = b.worst_regression_percent.unwrap_or(0.0);
                match arg.and_then(|a| a.trim_end_matches('%').parse::<f64>().ok()) {
                    Some(max) => held(worst <= max, number(worst), number(max)),
                    None => held(b.regressions == 0, b.regressions, 0),
                }
            }
        },
        "debt.rating" => {
            let Some(debt) = summary.debt else {
                return if summary.debt_not_measured.is_some() {
                    Judgment::NotMeasured
                } else {
                    Judgment::NoEvidence
                };
            };
            let worst = arg
                .and_then(|a| a.parse::<crate::debt::Rating>().ok())
                .or_else(|| rule.and_then(|r| serde_json::from_value(r.threshold.clone()).ok()));
            match worst {
                Some(worst) => held(debt.rating <= worst, debt.rating, worst),
                None => Judgment::NoThreshold {
                    measured: debt.rating.to_string(),
                },
            }
        }
        _ => by_rule(rule, true),
    }
}

/// The result of the policy's rule, when the run evaluated it.
fn by_rule(rule: Option<&crate::summary::RuleResult>, evidence: bool) -> Judgment {
    match rule {
        Some(r) if r.passed => Judgment::Passed,
        Some(r) if r.value.is_null() => Judgment::NoEvidence,
        Some(r) => Judgment::Failed {
            measured: value_text(&r.value),
            required: value_text(&r.threshold),
        },
        None if !evidence => Judgment::NoEvidence,
        None => Judgment::NotEvaluated,
    }
}

fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => {
            items.iter().map(value_text).collect::<Vec<_>>().join(", ")
        }
        other => other.to_string(),
    }
}

/// What gigops adds to an item, in the document's language.
struct Words {
    required: &'static str,
    not_checked: &'static str,
    no_evidence: &'static str,
    no_test_ran: &'static str,
    no_threshold: &'static str,
    lang: Lang,
}

impl Words {
    fn of(lang: Lang) -> Words {
        match lang {
            Lang::En => Words {
                required: "required",
                not_checked: "not checked by this gate run",
                no_evidence: "no evidence",
                no_test_ran: "no test ran",
                no_threshold: "{measured} measured; no threshold agreed",
                lang,
            },
            Lang::ZhCn => Words {
                required: "要求",
                not_checked: "本次门禁未检查",
                no_evidence: "无证据",
                no_test_ran: "没有运行任何测试",
                no_threshold: "实测 {measured}，未约定阈值",
                lang,
            },
        }
    }

    /// The text after an item: empty when it passed.
    fn note(&self, judged: &Judgment, summary: &Summary) -> String {
        match judged {
            Judgment::Passed => String::new(),
            Judgment::Failed { measured, required } => {
                format!(" — ✗ {measured} ({} {required})", self.required)
            }
            Judgment::NoTestRan => format!(" — ✗ {}", self.no_test_ran),
            Judgment::NoEvidence => format!(" — {}", self.no_evidence),
            Judgment::NotMeasured => format!(
                " — {}",
                summary
                    .debt_not_measured
                    .map_or(self.no_evidence.to_string(), |why| not_measured(
                        why, self.lang
                    ))
            ),
            Judgment::NoThreshold { measured } => {
                format!(" — {}", self.no_threshold.replace("{measured}", measured))
            }
            Judgment::NotEvaluated => format!(" — {}", self.not_checked),
        }
    }
}

/// Why debt was not measured, as the checklist says it.
fn not_measured(why: NotMeasured, lang: Lang) -> String {
    match (lang, why) {
        (Lang::En, NotMeasured::NoFindings) => "not measured: no lint findings were given",
        (Lang::En, NotMeasured::NoRoot) => "not measured: no project root was found",
        (Lang::En, NotMeasured::NoCode) => "not measured: no code under the project root",
        (Lang::En, NotMeasured::Skipped) => "not measured (--no-debt)",
        (Lang::ZhCn, NotMeasured::NoFindings) => "未测量：未提供静态分析结果",
        (Lang::ZhCn, NotMeasured::NoRoot) => "未测量：未找到项目根目录",
        (Lang::ZhCn, NotMeasured::NoCode) => "未测量：项目根目录下没有代码",
        (Lang::ZhCn, NotMeasured::Skipped) => "未测量（--no-debt）",
    }
    .to_string()
}

/// `  - [ ] text` → (`  - `, `text`): the list marker, and what follows the box.
fn task(line: &str) -> Option<(&str, &str)> {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    let marker_len = if rest.starts_with("- ") || rest.starts_with("* ") || rest.starts_with("+ ") {
        2
    } else {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && (rest[digits..].starts_with(". ") || rest[digits..].starts_with(") ")) {
            digits + 2
        } else {
            return None;
        }
    };
    let boxed = &rest[marker_len..];
    for open in ["[ ] ", "[x] ", "[X] "] {
        if let Some(text) = boxed.strip_prefix(open) {
            return Some((&line[..indent + marker_len], text));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::{CoverageSummary, Project, RuleFindings, RuleResult, Verdict};
    use gigops_core::evidence::{CoverageUnit, FindingCounts, FindingLevel, TestCounts};

    fn summary() -> Summary {
        let rule =
            |name: &str, passed: bool, value: serde_json::Value, threshold: f64| RuleResult {
                name: name.into(),
                passed,
                value,
                threshold: json!(threshold),
                detail: String::new(),
                message: Default::default(),
            };
        Summary {
            schema: crate::summary::SCHEMA.into(),
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
            debt_not_measured: None,
            coverage_by_package: None,
            findings_by_rule: None,
            findings_total: None,
            gate: Verdict {
                passed: false,
                rules: vec![
                    rule("tests.failed", true, json!(0), 0.0),
                    rule("coverage.total", false, json!(71.5), 80.0),
                ],
            },
        }
    }

    #[test]
    fn bound_items_are_ticked_by_their_rules() {
        let template = "# Delivery {{ version }}\n\n- [ ] All tests pass <!-- gate: tests.failed -->\n- [ ] Coverage ≥ 80 % <!-- gate: coverage.total -->\n- [ ] No findings <!-- gate: findings.level -->\n- [x] Handover call held\n- [ ] Docs updated\n";
        let list = fill(template, "t.md", &summary(), &Extra::default(), Lang::En).unwrap();
        let lines: Vec<&str> = list.markdown.lines().collect();
        assert_eq!(lines[0], "# Delivery v1.2.0");
        assert_eq!(lines[2], "- [x] All tests pass");
        assert_eq!(lines[3], "- [ ] Coverage ≥ 80 % — ✗ 71.5 (required 80.0)");
        assert_eq!(lines[4], "- [ ] No findings — no evidence");
        assert_eq!(lines[5], "- [x] Handover call held");
        assert_eq!(lines[6], "- [ ] Docs updated");
        let states: Vec<ItemState> = list.items.iter().map(|i| i.state).collect();
        assert_eq!(
            states,
            [
                ItemState::Passed,
                ItemState::Failed,
                ItemState::NoEvidence,
                ItemState::Manual,
                ItemState::Manual
            ]
        );
        assert_eq!(list.items[1].line, 4);
    }

    /// The policy sets no finding level, no coverage minimum and no debt rating, and quarantines
    /// a failure: the checklist still judges by what the run found.
    #[test]
    fn items_are_judged_by_the_evidence_whatever_the_policy() {
        let mut summary = summary();
        summary.gate.rules.retain(|r| r.name == "tests.failed");
        summary.tests = Some(TestCounts {
            total: 12,
            passed: 10,
            failed: 1,
            skipped: 1,
            ..TestCounts::default()
        });
        summary.findings = Some(FindingCounts {
            error: 12,
            warning: 3,
            note: 0,
        });
        summary.findings_by_rule = Some(vec![RuleFindings {
            tool: "gosec".into(),
            rule: "G101".into(),
            level: FindingLevel::Error,
            count: 12,
            security_severity: Some(8.8),
        }]);
        summary.debt_not_measured = Some(NotMeasured::NoRoot);
        let template = "- [ ] Every test passes <!-- gate: tests.failed -->\n- [ ] No error <!-- gate: findings.level -->\n- [ ] No warning <!-- gate: findings.level warning -->\n- [ ] No high security finding <!-- gate: findings.security -->\n- [ ] Coverage <!-- gate: coverage.total -->\n- [ ] Coverage 70 <!-- gate: coverage.total 70 -->\n- [ ] Debt <!-- gate: debt.rating -->\n- [ ] Go <!-- gate: toolchain.go -->\n- [ ] At least 20 tests <!-- gate: tests.count 20 -->\n";
        let list = fill(template, "t.md", &summary, &Extra::default(), Lang::En).unwrap();
        let lines: Vec<&str> = list.markdown.lines().collect();
        assert_eq!(
            lines,
            [
                "- [ ] Every test passes — ✗ 1 (required 0)",
                "- [ ] No error — ✗ 12 (required 0)",
                "- [ ] No warning — ✗ 15 (required 0)",
                "- [ ] No high security finding — ✗ 8.8 (required < 7.0)",
                "- [ ] Coverage — 71.5 % measured; no threshold agreed",
                "- [x] Coverage 70",
                "- [ ] Debt — not measured: no project root was found",
                "- [ ] Go — not checked by this gate run",
                "- [ ] At least 20 tests — ✗ 11 (required 20)",
            ]
        );

        // No test ran: "every test passes" is not met by none.
        summary.tests = Some(TestCounts {
            total: 2,
            skipped: 2,
            ..TestCounts::default()
        });
        let list = fill(template, "t.md", &summary, &Extra::default(), Lang::ZhCn).unwrap();
        assert_eq!(
            list.markdown.lines().next(),
            Some("- [ ] Every test passes — ✗ 没有运行任何测试")
        );
        assert_eq!(list.items[0].state, ItemState::Failed);
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
        assert_eq!(error.file, "mine.md");
        assert_eq!(error.line, 3);
        assert!(error.reason.contains("undefined"), "{error}");
    }

    #[test]
    fn the_default_templates_fill() {
        for (template, lang) in [(DEFAULT_EN, Lang::En), (DEFAULT_ZH_CN, Lang::ZhCn)] {
            let list = fill(template, "default", &summary(), &Extra::default(), lang).unwrap();
            assert!(list.items.iter().any(|i| i.state == ItemState::Passed));
            assert!(list.items.iter().any(|i| i.state == ItemState::Manual));
        }
    }
}
