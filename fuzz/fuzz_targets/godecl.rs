//! Go function declarations (godecl::function_declarations) and a coverprofile counted with them
//! (gocover::parse_counting). The input is a Go source, then a NUL byte, then a profile whose
//! every file is taken to be that source. Whatever the bytes: no panic; the declarations are in
//! order, each ending after it starts and before the next starts; and counting only the blocks
//! within them never counts more statements, covered or in all, than counting every block.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (source, profile) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let source = String::from_utf8_lossy(source);
    let functions = gigops_ingest::godecl::function_declarations(&source);
    for f in &functions {
        assert!(f.start < f.end, "{f:?}");
    }
    for pair in functions.windows(2) {
        assert!(pair[0].end <= pair[1].start, "{pair:?}");
    }
    let every = gigops_ingest::gocover::parse([("p", profile)]);
    let counted =
        gigops_ingest::gocover::parse_counting([("p", profile)], |_| Some(functions.clone()));
    match (every, counted) {
        (Ok(every), Ok(counted)) => {
            assert!(counted.covered() <= every.covered());
            assert!(counted.total() <= every.total());
            assert!(counted.covered() <= counted.total());
        }
        (Err(_), Err(_)) => {}
        (every, counted) => panic!("the same profile read twice: {every:?} / {counted:?}"),
    }
});
