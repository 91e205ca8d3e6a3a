//! Patch coverage: how much of what a change added is covered.
//!
//! The changed lines are given: gigops-env reads them (`git diff` from the merge base of the
//! given revision and HEAD to the working tree, so uncommitted edits count too). A changed line
//! counts when the coverage data instruments it; a changed file is matched to a coverage file when one path ends with the
//! other at a `/` boundary, because tools name files differently (Go by import path, LCOV often
//! absolutely, git relative to the repository root).

use std::collections::BTreeMap;

use gigops_core::evidence::{Coverage, FileCoverage};

use crate::summary::{PatchCoverage, PatchFile};

/// Whether two names of a file refer to the same path: equal, or one ends with `/` + the other.
fn same_file(coverage_path: &str, changed: &str) -> bool {
    let a = coverage_path.trim_start_matches("./");
    let b = changed.trim_start_matches("./");
    a == b
        || a.strip_suffix(b).is_some_and(|rest| rest.ends_with('/'))
        || b.strip_suffix(a).is_some_and(|rest| rest.ends_with('/'))
}

/// Covered and instrumented changed lines.
pub fn patch_coverage(
    coverage: &Coverage,
    changed: &BTreeMap<String, Vec<u32>>,
    base: &str,
) -> PatchCoverage {
    let mut files = Vec::new();
    for (path, lines) in changed {
        let Some(file) = coverage.files.iter().find(|f| same_file(&f.path, path)) else {
            continue;
        };
        let patch = patch_file(path, file, lines);
        if patch.total > 0 {
            files.push(patch);
        }
    }
    let covered = files.iter().map(|f| f.covered).sum();
    let total: u64 = files.iter().map(|f| f.total).sum();
    PatchCoverage {
        base: base.to_string(),
        covered,
        total,
        percent: (total > 0).then(|| 100.0 * covered as f64 / total as f64),
        files,
    }
}

fn patch_file(path: &str, file: &FileCoverage, changed: &[u32]) -> PatchFile {
    let mut patch = PatchFile {
        path: path.to_string(),
        covered: 0,
        total: 0,
        uncovered_lines: Vec::new(),
    };
    for line in changed {
        // `lines` is sorted by line number.
        if let Ok(i) = file.lines.binary_search_by_key(line, |hit| hit.line) {
            patch.total += 1;
            if file.lines[i].covered {
                patch.covered += 1;
            } else {
                patch.uncovered_lines.push(*line);
            }
        }
    }
    patch
}

#[cfg(test)]
mod tests {
    use super::*;
    use gigops_core::evidence::{CoverageUnit, LineHit};

    /// The changed lines of a diff that adds lines 4–6 and changes line 13 of pkg/sign.go (as
    /// gigops-env reads them from `git diff`).
    fn changed() -> BTreeMap<String, Vec<u32>> {
        BTreeMap::from([("pkg/sign.go".to_string(), vec![4, 5, 6, 13])])
    }

    #[test]
    fn only_instrumented_changed_lines_count() {
        let hit = |line, covered| LineHit { line, covered };
        let coverage = Coverage {
            unit: CoverageUnit::Statements,
            files: vec![FileCoverage {
                path: "example.com/m/pkg/sign.go".into(),
                covered: 0,
                total: 0,
                // Line 6 (a closing brace) is not instrumented.
                lines: vec![hit(4, true), hit(5, false), hit(13, true), hit(20, false)],
            }],
            counted_whole: Vec::new(),
        };
        let patch = patch_coverage(&coverage, &changed(), "main");
        assert_eq!((patch.covered, patch.total), (2, 3));
        assert_eq!(patch.files[0].uncovered_lines, vec![5]);
        assert!((patch.percent.unwrap() - 200.0 / 3.0).abs() < 1e-9);
        // A path that only shares a suffix inside a name does not match.
        assert!(!same_file("example.com/m/xpkg/sign.go", "pkg/sign.go"));
        assert!(same_file("/home/ci/src/pkg/sign.go", "pkg/sign.go"));
    }
}
