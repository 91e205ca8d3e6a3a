//! Code size: a fixture tree counted by hand and by tokei, exclude patterns, .gitignore.

use std::fs;

use gigops_env::EnvError;
use gigops_env::size::code_size;

use crate::{fixture, git, language};

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
        matches!(&error, EnvError::InvalidPattern { field: "exclude", pattern, .. } if pattern == "src/["),
        "{error}"
    );
    let error = code_size(&fixture(), &["!src".into()]).unwrap_err();
    assert!(matches!(error, EnvError::InvalidPattern { .. }), "{error}");

    let missing = fixture().join("no-such-directory");
    assert!(matches!(code_size(&missing, &[]), Err(EnvError::Io { .. })));
    let file = fixture().join("main.go");
    assert!(matches!(code_size(&file, &[]), Err(EnvError::Io { .. })));
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
