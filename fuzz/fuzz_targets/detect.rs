//! Format detection (evidence::detect): whatever the bytes, a format or `None`, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = gigops_ingest::evidence::detect(data);
});
