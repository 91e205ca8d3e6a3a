//! TAP (the Test Anything Protocol) streams, versions 12 to 14, read line by line: what Perl's
//! `prove`, node's `--test-reporter=tap` and many C and shell test tools print.
//!
//! Each `ok`/`not ok` line is a test. `# SKIP` makes it skipped, and so does `# TODO`: a TODO
//! test is expected to fail, and TAP does not count its failure (nor its unexpected pass) as one.
//! A YAML diagnostics block (`---` … `...`) and `#` comment lines after a test are its output.
//! `duration_ms` in the YAML block (node) is its duration.
//!
//! Subtests are TAP streams indented four spaces, ended by their parent's test line (TAP 14, as
//! node and Test::More print them; also node-tap's `{` … `}` blocks). Their suite is the path of
//! their parents' names joined with `/` (`cart/discounts`); tests at the top level have suite
//! `tap`. A parent is a test like any other (Test::More and node count it: it fails when a subtest
//! fails), except node's `describe` blocks, marked `type: 'suite'` in their YAML, which are
//! suites, not tests: one that failed on its own (a hook threw) becomes a [`SuiteError`] instead,
//! unless the failure is only that of a test further down.
//!
//! A stream or subtest whose plan (`1..N`) does not match the number of its tests, or that has no
//! plan (it was cut short), gets a [`SuiteError`] of kind [`SuiteErrorKind::Failed`]; so does
//! `Bail out!`, which ends the reading. Lines that are not TAP are ignored, as TAP says.
//!
//! Memory grows with the number of tests: each keeps at most
//! [`OUTPUT_LIMIT`](crate::gotest::OUTPUT_LIMIT) bytes of output.

use std::io::BufRead;
use std::sync::Arc;

use gigops_core::evidence::{SuiteError, SuiteErrorKind, TestCase, TestRun, TestStatus};

use crate::junit::Bounded;
use gigops_core::{Problem, Problems};

/// The suite of top-level tests.
pub const TOP_SUITE: &str = "tap";

/// Reads a TAP stream; `file_name` names it in problems.
pub fn parse(mut reader: impl BufRead, file_name: &str) -> Result<TestRun, Problems> {
    let mut parser = Parser {
        file: file_name,
        run: TestRun::default(),
        problems: Vec::new(),
        levels: vec![Level::new(0, None)],
        pending: None,
        announced: Vec::new(),
        saw_tap: false,
    };
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                parser.problem(line_no + 1, 1, format!("cannot read: {e}"));
                break;
            }
        }
        line_no += 1;
        let text = String::from_utf8_lossy(&buf);
        let line = text.trim_end_matches(['\n', '\r']);
        if parser.line(line_no, line) == Flow::Stop {
            return parser.finish(true);
        }
    }
    parser.finish(false)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Go,
    Stop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Directive {
    None,
    Skip,
    Todo,
}

/// A result that stands in a level's list until the level's name is known.
#[derive(Debug, Clone, Copy)]
enum Entry {
    Case(usize),
    Error(usize),
}

/// One TAP stream: the top level, or a subtest.
#[derive(Debug)]
struct Level {
    depth: usize,
    plan: Option<u64>,
    tests: u64,
    /// Results of this level and the levels below it, whose suites still lack this level's name.
    entries: Vec<Entry>,
    /// A test of this level or below failed.
    failed_below: bool,
    /// The name a `# Subtest:` line gave it, used when its parent's line gives none.
    announced: Option<String>,
    /// For a node-tap `{` block: the name of the parent, whose line came first.
    block_parent: Option<String>,
}

impl Level {
    fn new(depth: usize, announced: Option<String>) -> Self {
        Self {
            depth,
            plan: None,
            tests: 0,
            entries: Vec::new(),
            failed_below: false,
            announced,
            block_parent: None,
        }
    }
}

/// A test line whose YAML block and comments may still follow.
#[derive(Debug)]
struct Point {
    depth: usize,
    indent: usize,
    ok: bool,
    number: u64,
    description: String,
    directive: Directive,
    output: Bounded,
    duration_seconds: Option<f64>,
    /// Node's `describe`: a suite, not a test.
    is_suite: bool,
    /// Node's `failureType: 'subtestsFailed'`: it failed only because a subtest did.
    subtests_failed: bool,
    /// Its YAML gave a `failureType` at all.
    failure_type_known: bool,
    /// The indentation of its YAML block while inside it.
    yaml: Option<usize>,
    yaml_done: bool,
    /// The subtest this line ends.
    child: Option<Level>,
}

struct Parser<'a> {
    file: &'a str,
    run: TestRun,
    problems: Vec<Problem>,
    /// The open levels, outermost first; `levels[i].depth == i`.
    levels: Vec<Level>,
    pending: Option<Point>,
    /// The last `# Subtest:` name seen at each depth.
    announced: Vec<Option<String>>,
    saw_tap: bool,
}

impl Parser<'_> {
    fn problem(&mut self, line: u64, column: usize, reason: String) {
        self.problems.push(Problem {
            file: self.file.to_string(),
            line,
            column: format!("column {column}"),
            reason,
        });
    }

    fn line(&mut self, line_no: u64, line: &str) -> Flow {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = line[indent..].trim_end();
        if self.yaml_line(indent, line, content) {
            return Flow::Go;
        }
        if content.is_empty() {
            return Flow::Go;
        }
        let depth = indent / 4;
        if let Some(comment) = content.strip_prefix('#') {
            let comment = comment.trim_start();
            if let Some(name) = subtest_announcement(comment) {
                self.finish_pending();
                if self.announced.len() <= depth {
                    self.announced.resize(depth + 1, None);
                }
                self.announced[depth] = Some(name);
            } else if let Some(point) = self.pending.as_mut().filter(|p| p.depth == depth) {
                point.output.begin_part();
                point.output.push(content.as_bytes());
                point.output.push(b"\n");
            }
            return Flow::Go;
        }
        if content.starts_with("Bail out!") {
            self.saw_tap = true;
            self.finish_pending();
            self.run.errors.push(SuiteError {
                suite: Arc::from(TOP_SUITE),
                kind: SuiteErrorKind::Failed,
                output: content.to_string(),
            });
            return Flow::Stop;
        }
        if let Some(plan) = content.strip_prefix("1..") {
            let count = plan.split('#').next().unwrap_or_default().trim();
            if let Ok(count) = count.parse::<u64>() {
                self.saw_tap = true;
                self.finish_pending();
                self.align(depth, false);
                let level = self.level_mut(depth);
                if level.plan.is_some() {
                    self.problem(
                        line_no,
                        indent + 1,
                        "a second plan in the same stream".into(),
                    );
                } else {
                    level.plan = Some(count);
                }
                return Flow::Go;
            }
        }
        if content == "{" {
            // node-tap's block after a test line and its YAML: the subtest of that test.
            if let Some(point) = self.pending.take() {
                self.open_block(point);
            }
            return Flow::Go;
        }
        if content == "}" {
            self.finish_pending();
            self.close_block(depth);
            return Flow::Go;
        }
        if let Some(point) = test_line(content) {
            self.saw_tap = true;
            self.finish_pending();
            self.add_test_line(depth, indent, point);
        }
        // Anything else is not TAP, and TAP says to ignore it.
        Flow::Go
    }

    /// Handles a line of the pending test's YAML block, or its `---` start; false when the line
    /// is not part of one.
    fn yaml_line(&mut self, indent: usize, line: &str, content: &str) -> bool {
        let Some(point) = self.pending.as_mut() else {
            return false;
        };
        match point.yaml {
            None if !point.yaml_done && content == "---" && indent > point.indent => {
                point.yaml = Some(indent);
                point.output.begin_part();
                true
            }
            Some(yaml_indent) => {
                if content == "..." && indent <= yaml_indent + 2 {
                    point.yaml = None;
                    point.yaml_done = true;
                    return true;
                }
                // A line less indented than the block ends it even without its `...`.
                if !content.is_empty() && indent < yaml_indent {
                    point.yaml = None;
                    point.yaml_done = true;
                    return false;
                }
                let inner = line.get(yaml_indent..).unwrap_or("");
                if indent == yaml_indent {
                    if let Some(ms) = inner.strip_prefix("duration_ms:") {
                        point.duration_seconds = ms
                            .trim()
                            .parse::<f64>()
                            .ok()
                            .filter(|ms| ms.is_finite() && *ms >= 0.0)
                            .map(|ms| ms / 1000.0);
                    }
                    if unquoted_value(inner, "type") == Some("suite") {
                        point.is_suite = true;
                    }
                    if let Some(failure) = unquoted_value(inner, "failureType") {
                        point.failure_type_known = true;
                        point.subtests_failed = failure == "subtestsFailed";
                    }
                }
                point.output.push(inner.as_bytes());
                point.output.push(b"\n");
                true
            }
            None => false,
        }
    }

    fn level_mut(&mut self, depth: usize) -> &mut Level {
        let last = self.levels.len() - 1;
        &mut self.levels[depth.min(last)]
    }

    /// Makes `depth` the innermost open level: opens levels down to it, or closes those below
    /// it. A level closed here had no parent line of its own (the stream is malformed, or was cut
    /// short), unless `keep_child` keeps the one just below `depth` for a test line to close.
    fn align(&mut self, depth: usize, keep_child: bool) {
        let keep = depth + 1 + usize::from(keep_child);
        while self.levels.len() > keep {
            self.close_without_parent();
        }
        while self.levels.len() <= depth {
            let depth = self.levels.len();
            // Node and Test::More announce a subtest at its parent's depth; TAP 14's example
            // at its own.
            let announced = [depth - 1, depth]
                .into_iter()
                .find_map(|at| self.announced.get_mut(at).and_then(Option::take));
            self.levels.push(Level::new(depth, announced));
        }
    }

    fn add_test_line(&mut self, depth: usize, indent: usize, line: TestLine) {
        self.align(depth, true);
        let child = (self.levels.len() == depth + 2).then(|| {
            let level = self.levels.pop().expect("a level below the test line");
            self.close(level)
        });
        let level = self.level_mut(depth);
        level.tests += 1;
        let number = line.number.unwrap_or(level.tests);
        let opens_block = line.opens_block;
        let point = Point {
            depth,
            indent,
            ok: line.ok,
            number,
            description: line.description,
            directive: line.directive,
            output: Bounded::default(),
            duration_seconds: None,
            is_suite: false,
            subtests_failed: false,
            failure_type_known: false,
            yaml: None,
            yaml_done: false,
            child: child.flatten(),
        };
        if opens_block {
            self.open_block(point);
        } else {
            self.pending = Some(point);
        }
    }

    /// Checks a level's plan, leaving the result in its entries; `None` when the level is
    /// the block of a node-tap parent, whose results were already placed.
    fn close(&mut self, mut level: Level) -> Option<Level> {
        let reason = match level.plan {
            None => Some(format!(
                "no plan: the output of {} tests ends without a `1..N` line (it may have been cut short)",
                level.tests
            )),
            Some(plan) if plan != level.tests => {
                Some(format!("planned {plan} tests, but {} ran", level.tests))
            }
            Some(_) => None,
        };
        if let Some(reason) = reason {
            level.entries.push(Entry::Error(self.run.errors.len()));
            self.run.errors.push(SuiteError {
                suite: Arc::from(""),
                kind: SuiteErrorKind::Failed,
                output: reason,
            });
        }
        if let Some(name) = level.block_parent.take() {
            self.hand_up(&level, &name);
            return None;
        }
        Some(level)
    }

    /// A level that ends with no test line of its parent: named as it was announced.
    fn close_without_parent(&mut self) {
        let Some(level) = self.levels.pop() else {
            return;
        };
        if let Some(level) = self.close(level) {
            let name = level
                .announced
                .clone()
                .unwrap_or_else(|| "(unnamed subtest)".to_string());
            self.hand_up(&level, &name);
        }
    }

    /// Prefixes the suites of a closed level's results with its name and hands them to the
    /// level above.
    fn hand_up(&mut self, level: &Level, name: &str) {
        for entry in &level.entries {
            let suite = match *entry {
                Entry::Case(i) => &mut self.run.cases[i].suite,
                Entry::Error(i) => &mut self.run.errors[i].suite,
            };
            *suite = if suite.is_empty() {
                Arc::from(name)
            } else {
                Arc::from(format!("{name}/{suite}"))
            };
        }
        let parent_depth = level.depth.saturating_sub(1);
        let failed = level.failed_below;
        let parent = self.level_mut(parent_depth);
        parent.failed_below |= failed;
        if parent_depth > 0 {
            parent.entries.extend_from_slice(&level.entries);
        }
    }

    /// Adds a result of the level at `depth`.
    fn add(&mut self, depth: usize, entry: Entry, suite: &mut String) {
        if depth == 0 {
            if suite.is_empty() {
                *suite = TOP_SUITE.to_string();
            }
        } else {
            self.level_mut(depth).entries.push(entry);
        }
    }

    fn finish_pending(&mut self) {
        let Some(point) = self.pending.take() else {
            return;
        };
        self.place(point);
    }

    /// Records a test line once its YAML and comments have been read.
    fn place(&mut self, mut point: Point) {
        let name = if !point.description.is_empty() {
            point.description.clone()
        } else if let Some(name) = point.child.as_ref().and_then(|c| c.announced.clone()) {
            name
        } else {
            format!("test {}", point.number)
        };
        let child_failed = match point.child.take() {
            Some(child) => {
                self.hand_up(&child, &name);
                child.failed_below
            }
            None => false,
        };
        let failed = !point.ok && point.directive == Directive::None;
        let depth = point.depth;
        if point.is_suite {
            // A suite that failed on its own (a hook threw) is a suite error; one that failed
            // only because a test in it did is not. Node says which in `failureType`; without
            // it, a failed test below is taken to be the reason.
            let own_failure = if point.subtests_failed {
                false
            } else {
                point.failure_type_known || !child_failed
            };
            if failed && own_failure {
                let mut suite = name;
                let index = self.run.errors.len();
                self.add(depth, Entry::Error(index), &mut suite);
                self.run.errors.push(SuiteError {
                    suite: Arc::from(suite),
                    kind: SuiteErrorKind::Failed,
                    output: point.output.text(),
                });
            }
            return;
        }
        let status = match (point.directive, point.ok) {
            (Directive::Skip | Directive::Todo, _) => TestStatus::Skipped,
            (Directive::None, true) => TestStatus::Passed,
            (Directive::None, false) => TestStatus::Failed,
        };
        let index = self.run.cases.len();
        let mut suite = String::new();
        self.add(depth, Entry::Case(index), &mut suite);
        self.run.cases.push(TestCase {
            suite: Arc::from(suite),
            name: name.into_boxed_str(),
            status,
            duration_seconds: point.duration_seconds,
            output: point.output.text().into_boxed_str(),
            cached: false,
            flaky: false,
        });
        let level = self.level_mut(depth);
        level.failed_below |= failed;
    }

    /// A node-tap parent whose subtest follows in `{` … `}`: the parent is placed now, and
    /// the block's results are named after it when the block closes.
    fn open_block(&mut self, point: Point) {
        let depth = point.depth;
        let name = if point.description.is_empty() {
            format!("test {}", point.number)
        } else {
            point.description.clone()
        };
        self.place(point);
        self.align(depth, false);
        let mut level = Level::new(depth + 1, None);
        level.block_parent = Some(name);
        self.levels.push(level);
    }

    fn close_block(&mut self, depth: usize) {
        if self
            .levels
            .get(depth + 1)
            .is_some_and(|l| l.block_parent.is_some())
        {
            self.align(depth + 1, false);
            if let Some(level) = self.levels.pop() {
                self.close(level);
            }
        }
    }

    fn finish(mut self, bailed_out: bool) -> Result<TestRun, Problems> {
        self.finish_pending();
        if bailed_out {
            // The plans no longer tell anything: only name what is open.
            while self.levels.len() > 1 {
                let mut level = self.levels.pop().expect("more than one level");
                level.plan = Some(level.tests);
                if let Some(level) = self.close(level) {
                    let name = level
                        .announced
                        .clone()
                        .unwrap_or_else(|| "(unnamed subtest)".to_string());
                    self.hand_up(&level, &name);
                }
            }
        } else {
            while self.levels.len() > 1 {
                self.close_without_parent();
            }
            if self.saw_tap {
                let root = self.levels.pop().expect("the top level");
                let errors_before = self.run.errors.len();
                self.close(root);
                for error in &mut self.run.errors[errors_before..] {
                    error.suite = Arc::from(TOP_SUITE);
                }
            }
        }
        if !self.saw_tap && self.problems.is_empty() {
            self.problems.push(Problem {
                file: self.file.to_string(),
                line: 0,
                column: String::new(),
                reason: "not TAP: no test line (`ok`, `not ok`) and no plan (`1..N`)".into(),
            });
        }
        if self.problems.is_empty() {
            Ok(self.run)
        } else {
            Err(Problems(self.problems))
        }
    }
}

/// The value of a `key: value` YAML line, without its quotes.
fn unquoted_value<'l>(line: &'l str, key: &str) -> Option<&'l str> {
    let value = line.strip_prefix(key)?.strip_prefix(':')?.trim();
    let unquoted = value
        .strip_prefix('\'')
        .and_then(|v| v.strip_suffix('\''))
        .or_else(|| value.strip_prefix('"').and_then(|v| v.strip_suffix('"')));
    Some(unquoted.unwrap_or(value))
}

/// The name in `Subtest: name` (the `#` already stripped), or `Subtest` alone.
fn subtest_announcement(comment: &str) -> Option<String> {
    let rest = comment.strip_prefix("Subtest")?;
    match rest.strip_prefix(':') {
        Some(name) => Some(name.trim().to_string()),
        None if rest.trim().is_empty() => Some(String::new()),
        None => None,
    }
    .filter(|name| !name.is_empty())
}

#[derive(Debug)]
struct TestLine {
    ok: bool,
    number: Option<u64>,
    description: String,
    directive: Directive,
    opens_block: bool,
}

/// `ok 3 - description # SKIP reason`, `not ok`, `ok 4 - parent {`.
fn test_line(content: &str) -> Option<TestLine> {
    let (ok, rest) = if let Some(rest) = content.strip_prefix("not ok") {
        (false, rest)
    } else {
        (true, content.strip_prefix("ok")?)
    };
    // `okay` is not a test line: the word must end.
    if rest.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let mut rest = rest.trim_start();
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let number = rest[..digits].parse().ok();
    rest = rest[digits..].trim_start();
    rest = rest.strip_prefix('-').unwrap_or(rest).trim_start();
    let mut rest = rest.trim_end();
    let opens_block = rest.ends_with('{') && (rest.len() == 1 || rest.ends_with(" {"));
    if opens_block {
        rest = rest[..rest.len() - 1].trim_end();
    }
    let (description, directive) = split_directive(rest);
    Some(TestLine {
        ok,
        number,
        description,
        directive,
        opens_block,
    })
}

/// Splits a test line's text at its directive: the first unescaped `#` followed by `SKIP…` or
/// `TODO` (any case); other `#`s belong to the description. `\#` and `\\` are unescaped.
fn split_directive(text: &str) -> (String, Directive) {
    let mut description = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.peek() {
                Some(&(_, next @ ('#' | '\\'))) => {
                    description.push(next);
                    chars.next();
                }
                _ => description.push('\\'),
            },
            '#' => {
                let after = text[i + 1..].trim_start();
                let word: String = after
                    .chars()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .collect::<String>()
                    .to_ascii_lowercase();
                let directive = if word.starts_with("skip") {
                    Directive::Skip
                } else if word == "todo" {
                    Directive::Todo
                } else {
                    Directive::None
                };
                if directive != Directive::None {
                    return (description.trim_end().to_string(), directive);
                }
                description.push('#');
            }
            _ => description.push(c),
        }
    }
    (description.trim_end().to_string(), Directive::None)
}
