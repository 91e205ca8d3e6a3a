//! `gigops gate …`: real tools' outputs (the gigops-ingest fixtures) read, judged and written
//! as summary.json, summary.md, junit.xml and benchmarks.json; a real `go test` run; the
//! deliverables checklist; runs recorded against a deal and their trend; the refusals.
//!
//! Fixtures are copied into the sandbox first: read where they are, they lie in gigops's own
//! git repository, which would become the project root (its `git describe`, its debt).

use std::path::{Path, PathBuf};

use super::{Shots, fixture};

/// Copies the fixture `path` (under `crates/`) into the sandbox as `name`.
fn copy(s: &Shots, path: &str, name: &str) {
    s.write(name, &crate::read(Path::new(&fixture(path))));
}

/// A git repository at `dir` in the sandbox whose commits have a fixed author, committer and
/// date, so that their ids (and `git describe`) are the same every run; `files` are committed
/// in one commit per slice, the first tagged v0.1.0.
fn git_project(s: &Shots, dir: &str, commits: &[&[(&str, &str)]]) -> PathBuf {
    let root = s.path(dir);
    std::fs::create_dir_all(&root).unwrap();
    let git = |args: &[&str], day: usize| {
        let date = format!("2026-0{}-0{}T12:00:00Z", 1 + day, 1 + day);
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(&root)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q", "-b", "main"], 0);
    for (day, files) in commits.iter().enumerate() {
        for (file, text) in *files {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        git(&["add", "."], day);
        git(&["commit", "-q", "-m", &format!("commit {day}")], day);
        if day == 0 {
            git(&["tag", "v0.1.0"], day);
        }
    }
    root
}

/// Go tests and coverage, failing; the same with a linter's findings and technical debt over a
/// git project, in Chinese; stdin; tests, coverage and findings of Python, JavaScript and Go
/// tools at once; benchmarks against a baseline; the deliverables checklists.
#[test]
fn gate_ingest_outputs_and_deliverables() {
    let s = Shots::new();
    copy(
        &s,
        "gigops-ingest/tests/fixtures/go/gotest.json",
        "gotest.json",
    );
    copy(&s, "gigops-ingest/tests/fixtures/go/cover.out", "cover.out");
    s.json(
        "gate_ingest",
        &[
            "gate",
            "ingest",
            "gotest.json",
            "cover.out",
            "--no-debt",
            "-o",
            "out",
        ],
        1,
    );
    s.file("gate_summary.md", "out/summary.md");
    s.file("gate_junit.xml", "out/junit.xml");
    s.text(
        "table_gate_ingest",
        &["gate", "ingest", "gotest.json", "cover.out", "--no-debt"],
        1,
    );

    let root = git_project(
        &s,
        "project",
        &[
            &[
                ("go.mod", "module example.com/shop\n\ngo 1.19\n"),
                (
                    "calc.go",
                    "package calc\n\n// Add adds.\nfunc Add(a, b int) int {\n\treturn a + b\n}\n\nfunc unused() {}\n",
                ),
            ],
            &[(
                "calc.go",
                "package calc\n\n// Add adds.\nfunc Add(a, b int) int {\n\treturn a + b\n}\n\nfunc unused() { _ = 1 }\n",
            )],
        ],
    );
    s.write(
        "lint.sarif",
        r#"{"version":"2.1.0","$schema":"https://json.schemastore.org/sarif-2.1.0.json","runs":[{"tool":{"driver":{"name":"Staticcheck","rules":[{"id":"U1000"}]}},"results":[{"ruleId":"U1000","level":"error","message":{"text":"func unused is unused"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"calc.go"},"region":{"startLine":8,"startColumn":6}}}]}]}]}"#,
    );
    // Hotspots look back a century, so that the fixed commit dates stay inside the window.
    s.write(
        "debt.toml",
        "[gate]\nmin_coverage = 50\nmax_debt_rating = \"B\"\n[gate.findings]\nfail_level = \"error\"\n[gate.toolchain]\ngo = \">=1.19\"\n[gate.debt]\nhotspot_window_days = 36500\n",
    );
    let root = root.display().to_string();
    s.json(
        "gate_ingest_debt_zh",
        &[
            "--config",
            "debt.toml",
            "gate",
            "ingest",
            "gotest.json",
            "cover.out",
            "lint.sarif",
            "--root",
            &root,
            "-o",
            "out-zh",
            "--lang",
            "zh-CN",
        ],
        1,
    );
    s.file("gate_summary_debt.zh-CN.md", "out-zh/summary.md");

    let stdin_args = ["gate", "ingest", "-", "--no-debt", "--json"];
    let mut stdin = s.command(&stdin_args);
    stdin.write_stdin(crate::read(&s.path("cover.out")));
    s.snap_command("gate_ingest_stdin", &stdin_args, stdin, 0);

    for (path, name) in [
        ("junit/pytest-xunit2.xml", "pytest.xml"),
        ("lcov/coveragepy.info", "coverage.info"),
        ("sarif/ruff.sarif", "ruff.sarif"),
        ("checkstyle/eslint.xml", "eslint.xml"),
        ("tap/node.tap", "node.tap"),
        ("cobertura/c8.xml", "c8.xml"),
    ] {
        copy(&s, &format!("gigops-ingest/tests/fixtures/{path}"), name);
    }
    // eslint.xml names files by absolute paths where the fixture was made (/work/main/…): where
    // those exist, their git work tree would become the project root, and its HEAD would be
    // snapshotted. An empty root keeps the run independent of the machine.
    s.write("formats-root/.keep", "");
    s.json(
        "gate_ingest_formats",
        &[
            "gate",
            "ingest",
            "pytest.xml",
            "node.tap",
            "coverage.info",
            "c8.xml",
            "ruff.sarif",
            "eslint.xml",
            "--partial=-k test_add",
            "--no-debt",
            "--root",
            "formats-root",
            "-o",
            "formats",
        ],
        1,
    );
    s.file("gate_summary_formats.md", "formats/summary.md");

    let bench = crate::read(Path::new(&fixture(
        "gigops-ingest/tests/fixtures/gobench/bench.txt",
    )));
    s.write("bench.txt", &bench);
    s.write("old.txt", &super::quote::ten_times_slower(&bench));
    s.json(
        "gate_ingest_bench",
        &[
            "gate",
            "ingest",
            "bench.txt",
            "--bench-baseline",
            "old.txt",
            "--no-debt",
            "-o",
            "bench",
        ],
        0,
    );
    s.file("gate_benchmarks.json", "bench/benchmarks.json");
    s.file("gate_summary_bench.md", "bench/summary.md");

    s.json(
        "gate_deliverables",
        &[
            "gate",
            "deliverables",
            "--summary",
            "out/summary.json",
            "--release",
            "v1.2.3",
            "--project",
            "Shop",
            "--no-pdf",
            "-o",
            "out",
        ],
        0,
    );
    s.file("gate_deliverables.md", "out/deliverables.md");
    s.json(
        "gate_deliverables_zh",
        &[
            "gate",
            "deliverables",
            "--summary",
            "out-zh/summary.json",
            "--lang",
            "zh-CN",
            "--no-pdf",
            "-o",
            "out-zh",
        ],
        0,
    );
    s.file("gate_deliverables.zh-CN.md", "out-zh/deliverables.md");

    // Bad input: exit 2, nothing written.
    s.text(
        "gate_ingest_refused_missing",
        &["gate", "ingest", "missing.json", "--no-debt", "--json"],
        2,
    );
    s.text(
        "gate_ingest_refused_format",
        &["gate", "ingest", "cover.out", "--format", "nope", "--json"],
        2,
    );
    s.text(
        "gate_deliverables_refused",
        &["gate", "deliverables", "--summary", "gotest.json", "--json"],
        2,
    );
}

/// `gate run`: a command whose output is read, one that fails printing nothing, and real
/// `go test` writing a coverage profile in a git checkout.
#[test]
fn gate_run_outputs() {
    let s = Shots::new();
    copy(
        &s,
        "gigops-ingest/tests/fixtures/go/gotest.json",
        "gotest.json",
    );
    s.json(
        "gate_run",
        &["gate", "run", "--no-debt", "--", "cat", "gotest.json"],
        1,
    );
    s.json(
        "gate_run_silent_failure",
        &["gate", "run", "--no-debt", "--", "false"],
        1,
    );

    let root = git_project(
        &s,
        "gomod",
        &[&[
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
        ]],
    );
    let args = [
        "gate",
        "run",
        "--input",
        "cover.out",
        "-o",
        "../go-out",
        "--json",
        "--",
        "go",
        "test",
        "-json",
        "-count=1",
        "-coverprofile=cover.out",
        "./...",
    ];
    let mut command = s.command(&args);
    command
        .current_dir(&root)
        .env(
            "GOCACHE",
            std::env::temp_dir().join("gigops-gate-it-gocache"),
        )
        .env("GOPATH", s.path("gopath"))
        .env("GOFLAGS", "-mod=mod")
        .env("GOTOOLCHAIN", "local");
    s.snap_command("gate_run_go_test", &args, command, 0);
    s.file("gate_summary_go_test.md", "go-out/summary.md");
}

/// Runs recorded against a deal's milestone, the second judged against the first as its
/// baseline, and their trend.
#[test]
fn gate_runs_recorded_and_their_trend() {
    let s = Shots::new();
    s.run(
        &[
            "deal",
            "add",
            "--id",
            "D-1",
            "--client",
            "Acme",
            "--platform",
            "direct",
            "--value",
            "5000",
            "--currency",
            "USD",
            "--opened-at",
            "2026-11-02",
        ],
        0,
    );
    copy(
        &s,
        "gigops-ingest/tests/fixtures/go/gotest.json",
        "gotest.json",
    );
    copy(&s, "gigops-ingest/tests/fixtures/go/cover.out", "cover.out");
    copy(
        &s,
        "gigops-ingest/tests/fixtures/go/cover-set.out",
        "cover-set.out",
    );
    let record = |name: &str, coverage: &str, milestone: &str, code: i32| {
        s.json(
            name,
            &[
                "gate",
                "ingest",
                "gotest.json",
                coverage,
                "--no-debt",
                "--deal",
                "D-1",
                "--milestone",
                milestone,
                "--record",
            ],
            code,
        );
    };
    record("gate_ingest_recorded", "cover.out", "M1", 1);
    record(
        "gate_ingest_recorded_against_baseline",
        "cover-set.out",
        "M1",
        1,
    );
    record("gate_ingest_recorded_m2", "cover.out", "M2", 1);
    s.json("gate_trend", &["gate", "trend", "--deal", "D-1"], 0);
    s.json(
        "gate_trend_milestone",
        &["gate", "trend", "--deal", "D-1", "--milestone", "M1"],
        0,
    );
    s.text("table_gate_trend", &["gate", "trend", "--deal", "D-1"], 0);
}
