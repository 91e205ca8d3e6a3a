//! Property tests: the report's statistics against naive references written here.

use gigops_core::{Currency, DealKind, Ledger, Outcome, Stages};
use gigops_pipeline::{PipelineOptions, Scope, pipeline_report};
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use proptest::prelude::*;

use crate::support::*;

/// numpy.quantile(values, p) with the default linear method, spelled out: the virtual index
/// (n − 1)·p split into its whole part i and fraction g, then (1 − g)·xᵢ + g·xᵢ₊₁.
fn numpy_quantile(values: &[f64], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let virtual_index = (sorted.len() - 1) as f64 * p;
    let i = virtual_index.floor() as usize;
    let g = virtual_index - i as f64;
    if i + 1 >= sorted.len() {
        return sorted[i];
    }
    (1.0 - g) * sorted[i] + g * sorted[i + 1]
}

/// Business seconds in [a, b): cut the interval at every half hour of UTC (every local midnight
/// of the zones used here falls on one), so each piece lies within one local day, and keep the
/// pieces whose local day is a weekday and no holiday.
fn business_seconds(tz: &TimeZone, holidays: &[Date], a: i64, b: i64) -> i64 {
    const STEP: i64 = 1800;
    let mut total = 0;
    let mut t = a;
    while t < b {
        let next = ((t.div_euclid(STEP)) + 1) * STEP;
        let end = next.min(b);
        let day = tz.to_datetime(Timestamp::from_second(t).unwrap()).date();
        let weekend = matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday);
        if !weekend && !holidays.contains(&day) {
            total += end - t;
        }
        t = end;
    }
    total
}

fn two_event_ledger(intervals: &[(i64, i64)]) -> Ledger {
    let mut ledger = Ledger::default();
    for (i, &(a, b)) in intervals.iter().enumerate() {
        let id = format!("P-{i:03}");
        let at = |s: i64| Timestamp::from_second(s).unwrap().to_string();
        ledger.deals.push(
            DealSpec {
                id: &id,
                platform: "direct",
                kind: DealKind::Project,
                minor: 1,
                currency: Currency::USD,
                opened: &at(a),
                outcome: Outcome::Open,
                closed: None,
                reason: None,
                scores: [None; 3],
            }
            .build(),
        );
        ledger.events.push(event(&id, "lead", &at(a)));
        ledger.events.push(event(&id, "responded", &at(b)));
    }
    ledger
}

#[track_caller]
fn check_stats(stats: &gigops_pipeline::report::DurationStats, values: &[f64]) {
    let n = values.len();
    assert_eq!(stats.n, n);
    close_opt(stats.mean, values.iter().sum::<f64>() / n as f64);
    close_opt(stats.min, numpy_quantile(values, 0.0));
    close_opt(stats.p25, numpy_quantile(values, 0.25));
    close_opt(stats.median, numpy_quantile(values, 0.5));
    close_opt(stats.p75, numpy_quantile(values, 0.75));
    close_opt(stats.p90, numpy_quantile(values, 0.9));
    close_opt(stats.max, numpy_quantile(values, 1.0));
    if n >= 2 {
        let std = sample_std(values);
        let got = stats.std.unwrap();
        assert!((got - std).abs() <= 1e-9 * std.max(1.0), "{got} vs {std}");
    } else {
        assert_eq!(stats.std, None);
    }
}

fn zone() -> impl Strategy<Value = &'static str> {
    // Amman moved its clocks on Fridays (weekdays) in 2021–2022; Kolkata is UTC+05:30.
    prop_oneof![
        Just("Asia/Amman"),
        Just("Europe/Berlin"),
        Just("Asia/Kolkata"),
        Just("UTC")
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn durations_match_the_references(
        zone in zone(),
        spans in prop::collection::vec((0_i64..63_000_000, 0_i64..1_700_000), 1..12),
        holiday_offsets in prop::collection::vec(0_i32..730, 0..20),
    ) {
        // Instants from 2021-01-04 over two years.
        let base = ts("2021-01-04T00:00:00Z").as_second();
        let intervals: Vec<(i64, i64)> = spans.iter().map(|&(s, d)| (base + s, base + s + d)).collect();
        let start = Date::constant(2021, 1, 4);
        let holidays: Vec<Date> = holiday_offsets
            .iter()
            .map(|&o| start.checked_add(o.days()).unwrap())
            .collect();
        let tz = TimeZone::get(zone).unwrap();
        let options = PipelineOptions::new(Stages::default(), zone, holidays.clone(), Scope::default()).unwrap();
        let report = pipeline_report(&two_event_ledger(&intervals), &options);

        let hours: Vec<f64> = intervals.iter().map(|&(a, b)| (b - a) as f64 / 3600.0).collect();
        check_stats(&report.stages[0].hours, &hours);
        let days: Vec<f64> = intervals
            .iter()
            .map(|&(a, b)| business_seconds(&tz, &holidays, a, b) as f64 / 86_400.0)
            .collect();
        check_stats(&report.stages[0].business_days, &days);
    }

    #[test]
    fn value_quartiles_are_exact(values in prop::collection::vec(0_i64..1_000_000_000_000, 1..60)) {
        let mut ledger = Ledger::default();
        for (i, &minor) in values.iter().enumerate() {
            let id = format!("V-{i:03}");
            ledger.deals.push(DealSpec {
                id: &id,
                platform: "toptal",
                kind: DealKind::Retainer,
                minor,
                currency: Currency::EUR,
                opened: "2025-01-01T00:00:00Z",
                outcome: Outcome::Open,
                closed: None,
                reason: None,
                scores: [None; 3],
            }.build());
        }
        let report = pipeline_report(&ledger, &PipelineOptions::default());
        let band = &report.value_bands[0];
        // Below 2^53 every step of numpy's formula is exact in f64 for p = k/4, and f64::round
        // rounds halves away from zero.
        let as_f64: Vec<f64> = values.iter().map(|&v| v as f64).collect();
        let q = |p| numpy_quantile(&as_f64, p).round() as i64;
        prop_assert_eq!(band.n, values.len());
        prop_assert_eq!(band.p25_minor, q(0.25));
        prop_assert_eq!(band.p50_minor, q(0.5));
        prop_assert_eq!(band.p75_minor, q(0.75));
    }
}

#[test]
fn business_days_on_a_23_hour_friday() {
    // Amman, 2022-02-25: clocks went from 00:00 to 01:00 (UTC+2 → UTC+3), so that Friday
    // lasted 23 hours, from 2022-02-24T22:00Z to 2022-02-25T21:00Z. Thu 12:00 → Mon 12:00
    // local is 12 h (Thu) + 23 h (Fri) + 12 h (Mon) = 47 h of business time.
    let intervals = [(
        ts("2022-02-24T10:00:00Z").as_second(),
        ts("2022-02-28T09:00:00Z").as_second(),
    )];
    let options =
        PipelineOptions::new(Stages::default(), "Asia/Amman", vec![], Scope::default()).unwrap();
    let report = pipeline_report(&two_event_ledger(&intervals), &options);
    close_opt(report.stages[0].business_days.mean, 47.0 / 24.0);
    let tz = TimeZone::get("Asia/Amman").unwrap();
    assert_eq!(
        business_seconds(&tz, &[], intervals[0].0, intervals[0].1),
        47 * 3600
    );
}
