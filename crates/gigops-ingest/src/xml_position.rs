//! The input of the streaming XML parsers (checkstyle, Cobertura, JUnit), counted as it is
//! handed out, so that a problem can be reported at its line and column.
//!
//! quick-xml tells only byte offsets, and the parsers never keep what they have read. So the
//! reader notes the offset of every newline it hands out, and the parser moves a mark forward as
//! it goes (to the start of each event or piece of text): offsets before the mark are never asked
//! about again, so the newlines before it are folded into a line count and the offset where the
//! current line starts. Memory then stays as small as the piece being read, however long the
//! report.
//!
//! It can also hold a few bytes of look-ahead, for the JUnit parser, which reads text itself and
//! must see a whole `<![CDATA[` or entity reference even when it is split across the inner
//! reader's buffers.

use std::io::{self, BufRead, Read};

pub(crate) struct Positions<R> {
    inner: R,
    /// Bytes taken from `inner` ahead of being handed out, and how many of them were handed out.
    ahead: Vec<u8>,
    ahead_pos: usize,
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
            ahead: Vec::new(),
            ahead_pos: 0,
            consumed: 0,
            line: 1,
            line_start: 0,
            newlines: Vec::new(),
        }
    }

    /// How many bytes were handed out.
    pub(crate) fn consumed(&self) -> u64 {
        self.consumed
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

    /// Makes at least `n` bytes visible to `fill_buf` (fewer only at the end of the input).
    pub(crate) fn look_ahead(&mut self, n: usize) -> io::Result<()> {
        if self.ahead_pos == self.ahead.len() {
            self.ahead.clear();
            self.ahead_pos = 0;
        }
        while self.ahead.len() - self.ahead_pos < n {
            let available = match self.inner.fill_buf() {
                Ok(available) => available,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                break;
            }
            let take = (n - (self.ahead.len() - self.ahead_pos)).min(available.len());
            self.ahead.extend_from_slice(&available[..take]);
            self.inner.consume(take);
        }
        Ok(())
    }
}

fn note_newlines(bytes: &[u8], start: u64, newlines: &mut Vec<u64>) {
    for (i, _) in bytes.iter().enumerate().filter(|&(_, &b)| b == b'\n') {
        newlines.push(start + i as u64);
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
        if self.ahead_pos < self.ahead.len() {
            Ok(&self.ahead[self.ahead_pos..])
        } else {
            self.inner.fill_buf()
        }
    }

    fn consume(&mut self, amount: usize) {
        if self.ahead_pos < self.ahead.len() {
            let amount = amount.min(self.ahead.len() - self.ahead_pos);
            let bytes = &self.ahead[self.ahead_pos..self.ahead_pos + amount];
            note_newlines(bytes, self.consumed, &mut self.newlines);
            self.ahead_pos += amount;
            self.consumed += amount as u64;
        } else {
            // `consume` follows a `fill_buf` that succeeded: asking again returns the same
            // buffered bytes without reading.
            let amount = match self.inner.fill_buf() {
                Ok(available) => {
                    let amount = amount.min(available.len());
                    note_newlines(&available[..amount], self.consumed, &mut self.newlines);
                    amount
                }
                Err(_) => 0,
            };
            self.inner.consume(amount);
            self.consumed += amount as u64;
        }
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

    #[test]
    fn look_ahead_is_counted_only_once_handed_out() {
        // A one-byte inner buffer: what is looked at spans several of its fills.
        let text = b"a\n<![CDATA[";
        let mut positions = Positions::new(io::BufReader::with_capacity(1, &text[..]));
        positions.read_exact(&mut [0; 2]).unwrap();
        positions.look_ahead(9).unwrap();
        assert_eq!(positions.fill_buf().unwrap(), b"<![CDATA[");
        assert_eq!(positions.consumed(), 2);
        positions.consume(9);
        assert_eq!(positions.consumed(), 11);
        assert_eq!(positions.locate(11), (2, 10));
    }
}
