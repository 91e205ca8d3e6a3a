//! LCOV tracefiles (lcov::parse): whatever the bytes, coverage or located problems, never a panic.
//!
//! The parser merges several inputs; a NUL byte (never in a real report) splits the fuzz input
//! into up to four of them, so that merging is fuzzed too. A seed without NUL is one input.
#![no_main]

use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 4] = ["a", "b", "c", "d"];

fuzz_target!(|data: &[u8]| {
    let sources = data
        .splitn(NAMES.len(), |&b| b == 0)
        .zip(NAMES)
        .map(|(part, name)| (name, part));
    let _ = gigops_ingest::lcov::parse(sources);
});
