//! The pipeline report: funnel, time in stage, cycle time, bottlenecks, win rates, churn, value
//! bands, logged time and conversion drivers, from a few linear passes over the ledger.
//!
//! Built for 200,000 deals and 1,000,000 events: deals are indexed by id once, events are
//! resolved to (deal, stage rank, ms) and grouped per deal by a counting sort into one flat
//! buffer, and durations go into one integer vector per stage; business time is two table
//! lookups per duration (see `calendar`).
//!
//! A deal that was closed and reopened is counted by its current state; the time it spent
//! closed (from closing to reopening) is no part of any duration.

use std::collections::{BTreeMap, HashMap};

use gigops_core::{
    Currency, Deal, DealId, DealKind, Ledger, Outcome, Stages, TimeCategory, platform_key,
};
use jiff::Timestamp;

use crate::calendar::{BusinessCalendar, DAY_MS};
use crate::drivers::{Sample, conversion_drivers};
use crate::options::PipelineOptions;
use crate::report::{
    Bottleneck, CategoryHours, CycleStats, EffectiveRate, PipelineReport, PlatformRow, RateBand,
    ReasonCount, StageRow, TimeReport, ValueBand,
};
use crate::stats::{div_round_half_away, duration_stats, quantile, quantile_exact};

const HOUR_MS: f64 = 3_600_000.0;
const UNSPECIFIED: &str = "unspecified";

/// An event reduced to what the analytics need; sorts by time, then stage order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Ev {
    ms: i64,
    rank: u32,
}

/// The events of the deals in scope at configured stages, grouped per deal: deal `d`'s events
/// are `events[offsets[d]..offsets[d + 1]]`, in input order until the funnel pass sorts them.
struct Grouped {
    offsets: Vec<u32>,
    events: Vec<Ev>,
    /// Events per stage rank.
    at_stage: Vec<usize>,
}

/// Minutes logged on deals in scope, and when each entry started.
struct Logged {
    by_category: Vec<u64>,
    by_deal: Vec<u64>,
    starts: Vec<i64>,
}

/// The smallest and largest instant seen, in ms; empty while min > max.
#[derive(Clone, Copy)]
struct Span {
    min: i64,
    max: i64,
}

impl Span {
    const EMPTY: Span = Span {
        min: i64::MAX,
        max: i64::MIN,
    };

    fn add(&mut self, ms: i64) {
        self.min = self.min.min(ms);
        self.max = self.max.max(ms);
    }
}

/// What the pass over each deal's sorted events finds.
struct Funnel {
    /// Per deal: the highest stage rank it has an event at.
    max_rank: Vec<Option<u32>>,
    /// Per stage: deals with an event at it or a later stage.
    reached: Vec<usize>,
    /// Per stage: durations in ms, and their business part.
    hours_ms: Vec<Vec<i64>>,
    business_ms: Vec<Vec<i64>>,
    cycle_ms: Vec<i64>,
    /// Per stage: deals whose bottleneck it is.
    blocked: Vec<usize>,
    deals_with_durations: usize,
}

/// When deals were closed before being reopened: `[closed_at, reopened_at)` in ms, per deal
/// index. Few deals have any, so a map.
type ClosedSpans = HashMap<u32, Vec<(i64, i64)>>;

/// What the deals' outcomes and values give.
struct Outcomes<'a> {
    platforms: Vec<PlatformRow>,
    /// Per deal: the index of its platform in `platforms`.
    platform_of: Vec<u32>,
    won: usize,
    lost: usize,
    lost_reasons: HashMap<&'a str, usize>,
    churn_reasons: HashMap<&'a str, usize>,
    /// Indices of won deals, churned retainers included.
    won_deals: Vec<u32>,
    samples: Vec<Sample>,
    value_bands: Vec<ValueBand>,
}

/// Computes the pipeline report of the deals in `options`' scope. Every definition is in
/// docs/pipeline-analytics.md.
pub fn pipeline_report(ledger: &Ledger, options: &PipelineOptions) -> PipelineReport {
    let stages = options.stages();
    let (deals, mut lookup) = DealLookup::build(ledger.deals.iter().filter(|d| options.covers(d)));
    let mut span = Span::EMPTY;
    let mut grouped = group_events(ledger, stages, &mut lookup, &mut span);
    let logged = log_time(ledger, &mut lookup, &mut span);
    let closed = closed_spans(ledger, &mut lookup);
    let calendar = BusinessCalendar::new(options.tz(), options.holidays(), span.min, span.max);
    let signed_rank = stages.rank(Stages::SIGNED).map(|r| r as u32);
    let mut funnel = funnel(&mut grouped, stages.len(), signed_rank, &calendar, &closed);
    let outcomes = outcomes(&deals, &funnel.max_rank, signed_rank);

    let reached = &funnel.reached;
    let stage_rows: Vec<StageRow> = stages
        .iter()
        .enumerate()
        .map(|(s, name)| StageRow {
            stage: name.to_string(),
            reached: reached[s],
            conversion: (s > 0 && reached[s - 1] > 0)
                .then(|| reached[s] as f64 / reached[s - 1] as f64),
            hours: duration_stats(&mut funnel.hours_ms[s], HOUR_MS),
            business_days: duration_stats(&mut funnel.business_ms[s], DAY_MS as f64),
        })
        .collect();

    let with_durations = funnel.deals_with_durations;
    let bottleneck_shares: Vec<Bottleneck> = stages
        .iter()
        .zip(&funnel.blocked)
        .map(|(name, &blocked)| Bottleneck {
            stage: name.to_string(),
            deals: blocked,
            blocked_share: if with_durations > 0 {
                blocked as f64 / with_durations as f64
            } else {
                0.0
            },
        })
        .collect();
    // The first stage among the largest shares; none when no deal has a bottleneck.
    let bottleneck = bottleneck_shares
        .iter()
        .filter(|b| b.deals > 0)
        .fold(None::<&Bottleneck>, |best, b| match best {
            Some(best) if best.deals >= b.deals => Some(best),
            _ => Some(b),
        })
        .cloned();

    funnel.cycle_ms.sort_unstable();
    let cycle_hours: Vec<f64> = funnel
        .cycle_ms
        .iter()
        .map(|&ms| ms as f64 / HOUR_MS)
        .collect();

    let time = time_report(&deals, &outcomes, logged, &calendar);
    let median = quantile(&cycle_hours, 0.5);
    let p90 = quantile(&cycle_hours, 0.9);
    let mut scope = options.scope().clone();
    // The scope names the platform as its deals spell it.
    if let Some(row) = scope.platform.as_deref().and_then(|p| {
        outcomes
            .platforms
            .iter()
            .find(|row| row.platform.eq_ignore_ascii_case(p))
    }) {
        scope.platform = Some(row.platform.clone());
    }
    PipelineReport {
        scope,
        time_zone: options.time_zone().to_string(),
        deals: deals.len(),
        stages: stage_rows,
        cycle_hours: CycleStats {
            n: cycle_hours.len(),
            median,
            p90,
            median_days: median.map(|h| h / 24.0),
            p90_days: p90.map(|h| h / 24.0),
        },
        win_rate: win_rate(outcomes.won, outcomes.lost),
        won: outcomes.won,
        lost: outcomes.lost,
        open: deals.len() - outcomes.won - outcomes.lost,
        reopened: closed.len(),
        win_rate_by_platform: outcomes
            .platforms
            .iter()
            .map(|row| (row.platform.clone(), row.win_rate))
            .collect(),
        platforms: outcomes.platforms,
        bottleneck,
        bottleneck_shares,
        deals_with_durations: with_durations,
        lost_reasons: ranked(outcomes.lost_reasons),
        churn_reasons: ranked(outcomes.churn_reasons),
        value_bands: outcomes.value_bands,
        time,
        drivers: conversion_drivers(&outcomes.samples),
    }
}

/// Resolves events to (deal, stage rank, ms), dropping those of deals out of scope and at
/// stages not configured, and groups them per deal with a counting sort on the deal index.
fn group_events<'a>(
    ledger: &'a Ledger,
    stages: &Stages,
    lookup: &mut DealLookup<'a>,
    span: &mut Span,
) -> Grouped {
    let mut events: Vec<Ev> = Vec::with_capacity(ledger.events.len());
    let mut deal_of: Vec<u32> = Vec::with_capacity(ledger.events.len());
    let mut offsets = vec![0_u32; lookup.len() + 1];
    let mut at_stage = vec![0_usize; stages.len()];
    let mut in_deal_order = true;
    // Events come in runs of one stage name far more often than not.
    let mut last_stage: (&str, Option<u32>) = ("", None);
    for event in &ledger.events {
        let Some(deal) = lookup.get(event.deal_id.as_str()) else {
            continue;
        };
        let name = event.stage.as_str();
        if name != last_stage.0 {
            last_stage = (name, stages.rank(name).map(|r| r as u32));
        }
        let Some(rank) = last_stage.1 else {
            continue;
        };
        let ms = event.entered_at.as_millisecond();
        span.add(ms);
        offsets[deal as usize + 1] += 1;
        at_stage[rank as usize] += 1;
        in_deal_order &= deal_of.last().is_none_or(|&last| last <= deal);
        deal_of.push(deal);
        events.push(Ev { ms, rank });
    }
    for i in 1..offsets.len() {
        offsets[i] += offsets[i - 1];
    }
    // The store hands events over ordered by deal; anything else is grouped here.
    if !in_deal_order {
        let mut cursor = offsets.clone();
        let mut grouped = vec![Ev { ms: 0, rank: 0 }; events.len()];
        for (&deal, &ev) in deal_of.iter().zip(&events) {
            let slot = &mut cursor[deal as usize];
            grouped[*slot as usize] = ev;
            *slot += 1;
        }
        events = grouped;
    }
    Grouped {
        offsets,
        events,
        at_stage,
    }
}

/// Sums the minutes of time entries on deals in scope and keeps their start instants.
fn log_time<'a>(ledger: &'a Ledger, lookup: &mut DealLookup<'a>, span: &mut Span) -> Logged {
    let mut logged = Logged {
        by_category: vec![0; TimeCategory::ALL.len()],
        by_deal: vec![0; lookup.len()],
        starts: Vec::with_capacity(ledger.time_entries.len()),
    };
    for entry in &ledger.time_entries {
        let Some(deal) = lookup.get(entry.deal_id.as_str()) else {
            continue;
        };
        let ms = entry.started_at.as_millisecond();
        span.add(ms);
        let category = TimeCategory::ALL
            .iter()
            .position(|c| *c == entry.category)
            .unwrap_or(0);
        logged.by_category[category] += u64::from(entry.minutes);
        logged.by_deal[deal as usize] += u64::from(entry.minutes);
        logged.starts.push(ms);
    }
    logged
}

/// The spans during which deals in scope were closed before a reopening.
fn closed_spans<'a>(ledger: &'a Ledger, lookup: &mut DealLookup<'a>) -> ClosedSpans {
    let mut closed = ClosedSpans::new();
    for reopening in &ledger.reopenings {
        if let Some(deal) = lookup.get(reopening.deal_id.as_str()) {
            closed.entry(deal).or_default().push((
                reopening.closed_at.as_millisecond(),
                reopening.reopened_at.as_millisecond(),
            ));
        }
    }
    closed
}

/// The part of `[from, to)` during which the deal was open: its elapsed ms and their business
/// part.
fn open_time(
    from: i64,
    to: i64,
    closed: Option<&Vec<(i64, i64)>>,
    calendar: &BusinessCalendar<'_>,
) -> (i64, i64) {
    let mut elapsed = to - from;
    let mut business = calendar.business_ms(from, to);
    for &(closed_at, reopened_at) in closed.into_iter().flatten() {
        let (start, end) = (closed_at.max(from), reopened_at.min(to));
        if start < end {
            elapsed -= end - start;
            business -= calendar.business_ms(start, end);
        }
    }
    (elapsed, business)
}

/// One pass over each deal's events, sorted by time then stage order: how far it got, its
/// durations per stage, its cycle time and its bottleneck.
fn funnel(
    grouped: &mut Grouped,
    n_stages: usize,
    signed_rank: Option<u32>,
    calendar: &BusinessCalendar<'_>,
    closed: &ClosedSpans,
) -> Funnel {
    let deals = grouped.offsets.len() - 1;
    // Each event gives at most one duration, to its own stage.
    let with_room = || -> Vec<Vec<i64>> {
        grouped
            .at_stage
            .iter()
            .map(|&n| Vec::with_capacity(n))
            .collect()
    };
    let mut funnel = Funnel {
        max_rank: vec![None; deals],
        reached: vec![0; n_stages],
        hours_ms: with_room(),
        business_ms: with_room(),
        cycle_ms: Vec::new(),
        blocked: vec![0; n_stages],
        deals_with_durations: 0,
    };
    let mut at_max = vec![0_usize; n_stages];
    // Scratch reused across deals, so that no deal allocates.
    let mut durations: Vec<(i64, u32)> = Vec::new();
    let mut scratch: Vec<i64> = Vec::new();
    for d in 0..deals {
        let range = grouped.offsets[d] as usize..grouped.offsets[d + 1] as usize;
        let evs = &mut grouped.events[range];
        if evs.is_empty() {
            continue;
        }
        evs.sort_unstable();
        let max_rank = evs.iter().map(|e| e.rank).max().unwrap_or(0);
        funnel.max_rank[d] = Some(max_rank);
        at_max[max_rank as usize] += 1;

        let closed = closed.get(&(d as u32));
        durations.clear();
        for pair in evs.windows(2) {
            let (from, to) = (pair[0], pair[1]);
            let stage = from.rank as usize;
            let (elapsed, business) = open_time(from.ms, to.ms, closed, calendar);
            funnel.hours_ms[stage].push(elapsed);
            funnel.business_ms[stage].push(business);
            durations.push((elapsed, from.rank));
        }
        if let Some(signed) = signed_rank
            && let Some(at) = evs.iter().find(|e| e.rank == signed)
        {
            funnel
                .cycle_ms
                .push(open_time(evs[0].ms, at.ms, closed, calendar).0);
        }
        if !durations.is_empty() {
            funnel.deals_with_durations += 1;
            if let Some(stage) = deal_bottleneck(&durations, &mut scratch) {
                funnel.blocked[stage as usize] += 1;
            }
        }
    }
    // A deal reached every stage up to the highest one it has an event at.
    let mut running = 0;
    for s in (0..n_stages).rev() {
        running += at_max[s];
        funnel.reached[s] = running;
    }
    funnel
}

/// One platform as the deals name it: the spelling of its earliest-opened deal (then lowest
/// id), and its counts.
struct PlatformGroup<'a> {
    first: (&'a Timestamp, &'a DealId, &'a str),
    deals: usize,
    won: usize,
    lost: usize,
}

/// Win and loss counts, reasons, drivers samples and value bands. A retainer that reached
/// `signed` and was later closed lost has ended: the sale was won, the client churned.
/// Platforms are grouped by [`Platform::is`](gigops_core::Platform::is): spellings that differ
/// only in the case of ASCII letters are one platform.
fn outcomes<'a>(
    deals: &[&'a Deal],
    max_rank: &[Option<u32>],
    signed_rank: Option<u32>,
) -> Outcomes<'a> {
    // Platforms and bands are a handful of keys over many deals: indices into short lists,
    // sorted by key once at the end.
    let mut groups: Vec<PlatformGroup<'a>> = Vec::new();
    let mut platform_of: Vec<u32> = Vec::with_capacity(deals.len());
    let mut last_platform: (&str, usize) = ("", usize::MAX);
    let mut bands: Vec<((usize, DealKind, Currency), Vec<i64>)> = Vec::new();
    let mut out = Outcomes {
        platforms: Vec::new(),
        platform_of: Vec::new(),
        won: 0,
        lost: 0,
        lost_reasons: HashMap::new(),
        churn_reasons: HashMap::new(),
        won_deals: Vec::new(),
        samples: Vec::new(),
        value_bands: Vec::new(),
    };
    for (d, deal) in deals.iter().enumerate() {
        let reached_signed = match (signed_rank, max_rank[d]) {
            (Some(signed), Some(max)) => max >= signed,
            _ => false,
        };
        let churned =
            deal.kind == DealKind::Retainer && deal.outcome == Outcome::Lost && reached_signed;
        let won = deal.outcome == Outcome::Won || churned;
        let lost = deal.outcome == Outcome::Lost && !churned;

        let name = deal.platform.as_str();
        if name != last_platform.0 {
            let at = groups
                .iter()
                .position(|g| deal.platform.is(g.first.2))
                .unwrap_or_else(|| {
                    groups.push(PlatformGroup {
                        first: (&deal.opened_at, &deal.id, name),
                        deals: 0,
                        won: 0,
                        lost: 0,
                    });
                    groups.len() - 1
                });
            last_platform = (name, at);
        }
        let platform = last_platform.1;
        platform_of.push(platform as u32);
        let group = &mut groups[platform];
        if (&deal.opened_at, &deal.id) < (group.first.0, group.first.1) {
            group.first = (&deal.opened_at, &deal.id, name);
        }
        group.deals += 1;
        group.won += usize::from(won);
        group.lost += usize::from(lost);

        if lost || churned {
            let reason = deal
                .lost_reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .unwrap_or(UNSPECIFIED);
            let reasons = if churned {
                &mut out.churn_reasons
            } else {
                &mut out.lost_reasons
            };
            *reasons.entry(reason).or_default() += 1;
        }
        if won {
            out.won_deals.push(d as u32);
        }
        if (won || lost)
            && let Some(scores) = deal.scores()
        {
            out.samples.push((scores, won));
        }

        let key = (platform, deal.kind, deal.value.currency);
        let band = bands.iter().position(|b| b.0 == key).unwrap_or_else(|| {
            bands.push((key, Vec::new()));
            bands.len() - 1
        });
        bands[band].1.push(deal.value.minor);
    }

    // Platforms in key order; `platform_of` and the bands follow the new positions.
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_cached_key(|&g| platform_key(groups[g].first.2));
    let mut position = vec![0_u32; groups.len()];
    for (at, &g) in order.iter().enumerate() {
        position[g] = at as u32;
    }
    for platform in &mut platform_of {
        *platform = position[*platform as usize];
    }
    out.platform_of = platform_of;
    out.won = groups.iter().map(|g| g.won).sum();
    out.lost = groups.iter().map(|g| g.lost).sum();
    out.platforms = order
        .iter()
        .map(|&g| {
            let group = &groups[g];
            PlatformRow {
                platform: group.first.2.to_string(),
                deals: group.deals,
                won: group.won,
                lost: group.lost,
                closed: group.won + group.lost,
                win_rate: win_rate(group.won, group.lost),
            }
        })
        .collect();
    let mut value_bands: Vec<(u32, ValueBand)> = bands
        .into_iter()
        .map(|((platform, kind, currency), mut values)| {
            values.sort_unstable();
            let q = |num| quantile_exact(&values, num, 4).unwrap_or(0);
            let platform = position[platform];
            let band = ValueBand {
                platform: out.platforms[platform as usize].platform.clone(),
                kind: kind.as_str().to_string(),
                currency: currency.code().to_string(),
                n: values.len(),
                p25_minor: q(1),
                p50_minor: q(2),
                p75_minor: q(3),
            };
            (platform, band)
        })
        .collect();
    value_bands
        .sort_by(|(pa, a), (pb, b)| (pa, &a.kind, &a.currency).cmp(&(pb, &b.kind, &b.currency)));
    out.value_bands = value_bands.into_iter().map(|(_, band)| band).collect();
    out
}

/// The stage of a deal's longest duration among those over twice the median of its durations
/// (ties by stage order), compared exactly in integer ms.
fn deal_bottleneck(durations: &[(i64, u32)], sorted: &mut Vec<i64>) -> Option<u32> {
    sorted.clear();
    sorted.extend(durations.iter().map(|d| d.0));
    sorted.sort_unstable();
    let n = sorted.len();
    // Twice the median, which is an integer even when the median is a half.
    let twice_median = if n % 2 == 1 {
        2 * i128::from(sorted[n / 2])
    } else {
        i128::from(sorted[n / 2 - 1]) + i128::from(sorted[n / 2])
    };
    durations
        .iter()
        .filter(|d| i128::from(d.0) > twice_median)
        .min_by_key(|d| (std::cmp::Reverse(d.0), d.1))
        .map(|d| d.1)
}

fn win_rate(won: usize, lost: usize) -> Option<f64> {
    (won + lost > 0).then(|| won as f64 / (won + lost) as f64)
}

/// By count, descending; ties by reason.
fn ranked(counts: HashMap<&str, usize>) -> Vec<ReasonCount> {
    let total: usize = counts.values().sum();
    let mut rows: Vec<ReasonCount> = counts
        .into_iter()
        .map(|(reason, count)| ReasonCount {
            reason: reason.to_string(),
            count,
            share: count as f64 / total as f64,
        })
        .collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
    rows
}

fn time_report(
    deals: &[&Deal],
    outcomes: &Outcomes<'_>,
    logged: Logged,
    calendar: &BusinessCalendar<'_>,
) -> TimeReport {
    let Logged {
        by_category: minutes_by_category,
        by_deal: minutes_by_deal,
        starts,
    } = logged;
    let days_with_entries = calendar.count_days(&starts);
    let total_minutes: u64 = minutes_by_category.iter().sum();
    let total_hours = total_minutes as f64 / 60.0;
    let by_category = TimeCategory::ALL
        .iter()
        .zip(&minutes_by_category)
        .map(|(category, &minutes)| CategoryHours {
            category: category.as_str().to_string(),
            hours: minutes as f64 / 60.0,
            share: if total_minutes > 0 {
                minutes as f64 / total_minutes as f64
            } else {
                0.0
            },
        })
        .collect();

    let mut won = outcomes.won_deals.clone();
    won.sort_unstable_by(|&a, &b| deals[a as usize].id.cmp(&deals[b as usize].id));
    let mut effective_rates: Vec<EffectiveRate> = Vec::with_capacity(won.len());
    for d in won {
        let deal = deals[d as usize];
        let minutes = minutes_by_deal[d as usize];
        let platform = outcomes.platform_of[d as usize] as usize;
        effective_rates.push(EffectiveRate {
            deal_id: deal.id.to_string(),
            platform: outcomes.platforms[platform].platform.clone(),
            currency: deal.value.currency.code().to_string(),
            value_minor: deal.value.minor,
            hours: minutes as f64 / 60.0,
            // value / (minutes / 60), exactly, then rounded.
            rate_minor_per_hour: (minutes > 0).then(|| {
                div_round_half_away(i128::from(deal.value.minor) * 60, i128::from(minutes)) as i64
            }),
        });
    }

    let rates_by_currency = rate_bands(&effective_rates);
    let won_deals_with_time = effective_rates
        .iter()
        .filter(|r| r.rate_minor_per_hour.is_some())
        .count();
    TimeReport {
        total_hours,
        by_category,
        hours_per_day: (days_with_entries > 0).then(|| total_hours / days_with_entries as f64),
        days_with_entries,
        won_deals_with_time,
        won_deals_without_time: effective_rates.len() - won_deals_with_time,
        effective_rates,
        rates_by_currency,
    }
}

fn rate_bands(rates: &[EffectiveRate]) -> Vec<RateBand> {
    let mut by_currency: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for rate in rates {
        if let Some(per_hour) = rate.rate_minor_per_hour {
            by_currency
                .entry(&rate.currency)
                .or_default()
                .push(per_hour);
        }
    }
    by_currency
        .into_iter()
        .filter_map(|(currency, mut values)| {
            values.sort_unstable();
            Some(RateBand {
                currency: currency.to_string(),
                n: values.len(),
                p25_minor_per_hour: quantile_exact(&values, 1, 4)?,
                median_minor_per_hour: quantile_exact(&values, 1, 2)?,
                p75_minor_per_hour: quantile_exact(&values, 3, 4)?,
            })
        })
        .collect()
}

/// Deal index by id. Events and entries usually come grouped by deal and in the order of the
/// deals, so before searching it tries the deal it found last and the one after it. Deals
/// listed in id order (as the store returns them) are searched by bisection; otherwise they
/// are hashed once.
struct DealLookup<'a> {
    ids: Vec<&'a str>,
    /// `None` when `ids` is strictly increasing.
    hashed: Option<HashMap<&'a str, u32>>,
    last: Option<(&'a str, Option<u32>)>,
    next: usize,
}

impl<'a> DealLookup<'a> {
    /// The deals, without repeated ids (an upstream error; the first one counts), and their
    /// index.
    fn build(deals: impl Iterator<Item = &'a Deal>) -> (Vec<&'a Deal>, Self) {
        let mut deals: Vec<&Deal> = deals.collect();
        let sorted = deals.windows(2).all(|w| w[0].id < w[1].id);
        let hashed = (!sorted).then(|| {
            let mut index = HashMap::with_capacity(deals.len());
            deals.retain(|deal| {
                let fresh = !index.contains_key(deal.id.as_str());
                if fresh {
                    index.insert(deal.id.as_str(), index.len() as u32);
                }
                fresh
            });
            index
        });
        let lookup = DealLookup {
            ids: deals.iter().map(|d| d.id.as_str()).collect(),
            hashed,
            last: None,
            next: 0,
        };
        (deals, lookup)
    }

    fn len(&self) -> usize {
        self.ids.len()
    }

    fn get(&mut self, id: &'a str) -> Option<u32> {
        if let Some((last, found)) = self.last
            && last == id
        {
            return found;
        }
        let found = match (self.ids.get(self.next), &self.hashed) {
            (Some(&next), _) if next == id => Some(self.next as u32),
            (_, Some(index)) => index.get(id).copied(),
            (_, None) => self.ids.binary_search(&id).ok().map(|i| i as u32),
        };
        if let Some(found) = found {
            self.next = found as usize + 1;
        }
        self.last = Some((id, found));
        found
    }
}
