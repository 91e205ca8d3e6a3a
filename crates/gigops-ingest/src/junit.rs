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

use std::collections::{HashMap, VecDeque};
use std::io::{self, BufRead, Write};

use gigops_core::evidence::{SuiteError, SuiteErrorKind, TestCase, TestRun, TestStatus};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::gotest::OUTPUT_LIMIT;
use crate::xml_position::Positions;
use crate::{Problem, Problems};

/// The name of the testcase that carries a suite error in the JUnit gigops writes.
pub const SUITE_CASE: &str = "(suite)";

/// The classname node's junit reporter gives every test that has none of its own.
const NODE_CLASSNAME: &str = "test";

/// The longest entity reference read in text (`&#x10FFFF;` and every predefined one fit).
const MAX_REFERENCE: usize = 12;

/// Reads a JUnit XML report; `file_name` names it in problems.
pub fn parse(reader: impl BufRead, file_name: &str) -> Result<TestRun, Problems> {
    let mut source = Positions::new(reader);
    let mut parser = Parser::new(file_name);
    // A byte order mark is skipped here rather than by quick-xml, which would not count it in
    // its positions.
    if let Err(e) = skip_bom(&mut source) {
        parser.problem(1, "column 1".into(), format!("cannot read: {e}"));
        return parser.finish(0);
    }
    let base = source.consumed();
    let mut xml = Reader::from_reader(source);
    let mut buf = Vec::new();
    loop {
        if let Err((line, column, reason)) = read_text(&mut xml, &mut parser, base) {
            parser.problem(line, format!("column {column}"), reason);
            break;
        }
        parser.end_text_node();
        let start = xml.buffer_position() + base;
        let source = xml.get_mut();
        source.mark(source.consumed());
        let (line, column) = xml.get_ref().locate(start);
        buf.clear();
        let event = xml.read_event_into(&mut buf);
        let result = match event {
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => parser.start(&e, xml.decoder(), line, column),
            Ok(Event::Empty(e)) => parser
                .start(&e, xml.decoder(), line, column)
                .map(|()| parser.end()),
            Ok(Event::End(_)) => {
                parser.end();
                Ok(())
            }
            // Text is read by `read_text`; quick-xml sees only markup.
            Ok(_) => Ok(()),
            Err(e) => {
                let (line, column) = xml.get_ref().locate(xml.error_position() + base);
                parser.problem(line, format!("column {column}"), format!("not XML: {e}"));
                break;
            }
        };
        if result.is_err() {
            break;
        }
    }
    let eof = xml.get_ref().consumed();
    let last_line = xml.get_ref().locate(eof).0;
    parser.finish(last_line)
}

/// A problem in text: its line, column and reason.
type TextError = (u64, u64, String);

/// Reads the text before the next markup, entity references and CDATA sections included, and
/// hands it to the parser in pieces, so that a long `<system-out>` is never held whole. Leaves
/// the `<` of the next markup for quick-xml.
fn read_text<R: BufRead>(
    xml: &mut Reader<Positions<R>>,
    parser: &mut Parser,
    base: u64,
) -> Result<(), TextError> {
    loop {
        // Positions are only ever asked for within the piece being read: forget older newlines.
        let source = xml.get_mut();
        source.mark(source.consumed());
        let offset = xml.buffer_position() + base;
        let mut stream = xml.stream();
        // Where the reading stands, for problems: everything before it has been consumed.
        let here = |stream: &quick_xml::reader::BinaryStream<'_, Positions<R>>, reason: String| {
            let (line, column) = stream.get_ref().locate(stream.offset() + base);
            (line, column, reason)
        };
        let available = match stream.fill_buf() {
            Ok(available) => available,
            Err(e) => return Err(here(&stream, format!("cannot read: {e}"))),
        };
        if available.is_empty() {
            return Ok(());
        }
        let at = available.iter().position(|&b| b == b'<' || b == b'&');
        let n = at.unwrap_or(available.len());
        let markup = at.is_some_and(|at| available[at] == b'<');
        if n > 0 {
            let stray = parser.text(&available[..n]);
            stream.consume(n);
            if let Some(i) = stray {
                let (line, column) = stream.get_ref().locate(offset + i as u64);
                parser.problem(
                    line,
                    format!("column {column}"),
                    "text outside the root element".into(),
                );
            }
        }
        if at.is_none() {
            continue;
        }
        if markup {
            if let Err(e) = stream.get_mut().look_ahead(CDATA_START.len()) {
                return Err(here(&stream, format!("cannot read: {e}")));
            }
            let starts_cdata = match stream.fill_buf() {
                Ok(ahead) => ahead.starts_with(CDATA_START),
                Err(e) => return Err(here(&stream, format!("cannot read: {e}"))),
            };
            if !starts_cdata {
                return Ok(());
            }
            let (line, column, _) = here(&stream, String::new());
            stream.consume(CDATA_START.len());
            read_cdata(xml, parser, (line, column))?;
        } else {
            if let Err(e) = stream.get_mut().look_ahead(MAX_REFERENCE) {
                return Err(here(&stream, format!("cannot read: {e}")));
            }
            let ahead = match stream.fill_buf() {
                Ok(ahead) => ahead,
                Err(e) => return Err(here(&stream, format!("cannot read: {e}"))),
            };
            let Some(end) = ahead.iter().take(MAX_REFERENCE).position(|&b| b == b';') else {
                return Err(here(
                    &stream,
                    "an `&` that starts no entity reference (write `&amp;` for a literal `&`)"
                        .to_string(),
                ));
            };
            let name = String::from_utf8_lossy(&ahead[1..end]).into_owned();
            let Some(ch) = resolve_reference(&name) else {
                return Err(here(
                    &stream,
                    format!("unknown entity reference `&{name};`"),
                ));
            };
            let mut encoded = [0u8; 4];
            // A reference outside the root element is reported with the `<` that follows.
            let _ = parser.text(ch.encode_utf8(&mut encoded).as_bytes());
            stream.consume(end + 1);
        }
    }
}

const CDATA_START: &[u8] = b"<![CDATA[";

/// The inside of a CDATA section, after its `<![CDATA[`, which stood at `start` (line and
/// column).
fn read_cdata<R: BufRead>(
    xml: &mut Reader<Positions<R>>,
    parser: &mut Parser,
    start: (u64, u64),
) -> Result<(), TextError> {
    let fail = |reason: String| (start.0, start.1, reason);
    loop {
        let source = xml.get_mut();
        source.mark(source.consumed());
        let mut stream = xml.stream();
        let available = stream
            .fill_buf()
            .map_err(|e| fail(format!("cannot read the CDATA section starting here: {e}")))?;
        if available.is_empty() {
            return Err(fail("a CDATA section that is never closed".to_string()));
        }
        match available.iter().position(|&b| b == b']') {
            None => {
                let n = available.len();
                parser.cdata(available);
                stream.consume(n);
            }
            Some(at) if at > 0 => {
                parser.cdata(&available[..at]);
                stream.consume(at);
            }
            Some(_) => {
                stream.get_mut().look_ahead(3).map_err(|e| {
                    fail(format!("cannot read the CDATA section starting here: {e}"))
                })?;
                let closes = stream
                    .fill_buf()
                    .map_err(|e| fail(format!("cannot read the CDATA section starting here: {e}")))?
                    .starts_with(b"]]>");
                if closes {
                    stream.consume(3);
                    return Ok(());
                }
                parser.cdata(b"]");
                stream.consume(1);
            }
        }
    }
}

/// The character an entity reference (without `&` and `;`) stands for: one of XML's five
/// predefined entities or a character reference.
fn resolve_reference(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code).filter(|&c| c != '\0')
        }
    }
}

/// Skips a UTF-8 byte order mark at the start of `source`.
fn skip_bom<R: BufRead>(source: &mut Positions<R>) -> io::Result<()> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    source.look_ahead(BOM.len())?;
    if source.fill_buf()?.starts_with(BOM) {
        source.consume(BOM.len());
    }
    Ok(())
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
    name: String,
    line: u64,
    column: u64,
    message: String,
    had_text: bool,
}

#[derive(Debug)]
struct OpenSuite {
    /// Its own name, and the path of names from the outermost suite.
    name: String,
    path: String,
    output: Bounded,
    /// A `<failure>` or `<error>` of the suite itself.
    error: Option<SuiteErrorKind>,
}

#[derive(Debug, Default)]
struct OpenCase {
    suite: String,
    /// The innermost suite's own name.
    suite_name: String,
    name: String,
    classname: String,
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

/// The attributes this reader looks at.
#[derive(Debug, Default)]
struct Attributes {
    name: Option<String>,
    classname: Option<String>,
    time: Option<String>,
    message: Option<String>,
    kind: Option<String>,
    status: Option<String>,
    result: Option<String>,
}

/// A problem was found that ends the reading.
struct Stop;

struct Parser<'a> {
    file: &'a str,
    problems: Vec<Problem>,
    run: TestRun,
    /// (suite, name) → index in the run's cases.
    seen: HashMap<(String, String), usize>,
    stack: Vec<Frame>,
    suites: Vec<OpenSuite>,
    case: Option<OpenCase>,
    root_name: Option<String>,
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
            seen: HashMap::new(),
            stack: Vec::new(),
            suites: Vec::new(),
            case: None,
            root_name: None,
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

    fn read_attributes(
        &mut self,
        e: &BytesStart,
        decoder: quick_xml::encoding::Decoder,
        line: u64,
        column: u64,
    ) -> Result<Attributes, Stop> {
        let mut found = Attributes::default();
        for attribute in e.attributes() {
            let attribute = match attribute {
                Ok(attribute) => attribute,
                Err(err) => {
                    self.problem(line, format!("column {column}"), format!("not XML: {err}"));
                    return Err(Stop);
                }
            };
            let key = attribute.key.local_name();
            let slot = match key.as_ref() {
                b"name" => &mut found.name,
                b"classname" => &mut found.classname,
                b"time" => &mut found.time,
                b"message" => &mut found.message,
                b"type" => &mut found.kind,
                b"status" => &mut found.status,
                b"result" => &mut found.result,
                _ => continue,
            };
            match attribute.decode_and_unescape_value(decoder) {
                Ok(value) => *slot = Some(value.into_owned()),
                Err(err) => {
                    let key = String::from_utf8_lossy(key.as_ref()).into_owned();
                    self.problem(line, key, format!("not XML: {err}"));
                    return Err(Stop);
                }
            }
        }
        Ok(found)
    }

    fn start(
        &mut self,
        e: &BytesStart,
        decoder: quick_xml::encoding::Decoder,
        line: u64,
        column: u64,
    ) -> Result<(), Stop> {
        let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
        let attributes = self.read_attributes(e, decoder, line, column)?;
        let mut frame = Frame {
            kind: Kind::Other,
            sink: Sink::Nothing,
            name,
            line,
            column,
            message: String::new(),
            had_text: false,
        };
        let parent = self.stack.last().map(|f| (f.kind, f.sink));
        match parent {
            None => {
                match frame.name.as_str() {
                    "testsuites" => {
                        frame.kind = Kind::Root;
                        if self.root_name.is_none() {
                            self.root_name = attributes.name.filter(|n| !n.is_empty());
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
                if matches!(frame.name.as_str(), "testcase" | "testsuite") {
                    self.nested_in_case(&frame);
                } else {
                    frame.sink = sink;
                }
            }
            Some((Kind::Root | Kind::Suite, _)) => match frame.name.as_str() {
                "testsuite" => self.open_suite(&mut frame, attributes),
                "testcase" => self.open_case(&mut frame, attributes, line),
                "testsuites" => frame.kind = Kind::Root,
                "failure" | "error" if !self.suites.is_empty() => {
                    frame.kind = Kind::Outcome;
                    frame.sink = Sink::Suite;
                    frame.message = attributes.message.unwrap_or_default();
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
        if matches!(frame.name.as_str(), "testcase" | "testsuite") {
            self.nested_in_case(frame);
            return;
        }
        let Some(case) = self.case.as_mut() else {
            return;
        };
        match frame.name.as_str() {
            "failure" | "error" | "rerunFailure" | "rerunError" => {
                case.failed = true;
                if matches!(frame.name.as_str(), "failure" | "error") {
                    case.error_type = attributes.kind.clone().unwrap_or_default();
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
        frame.message = attributes.message.unwrap_or_default();
    }

    fn open_suite(&mut self, frame: &mut Frame, attributes: Attributes) {
        frame.kind = Kind::Suite;
        let name = attributes.name.unwrap_or_default();
        let parent = self.suites.last().map_or("", |s| s.path.as_str());
        let path = match (parent.is_empty(), name.is_empty()) {
            (_, true) => parent.to_string(),
            (true, false) => name.clone(),
            (false, false) => format!("{parent}/{name}"),
        };
        self.suites.push(OpenSuite {
            name,
            path,
            output: Bounded::default(),
            error: None,
        });
    }

    fn open_case(&mut self, frame: &mut Frame, attributes: Attributes, line: u64) {
        frame.kind = Kind::Case;
        frame.sink = Sink::Case;
        let classname = attributes.classname.unwrap_or_default();
        let (path, suite_name) = self
            .suites
            .last()
            .map_or((String::new(), String::new()), |s| {
                (s.path.clone(), s.name.clone())
            });
        let suite = if !path.is_empty() {
            path
        } else if !classname.is_empty() {
            classname.clone()
        } else {
            self.fallback_suite()
        };
        let time = attributes
            .time
            .as_deref()
            .and_then(|text| match parse_seconds(text) {
                Ok(seconds) => seconds,
                Err(reason) => {
                    self.problem(line, "time".into(), reason);
                    None
                }
            });
        let skipped_by_status = attributes.status.as_deref() == Some("notrun")
            || matches!(attributes.result.as_deref(), Some("skipped" | "suppressed"));
        self.case = Some(OpenCase {
            suite,
            suite_name,
            name: attributes.name.unwrap_or_default(),
            classname,
            time,
            skipped: skipped_by_status,
            ..OpenCase::default()
        });
    }

    fn fallback_suite(&self) -> String {
        self.root_name
            .clone()
            .unwrap_or_else(|| "junit".to_string())
    }

    fn end(&mut self) {
        self.end_text_node();
        let Some(frame) = self.stack.pop() else {
            return;
        };
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
        let Some(case) = self.case.take() else {
            return;
        };
        let status = if case.skipped && (!case.failed || case.todo) {
            TestStatus::Skipped
        } else if case.failed {
            TestStatus::Failed
        } else {
            TestStatus::Passed
        };
        if status == TestStatus::Failed && stands_for_suite(&case) {
            // A suite error named after a module (pytest) is that module's, within the suite.
            let own = if !case.name.is_empty()
                && case.name != SUITE_CASE
                && case.name != "initializationError"
                && case.name != case.classname
            {
                &case.name
            } else {
                &case.classname
            };
            let own =
                Some(own).filter(|n| !n.is_empty() && **n != case.suite_name && **n != case.suite);
            let suite = match own {
                Some(own) => format!("{}/{own}", case.suite),
                None => case.suite.clone(),
            };
            self.run.errors.push(SuiteError {
                suite,
                kind: kind_of(Some(&case.error_type)),
                output: case.output.text(),
            });
            return;
        }
        // Node writes the classname `test` for every test: it tells nothing.
        let name = if !case.classname.is_empty()
            && case.classname != case.suite_name
            && case.classname != case.suite
            && case.classname != NODE_CLASSNAME
        {
            format!("{}.{}", case.classname, case.name)
        } else {
            case.name.clone()
        };
        let test = TestCase {
            suite: case.suite,
            name,
            status,
            duration_seconds: case.time,
            output: case.output.text(),
            cached: false,
            flaky: case.flaky && status == TestStatus::Passed,
        };
        self.add_case(test);
    }

    /// Adds a test, or merges it into the one of the same suite and name seen before.
    fn add_case(&mut self, test: TestCase) {
        let key = (test.suite.clone(), test.name.clone());
        let Some(&index) = self.seen.get(&key) else {
            self.seen.insert(key, self.run.cases.len());
            self.run.cases.push(test);
            return;
        };
        let earlier = &mut self.run.cases[index];
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
            earlier.output = output.text();
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

/// Whether a failed testcase stands for its suite rather than for a test of it.
fn stands_for_suite(case: &OpenCase) -> bool {
    case.name.is_empty()
        || case.name == SUITE_CASE
        || case.name == "initializationError"
        || case.name == case.classname
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
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let bad = || format!("{text:?} is not a duration in seconds");
    let normalised = if text.contains(',') {
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let groups: Vec<&str> = whole.split(',').collect();
        let thousands = groups[0].len() <= 3
            && !groups[0].starts_with('0')
            && !groups[0].is_empty()
            && groups[1..].iter().all(|g| g.len() == 3);
        if thousands {
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
        }
    } else {
        text.to_string()
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
        let entry = suites.entry(case.suite.as_str()).or_insert_with(|| {
            order.push(case.suite.as_str());
            Default::default()
        });
        entry.0.push(case);
    }
    for error in &run.errors {
        let entry = suites.entry(error.suite.as_str()).or_insert_with(|| {
            order.push(error.suite.as_str());
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
            if case.name == *name {
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
