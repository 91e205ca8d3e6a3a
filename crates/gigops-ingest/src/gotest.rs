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
//! gotestsum counts them. A package gets a [`SuiteError`] when it did not compile, when it
//! panicked outside any test, when it timed out, or when it failed with no failing test; it
//! is counted as an error only when none of its tests failed (see [`TestRun::counts`]).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::io::BufRead;

use gigops_core::evidence::{SuiteError, SuiteErrorKind, TestCase, TestRun, TestStatus};
use serde::Deserialize;

use crate::{Problem, Problems};

/// The most output kept for one test or package, in bytes: half from its start, half from its
/// end, with a note of how much was left out between.
pub const OUTPUT_LIMIT: usize = 64 * 1024;

const TIMEOUT: &str = "panic: test timed out after";

/// Reads a `go test -json` stream; `file_name` names it in problems.
pub fn parse(mut reader: impl BufRead, file_name: &str) -> Result<TestRun, Problems> {
    let mut parser = Parser {
        file: file_name,
        ..Parser::default()
    };
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                parser.problem(line_no + 1, format!("cannot read: {e}"));
                break;
            }
        }
        line_no += 1;
        let text = String::from_utf8_lossy(&buf);
        let line = text.trim_end_matches(['\n', '\r']);
        parser.line(line_no, line);
    }
    parser.finish()
}

#[derive(Debug, Deserialize)]
struct Event {
    #[serde(rename = "Action")]
    action: String,
    #[serde(rename = "Package", default)]
    package: Option<String>,
    #[serde(rename = "Test", default)]
    test: Option<String>,
    #[serde(rename = "Elapsed", default)]
    elapsed: Option<f64>,
    #[serde(rename = "Output", default)]
    output: Option<String>,
    #[serde(rename = "ImportPath", default)]
    import_path: Option<String>,
    #[serde(rename = "FailedBuild", default)]
    failed_build: Option<String>,
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

#[derive(Debug, Default)]
struct Package {
    /// Tests that started and have not ended, with their output so far.
    running: BTreeMap<String, Output>,
    /// Tests that ended: name → index in the run's cases.
    ended: HashMap<String, usize>,
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
    packages: HashMap<String, Package>,
    run: TestRun,
    problems: Vec<Problem>,
    text_blocks: Vec<TextBlock>,
    /// The last text line was a `FAIL … [build failed]`: text after it starts a new block.
    text_block_closed: bool,
    build_output: HashMap<String, Output>,
    failed_builds: BTreeSet<String>,
    claimed_builds: HashSet<String>,
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

    fn line(&mut self, line_no: u64, line: &str) {
        if !line.trim_start().starts_with('{') {
            self.text_line(line);
            return;
        }
        let event: Event = match serde_json::from_str(line) {
            Ok(event) => event,
            Err(e) => {
                self.problem(line_no, format!("not a test2json event: {e}"));
                return;
            }
        };
        if let Err(reason) = self.event(event) {
            self.problem(line_no, reason);
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
                suite: suite.to_string(),
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
        let test = event.test.as_deref().filter(|t| !t.is_empty());
        match event.action.as_str() {
            "build-output" | "build-fail" => {
                let path = event
                    .import_path
                    .ok_or_else(|| format!("{} event needs ImportPath", article(&event.action)))?;
                if event.action == "build-fail" {
                    self.failed_builds.insert(path);
                } else {
                    self.build_output
                        .entry(path)
                        .or_default()
                        .push(event.output.as_deref().unwrap_or_default());
                }
                return Ok(());
            }
            "start" | "run" | "pause" | "cont" | "output" | "bench" | "pass" | "fail" | "skip" => {}
            // Actions of later Go versions (`attr` in 1.25, and whatever comes next) carry
            // nothing the counts depend on: tolerated, so a new toolchain does not break gates.
            _ => return Ok(()),
        }
        let package = event
            .package
            .filter(|p| !p.is_empty())
            .ok_or_else(|| format!("{} event needs Package", article(&event.action)))?;
        let action = event.action.as_str();
        let output = event.output.as_deref();
        if matches!(action, "output" | "bench") && output.is_none() {
            return Err(format!("{} event needs Output", article(action)));
        }
        match (action, test) {
            ("attr", _) => {}
            ("start", _) => {
                self.packages.entry(package).or_default();
            }
            ("run" | "pause" | "cont", Some(test)) => {
                let pkg = self.packages.entry(package).or_default();
                if !pkg.ended.contains_key(test) {
                    pkg.running.entry(test.to_string()).or_default();
                }
            }
            ("run" | "pause" | "cont", None) => {
                return Err(format!("{} event needs Test", article(action)));
            }
            ("output" | "bench", Some(test)) => {
                let text = output.unwrap_or_default();
                let pkg = self.packages.entry(package).or_default();
                if let Some(&index) = pkg.ended.get(test) {
                    // Late output of a test that already ended (a goroutine it left behind).
                    let case = &mut self.run.cases[index];
                    if case.output.len() + text.len() <= OUTPUT_LIMIT {
                        case.output.push_str(text);
                    }
                } else {
                    pkg.running.entry(test.to_string()).or_default().push(text);
                }
            }
            ("output" | "bench", None) => {
                let pkg = self.packages.entry(package).or_default();
                pkg.output.push(output.unwrap_or_default());
            }
            ("pass" | "fail" | "skip", Some(test)) => {
                let status = match action {
                    "pass" => TestStatus::Passed,
                    "fail" => TestStatus::Failed,
                    _ => TestStatus::Skipped,
                };
                let pkg = self.packages.entry(package.clone()).or_default();
                let output = pkg.running.remove(test).unwrap_or_default();
                pkg.failed_tests |= status == TestStatus::Failed;
                pkg.ended.insert(test.to_string(), self.run.cases.len());
                self.run.cases.push(TestCase {
                    suite: package,
                    name: test.to_string(),
                    status,
                    duration_seconds: event.elapsed,
                    // A passed test's output is dropped, as gotestsum's JUnit drops it: reports
                    // show why tests failed or were skipped, and a million passing tests' logs
                    // would be most of a run's memory.
                    output: if status == TestStatus::Passed {
                        String::new()
                    } else {
                        output.text()
                    },
                    cached: false,
                    flaky: false,
                });
            }
            ("pass" | "skip", None) => {
                let pkg = self.packages.remove(&package).unwrap_or_default();
                if pkg
                    .output
                    .has_line(|l| l.starts_with("ok ") && l.contains("(cached)"))
                {
                    for &index in pkg.ended.values() {
                        self.run.cases[index].cached = true;
                    }
                }
            }
            ("fail", None) => self.package_failed(package, event.failed_build, false),
            _ => unreachable!("actions are checked above"),
        }
        Ok(())
    }

    /// A package ended in failure, or (`cut_short`) the stream ended before the package did.
    fn package_failed(&mut self, suite: String, failed_build: Option<String>, cut_short: bool) {
        let pkg = self.packages.remove(&suite).unwrap_or_default();
        let mut output = pkg.output.text();
        let timed_out =
            pkg.output.contains(TIMEOUT) || pkg.running.values().any(|o| o.contains(TIMEOUT));
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
        } else if cut_short || (!pkg.failed_tests && pkg.running.is_empty()) {
            Some(SuiteErrorKind::Failed)
        } else {
            None
        };
        for (name, test_output) in pkg.running {
            if kind == Some(SuiteErrorKind::Timeout) && !pkg.output.contains(TIMEOUT) {
                output.push_str(&test_output.text());
            }
            self.run.cases.push(TestCase {
                suite: suite.clone(),
                name,
                status: TestStatus::Failed,
                duration_seconds: None,
                output: test_output.text(),
                cached: false,
                flaky: false,
            });
        }
        if let Some(kind) = kind {
            self.run.errors.push(SuiteError {
                suite,
                kind,
                output,
            });
        }
    }

    fn finish(mut self) -> Result<TestRun, Problems> {
        if !self.problems.is_empty() {
            return Err(Problems(self.problems));
        }
        // Packages that never reported an end: the stream was cut short.
        let mut unfinished: Vec<String> = self.packages.keys().cloned().collect();
        unfinished.sort();
        for suite in unfinished {
            if let Some(pkg) = self.packages.get_mut(&suite) {
                pkg.output
                    .push("(the output ended before this package reported a result)\n");
            }
            self.package_failed(suite, None, true);
        }
        for build in &self.failed_builds {
            if !self.claimed_builds.contains(build) {
                let suite = build.split_whitespace().next().unwrap_or(build).to_string();
                if self
                    .run
                    .errors
                    .iter()
                    .any(|e| e.suite == suite && e.kind == SuiteErrorKind::BuildFailure)
                {
                    continue;
                }
                self.run.errors.push(SuiteError {
                    suite,
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

/// `FAIL\texample.com/pkg [build failed]` (or `[setup failed]`): the package it names.
fn build_failed_line(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("FAIL")?.trim_start();
    let suite = rest
        .strip_suffix("[build failed]")
        .or_else(|| rest.strip_suffix("[setup failed]"))?
        .trim();
    (!suite.is_empty() && !suite.contains(char::is_whitespace)).then_some(suite)
}

/// `a run`, `an output`.
fn article(action: &str) -> String {
    let an = action.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {action}", if an { "an" } else { "a" })
}
