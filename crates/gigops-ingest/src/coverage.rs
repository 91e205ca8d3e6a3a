//! Coverage of several formats made one: LCOV and Cobertura lines of the same file merged by
//! line, and the Go sources that let a coverprofile be counted as `go tool cover -func` counts.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use gigops_core::evidence::{Coverage, FileCoverage};

use crate::godecl::{self, FuncExtent};
use crate::lcov::file_coverage;

/// LCOV and Cobertura coverage merged: a file both name is one file, whose lines are the union
/// of both, a line covered when either ran it — as lcov merges its own tracefiles.
///
/// The two name files differently: LCOV's `SF:` as the tool wrote it (absolute for lcov, gcovr
/// and llvm-cov; relative for coverage.py and c8), Cobertura's `filename` relative to one of its
/// report's `<source>` directories (`cobertura_roots`). Two paths name the same file when, with
/// `\` read as `/` and `.` segments dropped, they are equal or one ends with `/` and the other.
/// Cobertura's path is first joined to each of its sources, and taken as written only when that
/// matches nothing (a report made on another machine). A file that matches two of the other
/// format's is refused: which one it is cannot be told. The merged file keeps the shorter of its
/// two names (the relative one, usually).
pub(crate) fn merge_lines(
    lcov: Coverage,
    cobertura: Coverage,
    cobertura_roots: &BTreeMap<String, BTreeSet<String>>,
) -> Result<Coverage, String> {
    let lcov_names: Vec<Vec<String>> = lcov.files.iter().map(|f| vec![normal(&f.path)]).collect();
    // Cobertura file → the LCOV file it is.
    let mut pairs: BTreeMap<usize, usize> = BTreeMap::new();
    let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
    for (c, file) in cobertura.files.iter().enumerate() {
        let joined: Vec<String> = cobertura_roots
            .get(&file.path)
            .into_iter()
            .flatten()
            .filter(|_| !file.path.starts_with('/'))
            .map(|root| normal(&format!("{root}/{}", file.path)))
            .collect();
        let matching = |names: &[String]| -> Vec<usize> {
            (0..lcov.files.len())
                .filter(|&l| same_file(names, &lcov_names[l]))
                .collect()
        };
        let mut matches = matching(&joined);
        if matches.is_empty() {
            matches = matching(&[normal(&file.path)]);
        }
        match matches[..] {
            [] => {}
            [l] => {
                if let Some(other) = taken.insert(l, c) {
                    return Err(ambiguous(
                        &lcov.files[l].path,
                        "LCOV",
                        [&cobertura.files[other].path, &cobertura.files[c].path],
                    ));
                }
                pairs.insert(c, l);
            }
            [a, b, ..] => {
                return Err(ambiguous(
                    &cobertura.files[c].path,
                    "Cobertura",
                    [&lcov.files[a].path, &lcov.files[b].path],
                ));
            }
        }
    }
    let mut lcov_files: Vec<Option<FileCoverage>> = lcov.files.into_iter().map(Some).collect();
    let mut files = Vec::new();
    for (c, file) in cobertura.files.into_iter().enumerate() {
        match pairs.get(&c).and_then(|&l| lcov_files[l].take()) {
            Some(other) => files.push(union(file, other)),
            None => files.push(file),
        }
    }
    files.extend(lcov_files.into_iter().flatten());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Coverage {
        unit: lcov.unit,
        files,
        counted_whole: Vec::new(),
    })
}

fn ambiguous(path: &str, format: &str, candidates: [&str; 2]) -> String {
    format!(
        "the {format} file {path:?} could be either {:?} or {:?} of the other format: LCOV and Cobertura coverage of the same files are merged by path, so give them paths that tell the files apart (relative to the same directory)",
        candidates[0], candidates[1]
    )
}

/// A path with `\` as `/`, without `.` segments or repeated slashes.
fn normal(path: &str) -> String {
    let path = path.replace('\\', "/");
    let absolute = path.starts_with('/');
    let segments: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let joined = segments.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// Whether any name of one is, or ends at a `/` with, a name of the other.
fn same_file(a: &[String], b: &[String]) -> bool {
    let ends_with = |long: &str, short: &str| {
        long == short
            || !short.starts_with('/')
                && long
                    .strip_suffix(short)
                    .is_some_and(|head| head.ends_with('/'))
    };
    a.iter()
        .any(|x| b.iter().any(|y| ends_with(x, y) || ends_with(y, x)))
}

fn union(a: FileCoverage, b: FileCoverage) -> FileCoverage {
    let path = if b.path.len() < a.path.len() {
        b.path
    } else {
        a.path
    };
    let mut lines: BTreeMap<u32, bool> = BTreeMap::new();
    for hit in a.lines.into_iter().chain(b.lines) {
        *lines.entry(hit.line).or_insert(false) |= hit.covered;
    }
    file_coverage(path, lines)
}

/// The largest Go file read for its declarations; a larger one is counted whole.
const MAX_GO_SOURCE: u64 = 16 * 1024 * 1024;

/// Where the Go files a coverprofile names are, found as `go list` finds them for
/// `go tool cover -func`: a profile names a file by its package's import path
/// (`example.com/shop/calc/calc.go`), which is a module's path (its go.mod's `module` line)
/// and the file's place in that module's directory. The modules known are those of the go.mod
/// (or the go.work's `use` directories) found in or above each of `dirs`.
#[derive(Debug, Default)]
pub(crate) struct GoSources {
    /// module path → its directory.
    modules: BTreeMap<String, PathBuf>,
}

impl GoSources {
    pub(crate) fn near(dirs: &[PathBuf]) -> GoSources {
        let mut sources = GoSources::default();
        for dir in dirs {
            let Ok(dir) = dir.canonicalize() else {
                continue;
            };
            for ancestor in dir.ancestors() {
                let work = ancestor.join("go.work");
                let module = ancestor.join("go.mod");
                if work.is_file() {
                    for used in go_work_uses(&read_small(&work).unwrap_or_default()) {
                        sources.add_module(&ancestor.join(used));
                    }
                    break;
                }
                if module.is_file() {
                    sources.add_module(ancestor);
                    break;
                }
            }
        }
        sources
    }

    fn add_module(&mut self, dir: &Path) {
        if let Some(text) = read_small(&dir.join("go.mod"))
            && let Some(path) = module_path(&text)
        {
            self.modules
                .entry(path)
                .or_insert_with(|| dir.to_path_buf());
        }
    }

    /// The function declarations of the file a profile names; `None` when its source is not
    /// found (or is not text), or has `//line` directives: they move the positions go/token
    /// reports, which gigops does not follow.
    pub(crate) fn declarations(&self, file: &str) -> Option<Vec<FuncExtent>> {
        let path = self.locate(file)?;
        let text = read_small(&path)?;
        (!godecl::has_line_directives(&text)).then(|| godecl::function_declarations(&text))
    }

    /// Where the file is: only a `.go` file, and only a regular one (a profile is input, and
    /// its names are read, never trusted to name something else).
    fn locate(&self, file: &str) -> Option<PathBuf> {
        if !file.ends_with(".go") {
            return None;
        }
        let path = Path::new(file);
        if path.is_absolute() || file.starts_with('.') {
            return path.is_file().then(|| path.to_path_buf());
        }
        // The longest module path the file is under.
        self.modules
            .iter()
            .filter_map(|(module, dir)| {
                let rest = file.strip_prefix(module.as_str())?.strip_prefix('/')?;
                Some((module.len(), dir.join(rest)))
            })
            .max_by_key(|(len, _)| *len)
            .map(|(_, path)| path)
            .filter(|path| path.is_file())
    }
}

/// A file's text when it is at most [`MAX_GO_SOURCE`] bytes of UTF-8.
fn read_small(path: &Path) -> Option<String> {
    let mut text = String::new();
    std::fs::File::open(path)
        .ok()?
        .take(MAX_GO_SOURCE + 1)
        .read_to_string(&mut text)
        .ok()?;
    (text.len() as u64 <= MAX_GO_SOURCE).then_some(text)
}

/// The `module` directive of a go.mod (`module example.com/shop`, possibly quoted).
fn module_path(go_mod: &str) -> Option<String> {
    go_mod.lines().find_map(|line| {
        let line = line.split("//").next()?.trim();
        let path = line.strip_prefix("module")?;
        if !path.starts_with([' ', '\t', '"']) {
            return None;
        }
        let path = path.trim().trim_matches(|c| c == '"' || c == '`');
        (!path.is_empty()).then(|| path.to_string())
    })
}

/// The directories of a go.work's `use` directives, single or in a block.
fn go_work_uses(go_work: &str) -> Vec<String> {
    let mut uses = Vec::new();
    let mut in_block = false;
    for line in go_work.lines() {
        let line = line.split("//").next().unwrap_or("").trim();
        let dir = if in_block {
            if line == ")" {
                in_block = false;
                continue;
            }
            line
        } else if let Some(rest) = line.strip_prefix("use") {
            let rest = rest.trim();
            if rest == "(" {
                in_block = true;
                continue;
            }
            rest
        } else {
            continue;
        };
        let dir = dir.trim_matches(|c| c == '"' || c == '`');
        if !dir.is_empty() {
            uses.push(dir.to_string());
        }
    }
    uses
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_equal_or_at_a_separator() {
        let names = |paths: &[&str]| paths.iter().map(|p| normal(p)).collect::<Vec<_>>();
        assert!(same_file(&names(&["./src/a.js"]), &names(&["src//a.js"])));
        assert!(same_file(&names(&["/ci/c/calc.c"]), &names(&["calc.c"])));
        assert!(same_file(&names(&["src\\a.js"]), &names(&["/w/src/a.js"])));
        assert!(!same_file(&names(&["/ci/c/mycalc.c"]), &names(&["calc.c"])));
        assert!(!same_file(&names(&["/a/calc.c"]), &names(&["/b/calc.c"])));
    }

    #[test]
    fn go_mod_and_go_work_are_read() {
        assert_eq!(
            module_path("// comment\nmodule \"example.com/shop\" // x\n\ngo 1.19\n"),
            Some("example.com/shop".into())
        );
        assert_eq!(module_path("modules x\n"), None);
        assert_eq!(
            go_work_uses("go 1.21\nuse ./a\nuse (\n\t./b // b\n\t\"./c\"\n)\n"),
            ["./a", "./b", "./c"]
        );
    }
}
