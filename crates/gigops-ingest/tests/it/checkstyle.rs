//! Checkstyle XML: the real reports of Checkstyle and ESLint checked against each tool's other
//! listing of the same run, golangci-lint's shape checked against its SARIF, severities, every
//! kind of bad input reported with its place, and a fuzz run.

use std::path::PathBuf;

use crate::support;
use gigops_core::evidence::{Finding, FindingCounts, FindingLevel, Findings};
use gigops_ingest::{checkstyle, sarif};
use proptest::prelude::*;

fn fixture(name: &str) -> PathBuf {
    support::fixture(name)
}

fn read(name: &str) -> String {
    support::read_fixture(name)
}

fn parse_fixture(name: &str) -> Findings {
    let file = std::fs::File::open(fixture(name)).unwrap();
    checkstyle::parse(std::io::BufReader::new(file), name).unwrap()
}

fn parse(text: &str) -> Result<Findings, Vec<String>> {
    checkstyle::parse(text.as_bytes(), "x.xml")
        .map_err(|p| p.0.iter().map(ToString::to_string).collect())
}

fn problems(text: &str) -> Vec<String> {
    match parse(text) {
        Ok(findings) => panic!("expected problems, got {findings:?}"),
        Err(problems) => problems,
    }
}

fn assert_problem(problems: &[String], prefix: &str, contains: &str) {
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with(prefix) && p.contains(contains)),
        "no problem starting {prefix:?} containing {contains:?} in:\n{}",
        problems.join("\n")
    );
}

#[test]
fn checkstyle_report_matches_its_plain_listing() {
    let findings = parse_fixture("checkstyle/checkstyle.xml");
    // checkstyle-plain.txt has one `[LEVEL] path:line[:column]: message [Check]` line per
    // finding (the stack trace's lines that follow the first are not findings).
    let listing = read("checkstyle/checkstyle-plain.txt");
    let mut listed = Vec::new();
    for line in listing.lines() {
        let Some((level, rest)) = line
            .strip_prefix('[')
            .and_then(|l| l.split_once("] "))
            .filter(|(level, _)| ["ERROR", "WARN", "INFO"].contains(level))
        else {
            continue;
        };
        let level = match level {
            "ERROR" => FindingLevel::Error,
            "WARN" => FindingLevel::Warning,
            _ => FindingLevel::Note,
        };
        let (path, rest) = rest.split_once(':').unwrap();
        let (place, _) = rest.split_once(": ").unwrap();
        let mut numbers = place.split(':').map(|n| n.parse::<u32>().unwrap());
        listed.push((level, path, numbers.next(), numbers.next()));
    }
    // By hand: 3 [ERROR] (the exception, UnusedImports, ConstantName), 2 [WARN], 3 [INFO];
    // "Checkstyle ends with 3 errors."
    assert_eq!(
        findings.counts(),
        FindingCounts {
            error: 3,
            warning: 2,
            note: 3
        }
    );
    assert_eq!(findings.findings.len(), listed.len());
    for (finding, (level, path, line, column)) in findings.findings.iter().zip(&listed) {
        assert_eq!(finding.tool, "checkstyle");
        assert_eq!(finding.level, *level);
        assert_eq!(finding.path.as_deref(), Some(*path));
        assert_eq!((finding.line, finding.column), (*line, *column));
    }

    let unused = &findings.findings[1];
    assert_eq!(
        unused.rule,
        "com.puppycrawl.tools.checkstyle.checks.imports.UnusedImportsCheck"
    );
    assert_eq!(unused.message, "Unused import - java.util.Map.");
    // `&apos;` decoded.
    assert_eq!(
        findings.findings[2].message,
        "Name 'maxItems' must match pattern '^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$'."
    );
    // The file Checkstyle could not parse: `&#10;` is a newline in the message.
    let exception = &findings.findings[0];
    assert_eq!(exception.rule, "com.puppycrawl.tools.checkstyle.Checker");
    assert!(exception.message.starts_with("Got an exception - "));
    assert!(exception.message.contains("\n#x9;at com.puppycrawl"));
}

#[test]
fn eslint_checkstyle_report_has_the_findings_of_its_sarif() {
    let xml = parse_fixture("checkstyle/eslint.xml");
    let sarif = {
        let file = std::fs::File::open(fixture("sarif/eslint.sarif")).unwrap();
        sarif::parse(std::io::BufReader::new(file), "eslint.sarif").unwrap()
    };
    // The same run: "✖ 7 problems (4 errors, 3 warnings)".
    assert_eq!(xml.counts(), sarif.counts());
    assert_eq!(
        xml.counts(),
        FindingCounts {
            error: 4,
            warning: 3,
            note: 0
        }
    );
    for finding in &sarif.findings {
        // ESLint's checkstyle formatter writes `eslint.rules.<rule>` as the source, and nothing
        // for a parse error (ESL0999 is the SARIF formatter's own id).
        let source = match finding.rule.as_str() {
            "ESL0999" => String::new(),
            rule => format!("eslint.rules.{rule}"),
        };
        let same = xml.findings.iter().find(|f| {
            f.rule == source
                && f.path == finding.path
                && (f.line, f.column) == (finding.line, finding.column)
                && f.level == finding.level
        });
        assert!(same.is_some(), "{finding:?} not in {xml:#?}");
    }
    let unused = xml
        .findings
        .iter()
        .find(|f| f.rule == "eslint.rules.no-unused-vars")
        .unwrap();
    // The rule is appended to the message, and kept there.
    assert_eq!(
        unused.message,
        "'discount' is assigned a value but never used. (no-unused-vars)"
    );
}

#[test]
fn golangci_lint_checkstyle_and_sarif_say_the_same() {
    let file = std::fs::File::open(fixture("checkstyle/golangci-lint.xml")).unwrap();
    let xml = checkstyle::parse_with_tool(std::io::BufReader::new(file), "x.xml", "golangci-lint")
        .unwrap();
    let file = std::fs::File::open(fixture("sarif/golangci-lint.sarif")).unwrap();
    let sarif = sarif::parse(std::io::BufReader::new(file), "x.sarif").unwrap();
    assert_eq!(xml, sarif);
    // `&#34;` decoded.
    assert_eq!(
        xml.findings[1].message,
        "S1003: should use strings.Contains(label, \"X\") instead"
    );
    // `column="0"`.
    assert_eq!(xml.findings[5].column, None);
}

#[test]
fn severities_map_to_levels_and_ignore_is_left_out() {
    let findings = parse(
        r#"<?xml version="1.0"?>
<checkstyle version="10.0">
  <file name="A.java">
    <error line="1" column="2" severity="error" message="e" source="s.E"/>
    <error line="2" severity="WARNING" message="w" source="s.W"/>
    <error line="3" severity="info" message="i"/>
    <error line="4" severity="ignore" message="ignored" source="s.I"/>
    <error line="0" column="" message="no severity"/>
  </file>
  <file name="Empty.java"/>
  <exception><![CDATA[
java.lang.IllegalStateException: cannot read the cache
	at X.y(X.java:1)
]]></exception>
</checkstyle>"#,
    )
    .unwrap();
    let levels: Vec<_> = findings.findings.iter().map(|f| f.level).collect();
    use FindingLevel::{Error, Note, Warning};
    // error, WARNING (any case), info → note, (ignore left out), absent → error, and the
    // exception outside any file.
    assert_eq!(levels, [Error, Warning, Note, Error, Error]);
    assert_eq!(findings.findings[1].column, None);
    assert_eq!(findings.findings[2].rule, "");
    // `line="0"` and `column=""` are no place.
    assert_eq!(
        (findings.findings[3].line, findings.findings[3].column),
        (None, None)
    );
    assert_eq!(
        findings.findings[4],
        Finding {
            tool: "checkstyle".into(),
            rule: String::new(),
            level: Error,
            security_severity: None,
            message: "java.lang.IllegalStateException: cannot read the cache".into(),
            path: None,
            line: None,
            column: None,
        }
    );
}

#[test]
fn an_exception_inside_a_file_is_an_error_about_that_file() {
    let findings = parse(
        "<checkstyle><file name=\"B.java\">\
         <exception>\n  boom &amp; more\n</exception>\
         </file></checkstyle>",
    )
    .unwrap();
    assert_eq!(findings.findings.len(), 1);
    assert_eq!(findings.findings[0].path.as_deref(), Some("B.java"));
    assert_eq!(findings.findings[0].message, "boom & more");
    assert_eq!(findings.findings[0].level, FindingLevel::Error);
}

#[test]
fn bad_attributes_are_reported_each_with_its_place() {
    let found = problems(
        r#"<checkstyle>
<file name="a.go">
  <error line="x" column="3" severity="error" message="m"/>
  <error line="4" column="-1" severity="fatal" message="m"/>
</file>
<file><error line="1" message="m"/></file>
<error line="1" message="outside"/>
</checkstyle>"#,
    );
    // `line` starts at byte 10 of line 3.
    assert_problem(
        &found,
        "x.xml:3: column 10:",
        "line \"x\" is not a line number",
    );
    assert_problem(
        &found,
        "x.xml:4: column 19:",
        "column \"-1\" is not a line number",
    );
    assert_problem(&found, "x.xml:4: column 31:", "unknown severity \"fatal\"");
    assert_problem(
        &found,
        "x.xml:6: column 1:",
        "<file> without a name attribute",
    );
    assert_problem(
        &found,
        "x.xml:7: column 1:",
        "an <error> outside any <file>",
    );
    assert_eq!(found.len(), 5, "{found:#?}");
}

#[test]
fn malformed_xml_is_reported_where_it_breaks() {
    let found = problems(
        "<checkstyle>\n<file name=\"a\">\n  <error line=\"1\" message=\"m\"/>\n</checkstyl>\n",
    );
    assert_problem(&found, "x.xml:4:", "not well-formed XML");

    let found = problems("<checkstyle>\n<file name=\"a\">\n<error line=1/>\n</file></checkstyle>");
    assert_problem(
        &found,
        "x.xml:3: column 13:",
        "an attribute value without quotes",
    );

    let found = problems("<checkstyle>\n<file name=\"a\">\n");
    assert_problem(&found, "x.xml:3: column 1:", "ends before </checkstyle>");

    let found = problems("");
    assert_eq!(
        found,
        ["x.xml: no <checkstyle> element: the report is empty or not Checkstyle XML"]
    );

    let found = problems("<?xml version=\"1.0\"?>\n<testsuites/>");
    assert_problem(
        &found,
        "x.xml:2: column 1:",
        "the root element is <testsuites>",
    );

    let found = problems("<checkstyle/>\n<checkstyle/>");
    assert_problem(&found, "x.xml:2: column 1:", "after </checkstyle>");
}

#[test]
fn an_empty_report_has_no_findings() {
    assert!(
        parse("<checkstyle version=\"5.0\"></checkstyle>")
            .unwrap()
            .findings
            .is_empty()
    );
    assert!(parse("<checkstyle/>").unwrap().findings.is_empty());
    // With a byte order mark, as Windows tools write it.
    assert!(parse("\u{feff}<checkstyle/>").unwrap().findings.is_empty());
}

/// Whatever the bytes, the parser returns findings or located problems, and never panics.
fn check(text: &str) {
    let lines = text.lines().count() as u64 + 1;
    if let Err(problems) = checkstyle::parse(text.as_bytes(), "input") {
        support::assert_located(&problems, lines);
    }
}

/// Bytes XML gives meaning to, digits, and a byte of a multi-byte character.
fn mutate(text: &str, edits: &[(usize, u8)]) -> String {
    support::mutate_text(text, edits, b"<>/=\"'&;#!?[]0-\n\xe7")
}

const SMALL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<checkstyle version="8.0">
<file name="a.go">
<error line="3" column="7" severity="warning" message="m &amp; &#34;q&#34;" source="s"></error>
<exception><![CDATA[trace]]></exception>
</file>
</checkstyle>
"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,400}") {
        check(&text);
    }

    #[test]
    fn mutated_reports_never_panic(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..12),
        eslint in any::<bool>(),
    ) {
        let text = if eslint { read("checkstyle/eslint.xml") } else { SMALL.to_string() };
        check(&mutate(&text, &edits));
    }
}
