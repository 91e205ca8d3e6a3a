//! Outside tools a test runs (Chromium, pdftotext, go, pytest, tokei, ssh-keygen …): found, or
//! a failure under CI.
//!
//! A test that checks gigops against a real tool must not pass without it where it matters. On a
//! developer's machine a missing tool is a notice on stderr and the test's tool-dependent part is
//! skipped (the README's `cargo test --workspace` works on a fresh machine); under CI — the `CI`
//! variable set to anything but empty, `0` or `false`, which `.ci/run` exports itself — a missing
//! tool fails the test with what to install.
//!
//! ```ignore
//! let Some(go) = gigops_test_support::tools::program("go", &["version"], "golang-go") else {
//!     return; // only outside CI
//! };
//! ```

use std::process::{Command, Stdio};

/// Whether the tests run under CI, where every outside tool must be present.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| means_ci(&value))
}

/// Whether a value of `CI` means "under CI", as CI services set it (`true`, `1`, a name).
fn means_ci(value: &str) -> bool {
    let value = value.trim();
    !(value.is_empty() || value == "0" || value.eq_ignore_ascii_case("false"))
}

/// A tool the test needs is missing: under CI the test fails with `install`; elsewhere a notice
/// says what was skipped.
///
/// # Panics
/// Under CI, always.
pub fn missing(what: &str, install: &str) {
    missing_when(under_ci(), what, install);
}

fn missing_when(ci: bool, what: &str, install: &str) {
    assert!(
        !ci,
        "{what} is missing and CI is set: the test needs it (install: {install})"
    );
    eprintln!("notice: {what} is missing; skipping what needs it (install: {install})");
}

/// The first of `names` that runs with `args` and exits 0, as the name to run it by.
pub fn first_that_runs(names: &[&str], args: &[&str]) -> Option<String> {
    names
        .iter()
        .find(|name| {
            Command::new(name)
                .args(args)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|status| status.success())
        })
        .map(|name| name.to_string())
}

/// `name` when `name args` runs and exits 0; otherwise [`missing`] (a failure under CI) and
/// `None`.
pub fn program(name: &str, args: &[&str], install: &str) -> Option<String> {
    let found = first_that_runs(&[name], args);
    if found.is_none() {
        missing(&format!("`{name}`"), install);
    }
    found
}

/// Headless Chromium (Debian's `chromium`, or `chromium-browser`/`google-chrome` elsewhere).
pub fn chromium() -> Option<String> {
    let found = first_that_runs(
        &["chromium", "chromium-browser", "google-chrome"],
        &["--version"],
    );
    if found.is_none() {
        missing("Chromium", "chromium (Debian)");
    }
    found
}

/// `pdftotext` from poppler.
pub fn pdftotext() -> Option<String> {
    program("pdftotext", &["-v"], "poppler-utils (Debian)")
}

/// A fontconfig CJK font, for zh-CN PDFs; `false` (a failure under CI) when there is none.
pub fn cjk_font(found: bool) -> bool {
    if !found {
        missing("a CJK font", "fonts-noto-cjk (Debian)");
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_that_is_not_there_is_not_found() {
        assert_eq!(
            first_that_runs(&["gigops-no-such-program-4711"], &["--version"]),
            None
        );
    }

    #[test]
    #[should_panic(expected = "`gigops-no-such-program-4711` is missing and CI is set")]
    fn under_ci_a_missing_tool_fails_the_test() {
        missing_when(true, "`gigops-no-such-program-4711`", "nothing");
    }

    #[test]
    fn outside_ci_a_missing_tool_is_a_notice() {
        missing_when(false, "`gigops-no-such-program-4711`", "nothing");
    }

    #[test]
    fn ci_is_set_by_any_value_but_empty_zero_or_false() {
        for set in ["true", "1", "yes", "github-actions", " TRUE "] {
            assert!(means_ci(set), "{set:?}");
        }
        for unset in ["", " ", "0", "false", "FALSE"] {
            assert!(!means_ci(unset), "{unset:?}");
        }
    }

    #[test]
    fn a_program_that_exits_non_zero_is_not_taken() {
        // `false` runs and exits 1: it is there, but it does not work.
        assert_eq!(
            first_that_runs(&["false", "true"], &[]),
            Some("true".into())
        );
    }
}
