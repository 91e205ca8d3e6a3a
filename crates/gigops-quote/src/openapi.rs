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
use gigops_ingest::yaml::{self, Located, Node, Value};

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
    count_document(file, &root)
}

fn count_document(file: &str, root: &Node) -> Result<ApiCount, Problems> {
    let mut located = Located::new(file);
    let doc = Doc { root };

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
    check_refs(root, &doc, &mut located);
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
            for field in required_body_fields(doc, schema) {
                if !required
                    .iter()
                    .any(|f| f.location == "body" && f.name == field.name)
                {
                    required.push(field);
                }
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

/// The required properties of a request body's schema, with their types: its own `required`
/// and those of its `allOf` members (each through its `$ref`), since every member of an `allOf`
/// applies. `oneOf`/`anyOf` members are alternatives: none of their fields is required of all.
fn required_body_fields(doc: &Doc<'_>, schema: &Node) -> Vec<Field> {
    let mut names: Vec<String> = Vec::new();
    let mut properties: Vec<(String, &Node)> = Vec::new();
    let mut seen = BTreeSet::new();
    collect_required(doc, schema, &mut names, &mut properties, &mut seen, 0);
    let mut fields: Vec<Field> = Vec::new();
    for name in names {
        if fields.iter().any(|f| f.name == name) {
            continue;
        }
        let type_name = properties
            .iter()
            .find(|(p, _)| *p == name)
            .map_or_else(|| "any".into(), |(_, s)| type_name(doc, s));
        fields.push(Field {
            name,
            location: "body".into(),
            type_name,
        });
    }
    fields
}

fn collect_required<'a>(
    doc: &Doc<'a>,
    schema: &'a Node,
    names: &mut Vec<String>,
    properties: &mut Vec<(String, &'a Node)>,
    seen: &mut BTreeSet<String>,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    if let Some(r) = schema.get("$ref").and_then(Node::as_str)
        && !seen.insert(r.to_string())
    {
        return;
    }
    let schema = doc.deref(schema);
    names.extend(
        schema
            .get("required")
            .and_then(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::scalar_text),
    );
    for (key, value) in schema
        .get("properties")
        .and_then(Node::entries)
        .unwrap_or_default()
    {
        properties.push((key.text.clone(), value));
    }
    for member in schema
        .get("allOf")
        .and_then(Node::items)
        .unwrap_or_default()
    {
        collect_required(doc, member, names, properties, seen, depth + 1);
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

/// The API contract of a document, for a proposal: per operation its method, path, summary, the
/// fields a client must send with their types, and an example.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiContract {
    pub title: String,
    pub version: String,
    pub rows: Vec<ContractRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContractRow {
    pub method: String,
    pub path: String,
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    /// The function type it counts as; `null` when not counted.
    pub kind: Option<FunctionKind>,
    /// Required parameters (with `in`) and the required fields of the request body, through
    /// `$ref` and `allOf`.
    pub required_fields: Vec<Field>,
    pub example: Option<Example>,
    pub line: u64,
}

/// An example message of an operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Example {
    /// `request` (the request body's) or `response` (the first success response's, for an
    /// operation without a body).
    pub of: &'static str,
    /// `document`: the document's `example`/`examples`; `schema`: built from the schema's
    /// types, formats, enums and property examples.
    pub source: &'static str,
    /// The example as indented JSON text, keys in the document's order (a JSON object would
    /// sort them).
    pub json: String,
}

/// Reads the contract table of a document. The document is checked as [`count`] checks it, and
/// the same problems are reported.
pub fn api_contract(file: &str, text: &str) -> Result<ApiContract, Problems> {
    let root = yaml::parse(file, text)?;
    let counted = count_document(file, &root)?;
    let doc = Doc { root: &root };
    let mut rows = Vec::new();
    let paths = root
        .get("paths")
        .and_then(Node::entries)
        .unwrap_or_default();
    // The counted operations come in document order, as the walk below visits them.
    let mut counted_rows = counted.operations.into_iter();
    for (path, item) in paths {
        let item = doc.deref(item);
        for (method, op) in item.entries().unwrap_or_default() {
            if !METHODS.contains(&method.text.as_str()) || op.entries().is_none() {
                continue;
            }
            let Some(row) = counted_rows.next() else {
                break;
            };
            let example = request_example(&doc, op).or_else(|| response_example(&doc, op));
            debug_assert_eq!(row.path, path.text);
            rows.push(ContractRow {
                method: row.method,
                path: row.path,
                operation_id: row.operation_id,
                summary: row.summary,
                kind: row.kind,
                required_fields: row.required_fields,
                example,
                line: row.line,
            });
        }
    }
    Ok(ApiContract {
        title: counted.title,
        version: counted.version,
        rows,
    })
}

fn request_example(doc: &Doc<'_>, op: &Node) -> Option<Example> {
    let body = doc.deref(op.get("requestBody")?);
    message_example(doc, body, "request")
}

fn response_example(doc: &Doc<'_>, op: &Node) -> Option<Example> {
    success_responses(op)
        .into_iter()
        .find_map(|r| message_example(doc, doc.deref(r), "response"))
}

/// The example of a request body or response: the first media type's `example`, its first
/// `examples` entry's `value`, or its schema's `example`; else one built from the first media
/// type's schema.
fn message_example(doc: &Doc<'_>, message: &Node, of: &'static str) -> Option<Example> {
    let media: Vec<&Node> = message
        .get("content")
        .and_then(Node::entries)
        .unwrap_or_default()
        .iter()
        .map(|(_, m)| m)
        .collect();
    for m in &media {
        let given = m
            .get("example")
            .or_else(|| {
                m.get("examples")
                    .and_then(Node::entries)
                    .and_then(|e| e.first())
                    .map(|(_, e)| doc.deref(e))
                    .and_then(|e| e.get("value"))
            })
            .or_else(|| {
                m.get("schema")
                    .map(|s| doc.deref(s))
                    .and_then(|s| s.get("example"))
            });
        if let Some(example) = given {
            return Some(Example {
                of,
                source: "document",
                json: Ordered::from_node(example).pretty(),
            });
        }
    }
    let schema = media.iter().find_map(|m| m.get("schema"))?;
    let mut seen = BTreeSet::new();
    Some(Example {
        of,
        source: "schema",
        json: build_example(doc, schema, &mut seen, 0).pretty(),
    })
}

/// A JSON value that keeps the order of object keys.
#[derive(Debug, Clone, PartialEq)]
enum Ordered {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Array(Vec<Ordered>),
    Object(Vec<(String, Ordered)>),
}

impl Ordered {
    fn from_node(node: &Node) -> Ordered {
        match &node.value {
            Value::Null => Ordered::Null,
            Value::Bool(b) => Ordered::Bool(*b),
            Value::Int(i) => Ordered::Int(*i),
            Value::Float(f) => Ordered::Float(*f),
            Value::Str(s) => Ordered::Str(s.clone()),
            Value::Seq(items) => Ordered::Array(items.iter().map(Ordered::from_node).collect()),
            Value::Map(entries) => Ordered::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.text.clone(), Ordered::from_node(v)))
                    .collect(),
            ),
        }
    }

    /// Indented by two spaces; an array or object of scalars only stays on one line when short.
    fn pretty(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out
    }

    fn compact(&self) -> String {
        match self {
            Ordered::Null => "null".into(),
            Ordered::Bool(b) => b.to_string(),
            Ordered::Int(i) => i.to_string(),
            Ordered::Float(f) if f.is_finite() => {
                serde_json::Number::from_f64(*f).map_or_else(|| "null".into(), |n| n.to_string())
            }
            Ordered::Float(_) => "null".into(),
            Ordered::Str(s) => serde_json::Value::String(s.clone()).to_string(),
            Ordered::Array(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(Ordered::compact)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Ordered::Object(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!(
                        "{}: {}",
                        serde_json::Value::String(k.clone()),
                        v.compact()
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    fn write(&self, out: &mut String, indent: usize) {
        let flat = self.compact();
        let nested = match self {
            Ordered::Array(items) => items
                .iter()
                .any(|i| matches!(i, Ordered::Array(_) | Ordered::Object(_))),
            Ordered::Object(entries) => entries
                .iter()
                .any(|(_, v)| matches!(v, Ordered::Array(_) | Ordered::Object(_))),
            _ => false,
        };
        if !nested && flat.chars().count() + indent <= 60 {
            out.push_str(&flat);
            return;
        }
        let pad = "  ".repeat(indent + 1);
        match self {
            Ordered::Array(items) => {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    out.push_str(&pad);
                    item.write(out, indent + 1);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                out.push_str(&"  ".repeat(indent));
                out.push(']');
            }
            Ordered::Object(entries) => {
                out.push_str("{\n");
                for (i, (k, v)) in entries.iter().enumerate() {
                    out.push_str(&pad);
                    out.push_str(&serde_json::Value::String(k.clone()).to_string());
                    out.push_str(": ");
                    v.write(out, indent + 1);
                    out.push_str(if i + 1 < entries.len() { ",\n" } else { "\n" });
                }
                out.push_str(&"  ".repeat(indent));
                out.push('}');
            }
            _ => out.push_str(&flat),
        }
    }
}

/// An example value from a schema: its `example`, `default`, `const` or first `enum` value;
/// else by its type — objects property by property (through `$ref` and `allOf`), arrays with
/// one item, strings by their format. A schema met again inside itself stops as `null`.
fn build_example(
    doc: &Doc<'_>,
    schema: &Node,
    seen: &mut BTreeSet<String>,
    depth: usize,
) -> Ordered {
    if depth > 8 {
        return Ordered::Null;
    }
    let reference = schema
        .get("$ref")
        .and_then(Node::as_str)
        .map(str::to_string);
    if let Some(r) = &reference
        && !seen.insert(r.clone())
    {
        return Ordered::Null;
    }
    let s = doc.deref(schema);
    let value = (|| {
        for key in ["example", "default", "const"] {
            if let Some(v) = s.get(key) {
                return Ordered::from_node(v);
            }
        }
        if let Some(first) = s
            .get("examples")
            .and_then(Node::items)
            .and_then(|e| e.first())
        {
            return Ordered::from_node(first);
        }
        if let Some(first) = s.get("enum").and_then(Node::items).and_then(|e| e.first()) {
            return Ordered::from_node(first);
        }
        if let Some(members) = s.get("allOf").and_then(Node::items) {
            let mut merged: Vec<(String, Ordered)> = Vec::new();
            for m in members {
                if let Ordered::Object(entries) = build_example(doc, m, seen, depth + 1) {
                    for (k, v) in entries {
                        if !merged.iter().any(|(key, _)| *key == k) {
                            merged.push((k, v));
                        }
                    }
                }
            }
            if let Some(own) = s.get("properties").and_then(Node::entries) {
                for (k, v) in own {
                    if !merged.iter().any(|(key, _)| *key == k.text) {
                        merged.push((k.text.clone(), build_example(doc, v, seen, depth + 1)));
                    }
                }
            }
            return Ordered::Object(merged);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(first) = s.get(key).and_then(Node::items).and_then(|m| m.first()) {
                return build_example(doc, first, seen, depth + 1);
            }
        }
        // OpenAPI 3.1 allows a list of types: the first that is not null.
        let t = match s.get("type") {
            Some(node) => match node.items() {
                Some(types) => types
                    .iter()
                    .filter_map(Node::scalar_text)
                    .find(|t| t != "null")
                    .unwrap_or_else(|| "null".into()),
                None => node.scalar_text().unwrap_or_default(),
            },
            None if s.get("properties").is_some() => "object".into(),
            None if s.get("items").is_some() => "array".into(),
            None => String::new(),
        };
        match t.as_str() {
            "object" => {
                let mut entries: Vec<(String, Ordered)> = s
                    .get("properties")
                    .and_then(Node::entries)
                    .unwrap_or_default()
                    .iter()
                    .map(|(k, v)| (k.text.clone(), build_example(doc, v, seen, depth + 1)))
                    .collect();
                if entries.is_empty()
                    && let Some(extra) = s
                        .get("additionalProperties")
                        .filter(|a| a.entries().is_some())
                {
                    entries.push(("key".into(), build_example(doc, extra, seen, depth + 1)));
                }
                Ordered::Object(entries)
            }
            "array" => Ordered::Array(
                s.get("items")
                    .map(|i| vec![build_example(doc, i, seen, depth + 1)])
                    .unwrap_or_default(),
            ),
            "integer" => Ordered::Int(0),
            "number" => Ordered::Float(0.0),
            "boolean" => Ordered::Bool(true),
            "string" => Ordered::Str(
                match s.get("format").and_then(Node::scalar_text).as_deref() {
                    Some("date") => "2025-01-31",
                    Some("date-time") => "2025-01-31T09:30:00Z",
                    Some("time") => "09:30:00",
                    Some("email") => "user@example.com",
                    Some("uuid") => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                    Some("binary") => "(binary data)",
                    Some("byte") => "U3dhZ2dlcg==",
                    _ => "string",
                }
                .into(),
            ),
            _ => Ordered::Null,
        }
    })();
    if let Some(r) = reference {
        seen.remove(&r);
    }
    value
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
