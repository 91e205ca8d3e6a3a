//! Cobertura XML: real reports of coverage.py, c8 and gcovr checked against the same tools' LCOV
//! output and their own summaries, a JaCoCo-style report whose file is spread over classes,
//! lines never taken from the rate attributes, every kind of bad input reported with line and
//! column, and fuzzing.

use gigops_core::evidence::{Coverage, CoverageUnit};
use gigops_ingest::cobertura;
use proptest::prelude::*;

use crate::lcov::{read, split_lines};
use crate::support::mutate;

fn parse(sources: &[(&str, &str)]) -> Result<Coverage, Vec<String>> {
    cobertura::parse(sources.iter().map(|&(name, text)| (name, text.as_bytes())))
        .map_err(|p| p.0.iter().map(ToString::to_string).collect())
}

fn parse_fixture(name: &str) -> Coverage {
    parse(&[(name, &read("cobertura", name))]).unwrap()
}

fn lcov_fixture(name: &str) -> Coverage {
    crate::lcov::parse(&[(name, &read("lcov", name))]).unwrap()
}

#[test]
fn coverage_py_xml_and_lcov_reports_agree() {
    let xml = parse_fixture("coveragepy.xml");
    assert_eq!(xml.unit, CoverageUnit::Lines);
    // coverage.py writes the same relative paths in both reports, and the same lines (counted by
    // hand in lcov.rs: all of pricing.py's 12 statement lines ran but 13 and 22).
    assert_eq!(xml, lcov_fixture("coveragepy.info"));
    assert_eq!((xml.covered(), xml.total()), (10, 12));
    // The rate coverage.py wrote agrees: line-rate="0.8333" on <coverage>.
    let text = read("cobertura", "coveragepy.xml");
    assert!(text.contains("lines-valid=\"12\" lines-covered=\"10\""));
}

#[test]
fn c8_cobertura_and_lcov_reports_agree() {
    // Istanbul's cobertura reporter lists each function's first line again under <methods>;
    // merged per line, the report gives what its LCOV gives, path included (both relative).
    let xml = parse_fixture("c8.xml");
    assert_eq!(xml, lcov_fixture("c8.info"));
    assert_eq!(xml.files[0].path, "src/price.js");
    assert_eq!((xml.covered(), xml.total()), (16, 23));
}

#[test]
fn gcovr_cobertura_and_lcov_reports_agree_but_for_the_path() {
    let xml = parse_fixture("gcovr.xml");
    let info = lcov_fixture("gcovr.info");
    // gcovr names the file relative to its root in Cobertura (the root is the <source>) and
    // absolute in LCOV; the paths are kept as written, so they differ and nothing else does.
    assert_eq!(xml.files[0].path, "calc.c");
    assert_eq!(info.files[0].path, "/tmp/gigops-fixtures/c/calc.c");
    assert_eq!(xml.files[0].lines, info.files[0].lines);
    assert_eq!((xml.covered(), xml.total()), (info.covered(), info.total()));
    // Every line is listed twice (under its method and under the class), yet counted once:
    // 16 <line> elements under <class><lines>, as gcovr.txt says (`calc.c  16  8`).
    let text = read("cobertura", "gcovr.xml");
    assert_eq!(text.matches("<line ").count(), 2 * 16);
    assert_eq!((xml.covered(), xml.total()), (8, 16));
}

#[test]
fn one_file_over_several_classes_is_merged_per_line() {
    let coverage = parse_fixture("jacoco-converted.xml");
    let paths: Vec<_> = coverage.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "com/example/shop/Cart.java",
            "com/example/shop/Receipt.java"
        ]
    );
    // By hand: Cart.java's lines are split between Cart (7, 8, 12, 13, 14, 16, 20, 21) and
    // Cart$Item (25, 26, 27, 30); hits 0 on 14, 20, 21 and 30.
    let (ran, missed) = split_lines(&coverage.files[0]);
    assert_eq!(ran, [7, 8, 12, 13, 16, 25, 26, 27]);
    assert_eq!(missed, [14, 20, 21, 30]);
    // Receipt.java: 5 and 6, neither ran. In all 8 of 14, as the report's own totals say.
    assert_eq!(split_lines(&coverage.files[1]), (vec![], vec![5, 6]));
    assert_eq!((coverage.covered(), coverage.total()), (8, 14));
    let text = read("cobertura", "jacoco-converted.xml");
    assert!(text.contains("lines-covered=\"8\" lines-valid=\"14\""));
}

#[test]
fn lines_come_from_line_elements_never_from_rates_and_any_hit_covers() {
    // The rates claim everything ran; the lines say otherwise. Line 2 is listed under a method
    // without hits, under the class with hits, and in a second report without: it ran. The
    // second report runs line 3, which the first did not.
    let first = r#"<?xml version="1.0"?>
<coverage line-rate="1" lines-covered="99" lines-valid="99">
  <packages><package name="p" line-rate="1"><classes>
    <class name="A" filename="a.py" line-rate="1">
      <methods><method name="f" signature=""><lines><line number="2" hits="0"/></lines></method></methods>
      <lines><line number="1" hits="0"/><line number="2" hits="4"/><line number="3" hits="0"/></lines>
    </class>
  </classes></package></packages>
</coverage>"#;
    let second = r#"<coverage><packages><package><classes>
<class filename="a.py"><lines><line number="2" hits="0"/><line number="3" hits="1"/></lines></class>
<class filename="b.py"><lines/></class>
</classes></package></packages></coverage>"#;
    let coverage = parse(&[("1.xml", first), ("2.xml", second)]).unwrap();
    assert_eq!(split_lines(&coverage.files[0]), (vec![2, 3], vec![1]));
    // b.py has no line: listed, with nothing to count.
    assert_eq!(coverage.files[1].path, "b.py");
    assert_eq!((coverage.covered(), coverage.total()), (2, 3));
}

#[test]
fn prologs_entities_numbers_past_u64_and_fractions_are_read() {
    // A byte order mark, a declaration, a comment and a DOCTYPE may come before the root.
    let text = "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".to_string()
        + r#"<!-- made by hand --><!DOCTYPE coverage SYSTEM "coverage-04.dtd">
<coverage><packages><package><classes>
<class filename="dir &amp; sub/a&#46;py"><lines>
<line number="1" hits="18446744073709551616"/><line number="2" hits="0.0"/>
</lines></class></classes></package></packages></coverage>"#;
    let coverage = parse(&[("e.xml", &text)]).unwrap();
    assert_eq!(coverage.files[0].path, "dir & sub/a.py");
    assert_eq!(split_lines(&coverage.files[0]), (vec![1], vec![2]));
}

#[test]
fn every_bad_element_is_reported_with_line_and_column() {
    let bad = r#"<coverage>
<line number="1" hits="1"/>
<class name="no file"><lines>
  <line number="1" hits="1"/>
</lines></class>
<class filename="a.py">
  <line hits="1"/>
  <line number="x" hits="1"/>
  <line number="0"   hits="-2"/>
  <class filename="b.py"></class>
</class>
<class filename="">
</class>
</coverage>"#;
    let found = parse(&[
        ("p.xml", bad),
        ("q.xml", ""),
        ("r.xml", "<report name=\"jacoco\"/>"),
        ("s.xml", "<coverage><packages>\n  <package>"),
        (
            "t.xml",
            "<coverage>\n<class filename='a' filename='b'/>\n</coverage>",
        ),
        ("u.xml", "<coverage>\n  <lines></line>\n</coverage>"),
        ("v.xml", "<coverage/>\n<coverage/>"),
    ])
    .unwrap_err();
    let expected = [
        ("p.xml:2: column 1: ", "a <line> outside any <class>"),
        (
            "p.xml:3: column 1: ",
            "<class> without a filename attribute",
        ),
        ("p.xml:7: column 3: ", "<line> without a number attribute"),
        (
            "p.xml:8: column 9: ",
            "<line> number \"x\" is not a line number",
        ),
        ("p.xml:9: column 9: ", "<line> number \"0\" is 0"),
        ("p.xml:9: column 22: ", "<line> hits \"-2\" is negative"),
        ("p.xml:10: column 3: ", "a <class> inside a <class>"),
        ("p.xml:12: column 8: ", "<class> with an empty filename"),
        ("q.xml: ", "no <coverage> element"),
        ("r.xml:1: column 1: ", "the root element is <report>"),
        ("s.xml:2: column 12: ", "ends before </coverage>"),
        ("t.xml:2: column 21: ", "an attribute given twice"),
        ("u.xml:2: column 10: ", "not well-formed XML"),
        ("v.xml:2: column 1: ", "<coverage> after </coverage>"),
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
fn columns_count_bytes_and_tags_may_span_lines() {
    // `é` is two bytes: `hits` on line 2 starts at byte 42 (24 bytes of <class …>, 17 of
    // `<line number="1" `), though it is the 41st character. The last <line>'s `hits` is on the
    // tag's third line.
    let text = "<coverage>\n<class filename=\"é.py\"><line number=\"1\" hits=\"x\"/>\n<line\n  number=\"2\"\n  hits=\"y\"/>\n</class></coverage>";
    let found = parse(&[("m.xml", text)]).unwrap_err();
    assert_eq!(
        found,
        [
            "m.xml:2: column 42: <line> hits \"x\" is not a count",
            "m.xml:5: column 3: <line> hits \"y\" is not a count",
        ]
    );
}

fn check_never_panics(bytes: &[u8]) {
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    if let Err(problems) = cobertura::parse([("input", bytes)]) {
        crate::support::assert_located(&problems, lines);
        for problem in &problems.0 {
            assert!(problem.line == 0 || problem.column.starts_with("column "));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(
        text in "(<coverage>|<class filename=\"a\">|<line number=\"1\" hits=\"1\"/>|</class>|</coverage>|[<>/=\"a-z0-9 \n&;]){0,60}",
    ) {
        check_never_panics(text.as_bytes());
    }

    #[test]
    fn mutated_reports_never_panic(
        which in 0..2usize,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..12),
    ) {
        let text = [read("cobertura", "gcovr.xml"), read("cobertura", "jacoco-converted.xml")];
        check_never_panics(&mutate(&text[which], &edits, b"<>/=\"'&;\n0-9\xe7"));
    }
}
