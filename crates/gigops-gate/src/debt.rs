//! Technical debt: SQALE-style remediation time, debt ratio and rating, and hotspots.
//!
//! The code size and change history it is set against are read by gigops-env and given here
//! ([`CodeSize`], [`ChangeFrequency`]); this module only computes:
//!
//! - [`assess`] prices every finding in remediation minutes ([`DebtConfig`]), sets the total
//!   against the cost of writing the code (30 minutes a line), rates the ratio A–E, and ranks
//!   files by debt × changes: the debt most worth paying is where the team keeps working.
//!
//! The definitions of every number, and where the default prices come from, are in
//! docs/gate.md.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use globset::{GlobBuilder, GlobMatcher};
use serde::{Deserialize, Serialize};

use gigops_core::evidence::{Finding, FindingLevel, Findings};
use gigops_core::json::infinite_as_null;
use gigops_core::project::{ChangeFrequency, ChangeWindow, CodeSize, LanguageSize};

use crate::summary::NotMeasured;

/// The development cost of one line of code, in minutes: SonarQube's default
/// (`sonar.technicalDebt.developmentCost`), and the definition of the debt ratio.
pub const MINUTES_PER_LINE: u64 = 30;

/// A key of `debt.rules` that is not a glob pattern.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("debt.rules: {pattern:?} is not a usable pattern: {reason}")]
pub struct InvalidRule {
    pub pattern: String,
    pub reason: String,
}

// ---------------------------------------------------------------------------------------------
// Configuration

/// How debt is priced and hotspots are found: the `[gate.debt]` table of gigops.toml.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DebtConfig {
    /// Remediation minutes of a finding, by its level.
    pub minutes: LevelMinutes,
    /// Remediation minutes of a finding that carries a security severity, by its band; a
    /// security finding costs the larger of this and its level's minutes.
    pub security: SecurityMinutes,
    /// Rule id or glob pattern → remediation minutes, overriding both tables above. An exact id
    /// wins over a pattern; of several matching patterns the longest wins.
    pub rules: RuleMinutes,
    /// How many days back from now the change history for hotspots reaches.
    pub hotspot_window_days: u32,
    /// How many hotspots are listed; 0 lists none.
    pub hotspot_limit: usize,
    /// Paths left out of the code size, in .gitignore syntax (`vendor`, `/gen/`, `*.pb.go`,
    /// `docs/**/*.py`), relative to the measured directory. By default [`DEFAULT_EXCLUDE`];
    /// setting it replaces the default (`[]` sizes everything).
    pub exclude: Vec<String>,
}

/// Code the project carries but did not write, left out of its size by default: Go's and PHP's
/// `vendor/`, the `third_party/` of Google-style repositories, npm's `node_modules/`. Counting
/// it would dilute the debt ratio with lines nobody on the project maintains.
pub const DEFAULT_EXCLUDE: [&str; 3] = ["vendor/", "third_party/", "node_modules/"];

impl Default for DebtConfig {
    fn default() -> Self {
        DebtConfig {
            minutes: LevelMinutes::default(),
            security: SecurityMinutes::default(),
            rules: RuleMinutes::default(),
            hotspot_window_days: 90,
            hotspot_limit: 10,
            exclude: DEFAULT_EXCLUDE.map(String::from).to_vec(),
        }
    }
}

/// Remediation minutes by finding level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LevelMinutes {
    pub error: u32,
    pub warning: u32,
    pub note: u32,
}

impl Default for LevelMinutes {
    /// A warning costs what SonarQube charges for an issue imported from another linter (5
    /// minutes, at the MAJOR severity SonarQube gives SARIF `warning`); an error, which is
    /// usually a defect rather than a smell, three times that; a note, mostly style, 2 minutes.
    fn default() -> Self {
        LevelMinutes {
            error: 15,
            warning: 5,
            note: 2,
        }
    }
}

impl LevelMinutes {
    pub fn of(&self, level: FindingLevel) -> u32 {
        match level {
            FindingLevel::Error => self.error,
            FindingLevel::Warning => self.warning,
            FindingLevel::Note => self.note,
        }
    }
}

/// The band of a security-severity score, as GitHub code scanning and CVSS v3 name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecurityBand {
    /// More than 0.0 and less than 4.0.
    Low,
    /// At least 4.0 and less than 7.0.
    Medium,
    /// At least 7.0 and less than 9.0.
    High,
    /// At least 9.0.
    Critical,
}

impl SecurityBand {
    /// `None` for 0.0 (CVSS "none"), a negative score or NaN: such a finding is priced by its
    /// level alone.
    pub fn of(score: f64) -> Option<SecurityBand> {
        if score >= 9.0 {
            Some(SecurityBand::Critical)
        } else if score >= 7.0 {
            Some(SecurityBand::High)
        } else if score >= 4.0 {
            Some(SecurityBand::Medium)
        } else if score > 0.0 {
            Some(SecurityBand::Low)
        } else {
            None
        }
    }
}

/// Remediation minutes by security band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecurityMinutes {
    pub critical: u32,
    pub high: u32,
    pub medium: u32,
    pub low: u32,
}

impl Default for SecurityMinutes {
    /// Critical at 30 minutes, what SonarSource's analyzers charge for their blocker
    /// vulnerabilities (hard-coded credentials, S2068); lower bands step down to the warning
    /// price, so that a low-severity security finding costs no more than any warning.
    fn default() -> Self {
        SecurityMinutes {
            critical: 30,
            high: 20,
            medium: 10,
            low: 5,
        }
    }
}

impl SecurityMinutes {
    pub fn of(&self, band: SecurityBand) -> u32 {
        match band {
            SecurityBand::Critical => self.critical,
            SecurityBand::High => self.high,
            SecurityBand::Medium => self.medium,
            SecurityBand::Low => self.low,
        }
    }
}

/// Per-rule remediation minutes: exact rule ids and glob patterns, compiled once.
///
/// A key with none of `*?[{` is an exact id. A pattern's `*` also matches `/` and `::`, since
/// rule ids are not paths (`clippy::*`, `@typescript-eslint/*`); `\` escapes a metacharacter.
#[derive(Debug, Clone, Default)]
pub struct RuleMinutes {
    entries: BTreeMap<String, u32>,
    /// Longest pattern first, then in key order: the order they are tried in.
    patterns: Vec<(String, GlobMatcher, u32)>,
}

impl RuleMinutes {
    pub fn new(entries: BTreeMap<String, u32>) -> Result<Self, InvalidRule> {
        let mut patterns = Vec::new();
        for (key, minutes) in &entries {
            if !key.contains(['*', '?', '[', '{']) {
                continue;
            }
            let glob = GlobBuilder::new(key)
                .literal_separator(false)
                // Fixed rather than the platform default, so a config means the same everywhere.
                .backslash_escape(true)
                .build()
                .map_err(|e| InvalidRule {
                    pattern: key.clone(),
                    reason: e.kind().to_string(),
                })?;
            patterns.push((key.clone(), glob.compile_matcher(), *minutes));
        }
        // Stable: among patterns of one length the BTreeMap's key order stays.
        patterns.sort_by_key(|(key, _, _)| std::cmp::Reverse(key.len()));
        Ok(RuleMinutes { entries, patterns })
    }

    /// The minutes configured for a rule id: its exact entry, else its longest matching pattern.
    pub fn get(&self, rule: &str) -> Option<u32> {
        if let Some(minutes) = self.entries.get(rule) {
            return Some(*minutes);
        }
        self.patterns
            .iter()
            .find(|(_, glob, _)| glob.is_match(rule))
            .map(|(_, _, minutes)| *minutes)
    }

    pub fn entries(&self) -> &BTreeMap<String, u32> {
        &self.entries
    }
}

impl PartialEq for RuleMinutes {
    fn eq(&self, other: &Self) -> bool {
        // The patterns are compiled from the entries.
        self.entries == other.entries
    }
}

impl Serialize for RuleMinutes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.entries.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RuleMinutes {
    /// Patterns are compiled while the config is read, so that a bad one is reported with the
    /// config's other errors rather than when the gate runs.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let entries = BTreeMap::<String, u32>::deserialize(deserializer)?;
        RuleMinutes::new(entries).map_err(serde::de::Error::custom)
    }
}

impl DebtConfig {
    /// What fixing one finding is estimated to take: the rule's own minutes when configured;
    /// otherwise its level's minutes, raised to its security band's when it has one.
    pub fn remediation_minutes(&self, finding: &Finding) -> u32 {
        if let Some(minutes) = self.rules.get(&finding.rule) {
            return minutes;
        }
        let by_level = self.minutes.of(finding.level);
        let by_security = finding
            .security_severity
            .and_then(SecurityBand::of)
            .map_or(0, |band| self.security.of(band));
        by_level.max(by_security)
    }
}

// ---------------------------------------------------------------------------------------------
// Assessment

/// The SQALE maintainability rating of a debt ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Rating {
    /// At most 5 %.
    A,
    /// More than 5 % and less than 10 %.
    B,
    /// At least 10 % and less than 20 %.
    C,
    /// At least 20 % and less than 50 %.
    D,
    /// At least 50 %, or debt with no code to set it against.
    E,
}

impl Rating {
    /// The rating of `minutes` of debt on `code_lines` lines, compared in integers so that
    /// exactly 5 % is A and exactly 10 % is C whatever floating point would round to.
    pub fn of(minutes: u64, code_lines: u64) -> Rating {
        let development = u128::from(code_lines) * u128::from(MINUTES_PER_LINE);
        if development == 0 {
            return if minutes == 0 { Rating::A } else { Rating::E };
        }
        // minutes / development against p / 100, as minutes × 100 against development × p.
        let debt = u128::from(minutes) * 100;
        if debt <= development * 5 {
            Rating::A
        } else if debt < development * 10 {
            Rating::B
        } else if debt < development * 20 {
            Rating::C
        } else if debt < development * 50 {
            Rating::D
        } else {
            Rating::E
        }
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rating::A => "A",
            Rating::B => "B",
            Rating::C => "C",
            Rating::D => "D",
            Rating::E => "E",
        })
    }
}

impl FromStr for Rating {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "A" | "a" => Ok(Rating::A),
            "B" | "b" => Ok(Rating::B),
            "C" | "c" => Ok(Rating::C),
            "D" | "d" => Ok(Rating::D),
            "E" | "e" => Ok(Rating::E),
            _ => Err(format!("{s:?} is not a rating (A, B, C, D or E)")),
        }
    }
}

/// The technical debt of a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Debt {
    /// Remediation minutes of every finding.
    pub minutes: u64,
    pub code_lines: u64,
    /// What writing the code is taken to have cost: code lines × [`Debt::minutes_per_line`].
    pub development_minutes: u64,
    /// The development cost of a line the ratio is computed with ([`MINUTES_PER_LINE`]).
    #[serde(default = "minutes_per_line")]
    pub minutes_per_line: u64,
    /// `minutes / development_minutes`, a fraction (0.034 is 3.4 %); 0 when there is neither
    /// debt nor code; infinite, written `null` in JSON, when there is debt but no code.
    #[serde(with = "infinite_as_null")]
    pub ratio: f64,
    pub rating: Rating,
    /// The code size the ratio is set against.
    pub by_language: Vec<LanguageSize>,
    /// Most minutes first; then by tool, rule, and the more serious level first.
    pub by_rule: Vec<RuleDebt>,
    /// Most minutes first, then by path. Findings without a path are in `unlocated_minutes`.
    pub by_file: Vec<FileDebt>,
    pub unlocated_minutes: u64,
    /// The history hotspots were ranked by; `null` when there was none (not a repository).
    pub hotspot_window: Option<ChangeWindow>,
    /// Files with both debt and changes, by debt × changes, highest first, then by path.
    pub hotspots: Vec<Hotspot>,
}

/// The findings of one rule at one level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleDebt {
    pub tool: String,
    pub rule: String,
    pub level: FindingLevel,
    pub count: u64,
    pub minutes: u64,
}

/// The findings of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDebt {
    /// Relative to the measured directory when the finding's path is under it (see
    /// [`normalize_path`]).
    pub path: String,
    pub minutes: u64,
    pub findings: u64,
}

/// A file whose debt the team keeps working around.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hotspot {
    pub path: String,
    pub debt_minutes: u64,
    /// Commits that touched the file in the window.
    pub changes: u32,
    /// `debt_minutes × changes`.
    pub score: u64,
}

/// Prices the findings, rates the debt against the code size, and ranks hotspots when there is
/// change history. Finding paths are made relative to the measured directory
/// ([`CodeSize::roots`]) so that they match git's paths.
pub fn assess(
    findings: &Findings,
    size: &CodeSize,
    changes: Option<&ChangeFrequency>,
    config: &DebtConfig,
) -> Debt {
    let mut total = 0u64;
    let mut unlocated = 0u64;
    let mut by_rule: BTreeMap<(&str, &str, FindingLevel), (u64, u64)> = BTreeMap::new();
    let mut by_file: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for finding in &findings.findings {
        let minutes = u64::from(config.remediation_minutes(finding));
        total += minutes;
        let rule = by_rule
            .entry((&finding.tool, &finding.rule, finding.level))
            .or_default();
        rule.0 += 1;
        rule.1 += minutes;
        match &finding.path {
            Some(path) => {
                let file = by_file
                    .entry(normalize_path(path, &size.roots))
                    .or_default();
                file.0 += 1;
                file.1 += minutes;
            }
            None => unlocated += minutes,
        }
    }

    let mut by_rule: Vec<RuleDebt> = by_rule
        .into_iter()
        .map(|((tool, rule, level), (count, minutes))| RuleDebt {
            tool: tool.to_string(),
            rule: rule.to_string(),
            level,
            count,
            minutes,
        })
        .collect();
    by_rule.sort_by(|a, b| {
        (b.minutes.cmp(&a.minutes))
            .then_with(|| a.tool.cmp(&b.tool))
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| b.level.cmp(&a.level))
    });

    let mut by_file: Vec<FileDebt> = by_file
        .into_iter()
        .map(|(path, (findings, minutes))| FileDebt {
            path,
            minutes,
            findings,
        })
        .collect();
    by_file.sort_by(|a, b| b.minutes.cmp(&a.minutes).then_with(|| a.path.cmp(&b.path)));

    let mut hotspots: Vec<Hotspot> = match changes {
        Some(changes) => by_file
            .iter()
            .filter_map(|file| {
                let changed = *changes.files.get(&file.path)?;
                (changed > 0 && file.minutes > 0).then(|| Hotspot {
                    path: file.path.clone(),
                    debt_minutes: file.minutes,
                    changes: changed,
                    score: file.minutes.saturating_mul(u64::from(changed)),
                })
            })
            .collect(),
        None => Vec::new(),
    };
    hotspots.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.path.cmp(&b.path)));
    hotspots.truncate(config.hotspot_limit);

    let development = size.code.saturating_mul(MINUTES_PER_LINE);
    let ratio = match (total, development) {
        (0, 0) => 0.0,
        (_, 0) => f64::INFINITY,
        (minutes, development) => minutes as f64 / development as f64,
    };
    Debt {
        minutes: total,
        code_lines: size.code,
        development_minutes: development,
        minutes_per_line: MINUTES_PER_LINE,
        ratio,
        rating: Rating::of(total, size.code),
        by_language: size.by_language.clone(),
        by_rule,
        by_file,
        unlocated_minutes: unlocated,
        hotspot_window: changes.map(|c| c.window.clone()),
        hotspots,
    }
}

fn minutes_per_line() -> u64 {
    MINUTES_PER_LINE
}

/// Measures the technical debt of the project at `root` from `findings`, or says why it cannot
/// be measured: without findings evidence there is nothing to price (no lint output is not the
/// same as a clean lint), without a root or without code there is nothing to set it against
/// (a ratio against zero lines would be infinite).
///
/// `read` reads the root's code size and, when it has code, its change history (gigops-env's
/// `code_with_history`); it is called only when there are findings and a root, so a run that
/// cannot measure debt reads nothing. Without history there are no hotspots.
pub fn measure<R, E>(
    root: Option<R>,
    findings: Option<&Findings>,
    config: &DebtConfig,
    read: impl FnOnce(R, &DebtConfig) -> Result<(CodeSize, Option<ChangeFrequency>), E>,
) -> Result<Result<Debt, NotMeasured>, E> {
    let Some(findings) = findings else {
        return Ok(Err(NotMeasured::NoFindings));
    };
    let Some(root) = root else {
        return Ok(Err(NotMeasured::NoRoot));
    };
    let (size, changes) = read(root, config)?;
    if size.code == 0 {
        return Ok(Err(NotMeasured::NoCode));
    }
    Ok(Ok(assess(findings, &size, changes.as_ref(), config)))
}

/// A finding's path as it is compared with git's: `/`-separated, without `.` segments or `..`
/// that can be resolved, a `file://` URI turned into its path, and relative to the first of
/// `roots` (absolute directories) it lies under. A relative path is taken to be relative to the
/// root already; an absolute path under no root is kept absolute.
pub fn normalize_path(path: &str, roots: &[PathBuf]) -> String {
    let path = from_file_uri(path).replace('\\', "/");
    let (absolute, segments) = split_segments(&path);
    if absolute {
        for root in roots {
            let root = root.to_string_lossy().replace('\\', "/");
            let (_, root_segments) = split_segments(&root);
            if segments.starts_with(&root_segments) {
                return segments[root_segments.len()..].join("/");
            }
        }
    }
    let joined = segments.join("/");
    if path.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

/// Whether the path is absolute (`/…`, or `C:/…` on Windows), and its segments with `.` and
/// empty ones dropped and `..` applied where there is something to go up from.
fn split_segments(path: &str) -> (bool, Vec<&str>) {
    let bytes = path.as_bytes();
    let drive = bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && &bytes[1..3] == b":/";
    let absolute = path.starts_with('/') || drive;
    let mut out: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." if out.last().is_some_and(|s| *s != "..") => {
                out.pop();
            }
            // Above the root of an absolute path there is nothing.
            ".." if absolute => {}
            other => out.push(other),
        }
    }
    (absolute, out)
}

/// The path of a `file:` URI (`file:///home/x`, `file://localhost/home/x`, `file:///C:/x`),
/// percent-decoded; anything else unchanged.
fn from_file_uri(path: &str) -> String {
    let Some(rest) = path.strip_prefix("file://") else {
        return path.to_string();
    };
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let mut bytes = Vec::with_capacity(rest.len());
    let raw = rest.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if raw[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                raw.get(i + 1).and_then(|b| hex(*b)),
                raw.get(i + 2).and_then(|b| hex(*b)),
            )
        {
            bytes.push((hi * 16 + lo) as u8);
            i += 3;
            continue;
        }
        bytes.push(raw[i]);
        i += 1;
    }
    let decoded = String::from_utf8_lossy(&bytes).into_owned();
    // `/C:/x` is the Windows path `C:/x`.
    let b = decoded.as_bytes();
    if b.len() >= 4 && b[0] == b'/' && b[1].is_ascii_alphabetic() && &b[2..4] == b":/" {
        decoded[1..].to_string()
    } else {
        decoded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_made_relative_to_the_root_they_lie_under() {
        let roots = [PathBuf::from("/ci/work/proj"), PathBuf::from("/real/proj")];
        let n = |p: &str| normalize_path(p, &roots);
        assert_eq!(n("src/a.go"), "src/a.go");
        assert_eq!(n("./src/a.go"), "src/a.go");
        assert_eq!(n("src/./x/../a.go"), "src/a.go");
        assert_eq!(n("/ci/work/proj/src/a.go"), "src/a.go");
        assert_eq!(n("/real/proj/src/a.go"), "src/a.go");
        assert_eq!(n("file:///ci/work/proj/src/my%20a.go"), "src/my a.go");
        assert_eq!(n("src\\win\\a.go"), "src/win/a.go");
        // Not under a root: kept absolute, and a root's name as a prefix is not a parent.
        assert_eq!(n("/ci/work/project/a.go"), "/ci/work/project/a.go");
        assert_eq!(n("../other/a.go"), "../other/a.go");
        let windows = [PathBuf::from("C:\\ci\\proj")];
        assert_eq!(
            normalize_path("C:\\ci\\proj\\src\\a.go", &windows),
            "src/a.go"
        );
        assert_eq!(normalize_path("file:///C:/ci/proj/a.go", &windows), "a.go");
    }
}
