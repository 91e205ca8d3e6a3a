//! Function points of an OpenAPI 3.0/3.1 document (YAML or JSON), by the rules of
//! docs/quote.md, and its contract table (method, path, summary, required fields, example).
//!
//! - each write (`post`, `put`, `patch`, `delete`) is an external input; each `get` an
//!   external output when a success response is an inline object (data computed for the
//!   response), else an external inquiry; `x-gigops-fp: EI|EO|EQ|none` on an operation
//!   overrides; `head`, `options` and `trace` are not counted;
//! - DET of an operation: the distinct names among its parameters, its request body's fields
//!   and its success responses' fields; FTR: the distinct schemas those reach through `$ref`;
//! - each component schema an operation reaches is an internal logical file (DET its fields,
//!   RET 1 + its inline object subgroups); each `$ref` to another document an external
//!   interface file (rated low: the other document is not read);
//! - success responses are the 2xx ones, or `default` when there is none.

use std::collections::{BTreeMap, BTreeSet};

use gigops_ingest::Problems;
use serde::Serialize;

use crate::fp::{Complexity, Function, FunctionKind};
use crate::yaml::{self, Located, Node, Value};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

/// What an OpenAPI document counts to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiCount {
    pub openapi: String,
    pub title: String,
    pub version: String,
    pub operations: Vec<Operation>,
    pub functions: Vec<Function>,
    /// Component schemas no operation reaches: not counted.
    pub unreferenced_schemas: Vec<String>,
}

/// One row of the API contract table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Operation {
    pub method: String,
    pub path: String,
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    /// `null` when the operation is not counted.
    pub kind: Option<FunctionKind>,
    pub det: u32,
    pub ftr: u32,
    pub required_fields: Vec<Field>,
    /// The request body's example, else the first success response's.
    pub example: Option<serde_json::Value>,
    pub line: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    pub name: String,
    /// `path`, `query`, `header`, `cookie` or `body`.
    #[serde(rename = "in")]
    pub location: String,
    /// `integer/int64`, `string`, `array<Pet>`, `Pet`, …
    #[serde(rename = "type")]
    pub type_name: String,
}

/// Counts the document. `file` names it in problems.
pub fn count(file: &str, text: &str) -> Result<ApiCount, Problems> {
    let root = yaml::parse(file, text)?;
    let mut located = Located::new(file);
    let doc = Doc { root: &root };

    if root.entries().is_none() {
        located.at(
            root.at,
            format!(
                "expected an OpenAPI document (a mapping with `openapi:`), found {}",
                root.kind()
            ),
        );
        return Err(Problems(located.problems));
    }
    let openapi = match root.get("openapi") {
        Some(node) => match node.scalar_text() {
            Some(v) if v.starts_with("3.0") || v.starts_with("3.1") => v,
            _ => {
                located.at(
                    node.at,
                    format!(
                        "openapi {}: expected 3.0.x or 3.1.x",
                        node.scalar_text().unwrap_or_else(|| node.kind().into())
                    ),
                );
                String::new()
            }
        },
        None if root.get("swagger").is_some() => {
            located.at(root.get("swagger").map_or(root.at, |n| n.at), "Swagger 2.0 is not read: expected an OpenAPI 3.0 or 3.1 document (convert it first)");
            String::new()
        }
        None => {
            located.at(
                root.at,
                "no `openapi` key: expected an OpenAPI 3.0 or 3.1 document",
            );
            String::new()
        }
    };
    check_refs(&root, &doc, &mut located);
    let info = root.get("info");
    let text_of = |key: &str| {
        info.and_then(|i| i.get(key))
            .and_then(Node::scalar_text)
            .unwrap_or_default()
    };

    let mut operations = Vec::new();
    let mut functions = Vec::new();
    let mut reached: BTreeSet<String> = BTreeSet::new();
    let mut external: BTreeMap<String, u64> = BTreeMap::new();
    match root.get("paths") {
        None => {}
        Some(paths) if paths.entries().is_none() && paths.value != Value::Null => {
            located.at(
                paths.at,
                format!("paths: expected a mapping of paths, found {}", paths.kind()),
            );
        }
        Some(paths) => {
            for (path, item) in paths.entries().unwrap_or_default() {
                let item = doc.deref(item);
                let Some(entries) = item.entries() else {
                    located.at(
                        item.at,
                        format!(
                            "{}: expected a path item (a mapping of operations), found {}",
                            path.text,
                            item.kind()
                        ),
                    );
                    continue;
                };
                let shared = item.get("parameters");
                for (method, op) in entries {
                    if !METHODS.contains(&method.text.as_str()) {
                        continue;
                    }
                    if op.entries().is_none() {
                        located.at(
                            op.at,
                            format!(
                                "{} {}: expected an operation (a mapping), found {}",
                                method.text.to_uppercase(),
                                path.text,
                                op.kind()
                            ),
                        );
                        continue;
                    }
                    let counted =
                        operation(&doc, &mut located, &method.text, &path.text, op, shared);
                    if let Some(kind) = counted.kind {
                        reached.extend(counted.schemas.iter().cloned());
                        for r in &counted.external {
                            external.entry(r.clone()).or_insert(op.at.line);
                        }
                        let name = counted.row.operation_id.clone().unwrap_or_else(|| {
                            format!("{} {}", counted.row.method, counted.row.path)
                        });
                        let mut f = Function::counted(
                            kind,
                            name,
                            counted.row.det,
                            counted.row.ftr,
                            format!("{file}:{}", op.at.line),
                        );
                        f.reason = Some(counted.reason);
                        functions.push(f);
                    }
                    operations.push(counted.row);
                }
            }
        }
    }

    // Data functions: the schemas the counted operations reach, then the external documents.
    let schemas = root.pointer("/components/schemas");
    let mut unreferenced = Vec::new();
    for (name, schema) in schemas.and_then(Node::entries).unwrap_or_default() {
        if !reached.contains(&name.text) {
            unreferenced.push(name.text.clone());
            continue;
        }
        let mut seen = BTreeSet::new();
        let fields = fields(&doc, schema, &mut seen);
        let det = (fields.len() as u32).max(1);
        let ret = 1 + subgroups(&doc, schema);
        let mut f = Function::counted(
            FunctionKind::ILF,
            name.text.clone(),
            det,
            ret,
            format!("{file}:{}", name.at.line),
        );
        f.reason = Some(format!(
            "components.schemas.{}: a schema the service owns, reached by an operation",
            name.text
        ));
        functions.push(f);
    }
    for (reference, line) in external {
        let mut f = Function::rated(
            FunctionKind::EIF,
            reference.clone(),
            Complexity::Low,
            format!("{file}:{line}"),
        );
        f.reason =
            Some("a schema of another document: rated low, since that document is not read".into());
        functions.push(f);
    }
    located.finish()?;
    Ok(ApiCount {
        openapi,
        title: text_of("title"),
        version: text_of("version"),
        operations,
        functions,
        unreferenced_schemas: unreferenced,
    })
}

struct Doc<'a> {
    root: &'a Node,
}

impl<'a> Doc<'a> {
    /// A node with its local `$ref` followed (transitively); the node itself when it has none or
    /// the reference does not resolve (reported by [`check_refs`]).
    fn deref(&self, node: &'a Node) -> &'a Node {
        let mut node = node;
        for _ in 0..32 {
            match node.get("$ref").and_then(Node::as_str) {
                Some(r) if r.starts_with('#') => match self.root.pointer(&r[1..]) {
                    Some(target) => node = target,
                    None => return node,
                },
                _ => return node,
            }
        }
        node
    }
}

/// Every `$ref` in the document must be text, and a local one must point at something.
fn check_refs(node: &Node, doc: &Doc<'_>, located: &mut Located) {
    match &node.value {
        Value::Map(entries) => {
            for (key, value) in entries {
                if key.text == "$ref" {
                    match value.as_str() {
                        Some(r) if r.starts_with('#') => {
                            if doc.root.pointer(&r[1..]).is_none() {
                                located.at(value.at, format!("$ref {r:?} points at nothing in this document: expected a path such as #/components/schemas/Name"));
                            }
                        }
                        Some(_) => {}
                        None => located.at(
                            value.at,
                            format!("$ref: expected a reference (text), found {}", value.kind()),
                        ),
                    }
                } else {
                    check_refs(value, doc, located);
                }
            }
        }
        Value::Seq(items) => items.iter().for_each(|i| check_refs(i, doc, located)),
        _ => {}
    }
}

struct Counted {
    row: Operation,
    kind: Option<FunctionKind>,
    reason: String,
    schemas: BTreeSet<String>,
    external: BTreeSet<String>,
}

fn operation(
    doc: &Doc<'_>,
    located: &mut Located,
    method: &str,
    path: &str,
    op: &Node,
    shared: Option<&Node>,
) -> Counted {
    let upper = method.to_uppercase();
    let mut det: BTreeSet<String> = BTreeSet::new();
    let mut refs = Refs::default();
    let mut required = Vec::new();

    // Parameters: the path item's, overridden by the operation's of the same name and place.
    let mut parameters: BTreeMap<(String, String), &Node> = BTreeMap::new();
    for list in [shared, op.get("parameters")].into_iter().flatten() {
        let Some(items) = list.items() else {
            located.at(
                list.at,
                format!(
                    "{upper} {path}: parameters: expected a list, found {}",
                    list.kind()
                ),
            );
            continue;
        };
        for p in items {
            refs.walk(doc, p);
            let p = doc.deref(p);
            match (
                p.get("name").and_then(Node::scalar_text),
                p.get("in").and_then(Node::scalar_text),
            ) {
                (Some(name), Some(place)) => {
                    parameters.insert((place, name), p);
                }
                _ => located.at(
                    p.at,
                    format!("{upper} {path}: a parameter needs `name` and `in`"),
                ),
            }
        }
    }
    for ((place, name), p) in &parameters {
        det.insert(name.clone());
        if p.get("required")
            .is_some_and(|r| r.value == Value::Bool(true))
        {
            required.push(Field {
                name: name.clone(),
                location: place.clone(),
                type_name: p
                    .get("schema")
                    .map_or_else(|| "string".into(), |s| type_name(doc, s)),
            });
        }
    }

    let mut example = None;
    if let Some(body) = op.get("requestBody") {
        refs.walk(doc, body);
        let body = doc.deref(body);
        for schema in media_schemas(body) {
            let mut seen = BTreeSet::new();
            det.extend(fields(doc, schema, &mut seen));
            let schema = doc.deref(schema);
            let required_names: Vec<String> = schema
                .get("required")
                .and_then(Node::items)
                .unwrap_or_default()
                .iter()
                .filter_map(Node::scalar_text)
                .collect();
            for name in required_names {
                if required
                    .iter()
                    .any(|f| f.location == "body" && f.name == name)
                {
                    continue;
                }
                let t = schema
                    .get("properties")
                    .and_then(|p| p.get(&name))
                    .map_or_else(|| "any".into(), |s| type_name(doc, s));
                required.push(Field {
                    name,
                    location: "body".into(),
                    type_name: t,
                });
            }
        }
        example = media_example(doc, body);
    }

    let mut derived = false;
    for response in success_responses(op) {
        refs.walk(doc, response);
        let response = doc.deref(response);
        for schema in media_schemas(response) {
            let mut seen = BTreeSet::new();
            det.extend(fields(doc, schema, &mut seen));
            let inline = schema.get("$ref").is_none()
                && (schema.get("properties").is_some()
                    || schema
                        .get("additionalProperties")
                        .is_some_and(|a| a.value != Value::Bool(false)));
            derived |= inline;
        }
        if example.is_none() {
            example = media_example(doc, response);
        }
    }

    let overridden = op
        .get("x-gigops-fp")
        .map(|n| (n, n.scalar_text().unwrap_or_default()));
    let (kind, reason) = match overridden {
        Some((_, v)) if v.eq_ignore_ascii_case("none") => (None, "x-gigops-fp: none".to_string()),
        Some((node, v)) => match v.parse::<FunctionKind>() {
            Ok(k) if !k.is_data() => (Some(k), format!("x-gigops-fp: {k}")),
            _ => {
                located.at(
                    node.at,
                    format!("x-gigops-fp {v:?}: expected EI, EO, EQ or none"),
                );
                (None, String::new())
            }
        },
        None => match method {
            "post" | "put" | "patch" | "delete" => {
                (Some(FunctionKind::EI), format!("{upper} {path}: a write"))
            }
            "get" if derived => (
                Some(FunctionKind::EO),
                format!("{upper} {path}: a read whose response is computed (an inline object)"),
            ),
            "get" => (
                Some(FunctionKind::EQ),
                format!("{upper} {path}: a plain read"),
            ),
            _ => (None, format!("{upper} is not counted")),
        },
    };
    let ftr = (refs.schemas.len() + refs.external.len()) as u32;
    Counted {
        row: Operation {
            method: upper,
            path: path.to_string(),
            operation_id: op.get("operationId").and_then(Node::scalar_text),
            summary: op.get("summary").and_then(Node::scalar_text),
            kind,
            det: det.len() as u32,
            ftr,
            required_fields: required,
            example,
            line: op.at.line,
        },
        kind,
        reason,
        schemas: refs.schemas,
        external: refs.external,
    }
}

/// The schemas and external documents a node reaches through `$ref`, transitively.
#[derive(Default)]
struct Refs {
    schemas: BTreeSet<String>,
    external: BTreeSet<String>,
    followed: BTreeSet<String>,
}

impl Refs {
    fn walk(&mut self, doc: &Doc<'_>, node: &Node) {
        match &node.value {
            Value::Map(entries) => {
                for (key, value) in entries {
                    if key.text == "$ref" {
                        let Some(r) = value.as_str() else { continue };
                        if !r.starts_with('#') {
                            self.external.insert(r.to_string());
                            continue;
                        }
                        if let Some(name) = r.strip_prefix("#/components/schemas/") {
                            self.schemas
                                .insert(name.replace("~1", "/").replace("~0", "~"));
                        }
                        if self.followed.insert(r.to_string())
                            && let Some(target) = doc.root.pointer(&r[1..])
                        {
                            self.walk(doc, target);
                        }
                    } else if key.text != "example" && key.text != "examples" {
                        self.walk(doc, value);
                    }
                }
            }
            Value::Seq(items) => items.iter().for_each(|i| self.walk(doc, i)),
            _ => {}
        }
    }
}

fn success_responses(op: &Node) -> Vec<&Node> {
    let Some(responses) = op.get("responses").and_then(Node::entries) else {
        return Vec::new();
    };
    let success: Vec<&Node> = responses
        .iter()
        .filter(|(code, _)| code.text.starts_with('2') && code.text.len() == 3)
        .map(|(_, r)| r)
        .collect();
    if success.is_empty() {
        responses
            .iter()
            .filter(|(code, _)| code.text == "default")
            .map(|(_, r)| r)
            .collect()
    } else {
        success
    }
}

/// The schema of each media type of a request body or response.
fn media_schemas(node: &Node) -> Vec<&Node> {
    node.get("content")
        .and_then(Node::entries)
        .unwrap_or_default()
        .iter()
        .filter_map(|(_, media)| media.get("schema"))
        .collect()
}

fn media_example(doc: &Doc<'_>, node: &Node) -> Option<serde_json::Value> {
    for (_, media) in node
        .get("content")
        .and_then(Node::entries)
        .unwrap_or_default()
    {
        if let Some(example) = media.get("example") {
            return Some(to_json(example));
        }
        if let Some(example) = media
            .get("schema")
            .map(|s| doc.deref(s))
            .and_then(|s| s.get("example"))
        {
            return Some(to_json(example));
        }
    }
    None
}

/// The fields of a schema, by name: its properties (with those of `allOf`/`oneOf`/`anyOf`
/// members and of array items); a schema with none is one field, the value itself.
fn fields(doc: &Doc<'_>, schema: &Node, seen: &mut BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if let Some(r) = schema.get("$ref").and_then(Node::as_str) {
        if !r.starts_with('#') {
            out.insert(format!("({r})"));
            return out;
        }
        if !seen.insert(r.to_string()) {
            return out;
        }
        return fields(doc, doc.deref(schema), seen);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for member in schema.get(key).and_then(Node::items).unwrap_or_default() {
            out.extend(fields(doc, member, seen));
        }
    }
    if let Some(items) = schema.get("items") {
        out.extend(fields(doc, items, seen));
    }
    if let Some(properties) = schema.get("properties").and_then(Node::entries) {
        out.extend(properties.iter().map(|(k, _)| k.text.clone()));
    }
    if out.is_empty() {
        out.insert("(value)".into());
    }
    out
}

/// Record element subgroups of a schema: properties that are inline objects, or arrays of them.
fn subgroups(doc: &Doc<'_>, schema: &Node) -> u32 {
    let schema = doc.deref(schema);
    schema
        .get("properties")
        .and_then(Node::entries)
        .unwrap_or_default()
        .iter()
        .filter(|(_, p)| {
            let inner = p.get("items").unwrap_or(p);
            inner.get("$ref").is_none() && inner.get("properties").is_some()
        })
        .count() as u32
}

fn type_name(doc: &Doc<'_>, schema: &Node) -> String {
    if let Some(r) = schema.get("$ref").and_then(Node::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_string();
    }
    let schema = doc.deref(schema);
    let t = schema
        .get("type")
        .and_then(Node::scalar_text)
        .unwrap_or_else(|| "object".into());
    if t == "array" {
        let inner = schema
            .get("items")
            .map_or_else(|| "any".into(), |i| type_name(doc, i));
        return format!("array<{inner}>");
    }
    match schema.get("format").and_then(Node::scalar_text) {
        Some(format) => format!("{t}/{format}"),
        None => t,
    }
}

pub fn to_json(node: &Node) -> serde_json::Value {
    match &node.value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) => serde_json::Value::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        Value::Str(s) => serde_json::Value::String(s.clone()),
        Value::Seq(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => serde_json::Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.text.clone(), to_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dangling_refs_and_bad_versions_are_located_all_at_once() {
        let doc = "openapi: 2.5\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Missing'\n  /b:\n    post:\n      requestBody:\n        $ref: 7\n";
        let err = count("api.yaml", doc).unwrap_err();
        let got: Vec<String> = err.0.iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            [
                "api.yaml:1: column 10: openapi 2.5: expected 3.0.x or 3.1.x",
                "api.yaml:10: column 23: $ref \"#/components/schemas/Missing\" points at nothing in this document: expected a path such as #/components/schemas/Name",
                "api.yaml:14: column 15: $ref: expected a reference (text), found an integer",
            ]
        );
    }

    #[test]
    fn an_override_and_an_external_schema() {
        let doc = r##"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
 "paths": {"/report": {"get": {"x-gigops-fp": "EO", "parameters": [{"name": "month", "in": "query", "required": true, "schema": {"type": "string", "format": "date"}}],
   "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "common.yaml#/Money"}}}}}}},
   "/health": {"get": {"x-gigops-fp": "none", "responses": {"200": {"description": "ok"}}}}}}"##;
        let counted = count("api.json", doc).unwrap();
        let kinds: Vec<(FunctionKind, u32, Option<u32>, Option<u32>)> = counted
            .functions
            .iter()
            .map(|f| (f.kind, f.points, f.det, f.ftr))
            .collect();
        // month + the external schema's value; FTR 1 (the external document).
        assert_eq!(
            kinds,
            [
                (FunctionKind::EO, 4, Some(2), Some(1)),
                (FunctionKind::EIF, 5, None, None)
            ]
        );
        assert_eq!(
            counted.operations[0].required_fields,
            [Field {
                name: "month".into(),
                location: "query".into(),
                type_name: "string/date".into()
            }]
        );
        assert_eq!(counted.operations[1].kind, None);
    }
}
