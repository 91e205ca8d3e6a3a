//! criterion's output directory: a real `target/criterion` tree checked against criterion's own
//! estimates, the folders that are not the last run, and every kind of bad file reported with
//! its place.

use std::path::{Path, PathBuf};

use crate::support;
use gigops_core::evidence::{Benchmark, BenchmarkSet};
use gigops_ingest::criterion;
use proptest::prelude::*;

fn fixture(name: &str) -> PathBuf {
    support::fixture(&format!("criterion/{name}"))
}

fn real_tree() -> PathBuf {
    fixture("target-criterion")
}

fn problems(result: Result<BenchmarkSet, gigops_core::Problems>) -> Vec<String> {
    match result {
        Ok(set) => panic!("expected problems, got {set:#?}"),
        Err(problems) => problems.0.iter().map(ToString::to_string).collect(),
    }
}

/// A number criterion wrote into one of its JSON files.
fn json_number(path: &Path, pointer: &str) -> f64 {
    let text = std::fs::read_to_string(path).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value.pointer(pointer).unwrap().as_f64().unwrap()
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

fn close(a: f64, b: f64) -> bool {
    ((a - b) / b).abs() < 1e-12
}

#[test]
fn a_real_tree_has_every_benchmark_with_one_value_per_sample() {
    let set = criterion::read_dir(&real_tree()).unwrap();
    // The fixture's bench: group "numbers" with digit_sum and parse_list at 4 and 64, and
    // "lone digit_sum" made outside any group; directories in name order.
    let names: Vec<(&str, &str)> = set
        .benchmarks
        .iter()
        .map(|b| (b.suite.as_str(), b.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("", "lone digit_sum"),
            ("numbers", "digit_sum"),
            ("numbers", "parse_list/4"),
            ("numbers", "parse_list/64"),
        ]
    );
    for benchmark in &set.benchmarks {
        assert_eq!(benchmark.metrics.len(), 1);
        assert_eq!(benchmark.metrics[0].unit, "ns/op");
        // sample_size(10): ten samples each.
        assert_eq!(benchmark.metrics[0].values.len(), 10, "{}", benchmark.name);
    }
}

/// The directory of a benchmark of the real tree.
fn dir_of(benchmark: &Benchmark) -> PathBuf {
    let relative = if benchmark.suite.is_empty() {
        benchmark.name.clone()
    } else {
        format!("{}/{}", benchmark.suite, benchmark.name)
    };
    real_tree().join(relative)
}

#[test]
fn per_iteration_values_reproduce_criterions_own_mean_and_median() {
    // criterion's mean and median estimates are statistics of times[i] / iters[i]: the values
    // read must give the same, which shows both the division and that only new/ was read (base/
    // holds the previous run's different samples).
    let set = criterion::read_dir(&real_tree()).unwrap();
    for benchmark in &set.benchmarks {
        let values = &benchmark.metrics[0].values;
        let estimates = dir_of(benchmark).join("new/estimates.json");
        let criterion_mean = json_number(&estimates, "/mean/point_estimate");
        let criterion_median = json_number(&estimates, "/median/point_estimate");
        assert!(close(mean(values), criterion_mean), "{}", benchmark.name);
        assert!(
            close(median(values), criterion_median),
            "{}",
            benchmark.name
        );
        let base = dir_of(benchmark).join("base/estimates.json");
        assert!(!close(
            mean(values),
            json_number(&base, "/mean/point_estimate")
        ));
    }
    // And by hand, parse_list/4's first sample: 17986958 ns over 69405 iterations.
    let first = set.benchmarks[2].metrics[0].values[0];
    assert_eq!(first, 17_986_958.0 / 69_405.0);
}

#[test]
fn a_directory_inside_the_tree_reads_just_what_is_below_it() {
    let set = criterion::read_dir(&real_tree().join("numbers/parse_list")).unwrap();
    // Without benchmark.json the names would come from the directories; with it they are
    // criterion's ids whatever directory is given.
    let names: Vec<&str> = set.benchmarks.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["parse_list/4", "parse_list/64"]);
}

#[test]
fn without_samples_the_mean_estimate_is_the_one_value() {
    let set = criterion::read_dir(&fixture("no-samples")).unwrap();
    let estimates = fixture("no-samples/numbers/digit_sum/new/estimates.json");
    assert_eq!(set.benchmarks.len(), 1);
    assert_eq!(
        set.benchmarks[0].metrics[0].values,
        [json_number(&estimates, "/mean/point_estimate")]
    );
    // The same file given on its own, named by the caller.
    let file = std::fs::File::open(&estimates).unwrap();
    let one = criterion::parse_estimates(
        std::io::BufReader::new(file),
        "estimates.json",
        "numbers",
        "digit_sum",
    )
    .unwrap();
    assert_eq!(one, set);
    // As written in the file: "mean":{…,"point_estimate":20.710798163924693,…}.
    assert_eq!(one.benchmarks[0].metrics[0].values, [20.710798163924693]);
}

#[test]
fn one_file_given_on_its_own_reads_as_in_the_whole_tree() {
    let whole = criterion::read_dir(&real_tree()).unwrap();
    for benchmark in &whole.benchmarks {
        let file = dir_of(benchmark).join("new/estimates.json");
        let one = criterion::read_file(&file).unwrap();
        assert_eq!(one.benchmarks, std::slice::from_ref(benchmark));
    }
    // Without benchmark.json the directories name it: group, then benchmark.
    let dir = scratch_dir();
    let new = dir.join("g/b/new");
    std::fs::write(
        new.join("estimates.json"),
        r#"{"mean":{"point_estimate":2.5}}"#,
    )
    .unwrap();
    let one = criterion::read_file(&new.join("estimates.json"));
    std::fs::remove_dir_all(&dir).unwrap();
    let one = one.unwrap();
    assert_eq!(
        (
            one.benchmarks[0].suite.as_str(),
            one.benchmarks[0].name.as_str()
        ),
        ("g", "b")
    );
    assert_eq!(one.benchmarks[0].metrics[0].values, [2.5]);
    let found = problems(criterion::read_file(
        &real_tree().join("no/such/new/estimates.json"),
    ));
    assert!(found[0].contains("not a file"), "{found:?}");
}

#[test]
fn every_bad_file_is_reported_with_its_place() {
    let found = problems(criterion::read_dir(&fixture("broken")));
    let root = fixture("broken");
    let at = |rest: &str| root.join(rest).display().to_string();
    let expected = [
        // benchmark.json has a doubled comma at the end of its line 3.
        (
            format!("{}:3: column 26: ", at("g/bad-ids/new/benchmark.json")),
            "not criterion's JSON",
        ),
        (
            format!("{}: times: ", at("g/mismatch/new/sample.json")),
            "2 iteration counts but 3 times",
        ),
        (
            format!("{}: ", at("g/no-results/new")),
            "neither sample.json nor estimates.json",
        ),
        (
            format!("{}: iters: ", at("g/zero-iters/new/sample.json")),
            "sample 1: iteration count 0 is not above 0",
        ),
    ];
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for ((prefix, reason), problem) in expected.iter().zip(&found) {
        assert!(
            problem.starts_with(prefix.as_str()) && problem.contains(reason),
            "{problem:?} should start {prefix:?} and say {reason:?}"
        );
    }
}

#[test]
fn a_directory_without_benchmarks_or_no_directory_is_a_problem() {
    // The fixture folder of another tool: there is no new/ anywhere below it.
    let go = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/go");
    let found = problems(criterion::read_dir(&go));
    assert_eq!(found.len(), 1);
    assert!(
        found[0].contains("no criterion benchmark here"),
        "{found:?}"
    );
    let found = problems(criterion::read_dir(&fixture("README.md")));
    assert!(found[0].contains("not a directory"), "{found:?}");
}

#[test]
fn bad_estimates_are_problems_with_line_and_column() {
    let parse = |text: &str| criterion::parse_estimates(text.as_bytes(), "e.json", "g", "b");
    let found = problems(parse("{\"mean\": {\"point_estimate\": \"fast\"}}"));
    assert!(
        found[0].starts_with("e.json:1: column ") && found[0].contains("invalid type"),
        "{found:?}"
    );
    let found = problems(parse("{\n\"median\": {\"point_estimate\": 1.0}\n}"));
    assert!(
        found[0].starts_with("e.json:3: ") && found[0].contains("missing field `mean`"),
        "{found:?}"
    );
    let found = problems(parse("{\"mean\": {\"point_estimate\": -1.0}}"));
    assert!(
        found[0].starts_with("e.json: mean.point_estimate: "),
        "{found:?}"
    );
}

/// Bytes JSON gives meaning to, and a byte of a multi-byte character.
fn mutate(text: &str, edits: &[(usize, u8)]) -> String {
    support::mutate_text(text, edits, b"{}[],:\"-0.e9\n\xe7")
}

fn check(text: &str) {
    let lines = text.lines().count() as u64 + 1;
    if let Err(problems) = criterion::parse_estimates(text.as_bytes(), "input", "g", "b") {
        for problem in &problems.0 {
            assert_eq!(problem.file, "input");
            assert!(problem.line <= lines, "{problem} is past the end");
            assert!(!problem.reason.is_empty());
        }
    }
}

/// A fresh directory for one fuzz case, under the system's temporary directory.
fn scratch_dir() -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "gigops-criterion-fuzz-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(dir.join("g/b/new")).unwrap();
    dir
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_estimates_never_panic(text in ".{0,300}") {
        check(&text);
    }

    #[test]
    fn mutated_estimates_never_panic(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..12),
    ) {
        let real = std::fs::read_to_string(real_tree().join("numbers/digit_sum/new/estimates.json")).unwrap();
        check(&mutate(&real, &edits));
    }
}

proptest! {
    // Each case writes files: fewer cases.
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn mutated_sample_and_ids_never_panic(
        sample_edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        ids_edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
    ) {
        let dir = scratch_dir();
        let new = dir.join("g/b/new");
        std::fs::write(new.join("sample.json"), mutate(r#"{"sampling_mode":"Linear","iters":[1.0,2.0],"times":[10.0,30.0]}"#, &sample_edits)).unwrap();
        std::fs::write(new.join("benchmark.json"), mutate(r#"{"group_id":"g","function_id":"b","value_str":null,"full_id":"g/b","directory_name":"g/b"}"#, &ids_edits)).unwrap();
        let result = criterion::read_dir(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        if let Ok(set) = result {
            prop_assert_eq!(set.benchmarks.len(), 1);
            prop_assert!(set.benchmarks[0].metrics[0].values.iter().all(|v| v.is_finite()));
        }
    }
}
