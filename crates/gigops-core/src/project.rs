//! What is known about a project beyond its evidence: its code size, its change history and its
//! toolchains. Only the environment knows them (gigops-env reads them); the gate and the quote
//! compute on them as given.

use std::collections::BTreeMap;
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
