//! Go coverage profiles: real profiles checked against `go tool cover -func`, merging, and every
//! kind of bad line reported with its place.

use crate::support;
use gigops_core::evidence::{Coverage, CoverageUnit, FileCoverage};
use gigops_ingest::gocover;

fn read(name: &str) -> String {
    support::read_fixture(&format!("go/{name}"))
}

fn parse(sources: &[(&str, &str)]) -> Result<Coverage, Vec<String>> {
    gocover::parse(sources.iter().map(|&(name, text)| (name, text.as_bytes())))
        .map_err(|p| p.0.iter().map(ToString::to_string).collect())
}

/// The `total:` percentage `go tool cover -func` printed, as saved in the fixture.
fn go_total_percent() -> f64 {
    let text = read("cover-func.txt");
    let total = text.lines().find(|l| l.starts_with("total:")).unwrap();
    let percent = total.split_whitespace().last().unwrap();
    percent.trim_end_matches('%').parse().unwrap()
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[test]
fn a_real_count_profile_matches_go_tool_cover() {
    let coverage = parse(&[("cover.out", &read("cover.out"))]).unwrap();
    assert_eq!(coverage.unit, CoverageUnit::Statements);
    // By hand from cover.out: calc has 11 statements, Add (1) and Sign (5) covered; util 1 of 1.
    let paths: Vec<_> = coverage.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "example.com/shop/calc/calc.go",
            "example.com/shop/util/util.go"
        ]
    );
    assert_eq!(
        (coverage.files[0].covered, coverage.files[0].total),
        (6, 11)
    );
    assert_eq!((coverage.files[1].covered, coverage.files[1].total), (1, 1));
    assert_eq!((coverage.covered(), coverage.total()), (7, 12));
    assert_eq!(round1(coverage.percent().unwrap()), go_total_percent());
    assert_eq!(go_total_percent(), 58.3);
}

/// The lines of a file that did and did not run.
fn split_lines(file: &FileCoverage) -> (Vec<u32>, Vec<u32>) {
    let ran = file.lines.iter().filter(|l| l.covered).map(|l| l.line);
    let missed = file.lines.iter().filter(|l| !l.covered).map(|l| l.line);
    (ran.collect(), missed.collect())
}

#[test]
fn lines_of_a_real_profile_are_every_line_a_block_spans() {
    let coverage = parse(&[("cover.out", &read("cover.out"))]).unwrap();
    // By hand from cover.out and module/calc/calc.go: Add's block 5.24,7.2 ran (5–7); Div's
    // 10.24,12.2 did not (10–12); Sign's five blocks all ran and together span 15–22 (its closing
    // brace, 23, is in no block); Unused's three blocks did not run and span 26–31.
    let calc = &coverage.files[0];
    let (ran, missed) = split_lines(calc);
    assert_eq!(ran, [5, 6, 7, 15, 16, 17, 18, 19, 20, 21, 22]);
    assert_eq!(missed, [10, 11, 12, 26, 27, 28, 29, 30, 31]);
    // Lines are not statements: 20 lines against 11 statements.
    assert_eq!((calc.lines.len(), calc.total), (20, 11));
    // util.go: Twice is one line, 5.
    assert_eq!(split_lines(&coverage.files[1]), (vec![5], vec![]));

    // Merged with cover-set.out, where Twice's block did not run: still covered.
    let merged = parse(&[
        ("cover.out", &read("cover.out")),
        ("cover-set.out", &read("cover-set.out")),
    ])
    .unwrap();
    assert_eq!(merged.files[1].lines, coverage.files[1].lines);
}

#[test]
fn a_line_is_covered_when_any_block_spanning_it_ran() {
    // Line 3 ends one block (ran) and starts another (did not); line 9 is in two blocks of two
    // profiles, one of which ran it.
    let first = "mode: set\na.go:1.10,3.4 2 1\na.go:3.4,5.2 1 0\na.go:9.1,9.20 1 0\n";
    let second = "mode: set\na.go:9.1,9.20 1 1\n";
    let coverage = parse(&[("1.out", first), ("2.out", second)]).unwrap();
    assert_eq!(
        split_lines(&coverage.files[0]),
        (vec![1, 2, 3, 9], vec![4, 5])
    );
    assert_eq!((coverage.covered(), coverage.total()), (3, 4));
}

#[test]
fn blocks_on_line_0_or_spanning_absurdly_many_lines_are_bad() {
    let found = parse(&[(
        "b.out",
        "mode: set\na.go:0.1,2.2 1 1\na.go:1.1,4000000000.1 1 1\na.go:1.1,1000000.1 1 1\n",
    )])
    .unwrap_err();
    // The third block spans 1,000,000 lines, the most allowed.
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].starts_with("b.out:2: ") && found[0].contains("line 0"));
    assert!(found[1].starts_with("b.out:3: ") && found[1].contains("more than 1000000 lines"));
}

#[test]
fn real_profiles_of_different_modes_merge_and_duplicate_blocks_count_once() {
    let merged = parse(&[
        ("cover.out", &read("cover.out")),
        ("cover-set.out", &read("cover-set.out")),
    ])
    .unwrap();
    assert_eq!((merged.covered(), merged.total()), (7, 12));
    assert_eq!(round1(merged.percent().unwrap()), go_total_percent());

    // Concatenated into one file, repeated `mode:` line and all.
    let concatenated = format!("{}{}", read("cover.out"), read("cover-set.out"));
    let again = parse(&[("all.out", &concatenated)]).unwrap();
    assert_eq!(again, merged);
}

#[test]
fn a_block_is_covered_when_any_profile_ran_it() {
    let first = "mode: atomic\na.go:1.1,2.2 3 0\na.go:3.1,4.2 2 5\n";
    let second = "mode: count\na.go:1.1,2.2 3 1\na.go:3.1,4.2 2 0\nb.go:1.1,1.9 4 0\n";
    let coverage = parse(&[("1.out", first), ("2.out", second)]).unwrap();
    assert_eq!((coverage.covered(), coverage.total()), (5, 9));
    assert_eq!(coverage.files[1].path, "b.go");
    assert_eq!((coverage.files[1].covered, coverage.files[1].total), (0, 4));
    // A block with the same place but a different statement count is a different block.
    let coverage = parse(&[("3.out", "mode: set\na.go:1.1,2.2 3 1\na.go:1.1,2.2 4 0\n")]).unwrap();
    assert_eq!((coverage.covered(), coverage.total()), (3, 7));
}

#[test]
fn paths_may_contain_colons_and_spaces_and_lines_may_end_in_crlf() {
    let coverage = parse(&[(
        "w.out",
        "mode: set\r\nC:/src/my pkg/a.go:10.2,12.3 2 1\r\n\r\n",
    )])
    .unwrap();
    assert_eq!(coverage.files[0].path, "C:/src/my pkg/a.go");
    assert_eq!(coverage.percent(), Some(100.0));
}

#[test]
fn no_statements_has_no_percent() {
    let coverage = parse(&[("e.out", "mode: set\n")]).unwrap();
    assert_eq!(coverage.files, vec![]);
    assert_eq!(coverage.percent(), None);
}

#[test]
fn every_bad_line_is_reported_with_its_place() {
    let bad = "mode: set
a.go:1.1,2.2 1 1
a.go:1.1,2.2 1
a.go 1 1
a.go:1.1-2.2 1 1
a.go:x.1,2.2 1 1
a.go:1.1,2.2 one 1
a.go:1.1,2.2 1 -1
a.go:5.1,2.2 1 1
:1.1,2.2 1 1
mode: sometimes
";
    let found = parse(&[
        ("p.out", bad),
        ("q.out", "a.go:1.1,2.2 1 1\n"),
        ("r.out", ""),
    ])
    .unwrap_err();
    let expected = [
        ("p.out:3: ", "too few fields"),
        ("p.out:4: ", "no `file:`"),
        ("p.out:5: ", "no `start,end` range"),
        ("p.out:6: ", "bad start position"),
        ("p.out:7: ", "statement count is not a number"),
        ("p.out:8: ", "count is not a number"),
        ("p.out:9: ", "block ends before it starts"),
        ("p.out:10: ", "empty file name"),
        ("p.out:11: ", "unknown mode \"sometimes\""),
        (
            "q.out:1: ",
            "expected a `mode: set|count|atomic` line first",
        ),
        ("r.out: ", "empty profile"),
    ];
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for ((prefix, reason), problem) in expected.iter().zip(&found) {
        assert!(
            problem.starts_with(prefix) && problem.contains(reason),
            "{problem:?} should start {prefix:?} and say {reason:?}"
        );
    }
    assert!(
        found[0].contains("expected `file:startLine.startCol,endLine.endCol statements count`")
    );
}
