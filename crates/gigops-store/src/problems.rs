//! The problems of the records given to a write, collected so that one error lists them all
//! and nothing is written.

use gigops_core::{Deal, Reopening};
use jiff::Timestamp;

use crate::codec::is_storable;
use crate::error::{Result, StoreError};

/// Collects the problems of the records given to a write, so that one error lists them all.
#[derive(Default)]
pub(crate) struct Problems {
    lines: Vec<String>,
    count: usize,
}

const PROBLEMS_SHOWN: usize = 20;

impl Problems {
    pub(crate) fn push(&mut self, line: impl FnOnce() -> String) {
        self.count += 1;
        if self.lines.len() < PROBLEMS_SHOWN {
            self.lines.push(line());
        }
    }

    pub(crate) fn instant(&mut self, instant: Timestamp, what: impl FnOnce() -> String) {
        if !is_storable(instant) {
            self.push(|| {
                format!(
                    "{}: {instant} is finer than the microseconds the store keeps, or out of its range",
                    what()
                )
            });
        }
    }

    pub(crate) fn deal(&mut self, deal: &Deal) {
        for (field, reason) in deal.problems() {
            self.push(|| format!("deal {}: {field}: {reason}", deal.id));
        }
        self.instant(deal.opened_at, || format!("deal {}: opened_at", deal.id));
        if let Some(closed_at) = deal.closed_at {
            self.instant(closed_at, || format!("deal {}: closed_at", deal.id));
        }
    }

    pub(crate) fn reopening(&mut self, reopening: &Reopening) {
        let what = || format!("reopening of deal {}", reopening.deal_id);
        for (field, reason) in reopening.problems() {
            self.push(|| format!("{}: {field}: {reason}", what()));
        }
        self.instant(reopening.reopened_at, || format!("{}: reopened_at", what()));
        self.instant(reopening.closed_at, || format!("{}: closed_at", what()));
    }

    pub(crate) fn into_result(self) -> Result<()> {
        if self.count == 0 {
            return Ok(());
        }
        let mut message = if self.count == 1 {
            "nothing was stored because of 1 problem:".to_string()
        } else {
            format!("nothing was stored because of {} problems:", self.count)
        };
        for line in &self.lines {
            message.push_str("\n  ");
            message.push_str(line);
        }
        if self.count > self.lines.len() {
            message.push_str(&format!("\n  … and {} more", self.count - self.lines.len()));
        }
        Err(StoreError::Invalid(message))
    }
}
