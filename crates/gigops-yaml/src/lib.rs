//! YAML (and JSON, which YAML 1.2 reads) as a tree whose every node and key knows its line and
//! column, so that problems found after parsing — a missing field, a dangling `$ref` — are
//! reported where they are, all at once.
//!
//! Built from saphyr-parser's events rather than deserialized with serde: serde stops at the
//! first problem, and a tree lets the spec and OpenAPI readers check everything and resolve
//! JSON pointers.

use std::collections::HashMap;

mod typed;

pub use typed::{TextRule, Unexpected};

use gigops_core::{Problem, Problems};
use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// The limits of what [`parse`] reads, far above any real spec, SOW or API document (PagerDuty's
/// whole REST description, 465 operations, is 2.7 MB, 50,735 values and 31 levels deep), so that
/// a hostile or broken file is refused with its reason instead of filling memory or the stack.
///
/// The most bytes in one document.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;
/// The most nodes (mappings, sequences, keys' values and scalars), counted after YAML aliases
/// are expanded: a document of aliases that expands past this (a "billion laughs") is refused.
pub const MAX_NODES: usize = 2_000_000;
/// The deepest nesting of mappings and sequences.
pub const MAX_DEPTH: usize = 128;

/// How a document is written, so that a problem is told in the format's own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

impl Format {
    /// JSON for a `.json` file, YAML for `.yaml`/`.yml`; otherwise JSON when the text opens
    /// with `{` or `[`, else YAML.
    pub fn of(file: &str, text: &str) -> Format {
        let lower = file.to_ascii_lowercase();
        if lower.ends_with(".json") {
            Format::Json
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            Format::Yaml
        } else if text.trim_start().starts_with(['{', '[']) {
            Format::Json
        } else {
            Format::Yaml
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::Yaml => "YAML",
        }
    }
}

/// Where a node is: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    pub line: u64,
    pub column: u64,
}

impl Position {
    fn of(span: &Span) -> Position {
        Position {
            line: span.start.line() as u64,
            column: span.start.col() as u64 + 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub at: Position,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Keys in document order; a key is a scalar's text.
    Map(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub text: String,
    pub at: Position,
}

impl Node {
    /// What the node is, for "expected a number, found a string".
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a sequence",
            Value::Map(_) => "a mapping",
        }
    }

    pub fn entries(&self) -> Option<&[(Key, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn items(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The value of a key of a mapping; `None` for a missing key or a node that is no mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()?
            .iter()
            .find(|(k, _)| k.text == key)
            .map(|(_, v)| v)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as text, whatever YAML resolved it to (`version: 1.0` is a number to YAML and
    /// text to OpenAPI).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self.value {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            _ => None,
        }
    }

    /// Follows a JSON pointer (`/components/schemas/Pet`, RFC 6901 escapes `~0` and `~1`).
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut node = self;
        for token in pointer.strip_prefix('/')?.split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            node = match &node.value {
                Value::Map(_) => node.get(&token)?,
                Value::Seq(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }
}

/// Collects the problems of one file.
#[derive(Debug)]
pub struct Located {
    pub file: String,
    pub problems: Vec<Problem>,
}

impl Located {
    pub fn new(file: &str) -> Located {
        Located {
            file: file.to_string(),
            problems: Vec::new(),
        }
    }

    pub fn at(&mut self, at: Position, reason: impl Into<String>) {
        self.problems.push(problem(&self.file, at, reason.into()));
    }

    /// The problems, sorted by place, as an error; `Ok` when there are none.
    pub fn finish(mut self) -> Result<(), Problems> {
        if self.problems.is_empty() {
            return Ok(());
        }
        self.problems.sort_by_key(|p| {
            let column: u64 = p
                .column
                .strip_prefix("column ")
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            (p.line, column)
        });
        self.problems.dedup();
        Err(Problems(self.problems))
    }
}

pub fn problem(file: &str, at: Position, reason: String) -> Problem {
    Problem {
        file: file.to_string(),
        line: at.line,
        column: if at.column == 0 {
            String::new()
        } else {
            format!("column {}", at.column)
        },
        reason,
    }
}

enum Frame {
    Seq {
        at: Position,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        at: Position,
        anchor: usize,
        entries: Vec<(Key, Node)>,
        key: Option<Key>,
    },
}

/// Parses the first document of `text`, YAML or JSON. A syntax error is one problem (the
/// parser cannot go on), and so is a document past a limit ([`MAX_BYTES`], [`MAX_NODES`],
/// [`MAX_DEPTH`]); non-scalar and repeated keys are all reported.
pub fn parse(file: &str, text: &str) -> Result<Node, Problems> {
    parse_within(file, text, MAX_BYTES, MAX_NODES)
}

/// [`parse`] with other byte and node limits (tests use small ones).
fn parse_within(
    file: &str,
    text: &str,
    max_bytes: usize,
    max_nodes: usize,
) -> Result<Node, Problems> {
    let format = Format::of(file, text);
    let mut located = Located::new(file);
    if text.len() > max_bytes {
        let size = |bytes: usize| {
            if bytes >= 1024 * 1024 {
                format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
            } else {
                format!("{bytes} bytes")
            }
        };
        located.at(
            Position { line: 1, column: 0 },
            format!(
                "{}: more than the {} gigops reads in one {} document",
                size(text.len()),
                size(max_bytes),
                format.name()
            ),
        );
        return Err(Problems(located.problems));
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut root: Option<Node> = None;
    let mut nodes = 0usize;
    let mut aliases = false;

    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(event) => event,
            Err(e) => {
                let at = Position {
                    line: e.marker().line() as u64,
                    column: e.marker().col() as u64 + 1,
                };
                located.at(at, format!("invalid {}: {}", format.name(), e.info()));
                return Err(Problems(located.problems));
            }
        };
        let at = Position::of(&span);
        if matches!(event, Event::SequenceStart(..) | Event::MappingStart(..))
            && stack.len() >= MAX_DEPTH
        {
            located.at(
                at,
                format!(
                    "nested more than {MAX_DEPTH} levels deep: the deepest gigops reads in a {} document",
                    format.name()
                ),
            );
            return Err(Problems(located.problems));
        }
        let complete = match event {
            Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => continue,
            Event::DocumentEnd | Event::StreamEnd => break,
            Event::SequenceStart(anchor, _) => {
                stack.push(Frame::Seq {
                    at,
                    anchor,
                    items: Vec::new(),
                });
                continue;
            }
            Event::MappingStart(anchor, _) => {
                stack.push(Frame::Map {
                    at,
                    anchor,
                    entries: Vec::new(),
                    key: None,
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq { at, anchor, items }) => remember(
                    &mut anchors,
                    anchor,
                    Node {
                        at,
                        value: Value::Seq(items),
                    },
                ),
                Some(Frame::Map {
                    at,
                    anchor,
                    entries,
                    ..
                }) => remember(
                    &mut anchors,
                    anchor,
                    Node {
                        at,
                        value: Value::Map(entries),
                    },
                ),
                None => continue,
            },
            Event::Scalar(text, style, anchor, tag) => {
                let tagged_str = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let value = if style == ScalarStyle::Plain && !tagged_str {
                    resolve_plain(&text)
                } else {
                    Value::Str(text.into_owned())
                };
                remember(&mut anchors, anchor, Node { at, value })
            }
            Event::Alias(anchor) => match anchors.get(&anchor) {
                Some(node) => {
                    aliases = true;
                    nodes += count_nodes(node);
                    let mut node = node.clone();
                    node.at = at;
                    node
                }
                None => {
                    located.at(at, "an alias to an anchor that is not defined");
                    Node {
                        at,
                        value: Value::Null,
                    }
                }
            },
        };
        nodes += 1;
        if nodes > max_nodes {
            let what = match (format, aliases) {
                (Format::Json, _) => {
                    "values (objects, arrays, keys' values and scalars)".to_string()
                }
                (Format::Yaml, false) => "nodes".to_string(),
                (Format::Yaml, true) => {
                    "nodes once its aliases are expanded (an alias repeats its anchor's node)"
                        .to_string()
                }
            };
            located.at(
                at,
                format!(
                    "more than {max_nodes} {what}: the most gigops reads in a {} document",
                    format.name()
                ),
            );
            return Err(Problems(located.problems));
        }
        match stack.last_mut() {
            None => root = Some(complete),
            Some(Frame::Seq { items, .. }) => items.push(complete),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                Some(k) => entries.push((k, complete)),
                None => {
                    let text = match complete.scalar_text() {
                        Some(text) => text,
                        None if complete.value == Value::Null => String::new(),
                        None => {
                            located.at(
                                complete.at,
                                format!("expected a scalar key, found {}", complete.kind()),
                            );
                            String::new()
                        }
                    };
                    if let Some((first, _)) = entries.iter().find(|(k, _)| k.text == text) {
                        located.at(
                            complete.at,
                            format!(
                                "duplicate key {text:?} (first at line {}, column {}): expected each key once",
                                first.at.line, first.at.column
                            ),
                        );
                    }
                    *key = Some(Key {
                        text,
                        at: complete.at,
                    });
                }
            },
        }
    }
    located.finish()?;
    Ok(root.unwrap_or(Node {
        at: Position { line: 1, column: 1 },
        value: Value::Null,
    }))
}

fn remember(anchors: &mut HashMap<usize, Node>, anchor: usize, node: Node) -> Node {
    if anchor > 0 {
        anchors.insert(anchor, node.clone());
    }
    node
}

fn count_nodes(node: &Node) -> usize {
    match &node.value {
        Value::Seq(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        Value::Map(entries) => {
            1 + entries
                .iter()
                .map(|(_, v)| 1 + count_nodes(v))
                .sum::<usize>()
        }
        _ => 1,
    }
}

/// A plain scalar by YAML 1.2's core schema: null, booleans, integers (decimal, `0o`, `0x`),
/// floats (with `.inf` and `.nan`); anything else is a string.
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let radix = match (text.strip_prefix("0o"), text.strip_prefix("0x")) {
        (Some(octal), _) => Some((octal, 8)),
        (_, Some(hex)) => Some((hex, 16)),
        _ => None,
    };
    if let Some((digits, radix)) = radix
        && let Ok(i) = i64::from_str_radix(digits, radix)
    {
        return Value::Int(i);
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && let Ok(i) = text.parse::<i64>()
    {
        return Value::Int(i);
    }
    let looks_numeric = digits
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && digits.bytes().any(|b| b.is_ascii_digit())
        && !digits.starts_with(['e', 'E']);
    if looks_numeric && let Ok(f) = text.parse::<f64>() {
        return Value::Float(f);
    }
    Value::Str(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_know_their_line_and_column() {
        let doc = parse("a.yaml", "name: shop\nitems:\n  - det: 3\n    ret: 1\n").unwrap();
        let det = doc.pointer("/items/0/det").unwrap();
        assert_eq!(det.value, Value::Int(3));
        assert_eq!(
            det.at,
            Position {
                line: 3,
                column: 10
            }
        );
        let (key, _) = &doc.entries().unwrap()[1];
        assert_eq!(
            (key.text.as_str(), key.at.line, key.at.column),
            ("items", 2, 1)
        );
    }

    #[test]
    fn json_is_read_with_positions_too() {
        let doc = parse("a.json", "{\n  \"openapi\": \"3.0.3\",\n  \"n\": 1.5\n}\n").unwrap();
        assert_eq!(doc.get("openapi").unwrap().as_str(), Some("3.0.3"));
        assert_eq!(doc.get("n").unwrap().at, Position { line: 3, column: 8 });
    }

    #[test]
    fn json_indented_with_tabs_is_read() {
        // Tabs may not indent YAML blocks, but JSON is all flow, where they are whitespace.
        let doc = parse(
            "a.json",
            "{\n\t\"paths\": {\n\t\t\"/a\": {}\n\t},\n\t\"n\": [1,\t2]\n}\n",
        )
        .unwrap();
        assert!(doc.pointer("/paths/~1a").is_some());
        assert_eq!(doc.pointer("/n/1").unwrap().value, Value::Int(2));
    }

    #[test]
    fn scalars_resolve_by_the_core_schema() {
        assert_eq!(resolve_plain("12"), Value::Int(12));
        assert_eq!(resolve_plain("-0x10"), Value::Str("-0x10".into()));
        assert_eq!(resolve_plain("0x10"), Value::Int(16));
        assert_eq!(resolve_plain("1.5e3"), Value::Float(1500.0));
        assert_eq!(resolve_plain("~"), Value::Null);
        assert_eq!(resolve_plain("3.0.3"), Value::Str("3.0.3".into()));
        assert_eq!(resolve_plain("e5"), Value::Str("e5".into()));
        assert_eq!(resolve_plain("yes"), Value::Str("yes".into()));
    }

    #[test]
    fn syntax_errors_and_duplicate_keys_are_located() {
        let err = parse("s.yaml", "a: [1, 2\n").unwrap_err();
        assert_eq!(err.0.len(), 1);
        assert_eq!(err.0[0].line, 2);
        let err = parse("s.yaml", "a: 1\nb: 2\na: 3\nb: 4\n").unwrap_err();
        assert_eq!(err.0.len(), 2);
        assert_eq!((err.0[0].line, err.0[0].column.as_str()), (3, "column 1"));
        assert!(err.0[0].reason.contains("first at line 1"));
    }

    #[test]
    fn aliases_are_expanded_and_bounded() {
        let doc = parse("a.yaml", "x: &v {det: 2}\ny: *v\n").unwrap();
        assert_eq!(doc.pointer("/y/det").unwrap().value, Value::Int(2));
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (i, name) in ["b", "c", "d", "e", "f", "g", "h"].iter().enumerate() {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                ["b", "c", "d", "e", "f", "g"][i - 1].to_string()
            };
            bomb.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let err = parse("bomb.yaml", &bomb).unwrap_err();
        assert!(
            err.0[0]
                .reason
                .starts_with("more than 2000000 nodes once its aliases are expanded"),
            "{err}"
        );
        assert!(err.0[0].reason.ends_with("in a YAML document"), "{err}");
    }

    #[test]
    fn limits_are_told_in_the_documents_format() {
        // A JSON document past the node limit has no alias to blame (a limit of 10 here).
        let err = parse_within(
            "api.json",
            "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]",
            MAX_BYTES,
            10,
        )
        .unwrap_err();
        assert_eq!(err.0.len(), 1);
        assert_eq!(
            err.0[0].to_string(),
            "api.json:1: column 32: more than 10 values (objects, arrays, keys' values and scalars): the most gigops reads in a JSON document"
        );
        let err = parse_within(
            "api.yaml",
            "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]",
            MAX_BYTES,
            10,
        )
        .unwrap_err();
        assert!(err.0[0].reason.starts_with("more than 10 nodes: "), "{err}");
        // Nesting: a JSON array 200 deep, and the same in block YAML.
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let err = parse("deep.json", &deep).unwrap_err();
        assert_eq!(
            (
                err.0[0].line,
                err.0[0].column.as_str(),
                err.0[0].reason.as_str()
            ),
            (
                1,
                "column 129",
                "nested more than 128 levels deep: the deepest gigops reads in a JSON document"
            )
        );
        let mut yaml = String::new();
        for level in 0..200 {
            yaml.push_str(&format!("{}k:\n", "  ".repeat(level)));
        }
        let err = parse("deep.yaml", &yaml).unwrap_err();
        assert!(err.0[0].reason.ends_with("in a YAML document"), "{err}");
        assert_eq!(err.0[0].line, 129);
        // A syntax error names the format; a file without an extension is sniffed.
        let err = parse("api.json", "{\"a\": [1, 2}").unwrap_err();
        assert!(err.0[0].reason.starts_with("invalid JSON: "), "{err}");
        let err = parse("-", "{\"a\": [1, 2}").unwrap_err();
        assert!(err.0[0].reason.starts_with("invalid JSON: "), "{err}");
        let err = parse("spec", "a: [1, 2\n").unwrap_err();
        assert!(err.0[0].reason.starts_with("invalid YAML: "), "{err}");
        assert_eq!(Format::of("API.JSON", ""), Format::Json);
        assert_eq!(Format::of("a.yml", "{}"), Format::Yaml);
    }

    #[test]
    fn a_document_past_the_size_limit_is_refused_before_it_is_parsed() {
        let err = parse_within("huge.yaml", "a: 1\nb: 2\n", 8, MAX_NODES).unwrap_err();
        assert_eq!(
            err.0[0].to_string(),
            "huge.yaml:1: 10 bytes: more than the 8 bytes gigops reads in one YAML document"
        );
        assert_eq!(MAX_BYTES, 64 * 1024 * 1024);
    }
}
