//! Patch coverage: how much of what a change added is covered.
//!
//! The change is `git diff` from the merge base of the given revision and HEAD to the working
//! tree, so uncommitted edits count too. A changed line counts when the coverage data
//! instruments it; a changed file is matched to a coverage file when one path ends with the
//! other at a `/` boundary, because tools name files differently (Go by import path, LCOV often
//! absolutely, git relative to the repository root).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use gigops_core::evidence::{Coverage, FileCoverage};

use crate::summary::{PatchCoverage, PatchFile, Project};

/// A `git` command that could not run or failed, with what it said.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("git {args}: {message}")]
pub struct GitError {
    pub args: String,
    pub message: String,
}

fn git(root: &Path, args: &[&str]) -> Result<String, GitError> {
    let fail = |message: String| GitError {
        args: args.join(" "),
        message,
    };
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| fail(e.to_string()))?;
    if !output.status.success() {
        return Err(fail(
            String::from_utf8_lossy(&output.stderr).trim().to_string(),
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The repository, commit, branch and `git describe` of the work tree at `root`; each `None`
/// when unknown (not a repository, no `origin` remote, no tags, a detached HEAD).
pub fn describe(root: &Path) -> Project {
    let one = |args: &[&str]| {
        git(root, args)
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    Project {
        repository: one(&["remote", "get-url", "origin"]).map(|url| without_credentials(&url)),
        commit: one(&["rev-parse", "HEAD"]),
        branch: one(&["rev-parse", "--abbrev-ref", "HEAD"]).filter(|b| b != "HEAD"),
        describe: one(&["describe", "--tags", "--always", "--dirty"]),
        ..Project::default()
    }
}

/// A remote's URL without anything that could be a credential, so that it can be shown in a
/// report and compared with the repository a SOW names: the user and password of a URL
/// (`https://x-access-token:ghp_…@github.com/…`, `ssh://git@host/…`) and its query and fragment
/// (`?private_token=…`) go; an scp-like address (`git@github.com:owner/repo.git`) loses its user
/// as well. A local path is kept as it is.
pub fn without_credentials(url: &str) -> String {
    let url = url.trim();
    let host = |authority: &'_ str| -> String {
        authority
            .rsplit_once('@')
            .map_or(authority, |(_, host)| host)
            .to_string()
    };
    if let Some((scheme, rest)) = url.split_once("://") {
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let path = path.split(['?', '#']).next().unwrap_or_default();
        return format!(
            "{scheme}://{}{path}",
            host(authority.split(['?', '#']).next().unwrap_or_default())
        );
    }
    match url.find(':') {
        // `[user@]host:path`: a colon before any slash.
        Some(colon) if !url[..colon].contains('/') => {
            format!("{}{}", host(&url[..colon]), &url[colon..])
        }
        _ => url.to_string(),
    }
}

/// Lines added or modified since the merge base of `base` and HEAD, by repository-relative path.
pub fn changed_lines(root: &Path, base: &str) -> Result<BTreeMap<String, Vec<u32>>, GitError> {
    let merge_base = git(root, &["merge-base", base, "HEAD"])?;
    let diff = git(
        root,
        &[
            "diff",
            "--no-color",
            "--no-ext-diff",
            "--unified=0",
            "--diff-filter=AMR",
            merge_base.trim(),
        ],
    )?;
    Ok(parse_diff(&diff))
}

/// The `+` side of a unified diff with no context lines: file → new line numbers.
pub fn parse_diff(diff: &str) -> BTreeMap<String, Vec<u32>> {
    let mut files: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in diff.lines() {
        if let Some(path) = line.strip_prefix("+++ ") {
            current = path.strip_prefix("b/").map(str::to_string);
        } else if let Some(hunk) = line.strip_prefix("@@ ") {
            let Some(file) = &current else { continue };
            // @@ -a,b +c,d @@: d lines from c (d omitted means 1; 0 means a pure deletion).
            let Some(new) = hunk.split_whitespace().find(|w| w.starts_with('+')) else {
                continue;
            };
            let mut parts = new[1..].splitn(2, ',');
            let start: u32 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
            let count: u32 = parts
                .next()
                .map_or(Some(1), |s| s.parse().ok())
                .unwrap_or(0);
            files
                .entry(file.clone())
                .or_default()
                .extend(start..start + count);
        }
    }
    files.retain(|_, lines| !lines.is_empty());
    files
}

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

    const DIFF: &str = "diff --git a/pkg/sign.go b/pkg/sign.go
index 1..2 100644
--- a/pkg/sign.go
+++ b/pkg/sign.go
@@ -3,0 +4,3 @@ func Sign(x int) int {
+\tif x == 0 {
+\t\treturn 0
+\t}
@@ -10 +13 @@ func Abs(x int) int {
-\treturn x
+\treturn -x
@@ -20,2 +22,0 @@ func gone() {
-\ta()
-\tb()
diff --git a/README.md b/README.md
--- /dev/null
+++ b/README.md
@@ -0,0 +1 @@
+hello
";

    #[test]
    fn remote_urls_lose_their_credentials() {
        for (url, shown) in [
            (
                "https://x-access-token:ghp_abc123@github.com/acme/shop.git",
                "https://github.com/acme/shop.git",
            ),
            (
                "https://oauth2:glpat-XYZ@gitlab.example.com/group/shop",
                "https://gitlab.example.com/group/shop",
            ),
            (
                "https://ghp_abc123@github.com/acme/shop",
                "https://github.com/acme/shop",
            ),
            (
                "https://git.example.com/shop.git?private_token=s3cret#frag",
                "https://git.example.com/shop.git",
            ),
            (
                "ssh://git@github.com:22/acme/shop.git",
                "ssh://github.com:22/acme/shop.git",
            ),
            ("git@github.com:acme/shop.git", "github.com:acme/shop.git"),
            (
                "https://github.com/acme/shop.git",
                "https://github.com/acme/shop.git",
            ),
            ("/srv/git/shop.git", "/srv/git/shop.git"),
            ("file:///srv/git/shop.git", "file:///srv/git/shop.git"),
        ] {
            assert_eq!(without_credentials(url), shown, "{url}");
        }
    }

    #[test]
    fn the_new_side_of_each_hunk_is_read() {
        let files = parse_diff(DIFF);
        assert_eq!(files["pkg/sign.go"], vec![4, 5, 6, 13]);
        assert_eq!(files["README.md"], vec![1]);
        assert_eq!(files.len(), 2);
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
        let patch = patch_coverage(&coverage, &parse_diff(DIFF), "main");
        assert_eq!((patch.covered, patch.total), (2, 3));
        assert_eq!(patch.files[0].uncovered_lines, vec![5]);
        assert!((patch.percent.unwrap() - 200.0 / 3.0).abs() < 1e-9);
        // A path that only shares a suffix inside a name does not match.
        assert!(!same_file("example.com/m/xpkg/sign.go", "pkg/sign.go"));
        assert!(same_file("/home/ci/src/pkg/sign.go", "pkg/sign.go"));
    }
}
