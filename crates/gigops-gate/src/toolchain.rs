//! Toolchain versions: what the project declares and what the runner has, and the policy's
//! requirement on them (`go = ">=1.19, <1.23"`, Cargo's requirement syntax).
//!
//! Versions are normalised to three numeric parts so that Go's `1.19`, `go1.19.8` and
//! `go1.21rc2` compare as `1.19.0`, `1.19.8` and `1.21.0-rc2`.

use std::path::Path;
use std::process::Command;

use semver::{Version, VersionReq};
use serde_json::json;

use crate::detail::rule_message;
use crate::summary::{RuleResult, Toolchain};

/// Parses a requirement, saying what was expected when it cannot.
pub fn requirement(text: &str) -> Result<VersionReq, String> {
    VersionReq::parse(text).map_err(|e| {
        format!("{text:?} is not a version requirement such as \">=1.19, <1.23\": {e}")
    })
}

/// `go1.21rc2`, `1.19`, `v20.11.0`, `1.80.1` → a semantic version.
pub fn normalise(text: &str) -> Option<Version> {
    let text = text.trim();
    let text = text
        .strip_prefix("go")
        .or_else(|| text.strip_prefix('v'))
        .unwrap_or(text);
    let numeric_end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (numbers, rest) = text.split_at(numeric_end);
    let mut parts = numbers.split('.').filter(|p| !p.is_empty());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().map_or(Some(0), |p| p.parse().ok())?;
    let patch = parts.next().map_or(Some(0), |p| p.parse().ok())?;
    let mut version = Version::new(major, minor, patch);
    let rest = rest.trim_start_matches('-');
    if !rest.is_empty() {
        version.pre = semver::Prerelease::new(rest).ok()?;
    }
    Some(version)
}

/// The `toolchain.<tool>` rule: every version known (the runner's and the declared one) must
/// meet the requirement, and at least one must be known.
pub fn check(tool: &str, text: &str, found: Option<&Toolchain>) -> Result<RuleResult, String> {
    let req = requirement(text)?;
    let name = format!("toolchain.{tool}");
    let mut seen = Vec::new();
    let mut failing = Vec::new();
    if let Some(found) = found {
        for (source, version) in [
            ("runner", found.version.as_deref()),
            ("declared", found.declared.as_deref()),
        ] {
            let Some(version) = version else { continue };
            seen.push(format!("{source} {version}"));
            match normalise(version) {
                Some(v) if req.matches(&v) => {}
                _ => failing.push(format!("{source} {version}")),
            }
        }
    }
    if seen.is_empty() {
        return Ok(RuleResult::new(
            name,
            false,
            serde_json::Value::Null,
            json!(text),
            rule_message("toolchain_unknown", &[("tool", tool.to_string())]),
        ));
    }
    let value = seen.join(", ");
    let message = if failing.is_empty() {
        rule_message(
            "toolchain_within",
            &[
                ("versions", value.clone()),
                ("requirement", text.to_string()),
            ],
        )
    } else {
        rule_message(
            "toolchain_outside",
            &[
                ("versions", failing.join(" and ")),
                ("requirement", text.to_string()),
            ],
        )
    };
    Ok(RuleResult::new(
        name,
        failing.is_empty(),
        json!(value),
        json!(text),
        message,
    ))
}

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
    fn go_versions_normalise() {
        assert_eq!(normalise("1.19").unwrap().to_string(), "1.19.0");
        assert_eq!(normalise("go1.19.8").unwrap().to_string(), "1.19.8");
        assert_eq!(normalise("go1.21rc2").unwrap().to_string(), "1.21.0-rc2");
        assert_eq!(normalise("v20.11.1").unwrap().to_string(), "20.11.1");
        assert_eq!(normalise("devel"), None);
    }

    #[test]
    fn both_versions_must_meet_the_requirement() {
        let chain = |version: &str, declared: &str| Toolchain {
            name: "go".into(),
            version: Some(version.into()),
            declared: Some(declared.into()),
        };
        let rule = check("go", ">=1.19, <1.23", Some(&chain("1.19.8", "1.19"))).unwrap();
        assert!(rule.passed, "{rule:?}");
        let rule = check("go", ">=1.19, <1.23", Some(&chain("1.23.1", "1.21"))).unwrap();
        assert!(!rule.passed);
        assert_eq!(rule.detail, "runner 1.23.1 outside >=1.19, <1.23");
        let rule = check("go", ">=1.19, <1.23", Some(&chain("1.20.0", "1.18"))).unwrap();
        assert!(!rule.passed);
        assert!(rule.detail.starts_with("declared 1.18 outside"));
        let rule = check("go", ">=1.19", None).unwrap();
        assert!(!rule.passed);
        assert!(requirement(">= one").is_err());
    }

    #[test]
    fn declarations_are_read() {
        let go_mod = "module example.com/m\n\ngo 1.21 // minimum\n\nrequire x v1.0.0\n";
        assert_eq!(go_directive(go_mod).as_deref(), Some("1.21"));
        let cargo = "[package]\nname = \"x\"\nrust-version = \"1.80\"\n";
        assert_eq!(rust_version(cargo).as_deref(), Some("1.80"));
    }
}
