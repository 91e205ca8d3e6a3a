//! The `gigops` binary, driven from the outside as a user would.

mod gate;
mod ledger_cli;
mod output;
mod proposal;
mod quote;
mod reports;
mod snapshots;
mod sow;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A sandbox: its own home, config and data directories, and working directory, so no test
/// reads the developer's settings or ledger.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    #[allow(clippy::new_without_default)] // a sandbox is a fresh directory, not a default value
    pub fn new() -> Self {
        Sandbox {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn db(&self) -> String {
        self.path("ledger.db").display().to_string()
    }

    /// `gigops --db <sandbox db> ARGS…`
    pub fn gigops(&self, args: &[&str]) -> Command {
        let mut cmd = self.gigops_without_db(args);
        cmd.arg("--db").arg(self.db());
        cmd
    }

    pub fn gigops_without_db(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("gigops").expect("binary");
        let home = self.path("home");
        std::fs::create_dir_all(&home).unwrap();
        cmd.current_dir(self.dir.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .args(args);
        cmd
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Runs a command that must succeed and returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.gigops(args).output().unwrap();
        assert!(
            output.status.success(),
            "gigops {args:?} failed with {:?}:\n{}",
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut with_json = args.to_vec();
        with_json.push("--json");
        serde_json::from_str(&self.ok(&with_json)).expect("JSON output")
    }
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Chromium, when this machine has it (CI installs it): `Some(path)`.
/// Headless Chromium; `None` only outside CI (under CI a missing browser fails the test).
pub fn chromium() -> Option<String> {
    gigops_test_support::tools::chromium()
}

/// Renders `page` in headless Chromium to a PNG screenshot at `shot`, as a person would see it.
pub fn screenshot(browser: &str, page: &Path, shot: &Path) {
    let profile = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1280,2400",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        std::fs::metadata(shot).unwrap().len() > 10_000,
        "a blank screenshot"
    );
}
