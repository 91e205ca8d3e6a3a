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

use gigops_core::Problems;
use serde::Serialize;

use crate::fp::{Complexity, Function, FunctionKind};
use gigops_yaml::{self as yaml, Key, Located, Node, Value};

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
    /// Reached component schemas of a single value (a string with an enum or a format, a
    /// number, a list of them): data element types of what refers to them, not files.
    pub value_schemas: Vec<String>,
    /// Reached component schemas no operation sends or returns whole and that several entities
    /// contain (a resource's `meta`): their fields are data elements of each, not a file.
    pub shared_schemas: Vec<String>,
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
    /// The operation's tags, as the document lists them.
    pub tags: Vec<String>,
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

    let mut counted_ops: Vec<(Counted, u64)> = Vec::new();
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
                    counted_ops.push((counted, op.at.line));
                }
            }
        }
    }

    // The schemas the counted operations reach, grouped into logical entities, and the other
    // documents they refer to.
    let mut reached: BTreeSet<String> = BTreeSet::new();
    let mut roots: BTreeSet<String> = BTreeSet::new();
    let mut external: BTreeMap<String, u64> = BTreeMap::new();
    for (counted, line) in counted_ops.iter().filter(|(c, _)| c.kind.is_some()) {
        reached.extend(counted.schemas.iter().cloned());
        roots.extend(counted.roots.iter().cloned());
        for r in &counted.external {
            external.entry(r.clone()).or_insert(*line);
        }
    }
    let schemas: Vec<(&Key, &Node)> = root
        .pointer("/components/schemas")
        .and_then(Node::entries)
        .unwrap_or_default()
        .iter()
        .map(|(k, v)| (k, v))
        .collect();
    let entities = Entities::of(&doc, &schemas, &reached, &roots);

    // Transactions: FTR counts the logical files (entities and other documents) referenced.
    let mut operations = Vec::new();
    let mut functions = Vec::new();
    for (mut counted, line) in counted_ops {
        let files: BTreeSet<usize> = counted
            .schemas
            .iter()
            .filter_map(|s| entities.entity_of(s))
            .collect();
        counted.row.ftr = (files.len() + counted.external.len()) as u32;
        if let Some(kind) = counted.kind {
            let name = counted
                .row
                .operation_id
                .clone()
                .unwrap_or_else(|| format!("{} {}", counted.row.method, counted.row.path));
            let mut f = Function::counted(
                kind,
                name,
                counted.row.det,
                counted.row.ftr,
                format!("{file}:{line}"),
            );
            f.reason = Some(counted.reason);
            functions.push(f);
        }
        operations.push(counted.row);
    }

    // Data functions: one internal logical file per entity, then the external documents.
    for entity in &entities.groups {
        // DET: the fields of its variants (by name: variants share them), and the fields of
        // each dependent sub-group, which are its own (IFPUG: the data elements of a group not
        // counted as a file are counted in the file that includes it).
        let mut fields_of = BTreeSet::new();
        let mut subgroups_of = BTreeSet::new();
        for (_, schema) in &entity.variants {
            let mut seen = BTreeSet::new();
            fields_of.extend(fields(&doc, schema, &mut seen));
            // A subgroup is named by its property, in whichever variant it is.
            subgroups_of.extend(subgroups(&doc, schema));
        }
        for members in entity.dependents.values() {
            let group = &members[0].0.text;
            for (_, schema) in members {
                let mut seen = BTreeSet::new();
                fields_of.extend(
                    fields(&doc, schema, &mut seen)
                        .into_iter()
                        .map(|f| format!("{group}.{f}")),
                );
                subgroups_of.extend(subgroups(&doc, schema));
            }
        }
        for (key, schema) in &entity.shared {
            let mut seen = BTreeSet::new();
            fields_of.extend(
                fields(&doc, schema, &mut seen)
                    .into_iter()
                    .map(|f| format!("{}.{f}", key.text)),
            );
        }
        let det = (fields_of.len() as u32).max(1);
        // RET: each variant with fields of its own (a choice among the others adds none), each
        // dependent sub-group, each inline sub-group.
        let records = entity
            .variants
            .iter()
            .filter(|(_, schema)| doc.deref(schema).get("properties").is_some())
            .count()
            .max(1);
        let ret = (records + entity.dependents.len() + subgroups_of.len()) as u32;
        let head = &entity.variants[entity.head()].0.text;
        let mut f = Function::counted(
            FunctionKind::ILF,
            head.clone(),
            det,
            ret,
            format!("{file}:{}", entity.variants[0].0.at.line),
        );
        let names = |list: &[(&Key, &Node)]| -> Vec<String> {
            list.iter()
                .map(|(k, _)| k.text.clone())
                .filter(|n| n != head)
                .collect()
        };
        let mut reason = format!(
            "components.schemas.{head}: a schema the service owns, reached by an operation"
        );
        let variants = names(&entity.variants);
        if !variants.is_empty() {
            reason.push_str(&format!(
                "; its variants {} are record element types of it",
                variants.join(", ")
            ));
        }
        let dependents: Vec<String> = entity
            .dependents
            .values()
            .flat_map(|members| names(members))
            .collect();
        if !dependents.is_empty() {
            reason.push_str(&format!(
                "; {} only ever inside it: sub-groups (record element types) of it",
                dependents.join(", ")
            ));
        }
        f.reason = Some(reason);
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
    let unreferenced = schemas
        .iter()
        .filter(|(k, _)| !reached.contains(&k.text))
        .map(|(k, _)| k.text.clone())
        .collect();
    located.finish()?;
    Ok(ApiCount {
        openapi,
        title: text_of("title"),
        version: text_of("version"),
        operations,
        functions,
        unreferenced_schemas: unreferenced,
        value_schemas: entities.values,
        shared_schemas: entities.shared,
    })
}

/// Words that name a variant of an entity rather than another entity, when they begin or end a
/// schema's name: `full-repository`, `NewPet`, `PetUpdateRequest`, `ServiceReference`.
const VARIANT_WORDS: [&str; 29] = [
    "full",
    "minimal",
    "simple",
    "nullable",
    "public",
    "private",
    "new",
    "create",
    "update",
    "patch",
    "put",
    "post",
    "request",
    "response",
    "body",
    "input",
    "output",
    "read",
    "write",
    "model",
    "summary",
    "detail",
    "details",
    "reference",
    "ref",
    "partial",
    "base",
    "list",
    "paginated",
];

/// A schema name's words, lower case: `nullable-simple-user` → nullable, simple, user;
/// `PetUpdateRequest` → pet, update, request; `HTTPServer2` → http, server2.
fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    for part in name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|p| !p.is_empty())
    {
        let chars: Vec<char> = part.chars().collect();
        let mut word = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let boundary = i > 0
                && c.is_uppercase()
                && (chars[i - 1].is_lowercase()
                    || chars[i - 1].is_ascii_digit()
                    || chars.get(i + 1).is_some_and(|n| n.is_lowercase())
                        && chars[i - 1].is_uppercase());
            if boundary && !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            word.extend(c.to_lowercase());
        }
        if !word.is_empty() {
            words.push(word);
        }
    }
    words
}

/// The entity a schema's name names: its words without the variant words that begin or end
/// it and without a `with …` tail, the last one in the singular. A name of variant words alone
/// names itself.
fn entity_key(name: &str) -> String {
    let words = name_words(name);
    let mut core: &[String] = &words;
    if let Some(i) = core.iter().position(|w| w == "with").filter(|i| *i > 0) {
        core = &core[..i];
    }
    while let Some((first, rest)) = core.split_first()
        && VARIANT_WORDS.contains(&first.as_str())
    {
        core = rest;
    }
    while let Some((last, rest)) = core.split_last()
        && VARIANT_WORDS.contains(&last.as_str())
    {
        core = rest;
    }
    let Some((last, rest)) = core.split_last() else {
        return words.concat();
    };
    let singular = if last.len() <= 3
        || last.ends_with("ss")
        || last.ends_with("us")
        || last.ends_with("is")
    {
        last.clone()
    } else if let Some(stem) = last.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = last.strip_suffix("sses") {
        format!("{stem}ss")
    } else {
        last.strip_suffix('s').unwrap_or(last).to_string()
    };
    let mut key = rest.concat();
    key.push_str(&singular);
    key
}

/// The component schemas a member list of `allOf`, `oneOf` or `anyOf` refers to as a whole.
fn composed_of(schema: &Node, keyword: &str) -> Vec<String> {
    schema
        .get(keyword)
        .and_then(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|m| m.get("$ref").and_then(Node::as_str))
        .filter_map(|r| {
            let rest = r.strip_prefix("#/components/schemas/")?;
            (!rest.contains('/')).then(|| rest.replace("~1", "/").replace("~0", "~"))
        })
        .collect()
}

/// Whether a schema holds a record (an object, a composition, a list of records) rather than a
/// single value.
fn is_record(doc: &Doc<'_>, schema: &Node, depth: usize) -> bool {
    let schema = doc.deref(schema);
    if depth > 8 {
        return true;
    }
    ["properties", "allOf", "oneOf", "anyOf"]
        .iter()
        .any(|k| schema.get(k).is_some())
        || schema
            .get("additionalProperties")
            .is_some_and(|a| a.entries().is_some())
        || schema.get("type").and_then(Node::as_str) == Some("object")
        || schema
            .get("items")
            .is_some_and(|items| is_record(doc, items, depth + 1))
}

/// A component schema and its name.
type Named<'a> = (&'a Key, &'a Node);

/// One logical entity: an internal logical file.
struct Entity<'a> {
    /// The schemas that are the entity itself, in document order: one, or its variants.
    variants: Vec<(&'a Key, &'a Node)>,
    /// Groups of schemas only ever inside it, each one dependent sub-group (with its own
    /// variants, if it has some), by the sub-group's first schema.
    dependents: BTreeMap<usize, Vec<(&'a Key, &'a Node)>>,
    /// Schemas only ever inside it and other entities: their fields are data elements of it.
    shared: Vec<(&'a Key, &'a Node)>,
}

impl Entity<'_> {
    /// The variant that names the entity: of the variants whose names name the entity most of
    /// them name, one with no variant word, else the shortest (the first of equals).
    fn head(&self) -> usize {
        let keys: Vec<String> = self
            .variants
            .iter()
            .map(|(k, _)| entity_key(&k.text))
            .collect();
        let common = keys
            .iter()
            .max_by_key(|key| {
                (
                    keys.iter().filter(|k| k == key).count(),
                    std::cmp::Reverse(keys.iter().position(|k| k == *key)),
                )
            })
            .cloned()
            .unwrap_or_default();
        let candidates: Vec<usize> = (0..keys.len()).filter(|&i| keys[i] == common).collect();
        let plain = |name: &str| {
            name_words(name)
                .iter()
                .all(|w| !VARIANT_WORDS.contains(&w.as_str()) && w != "with")
        };
        candidates
            .iter()
            .copied()
            .find(|&i| plain(&self.variants[i].0.text))
            .or_else(|| {
                candidates
                    .iter()
                    .copied()
                    .min_by_key(|&i| (self.variants[i].0.text.chars().count(), i))
            })
            .unwrap_or(0)
    }
}

/// The reached component schemas grouped into logical entities, as IFPUG counts internal
/// logical files: one per entity, its variants and its dependent sub-groups its record element
/// types (docs/quote.md, rule 6).
struct Entities<'a> {
    /// In the order of their first schema in the document.
    groups: Vec<Entity<'a>>,
    /// Schema name → its entity (an index of `groups`).
    index: BTreeMap<String, usize>,
    /// Reached schemas of a single value: no entity.
    values: Vec<String>,
    /// Reached schemas only ever inside several entities: no entity.
    shared: Vec<String>,
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// The groups of a union-find, by root, each with its members in order.
fn members_by_group(parent: &mut [usize]) -> BTreeMap<usize, Vec<usize>> {
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..parent.len() {
        groups.entry(find(parent, i)).or_default().push(i);
    }
    groups
}

/// The other groups whose schemas contain a member of the group rooted at `root`.
fn containers(
    members: &[usize],
    root: usize,
    contained_in: &[BTreeSet<usize>],
    parent: &mut [usize],
) -> Vec<usize> {
    let found: BTreeSet<usize> = members
        .iter()
        .flat_map(|&m| contained_in[m].iter().copied())
        .map(|t| find(parent, t))
        .filter(|t| *t != root)
        .collect();
    found.into_iter().collect()
}

/// Joins two groups; the earlier schema roots them, so that groups keep document order.
fn union(parent: &mut [usize], a: usize, b: usize) {
    let (a, b) = (find(parent, a), find(parent, b));
    if a != b {
        parent[a.max(b)] = a.min(b);
    }
}

impl<'a> Entities<'a> {
    fn of(
        doc: &Doc<'a>,
        schemas: &[(&'a Key, &'a Node)],
        reached: &BTreeSet<String>,
        roots: &BTreeSet<String>,
    ) -> Entities<'a> {
        let (counted, values): (Vec<Named<'a>>, Vec<Named<'a>>) = schemas
            .iter()
            .copied()
            .filter(|(k, _)| reached.contains(&k.text))
            .partition(|(_, schema)| is_record(doc, schema, 0));
        let position: BTreeMap<&str, usize> = counted
            .iter()
            .enumerate()
            .map(|(i, (k, _))| (k.text.as_str(), i))
            .collect();
        let mut parent: Vec<usize> = (0..counted.len()).collect();

        // 1. By name: schemas whose names name the same entity.
        let keys: Vec<String> = counted.iter().map(|(k, _)| entity_key(&k.text)).collect();
        let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, key) in keys.iter().enumerate() {
            by_key.entry(key).or_default().push(i);
        }
        let alone = |i: usize| by_key[keys[i].as_str()].len() == 1;
        for members in by_key.values() {
            for &m in &members[1..] {
                union(&mut parent, members[0], m);
            }
        }
        // 2. By composition. A schema made of another (`allOf`) and named as no entity of its
        // own is a subtype of it; a base that only one entity's schemas are made of is part of
        // that entity; the alternatives of a `oneOf`/`anyOf` named as no entity of their own
        // are its subtypes. A base several entities are made of (a common `Reference`) joins
        // none of them.
        let mut composers: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        let mut edges = Vec::new();
        for (x, (_, schema)) in counted.iter().enumerate() {
            for base in composed_of(schema, "allOf") {
                if let Some(&b) = position.get(base.as_str())
                    && b != x
                {
                    composers.entry(b).or_default().push(x);
                    edges.push((x, b));
                }
            }
        }
        for &(x, b) in &edges {
            if alone(x) || (alone(b) && composers[&b].iter().all(|y| keys[*y] == keys[x])) {
                union(&mut parent, x, b);
            }
        }
        for (x, (_, schema)) in counted.iter().enumerate() {
            let alternatives: Vec<usize> = ["oneOf", "anyOf"]
                .iter()
                .flat_map(|keyword| composed_of(schema, keyword))
                .filter_map(|name| position.get(name.as_str()).copied())
                .filter(|a| *a != x)
                .collect();
            // A choice among variants of one entity, with no fields of its own, is that
            // entity too (GitHub's `user` is a private-user or a public-user).
            let one_entity = alternatives.windows(2).all(|w| keys[w[0]] == keys[w[1]]);
            for &a in &alternatives {
                if alone(a) || (one_entity && schema.get("properties").is_none()) {
                    union(&mut parent, x, a);
                }
            }
        }

        // 3. Dependence: an entity no operation sends or returns whole, and that the schemas
        // of one other entity alone contain, is a sub-group of that entity (IFPUG: a group of
        // data not counted as a file of its own is part of the file that includes it) — as a
        // Pet's Category and Tags are. Repeated until nothing moves, for nested ones.
        let mut contained_in: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); counted.len()];
        for (t, (_, schema)) in counted.iter().enumerate() {
            for_each_ref(schema, &mut |value| {
                if let Some(&s) = value
                    .as_str()
                    .and_then(schema_name)
                    .as_deref()
                    .and_then(|name| position.get(name))
                    && s != t
                {
                    contained_in[s].insert(t);
                }
            });
        }
        // Schema → the sub-group (its group's first schema when it moved) it is part of.
        let mut dependent: Vec<Option<usize>> = vec![None; counted.len()];
        let sent_whole =
            |members: &[usize]| members.iter().any(|&m| roots.contains(&counted[m].0.text));
        'moving: loop {
            for (root, members) in members_by_group(&mut parent) {
                if sent_whole(&members) {
                    continue;
                }
                if let [container] = containers(&members, root, &contained_in, &mut parent)[..] {
                    for &m in &members {
                        dependent[m].get_or_insert(root);
                    }
                    union(&mut parent, container, root);
                    continue 'moving;
                }
            }
            break;
        }

        // 4. A group no operation sends or returns whole that several entities contain (a
        // SCIM resource's `meta`) is no file of its own: its fields are data elements of each.
        let members_of = members_by_group(&mut parent);
        let mut shared: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (root, members) in &members_of {
            let containing = containers(members, *root, &contained_in, &mut parent);
            if !sent_whole(members) && containing.len() > 1 {
                shared.insert(*root, containing);
            }
        }

        // Entities in the order of their first variant in the document.
        let mut by_root: BTreeMap<usize, Entity<'a>> = BTreeMap::new();
        for (root, members) in &members_of {
            if shared.contains_key(root) {
                continue;
            }
            let entity = by_root.entry(*root).or_insert(Entity {
                variants: Vec::new(),
                dependents: BTreeMap::new(),
                shared: Vec::new(),
            });
            for &i in members {
                match dependent[i] {
                    Some(group) => entity.dependents.entry(group).or_default().push(counted[i]),
                    None => entity.variants.push(counted[i]),
                }
            }
        }
        for (root, containers) in &shared {
            for container in containers {
                if let Some(entity) = by_root.get_mut(container) {
                    entity
                        .shared
                        .extend(members_of[root].iter().map(|&m| counted[m]));
                }
            }
        }
        let mut groups: Vec<Entity<'a>> = by_root.into_values().collect();
        groups.sort_by_key(|e| e.variants.first().map(|(k, _)| position[k.text.as_str()]));
        let mut index = BTreeMap::new();
        for (g, entity) in groups.iter().enumerate() {
            for (k, _) in entity
                .variants
                .iter()
                .chain(entity.dependents.values().flatten())
            {
                index.insert(k.text.clone(), g);
            }
        }
        Entities {
            groups,
            index,
            values: values.iter().map(|(k, _)| k.text.clone()).collect(),
            shared: shared
                .keys()
                .flat_map(|root| members_of[root].iter().map(|&m| counted[m].0.text.clone()))
                .collect(),
        }
    }

    fn entity_of(&self, schema: &str) -> Option<usize> {
        self.index.get(schema).copied()
    }
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

/// Keywords whose value is a mapping of names (of properties, paths, status codes, media
/// types, components …) to objects: its keys are names, never keywords — a property may be
/// *named* `$ref`, as SCIM's are.
const NAME_MAPS: [&str; 22] = [
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
    "paths",
    "webhooks",
    "responses",
    "content",
    "callbacks",
    "encoding",
    "headers",
    "links",
    "variables",
    "schemas",
    "parameters",
    "requestBodies",
    "securitySchemes",
    "pathItems",
    "examples",
    "mapping",
    "scopes",
];

/// Keywords whose value is instance data or an extension: not read for references (an example
/// of a SCIM resource holds `"$ref": "https://…"` as data).
fn is_data(keyword: &str) -> bool {
    matches!(keyword, "example" | "default" | "const" | "enum" | "value")
        || keyword.starts_with("x-")
}

/// Calls `found` with the value of every `$ref` keyword under `node`, which is an object of
/// the document (not a mapping of names): a key `$ref` where keys are keywords, never a
/// property or other name that is spelled `$ref`, and never inside instance data.
fn for_each_ref<'a>(node: &'a Node, found: &mut dyn FnMut(&'a Node)) {
    match &node.value {
        Value::Map(entries) => {
            for (key, value) in entries {
                let keyword = key.text.as_str();
                if keyword == "$ref" {
                    found(value);
                } else if is_data(keyword) || (keyword == "examples" && value.items().is_some()) {
                    // A schema's `examples` is a list of instances; a media type's is a
                    // mapping of names to Example objects (or references to them).
                } else if NAME_MAPS.contains(&keyword)
                    && let Some(named) = value.entries()
                {
                    for (_, object) in named {
                        for_each_ref(object, found);
                    }
                } else {
                    for_each_ref(value, found);
                }
            }
        }
        Value::Seq(items) => items.iter().for_each(|i| for_each_ref(i, found)),
        _ => {}
    }
}

/// Every `$ref` in the document must be text, and a local one must point at something.
fn check_refs(root: &Node, doc: &Doc<'_>, located: &mut Located) {
    for_each_ref(root, &mut |value| match value.as_str() {
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
    });
}

/// The component schema a local reference points into: `Tag` for `#/components/schemas/Tag`
/// and for `#/components/schemas/Tag/allOf/0`.
fn schema_name(reference: &str) -> Option<String> {
    let rest = reference.strip_prefix("#/components/schemas/")?;
    let first = rest.split('/').next().unwrap_or(rest);
    Some(first.replace("~1", "/").replace("~0", "~"))
}

struct Counted {
    row: Operation,
    kind: Option<FunctionKind>,
    reason: String,
    schemas: BTreeSet<String>,
    external: BTreeSet<String>,
    /// The component schemas the operation sends or returns whole: its request body's and
    /// success responses' schemas (or their array items, or the members of their compositions).
    roots: BTreeSet<String>,
}

/// The component schemas a message schema is, whole: its reference, its array items', its
/// compositions' members'.
fn root_schemas(schema: &Node, roots: &mut BTreeSet<String>, depth: usize) {
    if depth > 8 {
        return;
    }
    if let Some(name) = schema
        .get("$ref")
        .and_then(Node::as_str)
        .and_then(schema_name)
    {
        roots.insert(name);
        return;
    }
    if let Some(items) = schema.get("items") {
        root_schemas(items, roots, depth + 1);
    }
    for keyword in ["allOf", "oneOf", "anyOf"] {
        for member in schema
            .get(keyword)
            .and_then(Node::items)
            .unwrap_or_default()
        {
            root_schemas(member, roots, depth + 1);
        }
    }
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
    let mut roots = BTreeSet::new();

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
            root_schemas(schema, &mut roots, 0);
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
            root_schemas(schema, &mut roots, 0);
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
    Counted {
        row: Operation {
            method: upper,
            path: path.to_string(),
            operation_id: op.get("operationId").and_then(Node::scalar_text),
            summary: op.get("summary").and_then(Node::scalar_text),
            kind,
            det: det.len() as u32,
            // The logical files it reaches are known once every operation has been read and
            // the schemas grouped into entities (`count_document`).
            ftr: 0,
            required_fields: required,
            example,
            line: op.at.line,
            tags: op
                .get("tags")
                .and_then(Node::items)
                .unwrap_or_default()
                .iter()
                .filter_map(Node::scalar_text)
                .collect(),
        },
        kind,
        reason,
        schemas: refs.schemas,
        roots,
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
        let mut targets = Vec::new();
        for_each_ref(node, &mut |value| {
            let Some(r) = value.as_str() else { return };
            if !r.starts_with('#') {
                self.external.insert(r.to_string());
                return;
            }
            if let Some(name) = schema_name(r) {
                self.schemas.insert(name);
            }
            if self.followed.insert(r.to_string())
                && let Some(target) = doc.root.pointer(&r[1..])
            {
                targets.push(target);
            }
        });
        for target in targets {
            self.walk(doc, target);
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

/// Record element subgroups of a schema, by property name: properties that are inline objects,
/// or arrays of them.
fn subgroups(doc: &Doc<'_>, schema: &Node) -> BTreeSet<String> {
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
        .map(|(name, _)| name.text.clone())
        .collect()
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
    /// The document's own list of tags (`tags:`), with their descriptions, in its order.
    pub tags: Vec<TagInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TagInfo {
    pub name: String,
    pub description: Option<String>,
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
    /// The operation's tags; the proposal groups the contract by the first.
    pub tags: Vec<String>,
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
                tags: row.tags,
            });
        }
    }
    let tags = root
        .get("tags")
        .and_then(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|t| {
            Some(TagInfo {
                name: t.get("name").and_then(Node::scalar_text)?,
                description: t.get("description").and_then(Node::scalar_text),
            })
        })
        .collect();
    Ok(ApiContract {
        title: counted.title,
        version: counted.version,
        rows,
        tags,
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
