//! The input of the quick-xml-based parsers (checkstyle, Cobertura), counted as it is handed
//! out, so that a problem can be reported at its line and column.
//!
//! quick-xml tells only byte offsets, and the parsers never keep what they have read. So the
//! reader notes the offset of every newline it hands out, and the parser moves a mark forward as
//! it goes (to the start of each event): offsets before the mark are never asked about again, so
//! the newlines before it are folded into a line count and the offset where the current line
//! starts. Memory then stays as small as the piece being read, however long the report.

use std::io::{self, BufRead, Read};

pub(crate) struct Positions<R> {
    inner: R,
    /// Bytes handed out so far.
    consumed: u64,
    /// The 1-based line the mark is on, and the offset that line starts at.
    line: u64,
    line_start: u64,
    /// Offsets of the newlines handed out since the mark.
    newlines: Vec<u64>,
}

impl<R: BufRead> Positions<R> {
    pub(crate) fn new(inner: R) -> Self {
        Positions {
            inner,
            consumed: 0,
            line: 1,
            line_start: 0,
            newlines: Vec::new(),
        }
    }

    /// The line and 1-based byte column of `offset`, which is at or after the line the mark is
    /// on.
    pub(crate) fn locate(&self, offset: u64) -> (u64, u64) {
        let before = self.newlines.partition_point(|&at| at < offset);
        let (line, line_start) = self.line_after(before);
        (line, offset.saturating_sub(line_start) + 1)
    }

    /// Moves the mark to `offset`: nothing before it is asked about again.
    pub(crate) fn mark(&mut self, offset: u64) {
        let before = self.newlines.partition_point(|&at| at < offset);
        (self.line, self.line_start) = self.line_after(before);
        self.newlines.drain(..before);
    }

    /// The line that follows the first `passed` newlines after the mark, and where it starts.
    fn line_after(&self, passed: usize) -> (u64, u64) {
        match passed {
            0 => (self.line, self.line_start),
            n => (self.line + n as u64, self.newlines[n - 1] + 1),
        }
    }
}

impl<R: BufRead> Read for Positions<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Positions<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        // `consume` follows a `fill_buf` that succeeded: asking again returns the same buffered
        // bytes without reading.
        let amount = match self.inner.fill_buf() {
            Ok(available) => {
                let amount = amount.min(available.len());
                let start = self.consumed;
                self.newlines.extend(
                    memchr::memchr_iter(b'\n', &available[..amount]).map(|i| start + i as u64),
                );
                amount
            }
            Err(_) => 0,
        };
        self.inner.consume(amount);
        self.consumed += amount as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_follow_newlines_as_the_mark_moves() {
        let text = b"ab\ncd\n\nef";
        let mut positions = Positions::new(&text[..]);
        let mut sink = Vec::new();
        positions.read_to_end(&mut sink).unwrap();
        assert_eq!(positions.locate(0), (1, 1));
        // `d`: line 2 starts after the newline at 2.
        assert_eq!(positions.locate(4), (2, 2));
        positions.mark(5);
        // The newline at 5 ends line 2; the one at 6 is line 3 on its own.
        assert_eq!(positions.locate(5), (2, 3));
        assert_eq!(positions.locate(6), (3, 1));
        positions.mark(8);
        assert_eq!(positions.locate(8), (4, 2));
        positions.mark(9);
        // The end of the input, after `f`.
        assert_eq!(positions.locate(9), (4, 3));
    }
}
