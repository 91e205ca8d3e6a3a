//! The deliverables checklist: a Markdown template whose placeholders are filled from a gate
//! summary and whose check items bound to gate rules are ticked when the rule passed.
//!
//! Placeholders are minijinja expressions (`{{ coverage }}`, `{{ tests.failed }}`); see
//! [`placeholders`] for the full list. A check item is a Markdown task, `- [ ] …`; it is bound to
//! a rule by an HTML comment on its line, `<!-- gate: coverage.total -->`, which a Markdown
//! renderer does not show. A bound item is ticked when its rule passed, and otherwise left open
//! with what was measured against what was required. Unbound items are the freelancer's to tick.

use gigops_core::Lang;
use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;
use serde_json::json;

use crate::summary::Summary;

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
    /// Bound to a rule that passed: ticked.
    Passed,
    /// Bound to a rule that failed: left open, with the measurement.
    Failed,
    /// Bound to a rule this gate run did not evaluate: left open.
    NotEvaluated,
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

/// The values templates can use, by name.
pub fn placeholders(summary: &Summary, extra: &Extra) -> serde_json::Value {
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
    // What gigops adds to an item, in the document's language.
    let (required, not_checked, no_evidence) = match lang {
        Lang::En => ("required", "not checked by this gate run", "no evidence"),
        Lang::ZhCn => ("要求", "本次门禁未检查", "无证据"),
    };
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
        .render_str(template, placeholders(summary, extra))
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
        let (state, checked, note) = match &rule {
            None => (ItemState::Manual, already, String::new()),
            Some(name) => match summary.gate.rules.iter().find(|r| &r.name == name) {
                Some(r) if r.passed => (ItemState::Passed, true, String::new()),
                Some(r) => (
                    ItemState::Failed,
                    false,
                    format!(
                        " — ✗ {} ({required} {})",
                        value_text(&r.value, no_evidence),
                        value_text(&r.threshold, no_evidence)
                    ),
                ),
                None => (ItemState::NotEvaluated, false, format!(" — {not_checked}")),
            },
        };
        let mark = if checked { "[x]" } else { "[ ]" };
        lines.push(format!("{prefix}{mark} {}{note}", text.trim()));
        items.push(CheckItem {
            line: i + 1,
            text: text.trim().to_string(),
            rule,
            state,
            checked,
        });
    }
    let mut markdown = lines.join("\n");
    if filled.ends_with('\n') {
        markdown.push('\n');
    }
    Ok(Checklist { markdown, items })
}

fn value_text(value: &serde_json::Value, no_evidence: &str) -> String {
    match value {
        serde_json::Value::Null => no_evidence.into(),
        serde_json::Value::String(s) => s.clone(),
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
    use crate::summary::{Project, RuleResult, Verdict};

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
            tests: None,
            coverage: None,
            patch_coverage: None,
            findings: None,
            debt: None,
            benchmarks: None,
            selection: None,
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
        assert_eq!(lines[4], "- [ ] No findings — not checked by this gate run");
        assert_eq!(lines[5], "- [x] Handover call held");
        assert_eq!(lines[6], "- [ ] Docs updated");
        let states: Vec<ItemState> = list.items.iter().map(|i| i.state).collect();
        assert_eq!(
            states,
            [
                ItemState::Passed,
                ItemState::Failed,
                ItemState::NotEvaluated,
                ItemState::Manual,
                ItemState::Manual
            ]
        );
        assert_eq!(list.items[1].line, 4);
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
