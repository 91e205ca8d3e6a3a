//! checkstyle XML (checkstyle::parse): whatever the bytes, a result or located problems, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = gigops_ingest::checkstyle::parse(data, "input");
});
