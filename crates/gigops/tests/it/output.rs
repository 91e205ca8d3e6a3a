//! How gigops behaves as a Unix program: a reader that goes away, the files it creates.

use crate::Sandbox;

/// Runs `gigops ARGS…` with its stdout a pipe whose reader has already gone (`gigops … | head`
/// that stopped reading): no panic, exit 0, nothing on stderr.
fn into_a_closed_pipe(s: &Sandbox, args: &[&str]) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = sandboxed(s)
        .args(args)
        .arg("--db")
        .arg(s.db())
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked"),
        "gigops {args:?} panicked:\n{stderr}"
    );
    assert_eq!(output.status.code(), Some(0), "gigops {args:?}:\n{stderr}");
}

/// The sandbox's environment on a plain `std::process::Command` (whose stdout can be any pipe).
fn sandboxed(s: &Sandbox) -> std::process::Command {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("gigops"));
    command
        .current_dir(s.dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", s.path("home"))
        .env("XDG_CONFIG_HOME", s.path("home/.config"))
        .env("XDG_DATA_HOME", s.path("home/.local/share"));
    command
}

#[test]
fn no_command_panics_when_its_reader_went_away() {
    let s = Sandbox::new();
    s.ok(&["client", "add", "Acme", "--currency", "USD"]);
    for args in [
        &["completions", "bash"][..],
        &["completions", "zsh"],
        &["sow", "new"],
        &["sow", "schema"],
        &["quote", "schema"],
        &["deal", "list"],
        &["deal", "list", "--json"],
        &["client", "list"],
        &["config", "show"],
    ] {
        into_a_closed_pipe(&s, args);
    }
    let sow = s.path("sow.yaml");
    s.ok(&["sow", "new", "-o", sow.to_str().unwrap()]);
    into_a_closed_pipe(
        &s,
        &["sow", "slo", sow.to_str().unwrap(), "--format", "openslo"],
    );
}

#[cfg(unix)]
#[test]
fn files_are_created_with_the_users_umask_not_private() {
    use std::os::unix::fs::PermissionsExt;
    let s = Sandbox::new();
    let sow = s.path("sow.yaml");
    let private = s.path("private.yaml");
    // The test's own umask is inherited; a shell sets each one for the check.
    for (umask, path, expected) in [("022", &sow, 0o644), ("077", &private, 0o600)] {
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("umask {umask} && exec \"$0\" sow new -o \"$1\"",))
            .arg(assert_cmd::cargo::cargo_bin("gigops"))
            .arg(path)
            .env("HOME", s.path("home"))
            .env("XDG_CONFIG_HOME", s.path("home/.config"))
            .status()
            .unwrap();
        assert!(status.success());
        let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, expected, "created {mode:o} under umask {umask}");
    }
}
