//! What the reader tests share: fixtures by their path, the expected counts and statuses, and
//! (from gigops-test-support, shared with the other readers' crates) the random byte edits of
//! the never-panics properties.

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use gigops_test_support::fuzz::{assert_located, mutate, mutate_text};

use gigops_core::evidence::{TestCounts, TestStatus};

/// A fixture by its path under `tests/fixtures` (`go/gotest.json`).
pub fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// A fixture's text.
pub fn read_fixture(path: &str) -> String {
    let path = fixture(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The lines of `bytes`, counting a last line without a newline.
pub fn lines_of(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

/// Test counts without flaky tests or inner failures.
pub fn counts(total: u64, passed: u64, failed: u64, skipped: u64, errors: u64) -> TestCounts {
    TestCounts {
        total,
        passed,
        failed,
        skipped,
        errors,
        flaky: 0,
        inner_failures: 0,
    }
}

/// Expected statuses by test key.
pub fn expect(pairs: &[(&str, TestStatus)]) -> BTreeMap<String, TestStatus> {
    pairs.iter().map(|&(n, s)| (n.to_string(), s)).collect()
}
