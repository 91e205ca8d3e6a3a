//! Typed reading of a [`Node`]: text, whole numbers, lists, mappings and their keys, each
//! either the value or an [`Unexpected`] node. The readers (the SOW's, the quote's spec) word
//! the problem themselves: their sentences differ, users read them, and a reader knows what the
//! value is for (`milestones.M1.amount: expected …`).

use std::ops::RangeInclusive;

use crate::{Key, Node, Position, Value};

/// A node that is not the value a reader asked for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unexpected<'n> {
    pub node: &'n Node,
}

impl Unexpected<'_> {
    pub fn at(&self) -> Position {
        self.node.at
    }
}

/// What a reader takes as text, besides a string with something other than whitespace in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRule {
    /// Whether surrounding whitespace is cut from a string.
    pub trim: bool,
    /// Whether `true`/`false` count as the text they are written as (numbers always do:
    /// `name: 2024` is a name).
    pub booleans: bool,
}

impl Node {
    /// What the node holds, for "found …": a string quoted, another scalar as written, else its
    /// kind (`"abc"`, `12`, `a mapping`).
    pub fn shown(&self) -> String {
        match &self.value {
            Value::Str(s) => format!("{s:?}"),
            _ => match self.scalar_text() {
                Some(text) => text,
                None => self.kind().to_string(),
            },
        }
    }

    /// What the node holds with every scalar quoted as text (`"12"`, `"abc"`, `a mapping`).
    pub fn shown_quoted(&self) -> String {
        match self.scalar_text() {
            Some(text) => format!("{text:?}"),
            None => self.kind().to_string(),
        }
    }

    /// The node as text under `rule`.
    pub fn text(&self, rule: TextRule) -> Result<String, Unexpected<'_>> {
        match &self.value {
            Value::Str(s) if !s.trim().is_empty() => Ok(if rule.trim {
                s.trim().to_string()
            } else {
                s.clone()
            }),
            Value::Int(_) | Value::Float(_) => Ok(self.scalar_text().unwrap_or_default()),
            Value::Bool(b) if rule.booleans => Ok(b.to_string()),
            _ => Err(Unexpected { node: self }),
        }
    }

    /// An integer (not a float, not a string of digits) within `range`.
    pub fn whole(&self, range: RangeInclusive<i64>) -> Result<i64, Unexpected<'_>> {
        match self.value {
            Value::Int(i) if range.contains(&i) => Ok(i),
            _ => Err(Unexpected { node: self }),
        }
    }

    /// The items of a sequence; a null (a key with nothing after it) is the empty list.
    pub fn list(&self) -> Result<&[Node], Unexpected<'_>> {
        match &self.value {
            Value::Seq(items) => Ok(items),
            Value::Null => Ok(&[]),
            _ => Err(Unexpected { node: self }),
        }
    }

    /// The entries of a mapping, in document order.
    pub fn mapping(&self) -> Result<&[(Key, Node)], Unexpected<'_>> {
        self.entries().ok_or(Unexpected { node: self })
    }

    /// The keys of a mapping that are not in `allowed`, in document order.
    pub fn unknown_keys<'n>(&'n self, allowed: &[&str]) -> Vec<&'n Key> {
        self.entries()
            .unwrap_or_default()
            .iter()
            .map(|(key, _)| key)
            .filter(|key| !allowed.contains(&key.text.as_str()))
            .collect()
    }

    /// The keys of `required` that the mapping does not have, in `required`'s order.
    pub fn missing_keys<'k>(&self, required: &[&'k str]) -> Vec<&'k str> {
        required
            .iter()
            .copied()
            .filter(|key| self.get(key).is_none())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::parse;

    use super::*;

    const EVERY: TextRule = TextRule {
        trim: false,
        booleans: true,
    };
    const TRIMMED: TextRule = TextRule {
        trim: true,
        booleans: false,
    };

    #[test]
    fn text_whole_numbers_lists_and_mappings() {
        let root = parse(
            "t.yaml",
            "a: ' x '\nb: 12\nc: true\nd: '  '\ne: [1, 2]\nf:\ng: 1.5\n",
        )
        .unwrap();
        let at = |key: &str| root.get(key).unwrap();
        assert_eq!(at("a").text(EVERY).unwrap(), " x ");
        assert_eq!(at("a").text(TRIMMED).unwrap(), "x");
        assert_eq!(at("b").text(TRIMMED).unwrap(), "12");
        assert_eq!(at("c").text(EVERY).unwrap(), "true");
        assert_eq!(at("c").text(TRIMMED).unwrap_err().at().line, 3);
        assert!(at("d").text(EVERY).is_err());
        assert_eq!(at("b").whole(1..=12), Ok(12));
        assert!(at("b").whole(13..=20).is_err());
        assert!(at("g").whole(i64::MIN..=i64::MAX).is_err());
        assert_eq!(at("e").list().unwrap().len(), 2);
        assert_eq!(at("f").list().unwrap().len(), 0);
        assert!(at("b").list().is_err());
        assert!(at("e").mapping().is_err());
        assert_eq!(root.mapping().unwrap().len(), 7);
        let unknown: Vec<&str> = root
            .unknown_keys(&["a", "b", "c", "d", "e"])
            .iter()
            .map(|k| k.text.as_str())
            .collect();
        assert_eq!(unknown, ["f", "g"]);
        assert_eq!(root.missing_keys(&["a", "h", "i"]), ["h", "i"]);
        assert_eq!(at("a").shown(), "\" x \"");
        assert_eq!(at("b").shown(), "12");
        assert_eq!(at("b").shown_quoted(), "\"12\"");
        assert_eq!(at("e").shown_quoted(), "a sequence");
    }
}
