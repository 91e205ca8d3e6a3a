//! The business ledger: clients, deals, their stage history and the time spent on them.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{Currency, Invalid, Money, StageName};

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = Invalid;
            fn from_str(s: &str) -> Result<Self, Invalid> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(Invalid::new(format!(
                        "unknown {} {s:?}: expected one of {}",
                        stringify!($name).to_lowercase(),
                        [$($text),+].join(", ")
                    ))),
                }
            }
        }
    };
}

string_enum!(
    /// What kind of engagement a deal is.
    DealKind {
        Project => "project",
        Retainer => "retainer",
        Consulting => "consulting",
        Sponsorship => "sponsorship",
    }
);

string_enum!(
    /// Where a deal stands: still open, or closed won or lost.
    Outcome {
        Open => "open",
        Won => "won",
        Lost => "lost",
    }
);

string_enum!(
    /// What logged time was spent on.
    TimeCategory {
        Coding => "coding",
        Communication => "communication",
        Testing => "testing",
        Docs => "docs",
        Negotiation => "negotiation",
        Admin => "admin",
    }
);

string_enum!(
    /// The languages client documents are written in; English unless a client says otherwise.
    #[derive(Default)]
    Lang {
        #[default]
        En => "en",
        ZhCn => "zh-CN",
    }
);

/// A deal's id as the user writes it (`D-0042`): printable, no whitespace, at most 64 bytes.
///
/// Shared rather than owned: a deal's id is repeated on every one of its stage events and time
/// entries, and a ledger of 200,000 deals holds millions of them, so a clone is a reference
/// count, not an allocation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DealId(Arc<str>);

impl DealId {
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        if text.is_empty()
            || text.len() > 64
            || text.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Invalid::new(format!(
                "{text:?} is not a deal id: expected 1 to 64 characters without spaces"
            )));
        }
        Ok(DealId(Arc::from(text)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DealId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for DealId {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Invalid> {
        DealId::parse(&value)
    }
}

impl From<DealId> for String {
    fn from(value: DealId) -> Self {
        value.0.to_string()
    }
}

/// Where a deal came from: `upwork`, `toptal`, `码市`, `oss-crowdsourcing`, `direct`, …
/// Stored trimmed, with ASCII letters lowercased, so `Upwork` and `upwork` are one platform.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Platform(Arc<str>);

impl Platform {
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let name = text.trim().to_ascii_lowercase();
        if name.is_empty() || name.len() > 64 || name.chars().any(char::is_control) {
            return Err(Invalid::new(format!(
                "{text:?} is not a platform: expected a name such as upwork, toptal, direct"
            )));
        }
        Ok(Platform(Arc::from(name)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Platform {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Invalid> {
        Platform::parse(&value)
    }
}

impl From<Platform> for String {
    fn from(value: Platform) -> Self {
        value.0.to_string()
    }
}

/// A proposal-asset score in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Score(f64);

impl Score {
    pub fn new(value: f64) -> Result<Self, Invalid> {
        if (0.0..=1.0).contains(&value) {
            Ok(Score(value))
        } else {
            Err(Invalid::new(format!("score {value} is outside [0, 1]")))
        }
    }

    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let value: f64 = text.parse().map_err(|_| {
            Invalid::new(format!(
                "{text:?} is not a number: expected a score in [0, 1]"
            ))
        })?;
        Score::new(value)
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Score {
    type Error = Invalid;
    fn try_from(value: f64) -> Result<Self, Invalid> {
        Score::new(value)
    }
}

impl From<Score> for f64 {
    fn from(value: Score) -> Self {
        value.0
    }
}

/// Validates an IANA time zone name (`UTC`, `Asia/Shanghai`).
pub fn parse_time_zone(name: &str) -> Result<String, Invalid> {
    jiff::tz::TimeZone::get(name)
        .map(|_| name.to_string())
        .map_err(|_| {
            Invalid::new(format!(
                "unknown time zone {name:?}: expected an IANA name such as UTC or Asia/Shanghai"
            ))
        })
}

/// A client: who pays, in which currency, and in which language documents go to them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Client {
    pub name: String,
    pub currency: Currency,
    pub locale: Lang,
    pub time_zone: String,
    pub platform: Option<Platform>,
}

/// A deal: one engagement with a client, from lead to outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deal {
    pub id: DealId,
    pub client: String,
    pub platform: Platform,
    pub kind: DealKind,
    pub value: Money,
    pub opened_at: Timestamp,
    pub outcome: Outcome,
    pub closed_at: Option<Timestamp>,
    pub lost_reason: Option<String>,
    pub tech_doc_score: Option<Score>,
    pub github_score: Option<Score>,
    pub demo_score: Option<Score>,
}

impl Deal {
    /// Rules that hold between fields, as (field, reason) pairs; empty when the deal is coherent.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut problems = Vec::new();
        if self.client.trim().is_empty() {
            problems.push(("client", "client name is empty".to_string()));
        }
        if self.value.minor < 0 {
            problems.push(("value", "value is negative".to_string()));
        }
        match (self.outcome, self.closed_at) {
            (Outcome::Open, Some(_)) => {
                problems.push(("closed_at", "an open deal has no closed_at".to_string()))
            }
            (Outcome::Won | Outcome::Lost, None) => problems.push((
                "closed_at",
                format!("a {} deal needs closed_at", self.outcome),
            )),
            (_, Some(closed)) if closed < self.opened_at => problems.push((
                "closed_at",
                format!("closed_at {closed} is before opened_at {}", self.opened_at),
            )),
            _ => {}
        }
        if self.lost_reason.is_some() && self.outcome != Outcome::Lost {
            problems.push((
                "lost_reason",
                format!(
                    "only a lost deal has a lost_reason (this one is {})",
                    self.outcome
                ),
            ));
        }
        problems
    }

    /// The three proposal-asset scores, when all are present.
    pub fn scores(&self) -> Option<[f64; 3]> {
        Some([
            self.tech_doc_score?.get(),
            self.github_score?.get(),
            self.demo_score?.get(),
        ])
    }
}

/// A deal entered a stage at an instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageEvent {
    pub deal_id: DealId,
    pub stage: StageName,
    pub entered_at: Timestamp,
}

/// Minutes spent on a deal, starting at an instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeEntry {
    pub deal_id: DealId,
    pub started_at: Timestamp,
    pub minutes: u32,
    pub category: TimeCategory,
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deal() -> Deal {
        Deal {
            id: DealId::parse("D-1").unwrap(),
            client: "Acme".into(),
            platform: Platform::parse("Upwork").unwrap(),
            kind: DealKind::Project,
            value: Money::new(10_000, Currency::USD),
            opened_at: "2025-01-01T00:00:00Z".parse().unwrap(),
            outcome: Outcome::Open,
            closed_at: None,
            lost_reason: None,
            tech_doc_score: None,
            github_score: None,
            demo_score: None,
        }
    }

    #[test]
    fn enums_parse_and_list_valid_values() {
        assert_eq!("retainer".parse::<DealKind>().unwrap(), DealKind::Retainer);
        let err = "gig".parse::<DealKind>().unwrap_err().to_string();
        assert!(
            err.contains("project, retainer, consulting, sponsorship"),
            "{err}"
        );
        assert_eq!("zh-CN".parse::<Lang>().unwrap(), Lang::ZhCn);
        assert_eq!(serde_json::to_string(&Lang::ZhCn).unwrap(), "\"zh-CN\"");
    }

    #[test]
    fn platform_is_normalised() {
        assert_eq!(Platform::parse(" Upwork ").unwrap().as_str(), "upwork");
        assert_eq!(Platform::parse("码市").unwrap().as_str(), "码市");
        assert!(Platform::parse("  ").is_err());
    }

    #[test]
    fn scores_are_bounded() {
        assert!(Score::parse("0").is_ok());
        assert!(Score::parse("1").is_ok());
        assert!(Score::parse("1.01").is_err());
        assert!(Score::parse("-0.1").is_err());
        assert!(Score::parse("NaN").is_err());
    }

    #[test]
    fn deal_coherence() {
        assert!(deal().problems().is_empty());
        let mut d = deal();
        d.outcome = Outcome::Won;
        assert_eq!(d.problems()[0].0, "closed_at");
        d.closed_at = Some("2024-12-01T00:00:00Z".parse().unwrap());
        assert!(d.problems()[0].1.contains("before opened_at"));
        d.closed_at = Some("2025-02-01T00:00:00Z".parse().unwrap());
        d.lost_reason = Some("price".into());
        assert_eq!(d.problems()[0].0, "lost_reason");
        d.outcome = Outcome::Lost;
        assert!(d.problems().is_empty());
    }
}

/// A set of ledger records: what an import reads, an export writes, the store loads for a
/// report and the synthetic generator makes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ledger {
    pub clients: Vec<Client>,
    pub deals: Vec<Deal>,
    pub events: Vec<StageEvent>,
    pub time_entries: Vec<TimeEntry>,
}
