//! Go benchmark output: real `go test -bench` text and `-json` runs, results split across
//! test2json events, GOMAXPROCS suffixes, and every kind of bad result line reported with its
//! place.

use std::path::PathBuf;

use crate::support;
use gigops_core::evidence::{Benchmark, BenchmarkSet};
use gigops_ingest::gobench;
use proptest::prelude::*;

fn fixture(name: &str) -> PathBuf {
    support::fixture(&format!("gobench/{name}"))
}

fn read(name: &str) -> String {
    support::read_fixture(&format!("gobench/{name}"))
}

fn parse(name: &str, text: &str) -> Result<BenchmarkSet, Vec<String>> {
    gobench::parse(text.as_bytes(), name).map_err(|p| p.0.iter().map(ToString::to_string).collect())
}

fn find<'a>(set: &'a BenchmarkSet, suite: &str, name: &str) -> &'a Benchmark {
    set.benchmarks
        .iter()
        .find(|b| b.suite == suite && b.name == name)
        .unwrap_or_else(|| panic!("no {suite} {name} in {set:#?}"))
}

fn values<'a>(benchmark: &'a Benchmark, unit: &str) -> &'a [f64] {
    &benchmark
        .metrics
        .iter()
        .find(|m| m.unit == unit)
        .unwrap_or_else(|| panic!("no {unit} in {benchmark:#?}"))
        .values
}

fn units(benchmark: &Benchmark) -> Vec<&str> {
    benchmark.metrics.iter().map(|m| m.unit.as_str()).collect()
}

const HASH: &str = "example.com/bench/hash";
const TEXT: &str = "example.com/bench/text";

#[test]
fn a_real_text_run_with_count_5_has_five_values_per_unit() {
    let set = parse("bench.txt", &read("bench.txt")).unwrap();
    // bench.txt: pkg hash has BenchmarkFNV and BenchmarkFNVLogged, pkg text has the two
    // BenchmarkReverse sub-benchmarks and BenchmarkWords; in the order Go ran them.
    let names: Vec<(&str, &str)> = set
        .benchmarks
        .iter()
        .map(|b| (b.suite.as_str(), b.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            (HASH, "BenchmarkFNV"),
            (HASH, "BenchmarkFNVLogged"),
            (TEXT, "BenchmarkReverse/len=16"),
            (TEXT, "BenchmarkReverse/len=1024"),
            (TEXT, "BenchmarkWords"),
        ]
    );
    let fnv = find(&set, HASH, "BenchmarkFNV");
    // SetBytes gives MB/s after ns/op; -benchmem adds B/op and allocs/op.
    assert_eq!(units(fnv), ["ns/op", "MB/s", "B/op", "allocs/op"]);
    // The five BenchmarkFNV-2 lines of bench.txt (lines 5–9), in order.
    assert_eq!(values(fnv, "ns/op"), [24.17, 10.06, 9.829, 9.594, 16.57]);
    assert_eq!(
        values(fnv, "MB/s"),
        [2648.35, 6358.67, 6511.01, 6670.84, 3862.40]
    );
    assert_eq!(values(fnv, "B/op"), [0.0; 5]);
    assert!(fnv.metrics[1].higher_is_better() && !fnv.metrics[0].higher_is_better());

    // Its "--- BENCH:" log blocks (lines 11–13, …) are not results.
    let logged = find(&set, HASH, "BenchmarkFNVLogged");
    assert_eq!(units(logged), ["ns/op", "B/op", "allocs/op"]);
    assert_eq!(values(logged, "ns/op"), [9.645, 21.80, 21.93, 11.28, 4.582]);

    // The 1024-byte sub-benchmark allocates its copy twice over: 2048 B/op in 2 allocs/op.
    let long = find(&set, TEXT, "BenchmarkReverse/len=1024");
    assert_eq!(values(long, "B/op"), [2048.0; 5]);
    assert_eq!(values(long, "allocs/op"), [2.0; 5]);
    // Two runs of len=16 measured the same 8.273 ns/op: repeated values are all kept.
    let short = find(&set, TEXT, "BenchmarkReverse/len=16");
    assert_eq!(values(short, "ns/op"), [8.273, 15.02, 8.273, 14.23, 8.387]);

    // b.ReportMetric's unit comes where Go printed it, after ns/op.
    let words = find(&set, TEXT, "BenchmarkWords");
    assert_eq!(units(words), ["ns/op", "words/op", "B/op", "allocs/op"]);
    assert_eq!(values(words, "words/op"), [100.0; 5]);
    assert_eq!(
        values(words, "ns/op"),
        [1978.0, 2060.0, 1914.0, 2070.0, 1948.0]
    );
}

/// A benchmark's suite, name, and each unit with how many values it has.
type Shape = (String, String, Vec<(String, usize)>);

/// The text of every `Output` field of a test2json stream, in order.
fn outputs(json: &str) -> String {
    json.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|e| e["Output"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn a_real_json_run_reads_as_its_own_output_text() {
    let json = read("bench.json");
    let from_json = parse("bench.json", &json).unwrap();
    // The same benchmarks as the text run of the same command.
    let text = parse("bench.txt", &read("bench.txt")).unwrap();
    let shape = |set: &BenchmarkSet| -> Vec<Shape> {
        set.benchmarks
            .iter()
            .map(|b| {
                let metrics = b
                    .metrics
                    .iter()
                    .map(|m| (m.unit.clone(), m.values.len()))
                    .collect();
                (b.suite.clone(), b.name.clone(), metrics)
            })
            .collect()
    };
    assert_eq!(shape(&from_json), shape(&text));
    // And exactly what the events' output says, joined into plain text: the results Go split
    // across two events (bench.json lines 10–11, 15–16, …) are put back together.
    assert_eq!(from_json, parse("joined", &outputs(&json)).unwrap());
    // Lines 6–9 are whole, line 10 + 11 is split: "BenchmarkFNV-2 \t" then "2000 10.22 ns/op …".
    let fnv = find(&from_json, HASH, "BenchmarkFNV");
    assert_eq!(values(fnv, "ns/op"), [24.64, 9.860, 19.25, 9.730, 10.22]);
}

#[test]
fn failed_and_skipped_benchmarks_have_no_results_and_are_not_problems() {
    for name in ["fails.txt", "fails.json"] {
        let set = parse(name, &read(name)).unwrap();
        // fails/: BenchmarkWorks ran once; BenchmarkBreaks failed, BenchmarkSkips was skipped.
        assert_eq!(set.benchmarks.len(), 1, "{name}: {set:#?}");
        let works = find(&set, "example.com/bench/fails", "BenchmarkWorks");
        assert_eq!(values(works, "ns/op").len(), 1);
    }
}

#[test]
fn several_gomaxprocs_in_one_input_keep_their_suffixes() {
    let set = parse("cpu.txt", &read("cpu.txt")).unwrap();
    // cpu.txt ran with -cpu 1,2 -count 2: Go prints no suffix for 1, "-2" for 2.
    let names: Vec<&str> = set.benchmarks.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["BenchmarkWords", "BenchmarkWords-2"]);
    assert_eq!(values(&set.benchmarks[0], "ns/op"), [1940.0, 1046.0]);
    assert_eq!(values(&set.benchmarks[1], "ns/op"), [841.2, 1490.0]);

    // One GOMAXPROCS only: the suffix goes, so runs on 2 and 8 cores pair up.
    let on_two = parse("a", "BenchmarkX/n-3-2 1 5 ns/op\n").unwrap();
    let on_eight = parse("b", "BenchmarkX/n-3-8 1 5 ns/op\n").unwrap();
    // Only the last "-digits" is GOMAXPROCS: "n-3" is part of the name, as benchfmt reads it.
    assert_eq!(on_two.benchmarks[0].name, "BenchmarkX/n-3");
    assert_eq!(on_two, on_eight);
}

#[test]
fn go_test_json_without_benchmarks_is_an_empty_set() {
    let go = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/go");
    for name in [
        "gotest.json",
        "edge.json",
        "broken.json",
        "gotest-cached.json",
    ] {
        let text = std::fs::read_to_string(go.join(name)).unwrap();
        let set = parse(name, &text).unwrap();
        assert_eq!(set.benchmarks, vec![], "{name}");
    }
}

#[test]
fn split_events_are_joined_per_package() {
    // p's result is split around a whole line of q's; p's second benchmark never gets its
    // numbers (the bare name Go prints before running it); q's last line has no newline at all.
    let json = r#"{"Action":"output","Package":"p","Output":"BenchmarkX-8 \t"}
{"Action":"output","Package":"q","Output":"BenchmarkY-8 \t 10\t 7 ns/op\n"}
{"Action":"output","Package":"p","Output":"    100\t   123 ns/op\t  8 B/op\n"}
{"Action":"output","Package":"p","Output":"BenchmarkZ-8 \t"}
{"Action":"pass","Package":"p","Elapsed":0.1}
{"Action":"output","Package":"q","Output":"BenchmarkY-8 \t 10\t 9 ns/op"}
"#;
    let set = parse("split.json", json).unwrap();
    // Without `pkg:` lines the suite is the event's Package.
    let names: Vec<(&str, &str)> = set
        .benchmarks
        .iter()
        .map(|b| (b.suite.as_str(), b.name.as_str()))
        .collect();
    assert_eq!(names, [("q", "BenchmarkY"), ("p", "BenchmarkX")]);
    assert_eq!(values(&set.benchmarks[0], "ns/op"), [7.0, 9.0]);
    assert_eq!(values(&set.benchmarks[1], "ns/op"), [123.0]);
    assert_eq!(values(&set.benchmarks[1], "B/op"), [8.0]);
}

#[test]
fn pkg_lines_set_the_suite_and_crlf_is_accepted() {
    let text = "BenchmarkA 1 1 ns/op\r\npkg: example.com/a\r\nBenchmarkA 1 2 ns/op\r\npkg:\r\nBenchmarkA 1 3 ns/op\r\n";
    let set = parse("w.txt", text).unwrap();
    // Before any pkg: line, and after an empty one, the suite is empty.
    let found: Vec<(&str, &[f64])> = set
        .benchmarks
        .iter()
        .map(|b| (b.suite.as_str(), values(b, "ns/op")))
        .collect();
    assert_eq!(
        found,
        [("", &[1.0, 3.0][..]), ("example.com/a", &[2.0][..])]
    );
    assert_eq!(parse("e.txt", "").unwrap(), BenchmarkSet::default());
    assert_eq!(parse("e.txt", "\n\n").unwrap(), BenchmarkSet::default());
}

#[test]
fn a_time_unit_comes_first_whatever_the_order_printed() {
    let set = parse("t.txt", "BenchmarkA 1 3 rows/op 2 ns/op\n").unwrap();
    assert_eq!(units(&set.benchmarks[0]), ["ns/op", "rows/op"]);
}

#[test]
fn every_bad_result_line_is_reported_with_its_place() {
    let text = "pkg: example.com/x
BenchmarkA-8   \t 100\t 5.0 ns/op
BenchmarkB-8   \t many\t 5.0 ns/op
BenchmarkC-8   \t 100\t 5.0
BenchmarkD-8   \t 100\t fast ns/op
BenchmarkE-8   \t 100
BenchmarkF-8   \t 100\t NaN ns/op
BenchmarkG-8   \t 100\t 1 ns/op\t 2 ns/op
BenchmarkH-8   \t -5\t 1 ns/op
BenchmarkOnlyAName-8
  BenchmarkIndented is a log line
Benchmarks ran fine
Benchmarking took 3s
Benchmark results: 3
PASS
ok  \texample.com/x\t0.1s
";
    let found = parse("bad.txt", text).unwrap_err();
    let expected = [
        (
            "bad.txt:3: iterations: ",
            "\"many\" of BenchmarkB-8 is not a whole number",
        ),
        ("bad.txt:4: unit: ", "value 5.0 has no unit"),
        ("bad.txt:5: value: ", "\"fast\" is not a number"),
        ("bad.txt:6: value: ", "no `value unit` pairs"),
        ("bad.txt:7: value: ", "\"NaN\" is not a finite number"),
        ("bad.txt:8: unit: ", "unit ns/op appears twice"),
        (
            "bad.txt:9: iterations: ",
            "\"-5\" of BenchmarkH-8 is not a whole number",
        ),
        // A bare name (line 10), an indented line (11) and "Benchmark" followed by a lower-case
        // letter (12, 13: not a name Go gives a benchmark) are not results; "Benchmark" alone
        // is a name (func Benchmark), so line 14 is a result, and a bad one.
        (
            "bad.txt:14: iterations: ",
            "\"results:\" of Benchmark is not a whole number",
        ),
    ];
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for ((prefix, reason), problem) in expected.iter().zip(&found) {
        assert!(
            problem.starts_with(prefix) && problem.contains(reason),
            "{problem:?} should start {prefix:?} and say {reason:?}"
        );
    }
}

#[test]
fn problems_in_json_carry_the_line_of_the_event_that_completed_the_result() {
    let json = r#"{"Action":"output","Package":"p","Output":"BenchmarkX-8 \t"}
{"Action":"output","Package":"p","Output":"    100\t   fast ns/op\n"}
{"Action":"output","Package":"p","Output":
not json, the go command's own message
{"Package":"p"}
{"Action":"output","Package":"p","Output":"BenchmarkY-8 \t 1 2"}
"#;
    let found = parse("bad.json", json).unwrap_err();
    let expected = [
        ("bad.json:2: value: ", "\"fast\" is not a number"),
        ("bad.json:3: ", "not a test2json event"),
        (
            "bad.json:5: ",
            "not a test2json event: missing field `Action`",
        ),
        // Flushed at the end of the input, still placed at its event.
        ("bad.json:6: unit: ", "value 2 has no unit"),
    ];
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for ((prefix, reason), problem) in expected.iter().zip(&found) {
        assert!(
            problem.starts_with(prefix) && problem.contains(reason),
            "{problem:?} should start {prefix:?} and say {reason:?}"
        );
    }
}

fn check(text: &str) {
    let lines = text.lines().count() as u64 + 1;
    if let Err(problems) = gobench::parse(text.as_bytes(), "input") {
        support::assert_located(&problems, lines);
        for problem in &problems.0 {
            assert!(problem.line >= 1, "{problem} is before the input");
        }
    }
}

/// Bytes the formats give meaning to, and a byte of a multi-byte character.
fn mutate(text: &str, edits: &[(usize, u8)]) -> String {
    support::mutate_text(text, edits, b"\n\t -:{}\"\\B0.9e/\xe7")
}

const TEXT_SAMPLE: &str = "goos: linux\npkg: example.com/a\nBenchmarkA/n=1-8 \t 100\t 5.5 ns/op\t 12.5 MB/s\t 3 B/op\nBenchmarkA/n=1-8\n--- BENCH: BenchmarkA\nPASS\n";
const JSON_SAMPLE: &str = r#"{"Action":"output","Package":"p","Output":"pkg: p\n"}
{"Action":"output","Package":"p","Output":"BenchmarkX-8 \t"}
{"Action":"output","Package":"p","Output":"    100\t   123 ns/op\t  8 B/op\n"}
{"Action":"pass","Package":"p"}
"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,400}") {
        check(&text);
    }

    #[test]
    fn benchmark_like_lines_never_panic(
        lines in proptest::collection::vec("Benchmark[A-Za-z/=0-9-]{0,12}( +[-+0-9.eEaNIinf]{0,6}( +[a-z/]{0,6})?){0,4}", 0..8),
    ) {
        check(&lines.join("\n"));
    }

    #[test]
    fn mutated_text_never_panics(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..12),
    ) {
        check(&mutate(TEXT_SAMPLE, &edits));
    }

    #[test]
    fn mutated_json_never_panics(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..12),
    ) {
        check(&mutate(JSON_SAMPLE, &edits));
    }
}

/// Through format detection: a `go test -json` stream gives its tests, and its benchmarks when
/// it has result lines (and only then is it read a second time for them).
#[test]
fn a_go_test_json_stream_is_read_for_tests_and_benchmarks() {
    use gigops_ingest::evidence::{Input, read_evidence};
    let input = |path: PathBuf| Input {
        name: path.display().to_string(),
        path,
        format: None,
    };
    let with_benchmarks = read_evidence(&[input(fixture("bench.json"))]).unwrap();
    // The fixture README's hand count: 5 benchmarks.
    assert_eq!(with_benchmarks.benchmarks.unwrap().benchmarks.len(), 5);
    assert!(with_benchmarks.tests.is_some());
    let go = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/go/gotest.json");
    let without = read_evidence(&[input(go)]).unwrap();
    assert_eq!(without.tests.unwrap().counts().total, 12);
    assert_eq!(without.benchmarks, None);
}
