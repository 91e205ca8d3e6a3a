//! Go benchmark results: the text `go test -bench` prints (the format of the Go proposal 14313,
//! "Go Benchmark Data Format", which golang.org/x/perf's benchfmt reads and benchstat compares),
//! or the same lines inside `go test -json` output.
//!
//! Two kinds of line mean something; every other line (`PASS`, `ok`, `--- BENCH:`, logs) is
//! ignored, as the format says:
//!
//! - configuration lines, `key: value`; `pkg: example.com/x` sets the suite of the benchmarks
//!   that follow (the other keys — `goos`, `goarch`, `cpu` — are not kept);
//! - result lines, `BenchmarkName-8  2000  24.17 ns/op  2648.35 MB/s  0 B/op  0 allocs/op`: the
//!   name, the iteration count, then value/unit pairs (units from `b.ReportMetric` included).
//!
//! The `-8` suffix is GOMAXPROCS: it is cut off the way benchfmt splits a name (the last `-`
//! followed only by digits), so that runs on machines with different core counts pair up. When
//! one input has the same benchmark at several GOMAXPROCS values (`-cpu 1,4`), each keeps the
//! name Go printed, suffix and all (`BenchmarkX` and `BenchmarkX-4`), so that they are not mixed
//! into one sample. A run repeated with `-count N` adds one value per unit per run.
//!
//! A line that starts with a benchmark name (`Benchmark`, then anything but a lower-case letter,
//! as Go's testing package names them) and has more than the name is a result, and a malformed
//! result is a problem: its iteration count must be a whole number, and what follows must be
//! value/unit pairs with finite values, each unit once. A line with only a name is not a result:
//! Go prints the bare name of a benchmark before running it (`-json`, `-v`) or when it has
//! sub-benchmarks. Indented lines (logs) are never results.
//!
//! When the first non-blank line is a JSON object the input is read as test2json events, and the
//! `Output` text of each package is fed through the same line reader. Go prints a result line in
//! two writes (the padded name before the benchmark runs, the numbers after), and test2json can
//! put them in two events, so each package's output is buffered until its newline; problems in
//! such a line carry the line number of the event that completed it. Lines between the events
//! that are not JSON (the go command's own messages) are ignored.
//!
//! Memory grows with the number of benchmarks and runs (and the longest line), not with the size
//! of the input.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;

use gigops_core::evidence::{BenchMetric, Benchmark, BenchmarkSet};
use serde::Deserialize;

use gigops_core::{Problem, Problems};

/// Units that measure time per operation; the first one a benchmark reports comes first in its
/// metrics.
const TIME_UNITS: [&str; 2] = ["ns/op", "sec/op"];

/// Reads Go benchmark text or `go test -json` output; `file_name` names it in problems.
pub fn parse(mut reader: impl BufRead, file_name: &str) -> Result<BenchmarkSet, Problems> {
    let mut collector = Collector::new(file_name);
    let mut mode = Mode::Undecided;
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                collector.problem(line_no + 1, "", format!("cannot read: {e}"));
                break;
            }
        }
        line_no += 1;
        let text = String::from_utf8_lossy(&buf);
        let mut line = text.trim_end_matches(['\n', '\r']);
        if line_no == 1 {
            line = line.trim_start_matches('\u{feff}');
        }
        if let Mode::Undecided = mode {
            if line.trim().is_empty() {
                continue;
            }
            mode = if line.trim_start().starts_with('{') {
                Mode::Json(Packages::default())
            } else {
                Mode::Text {
                    suite: String::new(),
                }
            };
        }
        match &mut mode {
            Mode::Undecided => {}
            Mode::Text { suite } => collector.line(line_no, line, suite),
            Mode::Json(packages) => packages.event_line(line_no, line, &mut collector),
        }
    }
    if let Mode::Json(packages) = mode {
        packages.flush(&mut collector);
    }
    collector.finish()
}

enum Mode {
    /// Only blank lines so far.
    Undecided,
    /// Benchmark text; `suite` is the last `pkg:` value.
    Text {
        suite: String,
    },
    Json(Packages),
}

/// The fields of a test2json event this parser needs.
#[derive(Debug, Deserialize)]
struct Event {
    #[serde(rename = "Action")]
    action: String,
    #[serde(rename = "Package", default)]
    package: Option<String>,
    #[serde(rename = "Test", default)]
    test: Option<String>,
    #[serde(rename = "Output", default)]
    output: Option<String>,
}

/// The output of one package not yet ended by a newline.
#[derive(Debug)]
struct PackageOutput {
    /// Starts as the package's import path; a `pkg:` line in its output overrides it.
    suite: String,
    pending: String,
    /// The event line that last added to `pending`.
    last_line: u64,
}

/// Per-package output buffers, in the order the packages first appeared.
#[derive(Debug, Default)]
struct Packages {
    index: HashMap<String, usize>,
    outputs: Vec<PackageOutput>,
}

impl Packages {
    fn event_line(&mut self, line_no: u64, line: &str, collector: &mut Collector) {
        if !line.trim_start().starts_with('{') {
            return;
        }
        let event: Event = match serde_json::from_str(line) {
            Ok(event) => event,
            Err(e) => {
                collector.problem(line_no, "", format!("not a test2json event: {e}"));
                return;
            }
        };
        let package = event.package.unwrap_or_default();
        match event.action.as_str() {
            "output" | "bench" => {
                if let Some(text) = event.output {
                    self.output(line_no, package, &text, collector);
                }
            }
            // A package ended: a last line without its newline is complete now.
            "pass" | "fail" | "skip" if event.test.as_deref().is_none_or(str::is_empty) => {
                if let Some(&at) = self.index.get(&package) {
                    let output = &mut self.outputs[at];
                    let rest = std::mem::take(&mut output.pending);
                    if !rest.is_empty() {
                        collector.line(output.last_line, &rest, &mut output.suite);
                    }
                }
            }
            _ => {}
        }
    }

    fn output(&mut self, line_no: u64, package: String, text: &str, collector: &mut Collector) {
        let at = match self.index.get(&package) {
            Some(&at) => at,
            None => {
                self.index.insert(package.clone(), self.outputs.len());
                self.outputs.push(PackageOutput {
                    suite: package,
                    pending: String::new(),
                    last_line: line_no,
                });
                self.outputs.len() - 1
            }
        };
        let output = &mut self.outputs[at];
        output.pending.push_str(text);
        output.last_line = line_no;
        while let Some(end) = output.pending.find('\n') {
            let line: String = output.pending.drain(..=end).collect();
            collector.line(
                line_no,
                line.trim_end_matches(['\n', '\r']),
                &mut output.suite,
            );
        }
    }

    /// The end of the input: whatever is still buffered is a last line of its own.
    fn flush(self, collector: &mut Collector) {
        for mut output in self.outputs {
            if !output.pending.is_empty() {
                let rest = std::mem::take(&mut output.pending);
                collector.line(output.last_line, &rest, &mut output.suite);
            }
        }
    }
}

/// Where one benchmark's values go: the suite, the name without GOMAXPROCS, and GOMAXPROCS.
type Key = (String, String, Option<u32>);

struct Collector<'a> {
    file: &'a str,
    benchmarks: Vec<Benchmark>,
    /// GOMAXPROCS of each benchmark, beside it.
    procs: Vec<Option<u32>>,
    index: HashMap<Key, usize>,
    problems: Vec<Problem>,
}

impl<'a> Collector<'a> {
    fn new(file: &'a str) -> Self {
        Collector {
            file,
            benchmarks: Vec::new(),
            procs: Vec::new(),
            index: HashMap::new(),
            problems: Vec::new(),
        }
    }

    fn problem(&mut self, line: u64, column: &str, reason: String) {
        self.problems.push(Problem {
            file: self.file.to_string(),
            line,
            column: column.to_string(),
            reason,
        });
    }

    /// One line of benchmark text; `suite` is the current `pkg:` value, updated here.
    fn line(&mut self, line_no: u64, line: &str, suite: &mut String) {
        let line = line.trim_end_matches('\r');
        if is_result_name(line) {
            match parse_result(line) {
                Ok(Some(result)) => self.add(suite, result),
                Ok(None) => {}
                Err((column, reason)) => self.problem(line_no, column, reason),
            }
        } else if let Some(("pkg", value)) = config_line(line) {
            *suite = value.to_string();
        }
    }

    fn add(&mut self, suite: &str, result: ResultLine<'_>) {
        let (name, procs) = split_procs(result.name);
        let key = (suite.to_string(), name.to_string(), procs);
        let at = match self.index.get(&key) {
            Some(&at) => at,
            None => {
                self.benchmarks.push(Benchmark {
                    suite: key.0.clone(),
                    name: key.1.clone(),
                    metrics: Vec::new(),
                });
                self.procs.push(procs);
                self.index.insert(key, self.benchmarks.len() - 1);
                self.benchmarks.len() - 1
            }
        };
        let metrics = &mut self.benchmarks[at].metrics;
        for (value, unit) in result.values {
            match metrics.iter_mut().find(|m| m.unit == unit) {
                Some(metric) => metric.values.push(value),
                None => {
                    let metric = BenchMetric {
                        unit: unit.to_string(),
                        values: vec![value],
                    };
                    let has_time = metrics
                        .iter()
                        .any(|m| TIME_UNITS.contains(&m.unit.as_str()));
                    if TIME_UNITS.contains(&unit) && !has_time {
                        metrics.insert(0, metric);
                    } else {
                        metrics.push(metric);
                    }
                }
            }
        }
    }

    fn finish(mut self) -> Result<BenchmarkSet, Problems> {
        if !self.problems.is_empty() {
            self.problems.sort_by_key(|p| p.line);
            return Err(Problems(self.problems));
        }
        // Benchmarks run at more than one GOMAXPROCS keep their suffix, to stay apart.
        let mut seen: HashMap<(&str, &str), Option<u32>> = HashMap::new();
        let mut several: HashSet<(String, String)> = HashSet::new();
        for (benchmark, &procs) in self.benchmarks.iter().zip(&self.procs) {
            let key = (benchmark.suite.as_str(), benchmark.name.as_str());
            match seen.get(&key) {
                Some(&other) if other != procs => {
                    several.insert((key.0.to_string(), key.1.to_string()));
                }
                Some(_) => {}
                None => {
                    seen.insert(key, procs);
                }
            }
        }
        if !several.is_empty() {
            for (benchmark, procs) in self.benchmarks.iter_mut().zip(&self.procs) {
                let key = (benchmark.suite.clone(), benchmark.name.clone());
                if let (true, Some(procs)) = (several.contains(&key), procs) {
                    benchmark.name = format!("{}-{procs}", benchmark.name);
                }
            }
        }
        Ok(BenchmarkSet {
            benchmarks: self.benchmarks,
        })
    }
}

/// Whether a line starts with a benchmark's name as Go's testing package names benchmarks:
/// `Benchmark`, then nothing or anything but a lower-case letter (so `Benchmarking took 3s`,
/// printed by a test, is not one).
fn is_result_name(line: &str) -> bool {
    line.strip_prefix("Benchmark")
        .is_some_and(|rest| !rest.chars().next().is_some_and(char::is_lowercase))
}

/// A well-formed result line.
struct ResultLine<'a> {
    /// As printed, GOMAXPROCS suffix and all.
    name: &'a str,
    values: Vec<(f64, &'a str)>,
}

/// A line starting with `Benchmark`: `None` when it is only a name, else the result or why it is
/// malformed (the field at fault and the reason).
fn parse_result(line: &str) -> Result<Option<ResultLine<'_>>, (&'static str, String)> {
    let mut fields = line.split_whitespace();
    let name = fields.next().unwrap_or_default();
    let Some(iterations) = fields.next() else {
        return Ok(None);
    };
    if iterations.parse::<u64>().is_err() {
        return Err((
            "iterations",
            format!("iteration count {iterations:?} of {name} is not a whole number"),
        ));
    }
    let mut values: Vec<(f64, &str)> = Vec::new();
    while let Some(value) = fields.next() {
        let number: f64 = value.parse().map_err(|_| {
            (
                "value",
                format!("{value:?} is not a number: expected `value unit` pairs after the iteration count"),
            )
        })?;
        if !number.is_finite() {
            return Err(("value", format!("{value:?} is not a finite number")));
        }
        let Some(unit) = fields.next() else {
            return Err(("unit", format!("value {value} has no unit")));
        };
        if values.iter().any(|&(_, u)| u == unit) {
            return Err(("unit", format!("unit {unit} appears twice on one line")));
        }
        values.push((number, unit));
    }
    if values.is_empty() {
        return Err((
            "value",
            format!("{name} has an iteration count but no `value unit` pairs"),
        ));
    }
    Ok(Some(ResultLine { name, values }))
}

/// `key: value` as the format defines it: the key starts with a lower-case letter and has no
/// space or upper-case letter; blanks separate the colon from the value, which may be empty.
fn config_line(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once(':')?;
    let mut chars = key.chars();
    if !chars.next().is_some_and(char::is_lowercase)
        || key.chars().any(|c| c.is_whitespace() || c.is_uppercase())
    {
        return None;
    }
    if !value.is_empty() && !value.starts_with([' ', '\t']) {
        return None;
    }
    Some((key, value.trim()))
}

/// `BenchmarkX/case=1-8` → (`BenchmarkX/case=1`, Some(8)): the last `-` followed only by digits,
/// as benchfmt splits a name. Go prints no suffix when GOMAXPROCS is 1.
fn split_procs(name: &str) -> (&str, Option<u32>) {
    if let Some((base, digits)) = name.rsplit_once('-')
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && let Ok(procs) = digits.parse::<u32>()
    {
        return (base, Some(procs));
    }
    (name, None)
}
