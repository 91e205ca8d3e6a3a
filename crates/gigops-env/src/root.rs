//! The project root: where the code is sized for technical debt, the git history and version
//! are read, and the toolchain declarations (go.mod, Cargo.toml) are found.
//!
//! It is `--root` when given. Otherwise it is found from what the run was given, never taken
//! to be the current directory by accident (evidence read outside the project must not be
//! set against whatever code happens to be where the gate was started):
//!
//! 1. `gate run`: the directory the command ran in — the tests were run there;
//! 2. the git work tree of the first input file that lies in one: the current directory when it
//!    is inside that work tree (a subproject of a monorepo), else the work tree's top;
//! 3. with no input in a work tree: the current directory when it is inside a git work tree (a
//!    CI checkout reading reports from elsewhere, or a stream on stdin);
//! 4. the git work tree of the first absolute path the evidence names (a SARIF file's
//!    `file:///…` URIs, an LCOV tracefile's `SF:` paths) that exists;
//! 5. none: debt is not measured, and nothing is read about the version or the declared
//!    toolchains.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The top of the git work tree that `path` (a file or a directory) lies in.
pub fn work_tree_of(path: &Path) -> Option<PathBuf> {
    let dir = if path.is_dir() {
        path
    } else {
        match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        }
    };
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--show-toplevel"])
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let top = String::from_utf8_lossy(&output.stdout).trim().to_string();
    (!top.is_empty()).then(|| PathBuf::from(top))
}

/// Where a run's project root comes from.
#[derive(Debug, Clone, Copy)]
pub struct Clues<'a> {
    /// `--root`.
    pub given: Option<&'a Path>,
    /// The directory `gate run`'s command ran in.
    pub command_dir: Option<&'a Path>,
    /// The input files, in the order given (stdin is not one).
    pub inputs: &'a [&'a Path],
    /// Absolute paths the evidence names, in the order read.
    pub evidence_paths: &'a [&'a str],
    /// The current directory.
    pub current_dir: &'a Path,
}

/// The project root by the rules of the module documentation; `None` when there is none.
pub fn find(clues: &Clues) -> Option<PathBuf> {
    if let Some(root) = clues.given.or(clues.command_dir) {
        return Some(root.to_path_buf());
    }
    let current_tree = work_tree_of(clues.current_dir);
    if let Some(tree) = clues.inputs.iter().find_map(|input| work_tree_of(input)) {
        let inside = current_tree
            .as_deref()
            .is_some_and(|current| same_dir(current, &tree));
        return Some(if inside {
            clues.current_dir.to_path_buf()
        } else {
            tree
        });
    }
    if current_tree.is_some() {
        return Some(clues.current_dir.to_path_buf());
    }
    clues
        .evidence_paths
        .iter()
        .map(Path::new)
        .filter(|path| path.is_absolute() && path.exists())
        .find_map(work_tree_of)
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git_init(dir: &Path) {
        std::fs::create_dir_all(dir).unwrap();
        let status = Command::new("git")
            .args(["init", "-q"])
            .current_dir(dir)
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn clues<'a>(inputs: &'a [&'a Path], current_dir: &'a Path) -> Clues<'a> {
        Clues {
            given: None,
            command_dir: None,
            inputs,
            evidence_paths: &[],
            current_dir,
        }
    }

    #[test]
    fn the_root_comes_from_the_inputs_not_from_where_the_gate_was_started() {
        let temp = tempfile::tempdir().unwrap();
        let project = temp.path().join("project");
        git_init(&project);
        std::fs::create_dir_all(project.join("svc/reports")).unwrap();
        let lint = project.join("svc/reports/lint.sarif");
        std::fs::write(&lint, "{}").unwrap();
        let elsewhere = temp.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        let top = work_tree_of(&project).unwrap();

        // Started outside the project: the work tree of the input.
        let inputs = [lint.as_path()];
        assert_eq!(find(&clues(&inputs, &elsewhere)), Some(top.clone()));
        // Started inside it (a subproject): where it was started.
        let svc = project.join("svc");
        assert_eq!(find(&clues(&inputs, &svc)), Some(svc.clone()));
        // Inputs outside any work tree, started in one: where it was started.
        let outside = elsewhere.join("lint.sarif");
        std::fs::write(&outside, "{}").unwrap();
        let inputs = [outside.as_path()];
        assert_eq!(find(&clues(&inputs, &svc)), Some(svc.clone()));
        // Nothing in a work tree: no root, unless the evidence names a file in one.
        assert_eq!(find(&clues(&inputs, &elsewhere)), None);
        let main_go = project.join("svc/main.go");
        std::fs::write(&main_go, "package main\n").unwrap();
        let named = main_go.display().to_string();
        let paths = [named.as_str()];
        let found = find(&Clues {
            evidence_paths: &paths,
            ..clues(&inputs, &elsewhere)
        });
        assert_eq!(found, Some(top));
        // --root and the command's directory win.
        let given = find(&Clues {
            given: Some(&elsewhere),
            ..clues(&inputs, &svc)
        });
        assert_eq!(given, Some(elsewhere.clone()));
        let ran = find(&Clues {
            command_dir: Some(&elsewhere),
            ..clues(&[], &elsewhere)
        });
        assert_eq!(ran, Some(elsewhere));
    }
}
