//! The SOW's service levels as OpenSLO v1 documents, for SLO tools that read the format.

use serde_json::{Value, json};

use crate::diff::seconds_text;
use crate::model::*;

/// OpenSLO v1 YAML: a `Service` named after the SOW id, then one `SLO` per service level.
///
/// - availability → `budgetingMethod: Occurrences`, one objective with `target` the ratio
///   (99.9 % → 0.999);
/// - latency ("P95 ≤ 150 ms in 99 % of windows") → `budgetingMethod: Timeslices`, one objective
///   with `op: lte`, `value` the threshold in milliseconds, `target` the share of good slices
///   (0.99), `timeSliceTarget` the share of requests within a slice that must be under the
///   threshold (the percentile, 0.95), and `timeSliceWindow` the SOW's window;
/// - `timeWindow`: a rolling budget period as `duration` + `isRolling: true`; a calendar month
///   as `duration: 1M`, `isRolling: false` and `calendar` starting at the SOW's start date, in
///   the support time zone (UTC when the SOW names none);
/// - `indicator`: an inline SLI whose metric source is a placeholder (`type: Placeholder`) to
///   be replaced with the real query; its metadata names the service level id.
///
/// The SOW's `consecutive_windows` has no OpenSLO field; it is kept as the
/// `gigops.dev/consecutive-windows` annotation.
pub fn openslo(sow: &Sow) -> String {
    let mut out = String::new();
    let service = json!({
        "apiVersion": "openslo/v1",
        "kind": "Service",
        "metadata": {"name": sow.id, "displayName": sow.title},
        "spec": {"description": format!("Service levels of the statement of work {}", sow.id)},
    });
    push_document(&mut out, &service);
    let time_zone = sow
        .support
        .as_ref()
        .and_then(|s| s.time_zone.clone())
        .unwrap_or_else(|| "UTC".to_string());
    for sl in &sow.service_levels {
        let time_window = match &sl.budget_period {
            BudgetPeriod::Rolling { duration } => {
                json!([{"duration": seconds_text(duration.seconds), "isRolling": true}])
            }
            BudgetPeriod::CalendarMonth => json!([{
                "duration": "1M",
                "isRolling": false,
                "calendar": {"startTime": format!("{} 00:00:00", sow.start), "timeZone": time_zone},
            }]),
        };
        let placeholder = |what: &str| json!({"metricSource": {"type": "Placeholder", "spec": {"query": format!("TODO: {what} of {}", sl.id)}}});
        let display = sl.description.clone().unwrap_or_else(|| sl.id.clone());
        let (method, indicator_spec, objective) = match &sl.objective {
            Objective::Availability { target_percent } => (
                "Occurrences",
                json!({"ratioMetric": {"counter": true, "good": placeholder("good events"), "total": placeholder("all events")}}),
                json!({
                    "displayName": format!("availability {target_percent} %"),
                    "target": ratio(*target_percent),
                }),
            ),
            Objective::Latency {
                percentile,
                threshold_ms,
                target_percent,
            } => (
                "Timeslices",
                json!({"thresholdMetric": placeholder(&format!("P{percentile} latency in ms"))}),
                json!({
                    "displayName": format!("P{percentile} ≤ {threshold_ms} ms"),
                    "op": "lte",
                    "value": threshold_ms,
                    "target": ratio(*target_percent),
                    "timeSliceTarget": ratio(*percentile),
                    "timeSliceWindow": seconds_text(sl.window.seconds),
                }),
            ),
        };
        let slo = json!({
            "apiVersion": "openslo/v1",
            "kind": "SLO",
            "metadata": {
                "name": sl.id,
                "displayName": display,
                "annotations": {
                    "gigops.dev/sow": sow.id,
                    "gigops.dev/window": seconds_text(sl.window.seconds),
                    "gigops.dev/consecutive-windows": sl.consecutive_windows.to_string(),
                },
            },
            "spec": {
                "description": display,
                "service": sow.id,
                "indicator": {
                    "metadata": {"name": format!("{}-sli", sl.id), "displayName": format!("SLI of {}", sl.id)},
                    "spec": indicator_spec,
                },
                "timeWindow": time_window,
                "budgetingMethod": method,
                "objectives": [objective],
            },
        });
        push_document(&mut out, &slo);
    }
    out
}

/// A percent as a ratio, rounded to remove binary noise (99.9 → 0.999, not 0.9990000000000001).
fn ratio(percent: f64) -> f64 {
    (percent / 100.0 * 1e9).round() / 1e9
}

fn push_document(out: &mut String, doc: &Value) {
    out.push_str("---\n");
    emit(out, doc, 0);
}

/// Block YAML from JSON values: strings double-quoted as JSON writes them (a JSON string is a
/// valid YAML double-quoted scalar), so that nothing is misread as a number or a boolean.
fn emit(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                out.push_str(&" ".repeat(indent));
                out.push_str(&scalar_key(key));
                out.push(':');
                entry(out, v, indent);
            }
        }
        Value::Array(items) => {
            for v in items {
                out.push_str(&" ".repeat(indent));
                out.push('-');
                match v {
                    Value::Object(map) if !map.is_empty() => {
                        // The first key on the dash's line, the rest below it.
                        let mut first = true;
                        for (key, inner) in map {
                            if first {
                                out.push(' ');
                                first = false;
                            } else {
                                out.push_str(&" ".repeat(indent + 2));
                            }
                            out.push_str(&scalar_key(key));
                            out.push(':');
                            entry(out, inner, indent + 2);
                        }
                    }
                    _ => entry(out, v, indent),
                }
            }
        }
        _ => {
            out.push_str(&" ".repeat(indent));
            out.push_str(&scalar(value));
            out.push('\n');
        }
    }
}

fn entry(out: &mut String, v: &Value, indent: usize) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            emit(out, v, indent + 2);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            emit(out, v, indent + 2);
        }
        Value::Object(_) => out.push_str(" {}\n"),
        Value::Array(_) => out.push_str(" []\n"),
        _ => {
            out.push(' ');
            out.push_str(&scalar(v));
            out.push('\n');
        }
    }
}

fn scalar_key(key: &str) -> String {
    if key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
        && key.starts_with(|c: char| c.is_ascii_alphabetic())
    {
        key.to_string()
    } else {
        Value::String(key.to_string()).to_string()
    }
}

fn scalar(value: &Value) -> String {
    value.to_string()
}
