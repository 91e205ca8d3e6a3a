//! The real tools, run now: `go test -coverprofile` with `go tool cover -func`, pytest with
//! `--junitxml`, coverage.py, and cargo-nextest, each on a copy of a fixture project in a
//! temporary directory (nothing is written into the repository). gigops' parse of what each tool
//! wrote must give the numbers the tool itself printed.
//!
//! A missing tool skips its test with a notice, except when `CI` is set: then the test fails and
//! names what `.ci/run` must install.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::fixture;
use gigops_core::evidence::{CoverageUnit, TestCounts};
use gigops_ingest::{cobertura, gocover, junit};

/// Whether `program args…` runs and exits 0. When it does not: a notice and `false`, or, under
/// CI, a failure that says what `.ci/run` must install.
fn tool_present(program: &str, args: &[&str], what: &str, install: &str) -> bool {
    let works = gigops_test_support::tools::first_that_runs(&[program], args).is_some();
    if !works {
        gigops_test_support::tools::missing(
            &format!("`{program} {}` (for {what})", args.join(" ")),
            install,
        );
    }
    works
}

/// A directory of its own under the system temp dir, removed when dropped (also on a failure).
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("gigops-live-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// Copies the fixture project `from` (a path under tests/fixtures) to `to` inside this
    /// directory and returns the copy's path.
    fn copy(&self, from: &str, to: &str) -> PathBuf {
        let target = self.0.join(to);
        copy_tree(&fixture(from), &target);
        target
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        // Build output, should a local run have left some in the fixture.
        if ["target", "__pycache__", ".coverage"].contains(&name.to_str().unwrap_or("")) {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &to.join(&name));
        } else {
            std::fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}

fn run(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"))
}

/// `go ARGS…` in `dir`, with a build cache shared by the live tests (Go keeps it safe for
/// concurrent use, and a second run need not build everything again) and a module cache in
/// `temp`.
fn go_in(go: &str, dir: &Path, temp: &TempDir, args: &[&str]) -> Output {
    run(Command::new(go)
        .args(args)
        .current_dir(dir)
        .env("GOFLAGS", "-mod=mod")
        .env("GOTOOLCHAIN", "local")
        .env("GOCACHE", std::env::temp_dir().join("gigops-live-gocache"))
        .env("GOPATH", temp.0.join("gopath")))
}

/// [`go_in`] that must succeed: what it printed on stdout.
fn go_stdout(go: &str, dir: &Path, temp: &TempDir, args: &[&str]) -> String {
    let output = go_in(go, dir, temp, args);
    assert!(
        output.status.success(),
        "go {}: {}",
        args.join(" "),
        text(&output.stderr)
    );
    text(&output.stdout)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// `go test -coverprofile` on fixtures/go/module with the command of its README (the panicking
/// test is left out: a crashed test binary writes no profile), then `go tool cover -func`.
#[test]
fn live_go_coverprofile_agrees_with_go_tool_cover() {
    let Some(go) = gigops_test_support::tools::program("go", &["version"], "golang-go (Debian)")
    else {
        return; // not under CI: a missing `go` fails the test there
    };
    let temp = TempDir::new("gocover");
    let module = temp.copy("go/module", "module");
    // TestSign/positive fails, so `go test` exits 1; the profile is written all the same.
    let test = go_in(
        &go,
        &module,
        &temp,
        &[
            "test",
            "-count=1",
            "-covermode=count",
            "-coverprofile=cover.out",
            "-run",
            "TestAdd$|TestSign|TestTwice",
            "./...",
        ],
    );
    let profile = std::fs::read_to_string(module.join("cover.out")).unwrap_or_else(|e| {
        panic!(
            "go test wrote no profile ({e}):\n{}{}",
            text(&test.stdout),
            text(&test.stderr)
        )
    });
    let func = go_stdout(&go, &module, &temp, &["tool", "cover", "-func=cover.out"]);
    // `total:					(statements)	58.3%`
    let total_line = func
        .lines()
        .find(|l| l.starts_with("total:"))
        .unwrap_or_else(|| panic!("no total: line in\n{func}"));
    let go_percent: f64 = total_line
        .split_whitespace()
        .last()
        .and_then(|p| p.strip_suffix('%'))
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no percentage in {total_line:?}"));

    let coverage = gocover::parse([("cover.out", profile.as_bytes())]).unwrap();
    assert_eq!(coverage.unit, CoverageUnit::Statements);
    assert_eq!(
        round1(coverage.percent().unwrap()),
        go_percent,
        "gigops: {} of {} statements; go tool cover -func:\n{func}",
        coverage.covered(),
        coverage.total()
    );
}

/// `go test -coverprofile` on fixtures/go/literals (function literals at package level), then
/// `go tool cover -func`: gigops, finding the sources as `-func` does, gives `-func`'s total;
/// without them it gives what `go test -cover` printed, which counts the literals.
#[test]
fn live_go_statements_outside_declarations_are_counted_as_go_tool_cover_counts() {
    let Some(go) = gigops_test_support::tools::program("go", &["version"], "golang-go (Debian)")
    else {
        return; // not under CI: a missing `go` fails the test there
    };
    let temp = TempDir::new("literals");
    let module = temp.copy("go/literals", "literals");
    let _ = std::fs::remove_file(module.join("cover.out"));
    let go = |args: &[&str]| go_stdout(&go, &module, &temp, args);
    let printed = go(&["test", "-count=1", "-coverprofile=cover.out", "./..."]);
    let func = go(&["tool", "cover", "-func=cover.out"]);
    let percent_before = |text: &str, marker: &str| -> f64 {
        let line = text.lines().find(|l| l.contains(marker)).unwrap();
        let at = line.find('%').unwrap();
        let start = line[..at].rfind(|c: char| c.is_whitespace()).unwrap() + 1;
        line[start..at].parse().unwrap()
    };
    let func_total = percent_before(&func, "total:");
    let test_total = percent_before(&printed, "coverage:");
    assert_ne!(
        func_total, test_total,
        "the fixture must tell the two apart"
    );

    let input = gigops_ingest::evidence::Input {
        name: "cover.out".into(),
        path: module.join("cover.out"),
        format: None,
    };
    let coverage = gigops_ingest::evidence::read_evidence(&[input])
        .unwrap_or_else(|p| panic!("{p}"))
        .coverage
        .unwrap();
    assert_eq!(round1(coverage.percent().unwrap()), func_total, "{func}");
    let profile = std::fs::read_to_string(module.join("cover.out")).unwrap();
    let every_block = gocover::parse([("cover.out", profile.as_bytes())]).unwrap();
    assert_eq!(
        round1(every_block.percent().unwrap()),
        test_total,
        "{printed}"
    );
}

/// A function declaration's extent: (line, column) of its start and of just past its end.
type Extent = ((u32, u32), (u32, u32));

/// gigops's scanner of Go declarations against go/ast itself: `funcextents` (a fixture program
/// that prints what `go tool cover -func` takes from go/ast) over Go's own standard library —
/// generics, assembly stubs, methods, runes and raw strings of every kind — must find the same
/// declarations, at the same positions, in every file without `//line` directives.
#[test]
fn live_go_declarations_equal_go_ast() {
    let Some(go) = gigops_test_support::tools::program("go", &["version"], "golang-go (Debian)")
    else {
        return; // not under CI: a missing `go` fails the test there
    };
    let temp = TempDir::new("funcextents");
    let tool = temp.copy("go/funcextents", "funcextents");
    let go = |args: &[&str]| go_stdout(&go, &tool, &temp, args);
    let goroot = go(&["env", "GOROOT"]);
    let src = Path::new(goroot.trim()).join("src");
    let printed = go(&["run", ".", src.to_str().unwrap()]);
    let mut by_file: BTreeMap<&str, Vec<Extent>> = BTreeMap::new();
    let position = |text: &str| {
        let (line, column) = text.split_once('.').unwrap();
        (line.parse::<u32>().unwrap(), column.parse::<u32>().unwrap())
    };
    for line in printed.lines() {
        let (path, extent) = line.split_once('\t').unwrap();
        let (start, end) = extent.split_once(',').unwrap();
        by_file
            .entry(path)
            .or_default()
            .push((position(start), position(end)));
    }
    assert!(by_file.len() > 1000, "{} files", by_file.len());
    let mut declarations = 0;
    for (path, expected) in &by_file {
        let source = std::fs::read_to_string(path).unwrap();
        // Positions moved by `//line` directives are not followed: such a file is counted whole.
        if gigops_ingest::godecl::has_line_directives(&source) {
            continue;
        }
        let found: Vec<Extent> = gigops_ingest::godecl::function_declarations(&source)
            .into_iter()
            .map(|f| (f.start, f.end))
            .collect();
        assert_eq!(&found, expected, "{path}");
        declarations += found.len();
    }
    assert!(declarations > 10_000, "{declarations}");
}

/// The counts of pytest's summary line (`5 failed, 3 passed, 1 skipped, 1 xfailed, 4 errors in
/// 0.09s`), keyed by the plural word (`error` → `errors`, `warning` → `warnings`).
fn pytest_summary(stdout: &str) -> BTreeMap<String, u64> {
    let line = stdout
        .lines()
        .rev()
        .map(|l| l.trim().trim_matches('=').trim())
        .find(|l| l.contains(" in ") && l.ends_with('s'))
        .unwrap_or_else(|| panic!("no summary line in\n{stdout}"));
    let counts = line.rsplit_once(" in ").unwrap().0;
    counts
        .split(", ")
        .map(|part| {
            let (n, word) = part
                .split_once(' ')
                .unwrap_or_else(|| panic!("unexpected {part:?} in {line:?}"));
            let word = match word {
                "error" => "errors",
                "warning" => "warnings",
                w => w,
            };
            (word.to_string(), n.parse().unwrap())
        })
        .collect()
}

/// pytest on fixtures/junit/pytest, with the command of its README plus `-rA`, so that pytest
/// also prints one line per outcome (`PASSED <nodeid>`, `ERROR <nodeid> - …`, `SKIPPED [n] …`).
#[test]
fn live_pytest_junit_agrees_with_pytest_summary() {
    if !tool_present(
        "python3",
        &["-c", "import pytest"],
        "the JUnit parser on pytest's reports",
        "pytest (.ci/run: python3 -m pip install pytest)",
    ) {
        return;
    }
    let temp = TempDir::new("pytest");
    let project = temp.copy("junit/pytest", "pytest");
    let output = run(Command::new("python3")
        .args([
            "-m",
            "pytest",
            "--continue-on-collection-errors",
            "-p",
            "no:cacheprovider",
            "--junitxml=junit.xml",
            "-o",
            "junit_family=xunit2",
            "-rA",
            "--color=no",
            "--rootdir=.",
            "tests",
        ])
        .current_dir(&project)
        // Only pytest itself: no plugin installed beside it may change the outcomes.
        .env("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
        .env_remove("PYTEST_ADDOPTS")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        // Wide enough that no short summary line is cut inside its node id.
        .env("COLUMNS", "200"));
    let stdout = text(&output.stdout);
    let summary = pytest_summary(&stdout);
    let said = |word: &str| summary.get(word).copied().unwrap_or(0);

    // The short summary, one line per report: a test can have two (a failed or passed call,
    // then an error in teardown), and a file that does not import has an ERROR line of its own.
    let mut lines: BTreeMap<&str, u64> = BTreeMap::new();
    let (mut passed, mut failed, mut collection_errors) = (BTreeSet::new(), BTreeSet::new(), 0);
    let mut skipped = 0;
    for line in stdout.lines() {
        let Some((outcome, rest)) = line.split_once(' ') else {
            continue;
        };
        let node = rest.split(" - ").next().unwrap();
        match outcome {
            "PASSED" | "XPASS" => {
                passed.insert(node);
            }
            "FAILED" => {
                failed.insert(node);
            }
            "ERROR" if node.contains("::") => {
                failed.insert(node);
            }
            "ERROR" => collection_errors += 1,
            // `SKIPPED [2] tests/test_x.py:40: reason` stands for two skips.
            "SKIPPED" => {
                let n = rest
                    .strip_prefix('[')
                    .and_then(|r| r.split_once(']'))
                    .map_or(1, |(n, _)| n.parse().unwrap());
                skipped += n;
                *lines.entry(outcome).or_default() += n;
                continue;
            }
            "XFAIL" => skipped += 1,
            _ => continue,
        }
        *lines.entry(outcome).or_default() += 1;
    }
    // The lines are those of the summary: the same run, nothing missed.
    for (outcome, word) in [
        ("PASSED", "passed"),
        ("FAILED", "failed"),
        ("ERROR", "errors"),
        ("SKIPPED", "skipped"),
        ("XFAIL", "xfailed"),
        ("XPASS", "xpassed"),
    ] {
        assert_eq!(
            lines.get(outcome).copied().unwrap_or(0),
            said(word),
            "{outcome} lines against the summary line:\n{stdout}"
        );
    }

    // From pytest's reports to gigops' counts, as docs/gate.md states them: every test counts
    // once; a test with a failed report or an error (in setup or in teardown) failed — a
    // teardown error after a passing call makes it failed, not passed; an xfail is skipped and a
    // non-strict xpass passed (a strict xpass pytest reports as failed); a file that does not
    // import is a suite error, not a test. For this fixture: pytest's "5 failed, 3 passed,
    // 1 skipped, 1 xfailed, 4 errors" is gigops' 11 tests, 2 passed, 7 failed, 2 skipped and
    // 1 error.
    let passed = passed.difference(&failed).count() as u64;
    let failed = failed.len() as u64;
    let expected = TestCounts {
        total: passed + failed + skipped,
        passed,
        failed,
        skipped,
        errors: collection_errors,
        flaky: 0,
        inner_failures: 0,
    };
    let report = File::open(project.join("junit.xml"))
        .unwrap_or_else(|e| panic!("pytest wrote no JUnit ({e}):\n{stdout}"));
    let run = junit::parse(BufReader::new(report), "junit.xml").unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(run.counts(), expected, "pytest said:\n{stdout}");
}

/// The `TOTAL` row of `coverage report`: statements, missed, and the percentage.
fn coverage_total(report: &str) -> (u64, u64, f64) {
    let total = report
        .lines()
        .find(|l| l.starts_with("TOTAL"))
        .unwrap_or_else(|| panic!("no TOTAL row in\n{report}"));
    let fields: Vec<&str> = total.split_whitespace().collect();
    match fields[..] {
        ["TOTAL", stmts, miss, cover] => (
            stmts.parse().unwrap(),
            miss.parse().unwrap(),
            cover.trim_end_matches('%').parse().unwrap(),
        ),
        _ => panic!("unexpected TOTAL row {total:?}"),
    }
}

/// coverage.py on fixtures/lcov/py, whose unittest tests pytest runs: `coverage run -m pytest`,
/// `coverage xml`, and `coverage report`.
#[test]
fn live_coverage_py_xml_agrees_with_coverage_report() {
    if !tool_present(
        "python3",
        &["-c", "import pytest, coverage"],
        "the Cobertura parser on coverage.py's reports",
        "pytest and coverage (.ci/run: python3 -m pip install pytest coverage)",
    ) {
        return;
    }
    let temp = TempDir::new("coverage");
    let project = temp.copy("lcov/py", "py");
    let coverage = |args: &[&str]| {
        let output = run(Command::new("python3")
            .args(["-m", "coverage"])
            .args(args)
            .current_dir(&project)
            .env("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
            .env_remove("PYTEST_ADDOPTS")
            .env("PYTHONDONTWRITEBYTECODE", "1"));
        assert!(
            output.status.success(),
            "coverage {args:?}:\n{}{}",
            text(&output.stdout),
            text(&output.stderr)
        );
        text(&output.stdout)
    };
    // Without --branch, so that the report's Cover column is line coverage alone (with branches
    // it mixes in branch arcs, and gigops reads lines only).
    coverage(&[
        "run",
        "--source=shop",
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        "tests",
    ]);
    coverage(&["xml", "-o", "coverage.xml"]);
    let report = coverage(&["report", "--precision=1"]);
    let (statements, missed, percent) = coverage_total(&report);

    // coverage.py measures statements, but a statement is known by its line: a statement over
    // several lines counts once, at its first line (pricing.py has one over three lines), and
    // its Cobertura report writes one <line> per such line. So its statements are gigops' lines:
    // Stmts is the lines gigops counts, Stmts − Miss the covered ones.
    let xml = File::open(project.join("coverage.xml")).unwrap();
    let lines = cobertura::parse([("coverage.xml", BufReader::new(xml))]).unwrap();
    assert_eq!(lines.unit, CoverageUnit::Lines);
    assert_eq!(
        (lines.total(), lines.covered()),
        (statements, statements - missed),
        "coverage report:\n{report}"
    );
    assert_eq!(
        round1(lines.percent().unwrap()),
        percent,
        "coverage report:\n{report}"
    );
}

/// The counts of nextest's `Summary [   0.052s] 6 tests run: 4 passed (1 flaky), 2 failed,
/// 1 skipped` line: `run`, `flaky`, and each outcome word.
fn nextest_summary(stderr: &str) -> BTreeMap<String, u64> {
    let line = stderr
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("Summary ["))
        .unwrap_or_else(|| panic!("no Summary line in\n{stderr}"));
    let counts = line.split_once("] ").unwrap().1;
    let mut summary = BTreeMap::new();
    for part in counts.split(", ") {
        // `6 tests run: 4 passed (1 flaky)` holds two or three counts.
        let part = match part.split_once(": ") {
            Some((run, rest)) => {
                let n = run.split_whitespace().next().unwrap();
                summary.insert("run".to_string(), n.parse().unwrap());
                rest
            }
            None => part,
        };
        let (part, flaky) = match part.split_once(" (") {
            Some((part, flaky)) => (part, Some(flaky)),
            None => (part, None),
        };
        if let Some(flaky) = flaky {
            let n = flaky.split_whitespace().next().unwrap();
            summary.insert("flaky".to_string(), n.parse().unwrap());
        }
        let (n, word) = part.split_once(' ').unwrap();
        summary.insert(word.to_string(), n.parse().unwrap());
    }
    summary
}

/// cargo-nextest on fixtures/junit/nextest, with the command of its README: `--retries 2`, and
/// the JUnit path of its `.config/nextest.toml` (`junit.xml` in `target/nextest/default/`).
#[test]
fn live_nextest_junit_agrees_with_nextest_summary() {
    if !tool_present(
        "cargo",
        &["nextest", "--version"],
        "the JUnit parser on cargo-nextest's reports",
        "cargo-nextest (.ci/run: cargo install --locked cargo-nextest)",
    ) {
        return;
    }
    let temp = TempDir::new("nextest");
    let project = temp.copy("junit/nextest", "nextest");
    let target = temp.0.join("target");
    let tmp = temp.0.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let mut command = Command::new("cargo");
    command
        .args([
            "nextest",
            "run",
            "--retries",
            "2",
            "--no-fail-fast",
            "--color",
            "never",
            "--offline",
        ])
        .current_dir(&project)
        // The crate is tiny and has no dependencies: building it afresh takes a second or two.
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("CARGO_BUILD_TARGET_DIR")
        // tests::flaky keeps its marker file in the temp dir: this run's own.
        .env("TMPDIR", &tmp)
        .env("RUST_BACKTRACE", "0")
        .env("CARGO_TERM_COLOR", "never");
    // When these tests themselves run under nextest, its settings must not reach the inner run.
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("NEXTEST") {
            command.env_remove(key);
        }
    }
    let output = run(&mut command);
    let stderr = text(&output.stderr);
    let summary = nextest_summary(&stderr);
    let said = |word: &str| summary.get(word).copied().unwrap_or(0);

    // nextest's "skipped" are tests it did not run (#[ignore]d, or filtered out): they are not
    // in its JUnit at all, so gigops sees only the tests run. Its "passed" includes the flaky
    // ones, as gigops' does; a test that timed out failed.
    let expected = TestCounts {
        total: said("run"),
        passed: said("passed"),
        failed: said("failed") + said("timed out"),
        skipped: 0,
        errors: 0,
        flaky: said("flaky"),
        inner_failures: 0,
    };
    assert_eq!(
        said("run"),
        said("passed") + said("failed") + said("timed out"),
        "{summary:?}"
    );
    // nextest's store is `target/nextest` under the workspace root whatever CARGO_TARGET_DIR
    // says, and the profile's JUnit path is relative to the profile's directory in it.
    let report = File::open(project.join("target/nextest/default/junit.xml"))
        .unwrap_or_else(|e| panic!("nextest wrote no JUnit ({e}):\n{stderr}"));
    let run = junit::parse(BufReader::new(report), "junit.xml").unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(run.counts(), expected, "nextest said:\n{stderr}");
}
