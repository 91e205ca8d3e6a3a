//! What only the environment knows about a project, read from it: the code size (tokei), the git
//! history, diffs and revision, the toolchain versions the machine runs and the project
//! declares, and where the project root is.
//!
//! The domain crates compute on these facts (their types are in `gigops_core::project`) and
//! never read them themselves: the gate rates debt against a [`CodeSize`] and a
//! [`ChangeFrequency`] it is given, the quote sizes a repository with [`size::code_size_in`].
//! The caller — the binary, later the server — reads them here and passes them on, so a gate run
//! is the same computation whoever gathered its facts.
//!
//! Everything here shells out to `git` and the toolchains instead of linking a git library: the
//! repository being gated always has git, and it keeps the build small.

pub mod git;
pub mod history;
pub mod root;
pub mod size;
pub mod tests_layout;
pub mod toolchain;

use std::io;
use std::path::{Path, PathBuf};

use gigops_core::project::{ChangeFrequency, CodeSize};

pub use tests_layout::test_layout;

/// Why code size or change history could not be read, or an exclude pattern could not be used.
#[derive(Debug, thiserror::Error)]
pub enum EnvError {
    /// The directory to measure does not exist or cannot be read.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    /// A glob of `exclude` is not a pattern.
    #[error("debt.{field}: {pattern:?} is not a usable pattern: {reason}")]
    InvalidPattern {
        field: &'static str,
        pattern: String,
        reason: String,
    },

    /// There is no `git` command to ask for history.
    #[error("git is not installed (or not on PATH), so there is no change history")]
    GitNotFound,

    /// The directory is not inside a git work tree, so it has no history.
    #[error("{} is not inside a git work tree, so there is no change history", .0.display())]
    NotARepository(PathBuf),

    /// git ran and failed for another reason (a corrupt repository, a repository owned by
    /// another user that git refuses to read, …).
    #[error("git {args} in {}: {stderr}", dir.display())]
    Git {
        dir: PathBuf,
        args: String,
        stderr: String,
    },
}

impl EnvError {
    /// Whether the error only means there is no history to rank hotspots by (no git, or not a
    /// repository), so that the debt can still be assessed without hotspots.
    pub fn means_no_history(&self) -> bool {
        matches!(self, EnvError::GitNotFound | EnvError::NotARepository(_))
    }
}

/// What technical debt is set against: the code size of `root` without `exclude`, and — when
/// there is code — the commits that touched each file in the `window_days` days up to now.
/// No history (no git, not a work tree) is `None`, not an error; a tree without code has its
/// history left unread, since there is no debt ratio to rank hotspots for.
pub fn code_with_history(
    root: &Path,
    exclude: &[String],
    window_days: u32,
) -> Result<(CodeSize, Option<ChangeFrequency>), EnvError> {
    let size = size::code_size(root, exclude)?;
    if size.code == 0 {
        return Ok((size, None));
    }
    let changes = match history::change_frequency(root, window_days) {
        Ok(changes) => Some(changes),
        Err(e) if e.means_no_history() => None,
        Err(e) => return Err(e),
    };
    Ok((size, changes))
}
