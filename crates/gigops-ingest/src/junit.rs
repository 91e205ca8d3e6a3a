//! JUnit XML test reports, read as a stream, and the normalised JUnit XML gigops writes back.
//!
//! There is no one JUnit format: each tool writes its own dialect of what Ant first wrote. This
//! reader takes those of Maven Surefire and Ant, Jenkins' (`junit-10.xsd`, nested suites
//! included), pytest's `xunit1` and `xunit2`, cargo-nextest's and node's `--test-reporter=junit`,
//! and gigops's own ([`write()`]). The root is `<testsuites>` or a bare `<testsuite>`; suites may
//! nest; a `<testcase>` may also stand directly under `<testsuites>` (node puts top-level tests
//! there). Several roots one after another (reports joined with `cat`) are read as one report.
//!
//! What a testcase counts as:
//!
//! - `<failure>`, `<error>`, `<rerunFailure>` or `<rerunError>` in it: failed (an error is a test
//!   that errored; Surefire adds the rerun elements beside the failure of a test that failed on
//!   every retry);
//! - else `<skipped>` (pytest also writes its `xfail` this way), or gtest's `status="notrun"` /
//!   `result="skipped"`: skipped — and also when `<skipped type="todo">` stands beside a
//!   `<failure>`, which is how node writes a failing `todo` test, not counted as a failure;
//! - else passed, and flaky when it holds a `<flakyFailure>` or `<flakyError>` (it failed, then
//!   passed on a retry).
//!
//! A failed testcase that stands for a suite rather than a test becomes a [`SuiteError`] (kind
//! [`SuiteErrorKind::Failed`]) instead of a test: one with an empty name (Surefire 3 when
//! `@BeforeAll` fails), whose name is its classname (Surefire 2), `initializationError` (JUnit 4),
//! `(suite)` (gigops's own), or whose `<error>` says `collection failure` (pytest's module that
//! did not import). So does a `<failure>` or `<error>` directly inside a `<testsuite>` (Ant).
//!
//! The suite of a test is the path of the `<testsuite>` names around it, joined with `/`; a test
//! in no named suite takes its classname, else the `<testsuites>` name, else `junit`. Its name is
//! `classname.name` when the classname differs from the innermost suite's name (pytest's
//! `tests.test_shop.test_add` under suite `pytest`), else just `name` (Surefire, nextest); the
//! classname `test`, which node gives every test, is not put in front. A test that appears twice
//! with the same suite and name (pytest writes a second testcase for an error in teardown) is
//! counted once: failed if either was, and its outputs are joined.
//!
//! Durations are the `time` attributes, in seconds; `1,234.5` (thousands separated, as some
//! Surefire versions write) and `0,5` (a decimal comma) are read too. The counts a report states
//! in `tests`/`failures`/`errors` attributes are not read: every count comes from the testcases
//! themselves.
//!
//! A test's output is, in document order, the text of its `<failure>`, `<error>`, `<skipped>`,
//! rerun and flaky elements (their `message` when they hold no text), `<system-out>` and
//! `<system-err>`; blank lines before each part are dropped. Memory grows with the number of
//! tests, not the size of the input: text is read in pieces, and each test keeps at most
//! [`OUTPUT_LIMIT`] bytes of output, half from its start and half from its end.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::io::{self, BufRead, Write};
use std::sync::Arc;

use gigops_core::evidence::{SuiteError, SuiteErrorKind, TestCase, TestRun, TestStatus};

use crate::gotest::OUTPUT_LIMIT;
use crate::xml_stream::{self, Stop, Tag};
use gigops_core::{Problem, Problems};

use crate::FastMap;

/// The name of the testcase that carries a suite error in the JUnit gigops writes.
pub const SUITE_CASE: &str = "(suite)";

/// The classname node's junit reporter gives every test that has none of its own.
const NODE_CLASSNAME: &str = "test";

/// Reads a JUnit XML report; `file_name` names it in problems.
pub fn parse(reader: impl BufRead, file_name: &str) -> Result<TestRun, Problems> {
    let mut parser = Parser::new(file_name);
    let last_line = xml_stream::read(reader, &mut parser);
    parser.finish(last_line)
}

/// Output kept within [`OUTPUT_LIMIT`] bytes: its first half, and a window of its last half.
/// Shared with the TAP reader.
#[derive(Debug, Default)]
pub(crate) struct Bounded {
    head: Vec<u8>,
    tail: VecDeque<u8>,
    omitted: u64,
}

impl Bounded {
    pub(crate) fn push(&mut self, mut bytes: &[u8]) {
        let half = OUTPUT_LIMIT / 2;
        if self.tail.is_empty() && self.head.len() < half {
            let take = (half - self.head.len()).min(bytes.len());
            self.head.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
        }
        if bytes.len() >= half {
            self.omitted += (self.tail.len() + bytes.len() - half) as u64;
            self.tail.clear();
            self.tail.extend(&bytes[bytes.len() - half..]);
        } else {
            self.tail.extend(bytes);
            let excess = self.tail.len().saturating_sub(half);
            if excess > 0 {
                self.tail.drain(..excess);
                self.omitted += excess as u64;
            }
        }
    }

    fn last(&self) -> Option<u8> {
        self.tail.back().or(self.head.last()).copied()
    }

    /// Starts a new part (a new element's text, a message): on a line of its own.
    pub(crate) fn begin_part(&mut self) {
        if self.last().is_some_and(|b| b != b'\n') {
            self.push(b"\n");
        }
    }

    pub(crate) fn text(&self) -> String {
        if self.head.is_empty() && self.tail.is_empty() {
            return String::new();
        }
        let tail: Vec<u8> = self.tail.iter().copied().collect();
        if self.omitted == 0 {
            let mut all = self.head.clone();
            all.extend_from_slice(&tail);
            return String::from_utf8_lossy(&all).into_owned();
        }
        // The cuts may have split a character: drop its pieces on both sides.
        let head = &self.head[..complete_utf8_prefix(&self.head)];
        let skip = tail
            .iter()
            .take(3)
            .take_while(|&&b| b & 0xC0 == 0x80)
            .count();
        let omitted = self.omitted + (self.head.len() - head.len() + skip) as u64;
        let mut text = String::from_utf8_lossy(head).into_owned();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&format!("… {omitted} bytes of output omitted …\n"));
        text.push_str(&String::from_utf8_lossy(&tail[skip..]));
        text
    }
}

/// The length of `bytes` without a multi-byte character cut short at its end.
fn complete_utf8_prefix(bytes: &[u8]) -> usize {
    let len = bytes.len();
    let continuation = bytes
        .iter()
        .rev()
        .take(3)
        .take_while(|&&b| b & 0xC0 == 0x80)
        .count();
    let Some(&lead) = len.checked_sub(continuation + 1).and_then(|i| bytes.get(i)) else {
        return len;
    };
    let needed = match lead {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => return len,
    };
    if continuation + 1 < needed {
        len - continuation - 1
    } else {
        len
    }
}

/// Where text inside an element goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sink {
    Nothing,
    Case,
    Suite,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `<testsuites>`.
    Root,
    Suite,
    Case,
    /// `<failure>`, `<error>`, `<skipped>` and the rerun and flaky elements: their message is
    /// kept when they hold no text.
    Outcome,
    Other,
}

#[derive(Debug)]
struct Frame {
    kind: Kind,
    sink: Sink,
    /// The element's local name; the names this reader knows are not allocated.
    name: Cow<'static, str>,
    /// The name as written, when it is not `name` (it has a prefix), for its end tag to match.
    written: Option<Box<[u8]>>,
    line: u64,
    column: u64,
    message: String,
    had_text: bool,
}

#[derive(Debug)]
struct OpenSuite {
    /// Its own name, and the path of names from the outermost suite (shared by its tests).
    name: Arc<str>,
    path: Arc<str>,
    output: Bounded,
    /// A `<failure>` or `<error>` of the suite itself.
    error: Option<SuiteErrorKind>,
    /// How many tests the suite says it has (0 when it does not say), at most 65,536.
    stated_tests: usize,
}

#[derive(Debug)]
struct OpenCase {
    suite: Arc<str>,
    /// The innermost suite's own name.
    suite_name: Arc<str>,
    name: String,
    /// Shared with the suite's name when it is the same (as Surefire and nextest write it).
    classname: Arc<str>,
    time: Option<f64>,
    failed: bool,
    skipped: bool,
    todo: bool,
    flaky: bool,
    collection_failure: bool,
    /// The `type` of its failure or error, which names the kind of a suite error gigops wrote.
    error_type: String,
    output: Bounded,
}

/// The attributes this reader looks at, borrowed from the element where they need no
/// unescaping.
#[derive(Debug, Default)]
struct Attributes<'e> {
    name: Option<Cow<'e, str>>,
    classname: Option<Cow<'e, str>>,
    time: Option<Cow<'e, str>>,
    message: Option<Cow<'e, str>>,
    kind: Option<Cow<'e, str>>,
    status: Option<Cow<'e, str>>,
    result: Option<Cow<'e, str>>,
    /// A suite's stated number of tests: not trusted for any count, only as room to reserve.
    tests: Option<Cow<'e, str>>,
}

struct Parser<'a> {
    file: &'a str,
    problems: Vec<Problem>,
    run: TestRun,
    seen: SeenCases,
    stack: Vec<Frame>,
    suites: Vec<OpenSuite>,
    case: Option<OpenCase>,
    root_name: Option<Arc<str>>,
    /// The empty name, shared.
    empty: Arc<str>,
    saw_root: bool,
    /// Whitespace at the start of the current text node, held back until the node turns out to
    /// hold more than indentation.
    held: Vec<u8>,
    node_has_content: bool,
    stray_text_reported: bool,
    discard: Bounded,
}

impl<'a> Parser<'a> {
    fn new(file: &'a str) -> Self {
        Self {
            file,
            problems: Vec::new(),
            run: TestRun::default(),
            seen: SeenCases::default(),
            stack: Vec::new(),
            suites: Vec::new(),
            case: None,
            root_name: None,
            empty: Arc::from(""),
            saw_root: false,
            held: Vec::new(),
            node_has_content: false,
            stray_text_reported: false,
            discard: Bounded::default(),
        }
    }

    fn problem(&mut self, line: u64, column: String, reason: String) {
        self.problems.push(Problem {
            file: self.file.to_string(),
            line,
            column,
            reason,
        });
    }

    fn sink(&self) -> Sink {
        self.stack.last().map_or(Sink::Nothing, |f| f.sink)
    }

    /// Text (already unescaped). Outside the root element only whitespace may stand: the index
    /// of the first other byte is returned the first time there is some, to be reported.
    fn text(&mut self, bytes: &[u8]) -> Option<usize> {
        if self.stack.is_empty() {
            let stray = bytes.iter().position(|b| !b.is_ascii_whitespace());
            if stray.is_some() && !self.stray_text_reported {
                self.stray_text_reported = true;
                return stray;
            }
            return None;
        }
        self.content(bytes);
        None
    }

    fn cdata(&mut self, bytes: &[u8]) {
        if !self.stack.is_empty() {
            self.content(bytes);
        }
    }

    fn content(&mut self, mut bytes: &[u8]) {
        let sink = self.sink();
        if sink == Sink::Nothing {
            return;
        }
        if !self.node_has_content {
            // Whitespace before the text is held back until the text turns out to be more than
            // indentation between elements; then its blank lines are dropped and the
            // indentation of its first line kept.
            let Some(start) = bytes.iter().position(|b| !b.is_ascii_whitespace()) else {
                let room = OUTPUT_LIMIT.saturating_sub(self.held.len());
                self.held.extend_from_slice(&bytes[..bytes.len().min(room)]);
                return;
            };
            self.held.extend_from_slice(&bytes[..start]);
            bytes = &bytes[start..];
            self.node_has_content = true;
            let held = std::mem::take(&mut self.held);
            let indentation = held
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(&held[..], |at| &held[at + 1..]);
            let output = self.output(sink);
            output.begin_part();
            output.push(indentation);
        }
        self.output(sink).push(bytes);
        for frame in self.stack.iter_mut().rev() {
            if matches!(frame.kind, Kind::Case | Kind::Suite) {
                break;
            }
            frame.had_text = true;
        }
    }

    fn end_text_node(&mut self) {
        self.held.clear();
        self.node_has_content = false;
    }

    fn output(&mut self, sink: Sink) -> &mut Bounded {
        match (sink, self.case.as_mut(), self.suites.last_mut()) {
            (Sink::Case, Some(case), _) => &mut case.output,
            (_, _, Some(suite)) => &mut suite.output,
            // Sinks are only set inside a testcase or a suite; should that ever be wrong, the
            // text is dropped rather than the reading.
            _ => &mut self.discard,
        }
    }

    fn read_attributes<'e>(&mut self, tag: &Tag<'e>) -> Result<Attributes<'e>, Stop> {
        let mut found = Attributes::default();
        for (key, raw) in tag.attributes() {
            // By length first: a match on the names alone compares each in turn.
            let slot = match (key.len(), key) {
                (4, b"name") => &mut found.name,
                (9, b"classname") => &mut found.classname,
                (4, b"time") => &mut found.time,
                (7, b"message") => &mut found.message,
                (4, b"type") => &mut found.kind,
                (6, b"status") => &mut found.status,
                (6, b"result") => &mut found.result,
                (5, b"tests") => &mut found.tests,
                _ => continue,
            };
            match raw.decode() {
                Ok(value) => *slot = Some(value),
                Err(reason) => {
                    let key = String::from_utf8_lossy(key).into_owned();
                    self.problem(tag.line, key, format!("not XML: {reason}"));
                    return Err(Stop);
                }
            }
        }
        Ok(found)
    }

    fn start_element(&mut self, tag: &Tag<'_>) -> Result<(), Stop> {
        let (line, column) = (tag.line, tag.column);
        let written = tag.name();
        let name = element_name(xml_stream::local_name(written));
        let attributes = self.read_attributes(tag)?;
        let mut frame = Frame {
            kind: Kind::Other,
            sink: Sink::Nothing,
            written: (written != name.as_bytes()).then(|| written.into()),
            name,
            line,
            column,
            message: String::new(),
            had_text: false,
        };
        let parent = self.stack.last().map(|f| (f.kind, f.sink));
        match parent {
            None => {
                match &*frame.name {
                    "testsuites" => {
                        frame.kind = Kind::Root;
                        if self.root_name.is_none() {
                            self.root_name = attributes
                                .name
                                .filter(|n| !n.is_empty())
                                .map(|n| Arc::from(n.as_ref()));
                        }
                    }
                    "testsuite" => self.open_suite(&mut frame, attributes),
                    other => {
                        self.problem(
                            line,
                            format!("column {column}"),
                            format!(
                                "not a JUnit report: the root element is <{other}>, expected \
                                 <testsuites> or <testsuite>"
                            ),
                        );
                        return Err(Stop);
                    }
                }
                self.saw_root = true;
            }
            Some((Kind::Case, _)) => self.case_child(&mut frame, attributes),
            Some((_, sink)) if self.case.is_some() => {
                if matches!(&*frame.name, "testcase" | "testsuite") {
                    self.nested_in_case(&frame);
                } else {
                    frame.sink = sink;
                }
            }
            Some((Kind::Root | Kind::Suite, _)) => match &*frame.name {
                "testsuite" => self.open_suite(&mut frame, attributes),
                "testcase" => self.open_case(&mut frame, attributes, line),
                "testsuites" => frame.kind = Kind::Root,
                "failure" | "error" if !self.suites.is_empty() => {
                    frame.kind = Kind::Outcome;
                    frame.sink = Sink::Suite;
                    frame.message = owned(attributes.message);
                    if let Some(suite) = self.suites.last_mut() {
                        suite.error = Some(kind_of(attributes.kind.as_deref()));
                    }
                }
                "system-out" | "system-err" if !self.suites.is_empty() => {
                    frame.sink = Sink::Suite;
                }
                _ => {}
            },
            Some((_, sink)) => frame.sink = sink,
        }
        self.stack.push(frame);
        Ok(())
    }

    /// A `<testcase>` or `<testsuite>` inside a testcase: reported, and read as neither.
    fn nested_in_case(&mut self, frame: &Frame) {
        self.problem(
            frame.line,
            format!("column {}", frame.column),
            format!("<{}> inside a <testcase>", frame.name),
        );
    }

    fn case_child(&mut self, frame: &mut Frame, attributes: Attributes) {
        if matches!(&*frame.name, "testcase" | "testsuite") {
            self.nested_in_case(frame);
            return;
        }
        let Some(case) = self.case.as_mut() else {
            return;
        };
        match &*frame.name {
            "failure" | "error" | "rerunFailure" | "rerunError" => {
                case.failed = true;
                if matches!(&*frame.name, "failure" | "error") {
                    case.error_type = owned(attributes.kind.clone());
                }
                if frame.name == "error"
                    && attributes.message.as_deref() == Some("collection failure")
                {
                    case.collection_failure = true;
                }
            }
            "skipped" => {
                case.skipped = true;
                case.todo |= attributes.kind.as_deref() == Some("todo");
            }
            "flakyFailure" | "flakyError" => case.flaky = true,
            "system-out" | "system-err" => {
                frame.sink = Sink::Case;
                return;
            }
            // Properties, and elements of dialects not known here: no output of the test.
            _ => return,
        }
        frame.kind = Kind::Outcome;
        frame.sink = Sink::Case;
        frame.message = owned(attributes.message);
    }

    fn open_suite(&mut self, frame: &mut Frame, attributes: Attributes) {
        frame.kind = Kind::Suite;
        let name: Arc<str> = Arc::from(attributes.name.as_deref().unwrap_or_default());
        let parent = self.suites.last().map(|s| s.path.clone());
        let path = match (parent, name.is_empty()) {
            (Some(parent), true) => parent,
            (None, _) => name.clone(),
            (Some(parent), false) if parent.is_empty() => name.clone(),
            (Some(parent), false) => Arc::from(format!("{parent}/{name}")),
        };
        let stated_tests = attributes
            .tests
            .and_then(|n| n.trim().parse::<usize>().ok())
            .map_or(0, |n| n.min(1 << 16));
        self.suites.push(OpenSuite {
            name,
            path,
            output: Bounded::default(),
            error: None,
            stated_tests,
        });
    }

    fn open_case(&mut self, frame: &mut Frame, attributes: Attributes, line: u64) {
        frame.kind = Kind::Case;
        frame.sink = Sink::Case;
        self.case = Some(self.new_case(attributes, line));
    }

    fn new_case(&mut self, attributes: Attributes, line: u64) -> OpenCase {
        let (path, suite_name) = match self.suites.last() {
            Some(suite) => (suite.path.clone(), suite.name.clone()),
            None => (self.empty.clone(), self.empty.clone()),
        };
        let classname = match attributes.classname.as_deref() {
            None | Some("") => self.empty.clone(),
            Some(same) if same == &*suite_name => suite_name.clone(),
            Some(other) => Arc::from(other),
        };
        let suite = self.suite_of(&path, &classname);
        let time = self.case_time(attributes.time.as_deref(), line);
        let skipped_by_status = skipped_by_status(&attributes);
        OpenCase {
            suite,
            suite_name,
            name: owned(attributes.name),
            classname,
            time,
            failed: false,
            skipped: skipped_by_status,
            todo: false,
            flaky: false,
            collection_failure: false,
            error_type: String::new(),
            output: Bounded::default(),
        }
    }

    /// The suite of a testcase: the path of the suites around it, else its classname, else
    /// the report's name.
    fn suite_of(&self, path: &Arc<str>, classname: &str) -> Arc<str> {
        if !path.is_empty() {
            path.clone()
        } else if !classname.is_empty() {
            Arc::from(classname)
        } else {
            self.fallback_suite()
        }
    }

    /// A testcase's `time` attribute; a bad one is a problem and no duration.
    fn case_time(&mut self, time: Option<&str>, line: u64) -> Option<f64> {
        match parse_seconds(time?) {
            Ok(seconds) => seconds,
            Err(reason) => {
                self.problem(line, "time".into(), reason);
                None
            }
        }
    }

    fn fallback_suite(&self) -> Arc<str> {
        self.root_name.clone().unwrap_or_else(|| Arc::from("junit"))
    }

    fn end_element(&mut self, written: &[u8], line: u64, column: u64) -> Result<(), Stop> {
        self.end_text_node();
        let Some(frame) = self.stack.pop() else {
            self.problem(
                line,
                format!("column {column}"),
                format!(
                    "not XML: </{}> closes no element that is open",
                    String::from_utf8_lossy(written)
                ),
            );
            return Err(Stop);
        };
        let opened = frame.written.as_deref().unwrap_or(frame.name.as_bytes());
        if opened != written {
            self.problem(
                line,
                format!("column {column}"),
                format!(
                    "not XML: </{}> closes <{}>, which opened at line {}",
                    String::from_utf8_lossy(written),
                    String::from_utf8_lossy(opened),
                    frame.line
                ),
            );
            return Err(Stop);
        }
        match frame.kind {
            Kind::Outcome => {
                if !frame.had_text && !frame.message.is_empty() {
                    let output = self.output(frame.sink);
                    output.begin_part();
                    output.push(frame.message.as_bytes());
                }
            }
            Kind::Case => self.finish_case(),
            Kind::Suite => self.finish_suite(),
            Kind::Root | Kind::Other => {}
        }
        Ok(())
    }

    fn finish_suite(&mut self) {
        let Some(suite) = self.suites.pop() else {
            return;
        };
        if let Some(kind) = suite.error {
            let name = if suite.path.is_empty() {
                self.fallback_suite()
            } else {
                suite.path
            };
            self.run.errors.push(SuiteError {
                suite: name,
                kind,
                output: suite.output.text(),
            });
        }
    }

    fn finish_case(&mut self) {
        if let Some(case) = self.case.take() {
            self.record_case(case);
        }
    }

    fn record_case(&mut self, case: OpenCase) {
        let status = if case.skipped && (!case.failed || case.todo) {
            TestStatus::Skipped
        } else if case.failed {
            TestStatus::Failed
        } else {
            TestStatus::Passed
        };
        if status == TestStatus::Failed && stands_for_suite(&case) {
            // A suite error named after a module (pytest) is that module's, within the suite.
            let own: &str = if !case.name.is_empty()
                && case.name != SUITE_CASE
                && case.name != "initializationError"
                && *case.name != *case.classname
            {
                &case.name
            } else {
                &case.classname
            };
            let own = Some(own)
                .filter(|n| !n.is_empty() && *n != &*case.suite_name && *n != &*case.suite);
            let suite = match own {
                Some(own) => Arc::from(format!("{}/{own}", case.suite)),
                None => case.suite.clone(),
            };
            self.run.errors.push(SuiteError {
                suite,
                kind: kind_of(Some(&case.error_type)),
                output: case.output.text(),
            });
            return;
        }
        let name = test_name(case.name, &case.classname, &case.suite, &case.suite_name);
        let test = TestCase {
            suite: case.suite,
            name: name.into_boxed_str(),
            status,
            duration_seconds: case.time,
            output: case.output.text().into_boxed_str(),
            cached: false,
            flaky: case.flaky && status == TestStatus::Passed,
        };
        self.add_case(test);
    }

    /// Adds a test, or merges it into the one of the same suite and name seen before.
    fn add_case(&mut self, test: TestCase) {
        let cases = &self.run.cases;
        let room = match self.suites.last() {
            Some(suite) if Arc::ptr_eq(&suite.path, &test.suite) => suite.stated_tests,
            _ => 0,
        };
        let table = self.seen.of_suite(&test.suite, room);
        let hash = name_hash(&test.name);
        let Some(&index) = table.find(hash, |&i| cases[i as usize].name == test.name) else {
            let index = u32::try_from(cases.len()).expect("fewer than 4 billion tests");
            table.insert_unique(hash, index, |&i| name_hash(&cases[i as usize].name));
            self.run.cases.push(test);
            return;
        };
        let earlier = &mut self.run.cases[index as usize];
        let rank = |s: TestStatus| match s {
            TestStatus::Skipped => 0,
            TestStatus::Passed => 1,
            TestStatus::Failed => 2,
        };
        if rank(test.status) > rank(earlier.status) {
            earlier.status = test.status;
        }
        earlier.flaky = (earlier.flaky || test.flaky) && earlier.status == TestStatus::Passed;
        earlier.duration_seconds = match (earlier.duration_seconds, test.duration_seconds) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
        if !test.output.is_empty() {
            let mut output = Bounded::default();
            output.push(earlier.output.as_bytes());
            output.begin_part();
            output.push(test.output.as_bytes());
            earlier.output = output.text().into_boxed_str();
        }
    }

    fn finish(mut self, last_line: u64) -> Result<TestRun, Problems> {
        if self.problems.is_empty() {
            if let Some(frame) = self.stack.last() {
                let (line, column, name) = (frame.line, frame.column, frame.name.clone());
                self.problem(
                    line,
                    format!("column {column}"),
                    format!("<{name}> is never closed: the file ends first, at line {last_line}"),
                );
            } else if !self.saw_root {
                self.problem(
                    0,
                    String::new(),
                    "not a JUnit report: no <testsuites> or <testsuite> element".into(),
                );
            }
        }
        if self.problems.is_empty() {
            Ok(self.run)
        } else {
            self.problems.sort();
            Err(Problems(self.problems))
        }
    }
}

impl xml_stream::Sink for Parser<'_> {
    fn start(&mut self, tag: &Tag<'_>) -> Result<(), Stop> {
        self.start_element(tag)
    }

    fn empty(&mut self, tag: &Tag<'_>) -> Result<(), Stop> {
        // A testcase with nothing in it, in a suite: recorded at once, without the element
        // stack (a million of them are most of a large report).
        let in_suite =
            matches!(self.stack.last(), Some(f) if matches!(f.kind, Kind::Root | Kind::Suite));
        if tag.name() == b"testcase" && in_suite && self.case.is_none() {
            self.end_text_node();
            let attributes = self.read_attributes(tag)?;
            let time = self.case_time(attributes.time.as_deref(), tag.line);
            // Nothing in it, so it did not fail and has no output.
            let status = if skipped_by_status(&attributes) {
                TestStatus::Skipped
            } else {
                TestStatus::Passed
            };
            let classname = attributes.classname.as_deref().unwrap_or_default();
            let (path, suite_name) = match self.suites.last() {
                Some(suite) => (&suite.path, &*suite.name),
                None => (&self.empty, ""),
            };
            let suite = self.suite_of(path, classname);
            let name = test_name(owned(attributes.name), classname, &suite, suite_name);
            self.add_case(TestCase {
                suite,
                name: name.into_boxed_str(),
                status,
                duration_seconds: time,
                output: Box::default(),
                cached: false,
                flaky: false,
            });
            return Ok(());
        }
        self.start_element(tag)?;
        self.end_element(tag.name(), tag.line, tag.column)
    }

    fn end(&mut self, name: &[u8], line: u64, column: u64) -> Result<(), Stop> {
        self.end_element(name, line, column)
    }

    fn text(&mut self, bytes: &[u8]) -> Option<usize> {
        Parser::text(self, bytes)
    }

    fn cdata(&mut self, bytes: &[u8]) {
        Parser::cdata(self, bytes)
    }

    fn end_text_node(&mut self) {
        Parser::end_text_node(self)
    }

    fn problem(&mut self, line: u64, column: u64, reason: String) {
        Parser::problem(self, line, format!("column {column}"), reason)
    }
}

/// The run's cases by suite and name, to find a test seen before: a table per suite of the
/// indexes of its cases (not a map keyed by copies of the names, nor one table for all: a
/// million tests in one table cost a cache miss each, where the current suite's table stays in
/// cache).
#[derive(Default)]
struct SeenCases {
    by_suite: FastMap<Arc<str>, hashbrown::HashTable<u32>>,
    /// The suite whose table was used last, out of the map while it is in use.
    current: Option<(Arc<str>, hashbrown::HashTable<u32>)>,
}

impl SeenCases {
    /// The suite's table; a new one with `room` for as many tests.
    fn of_suite(&mut self, suite: &Arc<str>, room: usize) -> &mut hashbrown::HashTable<u32> {
        let same = matches!(&self.current, Some((s, _)) if Arc::ptr_eq(s, suite) || s == suite);
        if !same {
            if let Some((s, table)) = self.current.take() {
                self.by_suite.insert(s, table);
            }
            let table = self
                .by_suite
                .remove(&**suite)
                .unwrap_or_else(|| hashbrown::HashTable::with_capacity(room));
            self.current = Some((suite.clone(), table));
        }
        &mut self
            .current
            .as_mut()
            .expect("the current suite was just set")
            .1
    }
}

fn name_hash(name: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::default().hash_one(name)
}

/// An attribute's value as an owned string, empty when absent.
fn owned(value: Option<Cow<'_, str>>) -> String {
    value.map(Cow::into_owned).unwrap_or_default()
}

/// An element's local name; the names this reader acts on are static, not allocated.
fn element_name(name: &[u8]) -> Cow<'static, str> {
    Cow::Borrowed(match name {
        b"testcase" => "testcase",
        b"testsuite" => "testsuite",
        b"testsuites" => "testsuites",
        b"failure" => "failure",
        b"error" => "error",
        b"skipped" => "skipped",
        b"system-out" => "system-out",
        b"system-err" => "system-err",
        b"rerunFailure" => "rerunFailure",
        b"rerunError" => "rerunError",
        b"flakyFailure" => "flakyFailure",
        b"flakyError" => "flakyError",
        b"properties" => "properties",
        b"property" => "property",
        _ => return Cow::Owned(String::from_utf8_lossy(name).into_owned()),
    })
}

/// Whether gtest's `status="notrun"` or `result="skipped"` says the testcase did not run.
fn skipped_by_status(attributes: &Attributes) -> bool {
    attributes.status.as_deref() == Some("notrun")
        || matches!(attributes.result.as_deref(), Some("skipped" | "suppressed"))
}

/// A test's name: `classname.name` when the classname says more than its suite does.
fn test_name(name: String, classname: &str, suite: &str, suite_name: &str) -> String {
    // Node writes the classname `test` for every test: it tells nothing.
    if !classname.is_empty()
        && classname != suite_name
        && classname != suite
        && classname != NODE_CLASSNAME
    {
        format!("{classname}.{name}")
    } else {
        name
    }
}

/// Whether a failed testcase stands for its suite rather than for a test of it.
fn stands_for_suite(case: &OpenCase) -> bool {
    case.name.is_empty()
        || case.name == SUITE_CASE
        || case.name == "initializationError"
        || *case.name == *case.classname
        || case.collection_failure
}

/// The kind of a suite error from the `type` of its `<error>`: the kinds gigops writes, else
/// [`SuiteErrorKind::Failed`].
fn kind_of(kind: Option<&str>) -> SuiteErrorKind {
    match kind {
        Some("build_failure") => SuiteErrorKind::BuildFailure,
        Some("panic") => SuiteErrorKind::Panic,
        Some("timeout") => SuiteErrorKind::Timeout,
        _ => SuiteErrorKind::Failed,
    }
}

fn kind_name(kind: SuiteErrorKind) -> &'static str {
    match kind {
        SuiteErrorKind::BuildFailure => "build_failure",
        SuiteErrorKind::Panic => "panic",
        SuiteErrorKind::Timeout => "timeout",
        SuiteErrorKind::Failed => "failed",
    }
}

/// A `time` attribute: seconds, possibly with thousands separated by commas (`1,234.5`) or with
/// a decimal comma (`0,5`). Empty is no duration.
fn parse_seconds(text: &str) -> Result<Option<f64>, String> {
    if let Some(seconds) = exact_decimal(text) {
        return Ok(Some(seconds));
    }
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let bad = || format!("{text:?} is not a duration in seconds");
    let normalised = if text.as_bytes().contains(&b',') {
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let groups: Vec<&str> = whole.split(',').collect();
        let thousands = groups[0].len() <= 3
            && !groups[0].starts_with('0')
            && !groups[0].is_empty()
            && groups[1..].iter().all(|g| g.len() == 3);
        let joined = if thousands {
            let mut joined = groups.concat();
            if text.contains('.') {
                joined.push('.');
                joined.push_str(fraction);
            }
            joined
        } else if groups.len() == 2 && !text.contains('.') {
            format!("{}.{}", groups[0], groups[1])
        } else {
            return Err(bad());
        };
        Cow::Owned(joined)
    } else {
        Cow::Borrowed(text)
    };
    if !normalised
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
    {
        return Err(bad());
    }
    match normalised.parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && seconds >= 0.0 => Ok(Some(seconds)),
        _ => Err(bad()),
    }
}

/// A plain decimal such as `0.0125`, read without the general float parser when the result is
/// exact by construction (Clinger's fast path: at most 15 digits and 22 decimals, so both the
/// digits and the power of ten are exact doubles, and one correctly rounded division gives the
/// correctly rounded value `parse` would); `None` for anything else.
fn exact_decimal(text: &str) -> Option<f64> {
    let (whole, fraction) = match text.bytes().position(|b| b == b'.') {
        Some(dot) => (&text[..dot], &text[dot + 1..]),
        None => (text, ""),
    };
    if whole.is_empty() || whole.len() + fraction.len() > 15 || fraction.len() > 22 {
        return None;
    }
    let mut digits: u64 = 0;
    for b in whole.bytes().chain(fraction.bytes()) {
        if !b.is_ascii_digit() {
            return None;
        }
        digits = digits * 10 + u64::from(b - b'0');
    }
    const POWERS: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    Some(digits as f64 / POWERS[fraction.len()])
}

/// Writes `run` as JUnit XML of the kind Jenkins, GitLab and GitHub test reporters all read: one
/// `<testsuite>` per suite, in the order the suites first appear, each test a `<testcase>` with
/// the suite as its classname, and each suite error a `<testcase name="(suite)">` holding an
/// `<error>` whose `type` is the kind (`build_failure`, `panic`, `timeout`, `failed`). Reading it
/// back with [`parse`] gives the same tests and suite errors (the `cached` mark is not kept).
pub fn write(run: &TestRun, out: impl Write) -> io::Result<()> {
    let mut out = io::BufWriter::new(out);
    let mut order: Vec<&str> = Vec::new();
    let mut suites: HashMap<&str, (Vec<&TestCase>, Vec<&SuiteError>)> = HashMap::new();
    for case in &run.cases {
        let entry = suites.entry(&*case.suite).or_insert_with(|| {
            order.push(&*case.suite);
            Default::default()
        });
        entry.0.push(case);
    }
    for error in &run.errors {
        let entry = suites.entry(&*error.suite).or_insert_with(|| {
            order.push(&*error.suite);
            Default::default()
        });
        entry.1.push(error);
    }
    let counts = |cases: &[&TestCase], errors: usize| {
        let failed = cases
            .iter()
            .filter(|c| c.status == TestStatus::Failed)
            .count();
        let skipped = cases
            .iter()
            .filter(|c| c.status == TestStatus::Skipped)
            .count();
        // A fold from +0.0: `sum` starts at -0.0 and an empty suite would say `time="-0"`.
        let time: f64 = cases
            .iter()
            .filter_map(|c| c.duration_seconds)
            .fold(0.0, |a, b| a + b);
        format!(
            "tests=\"{}\" failures=\"{failed}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{time}\"",
            cases.len() + errors
        )
    };
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    let all: Vec<&TestCase> = run.cases.iter().collect();
    writeln!(
        out,
        r#"<testsuites name="gigops" {}>"#,
        counts(&all, run.errors.len())
    )?;
    for name in order {
        let (cases, errors) = &suites[name];
        let suite = escape(name, true);
        writeln!(
            out,
            r#"  <testsuite name="{suite}" {}>"#,
            counts(cases, errors.len())
        )?;
        for case in cases {
            // A testcase whose classname equals its name reads back as a Surefire 2 suite
            // error; a test named like its own suite goes without one (its suite says it).
            if *case.name == *name {
                write!(out, r#"    <testcase name="{}""#, escape(&case.name, true))?;
            } else {
                write!(
                    out,
                    r#"    <testcase classname="{suite}" name="{}""#,
                    escape(&case.name, true)
                )?;
            }
            if let Some(seconds) = case.duration_seconds {
                write!(out, r#" time="{seconds}""#)?;
            }
            let output = escape(&case.output, false);
            match case.status {
                TestStatus::Failed => {
                    write!(
                        out,
                        ">\n      <failure message=\"{}\" type=\"failure\">{output}</failure>\n",
                        escape(first_line(&case.output), true)
                    )?;
                }
                TestStatus::Passed | TestStatus::Skipped
                    if case.flaky || case.status == TestStatus::Skipped || !output.is_empty() =>
                {
                    writeln!(out, ">")?;
                    if case.status == TestStatus::Skipped {
                        writeln!(out, "      <skipped/>")?;
                    }
                    if case.flaky {
                        writeln!(out, r#"      <flakyFailure type="flaky"/>"#)?;
                    }
                    if !output.is_empty() {
                        writeln!(out, "      <system-out>{output}</system-out>")?;
                    }
                }
                TestStatus::Passed | TestStatus::Skipped => {
                    writeln!(out, "/>")?;
                    continue;
                }
            }
            writeln!(out, "    </testcase>")?;
        }
        for error in errors {
            writeln!(
                out,
                "    <testcase classname=\"{suite}\" name=\"{SUITE_CASE}\">\n      <error message=\"{}\" type=\"{}\">{}</error>\n    </testcase>",
                escape(first_line(&error.output), true),
                kind_name(error.kind),
                escape(&error.output, false)
            )?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")?;
    out.flush()
}

/// The message of a written failure or error: the first line of its output that says
/// something (go test's `=== RUN` lines do not), shortened to 200 characters.
fn first_line(text: &str) -> &str {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty() && !l.starts_with("=== "))
        .unwrap_or("");
    match line.char_indices().nth(200) {
        Some((end, _)) => &line[..end],
        None => line,
    }
}

/// Escapes text for XML 1.0: markup characters as entities, and in attributes also the line
/// breaks and tabs that attribute normalisation would turn into spaces. Control characters XML
/// 1.0 cannot carry at all (ANSI colour escapes, say) become U+FFFD.
fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            '\n' | '\t' => out.push(c),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn exact_decimals_are_what_parse_gives() {
        for text in [
            "0",
            "0.0125",
            "12.5",
            "1234567.89012345",
            "0.1",
            "3",
            "007.5",
        ] {
            assert_eq!(exact_decimal(text), text.parse().ok(), "{text}");
        }
        for text in ["", ".5", "1.2.3", "1e3", "-1", "1234567890123456", "1,5"] {
            assert_eq!(exact_decimal(text), None, "{text}");
        }
    }

    proptest! {
        #[test]
        fn exact_decimals_agree_with_parse(whole in "[0-9]{1,8}", fraction in "[0-9]{0,7}") {
            let text = if fraction.is_empty() { whole } else { format!("{whole}.{fraction}") };
            prop_assert_eq!(exact_decimal(&text), Some(text.parse::<f64>().unwrap()));
        }
    }
}
