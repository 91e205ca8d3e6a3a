//! Code size: the code, comment and blank lines under a directory, as tokei counts them.

use std::io;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};

use gigops_core::project::{CodeSize, LanguageSize};

use crate::EnvError;

/// Counts the lines under `root` with tokei's default configuration: files ignored by
/// `.gitignore` (inside a git work tree), `.ignore` and `.tokeignore` are skipped, and so are
/// hidden files and directories. `exclude` removes more, in .gitignore syntax (the gate's
/// `debt.exclude`, the quote's `quote.exclude`).
pub fn code_size(root: &Path, exclude: &[String]) -> Result<CodeSize, EnvError> {
    code_size_in(root, &[], exclude)
}

/// [`code_size`] of only some paths under `root` (files or directories, relative to `root`),
/// as a quote sizes the part of a repository that the work will change; no paths is all of
/// `root`. `exclude` patterns stay relative to `root`, and a file reached by two paths (`src`
/// and `src/lib.rs`) counts once.
pub fn code_size_in(
    root: &Path,
    scope: &[PathBuf],
    exclude: &[String],
) -> Result<CodeSize, EnvError> {
    let excluded = Excludes::new(exclude)?;
    let io_error = |source| EnvError::Io {
        path: root.to_path_buf(),
        source,
    };
    // tokei logs unreadable roots and carries on with nothing, which would read as "no code".
    if !std::fs::metadata(root).map_err(io_error)?.is_dir() {
        return Err(io_error(io::Error::new(
            io::ErrorKind::NotADirectory,
            "not a directory",
        )));
    }
    let absolute = std::path::absolute(root).map_err(io_error)?;
    let canonical = std::fs::canonicalize(root).map_err(io_error)?;

    let mut paths = Vec::with_capacity(scope.len().max(1));
    for path in scope {
        let joined = absolute.join(path);
        // tokei skips a path it cannot read, which would read as "no code there".
        std::fs::metadata(&joined).map_err(|source| EnvError::Io {
            path: joined.clone(),
            source,
        })?;
        paths.push(joined);
    }
    if paths.is_empty() {
        paths.push(absolute.clone());
    }
    let mut languages = tokei::Languages::new();
    languages.get_statistics(&paths, &[], &tokei::Config::default());
    let mut seen = std::collections::HashSet::new();

    let mut size = CodeSize::default();
    for (language_type, language) in languages {
        let mut counted = LanguageSize {
            language: language_type.name().to_string(),
            files: 0,
            code: 0,
            comments: 0,
            blanks: 0,
            inaccurate: language.inaccurate,
        };
        for report in &language.reports {
            let relative = report.name.strip_prefix(&absolute).unwrap_or(&report.name);
            if excluded.matches(relative) || (scope.len() > 1 && !seen.insert(report.name.clone()))
            {
                continue;
            }
            // Folds the blobs of embedded languages into the file's own counts.
            let stats = report.stats.summarise();
            counted.files += 1;
            counted.code += stats.code as u64;
            counted.comments += stats.comments as u64;
            counted.blanks += stats.blanks as u64;
        }
        if counted.files == 0 {
            continue;
        }
        size.files += counted.files;
        size.code += counted.code;
        size.comments += counted.comments;
        size.blanks += counted.blanks;
        size.by_language.push(counted);
    }
    size.by_language.sort_by(|a, b| {
        b.code
            .cmp(&a.code)
            .then_with(|| a.language.cmp(&b.language))
    });
    size.roots = vec![absolute];
    if canonical != size.roots[0] {
        size.roots.push(canonical);
    }
    Ok(size)
}

/// The name tokei gives the language `name` names (the names `tokei --languages` prints, which
/// code sizes are keyed by); `None` when tokei knows no such language.
pub fn language_name(name: &str) -> Option<&'static str> {
    tokei::LanguageType::from_name(name).map(|language| language.name())
}

/// Every language name tokei knows, sorted.
pub fn language_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = tokei::LanguageType::list()
        .iter()
        .map(|(language, _)| language.name())
        .collect();
    names.sort_unstable();
    names
}

/// `exclude` compiled to globs over `/`-separated paths relative to the measured directory,
/// read the way .gitignore reads its lines; each with whether it matches directories only.
struct Excludes(Vec<(GlobMatcher, bool)>);

impl Excludes {
    fn new(patterns: &[String]) -> Result<Excludes, EnvError> {
        let invalid = |pattern: &str, reason: &str| EnvError::InvalidPattern {
            field: "exclude",
            pattern: pattern.to_string(),
            reason: reason.to_string(),
        };
        let mut globs = Vec::new();
        for pattern in patterns {
            if pattern.starts_with('!') {
                return Err(invalid(pattern, "negated patterns (`!`) are not supported"));
            }
            // A trailing slash means "only a directory", as in .gitignore.
            let trimmed = pattern.trim_end_matches('/');
            let directories_only = trimmed.len() < pattern.len();
            if trimmed.is_empty() {
                return Err(invalid(pattern, "the pattern is empty"));
            }
            // As in .gitignore, a slash anywhere but at the end anchors the pattern to the
            // measured directory; without one it matches a name at any depth.
            let glob = match trimmed.strip_prefix('/') {
                Some(anchored) => anchored.to_string(),
                None if trimmed.contains('/') => trimmed.to_string(),
                None => format!("**/{trimmed}"),
            };
            let glob = GlobBuilder::new(&glob)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
                .map_err(|e| invalid(pattern, &e.kind().to_string()))?;
            globs.push((glob.compile_matcher(), directories_only));
        }
        Ok(Excludes(globs))
    }

    /// Whether the file, or any directory it is in, matches a pattern.
    fn matches(&self, relative: &Path) -> bool {
        if self.0.is_empty() {
            return false;
        }
        let components: Vec<_> = relative.components().collect();
        let mut prefix = String::new();
        for (i, component) in components.iter().enumerate() {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(&component.as_os_str().to_string_lossy());
            // Every component but the last is a directory.
            let is_directory = i + 1 < components.len();
            if self.0.iter().any(|(glob, directories_only)| {
                (is_directory || !directories_only) && glob.is_match(&prefix)
            }) {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclude_patterns_read_like_gitignore() {
        let excludes = Excludes::new(&[
            "vendor".to_string(),
            "/gen/".to_string(),
            "*.pb.go".to_string(),
            "docs/*.py".to_string(),
        ])
        .unwrap();
        let excluded = |p: &str| excludes.matches(Path::new(p));
        // No slash: a name at any depth, file or directory.
        assert!(excluded("vendor/a/b.go"));
        assert!(excluded("src/vendor/b.go"));
        assert!(excluded("api/v1/user.pb.go"));
        // A leading or inner slash anchors to the measured directory.
        assert!(excluded("gen/x.rs"));
        assert!(!excluded("src/gen/x.rs"));
        // A trailing slash matches directories only: a file named `gen` stays.
        assert!(!excluded("gen"));
        assert!(excluded("docs/conf.py"));
        assert!(!excluded("docs/api/conf.py"));
        assert!(!excluded("src/vendored.go"));
        assert!(Excludes::new(&["!keep".to_string()]).is_err());
        assert!(Excludes::new(&["/".to_string()]).is_err());
        assert!(Excludes::new(&["src/[".to_string()]).is_err());
    }
}
