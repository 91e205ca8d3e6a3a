//! gigops's line counts equal the tokei CLI's on the same trees (whole, and only some paths).
//!
//! Needs `tokei` on PATH (`cargo install tokei --locked`); skipped with a notice without it,
//! and failed instead when `CI` is set.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use gigops_quote::size::{default_loc_per_fp, measure};

fn tokei_available() -> bool {
    gigops_test_support::tools::program("tokei", &["--version"], "cargo install tokei --locked")
        .is_some()
}

/// (files, code, comments, blanks) per language as the CLI reports them, embedded languages
/// folded into the file's language as gigops (and the CLI's totals) count them, and the total.
fn tokei_cli(root: &Path, paths: &[PathBuf]) -> (BTreeMap<String, [u64; 4]>, [u64; 3]) {
    let mut command = Command::new("tokei");
    command.current_dir(root).args(["--output", "json"]);
    if paths.is_empty() {
        command.arg(".");
    } else {
        command.args(paths);
    }
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let n = |v: &serde_json::Value, k: &str| v[k].as_u64().unwrap();
    let mut languages = BTreeMap::new();
    for (name, language) in json.as_object().unwrap() {
        if name == "Total" {
            continue;
        }
        let reports = language["reports"].as_array().unwrap();
        if reports.is_empty() {
            continue;
        }
        let mut counts = [
            reports.len() as u64,
            n(language, "code"),
            n(language, "comments"),
            n(language, "blanks"),
        ];
        for child_reports in language["children"].as_object().unwrap().values() {
            for report in child_reports.as_array().unwrap() {
                fold(&report["stats"], &mut counts);
            }
        }
        languages.insert(name.clone(), counts);
    }
    let total = &json["Total"];
    (
        languages,
        [n(total, "code"), n(total, "comments"), n(total, "blanks")],
    )
}

/// Adds an embedded blob's lines and those of the blobs embedded in it (a JSON example in a
/// Markdown doc comment of a Rust file), as the CLI's "(Total)" row counts them.
fn fold(stats: &serde_json::Value, counts: &mut [u64; 4]) {
    for (i, key) in [(1, "code"), (2, "comments"), (3, "blanks")] {
        counts[i] += stats[key].as_u64().unwrap();
    }
    for blob in stats["blobs"].as_object().unwrap().values() {
        fold(blob, counts);
    }
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn sample_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "main.go",
        "package main\n\n// main runs.\nfunc main() {\n\t/* a\n\tb */\n\tprintln(\"x\") // y\n}\n",
    );
    write(
        root,
        "pkg/calc/calc.go",
        "package calc\n\n// Add adds.\nfunc Add(a, b int) int { return a + b }\n",
    );
    write(
        root,
        "src/lib.rs",
        "//! Crate docs.\n\n/// Doc.\npub fn f() -> &'static str {\n    \"/* not a comment */\"\n}\n\n#[cfg(test)]\nmod t {}\n",
    );
    write(
        root,
        "tools/gen.py",
        "#!/usr/bin/env python3\n\"\"\"Docstring.\"\"\"\n\n# comment\nprint('x')  # trailing\n",
    );
    write(
        root,
        "README.md",
        "# Title\n\nText.\n\n```rust\nfn main() {\n    // hi\n}\n```\n\n```go\nfunc x() {}\n```\n",
    );
    write(root, "config.json", "{\n  \"a\": 1\n}\n");
    write(
        root,
        "web/app.ts",
        "// app\nexport const x: number = 1;\n\n/** doc */\nexport function f() { return `a${x}`; }\n",
    );
    write(root, ".hidden/secret.go", "package hidden\n");
    write(root, "build/out.go", "package out\n");
    write(root, ".ignore", "build/\n");
    dir
}

fn compare(root: &Path, scope: &[PathBuf]) {
    let size = measure(root, scope, &[], &default_loc_per_fp()).unwrap();
    let (languages, total) = tokei_cli(root, scope);
    let ours: BTreeMap<String, [u64; 4]> = size
        .by_language
        .iter()
        .map(|l| (l.language.clone(), [l.files, l.code, l.comments, l.blanks]))
        .collect();
    assert_eq!(ours, languages, "per language: gigops vs tokei CLI");
    assert_eq!(
        [size.code_lines, size.comment_lines, size.blank_lines],
        total,
        "totals"
    );
}

#[test]
fn line_counts_equal_the_tokei_cli() {
    if !tokei_available() {
        return;
    }
    let dir = sample_tree();
    compare(dir.path(), &[]);
    compare(
        dir.path(),
        &[
            PathBuf::from("pkg"),
            PathBuf::from("src/lib.rs"),
            PathBuf::from("README.md"),
        ],
    );
}

#[test]
fn line_counts_equal_the_tokei_cli_on_this_repository() {
    if !tokei_available() {
        return;
    }
    // A real tree of several languages: this workspace's crates.
    let crates = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    compare(&crates, &[]);
    compare(
        &crates,
        &[
            PathBuf::from("gigops-quote/src"),
            PathBuf::from("gigops-gate"),
        ],
    );
}

#[test]
fn scope_paths_are_checked_and_counted_once() {
    let dir = sample_tree();
    let twice = measure(
        dir.path(),
        &[PathBuf::from("pkg"), PathBuf::from("pkg/calc/calc.go")],
        &[],
        &default_loc_per_fp(),
    )
    .unwrap();
    let once = measure(
        dir.path(),
        &[PathBuf::from("pkg")],
        &[],
        &default_loc_per_fp(),
    )
    .unwrap();
    assert_eq!(twice.code_lines, once.code_lines);
    assert_eq!(once.files, 1);
    assert!(
        measure(
            dir.path(),
            &[PathBuf::from("nope")],
            &[],
            &default_loc_per_fp()
        )
        .is_err()
    );
    // Markdown and JSON are code to tokei but not source to COCOMO.
    let all = measure(dir.path(), &[], &[], &default_loc_per_fp()).unwrap();
    let prose: u64 = all
        .by_language
        .iter()
        .filter(|l| l.loc_per_fp.is_none())
        .map(|l| l.code)
        .sum();
    assert!(prose > 0);
    assert_eq!(all.source_lines + prose, all.code_lines);
}
