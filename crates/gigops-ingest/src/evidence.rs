//! Delivery evidence of any supported format: the format told from the content, each input read
//! by its parser, and everything merged into one [`Evidence`].

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use gigops_core::evidence::{BenchmarkSet, Coverage, Evidence, Findings, TestRun};

use crate::{
    checkstyle, cobertura, coverage, criterion, gobench, gocover, gotest, junit, lcov, sarif, tap,
};
use gigops_core::{Problem, Problems};

/// Every format `gigops gate` reads, by the name `--format` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EvidenceFormat {
    /// `go test -json` (test2json); its benchmark lines are read too.
    GoTest,
    Junit,
    Tap,
    /// Go coverprofile.
    GoCover,
    Lcov,
    Cobertura,
    Sarif,
    Checkstyle,
    /// Go benchmark text.
    GoBench,
    /// criterion's `target/criterion` directory, or one `estimates.json`.
    Criterion,
}

impl EvidenceFormat {
    pub const ALL: [EvidenceFormat; 10] = [
        EvidenceFormat::GoTest,
        EvidenceFormat::Junit,
        EvidenceFormat::Tap,
        EvidenceFormat::GoCover,
        EvidenceFormat::Lcov,
        EvidenceFormat::Cobertura,
        EvidenceFormat::Sarif,
        EvidenceFormat::Checkstyle,
        EvidenceFormat::GoBench,
        EvidenceFormat::Criterion,
    ];

    pub fn name(self) -> &'static str {
        match self {
            EvidenceFormat::GoTest => "gotest",
            EvidenceFormat::Junit => "junit",
            EvidenceFormat::Tap => "tap",
            EvidenceFormat::GoCover => "gocover",
            EvidenceFormat::Lcov => "lcov",
            EvidenceFormat::Cobertura => "cobertura",
            EvidenceFormat::Sarif => "sarif",
            EvidenceFormat::Checkstyle => "checkstyle",
            EvidenceFormat::GoBench => "gobench",
            EvidenceFormat::Criterion => "criterion",
        }
    }

    pub fn from_name(name: &str) -> Result<EvidenceFormat, String> {
        EvidenceFormat::ALL
            .into_iter()
            .find(|f| f.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = EvidenceFormat::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "unknown format {name:?}: expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// How much of an input detection looks at.
const SNIFF: usize = 16 * 1024;

/// Tells the format of an input from its first bytes; `None` when it is none of them.
pub fn detect(head: &[u8]) -> Option<EvidenceFormat> {
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('<') {
        return match xml_root(text)? {
            "testsuites" | "testsuite" => Some(EvidenceFormat::Junit),
            "coverage" => Some(EvidenceFormat::Cobertura),
            "checkstyle" => Some(EvidenceFormat::Checkstyle),
            _ => None,
        };
    }
    if text.starts_with('{') || text.starts_with('[') {
        if text.contains("\"Action\"") {
            return Some(EvidenceFormat::GoTest);
        }
        if text.contains("\"runs\"") && (text.contains("sarif") || text.contains("\"2.1.0\"")) {
            return Some(EvidenceFormat::Sarif);
        }
        if text.contains("\"mean\"") && text.contains("\"point_estimate\"") {
            return Some(EvidenceFormat::Criterion);
        }
        return None;
    }
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next()?;
    if first.starts_with("mode: ") {
        return Some(EvidenceFormat::GoCover);
    }
    if first.starts_with("TAP version") || first.starts_with("1..") {
        return Some(EvidenceFormat::Tap);
    }
    if first.starts_with("TN:") || first.starts_with("SF:") {
        return Some(EvidenceFormat::Lcov);
    }
    let candidates = std::iter::once(first).chain(lines);
    // A `go test -json` stream can start with text: a package that did not build prints
    // `FAIL\tpkg [build failed]` on stdout, and with stderr merged the compiler's `# pkg` and
    // `file.go:line:col:` lines come first. Its first event tells it; when no package built
    // there is none, and the build failure alone does, unless a later line names another format.
    let mut go_build_output = false;
    let mut go_build_header = false;
    for line in candidates {
        if line.starts_with("ok ") || line.starts_with("not ok ") {
            // TAP without a version line; `go test` prints `ok  \tpkg`, which has no number.
            let rest = line.trim_start_matches("not ").trim_start_matches("ok ");
            if rest.starts_with(|c: char| c.is_ascii_digit()) {
                return Some(EvidenceFormat::Tap);
            }
        }
        if line.starts_with("Benchmark") && line.contains('\t') || line.starts_with("pkg: ") {
            return Some(EvidenceFormat::GoBench);
        }
        if line.starts_with("{\"") && line.contains("\"Action\"") {
            return Some(EvidenceFormat::GoTest);
        }
        go_build_output |= gotest::build_failed_line(line).is_some()
            || go_build_header && gotest::is_compiler_message(line);
        go_build_header |= line.starts_with("# ");
    }
    go_build_output.then_some(EvidenceFormat::GoTest)
}

/// The name of an XML document's root element, past its declaration, comments and DOCTYPE.
fn xml_root(mut text: &str) -> Option<&str> {
    loop {
        text = text.trim_start();
        if let Some(rest) = text.strip_prefix("<?") {
            text = &rest[rest.find("?>")? + 2..];
        } else if let Some(rest) = text.strip_prefix("<!--") {
            text = &rest[rest.find("-->")? + 3..];
        } else if let Some(rest) = text.strip_prefix("<!") {
            text = &rest[rest.find('>')? + 1..];
        } else {
            let rest = text.strip_prefix('<')?;
            let end = rest.find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
            return Some(&rest[..end]);
        }
    }
}

/// One input: a file or directory, named as the user should see it.
#[derive(Debug, Clone)]
pub struct Input {
    pub name: String,
    pub path: PathBuf,
    /// `None`: detect from the content.
    pub format: Option<EvidenceFormat>,
}

/// The format of an input, detected when not given.
pub fn format_of(input: &Input) -> Result<EvidenceFormat, Problem> {
    let problem = |reason: String| Problem {
        file: input.name.clone(),
        line: 0,
        column: String::new(),
        reason,
    };
    if let Some(format) = input.format {
        return Ok(format);
    }
    if input.path.is_dir() {
        return if input.path.join("report").exists() || has_estimates(&input.path) {
            Ok(EvidenceFormat::Criterion)
        } else {
            Err(problem(
                "a directory is read only as criterion's output (target/criterion)".into(),
            ))
        };
    }
    let mut head = Vec::with_capacity(SNIFF);
    File::open(&input.path)
        .and_then(|f| f.take(SNIFF as u64).read_to_end(&mut head))
        .map_err(|e| problem(format!("cannot read: {e}")))?;
    detect(&head).ok_or_else(|| {
        problem(
            "cannot tell the format from the content; give it with --format (one of gotest, junit, tap, gocover, lcov, cobertura, sarif, checkstyle, gobench, criterion)".into(),
        )
    })
}

fn has_estimates(dir: &Path) -> bool {
    walk_estimates(dir, 4)
}

fn walk_estimates(dir: &Path, depth: u32) -> bool {
    if dir.join("new/estimates.json").is_file() {
        return true;
    }
    depth > 0
        && std::fs::read_dir(dir).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| e.path().is_dir() && walk_estimates(&e.path(), depth - 1))
        })
}

fn open(input: &Input) -> Result<BufReader<File>, Problems> {
    File::open(&input.path)
        .map(|f| BufReader::with_capacity(64 * 1024, f))
        .map_err(|e| {
            Problems(vec![Problem {
                file: input.name.clone(),
                line: 0,
                column: String::new(),
                reason: format!("cannot read: {e}"),
            }])
        })
}

/// Reads every input and merges them by kind. Every problem of every input is reported.
pub fn read_evidence(inputs: &[Input]) -> Result<Evidence, Problems> {
    read_evidence_of(inputs, None)
}

/// [`read_evidence`] of the project at `project` (a directory of its Go module or work tree),
/// where the Go sources a coverprofile names are looked for too, besides around each profile
/// and the current directory.
pub fn read_evidence_of(inputs: &[Input], project: Option<&Path>) -> Result<Evidence, Problems> {
    let mut problems = Vec::new();
    let mut evidence = Evidence::default();
    let mut coverage_inputs: Vec<(EvidenceFormat, &Input)> = Vec::new();
    for input in inputs {
        let format = match format_of(input) {
            Ok(format) => format,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        let name = input.name.as_str();
        let result = match format {
            EvidenceFormat::GoTest => open(input)
                .and_then(|r| gotest::parse(r, name))
                .map(|run| merge_tests(&mut evidence, run))
                .map(|()| {
                    // Parsed for benchmarks only when a result line can be in it: a byte scan
                    // costs a fraction of a second pass of JSON. A test's own output may print
                    // a line that looks like a malformed benchmark result; in a test stream
                    // that is not an error, only not a benchmark.
                    if mentions_benchmark(input)
                        && let Ok(set) = open(input).and_then(|r| gobench::parse(r, name))
                        && !set.benchmarks.is_empty()
                    {
                        merge_benchmarks(&mut evidence, set);
                    }
                }),
            EvidenceFormat::Junit => open(input)
                .and_then(|r| junit::parse(r, name))
                .map(|run| merge_tests(&mut evidence, run)),
            EvidenceFormat::Tap => open(input)
                .and_then(|r| tap::parse(r, name))
                .map(|run| merge_tests(&mut evidence, run)),
            EvidenceFormat::GoCover | EvidenceFormat::Lcov | EvidenceFormat::Cobertura => {
                coverage_inputs.push((format, input));
                Ok(())
            }
            EvidenceFormat::Sarif => open(input)
                .and_then(|r| sarif::parse(r, name))
                .map(|f| merge_findings(&mut evidence, f)),
            EvidenceFormat::Checkstyle => open(input)
                .and_then(|r| checkstyle::parse(r, name))
                .map(|f| merge_findings(&mut evidence, f)),
            EvidenceFormat::GoBench => open(input)
                .and_then(|r| gobench::parse(r, name))
                .map(|set| merge_benchmarks(&mut evidence, set)),
            EvidenceFormat::Criterion => {
                read_criterion(input).map(|set| merge_benchmarks(&mut evidence, set))
            }
        };
        if let Err(found) = result {
            problems.extend(found.0);
        }
    }
    match read_coverage(&coverage_inputs, project) {
        Ok(coverage) => evidence.coverage = coverage,
        Err(found) => problems.extend(found.0),
    }
    if problems.is_empty() {
        Ok(evidence)
    } else {
        Err(Problems(problems))
    }
}

/// Whether a test2json stream has an output event starting with `Benchmark` (the only place
/// a benchmark result can be), read in blocks with the overlap a match across two needs.
fn mentions_benchmark(input: &Input) -> bool {
    const NEEDLE: &[u8] = b"\"Output\":\"Benchmark";
    let Ok(mut file) = File::open(&input.path) else {
        return false;
    };
    let finder = memchr::memmem::Finder::new(NEEDLE);
    let mut block = vec![0u8; 1 << 20];
    let mut kept = 0;
    loop {
        let read = match file.read(&mut block[kept..]) {
            Ok(0) | Err(_) => return false,
            Ok(n) => n,
        };
        let filled = kept + read;
        if finder.find(&block[..filled]).is_some() {
            return true;
        }
        kept = (NEEDLE.len() - 1).min(filled);
        block.copy_within(filled - kept..filled, 0);
    }
}

fn read_criterion(input: &Input) -> Result<BenchmarkSet, Problems> {
    if input.path.is_dir() {
        criterion::read_dir(&input.path)
    } else {
        criterion::read_file(&input.path)
    }
}

fn merge_tests(evidence: &mut Evidence, run: TestRun) {
    // The first run is moved in whole: extending an empty one would copy a million cases.
    match &mut evidence.tests {
        None => evidence.tests = Some(run),
        Some(tests) => {
            tests.cases.extend(run.cases);
            tests.errors.extend(run.errors);
            tests.inner_failures.extend(run.inner_failures);
            tests.recovered.extend(run.recovered);
        }
    }
}

fn merge_findings(evidence: &mut Evidence, found: Findings) {
    let findings = evidence.findings.get_or_insert_with(Findings::default);
    findings.findings.extend(found.findings);
}

fn merge_benchmarks(evidence: &mut Evidence, set: BenchmarkSet) {
    let benchmarks = evidence
        .benchmarks
        .get_or_insert_with(BenchmarkSet::default);
    for bench in set.benchmarks {
        match benchmarks
            .benchmarks
            .iter_mut()
            .find(|b| b.suite == bench.suite && b.name == bench.name)
        {
            Some(existing) => {
                for metric in bench.metrics {
                    match existing.metrics.iter_mut().find(|m| m.unit == metric.unit) {
                        Some(m) => m.values.extend(metric.values),
                        None => existing.metrics.push(metric),
                    }
                }
            }
            None => benchmarks.benchmarks.push(bench),
        }
    }
}

/// Coverage of each format is merged by its own parser (which knows how its blocks or lines
/// overlap); LCOV and Cobertura, both line coverage, are then merged by file and line
/// ([`coverage::merge_lines`]). Statement and line coverage do not add up, so inputs of both
/// units are refused.
///
/// Go profiles are counted as `go tool cover -func` counts them, with the Go sources of the
/// module around each profile, around `project` and around the current directory
/// ([`coverage::GoSources`]).
fn read_coverage(
    inputs: &[(EvidenceFormat, &Input)],
    project: Option<&Path>,
) -> Result<Option<Coverage>, Problems> {
    let mut problems = Vec::new();
    let of_format = |format: EvidenceFormat| -> Vec<&Input> {
        inputs
            .iter()
            .filter(|(f, _)| *f == format)
            .map(|(_, i)| *i)
            .collect()
    };
    let go = of_format(EvidenceFormat::GoCover);
    let lcov_inputs = of_format(EvidenceFormat::Lcov);
    let cobertura_inputs = of_format(EvidenceFormat::Cobertura);
    let go_readers = readers(&go, &mut problems);
    let lcov_readers = readers(&lcov_inputs, &mut problems);
    let cobertura_readers = readers(&cobertura_inputs, &mut problems);

    let go = (!go.is_empty()).then(|| {
        let mut dirs: Vec<PathBuf> = go
            .iter()
            .filter_map(|i| i.path.parent().map(Path::to_path_buf))
            .collect();
        dirs.extend(project.map(Path::to_path_buf));
        dirs.push(PathBuf::from("."));
        let sources = coverage::GoSources::near(&dirs);
        gocover::parse_counting(go_readers, |file| sources.declarations(file))
    });
    let lcov = (!lcov_inputs.is_empty()).then(|| lcov::parse(lcov_readers));
    let cobertura =
        (!cobertura_inputs.is_empty()).then(|| cobertura::parse_with_sources(cobertura_readers));
    let (go, lcov, cobertura) = (
        ok_or_keep(go, &mut problems),
        ok_or_keep(lcov, &mut problems),
        ok_or_keep(cobertura, &mut problems),
    );
    if !problems.is_empty() {
        return Err(Problems(problems));
    }
    let problem = |reason: String| {
        let names: Vec<String> = inputs.iter().map(|(_, i)| i.name.clone()).collect();
        Problems(vec![Problem {
            file: names.join(", "),
            line: 0,
            column: String::new(),
            reason,
        }])
    };
    match (go, lcov, cobertura) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(problem(
            "Go statement coverage and LCOV/Cobertura line coverage cannot be added up; gate them in separate runs".into(),
        )),
        (Some(go), None, None) => Ok(Some(go)),
        (None, Some(lcov), Some((cobertura, roots))) => coverage::merge_lines(lcov, cobertura, &roots)
            .map(Some)
            .map_err(problem),
        (None, Some(lcov), None) => Ok(Some(lcov)),
        (None, None, Some((cobertura, _))) => Ok(Some(cobertura)),
        (None, None, None) => Ok(None),
    }
}

/// The inputs opened, each with its name; the problems of those that cannot be, kept.
fn readers<'a>(
    inputs: &[&'a Input],
    problems: &mut Vec<Problem>,
) -> Vec<(&'a str, BufReader<File>)> {
    let mut readers = Vec::new();
    for input in inputs {
        match open(input) {
            Ok(reader) => readers.push((input.name.as_str(), reader)),
            Err(found) => problems.extend(found.0),
        }
    }
    readers
}

/// The value of a result, or `None` with its problems kept.
fn ok_or_keep<T>(result: Option<Result<T, Problems>>, problems: &mut Vec<Problem>) -> Option<T> {
    match result? {
        Ok(value) => Some(value),
        Err(found) => {
            problems.extend(found.0);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_from_their_first_bytes() {
        let cases: [(&str, Option<EvidenceFormat>); 14] = [
            (
                "{\"Time\":\"2025\",\"Action\":\"start\"}",
                Some(EvidenceFormat::GoTest),
            ),
            (
                "<?xml version=\"1.0\"?>\n<!-- x -->\n<testsuites>",
                Some(EvidenceFormat::Junit),
            ),
            ("<testsuite name=\"a\">", Some(EvidenceFormat::Junit)),
            (
                "<?xml version=\"1.0\" ?>\n<!DOCTYPE coverage SYSTEM \"x.dtd\">\n<coverage line-rate=\"1\">",
                Some(EvidenceFormat::Cobertura),
            ),
            (
                "<?xml version=\"1.0\"?><checkstyle version=\"5.0\">",
                Some(EvidenceFormat::Checkstyle),
            ),
            (
                "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[]}",
                Some(EvidenceFormat::Sarif),
            ),
            (
                "{\"mean\":{\"confidence_interval\":{},\"point_estimate\":1.0}}",
                Some(EvidenceFormat::Criterion),
            ),
            (
                "mode: set\na.go:1.1,2.2 1 1\n",
                Some(EvidenceFormat::GoCover),
            ),
            ("TN:\nSF:/src/a.js\nDA:1,1\n", Some(EvidenceFormat::Lcov)),
            (
                "TAP version 13\n1..1\nok 1 - a\n",
                Some(EvidenceFormat::Tap),
            ),
            ("ok 1 - a\nok 2 - b\n1..2\n", Some(EvidenceFormat::Tap)),
            (
                "goos: linux\ngoarch: amd64\npkg: example.com/m\nBenchmarkA-2  \t 100\t 12 ns/op\n",
                Some(EvidenceFormat::GoBench),
            ),
            ("ok  \texample.com/m\t0.01s\n", None),
            ("<html>", None),
        ];
        for (text, expected) in cases {
            assert_eq!(detect(text.as_bytes()), expected, "{text}");
        }
    }

    #[test]
    fn a_go_test_stream_is_told_past_the_text_before_its_events() {
        let event = "{\"Time\":\"2025\",\"Action\":\"run\",\"Package\":\"p\",\"Test\":\"TestA\"}\n";
        let build_failure = "FAIL\texample.com/x [build failed]\n";
        let compiler = "# example.com/x [example.com/x.test]\nx/x.go:9:9: undefined: y\n";
        let cases: [(String, Option<EvidenceFormat>); 8] = [
            (
                format!("{build_failure}{event}"),
                Some(EvidenceFormat::GoTest),
            ),
            (
                format!("{compiler}{build_failure}{event}"),
                Some(EvidenceFormat::GoTest),
            ),
            (
                format!("go: downloading example.com/y v1.0.0\n{event}"),
                Some(EvidenceFormat::GoTest),
            ),
            // Nothing built: no event at all.
            (
                format!("{compiler}{build_failure}"),
                Some(EvidenceFormat::GoTest),
            ),
            // The compiler's messages alone, longer than what detection reads.
            (compiler.repeat(2), Some(EvidenceFormat::GoTest)),
            // A build failure before Go benchmark text is benchmark text.
            (
                format!(
                    "{build_failure}goos: linux\npkg: example.com/m\nBenchmarkA-2 \t 100\t 12 ns/op\n"
                ),
                Some(EvidenceFormat::GoBench),
            ),
            // A Markdown heading and a path with a line number are not Go's.
            ("# Notes\nsee main.go for details\n".into(), None),
            ("x/x.go:9:9: undefined: y\n".into(), None),
        ];
        for (text, expected) in cases {
            assert_eq!(detect(text.as_bytes()), expected, "{text}");
        }
    }

    #[test]
    fn format_names_round_trip_and_unknown_names_list_the_valid_ones() {
        for format in EvidenceFormat::ALL {
            assert_eq!(EvidenceFormat::from_name(format.name()), Ok(format));
        }
        let error = EvidenceFormat::from_name("xunit").unwrap_err();
        assert!(error.contains("expected one of gotest, junit"), "{error}");
    }
}
