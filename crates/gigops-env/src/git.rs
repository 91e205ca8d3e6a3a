//! The git facts of a work tree: which revision it is at, and which lines changed since a base
//! (patch coverage's input). The change is `git diff` from the merge base of the given revision
//! and HEAD to the working tree, so uncommitted edits count too.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

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

/// Which revision of which repository a work tree is at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Revision {
    /// The `origin` remote's URL without credentials ([`without_credentials`]).
    pub repository: Option<String>,
    pub commit: Option<String>,
    pub branch: Option<String>,
    /// `git describe --tags --always --dirty`.
    pub describe: Option<String>,
}

/// The repository, commit, branch and `git describe` of the work tree at `root`; each `None`
/// when unknown (not a repository, no `origin` remote, no tags, a detached HEAD).
pub fn describe(root: &Path) -> Revision {
    let one = |args: &[&str]| {
        git(root, args)
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    Revision {
        repository: one(&["remote", "get-url", "origin"]).map(|url| without_credentials(&url)),
        commit: one(&["rev-parse", "HEAD"]),
        branch: one(&["rev-parse", "--abbrev-ref", "HEAD"]).filter(|b| b != "HEAD"),
        describe: one(&["describe", "--tags", "--always", "--dirty"]),
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
