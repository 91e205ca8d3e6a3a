//! Integration tests of gigops-contract: the reader on fixtures (every rule, every place), the
//! diff, acceptance against gate summaries, OpenSLO export and sign-off.

mod accept;
mod diff;
mod openslo;
mod read;

use std::path::PathBuf;

pub fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn valid() -> gigops_contract::Sow {
    gigops_contract::read("valid.yaml", &fixture("valid.yaml")).unwrap_or_else(|e| panic!("{e}"))
}

/// Every problem of a fixture, as displayed.
pub fn problems(name: &str) -> Vec<String> {
    gigops_contract::check(name, &fixture(name))
        .iter()
        .map(ToString::to_string)
        .collect()
}
