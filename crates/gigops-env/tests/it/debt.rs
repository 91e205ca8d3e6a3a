//! The facts read here, set against what the gate computes from them: the default excludes, debt
//! measured over a real tree, hotspots from a real history.

use std::fs;
use std::path::Path;

use gigops_core::evidence::{FindingLevel, Findings};
use gigops_env::history::change_frequency_until;
use gigops_env::size::code_size;
use gigops_gate::debt::{DebtConfig, Rating, assess};
use gigops_gate::summary::NotMeasured;

use crate::{DAY, NOW, at, commit, finding, new_repo};

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
        gigops_gate::debt::measure(root, findings, &config, |root, config| {
            gigops_env::code_with_history(root, &config.exclude, config.hotspot_window_days)
        })
        .unwrap()
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
