//! SARIF: real logs of ruff, ESLint, staticcheck and semgrep checked against each tool's own
//! listing of the same run, clippy-sarif's and golangci-lint's shapes, the corners of the
//! format, every kind of bad input reported with its place, and a fuzz run.

use std::path::PathBuf;

use crate::support;
use gigops_core::evidence::{Finding, FindingCounts, FindingLevel, Findings};
use gigops_ingest::sarif;
use proptest::prelude::*;

fn fixture(name: &str) -> PathBuf {
    support::fixture(&format!("sarif/{name}"))
}

fn read(name: &str) -> String {
    support::read_fixture(&format!("sarif/{name}"))
}

fn parse_fixture(name: &str) -> Findings {
    let file = std::fs::File::open(fixture(name)).unwrap();
    sarif::parse(std::io::BufReader::new(file), name).unwrap()
}

/// The problems of a log, as `file:line: column: reason` lines.
fn problems(text: &str) -> Vec<String> {
    match sarif::parse(text.as_bytes(), "x.sarif") {
        Ok(findings) => panic!("expected problems, got {findings:?}"),
        Err(problems) => problems.0.iter().map(ToString::to_string).collect(),
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

/// `path:line:col: …` of a listing line, the rest after it.
fn place(line: &str) -> (&str, u32, u32, &str) {
    let mut parts = line.splitn(4, ':');
    let path = parts.next().unwrap();
    let line_no = parts.next().unwrap().parse().unwrap();
    let column = parts.next().unwrap().parse().unwrap();
    (path, line_no, column, parts.next().unwrap().trim())
}

#[test]
fn ruff_results_are_the_ones_ruff_lists() {
    let findings = parse_fixture("ruff.sarif").findings;
    // ruff-concise.txt: `shop.py:1:8: F401 [*] message` per result, then "Found 6 errors.".
    let listing = read("ruff-concise.txt");
    let listed: Vec<_> = listing
        .lines()
        .filter(|l| l.starts_with("shop.py:"))
        .map(place)
        .collect();
    assert_eq!(findings.len(), listed.len());
    assert!(listing.contains(&format!("Found {} errors.", listed.len())));
    for (finding, (file, line, column, rest)) in findings.iter().zip(&listed) {
        let (rule, message) = rest.split_once(' ').unwrap();
        assert_eq!(finding.tool, "ruff");
        assert_eq!(finding.rule, rule);
        assert_eq!(finding.message, message.trim_start_matches("[*] "));
        assert_eq!((finding.line, finding.column), (Some(*line), Some(*column)));
        // ruff writes absolute `file://` URIs: the path is the absolute path.
        let path = finding.path.as_deref().unwrap();
        assert!(path.starts_with('/'), "{path}");
        assert!(
            path.ends_with(&format!("/tests/fixtures/sarif/ruff/{file}")),
            "{path}"
        );
        // Every ruff result says `level: error`.
        assert_eq!(finding.level, FindingLevel::Error);
        assert_eq!(finding.security_severity, None);
    }
}

#[test]
fn eslint_results_and_its_parse_error_match_its_own_summary() {
    let findings = parse_fixture("eslint.sarif");
    // eslint-stylish.txt ends "✖ 7 problems (4 errors, 3 warnings)": the parse error (a
    // notification in the SARIF) counts among the errors, the silenced `shipping` does not.
    let listing = read("eslint-stylish.txt");
    let summary = listing.lines().find(|l| l.contains("problems (")).unwrap();
    let numbers: Vec<u64> = summary
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    let [total, errors, warnings] = numbers[..] else {
        panic!("{summary}")
    };
    let counts = findings.counts();
    assert_eq!(
        counts,
        FindingCounts {
            error: errors,
            warning: warnings,
            note: 0
        }
    );
    assert_eq!(findings.findings.len() as u64, total);
    assert!(
        !findings
            .findings
            .iter()
            .any(|f| f.message.contains("shipping"))
    );

    // Each listed `  line:col  level  message  rule` is a finding at that place, of that level
    // and rule (the listing drops the message's final full stop).
    let listed: Vec<(u32, u32, &str, &str)> = listing
        .lines()
        .filter(|l| l.starts_with("  ") && l.contains(':'))
        .map(|l| {
            let fields: Vec<&str> = l
                .split("  ")
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .collect();
            let (line, column) = fields[0].split_once(':').unwrap();
            let rule = if fields.len() > 3 { fields[3] } else { "" };
            (
                line.parse().unwrap(),
                column.parse().unwrap(),
                fields[1],
                rule,
            )
        })
        .collect();
    assert_eq!(listed.len() as u64, total);
    for (line, column, level, rule) in listed {
        let found = findings.findings.iter().find(|f| {
            f.line == Some(line)
                && f.column == Some(column)
                && format!("{:?}", f.level).to_lowercase() == level
                && (f.rule == rule || rule.is_empty())
        });
        assert!(
            found.is_some(),
            "{line}:{column} {level} {rule} not in {findings:#?}"
        );
    }

    let parse_error = findings
        .findings
        .iter()
        .find(|f| f.message.starts_with("Parsing error"))
        .unwrap();
    assert_eq!(parse_error.tool, "ESLint");
    // The notification's descriptor id stands for its rule.
    assert_eq!(parse_error.rule, "ESL0999");
    assert_eq!(parse_error.level, FindingLevel::Error);
    // `broken%20file.js` in the URI.
    assert!(
        parse_error
            .path
            .as_deref()
            .unwrap()
            .ends_with("/sarif/eslint/broken file.js")
    );
    assert_eq!((parse_error.line, parse_error.column), (Some(2), Some(13)));
}

#[test]
fn staticcheck_levels_come_from_its_rules_defaults() {
    let findings = parse_fixture("staticcheck.sarif").findings;
    // staticcheck.txt: `store/store.go:25:5: message (S1003)` per result.
    let listing = read("staticcheck.txt");
    let listed: Vec<_> = listing.lines().map(place).collect();
    assert_eq!(findings.len(), listed.len());
    for (finding, (file, line, column, rest)) in findings.iter().zip(&listed) {
        let (message, rule) = rest.rsplit_once(" (").unwrap();
        assert_eq!(finding.tool, "Staticcheck");
        assert_eq!(finding.rule, rule.trim_end_matches(')'));
        assert_eq!(finding.message, message);
        // Relative to `%SRCROOT%`, which the log leaves undefined: kept relative.
        assert_eq!(finding.path.as_deref(), Some(*file));
        assert_eq!((finding.line, finding.column), (Some(*line), Some(*column)));
    }
    // No result has a level of its own. In the log's rules, SA5009's defaultConfiguration level
    // is "error", and S1003's, S1025's and U1000's are "warning".
    for finding in &findings {
        let expected = if finding.rule == "SA5009" {
            FindingLevel::Error
        } else {
            FindingLevel::Warning
        };
        assert_eq!(finding.level, expected, "{finding:?}");
    }
}

#[test]
fn semgrep_severities_come_from_its_rules_and_nosemgrep_is_left_out() {
    let findings = parse_fixture("semgrep.sarif");
    // semgrep said "4 findings": its 5 results less the one silenced with `# nosemgrep`. By
    // rule default: subprocess-shell-true error, insecure-hash-md5 warning, print-left-in note
    // (app.py:14 and broken.py:2).
    assert_eq!(
        findings.counts(),
        FindingCounts {
            error: 1,
            warning: 1,
            note: 2
        }
    );
    let by_rule = |rule: &str| -> Vec<&Finding> {
        findings
            .findings
            .iter()
            .filter(|f| f.rule == rule)
            .collect()
    };
    let shell = by_rule("subprocess-shell-true");
    assert_eq!(shell.len(), 1);
    assert_eq!(
        *shell[0],
        Finding {
            tool: "Semgrep OSS".into(),
            rule: "subprocess-shell-true".into(),
            level: FindingLevel::Error,
            // rules.yml: `security-severity: "8.8"`, copied into the rule's properties.
            security_severity: Some(8.8),
            message:
                "subprocess call with shell=True and a built command line allows command injection"
                    .into(),
            path: Some("app.py".into()),
            line: Some(10),
            column: Some(12),
        }
    );
    assert_eq!(by_rule("insecure-hash-md5")[0].security_severity, Some(5.9));
    let prints = by_rule("print-left-in");
    let places: Vec<_> = prints
        .iter()
        .map(|f| (f.path.as_deref().unwrap(), f.line.unwrap()))
        .collect();
    // The silenced print is at app.py:18.
    assert_eq!(places, [("app.py", 14), ("broken.py", 2)]);
    assert!(prints.iter().all(|f| f.security_severity.is_none()));
}

#[test]
fn clippy_sarif_has_one_finding_per_span_of_each_diagnostic() {
    let findings = parse_fixture("clippy.sarif").findings;
    // From the real `cargo clippy --message-format=json` the log was made from: every span of
    // every compiler message, in order, with its code, level and place.
    let mut expected = Vec::new();
    for line in read("clippy.json").lines() {
        let message: serde_json::Value = serde_json::from_str(line).unwrap();
        if message["reason"] != "compiler-message" {
            continue;
        }
        let diagnostic = &message["message"];
        for span in diagnostic["spans"].as_array().unwrap() {
            let level = match diagnostic["level"].as_str().unwrap() {
                "error" => FindingLevel::Error,
                "warning" => FindingLevel::Warning,
                _ => FindingLevel::Note,
            };
            expected.push(Finding {
                tool: "clippy".into(),
                rule: diagnostic["code"]["code"].as_str().unwrap_or("").into(),
                level,
                security_severity: None,
                message: diagnostic["message"].as_str().unwrap().into(),
                path: Some(span["file_name"].as_str().unwrap().into()),
                line: Some(span["line_start"].as_u64().unwrap() as u32),
                column: Some(span["column_start"].as_u64().unwrap() as u32),
            });
        }
    }
    assert_eq!(findings, expected);
    // By hand: 7 diagnostics of one span each; `unwrap_used` was denied, the rest warn.
    assert_eq!(findings.len(), 7);
    let denied: Vec<_> = findings
        .iter()
        .filter(|f| f.level == FindingLevel::Error)
        .map(|f| f.rule.as_str())
        .collect();
    assert_eq!(denied, ["clippy::unwrap_used"]);
}

#[test]
fn golangci_lint_levels_are_the_configured_severities_and_column_0_is_none() {
    let findings = parse_fixture("golangci-lint.sarif");
    // The README's configuration: errcheck, staticcheck, unused at the default `error`;
    // gosimple (twice) and lll at `warning`.
    assert_eq!(
        findings.counts(),
        FindingCounts {
            error: 3,
            warning: 3,
            note: 0
        }
    );
    let lll = findings.findings.iter().find(|f| f.rule == "lll").unwrap();
    assert_eq!(lll.tool, "golangci-lint");
    assert_eq!(lll.path.as_deref(), Some("store/store.go"));
    // `startColumn: 0`: the linter gave no column.
    assert_eq!((lll.line, lll.column), (Some(10), None));
    // `index: 0` beside a `uri`, with no `artifacts` in the run: the URI is what counts.
    assert!(
        findings
            .findings
            .iter()
            .all(|f| f.path.as_deref() == Some("store/store.go"))
    );
}

#[test]
fn every_corner_of_the_format_in_the_edge_cases_log() {
    let findings = parse_fixture("edge-cases.sarif").findings;
    let codeql =
        |rule: &str, level, security_severity, message: &str, path: Option<&str>, line, column| {
            Finding {
                tool: "CodeQL".into(),
                rule: rule.into(),
                level,
                security_severity,
                message: message.into(),
                path: path.map(Into::into),
                line,
                column,
            }
        };
    use FindingLevel::{Error, Note, Warning};
    let expected = vec![
        // 1: the rule from `ruleIndex` 0 gives the id, the level (default error), the severity
        // (the string "8.8") and the message string `default`, filled with the two arguments;
        // `src/` of base SRC is joined, ROOT is absolute and is the root left out.
        codeql(
            "js/sql-injection",
            Error,
            Some(8.8),
            "This query depends on a user-provided value from req.query.",
            Some("src/api/orders.js"),
            Some(12),
            Some(7),
        ),
        // 2: default note; the absolute URI under ROOT made relative, `%20` decoded; 0 → None.
        codeql(
            "js/unused-local-variable",
            Note,
            None,
            "Unused variable tmp.",
            Some("src/util s.js"),
            None,
            None,
        ),
        // 3: the rule at index 0 of extension 0: default error, severity the number 6.1; the
        // markdown stands for the missing text; the path is artifact 0's, under SRC; no region.
        codeql(
            "js/xss",
            Error,
            Some(6.1),
            "Cross-site scripting from [user input](1).",
            Some("src/lib/db.js"),
            None,
            None,
        ),
        // 4: found by id among the extension's rules: default warning; the result's own 9.1
        // wins over the rule's "7.5"; a non-file URI is kept as written.
        codeql(
            "js/weak-crypto",
            Warning,
            Some(9.1),
            "MD5 is weak.",
            Some("https://cdn.example.com/lib.js"),
            Some(3),
            None,
        ),
        // 5: no level anywhere → SARIF's warning; the message string comes from the driver's
        // globalMessageStrings, `{{…}}` undoubled; no location.
        codeql(
            "js/todo-comment",
            Warning,
            None,
            "Generic finding: TODO left in ({not a placeholder})",
            None,
            None,
            None,
        ),
        // 6: `none` is a note.
        codeql(
            "js/todo-comment",
            Note,
            None,
            "FIXME left in.",
            None,
            None,
            None,
        ),
        // 7 (pass), 8 (accepted suppression) and 10 (absent from this run) are not findings.
        // 9: the rule by `rule.id`; a rejected suppression does not hide it.
        codeql(
            "js/sql-injection",
            Error,
            Some(8.8),
            "A suppression that was rejected.",
            None,
            None,
            None,
        ),
        // 11: `kind: open` without a level is `none`, a note, not the rule's error; the
        // hierarchical id finds its parent rule's severity.
        codeql(
            "js/sql-injection/taint",
            Note,
            Some(8.8),
            "Could not tell whether this is tainted.",
            None,
            None,
            None,
        ),
        // Second run: a rule ESLint did not describe → warning; `file:///C:/…` → `C:/…`.
        Finding {
            tool: "ESLint".into(),
            rule: "no-undef".into(),
            level: Warning,
            security_severity: None,
            message: "'x' is not defined.".into(),
            path: Some("C:/proj/a.js".into()),
            line: Some(5),
            column: None,
        },
        // Its error notification is an error finding; the warning notification is not.
        Finding {
            tool: "ESLint".into(),
            rule: "ESL0999".into(),
            level: Error,
            security_severity: None,
            message: "Parsing error: Unexpected token".into(),
            path: Some("b.js".into()),
            line: Some(2),
            column: Some(4),
        },
    ];
    assert_eq!(findings, expected);
}

#[test]
fn bad_json_is_reported_with_line_and_column() {
    // The stray comma is the 12th byte of line 3.
    let found = problems("{\n  \"version\": \"2.1.0\",\n  \"runs\": [,]\n}\n");
    assert_problem(&found, "x.sarif:3: column 12:", "not well-formed JSON");
    assert_eq!(found.len(), 1);

    let found = problems("{\"version\": \"2.1.0\", \"runs\": [{\"tool\":");
    assert_problem(&found, "x.sarif:1:", "ends early");

    let found = problems("");
    assert_problem(&found, "x.sarif:1: column 0:", "empty input");

    let found = problems("{\"version\": \"2.1.0\", \"runs\": []} trailing");
    assert_problem(&found, "x.sarif:1: column 34:", "trailing characters");

    let found = problems("\n  [1, 2]");
    assert_problem(&found, "x.sarif:2: column 3:", "expected a JSON object");

    // A byte order mark is skipped.
    let findings = sarif::parse(
        "\u{feff}{\"version\": \"2.1.0\", \"runs\": []}".as_bytes(),
        "x",
    );
    assert!(findings.unwrap().findings.is_empty());
}

#[test]
fn a_log_out_of_shape_is_reported_where_it_goes_wrong() {
    let found = problems("{\n  \"version\": \"2.1.0\"\n}");
    assert_problem(&found, "x.sarif:3:", "missing field `runs`");

    // Reported at the version, wherever it is in the log.
    let found = problems("{\"runs\": [],\n \"version\": \"2.0.0\"}");
    assert_problem(
        &found,
        "x.sarif:2:",
        "its version is \"2.0.0\"; gigops reads version 2.1.0",
    );

    // The result is on line 3.
    let run = |result: &str| {
        format!(
            r#"{{"version": "2.1.0", "runs": [{{"tool": {{"driver": {{"name": "t"}}}},
"results": [
{result}
]}}]}}"#
        )
    };
    let found = problems(&run(
        "{\"level\": \"high\", \"message\": {\"text\": \"m\"}}",
    ));
    assert_problem(&found, "x.sarif:3:", "unknown variant `high`");
    let found = problems(&run(
        "{\"message\": {\"text\": \"m\"}, \"properties\": {\"security-severity\": \"high\"}}",
    ));
    assert_problem(
        &found,
        "x.sarif:3:",
        "security-severity \"high\" is not a number",
    );
    let found = problems(&run("{\"properties\": {\"security-severity\": 11}}"));
    assert_problem(&found, "x.sarif:3:", "outside 0.0–10.0");
    let found = problems(&run("{\"locations\": [{\"physicalLocation\": 7}]}"));
    assert_problem(&found, "x.sarif:3:", "invalid type: integer `7`");

    let found = problems("{\"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": {}}}]}");
    assert_problem(&found, "x.sarif:1:", "missing field `name`");
}

#[test]
fn a_run_that_failed_without_saying_why_is_a_problem() {
    let log = "{\"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": {\"name\": \"lint\"}},
        \"results\": [], \"invocations\": [{\"executionSuccessful\": true},
        {\"executionSuccessful\": false, \"toolExecutionNotifications\": [{\"level\": \"warning\",
        \"message\": {\"text\": \"slow\"}}]}]}]}";
    let found = problems(log);
    assert_eq!(
        found,
        [
            "x.sarif: runs[0].invocations[1]: lint reports that its run did not succeed \
             (executionSuccessful is false) and gives no error notification: its results may \
             be incomplete"
        ]
    );
}

#[test]
fn null_lists_and_no_results_are_empty() {
    let log = "{\"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": {\"name\": \"t\",
        \"rules\": null}, \"extensions\": null}, \"results\": null, \"artifacts\": null}]}";
    let findings = sarif::parse(log.as_bytes(), "x.sarif").unwrap();
    assert!(findings.findings.is_empty());
    let findings = sarif::parse("{\"version\": \"2.1.0\", \"runs\": []}".as_bytes(), "x").unwrap();
    assert!(findings.findings.is_empty());
}

/// Whatever the bytes, the parser returns findings or located problems, and never panics.
fn check(text: &str) {
    let lines = text.lines().count() as u64 + 1;
    if let Err(problems) = sarif::parse(text.as_bytes(), "input") {
        support::assert_located(&problems, lines);
    }
}

/// Bytes JSON and SARIF give meaning to, and a byte of a multi-byte character.
fn mutate(text: &str, edits: &[(usize, u8)]) -> String {
    support::mutate_text(text, edits, b"{}[],:\"0-%/\\\xe7")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,400}") {
        check(&text);
    }

    #[test]
    fn mutated_logs_never_panic(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..12),
    ) {
        check(&mutate(&read("edge-cases.sarif"), &edits));
    }

    #[test]
    fn any_uri_and_message_arguments_never_panic(
        uri in ".{0,40}",
        base in ".{0,20}",
        text in ".{0,40}",
        arguments in proptest::collection::vec(".{0,8}", 0..3),
        line in any::<i64>(),
    ) {
        let log = serde_json::json!({
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {"name": "t"}},
                "originalUriBaseIds": {"B": {"uri": base, "uriBaseId": "B"}},
                "results": [{
                    "message": {"text": text, "arguments": arguments},
                    "locations": [{"physicalLocation": {
                        "artifactLocation": {"uri": uri, "uriBaseId": "B"},
                        "region": {"startLine": line}
                    }}]
                }, {
                    "message": {"id": text, "arguments": arguments},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}]
                }]
            }]
        });
        let findings = sarif::parse(log.to_string().as_bytes(), "input").unwrap();
        prop_assert_eq!(findings.findings.len(), 2);
    }
}
