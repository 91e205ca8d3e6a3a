//! Located problems: what was wrong with an input and where, so that a reader can report every
//! problem it finds at once (file, line, column) rather than stopping at the first.

use std::fmt;

/// One problem in an input: where it is (file, line, and the column name or position) and why.
/// A problem of a request's own field (a value given with the request, in no file) has an empty
/// file and the field as its column: see [`Problem::of_field`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// Empty for a problem of a request's field.
    pub file: String,
    /// 1-based line; 0 when the problem is about the file as a whole.
    pub line: u64,
    /// The column (field) name, or `line:column` position text for syntax errors.
    pub column: String,
    pub reason: String,
}

impl Problem {
    /// A problem of the request's `field` (snake_case, as the request names it), which has no
    /// place in a file. Sorted by file, such problems come first.
    pub fn of_field(field: &str, reason: impl Into<String>) -> Problem {
        Problem {
            file: String::new(),
            line: 0,
            column: field.to_string(),
            reason: reason.into(),
        }
    }

    /// The request's field this problem is about, when it is about one rather than a file.
    pub fn field(&self) -> Option<&str> {
        (self.file.is_empty() && !self.column.is_empty()).then_some(self.column.as_str())
    }
}

/// A field's problem shows as `debt_ratio: -1: expected a number ≥ 0`, as an API names it; the
/// CLI words its own flag (`--debt-ratio`).
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(field) = self.field() {
            return write!(f, "{field}: {}", self.reason);
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_problem_names_its_field_and_sorts_before_any_file() {
        let field = Problem::of_field("debt_ratio", "-1: expected a number ≥ 0");
        assert_eq!(field.field(), Some("debt_ratio"));
        assert_eq!(field.to_string(), "debt_ratio: -1: expected a number ≥ 0");
        let located = Problem {
            file: "spec.yaml".into(),
            line: 3,
            column: "gsc".into(),
            reason: "expected a rating".into(),
        };
        assert_eq!(located.field(), None);
        assert_eq!(located.to_string(), "spec.yaml:3: gsc: expected a rating");
        let mut problems = vec![located.clone(), field.clone()];
        problems.sort_by(|a, b| a.file.cmp(&b.file));
        assert_eq!(problems, [field, located]);
    }
}
