//! The files a test runner reads from the project, which decide whether its command tested the
//! whole suite: the Go module's directories with tests, the files pytest collects, the Cargo
//! manifest's workspace. The gate's `selection` compares a command's arguments with them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use gigops_core::project::{GoModule, TestLayout, TestRunner};

/// The most entries a walk visits: a test command's project is not a whole disk.
const WALK_LIMIT: usize = 200_000;

/// What `runner`, run in `dir`, would see of the project; only its own part is read.
pub fn test_layout(dir: &Path, runner: TestRunner) -> TestLayout {
    match runner {
        TestRunner::Go => TestLayout {
            go_module: go_module(dir),
            ..TestLayout::default()
        },
        TestRunner::Cargo => TestLayout {
            cargo_root_package_only: root_package_only(dir),
            ..TestLayout::default()
        },
        TestRunner::Pytest => TestLayout {
            pytest_files: pytest_files(dir),
            ..TestLayout::default()
        },
        TestRunner::Jest | TestRunner::Vitest => TestLayout::default(),
    }
}

/// The module around `dir`: the nearest go.mod at or above it.
fn go_module(dir: &Path) -> Option<GoModule> {
    let root = dir.ancestors().find(|d| d.join("go.mod").is_file())?;
    let path = std::fs::read_to_string(root.join("go.mod"))
        .ok()
        .and_then(|text| {
            text.lines().find_map(|line| {
                let rest = line.trim().strip_prefix("module")?;
                Some(rest.trim().trim_matches('"').to_string())
            })
        });
    let mut test_dirs = BTreeSet::new();
    walk(root, &mut |path, is_dir| {
        if is_dir {
            let name = file_name(path);
            let skip = name.starts_with('.')
                || name.starts_with('_')
                || name == "vendor"
                || name == "testdata"
                || (path != root && path.join("go.mod").is_file());
            return !skip;
        }
        if file_name(path).ends_with("_test.go")
            && let Some(parent) = path.parent()
        {
            test_dirs.insert(parent.to_path_buf());
        }
        true
    });
    Some(GoModule {
        root: root.to_path_buf(),
        path,
        test_dirs,
    })
}

/// Every file pytest collects by default under `dir`.
fn pytest_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    walk(dir, &mut |path, is_dir| {
        let name = file_name(path);
        if is_dir {
            // pytest's default norecursedirs, and virtual environments.
            let skip = name.starts_with('.')
                || name.ends_with(".egg")
                || matches!(
                    name,
                    "_darcs" | "build" | "CVS" | "dist" | "node_modules" | "venv" | "{arch}"
                )
                || path.join("pyvenv.cfg").is_file();
            return !skip;
        }
        if name.ends_with(".py") && (name.starts_with("test_") || name.ends_with("_test.py")) {
            files.push(path.to_path_buf());
        }
        true
    });
    files
}

/// Whether `dir`'s Cargo.toml leaves workspace members out of a `cargo test` without
/// `--workspace` (see [`TestLayout::cargo_root_package_only`]).
fn root_package_only(dir: &Path) -> bool {
    let Some(manifest) = std::fs::read_to_string(dir.join("Cargo.toml"))
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
    else {
        return false;
    };
    let Some(workspace) = manifest.get("workspace").and_then(|w| w.as_table()) else {
        return false;
    };
    let listed = |key: &str| {
        workspace
            .get(key)
            .and_then(|m| m.as_array())
            .is_some_and(|m| m.iter().any(|member| member.as_str() != Some(".")))
    };
    if manifest.contains_key("package") {
        listed("members")
    } else {
        listed("default-members")
    }
}

/// Visits the files and directories under `root`, in name order; `visit(path, is_dir)` returns
/// whether to go on (into a directory; after a file).
fn walk(root: &Path, visit: &mut dyn FnMut(&Path, bool) -> bool) {
    let mut stack = vec![root.to_path_buf()];
    let mut seen = 0;
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<(PathBuf, bool)> = entries
            .filter_map(Result::ok)
            .map(|e| (e.path(), e.file_type().is_ok_and(|t| t.is_dir())))
            .collect();
        entries.sort();
        for (path, is_dir) in entries.into_iter().rev() {
            seen += 1;
            if seen > WALK_LIMIT {
                return;
            }
            if is_dir {
                if visit(&path, true) {
                    stack.push(path);
                }
            } else if !visit(&path, false) {
                return;
            }
        }
    }
}

fn file_name(path: &Path) -> &str {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
}
