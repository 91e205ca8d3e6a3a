//! Coverage and findings broken down the way reports show them: coverage per package and per
//! file, findings per rule. Computed here, once, so that summary.json, the Markdown summary and
//! the HTML report show the same figures.

use std::collections::BTreeMap;

use gigops_core::evidence::{Coverage, FindingLevel, Findings};

use crate::summary::{CoverageShare, RuleFindings};

fn share(name: &str, covered: u64, total: u64) -> CoverageShare {
    CoverageShare {
        name: name.to_string(),
        covered,
        total,
        percent: (total > 0).then(|| 100.0 * covered as f64 / total as f64),
    }
}

/// Least covered first; what has nothing instrumented last; then by name.
fn least_covered_first(rows: &mut [CoverageShare]) {
    rows.sort_by(|a, b| {
        let key = |r: &CoverageShare| r.percent.unwrap_or(f64::INFINITY);
        key(a).total_cmp(&key(b)).then_with(|| a.name.cmp(&b.name))
    });
}

/// The package of a covered file: its directory as the tool names it (`example.com/shop/calc`
/// for Go, `src/app` for LCOV), or `.` for a file named without one.
pub fn package_of(path: &str) -> &str {
    path.rsplit_once('/').map_or(".", |(dir, _)| dir)
}

/// Coverage per package, least covered first.
pub fn coverage_by_package(coverage: &Coverage) -> Vec<CoverageShare> {
    let mut packages: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for file in &coverage.files {
        let entry = packages.entry(package_of(&file.path)).or_default();
        entry.0 += file.covered;
        entry.1 += file.total;
    }
    let mut rows: Vec<CoverageShare> = packages
        .into_iter()
        .map(|(name, (covered, total))| share(name, covered, total))
        .collect();
    least_covered_first(&mut rows);
    rows
}

/// Coverage per file, least covered first.
pub fn coverage_by_file(coverage: &Coverage) -> Vec<CoverageShare> {
    let mut rows: Vec<CoverageShare> = coverage
        .files
        .iter()
        .map(|f| share(&f.path, f.covered, f.total))
        .collect();
    least_covered_first(&mut rows);
    rows
}

/// Findings per tool, rule and level: errors first, then the most frequent, then by tool and
/// rule.
pub fn findings_by_rule(findings: &Findings) -> Vec<RuleFindings> {
    let mut rules: BTreeMap<(&str, &str, FindingLevel), (u64, Option<f64>)> = BTreeMap::new();
    for f in &findings.findings {
        let entry = rules.entry((&f.tool, &f.rule, f.level)).or_default();
        entry.0 += 1;
        if let Some(score) = f.security_severity {
            entry.1 = Some(entry.1.map_or(score, |worst: f64| worst.max(score)));
        }
    }
    let mut rows: Vec<RuleFindings> = rules
        .into_iter()
        .map(|((tool, rule, level), (count, worst))| RuleFindings {
            tool: tool.to_string(),
            rule: rule.to_string(),
            level,
            count,
            security_severity: worst,
        })
        .collect();
    // Stable: equal rows keep the map's tool and rule order.
    rows.sort_by(|a, b| b.level.cmp(&a.level).then(b.count.cmp(&a.count)));
    rows
}

#[cfg(test)]
mod tests {
    use gigops_core::evidence::{CoverageUnit, FileCoverage, Finding};

    use super::*;

    fn file(path: &str, covered: u64, total: u64) -> FileCoverage {
        FileCoverage {
            path: path.into(),
            covered,
            total,
            lines: Vec::new(),
        }
    }

    #[test]
    fn packages_add_their_files_and_the_least_covered_come_first() {
        let coverage = Coverage {
            unit: CoverageUnit::Statements,
            files: vec![
                file("example.com/shop/calc/calc.go", 3, 4),
                file("example.com/shop/calc/div.go", 1, 4),
                file("example.com/shop/gen/empty.go", 0, 0),
                file("example.com/shop/util/util.go", 1, 4),
                file("main.go", 2, 2),
            ],
            counted_whole: Vec::new(),
        };
        let packages = coverage_by_package(&coverage);
        let names: Vec<&str> = packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "example.com/shop/util",
                "example.com/shop/calc",
                ".",
                "example.com/shop/gen"
            ]
        );
        assert_eq!((packages[1].covered, packages[1].total), (4, 8));
        assert_eq!(packages[1].percent, Some(50.0));
        assert_eq!(packages[3].percent, None);
        // The packages add up to the total.
        let covered: u64 = packages.iter().map(|p| p.covered).sum();
        assert_eq!(covered, coverage.covered());
        let files = coverage_by_file(&coverage);
        assert_eq!(files[0].name, "example.com/shop/calc/div.go");
        assert_eq!(files[0].percent, Some(25.0));
    }

    #[test]
    fn findings_per_rule_keep_the_worst_security_severity() {
        let finding = |rule: &str, level, score| Finding {
            tool: "gosec".into(),
            rule: rule.into(),
            level,
            security_severity: score,
            message: String::new(),
            path: None,
            line: None,
            column: None,
        };
        let findings = Findings {
            findings: vec![
                finding("G104", FindingLevel::Warning, None),
                finding("G101", FindingLevel::Error, Some(7.5)),
                finding("G104", FindingLevel::Warning, Some(2.0)),
                finding("G101", FindingLevel::Error, Some(9.1)),
                finding("G107", FindingLevel::Warning, None),
                finding("G104", FindingLevel::Warning, None),
            ],
        };
        let rules = findings_by_rule(&findings);
        let rows: Vec<(&str, u64, Option<f64>)> = rules
            .iter()
            .map(|r| (r.rule.as_str(), r.count, r.security_severity))
            .collect();
        assert_eq!(
            rows,
            [
                ("G101", 2, Some(9.1)),
                ("G104", 3, Some(2.0)),
                ("G107", 1, None)
            ]
        );
    }
}
