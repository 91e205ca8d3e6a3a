//! The SOW reader (gigops_contract::read): whatever the bytes, a SOW or located problems, never
//! a panic. A SOW it returns exports to OpenSLO and has an empty diff with itself; every problem
//! is inside the file and says why.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Lines as YAML counts them: a lone `\r` ends a line too (old Mac files), as in editors.
    let lines = text.replace("\r\n", "\n").split(['\n', '\r']).count() as u64 + 1;
    match gigops_contract::read("sow.yaml", &text) {
        Ok(sow) => {
            let _ = gigops_contract::openslo(&sow);
            assert!(gigops_contract::diff(&sow, &sow).is_empty());
        }
        Err(problems) => {
            assert!(!problems.0.is_empty());
            for problem in &problems.0 {
                assert_eq!(problem.file, "sow.yaml");
                assert!(
                    problem.line <= lines,
                    "{problem} is past the end ({lines} lines)"
                );
                assert!(!problem.reason.is_empty());
            }
        }
    }
});
