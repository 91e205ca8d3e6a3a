//! The pipeline report: one serializable model that the CLI prints as a table or JSON and the
//! renderer lays out as HTML and PDF. Its JSON keys are a stable, documented interface
//! (docs/pipeline-analytics.md); add keys, never rename or remove them.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Which deals a report covers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Scope {
    /// Deals opened at or after this instant.
    pub from: Option<Timestamp>,
    /// Deals opened before this instant.
    pub to: Option<Timestamp>,
    /// Only deals of this platform (ASCII case ignored). In a report: as the deals spell it
    /// (the first spelling, see `PlatformRow::platform`), or as given when no deal matched.
    pub platform: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PipelineReport {
    pub scope: Scope,
    /// IANA time zone in which days are counted.
    pub time_zone: String,
    /// Deals in scope.
    pub deals: usize,
    /// One row per configured stage, in stage order.
    pub stages: Vec<StageRow>,
    /// First event → `signed` event, over deals that reached `signed`.
    pub cycle_hours: CycleStats,
    /// won / (won + lost); `null` when no deal is closed.
    pub win_rate: Option<f64>,
    /// Deals won (churned retainers included), lost, and still open.
    pub won: usize,
    pub lost: usize,
    pub open: usize,
    /// Deals reopened at least once (each counts by its current outcome).
    pub reopened: usize,
    /// Platform → win rate (`null` when that platform has no closed deal).
    pub win_rate_by_platform: BTreeMap<String, Option<f64>>,
    /// Deals, closed, won and lost per platform, in platform key order.
    pub platforms: Vec<PlatformRow>,
    /// The stage with the largest blocked share; `null` when no deal has a bottleneck.
    pub bottleneck: Option<Bottleneck>,
    /// blocked_share of every stage, in stage order.
    pub bottleneck_shares: Vec<Bottleneck>,
    /// Deals with at least one completed duration (the denominator of blocked_share).
    pub deals_with_durations: usize,
    /// Lost reasons by count, descending; ties by reason.
    pub lost_reasons: Vec<ReasonCount>,
    /// Churn reasons of retainers that ended, by count, descending; ties by reason.
    pub churn_reasons: Vec<ReasonCount>,
    /// Deal value quartiles per platform, kind and currency.
    pub value_bands: Vec<ValueBand>,
    pub time: TimeReport,
    pub drivers: Drivers,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageRow {
    pub stage: String,
    /// Deals with an event at this stage or at any later stage.
    pub reached: usize,
    /// reached / reached of the previous stage; `null` for the first stage or when the previous
    /// stage was reached by no deal.
    pub conversion: Option<f64>,
    /// Time in stage, in hours.
    pub hours: DurationStats,
    /// Time in stage, in business days (Mon–Fri, configured holidays excluded).
    pub business_days: DurationStats,
}

/// Summary of a sample of durations. Every statistic is `null` when it is undefined
/// (`std` needs n ≥ 2; the rest need n ≥ 1). Quantiles interpolate linearly between order
/// statistics (numpy's default).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DurationStats {
    pub n: usize,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    /// Sample standard deviation (n − 1).
    pub std: Option<f64>,
    pub p90: Option<f64>,
    pub min: Option<f64>,
    pub p25: Option<f64>,
    pub p75: Option<f64>,
    pub max: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CycleStats {
    pub n: usize,
    pub median: Option<f64>,
    pub p90: Option<f64>,
    /// `median` and `p90` in days of 24 hours.
    pub median_days: Option<f64>,
    pub p90_days: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformRow {
    /// The platform as the user wrote it: deals whose platforms differ only in the case of
    /// ASCII letters are one platform, shown with the spelling of its earliest-opened deal.
    pub platform: String,
    pub deals: usize,
    pub won: usize,
    pub lost: usize,
    /// won + lost.
    pub closed: usize,
    pub win_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bottleneck {
    pub stage: String,
    /// Deals whose bottleneck is this stage.
    pub deals: usize,
    pub blocked_share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReasonCount {
    pub reason: String,
    pub count: usize,
    /// count / the counts of every reason in the list; the shares of a list sum to 1.
    pub share: f64,
}

/// Quartiles of deal value in integer minor units (rounded half away from zero).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueBand {
    pub platform: String,
    pub kind: String,
    pub currency: String,
    pub n: usize,
    pub p25_minor: i64,
    pub p50_minor: i64,
    pub p75_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeReport {
    pub total_hours: f64,
    /// Every category, in the order of `TimeCategory::ALL`, including those with no time.
    pub by_category: Vec<CategoryHours>,
    /// Logged hours / days that have any entry (days in the report's time zone); `null` with
    /// no entries.
    pub hours_per_day: Option<f64>,
    /// Days with at least one entry.
    pub days_with_entries: usize,
    /// Each won deal in scope: value / logged hours, in deal id order.
    pub effective_rates: Vec<EffectiveRate>,
    /// Won deals in scope with logged time (they have a rate), and without.
    pub won_deals_with_time: usize,
    pub won_deals_without_time: usize,
    /// Quartiles of the effective rates per currency, over won deals with logged time, in
    /// currency order.
    pub rates_by_currency: Vec<RateBand>,
}

/// Quartiles of effective hourly rates in one currency, in integer minor units per hour
/// (interpolated like the value bands and rounded half away from zero).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateBand {
    pub currency: String,
    /// Won deals in this currency with logged time.
    pub n: usize,
    pub p25_minor_per_hour: i64,
    pub median_minor_per_hour: i64,
    pub p75_minor_per_hour: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryHours {
    pub category: String,
    pub hours: f64,
    /// hours / total hours; 0 when nothing is logged.
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EffectiveRate {
    pub deal_id: String,
    pub platform: String,
    pub currency: String,
    pub value_minor: i64,
    pub hours: f64,
    /// value_minor / hours, rounded to the nearest minor unit; `null` when no time is logged.
    pub rate_minor_per_hour: Option<i64>,
}

/// Logistic regression of won (1) vs lost (0) on the three proposal-asset scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Drivers {
    Fitted {
        /// Closed deals with all three scores that the model was fitted on.
        n: usize,
        coefficients: Coefficients,
        /// |coefficient| / Σ|coefficient| over the three scores (intercept excluded); sums to 1.
        weights: AssetWeights,
        /// Area under the ROC curve of the fitted model on the deals it was fitted on.
        auc: f64,
    },
    Insufficient {
        insufficient_data: bool,
        /// Closed deals with all three scores.
        n: usize,
        /// How many are needed.
        required: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coefficients {
    pub intercept: f64,
    pub tech_doc: f64,
    pub github: f64,
    pub demo: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssetWeights {
    pub tech_doc: f64,
    pub github: f64,
    pub demo: f64,
}
