//! Located problems: what was wrong with an input and where, so that a reader can report every
//! problem it finds at once (file, line, column) rather than stopping at the first.

use std::fmt;

/// One problem in an input: where it is (file, line, and the column name or position) and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub file: String,
    /// 1-based line; 0 when the problem is about the file as a whole.
    pub line: u64,
    /// The column (field) name, or `line:column` position text for syntax errors.
    pub column: String,
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column.is_empty()) {
            (0, true) => write!(f, "{}: {}", self.file, self.reason),
            (0, false) => write!(f, "{}: {}: {}", self.file, self.column, self.reason),
            (line, true) => write!(f, "{}:{line}: {}", self.file, self.reason),
            (line, false) => write!(f, "{}:{line}: {}: {}", self.file, self.column, self.reason),
        }
    }
}

/// Every problem found in one run, in file and line order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}
