//! go test -json output (gotest::parse): whatever the bytes, a result or located problems, never
//! a panic; and a result holds together: every result read from Go's text is a test of the run
//! with that result, inner failures are failures, and the counts add up.
#![no_main]

use gigops_core::evidence::TestStatus;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(run) = gigops_ingest::gotest::parse(data, "input") else {
        return;
    };
    let every = || run.cases.iter().chain(&run.inner_failures);
    for recovered in &run.recovered {
        assert!(
            every().any(|c| c.suite == recovered.suite
                && c.name == recovered.name
                && c.status == recovered.status),
            "{recovered:?} is not a test of the run"
        );
    }
    assert!(run.inner_failures.iter().all(|c| c.status == TestStatus::Failed));
    let counts = run.counts();
    assert_eq!(counts.total, counts.passed + counts.failed + counts.skipped);
    assert_eq!(counts.total, run.cases.len() as u64);
    assert_eq!(counts.inner_failures, run.inner_failures.len() as u64);
});
