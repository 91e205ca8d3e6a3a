//! Code size for a quote, and backfiring between lines of code and function points.
//!
//! Lines are counted by gigops-env's tokei sizing ([`gigops_env::size::code_size_in`]), the one
//! the gate's debt is set against too, so that a quote and a gate run of the same tree agree to
//! the line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gigops_core::project::CodeSize;
use gigops_env::EnvError;
use serde::{Deserialize, Serialize};

/// Where a LOC/FP figure comes from.
pub const SOURCE_QSM: &str = "QSM Function Point Languages Table v5.0, median";
pub const SOURCE_COCOMO: &str = "COCOMO II.2000 manual, table 5 (SPR, Jones 1996)";
pub const SOURCE_LOCAL: &str = "gigops starting value: calibrate locally";
pub const SOURCE_CONFIG: &str = "configured";

/// The default lines of code per function point, by tokei language name, with their source.
/// Languages QSM's table (2,192 projects completed recently when it was published) lists carry
/// its median; languages only the COCOMO II manual's older table names carry that; the others
/// (Go, Python and most of what freelancers write today) have no published figure and carry a
/// starting value, to be replaced by your own.
pub fn default_loc_per_fp() -> BTreeMap<String, LocPerFp> {
    let qsm: &[(&str, f64)] = &[
        ("C", 99.0),
        ("C++", 53.0),
        ("C#", 59.0),
        ("COBOL", 55.0),
        ("HTML", 40.0),
        ("Java", 53.0),
        ("JavaScript", 53.0),
    ];
    let cocomo: &[(&str, f64)] = &[
        ("Ada", 49.0),
        ("BASH", 107.0),
        ("FORTRAN Legacy", 107.0),
        ("FORTRAN Modern", 71.0),
        ("Pascal", 91.0),
        ("Perl", 27.0),
        ("Prolog", 64.0),
        ("Shell", 107.0),
        ("SQL", 13.0),
        ("Visual Basic", 29.0),
    ];
    // Set at the closest language QSM lists: Go and Rust at Java's and C++'s 53; the
    // JavaScript family at JavaScript's; the others between those and Perl.
    let local: &[(&str, f64)] = &[
        ("Dart", 50.0),
        ("Go", 53.0),
        ("JSX", 53.0),
        ("Kotlin", 45.0),
        ("PHP", 45.0),
        ("Python", 40.0),
        ("Ruby", 40.0),
        ("Rust", 53.0),
        ("Scala", 45.0),
        ("Swift", 45.0),
        ("TSX", 53.0),
        ("TypeScript", 53.0),
        ("Vue", 53.0),
    ];
    let entry = |(name, value): &(&str, f64), source: &str| {
        (
            (*name).to_string(),
            LocPerFp {
                loc_per_fp: *value,
                source: source.to_string(),
            },
        )
    };
    qsm.iter()
        .map(|e| entry(e, SOURCE_QSM))
        .chain(cocomo.iter().map(|e| entry(e, SOURCE_COCOMO)))
        .chain(local.iter().map(|e| entry(e, SOURCE_LOCAL)))
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocPerFp {
    pub loc_per_fp: f64,
    pub source: String,
}

/// The defaults with the configured figures over them; a configured language must be one tokei
/// knows (the names `tokei --languages` prints), a figure must be positive.
pub fn loc_per_fp_table(
    configured: &BTreeMap<String, f64>,
) -> Result<BTreeMap<String, LocPerFp>, String> {
    let mut table = default_loc_per_fp();
    for (name, value) in configured {
        let Some(language) = gigops_env::size::language_name(name) else {
            return Err(format!(
                "quote.loc_per_fp: {name:?} is not a language tokei knows: expected one of {}",
                gigops_env::size::language_names().join(", ")
            ));
        };
        if !(value.is_finite() && *value > 0.0) {
            return Err(format!(
                "quote.loc_per_fp.{name} = {value}: expected a positive number of lines"
            ));
        }
        table.insert(
            language.to_string(),
            LocPerFp {
                loc_per_fp: *value,
                source: SOURCE_CONFIG.into(),
            },
        );
    }
    Ok(table)
}

/// The figure for a language given by name (case-insensitive); an unknown one lists the valid.
pub fn lookup<'t>(
    table: &'t BTreeMap<String, LocPerFp>,
    language: &str,
) -> Result<(&'t str, &'t LocPerFp), String> {
    table
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(language))
        .map(|(name, entry)| (name.as_str(), entry))
        .ok_or_else(|| {
            format!(
                "{language:?} has no lines-per-function-point figure: expected one of {} (or add it under [quote.loc_per_fp])",
                table.keys().map(String::as_str).collect::<Vec<_>>().join(", ")
            )
        })
}

/// The size of a repository (or of the paths in scope), as the quote reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Size {
    /// The measured directory as given.
    pub root: String,
    /// The paths in scope, relative to the root; empty is the whole tree.
    pub scope: Vec<String>,
    pub files: u64,
    pub code_lines: u64,
    pub comment_lines: u64,
    pub blank_lines: u64,
    /// Code lines of the languages that have a LOC/FP figure: the source code COCOMO sizes.
    /// Prose and data (Markdown, JSON, YAML, …) count in `code_lines` but not here.
    pub source_lines: u64,
    pub by_language: Vec<LanguageLines>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LanguageLines {
    pub language: String,
    pub files: u64,
    pub code: u64,
    pub comments: u64,
    pub blanks: u64,
    /// `null` for a language without a figure: it does not count as source code.
    pub loc_per_fp: Option<f64>,
    /// Function points backfired from this language's code lines.
    pub function_points: Option<f64>,
}

impl Size {
    /// Function points backfired from the code lines, language by language.
    pub fn backfired_fp(&self) -> f64 {
        self.by_language
            .iter()
            .filter_map(|l| l.function_points)
            .sum()
    }
}

/// Measures `root` (only `scope` under it when given) with tokei, and attaches the LOC/FP
/// figure of each language.
pub fn measure(
    root: &Path,
    scope: &[PathBuf],
    exclude: &[String],
    table: &BTreeMap<String, LocPerFp>,
) -> Result<Size, EnvError> {
    let size: CodeSize = gigops_env::size::code_size_in(root, scope, exclude)?;
    let by_language: Vec<LanguageLines> = size
        .by_language
        .iter()
        .map(|l| {
            let loc_per_fp = table.get(&l.language).map(|e| e.loc_per_fp);
            LanguageLines {
                language: l.language.clone(),
                files: l.files,
                code: l.code,
                comments: l.comments,
                blanks: l.blanks,
                loc_per_fp,
                function_points: loc_per_fp.map(|per| l.code as f64 / per),
            }
        })
        .collect();
    Ok(Size {
        root: root.display().to_string(),
        scope: scope.iter().map(|p| p.display().to_string()).collect(),
        files: size.files,
        code_lines: size.code,
        comment_lines: size.comments,
        blank_lines: size.blanks,
        source_lines: by_language
            .iter()
            .filter(|l| l.loc_per_fp.is_some())
            .map(|l| l.code)
            .sum(),
        by_language,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_language_is_a_tokei_language() {
        for name in default_loc_per_fp().keys() {
            let language = gigops_env::size::language_name(name)
                .unwrap_or_else(|| panic!("{name} is not a tokei language name"));
            assert_eq!(language, name);
        }
    }

    #[test]
    fn configured_figures_override_and_are_checked() {
        let mut configured = BTreeMap::new();
        configured.insert("Go".to_string(), 62.0);
        let table = loc_per_fp_table(&configured).unwrap();
        assert_eq!(table["Go"].loc_per_fp, 62.0);
        assert_eq!(table["Go"].source, SOURCE_CONFIG);
        assert_eq!(table["C"].source, SOURCE_QSM);
        assert_eq!(table["Perl"].source, SOURCE_COCOMO);
        configured.insert("Golang".to_string(), 1.0);
        let err = loc_per_fp_table(&configured).unwrap_err();
        assert!(err.contains("Golang") && err.contains("Rust"), "{err}");
        let err = lookup(&table, "brainfuck").unwrap_err();
        assert!(err.contains("Go, ") || err.contains("Go,"), "{err}");
        assert_eq!(lookup(&table, "go").unwrap().0, "Go");
    }
}
