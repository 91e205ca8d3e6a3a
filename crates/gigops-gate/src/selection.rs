//! Which tests a run selected, read from the test runner's command line: the whole suite, or a
//! part of it (a name filter, a subset of packages or files) — a SOW item that asks for the
//! whole suite must not be met by a run of one package.
//!
//! [`of_command`] knows `go test` (and gotestsum), `cargo test`, `cargo nextest run`, pytest,
//! jest and vitest, also behind `npx`, `pnpm`, `yarn`, `uv run`, `poetry run`, `pipenv run`,
//! `python -m` and `env`. Any other command is not a test command it knows: its selection is
//! unknown (`None`). The rules, runner by runner, are in docs/gate.md ("Selection"). What a
//! runner reads from elsewhere (pytest's `addopts`, `PYTEST_ADDOPTS`, a jest config's
//! `testMatch`) is not seen.
//!
//! Path and package arguments are checked against the project as the caller read it (a
//! [`TestLayout`], from `gigops_env::test_layout` for the [`runner`] of the command):
//! `go test ./internal/...` is complete when every directory of the module with a `_test.go`
//! file lies under `./internal`, and `pytest tests` when every `test_*.py`/`*_test.py` file
//! does. Nothing here reads the disk.

use std::path::{Path, PathBuf};

use gigops_core::project::{GoModule, TestLayout, TestRunner};

use crate::summary::Selection;

/// The test runner `argv` runs, whose part of the project the caller reads for [`of_command`];
/// `None` when `argv` is no test command gigops knows.
pub fn runner(argv: &[String]) -> Option<TestRunner> {
    let argv = unwrap(argv);
    let (program, args) = argv.split_first()?;
    Some(match program_name(program) {
        "go" if args.first().is_some_and(|a| a == "test") => TestRunner::Go,
        "gotestsum" => TestRunner::Go,
        "cargo" => TestRunner::Cargo,
        "cargo-nextest" if args.first().is_some_and(|a| a == "nextest") => TestRunner::Cargo,
        "pytest" | "py.test" => TestRunner::Pytest,
        "jest" => TestRunner::Jest,
        "vitest" => TestRunner::Vitest,
        _ => return None,
    })
}

/// The selection of `argv` run in `dir`, whose project is `layout`, or `None` when `argv` is no
/// test command gigops knows.
pub fn of_command(argv: &[String], dir: &Path, layout: &TestLayout) -> Option<Selection> {
    let runner = runner(argv)?;
    let argv = unwrap(argv);
    let (program, args) = argv.split_first()?;
    let go = layout.go_module.as_ref();
    let filters = match runner {
        TestRunner::Go if program_name(program) == "go" => go_test(&args[1..], dir, go, None),
        TestRunner::Go => {
            let end = args.iter().position(|a| a == "--").unwrap_or(args.len());
            let mut packages = Vec::new();
            for arg in Options::new(
                &args[..end],
                &["packages", "format", "junitfile", "jsonfile"],
            ) {
                if let Arg::Option {
                    name: "packages",
                    value: Some(listed),
                    ..
                } = arg
                {
                    packages.extend(listed.split_whitespace());
                }
            }
            go_test(
                args.get(end + 1..).unwrap_or_default(),
                dir,
                go,
                Some(packages),
            )
        }
        TestRunner::Cargo => cargo(args, layout.cargo_root_package_only)?,
        TestRunner::Pytest => pytest(args, dir, &layout.pytest_files),
        TestRunner::Jest => jest(args),
        TestRunner::Vitest => vitest(args),
    };
    Some(Selection {
        complete: filters.is_empty(),
        filters,
    })
}

/// The command behind the wrappers that run it: `env A=1 npx jest` is `jest`.
fn unwrap(argv: &[String]) -> &[String] {
    let mut argv = argv;
    loop {
        let Some((first, rest)) = argv.split_first() else {
            return argv;
        };
        let name = program_name(first);
        let skip_options = |rest: &'_ [String]| -> usize {
            rest.iter().take_while(|a| a.starts_with('-')).count()
        };
        let next: &[String] = match name {
            // `env [-i] [-u NAME] [NAME=VALUE]… COMMAND`
            "env" => {
                let mut i = 0;
                while i < rest.len() {
                    let arg = rest[i].as_str();
                    if arg == "-u" || arg == "--unset" {
                        i += 2;
                    } else if arg.starts_with('-') || arg.contains('=') {
                        i += 1;
                    } else {
                        break;
                    }
                }
                &rest[i.min(rest.len())..]
            }
            "npx" | "bunx" => &rest[skip_options(rest)..],
            "pnpm" | "yarn" => {
                let rest = &rest[skip_options(rest)..];
                match rest.first().map(String::as_str) {
                    Some("exec" | "dlx" | "run") => &rest[1..],
                    _ => rest,
                }
            }
            "uv" | "poetry" | "pipenv" | "hatch" if rest.first().is_some_and(|a| a == "run") => {
                let rest = &rest[1..];
                &rest[skip_options(rest)..]
            }
            _ if is_python(name) => match rest.iter().position(|a| a == "-m") {
                Some(i) => &rest[i + 1..],
                None => return argv,
            },
            _ => return argv,
        };
        if next.len() == argv.len() {
            return argv;
        }
        argv = next;
    }
}

fn is_python(name: &str) -> bool {
    name == "py"
        || name
            .strip_prefix("python")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// `/usr/bin/go` → `go`; `node_modules/.bin/jest` → `jest`.
fn program_name(program: &str) -> &str {
    program.rsplit(['/', '\\']).next().unwrap_or(program)
}

/// A command line read option by option: `-x`, `--name`, `--name=value`, `--name value`.
struct Options<'a> {
    args: &'a [String],
    at: usize,
    /// Option names (without dashes) that take a value.
    valued: &'a [&'a str],
}

enum Arg<'a> {
    /// An option, its name without dashes, its value, and how it was written.
    Option {
        name: &'a str,
        value: Option<&'a str>,
        written: String,
    },
    Positional(&'a str),
    /// `--` and everything after it.
    Rest(&'a [String]),
}

impl<'a> Options<'a> {
    fn new(args: &'a [String], valued: &'a [&'a str]) -> Self {
        Options {
            args,
            at: 0,
            valued,
        }
    }
}

impl<'a> Iterator for Options<'a> {
    type Item = Arg<'a>;

    fn next(&mut self) -> Option<Arg<'a>> {
        let arg = self.args.get(self.at)?.as_str();
        self.at += 1;
        if arg == "--" {
            let rest = &self.args[self.at..];
            self.at = self.args.len();
            return Some(Arg::Rest(rest));
        }
        let Some(option) = arg.strip_prefix('-').filter(|o| !o.is_empty()) else {
            return Some(Arg::Positional(arg));
        };
        let option = option.strip_prefix('-').unwrap_or(option);
        if let Some((name, value)) = option.split_once('=') {
            return Some(Arg::Option {
                name,
                value: Some(value),
                written: arg.to_string(),
            });
        }
        // `-kexpr`: a one-letter option with its value attached.
        if !arg.starts_with("--") && option.len() > 1 {
            let (letter, attached) = option.split_at(1);
            if self.valued.contains(&letter) && !self.valued.contains(&option) {
                return Some(Arg::Option {
                    name: letter,
                    value: Some(attached),
                    written: arg.to_string(),
                });
            }
        }
        if self.valued.contains(&option) {
            let value = self.args.get(self.at).map(String::as_str);
            self.at += 1;
            let written = match value {
                Some(value) => format!("{arg} {value}"),
                None => arg.to_string(),
            };
            return Some(Arg::Option {
                name: option,
                value,
                written,
            });
        }
        Some(Arg::Option {
            name: option,
            value: None,
            written: arg.to_string(),
        })
    }
}

/// Whether a boolean option is on: `-short`, `-short=true`; not `-short=false`.
fn on(value: Option<&str>) -> bool {
    value.is_none_or(|v| !matches!(v, "false" | "0" | "f" | "F" | "FALSE" | "False"))
}

// ---------------------------------------------------------------------------------------------
// go test

/// `go test` options that take a value (build flags, test flags and profile outputs).
#[rustfmt::skip]
const GO_VALUED: &[&str] = &[
    "run", "skip", "list", "bench", "benchtime", "count", "cpu", "parallel", "timeout", "shuffle",
    "coverprofile", "covermode", "coverpkg", "cpuprofile", "memprofile", "memprofilerate",
    "blockprofile", "blockprofilerate", "mutexprofile", "mutexprofilefraction", "outputdir",
    "trace", "fuzz", "fuzztime", "fuzzminimizetime", "o", "p", "exec", "tags", "ldflags",
    "gcflags", "asmflags", "gccgoflags", "mod", "modfile", "pkgdir", "toolexec", "overlay",
    "installsuffix", "buildmode", "compiler", "C", "vet", "pgo", "test.run",
    "test.skip", "test.list", "test.timeout", "test.count", "test.coverprofile", "test.outputdir",
    "test.parallel", "test.cpu", "test.benchtime", "test.bench", "test.shuffle", "test.fuzz",
    "test.fuzztime",
];

/// A `-run`/`-skip` value that selects every test.
fn selects_all(pattern: &str) -> bool {
    matches!(pattern, "" | "." | ".*" | ".+")
}

/// What a `go test` option (or a test binary's `-test.*` flag after `-args`) selects, as
/// written; `None` when it selects nothing away.
fn go_filter(name: &str, value: Option<&str>, written: String) -> Option<String> {
    let selects = match name.strip_prefix("test.").unwrap_or(name) {
        "run" => !selects_all(value.unwrap_or_default()),
        "skip" | "list" => !value.unwrap_or_default().is_empty(),
        // Tests that honour testing.Short() skip themselves.
        "short" => on(value),
        _ => false,
    };
    selects.then_some(written)
}

/// `go test ARGS` (`gotestsum`: the arguments after its `--`, and the packages of its
/// `--packages`, `./...` when none is named).
fn go_test<'a>(
    args: &'a [String],
    dir: &Path,
    module: Option<&GoModule>,
    gotestsum: Option<Vec<&'a str>>,
) -> Vec<String> {
    let mut filters = Vec::new();
    let mut packages: Vec<&str> = Vec::new();
    let mut options = Options::new(args, GO_VALUED);
    while let Some(arg) = options.next() {
        match arg {
            Arg::Option { name: "args", .. } => {
                // Everything after -args goes to the test binary: its -test.* flags count.
                let rest = &options.args[options.at..];
                options.at = options.args.len();
                for arg in Options::new(rest, GO_VALUED) {
                    if let Arg::Option {
                        name,
                        value,
                        written,
                    } = arg
                        && name.starts_with("test.")
                    {
                        filters.extend(go_filter(name, value, written));
                    }
                }
            }
            Arg::Option {
                name,
                value,
                written,
            } => filters.extend(go_filter(name, value, written)),
            Arg::Positional(package) => packages.push(package),
            Arg::Rest(_) => {}
        }
    }
    if packages.is_empty() {
        // gotestsum runs its --packages, else ./...; go test, the package in the directory.
        packages = match gotestsum {
            Some(listed) if !listed.is_empty() => listed,
            Some(_) => vec!["./..."],
            None => vec!["."],
        };
    }
    if !go_packages_cover_module(&packages, dir, module) {
        if packages.iter().all(|p| matches!(*p, "./..." | "...")) {
            filters.push("./... (from below the module root)".to_string());
        } else {
            filters.extend(packages.iter().map(|p| p.to_string()));
        }
    }
    filters
}

/// Whether the package patterns, run in `dir`, reach every directory of `module` that holds a
/// `_test.go` file. Without a go.mod, only `./...` and `all` count as the whole.
fn go_packages_cover_module(patterns: &[&str], dir: &Path, module: Option<&GoModule>) -> bool {
    if patterns.contains(&"all") {
        return true;
    }
    let Some(module) = module else {
        return patterns.contains(&"./...");
    };
    let module_root = module.root.as_path();
    let module_path = module.path.as_deref();
    // Each pattern as a directory and whether it reaches below it.
    let reach: Vec<(PathBuf, bool)> = patterns
        .iter()
        .filter_map(|pattern| {
            let (base, below) = match pattern.strip_suffix("/...") {
                Some(base) => (base, true),
                None if *pattern == "..." => ("", true),
                None => (*pattern, false),
            };
            if base.contains("...") {
                return None;
            }
            let directory = if base == "." || base.starts_with("./") || base.starts_with("../") {
                dir.join(base)
            } else if Path::new(base).is_absolute() {
                PathBuf::from(base)
            } else {
                let module_path = module_path?;
                let rest = if base == module_path {
                    ""
                } else {
                    base.strip_prefix(module_path)?.strip_prefix('/')?
                };
                module_root.join(rest)
            };
            Some((normalise(&directory), below))
        })
        .collect();
    let test_dirs: std::collections::BTreeSet<PathBuf> =
        module.test_dirs.iter().map(|d| normalise(d)).collect();
    test_dirs.iter().all(|test_dir| {
        reach.iter().any(|(directory, below)| {
            test_dir == directory || (*below && test_dir.starts_with(directory))
        })
    })
}

// ---------------------------------------------------------------------------------------------
// cargo test, cargo nextest run

/// cargo's and nextest's options that take a value; libtest's after `--`.
#[rustfmt::skip]
const CARGO_VALUED: &[&str] = &[
    "p", "package", "exclude", "bin", "test", "example", "bench", "F", "features", "target",
    "target-dir", "manifest-path", "j", "jobs", "profile", "message-format", "color", "config",
    "Z", "lockfile-path", "E", "filterset", "filter-expr", "partition", "P", "test-threads",
    "retries", "run-ignored", "cargo-profile", "build-jobs", "message-format-version",
    "failure-output", "success-output", "status-level", "final-status-level", "archive-file",
    "archive-format", "workspace-remap", "binaries-metadata", "cargo-metadata", "tool-config-file",
    "config-file", "max-fail", "no-tests", "skip", "show-progress",
];

#[rustfmt::skip]
const LIBTEST_VALUED: &[&str] = &[
    "test-threads", "logfile", "format", "color", "Z", "shuffle-seed", "skip",
];

/// `cargo test …` or `cargo nextest run …`; `None` for any other cargo command.
/// `root_package_only`: see [`TestLayout::cargo_root_package_only`].
fn cargo(args: &[String], root_package_only: bool) -> Option<Vec<String>> {
    // `cargo +nightly --locked test …`: the toolchain and global options come first.
    let start = args
        .iter()
        .position(|a| !a.starts_with('-') && !a.starts_with('+'))?;
    let args = &args[start..];
    let (nextest, args) = match args.first().map(String::as_str) {
        Some("test" | "t") => (false, &args[1..]),
        Some("nextest") if args.get(1).is_some_and(|a| a == "run" || a == "r") => {
            (true, &args[2..])
        }
        _ => return None,
    };
    let mut filters = Vec::new();
    let mut packages = Vec::new();
    let mut workspace = false;
    for arg in Options::new(args, CARGO_VALUED) {
        match arg {
            Arg::Option {
                name,
                value,
                written,
            } => match name {
                "workspace" | "all" => workspace = true,
                "p" | "package" => packages.push(written),
                // A part of the targets. `--tests` and `--all-targets` run every test target
                // (doctests aside, which nextest never runs).
                "exclude" | "lib" | "bin" | "bins" | "test" | "example" | "examples" | "bench"
                | "benches" | "doc" | "no-run" | "E" | "filterset" | "filter-expr"
                | "partition" | "skip" | "exact" => filters.push(written),
                "run-ignored" if matches!(value, Some("only" | "ignored-only")) => {
                    filters.push(written)
                }
                _ => {}
            },
            Arg::Positional(name) => filters.push(name.to_string()),
            Arg::Rest(rest) => filters.extend(libtest(rest)),
        }
    }
    if !workspace {
        if !packages.is_empty() {
            filters.extend(packages);
        } else if !nextest && root_package_only {
            // In a workspace whose root is a package, `cargo test` tests that package alone.
            filters.push("cargo test without --workspace (the root package only)".into());
        }
    }
    Some(filters)
}

/// libtest's arguments (after `--`): a name filter, `--skip`, `--ignored`, `--list`.
fn libtest(args: &[String]) -> Vec<String> {
    let mut filters = Vec::new();
    for arg in Options::new(args, LIBTEST_VALUED) {
        match arg {
            Arg::Option { name, written, .. } => {
                if matches!(name, "skip" | "ignored" | "list" | "exact" | "bench") {
                    filters.push(written);
                }
            }
            Arg::Positional(name) => filters.push(name.to_string()),
            Arg::Rest(_) => {}
        }
    }
    filters
}

// ---------------------------------------------------------------------------------------------
// pytest

#[rustfmt::skip]
const PYTEST_VALUED: &[&str] = &[
    "k", "m", "p", "c", "o", "W", "n", "r", "rootdir", "junitxml", "junit-xml", "basetemp",
    "confcutdir", "deselect", "ignore", "ignore-glob", "tb", "maxfail", "cov", "cov-report",
    "cov-config", "cov-fail-under", "durations", "durations-min", "log-level", "log-file",
    "log-file-level", "log-format", "log-date-format", "log-cli-level", "log-cli-format", "color",
    "capture", "import-mode", "dist", "timeout", "reruns", "reruns-delay", "override-ini",
    "junit-prefix", "verbosity", "doctest-glob", "lfnf", "last-failed-no-failures", "numprocesses",
    "maxprocesses", "html", "report-log", "json-report-file", "random-order-seed", "randomly-seed",
    "cache-dir", "code-highlight", "assert", "pythonwarnings", "sw-skip", "stepwise-skip",
    "max-worker-restart",
];

fn pytest(args: &[String], dir: &Path, files: &[PathBuf]) -> Vec<String> {
    let mut filters = Vec::new();
    let mut paths = Vec::new();
    for arg in Options::new(args, PYTEST_VALUED) {
        match arg {
            Arg::Option {
                name,
                value,
                written,
            } => match name {
                "k" | "m" if !value.unwrap_or_default().trim().is_empty() => filters.push(written),
                "lf" | "last-failed" | "sw" | "stepwise" | "deselect" | "ignore"
                | "ignore-glob" | "co" | "collect-only" | "pyargs" => filters.push(written),
                _ => {}
            },
            Arg::Positional(path) => paths.push(path),
            Arg::Rest(rest) => paths.extend(rest.iter().map(String::as_str)),
        }
    }
    // A node id (`tests/test_a.py::test_x`) selects a test; a path, the tests under it.
    let (node_ids, paths): (Vec<&str>, Vec<&str>) =
        paths.into_iter().partition(|p| p.contains("::"));
    filters.extend(node_ids.iter().map(|id| id.to_string()));
    if !paths.is_empty() && !pytest_paths_cover_project(&paths, dir, files) {
        filters.extend(paths.iter().map(|p| p.to_string()));
    }
    filters
}

/// Whether every file pytest collects by default under `dir` (`files`) lies under one of
/// `paths`.
fn pytest_paths_cover_project(paths: &[&str], dir: &Path, files: &[PathBuf]) -> bool {
    let reach: Vec<PathBuf> = paths.iter().map(|p| normalise(&dir.join(p))).collect();
    files
        .iter()
        .all(|file| reach.iter().any(|r| normalise(file).starts_with(r)))
}

// ---------------------------------------------------------------------------------------------
// jest, vitest

#[rustfmt::skip]
const JEST_VALUED: &[&str] = &[
    "t", "testNamePattern", "testPathPattern", "testPathPatterns", "testPathIgnorePatterns", "c",
    "config", "rootDir", "roots", "selectProjects", "shard", "changedSince", "w", "maxWorkers",
    "reporters", "outputFile", "testTimeout", "collectCoverageFrom", "coverageDirectory",
    "coverageProvider", "coverageReporters", "env", "testEnvironment", "testResultsProcessor",
    "seed", "runner", "testRunner", "testSequencer", "maxConcurrency", "ignoreProjects",
    "globalSetup", "globalTeardown", "moduleNameMapper", "setupFiles",
];

fn jest(args: &[String]) -> Vec<String> {
    let mut filters = Vec::new();
    for arg in Options::new(args, JEST_VALUED) {
        match arg {
            Arg::Option { name, written, .. } => {
                if matches!(
                    name,
                    "t" | "testNamePattern"
                        | "testPathPattern"
                        | "testPathPatterns"
                        | "testPathIgnorePatterns"
                        | "selectProjects"
                        | "ignoreProjects"
                        | "shard"
                        | "changedSince"
                        | "o"
                        | "onlyChanged"
                        | "lastCommit"
                        | "findRelatedTests"
                        | "f"
                        | "onlyFailures"
                        | "listTests"
                ) {
                    filters.push(written);
                }
            }
            // Path patterns (regular expressions).
            Arg::Positional(pattern) => filters.push(pattern.to_string()),
            Arg::Rest(rest) => filters.extend(rest.iter().cloned()),
        }
    }
    filters
}

#[rustfmt::skip]
const VITEST_VALUED: &[&str] = &[
    "t", "testNamePattern", "project", "shard", "r", "root", "dir", "c", "config", "reporter",
    "outputFile", "environment", "pool", "maxWorkers", "minWorkers", "testTimeout", "hookTimeout",
    "retry", "exclude", "mode", "bail", "sequence.seed",
];

fn vitest(args: &[String]) -> Vec<String> {
    let mut filters = Vec::new();
    let mut args = args;
    // `vitest run`, `vitest watch`, `vitest dev`: the whole suite; `related`, `list` and
    // `bench` are not.
    match args.first().map(String::as_str) {
        Some("run" | "watch" | "dev") => args = &args[1..],
        Some(command @ ("related" | "list" | "bench")) => {
            filters.push(command.to_string());
            args = &args[1..];
        }
        _ => {}
    }
    for arg in Options::new(args, VITEST_VALUED) {
        match arg {
            Arg::Option { name, written, .. } => {
                if matches!(
                    name,
                    "t" | "testNamePattern" | "project" | "shard" | "changed" | "exclude"
                ) {
                    filters.push(written);
                }
            }
            // File name filters.
            Arg::Positional(filter) => filters.push(filter.to_string()),
            Arg::Rest(rest) => filters.extend(rest.iter().cloned()),
        }
    }
    filters
}

// ---------------------------------------------------------------------------------------------
// Paths

/// `path` without `.` segments and with `..` applied, so that paths can be compared by prefix.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
