//! Technical debt against real inputs: a fixture tree counted by tokei, and git repositories
//! made in temporary directories with commits at fixed dates.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use gigops_core::evidence::{Finding, FindingLevel, Findings};
use gigops_gate::debt::{
    ChangeFrequency, ChangeWindow, CodeSize, DebtConfig, DebtError, Hotspot, LanguageSize,
    MINUTES_PER_LINE, Rating, RuleMinutes, assess, change_frequency_until, code_size,
};
use gigops_gate::summary::NotMeasured;
use proptest::prelude::*;

const DAY: u64 = 86_400;
/// The "now" of every history test: 2023-11-14T22:13:20Z.
const NOW: u64 = 1_700_000_000;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/debt/project")
}

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

fn finding(
    tool: &str,
    rule: &str,
    level: FindingLevel,
    security_severity: Option<f64>,
    path: Option<&str>,
) -> Finding {
    Finding {
        tool: tool.into(),
        rule: rule.into(),
        level,
        security_severity,
        message: String::new(),
        path: path.map(String::from),
        line: None,
        column: None,
    }
}

fn language(language: &str, files: u64, code: u64, comments: u64, blanks: u64) -> LanguageSize {
    LanguageSize {
        language: language.into(),
        files,
        code,
        comments,
        blanks,
        inaccurate: false,
    }
}

// ---------------------------------------------------------------------------------------------
// Code size

// The fixture's lines, counted by hand (tokei counts a line with code and a trailing comment as
// code, and a Python shebang as a comment):
//
// main.go          12 lines: code 2, 4, 10, 11, 12 = 5; comments 1, 6–9 = 5; blank 3, 5 = 2
// api/user.pb.go    7 lines: code 3, 5, 6, 7 = 4; comment 1 = 1; blank 2, 4 = 2
// vendor/dep/dep.go 4 lines: code 1, 4 = 2; comment 3 = 1; blank 2 = 1
// src/lib.rs       15 lines: code 4, 6, 7, 9–15 = 10; comments 1, 3, 5 = 3; blank 2, 8 = 2
// tools/report.py  13 lines: code 4, 7, 9, 12, 13 = 5; comments 1, 2, 8 = 3;
//                  blank 3, 5, 6, 10, 11 = 5

#[test]
fn counts_every_language_of_the_fixture() {
    let size = code_size(&fixture(), &[]).unwrap();
    assert_eq!(
        size.by_language,
        vec![
            // Go: 5 + 4 + 2 code, 5 + 1 + 1 comments, 2 + 2 + 1 blanks, in 3 files.
            language("Go", 3, 11, 7, 5),
            language("Rust", 1, 10, 3, 2),
            language("Python", 1, 5, 3, 5),
        ]
    );
    assert_eq!(size.files, 5);
    assert_eq!(size.code, 11 + 10 + 5);
    assert_eq!(size.comments, 7 + 3 + 3);
    assert_eq!(size.blanks, 5 + 2 + 5);
}

#[test]
fn excluded_paths_are_left_out() {
    // `vendor` has no slash, so it names a directory at any depth; `*.pb.go` likewise any
    // generated file. Go keeps main.go alone: 5 code, 5 comments, 2 blanks.
    let size = code_size(&fixture(), &["vendor".into(), "*.pb.go".into()]).unwrap();
    assert_eq!(
        size.by_language,
        vec![
            language("Rust", 1, 10, 3, 2),
            // Go and Python both have 5 code lines: by name.
            language("Go", 1, 5, 5, 2),
            language("Python", 1, 5, 3, 5),
        ]
    );
    assert_eq!(size.code, 20);

    // A leading slash anchors to the measured directory: `/src` is the fixture's src/, and no
    // other file's path starts with it.
    let size = code_size(&fixture(), &["/src/".into(), "/tools/*.py".into()]).unwrap();
    let languages: Vec<&str> = size
        .by_language
        .iter()
        .map(|l| l.language.as_str())
        .collect();
    assert_eq!(languages, ["Go"]);
    assert_eq!(size.code, 11);
}

#[test]
fn bad_exclude_patterns_and_roots_are_errors() {
    let error = code_size(&fixture(), &["src/[".into()]).unwrap_err();
    assert!(
        matches!(&error, DebtError::InvalidPattern { field: "exclude", pattern, .. } if pattern == "src/["),
        "{error}"
    );
    let error = code_size(&fixture(), &["!src".into()]).unwrap_err();
    assert!(matches!(error, DebtError::InvalidPattern { .. }), "{error}");

    let missing = fixture().join("no-such-directory");
    assert!(matches!(
        code_size(&missing, &[]),
        Err(DebtError::Io { .. })
    ));
    let file = fixture().join("main.go");
    assert!(matches!(code_size(&file, &[]), Err(DebtError::Io { .. })));
}

/// The fixture has `vendor/dep/dep.go` (2 code lines); `third_party/` and a nested
/// `node_modules/` are added here. By default none of them is the project's code.
#[test]
fn vendored_code_is_left_out_by_default() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("main.go"),
        "package main\n\nfunc main() {}\n",
    )
    .unwrap();
    for (path, text) in [
        ("vendor/dep/dep.go", "package dep\n\nfunc Dep() {}\n"),
        (
            "third_party/zlib/zlib.c",
            "int inflate(void) {\n  return 0;\n}\n",
        ),
        (
            "web/node_modules/left-pad/index.js",
            "module.exports = function () {};\n",
        ),
        (
            "web/app.js",
            "const pad = require('left-pad');\nmodule.exports = pad;\n",
        ),
    ] {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    // main.go 2, dep.go 2, zlib.c 3, index.js 1, app.js 2.
    assert_eq!(code_size(dir.path(), &[]).unwrap().code, 10);
    let defaults = DebtConfig::default().exclude;
    assert_eq!(defaults, ["vendor/", "third_party/", "node_modules/"]);
    let size = code_size(dir.path(), &defaults).unwrap();
    assert_eq!(size.code, 4, "{size:?}");
    // Configured: the setting replaces the default.
    let config: DebtConfig = toml::from_str("exclude = [\"web\"]").unwrap();
    assert_eq!(code_size(dir.path(), &config.exclude).unwrap().code, 7);
}

#[test]
fn debt_is_not_measured_without_findings_root_or_code() {
    let dir = tempfile::tempdir().unwrap();
    let config = DebtConfig::default();
    let findings = Findings {
        findings: vec![finding(
            "vet",
            "printf",
            FindingLevel::Error,
            None,
            Some("a.go"),
        )],
    };
    let measure = |root: Option<&Path>, findings: Option<&Findings>| {
        gigops_gate::debt::measure(root, findings, &config).unwrap()
    };
    assert_eq!(
        measure(Some(dir.path()), None).unwrap_err(),
        NotMeasured::NoFindings
    );
    assert_eq!(
        measure(None, Some(&findings)).unwrap_err(),
        NotMeasured::NoRoot
    );
    // Only vendored code: nothing of the project's own to set the debt against.
    fs::create_dir_all(dir.path().join("vendor/x")).unwrap();
    fs::write(dir.path().join("vendor/x/x.go"), "package x\n").unwrap();
    assert_eq!(
        measure(Some(dir.path()), Some(&findings)).unwrap_err(),
        NotMeasured::NoCode
    );
    fs::write(dir.path().join("a.go"), "package a\n\nfunc A() {}\n").unwrap();
    let debt = measure(Some(dir.path()), Some(&findings)).unwrap();
    // 15 minutes over 2 lines × 30 minutes: 25 %, D; finite.
    assert_eq!(
        (debt.minutes, debt.code_lines, debt.rating),
        (15, 2, Rating::D)
    );
    assert!(debt.ratio.is_finite());
    assert_eq!(debt.hotspot_window, None, "not a repository: no hotspots");
}

#[test]
fn gitignore_counts_only_inside_a_work_tree() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("kept.rs"), "fn kept() {}\n").unwrap();
    fs::create_dir(dir.path().join("build")).unwrap();
    fs::write(
        dir.path().join("build/out.rs"),
        "fn out() {}\nfn more() {}\n",
    )
    .unwrap();
    fs::write(dir.path().join(".gitignore"), "build/\n").unwrap();

    // Outside a repository, tokei (like git) does not read .gitignore: 1 + 2 code lines.
    assert_eq!(code_size(dir.path(), &[]).unwrap().code, 3);
    git(dir.path(), &["init", "--quiet"], None);
    // Inside one, build/ is ignored: kept.rs's single line remains.
    assert_eq!(code_size(dir.path(), &[]).unwrap().code, 1);
}

// ---------------------------------------------------------------------------------------------
// Change frequency

/// Runs git with no user or system configuration, committing at `date` when given.
fn git(dir: &Path, args: &[&str], date: Option<u64>) {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com");
    if let Some(date) = date {
        let date = format!("@{date} +0000");
        command
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date);
    }
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Appends a line to each file and commits them at `date`.
fn commit(repo: &Path, date: u64, files: &[&str]) {
    for file in files {
        let path = repo.join(file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut text = fs::read_to_string(&path).unwrap_or_default();
        text.push_str(&format!("// {date}\n"));
        fs::write(&path, text).unwrap();
    }
    git(repo, &["add", "--all"], None);
    git(
        repo,
        &["commit", "--quiet", "-m", &format!("at {date}")],
        Some(date),
    );
}

fn new_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(
        dir.path(),
        &["init", "--quiet", "--initial-branch=main"],
        None,
    );
    dir
}

/// The history of the window tests, relative to NOW:
///
/// c1 −100 d  a.go b.rs      before the window
/// c2  −90 d  a.go           exactly at its start: counted
/// c3  −30 d  a.go src/c.py
/// c3b −20 d  d.go           on branch `feature`, from c3
/// c4   −1 d  b.rs src/c.py
/// m   −12 h                 merge of `feature` (not counted itself)
/// c5   +1 d  a.go           after NOW: not counted
fn history() -> tempfile::TempDir {
    let repo = new_repo();
    let dir = repo.path();
    commit(dir, NOW - 100 * DAY, &["a.go", "b.rs"]);
    commit(dir, NOW - 90 * DAY, &["a.go"]);
    commit(dir, NOW - 30 * DAY, &["a.go", "src/c.py"]);
    git(dir, &["checkout", "--quiet", "-b", "feature"], None);
    commit(dir, NOW - 20 * DAY, &["d.go"]);
    git(dir, &["checkout", "--quiet", "main"], None);
    commit(dir, NOW - DAY, &["b.rs", "src/c.py"]);
    git(
        dir,
        &[
            "merge",
            "--quiet",
            "--no-ff",
            "-m",
            "merge feature",
            "feature",
        ],
        Some(NOW - DAY / 2),
    );
    commit(dir, NOW + DAY, &["a.go"]);
    repo
}

fn counts(pairs: &[(&str, u32)]) -> BTreeMap<String, u32> {
    pairs.iter().map(|(p, n)| (p.to_string(), *n)).collect()
}

#[test]
fn counts_the_commits_of_the_window_once_each() {
    let repo = history();
    let frequency = change_frequency_until(repo.path(), 90, at(NOW)).unwrap();
    // a.go: c2, c3; b.rs: c4; src/c.py: c3, c4; d.go: c3b. The merge would add d.go again if
    // merges counted; c1 and c5 are outside the window.
    assert_eq!(
        frequency.files,
        counts(&[("a.go", 2), ("b.rs", 1), ("d.go", 1), ("src/c.py", 2)])
    );
    assert_eq!(
        frequency.window,
        ChangeWindow {
            // `date -u -d @1692224000` and `@1700000000`.
            since: "2023-08-16T22:13:20Z".into(),
            until: "2023-11-14T22:13:20Z".into(),
            days: 90,
            // c2, c3, c3b, c4.
            commits: 4,
            shallow: false,
        }
    );

    // From −29 d: c3b and c4 only.
    let frequency = change_frequency_until(repo.path(), 29, at(NOW)).unwrap();
    assert_eq!(
        frequency.files,
        counts(&[("b.rs", 1), ("d.go", 1), ("src/c.py", 1)])
    );
    assert_eq!(frequency.window.commits, 2);
}

#[test]
fn a_subdirectory_counts_its_own_changes_relative_to_itself() {
    let repo = history();
    let frequency = change_frequency_until(&repo.path().join("src"), 90, at(NOW)).unwrap();
    // src/c.py changed in c3 and c4, the only commits touching src/.
    assert_eq!(frequency.files, counts(&[("c.py", 2)]));
    assert_eq!(frequency.window.commits, 2);
}

#[test]
fn a_rename_changes_both_paths() {
    let repo = new_repo();
    let dir = repo.path();
    commit(dir, NOW - 10 * DAY, &["old.go"]);
    git(dir, &["mv", "old.go", "new.go"], None);
    git(
        dir,
        &["commit", "--quiet", "-m", "rename"],
        Some(NOW - 5 * DAY),
    );
    let frequency = change_frequency_until(dir, 90, at(NOW)).unwrap();
    // old.go: added, then deleted by the rename; new.go: added by it.
    assert_eq!(frequency.files, counts(&[("new.go", 1), ("old.go", 2)]));
}

#[test]
fn the_boundary_of_a_shallow_clone_is_not_counted() {
    let origin = new_repo();
    commit(origin.path(), NOW - 3 * DAY, &["x.go", "y.go"]);
    commit(origin.path(), NOW - 2 * DAY, &["x.go"]);
    commit(origin.path(), NOW - DAY, &["x.go"]);
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    git(
        clones.path(),
        &["clone", "--quiet", "--depth", "2", &url, "clone"],
        None,
    );
    let frequency = change_frequency_until(&clones.path().join("clone"), 90, at(NOW)).unwrap();
    // The clone has the last two commits; git shows the older, the boundary, as adding x.go and
    // y.go. Only the newest counts.
    assert_eq!(frequency.files, counts(&[("x.go", 1)]));
    assert_eq!(frequency.window.commits, 1);
    assert!(frequency.window.shallow);
}

#[test]
fn no_repository_or_no_commit_means_no_history() {
    let plain = tempfile::tempdir().unwrap();
    let error = change_frequency_until(plain.path(), 90, at(NOW)).unwrap_err();
    assert!(matches!(error, DebtError::NotARepository(_)), "{error}");
    assert!(error.means_no_history());

    let missing = plain.path().join("missing");
    let error = change_frequency_until(&missing, 90, at(NOW)).unwrap_err();
    assert!(matches!(error, DebtError::Io { .. }), "{error}");
    assert!(!error.means_no_history());

    let empty = new_repo();
    let frequency = change_frequency_until(empty.path(), 90, at(NOW)).unwrap();
    assert!(frequency.files.is_empty());
    assert_eq!(frequency.window.commits, 0);
}

// ---------------------------------------------------------------------------------------------
// Pricing

fn rules(pairs: &[(&str, u32)]) -> RuleMinutes {
    RuleMinutes::new(pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()).unwrap()
}

#[test]
fn each_finding_is_priced_by_rule_then_level_and_security() {
    let config = DebtConfig {
        rules: rules(&[
            ("clippy::unwrap_used", 1),
            ("clippy::*", 3),
            ("clippy::unwrap*", 4),
        ]),
        ..DebtConfig::default()
    };
    let price = |rule: &str, level, security| {
        config.remediation_minutes(&finding("t", rule, level, security, None))
    };
    use FindingLevel::{Error, Note, Warning};
    // An exact id wins over patterns, and over the security band.
    assert_eq!(price("clippy::unwrap_used", Warning, None), 1);
    assert_eq!(price("clippy::unwrap_used", Error, Some(9.9)), 1);
    // Both patterns match; the longer, `clippy::unwrap*`, wins.
    assert_eq!(price("clippy::unwrap_or_default", Warning, None), 4);
    assert_eq!(price("clippy::needless_return", Note, None), 3);
    // No rule: the level's minutes (15 / 5 / 2 by default) …
    assert_eq!(price("errcheck", Error, None), 15);
    assert_eq!(price("errcheck", Warning, None), 5);
    assert_eq!(price("errcheck", Note, None), 2);
    // … raised to the security band's (30 / 20 / 10 / 5) when that is more.
    assert_eq!(price("G101", Warning, Some(9.8)), 30);
    assert_eq!(price("S3649", Note, Some(7.0)), 20);
    assert_eq!(price("G", Warning, Some(8.99)), 20);
    assert_eq!(price("G", Warning, Some(4.0)), 10);
    assert_eq!(price("G", Error, Some(2.0)), 15);
    // 0.0 is CVSS "none": no band.
    assert_eq!(price("G", Note, Some(0.0)), 2);
}

#[test]
fn debt_is_summed_by_rule_and_by_file_with_paths_made_relative() {
    let size = CodeSize {
        code: 1000,
        roots: vec![PathBuf::from("/ci/proj")],
        ..CodeSize::default()
    };
    use FindingLevel::{Error, Note, Warning};
    let findings = Findings {
        findings: vec![
            // The same file three ways: 3 × 15.
            finding("golangci-lint", "errcheck", Error, None, Some("src/a.go")),
            finding("golangci-lint", "errcheck", Error, None, Some("./src/a.go")),
            finding(
                "golangci-lint",
                "errcheck",
                Error,
                None,
                Some("/ci/proj/src/a.go"),
            ),
            // 5 + 2 + 30 (critical band).
            finding("golangci-lint", "revive", Warning, None, Some("src/b.go")),
            finding("golangci-lint", "revive", Note, None, Some("src/b.go")),
            finding("gosec", "G101", Warning, Some(9.8), Some("src/b.go")),
            // 2, with no file.
            finding("ruff", "E501", Note, None, None),
        ],
    };
    let debt = assess(&findings, &size, None, &DebtConfig::default());
    assert_eq!(debt.minutes, 45 + 37 + 2);
    assert_eq!(debt.development_minutes, 1000 * MINUTES_PER_LINE);
    assert_eq!(debt.ratio, 84.0 / 30_000.0);
    assert_eq!(debt.rating, Rating::A);
    assert_eq!(debt.unlocated_minutes, 2);

    let by_file: Vec<(&str, u64, u64)> = debt
        .by_file
        .iter()
        .map(|f| (f.path.as_str(), f.minutes, f.findings))
        .collect();
    assert_eq!(by_file, [("src/a.go", 45, 3), ("src/b.go", 37, 3)]);

    let by_rule: Vec<(&str, &str, FindingLevel, u64, u64)> = debt
        .by_rule
        .iter()
        .map(|r| {
            (
                r.tool.as_str(),
                r.rule.as_str(),
                r.level,
                r.count,
                r.minutes,
            )
        })
        .collect();
    assert_eq!(
        by_rule,
        [
            ("golangci-lint", "errcheck", Error, 3, 45),
            ("gosec", "G101", Warning, 1, 30),
            ("golangci-lint", "revive", Warning, 1, 5),
            // Two at 2 minutes: by tool.
            ("golangci-lint", "revive", Note, 1, 2),
            ("ruff", "E501", Note, 1, 2),
        ]
    );
    assert!(debt.hotspots.is_empty());
    assert_eq!(debt.hotspot_window, None);
}

#[test]
fn hotspots_rank_debt_times_changes() {
    use FindingLevel::{Error, Note, Warning};
    let warnings = |path: &'static str, n: usize| {
        (0..n).map(move |_| finding("lint", "w", Warning, None, Some(path)))
    };
    let mut findings: Vec<Finding> = Vec::new();
    findings.extend(warnings("p.go", 4)); // 20 minutes
    findings.push(finding("lint", "e", Error, None, Some("q.go"))); // 15
    findings.extend(warnings("r.go", 2)); // 10
    findings.push(finding("lint", "n", Note, None, Some("s.go"))); // 2
    findings.extend(warnings("t.go", 1)); // 5, never changed
    let changes = ChangeFrequency {
        window: ChangeWindow::default(),
        // u.go changed most but has no debt.
        files: counts(&[
            ("p.go", 1),
            ("q.go", 4),
            ("r.go", 7),
            ("s.go", 30),
            ("u.go", 9),
        ]),
    };
    let size = CodeSize {
        code: 10_000,
        ..CodeSize::default()
    };
    let mut config = DebtConfig::default();
    let debt = assess(
        &Findings {
            findings: findings.clone(),
        },
        &size,
        Some(&changes),
        &config,
    );
    let hotspot = |path: &str, debt_minutes, changes, score| Hotspot {
        path: path.into(),
        debt_minutes,
        changes,
        score,
    };
    // By debt the order would be p, q, r, s; by changes s, r, q, p. By both:
    // r 10 × 7 = 70, q 15 × 4 = 60, s 2 × 30 = 60 (after q by path), p 20 × 1 = 20.
    assert_eq!(
        debt.hotspots,
        [
            hotspot("r.go", 10, 7, 70),
            hotspot("q.go", 15, 4, 60),
            hotspot("s.go", 2, 30, 60),
            hotspot("p.go", 20, 1, 20),
        ]
    );
    assert_eq!(debt.hotspot_window, Some(ChangeWindow::default()));

    config.hotspot_limit = 2;
    let debt = assess(&Findings { findings }, &size, Some(&changes), &config);
    let paths: Vec<&str> = debt.hotspots.iter().map(|h| h.path.as_str()).collect();
    assert_eq!(paths, ["r.go", "q.go"]);
}

#[test]
fn absolute_finding_paths_meet_git_paths() {
    let repo = new_repo();
    let dir = repo.path();
    commit(dir, NOW - 2 * DAY, &["pkg/a.go", "pkg/b.go"]);
    commit(dir, NOW - DAY, &["pkg/a.go"]);
    let size = code_size(dir, &[]).unwrap();
    // a.go has two lines ("// date" twice), b.go one; tokei counts them as comments.
    assert_eq!(size.comments, 3);
    let changes = change_frequency_until(dir, 90, at(NOW)).unwrap();
    let absolute = dir.join("pkg/a.go").display().to_string();
    let findings = Findings {
        findings: vec![
            finding("vet", "x", FindingLevel::Warning, None, Some(&absolute)),
            finding("vet", "x", FindingLevel::Warning, None, Some("pkg/b.go")),
        ],
    };
    let debt = assess(&findings, &size, Some(&changes), &DebtConfig::default());
    let hotspots: Vec<(&str, u64)> = debt
        .hotspots
        .iter()
        .map(|h| (h.path.as_str(), h.score))
        .collect();
    // a.go: 5 minutes × 2 commits; b.go: 5 × 1.
    assert_eq!(hotspots, [("pkg/a.go", 10), ("pkg/b.go", 5)]);
}

// ---------------------------------------------------------------------------------------------
// Rating

#[test]
fn rating_boundaries_are_exact() {
    // 100 lines cost 3,000 minutes to write: 5 % is 150 minutes, 10 % 300, 20 % 600, 50 % 1,500.
    let cases = [
        (0, Rating::A),
        (150, Rating::A),
        (151, Rating::B),
        (299, Rating::B),
        (300, Rating::C),
        (599, Rating::C),
        (600, Rating::D),
        (1499, Rating::D),
        (1500, Rating::E),
    ];
    let size = CodeSize {
        code: 100,
        ..CodeSize::default()
    };
    for (minutes, rating) in cases {
        assert_eq!(Rating::of(minutes, 100), rating, "{minutes} minutes");
        // The same through assess: one finding of a rule priced at exactly `minutes`.
        let config = DebtConfig {
            rules: rules(&[("r", minutes as u32)]),
            ..DebtConfig::default()
        };
        let findings = Findings {
            findings: vec![finding("t", "r", FindingLevel::Note, None, None)],
        };
        assert_eq!(assess(&findings, &size, None, &config).rating, rating);
    }
}

#[test]
fn no_code_is_rated_a_without_debt_and_e_with_it() {
    let empty = CodeSize::default();
    let debt = assess(&Findings::default(), &empty, None, &DebtConfig::default());
    assert_eq!((debt.ratio, debt.rating), (0.0, Rating::A));

    let findings = Findings {
        findings: vec![finding("t", "r", FindingLevel::Note, None, None)],
    };
    let debt = assess(&findings, &empty, None, &DebtConfig::default());
    assert_eq!(debt.rating, Rating::E);
    assert_eq!(debt.ratio, f64::INFINITY);
    // JSON has no infinity: written and read back as null.
    let json = serde_json::to_value(&debt).unwrap();
    assert_eq!(json["ratio"], serde_json::Value::Null);
    let back: gigops_gate::debt::Debt = serde_json::from_value(json).unwrap();
    assert_eq!(back, debt);
}

proptest! {
    #[test]
    fn more_debt_never_rates_better(minutes in 0u64..2_000_000, extra in 0u64..100_000,
                                    lines in 0u64..100_000) {
        prop_assert!(Rating::of(minutes, lines) <= Rating::of(minutes + extra, lines));
        // And more code under the same debt never rates worse.
        prop_assert!(Rating::of(minutes, lines + extra) <= Rating::of(minutes, lines));
    }
}

// ---------------------------------------------------------------------------------------------
// Serialization

#[test]
fn config_reads_partial_tables_and_rejects_unknown_keys() {
    let config: DebtConfig = serde_json::from_str(
        r#"{
            "minutes": {"error": 20},
            "rules": {"errcheck": 7, "clippy::*": 3},
            "hotspot_window_days": 30,
            "exclude": ["vendor"]
        }"#,
    )
    .unwrap();
    assert_eq!(config.minutes.error, 20);
    // The rest keeps its defaults.
    assert_eq!(
        config.minutes.warning,
        DebtConfig::default().minutes.warning
    );
    assert_eq!(config.security, DebtConfig::default().security);
    assert_eq!(config.hotspot_limit, 10);
    assert_eq!(config.hotspot_window_days, 30);
    assert_eq!(config.rules.get("clippy::todo"), Some(3));
    assert_eq!(config.rules.get("errcheck"), Some(7));
    assert_eq!(config.rules.get("unused"), None);

    // Written and read back, it is the same config.
    let json = serde_json::to_string(&config).unwrap();
    assert_eq!(serde_json::from_str::<DebtConfig>(&json).unwrap(), config);

    for bad in [
        r#"{"hotspot_days": 30}"#,
        r#"{"minutes": {"fatal": 60}}"#,
        r#"{"security": {"severe": 60}}"#,
    ] {
        let error = serde_json::from_str::<DebtConfig>(bad).unwrap_err();
        assert!(
            error.to_string().contains("unknown field"),
            "{bad}: {error}"
        );
    }
    let error = serde_json::from_str::<DebtConfig>(r#"{"rules": {"clippy::[": 3}}"#).unwrap_err();
    assert!(error.to_string().contains("clippy::["), "{error}");
}

#[test]
fn ratings_are_written_as_letters() {
    assert_eq!(serde_json::to_string(&Rating::B).unwrap(), r#""B""#);
    assert_eq!(serde_json::from_str::<Rating>(r#""E""#).unwrap(), Rating::E);
    assert_eq!(Rating::C.to_string(), "C");
    assert_eq!("d".parse::<Rating>(), Ok(Rating::D));
    assert!("F".parse::<Rating>().is_err());
    assert!(Rating::A < Rating::E);
}
