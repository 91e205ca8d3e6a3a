//! Builders for hand-made ledgers and float comparison.

use gigops_core::{
    Currency, Deal, DealId, DealKind, Money, Outcome, Platform, Score, StageEvent, StageName,
    TimeCategory, TimeEntry,
};
use jiff::Timestamp;

pub fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

pub struct DealSpec<'a> {
    pub id: &'a str,
    pub platform: &'a str,
    pub kind: DealKind,
    pub minor: i64,
    pub currency: Currency,
    pub opened: &'a str,
    pub outcome: Outcome,
    pub closed: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub scores: [Option<f64>; 3],
}

impl DealSpec<'_> {
    pub fn build(&self) -> Deal {
        let score = |s: Option<f64>| s.map(|v| Score::new(v).unwrap());
        Deal {
            id: DealId::parse(self.id).unwrap(),
            client: format!("Client of {}", self.id),
            platform: Platform::parse(self.platform).unwrap(),
            kind: self.kind,
            value: Money::new(self.minor, self.currency),
            opened_at: ts(self.opened),
            outcome: self.outcome,
            closed_at: self.closed.map(ts),
            lost_reason: self.reason.map(str::to_string),
            tech_doc_score: score(self.scores[0]),
            github_score: score(self.scores[1]),
            demo_score: score(self.scores[2]),
        }
    }
}

pub fn event(deal: &str, stage: &str, at: &str) -> StageEvent {
    StageEvent {
        deal_id: DealId::parse(deal).unwrap(),
        stage: StageName::parse(stage).unwrap(),
        entered_at: ts(at),
    }
}

pub fn entry(deal: &str, at: &str, minutes: u32, category: TimeCategory) -> TimeEntry {
    TimeEntry {
        deal_id: DealId::parse(deal).unwrap(),
        started_at: ts(at),
        minutes,
        category,
        note: None,
    }
}

/// Equal up to rounding: 1e-9 relative (or absolute near zero).
#[track_caller]
pub fn close(actual: f64, expected: f64) {
    let tolerance = 1e-9 * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tolerance,
        "{actual} is not {expected}"
    );
}

#[track_caller]
pub fn close_opt(actual: Option<f64>, expected: f64) {
    match actual {
        Some(actual) => close(actual, expected),
        None => panic!("expected {expected}, got null"),
    }
}

/// Sample standard deviation by the textbook formula.
pub fn sample_std(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}
