//! Toolchain versions: what the project declares and what the runner has, and the policy's
//! requirement on them (`go = ">=1.19, <1.23"`, Cargo's requirement syntax). The versions are
//! read by gigops-env (`toolchain::probe`) and given here.
//!
//! Versions are normalised to three numeric parts so that Go's `1.19`, `go1.19.8` and
//! `go1.21rc2` compare as `1.19.0`, `1.19.8` and `1.21.0-rc2`.

use gigops_core::project::Toolchain;
use semver::{Version, VersionReq};
use serde_json::json;

use crate::detail::rule_message;
use crate::summary::RuleResult;

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
}
