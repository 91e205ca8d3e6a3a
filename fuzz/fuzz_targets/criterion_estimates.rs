//! criterion's `estimates.json` (criterion::parse_estimates): whatever the bytes, a benchmark or
//! located problems, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = gigops_ingest::criterion::parse_estimates(data, "input", "suite", "bench");
});
