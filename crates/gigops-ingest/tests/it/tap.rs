//! TAP streams: real outputs of node's test runner and of Perl's Test::More (see
//! tests/fixtures/tap/README.md), counted by hand, and hand-written streams of what they do not
//! print: TAP 14's own subtest layout, node-tap's `{ }` blocks, malformed lines.

use std::collections::BTreeMap;
use std::io::BufReader;

use gigops_core::evidence::{SuiteErrorKind, TestRun, TestStatus};
use gigops_ingest::tap;
use proptest::prelude::*;

use crate::support::{self, counts, expect};
use TestStatus::{Failed, Passed, Skipped};

fn read(name: &str) -> String {
    support::read_fixture(&format!("tap/{name}"))
}

fn parse(text: &str) -> TestRun {
    tap::parse(text.as_bytes(), "run.tap").unwrap_or_else(|p| panic!("{p}"))
}
/// `suite :: name` → status, for every case, checking that none is there twice.
fn statuses(run: &TestRun) -> BTreeMap<String, TestStatus> {
    let mut map = BTreeMap::new();
    for case in &run.cases {
        let key = format!("{} :: {}", case.suite, case.name);
        assert!(
            map.insert(key, case.status).is_none(),
            "{} twice",
            case.name
        );
    }
    map
}
fn output<'r>(run: &'r TestRun, name: &str) -> &'r str {
    &run.cases
        .iter()
        .find(|c| &*c.name == name)
        .unwrap_or_else(|| panic!("no case {name}"))
        .output
}

#[test]
fn node_counts_as_node_does() {
    // tests/fixtures/junit/node/shop.test.mjs; node's own summary ends node.tap: tests 11,
    // pass 4, fail 4, skipped 2, todo 1 (a todo is skipped here). The `describe` blocks cart
    // and discounts (`type: 'suite'`) are suites, not tests; "with subtests" is a test whose
    // subtest failed, so it failed too.
    let run = parse(&read("node.tap"));
    assert_eq!(run.counts(), counts(11, 4, 4, 3, 0));
    assert_eq!(
        statuses(&run),
        expect(&[
            ("tap :: adds", Passed),
            ("tap :: adds wrong", Failed),
            ("tap :: needs a database", Skipped),
            ("tap :: rounding", Skipped),
            ("tap :: with subtests", Failed),
            ("cart :: totals", Passed),
            ("cart :: is empty at first", Skipped),
            ("cart/discounts :: applies percent", Passed),
            ("cart/discounts :: rejects negative", Failed),
            ("with subtests :: first", Passed),
            ("with subtests :: second", Failed),
        ])
    );
    // The failures of cart and discounts are only their tests': no suite error.
    assert!(run.errors.is_empty(), "{:?}", run.errors);
    // Durations come from `duration_ms`, and the YAML block is the output.
    let adds = run.cases.iter().find(|c| &*c.name == "adds").unwrap();
    let ms: f64 = adds
        .output
        .strip_prefix("duration_ms: ")
        .and_then(|rest| rest.trim().parse().ok())
        .unwrap();
    assert_eq!(adds.duration_seconds, Some(ms / 1000.0));
    let wrong = output(&run, "adds wrong");
    assert!(wrong.contains("failureType: 'testCodeFailure'"), "{wrong}");
    assert!(wrong.contains("\n  4 !== 5\n"), "{wrong}");
}

#[test]
fn node_keeps_the_failure_of_a_parent_test_and_of_a_hook() {
    // tests/fixtures/junit/node/edge.test.mjs (node said: pass 1, fail 1, cancelled 1): the
    // parent failed on its own after its subtest passed, which node's JUnit loses (see
    // junit.rs); the test of the suite whose hook threw was cancelled, a failure here.
    let run = parse(&read("node-edge.tap"));
    assert_eq!(run.counts(), counts(3, 1, 2, 0, 0));
    assert_eq!(
        statuses(&run),
        expect(&[
            ("tap :: parent fails after its subtests pass", Failed),
            ("parent fails after its subtests pass :: child", Passed),
            ("with a broken hook :: never runs", Failed),
        ])
    );
    // The hook's failure is kept as the suite's error, not counted beside its failed test.
    assert_eq!(run.errors.len(), 1);
    assert_eq!(&*run.errors[0].suite, "with a broken hook");
    assert!(run.errors[0].output.contains("error: 'could not connect'"));
}

#[test]
fn test_more_subtests_todo_and_diagnostics() {
    // tests/fixtures/tap/perl/t/shop.t: top level adds (pass), adds wrong (fail), a skip
    // without a description (named by its number), rounds half up (a failing TODO: skipped),
    // cart (fails, as its subtest discounts does); in cart: totals (pass), discounts; in
    // discounts: applies percent (pass), rejects negative (fail). 9 tests: passed 3, failed 4,
    // skipped 2.
    let run = parse(&read("perl-shop.tap"));
    assert_eq!(run.counts(), counts(9, 3, 4, 2, 0));
    assert_eq!(
        statuses(&run),
        expect(&[
            ("tap :: adds", Passed),
            ("tap :: adds wrong", Failed),
            ("tap :: test 3", Skipped),
            ("tap :: rounds half up", Skipped),
            ("tap :: cart", Failed),
            ("cart :: totals", Passed),
            ("cart :: discounts", Failed),
            ("cart/discounts :: applies percent", Passed),
            ("cart/discounts :: rejects negative", Failed),
        ])
    );
    // The diagnostics after the TODO test are its output.
    assert_eq!(
        output(&run, "rounds half up"),
        "#   Failed (TODO) test 'rounds half up'\n#   at t/shop.t line 18.\n#          got: '2'\n#     expected: '3'\n"
    );
    assert!(run.cases.iter().all(|c| c.duration_seconds.is_none()));
}

#[test]
fn a_plan_that_was_not_kept_is_a_suite_error() {
    // perl/t/planned.t plans 5 tests and dies after 2.
    let run = parse(&read("perl-planned.tap"));
    assert_eq!(run.counts(), counts(2, 2, 0, 0, 1));
    assert_eq!(&*run.errors[0].suite, "tap");
    assert_eq!(run.errors[0].kind, SuiteErrorKind::Failed);
    assert_eq!(&*run.errors[0].output, "planned 5 tests, but 2 ran");

    // No plan at all: the stream may have been cut short.
    let run = parse("ok 1 - a\nnot ok 2 - b\n");
    assert_eq!(run.counts(), counts(2, 1, 1, 0, 0));
    assert_eq!(run.errors.len(), 1, "kept, though its suite has a failure");
    assert!(run.errors[0].output.starts_with("no plan"));
    // A subtest cut short is its own suite's error.
    let run = parse("1..1\n# Subtest: outer\n    ok 1 - inner\n");
    assert_eq!(run.errors.len(), 2, "{:?}", run.errors);
    assert_eq!(&*run.errors[0].suite, "outer");
    assert!(run.errors[0].output.starts_with("no plan"));
    assert_eq!(&*run.errors[1].suite, "tap");
    assert_eq!(&*run.errors[1].output, "planned 1 tests, but 0 ran");
    // A plan at the end, and a skipped whole stream, are kept.
    assert_eq!(parse("ok\nok\n1..2\n").counts(), counts(2, 2, 0, 0, 0));
    assert_eq!(
        parse("TAP version 13\n1..0 # skip no display\n").counts(),
        counts(0, 0, 0, 0, 0)
    );
}

#[test]
fn bail_out_ends_the_stream_with_a_suite_error() {
    // perl/t/bail.t: one test passes, then BAIL_OUT; the plan of 3 no longer counts.
    let run = parse(&read("perl-bail.tap"));
    assert_eq!(run.counts(), counts(1, 1, 0, 0, 1));
    assert_eq!(run.errors.len(), 1);
    assert_eq!(&*run.errors[0].output, "Bail out!  database went away");
    // Nothing after it is read, even inside a subtest.
    let run =
        parse("1..2\n# Subtest: a\n    ok 1 - x\n    Bail out! gone\n    ok 2 - y\nok 1 - a\n");
    assert_eq!(run.counts(), counts(1, 1, 0, 0, 1));
    assert_eq!(&*run.cases[0].suite, "a");
}

#[test]
fn test_lines_directives_and_escapes() {
    let run = parse(
        "TAP version 14
1..9
ok 1 - plain
not ok 2 - fails # TODO not done
ok 3 - lucky # todo bonus
not ok 4 # SKIPPED: no network
ok 5 - has a \\# hash and # a comment
ok - no number
okay this is not a test line
ok 7 trailing dash-less
not ok 8 - a \\\\ backslash
ok 9 #skip
",
    );
    assert_eq!(
        statuses(&run),
        expect(&[
            ("tap :: plain", Passed),
            ("tap :: fails", Skipped),
            ("tap :: lucky", Skipped),
            ("tap :: test 4", Skipped),
            ("tap :: has a # hash and # a comment", Passed),
            ("tap :: no number", Passed),
            ("tap :: trailing dash-less", Passed),
            ("tap :: a \\ backslash", Failed),
            ("tap :: test 9", Skipped),
        ])
    );
    assert!(run.errors.is_empty(), "9 planned, 9 ran: {:?}", run.errors);
}

#[test]
fn yaml_blocks_and_comments_go_to_the_test_before_them() {
    let run = parse(
        "1..3
# before any test: nobody's
ok 1 - first
  ---
  message: 'all good'
  ...
# about the first
not ok 2 - second
  ---
  message: no end marker
  data:
    got: 1
ok 3 - third
    # deeper than third: not its
",
    );
    assert_eq!(
        output(&run, "first"),
        "message: 'all good'\n# about the first\n"
    );
    // A line less indented than the block ends it, even without `...`.
    assert_eq!(
        output(&run, "second"),
        "message: no end marker\ndata:\n  got: 1\n"
    );
    assert_eq!(output(&run, "third"), "");
    assert_eq!(run.counts(), counts(3, 2, 1, 0, 0));
}

#[test]
fn tap14_subtests_and_node_tap_blocks() {
    // TAP 14 writes `# Subtest` at the subtest's own indentation; node-tap can put a subtest
    // in `{ }` after its parent's line. A parent without a name takes the announced one.
    let run = parse(
        "TAP version 14
1..3
    # Subtest: first group
    1..2
    ok 1 - a
    ok 2 - b
ok 1 - first group
# Subtest: named by the comment
    1..1
    not ok 1 - c
not ok 2
ok 3 - block {
    1..1
    ok 1 - d
}
",
    );
    assert_eq!(
        statuses(&run),
        expect(&[
            ("tap :: first group", Passed),
            ("first group :: a", Passed),
            ("first group :: b", Passed),
            ("tap :: named by the comment", Failed),
            ("named by the comment :: c", Failed),
            ("tap :: block", Passed),
            ("block :: d", Passed),
        ])
    );
    assert!(run.errors.is_empty(), "{:?}", run.errors);
}

#[test]
fn problems_are_located() {
    let found = match tap::parse("1..2\nok 1\n1..2\nok 2\n".as_bytes(), "run.tap") {
        Err(problems) => problems
            .0
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        Ok(run) => panic!("{run:?}"),
    };
    assert_eq!(
        found,
        ["run.tap:3: column 1: a second plan in the same stream"]
    );
    // Not TAP at all: a JUnit report given as TAP, say.
    let found = tap::parse("<testsuite/>\n".as_bytes(), "run.tap").unwrap_err();
    assert_eq!(
        found.to_string(),
        "run.tap: not TAP: no test line (`ok`, `not ok`) and no plan (`1..N`)"
    );
    assert!(tap::parse("".as_bytes(), "run.tap").is_err());
}

#[test]
fn crlf_and_small_reads_change_nothing() {
    for file in ["node.tap", "perl-shop.tap", "node-edge.tap"] {
        let text = read(file);
        let whole = parse(&text);
        let crlf = text.replace('\n', "\r\n");
        assert_eq!(parse(&crlf), whole, "{file} with CRLF");
        for capacity in [1, 3, 7] {
            let reader = BufReader::with_capacity(capacity, text.as_bytes());
            assert_eq!(tap::parse(reader, "run.tap").unwrap(), whole, "{file}");
        }
    }
}

/// Bytes TAP gives meaning to, and a byte of a multi-byte character.
fn mutate(text: &str, edits: &[(usize, u8)]) -> Vec<u8> {
    support::mutate(text, edits, b" #\n-.{}1\\\xe7")
}

fn check(bytes: &[u8]) {
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    match tap::parse(bytes, "input") {
        Ok(run) => {
            let counts = run.counts();
            assert_eq!(counts.total, counts.passed + counts.failed + counts.skipped);
        }
        Err(problems) => support::assert_located(&problems, lines),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "(( {0,8})(ok|not ok|1\\.\\.|#|---|\\.\\.\\.|Bail out!|[{}]|.{0,12})[^\\n]{0,12}\\n){0,40}") {
        check(text.as_bytes());
    }

    #[test]
    fn mutated_streams_never_panic(
        file in 0..3usize,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..16),
    ) {
        let text = read(["node.tap", "perl-shop.tap", "node-edge.tap"][file]);
        check(&mutate(&text, &edits));
    }
}
