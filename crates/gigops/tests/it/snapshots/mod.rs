//! What users see, pinned: every command's `--json` output, the Markdown documents and the main
//! tables, as insta snapshots (docs/testing.md, "Snapshots"). Each snapshot is what the command
//! printed on stdout, byte for byte, followed by its stderr when it printed any; only what
//! varies between runs or machines is replaced (see [`Shots::settings`]).
//!
//! Every command that accepts `--json` must have a snapshot of it: see
//! [`every_command_that_accepts_json_has_a_snapshot`].

mod gate;
mod ledger;
mod quote;
mod sow;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use jiff::Timestamp;

use crate::Sandbox;

/// Where insta keeps these tests' snapshot files (its default for this folder of modules).
const SNAPSHOT_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/snapshots/snapshots");

/// What separates a command's stdout from its stderr in a snapshot.
const STDERR_MARK: &str = "----- stderr -----\n";

/// The workspace root: fixtures are read from it, and their paths are shown relative to it.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root")
}

/// A fixture of the workspace by its path under `crates/`, as an absolute path.
pub fn fixture(path: &str) -> String {
    workspace().join("crates").join(path).display().to_string()
}

/// A sandbox whose commands are snapshotted: what they print is compared with the stored
/// snapshot after the run-dependent parts are replaced.
pub struct Shots {
    pub sandbox: Sandbox,
    /// The ledger every command is given: the sandbox's SQLite file, or a PostgreSQL URL.
    db: String,
    /// When the first command started: an instant from then on is "now", not a figure.
    started: Timestamp,
}

impl Shots {
    pub fn new() -> Self {
        let sandbox = Sandbox::new();
        let db = sandbox.db();
        Shots::on(sandbox, db)
    }

    /// A sandbox whose commands use the ledger at `db` (a `postgres://` URL).
    pub fn on(sandbox: Sandbox, db: String) -> Self {
        Shots {
            sandbox,
            db,
            started: Timestamp::now(),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.sandbox.path(name)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        self.sandbox.write(name, text)
    }

    /// `gigops --db LEDGER ARGS…` in the sandbox, not run yet (`--db` first: after a `--`
    /// it would be an argument of the command `gate run` runs).
    pub fn command(&self, args: &[&str]) -> assert_cmd::Command {
        let mut command = self.sandbox.gigops_without_db(&["--db", &self.db]);
        command.args(args);
        command
    }

    /// Runs `args` for what it sets up, not for a snapshot: it must exit with `code`.
    pub fn run(&self, args: &[&str], code: i32) -> Output {
        let output = self.command(args).output().unwrap();
        assert_exit(args, &output, code);
        output
    }

    /// `gigops ARGS --json`: it must exit with `code` and print JSON, which is snapshotted as
    /// `name` and returned.
    pub fn json(&self, name: &str, args: &[&str], code: i32) -> serde_json::Value {
        let args = with_json(args);
        let output = self.snap_command(name, &args, self.command(&args), code);
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "gigops {args:?} printed no JSON ({e}):\n{}",
                String::from_utf8_lossy(&output.stdout)
            )
        })
    }

    /// `gigops ARGS` (with `--json` where the arguments say so) as a person reads it: it must
    /// exit with `code`; what it printed is snapshotted as `name`.
    pub fn text(&self, name: &str, args: &[&str], code: i32) -> Output {
        self.snap_command(name, args, self.command(args), code)
    }

    /// Runs a command built by the caller (another directory, stdin, environment) with the
    /// arguments `args` it was built from, and snapshots it as `name`.
    pub fn snap_command(
        &self,
        name: &str,
        args: &[&str],
        mut command: assert_cmd::Command,
        code: i32,
    ) -> Output {
        let output = command.output().unwrap();
        assert_exit(args, &output, code);
        let mut printed = String::from_utf8(output.stdout.clone()).expect("UTF-8 on stdout");
        let stderr = String::from_utf8(output.stderr.clone()).expect("UTF-8 on stderr");
        if !stderr.is_empty() {
            printed.push_str(STDERR_MARK);
            printed.push_str(&stderr);
        }
        self.assert(name, &format!("gigops {}", args.join(" ")), &printed);
        output
    }

    /// Snapshots a file a command wrote, as `name`.
    pub fn file(&self, name: &str, path: &str) {
        let text = crate::read(&self.path(path));
        self.assert(name, &format!("the file {path}"), &text);
    }

    /// Compares `text`, with what varies replaced, with the snapshot `name`; `description` (the
    /// command line, sandbox paths replaced) goes into the snapshot's header, where
    /// [`every_command_that_accepts_json_has_a_snapshot`] reads it.
    pub fn assert(&self, name: &str, description: &str, text: &str) {
        let text = replace_now(text, self.started, Timestamp::now());
        let mut settings = self.settings();
        settings.set_description(self.plain_paths(description));
        settings.bind(|| insta::assert_snapshot!(name, text));
    }

    /// The sandbox and the workspace by name, in a command line shown in a header.
    fn plain_paths(&self, text: &str) -> String {
        let mut text = text.to_string();
        for (path, name) in self.paths() {
            text = text.replace(&path, name);
        }
        text
    }

    /// The paths that differ from one run or machine to the next, longest first, and what
    /// they are shown as.
    fn paths(&self) -> Vec<(String, &'static str)> {
        let sandbox = self.sandbox.dir.path();
        let mut paths = vec![
            (sandbox.display().to_string(), "[SANDBOX]"),
            (workspace().display().to_string(), "[WORKSPACE]"),
            (self.db.clone(), "[LEDGER]"),
        ];
        // The same directory through symbolic links resolved (macOS's /private/var).
        if let Ok(real) = sandbox.canonicalize() {
            paths.push((real.display().to_string(), "[SANDBOX]"));
        }
        paths.sort_by_key(|(path, _)| std::cmp::Reverse(path.len()));
        paths
    }

    /// What is replaced in every snapshot, and why:
    /// - the sandbox (a new temporary directory each run), the workspace (wherever it is checked
    ///   out, and where the fixtures were made) and the ledger's location (a PostgreSQL URL
    ///   names a database made for the run);
    /// - the versions of the tools on the machine: Go's, which `gate` reports among the
    ///   toolchains and in its documents;
    /// - instants of the run itself, "now" ([`replace_now`], done before these filters).
    ///
    /// Nothing else: every figure, count, amount, key and their order stay as printed.
    fn settings(&self) -> insta::Settings {
        let mut settings = insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        for (path, name) in self.paths() {
            settings.add_filter(&regex_escape(&path), name);
        }
        // Fixtures of real tools' output name the checkout they were made in, /work/main; where
        // the workspace is that checkout, the filter above turns those paths into [WORKSPACE],
        // elsewhere it does not. Shown the same wherever the tests run.
        settings.add_filter(r"/work/main/crates/", "[WORKSPACE]/crates/");
        // `go version` as gigops normalises it, in JSON and in the documents: "1.19.8".
        settings.add_filter(
            r#"("name": "go",\s*"version": )"\d+\.\d+(\.\d+)?[^"]*""#,
            r#"$1"[GO VERSION]""#,
        );
        // ... and in the sentences and tables that name it: "go 1.19.8", "runner 1.19.8".
        settings.add_filter(r"\b(go|runner) \d+\.\d+(\.\d+)?\b", "$1 [GO VERSION]");
        settings
    }
}

/// `args` with `--json`: last, or before the `--` that starts the command of `gate run`.
fn with_json<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut with_json = args.to_vec();
    let at = args.iter().position(|a| *a == "--").unwrap_or(args.len());
    with_json.insert(at, "--json");
    with_json
}

fn assert_exit(args: &[&str], output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "gigops {args:?}\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `text` with every RFC 3339 instant between `from` and `to` (a second of rounding either
/// side) replaced by `[now]`: the commands that record "now" (a saved quote, an attached SOW, a
/// gate run) print the instant they ran, and only those instants; every instant given on a
/// command line or read from a file lies outside the run and is kept.
pub fn replace_now(text: &str, from: Timestamp, to: Timestamp) -> String {
    let from = from - jiff::SignedDuration::from_secs(1);
    let to = to + jiff::SignedDuration::from_secs(2);
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let starts_number = i == 0 || !bytes[i - 1].is_ascii_digit();
        if starts_number && let Some(len) = instant_len(&bytes[i..]) {
            let found = &text[i..i + len];
            let instant: Option<Timestamp> = found.parse().ok();
            if instant.is_some_and(|t| from <= t && t <= to) {
                out.push_str(&text[copied..i]);
                out.push_str("[now]");
                copied = i + len;
            }
            i += len;
            continue;
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

/// The length of the RFC 3339 instant `bytes` starts with, if it does:
/// `YYYY-MM-DDTHH:MM:SS`, an optional fraction, then `Z` or an offset `±HH:MM`.
fn instant_len(bytes: &[u8]) -> Option<usize> {
    const PATTERN: &[u8] = b"dddd-dd-ddTdd:dd:dd";
    if bytes.len() < PATTERN.len() + 1 {
        return None;
    }
    for (&b, &p) in bytes.iter().zip(PATTERN) {
        let fits = match p {
            b'd' => b.is_ascii_digit(),
            b'T' => b == b'T' || b == b' ',
            _ => b == p,
        };
        if !fits {
            return None;
        }
    }
    let mut len = PATTERN.len();
    if bytes.get(len) == Some(&b'.') {
        len += 1;
        while bytes.get(len).is_some_and(u8::is_ascii_digit) {
            len += 1;
        }
    }
    match bytes.get(len) {
        Some(b'Z') => Some(len + 1),
        Some(b'+' | b'-') => {
            let offset = bytes.get(len + 1..len + 6)?;
            let fits = offset[0].is_ascii_digit()
                && offset[1].is_ascii_digit()
                && offset[2] == b':'
                && offset[3].is_ascii_digit()
                && offset[4].is_ascii_digit();
            fits.then_some(len + 6)
        }
        _ => None,
    }
}

/// `text` as a regular expression that matches it literally.
fn regex_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[test]
fn now_is_replaced_and_every_other_instant_kept() {
    let from: Timestamp = "2026-12-07T05:00:00Z".parse().unwrap();
    let to: Timestamp = "2026-12-07T05:00:10Z".parse().unwrap();
    let text = "saved 2026-12-07T05:00:04Z, at 2026-12-07T06:00:04+01:00 and \
                2026-12-07 05:00:10.5Z; opened 2026-12-07T04:00:00Z, due 2026-12-07, \
                id 12026-12-07T05:00:04Z";
    assert_eq!(
        replace_now(text, from, to),
        "saved [now], at [now] and [now]; opened 2026-12-07T04:00:00Z, due 2026-12-07, \
         id 12026-12-07T05:00:04Z"
    );
}

/// Every command that accepts `--json`, found by walking `gigops --help` and each
/// subcommand's help, as the binary itself describes them: ["deal", "add"], …
fn commands_accepting_json(s: &Sandbox) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut pending = vec![Vec::<String>::new()];
    while let Some(path) = pending.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let output = s.gigops_without_db(&args).output().unwrap();
        assert!(output.status.success(), "gigops {args:?}: {output:?}");
        let help = String::from_utf8(output.stdout).unwrap();
        let subcommands: Vec<&str> = section(&help, "Commands:")
            .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
            .filter_map(|line| line.split_whitespace().next())
            .filter(|name| *name != "help")
            .collect();
        if subcommands.is_empty() {
            if section(&help, "Options:").any(names_json) {
                found.push(path);
            }
            continue;
        }
        for name in subcommands {
            let mut sub = path.clone();
            sub.push(name.to_string());
            pending.push(sub);
        }
    }
    found.sort();
    found
}

/// The lines of a help section ("Commands:", "Options:"), up to the next heading (an option's
/// possible values are set apart by blank lines inside the section).
fn section<'h>(help: &'h str, title: &'h str) -> impl Iterator<Item = &'h str> {
    help.lines()
        .skip_while(move |line| *line != title)
        .skip(1)
        .take_while(|line| line.is_empty() || line.starts_with(' '))
}

/// Whether a line of the options section is the `--json` option: `-o, --output <FILE>  Help`
/// names its flags before the help text; a wrapped line of help text starts with no dash.
fn names_json(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with('-')
        && line
            .split("  ")
            .next()
            .unwrap_or_default()
            .split([',', ' '])
            .any(|word| word == "--json")
}

/// A command that accepts `--json` and has no snapshot of it fails here, so a new command
/// cannot slip through: the list comes from the binary's own help (every subcommand, to its
/// leaves), not from a list kept by hand, and the snapshots from their files' headers, where
/// [`Shots::assert`] writes each command line.
#[test]
fn every_command_that_accepts_json_has_a_snapshot() {
    let s = Sandbox::new();
    let commands = commands_accepting_json(&s);
    assert!(
        commands.len() > 40,
        "the help walk found too few commands: {commands:?}"
    );
    let mut snapshotted = BTreeSet::new();
    for entry in std::fs::read_dir(SNAPSHOT_DIR).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "snap") {
            continue;
        }
        let snapshot = insta::Snapshot::from_file(&path).unwrap();
        let Some(line) = snapshot.metadata().description() else {
            continue;
        };
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.first() == Some(&"gigops") && words.contains(&"--json") {
            snapshotted.insert(words[1..].join(" "));
        }
    }
    let missing: Vec<String> = commands
        .iter()
        .map(|path| path.join(" "))
        .filter(|path| {
            !snapshotted
                .iter()
                .any(|line| line == path || line.starts_with(&format!("{path} ")))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "commands that accept --json without a snapshot of it (add one in tests/it/snapshots/):\n  {}",
        missing.join("\n  ")
    );
}
