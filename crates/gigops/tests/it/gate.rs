//! `gigops gate` end to end, on real `go test` output saved as fixtures in gigops-ingest.

use std::path::PathBuf;

use crate::{Sandbox, read};

fn go_fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../gigops-ingest/tests/fixtures/go")
        .join(name)
        .display()
        .to_string()
}

fn summary(s: &Sandbox, dir: &str) -> serde_json::Value {
    serde_json::from_str(&read(&s.path(dir).join("summary.json"))).unwrap()
}

fn rule<'a>(summary: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    summary["gate"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no rule {name} in {summary:#}"))
}

#[test]
fn failing_tests_fail_the_gate_and_every_output_is_written() {
    let s = Sandbox::new();
    s.write("gigops.toml", "[gate]\nmin_coverage = 50\n");
    let output = s
        .gigops_without_db(&[
            "gate",
            "ingest",
            &go_fixture("gotest.json"),
            &go_fixture("cover.out"),
            "--no-debt",
            "-o",
            "out",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("gate FAILED"), "{stdout}");

    let summary = summary(&s, "out");
    assert_eq!(summary["schema"], "gigops.gate.summary/1");
    // The hand count in the fixture README: 12 tests, 6 passed, 4 failed, 2 skipped.
    assert_eq!(
        summary["tests"],
        serde_json::json!({"total": 12, "passed": 6, "failed": 4, "skipped": 2, "errors": 0, "flaky": 0, "inner_failures": 0})
    );
    // cover-func.txt, written by `go tool cover -func`: total 58.3 % (7 of 12 statements).
    assert_eq!(summary["coverage"]["covered"], 7);
    assert_eq!(summary["coverage"]["total"], 12);
    assert_eq!(summary["coverage"]["unit"], "statements");
    assert_eq!(summary["gate"]["passed"], false);
    let failed = rule(&summary, "tests.failed");
    assert_eq!(failed["passed"], false);
    assert_eq!(failed["value"], 4);
    assert_eq!(failed["threshold"], 0);
    let coverage = rule(&summary, "coverage.total");
    assert_eq!(coverage["passed"], true);
    assert_eq!(coverage["value"], 58.33);

    let html = read(&s.path("out/report.html"));
    assert!(html.contains("TestAddWrong"), "failures are listed");
    assert!(html.contains("<details"), "their output is folded");
    for remote in ["src=\"http", "href=\"http", "url(http"] {
        assert!(!html.contains(remote), "a remote resource: {remote}");
    }
    let markdown = read(&s.path("out/summary.md"));
    assert!(markdown.contains("`tests.failed`"), "{markdown}");
    let junit = read(&s.path("out/junit.xml"));
    assert!(junit.contains("TestAddWrong"));
}

/// What a failing CI run of Go 1.19 really prints (tests/fixtures/go/README.md): a package that
/// does not build, results glued onto output, a nested suite failing on purpose in a package
/// that passed.
#[test]
fn a_real_failing_ci_run_is_read_and_explained() {
    let s = Sandbox::new();
    for lang in ["en", "zh-CN"] {
        let output = s
            .gigops_without_db(&[
                "gate",
                "ingest",
                &go_fixture("ci-merged.json"),
                "--no-debt",
                "--lang",
                lang,
                "-o",
                lang,
            ])
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let summary = summary(&s, "en");
    assert_eq!(
        summary["tests"],
        serde_json::json!({"total": 12, "passed": 10, "failed": 1, "skipped": 1, "errors": 1, "flaky": 0, "inner_failures": 1})
    );
    let failed = rule(&summary, "tests.failed");
    assert_eq!(failed["value"], 2);
    assert_eq!(
        failed["detail"],
        "1 failed test(s) and 1 errored suite(s) (1 inner failure(s) of suites that passed not counted); the policy allows 0"
    );
    // The text a person reads (the report escapes `/` and quotes).
    let html = read(&s.path("en/report.html"))
        .replace("&#x2f;", "/")
        .replace("&quot;", "\"");
    for expected in [
        // The build failure, with the compiler's message.
        "billing/billing.go:9:9: cannot use \"sum\"",
        "<strong>example.com/ci/nested</strong> — package passed, 1 inner failure(s)",
        "nested_test.go:10: failing on purpose",
        "<code>exporting 3 rows... done--- PASS: TestExport (0.00s)</code>",
        "<code>    --- PASS: TestFormats/json (0.00s)</code>",
    ] {
        assert!(html.contains(expected), "{expected} not in the report");
    }
    let markdown = read(&s.path("en/summary.md"));
    assert!(
        markdown.contains("- `example.com/ci/nested`: package passed, 1 inner failure(s)"),
        "{markdown}"
    );
    assert!(
        markdown.contains("- `TestExport` (example.com/ci/glued): passed"),
        "{markdown}"
    );
    let html = read(&s.path("zh-CN/report.html"));
    assert!(html.contains("包已通过，1 个内部失败"));
    assert!(html.contains("从 Go 输出中读取的结果"));

    // The nested package alone passes the gate, and still says what test2json reported.
    let nested: String = read(&PathBuf::from(go_fixture("ci.json")))
        .lines()
        .filter(|line| line.contains("\"example.com/ci/nested\""))
        .map(|line| format!("{line}\n"))
        .collect();
    let path = s.write("nested.json", &nested);
    let output = s
        .gigops_without_db(&[
            "gate",
            "ingest",
            path.to_str().unwrap(),
            "--no-debt",
            "--json",
        ])
        .output()
        .unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{summary:#}");
    assert_eq!(summary["tests"]["inner_failures"], 1);
    assert_eq!(summary["tests"]["failed"], 0);
    assert!(
        rule(&summary, "tests.failed")["detail"]
            .as_str()
            .unwrap()
            .contains("1 inner failure(s) of suites that passed not counted")
    );
}

#[test]
fn quarantined_failures_do_not_count() {
    let s = Sandbox::new();
    s.write(
        "gigops.toml",
        "[gate]\nquarantine = [\"TestAddWrong\", \"TestSign*\", \"example.com/shop/calc/TestDivPanics\"]\n",
    );
    let output = s
        .gigops_without_db(&[
            "gate",
            "ingest",
            &go_fixture("gotest.json"),
            "--no-debt",
            "--json",
        ])
        .output()
        .unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{summary:#}");
    assert_eq!(rule(&summary, "tests.failed")["value"], 0);
    // The counts are what happened; only the rule excuses them.
    assert_eq!(summary["tests"]["failed"], 4);
}

#[test]
fn gate_run_reads_what_the_command_prints() {
    let s = Sandbox::new();
    let output = s
        .gigops_without_db(&[
            "gate",
            "run",
            "--no-debt",
            "--json",
            "--",
            "cat",
            &go_fixture("gotest.json"),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["tests"]["total"], 12);

    // A command that fails and prints nothing readable fails the gate by itself.
    let output = s
        .gigops_without_db(&["gate", "run", "--no-debt", "--json", "--", "false"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rule(&summary, "evidence.command")["passed"], false);
}

#[test]
fn stdin_is_read_with_a_dash() {
    let s = Sandbox::new();
    let output = s
        .gigops_without_db(&["gate", "ingest", "-", "--no-debt", "--json"])
        .write_stdin(read(&PathBuf::from(go_fixture("cover.out"))))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["coverage"]["total"], 12);
    assert_eq!(summary["project"]["inputs"][0], "-");
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let s = Sandbox::new();
    let bad = s.write(
        "bad.json",
        "{\"Action\":\"run\",\"Package\":\"p\",\"Test\":\"TestA\"}\n{\"Action\":\"pass\",\"Package\":\"p\",\"Test\":\"TestA\",\"Elapsed\":\"fast\"}\n",
    );
    let output = s
        .gigops_without_db(&[
            "gate",
            "ingest",
            bad.to_str().unwrap(),
            "--no-debt",
            "-o",
            "out",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.json:2:"), "{stderr}");
    assert!(!s.path("out").exists(), "nothing half-written");

    let unknown = s.write("notes.txt", "just some words\n");
    let output = s
        .gigops_without_db(&["gate", "ingest", unknown.to_str().unwrap(), "--no-debt"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--format"));

    let output = s
        .gigops_without_db(&[
            "gate",
            "ingest",
            unknown.to_str().unwrap(),
            "--format",
            "xunit",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("expected one of gotest"));

    s.write("gigops.toml", "[gate]\ntoolchain = { go = \">= one\" }\n");
    let output = s
        .gigops_without_db(&["gate", "ingest", &go_fixture("cover.out"), "--no-debt"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("gate.toolchain.go"));
}

/// A new git repository at `root` (branch `main`), and a function running git commands in it
/// with a fixed identity.
fn git_in(root: &std::path::Path) -> impl Fn(&[&str]) + '_ {
    std::fs::create_dir_all(root).unwrap();
    let git = move |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(root)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q", "-b", "main"]);
    git
}

/// A small Go project in a git repository with a failing linter finding, so that debt,
/// hotspots, toolchain and `git describe` all have something real to read.
fn go_project(s: &Sandbox) -> PathBuf {
    let root = s.path("project");
    let git = git_in(&root);
    std::fs::write(root.join("go.mod"), "module example.com/shop\n\ngo 1.19\n").unwrap();
    // 5 code lines, 1 comment line.
    std::fs::write(
        root.join("calc.go"),
        "package calc\n\n// Add adds.\nfunc Add(a, b int) int {\n\treturn a + b\n}\n\nfunc unused() {}\n",
    )
    .unwrap();
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "first"]);
    git(&["tag", "v0.1.0"]);
    std::fs::write(
        root.join("calc.go"),
        "package calc\n\n// Add adds.\nfunc Add(a, b int) int {\n\treturn a + b\n}\n\nfunc unused() { _ = 1 }\n",
    )
    .unwrap();
    git(&["commit", "-q", "-am", "second"]);
    drop(git);
    root
}

#[test]
fn debt_hotspots_deliverables_and_what_a_person_sees() {
    let s = Sandbox::new();
    let root = go_project(&s);
    s.write(
        "gigops.toml",
        "[gate]\nmin_coverage = 50\nmax_debt_rating = \"B\"\n[gate.findings]\nfail_level = \"error\"\n[gate.toolchain]\ngo = \">=1.19\"\n",
    );
    // One error finding in calc.go (SARIF as staticcheck writes it).
    let sarif = s.write(
        "lint.sarif",
        r#"{"version":"2.1.0","$schema":"https://json.schemastore.org/sarif-2.1.0.json","runs":[{"tool":{"driver":{"name":"Staticcheck","rules":[{"id":"U1000"}]}},"results":[{"ruleId":"U1000","level":"error","message":{"text":"func unused is unused"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"calc.go"},"region":{"startLine":8,"startColumn":6}}}]}]}]}"#,
    );
    let output = s
        .gigops_without_db(&[
            "gate",
            "ingest",
            &go_fixture("gotest.json"),
            &go_fixture("cover.out"),
            sarif.to_str().unwrap(),
            "--root",
            root.to_str().unwrap(),
            "-o",
            "out",
            "--lang",
            "zh-CN",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary = summary(&s, "out");
    assert_eq!(summary["findings"]["error"], 1);
    assert_eq!(rule(&summary, "findings.level")["passed"], false);
    // 15 minutes (an error) over 5 lines × 30 minutes = 10 %: rating C, worse than B.
    assert_eq!(summary["debt"]["minutes"], 15);
    assert_eq!(summary["debt"]["rating"], "C");
    assert_eq!(rule(&summary, "debt.rating")["passed"], false);
    assert_eq!(
        summary["project"]["describe"],
        "v0.1.0-1-g".to_string() + &summary["project"]["commit"].as_str().unwrap()[..7]
    );
    assert_eq!(summary["project"]["branch"], "main");
    let go = &summary["project"]["toolchains"][0];
    assert_eq!(go["declared"], "1.19");
    let html = read(&s.path("out/report.html"));
    assert!(html.contains("lang=\"zh-CN\""));
    assert!(html.contains("门禁未通过"));
    // calc.go changed in both commits and carries all the debt: the one hotspot.
    assert!(html.contains("热点"), "hotspots are shown");

    // The checklist from that summary.
    let output = s
        .gigops_without_db(&[
            "gate",
            "deliverables",
            "--summary",
            "out/summary.json",
            "--release",
            "v0.1.1",
            "--lang",
            "zh-CN",
            "-o",
            "out",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let markdown = read(&s.path("out/deliverables.md"));
    assert!(markdown.contains("| 版本 | v0.1.1 |"), "{markdown}");
    assert!(
        markdown.contains("- [ ] 所有测试通过 — ✗ 4 (要求 0)"),
        "{markdown}"
    );
    assert!(
        markdown.contains("- [x] 覆盖率达到约定的最低值"),
        "{markdown}"
    );
    assert!(
        markdown.contains("- [ ] 变更的代码有测试覆盖 — 本次门禁未检查"),
        "{markdown}"
    );
    let pdf = s.path("out/deliverables.pdf");
    if let Some(pdftotext) = gigops_test_support::tools::pdftotext() {
        let out = std::process::Command::new(pdftotext)
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "pdftotext failed on {}",
            pdf.display()
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("交付清单"), "{text}");
        assert!(text.contains("覆盖率达到约定的最低值"), "{text}");
    }

    if let Some(browser) = crate::chromium() {
        crate::screenshot(&browser, &s.path("out/report.html"), &s.path("report.png"));
        crate::screenshot(
            &browser,
            &s.path("out/deliverables.html"),
            &s.path("deliverables.png"),
        );
        if let Some(dir) = std::env::var_os("GIGOPS_KEEP_SCREENSHOTS") {
            for name in ["report.png", "deliverables.png"] {
                std::fs::copy(s.path(name), PathBuf::from(&dir).join(name)).unwrap();
            }
            std::fs::copy(&pdf, PathBuf::from(&dir).join("deliverables.pdf")).unwrap();
        }
    }
}

fn gobench_fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../gigops-ingest/tests/fixtures/gobench")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn a_significant_slowdown_fails_the_benchmark_rule() {
    let s = Sandbox::new();
    s.write(
        "gigops.toml",
        "[gate.benchmarks]\nmax_regression_percent = 5\n",
    );
    // The old run: the real bench.txt with every ns/op divided by 10, so the real run is ten
    // times as slow on every benchmark. The shared machine's own noise is within a factor of 3
    // (see the fixture), so the two sides are fully separated: 5 values each, p = 2/252 < 0.05.
    let faster: String = read(&PathBuf::from(gobench_fixture("bench.txt")))
        .lines()
        .map(|line| {
            if !line.starts_with("Benchmark") {
                return format!("{line}\n");
            }
            let fields: Vec<String> = line
                .split('\t')
                .map(|field| match field.trim().strip_suffix(" ns/op") {
                    Some(value) => format!("{} ns/op", value.parse::<f64>().unwrap() / 10.0),
                    None => field.to_string(),
                })
                .collect();
            format!("{}\n", fields.join("\t"))
        })
        .collect();
    let old = s.write("old.txt", &faster);
    let run = |baseline: &str| {
        let output = s
            .gigops_without_db(&[
                "gate",
                "ingest",
                &gobench_fixture("bench.txt"),
                "--bench-baseline",
                baseline,
                "--no-debt",
                "--json",
            ])
            .output()
            .unwrap();
        let summary: serde_json::Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&output.stderr)));
        (output.status.code(), summary)
    };
    let (code, summary) = run(old.to_str().unwrap());
    assert_eq!(code, Some(1), "{summary:#}");
    // 5 benchmarks with 19 metrics between them (the fixture README's hand count), all paired.
    assert_eq!(summary["benchmarks"]["metrics"], 19);
    assert_eq!(summary["benchmarks"]["compared"], 19);
    // Only ns/op changed: the other 14 metrics are identical in both files, so exactly the 5
    // ns/op metrics regress, each by (v − v/10)/(v/10) = 900 %.
    assert_eq!(summary["benchmarks"]["regressions"], 5);
    let worst = summary["benchmarks"]["worst_regression_percent"]
        .as_f64()
        .unwrap();
    assert!((worst - 900.0).abs() < 1e-6, "{worst}");
    assert_eq!(rule(&summary, "benchmarks.regression")["passed"], false);

    // Against itself nothing moves.
    let (code, summary) = run(&gobench_fixture("bench.txt"));
    assert_eq!(code, Some(0), "{summary:#}");
    assert_eq!(summary["benchmarks"]["regressions"], 0);
}

#[test]
fn coverage_drop_is_measured_against_a_baseline_summary() {
    let s = Sandbox::new();
    s.write("gigops.toml", "[gate]\nmax_coverage_drop = 1.0\n");
    let ingest = |extra: &[&str]| {
        let mut args = vec!["gate", "ingest", "--no-debt"];
        let cover = go_fixture("cover.out");
        args.push(&cover);
        args.extend_from_slice(extra);
        s.gigops_without_db(&args).output().unwrap()
    };
    // Without a baseline the rule has nothing to compare with, and fails saying so.
    let output = ingest(&["-o", "first"]);
    assert_eq!(output.status.code(), Some(1));
    let first = summary(&s, "first");
    assert!(
        rule(&first, "coverage.drop")["detail"]
            .as_str()
            .unwrap()
            .contains("no baseline")
    );
    // The same coverage again: a drop of 0.
    let output = ingest(&["--baseline", "first/summary.json", "--json"]);
    let again: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{again:#}");
    assert_eq!(rule(&again, "coverage.drop")["value"], 0.0);
    // A baseline at 70 %: now 58.33 %, a drop of 11.67 points.
    let mut higher = first.clone();
    higher["coverage"]["percent"] = serde_json::json!(70.0);
    s.write("higher.json", &higher.to_string());
    let output = ingest(&["--baseline", "higher.json", "--json"]);
    let dropped: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(rule(&dropped, "coverage.drop")["value"], 11.67);
    // Something that is not a summary is bad input, with its place.
    s.write("junk.json", "{\n  \"schema\": 3\n}\n");
    let output = ingest(&["--baseline", "junk.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("junk.json:2:"));
}

#[test]
fn patch_coverage_covers_the_lines_changed_since_the_base() {
    let s = Sandbox::new();
    let root = s.path("web");
    let git = git_in(&root);
    std::fs::write(
        root.join("price.js"),
        "function price(n) {\n  return n * 2;\n}\nmodule.exports = price;\n",
    )
    .unwrap();
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "first"]);
    git(&["checkout", "-q", "-b", "feature"]);
    // Lines 3–5 are new; line 6 was line 3 before.
    std::fs::write(
        root.join("price.js"),
        "function price(n) {\n  return n * 2;\n  if (n < 0) {\n    throw new Error('negative');\n  }\n}\nmodule.exports = price;\n",
    )
    .unwrap();
    git(&["commit", "-q", "-am", "guard"]);
    // LCOV as c8 writes it, with the absolute path: line 3 ran, line 4 did not, line 5 (a
    // brace) is not instrumented. Patch coverage: 1 of 2 instrumented changed lines.
    let lcov = s.write(
        "lcov.info",
        &format!(
            "TN:\nSF:{}\nDA:1,1\nDA:2,1\nDA:3,1\nDA:4,0\nDA:7,1\nend_of_record\n",
            root.join("price.js").display()
        ),
    );
    s.write(
        "gigops.toml",
        "[gate]\nmin_patch_coverage = 60\npatch_base = \"main\"\n",
    );
    let output = s
        .gigops_without_db(&[
            "gate",
            "ingest",
            lcov.to_str().unwrap(),
            "--root",
            root.to_str().unwrap(),
            "--no-debt",
            "--json",
        ])
        .output()
        .unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&output.stderr)));
    assert_eq!(output.status.code(), Some(1), "{summary:#}");
    let patch = &summary["patch_coverage"];
    assert_eq!(patch["covered"], 1);
    assert_eq!(patch["total"], 2);
    assert_eq!(patch["files"][0]["uncovered_lines"], serde_json::json!([4]));
    assert_eq!(rule(&summary, "coverage.patch")["value"], 50.0);

    // A base git does not know is bad input.
    let output = s
        .gigops_without_db(&[
            "gate",
            "ingest",
            lcov.to_str().unwrap(),
            "--root",
            root.to_str().unwrap(),
            "--no-debt",
            "--patch-base",
            "no-such-branch",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn recorded_runs_give_a_trend_and_the_next_run_its_baseline() {
    let s = Sandbox::new();
    s.ok(&[
        "deal",
        "add",
        "--id",
        "D-7",
        "--client",
        "Acme",
        "--platform",
        "upwork",
        "--kind",
        "project",
        "--value",
        "900",
        "--currency",
        "USD",
    ]);
    s.write("gigops.toml", "[gate]\nmax_coverage_drop = 1.0\n");
    let cover = go_fixture("cover.out");
    let set = go_fixture("cover-set.out");
    // First delivery: cover-set.out alone (no test of util ran), which covers less than the
    // merge of both profiles, the second delivery.
    for (inputs, milestone) in [
        (vec![set.as_str()], "M1"),
        (vec![cover.as_str(), set.as_str()], "M2"),
    ] {
        let mut args = vec!["gate", "ingest"];
        args.extend(&inputs);
        args.extend([
            "--no-debt",
            "--deal",
            "D-7",
            "--milestone",
            milestone,
            "--record",
        ]);
        let output = s.gigops(&args).output().unwrap();
        // M1 has no earlier run to compare with, so the drop rule fails for want of a
        // baseline; M2's baseline is M1, and coverage rose.
        let expected = if milestone == "M1" { 1 } else { 0 };
        assert_eq!(
            output.status.code(),
            Some(expected),
            "{milestone}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // Again for M2: its baseline is the M2 run just recorded, and nothing dropped.
    let output = s
        .gigops(&[
            "gate",
            "ingest",
            &cover,
            &set,
            "--no-debt",
            "--deal",
            "D-7",
            "--milestone",
            "M2",
            "--record",
            "--json",
        ])
        .output()
        .unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{summary:#}");
    assert_eq!(rule(&summary, "coverage.drop")["value"], 0.0);

    let points = s.json(&["gate", "trend", "--deal", "D-7"]);
    let points = points.as_array().unwrap();
    assert_eq!(points.len(), 3);
    let milestones: Vec<&str> = points
        .iter()
        .map(|p| p["milestone"].as_str().unwrap())
        .collect();
    assert_eq!(milestones, ["M1", "M2", "M2"]);
    let coverage: Vec<f64> = points
        .iter()
        .map(|p| p["coverage_percent"].as_f64().unwrap())
        .collect();
    assert!(coverage[0] < coverage[1], "{coverage:?}");
    assert!(
        (points[1]["coverage_change"].as_f64().unwrap() - (coverage[1] - coverage[0])).abs() < 1e-9
    );
    assert_eq!(points[2]["coverage_change"], 0.0);
    assert_eq!(
        s.json(&["gate", "trend", "--deal", "D-7", "--milestone", "M1"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // An unknown deal is bad input.
    let output = s
        .gigops(&["gate", "trend", "--deal", "D-404"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

/// A webhook on loopback that takes one POST, answers `ok` and hands over the JSON it was sent.
fn one_webhook() -> (String, std::sync::mpsc::Receiver<serde_json::Value>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/services/T0/B0/hook",
        listener.local_addr().unwrap()
    );
    let (sender, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let mut stream = stream;
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        let _ = sender.send(serde_json::from_slice(&body).unwrap());
    });
    (url, received)
}

#[test]
fn notify_sends_the_summary_in_the_report_language() {
    let s = Sandbox::new();
    s.write("gigops.toml", "[notify.slack]\n");
    let (url, received) = one_webhook();

    let output = s
        .gigops_without_db(&[
            "gate",
            "ingest",
            &go_fixture("gotest.json"),
            "--no-debt",
            "--notify",
            "--lang",
            "zh-CN",
        ])
        .env("GIGOPS_SLACK_WEBHOOK_URL", &url)
        .output()
        .unwrap();

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("notify slack: sent: posted to http://127.0.0.1:"),
        "{stderr}"
    );
    let posted = received
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("the webhook was posted to");
    assert_eq!(posted["blocks"][0]["text"]["text"], "gigops 交付门禁未通过");
    // Slack's notification text is the plain-text summary, not Markdown.
    let text = posted["text"].as_str().unwrap();
    assert!(text.starts_with("❌ 交付证据: 门禁未通过\n"), "{text}");
    assert!(text.contains("tests.failed"), "{text}");
    for syntax in ["**", "|", "`", "###"] {
        assert!(!text.contains(syntax), "{syntax:?} in {text}");
    }
}

#[test]
fn notify_with_a_ca_file_that_cannot_be_used_is_bad_input_before_anything_runs() {
    let s = Sandbox::new();
    s.write("not-a-ca.pem", "just some words\n");
    s.write(
        "gigops.toml",
        "[notify.slack]\nca_file = \"corp-ca.pem\"\n\
         [notify.smtp]\nhost = \"127.0.0.1\"\nsecurity = \"tls\"\nfrom = \"gate@example.com\"\n\
         to = [\"lead@example.com\"]\nca_file = \"not-a-ca.pem\"\n",
    );

    let output = s
        .gigops_without_db(&[
            "gate",
            "run",
            "--no-debt",
            "--notify",
            "-o",
            "out",
            "--",
            "touch",
            "the-command-ran",
        ])
        .output()
        .unwrap();

    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("notify.slack.ca_file: corp-ca.pem: cannot read it: No such file"),
        "{stderr}"
    );
    assert!(
        stderr.contains("notify.smtp.ca_file: not-a-ca.pem: it holds no PEM certificate"),
        "{stderr}"
    );
    assert!(!s.path("the-command-ran").exists(), "the gate ran first");
    assert!(!s.path("out").exists());
}
