//! `go test -json` output (the test2json event stream), read line by line.
//!
//! Each line is a JSON event — `run`, `pause`, `cont`, `output`, `bench`, `pass`, `fail`, `skip`
//! for a test (with `Test`) or a package (without), `start` for a package, and, since Go 1.24,
//! `build-output`/`build-fail` for a build (with `ImportPath`). Older Go versions print build
//! failures as plain text between the events (`# pkg`, the compiler errors, then
//! `FAIL\tpkg [build failed]`); both forms become a [`SuiteErrorKind::BuildFailure`].
//!
//! Memory grows with the number of tests, not the size of the input: each failed or skipped
//! test's output is kept up to [`OUTPUT_LIMIT`] bytes (its beginning and its end), a passed
//! test's output and a passed package's own output are dropped.
//!
//! Tests still running when their package fails (a timeout, a crash) are counted as failed, as
//! gotestsum counts them — unless Go printed their result where test2json before Go 1.20 could
//! not see it, glued onto output written without a newline: that result is read from the text,
//! and the test recorded in [`TestRun::recovered`] (`Parser::settle_running`). A test that
//! failed inside a package that passed is an inner failure ([`TestRun::inner_failures`]): the
//! output of a nested suite, not a failure of the package.
//!
//! A package gets a [`SuiteError`] when it did not compile, when it panicked outside any test,
//! when it timed out, or when it failed with no failing test; it is counted as an error only
//! when none of its tests failed (see [`TestRun::counts`]).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::io::BufRead;
use std::sync::Arc;

use gigops_core::evidence::{
    RecoveredResult, SuiteError, SuiteErrorKind, TestCase, TestRun, TestStatus,
};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::FastMap;
use crate::flat_json::{self, Scalar};
use crate::lines::Lines;
use gigops_core::{Problem, Problems};

/// The most output kept for one test or package, in bytes: half from its start, half from its
/// end, with a note of how much was left out between.
pub const OUTPUT_LIMIT: usize = 64 * 1024;

const TIMEOUT: &str = "panic: test timed out after";

/// Reads a `go test -json` stream; `file_name` names it in problems.
pub fn parse(reader: impl BufRead, file_name: &str) -> Result<TestRun, Problems> {
    let mut parser = Parser {
        file: file_name,
        ..Parser::default()
    };
    let mut lines = Lines::new(reader);
    let mut line_no = 0u64;
    loop {
        match lines.next_line() {
            Ok(Some(line)) => {
                line_no += 1;
                parser.line(line_no, line);
            }
            Ok(None) => break,
            Err(e) => {
                parser.problem(line_no + 1, format!("cannot read: {e}"));
                break;
            }
        }
    }
    parser.finish()
}

/// One event, borrowing from its line where the text has no escapes: a stream of a gigabyte has
/// millions of them, and an allocation per field would be most of the reading. A missing text
/// field reads as empty (serde borrows a `Cow` only outside an `Option`).
#[derive(Debug, Default, Deserialize)]
struct Event<'a> {
    #[serde(rename = "Action", borrow)]
    action: Cow<'a, str>,
    #[serde(rename = "Package", default, borrow)]
    package: Cow<'a, str>,
    #[serde(rename = "Test", default, borrow)]
    test: Cow<'a, str>,
    #[serde(rename = "Elapsed", default)]
    elapsed: Option<f64>,
    /// Kept as its JSON string literal: most output belongs to tests that pass, whose output is
    /// dropped, so it is decoded only when it is kept.
    #[serde(rename = "Output", default, borrow, deserialize_with = "literal")]
    output: Option<&'a str>,
    #[serde(rename = "ImportPath", default, borrow)]
    import_path: Cow<'a, str>,
    #[serde(rename = "FailedBuild", default, borrow)]
    failed_build: Cow<'a, str>,
}

impl<'a> Event<'a> {
    /// The event on `line`: scanned when it has the shape `go test -json` writes, read by
    /// serde_json otherwise (which then also says what is wrong with it).
    fn read(line: &'a str) -> Result<Event<'a>, serde_json::Error> {
        match Event::scan(line) {
            Some(event) => Ok(event),
            None => serde_json::from_str(line),
        }
    }

    /// The event read by [`flat_json::scan`]; `None` when the line is not in its shape or when
    /// a field is not what serde would accept (a repeated field, a value of the wrong type), so
    /// that serde_json reads it and decides.
    fn scan(line: &'a str) -> Option<Event<'a>> {
        let mut event = Event::default();
        let mut seen = 0u8;
        let scanned = flat_json::scan(line, |key, value| {
            let bit = match key {
                "Action" => 0,
                "Package" => 1,
                "Test" => 2,
                "Elapsed" => 3,
                "Output" => 4,
                "ImportPath" => 5,
                "FailedBuild" => 6,
                _ => return true,
            };
            if seen & (1 << bit) != 0 {
                return false;
            }
            seen |= 1 << bit;
            let slot = match (bit, value) {
                (3, Scalar::Number(number)) => {
                    return match number.parse::<f64>() {
                        Ok(seconds) if seconds.is_finite() => {
                            event.elapsed = Some(seconds);
                            true
                        }
                        _ => false,
                    };
                }
                (4, Scalar::String { literal, .. }) => {
                    event.output = Some(literal);
                    return true;
                }
                (3 | 4, _) | (_, Scalar::Number(_)) => return false,
                (0, _) => &mut event.action,
                (1, _) => &mut event.package,
                (2, _) => &mut event.test,
                (5, _) => &mut event.import_path,
                _ => &mut event.failed_build,
            };
            match value.plain_text() {
                Some(text) => *slot = Cow::Borrowed(text),
                None => match value {
                    Scalar::String { literal, .. } => match decode(literal) {
                        Ok(text) => *slot = Cow::Owned(text.into_owned()),
                        Err(_) => return false,
                    },
                    Scalar::Number(_) => return false,
                },
            }
            true
        });
        (scanned && seen & 1 != 0).then_some(event)
    }
}

/// `Output` as its JSON literal.
fn literal<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<&'de str>, D::Error> {
    let raw: Option<&'de RawValue> = Deserialize::deserialize(deserializer)?;
    Ok(raw.map(RawValue::get))
}

/// Output kept within [`OUTPUT_LIMIT`]: its head, and a window of its most recent lines.
#[derive(Debug, Default, Clone)]
struct Output {
    head: String,
    tail: VecDeque<String>,
    tail_len: usize,
    omitted: usize,
}

impl Output {
    fn push(&mut self, text: &str) {
        let half = OUTPUT_LIMIT / 2;
        if self.tail.is_empty() && self.head.len() + text.len() <= half {
            self.head.push_str(text);
            return;
        }
        let mut text = text;
        if text.len() > half {
            let mut cut = text.len() - half;
            while !text.is_char_boundary(cut) {
                cut += 1;
            }
            self.omitted += cut;
            text = &text[cut..];
        }
        self.tail.push_back(text.to_string());
        self.tail_len += text.len();
        while self.tail_len > half {
            let Some(old) = self.tail.pop_front() else {
                break;
            };
            self.tail_len -= old.len();
            self.omitted += old.len();
        }
    }

    fn chunks(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.head.as_str()).chain(self.tail.iter().map(String::as_str))
    }

    fn contains(&self, needle: &str) -> bool {
        self.chunks().any(|c| c.contains(needle))
    }

    fn has_line(&self, matches: impl Fn(&str) -> bool) -> bool {
        self.chunks().flat_map(str::lines).any(matches)
    }

    /// The output as one text, taken rather than copied when nothing was left out (a failed
    /// test's few lines: the common case).
    fn into_text(self) -> Box<str> {
        if self.omitted == 0 && self.tail.is_empty() {
            return self.head.into_boxed_str();
        }
        self.text().into_boxed_str()
    }

    fn text(&self) -> String {
        let mut text = self.head.clone();
        if self.omitted > 0 {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&format!("… {} bytes of output omitted …\n", self.omitted));
        }
        for chunk in &self.tail {
            text.push_str(chunk);
        }
        text
    }
}

/// The output of a test still running, as the JSON string literals it came in, one per line
/// (a literal holds no raw newline). Past [`OUTPUT_LIMIT`] bytes they are decoded into an
/// [`Output`], whose limits then apply.
#[derive(Debug, Default)]
struct Running {
    literals: String,
    decoded: Output,
}

impl Running {
    fn push(&mut self, literal: &str, scratch: &mut String) {
        self.literals.push_str(literal);
        self.literals.push('\n');
        if self.literals.len() > OUTPUT_LIMIT {
            self.decode(scratch);
        }
    }

    fn decode(&mut self, scratch: &mut String) {
        // Decoding never lengthens a literal: the head needs no more room than they take.
        let room = self.literals.len().min(OUTPUT_LIMIT / 2);
        self.decoded
            .head
            .reserve(room.saturating_sub(self.decoded.head.len()));
        for literal in self.literals.split_terminator('\n') {
            scratch.clear();
            flat_json::unescape_into(literal, scratch);
            self.decoded.push(scratch);
        }
        self.literals.clear();
    }

    fn into_output(mut self, scratch: &mut String) -> Output {
        self.decode(scratch);
        self.decoded
    }
}

/// The text of a JSON string literal (an event's `Output`, which must be one).
fn decode(literal: &str) -> Result<Cow<'_, str>, String> {
    serde_json::from_str(literal).map_err(|_| "Output must be a string".to_string())
}

#[derive(Debug, Default)]
struct Package {
    /// The import path, shared by every test of the package.
    name: Arc<str>,
    /// Tests that started and have not ended, with their output so far.
    running: FastMap<String, Running>,
    /// Tests that ended: name → index in the run's cases.
    ended: FastMap<String, usize>,
    /// Output not attributed to any test.
    output: Output,
    failed_tests: bool,
}

/// A `# pkg` block of build output printed as plain text (before Go 1.24).
#[derive(Debug, Default)]
struct TextBlock {
    /// The package named in the `# ` header line; `None` for text before any header.
    header: Option<String>,
    output: Output,
}

#[derive(Debug, Default)]
struct Parser<'a> {
    file: &'a str,
    packages: FastMap<String, Package>,
    run: TestRun,
    problems: Vec<Problem>,
    text_blocks: Vec<TextBlock>,
    /// The last text line was a `FAIL … [build failed]`: text after it starts a new block.
    text_block_closed: bool,
    build_output: HashMap<String, Output>,
    /// Room to decode one literal in, reused.
    scratch: String,
    /// Buffers of passed tests' output, cleared, for the next tests to reuse: a run starts and
    /// ends a million of them.
    spare: Vec<String>,
    failed_builds: BTreeSet<String>,
    claimed_builds: HashSet<String>,
    /// Cases (indices in the run's) that failed in a package that passed: moved to the run's
    /// inner failures at the end, when no index is needed any more.
    inner: Vec<usize>,
}

impl Parser<'_> {
    fn problem(&mut self, line: u64, reason: String) {
        self.problems.push(Problem {
            file: self.file.to_string(),
            line,
            column: String::new(),
            reason,
        });
    }

    fn line(&mut self, line_no: u64, line: &[u8]) {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if !line.trim_ascii_start().starts_with(b"{") {
            self.text_line(&String::from_utf8_lossy(line));
            return;
        }
        // Go's encoder writes valid UTF-8 only; a line that is not is read as it would print.
        // Checked once for the whole line, rather than string by string by serde_json.
        // (`from_utf8_lossy` checks byte by byte; `from_utf8` a word at a time.)
        let line = match std::str::from_utf8(line) {
            Ok(line) => Cow::Borrowed(line),
            Err(_) => String::from_utf8_lossy(line),
        };
        match Event::read(&line) {
            Ok(event) => {
                if let Err(reason) = self.event(event) {
                    self.problem(line_no, reason);
                }
            }
            Err(e) => self.problem(line_no, format!("not a test2json event: {e}")),
        }
    }

    /// A line that is not JSON: the go command's own output, mixed with the events.
    fn text_line(&mut self, line: &str) {
        if let Some(suite) = build_failed_line(line) {
            let output = self.take_text_blocks(suite);
            let mut output = output;
            output.push_str(line);
            output.push('\n');
            self.run.errors.push(SuiteError {
                suite: Arc::from(suite),
                kind: SuiteErrorKind::BuildFailure,
                output,
            });
            self.text_block_closed = true;
            return;
        }
        if let Some(header) = line.strip_prefix("# ") {
            let name = header.split_whitespace().next().unwrap_or_default();
            self.text_blocks.push(TextBlock {
                header: Some(name.to_string()),
                output: Output::default(),
            });
        } else if self.text_blocks.is_empty() || self.text_block_closed {
            self.text_blocks.push(TextBlock::default());
        }
        self.text_block_closed = false;
        if let Some(block) = self.text_blocks.last_mut() {
            block.output.push(line);
            block.output.push("\n");
        }
    }

    /// The text build output for `suite`: its own `# suite` blocks (taken), or else a copy of
    /// everything pending (the error may be in a dependency that other packages share).
    fn take_text_blocks(&mut self, suite: &str) -> String {
        let (own, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.text_blocks)
            .into_iter()
            .partition(|b| b.header.as_deref() == Some(suite));
        self.text_blocks = rest;
        let blocks: Vec<&TextBlock> = if own.is_empty() {
            self.text_blocks.iter().collect()
        } else {
            own.iter().collect()
        };
        blocks.iter().map(|b| b.output.text()).collect()
    }

    fn event(&mut self, event: Event) -> Result<(), String> {
        let action = event.action.as_ref();
        let test = Some(event.test.as_ref()).filter(|t| !t.is_empty());
        match action {
            "build-output" | "build-fail" => {
                let path = Some(event.import_path)
                    .filter(|p| !p.is_empty())
                    .ok_or_else(|| format!("{} event needs ImportPath", article(action)))?;
                if action == "build-fail" {
                    self.failed_builds.insert(path.into_owned());
                } else {
                    let text = event.output.map(decode).transpose()?.unwrap_or_default();
                    self.build_output
                        .entry(path.into_owned())
                        .or_default()
                        .push(&text);
                }
                return Ok(());
            }
            "start" | "run" | "pause" | "cont" | "output" | "bench" | "pass" | "fail" | "skip" => {}
            // Actions of later Go versions (`attr` in 1.25, and whatever comes next) carry
            // nothing the counts depend on: tolerated, so a new toolchain does not break gates.
            _ => return Ok(()),
        }
        let name = Some(event.package.as_ref())
            .filter(|p| !p.is_empty())
            .ok_or_else(|| format!("{} event needs Package", article(action)))?;
        let output = event.output;
        if matches!(action, "output" | "bench") && output.is_none() {
            return Err(format!("{} event needs Output", article(action)));
        }
        let pkg = package(&mut self.packages, name);
        match (action, test) {
            ("start", _) => {}
            ("run" | "pause" | "cont", Some(test)) => {
                if !pkg.ended.contains_key(test) && !pkg.running.contains_key(test) {
                    let running = Running {
                        literals: self.spare.pop().unwrap_or_default(),
                        decoded: Output::default(),
                    };
                    pkg.running.insert(test.to_string(), running);
                }
            }
            ("run" | "pause" | "cont", None) => {
                return Err(format!("{} event needs Test", article(action)));
            }
            ("output" | "bench", Some(test)) => {
                let Some(literal) = output else {
                    unreachable!("output events without Output are refused above")
                };
                if !literal.starts_with('"') {
                    return Err("Output must be a string".into());
                }
                if let Some(running) = pkg.running.get_mut(test) {
                    running.push(literal, &mut self.scratch);
                } else if let Some(&index) = pkg.ended.get(test) {
                    // Late output of a test that already ended (a goroutine it left behind).
                    let text = decode(literal)?;
                    let case = &mut self.run.cases[index];
                    if case.output.len() + text.len() <= OUTPUT_LIMIT {
                        case.output = [&*case.output, &*text].concat().into();
                    }
                } else {
                    let mut running = Running::default();
                    running.push(literal, &mut self.scratch);
                    pkg.running.insert(test.to_string(), running);
                }
            }
            ("output" | "bench", None) => {
                let text = output.map(decode).transpose()?.unwrap_or_default();
                pkg.output.push(&text);
            }
            ("pass" | "fail" | "skip", Some(test)) => {
                let status = match action {
                    "pass" => TestStatus::Passed,
                    "fail" => TestStatus::Failed,
                    _ => TestStatus::Skipped,
                };
                let (test, output) = pkg
                    .running
                    .remove_entry(test)
                    .unwrap_or_else(|| (test.to_string(), Running::default()));
                pkg.failed_tests |= status == TestStatus::Failed;
                pkg.ended.insert(test.clone(), self.run.cases.len());
                self.run.cases.push(TestCase {
                    suite: pkg.name.clone(),
                    name: test.into_boxed_str(),
                    status,
                    duration_seconds: event.elapsed,
                    // A passed test's output is dropped, as gotestsum's JUnit drops it: reports
                    // show why tests failed or were skipped, and a million passing tests' logs
                    // would be most of a run's memory.
                    output: if status == TestStatus::Passed {
                        let mut literals = output.literals;
                        if literals.capacity() <= 4096 && self.spare.len() < 64 {
                            literals.clear();
                            self.spare.push(literals);
                        }
                        Box::default()
                    } else {
                        output.into_output(&mut self.scratch).into_text()
                    },
                    cached: false,
                    flaky: false,
                });
            }
            ("pass" | "skip", None) => self.package_passed(name),
            ("fail", None) => {
                let failed_build = Some(event.failed_build)
                    .filter(|b| !b.is_empty())
                    .map(Cow::into_owned);
                self.package_failed(name, failed_build, false);
            }
            _ => unreachable!("actions are checked above"),
        }
        Ok(())
    }

    /// A package ended in success (or was skipped: no test files).
    ///
    /// Its tests that never ended pass, with the result Go printed for them where there is one
    /// (see [`Parser::settle_running`]). A test that failed in it did not fail the package: it
    /// is a failure test2json read from a nested suite's output, an inner failure.
    fn package_passed(&mut self, suite: &str) {
        let mut pkg = self.packages.remove(suite).unwrap_or_default();
        let left = self.settle_running(&mut pkg, true);
        debug_assert!(left.is_empty(), "every test of a passed package is settled");
        if pkg.failed_tests {
            self.inner.extend(
                pkg.ended
                    .values()
                    .filter(|&&index| self.run.cases[index].status == TestStatus::Failed),
            );
        }
        if pkg
            .output
            .has_line(|l| l.starts_with("ok ") && l.contains("(cached)"))
        {
            for &index in pkg.ended.values() {
                self.run.cases[index].cached = true;
            }
        }
    }

    /// Ends the tests of `pkg` that never reported a result, where their result is known: each
    /// whose `--- PASS/FAIL/SKIP` line Go printed glued to earlier output without a newline
    /// (which test2json before Go 1.20 takes for output) gets the result of that line, and so do
    /// its subtests whose lines were printed as output after it; in a package that `passed`,
    /// a test that printed no result at all passed with it. Each is recorded in the run's
    /// `recovered`. Returns the tests left running, in name order, so that the same stream
    /// always gives the same run.
    ///
    /// Runs once per package, and reads only the output of tests that never ended: the common
    /// package has none.
    fn settle_running(&mut self, pkg: &mut Package, passed: bool) -> Vec<(String, Output)> {
        if pkg.running.is_empty() {
            return Vec::new();
        }
        let mut running: Vec<(String, Output)> = std::mem::take(&mut pkg.running)
            .into_iter()
            .map(|(name, running)| (name, running.into_output(&mut self.scratch)))
            .collect();
        running.sort_by(|a, b| a.0.cmp(&b.0));
        let owns = |name: &str| {
            running.iter().any(|(test, _)| {
                name.strip_prefix(test.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
        };
        // name → (status, seconds, the line)
        let mut results: BTreeMap<String, (TestStatus, Option<f64>, String)> = BTreeMap::new();
        let outputs = running
            .iter()
            .map(|(_, output)| output)
            .chain([&pkg.output]);
        for line in outputs.flat_map(|output| output.chunks().flat_map(str::lines)) {
            if let Some(result) = ResultLine::read(line)
                && owns(result.name)
                && !pkg.ended.contains_key(result.name)
            {
                results
                    .entry(result.name.to_string())
                    .or_insert_with(|| (result.status, result.elapsed, line.to_string()));
            }
        }
        let mut left = Vec::new();
        for (name, output) in running {
            match results.remove(&name) {
                Some((status, seconds, line)) => {
                    self.recover(pkg, name, output, status, seconds, Some(line));
                }
                None if passed => self.recover(pkg, name, output, TestStatus::Passed, None, None),
                None => left.push((name, output)),
            }
        }
        // Subtests whose `=== RUN` line was glued too: they have a result line and no event.
        for (name, (status, seconds, line)) in results {
            self.recover(pkg, name, Output::default(), status, seconds, Some(line));
        }
        left
    }

    /// A test of `pkg` ended with a result read from the text rather than from an event.
    fn recover(
        &mut self,
        pkg: &mut Package,
        name: String,
        output: Output,
        status: TestStatus,
        duration_seconds: Option<f64>,
        line: Option<String>,
    ) {
        pkg.failed_tests |= status == TestStatus::Failed;
        pkg.ended.insert(name.clone(), self.run.cases.len());
        let name = name.into_boxed_str();
        self.run.recovered.push(RecoveredResult {
            suite: pkg.name.clone(),
            name: name.clone(),
            status,
            line,
        });
        self.run.cases.push(TestCase {
            suite: pkg.name.clone(),
            name,
            status,
            duration_seconds,
            // As for a test that ended by an event: a passed test's output is dropped.
            output: if status == TestStatus::Passed {
                Box::default()
            } else {
                output.into_text()
            },
            cached: false,
            flaky: false,
        });
    }

    /// A package ended in failure, or (`cut_short`) the stream ended before the package did.
    fn package_failed(&mut self, suite: &str, failed_build: Option<String>, cut_short: bool) {
        let mut pkg = self.packages.remove(suite).unwrap_or_else(|| Package {
            name: Arc::from(suite),
            ..Package::default()
        });
        let running = self.settle_running(&mut pkg, false);
        let mut output = pkg.output.text();
        let timed_out =
            pkg.output.contains(TIMEOUT) || running.iter().any(|(_, o)| o.contains(TIMEOUT));
        let build_failed = pkg.output.has_line(|l| {
            l.starts_with("FAIL")
                && (l.ends_with("[build failed]") || l.ends_with("[setup failed]"))
        });
        let kind = if let Some(build) = failed_build {
            let mut text = self
                .build_output
                .get(&build)
                .map(Output::text)
                .unwrap_or_default();
            text.push_str(&output);
            output = text;
            self.claimed_builds.insert(build);
            Some(SuiteErrorKind::BuildFailure)
        } else if build_failed {
            Some(SuiteErrorKind::BuildFailure)
        } else if timed_out {
            Some(SuiteErrorKind::Timeout)
        } else if pkg.output.has_line(|l| l.starts_with("panic: ")) {
            Some(SuiteErrorKind::Panic)
        } else if cut_short || (!pkg.failed_tests && running.is_empty()) {
            Some(SuiteErrorKind::Failed)
        } else {
            None
        };
        for (name, test_output) in running {
            if kind == Some(SuiteErrorKind::Timeout) && !pkg.output.contains(TIMEOUT) {
                output.push_str(&test_output.text());
            }
            self.run.cases.push(TestCase {
                suite: pkg.name.clone(),
                name: name.into_boxed_str(),
                status: TestStatus::Failed,
                duration_seconds: None,
                output: test_output.into_text(),
                cached: false,
                flaky: false,
            });
        }
        if let Some(kind) = kind {
            self.run.errors.push(SuiteError {
                suite: pkg.name,
                kind,
                output,
            });
        }
    }

    fn finish(mut self) -> Result<TestRun, Problems> {
        if !self.problems.is_empty() {
            return Err(Problems(self.problems));
        }
        if !self.inner.is_empty() {
            self.inner.sort_unstable();
            let mut inner = self.inner.iter().peekable();
            let cases = std::mem::take(&mut self.run.cases);
            for (index, case) in cases.into_iter().enumerate() {
                if inner.next_if(|&&i| i == index).is_some() {
                    self.run.inner_failures.push(case);
                } else {
                    self.run.cases.push(case);
                }
            }
        }
        // Packages that never reported an end: the stream was cut short.
        let mut unfinished: Vec<String> = self.packages.keys().cloned().collect();
        unfinished.sort();
        for suite in unfinished {
            if let Some(pkg) = self.packages.get_mut(&suite) {
                pkg.output
                    .push("(the output ended before this package reported a result)\n");
            }
            self.package_failed(&suite, None, true);
        }
        for build in &self.failed_builds {
            if !self.claimed_builds.contains(build) {
                let suite = build.split_whitespace().next().unwrap_or(build);
                if self
                    .run
                    .errors
                    .iter()
                    .any(|e| &*e.suite == suite && e.kind == SuiteErrorKind::BuildFailure)
                {
                    continue;
                }
                self.run.errors.push(SuiteError {
                    suite: Arc::from(suite),
                    kind: SuiteErrorKind::BuildFailure,
                    output: self
                        .build_output
                        .get(build)
                        .map(Output::text)
                        .unwrap_or_default(),
                });
            }
        }
        Ok(self.run)
    }
}

/// The package named `name`, added when first seen.
fn package<'p>(packages: &'p mut FastMap<String, Package>, name: &str) -> &'p mut Package {
    if !packages.contains_key(name) {
        let package = Package {
            name: Arc::from(name),
            ..Package::default()
        };
        packages.insert(name.to_string(), package);
    }
    packages.get_mut(name).expect("the package was just added")
}

/// A test's result as the testing package prints it, ending a line: `--- PASS: TestX (0.01s)`,
/// possibly after other text (output printed without a newline) or indented (a subtest).
#[derive(Debug, Clone, Copy, PartialEq)]
struct ResultLine<'a> {
    status: TestStatus,
    name: &'a str,
    elapsed: Option<f64>,
}

impl<'a> ResultLine<'a> {
    fn read(line: &'a str) -> Option<ResultLine<'a>> {
        let at = line.rfind("--- ")?;
        let rest = &line[at + 4..];
        let (status, rest) = [
            ("PASS: ", TestStatus::Passed),
            ("FAIL: ", TestStatus::Failed),
            ("SKIP: ", TestStatus::Skipped),
        ]
        .into_iter()
        .find_map(|(word, status)| Some((status, rest.strip_prefix(word)?)))?;
        let (name, time) = rest.trim_end().rsplit_once(" (")?;
        let seconds = time.strip_suffix("s)")?;
        let name = name.trim();
        (!name.is_empty() && !name.contains(char::is_whitespace)).then(|| ResultLine {
            status,
            name,
            elapsed: seconds.parse::<f64>().ok().filter(|s| s.is_finite()),
        })
    }
}

/// `FAIL\texample.com/pkg [build failed]` (or `[setup failed]`): the package it names.
pub(crate) fn build_failed_line(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("FAIL")?.trim_start();
    let suite = rest
        .strip_suffix("[build failed]")
        .or_else(|| rest.strip_suffix("[setup failed]"))?
        .trim();
    (!suite.is_empty() && !suite.contains(char::is_whitespace)).then_some(suite)
}

/// A compiler's or vet's message: `path/file.go:12:5: text` (or without the column).
pub(crate) fn is_compiler_message(line: &str) -> bool {
    let Some((path, rest)) = line.split_once(".go:") else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    !path.is_empty()
        && !path.contains(char::is_whitespace)
        && digits > 0
        && rest[digits..].starts_with(':')
}

/// `a run`, `an output`.
fn article(action: &str) -> String {
    let an = action.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {action}", if an { "an" } else { "a" })
}
