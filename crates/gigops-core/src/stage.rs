//! Sales stages: an ordered list from configuration.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// A stage name: lowercase ASCII letters, digits and `_`, starting with a letter.
/// Shared like [`DealId`](crate::DealId): every stage event carries one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StageName(Arc<str>);

impl StageName {
    pub fn parse(name: &str) -> Result<Self, Invalid> {
        let ok = name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if ok {
            Ok(StageName(Arc::from(name)))
        } else {
            Err(Invalid::new(format!(
                "{name:?} is not a stage name: expected lowercase letters, digits and '_'"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for StageName {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        StageName::parse(&value)
    }
}

impl From<StageName> for String {
    fn from(value: StageName) -> Self {
        value.0.to_string()
    }
}

/// The ordered sales stages a deal moves through. Position in the list is the stage's rank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<StageName>", into = "Vec<StageName>")]
pub struct Stages(Vec<StageName>);

impl Stages {
    /// The default sales stages.
    pub const DEFAULT: [&'static str; 7] = [
        "lead",
        "responded",
        "proposal",
        "legal_review",
        "approval",
        "signed",
        "delivered",
    ];

    /// The stage at which a deal counts as signed (cycle time ends here).
    pub const SIGNED: &'static str = "signed";

    pub fn new(stages: Vec<StageName>) -> Result<Self, Invalid> {
        if stages.is_empty() {
            return Err(Invalid::new("the stage list is empty"));
        }
        for (i, stage) in stages.iter().enumerate() {
            if stages[..i].contains(stage) {
                return Err(Invalid::new(format!(
                    "stage {stage} is listed twice; each stage appears once"
                )));
            }
        }
        Ok(Stages(stages))
    }

    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Self, Invalid> {
        let names = names
            .iter()
            .map(|n| StageName::parse(n.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        Stages::new(names)
    }

    /// Rank of a stage (0 = first), or `None` when it is not configured.
    pub fn rank(&self, name: &str) -> Option<usize> {
        self.0.iter().position(|s| s.as_str() == name)
    }

    /// Looks a stage up by name, with an error listing the valid ones.
    pub fn get(&self, name: &str) -> Result<&StageName, Invalid> {
        self.rank(name).map(|i| &self.0[i]).ok_or_else(|| {
            Invalid::new(format!(
                "unknown stage {name:?}: expected one of {}",
                self.names().join(", ")
            ))
        })
    }

    pub fn names(&self) -> Vec<&str> {
        self.0.iter().map(StageName::as_str).collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = &StageName> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Default for Stages {
    fn default() -> Self {
        Stages::parse(&Stages::DEFAULT).expect("default stages are valid")
    }
}

impl TryFrom<Vec<StageName>> for Stages {
    type Error = Invalid;
    fn try_from(value: Vec<StageName>) -> Result<Self, Self::Error> {
        Stages::new(value)
    }
}

impl From<Stages> for Vec<StageName> {
    fn from(value: Stages) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_order_and_lookup() {
        let stages = Stages::default();
        assert_eq!(stages.rank("lead"), Some(0));
        assert_eq!(stages.rank("signed"), Some(5));
        assert_eq!(stages.rank("won"), None);
        let err = stages.get("won").unwrap_err().to_string();
        assert!(err.contains("lead, responded, proposal"), "{err}");
    }

    #[test]
    fn rejects_bad_lists() {
        assert!(Stages::parse::<&str>(&[]).is_err());
        assert!(Stages::parse(&["a", "b", "a"]).is_err());
        assert!(Stages::parse(&["Lead"]).is_err());
        assert!(Stages::parse(&["lead review"]).is_err());
    }
}
