//! Architecture diagrams: a subset of Mermaid's `flowchart` syntax, read into a [`Flowchart`]
//! that the renderer lays out and draws. Every problem is reported at once with its line and
//! column (in characters, 1-based), as gigops's other readers do.
//!
//! ```text
//! %% a comment
//! flowchart LR                      (or `graph`; LR, RL, TD, TB, BT)
//!   web[Web shop] -->|HTTPS| api(API)
//!   subgraph cloud [Cloud]
//!     api --> db[(PostgreSQL)]
//!     api -.-> cache((Redis))
//!   end
//!   api --- audit["Audit log"]
//! ```
//!
//! Shapes: `id[box]`, `id(rounded)`, `id((circle))`, `id[(database)]`. Links: `-->`, `---`,
//! `-.->`, `-.-`, `==>`, `===`, with a label as `-->|label|` or `-- label -->`; a line may
//! chain them (`a --> b --> c`). `<br>` in a label breaks the line. A node belongs to the
//! innermost subgraph it is first mentioned in. Mermaid's styling statements (`classDef`,
//! `style`, `click`, …) and other shapes are refused with the reason, rather than ignored:
//! a diagram that does not draw what its author wrote would mislead the client.

use std::collections::HashMap;

use serde::Serialize;

use gigops_core::{Problem, Problems};

/// Which way ranks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Direction {
    /// Left to right.
    LR,
    /// Right to left.
    RL,
    /// Top down (`TD` or `TB`).
    TD,
    /// Bottom up.
    BT,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// `[label]`
    Box,
    /// `(label)`
    Rounded,
    /// `((label))`
    Circle,
    /// `[(label)]`: a database.
    Cylinder,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineStyle {
    Solid,
    Dotted,
    Thick,
}

/// Where something was written: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct At {
    pub line: u64,
    pub column: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlowNode {
    pub id: String,
    /// The label's lines (`<br>` splits them); the id when no label was given.
    pub label: Vec<String>,
    pub shape: Shape,
    /// Index into [`Flowchart::subgraphs`] of the innermost subgraph holding the node.
    pub subgraph: Option<usize>,
    pub at: At,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlowEdge {
    /// Indexes into [`Flowchart::nodes`].
    pub from: usize,
    pub to: usize,
    pub label: Option<String>,
    /// `-->` has an arrowhead at `to`; `---` has none.
    pub arrow: bool,
    pub style: LineStyle,
    pub at: At,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subgraph {
    pub id: String,
    pub title: String,
    /// The enclosing subgraph.
    pub parent: Option<usize>,
    pub at: At,
}

/// A parsed diagram: nodes in the order they were first mentioned.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flowchart {
    pub direction: Direction,
    pub nodes: Vec<FlowNode>,
    pub edges: Vec<FlowEdge>,
    pub subgraphs: Vec<Subgraph>,
}

/// Statements of Mermaid that this subset does not draw.
const UNSUPPORTED: &[&str] = &[
    "classDef",
    "class",
    "style",
    "linkStyle",
    "click",
    "direction",
    "accTitle",
    "accDescr",
];

/// Reads a diagram. `file` names it in problems.
pub fn parse(file: &str, text: &str) -> Result<Flowchart, Problems> {
    let mut parser = Parser {
        file,
        problems: Vec::new(),
        nodes: Vec::new(),
        index: HashMap::new(),
        edges: Vec::new(),
        subgraphs: Vec::new(),
        open: Vec::new(),
        labelled: HashMap::new(),
    };
    let mut direction = None;
    for (n, raw) in text.lines().enumerate() {
        let line = n as u64 + 1;
        let chars: Vec<char> = raw.chars().collect();
        let Some(start) = chars.iter().position(|c| !c.is_whitespace()) else {
            continue;
        };
        if chars[start..].starts_with(&['%', '%']) {
            continue;
        }
        let mut cursor = Cursor {
            chars: &chars,
            pos: start,
            line,
        };
        if direction.is_none() {
            direction = Some(parser.header(&mut cursor));
            continue;
        }
        parser.statement(&mut cursor);
    }
    let Some(direction) = direction else {
        parser.problem(
            At { line: 1, column: 1 },
            "an empty diagram: expected `flowchart LR` or `flowchart TD` on the first line, then nodes and links",
        );
        return Err(Problems(parser.problems));
    };
    for open in parser.open.clone() {
        let at = parser.subgraphs[open].at;
        parser.problem(
            at,
            format!(
                "subgraph {:?} is never closed: expected `end`",
                parser.subgraphs[open].id
            ),
        );
    }
    if parser.problems.is_empty() && parser.nodes.is_empty() {
        parser.problem(
            At { line: 1, column: 1 },
            "the diagram has no node: expected nodes such as `api[API server]` and links such as `api --> db`",
        );
    }
    if !parser.problems.is_empty() {
        parser.problems.sort_by_key(|p| {
            let column: u64 = p
                .column
                .strip_prefix("column ")
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            (p.line, column)
        });
        return Err(Problems(parser.problems));
    }
    Ok(Flowchart {
        direction,
        nodes: parser.nodes,
        edges: parser.edges,
        subgraphs: parser.subgraphs,
    })
}

struct Cursor<'a> {
    chars: &'a [char],
    pos: usize,
    line: u64,
}

impl Cursor<'_> {
    fn at(&self) -> At {
        At {
            line: self.line,
            column: self.pos as u64 + 1,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn rest_starts_with(&self, s: &str) -> bool {
        (self.pos..)
            .zip(s.chars())
            .all(|(i, c)| self.chars.get(i) == Some(&c))
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn at_end(&mut self) -> bool {
        self.skip_spaces();
        // A trailing `;` ends a statement in Mermaid.
        if self.peek() == Some(';') {
            self.pos += 1;
            self.skip_spaces();
        }
        self.peek().is_none() || self.rest_starts_with("%%")
    }

    /// An identifier: letters (any script), digits, `_` and `-` not starting a link.
    fn ident(&mut self) -> Option<String> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            // A `-` that starts a link (`-->`, `-.->`, `->`) or the id ends it.
            let link_ahead = c == '-'
                && (self.pos == start
                    || matches!(self.chars.get(self.pos + 1), Some('-' | '.' | '>')));
            if (c.is_alphanumeric() || c == '_' || c == '-') && !link_ahead {
                self.pos += 1;
            } else {
                break;
            }
        }
        (self.pos > start).then(|| self.chars[start..self.pos].iter().collect())
    }

    fn word(&mut self) -> String {
        let start = self.pos;
        while self.peek().is_some_and(|c| !c.is_whitespace()) {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }
}

struct Parser<'f> {
    file: &'f str,
    problems: Vec<Problem>,
    nodes: Vec<FlowNode>,
    index: HashMap<String, usize>,
    edges: Vec<FlowEdge>,
    subgraphs: Vec<Subgraph>,
    /// Subgraphs opened and not yet closed, innermost last.
    open: Vec<usize>,
    /// Where each node's label was given, for "labelled twice".
    labelled: HashMap<usize, At>,
}

impl Parser<'_> {
    fn problem(&mut self, at: At, reason: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file.to_string(),
            line: at.line,
            column: format!("column {}", at.column),
            reason: reason.into(),
        });
    }

    fn header(&mut self, c: &mut Cursor<'_>) -> Direction {
        let at = c.at();
        let keyword = c.word();
        if keyword != "flowchart" && keyword != "graph" {
            self.problem(
                at,
                format!(
                    "{keyword:?}: expected `flowchart` (or `graph`) and a direction, such as `flowchart LR`"
                ),
            );
            return Direction::TD;
        }
        c.skip_spaces();
        let at = c.at();
        let word = c.word();
        let direction = match word.as_str() {
            "LR" => Direction::LR,
            "RL" => Direction::RL,
            "TD" | "TB" => Direction::TD,
            "BT" => Direction::BT,
            "" => {
                self.problem(
                    at,
                    "expected a direction after `flowchart`: LR, RL, TD, TB or BT",
                );
                Direction::TD
            }
            other => {
                self.problem(
                    at,
                    format!("direction {other:?}: expected LR, RL, TD, TB or BT"),
                );
                Direction::TD
            }
        };
        if !c.at_end() {
            let at = c.at();
            self.problem(
                at,
                "unexpected text after the direction: expected the end of the line",
            );
        }
        direction
    }

    fn statement(&mut self, c: &mut Cursor<'_>) {
        let at = c.at();
        let save = c.pos;
        let word = c.word();
        if word == "end" && c.at_end() {
            if self.open.pop().is_none() {
                self.problem(at, "`end` without a `subgraph` to close");
            }
            return;
        }
        if word == "subgraph" {
            self.subgraph(c, at);
            return;
        }
        let keyword: String = word.chars().take_while(|ch| ch.is_alphanumeric()).collect();
        if UNSUPPORTED.contains(&keyword.as_str()) {
            self.problem(
                at,
                format!(
                    "`{keyword}` is not supported: gigops draws every diagram in the document's own style (docs/quote.md, \"Architecture diagram\")"
                ),
            );
            return;
        }
        c.pos = save;
        self.chain(c);
    }

    fn subgraph(&mut self, c: &mut Cursor<'_>, at: At) {
        c.skip_spaces();
        let id_at = c.at();
        let (id, title) = match c.peek() {
            Some('"') => match self.quoted(c) {
                Some(title) => (title.clone(), title),
                None => return,
            },
            _ => match c.ident() {
                Some(id) => {
                    c.skip_spaces();
                    let title = if c.peek() == Some('[') {
                        let open = c.at();
                        c.pos += 1;
                        match self.until(c, "]", open, "[") {
                            Some(t) => t,
                            None => return,
                        }
                    } else if c.at_end() {
                        id.clone()
                    } else {
                        // `subgraph Payment services`: Mermaid takes the rest as the title.
                        let rest: String = c.chars[c.pos..].iter().collect();
                        c.pos = c.chars.len();
                        format!("{id} {}", rest.trim())
                    };
                    (id, title)
                }
                None => {
                    self.problem(id_at, "expected a subgraph id or title after `subgraph`");
                    return;
                }
            },
        };
        if !c.at_end() {
            let at = c.at();
            self.problem(at, "unexpected text after the subgraph's title");
        }
        if let Some(first) = self.subgraphs.iter().find(|s| s.id == id) {
            let first = first.at;
            self.problem(
                id_at,
                format!(
                    "subgraph {id:?} is opened twice (first at line {}, column {}): expected each subgraph once",
                    first.line, first.column
                ),
            );
        }
        self.subgraphs.push(Subgraph {
            id,
            title,
            parent: self.open.last().copied(),
            at,
        });
        self.open.push(self.subgraphs.len() - 1);
    }

    /// `node (link node)*`
    fn chain(&mut self, c: &mut Cursor<'_>) {
        let Some(mut from) = self.node_ref(c) else {
            return;
        };
        loop {
            if c.at_end() {
                return;
            }
            let link_at = c.at();
            let Some((arrow, style, mut label)) = self.link(c) else {
                return;
            };
            c.skip_spaces();
            if c.peek() == Some('|') {
                let open = c.at();
                c.pos += 1;
                match self.until(c, "|", open, "|") {
                    Some(text) if !text.trim().is_empty() => label = Some(text.trim().to_string()),
                    Some(_) => self.problem(open, "an empty link label: write the text between the bars, or leave the bars out"),
                    None => return,
                }
            }
            c.skip_spaces();
            if c.at_end() {
                self.problem(c.at(), "a link without a target: expected a node after it");
                return;
            }
            let Some(to) = self.node_ref(c) else {
                return;
            };
            self.edges.push(FlowEdge {
                from,
                to,
                label,
                arrow,
                style,
                at: link_at,
            });
            from = to;
        }
    }

    /// A link: `-->`, `---`, `-.->`, `-.-`, `==>`, `===`, or `-- text -->`.
    fn link(&mut self, c: &mut Cursor<'_>) -> Option<(bool, LineStyle, Option<String>)> {
        let at = c.at();
        for (token, arrow, style) in [
            ("-.->", true, LineStyle::Dotted),
            ("-.-", false, LineStyle::Dotted),
            ("-->", true, LineStyle::Solid),
            ("---", false, LineStyle::Solid),
            ("==>", true, LineStyle::Thick),
            ("===", false, LineStyle::Thick),
        ] {
            if c.rest_starts_with(token) {
                c.pos += token.chars().count();
                return Some((arrow, style, None));
            }
        }
        // `-- label -->` / `-- label ---`
        if c.rest_starts_with("-- ") {
            c.pos += 3;
            let start = c.pos;
            while c.pos < c.chars.len() && !(c.rest_starts_with("-->") || c.rest_starts_with("---"))
            {
                c.pos += 1;
            }
            if c.pos >= c.chars.len() {
                self.problem(at, "`--` starts a labelled link that never ends: expected `-->` or `---` after the label");
                return None;
            }
            let label: String = c.chars[start..c.pos].iter().collect();
            let arrow = c.rest_starts_with("-->");
            c.pos += 3;
            let label = label.trim();
            return Some((
                arrow,
                LineStyle::Solid,
                (!label.is_empty()).then(|| label.to_string()),
            ));
        }
        let found: String = c.chars[c.pos..].iter().take(8).collect();
        self.problem(
            at,
            format!(
                "{:?}: expected a link (`-->`, `---`, `-.->`, `==>`, or `-->|label|`) or the end of the line",
                found.trim_end()
            ),
        );
        None
    }

    /// A node: its id, optionally with a shape and label.
    fn node_ref(&mut self, c: &mut Cursor<'_>) -> Option<usize> {
        c.skip_spaces();
        let at = c.at();
        let Some(id) = c.ident() else {
            let found: String = c.chars[c.pos..].iter().take(8).collect();
            self.problem(
                at,
                format!(
                    "{:?}: expected a node id (letters, digits, `_`), such as `api` or `api[API server]`",
                    found.trim_end()
                ),
            );
            return None;
        };
        if id == "end" || id == "subgraph" {
            self.problem(at, format!("`{id}` is a keyword and cannot name a node"));
            return None;
        }
        let shape_at = c.at();
        let shaped = match c.peek() {
            Some('[') if c.chars.get(c.pos + 1) == Some(&'(') => {
                c.pos += 2;
                self.until(c, ")]", shape_at, "[(")
                    .map(|l| (Shape::Cylinder, l))
            }
            Some('(') if c.chars.get(c.pos + 1) == Some(&'(') => {
                c.pos += 2;
                self.until(c, "))", shape_at, "((")
                    .map(|l| (Shape::Circle, l))
            }
            Some('[') => {
                c.pos += 1;
                self.until(c, "]", shape_at, "[").map(|l| (Shape::Box, l))
            }
            Some('(') => {
                c.pos += 1;
                self.until(c, ")", shape_at, "(")
                    .map(|l| (Shape::Rounded, l))
            }
            Some(open @ ('{' | '>')) => {
                self.problem(
                    shape_at,
                    format!(
                        "the shape `{open}…` is not supported: use `[box]`, `(rounded)`, `((circle))` or `[(database)]`"
                    ),
                );
                return None;
            }
            _ => None,
        };
        if shaped.is_none() && matches!(c.peek(), Some('[' | '(')) {
            // An unclosed shape was reported by `until`.
            return None;
        }
        let index = match self.index.get(&id) {
            Some(&i) => i,
            None => {
                self.nodes.push(FlowNode {
                    id: id.clone(),
                    label: vec![id.clone()],
                    shape: Shape::Box,
                    subgraph: self.open.last().copied(),
                    at,
                });
                self.index.insert(id.clone(), self.nodes.len() - 1);
                self.nodes.len() - 1
            }
        };
        self.place_in_subgraph(index, at);
        if let Some((shape, label)) = shaped {
            let lines: Vec<String> = split_breaks(&label);
            if lines.iter().all(|l| l.is_empty()) {
                self.problem(
                    shape_at,
                    format!(
                        "node {id:?} has an empty label: write its text, or leave the brackets out"
                    ),
                );
            } else if let Some(first) = self.labelled.get(&index).copied() {
                let node = &self.nodes[index];
                if node.label != lines || node.shape != shape {
                    self.problem(
                        shape_at,
                        format!(
                            "node {id:?} is labelled twice (first at line {}, column {}): expected one label, or the bare id `{id}` after the first",
                            first.line, first.column
                        ),
                    );
                }
            } else {
                self.labelled.insert(index, shape_at);
                let node = &mut self.nodes[index];
                node.label = lines;
                node.shape = shape;
            }
        }
        Some(index)
    }

    /// A node mentioned inside a subgraph belongs to it, unless it already belongs to one (then
    /// only a mention inside that one's ancestors or descendants is consistent).
    fn place_in_subgraph(&mut self, index: usize, at: At) {
        let Some(&inner) = self.open.last() else {
            return;
        };
        match self.nodes[index].subgraph {
            None => self.nodes[index].subgraph = Some(inner),
            Some(current) if current == inner => {}
            Some(current) => {
                let related = self.ancestors(inner).contains(&current)
                    || self.ancestors(current).contains(&inner);
                if !related {
                    let id = self.nodes[index].id.clone();
                    let first = self.subgraphs[current].id.clone();
                    let here = self.subgraphs[inner].id.clone();
                    self.problem(
                        at,
                        format!(
                            "node {id:?} is already in subgraph {first:?}: a node can be in one subgraph only, not also in {here:?}"
                        ),
                    );
                } else if self.ancestors(inner).contains(&current) {
                    // Mentioned deeper than before: the innermost subgraph holds it.
                    self.nodes[index].subgraph = Some(inner);
                }
            }
        }
    }

    fn ancestors(&self, mut subgraph: usize) -> Vec<usize> {
        let mut out = Vec::new();
        while let Some(parent) = self.subgraphs[subgraph].parent {
            out.push(parent);
            subgraph = parent;
        }
        out
    }

    /// The text up to `close` (a `"…"` inside is taken whole), the cursor after it.
    fn until(
        &mut self,
        c: &mut Cursor<'_>,
        close: &str,
        open_at: At,
        open: &str,
    ) -> Option<String> {
        c.skip_spaces();
        if c.peek() == Some('"') {
            let text = self.quoted(c)?;
            c.skip_spaces();
            if c.rest_starts_with(close) {
                c.pos += close.chars().count();
                return Some(text);
            }
            let at = c.at();
            self.problem(at, format!("expected `{close}` after the quoted label"));
            return None;
        }
        let start = c.pos;
        while c.pos < c.chars.len() {
            if c.rest_starts_with(close) {
                let text: String = c.chars[start..c.pos].iter().collect();
                c.pos += close.chars().count();
                return Some(text.trim().to_string());
            }
            c.pos += 1;
        }
        self.problem(
            open_at,
            format!("`{open}` is not closed: expected `{close}` on the same line"),
        );
        None
    }

    fn quoted(&mut self, c: &mut Cursor<'_>) -> Option<String> {
        let open = c.at();
        c.pos += 1;
        let start = c.pos;
        while c.pos < c.chars.len() {
            if c.peek() == Some('"') {
                let text: String = c.chars[start..c.pos].iter().collect();
                c.pos += 1;
                return Some(text);
            }
            c.pos += 1;
        }
        self.problem(
            open,
            "a quoted label is not closed: expected `\"` on the same line",
        );
        None
    }
}

/// A label's lines: `<br>`, `<br/>` and `<br />` break it, as in Mermaid.
fn split_breaks(label: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut rest = label;
    loop {
        let lower = rest.to_ascii_lowercase();
        match ["<br>", "<br/>", "<br />"]
            .iter()
            .filter_map(|b| lower.find(b).map(|i| (i, b.len())))
            .min()
        {
            Some((i, len)) => {
                lines.push(rest[..i].trim().to_string());
                rest = &rest[i + len..];
            }
            None => {
                lines.push(rest.trim().to_string());
                return lines;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        parse("arch.mmd", text)
            .unwrap_err()
            .0
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn nodes_links_shapes_and_subgraphs() {
        let chart = parse(
            "arch.mmd",
            "%% the shop\nflowchart LR\n  web[Web shop] -->|HTTPS| api(API)\n  subgraph cloud [云端]\n    api --> db[(PostgreSQL)] -.-> backup((备份))\n  end\n  api --- audit[\"Audit log; append [only]\"]\n  api -- events --> queue[Queue<br>NATS]\n  api ==> db;\n",
        )
        .unwrap();
        assert_eq!(chart.direction, Direction::LR);
        let nodes: Vec<(&str, Vec<&str>, Shape, Option<usize>)> = chart
            .nodes
            .iter()
            .map(|n| {
                (
                    n.id.as_str(),
                    n.label.iter().map(String::as_str).collect(),
                    n.shape,
                    n.subgraph,
                )
            })
            .collect();
        assert_eq!(
            nodes,
            [
                ("web", vec!["Web shop"], Shape::Box, None),
                // Mentioned inside `cloud` after its first mention: the subgraph holds it.
                ("api", vec!["API"], Shape::Rounded, Some(0)),
                ("db", vec!["PostgreSQL"], Shape::Cylinder, Some(0)),
                ("backup", vec!["备份"], Shape::Circle, Some(0)),
                ("audit", vec!["Audit log; append [only]"], Shape::Box, None),
                ("queue", vec!["Queue", "NATS"], Shape::Box, None),
            ]
        );
        let edges: Vec<(usize, usize, Option<&str>, bool, LineStyle)> = chart
            .edges
            .iter()
            .map(|e| (e.from, e.to, e.label.as_deref(), e.arrow, e.style))
            .collect();
        assert_eq!(
            edges,
            [
                (0, 1, Some("HTTPS"), true, LineStyle::Solid),
                (1, 2, None, true, LineStyle::Solid),
                (2, 3, None, true, LineStyle::Dotted),
                (1, 4, None, false, LineStyle::Solid),
                (1, 5, Some("events"), true, LineStyle::Solid),
                (1, 2, None, true, LineStyle::Thick),
            ]
        );
        assert_eq!(chart.subgraphs[0].title, "云端");
        assert_eq!(
            chart.edges[0].at,
            At {
                line: 3,
                column: 17
            }
        );
    }

    #[test]
    fn every_problem_has_its_line_and_column() {
        let text = "flowchart LR\n  a[Start --> b\n  b --> \n  c -> d\n  style a fill:#f00\n  e{Decide}\n  end\n  f[F] --> g\n  f[Other]\n  subgraph s1\n  h --> i\n";
        assert_eq!(
            problems(text),
            [
                "arch.mmd:2: column 4: `[` is not closed: expected `]` on the same line",
                "arch.mmd:3: column 9: a link without a target: expected a node after it",
                "arch.mmd:4: column 5: \"-> d\": expected a link (`-->`, `---`, `-.->`, `==>`, or `-->|label|`) or the end of the line",
                "arch.mmd:5: column 3: `style` is not supported: gigops draws every diagram in the document's own style (docs/quote.md, \"Architecture diagram\")",
                "arch.mmd:6: column 4: the shape `{…` is not supported: use `[box]`, `(rounded)`, `((circle))` or `[(database)]`",
                "arch.mmd:7: column 3: `end` without a `subgraph` to close",
                "arch.mmd:9: column 4: node \"f\" is labelled twice (first at line 8, column 4): expected one label, or the bare id `f` after the first",
                "arch.mmd:10: column 3: subgraph \"s1\" is never closed: expected `end`",
            ]
        );
    }

    #[test]
    fn the_header_is_checked() {
        assert_eq!(
            problems("flowchart XY\na --> b\n"),
            ["arch.mmd:1: column 11: direction \"XY\": expected LR, RL, TD, TB or BT"]
        );
        assert_eq!(
            problems("\n  sequenceDiagram\n"),
            [
                "arch.mmd:2: column 3: \"sequenceDiagram\": expected `flowchart` (or `graph`) and a direction, such as `flowchart LR`"
            ]
        );
        assert_eq!(
            problems("%% nothing\n"),
            [
                "arch.mmd:1: column 1: an empty diagram: expected `flowchart LR` or `flowchart TD` on the first line, then nodes and links"
            ]
        );
        assert_eq!(
            parse("a", "graph TB\n a\n").unwrap().direction,
            Direction::TD
        );
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(
            problems("flowchart TD\n  网关[API 网关] --> 库[(数据库\n"),
            ["arch.mmd:2: column 19: `[(` is not closed: expected `)]` on the same line"]
        );
    }

    #[test]
    fn a_node_in_two_subgraphs_is_a_problem() {
        assert_eq!(
            problems("flowchart LR\nsubgraph a\n x\nend\nsubgraph b\n x --> y\nend\n"),
            [
                "arch.mmd:6: column 2: node \"x\" is already in subgraph \"a\": a node can be in one subgraph only, not also in \"b\""
            ]
        );
    }
}
