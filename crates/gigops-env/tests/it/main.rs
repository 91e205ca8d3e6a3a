//! The environment read for real: a fixture tree counted by tokei, git repositories made in
//! temporary directories with commits at fixed dates, and the debt the gate computes from them
//! and which tests a command selected in a project.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use gigops_core::evidence::{Finding, FindingLevel};
use gigops_core::project::LanguageSize;

mod debt;
mod history;
mod selection;
mod size;

pub const DAY: u64 = 86_400;
/// The "now" of every history test: 2023-11-14T22:13:20Z.
pub const NOW: u64 = 1_700_000_000;

pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/project")
}

pub fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

pub fn finding(
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

pub fn language(language: &str, files: u64, code: u64, comments: u64, blanks: u64) -> LanguageSize {
    LanguageSize {
        language: language.into(),
        files,
        code,
        comments,
        blanks,
        inaccurate: false,
    }
}

/// Runs git with no user or system configuration, committing at `date` when given.
pub fn git(dir: &Path, args: &[&str], date: Option<u64>) {
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
pub fn commit(repo: &Path, date: u64, files: &[&str]) {
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

pub fn new_repo() -> tempfile::TempDir {
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
pub fn history() -> tempfile::TempDir {
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

pub fn counts(pairs: &[(&str, u32)]) -> BTreeMap<String, u32> {
    pairs.iter().map(|(p, n)| (p.to_string(), *n)).collect()
}
