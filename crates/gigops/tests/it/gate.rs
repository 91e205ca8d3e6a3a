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
        serde_json::json!({"total": 12, "passed": 6, "failed": 4, "skipped": 2, "errors": 0, "flaky": 0})
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

/// A small Go project in a git repository with a failing linter finding, so that debt,
/// hotspots, toolchain and `git describe` all have something real to read.
fn go_project(s: &Sandbox) -> PathBuf {
    let root = s.path("project");
    std::fs::create_dir_all(&root).unwrap();
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(&root)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q", "-b", "main"]);
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
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output();
    match text {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.contains("交付清单"), "{text}");
            assert!(text.contains("覆盖率达到约定的最低值"), "{text}");
        }
        _ => assert!(
            std::env::var_os("CI").is_none(),
            "CI must install poppler-utils"
        ),
    }

    if let Some(browser) = crate::chromium() {
        crate::screenshot(browser, &s.path("out/report.html"), &s.path("report.png"));
        crate::screenshot(
            browser,
            &s.path("out/deliverables.html"),
            &s.path("deliverables.png"),
        );
        if let Some(dir) = std::env::var_os("GIGOPS_KEEP_SCREENSHOTS") {
            for name in ["report.png", "deliverables.png"] {
                std::fs::copy(s.path(name), PathBuf::from(&dir).join(name)).unwrap();
            }
            std::fs::copy(&pdf, PathBuf::from(&dir).join("deliverables.pdf")).unwrap();
        }
    } else {
        assert!(std::env::var_os("CI").is_none(), "CI must install chromium");
    }
}
