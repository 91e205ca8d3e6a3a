//! Evidence of several inputs read together: LCOV and Cobertura coverage of the same files
//! merged by line, and Go profiles counted with their sources as `go tool cover -func` counts.

use std::path::{Path, PathBuf};

use crate::support::fixture;
use gigops_core::evidence::Coverage;
use gigops_ingest::evidence::{EvidenceFormat, Input, read_evidence, read_evidence_of};
use proptest::prelude::*;

fn input(path: &Path) -> Input {
    Input {
        name: path.display().to_string(),
        path: path.to_path_buf(),
        format: None,
    }
}

fn coverage(paths: &[PathBuf]) -> Coverage {
    let inputs: Vec<Input> = paths.iter().map(|p| input(p)).collect();
    read_evidence(&inputs)
        .unwrap_or_else(|p| panic!("{p}"))
        .coverage
        .unwrap()
}

/// `(covered, total)` per path.
fn totals(coverage: &Coverage) -> Vec<(&str, u64, u64)> {
    coverage
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.covered, f.total))
        .collect()
}

/// `lines......: 87.5% (14 of 16 lines)` of an `lcov --summary`.
fn lcov_summary_lines(name: &str) -> (u64, u64) {
    let text = std::fs::read_to_string(fixture(name)).unwrap();
    let line = text.lines().find(|l| l.contains("lines......")).unwrap();
    let inner = line.split('(').nth(1).unwrap();
    let numbers: Vec<u64> = inner
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (numbers[0], numbers[1])
}

/// gcovr's Cobertura report of one run of calc (`calc.c`, relative to its `<source>`) and
/// lcov's tracefile of another (`/tmp/gigops-fixtures/c/calc.c`) are one file; merged by line
/// they give what lcov's own merge of the two runs gives (`lcov -a … -a …`).
#[test]
fn lcov_and_cobertura_of_one_file_merge_by_line_as_lcov_merges() {
    let merged = coverage(&[
        fixture("cobertura/gcovr.xml"),
        fixture("lcov/lcov-six-args.info"),
    ]);
    let (covered, total) = lcov_summary_lines("lcov/lcov-merged-summary.txt");
    assert_eq!((covered, total), (14, 16));
    assert_eq!(totals(&merged), [("calc.c", covered, total)]);
    // Each alone: 8 of 16 (one argument) and 14 of 16 (six); added, they would be 22 of 32.
    let one = coverage(&[fixture("cobertura/gcovr.xml")]);
    let six = coverage(&[fixture("lcov/lcov-six-args.info")]);
    assert_eq!((one.covered(), one.total()), (8, 16));
    assert_eq!((six.covered(), six.total()), (14, 16));
}

/// coverage.py's and c8's two reports of one run name the files alike: merged, nothing changes.
#[test]
fn both_reports_of_one_run_merge_into_the_same_coverage() {
    for (xml, info) in [
        ("cobertura/coveragepy.xml", "lcov/coveragepy.info"),
        ("cobertura/c8.xml", "lcov/c8.info"),
        ("cobertura/gcovr.xml", "lcov/gcovr.info"),
    ] {
        let alone = coverage(&[fixture(xml)]);
        let merged = coverage(&[fixture(xml), fixture(info)]);
        assert_eq!(totals(&merged), totals(&alone), "{xml} + {info}");
        assert_eq!(merged.files, alone.files, "{xml} + {info}");
    }
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("gigops-evidence-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn cobertura(source: &str, filename: &str, lines: &[(u32, u32)]) -> String {
    let lines: String = lines
        .iter()
        .map(|(n, hits)| format!("<line number=\"{n}\" hits=\"{hits}\"/>"))
        .collect();
    format!(
        "<?xml version=\"1.0\" ?>\n<coverage><sources><source>{source}</source></sources><packages><package name=\"p\"><classes><class name=\"c\" filename=\"{filename}\"><lines>{lines}</lines></class></classes></package></packages></coverage>\n"
    )
}

fn lcov(sections: &[(&str, &[(u32, u32)])]) -> String {
    let mut text = String::new();
    for (path, lines) in sections {
        text.push_str(&format!("SF:{path}\n"));
        for (n, hits) in *lines {
            text.push_str(&format!("DA:{n},{hits}\n"));
        }
        text.push_str("end_of_record\n");
    }
    text
}

#[test]
fn a_file_that_could_be_either_of_two_is_refused_with_both_names() {
    let dir = TempDir::new("ambiguous");
    let xml = dir.write("coverage.xml", &cobertura("", "calc.c", &[(1, 1)]));
    let info = dir.write(
        "lcov.info",
        &lcov(&[("/ci/a/calc.c", &[(1, 0)]), ("/ci/b/calc.c", &[(1, 0)])]),
    );
    let problems = read_evidence(&[input(&xml), input(&info)]).unwrap_err();
    let message = problems.to_string();
    assert!(message.contains("\"calc.c\""), "{message}");
    assert!(
        message.contains("\"/ci/a/calc.c\"") && message.contains("\"/ci/b/calc.c\""),
        "{message}"
    );
    // With the `<source>` that says which directory it is in, it is one of them.
    let xml = dir.write("coverage.xml", &cobertura("/ci/b", "calc.c", &[(1, 1)]));
    let merged = coverage(&[xml, info]);
    assert_eq!(totals(&merged), [("/ci/a/calc.c", 0, 1), ("calc.c", 1, 1)]);
}

proptest! {
    /// Whatever lines each format lists and covers, the merged file has the union of their
    /// lines, each covered when either covered it, and never less coverage than either alone.
    #[test]
    fn merged_lines_are_the_union(
        lcov_lines in proptest::collection::btree_map(1u32..40, 0u32..3, 0..20),
        cobertura_lines in proptest::collection::btree_map(1u32..40, 0u32..3, 0..20),
    ) {
        let dir = TempDir::new(&format!("union-{}", lcov_lines.len() * 100 + cobertura_lines.len()));
        let as_pairs = |m: &std::collections::BTreeMap<u32, u32>| m.iter().map(|(&a, &b)| (a, b)).collect::<Vec<_>>();
        let xml = dir.write("c.xml", &cobertura("/w/project/src", "app/main.py", &as_pairs(&cobertura_lines)));
        let info = dir.write("l.info", &lcov(&[("/w/project/src/app/main.py", &as_pairs(&lcov_lines))]));
        let merged = coverage(&[xml, info]);
        let mut expected = std::collections::BTreeMap::new();
        for (line, hits) in lcov_lines.iter().chain(&cobertura_lines) {
            *expected.entry(*line).or_insert(false) |= *hits > 0;
        }
        let covered = expected.values().filter(|c| **c).count() as u64;
        prop_assert_eq!(totals(&merged), vec![("app/main.py", covered, expected.len() as u64)]);
        let alone = |hits: &std::collections::BTreeMap<u32, u32>| hits.values().filter(|h| **h > 0).count() as u64;
        prop_assert!(covered >= alone(&lcov_lines).max(alone(&cobertura_lines)));
    }
}

/// `go tool cover -func` counts only the blocks within function declarations; `go test -cover`
/// counts package-level function literals too (tests/fixtures/go/README.md, `literals/`).
#[test]
fn go_statements_are_counted_as_go_tool_cover_func_counts_them() {
    let profile = fixture("go/literals/cover.out");
    let func = std::fs::read_to_string(fixture("go/literals/cover-func.txt")).unwrap();
    let go_total = func.lines().find(|l| l.starts_with("total:")).unwrap();
    assert!(go_total.ends_with("50.0%"), "{go_total}");
    let coverage = coverage(std::slice::from_ref(&profile));
    // By hand: Apply has 4 statements, 3 run; Twice 2, none run. Upper (2), double (1) and
    // square (2) are literals at package level.
    assert_eq!((coverage.covered(), coverage.total()), (3, 6));
    assert!(coverage.counted_whole.is_empty());
    // Without the sources, every block counts, as `go test -cover` printed: 54.5 % (6 of 11).
    let text = std::fs::read_to_string(&profile).unwrap();
    let all = gigops_ingest::gocover::parse([("cover.out", text.as_bytes())]).unwrap();
    assert_eq!((all.covered(), all.total()), (6, 11));
    assert_eq!(all.counted_whole, ["example.com/literals/literals.go"]);

    // Away from its module, the profile is counted whole, and says so.
    let dir = TempDir::new("away");
    let away = dir.write("cover.out", &text);
    let inputs = [Input {
        format: Some(EvidenceFormat::GoCover),
        ..input(&away)
    }];
    let coverage = read_evidence(&inputs).unwrap().coverage.unwrap();
    assert_eq!((coverage.covered(), coverage.total()), (6, 11));
    assert_eq!(coverage.counted_whole, ["example.com/literals/literals.go"]);
    // Unless the project it is of is named (the gate's --root).
    let project = fixture("go/literals");
    let coverage = read_evidence_of(&inputs, Some(&project))
        .unwrap()
        .coverage
        .unwrap();
    assert_eq!((coverage.covered(), coverage.total()), (3, 6));
    assert!(coverage.counted_whole.is_empty());
}
