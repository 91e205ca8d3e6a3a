//! `go test -json` streams: real outputs of Go 1.19 (see tests/fixtures/go/README.md), counted
//! by hand from the Go sources, and hand-written edge cases of other Go versions.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{self, counts};
use gigops_core::evidence::{SuiteErrorKind, TestCounts, TestRun, TestStatus};
use gigops_ingest::evidence::{self, EvidenceFormat, Input};
use gigops_ingest::gotest;

fn fixture(name: &str) -> PathBuf {
    support::fixture(&format!("go/{name}"))
}

fn read(name: &str) -> String {
    support::read_fixture(&format!("go/{name}"))
}

fn parse(text: &str) -> TestRun {
    gotest::parse(text.as_bytes(), "test.json").unwrap_or_else(|p| panic!("{p}"))
}
/// `package test`, the package by its last element.
fn short_name(suite: &str, test: &str) -> String {
    format!("{} {test}", suite.rsplit('/').next().unwrap())
}

/// `package test` → status, for every case.
fn statuses(run: &TestRun) -> BTreeMap<String, TestStatus> {
    let mut map = BTreeMap::new();
    for case in &run.cases {
        let previous = map.insert(short_name(&case.suite, &case.name), case.status);
        assert!(previous.is_none(), "{} counted twice", case.name);
    }
    map
}

fn output_of<'r>(run: &'r TestRun, name: &str) -> &'r str {
    &run.cases.iter().find(|c| &*c.name == name).unwrap().output
}

#[test]
fn a_real_run_counts_tests_and_subtests_as_gotestsum_does() {
    let run = gotest::parse(read("gotest.json").as_bytes(), "gotest.json").unwrap();
    assert_eq!(run.counts(), counts(12, 6, 4, 2, 0));
    use TestStatus::*;
    let expected = [
        ("calc TestAdd", Passed),
        ("calc TestAddWrong", Failed),
        ("calc TestDivPanics", Failed),
        ("calc TestSign", Failed),
        ("calc TestSign/negative", Passed),
        ("calc TestSign/nested", Passed),
        ("calc TestSign/nested/deep", Skipped),
        ("calc TestSign/positive", Failed),
        ("calc TestSign/zero", Passed),
        ("calc TestSkipped", Skipped),
        ("util TestTwice", Passed),
        ("util TestTwiceZero", Passed),
    ];
    let expected: BTreeMap<String, TestStatus> =
        expected.iter().map(|&(n, s)| (n.to_string(), s)).collect();
    assert_eq!(statuses(&run), expected);
    assert!(run.cases.iter().all(|c| !c.cached));
    assert!(run.cases.iter().all(|c| c.duration_seconds == Some(0.0)));
    assert_eq!(&*run.cases[0].suite, "example.com/shop/calc");
}

#[test]
fn output_goes_to_the_test_that_printed_it() {
    let run = parse(&read("gotest.json"));
    let wrong = output_of(&run, "TestAddWrong");
    assert!(
        wrong.contains("calc_test.go:15: about to compare\n"),
        "{wrong}"
    );
    assert!(wrong.contains("Add(2, 2) = 4, want 5"), "{wrong}");
    assert!(!wrong.contains("Sign("), "{wrong}");
    let positive = output_of(&run, "TestSign/positive");
    assert!(positive.contains("Sign(7) = 1, want 2"), "{positive}");
    assert!(output_of(&run, "TestSign/nested/deep").contains("not yet"));
    assert!(output_of(&run, "TestSkipped").contains("needs a database"));
    // The panic's stack came after another package ended, and still belongs to its test.
    let panicked = output_of(&run, "TestDivPanics");
    assert!(panicked.starts_with("=== RUN   TestDivPanics\ndividing by zero\n"));
    assert!(panicked.contains("panic: runtime error: integer divide by zero"));
    assert!(panicked.contains("calc_test.go:51"));
}

#[test]
fn cached_results_are_marked() {
    let run = parse(&read("gotest-cached.json"));
    assert_eq!(run.counts(), counts(12, 6, 4, 2, 0));
    for case in &run.cases {
        assert_eq!(
            case.cached,
            &*case.suite == "example.com/shop/util",
            "{} {}",
            case.suite,
            case.name
        );
    }
}

#[test]
fn a_real_build_failure_in_plain_text_is_a_suite_error() {
    let run = parse(&read("broken.json"));
    assert_eq!(run.counts(), counts(0, 0, 0, 0, 1));
    let error = &run.errors[0];
    assert_eq!(&*error.suite, "example.com/broken");
    assert_eq!(error.kind, SuiteErrorKind::BuildFailure);
    assert!(
        error
            .output
            .starts_with("# example.com/broken [example.com/broken.test]\n")
    );
    assert!(
        error
            .output
            .contains("./broken.go:5:9: cannot use \"not an int\"")
    );
    assert!(
        error
            .output
            .ends_with("FAIL\texample.com/broken [build failed]\n")
    );

    // Mixed into the events of other packages (as `go test ./...` over several modules would).
    let mixed = format!("{}{}", read("broken.json"), read("gotest.json"));
    let run = parse(&mixed);
    assert_eq!(run.counts(), counts(12, 6, 4, 2, 1));
}

#[test]
fn real_timeout_init_panic_and_test_main_failure() {
    let run = parse(&read("edge.json"));
    // Three suite errors, but the timed-out package also has its running test failed, so only
    // the init panic and the TestMain failure count as errors.
    assert_eq!(run.counts(), counts(3, 2, 1, 0, 2));
    let slow = run.cases.iter().find(|c| &*c.name == "TestSlow").unwrap();
    assert_eq!(slow.status, TestStatus::Failed);
    assert_eq!(slow.duration_seconds, None);
    assert!(slow.output.contains("slow_test.go:11: waiting"));
    let kinds: BTreeMap<&str, SuiteErrorKind> =
        run.errors.iter().map(|e| (&*e.suite, e.kind)).collect();
    assert_eq!(
        kinds,
        BTreeMap::from([
            ("example.com/edge/initpanic", SuiteErrorKind::Panic),
            ("example.com/edge/mainexit", SuiteErrorKind::Failed),
            ("example.com/edge/slow", SuiteErrorKind::Timeout),
        ])
    );
    let error = |suite: &str| {
        &run.errors
            .iter()
            .find(|e| e.suite.ends_with(suite))
            .unwrap()
            .output
    };
    assert!(error("initpanic").starts_with("panic: bad configuration\n"));
    assert!(error("mainexit").contains("leaked goroutines found"));
    assert!(error("slow").contains("panic: test timed out after 2s"));
}

/// `package test` → status, for the inner failures.
fn inner_statuses(run: &TestRun) -> BTreeMap<String, TestStatus> {
    let inner = TestRun {
        cases: run.inner_failures.clone(),
        ..TestRun::default()
    };
    statuses(&inner)
}

/// ci.json and ci-merged.json, counted by hand from the Go sources and what Go 1.19 printed
/// (tests/fixtures/go/README.md).
#[test]
fn a_real_failing_ci_run_is_read_whole() {
    use TestStatus::*;
    let expected = [
        ("glued TestExport", Passed),
        ("glued TestExportEmpty", Skipped),
        ("glued TestFormats", Passed),
        ("glued TestFormats/csv", Passed),
        ("glued TestFormats/json", Passed),
        ("glued TestPlain", Passed),
        ("nested TestInnerPasses", Passed),
        ("nested TestPlain", Passed),
        ("nested TestRunAllReportsFailures", Passed),
        ("report TestTitle", Passed),
        ("retry TestDoGivesUp", Failed),
        ("retry TestDoSucceedsOnTheSecondAttempt", Passed),
    ];
    let expected: BTreeMap<String, TestStatus> =
        expected.iter().map(|&(n, s)| (n.to_string(), s)).collect();
    for name in ["ci.json", "ci-merged.json"] {
        let run = parse(&read(name));
        assert_eq!(
            run.counts(),
            TestCounts {
                inner_failures: 1,
                ..counts(12, 10, 1, 1, 1)
            },
            "{name}"
        );
        assert_eq!(statuses(&run), expected, "{name}");
        assert_eq!(
            inner_statuses(&run),
            BTreeMap::from([("nested TestInnerFails".to_string(), Failed)]),
            "{name}"
        );
        assert!(output_of(&run, "TestDoGivesUp").contains("attempt 2... --- FAIL"));
        let [error] = &run.errors[..] else {
            panic!("{name}: one suite error expected: {:?}", run.errors);
        };
        assert_eq!(&*error.suite, "example.com/ci/billing");
        assert_eq!(error.kind, SuiteErrorKind::BuildFailure);
        assert!(
            error
                .output
                .ends_with("FAIL\texample.com/ci/billing [build failed]\n")
        );
    }
    // With stderr merged, the compiler's message is there, with its file, line and column.
    let merged = parse(&read("ci-merged.json"));
    assert!(
        merged.errors[0].output.starts_with(
            "# example.com/ci/billing [example.com/ci/billing.test]\nbilling/billing.go:9:9: cannot use \"sum\""
        ),
        "{}",
        merged.errors[0].output
    );
}

/// A stream that starts with Go's text (a build failure on stdout, the compiler's messages when
/// stderr is merged) is still told to be `go test -json`, and read.
#[test]
fn a_stream_starting_with_a_build_failure_is_told_and_read() {
    for (name, first) in [
        ("ci.json", "FAIL\texample.com/ci/billing [build failed]"),
        (
            "ci-merged.json",
            "# example.com/ci/billing [example.com/ci/billing.test]",
        ),
        (
            "broken.json",
            "# example.com/broken [example.com/broken.test]",
        ),
    ] {
        assert!(read(name).starts_with(first), "{name}");
        let input = Input {
            name: name.into(),
            path: fixture(name),
            format: None,
        };
        assert_eq!(
            evidence::format_of(&input),
            Ok(EvidenceFormat::GoTest),
            "{name}"
        );
        let evidence = evidence::read_evidence(&[input]).unwrap_or_else(|p| panic!("{p}"));
        let run = evidence.tests.unwrap();
        assert_eq!(run.counts().errors, 1, "{name}");
        assert_eq!(run.errors[0].kind, SuiteErrorKind::BuildFailure, "{name}");
    }
}

/// Go 1.19's test2json misses a `--- PASS/FAIL` line glued onto output printed without a
/// newline: gigops reads it, and says which results it read and from what.
#[test]
fn glued_results_are_read_from_the_line_go_printed() {
    let run = parse(&read("ci.json"));
    let recovered: Vec<(&str, TestStatus, &str)> = run
        .recovered
        .iter()
        .map(|r| (&*r.name, r.status, r.line.as_deref().unwrap_or("")))
        .collect();
    use TestStatus::*;
    assert_eq!(
        recovered,
        [
            (
                "TestExport",
                Passed,
                "exporting 3 rows... done--- PASS: TestExport (0.00s)"
            ),
            (
                "TestFormats",
                Passed,
                "format json--- PASS: TestFormats (0.00s)"
            ),
            (
                "TestFormats/csv",
                Passed,
                "    --- PASS: TestFormats/csv (0.00s)"
            ),
            // Its `=== RUN` line was glued too: it has no event at all.
            (
                "TestFormats/json",
                Passed,
                "    --- PASS: TestFormats/json (0.00s)"
            ),
            (
                "TestDoGivesUp",
                Failed,
                "attempt 1... attempt 2... --- FAIL: TestDoGivesUp (0.00s)"
            ),
            (
                "TestDoSucceedsOnTheSecondAttempt",
                Passed,
                "attempt 1... attempt 2... --- PASS: TestDoSucceedsOnTheSecondAttempt (0.00s)"
            ),
        ]
    );
    let export = run.cases.iter().find(|c| &*c.name == "TestExport").unwrap();
    assert_eq!(export.duration_seconds, Some(0.0));
}

#[test]
fn a_glued_result_needs_the_exact_result_line_of_a_running_test() {
    let stream = |glued: &str| {
        format!(
            r#"{{"Action":"run","Package":"p","Test":"TestA"}}
{{"Action":"output","Package":"p","Test":"TestA","Output":"{glued}\n"}}
{{"Action":"output","Package":"p","Output":"FAIL\tp\t0.01s\n"}}
{{"Action":"fail","Package":"p","Elapsed":0.01}}
"#
        )
    };
    // Read: after any text, with its time.
    let run = parse(&stream("50% --- 100%--- SKIP: TestA (1.50s)"));
    assert_eq!(run.cases[0].status, TestStatus::Skipped);
    assert_eq!(run.cases[0].duration_seconds, Some(1.5));
    // Not read: another test's line, a line that does not end in the time, a line of
    // another shape. TestA was still running when its package failed: failed.
    for text in [
        "log: --- PASS: TestB (0.00s)",
        "--- PASS: TestA (0.00s) and more",
        "--- OK: TestA (0.00s)",
    ] {
        let run = parse(&stream(text));
        assert_eq!(run.cases.len(), 1, "{text}");
        assert_eq!(run.cases[0].status, TestStatus::Failed, "{text}");
        assert!(run.recovered.is_empty(), "{text}");
    }
}

/// A test that runs a nested suite failing on purpose (here with `testing.RunTests`, as a test
/// framework's own tests do) makes test2json report a failed test inside a package that passed.
#[test]
fn failures_inside_a_package_that_passed_are_inner_failures() {
    let run = parse(&read("ci.json"));
    let [inner] = &run.inner_failures[..] else {
        panic!("{:?}", run.inner_failures)
    };
    assert_eq!(&*inner.suite, "example.com/ci/nested");
    assert_eq!(&*inner.name, "TestInnerFails");
    assert!(
        inner
            .output
            .contains("nested_test.go:10: failing on purpose")
    );
    assert!(run.cases.iter().all(|c| &*c.name != "TestInnerFails"));
    // The package's own result is what `go test` exits with: in a package that failed, the
    // same failure is a failure.
    let failing = read("ci.json").replace(
        r#""Action":"pass","Package":"example.com/ci/nested","Elapsed""#,
        r#""Action":"fail","Package":"example.com/ci/nested","Elapsed""#,
    );
    let run = parse(&failing);
    assert!(run.inner_failures.is_empty());
    assert_eq!(run.counts().failed, 2);
}

/// gotestsum, reading the same stream, counts every test whose result test2json missed as
/// failed, and the inner failure too: exactly where gigops differs.
#[test]
fn gotestsum_counts_glued_and_inner_results_as_failures() {
    let Some(gotestsum) =
        gigops_test_support::tools::program("gotestsum", &["--version"], "gotestsum (Debian)")
    else {
        return; // not under CI: a missing gotestsum fails the test there
    };
    let output = Command::new(gotestsum)
        .args(["--format", "standard-quiet", "--raw-command", "--", "cat"])
        .arg(fixture("ci.json"))
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&output.stdout);
    let summary = GotestsumSummary::read(&printed);
    assert_eq!(summary.skipped, 1, "{printed}");
    let gigops = parse(&read("ci.json"));
    let gigops_failed: BTreeSet<String> = gigops
        .cases
        .iter()
        .filter(|c| c.status == TestStatus::Failed)
        .map(|c| short_name(&c.suite, &c.name))
        .collect();
    let inner: BTreeSet<String> = inner_statuses(&gigops).into_keys().collect();
    let recovered_passed: BTreeSet<String> = gigops
        .recovered
        .iter()
        .filter(|r| r.status == TestStatus::Passed)
        .map(|r| short_name(&r.suite, &r.name))
        .collect();
    assert!(gigops_failed.is_subset(&summary.failed), "{printed}");
    let differ: BTreeSet<String> = summary.failed.difference(&gigops_failed).cloned().collect();
    let explained: BTreeSet<String> = inner.union(&recovered_passed).cloned().collect();
    assert!(differ.is_subset(&explained), "{differ:?} vs {explained:?}");
    assert_eq!(
        differ,
        [
            "glued TestExport",
            "glued TestFormats",
            "glued TestFormats/csv",
            "nested TestInnerFails",
            "retry TestDoSucceedsOnTheSecondAttempt",
        ]
        .map(String::from)
        .into(),
    );
    assert_eq!(summary.failures, summary.failed.len() as u64, "{printed}");
    // gotestsum never saw TestFormats/json (no event); gigops read its line.
    let counts = gigops.counts();
    assert_eq!(
        summary.tests,
        counts.total + counts.inner_failures - 1,
        "{printed}"
    );
}

/// gotestsum's summary: the `DONE N tests[, K skipped][, F failures][, E errors]` line and the
/// `=== FAIL: pkg Test` lines of its failures (as `package test`, the package's last element).
#[derive(Debug, Default)]
struct GotestsumSummary {
    tests: u64,
    skipped: u64,
    failures: u64,
    errors: u64,
    failed: BTreeSet<String>,
}

impl GotestsumSummary {
    fn read(printed: &str) -> GotestsumSummary {
        let mut summary = GotestsumSummary::default();
        let done = printed
            .lines()
            .find_map(|l| l.strip_prefix("DONE "))
            .unwrap_or_else(|| panic!("no DONE line in {printed}"));
        let done = done.split(" in ").next().unwrap();
        for part in done.split(", ") {
            let (n, what) = part.split_once(' ').unwrap();
            let n: u64 = n.parse().unwrap();
            match what.trim_end_matches('s') {
                "test" => summary.tests = n,
                "skipped" => summary.skipped = n,
                "failure" => summary.failures = n,
                "error" => summary.errors = n,
                other => panic!("{other:?} in {done:?}"),
            }
        }
        for line in printed.lines() {
            if let Some(rest) = line.strip_prefix("=== FAIL: ") {
                let mut words = rest.split_whitespace();
                let (package, test) = (words.next().unwrap(), words.next().unwrap());
                // The full import path, or (when gotestsum runs go test in a module) the path
                // relative to the module: the last element stands for both.
                let short = package.rsplit('/').next().unwrap();
                summary.failed.insert(format!("{short} {test}"));
            }
        }
        summary
    }
}

const BUILD_FAIL_EVENTS: &str = r##"{"ImportPath":"example.com/broken [example.com/broken.test]","Action":"build-output","Output":"# example.com/broken [example.com/broken.test]\n"}
{"ImportPath":"example.com/broken [example.com/broken.test]","Action":"build-output","Output":"./broken.go:5:9: cannot use \"not an int\" (untyped string constant) as int value in return statement\n"}
{"ImportPath":"example.com/broken [example.com/broken.test]","Action":"build-fail"}
{"Time":"2025-03-01T10:00:00Z","Action":"start","Package":"example.com/broken"}
{"Time":"2025-03-01T10:00:00Z","Action":"output","Package":"example.com/broken","Output":"FAIL\texample.com/broken [build failed]\n"}
{"Time":"2025-03-01T10:00:00Z","Action":"fail","Package":"example.com/broken","Elapsed":0,"FailedBuild":"example.com/broken [example.com/broken.test]"}
"##;

#[test]
fn build_fail_events_of_newer_go_are_a_suite_error() {
    let run = parse(BUILD_FAIL_EVENTS);
    assert_eq!(run.counts(), counts(0, 0, 0, 0, 1));
    assert_eq!(run.errors[0].kind, SuiteErrorKind::BuildFailure);
    assert_eq!(&*run.errors[0].suite, "example.com/broken");
    assert!(run.errors[0].output.contains("cannot use \"not an int\""));
    assert!(run.errors[0].output.ends_with("[build failed]\n"));

    // A build-fail that no package claims still counts, once.
    let orphan = BUILD_FAIL_EVENTS
        .lines()
        .take(3)
        .collect::<Vec<_>>()
        .join("\n");
    let run = parse(&orphan);
    assert_eq!(run.counts().errors, 1);
    assert_eq!(&*run.errors[0].suite, "example.com/broken");
}

#[test]
fn a_dependency_that_fails_to_build_fails_each_package_using_it() {
    let text = "# example.com/dep\ndep.go:3:1: syntax error\nFAIL\texample.com/a [build failed]\nFAIL\texample.com/b [setup failed]\n";
    let run = parse(text);
    assert_eq!(run.counts().errors, 2);
    for error in &run.errors {
        assert_eq!(error.kind, SuiteErrorKind::BuildFailure);
        assert!(error.output.contains("syntax error"), "{error:?}");
    }
}

#[test]
fn plain_text_that_is_not_a_build_failure_is_not_an_error() {
    let text = "go: downloading example.com/x v1.0.0\n{\"Action\":\"run\",\"Package\":\"p\",\"Test\":\"TestA\"}\n{\"Action\":\"pass\",\"Package\":\"p\",\"Test\":\"TestA\",\"Elapsed\":0.25}\nFAIL is just a word here\n{\"Action\":\"pass\",\"Package\":\"p\",\"Elapsed\":0.3}\n";
    let run = parse(text);
    assert_eq!(run.counts(), counts(1, 1, 0, 0, 0));
    assert_eq!(run.cases[0].duration_seconds, Some(0.25));
}

#[test]
fn a_panic_outside_tests_after_they_passed_is_a_package_panic() {
    let text = r#"{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"pass","Package":"p","Test":"TestA","Elapsed":0}
{"Action":"output","Package":"p","Output":"panic: close of closed channel\n"}
{"Action":"output","Package":"p","Output":"FAIL\tp\t0.01s\n"}
{"Action":"fail","Package":"p","Elapsed":0.01}
"#;
    let run = parse(text);
    assert_eq!(run.counts(), counts(1, 1, 0, 0, 1));
    assert_eq!(run.errors[0].kind, SuiteErrorKind::Panic);
}

#[test]
fn a_stream_cut_short_fails_what_was_running() {
    let text = r#"{"Action":"start","Package":"p"}
{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"pass","Package":"p","Test":"TestA","Elapsed":0}
{"Action":"run","Package":"p","Test":"TestB"}
{"Action":"output","Package":"p","Test":"TestB","Output":"=== RUN   TestB\n"}
"#;
    let run = parse(text);
    // The suite error is recorded, but TestB's failure already accounts for the package.
    assert_eq!(run.counts(), counts(2, 1, 1, 0, 0));
    assert_eq!(run.errors[0].kind, SuiteErrorKind::Failed);
    assert!(run.errors[0].output.contains("ended before"));
}

#[test]
fn a_package_without_test_files_counts_nothing() {
    let text = r#"{"Action":"output","Package":"p/cmd","Output":"?   \tp/cmd\t[no test files]\n"}
{"Action":"skip","Package":"p/cmd","Elapsed":0}
"#;
    assert_eq!(parse(text).counts(), TestCounts::default());
}

#[test]
fn very_long_output_keeps_its_start_and_end() {
    let mut text = String::from("{\"Action\":\"run\",\"Package\":\"p\",\"Test\":\"TestLoud\"}\n");
    for i in 0..20_000 {
        text.push_str(&format!(
            "{{\"Action\":\"output\",\"Package\":\"p\",\"Test\":\"TestLoud\",\"Output\":\"line {i}\\n\"}}\n"
        ));
    }
    text.push_str("{\"Action\":\"fail\",\"Package\":\"p\",\"Test\":\"TestLoud\",\"Elapsed\":1}\n");
    text.push_str("{\"Action\":\"fail\",\"Package\":\"p\",\"Elapsed\":1}\n");
    let run = parse(&text);
    let output = &run.cases[0].output;
    assert!(
        output.len() <= gotest::OUTPUT_LIMIT + 100,
        "{}",
        output.len()
    );
    assert!(output.starts_with("line 0\n"));
    assert!(output.ends_with("line 19999\n"));
    assert!(output.contains("bytes of output omitted"));
}

#[test]
fn malformed_events_are_reported_with_their_lines() {
    let text = r#"{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"jump","Package":"p"}
{"Package":"p","Test":"TestA"}
{"Action":"pass","Package":"p","Test":"TestA","Elapsed":"fast"}
{"Action":"run","Package":"p"}
{"Action":"output","Package":"p","Test":"TestA"}
{"Action":"pass","Test":"TestA"}
{"Action":"build-fail"}
{"Action":"pass","Package":"p","Test":"TestA"
compiler chatter is fine
"#;
    let found: Vec<String> = gotest::parse(text.as_bytes(), "go.json")
        .unwrap_err()
        .0
        .iter()
        .map(ToString::to_string)
        .collect();
    let expected = [
        ("go.json:3: ", "missing field `Action`"),
        ("go.json:4: ", "invalid type: string \"fast\""),
        ("go.json:5: ", "a run event needs Test"),
        ("go.json:6: ", "an output event needs Output"),
        ("go.json:7: ", "a pass event needs Package"),
        ("go.json:8: ", "a build-fail event needs ImportPath"),
        ("go.json:9: ", "not a test2json event"),
    ];
    // Line 2's unknown action is not among them: a later Go's new actions are tolerated.
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for ((prefix, reason), problem) in expected.iter().zip(&found) {
        assert!(
            problem.starts_with(prefix) && problem.contains(reason),
            "{problem:?} should start {prefix:?} and say {reason:?}"
        );
    }
}

/// Go's own word on a run: every `--- PASS/FAIL/SKIP` line `go test -v` printed (found anywhere
/// in a line, as a line glued onto output without a newline has it), by package, and each
/// package's own result line.
#[derive(Debug, Default)]
struct GoVerbose {
    /// `package test` → status, for every result line.
    results: BTreeMap<String, TestStatus>,
    /// Packages that printed `ok`.
    passed: BTreeSet<String>,
    /// Packages that printed `FAIL\tpkg [build failed]`.
    build_failed: BTreeSet<String>,
}

impl GoVerbose {
    fn read(printed: &str) -> GoVerbose {
        let mut go = GoVerbose::default();
        let mut pending: Vec<(String, TestStatus)> = Vec::new();
        for line in printed.lines() {
            for (marker, status) in [
                ("--- PASS: ", TestStatus::Passed),
                ("--- FAIL: ", TestStatus::Failed),
                ("--- SKIP: ", TestStatus::Skipped),
            ] {
                if let Some(at) = line.find(marker) {
                    let name = line[at + marker.len()..].split(' ').next().unwrap();
                    pending.push((name.to_string(), status));
                }
            }
            let fields: Vec<&str> = line.split('\t').collect();
            let package = match fields[..] {
                ["ok  ", package, ..] => {
                    go.passed.insert(package.to_string());
                    package
                }
                ["FAIL", package] if package.ends_with(" [build failed]") => {
                    let package = package.trim_end_matches(" [build failed]");
                    go.build_failed.insert(package.to_string());
                    package
                }
                ["FAIL", package, _] => package,
                _ => continue,
            };
            for (name, status) in pending.drain(..) {
                let previous = go.results.insert(short_name(package, &name), status);
                assert!(previous.is_none(), "{name} printed twice");
            }
        }
        assert!(
            pending.is_empty(),
            "result lines after the last package: {pending:?}"
        );
        go
    }
}

/// `go test` in `dir` with `args`, its stdout (and stderr, merged when `merged`).
fn go_test(dir: &Path, args: &[&str], temp: &Path) -> String {
    let output = Command::new("go")
        .arg("test")
        .args(args)
        .arg("./...")
        .current_dir(dir)
        .env("GOFLAGS", "-mod=mod")
        .env("GOTOOLCHAIN", "local")
        .env("GOCACHE", temp.join("cache"))
        .env("GOPATH", temp.join("gopath"))
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap()
}

/// With `go` on PATH, run both fixture modules now, once with `-json` for gigops and once with
/// `-v`: gigops's result for every test is the `--- PASS/FAIL/SKIP` line Go printed, its inner
/// failures are exactly the `--- FAIL` lines of packages that printed `ok`, and its build
/// failures are the packages Go says did not build.
#[test]
fn live_go_test_counts_equal_what_go_prints() {
    if gigops_test_support::tools::program("go", &["version"], "golang-go (Debian)").is_none() {
        return; // not under CI: a missing `go` fails the test there
    }
    let temp = std::env::temp_dir().join(format!("gigops-go-{}", std::process::id()));
    for module in ["module", "ci"] {
        let dir = fixture(module);
        let json = go_test(&dir, &["-json", "-count=1"], &temp);
        let verbose = go_test(&dir, &["-v", "-count=1"], &temp);
        let run = gotest::parse(json.as_bytes(), "live").unwrap_or_else(|p| panic!("{p}"));
        let go = GoVerbose::read(&verbose);

        let mut gigops = statuses(&run);
        let inner = inner_statuses(&run);
        gigops.extend(inner.clone());
        assert_eq!(gigops, go.results, "{module}:\n{verbose}");
        let expected_inner: BTreeMap<String, TestStatus> =
            go.results
                .iter()
                .filter(|(test, status)| {
                    **status == TestStatus::Failed
                        && go.passed.iter().any(|p| {
                            test.starts_with(&format!("{} ", p.rsplit('/').next().unwrap()))
                        })
                })
                .map(|(test, status)| (test.clone(), *status))
                .collect();
        assert_eq!(inner, expected_inner, "{module}");
        let build_failures: BTreeSet<String> = run
            .errors
            .iter()
            .filter(|e| e.kind == SuiteErrorKind::BuildFailure)
            .map(|e| e.suite.to_string())
            .collect();
        assert_eq!(build_failures, go.build_failed, "{module}");

        let counts = run.counts();
        let lines = |status| go.results.values().filter(|s| **s == status).count() as u64;
        assert_eq!(
            counts.total + counts.inner_failures,
            go.results.len() as u64
        );
        assert_eq!(counts.passed, lines(TestStatus::Passed), "{module}");
        assert_eq!(counts.skipped, lines(TestStatus::Skipped), "{module}");
        assert_eq!(
            counts.failed + counts.inner_failures,
            lines(TestStatus::Failed)
        );
    }
    let _ = std::fs::remove_dir_all(&temp);
}

/// With gotestsum on PATH, let it run the fixture module (no glued output, no nested suite
/// there) and compare its summary line with gigops's reading of the stream it saved.
#[test]
fn live_gotestsum_summary_equals_gigops_counts() {
    let tools = gigops_test_support::tools::program("go", &["version"], "golang-go (Debian)")
        .and_then(|_| {
            gigops_test_support::tools::program("gotestsum", &["--version"], "gotestsum (Debian)")
        });
    let Some(gotestsum) = tools else {
        return; // not under CI: a missing tool fails the test there
    };
    let temp = std::env::temp_dir().join(format!("gigops-gotestsum-{}", std::process::id()));
    std::fs::create_dir_all(&temp).unwrap();
    let saved = temp.join("events.json");
    let output = Command::new(gotestsum)
        .args(["--format", "standard-quiet", "--jsonfile"])
        .arg(&saved)
        .args(["--", "-count=1", "./..."])
        .current_dir(fixture("module"))
        .env("GOFLAGS", "-mod=mod")
        .env("GOTOOLCHAIN", "local")
        .env("GOCACHE", temp.join("cache"))
        .env("GOPATH", temp.join("gopath"))
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&output.stdout).into_owned();
    let run = gotest::parse(std::fs::read(&saved).unwrap().as_slice(), "events.json")
        .unwrap_or_else(|p| panic!("{p}"));
    let _ = std::fs::remove_dir_all(&temp);
    let summary = GotestsumSummary::read(&printed);
    let counts = run.counts();
    assert_eq!(
        (
            summary.tests,
            summary.skipped,
            summary.failures,
            summary.errors
        ),
        (counts.total, counts.skipped, counts.failed, counts.errors),
        "{printed}"
    );
    let failed: BTreeSet<String> = run
        .cases
        .iter()
        .filter(|c| c.status == TestStatus::Failed)
        .map(|c| short_name(&c.suite, &c.name))
        .collect();
    assert_eq!(failed, summary.failed, "{printed}");
}

mod fuzz {
    use gigops_ingest::{gocover, gotest};
    use proptest::prelude::*;

    const EVENTS: &str = r#"{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Test":"TestA","Output":"panic: x\n"}
{"Action":"fail","Package":"p","Test":"TestA","Elapsed":0}
# p
FAIL	p [build failed]
{"ImportPath":"q","Action":"build-fail"}
{"Action":"fail","Package":"p","Elapsed":0,"FailedBuild":"q"}
{"Action":"output","Package":"p","Test":"TestA","Output":"x--- PASS: TestA/b (0.00s)\n"}
{"Action":"pass","Package":"p","Elapsed":0}
"#;

    proptest! {
        /// Whatever the lines, the parsers return a result or located problems, and never panic.
        #[test]
        fn never_panics(picks in proptest::collection::vec((0usize..9, any::<u8>(), ".{0,12}"), 0..30)) {
            let lines: Vec<&str> = EVENTS.lines().collect();
            let mut text = String::new();
            for (i, byte, noise) in &picks {
                let mut line = lines[*i].to_string();
                if byte % 3 == 0 {
                    let at = (*byte as usize) % (line.len() + 1);
                    if line.is_char_boundary(at) {
                        line.insert_str(at, noise);
                    }
                }
                text.push_str(&line);
                text.push('\n');
            }
            let _ = gotest::parse(text.as_bytes(), "fuzz.json");
            let _ = gocover::parse([("fuzz.out", text.as_bytes())]);
            let profile = format!("mode: set\n{}", text.replace("Action", "a.go:1.1,2.2 1 "));
            let _ = gocover::parse([("fuzz.out", profile.as_bytes())]);
        }

        /// A package's tests written as Go 1.19's test2json writes them, some with their result
        /// line glued onto output without a newline (no result event then): every test gets its
        /// real result, and exactly the glued ones are listed as read from the text; failures
        /// in a package that passed are its inner failures.
        #[test]
        fn glued_results_are_the_results_go_printed(
            tests in proptest::collection::vec((0u8..3, any::<bool>()), 1..12),
            package_passes in any::<bool>(),
        ) {
            use gigops_core::evidence::TestStatus;
            let status = |code: u8| match code {
                0 => TestStatus::Passed,
                1 => TestStatus::Failed,
                _ => TestStatus::Skipped,
            };
            let mut text = String::new();
            for (i, &(code, glued)) in tests.iter().enumerate() {
                let (word, action) = match status(code) {
                    TestStatus::Passed => ("PASS", "pass"),
                    TestStatus::Failed => ("FAIL", "fail"),
                    TestStatus::Skipped => ("SKIP", "skip"),
                };
                let event = |action: &str, rest: &str| {
                    format!("{{\"Action\":\"{action}\",\"Package\":\"p\",\"Test\":\"Test{i}\"{rest}}}\n")
                };
                text.push_str(&event("run", ""));
                let line = format!("--- {word}: Test{i} (0.25s)\\n");
                if glued {
                    text.push_str(&event("output", &format!(",\"Output\":\"progress...{line}\"")));
                } else {
                    text.push_str(&event("output", &format!(",\"Output\":\"{line}\"")));
                    text.push_str(&event(action, ",\"Elapsed\":0.25"));
                }
            }
            let end = if package_passes { "pass" } else { "fail" };
            text.push_str(&format!("{{\"Action\":\"{end}\",\"Package\":\"p\",\"Elapsed\":1}}\n"));

            let run = gotest::parse(text.as_bytes(), "glued.json").unwrap();
            let mut seen = std::collections::BTreeMap::new();
            for case in run.cases.iter().chain(&run.inner_failures) {
                prop_assert_eq!(case.duration_seconds, Some(0.25));
                prop_assert!(seen.insert(case.name.to_string(), case.status).is_none());
            }
            for (i, &(code, _)) in tests.iter().enumerate() {
                prop_assert_eq!(seen.get(&format!("Test{i}")), Some(&status(code)));
            }
            let glued: Vec<String> = tests
                .iter()
                .enumerate()
                .filter(|(_, t)| t.1)
                .map(|(i, _)| format!("Test{i}"))
                .collect();
            let mut recovered: Vec<String> = run.recovered.iter().map(|r| r.name.to_string()).collect();
            recovered.sort_by_key(|name| name[4..].parse::<usize>().unwrap());
            prop_assert_eq!(recovered, glued);
            let failed = tests.iter().filter(|t| status(t.0) == TestStatus::Failed).count() as u64;
            let counts = run.counts();
            if package_passes {
                prop_assert_eq!((counts.failed, counts.inner_failures), (0, failed));
            } else {
                prop_assert_eq!((counts.failed, counts.inner_failures), (failed, 0));
            }
        }
    }
}

/// Lines in the exact shape Go writes are read by a scanner; anything else by serde_json. The
/// same events written otherwise (keys in another order, spaces, escapes where Go writes none)
/// must give the same run.
#[test]
fn events_in_another_json_shape_read_the_same() {
    // (broken.json is the plain text of a build failure, with no event.)
    for name in ["gotest.json", "edge.json", "gotest-cached.json", "ci.json"] {
        let text = read(name);
        let reshaped: String = text
            .lines()
            .map(
                |line| match serde_json::from_str::<serde_json::Value>(line) {
                    // Keys sorted (serde_json's map), a space after each separator, and every
                    // non-ASCII or slash escaped.
                    Ok(event) => {
                        let spaced = serde_json::to_string_pretty(&event)
                            .unwrap()
                            .replace('\n', " ");
                        let mut escaped = String::new();
                        for c in spaced.chars() {
                            match c {
                                '/' => escaped.push_str("\\/"),
                                c if !c.is_ascii() => {
                                    let mut units = [0u16; 2];
                                    for unit in c.encode_utf16(&mut units) {
                                        escaped.push_str(&format!("\\u{unit:04x}"));
                                    }
                                }
                                c => escaped.push(c),
                            }
                        }
                        escaped + "\n"
                    }
                    Err(_) => format!("{line}\n"),
                },
            )
            .collect();
        assert_ne!(reshaped, text);
        assert_eq!(parse(&reshaped), parse(&text), "{name}");
    }
}
