//! Lines of a reader, handed out from the reader's own buffer.

use std::io::{self, BufRead};

/// Reads a [`BufRead`] line by line. A line that lies wholly in the reader's buffer is handed out
/// from there, uncopied; only one that crosses the buffer's end is gathered into a buffer of its
/// own. The line-oriented parsers read streams of a gigabyte, where copying every line costs
/// as much as looking at it.
pub(crate) struct Lines<R> {
    reader: R,
    /// A line that crossed the end of the reader's buffer.
    gathered: Vec<u8>,
    /// Bytes of the reader's buffer handed out as the last line, consumed on the next call.
    lent: usize,
}

impl<R: BufRead> Lines<R> {
    pub(crate) fn new(reader: R) -> Self {
        Lines {
            reader,
            gathered: Vec::new(),
            lent: 0,
        }
    }

    /// The next line with its `\n` (none on a last line without one); `None` at the end.
    pub(crate) fn next_line(&mut self) -> io::Result<Option<&[u8]>> {
        self.reader.consume(std::mem::take(&mut self.lent));
        self.gathered.clear();
        loop {
            let available = match self.reader.fill_buf() {
                Ok(available) => available,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                return Ok((!self.gathered.is_empty()).then_some(self.gathered.as_slice()));
            }
            match memchr::memchr(b'\n', available) {
                Some(end) if self.gathered.is_empty() => {
                    self.lent = end + 1;
                    // The same bytes again: `fill_buf` does not read while some are buffered.
                    let available = self.reader.fill_buf()?;
                    return Ok(Some(&available[..end + 1]));
                }
                Some(end) => {
                    self.gathered.extend_from_slice(&available[..=end]);
                    self.reader.consume(end + 1);
                    return Ok(Some(&self.gathered));
                }
                None => {
                    let n = available.len();
                    self.gathered.extend_from_slice(available);
                    self.reader.consume(n);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_lines(text: &[u8], capacity: usize) -> Vec<Vec<u8>> {
        let mut lines = Lines::new(io::BufReader::with_capacity(capacity, text));
        let mut all = Vec::new();
        while let Some(line) = lines.next_line().unwrap() {
            all.push(line.to_vec());
        }
        all
    }

    #[test]
    fn lines_across_buffer_ends_are_whole() {
        let text = b"first line\nsecond, longer line\n\nlast without newline";
        let expected: Vec<Vec<u8>> = vec![
            b"first line\n".to_vec(),
            b"second, longer line\n".to_vec(),
            b"\n".to_vec(),
            b"last without newline".to_vec(),
        ];
        for capacity in [1, 2, 3, 7, 11, 64, 4096] {
            assert_eq!(all_lines(text, capacity), expected, "capacity {capacity}");
        }
        assert!(all_lines(b"", 8).is_empty());
    }
}
