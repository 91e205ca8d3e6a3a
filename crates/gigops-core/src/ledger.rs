//! The business ledger: clients, deals, their stage history and the time spent on them.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{Currency, Invalid, Money, StageName, Stages, format_instant};

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

/// A map keyed by deal ids can be searched with the text of one: the derived `Hash` and `Eq`
/// hash and compare the id's text, exactly as `str`'s do.
impl std::borrow::Borrow<str> for DealId {
    fn borrow(&self) -> &str {
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

/// Where a deal came from: `Upwork`, `Toptal`, `码市`, `oss-crowdsourcing`, `direct`, …
///
/// Kept as the user wrote it (trimmed), because reports and documents show it. Two spellings
/// that differ only in the case of ASCII letters (`Toptal`, `toptal`) name one platform:
/// [`Platform::key`] and [`Platform::is`] compare that way, and reports group by the key.
/// Equality (`==`) compares the spelling itself, so that a changed spelling is a change to
/// store.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Platform(Arc<str>);

impl Platform {
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let name = text.trim();
        if name.is_empty() || name.len() > 64 || name.chars().any(char::is_control) {
            return Err(Invalid::new(format!(
                "{text:?} is not a platform: expected a name such as Upwork, Toptal, direct"
            )));
        }
        Ok(Platform(Arc::from(name)))
    }

    /// The name as the user wrote it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name that identifies the platform: ASCII letters lowercased (`toptal` for
    /// `Toptal`). Other letters are left alone: `码市` has no case, and folding beyond ASCII
    /// would depend on the Unicode version.
    pub fn key(&self) -> String {
        platform_key(&self.0)
    }

    /// Whether `self` and `other` name the same platform, whatever the case of ASCII letters.
    pub fn is(&self, other: &str) -> bool {
        self.0.eq_ignore_ascii_case(other.trim())
    }
}

/// The key that identifies a platform by name (see [`Platform::key`]), for names held as text.
pub fn platform_key(name: &str) -> String {
    name.trim().to_ascii_lowercase()
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

    /// How the deal closed, for messages: `won on 2026-03-10T00:00:00Z`; `None` while open.
    fn closed_text(&self) -> Option<String> {
        let closed_at = self.closed_at?;
        (self.outcome != Outcome::Open)
            .then(|| format!("{} at {}", self.outcome, format_instant(closed_at)))
    }

    /// Whether the deal may be closed `outcome` at `at`. An open deal closes won or lost, not
    /// before it opened. A closed deal is not closed again — with one exception, the end of a
    /// won retainer: closing it lost records that the client ended it (a churn, see
    /// docs/ledger.md), not before it was won. Anything else needs a
    /// [reopening](Reopening) first.
    pub fn check_close(&self, outcome: Outcome, at: Timestamp) -> Result<(), Invalid> {
        if outcome == Outcome::Open {
            return Err(Invalid::new(format!(
                "deal {}: a deal is closed won or lost, not open",
                self.id
            )));
        }
        if at < self.opened_at {
            return Err(Invalid::new(format!(
                "deal {}: cannot close at {} before it opened ({})",
                self.id,
                format_instant(at),
                format_instant(self.opened_at)
            )));
        }
        let Some(closed) = self.closed_text() else {
            return Ok(());
        };
        let retainer_ends = self.kind == DealKind::Retainer
            && self.outcome == Outcome::Won
            && outcome == Outcome::Lost;
        if !retainer_ends {
            return Err(Invalid::new(format!(
                "deal {} is already closed ({closed}); a closed deal is not closed again: \
                 reopen it first, saying why",
                self.id
            )));
        }
        match self.closed_at {
            Some(won_at) if at < won_at => Err(Invalid::new(format!(
                "retainer {} cannot end at {} before it was won ({closed})",
                self.id,
                format_instant(at)
            ))),
            _ => Ok(()),
        }
    }

    /// Whether the deal may enter `stage`. An open deal enters any stage. A won deal goes on
    /// only to the stage it was won at ([`Stages::SIGNED`]) and the delivery stages after it
    /// (`delivered`), never back into the sale; a lost deal enters none. A closed deal that
    /// must go back needs a [reopening](Reopening) first.
    pub fn check_move(&self, stage: &StageName, stages: &Stages) -> Result<(), Invalid> {
        let Some(closed) = self.closed_text() else {
            return Ok(());
        };
        let after_the_sale = match (stages.rank(Stages::SIGNED), stages.rank(stage.as_str())) {
            (Some(signed), Some(rank)) => rank >= signed,
            _ => false,
        };
        if self.outcome == Outcome::Won && after_the_sale {
            return Ok(());
        }
        let allowed = match (self.outcome, stages.rank(Stages::SIGNED)) {
            (Outcome::Won, Some(signed)) => format!(
                "a won deal moves on only to {}",
                stages.names()[signed..].join(", ")
            ),
            _ => format!("a {} deal does not move", self.outcome),
        };
        Err(Invalid::new(format!(
            "deal {} is closed ({closed}) and cannot enter {stage}: {allowed}; reopen it first, \
             saying why",
            self.id
        )))
    }

    /// Whether the deal may be reopened at `at` for `reason`: only a closed deal, not before
    /// it closed, and with a reason.
    pub fn check_reopen(&self, at: Timestamp, reason: &str) -> Result<(), Invalid> {
        let (Some(closed), Some(closed_at)) = (self.closed_text(), self.closed_at) else {
            return Err(Invalid::new(format!(
                "deal {} is open; only a closed deal is reopened",
                self.id
            )));
        };
        if reason.trim().is_empty() {
            return Err(Invalid::new(format!(
                "deal {}: a reopening needs a reason",
                self.id
            )));
        }
        if at < closed_at {
            return Err(Invalid::new(format!(
                "deal {} cannot be reopened at {} before it closed ({closed})",
                self.id,
                format_instant(at)
            )));
        }
        Ok(())
    }

    /// The deal reopened at `at`: open again, with a [`Reopening`] that keeps why and how it
    /// had closed. Checked as [`check_reopen`](Self::check_reopen) checks.
    pub fn reopen(&mut self, at: Timestamp, reason: &str) -> Result<Reopening, Invalid> {
        self.check_reopen(at, reason)?;
        let reopening = Reopening {
            deal_id: self.id.clone(),
            reopened_at: at,
            reason: reason.trim().to_string(),
            outcome: self.outcome,
            closed_at: self.closed_at.expect("checked: closed"),
            lost_reason: self.lost_reason.take(),
        };
        self.outcome = Outcome::Open;
        self.closed_at = None;
        Ok(reopening)
    }

    /// Whether an amount in `currency` belongs to this deal: a deal's quotes, statements of
    /// work, milestones and invoices are in the deal's own currency, and gigops converts
    /// nothing implicitly. `what` names the amount (`quote`, `SOW acme-api`) in the message.
    pub fn check_currency(&self, currency: Currency, what: &str) -> Result<(), Invalid> {
        if currency == self.value.currency {
            return Ok(());
        }
        Err(Invalid::new(format!(
            "deal {} is in {}, and the {what} is in {}: amounts of a deal are in its currency \
             (convert them at a rate you give, or change the deal's currency)",
            self.id,
            self.value.currency.code(),
            currency.code()
        )))
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

/// A closed deal reopened: when, why, and how it had closed until then (its outcome, closing
/// instant and lost reason, which reopening clears from the deal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reopening {
    pub deal_id: DealId,
    pub reopened_at: Timestamp,
    pub reason: String,
    /// `won` or `lost`.
    pub outcome: Outcome,
    pub closed_at: Timestamp,
    pub lost_reason: Option<String>,
}

impl Reopening {
    /// Rules that hold between fields, as (field, reason) pairs; empty when coherent.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut problems = Vec::new();
        if self.reason.trim().is_empty() {
            problems.push(("reason", "a reopening needs a reason".to_string()));
        }
        if self.outcome == Outcome::Open {
            problems.push((
                "outcome",
                "the outcome a deal had before reopening is won or lost".to_string(),
            ));
        }
        if self.reopened_at < self.closed_at {
            problems.push((
                "reopened_at",
                format!(
                    "reopened at {} before it closed ({})",
                    format_instant(self.reopened_at),
                    format_instant(self.closed_at)
                ),
            ));
        }
        if self.lost_reason.is_some() && self.outcome != Outcome::Lost {
            problems.push((
                "lost_reason",
                format!(
                    "only a lost deal has a lost_reason (this one was {})",
                    self.outcome
                ),
            ));
        }
        problems
    }
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
    fn a_platform_keeps_its_spelling_and_is_one_platform_whatever_the_case() {
        let toptal = Platform::parse(" Toptal ").unwrap();
        assert_eq!(toptal.as_str(), "Toptal");
        assert_eq!(toptal.to_string(), "Toptal");
        assert_eq!(toptal.key(), "toptal");
        assert!(toptal.is("toptal") && toptal.is("TOPTAL ") && !toptal.is("upwork"));
        assert_ne!(
            toptal,
            Platform::parse("toptal").unwrap(),
            "a spelling is data"
        );
        assert_eq!(Platform::parse("码市").unwrap().key(), "码市");
        assert!(Platform::parse("  ").is_err());
        assert_eq!(
            serde_json::to_string(&toptal).unwrap(),
            "\"Toptal\"",
            "JSON shows what the user wrote"
        );
    }

    #[test]
    fn scores_are_bounded() {
        assert!(Score::parse("0").is_ok());
        assert!(Score::parse("1").is_ok());
        assert!(Score::parse("1.01").is_err());
        assert!(Score::parse("-0.1").is_err());
        assert!(Score::parse("NaN").is_err());
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn closed(outcome: Outcome, kind: DealKind) -> Deal {
        let mut d = deal();
        d.kind = kind;
        d.outcome = outcome;
        d.closed_at = Some(at("2025-03-10T00:00:00Z"));
        d
    }

    #[test]
    fn a_closed_deal_is_not_closed_again_except_a_won_retainer_that_ends() {
        let later = at("2025-04-01T00:00:00Z");
        assert!(deal().check_close(Outcome::Won, later).is_ok());
        assert!(deal().check_close(Outcome::Open, later).is_err());
        let early = deal().check_close(Outcome::Won, at("2024-01-01T00:00:00Z"));
        assert!(early.unwrap_err().0.contains("before it opened"));

        let won = closed(Outcome::Won, DealKind::Project);
        let err = won.check_close(Outcome::Lost, later).unwrap_err().0;
        assert!(
            err.contains("deal D-1 is already closed (won at 2025-03-10T00:00:00Z)"),
            "{err}"
        );
        assert!(won.check_close(Outcome::Won, later).is_err());
        let lost = closed(Outcome::Lost, DealKind::Retainer);
        assert!(lost.check_close(Outcome::Won, later).is_err());
        assert!(lost.check_close(Outcome::Lost, later).is_err());

        let retainer = closed(Outcome::Won, DealKind::Retainer);
        assert!(
            retainer.check_close(Outcome::Lost, later).is_ok(),
            "it ended"
        );
        assert!(retainer.check_close(Outcome::Won, later).is_err());
        let err = retainer
            .check_close(Outcome::Lost, at("2025-03-01T00:00:00Z"))
            .unwrap_err()
            .0;
        assert!(err.contains("before it was won"), "{err}");
    }

    #[test]
    fn a_won_deal_moves_on_only_to_delivery_and_a_lost_one_not_at_all() {
        let stages = Stages::default();
        let stage = |name: &str| stages.get(name).unwrap().clone();
        for name in Stages::DEFAULT {
            assert!(deal().check_move(&stage(name), &stages).is_ok(), "{name}");
        }
        let won = closed(Outcome::Won, DealKind::Project);
        assert!(won.check_move(&stage("signed"), &stages).is_ok());
        assert!(won.check_move(&stage("delivered"), &stages).is_ok());
        let err = won.check_move(&stage("proposal"), &stages).unwrap_err().0;
        assert!(
            err.contains("deal D-1 is closed (won at 2025-03-10T00:00:00Z)")
                && err.contains("cannot enter proposal")
                && err.contains("moves on only to signed, delivered"),
            "{err}"
        );
        let lost = closed(Outcome::Lost, DealKind::Project);
        let err = lost.check_move(&stage("delivered"), &stages).unwrap_err().0;
        assert!(err.contains("a lost deal does not move"), "{err}");
        // Without a `signed` stage nothing comes after the sale.
        let custom = Stages::parse(&["lead", "won_over", "shipped"]).unwrap();
        let shipped = custom.get("shipped").unwrap();
        assert!(won.check_move(shipped, &custom).is_err());
    }

    #[test]
    fn reopening_keeps_how_the_deal_had_closed() {
        let mut lost = closed(Outcome::Lost, DealKind::Project);
        lost.lost_reason = Some("price too high".into());
        assert!(lost.check_reopen(at("2025-04-01T00:00:00Z"), " ").is_err());
        let err = lost
            .check_reopen(at("2025-03-01T00:00:00Z"), "client came back")
            .unwrap_err()
            .0;
        assert!(
            err.contains("before it closed (lost at 2025-03-10"),
            "{err}"
        );
        let reopening = lost
            .reopen(at("2025-04-01T00:00:00Z"), " client came back ")
            .unwrap();
        assert_eq!(reopening.reason, "client came back");
        assert_eq!(reopening.outcome, Outcome::Lost);
        assert_eq!(reopening.lost_reason.as_deref(), Some("price too high"));
        assert!(reopening.problems().is_empty());
        assert_eq!(lost.outcome, Outcome::Open);
        assert!(lost.problems().is_empty(), "{:?}", lost.problems());
        let err = lost
            .check_reopen(at("2025-05-01T00:00:00Z"), "again")
            .unwrap_err();
        assert!(err.0.contains("is open"), "{err}");
    }

    #[test]
    fn amounts_of_a_deal_are_in_its_currency() {
        let mut d = deal();
        d.value = Money::new(3_800_000, Currency::CNY);
        assert!(d.check_currency(Currency::CNY, "quote").is_ok());
        let err = d.check_currency(Currency::USD, "quote").unwrap_err().0;
        assert!(
            err.contains("deal D-1 is in CNY, and the quote is in USD"),
            "{err}"
        );
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
    /// Absent in ledgers written before reopenings existed.
    #[serde(default)]
    pub reopenings: Vec<Reopening>,
}
