//! What the readers' never-panics properties share: random byte edits of a valid document, and
//! what a refusal of the mutated input must look like.

use gigops_core::Problems;

/// `text` after random edits: each deletes a byte, inserts one of `meaningful` (the bytes the
/// format gives meaning to, and a byte of a multi-byte character), or replaces a byte.
pub fn mutate(text: &str, edits: &[(usize, u8)], meaningful: &[u8]) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for &(at, byte) in edits {
        let at = at % (bytes.len() + 1);
        match byte % 3 {
            0 if at < bytes.len() => {
                bytes.remove(at);
            }
            1 => bytes.insert(at, meaningful[byte as usize % meaningful.len()]),
            _ if at < bytes.len() => bytes[at] = byte,
            _ => {}
        }
    }
    bytes
}

/// [`mutate`], as text (invalid UTF-8 replaced), for readers that take a `&str`.
pub fn mutate_text(text: &str, edits: &[(usize, u8)], meaningful: &[u8]) -> String {
    String::from_utf8_lossy(&mutate(text, edits, meaningful)).into_owned()
}

/// What a reader's refusal of the input `"input"` must be, whatever the input was: at least one
/// problem, each naming that input, on one of its `lines` (or the line after the last), with a
/// reason.
pub fn assert_located(problems: &Problems, lines: u64) {
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
