//! `go test -json` streams: real outputs of Go 1.19 (see tests/fixtures/go/README.md), counted
//! by hand from the Go sources, and hand-written edge cases of other Go versions.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use gigops_core::evidence::{SuiteErrorKind, TestCounts, TestRun, TestStatus};
use gigops_ingest::gotest;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/go")
        .join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap()
}

fn parse(text: &str) -> TestRun {
    gotest::parse(text.as_bytes(), "test.json").unwrap_or_else(|p| panic!("{p}"))
}

fn counts(total: u64, passed: u64, failed: u64, skipped: u64, errors: u64) -> TestCounts {
    TestCounts {
        total,
        passed,
        failed,
        skipped,
        errors,
        flaky: 0,
    }
}

/// `package test` → status, for every case.
fn statuses(run: &TestRun) -> BTreeMap<String, TestStatus> {
    let mut map = BTreeMap::new();
    for case in &run.cases {
        let short = case.suite.rsplit('/').next().unwrap();
        let previous = map.insert(format!("{short} {}", case.name), case.status);
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

/// With `go` on PATH, run the fixture module again and compare with the saved output: names and
/// statuses must match (durations, goroutine numbers and paths may not).
#[test]
fn live_go_test_agrees_with_the_saved_fixture() {
    if gigops_test_support::tools::program("go", &["version"], "golang-go (Debian)").is_none() {
        return; // not under CI: a missing `go` fails the test there
    }
    let temp = std::env::temp_dir().join(format!("gigops-go-{}", std::process::id()));
    let output = go_test_json(&fixture("module"), &temp);
    let _ = std::fs::remove_dir_all(&temp);
    let live = gotest::parse(output.as_slice(), "live").unwrap();
    let saved = parse(&read("gotest.json"));
    assert_eq!(live.counts(), saved.counts());
    assert_eq!(statuses(&live), statuses(&saved));
}

fn go_test_json(dir: &Path, temp: &Path) -> Vec<u8> {
    let output = Command::new("go")
        .args(["test", "-json", "-count=1", "./..."])
        .current_dir(dir)
        .env("GOFLAGS", "-mod=mod")
        .env("GOTOOLCHAIN", "local")
        .env("GOCACHE", temp.join("cache"))
        .env("GOPATH", temp.join("gopath"))
        .output()
        .unwrap();
    output.stdout
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
"#;

    proptest! {
        /// Whatever the lines, the parsers return a result or located problems, and never panic.
        #[test]
        fn never_panics(picks in proptest::collection::vec((0usize..7, any::<u8>(), ".{0,12}"), 0..30)) {
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
    }
}

/// Lines in the exact shape Go writes are read by a scanner; anything else by serde_json. The
/// same events written otherwise (keys in another order, spaces, escapes where Go writes none)
/// must give the same run.
#[test]
fn events_in_another_json_shape_read_the_same() {
    // (broken.json is the plain text of a build failure, with no event.)
    for name in ["gotest.json", "edge.json", "gotest-cached.json"] {
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
