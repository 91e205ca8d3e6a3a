//! What is known about a project beyond its evidence: its code size, its change history and its
//! toolchains. Only the environment knows them (gigops-env reads them); the gate and the quote
//! compute on them as given.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Lines under a directory, as tokei counts them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSize {
    pub files: u64,
    pub code: u64,
    pub comments: u64,
    pub blanks: u64,
    /// Most code first; languages with the same amount by name.
    pub by_language: Vec<LanguageSize>,
    /// The measured directory, made absolute as given and with symlinks resolved: finding
    /// paths under either are made relative to it. Not serialized: it names a directory of the
    /// machine that ran the gate, which a report has no use for.
    #[serde(skip)]
    pub roots: Vec<PathBuf>,
}

/// The lines of one language. Code embedded in another language's files (code blocks in
/// Markdown, scripts in HTML) is counted with the file's language, as tokei's totals do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageSize {
    /// tokei's name: `Rust`, `Go`, `Python`, …
    pub language: String,
    pub files: u64,
    pub code: u64,
    pub comments: u64,
    pub blanks: u64,
    /// Some file of the language could not be read, so the counts may be low.
    pub inaccurate: bool,
}

/// How often each file changed in a window of time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeFrequency {
    pub window: ChangeWindow,
    /// Path (relative to the directory asked about, `/`-separated) → commits that touched it.
    pub files: BTreeMap<String, u32>,
}

/// The history a [`ChangeFrequency`] was counted over.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeWindow {
    /// RFC 3339, UTC; both ends are included.
    pub since: String,
    pub until: String,
    pub days: u32,
    /// Commits counted: reachable from HEAD, not merges, committed in the window, touching the
    /// directory.
    pub commits: u32,
    /// The clone is shallow, so the window may reach past the history there is: the counts are
    /// low. The boundary commits of a shallow clone are not counted, since git shows them as
    /// adding every file.
    pub shallow: bool,
}

/// A toolchain the project declares or the runner has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Toolchain {
    /// `go`, `rust`, `python`, `node`.
    pub name: String,
    /// What the runner's toolchain reports, normalised (`1.19.8`).
    pub version: Option<String>,
    /// What the project declares (go.mod's `go` directive, Cargo.toml's `rust-version`).
    pub declared: Option<String>,
}

/// A test runner whose selection depends on the project's files: which ones the environment
/// reads for it ([`TestLayout`]) before the gate decides whether a run tested the whole suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestRunner {
    /// `go test`, gotestsum: the module's packages with tests.
    Go,
    /// `cargo test`, `cargo nextest run`: the manifest's workspace.
    Cargo,
    /// pytest: the test files it collects.
    Pytest,
    /// jest: nothing read (its configuration is not seen).
    Jest,
    /// vitest: nothing read.
    Vitest,
}

/// What a test runner would see of the project around the directory it runs in, read for one
/// [`TestRunner`] (the others' parts stay empty). Paths are as read: under the run's directory
/// or the module root, not normalised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestLayout {
    /// The Go module the directory is in; `None` without a `go.mod` at or above it.
    pub go_module: Option<GoModule>,
    /// The files pytest collects by default under the directory (`test_*.py`, `*_test.py`,
    /// outside the directories it does not recurse into), in name order.
    pub pytest_files: Vec<PathBuf>,
    /// Whether the directory's Cargo.toml is a package that is also the root of a workspace
    /// with other members, or a virtual manifest with `default-members`: then `cargo test`
    /// without `--workspace` leaves members out.
    pub cargo_root_package_only: bool,
}

/// A Go module: where its go.mod is, its path and its directories with tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoModule {
    /// The directory of the go.mod.
    pub root: PathBuf,
    /// The `module` directive (`example.com/shop`); `None` when go.mod has none or is unreadable.
    pub path: Option<String>,
    /// Every directory of the module holding a `_test.go` file (not in `vendor`, `testdata`,
    /// hidden or `_` directories, nor in a nested module).
    pub test_dirs: BTreeSet<PathBuf>,
}
