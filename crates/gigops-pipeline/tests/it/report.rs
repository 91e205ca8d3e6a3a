//! One small ledger whose every number is worked out by hand below.
//!
//! Time zone Asia/Shanghai (UTC+8, no DST); holiday Friday 2025-04-04 (Qingming). Local times
//! are given in the comments as "Mon 09:00". Scope: opened in [2025-03-01, 2025-04-01).
//!
//! | deal | platform | kind       | value          | outcome                       |
//! |------|----------|------------|----------------|-------------------------------|
//! | D-01 | direct   | project    | 1_000_000 USD  | won                           |
//! | D-02 | direct   | retainer   |   600_000 USD  | lost after signed → churned   |
//! | D-03 | Upwork   | project    |   200_000 USD  | lost, price too high          |
//! | D-04 | upwork   | retainer   |   300_100 USD  | lost before signed, no reason |
//! | D-05 | upwork   | consulting |    50_002 USD  | won                           |
//! | D-06 | 码市     | project    | 3_000_000 CNY  | open                          |
//! | D-07 | 码市     | project    | 5_000_001 CNY  | lost, budget cut              |
//! | D-08 | upwork   | project    |   250_050 USD  | lost, price too high          |
//! | D-09 | direct   | project    |   700_000 EUR  | open, no events               |
//! | D-10 | toptal   | consulting |   150_000 USD  | won, no events, no time       |
//! | D-11 | direct   | project    |   800_000 EUR  | out of scope (opened before)  |
//! | D-12 | toptal   | project    |   900_000 USD  | out of scope (opened at `to`) |

use gigops_core::{Currency, DealKind, Ledger, Outcome, Stages, TimeCategory};
use gigops_pipeline::report::Drivers;
use gigops_pipeline::{PipelineOptions, PipelineReport, Scope, pipeline_report};
use jiff::civil::date;

use crate::support::*;

fn ledger() -> Ledger {
    use DealKind::*;
    use Outcome::*;
    let usd = Currency::USD;
    let spec = |id, platform, kind, minor, currency, opened, outcome, closed, reason| DealSpec {
        id,
        platform,
        kind,
        minor,
        currency,
        opened,
        outcome,
        closed,
        reason,
        scores: [None; 3],
    };
    let mut deals = vec![
        spec(
            "D-01",
            "direct",
            Project,
            1_000_000,
            usd,
            "2025-03-31T00:00:00Z",
            Won,
            Some("2025-04-08T07:00:00Z"),
            None,
        ),
        spec(
            "D-02",
            "direct",
            Retainer,
            600_000,
            usd,
            "2025-03-01T00:00:00Z",
            Lost,
            Some("2025-06-01T00:00:00Z"),
            Some("hired in-house"),
        ),
        spec(
            "D-03",
            "Upwork",
            Project,
            200_000,
            usd,
            "2025-03-07T00:00:00Z",
            Lost,
            Some("2025-03-20T00:00:00Z"),
            Some("price too high"),
        ),
        spec(
            "D-04",
            "upwork",
            Retainer,
            300_100,
            usd,
            "2025-03-12T00:00:00Z",
            Lost,
            Some("2025-03-25T00:00:00Z"),
            None,
        ),
        spec(
            "D-05",
            "upwork",
            Consulting,
            50_002,
            usd,
            "2025-03-13T00:00:00Z",
            Won,
            Some("2025-03-13T12:00:00Z"),
            None,
        ),
        spec(
            "D-06",
            "码市",
            Project,
            3_000_000,
            Currency::CNY,
            "2025-03-20T00:00:00Z",
            Open,
            None,
            None,
        ),
        spec(
            "D-07",
            "码市",
            Project,
            5_000_001,
            Currency::CNY,
            "2025-03-24T00:00:00Z",
            Lost,
            Some("2025-04-15T00:00:00Z"),
            Some("budget cut"),
        ),
        spec(
            "D-08",
            "upwork",
            Project,
            250_050,
            usd,
            "2025-03-15T00:00:00Z",
            Lost,
            Some("2025-03-25T00:00:00Z"),
            Some("price too high"),
        ),
        spec(
            "D-09",
            "direct",
            Project,
            700_000,
            Currency::EUR,
            "2025-03-28T00:00:00Z",
            Open,
            None,
            None,
        ),
        spec(
            "D-10",
            "toptal",
            Consulting,
            150_000,
            usd,
            "2025-03-02T00:00:00Z",
            Won,
            Some("2025-03-09T00:00:00Z"),
            None,
        ),
        spec(
            "D-11",
            "direct",
            Project,
            800_000,
            Currency::EUR,
            "2025-02-01T00:00:00Z",
            Won,
            Some("2025-02-20T00:00:00Z"),
            None,
        ),
        spec(
            "D-12",
            "toptal",
            Project,
            900_000,
            usd,
            "2025-04-01T00:00:00Z",
            Lost,
            Some("2025-04-20T00:00:00Z"),
            Some("no response"),
        ),
    ];
    // Three closed deals with all three scores (D-01, D-02, D-03): too few for the drivers.
    deals[0].scores = [Some(0.8), Some(0.7), Some(0.9)];
    deals[1].scores = [Some(0.6), Some(0.6), Some(0.6)];
    deals[2].scores = [Some(0.3), Some(0.5), Some(0.2)];
    deals[5].scores = [Some(0.9), Some(0.9), Some(0.9)]; // open: not a sample
    deals[6].scores = [Some(0.5), Some(0.4), None]; // a score missing: not a sample
    let deals = deals.iter().map(DealSpec::build).collect();

    let events = vec![
        // D-01: durations lead 6 h, responded 18 h, proposal 48 h, legal_review 120 h,
        // approval 6 h, signed 48 h. Its median is (18 + 48) / 2 = 33, and only legal_review's
        // 120 h exceeds 66: bottleneck legal_review. Cycle 03-31T01 → 04-08T07 = 198 h.
        event("D-01", "lead", "2025-03-31T01:00:00Z"), // Mon 09:00
        event("D-01", "responded", "2025-03-31T07:00:00Z"), // Mon 15:00: 6 h = 0.25 bd
        event("D-01", "proposal", "2025-04-01T01:00:00Z"), // Tue 09:00: 18 h = 0.75 bd
        event("D-01", "legal_review", "2025-04-03T01:00:00Z"), // Thu 09:00: 48 h = 2 bd
        // Thu 09:00 → Tue 09:00 is 120 h, but Friday is the holiday and then the weekend:
        // business time is Thu 15 h + Mon 24 h + Tue 9 h = 48 h = 2 bd.
        event("D-01", "approval", "2025-04-08T01:00:00Z"),
        event("D-01", "signed", "2025-04-08T07:00:00Z"), // Tue 15:00: 6 h = 0.25 bd
        event("D-01", "delivered", "2025-04-10T07:00:00Z"), // Thu 15:00: 48 h = 2 bd
        // D-02: lead 2 h, responded 22 h, proposal 24 h, legal_review 24 h, approval 24 h;
        // median 24, nothing above 48: no bottleneck. Cycle 96 h.
        event("D-02", "lead", "2025-03-03T02:00:00Z"), // Mon 10:00
        event("D-02", "responded", "2025-03-03T04:00:00Z"),
        event("D-02", "proposal", "2025-03-04T02:00:00Z"),
        event("D-02", "legal_review", "2025-03-05T02:00:00Z"),
        event("D-02", "approval", "2025-03-06T02:00:00Z"),
        event("D-02", "signed", "2025-03-07T02:00:00Z"), // Fri 10:00
        // D-03: lead Fri 16:00 → Mon 16:00 = 72 h, of which Fri 8 h + Mon 16 h = 1 bd;
        // responded 2 h. Median 37: 72 is not above 74, no bottleneck.
        event("D-03", "lead", "2025-03-07T08:00:00Z"),
        event("D-03", "responded", "2025-03-10T08:00:00Z"),
        event("D-03", "proposal", "2025-03-10T10:00:00Z"),
        // D-04 and D-08: a lead only, so no duration.
        event("D-04", "lead", "2025-03-12T00:00:00Z"),
        event("D-08", "lead", "2025-03-15T00:00:00Z"),
        // D-05 skips legal_review and approval: lead 1 h, responded 1 h, proposal 10 h,
        // signed 12 h (Thu 20:00 → Fri 08:00 = 0.5 bd). Median 5.5: 12 > 11, bottleneck
        // signed. Cycle 12 h. The event at an unconfigured stage "won" is ignored; counted, it
        // would split the proposal duration.
        event("D-05", "lead", "2025-03-13T00:00:00Z"), // Thu 08:00
        event("D-05", "responded", "2025-03-13T01:00:00Z"),
        event("D-05", "proposal", "2025-03-13T02:00:00Z"),
        event("D-05", "won", "2025-03-13T05:00:00Z"),
        event("D-05", "signed", "2025-03-13T12:00:00Z"),
        event("D-05", "delivered", "2025-03-14T00:00:00Z"),
        // D-06, listed backwards; lead and responded at the same instant sort by stage order:
        // lead 0 h, responded 24 h (Thu 08:00 → Fri 08:00 = 1 bd). Median 12: 24 is not above
        // 24, no bottleneck.
        event("D-06", "proposal", "2025-03-21T00:00:00Z"),
        event("D-06", "responded", "2025-03-20T00:00:00Z"),
        event("D-06", "lead", "2025-03-20T00:00:00Z"),
        // D-07 goes back from legal_review to proposal: lead 6 h, responded 18 h, proposal 24 h,
        // legal_review 336 h, proposal 24 h; the last legal_review has no duration. Median 24:
        // 336 > 48, bottleneck legal_review. The 336 h from Wed 08:00 to Wed 08:00 two weeks
        // later hold Wed 16 h, eight full weekdays (Thu, Fri, Mon, Tue, Wed, Thu, Mon, Tue;
        // Fri 04-04 is the holiday) and Wed 8 h: 216 h = 9 bd.
        event("D-07", "lead", "2025-03-24T00:00:00Z"), // Mon 08:00
        event("D-07", "responded", "2025-03-24T06:00:00Z"),
        event("D-07", "proposal", "2025-03-25T00:00:00Z"),
        event("D-07", "legal_review", "2025-03-26T00:00:00Z"),
        event("D-07", "proposal", "2025-04-09T00:00:00Z"),
        event("D-07", "legal_review", "2025-04-10T00:00:00Z"),
        // Out of scope, and an unknown deal: none of these count.
        event("D-11", "lead", "2025-02-01T00:00:00Z"),
        event("D-11", "responded", "2025-02-09T00:00:00Z"),
        event("D-12", "lead", "2025-04-01T00:00:00Z"),
        event("D-12", "responded", "2025-04-30T00:00:00Z"),
        event("D-404", "lead", "2025-03-05T00:00:00Z"),
        event("D-404", "responded", "2025-03-25T00:00:00Z"),
    ];

    use TimeCategory::*;
    let time_entries = vec![
        // D-01: 270 min. 15:30Z is 23:30 on 04-09 in Shanghai, 16:30Z already 00:30 on 04-10.
        entry("D-01", "2025-04-09T15:30:00Z", 120, Coding),
        entry("D-01", "2025-04-09T16:30:00Z", 60, Coding),
        entry("D-01", "2025-04-10T02:00:00Z", 90, Testing),
        // D-02: 180 min on 03-05 and 03-10.
        entry("D-02", "2025-03-05T03:00:00Z", 30, Negotiation),
        entry("D-02", "2025-03-10T01:00:00Z", 150, Communication),
        // D-03 (lost): 45 min on 03-10 (20:00 local).
        entry("D-03", "2025-03-10T12:00:00Z", 45, Negotiation),
        // D-05: 240 min; 13:00Z is 21:00 on 03-13, 16:00Z is midnight starting 03-14.
        entry("D-05", "2025-03-13T13:00:00Z", 180, Coding),
        entry("D-05", "2025-03-13T16:00:00Z", 60, Docs),
        // Out of scope and unknown.
        entry("D-11", "2025-02-03T02:00:00Z", 600, Coding),
        entry("D-404", "2025-03-05T02:00:00Z", 600, Admin),
    ];

    Ledger {
        clients: Vec::new(),
        deals,
        events,
        time_entries,
        reopenings: Vec::new(),
    }
}

fn options(platform: Option<&str>) -> PipelineOptions {
    PipelineOptions::new(
        Stages::default(),
        "Asia/Shanghai",
        vec![date(2025, 4, 4)],
        Scope {
            from: Some(ts("2025-03-01T00:00:00Z")),
            to: Some(ts("2025-04-01T00:00:00Z")),
            platform: platform.map(str::to_string),
        },
    )
    .unwrap()
}

fn report() -> PipelineReport {
    let ledger = ledger();
    for deal in &ledger.deals {
        assert!(deal.problems().is_empty(), "{:?}", deal.problems());
    }
    pipeline_report(&ledger, &options(None))
}

#[test]
fn scope_and_funnel() {
    let r = report();
    assert_eq!(r.deals, 10);
    assert_eq!(r.time_zone, "Asia/Shanghai");
    let names: Vec<&str> = r.stages.iter().map(|s| s.stage.as_str()).collect();
    assert_eq!(names, Stages::DEFAULT);
    // Highest stage per deal: D-01 delivered, D-02 signed, D-03 proposal, D-04 lead,
    // D-05 delivered, D-06 proposal, D-07 legal_review, D-08 lead; D-09, D-10 none.
    let reached: Vec<usize> = r.stages.iter().map(|s| s.reached).collect();
    assert_eq!(reached, [8, 6, 6, 4, 3, 3, 2]);
    assert_eq!(r.stages[0].conversion, None);
    let expected = [6.0 / 8.0, 1.0, 4.0 / 6.0, 3.0 / 4.0, 1.0, 2.0 / 3.0];
    for (row, want) in r.stages[1..].iter().zip(expected) {
        close_opt(row.conversion, want);
    }
}

#[test]
fn time_in_stage_hours() {
    let r = report();
    let lead = &r.stages[0].hours;
    // [0, 1, 2, 6, 6, 72]: mean 87/6; median (2+6)/2; h = 5·0.9 = 4.5 → 6 + 0.5·66 = 39;
    // p25 h = 1.25 → 1 + 0.25·1; p75 h = 3.75 → 6.
    assert_eq!(lead.n, 6);
    close_opt(lead.mean, 87.0 / 6.0);
    close_opt(lead.median, 4.0);
    close_opt(lead.std, sample_std(&[0.0, 1.0, 2.0, 6.0, 6.0, 72.0]));
    // The same by hand: squared deviations from 14.5 sum to 3999.5, / 5 = 799.9.
    close_opt(lead.std, 799.9_f64.sqrt());
    close_opt(lead.p90, 39.0);
    close_opt(lead.min, 0.0);
    close_opt(lead.p25, 1.25);
    close_opt(lead.p75, 6.0);
    close_opt(lead.max, 72.0);

    // responded [1, 2, 18, 18, 22, 24]: p90 = 22 + 0.5·2; p25 = 2 + 0.25·16; p75 = 18 + 0.75·4.
    let responded = &r.stages[1].hours;
    assert_eq!(responded.n, 6);
    close_opt(responded.mean, 85.0 / 6.0);
    close_opt(responded.median, 18.0);
    close_opt(responded.p90, 23.0);
    close_opt(responded.p25, 6.0);
    close_opt(responded.p75, 21.0);

    // proposal [10, 24, 24, 24, 48] (D-07 contributes twice): deviations from 26 square to
    // 256 + 4 + 4 + 4 + 484 = 752, / 4 = 188; p90 h = 3.6 → 24 + 0.6·24.
    let proposal = &r.stages[2].hours;
    assert_eq!(proposal.n, 5);
    close_opt(proposal.mean, 26.0);
    close_opt(proposal.median, 24.0);
    close_opt(proposal.std, 188.0_f64.sqrt());
    close_opt(proposal.p90, 38.4);

    // legal_review [24, 120, 336]: mean 160; squares 18496 + 1600 + 30976 = 51072, / 2;
    // p90 h = 1.8 → 120 + 0.8·216; p25 h = 0.5 → 72; p75 h = 1.5 → 228.
    let legal = &r.stages[3].hours;
    assert_eq!(legal.n, 3);
    close_opt(legal.mean, 160.0);
    close_opt(legal.median, 120.0);
    close_opt(legal.std, 25536.0_f64.sqrt());
    close_opt(legal.p90, 292.8);
    close_opt(legal.p25, 72.0);
    close_opt(legal.p75, 228.0);

    // approval [6, 24]; signed [12, 48]; delivered is always last: no duration.
    let approval = &r.stages[4].hours;
    close_opt(approval.mean, 15.0);
    close_opt(approval.std, 162.0_f64.sqrt());
    close_opt(approval.p90, 22.2);
    let signed = &r.stages[5].hours;
    close_opt(signed.median, 30.0);
    close_opt(signed.p90, 44.4);
    let delivered = &r.stages[6].hours;
    assert_eq!(delivered.n, 0);
    assert_eq!(delivered.mean, None);
    assert_eq!(delivered.std, None);
    assert_eq!(delivered.p90, None);
    // One value has no sample std.
    assert_eq!(r.stages[6].business_days.std, None);
}

#[test]
fn time_in_stage_business_days() {
    let r = report();
    // lead: D-01 0.25, D-02 2/24, D-03 1 (Fri 8 h + Mon 16 h), D-05 1/24, D-06 0, D-07 0.25.
    let lead = [0.0, 1.0 / 24.0, 2.0 / 24.0, 0.25, 0.25, 1.0];
    let bd = &r.stages[0].business_days;
    assert_eq!(bd.n, 6);
    close_opt(bd.mean, lead.iter().sum::<f64>() / 6.0);
    close_opt(bd.median, (2.0 / 24.0 + 0.25) / 2.0);
    close_opt(bd.std, sample_std(&lead));
    close_opt(bd.p90, 0.25 + 0.5 * 0.75);
    close_opt(bd.max, 1.0);

    // legal_review: D-01 120 h but 2 bd (holiday + weekend), D-02 1, D-07 336 h but 9 bd.
    let legal = &r.stages[3].business_days;
    close_opt(legal.min, 1.0);
    close_opt(legal.median, 2.0);
    close_opt(legal.max, 9.0);
    close_opt(legal.mean, 4.0);
    close_opt(legal.p90, 2.0 + 0.8 * 7.0);

    // proposal: D-01 2, D-02 1, D-05 10/24, D-07 1 and 1.
    let proposal = &r.stages[2].business_days;
    close_opt(proposal.mean, (2.0 + 1.0 + 10.0 / 24.0 + 1.0 + 1.0) / 5.0);
    // signed: D-01 Tue 15:00 → Thu 15:00 = 2, D-05 Thu 20:00 → Fri 08:00 = 0.5.
    let signed = &r.stages[5].business_days;
    close_opt(signed.min, 0.5);
    close_opt(signed.max, 2.0);
}

#[test]
fn cycle_time() {
    let r = report();
    // [12, 96, 198]: median 96; p90 h = 1.8 → 96 + 0.8·102.
    assert_eq!(r.cycle_hours.n, 3);
    close_opt(r.cycle_hours.median, 96.0);
    close_opt(r.cycle_hours.p90, 177.6);
    close_opt(r.cycle_hours.median_days, 4.0);
    close_opt(r.cycle_hours.p90_days, 7.4);
}

#[test]
fn bottleneck_shares() {
    let r = report();
    // Deals with a duration: D-01, D-02, D-03, D-05, D-06, D-07. Bottlenecks: D-01 and D-07
    // legal_review, D-05 signed.
    assert_eq!(r.deals_with_durations, 6);
    let shares: Vec<(&str, usize)> = r
        .bottleneck_shares
        .iter()
        .map(|b| (b.stage.as_str(), b.deals))
        .collect();
    assert_eq!(
        shares,
        [
            ("lead", 0),
            ("responded", 0),
            ("proposal", 0),
            ("legal_review", 2),
            ("approval", 0),
            ("signed", 1),
            ("delivered", 0)
        ]
    );
    close(r.bottleneck_shares[3].blocked_share, 2.0 / 6.0);
    close(r.bottleneck_shares[5].blocked_share, 1.0 / 6.0);
    let bottleneck = r.bottleneck.unwrap();
    assert_eq!(bottleneck.stage, "legal_review");
    close(bottleneck.blocked_share, 1.0 / 3.0);
}

#[test]
fn win_rates_and_churn() {
    let r = report();
    // Won: D-01, D-05, D-10 and the churned retainer D-02. Lost: D-03, D-04 (a retainer that
    // never reached signed is lost, not churned), D-07, D-08.
    close_opt(r.win_rate, 0.5);
    // D-06 and D-09 are open.
    assert_eq!((r.won, r.lost, r.open, r.reopened), (4, 4, 2, 0));
    assert!(r.platforms.iter().all(|p| p.closed == p.won + p.lost));
    let rows: Vec<(&str, usize, usize, usize)> = r
        .platforms
        .iter()
        .map(|p| (p.platform.as_str(), p.deals, p.won, p.lost))
        .collect();
    assert_eq!(
        rows,
        [
            ("direct", 3, 2, 0),
            ("toptal", 1, 1, 0),
            // D-03, the earliest Upwork deal, spells it so; D-04, D-05 and D-08 `upwork`.
            ("Upwork", 4, 1, 3),
            ("码市", 2, 0, 1)
        ]
    );
    let by_platform: Vec<(&str, Option<f64>)> = r
        .win_rate_by_platform
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        by_platform,
        [
            ("Upwork", Some(0.25)),
            ("direct", Some(1.0)),
            ("toptal", Some(1.0)),
            ("码市", Some(0.0))
        ]
    );
    let lost: Vec<(&str, usize)> = r
        .lost_reasons
        .iter()
        .map(|c| (c.reason.as_str(), c.count))
        .collect();
    assert_eq!(
        lost,
        [("price too high", 2), ("budget cut", 1), ("unspecified", 1)]
    );
    let shares: Vec<f64> = r.lost_reasons.iter().map(|c| c.share).collect();
    assert_eq!(shares, [0.5, 0.25, 0.25]);
    let churn: Vec<(&str, usize)> = r
        .churn_reasons
        .iter()
        .map(|c| (c.reason.as_str(), c.count))
        .collect();
    assert_eq!(churn, [("hired in-house", 1)]);
    assert_eq!(r.churn_reasons[0].share, 1.0);
}

#[test]
fn value_bands_in_minor_units() {
    let r = report();
    let bands: Vec<(&str, &str, &str, usize, i64, i64, i64)> = r
        .value_bands
        .iter()
        .map(|b| {
            (
                b.platform.as_str(),
                b.kind.as_str(),
                b.currency.as_str(),
                b.n,
                b.p25_minor,
                b.p50_minor,
                b.p75_minor,
            )
        })
        .collect();
    assert_eq!(
        bands,
        [
            // EUR and USD projects of the same platform stay apart.
            ("direct", "project", "EUR", 1, 700_000, 700_000, 700_000),
            (
                "direct", "project", "USD", 1, 1_000_000, 1_000_000, 1_000_000
            ),
            ("direct", "retainer", "USD", 1, 600_000, 600_000, 600_000),
            ("toptal", "consulting", "USD", 1, 150_000, 150_000, 150_000),
            ("Upwork", "consulting", "USD", 1, 50_002, 50_002, 50_002),
            // [200_000, 250_050]: p25 = 200_000 + 50_050/4 = 212_512.5 → 212_513;
            // p50 = 225_025; p75 = 237_537.5 → 237_538.
            ("Upwork", "project", "USD", 2, 212_513, 225_025, 237_538),
            ("Upwork", "retainer", "USD", 1, 300_100, 300_100, 300_100),
            // [3_000_000, 5_000_001]: + 2_000_001·(1/4, 1/2, 3/4) = 3_500_000.25,
            // 4_000_000.5, 4_500_000.75 → 3_500_000, 4_000_001, 4_500_001.
            ("码市", "project", "CNY", 2, 3_500_000, 4_000_001, 4_500_001),
        ]
    );
}

#[test]
fn logged_time() {
    let r = report();
    let time = &r.time;
    // 270 + 180 + 45 + 240 = 735 min = 12.25 h.
    close(time.total_hours, 12.25);
    let categories: Vec<(&str, f64)> = time
        .by_category
        .iter()
        .map(|c| (c.category.as_str(), c.hours))
        .collect();
    assert_eq!(
        categories,
        [
            ("coding", 6.0),
            ("communication", 2.5),
            ("testing", 1.5),
            ("docs", 1.0),
            ("negotiation", 1.25),
            ("admin", 0.0)
        ]
    );
    close(time.by_category[0].share, 360.0 / 735.0);
    close(time.by_category[5].share, 0.0);
    // Shanghai days: 04-09, 04-10 (00:30 and 10:00), 03-05, 03-10 (two entries), 03-13,
    // 03-14 (midnight). Counted in UTC they would be 5.
    assert_eq!(time.days_with_entries, 6);
    close_opt(time.hours_per_day, 12.25 / 6.0);

    let rates: Vec<(&str, i64, f64, Option<i64>)> = time
        .effective_rates
        .iter()
        .map(|e| {
            (
                e.deal_id.as_str(),
                e.value_minor,
                e.hours,
                e.rate_minor_per_hour,
            )
        })
        .collect();
    assert_eq!(
        rates,
        [
            // 1_000_000 / 4.5 h = 222_222.2 → 222_222.
            ("D-01", 1_000_000, 4.5, Some(222_222)),
            // The churned retainer counts as won: 600_000 / 3 h.
            ("D-02", 600_000, 3.0, Some(200_000)),
            // 50_002 / 4 h = 12_500.5 → 12_501 (half away from zero).
            ("D-05", 50_002, 4.0, Some(12_501)),
            // No time logged: no rate.
            ("D-10", 150_000, 0.0, None),
        ]
    );
    assert_eq!(time.effective_rates[0].platform, "direct");
    assert_eq!(
        (time.won_deals_with_time, time.won_deals_without_time),
        (3, 1)
    );
    assert_eq!(time.effective_rates[0].currency, "USD");

    // Quartiles of the three USD rates with time (12_501, 200_000, 222_222); D-10 has none.
    // P25: h = 0.5 → 12_501 + 0.5·187_499 = 106_250.5 → 106_251. P75: h = 1.5 → 211_111.
    assert_eq!(
        time.rates_by_currency,
        [gigops_pipeline::report::RateBand {
            currency: "USD".into(),
            n: 3,
            p25_minor_per_hour: 106_251,
            median_minor_per_hour: 200_000,
            p75_minor_per_hour: 211_111,
        }]
    );
}

#[test]
fn too_few_deals_for_drivers() {
    let r = report();
    assert_eq!(
        r.drivers,
        Drivers::Insufficient {
            insufficient_data: true,
            n: 3,
            required: 20
        }
    );
    let json = serde_json::to_value(&r.drivers).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"insufficient_data": true, "n": 3, "required": 20})
    );
}

#[test]
fn platform_scope_is_normalised() {
    let r = pipeline_report(&ledger(), &options(Some(" UPWORK ")));
    assert_eq!(r.scope.platform.as_deref(), Some("Upwork"));
    // D-03, D-04, D-05, D-08.
    assert_eq!(r.deals, 4);
    assert_eq!(r.stages[0].reached, 4);
    assert_eq!(r.stages[1].reached, 2);
    close_opt(r.win_rate, 0.25);
    // D-03 45 min + D-05 240 min.
    close(r.time.total_hours, 4.75);
    assert_eq!(r.platforms.len(), 1);
}

#[test]
fn input_order_does_not_matter() {
    let base = report();
    let mut ledger = ledger();
    // Deals in id order take the bisection path, reversed ones the hashed path.
    ledger.deals.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(pipeline_report(&ledger, &options(None)), base);
    ledger.deals.reverse();
    ledger.events.reverse();
    ledger.time_entries.reverse();
    assert_eq!(pipeline_report(&ledger, &options(None)), base);
}

#[test]
fn repeated_deal_id_counts_once() {
    let base = report();
    let mut ledger = ledger();
    let mut twin = ledger.deals[0].clone();
    twin.value.minor = 1;
    ledger.deals.push(twin.clone());
    assert_eq!(pipeline_report(&ledger, &options(None)), base);
}

#[test]
fn empty_ledger() {
    let r = pipeline_report(&Ledger::default(), &options(None));
    assert_eq!(r.deals, 0);
    assert!(r.stages.iter().all(|s| s.reached == 0 && s.hours.n == 0));
    assert_eq!(r.stages[1].conversion, None);
    assert_eq!(r.win_rate, None);
    assert_eq!(r.bottleneck, None);
    assert!(r.bottleneck_shares.iter().all(|b| b.blocked_share == 0.0));
    assert_eq!(r.time.hours_per_day, None);
    assert!(r.time.by_category.iter().all(|c| c.share == 0.0));
    assert_eq!(r.cycle_hours.median, None);
}

#[test]
fn options_are_validated() {
    let bad_zone =
        PipelineOptions::new(Stages::default(), "Mars/Olympus", vec![], Scope::default());
    assert!(bad_zone.unwrap_err().to_string().contains("Mars/Olympus"));
    let bad_platform = PipelineOptions::new(
        Stages::default(),
        "UTC",
        vec![],
        Scope {
            platform: Some("  ".into()),
            ..Scope::default()
        },
    );
    assert!(bad_platform.is_err());
}

#[test]
fn json_keys_are_the_documented_ones() {
    let json = serde_json::to_value(report()).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut documented = vec![
        "scope",
        "time_zone",
        "deals",
        "stages",
        "cycle_hours",
        "win_rate",
        "won",
        "lost",
        "open",
        "reopened",
        "win_rate_by_platform",
        "platforms",
        "bottleneck",
        "bottleneck_shares",
        "deals_with_durations",
        "lost_reasons",
        "churn_reasons",
        "value_bands",
        "time",
        "drivers",
    ];
    documented.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, documented);
    let stage = json["stages"][0].as_object().unwrap();
    for key in ["stage", "reached", "conversion", "hours", "business_days"] {
        assert!(stage.contains_key(key), "{key}");
    }
    for key in [
        "n", "mean", "median", "std", "p90", "min", "p25", "p75", "max",
    ] {
        assert!(json["stages"][0]["hours"].get(key).is_some(), "{key}");
    }
}

#[test]
fn a_platform_is_shown_as_its_earliest_deal_spells_it_whatever_the_case() {
    let mut ledger = ledger();
    // D-10 (opened 03-20) and D-12 (out of scope) are toptal; two more spell it otherwise.
    let mut later = ledger
        .deals
        .iter()
        .find(|d| d.id.as_str() == "D-10")
        .unwrap()
        .clone();
    later.id = gigops_core::DealId::parse("D-13").unwrap();
    later.platform = gigops_core::Platform::parse("TOPTAL").unwrap();
    later.opened_at = ts("2025-03-25T00:00:00Z");
    let mut earliest = later.clone();
    earliest.id = gigops_core::DealId::parse("D-00").unwrap();
    earliest.platform = gigops_core::Platform::parse("Toptal").unwrap();
    earliest.opened_at = ts("2025-03-02T00:00:00Z");
    ledger.deals.extend([later, earliest]);

    let r = pipeline_report(&ledger, &options(None));
    let row = r.platforms.iter().find(|p| p.platform == "Toptal").unwrap();
    assert_eq!(
        (row.deals, row.won),
        (3, 3),
        "one platform, three spellings"
    );
    assert_eq!(r.platforms.len(), 4);
    // In key order: direct, toptal, upwork, 码市.
    let names: Vec<&str> = r.platforms.iter().map(|p| p.platform.as_str()).collect();
    assert_eq!(names, ["direct", "Toptal", "Upwork", "码市"]);
    assert!(r.win_rate_by_platform.contains_key("Toptal"));
    assert!(!r.win_rate_by_platform.contains_key("toptal"));
    assert!(
        r.value_bands
            .iter()
            .any(|b| b.platform == "Toptal" && b.n == 3)
    );
    let rate = r
        .time
        .effective_rates
        .iter()
        .find(|e| e.deal_id == "D-10")
        .unwrap();
    assert_eq!(rate.platform, "Toptal");

    // A scope written any way names the platform as its deals do.
    let scoped = pipeline_report(&ledger, &options(Some("toptal")));
    assert_eq!(scoped.scope.platform.as_deref(), Some("Toptal"));
    assert_eq!(scoped.deals, 3);
    let none = pipeline_report(&ledger, &options(Some("Fiverr")));
    assert_eq!(none.scope.platform.as_deref(), Some("Fiverr"));
    assert_eq!(none.deals, 0);
}

#[test]
fn the_time_a_reopened_deal_spent_closed_is_no_part_of_any_duration() {
    use gigops_core::{Outcome, Reopening};
    // UTC, no holidays. D-R: lead Mon 2025-03-03, proposal Tue 03-04, lost Wed 03-05,
    // reopened Mon 03-17, signed Tue 03-18 (all at 00:00).
    let deal = DealSpec {
        id: "D-R",
        platform: "direct",
        kind: DealKind::Project,
        minor: 100_000,
        currency: Currency::USD,
        opened: "2025-03-03T00:00:00Z",
        outcome: Outcome::Won,
        closed: Some("2025-03-18T00:00:00Z"),
        reason: None,
        scores: [None; 3],
    }
    .build();
    let ledger = Ledger {
        clients: Vec::new(),
        deals: vec![deal],
        events: vec![
            event("D-R", "lead", "2025-03-03T00:00:00Z"),
            event("D-R", "proposal", "2025-03-04T00:00:00Z"),
            event("D-R", "signed", "2025-03-18T00:00:00Z"),
        ],
        time_entries: Vec::new(),
        reopenings: vec![Reopening {
            deal_id: gigops_core::DealId::parse("D-R").unwrap(),
            reopened_at: ts("2025-03-17T00:00:00Z"),
            reason: "the client came back".into(),
            outcome: Outcome::Lost,
            closed_at: ts("2025-03-05T00:00:00Z"),
            lost_reason: Some("price too high".into()),
        }],
    };
    let r = pipeline_report(&ledger, &PipelineOptions::default());
    assert_eq!(
        (r.won, r.lost, r.reopened),
        (1, 0, 1),
        "counted as it is now"
    );
    assert!(r.lost_reasons.is_empty());
    let proposal = &r.stages[2];
    // Tue → Wed (24 h) and Mon → Tue (24 h); the twelve days closed are not counted.
    close_opt(proposal.hours.max, 48.0);
    close_opt(proposal.business_days.max, 2.0);
    close_opt(r.cycle_hours.median, 72.0);
}
