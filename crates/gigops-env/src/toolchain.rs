//! Toolchain versions: what this machine runs (`go version`, `rustc --version`, …) and what the
//! project declares (go.mod's `go` directive, Cargo.toml's `rust-version`). The gate checks them
//! against its policy.

use std::path::Path;
use std::process::Command;

use gigops_core::project::Toolchain;

/// What a project under `root` declares and what this machine runs, for every toolchain the
/// project shows signs of using (and any the policy names). Without a root, only what this
/// machine runs of the toolchains the policy names.
pub fn probe(root: Option<&Path>, wanted: &[&str]) -> Vec<Toolchain> {
    let mut toolchains = Vec::new();
    let has = |file: &str| root.is_some_and(|root| root.join(file).exists());
    let read = |file: &str| root.and_then(|root| std::fs::read_to_string(root.join(file)).ok());
    let uses = |file: &str, tool: &str| has(file) || wanted.contains(&tool);
    if uses("go.mod", "go") {
        toolchains.push(Toolchain {
            name: "go".into(),
            version: command_version("go", &["version"], |out| {
                out.split_whitespace()
                    .find(|w| w.starts_with("go1"))
                    .map(|w| w.trim_start_matches("go").to_string())
            }),
            declared: read("go.mod").and_then(|text| go_directive(&text)),
        });
    }
    if uses("Cargo.toml", "rust") {
        toolchains.push(Toolchain {
            name: "rust".into(),
            version: command_version("rustc", &["--version"], second_word),
            declared: read("Cargo.toml").and_then(|text| rust_version(&text)),
        });
    }
    let python = ["pyproject.toml", "setup.py", "requirements.txt"]
        .iter()
        .any(|f| has(f));
    if python || wanted.contains(&"python") {
        toolchains.push(Toolchain {
            name: "python".into(),
            version: command_version("python3", &["--version"], second_word),
            declared: None,
        });
    }
    if uses("package.json", "node") {
        toolchains.push(Toolchain {
            name: "node".into(),
            version: command_version("node", &["--version"], |out| {
                Some(out.trim().trim_start_matches('v').to_string())
            }),
            declared: None,
        });
    }
    toolchains
}

fn second_word(out: &str) -> Option<String> {
    out.split_whitespace().nth(1).map(str::to_string)
}

fn command_version(
    program: &str,
    args: &[&str],
    pick: impl Fn(&str) -> Option<String>,
) -> Option<String> {
    let output = Command::new(program)
        .args(args)
        .env("GOTOOLCHAIN", "local")
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    // python2 printed its version on stderr; look at both.
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    pick(&text)
}

/// go.mod's `go 1.21` directive.
pub fn go_directive(go_mod: &str) -> Option<String> {
    go_mod.lines().find_map(|line| {
        let line = line.split("//").next().unwrap_or_default().trim();
        let version = line.strip_prefix("go ")?.trim();
        Some(version.to_string())
    })
}

/// Cargo.toml's `rust-version`, in `[package]` or `[workspace.package]`.
pub fn rust_version(cargo_toml: &str) -> Option<String> {
    cargo_toml.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        (key.trim() == "rust-version").then(|| value.trim().trim_matches('"').to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_are_read() {
        let go_mod = "module example.com/m\n\ngo 1.21 // minimum\n\nrequire x v1.0.0\n";
        assert_eq!(go_directive(go_mod).as_deref(), Some("1.21"));
        let cargo = "[package]\nname = \"x\"\nrust-version = \"1.80\"\n";
        assert_eq!(rust_version(cargo).as_deref(), Some("1.80"));
    }
}
