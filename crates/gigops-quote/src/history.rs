//! The user's delivered work, from the ledger: which deals are delivered (they reached the
//! configured delivered stage, `quote.delivered_stage`, and were not lost), what they were worth
//! and how long they took — what calibration fits and what a new quote is compared with.

use std::collections::HashMap;

use gigops_core::{Deal, DealId, Ledger, Money, Outcome, StageEvent, Stages};
use jiff::Timestamp;
use serde::Serialize;

use crate::Quote;

/// The smallest number of delivered deals a comparison or a fit is made on.
pub const MINIMUM_DEALS: usize = 3;

/// How far outside the delivered range a quote's figure must lie to be flagged: more than this
/// many times the largest, or less than the smallest divided by it.
pub const FAR: f64 = 2.0;

/// Where a deal's delivery stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// It reached the delivered stage (or one after it) and was not lost.
    Delivered {
        /// When the work started: its first event at the signed stage or later, else when the
        /// deal was opened.
        started: Timestamp,
        /// Its first event at the delivered stage or later.
        delivered: Timestamp,
    },
    /// It has not reached the delivered stage; `highest` is the furthest stage it reached.
    NotDelivered { highest: Option<String> },
    /// It was lost (whatever stage it reached).
    Lost,
}

impl Delivery {
    /// Why a deal is not delivered work, in words; `None` when it is.
    pub fn reason(&self, delivered_stage: &str) -> Option<String> {
        match self {
            Delivery::Delivered { .. } => None,
            Delivery::Lost => Some("lost".into()),
            Delivery::NotDelivered {
                highest: Some(stage),
            } => Some(format!(
                "not delivered: reached {stage}, not {delivered_stage}"
            )),
            Delivery::NotDelivered { highest: None } => Some(format!(
                "not delivered: no stage recorded, not {delivered_stage}"
            )),
        }
    }
}

/// The deliveries of a ledger's deals, by the configured stages. `delivered_stage` must be one
/// of `stages` (the caller names the settings when it is not).
pub struct Deliveries<'a> {
    stages: &'a Stages,
    delivered_rank: usize,
    signed_rank: Option<usize>,
    events: HashMap<&'a DealId, Vec<&'a StageEvent>>,
}

impl<'a> Deliveries<'a> {
    pub fn new(
        ledger: &'a Ledger,
        stages: &'a Stages,
        delivered_stage: &str,
    ) -> Result<Deliveries<'a>, String> {
        let delivered_rank = stages.rank(delivered_stage).ok_or_else(|| {
            format!(
                "quote.delivered_stage = {delivered_stage:?} is not a stage of pipeline.stages: expected one of {}",
                stages.names().join(", ")
            )
        })?;
        let signed_rank = stages
            .rank(Stages::SIGNED)
            .filter(|rank| *rank < delivered_rank);
        let mut events: HashMap<&DealId, Vec<&StageEvent>> = HashMap::new();
        for event in &ledger.events {
            events.entry(&event.deal_id).or_default().push(event);
        }
        Ok(Deliveries {
            stages,
            delivered_rank,
            signed_rank,
            events,
        })
    }

    pub fn of(&self, deal: &Deal) -> Delivery {
        if deal.outcome == Outcome::Lost {
            return Delivery::Lost;
        }
        let events = self.events.get(&deal.id).map_or(&[][..], Vec::as_slice);
        let ranked: Vec<(usize, &StageEvent)> = events
            .iter()
            .filter_map(|e| Some((self.stages.rank(e.stage.as_str())?, *e)))
            .collect();
        let first_at = |rank: usize| {
            ranked
                .iter()
                .filter(|(r, _)| *r >= rank)
                .map(|(_, e)| e.entered_at)
                .min()
        };
        match first_at(self.delivered_rank) {
            Some(delivered) => Delivery::Delivered {
                started: self
                    .signed_rank
                    .and_then(first_at)
                    .unwrap_or(deal.opened_at)
                    .min(delivered),
                delivered,
            },
            None => Delivery::NotDelivered {
                highest: ranked
                    .iter()
                    .max_by_key(|(r, _)| *r)
                    .map(|(_, e)| e.stage.to_string()),
            },
        }
    }
}

/// One delivered deal as a quote is compared with it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeliveredDeal {
    pub deal_id: String,
    pub value: Money,
    /// From the start of the work to its delivery, in weeks.
    pub weeks: f64,
}

/// The ledger's delivered deals.
pub fn delivered_deals(deliveries: &Deliveries<'_>, ledger: &Ledger) -> Vec<DeliveredDeal> {
    ledger
        .deals
        .iter()
        .filter_map(|deal| match deliveries.of(deal) {
            Delivery::Delivered { started, delivered } => Some(DeliveredDeal {
                deal_id: deal.id.to_string(),
                value: deal.value,
                weeks: (delivered - started)
                    .total(jiff::Unit::Second)
                    .unwrap_or(0.0)
                    / (7.0 * 86_400.0),
            }),
            _ => None,
        })
        .collect()
}

/// A figure of a quote far outside the user's delivered work.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    /// `price` or `calendar`.
    pub figure: &'static str,
    /// The quote's P50 (minor units for a price, weeks for the calendar).
    pub quoted: f64,
    /// The smallest and largest delivered figures it was compared with.
    pub delivered_min: f64,
    pub delivered_max: f64,
    /// The delivered deals compared with.
    pub deals: usize,
    pub message: String,
}

/// Warnings for a quote whose P50 price or calendar time lies far outside the delivered work:
/// above [`FAR`] × the largest, or below the smallest ÷ [`FAR`], of at least [`MINIMUM_DEALS`]
/// delivered deals (prices only of deals in the quote's currency, valued above zero).
pub fn warnings(quote: &Quote, delivered: &[DeliveredDeal]) -> Vec<Warning> {
    let currency = quote.currency;
    let prices: Vec<f64> = delivered
        .iter()
        .filter(|d| d.value.currency == currency && d.value.minor > 0)
        .map(|d| d.value.minor as f64)
        .collect();
    let weeks: Vec<f64> = delivered
        .iter()
        .map(|d| d.weeks)
        .filter(|w| *w > 0.0)
        .collect();
    let money = |minor: f64| format!("{} {currency}", currency.format_major(minor.round() as i64));
    let weeks_text = |w: f64| format!("{w:.1} weeks");
    let mut out = Vec::new();
    let mut compare = |figure: &'static str,
                       quoted: f64,
                       values: &[f64],
                       show: &dyn Fn(f64) -> String| {
        if values.len() < MINIMUM_DEALS {
            return;
        }
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(0.0, f64::max);
        let what = if figure == "price" {
            "P50 price"
        } else {
            "P50 calendar time"
        };
        let message = if quoted > max * FAR {
            format!(
                "the {what}, {}, is more than {FAR}× the largest of your {} delivered deals ({}): check the scope and the settings before sending it",
                show(quoted),
                values.len(),
                show(max)
            )
        } else if quoted < min / FAR {
            format!(
                "the {what}, {}, is less than 1/{FAR} of the smallest of your {} delivered deals ({}): check the scope and the settings before sending it",
                show(quoted),
                values.len(),
                show(min)
            )
        } else {
            return;
        };
        out.push(Warning {
            figure,
            quoted,
            delivered_min: min,
            delivered_max: max,
            deals: values.len(),
            message,
        });
    };
    compare("price", quote.price.p50_minor as f64, &prices, &money);
    compare(
        "calendar",
        quote.effort.calendar.p50_weeks,
        &weeks,
        &weeks_text,
    );
    out
}
