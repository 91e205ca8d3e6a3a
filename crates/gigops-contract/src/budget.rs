//! Error budgets: how long a service level may be bad in one budget period, with calendar
//! months of their real length (28 to 31 days, and an hour less or more across a daylight-saving
//! change in the support time zone). The SLA monitor counts its budgets with the same two
//! functions: [`budget_period`] finds the period, [`error_budget`] what it allows.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::model::{BudgetPeriod, Objective, ServiceLevel, Sow};

/// The time an availability objective of `target_percent` allows to be bad over the period
/// [`start`, `end`): (100 − target) % of its real length, to the millisecond. Zero for an empty
/// or reversed period.
pub fn error_budget(target_percent: f64, start: Timestamp, end: Timestamp) -> SignedDuration {
    let length = end.duration_since(start).as_secs_f64().max(0.0);
    let allowed = length * (100.0 - target_percent).clamp(0.0, 100.0) / 100.0;
    SignedDuration::from_millis((allowed * 1000.0).round() as i64)
}

/// The budget period that holds the instant `at`, as [start, end): the calendar month that
/// contains it in `tz` (from the first day's start to the next month's), or the rolling
/// `duration` that ends at it.
pub fn budget_period(
    period: &BudgetPeriod,
    at: Timestamp,
    tz: &TimeZone,
) -> Result<(Timestamp, Timestamp), jiff::Error> {
    match period {
        BudgetPeriod::CalendarMonth => {
            let first = at.to_zoned(tz.clone()).date().first_of_month();
            let start = first.to_zoned(tz.clone())?;
            let end = first.checked_add(1.month())?.to_zoned(tz.clone())?;
            Ok((start.timestamp(), end.timestamp()))
        }
        BudgetPeriod::Rolling { duration } => {
            let length =
                SignedDuration::from_secs(i64::try_from(duration.seconds).unwrap_or(i64::MAX));
            Ok((at.checked_sub(length)?, at))
        }
    }
}

/// An availability objective's error budget over the contract: in its shortest and its longest
/// budget period (the same for a rolling period, or a contract inside one month).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ErrorBudget {
    pub shortest: PeriodBudget,
    pub longest: PeriodBudget,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PeriodBudget {
    /// The period's real length in days, to the hundredth (30.96 for a March that loses an
    /// hour to daylight saving).
    pub days: f64,
    /// Minutes of bad time the objective allows in it, to the hundredth.
    pub minutes: f64,
}

fn hundredths(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The error budget of an availability objective of `sow` (`None` for a latency objective,
/// whose budget is in windows, not time): over each budget period of the contract — the
/// calendar months from its start to its end in the support time zone (UTC when it names none
/// that exists), or its rolling period.
pub fn budget_of(sow: &Sow, level: &ServiceLevel) -> Option<ErrorBudget> {
    let Objective::Availability { target_percent } = level.objective else {
        return None;
    };
    let tz = sow
        .support
        .as_ref()
        .and_then(|s| s.time_zone.as_deref())
        .and_then(|name| TimeZone::get(name).ok())
        .unwrap_or(TimeZone::UTC);
    let figure = |(start, end): (Timestamp, Timestamp)| PeriodBudget {
        days: hundredths(end.duration_since(start).as_secs_f64() / 86_400.0),
        minutes: hundredths(error_budget(target_percent, start, end).as_secs_f64() / 60.0),
    };
    let mut periods = Vec::new();
    match &level.budget_period {
        BudgetPeriod::Rolling { .. } => {
            let at = sow.start.to_zoned(tz.clone()).ok()?.timestamp();
            periods.push(figure(budget_period(&level.budget_period, at, &tz).ok()?));
        }
        BudgetPeriod::CalendarMonth => {
            let mut month = sow.start.first_of_month();
            while month <= sow.end {
                // Noon of the month's first day: inside the month whatever the zone's offset.
                let at = month.at(12, 0, 0, 0).to_zoned(tz.clone()).ok()?.timestamp();
                periods.push(figure(budget_period(&level.budget_period, at, &tz).ok()?));
                month = month.checked_add(1.month()).ok()?;
            }
        }
    }
    let by_length = |a: &&PeriodBudget, b: &&PeriodBudget| a.days.total_cmp(&b.days);
    Some(ErrorBudget {
        shortest: *periods.iter().min_by(by_length)?,
        longest: *periods.iter().max_by(by_length)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Duration;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn month_of(instant: &str, zone: &str) -> (Timestamp, Timestamp) {
        let tz = TimeZone::get(zone).unwrap();
        budget_period(&BudgetPeriod::CalendarMonth, at(instant), &tz).unwrap()
    }

    #[test]
    fn calendar_months_have_their_real_length() {
        // 99.9 % of 28, 29, 30 and 31 days of 1,440 minutes.
        for (instant, minutes) in [
            ("2027-02-14T00:00:00Z", 40.32),
            ("2028-02-14T00:00:00Z", 41.76),
            ("2027-04-14T00:00:00Z", 43.2),
            ("2027-01-14T00:00:00Z", 44.64),
        ] {
            let (start, end) = month_of(instant, "UTC");
            let budget = error_budget(99.9, start, end);
            assert!(
                (budget.as_secs_f64() / 60.0 - minutes).abs() < 1e-9,
                "{instant}: {budget:?}"
            );
        }
        // March in Berlin loses an hour: 743 hours.
        let (start, end) = month_of("2027-03-10T00:00:00Z", "Europe/Berlin");
        assert_eq!(start, at("2027-02-28T23:00:00Z"));
        assert_eq!(end.duration_since(start), SignedDuration::from_hours(743));
        // The month is the zone's: 1 April 03:00 in Shanghai is still 31 March in UTC.
        let (start, _) = month_of("2027-03-31T20:00:00Z", "Asia/Shanghai");
        assert_eq!(start, at("2027-03-31T16:00:00Z"));
    }

    #[test]
    fn a_rolling_period_ends_at_the_instant() {
        let period = BudgetPeriod::Rolling {
            duration: Duration {
                text: "28d".into(),
                seconds: 28 * 86_400,
            },
        };
        let (start, end) =
            budget_period(&period, at("2027-03-01T00:00:00Z"), &TimeZone::UTC).unwrap();
        assert_eq!(
            (start, end),
            (at("2027-02-01T00:00:00Z"), at("2027-03-01T00:00:00Z"))
        );
        assert_eq!(
            error_budget(99.0, start, end),
            SignedDuration::from_secs(28 * 86_400 / 100)
        );
        assert_eq!(error_budget(99.0, end, start), SignedDuration::ZERO);
    }

    proptest::proptest! {
        /// A stricter objective never allows more bad time, and a longer period never less.
        #[test]
        fn budgets_are_monotone(
            a in 90.0f64..100.0,
            b in 90.0f64..100.0,
            days in 1i64..400,
            more in 0i64..100,
        ) {
            let start = at("2027-01-01T00:00:00Z");
            let end = start + SignedDuration::from_hours(24 * days);
            let longer = end + SignedDuration::from_hours(24 * more);
            let (loose, strict) = if a <= b { (a, b) } else { (b, a) };
            proptest::prop_assert!(error_budget(strict, start, end) <= error_budget(loose, start, end));
            proptest::prop_assert!(error_budget(loose, start, end) <= error_budget(loose, start, longer));
        }
    }
}
