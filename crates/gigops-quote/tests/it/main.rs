//! Integration tests of gigops-quote: the cross-checks of issue 4 (tokei's CLI, scc's COCOMO 81
//! vectors, COCOMO II at 10 KSLOC, a hand count of the Swagger Petstore), bad input, and the
//! estimate end to end.

mod cocomo;
mod entities;
mod estimate;
mod fuzz;
mod petstore;
mod properties;
mod tokei_cli;

use std::path::PathBuf;

use gigops_quote::fp::{Complexity, FunctionKind};
use gigops_quote::openapi;

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A fixture's OpenAPI document, counted.
pub fn counted(file: &str) -> openapi::ApiCount {
    let text = std::fs::read_to_string(fixture(file)).unwrap();
    openapi::count(file, &text).unwrap()
}

/// The functions of a count as (name, type, DET, RET or FTR, complexity, points).
pub fn table(api: &openapi::ApiCount) -> Vec<(&str, FunctionKind, u32, u32, Complexity, u32)> {
    api.functions
        .iter()
        .map(|f| {
            (
                f.name.as_str(),
                f.kind,
                f.det.unwrap(),
                f.ret.or(f.ftr).unwrap(),
                f.complexity,
                f.points,
            )
        })
        .collect()
}
