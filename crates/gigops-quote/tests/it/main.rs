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

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}
