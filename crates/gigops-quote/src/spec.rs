//! The requirements spec: a YAML file listing the data and transactions of the work to quote,
//! each with its IFPUG counts or a level, plus the project's characteristics and risks.
//!
//! Every problem is reported with its line and column, all at once; [`schema`] is the JSON
//! Schema of the format (printed by `gigops quote schema`, documented in docs/quote.md).

use std::collections::BTreeMap;

use gigops_core::Problems;
use serde::Serialize;

use crate::cocomo::Ratings;
use crate::fp::{Complexity, Function, FunctionKind, Gsc};
use crate::montecarlo::Triangular;
use crate::size::LocPerFp;
use gigops_yaml::{self as yaml, Located, Node, TextRule, Value};

/// A parsed spec.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spec {
    pub name: Option<String>,
    /// The language backfired lines are written in, as the LOC/FP table names it.
    pub language: Option<String>,
    pub functions: Vec<Function>,
    /// The characteristics the spec rates, in its order.
    pub gsc: Vec<(String, u8)>,
    /// The COCOMO II drivers the spec rates.
    pub ratings: Vec<(String, String)>,
    pub risks: Vec<Risk>,
}

/// One entry of the risk register: how likely it is and what it costs when it happens.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Risk {
    pub name: String,
    /// 0 to 1.
    pub probability: f64,
    /// Hours it costs when it happens: low, most likely, high.
    pub impact_hours: Triangular,
    pub source: String,
}

const TOP_KEYS: [&str; 9] = [
    "name",
    "language",
    "data",
    "inputs",
    "outputs",
    "inquiries",
    "gsc",
    "ratings",
    "risks",
];

/// Reads a spec. `file` names it in problems; `loc_per_fp` is the table `language` must be in.
pub fn parse(
    file: &str,
    text: &str,
    loc_per_fp: &BTreeMap<String, LocPerFp>,
) -> Result<Spec, Problems> {
    let root = yaml::parse(file, text)?;
    let mut located = Located::new(file);
    let mut spec = Spec {
        name: None,
        language: None,
        functions: Vec::new(),
        gsc: Vec::new(),
        ratings: Vec::new(),
        risks: Vec::new(),
    };
    let Some(entries) = root.entries() else {
        located.at(
            root.at,
            format!(
                "expected a mapping with {}, found {}",
                TOP_KEYS.join(", "),
                root.kind()
            ),
        );
        return located.finish().map(|()| spec);
    };
    for (key, value) in entries {
        match key.text.as_str() {
            "name" => spec.name = string(&mut located, value, "name"),
            "language" => {
                if let Some(language) = string(&mut located, value, "language") {
                    match crate::size::lookup(loc_per_fp, &language) {
                        Ok((name, _)) => spec.language = Some(name.to_string()),
                        Err(e) => located.at(value.at, e),
                    }
                }
            }
            "data" => functions(&mut located, value, List::Data, &mut spec.functions),
            "inputs" => functions(&mut located, value, List::Inputs, &mut spec.functions),
            "outputs" => functions(&mut located, value, List::Outputs, &mut spec.functions),
            "inquiries" => functions(&mut located, value, List::Inquiries, &mut spec.functions),
            "gsc" => {
                let mut gsc = Gsc::default();
                for (name, rating) in map(&mut located, value, "gsc", "characteristic: rating") {
                    let Some(n) = integer(&mut located, rating, "a rating from 0 to 5") else {
                        continue;
                    };
                    match gsc.set(&name.text, n) {
                        Ok(()) => spec.gsc.push((name.text.clone(), n as u8)),
                        Err(e) => located.at(name.at, e),
                    }
                }
            }
            "ratings" => {
                let mut ratings = Ratings::default();
                for (name, level) in map(&mut located, value, "ratings", "DRIVER: level") {
                    let Some(text) = string(&mut located, level, "a rating level") else {
                        continue;
                    };
                    match ratings.set(&name.text, &text) {
                        Ok(()) => spec.ratings.push((name.text.clone(), text)),
                        Err(e) => located.at(level.at, e),
                    }
                }
            }
            "risks" => spec.risks = risks_in(&mut located, value),
            other => located.at(
                key.at,
                format!(
                    "unknown key {other:?}: expected one of {}",
                    TOP_KEYS.join(", ")
                ),
            ),
        }
    }
    located.finish().map(|()| spec)
}

/// Reads a risk register file: a list of risks, or a mapping with `risks:`.
pub fn parse_risks(file: &str, text: &str) -> Result<Vec<Risk>, Problems> {
    let root = yaml::parse(file, text)?;
    let mut located = Located::new(file);
    let list = match (&root.value, root.get("risks")) {
        (Value::Seq(_), _) => &root,
        (Value::Map(entries), Some(list)) if entries.len() == 1 => list,
        _ => {
            located.at(
                root.at,
                "expected a list of risks (or a mapping with only `risks:`)",
            );
            return located.finish().map(|()| Vec::new());
        }
    };
    let risks = risks_in(&mut located, list);
    located.finish().map(|()| risks)
}

#[derive(Clone, Copy)]
enum List {
    Data,
    Inputs,
    Outputs,
    Inquiries,
}

impl List {
    fn name(self) -> &'static str {
        match self {
            List::Data => "data",
            List::Inputs => "inputs",
            List::Outputs => "outputs",
            List::Inquiries => "inquiries",
        }
    }
}

fn functions(located: &mut Located, list: &Node, kind_of: List, out: &mut Vec<Function>) {
    let Ok(items) = list.list() else {
        located.at(
            list.at,
            format!(
                "{}: expected a list of items, found {}",
                kind_of.name(),
                list.kind()
            ),
        );
        return;
    };
    let mut names: BTreeMap<String, u64> = BTreeMap::new();
    for item in items {
        let Some(entries) = item.entries() else {
            located.at(
                item.at,
                format!(
                    "expected an item with name and det/{} or level, found {}",
                    second_key(kind_of),
                    item.kind()
                ),
            );
            continue;
        };
        let mut name = None;
        let mut kind = match kind_of {
            List::Data => FunctionKind::ILF,
            List::Inputs => FunctionKind::EI,
            List::Outputs => FunctionKind::EO,
            List::Inquiries => FunctionKind::EQ,
        };
        let mut det = None;
        let mut second = None;
        let mut level: Option<Complexity> = None;
        let mut bad = false;
        let allowed: &[&str] = match kind_of {
            List::Data => &["name", "kind", "det", "ret", "level"],
            _ => &["name", "det", "ftr", "level"],
        };
        for (key, value) in entries {
            match key.text.as_str() {
                "name" => name = string(located, value, "name"),
                "kind" if matches!(kind_of, List::Data) => {
                    match string(located, value, "kind").as_deref() {
                        Some("internal") => kind = FunctionKind::ILF,
                        Some("external") => kind = FunctionKind::EIF,
                        Some(other) => {
                            located.at(value.at, format!("kind {other:?}: expected internal (an ILF) or external (an EIF)"));
                            bad = true;
                        }
                        None => bad = true,
                    }
                }
                "det" => match integer(located, value, "a count of data element types, at least 1")
                {
                    Some(n) if n >= 1 && n <= i64::from(u32::MAX) => det = Some(n as u32),
                    Some(n) => {
                        located.at(value.at, format!("det {n}: expected at least 1"));
                        bad = true;
                    }
                    None => bad = true,
                },
                "ret" | "ftr" if key.text == second_key(kind_of) => {
                    let minimum = if matches!(kind_of, List::Data) { 1 } else { 0 };
                    match integer(located, value, "a count") {
                        Some(n) if n >= minimum && n <= i64::from(u32::MAX) => {
                            second = Some(n as u32)
                        }
                        Some(n) => {
                            located.at(
                                value.at,
                                format!("{} {n}: expected at least {minimum}", key.text),
                            );
                            bad = true;
                        }
                        None => bad = true,
                    }
                }
                "level" => match string(located, value, "level").map(|s| s.parse::<Complexity>()) {
                    Some(Ok(l)) => level = Some(l),
                    Some(Err(e)) => {
                        located.at(value.at, e);
                        bad = true;
                    }
                    None => bad = true,
                },
                other => {
                    located.at(
                        key.at,
                        format!(
                            "unknown key {other:?} in {}: expected one of {}",
                            kind_of.name(),
                            allowed.join(", ")
                        ),
                    );
                    bad = true;
                }
            }
        }
        let Some(name) = name else {
            located.at(
                item.at,
                format!(
                    "{}: this item has no name: expected `name: …`",
                    kind_of.name()
                ),
            );
            continue;
        };
        if let Some(first) = names.insert(name.clone(), item.at.line) {
            located.at(
                item.at,
                format!(
                    "{:?} is listed twice in {} (first at line {first}): expected each once",
                    name,
                    kind_of.name()
                ),
            );
        }
        if bad {
            continue;
        }
        let source = format!("{}:{}", located.file, item.at.line);
        let second_name = second_key(kind_of);
        match (level, det, second) {
            (Some(level), None, None) => out.push(Function::rated(kind, name, level, source)),
            (None, Some(det), Some(second)) => out.push(Function::counted(kind, name, det, second, source)),
            (None, Some(det), None) if second_name == "ftr" => out.push(Function::counted(kind, name, det, 0, source)),
            (Some(_), _, _) => located.at(
                item.at,
                format!("{name:?}: give either level or det/{second_name}, not both"),
            ),
            (None, None, _) => located.at(
                item.at,
                format!("{name:?}: expected det and {second_name} counts, or a level (low, average, high)"),
            ),
            (None, Some(_), None) => located.at(
                item.at,
                format!("{name:?}: expected ret (record element types) beside det"),
            ),
        }
    }
}

fn second_key(list: List) -> &'static str {
    match list {
        List::Data => "ret",
        _ => "ftr",
    }
}

fn risks_in(located: &mut Located, list: &Node) -> Vec<Risk> {
    let mut risks = Vec::new();
    let Some(items) = list.items() else {
        located.at(
            list.at,
            format!("risks: expected a list, found {}", list.kind()),
        );
        return risks;
    };
    for item in items {
        let Some(entries) = item.entries() else {
            located.at(
                item.at,
                format!(
                    "expected a risk with name, probability and impact_hours, found {}",
                    item.kind()
                ),
            );
            continue;
        };
        let (mut name, mut probability, mut impact) = (None, None, None);
        for (key, value) in entries {
            match key.text.as_str() {
                "name" => name = string(located, value, "name"),
                "probability" => match value.as_f64() {
                    Some(p) if (0.0..=1.0).contains(&p) => probability = Some(p),
                    _ => located.at(
                        value.at,
                        format!(
                            "probability: expected a number from 0 to 1, found {}",
                            value.shown_quoted()
                        ),
                    ),
                },
                "impact_hours" => impact = triangular(located, value),
                other => located.at(
                    key.at,
                    format!(
                        "unknown key {other:?} in a risk: expected name, probability, impact_hours"
                    ),
                ),
            }
        }
        match (name, probability, impact) {
            (Some(name), Some(probability), Some(impact_hours)) => risks.push(Risk {
                name,
                probability,
                impact_hours,
                source: format!("{}:{}", located.file, item.at.line),
            }),
            (name, probability, impact) => {
                let missing: Vec<&str> = [
                    name.is_none().then_some("name"),
                    probability.is_none().then_some("probability"),
                    impact.is_none().then_some("impact_hours"),
                ]
                .into_iter()
                .flatten()
                .collect();
                // A key present but invalid was reported where it is.
                let absent: Vec<&str> = missing
                    .into_iter()
                    .filter(|k| item.get(k).is_none())
                    .collect();
                if !absent.is_empty() {
                    located.at(item.at, format!("this risk has no {}", absent.join(", ")));
                }
            }
        }
    }
    risks
}

/// Hours as one number, or `[low, likely, high]`.
fn triangular(located: &mut Located, node: &Node) -> Option<Triangular> {
    let expected = "expected hours (a number ≥ 0) or [low, likely, high] with low ≤ likely ≤ high";
    if let Some(h) = node.as_f64() {
        if h >= 0.0 && h.is_finite() {
            return Some(Triangular::point(h));
        }
    } else if let Some(items) = node.items() {
        let values: Vec<f64> = items.iter().filter_map(Node::as_f64).collect();
        if values.len() == 3 && items.len() == 3 {
            match Triangular::new(values[0], values[1], values[2]) {
                Ok(t) => return Some(t),
                Err(e) => {
                    located.at(node.at, format!("impact_hours: {e}"));
                    return None;
                }
            }
        }
    }
    located.at(
        node.at,
        format!("impact_hours: {expected}, found {}", node.shown_quoted()),
    );
    None
}

/// Text as written (not trimmed); a number or a boolean is the text it is written as.
fn string(located: &mut Located, node: &Node, what: &str) -> Option<String> {
    const TEXT: TextRule = TextRule {
        trim: false,
        booleans: true,
    };
    match node.text(TEXT) {
        Ok(text) => Some(text),
        Err(unexpected) => {
            located.at(
                unexpected.at(),
                format!("{what}: expected text, found {}", node.kind()),
            );
            None
        }
    }
}

/// Any integer; the caller reports one out of its range in its own words.
fn integer(located: &mut Located, node: &Node, expected: &str) -> Option<i64> {
    match node.whole(i64::MIN..=i64::MAX) {
        Ok(i) => Some(i),
        Err(unexpected) => {
            located.at(
                unexpected.at(),
                format!("expected {expected}, found {}", node.shown_quoted()),
            );
            None
        }
    }
}

fn map<'n>(
    located: &mut Located,
    node: &'n Node,
    what: &str,
    form: &str,
) -> Vec<(&'n yaml::Key, &'n Node)> {
    match node.mapping() {
        Ok(entries) => entries.iter().map(|(k, v)| (k, v)).collect(),
        Err(unexpected) => {
            located.at(
                unexpected.at(),
                format!(
                    "{what}: expected a mapping of {form}, found {}",
                    node.kind()
                ),
            );
            Vec::new()
        }
    }
}

/// The JSON Schema (draft 2020-12) of the spec format.
pub fn schema() -> serde_json::Value {
    let count = |description: &str, minimum: u32| serde_json::json!({"type": "integer", "minimum": minimum, "description": description});
    let level = serde_json::json!({"enum": ["low", "average", "high"], "description": "the IFPUG complexity, instead of the counts"});
    let transaction = |description: &str| {
        serde_json::json!({
            "type": "array",
            "description": description,
            "items": {
                "type": "object",
                "additionalProperties": false,
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "det": count("data element types: user-recognisable fields crossing the boundary", 1),
                    "ftr": count("file types referenced: logical files read or maintained (0 when omitted)", 0),
                    "level": level,
                },
                "oneOf": [{"required": ["det"]}, {"required": ["level"]}],
            }
        })
    };
    let drivers: Vec<&str> = crate::cocomo::DRIVERS.iter().map(|d| d.name).collect();
    let gsc: serde_json::Map<String, serde_json::Value> = crate::fp::GSC_NAMES
        .iter()
        .map(|n| {
            (
                (*n).to_string(),
                serde_json::json!({"type": "integer", "minimum": 0, "maximum": 5}),
            )
        })
        .collect();
    let levels = serde_json::json!({"enum": ["very_low", "low", "nominal", "high", "very_high", "extra_high"]});
    let ratings: serde_json::Map<String, serde_json::Value> = drivers
        .iter()
        .map(|d| ((*d).to_string(), levels.clone()))
        .collect();
    let hours = serde_json::json!({"type": "number", "minimum": 0});
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://gigops.dev/schema/quote-spec-1.json",
        "title": "gigops quote requirements spec",
        "description": "The data and transactions of the work to quote, with IFPUG counts or levels (docs/quote.md).",
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "name": {"type": "string"},
            "language": {"type": "string", "description": "the language lines are backfired to (a key of the LOC/FP table, e.g. Go)"},
            "data": {
                "type": "array",
                "description": "logical files: internal (ILF, maintained by the work) or external (EIF, maintained elsewhere)",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string"},
                        "kind": {"enum": ["internal", "external"], "default": "internal"},
                        "det": count("data element types: user-recognisable fields", 1),
                        "ret": count("record element types: user-recognisable subgroups", 1),
                        "level": level,
                    },
                    "oneOf": [{"required": ["det", "ret"]}, {"required": ["level"]}],
                }
            },
            "inputs": transaction("external inputs (EI): data entering the application"),
            "outputs": transaction("external outputs (EO): data leaving with derived data or calculations"),
            "inquiries": transaction("external inquiries (EQ): data leaving as stored, without derivation"),
            "gsc": {"type": "object", "additionalProperties": false, "properties": gsc, "description": "general system characteristics, 0-5 (default 3)"},
            "ratings": {"type": "object", "additionalProperties": false, "properties": ratings, "description": "COCOMO II scale factors and effort multipliers (default nominal)"},
            "risks": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["name", "probability", "impact_hours"],
                    "properties": {
                        "name": {"type": "string"},
                        "probability": {"type": "number", "minimum": 0, "maximum": 1},
                        "impact_hours": {"oneOf": [hours.clone(), {"type": "array", "items": hours, "minItems": 3, "maxItems": 3, "description": "[low, likely, high]"}]},
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::size::default_loc_per_fp;

    fn read(text: &str) -> Result<Spec, Problems> {
        parse("spec.yaml", text, &default_loc_per_fp())
    }

    #[test]
    fn reads_counts_levels_and_characteristics() {
        let spec = read(
            "name: Shop\nlanguage: go\ndata:\n  - {name: Customer, det: 12, ret: 2}\n  - {name: Rates, kind: external, level: low}\ninputs:\n  - {name: Create order, det: 8, ftr: 2}\noutputs:\n  - {name: Sales report, level: high}\ninquiries:\n  - {name: Order, det: 6}\ngsc: {performance: 5}\nratings: {RELY: high}\nrisks:\n  - {name: Late API, probability: 0.25, impact_hours: [8, 16, 40]}\n",
        )
        .unwrap();
        assert_eq!(spec.language.as_deref(), Some("Go"));
        let summary: Vec<(FunctionKind, Complexity, u32, &str)> = spec
            .functions
            .iter()
            .map(|f| (f.kind, f.complexity, f.points, f.source.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (FunctionKind::ILF, Complexity::Low, 7, "spec.yaml:4"),
                (FunctionKind::EIF, Complexity::Low, 5, "spec.yaml:5"),
                (FunctionKind::EI, Complexity::Average, 4, "spec.yaml:7"),
                (FunctionKind::EO, Complexity::High, 7, "spec.yaml:9"),
                // DET 6 with no FTR is the first row, second column of the EQ matrix: low.
                (FunctionKind::EQ, Complexity::Low, 3, "spec.yaml:11"),
            ]
        );
        assert_eq!(spec.functions[4].ftr, Some(0));
        assert_eq!(spec.gsc, [("performance".to_string(), 5)]);
        assert_eq!(
            spec.risks[0].impact_hours,
            Triangular::new(8.0, 16.0, 40.0).unwrap()
        );
    }

    #[test]
    fn every_problem_is_reported_where_it_is() {
        let err = read(
            "data:\n  - name: Customer\n    det: 0\n    ret: 2\n  - name: Order\n    level: huge\n  - det: 3\n    ret: 1\ninputs:\n  - name: Pay\n    det: 4\n    ftr: 1\n    level: low\n  - name: Pay\n    dets: 4\ngsc: {speed: 3}\nratings: {RELY: extra_high}\ncolour: red\n",
        )
        .unwrap_err();
        let got: Vec<String> = err.0.iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            [
                "spec.yaml:3: column 10: det 0: expected at least 1",
                "spec.yaml:6: column 12: \"huge\" is not a level: expected low, average or high",
                "spec.yaml:7: column 5: data: this item has no name: expected `name: …`",
                "spec.yaml:10: column 5: \"Pay\": give either level or det/ftr, not both",
                "spec.yaml:14: column 5: \"Pay\" is listed twice in inputs (first at line 10): expected each once",
                "spec.yaml:15: column 5: unknown key \"dets\" in inputs: expected one of name, det, ftr, level",
                "spec.yaml:16: column 7: \"speed\" is not a general system characteristic: expected one of data_communications, distributed_data_processing, performance, heavily_used_configuration, transaction_rate, online_data_entry, end_user_efficiency, online_update, complex_processing, reusability, installation_ease, operational_ease, multiple_sites, facilitate_change",
                "spec.yaml:17: column 17: RELY has no extra_high rating: expected very_low, low, nominal, high, very_high",
                "spec.yaml:18: column 1: unknown key \"colour\": expected one of name, language, data, inputs, outputs, inquiries, gsc, ratings, risks",
            ]
        );
    }

    #[test]
    fn risk_files_are_lists() {
        let risks = parse_risks(
            "r.yaml",
            "- {name: a, probability: 0.5, impact_hours: 10}\n",
        )
        .unwrap();
        assert_eq!(risks[0].impact_hours, Triangular::point(10.0));
        let err = parse_risks(
            "r.yaml",
            "risks:\n  - {name: a, probability: 1.5, impact_hours: [3, 2, 1]}\n  - {name: b}\n",
        )
        .unwrap_err();
        let got: Vec<String> = err.0.iter().map(ToString::to_string).collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(
            got[0],
            "r.yaml:2: column 28: probability: expected a number from 0 to 1, found \"1.5\""
        );
        assert_eq!(
            got[1],
            "r.yaml:2: column 47: impact_hours: [3, 2, 1]: expected low ≤ likely ≤ high"
        );
        assert_eq!(
            got[2],
            "r.yaml:3: column 5: this risk has no probability, impact_hours"
        );
    }

    #[test]
    fn the_schema_names_every_key_the_reader_takes() {
        let schema = schema();
        let top: Vec<&str> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = TOP_KEYS.to_vec();
        expected.sort_unstable();
        let mut top_sorted = top.clone();
        top_sorted.sort_unstable();
        assert_eq!(top_sorted, expected);
        let data: Vec<&str> = schema["properties"]["data"]["items"]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(data, ["det", "kind", "level", "name", "ret"]);
    }
}
