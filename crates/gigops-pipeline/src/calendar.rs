//! Business time in a time zone: how much of an interval falls on Mon–Fri calendar days that
//! are not holidays, in real elapsed time (so a 23-hour DST day counts 23 hours).
//!
//! The report asks this question once per stage duration, so the answer must not cost a time
//! zone lookup per day. Over the range of instants a report touches, a table holds the start of
//! every local day and the business time accumulated before it; an interval is then two
//! lookups, each found in O(1) by guessing the day from 24-hour arithmetic and correcting by the
//! at most few days that UTC offset changes can shift it. A range too long for a table (absurd
//! data: centuries) falls back to walking the days of each interval.

use jiff::Timestamp;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;

pub(crate) const DAY_MS: i64 = 86_400_000;

/// Past this many days (about 200 years) a table would cost more memory than it is worth.
const MAX_TABLE_DAYS: i64 = 73_050;

pub(crate) struct BusinessCalendar<'a> {
    tz: &'a TimeZone,
    holidays: &'a [Date],
    table: Option<DayTable>,
}

struct DayTable {
    /// Days since 1970-01-01 of the first local date in the table.
    first_day: i64,
    /// Start of each local day in ms since the epoch, plus the start of the day after the last.
    /// Non-decreasing; a date skipped by an offset change has zero length.
    starts: Vec<i64>,
    /// Business ms before each day, same length as `starts`.
    cum: Vec<i64>,
    business: Vec<bool>,
}

impl<'a> BusinessCalendar<'a> {
    /// A calendar whose fast path covers instants in `[min_ms, max_ms]`; instants outside still
    /// get correct (slower) answers. `holidays` must be sorted.
    pub(crate) fn new(tz: &'a TimeZone, holidays: &'a [Date], min_ms: i64, max_ms: i64) -> Self {
        let mut calendar = BusinessCalendar {
            tz,
            holidays,
            table: None,
        };
        if min_ms <= max_ms {
            calendar.table = calendar.build_table(min_ms, max_ms, MAX_TABLE_DAYS);
        }
        calendar
    }

    #[cfg(test)]
    fn without_table(tz: &'a TimeZone, holidays: &'a [Date]) -> Self {
        BusinessCalendar {
            tz,
            holidays,
            table: None,
        }
    }

    fn build_table(&self, min_ms: i64, max_ms: i64, max_days: i64) -> Option<DayTable> {
        let first = self.local_date(min_ms)?;
        let last = self.local_date(max_ms)?;
        let days = i64::from(first.until(last).ok()?.get_days()) + 1;
        if days > max_days {
            return None;
        }
        let len = usize::try_from(days).ok()?;
        let mut starts = Vec::with_capacity(len + 1);
        let mut business = Vec::with_capacity(len);
        let mut date = first;
        for _ in 0..len {
            starts.push(self.day_start(date)?);
            business.push(self.is_business_day(date));
            date = date.tomorrow().ok()?;
        }
        starts.push(self.day_start(date)?);
        let mut cum = Vec::with_capacity(len + 1);
        let mut total = 0_i64;
        cum.push(0);
        for i in 0..len {
            if business[i] {
                total += starts[i + 1] - starts[i];
            }
            cum.push(total);
        }
        Some(DayTable {
            first_day: day_number(first)?,
            starts,
            cum,
            business,
        })
    }

    /// Business ms in `[from_ms, to_ms)`; 0 when the interval is empty.
    pub(crate) fn business_ms(&self, from_ms: i64, to_ms: i64) -> i64 {
        if to_ms <= from_ms {
            return 0;
        }
        if let Some(table) = &self.table
            && let (Some(a), Some(b)) = (table.accumulated(from_ms), table.accumulated(to_ms))
        {
            return b - a;
        }
        self.walk_business_ms(from_ms, to_ms)
    }

    /// The local calendar day of an instant, as days since 1970-01-01.
    pub(crate) fn day_of(&self, ms: i64) -> Option<i64> {
        if let Some(table) = &self.table
            && let Some(i) = table.index(ms)
        {
            return Some(table.first_day + i as i64);
        }
        day_number(self.local_date(ms)?)
    }

    /// How many distinct local days the instants fall on.
    pub(crate) fn count_days(&self, instants: &[i64]) -> usize {
        if let Some(table) = &self.table {
            let mut seen = vec![false; table.business.len()];
            let mut outside = Vec::new();
            for &ms in instants {
                match table.index(ms) {
                    Some(i) => seen[i] = true,
                    None => outside.extend(self.day_of(ms)),
                }
            }
            outside.sort_unstable();
            outside.dedup();
            return seen.iter().filter(|&&s| s).count() + outside.len();
        }
        let mut days: Vec<i64> = instants.iter().filter_map(|&ms| self.day_of(ms)).collect();
        days.sort_unstable();
        days.dedup();
        days.len()
    }

    fn walk_business_ms(&self, from_ms: i64, to_ms: i64) -> i64 {
        let Some(mut date) = self.local_date(from_ms) else {
            return 0;
        };
        let mut total = 0;
        let Some(mut start) = self.day_start(date) else {
            return 0;
        };
        loop {
            let next = date.tomorrow().ok();
            let end = next.and_then(|d| self.day_start(d)).unwrap_or(i64::MAX);
            if self.is_business_day(date) {
                total += (end.min(to_ms) - start.max(from_ms)).max(0);
            }
            match next {
                Some(d) if end < to_ms => {
                    date = d;
                    start = end;
                }
                _ => return total,
            }
        }
    }

    fn is_business_day(&self, date: Date) -> bool {
        !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
            && self.holidays.binary_search(&date).is_err()
    }

    fn local_date(&self, ms: i64) -> Option<Date> {
        let ts = Timestamp::from_millisecond(ms).ok()?;
        Some(self.tz.to_datetime(ts).date())
    }

    /// The first instant of a local date. Midnight can fall in a DST gap; the "compatible"
    /// resolution then moves it past the gap, which is exactly when the date begins.
    fn day_start(&self, date: Date) -> Option<i64> {
        let ts = self
            .tz
            .to_ambiguous_timestamp(date.to_datetime(Time::midnight()))
            .compatible()
            .ok()?;
        Some(ts.as_millisecond())
    }
}

impl DayTable {
    /// Index of the day containing `ms`, when the table covers it.
    fn index(&self, ms: i64) -> Option<usize> {
        let starts = &self.starts;
        let days = starts.len() - 1;
        if ms < starts[0] || ms >= starts[days] {
            return None;
        }
        // Offsets change by at most a day, so the guess is off by a few days at most.
        let guess = ((ms - starts[0]) / DAY_MS) as usize;
        let mut i = guess.min(days - 1);
        while starts[i] > ms {
            i -= 1;
        }
        while starts[i + 1] <= ms {
            i += 1;
        }
        Some(i)
    }

    /// Business ms from the start of the table to `ms`.
    fn accumulated(&self, ms: i64) -> Option<i64> {
        let i = self.index(ms)?;
        let within = if self.business[i] {
            ms - self.starts[i]
        } else {
            0
        };
        Some(self.cum[i] + within)
    }
}

fn day_number(date: Date) -> Option<i64> {
    let epoch = Date::constant(1970, 1, 1);
    Some(i64::from(epoch.until(date).ok()?.get_days()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(text: &str) -> i64 {
        text.parse::<Timestamp>().unwrap().as_millisecond()
    }

    #[test]
    fn table_and_walk_agree_across_dst_and_holidays() {
        // The table is the fast path and the walk the obviously-correct one; random intervals
        // over zones with DST, a skipped date (Apia, 2011) and none must agree to the ms.
        let holidays = [Date::constant(2025, 1, 1), Date::constant(2025, 7, 4)];
        for name in ["America/New_York", "Asia/Shanghai", "Pacific/Apia", "UTC"] {
            let tz = TimeZone::get(name).unwrap();
            let lo = ms("2011-12-01T00:00:00Z");
            let hi = ms("2026-01-01T00:00:00Z");
            let table = BusinessCalendar::new(&tz, &holidays, lo, hi);
            let walk = BusinessCalendar::without_table(&tz, &holidays);
            assert!(table.table.is_some());
            let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
            for _ in 0..2000 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let a = lo + (x % (hi - lo) as u64) as i64;
                let len = ((x >> 20) % (40 * DAY_MS as u64)) as i64;
                let b = (a + len).min(hi);
                assert_eq!(
                    table.business_ms(a, b),
                    walk.business_ms(a, b),
                    "{name} {a} {b}"
                );
                assert_eq!(table.day_of(a), walk.day_of(a));
            }
        }
    }

    #[test]
    fn skipped_date_has_no_business_time() {
        // Samoa skipped Friday 2011-12-30 entirely (UTC−10 → UTC+14).
        let tz = TimeZone::get("Pacific/Apia").unwrap();
        let cal = BusinessCalendar::new(
            &tz,
            &[],
            ms("2011-12-20T00:00:00Z"),
            ms("2012-01-10T00:00:00Z"),
        );
        // Thursday 29th 00:00 local (−10) to Saturday 31st 00:00 local (+14): only Thursday,
        // which is 24 h.
        let a = ms("2011-12-29T10:00:00Z");
        let b = ms("2011-12-30T10:00:00Z");
        assert_eq!(cal.business_ms(a, b), DAY_MS);
    }

    #[test]
    fn a_23_hour_weekday_counts_23_hours() {
        // Europe/London changed on Sunday; Asia/Amman moved clocks on a Friday (2022-02-25,
        // 00:00 → 01:00), making that Friday 23 h long.
        let tz = TimeZone::get("Asia/Amman").unwrap();
        let cal = BusinessCalendar::new(
            &tz,
            &[],
            ms("2022-02-20T00:00:00Z"),
            ms("2022-03-01T00:00:00Z"),
        );
        // Friday 2022-02-25 local: starts 01:00+03 = 2022-02-24T22:00Z, ends 2022-02-25T21:00Z.
        let a = ms("2022-02-24T22:00:00Z");
        let b = ms("2022-02-25T21:00:00Z");
        assert_eq!(cal.business_ms(a, b), 23 * 3_600_000);
        assert_eq!(
            cal.business_ms(a - 3_600_000, b + 3_600_000),
            23 * 3_600_000 + 3_600_000
        );
    }
}
