//! The synthetic ledger: deterministic, valid by the core types, and shaped like the business
//! it stands for.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use gigops_core::{Currency, DealKind, Lang, Ledger, Outcome, Stages};
use gigops_pipeline::report::Drivers;
use gigops_pipeline::{PipelineOptions, SynthSpec, pipeline_report, synthetic_ledger};
use jiff::civil::date;

use crate::support::ts;

fn spec(deals: usize, seed: u64) -> SynthSpec {
    SynthSpec::new(deals, seed, date(2025, 6, 30))
}

#[test]
fn same_seed_same_ledger() {
    let a = synthetic_ledger(&spec(300, 7));
    assert_eq!(a, synthetic_ledger(&spec(300, 7)));
    assert_ne!(a, synthetic_ledger(&spec(300, 8)));
    let mut without_time = spec(300, 7);
    without_time.time_entries = false;
    let b = synthetic_ledger(&without_time);
    assert!(b.time_entries.is_empty());
    assert_eq!(b.deals.len(), 300);
}

#[test]
fn everything_is_valid() {
    let ledger = synthetic_ledger(&spec(3_000, 1));
    check_valid(&ledger, "2025-07-01T00:00:00Z", "2023-07-02T00:00:00Z");
    // A short span and an end far in the past work too.
    let mut short = SynthSpec::new(200, 2, date(2019, 1, 31));
    short.span_days = 30;
    check_valid(
        &synthetic_ledger(&short),
        "2019-02-01T00:00:00Z",
        "2019-01-02T00:00:00Z",
    );
}

fn check_valid(ledger: &Ledger, cutoff: &str, first: &str) {
    let (cutoff, first) = (ts(cutoff), ts(first));
    let stages = Stages::default();
    let ids: HashSet<&str> = ledger.deals.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids.len(), ledger.deals.len(), "deal ids are unique");
    let clients: BTreeMap<&str, &gigops_core::Client> = ledger
        .clients
        .iter()
        .map(|c| (c.name.as_str(), c))
        .collect();
    assert_eq!(
        clients.len(),
        ledger.clients.len(),
        "client names are unique"
    );
    for deal in &ledger.deals {
        assert!(
            deal.problems().is_empty(),
            "{}: {:?}",
            deal.id,
            deal.problems()
        );
        assert!(deal.opened_at >= first && deal.opened_at < cutoff);
        assert!(deal.closed_at.is_none_or(|c| c < cutoff));
        assert_eq!(deal.opened_at.subsec_nanosecond(), 0);
        assert!(deal.value.minor > 0);
        let client = clients[deal.client.as_str()];
        assert_eq!(client.currency, deal.value.currency);
        assert_eq!(client.platform.as_ref(), Some(&deal.platform));
        assert!(jiff::tz::TimeZone::get(&client.time_zone).is_ok());
    }
    for event in &ledger.events {
        assert!(ids.contains(event.deal_id.as_str()));
        assert!(stages.rank(event.stage.as_str()).is_some());
        assert!(event.entered_at < cutoff);
        assert_eq!(event.entered_at.subsec_nanosecond(), 0);
    }
    let mut entry_keys = HashSet::new();
    for entry in &ledger.time_entries {
        assert!(
            entry_keys.insert((&entry.deal_id, entry.started_at, entry.category)),
            "one entry per deal, start and category: {entry:?}"
        );
        assert!(ids.contains(entry.deal_id.as_str()));
        assert!(entry.minutes > 0 && entry.minutes <= 8 * 60);
        assert!(entry.started_at < cutoff);
        assert_eq!(entry.started_at.subsec_nanosecond(), 0);
    }
}

#[test]
fn shaped_like_a_freelance_go_business() {
    let ledger = synthetic_ledger(&spec(20_000, 42));
    let per_platform = |name: &'static str| {
        ledger
            .deals
            .iter()
            .filter(move |d| d.platform.as_str() == name)
    };
    let platforms: BTreeSet<&str> = ledger.deals.iter().map(|d| d.platform.as_str()).collect();
    assert_eq!(
        platforms,
        BTreeSet::from(["Toptal", "Upwork", "direct", "oss-crowdsourcing", "码市"]),
        "platforms as a person writes them"
    );
    // 码市 deals are in CNY with Chinese-speaking clients in Shanghai; the rest USD or EUR.
    assert!(per_platform("码市").all(|d| d.value.currency == Currency::CNY));
    for client in ledger
        .clients
        .iter()
        .filter(|c| c.currency == Currency::CNY)
    {
        assert_eq!(client.locale, Lang::ZhCn);
        assert_eq!(client.time_zone, "Asia/Shanghai");
    }
    assert!(
        ledger
            .deals
            .iter()
            .filter(|d| d.platform.as_str() != "码市")
            .all(|d| [Currency::USD, Currency::EUR].contains(&d.value.currency))
    );
    // Volumes differ: Upwork brings the most deals, Toptal the fewest.
    let count = |name| per_platform(name).count();
    assert!(count("Upwork") > count("码市") && count("码市") > count("Toptal"));
    // Sponsorships come mainly from open-source crowdsourcing.
    let sponsorships: Vec<_> = ledger
        .deals
        .iter()
        .filter(|d| d.kind == DealKind::Sponsorship)
        .collect();
    let oss = sponsorships
        .iter()
        .filter(|d| d.platform.as_str() == "oss-crowdsourcing")
        .count();
    assert!(!sponsorships.is_empty() && oss * 10 >= sponsorships.len() * 9);
    // Most deals have all three scores, not all.
    let scored = ledger.deals.iter().filter(|d| d.scores().is_some()).count();
    assert!(scored * 10 > ledger.deals.len() * 6 && scored < ledger.deals.len());
    // Deals still open cluster near the end date.
    let open_recent = ledger
        .deals
        .iter()
        .filter(|d| d.outcome == Outcome::Open && d.opened_at > ts("2025-04-01T00:00:00Z"))
        .count();
    let open = ledger
        .deals
        .iter()
        .filter(|d| d.outcome == Outcome::Open)
        .count();
    assert!(open > 0 && open_recent * 2 > open);
    // Some reasons are missing and count as "unspecified".
    assert!(
        ledger
            .deals
            .iter()
            .any(|d| d.outcome == Outcome::Lost && d.lost_reason.is_none())
    );

    let report = pipeline_report(&ledger, &PipelineOptions::default());
    // Enterprise legal review is where deals wait.
    assert_eq!(report.bottleneck.unwrap().stage, "legal_review");
    assert!(!report.churn_reasons.is_empty());
    let reasons: Vec<&str> = report
        .lost_reasons
        .iter()
        .map(|r| r.reason.as_str())
        .collect();
    for reason in ["price too high", "chose another freelancer", "no response"] {
        assert!(reasons.contains(&reason), "{reason}");
    }
    // Win rates differ by platform.
    let rates: Vec<f64> = report.platforms.iter().filter_map(|p| p.win_rate).collect();
    let spread = rates.iter().cloned().fold(f64::MIN, f64::max)
        - rates.iter().cloned().fold(f64::MAX, f64::min);
    assert!(spread > 0.1, "{rates:?}");
    // Better assets win more often, but not perfectly.
    let Drivers::Fitted {
        coefficients, auc, ..
    } = report.drivers
    else {
        panic!("expected a fit");
    };
    assert!(coefficients.tech_doc > 0.0 && coefficients.demo > 0.0);
    assert!(auc > 0.6 && auc < 0.9, "{auc}");
    // Won deals have time logged; some lost ones carry negotiation time.
    assert!(
        report
            .time
            .effective_rates
            .iter()
            .filter(|r| r.rate_minor_per_hour.is_some())
            .count()
            * 10
            > report.time.effective_rates.len() * 9
    );
    assert!(report.time.by_category.iter().all(|c| c.hours > 0.0));
}

#[test]
fn about_five_events_per_deal() {
    let ledger = synthetic_ledger(&spec(50_000, 2025));
    let per_deal = ledger.events.len() as f64 / ledger.deals.len() as f64;
    assert!((4.6..5.4).contains(&per_deal), "{per_deal}");
}

#[test]
fn demo_size() {
    let ledger = synthetic_ledger(&spec(150, 1));
    assert_eq!(ledger.deals.len(), 150);
    let report = pipeline_report(&ledger, &PipelineOptions::default());
    assert!(matches!(report.drivers, Drivers::Fitted { .. }));
    assert!(report.value_bands.len() > 8);
}
