//! JUnit XML reports: real outputs of pytest, cargo-nextest and node (see
//! tests/fixtures/junit/README.md), hand-written Surefire, Ant and Jenkins reports that follow
//! those tools' schemas, each counted by hand; malformed XML; and the JUnit gigops writes.

use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::PathBuf;

use gigops_core::evidence::{
    SuiteError, SuiteErrorKind, TestCase, TestCounts, TestRun, TestStatus,
};
use gigops_ingest::gotest::{self, OUTPUT_LIMIT};
use gigops_ingest::junit;
use proptest::prelude::*;

use crate::support::{self, counts, expect};
use TestStatus::{Failed, Passed, Skipped};

fn fixture(dir: &str, name: &str) -> PathBuf {
    support::fixture(&format!("{dir}/{name}"))
}

fn read(name: &str) -> String {
    support::read_fixture(&format!("junit/{name}"))
}

fn parse(text: &str) -> TestRun {
    junit::parse(text.as_bytes(), "report.xml").unwrap_or_else(|p| panic!("{p}"))
}

fn problems(text: &str) -> Vec<String> {
    match junit::parse(text.as_bytes(), "report.xml") {
        Ok(run) => panic!("expected problems, got {run:?}"),
        Err(problems) => problems.0.iter().map(ToString::to_string).collect(),
    }
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
fn case<'r>(run: &'r TestRun, name: &str) -> &'r TestCase {
    run.cases
        .iter()
        .find(|c| &*c.name == name)
        .unwrap_or_else(|| panic!("no case {name}"))
}

#[test]
fn pytest_counts_the_same_in_both_junit_families() {
    // tests/fixtures/junit/pytest/tests: pytest itself said "5 failed, 3 passed, 1 skipped,
    // 1 xfailed, 4 errors". Here every test counts once, and a test with an error fails:
    // - passed 2: test_add, test_add_table[1-1-2];
    // - failed 7: test_add_wrong, test_add_table[2-3-6], TestEscaping.test_markup,
    //   test_fixed_now (strict xpass), test_needs_database (fixture error in setup),
    //   test_cleanup_fails (error in teardown: pytest counted its call as passed and the
    //   teardown as an error), test_fails_and_leaks (failed, then errored in teardown: two
    //   testcases in the file, one test here);
    // - skipped 2: test_payment (skip), test_rounding (xfail);
    // - 1 suite error: test_broken.py could not be imported (collection error).
    let shop = "pytest :: tests.test_shop.";
    let expected = expect(&[
        (&format!("{shop}test_add"), Passed),
        (&format!("{shop}test_add_table[1-1-2]"), Passed),
        (&format!("{shop}test_add_wrong"), Failed),
        (&format!("{shop}test_add_table[2-3-6]"), Failed),
        (&format!("{shop}TestEscaping.test_markup"), Failed),
        (&format!("{shop}test_fixed_now"), Failed),
        (&format!("{shop}test_needs_database"), Failed),
        (&format!("{shop}test_cleanup_fails"), Failed),
        (&format!("{shop}test_fails_and_leaks"), Failed),
        (&format!("{shop}test_payment"), Skipped),
        (&format!("{shop}test_rounding"), Skipped),
    ]);
    for file in ["pytest-xunit1.xml", "pytest-xunit2.xml"] {
        let run = parse(&read(file));
        assert_eq!(run.counts(), counts(11, 2, 7, 2, 1), "{file}");
        assert_eq!(statuses(&run), expected, "{file}");
        assert_eq!(run.errors.len(), 1);
        let error = &run.errors[0];
        assert_eq!(&*error.suite, "pytest/tests.test_broken");
        assert_eq!(error.kind, SuiteErrorKind::Failed);
        assert!(
            error
                .output
                .contains("ModuleNotFoundError: No module named 'no_such_module'"),
            "{}",
            error.output
        );
        // Both reports of test_fails_and_leaks are in its output.
        let leaks = &case(&run, "tests.test_shop.test_fails_and_leaks").output;
        assert!(leaks.contains("assert 1 == 2"), "{leaks}");
        assert!(leaks.contains("could not clean up"), "{leaks}");
        // Entities in the failure text are unescaped.
        let markup = &case(&run, "tests.test_shop.TestEscaping.test_markup").output;
        assert!(
            markup.contains(r#"assert "<a & b>" == '<a & "b">'"#),
            "{markup}"
        );
        // A skip without text keeps its message.
        let rounding = &case(&run, "tests.test_shop.test_rounding").output;
        assert!(
            rounding.starts_with("rounding is known to be wrong"),
            "{rounding}"
        );
    }
    // Only xunit1 with junit_logging=all carries what the test printed.
    let xunit1 = parse(&read("pytest-xunit1.xml"));
    let wrong = &case(&xunit1, "tests.test_shop.test_add_wrong").output;
    assert!(wrong.contains("about to compare"), "{wrong}");
    assert!(wrong.contains("on stderr"), "{wrong}");
}

#[test]
fn nextest_retries_make_flaky_and_failed_tests() {
    // tests/fixtures/junit/nextest: nextest said "6 tests run: 4 passed (1 flaky), 2 failed,
    // 1 skipped"; its JUnit leaves the ignored test out, so 6 tests here.
    let run = parse(&read("nextest.xml"));
    assert_eq!(
        run.counts(),
        TestCounts {
            flaky: 1,
            inner_failures: 0,
            ..counts(6, 4, 2, 0, 0)
        }
    );
    assert_eq!(
        statuses(&run),
        expect(&[
            ("shop :: tests::adds", Passed),
            ("shop :: tests::panics_as_expected", Passed),
            ("shop :: tests::flaky", Passed),
            ("shop :: tests::adds_wrong", Failed),
            ("shop :: tests::always_fails", Failed),
            ("shop::api :: api_adds", Passed),
        ])
    );
    assert!(case(&run, "tests::flaky").flaky);
    assert!(
        run.cases
            .iter()
            .filter(|c| &*c.name != "tests::flaky")
            .all(|c| !c.flaky)
    );
    let wrong = case(&run, "tests::adds_wrong");
    assert_eq!(wrong.duration_seconds, Some(0.005));
    // The failure (with its `&lt;a &amp; b&gt;` unescaped), each rerun, and what it printed.
    assert!(
        wrong.output.starts_with("thread 'tests::adds_wrong'"),
        "{}",
        wrong.output
    );
    assert!(wrong.output.contains("failed: <a & b>"), "{}", wrong.output);
    assert_eq!(
        wrong.output.matches("about to compare").count(),
        3,
        "{}",
        wrong.output
    );
}

#[test]
fn node_junit_counts_describe_blocks_as_suites_and_todo_as_skipped() {
    // tests/fixtures/junit/node/shop.test.mjs: node said "tests 11, pass 4, fail 4, skipped 2,
    // todo 1". Its JUnit writes "with subtests", a test with subtests, as a <testsuite>, so 10
    // tests here: passed 4 (adds, totals, applies percent, first), failed 3 (adds wrong,
    // rejects negative, second), skipped 3 (needs a database, is empty at first, and rounding:
    // a failing todo test, written as <skipped type="todo"> beside its <failure>).
    let run = parse(&read("node.xml"));
    assert_eq!(run.counts(), counts(10, 4, 3, 3, 0));
    assert_eq!(
        statuses(&run),
        expect(&[
            ("test :: adds", Passed),
            ("test :: adds wrong", Failed),
            ("test :: needs a database", Skipped),
            ("test :: rounding", Skipped),
            ("cart :: totals", Passed),
            ("cart :: is empty at first", Skipped),
            ("cart/discounts :: applies percent", Passed),
            ("cart/discounts :: rejects negative", Failed),
            ("with subtests :: first", Passed),
            ("with subtests :: second", Failed),
        ])
    );
    let wrong = &case(&run, "adds wrong").output;
    assert!(wrong.contains("4 !== 5"), "{wrong}");
}

#[test]
fn node_junit_loses_the_failure_of_a_parent_test() {
    // tests/fixtures/junit/node/edge.test.mjs: "parent fails after its subtests pass" throws
    // after its one subtest passed; node 20's JUnit writes it as a <testsuite> with no failure,
    // so only its child is left (the TAP reporter keeps it: see tap.rs). The test of the
    // suite whose `before` hook threw was cancelled: failed.
    let run = parse(&read("node-edge.xml"));
    assert_eq!(run.counts(), counts(2, 1, 1, 0, 0));
    assert_eq!(
        statuses(&run),
        expect(&[
            ("with a broken hook :: never runs", Failed),
            ("parent fails after its subtests pass :: child", Passed),
        ])
    );
}

#[test]
fn surefire_reruns_flaky_tests_and_odd_durations() {
    // tests/fixtures/junit/surefire.xml, six testcases: addsItem passed; totalsWithTax failed
    // on its run and both reruns (a <failure> and two <rerunFailure>); loadsPrices errored;
    // appliesCoupon and refundsOrder failed (<flakyFailure>, <flakyError> twice), then passed;
    // shipsAbroad skipped.
    let run = parse(&read("surefire.xml"));
    assert_eq!(
        run.counts(),
        TestCounts {
            flaky: 2,
            inner_failures: 0,
            ..counts(6, 3, 2, 1, 0)
        }
    );
    let suite = "com.example.shop.CartTest :: ";
    assert_eq!(
        statuses(&run),
        expect(&[
            (&format!("{suite}addsItem"), Passed),
            (&format!("{suite}totalsWithTax"), Failed),
            (&format!("{suite}loadsPrices"), Failed),
            (&format!("{suite}appliesCoupon"), Passed),
            (&format!("{suite}refundsOrder"), Passed),
            (&format!("{suite}shipsAbroad"), Skipped),
        ])
    );
    assert!(case(&run, "appliesCoupon").flaky && case(&run, "refundsOrder").flaky);
    assert!(!case(&run, "totalsWithTax").flaky);
    // `time="1,201.250"`: thousands separated by a comma.
    assert_eq!(case(&run, "loadsPrices").duration_seconds, Some(1201.25));
    let totals = &case(&run, "totalsWithTax").output;
    for part in [
        "CartTest.java:31",
        "tax rate 0.07\n",
        "(rerun 1)",
        "(rerun 2)",
    ] {
        assert!(totals.contains(part), "{part} not in {totals}");
    }
    // The message of an element without text is its output.
    assert_eq!(&*case(&run, "shipsAbroad").output, "not ready for EU VAT");
    assert!(
        case(&run, "appliesCoupon")
            .output
            .contains("asking coupons.internal")
    );
}

#[test]
fn a_failing_before_all_is_a_suite_error_in_both_surefire_generations() {
    // Surefire 3 names the testcase of a failed @BeforeAll "", Surefire 2 after its class.
    for file in ["surefire-beforeall.xml", "surefire2-beforeclass.xml"] {
        let run = parse(&read(file));
        assert_eq!(run.counts(), counts(0, 0, 0, 0, 1), "{file}");
        assert_eq!(&*run.errors[0].suite, "com.example.shop.PaymentTest");
        assert_eq!(run.errors[0].kind, SuiteErrorKind::Failed);
        assert!(
            run.errors[0]
                .output
                .contains("payment sandbox is not reachable")
        );
    }
    let run = parse(&read("surefire-beforeall.xml"));
    assert!(
        run.errors[0].output.ends_with("In setup...\n"),
        "{}",
        run.errors[0].output
    );
}

#[test]
fn ant_reports_and_errors_outside_any_test() {
    // ant.xml: testBalance passed, testOverdraft failed, testImport errored.
    let run = parse(&read("ant.xml"));
    assert_eq!(run.counts(), counts(3, 1, 2, 0, 0));
    assert!(run.errors.is_empty(), "the suite's own output is no error");
    assert!(
        case(&run, "testOverdraft")
            .output
            .starts_with("junit.framework.AssertionFailedError: expected:<-5> but was:<0>\n")
    );
    // ant-suite-error.xml: the class did not load; Ant puts the <error> in the <testsuite>.
    let run = parse(&read("ant-suite-error.xml"));
    assert_eq!(run.counts(), counts(0, 0, 0, 0, 1));
    let error = &run.errors[0];
    assert_eq!(&*error.suite, "com.example.legacy.ImportTest");
    assert!(error.output.starts_with("java.lang.ClassNotFoundException"));
    assert!(
        error.output.ends_with("starting ImportTest\n"),
        "{}",
        error.output
    );
}

#[test]
fn nested_suites_are_joined_with_slashes() {
    // jenkins-nested.xml: integration ⊃ checkout (3 tests: pass, fail, skip) and catalog
    // (2 passing tests).
    let run = parse(&read("jenkins-nested.xml"));
    assert_eq!(run.counts(), counts(5, 3, 1, 1, 0));
    assert_eq!(
        statuses(&run),
        expect(&[
            ("integration/checkout :: pays by card", Passed),
            // Its classname is not its suite's name: kept in front.
            (
                "integration/checkout :: checkout.Refunds.refunds twice",
                Failed
            ),
            ("integration/checkout :: pays by invoice", Skipped),
            ("integration/catalog :: lists products", Passed),
            ("integration/catalog :: searches", Passed),
        ])
    );
    assert_eq!(case(&run, "pays by card").duration_seconds, Some(1200.25));
    assert_eq!(case(&run, "lists products").duration_seconds, Some(30.0));
    assert_eq!(&*case(&run, "searches").output, "found 3 products");
}

#[test]
fn cases_outside_any_suite_take_their_classname_or_the_run_name() {
    let run = parse(
        r#"<testsuites name="smoke">
  <testcase classname="api" name="health"/>
  <testcase name="boots"/>
</testsuites>"#,
    );
    assert_eq!(
        statuses(&run),
        expect(&[("api :: health", Passed), ("smoke :: boots", Passed)])
    );
    let run = parse(r#"<testsuites><testcase name="boots"/></testsuites>"#);
    assert_eq!(&*run.cases[0].suite, "junit");
}

#[test]
fn durations_tolerate_separators() {
    let time = |t: &str| {
        let run = parse(&format!(
            r#"<testsuite name="s"><testcase name="t" time="{t}"/></testsuite>"#
        ));
        run.cases[0].duration_seconds
    };
    assert_eq!(time("1,234.5"), Some(1234.5));
    assert_eq!(time("12,345,678.25"), Some(12_345_678.25));
    assert_eq!(time("0,5"), Some(0.5), "a decimal comma");
    assert_eq!(
        time("1,23"),
        Some(1.23),
        "not a group of three: a decimal comma"
    );
    assert_eq!(time(" 2 "), Some(2.0));
    assert_eq!(time(""), None);
    for bad in ["soon", "-1", "1,2,3", "NaN", "inf", "1e999"] {
        let found = problems(&format!(
            "<testsuite name=\"s\">\n  <testcase name=\"t\" time=\"{bad}\"/>\n</testsuite>"
        ));
        assert_eq!(found.len(), 1, "{bad}: {found:?}");
        assert!(
            found[0].starts_with("report.xml:2: time: "),
            "{bad}: {found:?}"
        );
    }
}

#[test]
fn gtest_not_run_and_node_todo_are_skipped() {
    let run = parse(
        r#"<testsuites><testsuite name="Math">
  <testcase name="Adds" status="run" result="completed" classname="Math"/>
  <testcase name="DISABLED_Divides" status="notrun" result="suppressed" classname="Math"/>
  <testcase name="Rounds" status="run" result="skipped" classname="Math"><skipped message="later"/></testcase>
  <testcase name="todo that passes" classname="test"><skipped type="todo" message="later"/></testcase>
  <testcase name="skipped yet failing" classname="test"><skipped type="skipped"/><failure message="boom"/></testcase>
</testsuite></testsuites>"#,
    );
    assert_eq!(
        statuses(&run),
        expect(&[
            ("Math :: Adds", Passed),
            ("Math :: DISABLED_Divides", Skipped),
            ("Math :: Rounds", Skipped),
            ("Math :: todo that passes", Skipped),
            // Only a todo's failure is forgiven.
            ("Math :: skipped yet failing", Failed),
        ])
    );
}

#[test]
fn malformed_xml_is_reported_with_its_line_and_column() {
    // A closing tag that does not match: found on line 4.
    let found = problems(
        "<testsuite name=\"s\">\n  <testcase name=\"a\">\n    <failure>x</failure>\n</testsuite>\n",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("report.xml:4: column "), "{found:?}");
    assert!(found[0].contains("testcase"), "{found:?}");

    // A bare `&` in text, at column 16 of line 3 (`    <failure>a ` is 15 bytes).
    let found = problems(
        "<testsuite name=\"s\">\n  <testcase name=\"a\">\n    <failure>a & b</failure>\n  </testcase>\n</testsuite>\n",
    );
    assert_eq!(
        found,
        [
            "report.xml:3: column 16: an `&` that starts no entity reference (write `&amp;` for a literal `&`)"
        ]
    );

    // A file cut short: the innermost element left open is named, where it opened.
    let found = problems(
        "<testsuites>\n  <testsuite name=\"s\">\n    <testcase name=\"a\">\n      <system-out>partial",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("report.xml:4: column 7: <system-out> is never closed"),
        "{found:?}"
    );
    assert!(found[0].ends_with("at line 4"), "{found:?}");

    // A character XML does not allow, in a name (found by the fuzzer: two tests whose names
    // differed only in a NUL would have become one when written back).
    for name in ["a\u{0}b", "a&#1;b"] {
        let found = problems(&format!(
            "<testsuite name=\"s\">\n<testcase name=\"{name}\"/>\n</testsuite>"
        ));
        assert_eq!(
            found,
            [format!(
                "report.xml:2: name: not XML: the character U+000{} in an attribute value, which XML does not allow",
                if name.contains('&') { 1 } else { 0 }
            )],
            "{name:?}"
        );
    }

    // Not a JUnit report at all.
    assert_eq!(
        problems("<html>\n<body/></html>"),
        [
            "report.xml:1: column 1: not a JUnit report: the root element is <html>, expected <testsuites> or <testsuite>"
        ]
    );
    assert_eq!(
        problems(""),
        ["report.xml: not a JUnit report: no <testsuites> or <testsuite> element"]
    );
    assert_eq!(
        problems("\n\nnot xml <testsuite name=\"s\"/>"),
        ["report.xml:3: column 1: text outside the root element"]
    );
    // An unknown entity (its `&` at column 29: `<testcase name="a">` is 19 bytes, `<failure>`
    // 9), an unclosed attribute value, an unclosed CDATA section (at 20 + 12 for
    // `<system-out>`).
    let found = problems(
        "<testsuite name=\"s\">\n<testcase name=\"a\"><failure>&nbsp;</failure></testcase></testsuite>",
    );
    assert_eq!(
        found,
        ["report.xml:2: column 29: unknown entity reference `&nbsp;`"]
    );
    let found = problems("<testsuite name=\"s\">\n\n<testcase name=\"a b/>\n</testsuite>");
    assert!(found[0].starts_with("report.xml:3: column "), "{found:?}");
    let found = problems(
        "<testsuite name=\"s\">\n<testcase name=\"a\"><system-out><![CDATA[never\nclosed\n",
    );
    assert!(
        found[0].starts_with("report.xml:2: column 32: a CDATA section"),
        "{found:?}"
    );
}

#[test]
fn positions_stay_right_after_long_text_and_a_byte_order_mark() {
    // 300 lines of output with entities and CDATA, then a bad time on line 303.
    let mut text =
        String::from("\u{feff}<testsuite name=\"s\">\n<testcase name=\"a\"><system-out>");
    for i in 0..150 {
        text.push_str(&format!(
            "line {i} &lt;&amp;&gt;\n<![CDATA[cdata ]] ]> {i}\n]]>"
        ));
    }
    text.push_str("</system-out></testcase>\n<testcase name=\"b\" time=\"x\"/>\n</testsuite>\n");
    // Lines: 1 the suite, 2–302 the first testcase (300 newlines inside it), 303 the second.
    let found = problems(&text);
    assert_eq!(
        found,
        ["report.xml:303: time: \"x\" is not a duration in seconds"]
    );
    // The same through a reader that hands out 1 to 16 bytes at a time.
    for capacity in 1..=16 {
        let reader = BufReader::with_capacity(capacity, text.as_bytes());
        let found: Vec<String> = junit::parse(reader, "report.xml")
            .unwrap_err()
            .0
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            ["report.xml:303: time: \"x\" is not a duration in seconds"]
        );
    }
}

#[test]
fn small_reads_give_the_same_run() {
    // Text, entities and CDATA cut at every possible place.
    for file in [
        "surefire.xml",
        "pytest-xunit1.xml",
        "nextest.xml",
        "node.xml",
    ] {
        let text = read(file);
        let whole = parse(&text);
        for capacity in [1, 2, 3, 5, 8, 13] {
            let reader = BufReader::with_capacity(capacity, text.as_bytes());
            let run = junit::parse(reader, file).unwrap();
            assert_eq!(run, whole, "{file} read {capacity} bytes at a time");
        }
    }
}

#[test]
fn long_output_is_kept_within_the_limit() {
    // 4 MiB of output in one <system-out>: its start and its end are kept.
    let line = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n";
    let lines = 4 * 1024 * 1024 / line.len();
    let mut text = String::from("<testsuite name=\"s\"><testcase name=\"a\"><system-out>first\n");
    for _ in 0..lines {
        text.push_str(line);
    }
    text.push_str("last\n</system-out></testcase></testsuite>");
    let run = parse(&text);
    let output = &run.cases[0].output;
    assert!(output.len() <= OUTPUT_LIMIT + 100, "{}", output.len());
    assert!(output.starts_with("first\n"));
    assert!(output.ends_with("last\n"));
    assert!(output.contains(" bytes of output omitted …\n"));
}

/// What survives writing: everything but the cache mark.
fn written_and_read(run: &TestRun) -> TestRun {
    let mut bytes = Vec::new();
    junit::write(run, &mut bytes).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    junit::parse(text.as_bytes(), "written.xml").unwrap_or_else(|p| panic!("{p}\n{text}"))
}

#[test]
fn go_test_results_round_trip_through_junit() {
    // gotest.json: 12 tests (6 passed, 4 failed, 2 skipped); edge.json: 3 tests and three
    // suite errors (timeout, panic, failed); broken.json: a build failure. Each comes back
    // whole, suite errors with their kinds.
    for file in [
        "gotest.json",
        "edge.json",
        "broken.json",
        "gotest-cached.json",
    ] {
        let text = std::fs::read_to_string(fixture("go", file)).unwrap();
        let mut run = gotest::parse(text.as_bytes(), file).unwrap();
        let again = written_and_read(&run);
        assert_eq!(again.counts(), run.counts(), "{file}");
        for case in &mut run.cases {
            case.cached = false;
        }
        // The writer groups cases by suite; within a suite their order is kept.
        let by_suite = |r: &TestRun| {
            let mut cases = r.cases.clone();
            cases.sort_by(|a, b| a.suite.cmp(&b.suite));
            cases
        };
        assert_eq!(by_suite(&again), by_suite(&run), "{file}");
        let mut errors = again.errors.clone();
        let mut expected = run.errors.clone();
        errors.sort_by(|a, b| a.suite.cmp(&b.suite));
        expected.sort_by(|a, b| a.suite.cmp(&b.suite));
        assert_eq!(errors, expected, "{file}");
    }
}

/// Found by the junit fuzz target: a failed test named like its own suite was written with a
/// classname equal to its name, which reads back as a Surefire 2 suite error.
#[test]
fn a_test_named_like_its_suite_round_trips() {
    let run = parse("<testsuite name=\"S\"><testcase name=\"S\"><failure/></testcase></testsuite>");
    assert_eq!(run.counts().failed, 1);
    let again = written_and_read(&run);
    assert_eq!(again.counts(), run.counts());
    let mut empty = Vec::new();
    junit::write(&TestRun::default(), &mut empty).unwrap();
    assert!(
        !String::from_utf8(empty).unwrap().contains("-0"),
        "no negative zero time"
    );
}

#[test]
fn every_fixture_round_trips_its_counts() {
    for file in [
        "pytest-xunit1.xml",
        "pytest-xunit2.xml",
        "nextest.xml",
        "node.xml",
        "node-edge.xml",
        "surefire.xml",
        "surefire-beforeall.xml",
        "surefire2-beforeclass.xml",
        "ant.xml",
        "ant-suite-error.xml",
        "jenkins-nested.xml",
    ] {
        let run = parse(&read(file));
        let again = written_and_read(&run);
        assert_eq!(again.counts(), run.counts(), "{file}");
        assert_eq!(statuses(&again), statuses(&run), "{file}");
    }
}

#[test]
fn written_junit_escapes_what_xml_cannot_carry() {
    let run = TestRun {
        cases: vec![
            TestCase {
                suite: "a/b <c>".into(),
                name: "it says \"hi\" & 'bye'\tthen\nleaves".into(),
                status: Failed,
                duration_seconds: Some(0.25),
                output: "\u{1b}[31mred\u{1b}[0m ]]> <![CDATA[ &amp;\r\nend\n".into(),
                cached: false,
                flaky: false,
            },
            TestCase {
                suite: "a/b <c>".into(),
                name: "flaky".into(),
                status: Passed,
                duration_seconds: None,
                output: "".into(),
                cached: false,
                flaky: true,
            },
        ],
        errors: vec![SuiteError {
            suite: "other".into(),
            kind: SuiteErrorKind::BuildFailure,
            output: "x.go:1: undefined: y\n".into(),
        }],
        ..TestRun::default()
    };
    let mut bytes = Vec::new();
    junit::write(&run, &mut bytes).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert!(!text.contains('\u{1b}'), "XML 1.0 has no ESC: {text}");
    assert!(text.contains(r#"<error message="x.go:1: undefined: y" type="build_failure">"#));
    let again = written_and_read(&run);
    assert_eq!(again.cases[0].name, run.cases[0].name);
    assert_eq!(again.cases[0].suite, run.cases[0].suite);
    assert_eq!(
        &*again.cases[0].output,
        "\u{fffd}[31mred\u{fffd}[0m ]]> <![CDATA[ &amp;\r\nend\n"
    );
    assert!(again.cases[1].flaky);
    assert_eq!(again.cases[1].duration_seconds, None);
    assert_eq!(again.errors, run.errors);
    assert_eq!(
        again.counts(),
        TestCounts {
            flaky: 1,
            inner_failures: 0,
            ..counts(2, 1, 1, 0, 1)
        }
    );
}

/// Bytes XML gives meaning to, and a byte of a multi-byte character.
fn mutate(text: &str, edits: &[(usize, u8)]) -> Vec<u8> {
    support::mutate(text, edits, b"<>/&;\"'=![]\n\xe7")
}

fn check(bytes: &[u8], capacity: usize) {
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let reader = BufReader::with_capacity(capacity, bytes);
    if let Err(problems) = junit::parse(reader, "input") {
        support::assert_located(&problems, lines);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400), capacity in 1..64usize) {
        check(&bytes, capacity);
    }

    #[test]
    fn mutated_reports_never_panic(
        file in 0..3usize,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..12),
        capacity in 1..64usize,
    ) {
        let text = read(["surefire.xml", "jenkins-nested.xml", "node-edge.xml"][file]);
        check(&mutate(&text, &edits), capacity);
    }
}
