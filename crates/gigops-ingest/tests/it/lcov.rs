//! LCOV tracefiles: real ones from coverage.py, c8, gcovr and lcov checked against the tools' own
//! summaries and against hand counts of the fixture programs, sections of several tests merged,
//! lcov 2's record forms, every kind of bad record reported with its place, and fuzzing.

use crate::support;
use gigops_core::evidence::{Coverage, CoverageUnit, FileCoverage, LineHit};
use gigops_ingest::lcov;
use proptest::prelude::*;

pub(crate) fn read(folder: &str, name: &str) -> String {
    support::read_fixture(&format!("{folder}/{name}"))
}

pub(crate) fn parse(sources: &[(&str, &str)]) -> Result<Coverage, Vec<String>> {
    lcov::parse(sources.iter().map(|&(name, text)| (name, text.as_bytes())))
        .map_err(|p| p.0.iter().map(ToString::to_string).collect())
}

fn parse_fixture(name: &str) -> Coverage {
    parse(&[(name, &read("lcov", name))]).unwrap()
}

/// The lines of a file that did and did not run.
pub(crate) fn split_lines(file: &FileCoverage) -> (Vec<u32>, Vec<u32>) {
    let ran = file.lines.iter().filter(|l| l.covered).map(|l| l.line);
    let missed = file.lines.iter().filter(|l| !l.covered).map(|l| l.line);
    (ran.collect(), missed.collect())
}

/// `(covered, total)` from the `lines......: 87.5% (14 of 16 lines)` line of `lcov --summary`.
pub(crate) fn lcov_summary_lines(text: &str) -> (u64, u64) {
    let line = text.lines().find(|l| l.contains("lines...")).unwrap();
    let inside = line.split('(').nth(1).unwrap();
    let mut words = inside.split_whitespace();
    let covered = words.next().unwrap().parse().unwrap();
    assert_eq!(words.next(), Some("of"));
    let total = words.next().unwrap().parse().unwrap();
    (covered, total)
}

#[test]
fn coverage_py_tracefile_matches_its_report_and_a_hand_count() {
    let coverage = parse_fixture("coveragepy.info");
    assert_eq!(coverage.unit, CoverageUnit::Lines);
    // `__init__.py` is only a docstring: a section with no DA line, listed with nothing to count.
    let paths: Vec<_> = coverage.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["shop/__init__.py", "shop/pricing.py"]);
    assert_eq!((coverage.files[0].covered, coverage.files[0].total), (0, 0));

    // By hand from py/shop/pricing.py and its tests: every statement line ran except 13 (the
    // refund branch: no test passes a negative amount) and 22 (the body of never_called). The
    // three lines of the `parts = [...]` statement count once, at 14; `def` lines count.
    let pricing = &coverage.files[1];
    let (ran, missed) = split_lines(pricing);
    assert_eq!(ran, [4, 5, 6, 7, 8, 11, 12, 14, 18, 21]);
    assert_eq!(missed, [13, 22]);

    // coverage.py's own report: `shop/pricing.py  12  2 …` (statements, missed).
    let report = read("cobertura", "coveragepy-report.txt");
    let row = report
        .lines()
        .find(|l| l.starts_with("shop/pricing.py"))
        .unwrap();
    let numbers: Vec<u64> = row
        .split_whitespace()
        .skip(1)
        .take(2)
        .map(|n| n.parse().unwrap())
        .collect();
    assert_eq!(
        (pricing.covered, pricing.total),
        (numbers[0] - numbers[1], numbers[0])
    );
}

#[test]
fn c8_tracefile_matches_its_summary_and_a_hand_count() {
    let coverage = parse_fixture("c8.info");
    assert_eq!(coverage.files.len(), 1);
    let price = &coverage.files[0];
    assert_eq!(price.path, "src/price.js");
    // By hand from js/src/price.js: V8 counts every one of the file's 23 lines, comments and
    // blank lines too. Not run: 7–8 (the discount body: the test passes no discount), 14–15 (the
    // refund branch) and 19–21 (neverCalled), 7 lines; 23 − 7 = 16 ran.
    assert_eq!(price.total, 23);
    let (_, missed) = split_lines(price);
    assert_eq!(missed, [7, 8, 14, 15, 19, 20, 21]);
    assert_eq!(price.covered, 23 - 7);
    // c8's text-summary: `Lines        : 69.56% ( 16/23 )`.
    let summary = read("cobertura", "c8-summary.txt");
    let lines = summary.lines().find(|l| l.starts_with("Lines")).unwrap();
    let counts = lines
        .split('(')
        .nth(1)
        .unwrap()
        .trim_end_matches(')')
        .trim();
    assert_eq!(counts, format!("{}/{}", price.covered, price.total));
}

#[test]
fn gcovr_tracefile_with_checksums_matches_gcovr_text_report() {
    let coverage = parse_fixture("gcovr.info");
    let calc = &coverage.files[0];
    assert_eq!(calc.path, "/tmp/gigops-fixtures/c/calc.c");
    // By hand from c/calc.c run with no arguments (argc 1): sign(1) runs 4, 5, 7, 9 but not 6 or
    // 8; never_called (12–16) never runs; main runs 19, 21, 22, 24 but not 23.
    let (ran, missed) = split_lines(calc);
    assert_eq!(ran, [4, 5, 7, 9, 19, 21, 22, 24]);
    assert_eq!(missed, [6, 8, 12, 13, 14, 15, 16, 23]);
    // gcovr's text report: `calc.c  16  8  50% …` (lines, executed).
    let text = read("cobertura", "gcovr.txt");
    let row = text.lines().find(|l| l.starts_with("calc.c")).unwrap();
    let numbers: Vec<u64> = row
        .split_whitespace()
        .skip(1)
        .take(2)
        .map(|n| n.parse().unwrap())
        .collect();
    assert_eq!((calc.total, calc.covered), (numbers[0], numbers[1]));
}

#[test]
fn sections_of_several_tests_merge_per_line_as_lcov_merges_them() {
    // lcov -a keeps one section per test name: calc.c appears twice in lcov-merged.info.
    let merged_text = read("lcov", "lcov-merged.info");
    assert_eq!(merged_text.matches("SF:").count(), 2);
    let merged = parse_fixture("lcov-merged.info");
    assert_eq!(merged.files.len(), 1);
    // By hand: six arguments run sign(6) (4, 5, 7, 9), never_called (12–16) and line 23; with the
    // one-argument run, only 6 and 8 (n < 0, n == 0) never ran: 14 of 16.
    let (_, missed) = split_lines(&merged.files[0]);
    assert_eq!(missed, [6, 8]);
    assert_eq!(
        (merged.covered(), merged.total()),
        lcov_summary_lines(&read("lcov", "lcov-merged-summary.txt"))
    );

    // The two tracefiles given separately merge to the same coverage.
    let separately = parse(&[
        ("lcov-one-arg.info", &read("lcov", "lcov-one-arg.info")),
        ("lcov-six-args.info", &read("lcov", "lcov-six-args.info")),
    ])
    .unwrap();
    assert_eq!(separately, merged);

    // lcov 1.16's capture writes no LF/LH here; the count comes from DA lines all the same.
    let one = parse_fixture("lcov-one-arg.info");
    assert!(!read("lcov", "lcov-one-arg.info").contains("LF:"));
    assert_eq!(
        (one.covered(), one.total()),
        lcov_summary_lines(&read("lcov", "lcov-one-arg-summary.txt"))
    );
    // The same run through gcovr and through lcov: the same lines.
    assert_eq!(
        one.files[0].lines,
        parse_fixture("gcovr.info").files[0].lines
    );
}

#[test]
fn lcov_2_record_forms_read_like_lcov_1() {
    // lcov2-one-arg.info is lcov-one-arg.info rewritten with FNL/FNA, VER, an exception branch
    // with an expression for its id, MC/DC records, checksums and a comment.
    assert_eq!(
        parse_fixture("lcov2-one-arg.info"),
        parse_fixture("lcov-one-arg.info")
    );
}

#[test]
fn summaries_are_never_trusted_and_a_line_is_covered_when_any_section_ran_it() {
    let first = "TN:unit\nSF:a.c\nDA:1,0\nDA:2,3\nDA:3,0\nLF:100\nLH:100\nend_of_record\n";
    let second = "TN:e2e\nSF:a.c\nDA:1,1\nDA:2,0\nend_of_record\nSF:b.c\nDA:7,0\nend_of_record\n";
    let coverage = parse(&[("1.info", first), ("2.info", second)]).unwrap();
    // a.c: line 1 ran in the second, 2 in the first, 3 in neither; b.c: 7 never.
    assert_eq!(
        coverage.files[0].lines,
        [
            LineHit {
                line: 1,
                covered: true
            },
            LineHit {
                line: 2,
                covered: true
            },
            LineHit {
                line: 3,
                covered: false
            },
        ]
    );
    assert_eq!((coverage.covered(), coverage.total()), (2, 4));
    assert_eq!(coverage.percent(), Some(50.0));
    // A line listed twice in one section is one line.
    let twice = parse(&[("t.info", "SF:a.c\nDA:1,0\nDA:1,2\nend_of_record\n")]).unwrap();
    assert_eq!((twice.covered(), twice.total()), (1, 1));
}

#[test]
fn paths_are_kept_as_written_and_crlf_blank_lines_and_comments_are_fine() {
    let text = "# made by hand\r\nTN:\r\nSF:C:\\src\\my app\\a.c\r\n\r\nDA:3,1\r\nend_of_record\r\nSF:./b.c\nend_of_record";
    let coverage = parse(&[("w.info", text)]).unwrap();
    let paths: Vec<_> = coverage.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["./b.c", "C:\\src\\my app\\a.c"]);
    assert_eq!(coverage.percent(), Some(100.0));
    // Counts past u64 (a runaway counter) and with a fraction are still counts.
    let big = "SF:a.c\nDA:1,99999999999999999999999\nDA:2,0.0\nend_of_record\n";
    let coverage = parse(&[("big.info", big)]).unwrap();
    assert_eq!((coverage.covered(), coverage.total()), (1, 2));
}

#[test]
fn every_bad_record_is_reported_with_its_place() {
    let bad = "DA:1,1
SF:a.c
DA:1
DA:x,1
DA:0,1
DA:1,-1
DA:1,1,abc,extra
FN:name
FNDA:many,f
FNL:x,1
FNA:0,1
BRDA:1,0,0
BRDA:1,0,0,often
LF:lots
nonsense
da:1,1
end_of_record
end_of_record
SF:
DA:1,1
end_of_record
SF:b.c
DA:2,1
";
    let found = parse(&[
        ("p.info", bad),
        ("q.info", ""),
        ("r.info", "TN:only a name\n"),
    ])
    .unwrap_err();
    let expected = [
        ("p.info:1: ", "`DA` record outside a section"),
        ("p.info:3: ", "expected `DA:<line>,<count>[,<checksum>]`"),
        ("p.info:4: ", "line \"x\" is not a line number"),
        ("p.info:5: ", "line \"0\" is 0, and lines start at 1"),
        ("p.info:6: ", "count \"-1\" is negative"),
        ("p.info:7: ", "expected `DA:<line>,<count>[,<checksum>]`"),
        ("p.info:8: ", "expected `FN:<line>,[<end line>,]<name>`"),
        ("p.info:9: ", "count \"many\" is not a count"),
        ("p.info:10: ", "index \"x\" is not a number"),
        ("p.info:11: ", "expected `FNA:<index>,<count>,<name>`"),
        (
            "p.info:12: ",
            "expected `BRDA:<line>,<block>,<branch>,<taken>`",
        ),
        ("p.info:13: ", "count \"often\" is not a count"),
        ("p.info:14: ", "total \"lots\" is not a number"),
        ("p.info:15: ", "\"nonsense\" is not an LCOV record"),
        ("p.info:16: ", "\"da:1,1\" is not an LCOV record"),
        ("p.info:18: ", "`end_of_record` without a section"),
        ("p.info:19: ", "`SF:` without a path"),
        (
            "p.info:22: ",
            "the section of \"b.c\" has no `end_of_record`",
        ),
        ("q.info: ", "no `SF:` section"),
        ("r.info: ", "no `SF:` section"),
    ];
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for ((prefix, reason), problem) in expected.iter().zip(&found) {
        assert!(
            problem.starts_with(prefix) && problem.contains(reason),
            "{problem:?} should start {prefix:?} and say {reason:?}"
        );
    }
    // The record is quoted, so that the user sees what was read.
    assert!(found[2].contains("\"DA:x,1\""), "{}", found[2]);
}

#[test]
fn a_section_left_open_before_the_next_is_reported_at_its_sf() {
    let text = "SF:a.c\nDA:1,1\nSF:b.c\nDA:1,1\nend_of_record\n";
    let found = parse(&[("o.info", text)]).unwrap_err();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("o.info:1: the section of \"a.c\""));
}

#[test]
fn bytes_that_are_not_utf8_are_a_problem_of_their_line() {
    let found = lcov::parse([("b.info", &b"SF:a.c\nDA:1,\xff\nend_of_record\n"[..])]).unwrap_err();
    assert_eq!(found.0.len(), 1);
    assert_eq!(found.0[0].line, 2);
    assert!(found.0[0].reason.contains("UTF-8"));
}

fn check_never_panics(bytes: &[u8]) {
    if let Err(problems) = lcov::parse([("input", bytes)]) {
        support::assert_located(&problems, support::lines_of(bytes));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "(SF:|DA:|end_of_record|[0-9,\n:-]|.){0,200}") {
        check_never_panics(text.as_bytes());
    }

    #[test]
    fn mutated_tracefiles_never_panic(
        which in 0..2usize,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..12),
    ) {
        let text = [read("lcov", "lcov2-one-arg.info"), read("lcov", "coveragepy.info")];
        check_never_panics(&support::mutate(&text[which], &edits, b",:\n-0.9\xff"));
    }
}
