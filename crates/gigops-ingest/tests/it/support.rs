//! What the reader tests share: fixtures by their path, and the random byte edits of the
//! never-panics properties.

use std::collections::BTreeMap;
use std::path::PathBuf;

use gigops_core::Problems;
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

/// `text` after random edits: each deletes a byte, inserts one of `meaningful` (the bytes the
/// format gives meaning to, and a byte of a multi-byte character), or replaces a byte.
pub fn mutate(text: &str, edits: &[(usize, u8)], meaningful: &[u8]) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for &(at, byte) in edits {
        let at = at % (bytes.len() + 1);
        match byte % 3 {
            0 if at < bytes.len() => {
                bytes.remove(at);
            }
            1 => bytes.insert(at, meaningful[byte as usize % meaningful.len()]),
            _ if at < bytes.len() => bytes[at] = byte,
            _ => {}
        }
    }
    bytes
}

/// [`mutate`], as text (invalid UTF-8 replaced), for readers that take a `&str`.
pub fn mutate_text(text: &str, edits: &[(usize, u8)], meaningful: &[u8]) -> String {
    String::from_utf8_lossy(&mutate(text, edits, meaningful)).into_owned()
}

/// What a reader's refusal of the input `"input"` must be, whatever the input was: at least one
/// problem, each naming that input, on one of its `lines` (or the line after the last), with a
/// reason.
pub fn assert_located(problems: &Problems, lines: u64) {
    assert!(!problems.0.is_empty());
    for problem in &problems.0 {
        assert_eq!(problem.file, "input");
        assert!(
            problem.line <= lines,
            "{problem} is past the end ({lines} lines)"
        );
        assert!(!problem.reason.is_empty());
    }
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
