//! The ledger importer (gigops_ledger_files::parse_import, then resolve): whatever the bytes, a
//! ledger or located problems, never a panic — the cargo-fuzz counterpart of
//! crates/gigops-ledger-files/tests/it/fuzz.rs, with the same checks on the problems.
//!
//! The first byte chooses the table (bits 0–1) and the format (bit 2: JSON, else CSV); the rest
//! is the file's text (invalid UTF-8 replaced, as a caller reading text would have to).
#![no_main]

use std::collections::HashSet;

use gigops_core::Stages;
use gigops_ledger_files::{Format, Source, Table, parse_import};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let table = Table::ALL[usize::from(selector & 3)];
    let format = if selector & 4 != 0 {
        Format::Json
    } else {
        Format::Csv
    };
    let lines = rest.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let source = Source {
        name: "input".into(),
        table,
        format,
        bytes: rest.to_vec(),
    };
    let parsed = parse_import(std::slice::from_ref(&source), &Stages::default());
    let known: HashSet<_> = parsed.unresolved_deal_ids().into_iter().collect();
    if let Err(problems) = parsed.resolve(&known) {
        assert!(!problems.0.is_empty());
        for problem in &problems.0 {
            assert_eq!(problem.file, "input");
            assert!(
                problem.line <= lines,
                "{problem} is past the end ({lines} lines)"
            );
            assert!(!problem.reason.is_empty());
        }
    }
});
