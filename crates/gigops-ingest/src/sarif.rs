//! SARIF 2.1.0 logs (Static Analysis Results Interchange Format), as written by clippy (through
//! clippy-sarif), golangci-lint, staticcheck, ruff, semgrep, ESLint (through
//! `@microsoft/eslint-formatter-sarif`), CodeQL and others.
//!
//! A log is one JSON document: `runs[]`, each with the tool (`tool.driver`, and plug-ins in
//! `tool.extensions`), their rules (`reportingDescriptor`s), and `results[]`. Each result becomes
//! one [`Finding`]:
//!
//! - tool: the run's `tool.driver.name`, as the tool writes it (`clippy`, `ESLint`,
//!   `Semgrep OSS`, `Staticcheck`).
//! - rule: `ruleId`, else `rule.id`, else the id of the rule `ruleIndex` (or `rule.index`) points
//!   at; an empty string when there is none.
//! - level: the result's `level`; when it has none, `none` if its `kind` is present and not
//!   `fail`, else the rule's `defaultConfiguration.level`, else `warning` (SARIF §3.27.10).
//!   `none` is read as [`FindingLevel::Note`].
//! - security severity: `properties["security-severity"]` (a number or a numeric string, as
//!   GitHub code scanning reads it) of the result, else of its rule.
//! - message: `message.text`; else the rule's (or its tool component's) message string named by
//!   `message.id`; else `message.markdown` as written; else the id itself. `{0}`-style
//!   placeholders are filled from `message.arguments` (§3.11.5); a plain text without arguments
//!   is taken as written, braces and all.
//! - place: `locations[0].physicalLocation`: the artifact's `uri` (see [`parse`] for how paths are
//!   resolved) and `region.startLine`/`startColumn`, where 0 or absent is `None`.
//!
//! Rules are found by index, then by id (also a hierarchical id's parent: `CA2101/1` → `CA2101`),
//! in the tool component the result's `rule.toolComponent` names (the driver by default), and by
//! id in the extensions when the driver has no such rule.
//!
//! Not findings: results of `kind` `pass` or `notApplicable` (the rule was checked and held),
//! results suppressed with a suppression whose `status` is absent or `accepted`
//! (`// eslint-disable`, `# nosemgrep`: the tools list them so that a viewer can show them as
//! suppressed), and results whose `baselineState` is `absent` (found in the baseline run, gone
//! from this one). What the tool says about its own run is read too: an `error` notification
//! (ESLint reports a file it cannot parse as one) becomes an error finding with the
//! notification's descriptor id as its rule, and an invocation that did not succeed without
//! saying why in such a notification is a problem, so that a linter that crashed does not pass
//! for one that found nothing. Findings come in the order of the runs, each run's results before
//! its notifications.
//!
//! The log is read with `serde_json` straight from the reader into the few fields used here, so
//! memory grows with the number of results and rules, not with the size of their help texts.

use std::collections::HashMap;
use std::io::BufRead;

use gigops_core::evidence::{Finding, FindingLevel, Findings};
use serde::Deserialize;
use serde::de::{self, Deserializer};

use gigops_core::{Problem, Problems};

/// The only SARIF version read.
pub const VERSION: &str = "2.1.0";

/// Reads one SARIF 2.1.0 log; `file_name` names it in problems.
///
/// Paths: a `file://` URI is turned into a path (`file:///src/a.rs` → `/src/a.rs`,
/// `file:///C:/src/a.rs` → `C:/src/a.rs`) and percent escapes are decoded (`my%20file.js` →
/// `my file.js`). A relative URI against a `uriBaseId` (`%SRCROOT%`, `SRCROOT`) stays relative to
/// that base, which is the project root by convention; when `originalUriBaseIds` gives the base as
/// itself relative to another base (`{"SRC": {"uri": "src/", "uriBaseId": "ROOT"}}`), the two are
/// joined (`src/a.rs`). An absolute URI under one of the run's absolute `originalUriBaseIds` is
/// made relative to it (the longest that matches). Any other URI is kept as written. An
/// `artifactLocation` with an `index` and no `uri` takes the URI of `run.artifacts[index]`.
///
/// The first malformed JSON or out-of-shape value stops the reading (a JSON document cannot be
/// resynchronised) and is reported with its line and column, as are a version other than 2.1.0
/// and a level that is not one of `none`, `note`, `warning`, `error`.
pub fn parse(mut reader: impl BufRead, file_name: &str) -> Result<Findings, Problems> {
    if let Some(problem) = not_an_object(&mut reader, file_name) {
        return Err(Problems(vec![problem]));
    }
    let log: Log = serde_json::from_reader(reader)
        .map_err(|err| Problems(vec![json_problem(file_name, &err)]))?;
    let mut findings = Vec::new();
    let mut problems = Vec::new();
    for (index, run) in log.runs.iter().enumerate() {
        RunReader::new(run).read(index, file_name, &mut findings, &mut problems);
    }
    if problems.is_empty() {
        Ok(Findings { findings })
    } else {
        Err(Problems(problems))
    }
}

/// Skips a UTF-8 byte order mark (which serde_json does not take; Windows tools write one), and
/// looks at the first byte of the document without consuming it: serde would read a JSON array
/// into the log's fields one by one and report something beside the point.
fn not_an_object(reader: &mut impl BufRead, file_name: &str) -> Option<Problem> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let buffered = reader.fill_buf().ok()?;
    if buffered.starts_with(BOM) {
        reader.consume(BOM.len());
    }
    let buffered = reader.fill_buf().ok()?;
    let at = buffered.iter().position(|b| !b.is_ascii_whitespace())?;
    if buffered[at] == b'{' {
        return None;
    }
    let before = &buffered[..at];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let column = at
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |n| n + 1)
        + 1;
    Some(Problem {
        file: file_name.to_string(),
        line: line as u64,
        column: format!("column {column}"),
        reason: "not a SARIF 2.1.0 log: expected a JSON object with `version` and `runs`"
            .to_string(),
    })
}

fn json_problem(file_name: &str, err: &serde_json::Error) -> Problem {
    // serde_json ends its messages with " at line L column C", which the problem says apart.
    let text = err.to_string();
    let what = text
        .rfind(" at line ")
        .map_or(text.as_str(), |at| &text[..at]);
    let reason = match err.classify() {
        serde_json::error::Category::Io => format!("cannot read: {what}"),
        serde_json::error::Category::Eof if err.line() == 1 && err.column() == 0 => {
            "empty input: expected a SARIF 2.1.0 log (a JSON object with `version` and `runs`)"
                .to_string()
        }
        serde_json::error::Category::Eof => {
            format!("the log ends early (cut short?): {what}")
        }
        serde_json::error::Category::Syntax => format!("not well-formed JSON: {what}"),
        serde_json::error::Category::Data => format!("not a SARIF 2.1.0 log: {what}"),
    };
    Problem {
        file: file_name.to_string(),
        line: err.line() as u64,
        column: format!("column {}", err.column()),
        reason,
    }
}

// The shape of the log, as far as it is read. Unknown fields are skipped; fields that SARIF lets
// be `null` are read as absent.

#[derive(Deserialize)]
#[serde(expecting = "a SARIF log (a JSON object with `version` and `runs`)")]
struct Log {
    #[serde(deserialize_with = "supported_version")]
    #[allow(dead_code)] // read only to be checked
    version: (),
    #[serde(deserialize_with = "nullable")]
    runs: Vec<Run>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    #[serde(default, deserialize_with = "nullable")]
    results: Vec<SarifResult>,
    #[serde(default, deserialize_with = "nullable")]
    original_uri_base_ids: HashMap<String, ArtifactLocation>,
    #[serde(default, deserialize_with = "nullable")]
    artifacts: Vec<Artifact>,
    #[serde(default, deserialize_with = "nullable")]
    invocations: Vec<Invocation>,
}

#[derive(Deserialize)]
struct Tool {
    driver: Component,
    #[serde(default, deserialize_with = "nullable")]
    extensions: Vec<Component>,
}

/// A `toolComponent`: the driver or an extension.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Component {
    name: String,
    #[serde(default, deserialize_with = "nullable")]
    rules: Vec<Rule>,
    #[serde(default, deserialize_with = "nullable")]
    global_message_strings: HashMap<String, MessageString>,
}

/// A `reportingDescriptor`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    default_configuration: Option<Configuration>,
    #[serde(default, deserialize_with = "nullable")]
    message_strings: HashMap<String, MessageString>,
    #[serde(default, deserialize_with = "nullable")]
    properties: Properties,
}

#[derive(Deserialize)]
struct Configuration {
    #[serde(default)]
    level: Option<Level>,
}

/// A `multiformatMessageString`.
#[derive(Deserialize)]
struct MessageString {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    markdown: Option<String>,
}

/// A property bag, of which only the security severity is read.
#[derive(Default, Deserialize)]
struct Properties {
    #[serde(
        rename = "security-severity",
        default,
        deserialize_with = "security_severity"
    )]
    security_severity: Option<f64>,
}

#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Level {
    None,
    Note,
    Warning,
    Error,
}

impl From<Level> for FindingLevel {
    fn from(level: Level) -> Self {
        match level {
            Level::None | Level::Note => FindingLevel::Note,
            Level::Warning => FindingLevel::Warning,
            Level::Error => FindingLevel::Error,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    #[serde(default)]
    rule_id: Option<String>,
    #[serde(default)]
    rule_index: Option<i64>,
    #[serde(default)]
    rule: Option<DescriptorReference>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    level: Option<Level>,
    #[serde(default)]
    message: Option<Message>,
    #[serde(default, deserialize_with = "nullable")]
    locations: Vec<Location>,
    #[serde(default, deserialize_with = "nullable")]
    suppressions: Vec<Suppression>,
    #[serde(default)]
    baseline_state: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    properties: Properties,
}

/// A `reportingDescriptorReference`: a rule (or notification descriptor) by id or index, in the
/// driver or the tool component named.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescriptorReference {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    index: Option<i64>,
    #[serde(default)]
    tool_component: Option<ComponentReference>,
}

#[derive(Deserialize)]
struct ComponentReference {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    index: Option<i64>,
}

#[derive(Default, Deserialize)]
struct Message {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    markdown: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    arguments: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(default)]
    physical_location: Option<PhysicalLocation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    #[serde(default)]
    artifact_location: Option<ArtifactLocation>,
    #[serde(default)]
    region: Option<Region>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    #[serde(default)]
    uri: Option<String>,
    #[serde(default)]
    uri_base_id: Option<String>,
    #[serde(default)]
    index: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    #[serde(default)]
    start_line: Option<i64>,
    #[serde(default)]
    start_column: Option<i64>,
}

#[derive(Deserialize)]
struct Suppression {
    #[serde(default)]
    status: Option<String>,
}

#[derive(Deserialize)]
struct Artifact {
    #[serde(default)]
    location: Option<ArtifactLocation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    // Required by SARIF; a log that leaves it out is given the benefit of the doubt.
    #[serde(default = "yes")]
    execution_successful: bool,
    #[serde(default, deserialize_with = "nullable")]
    tool_execution_notifications: Vec<Notification>,
    #[serde(default, deserialize_with = "nullable")]
    tool_configuration_notifications: Vec<Notification>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    // Absent is SARIF's `warning`: only `error` is read.
    #[serde(default)]
    level: Option<Level>,
    #[serde(default)]
    message: Option<Message>,
    #[serde(default, deserialize_with = "nullable")]
    locations: Vec<Location>,
    #[serde(default)]
    descriptor: Option<DescriptorReference>,
    #[serde(default)]
    associated_rule: Option<DescriptorReference>,
}

fn yes() -> bool {
    true
}

/// `null` read as the type's default (an empty list or map, absent properties).
fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

fn supported_version<'de, D: Deserializer<'de>>(deserializer: D) -> Result<(), D::Error> {
    let version = String::deserialize(deserializer)?;
    if version == VERSION {
        Ok(())
    } else {
        // Raised inside the document, so serde_json gives it the version's line and column.
        Err(de::Error::custom(format!(
            "its version is {version:?}; gigops reads version {VERSION} only"
        )))
    }
}

/// A CVSS-like score in 0.0–10.0, written as a number or as a numeric string.
fn security_severity<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Score {
        Number(f64),
        Text(String),
    }
    let score = match Option::<Score>::deserialize(deserializer)? {
        None => return Ok(None),
        Some(Score::Number(n)) => n,
        Some(Score::Text(text)) => text.trim().parse::<f64>().map_err(|_| {
            de::Error::custom(format!(
                "security-severity {text:?} is not a number: expected a score from 0.0 to 10.0"
            ))
        })?,
    };
    if (0.0..=10.0).contains(&score) {
        Ok(Some(score))
    } else {
        Err(de::Error::custom(format!(
            "security-severity {score} is outside 0.0–10.0"
        )))
    }
}

/// One run, with what its results are resolved against.
struct RunReader<'r> {
    run: &'r Run,
    /// Rule id → (component, rule index): `None` for the driver, `Some(i)` for extension `i`.
    /// The first rule of an id wins, the driver's before the extensions'.
    by_id: HashMap<&'r str, (Option<usize>, usize)>,
}

impl<'r> RunReader<'r> {
    fn new(run: &'r Run) -> Self {
        let mut by_id = HashMap::new();
        let components = std::iter::once((None, &run.tool.driver)).chain(
            run.tool
                .extensions
                .iter()
                .enumerate()
                .map(|(i, c)| (Some(i), c)),
        );
        for (component, tool_component) in components {
            for (index, rule) in tool_component.rules.iter().enumerate() {
                if let Some(id) = rule.id.as_deref() {
                    by_id.entry(id).or_insert((component, index));
                }
            }
        }
        RunReader { run, by_id }
    }

    fn read(
        &self,
        run_index: usize,
        file_name: &str,
        findings: &mut Vec<Finding>,
        problems: &mut Vec<Problem>,
    ) {
        let tool = &self.run.tool.driver.name;
        for result in &self.run.results {
            if let Some(finding) = self.finding(result) {
                findings.push(finding);
            }
        }
        for (index, invocation) in self.run.invocations.iter().enumerate() {
            let mut explained = false;
            for notification in invocation
                .tool_execution_notifications
                .iter()
                .chain(&invocation.tool_configuration_notifications)
            {
                if !matches!(notification.level, Some(Level::Error)) {
                    continue;
                }
                explained = true;
                let rule = notification
                    .descriptor
                    .as_ref()
                    .or(notification.associated_rule.as_ref())
                    .and_then(|d| d.id.clone())
                    .unwrap_or_default();
                let message = notification
                    .message
                    .as_ref()
                    .map(|m| message_text(m, None, None))
                    .unwrap_or_default();
                let (path, line, column) = self.place(&notification.locations);
                findings.push(Finding {
                    tool: tool.clone(),
                    rule,
                    level: FindingLevel::Error,
                    security_severity: None,
                    message,
                    path,
                    line,
                    column,
                });
            }
            if !invocation.execution_successful && !explained {
                problems.push(Problem {
                    file: file_name.to_string(),
                    line: 0,
                    column: format!("runs[{run_index}].invocations[{index}]"),
                    reason: format!(
                        "{tool} reports that its run did not succeed (executionSuccessful is \
                         false) and gives no error notification: its results may be incomplete"
                    ),
                });
            }
        }
    }

    fn finding(&self, result: &SarifResult) -> Option<Finding> {
        if matches!(result.kind.as_deref(), Some("pass" | "notApplicable")) {
            return None;
        }
        if result.baseline_state.as_deref() == Some("absent") {
            return None;
        }
        let suppressed = result
            .suppressions
            .iter()
            .any(|s| matches!(s.status.as_deref(), None | Some("accepted")));
        if suppressed {
            return None;
        }
        let (component, rule) = self.rule_of(result);
        let rule_id = result
            .rule_id
            .clone()
            .or_else(|| result.rule.as_ref().and_then(|r| r.id.clone()))
            .or_else(|| rule.and_then(|r| r.id.clone()))
            .unwrap_or_default();
        let level = match result.level {
            Some(level) => level,
            None if result.kind.as_deref().is_some_and(|k| k != "fail") => Level::None,
            None => rule
                .and_then(|r| r.default_configuration.as_ref())
                .and_then(|c| c.level)
                .unwrap_or(Level::Warning),
        };
        let security_severity = result
            .properties
            .security_severity
            .or_else(|| rule.and_then(|r| r.properties.security_severity));
        let message = result
            .message
            .as_ref()
            .map(|m| message_text(m, rule, component))
            .unwrap_or_default();
        let (path, line, column) = self.place(&result.locations);
        Some(Finding {
            tool: self.run.tool.driver.name.clone(),
            rule: rule_id,
            level: level.into(),
            security_severity,
            message,
            path,
            line,
            column,
        })
    }

    /// The rule a result refers to, and the tool component it is in.
    fn rule_of(&self, result: &SarifResult) -> (Option<&'r Component>, Option<&'r Rule>) {
        let reference = result.rule.as_ref();
        let named = reference.and_then(|r| r.tool_component.as_ref());
        let component = match named {
            None => Some(&self.run.tool.driver),
            Some(named) => self.component(named),
        };
        let index = reference
            .and_then(|r| r.index)
            .or(result.rule_index)
            .and_then(|i| usize::try_from(i).ok());
        if let (Some(component), Some(index)) = (component, index)
            && let Some(rule) = component.rules.get(index)
        {
            return (Some(component), Some(rule));
        }
        let id = result
            .rule_id
            .as_deref()
            .or_else(|| reference.and_then(|r| r.id.as_deref()));
        let Some(id) = id else {
            return (component, None);
        };
        // A hierarchical id (`CA2101/1`) names a variant of its parent's rule.
        let mut candidates = vec![id];
        let mut rest = id;
        while let Some((parent, _)) = rest.rsplit_once('/') {
            candidates.push(parent);
            rest = parent;
        }
        for candidate in candidates {
            match named {
                // A component the result names: its rules only.
                Some(_) => {
                    if let Some(component) = component
                        && let Some(rule) = component
                            .rules
                            .iter()
                            .find(|r| r.id.as_deref() == Some(candidate))
                    {
                        return (Some(component), Some(rule));
                    }
                }
                // Otherwise the driver's rules, then the extensions'.
                None => {
                    if let Some(&(at, index)) = self.by_id.get(candidate) {
                        let component = match at {
                            None => &self.run.tool.driver,
                            Some(i) => &self.run.tool.extensions[i],
                        };
                        return (Some(component), component.rules.get(index));
                    }
                }
            }
        }
        (component, None)
    }

    fn component(&self, reference: &ComponentReference) -> Option<&'r Component> {
        let tool = &self.run.tool;
        if let Some(index) = reference.index.and_then(|i| usize::try_from(i).ok()) {
            return tool.extensions.get(index);
        }
        let name = reference.name.as_deref()?;
        if tool.driver.name == name {
            return Some(&tool.driver);
        }
        tool.extensions.iter().find(|c| c.name == name)
    }

    /// The path, line and column of the first location.
    fn place(&self, locations: &[Location]) -> (Option<String>, Option<u32>, Option<u32>) {
        let Some(physical) = locations.first().and_then(|l| l.physical_location.as_ref()) else {
            return (None, None, None);
        };
        let path = physical
            .artifact_location
            .as_ref()
            .and_then(|a| self.path(a));
        let positive = |n: Option<i64>| n.and_then(|n| u32::try_from(n).ok()).filter(|&n| n > 0);
        let region = physical.region.as_ref();
        (
            path,
            positive(region.and_then(|r| r.start_line)),
            positive(region.and_then(|r| r.start_column)),
        )
    }

    fn path(&self, location: &ArtifactLocation) -> Option<String> {
        let location = match (&location.uri, location.index) {
            (Some(_), _) => location,
            (None, Some(index)) => {
                let artifact = self.run.artifacts.get(usize::try_from(index).ok()?)?;
                artifact.location.as_ref().filter(|l| l.uri.is_some())?
            }
            (None, None) => return None,
        };
        let uri = location.uri.as_deref()?;
        if uri.is_empty() {
            return None;
        }
        let path = match &location.uri_base_id {
            Some(base) if !is_absolute(uri) => self.under_base(uri, base),
            _ => match file_path(uri) {
                Some(absolute) => self.relative_to_bases(absolute),
                None => uri.to_string(),
            },
        };
        Some(percent_decode(&path))
    }

    /// A relative URI against a base id: joined to the bases that are themselves relative, up
    /// to the first absolute (or unknown) one, which is the root it is left relative to.
    fn under_base(&self, uri: &str, base: &str) -> String {
        let mut path = uri.to_string();
        let mut base = Some(base);
        // Bounded: a log whose bases refer to each other in a cycle stops here.
        for _ in 0..16 {
            let Some(location) = base.and_then(|b| self.run.original_uri_base_ids.get(b)) else {
                break;
            };
            let Some(prefix) = location.uri.as_deref().filter(|u| !is_absolute(u)) else {
                break;
            };
            path = join(prefix, &path);
            base = location.uri_base_id.as_deref();
        }
        path
    }

    /// An absolute path made relative to the longest absolute base it is under.
    fn relative_to_bases(&self, absolute: String) -> String {
        let best = self
            .run
            .original_uri_base_ids
            .values()
            .filter_map(|l| l.uri.as_deref().and_then(file_path))
            .map(|base| {
                let mut base = base;
                if !base.ends_with('/') {
                    base.push('/');
                }
                base
            })
            .filter(|base| absolute.starts_with(base.as_str()) && absolute.len() > base.len())
            .max_by_key(String::len);
        match best {
            Some(base) => absolute[base.len()..].to_string(),
            None => absolute,
        }
    }
}

/// Whether a URI is absolute: it has a scheme (`file:`, `https:`) or is a rooted path.
fn is_absolute(uri: &str) -> bool {
    if uri.starts_with('/') {
        return true;
    }
    match uri.split_once(':') {
        Some((scheme, _)) => {
            // A one-letter "scheme" is a Windows drive (`C:/src`), absolute too.
            !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// The path of a `file:` URI (`file:///a/b`, `file:/a/b`, `file:///C:/a`), or of a rooted path;
/// `None` for other URIs.
fn file_path(uri: &str) -> Option<String> {
    if uri.starts_with('/') {
        return Some(uri.to_string());
    }
    let (scheme, rest) = uri.split_once(':')?;
    if !scheme.eq_ignore_ascii_case("file") {
        return None;
    }
    // `file:///a` has an empty authority; `file://host/share` keeps its host as a UNC path.
    let path = match rest.strip_prefix("//") {
        Some(after) if after.starts_with('/') => after,
        Some(_) => rest,
        None => rest,
    };
    // `/C:/src` → `C:/src`.
    let bytes = path.as_bytes();
    if bytes.len() >= 3 && bytes[0] == b'/' && bytes[1].is_ascii_alphabetic() && bytes[2] == b':' {
        return Some(path[1..].to_string());
    }
    Some(path.to_string())
}

fn join(base: &str, path: &str) -> String {
    if base.is_empty() || base.ends_with('/') {
        format!("{base}{path}")
    } else {
        format!("{base}/{path}")
    }
}

/// `%XX` escapes decoded; left as written when they do not decode to UTF-8.
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((high * 16 + low) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// The text of a message: its own text, else the message string its id names (in the rule,
/// then in the rule's tool component), else its markdown, else the id itself.
fn message_text(message: &Message, rule: Option<&Rule>, component: Option<&Component>) -> String {
    let arguments = &message.arguments;
    if let Some(text) = &message.text {
        // Plain text is taken as written unless there are arguments to put in: tools write
        // braces into plain messages without doubling them.
        return if arguments.is_empty() {
            text.clone()
        } else {
            fill_placeholders(text, arguments)
        };
    }
    if let Some(id) = &message.id {
        let string = rule
            .and_then(|r| r.message_strings.get(id))
            .or_else(|| component.and_then(|c| c.global_message_strings.get(id)));
        if let Some(string) = string
            && let Some(text) = string.text.as_ref().or(string.markdown.as_ref())
        {
            return fill_placeholders(text, arguments);
        }
    }
    if let Some(markdown) = &message.markdown {
        return if arguments.is_empty() {
            markdown.clone()
        } else {
            fill_placeholders(markdown, arguments)
        };
    }
    message.id.clone().unwrap_or_default()
}

/// `{0}`, `{1}`… replaced by the arguments, and `{{`/`}}` by single braces (SARIF §3.11.5). A
/// placeholder without an argument is kept as written.
fn fill_placeholders(text: &str, arguments: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(['{', '}']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        if tail.starts_with('{')
            && let Some(end) = tail.find('}')
            && let Ok(n) = tail[1..end].parse::<usize>()
            && tail[1..end].bytes().all(|b| b.is_ascii_digit())
            && let Some(argument) = arguments.get(n)
        {
            out.push_str(argument);
            rest = &tail[end + 1..];
            continue;
        }
        out.push_str(&tail[..1]);
        rest = &tail[1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_doubled_braces_undoubled() {
        let arguments = ["x".to_string(), "y".to_string()];
        assert_eq!(fill_placeholders("{1} then {0}", &arguments), "y then x");
        assert_eq!(fill_placeholders("{{0}} is {0}", &arguments), "{0} is x");
        // No such argument, not a number, not closed: kept.
        assert_eq!(fill_placeholders("{2} {a} {", &arguments), "{2} {a} {");
        assert_eq!(fill_placeholders("{+1}", &arguments), "{+1}");
    }

    #[test]
    fn file_uris_become_paths() {
        assert_eq!(file_path("file:///src/a.rs").as_deref(), Some("/src/a.rs"));
        assert_eq!(file_path("file:/src/a.rs").as_deref(), Some("/src/a.rs"));
        assert_eq!(
            file_path("file:///C:/src/a.rs").as_deref(),
            Some("C:/src/a.rs")
        );
        assert_eq!(
            file_path("file://host/share/a.rs").as_deref(),
            Some("//host/share/a.rs")
        );
        assert_eq!(file_path("https://example.com/a.rs"), None);
        assert_eq!(file_path("src/a.rs"), None);
        assert!(is_absolute("C:/src"));
        assert!(!is_absolute("src/a:b.rs"));
        assert!(!is_absolute("a.rs"));
    }

    #[test]
    fn percent_escapes_are_decoded_when_they_make_utf8() {
        assert_eq!(percent_decode("my%20file.js"), "my file.js");
        assert_eq!(percent_decode("%E4%B8%AD.rs"), "中.rs");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        // A lone continuation byte is not UTF-8: the text is kept as written.
        assert_eq!(percent_decode("%80.rs"), "%80.rs");
    }
}
