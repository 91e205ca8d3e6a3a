//! What the reader tests share: fixtures by their path, and the random byte edits of the
//! never-panics properties.

use std::path::PathBuf;

/// A fixture by its path under `tests/fixtures` (`go/gotest.json`).
pub fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// A fixture's text.
pub fn read_fixture(path: &str) -> String {
    let path = fixture(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

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
