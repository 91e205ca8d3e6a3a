//! The deliverables checklist as a model: which items of a filled checklist (Markdown the
//! renderer filled from a gate summary, gigops-render's `deliverables`) are bound to a check,
//! and how each stands against the evidence. Laying the checklist out — ticking the boxes,
//! saying why an item is open in the document's language — is the renderer's.
//!
//! A check item is a Markdown task, `- [ ] …`; it is bound to a check by an HTML comment on its
//! line, `<!-- gate: coverage.total -->` or with a threshold of its own,
//! `<!-- gate: coverage.total 80 -->`, which a Markdown renderer does not show.
//!
//! A bound item is judged against the evidence the summary holds, whatever thresholds the gate's
//! policy set ([`judge`]): "no finding at error level" is open when the run found errors, even if
//! the policy does not fail on them. It is ticked when the evidence meets it, and otherwise left
//! open with what was measured against what was required, or with why it could not be judged.
//! Unbound items are the freelancer's to tick.

use serde::Serialize;
use serde_json::json;

use crate::summary::{NotMeasured, Summary};

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

/// A filled checklist, line by line, with its check items judged.
#[derive(Debug, Clone, PartialEq)]
pub struct Checklist {
    pub lines: Vec<Line>,
    /// The filled Markdown ended with a line break.
    pub trailing_newline: bool,
}

/// A line of the checklist.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// Any line that is not a check item, as it is.
    Text(String),
    /// A check item: its list marker (`  - `), the item, and for a bound item its judgment.
    Item {
        marker: String,
        item: CheckItem,
        judgment: Option<Judgment>,
    },
}

impl Checklist {
    /// The check items, in order.
    pub fn items(&self) -> Vec<CheckItem> {
        self.lines
            .iter()
            .filter_map(|line| match line {
                Line::Item { item, .. } => Some(item.clone()),
                Line::Text(_) => None,
            })
            .collect()
    }
}

/// Finds the check items of the `filled` checklist and judges those bound to a check against
/// `summary`.
pub fn check(filled: &str, summary: &Summary) -> Checklist {
    let mut lines = Vec::new();
    for (i, line) in filled.lines().enumerate() {
        let Some((marker, rest)) = task(line) else {
            lines.push(Line::Text(line.to_string()));
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
            line[marker.len()..].starts_with("[x]") || line[marker.len()..].starts_with("[X]");
        let judgment = rule.as_ref().map(|binding| {
            let mut words = binding.split_whitespace();
            let name = words.next().unwrap_or_default();
            let args: Vec<&str> = words.collect();
            judge(summary, name, &args)
        });
        let (state, checked) = match &judgment {
            None => (ItemState::Manual, already),
            Some(judged) => (judged.state(), judged.state() == ItemState::Passed),
        };
        let (measured, required) = match &judgment {
            Some(Judgment::Failed { measured, required }) => {
                (Some(measured.clone()), Some(required.clone()))
            }
            Some(Judgment::NoThreshold { measured }) => (Some(measured.clone()), None),
            _ => (None, None),
        };
        lines.push(Line::Item {
            marker: marker.to_string(),
            item: CheckItem {
                line: i + 1,
                text: text.trim().to_string(),
                rule,
                state,
                checked,
                measured,
                required,
            },
            judgment,
        });
    }
    Checklist {
        lines,
        trailing_newline: filled.ends_with('\n'),
    }
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
    /// Debt was not measured, and why.
    NotMeasured(NotMeasured),
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
            Judgment::NoEvidence | Judgment::NotMeasured(_) => ItemState::NoEvidence,
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
                return summary
                    .debt_not_measured
                    .map_or(Judgment::NoEvidence, Judgment::NotMeasured);
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

    fn judgments(list: &Checklist) -> Vec<Option<Judgment>> {
        list.lines
            .iter()
            .filter_map(|line| match line {
                Line::Item { judgment, .. } => Some(judgment.clone()),
                Line::Text(_) => None,
            })
            .collect()
    }

    fn failed(measured: &str, required: &str) -> Option<Judgment> {
        Some(Judgment::Failed {
            measured: measured.into(),
            required: required.into(),
        })
    }

    #[test]
    fn bound_items_are_judged_by_their_rules() {
        let filled = "# Delivery v1.2.0\n\n- [ ] All tests pass <!-- gate: tests.failed -->\n- [ ] Coverage ≥ 80 % <!-- gate: coverage.total -->\n- [ ] No findings <!-- gate: findings.level -->\n- [x] Handover call held\n- [ ] Docs updated\n";
        let list = check(filled, &summary());
        assert!(list.trailing_newline);
        assert_eq!(list.lines[0], Line::Text("# Delivery v1.2.0".into()));
        let items = list.items();
        let states: Vec<ItemState> = items.iter().map(|i| i.state).collect();
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
        let checked: Vec<bool> = items.iter().map(|i| i.checked).collect();
        assert_eq!(checked, [true, false, false, true, false]);
        assert_eq!(items[1].line, 4);
        assert_eq!(items[1].text, "Coverage ≥ 80 %");
        assert_eq!(items[1].rule.as_deref(), Some("coverage.total"));
        assert_eq!(
            (items[1].measured.as_deref(), items[1].required.as_deref()),
            (Some("71.5"), Some("80.0"))
        );
        assert_eq!(
            judgments(&list),
            [
                Some(Judgment::Passed),
                failed("71.5", "80.0"),
                Some(Judgment::NoEvidence),
                None,
                None
            ]
        );
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
        let filled = "- [ ] Every test passes <!-- gate: tests.failed -->\n- [ ] No error <!-- gate: findings.level -->\n- [ ] No warning <!-- gate: findings.level warning -->\n- [ ] No high security finding <!-- gate: findings.security -->\n- [ ] Coverage <!-- gate: coverage.total -->\n- [ ] Coverage 70 <!-- gate: coverage.total 70 -->\n- [ ] Debt <!-- gate: debt.rating -->\n- [ ] Go <!-- gate: toolchain.go -->\n- [ ] At least 20 tests <!-- gate: tests.count 20 -->";
        let list = check(filled, &summary);
        assert!(!list.trailing_newline);
        assert_eq!(
            judgments(&list),
            [
                failed("1", "0"),
                failed("12", "0"),
                failed("15", "0"),
                failed("8.8", "< 7.0"),
                Some(Judgment::NoThreshold {
                    measured: "71.5 %".into()
                }),
                Some(Judgment::Passed),
                Some(Judgment::NotMeasured(NotMeasured::NoRoot)),
                Some(Judgment::NotEvaluated),
                failed("11", "20"),
            ]
        );

        // No test ran: "every test passes" is not met by none.
        summary.tests = Some(TestCounts {
            total: 2,
            skipped: 2,
            ..TestCounts::default()
        });
        let list = check(filled, &summary);
        assert_eq!(judgments(&list)[0], Some(Judgment::NoTestRan));
        assert_eq!(list.items()[0].state, ItemState::Failed);
    }
}
