//! JUnit XML (junit::parse): whatever the bytes, a test run or located problems, never a panic.
//!
//! And the round trip through the writer: a run that parses, written with junit::write and read
//! back, parses again and gives the same counts.
#![no_main]

use gigops_ingest::junit;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(run) = junit::parse(data, "input") else {
        return;
    };
    let mut written = Vec::new();
    junit::write(&run, &mut written).expect("writing to memory cannot fail");
    let again = match junit::parse(written.as_slice(), "written") {
        Ok(again) => again,
        Err(problems) => panic!(
            "junit::write gave XML that junit::parse rejects: {problems}\n--- written ---\n{}",
            String::from_utf8_lossy(&written)
        ),
    };
    assert_eq!(
        run.counts(),
        again.counts(),
        "counts changed through junit::write\n--- written ---\n{}",
        String::from_utf8_lossy(&written)
    );
});
