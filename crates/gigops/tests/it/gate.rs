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

/// A copy of a fixture in the sandbox, outside any git work tree (a fixture read where it is
/// lies in gigops's own repository, which would then be the project root).
fn copied(s: &Sandbox, fixture: &str) -> String {
    let name = PathBuf::from(fixture);
    let name = name.file_name().unwrap().to_str().unwrap();
    s.write(name, &read(&PathBuf::from(fixture)))
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

/// `--pdf` adds the report as a PDF to the other outputs; without `-o` it is a usage error.
#[test]
fn the_report_is_also_written_as_a_pdf_when_asked() {
    let s = Sandbox::new();
    let ingest = |extra: &[&str]| {
        let mut args = vec![
            "gate".to_string(),
            "ingest".to_string(),
            go_fixture("gotest.json"),
            "--no-debt".to_string(),
        ];
        args.extend(extra.iter().map(|a| a.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        s.gigops_without_db(&args).output().unwrap()
    };
    let output = ingest(&["--pdf"]);
    assert_eq!(output.status.code(), Some(2), "--pdf needs --output");
    let output = ingest(&["-o", "out", "--pdf"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let pdf = s.path("out/report.pdf");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    assert!(s.path("out/report.html").exists() && s.path("out/summary.md").exists());
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
        for shown in [
            "Delivery evidence",
            "Gate failed",
            "tests.failed",
            "TestAddWrong",
        ] {
            assert!(text.contains(shown), "{shown:?} not in\n{text}");
        }
    }
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
        markdown.contains("- [ ] 变更的代码有测试覆盖 — 无证据"),
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
            &copied(&s, &go_fixture("gotest.json")),
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

/// A proxy on loopback that reads one request's first line, hands it over and refuses it.
fn one_proxy() -> (String, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (sender, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        let mut line = String::new();
        let _ = BufReader::new(stream.try_clone().unwrap()).read_line(&mut line);
        let mut stream = stream;
        let _ = stream.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
        let _ = sender.send(line.trim_end().to_string());
    });
    (url, received)
}

/// The webhooks go through the proxy the environment names, as other tools on a CI runner do;
/// a webhook on loopback goes direct, since no proxy can reach this machine's loopback.
#[test]
fn notify_uses_the_environment_s_proxy_except_for_loopback() {
    let s = Sandbox::new();
    s.write("gigops.toml", "[notify.slack]\n[notify.wecom]\n");
    let (slack, received) = one_webhook();
    let (proxy, proxied) = one_proxy();

    let output = s
        .gigops_without_db(&[
            "gate",
            "ingest",
            &copied(&s, &go_fixture("gotest.json")),
            "--no-debt",
            "--notify",
        ])
        .env("GIGOPS_SLACK_WEBHOOK_URL", &slack)
        .env(
            "GIGOPS_WECOM_WEBHOOK_URL",
            "https://qyapi.example.invalid/cgi-bin/webhook/send?key=k3yK3yK3y",
        )
        .env("HTTPS_PROXY", &proxy)
        .env("HTTP_PROXY", &proxy)
        .output()
        .unwrap();

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("notify slack: sent: posted to http://127.0.0.1:"),
        "{stderr}"
    );
    received
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("the loopback webhook was posted to directly");
    // HTTPS through a proxy is a tunnel: the proxy sees only the host and port.
    let first_line = proxied
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("the proxy was asked");
    assert_eq!(first_line, "CONNECT qyapi.example.invalid:443 HTTP/1.1");
    assert!(
        stderr.contains("notify wecom: NOT sent: POST https://qyapi.example.invalid/*** failed: "),
        "{stderr}"
    );
    assert!(!stderr.contains("k3yK3yK3y"), "{stderr}");
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

/// The summary a `--json` run printed, with its exit code (stderr shown when it is not JSON).
fn json_run(output: &std::process::Output) -> (Option<i32>, serde_json::Value) {
    let summary = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        panic!(
            "no JSON summary (exit {:?}):\n{}",
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code(), summary)
}

/// Every file of a finished run's output directory, as text.
fn outputs(s: &Sandbox, dir: &str) -> String {
    ["report.html", "summary.md", "summary.json"]
        .iter()
        .map(|f| read(&s.path(dir).join(f)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// pytest's JUnit when it collected nothing (pytest 9 with `--junitxml`, no test file).
const NO_TESTS_JUNIT: &str = r#"<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest" errors="0" failures="0" skipped="0" tests="0" time="0.004" timestamp="2026-12-07T03:10:00.000000+00:00" hostname="ci" /></testsuites>"#;

#[test]
fn zero_tests_fail_the_gate_unless_the_policy_expects_none() {
    let s = Sandbox::new();
    let empty = s.write("junit.xml", NO_TESTS_JUNIT);
    let ingest = || {
        s.gigops_without_db(&[
            "gate",
            "ingest",
            empty.to_str().unwrap(),
            "-o",
            "out",
            "--json",
        ])
        .output()
        .unwrap()
    };
    let (code, summary) = json_run(&ingest());
    assert_eq!(code, Some(1), "{summary:#}");
    assert_eq!(summary["tests"]["total"], 0);
    let count = rule(&summary, "tests.count");
    assert_eq!(count["passed"], false);
    assert_eq!(
        (&count["value"], &count["threshold"]),
        (&serde_json::json!(0), &serde_json::json!(1))
    );
    // The failed-test rule alone would pass: no test failed.
    assert_eq!(rule(&summary, "tests.failed")["passed"], true);
    // The checklist's "every test passes" is not met by none.
    let output = s
        .gigops_without_db(&[
            "gate",
            "deliverables",
            "--summary",
            "out/summary.json",
            "--no-pdf",
            "-o",
            "out",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let checklist = read(&s.path("out/deliverables.md"));
    assert!(
        checklist.contains("- [ ] Every test passes — ✗ no test ran"),
        "{checklist}"
    );

    // Only skipped tests: nothing ran either.
    let skipped = s.write(
        "skipped.json",
        "{\"Action\":\"run\",\"Package\":\"p\",\"Test\":\"TestA\"}\n{\"Action\":\"skip\",\"Package\":\"p\",\"Test\":\"TestA\",\"Elapsed\":0}\n{\"Action\":\"pass\",\"Package\":\"p\",\"Elapsed\":0.01}\n",
    );
    let output = s
        .gigops_without_db(&["gate", "ingest", skipped.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    let (code, summary) = json_run(&output);
    assert_eq!(code, Some(1), "{summary:#}");
    assert!(
        rule(&summary, "tests.count")["detail"]
            .as_str()
            .unwrap()
            .starts_with("0 test(s) ran (1 skipped)")
    );

    // A project where tests are not expected says so.
    s.write("gigops.toml", "[gate]\nmin_tests = 0\n");
    let (code, summary) = json_run(&ingest());
    assert_eq!(code, Some(0), "{summary:#}");
    assert!(
        summary["gate"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["name"] != "tests.count")
    );
    // And a suite that must not shrink below 10.
    s.write("gigops.toml", "[gate]\nmin_tests = 10\n");
    let output = s
        .gigops_without_db(&["gate", "ingest", &go_fixture("gotest.json"), "--json"])
        .output()
        .unwrap();
    let (_, summary) = json_run(&output);
    // The fixture: 6 passed and 4 failed ran, 2 skipped.
    assert_eq!(rule(&summary, "tests.count")["value"], 10);
    assert_eq!(rule(&summary, "tests.count")["passed"], true);
}

#[test]
fn debt_is_measured_against_the_project_the_inputs_come_from_or_not_at_all() {
    let s = Sandbox::new();
    let root = go_project(&s);
    let sarif_text = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"Staticcheck"}},"results":[{"ruleId":"U1000","level":"error","message":{"text":"func unused is unused"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"calc.go"},"region":{"startLine":8}}}]}]}]}"#;
    let inside = root.join("lint.sarif");
    std::fs::write(&inside, sarif_text).unwrap();
    let tests = copied(&s, &go_fixture("gotest.json"));
    let ingest = |sarif: &std::path::Path, dir: &str, lang: &str| {
        s.gigops_without_db(&[
            "gate",
            "ingest",
            &tests,
            sarif.to_str().unwrap(),
            "--lang",
            lang,
            "-o",
            dir,
        ])
        .output()
        .unwrap()
    };
    // Run from the sandbox, outside the project: the root is the work tree of the SARIF file.
    let output = ingest(&inside, "found", "en");
    assert_eq!(output.status.code(), Some(1));
    let found = summary(&s, "found");
    // 15 minutes (an error) over calc.go's 5 lines × 30 minutes = 10 %: C.
    assert_eq!(found["debt"]["rating"], "C", "{found:#}");
    assert_eq!(found["debt_not_measured"], serde_json::Value::Null);
    assert_eq!(found["project"]["branch"], "main");

    // The same findings outside any work tree, read from outside the project: no root, so debt
    // is not measured (it read "E · 3 h 0 min · ratio inf %" against an empty directory).
    let outside = s.write("lint.sarif", sarif_text);
    for lang in ["en", "zh-CN"] {
        let dir = format!("no-root-{lang}");
        let output = ingest(&outside, &dir, lang);
        assert_eq!(output.status.code(), Some(1));
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("no project root"),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let summary = summary(&s, &dir);
        assert_eq!(summary["debt"], serde_json::Value::Null);
        assert_eq!(summary["debt_not_measured"], "no_root");
        let all = outputs(&s, &dir);
        assert!(
            !all.contains("inf"),
            "an infinite ratio is printed in {lang}"
        );
        let html = read(&s.path(&dir).join("report.html"));
        assert!(html.contains(if lang == "en" {
            "not measured"
        } else {
            "未测量"
        }));
    }

    // No findings at all: not measured, and said so; never "A · 0 min".
    let output = s
        .gigops_without_db(&[
            "gate",
            "ingest",
            &go_fixture("gotest.json"),
            "--root",
            root.to_str().unwrap(),
            "-o",
            "no-lint",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let summary = summary(&s, "no-lint");
    assert_eq!(summary["debt"], serde_json::Value::Null);
    assert_eq!(summary["debt_not_measured"], "no_findings");
    let markdown = read(&s.path("no-lint/summary.md"));
    assert!(
        markdown.contains("**Technical debt** not measured (no lint findings were given)"),
        "{markdown}"
    );
    // A policy on debt fails, saying why.
    s.write("gigops.toml", "[gate]\nmax_debt_rating = \"B\"\n");
    let output = s
        .gigops_without_db(&[
            "gate",
            "ingest",
            &go_fixture("gotest.json"),
            "--root",
            root.to_str().unwrap(),
            "--json",
        ])
        .output()
        .unwrap();
    let (_, summary) = json_run(&output);
    let debt = rule(&summary, "debt.rating");
    assert_eq!(debt["passed"], false);
    assert!(
        debt["detail"]
            .as_str()
            .unwrap()
            .contains("no findings evidence")
    );
}

#[test]
fn the_checklist_judges_the_evidence_whatever_the_policy() {
    let s = Sandbox::new();
    // No finding level, no coverage minimum, no debt rating in the policy; staticcheck's real
    // SARIF has errors.
    let sarif = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../gigops-ingest/tests/fixtures/sarif/staticcheck.sarif");
    let output = s
        .gigops_without_db(&[
            "gate",
            "ingest",
            &copied(&s, &go_fixture("gotest.json")),
            &copied(&s, &go_fixture("cover.out")),
            &copied(&s, sarif.to_str().unwrap()),
            "-o",
            "out",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let summary = summary(&s, "out");
    let errors = summary["findings"]["error"].as_u64().unwrap();
    assert!(errors > 0, "{summary:#}");
    assert!(
        summary["gate"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["name"] != "findings.level"),
        "the policy has no finding rule"
    );
    let output = s
        .gigops_without_db(&[
            "gate",
            "deliverables",
            "--summary",
            "out/summary.json",
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
    let checklist = read(&s.path("out/deliverables.md"));
    assert!(
        checklist.contains(&format!(
            "- [ ] No static-analysis finding at error level — ✗ {errors} (required 0)"
        )),
        "{checklist}"
    );
    assert!(
        checklist.contains(
            "- [ ] Coverage meets the agreed minimum — 58.33 % measured; no threshold agreed"
        ),
        "{checklist}"
    );
    assert!(checklist.contains("- [ ] Every test passes — ✗ 4 (required 0)"));
    assert!(checklist.contains("| Technical debt | not measured: no project root was found |"));
    let items: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let state = |rule: &str| {
        items["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["rule"] == rule)
            .map(|i| i["state"].clone())
            .unwrap()
    };
    assert_eq!(state("findings.level"), "failed");
    assert_eq!(state("coverage.total"), "no_threshold");
    // Every figure the document shows is in what --json printed or in the summary it judged.
    let html = read(&s.path("out/deliverables.html"));
    let missing = figures_not_in_json(&html, &[&items, &summary]);
    assert!(missing.is_empty(), "not in the JSON: {missing:?}");
    assert!(
        !figures_not_in_json("coverage 47.11 %", &[&items, &summary]).is_empty(),
        "a figure of no JSON is found"
    );
    let pdf = s.path("out/deliverables.pdf");
    if let Some(pdftotext) = gigops_test_support::tools::pdftotext() {
        let out = std::process::Command::new(pdftotext)
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("required 0"), "{text}");
    }
    if let Some(dir) = std::env::var_os("GIGOPS_KEEP_SCREENSHOTS") {
        for name in ["report.html", "deliverables.html", "deliverables.pdf"] {
            std::fs::copy(
                s.path("out").join(name),
                PathBuf::from(&dir).join(format!("judged-{name}")),
            )
            .unwrap();
        }
    }
}

/// What a toolchain needs to run inside the sandbox, whose HOME is its own: rustup's and
/// cargo's homes, pyenv's root, and caches of their own for Go.
fn tool_env(command: &mut assert_cmd::Command, s: &Sandbox) {
    let home = PathBuf::from(std::env::var_os("HOME").unwrap_or_default());
    let dir = |var: &str, default: &str| {
        std::env::var_os(var).map_or_else(|| home.join(default), PathBuf::from)
    };
    command
        .env("RUSTUP_HOME", dir("RUSTUP_HOME", ".rustup"))
        .env("CARGO_HOME", dir("CARGO_HOME", ".cargo"))
        .env("PYENV_ROOT", dir("PYENV_ROOT", ".pyenv"))
        .env("CARGO_TARGET_DIR", s.path("cargo-target"))
        .env("CARGO_TERM_COLOR", "never")
        .env("RUST_BACKTRACE", "0")
        .env("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env(
            "GOCACHE",
            std::env::temp_dir().join("gigops-gate-it-gocache"),
        )
        .env("GOPATH", s.path("gopath"))
        .env("GOFLAGS", "-mod=mod")
        .env("GOTOOLCHAIN", "local");
    if let Some(toolchain) = std::env::var_os("RUSTUP_TOOLCHAIN") {
        command.env("RUSTUP_TOOLCHAIN", toolchain);
    }
}

/// `gigops gate run ARGS` in `dir`, with the tools' environment.
fn gate_run(s: &Sandbox, dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["gate", "run"];
    all.extend_from_slice(args);
    let mut command = s.gigops_without_db(&all);
    command.current_dir(dir);
    tool_env(&mut command, s);
    command.output().unwrap()
}

#[test]
fn gate_run_reads_the_junit_file_nextest_writes() {
    if gigops_test_support::tools::program(
        "cargo",
        &["nextest", "--version"],
        "cargo-nextest (.ci/run: cargo install --locked cargo-nextest)",
    )
    .is_none()
    {
        return;
    }
    let s = Sandbox::new();
    let krate = s.path("shop");
    for (file, text) in [
        (
            "Cargo.toml",
            "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
        ),
        (
            "src/lib.rs",
            "pub fn add(a: i64, b: i64) -> i64 {\n    a + b\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn adds() {\n        assert_eq!(super::add(2, 2), 4);\n    }\n\n    #[test]\n    fn adds_wrong() {\n        assert_eq!(super::add(2, 2), 5);\n    }\n}\n",
        ),
        (
            ".config/nextest.toml",
            "[profile.default.junit]\npath = \"junit.xml\"\n",
        ),
    ] {
        s.write(&format!("shop/{file}"), text);
    }
    let junit = "target/nextest/default/junit.xml";
    let run = |extra: &[&str]| {
        let mut args = vec!["--input", junit, "--json"];
        args.extend_from_slice(extra);
        args.extend([
            "--",
            "cargo",
            "nextest",
            "run",
            "--no-fail-fast",
            "--offline",
        ]);
        gate_run(&s, &krate, &args)
    };
    // nextest exits 100 with a failing test and prints no report: the gate reads its JUnit.
    let (code, summary) = json_run(&run(&[]));
    assert_eq!(code, Some(1), "{summary:#}");
    assert_eq!(summary["tests"]["total"], 2);
    assert_eq!(summary["tests"]["failed"], 1);
    assert_eq!(rule(&summary, "tests.failed")["value"], 1);
    assert!(
        summary["gate"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["name"] != "evidence.command"),
        "the command wrote evidence: {summary:#}"
    );
    assert_eq!(
        summary["selection"],
        serde_json::json!({"complete": true, "filters": []})
    );
    // Quarantine can excuse the failure under gate run.
    s.write(
        "shop/gigops.toml",
        "[gate]\nquarantine = [\"tests::adds_wrong\"]\n",
    );
    let (code, summary) = json_run(&run(&[]));
    assert_eq!(code, Some(0), "{summary:#}");

    // A report left by an earlier run is not evidence of this one: the command that fails
    // before writing it fails the gate by itself (and says why) …
    let report = krate.join(junit);
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&report)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let output = gate_run(&s, &krate, &["--input", junit, "--json", "--", "false"]);
    let (code, summary) = json_run(&output);
    assert_eq!(code, Some(1));
    assert_eq!(rule(&summary, "evidence.command")["passed"], false);
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("last modified before the command started")
    );
    // … and a command that succeeds without writing it names the wrong file.
    let output = gate_run(&s, &krate, &["--input", junit, "--", "true"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not written by `true`"));
}

#[test]
fn gate_run_reads_the_junit_file_pytest_writes() {
    if gigops_test_support::tools::program(
        "python3",
        &["-c", "import pytest"],
        "pytest (.ci/run: python3 -m pip install pytest)",
    )
    .is_none()
    {
        return;
    }
    let s = Sandbox::new();
    let project = s.path("py");
    s.write(
        "py/tests/test_shop.py",
        "def add(a, b):\n    return a + b\n\n\ndef test_add():\n    assert add(2, 2) == 4\n\n\ndef test_add_wrong():\n    assert add(2, 2) == 5\n",
    );
    let pytest = |extra: &[&str]| {
        let mut args = vec!["--input", "junit.xml", "--json", "--"];
        args.extend([
            "python3",
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--junitxml=junit.xml",
        ]);
        args.extend_from_slice(extra);
        json_run(&gate_run(&s, &project, &args))
    };
    let (code, summary) = pytest(&[]);
    assert_eq!(code, Some(1), "{summary:#}");
    assert_eq!(summary["tests"]["total"], 2);
    assert_eq!(summary["tests"]["failed"], 1);
    assert_eq!(summary["selection"]["complete"], true);
    s.write(
        "py/gigops.toml",
        "[gate]\nquarantine = [\"*test_add_wrong\"]\n",
    );
    let (code, summary) = pytest(&[]);
    assert_eq!(code, Some(0), "{summary:#}");
    // A filter makes the run partial, recorded as written.
    let (code, summary) = pytest(&["-k", "test_add and not wrong"]);
    assert_eq!(code, Some(0), "{summary:#}");
    assert_eq!(summary["tests"]["total"], 1);
    assert_eq!(
        summary["selection"],
        serde_json::json!({"complete": false, "filters": ["-k test_add and not wrong"]})
    );
}

/// A Go module in a git repository whose `origin` remote carries a token.
fn go_module(s: &Sandbox) -> PathBuf {
    let root = s.path("gomod");
    let git = git_in(&root);
    for (file, text) in [
        ("go.mod", "module example.com/shop\n\ngo 1.19\n"),
        (
            "calc/calc.go",
            "package calc\n\nfunc Add(a, b int) int {\n\treturn a + b\n}\n\nfunc Sign(n int) int {\n\tif n < 0 {\n\t\treturn -1\n\t}\n\treturn 1\n}\n",
        ),
        (
            "calc/calc_test.go",
            "package calc\n\nimport \"testing\"\n\nfunc TestAdd(t *testing.T) {\n\tif Add(2, 2) != 4 {\n\t\tt.Fatal(\"2+2\")\n\t}\n}\n",
        ),
        (
            "util/util.go",
            "package util\n\nfunc Twice(n int) int {\n\treturn 2 * n\n}\n",
        ),
        (
            "util/util_test.go",
            "package util\n\nimport \"testing\"\n\nfunc TestTwice(t *testing.T) {\n\tif Twice(2) != 4 {\n\t\tt.Fatal(\"twice\")\n\t}\n}\n",
        ),
    ] {
        std::fs::create_dir_all(root.join(file).parent().unwrap()).unwrap();
        std::fs::write(root.join(file), text).unwrap();
    }
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "first"]);
    git(&[
        "remote",
        "add",
        "origin",
        "https://x-access-token:ghp_s3cretT0ken@github.com/acme/shop.git",
    ]);
    drop(git);
    root
}

#[test]
fn gate_run_of_go_test_reads_the_profile_it_writes_and_what_it_selected() {
    if gigops_test_support::tools::program("go", &["version"], "golang-go (Debian)").is_none() {
        return;
    }
    let s = Sandbox::new();
    let root = go_module(&s);
    let go = |extra: &[&str]| {
        let mut args = vec!["--input", "cover.out", "-o", "out", "--json", "--"];
        args.extend(["go", "test", "-json", "-coverprofile=cover.out"]);
        args.extend_from_slice(extra);
        json_run(&gate_run(&s, &root, &args))
    };
    let (code, summary) = go(&["./..."]);
    assert_eq!(code, Some(0), "{summary:#}");
    assert_eq!(summary["tests"]["total"], 2);
    // calc: Add's statement ran, Sign's three did not; util: Twice's one ran.
    assert_eq!(
        (
            &summary["coverage"]["covered"],
            &summary["coverage"]["total"]
        ),
        (&serde_json::json!(2), &serde_json::json!(5))
    );
    assert_eq!(
        summary["coverage_by_package"],
        serde_json::json!([
            {"name": "example.com/shop/calc", "covered": 1, "total": 4, "percent": 25.0},
            {"name": "example.com/shop/util", "covered": 1, "total": 1, "percent": 100.0}
        ])
    );
    assert_eq!(summary["selection"]["complete"], true);
    // The repository, without the token; the token nowhere in what was written.
    assert_eq!(
        summary["project"]["repository"],
        "https://github.com/acme/shop.git"
    );
    let all = outputs(&s, "gomod/out");
    assert!(!all.contains("s3cret"));
    assert!(
        read(&root.join("out/report.html"))
            .replace("&#x2f;", "/")
            .contains("https://github.com/acme/shop.git")
    );

    // One package: partial.
    let (code, summary) = go(&["./calc"]);
    assert_eq!(code, Some(0), "{summary:#}");
    assert_eq!(
        summary["selection"],
        serde_json::json!({"complete": false, "filters": ["./calc"]})
    );
    // A filter that matches nothing: zero tests fail the gate, and the run is partial.
    let (code, summary) = go(&["-run", "TestNothing", "./..."]);
    assert_eq!(code, Some(1), "{summary:#}");
    assert_eq!(summary["tests"]["total"], 0);
    assert_eq!(rule(&summary, "tests.count")["passed"], false);
    assert_eq!(
        summary["selection"],
        serde_json::json!({"complete": false, "filters": ["-run TestNothing"]})
    );

    // gate ingest records a partial run only when told.
    let output = s
        .gigops_without_db(&[
            "gate",
            "ingest",
            root.join("cover.out").to_str().unwrap(),
            "--partial",
            "only ./calc was tested",
            "--json",
        ])
        .output()
        .unwrap();
    let (_, summary) = json_run(&output);
    assert_eq!(
        summary["selection"],
        serde_json::json!({"complete": false, "filters": ["only ./calc was tested"]})
    );
    // Its root is the work tree of the input, so the repository is named.
    assert_eq!(
        summary["project"]["repository"],
        "https://github.com/acme/shop.git"
    );
    let output = s
        .gigops_without_db(&["gate", "ingest", &go_fixture("cover.out"), "--json"])
        .output()
        .unwrap();
    let (_, summary) = json_run(&output);
    assert_eq!(summary["selection"], serde_json::Value::Null);
}

#[test]
fn a_coverprofile_away_from_its_module_is_counted_with_the_sources_of_the_root_given() {
    let s = Sandbox::new();
    for file in ["go.mod", "literals.go", "literals_test.go"] {
        s.write(
            &format!("module/{file}"),
            &read(&PathBuf::from(go_fixture(&format!("literals/{file}")))),
        );
    }
    s.write(
        "away/cover.out",
        &read(&PathBuf::from(go_fixture("literals/cover.out"))),
    );
    let coverage = |extra: &[&str]| {
        let mut args = vec!["gate", "ingest", "away/cover.out", "--no-debt", "--json"];
        args.extend(extra);
        let output = s.gigops_without_db(&args).output().unwrap();
        let json: serde_json::Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
        (
            json["coverage"]["covered"].clone(),
            json["coverage"]["total"].clone(),
        )
    };
    // Without its sources every block counts (as `go test -cover` prints, 6 of 11); with the
    // module named, as `go tool cover -func` counts (3 of 6: package-level literals are no part
    // of a function).
    assert_eq!(coverage(&[]), (6.into(), 11.into()));
    assert_eq!(coverage(&["--root", "module"]), (3.into(), 6.into()));
}

/// The figures (words holding a digit) of an HTML document's visible text that are neither a
/// string in one of `models` nor a number of one (rounded as the document rounds).
fn figures_not_in_json(html: &str, models: &[&serde_json::Value]) -> Vec<String> {
    fn collect(value: &serde_json::Value, strings: &mut Vec<String>, numbers: &mut Vec<f64>) {
        match value {
            serde_json::Value::String(s) => strings.push(s.clone()),
            serde_json::Value::Number(n) => numbers.extend(n.as_f64()),
            serde_json::Value::Array(items) => {
                items.iter().for_each(|v| collect(v, strings, numbers))
            }
            serde_json::Value::Object(fields) => {
                fields.values().for_each(|v| collect(v, strings, numbers))
            }
            _ => {}
        }
    }
    let (mut strings, mut numbers) = (Vec::new(), Vec::new());
    models
        .iter()
        .for_each(|m| collect(m, &mut strings, &mut numbers));
    let body = html.split("</style>").last().unwrap_or(html);
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => (in_tag, text) = (true, text + " "),
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
        .filter(|w| !strings.iter().any(|s| s.contains(w)))
        .filter(|w| {
            w.parse::<f64>().map_or(true, |x| {
                !numbers.iter().any(|n| {
                    (n - x).abs() < 0.005 || ((n * 100.0).round() / 100.0 - x).abs() < 1e-9
                })
            })
        })
        .map(str::to_string)
        .collect()
}

/// The slowest tests show what the runner measured: a JUnit 7 ms is not "0.01 s", a pytest
/// 0.4 ms not "0.00 s"; Go's durations below its 0.01 s step (reported as 0) are not listed as
/// slow, and the report says why rather than showing an empty or all-zero table.
#[test]
fn the_slowest_tests_show_their_real_durations() {
    let s = Sandbox::new();
    s.write(
        "junit.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <testsuite name="shop" tests="4">
    <testcase classname="shop" name="test_checkout" time="2.5"/>
    <testcase classname="shop" name="test_cart" time="0.007"/>
    <testcase classname="shop" name="test_price" time="0.0004"/>
    <testcase classname="shop" name="test_zero" time="0"/>
  </testsuite>
</testsuites>
"#,
    );
    let output = s
        .gigops_without_db(&["gate", "ingest", "junit.xml", "--no-debt", "-o", "out"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let html = read(&s.path("out/report.html"));
    let slowest = &html[html.find("id=\"slowest\"").expect("a slowest section")..];
    let slowest = &slowest[..slowest.find("</section>").unwrap()];
    let row = |name: &str, duration: &str| {
        format!("<td class=\"text\">{name}</td><td class=\"text\">shop</td><td>{duration}</td>")
    };
    for (name, duration) in [
        ("test_checkout", "2.50 s"),
        ("test_cart", "7.0 ms"),
        ("test_price", "0.40 ms"),
    ] {
        assert!(slowest.contains(&row(name, duration)), "{name}: {slowest}");
    }
    assert!(!slowest.contains("test_zero"), "{slowest}");
    let order: Vec<usize> = ["test_checkout", "test_cart", "test_price"]
        .iter()
        .map(|name| slowest.find(name).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "slowest first");

    // go test reports every test of this fixture as 0.00s: none is listed, and the report says why.
    let output = s
        .gigops_without_db(&[
            "gate",
            "ingest",
            &go_fixture("gotest.json"),
            "--no-debt",
            "-o",
            "go",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let html = read(&s.path("go/report.html"));
    let slowest = &html[html.find("id=\"slowest\"").expect("a slowest section")..];
    let slowest = &slowest[..slowest.find("</section>").unwrap()];
    assert!(!slowest.contains("<table"), "{slowest}");
    assert!(
        slowest.contains("No test reported a duration above zero"),
        "{slowest}"
    );
}
