//! Ledgers for tests: a small one that holds every awkward value, and large ones for measuring.

use gigops_core::{
    Client, Currency, Deal, DealId, DealKind, Lang, Ledger, Money, Outcome, Platform, Score,
    StageEvent, StageName, Stages, TimeCategory, TimeEntry,
};
use jiff::Timestamp;

/// Parses an RFC 3339 instant; fixtures only use literals, so a bad one is a bug in the test.
pub fn at(text: &str) -> Timestamp {
    text.parse()
        .unwrap_or_else(|e| panic!("fixture instant {text:?}: {e}"))
}

pub fn deal_id(text: &str) -> DealId {
    DealId::parse(text).unwrap_or_else(|e| panic!("fixture deal id: {e}"))
}

pub fn platform(text: &str) -> Platform {
    Platform::parse(text).unwrap_or_else(|e| panic!("fixture platform: {e}"))
}

pub fn stage(text: &str) -> StageName {
    StageName::parse(text).unwrap_or_else(|e| panic!("fixture stage: {e}"))
}

pub fn score(value: f64) -> Score {
    Score::new(value).unwrap_or_else(|e| panic!("fixture score: {e}"))
}

/// An open USD project deal on Upwork, opened at 2025-01-01T00:00:00Z, without scores.
pub fn open_deal(id: &str, client: &str) -> Deal {
    Deal {
        id: deal_id(id),
        client: client.to_string(),
        platform: platform("upwork"),
        kind: DealKind::Project,
        value: Money::new(250_000, Currency::USD),
        opened_at: at("2025-01-01T00:00:00Z"),
        outcome: Outcome::Open,
        closed_at: None,
        lost_reason: None,
        tech_doc_score: None,
        github_score: None,
        demo_score: None,
    }
}

pub fn event(deal: &str, stage_name: &str, entered_at: &str) -> StageEvent {
    StageEvent {
        deal_id: deal_id(deal),
        stage: stage(stage_name),
        entered_at: at(entered_at),
    }
}

pub fn entry(deal: &str, started_at: &str, minutes: u32, category: TimeCategory) -> TimeEntry {
    TimeEntry {
        deal_id: deal_id(deal),
        started_at: at(started_at),
        minutes,
        category,
        note: None,
    }
}

/// A small ledger with every value that is easy to get wrong in storage: Unicode client and
/// platform names (码市), a zero-exponent currency (JPY) and a three-decimal one (KWD), scores
/// that are absent, 0, 1 and in between, instants with microseconds and before 1970, quotes
/// and newlines in text, a client that only a deal names, and records out of order.
pub fn sample_ledger() -> Ledger {
    let kwd = Currency::parse("KWD").unwrap_or(Currency::USD);
    let clients = vec![
        Client {
            name: "码市客户·杭州".to_string(),
            currency: Currency::CNY,
            locale: Lang::ZhCn,
            time_zone: "Asia/Shanghai".to_string(),
            platform: Some(platform("码市")),
        },
        Client {
            name: "Acme \"Quoted\" GmbH".to_string(),
            currency: Currency::EUR,
            locale: Lang::En,
            time_zone: "Europe/Berlin".to_string(),
            platform: None,
        },
        Client {
            name: "Tokyo Kabushiki".to_string(),
            currency: Currency::JPY,
            locale: Lang::En,
            time_zone: "Asia/Tokyo".to_string(),
            platform: Some(platform("toptal")),
        },
    ];
    let deals = vec![
        Deal {
            id: deal_id("D-0002"),
            client: "Tokyo Kabushiki".to_string(),
            platform: platform("toptal"),
            kind: DealKind::Retainer,
            value: Money::new(1_500_000, Currency::JPY),
            opened_at: at("2024-03-01T09:30:00.123456Z"),
            outcome: Outcome::Won,
            closed_at: Some(at("2024-04-02T10:00:00.000001Z")),
            lost_reason: None,
            tech_doc_score: Some(score(0.0)),
            github_score: Some(score(1.0)),
            demo_score: Some(score(0.333_333_333_333_333_3)),
        },
        Deal {
            id: deal_id("D-0001"),
            client: "码市客户·杭州".to_string(),
            platform: platform("码市"),
            kind: DealKind::Project,
            value: Money::new(8_800_000, Currency::CNY),
            opened_at: at("2024-02-29T23:59:59.999999Z"),
            outcome: Outcome::Lost,
            closed_at: Some(at("2024-05-01T00:00:00Z")),
            lost_reason: Some("价格太高 — \"too expensive\"\nsecond line".to_string()),
            tech_doc_score: Some(score(0.75)),
            github_score: None,
            demo_score: None,
        },
        Deal {
            id: deal_id("D-0003"),
            client: "Acme \"Quoted\" GmbH".to_string(),
            platform: platform("direct"),
            kind: DealKind::Consulting,
            value: Money::new(0, Currency::EUR),
            opened_at: at("1969-12-31T23:59:59.5Z"),
            outcome: Outcome::Open,
            closed_at: None,
            lost_reason: None,
            tech_doc_score: None,
            github_score: None,
            demo_score: None,
        },
        Deal {
            id: deal_id("OSS-42"),
            client: "Gitcoin DAO".to_string(),
            platform: platform("oss-crowdsourcing"),
            kind: DealKind::Sponsorship,
            value: Money::new(12_345, kwd),
            opened_at: at("2025-06-15T12:00:00.000100Z"),
            outcome: Outcome::Open,
            closed_at: None,
            lost_reason: None,
            tech_doc_score: None,
            github_score: Some(score(0.5)),
            demo_score: None,
        },
    ];
    let events = vec![
        event("D-0002", "responded", "2024-03-02T00:00:00.000001Z"),
        event("D-0002", "lead", "2024-03-01T09:30:00.123456Z"),
        event("D-0001", "lead", "2024-02-29T23:59:59.999999Z"),
        event("D-0001", "proposal", "2024-03-10T08:00:00Z"),
        // Two stages entered at the same instant: ordered by stage name.
        event("D-0002", "signed", "2024-04-02T10:00:00.000001Z"),
        event("D-0002", "approval", "2024-04-02T10:00:00.000001Z"),
        event("OSS-42", "lead", "2025-06-15T12:00:00.000100Z"),
    ];
    let mut note = entry("D-0002", "2024-03-05T01:00:00.5Z", 90, TimeCategory::Coding);
    note.note = Some("接口联调; \"quoted\", comma".to_string());
    let time_entries = vec![
        note,
        entry(
            "D-0002",
            "2024-03-05T01:00:00.5Z",
            30,
            TimeCategory::Communication,
        ),
        entry(
            "D-0001",
            "2024-03-01T02:00:00Z",
            45,
            TimeCategory::Negotiation,
        ),
        entry("OSS-42", "2025-06-16T00:00:00Z", 0, TimeCategory::Docs),
    ];
    Ledger {
        clients,
        deals,
        events,
        time_entries,
        reopenings: Vec::new(),
    }
}

/// A ledger of `deals` deals, each with `events_per_deal` stage events (at most the number of
/// default stages) and `entries_per_deal` time entries, spread over 500 clients on 4 platforms:
/// the size of a long-running business, for measuring imports and loads. The same arguments give
/// the same ledger.
pub fn bulk_ledger(deals: usize, events_per_deal: usize, entries_per_deal: usize) -> Ledger {
    let stages = Stages::default();
    let stages: Vec<&StageName> = stages.iter().collect();
    let platforms = ["upwork", "toptal", "码市", "direct"].map(platform);
    let categories = TimeCategory::ALL;
    let base = at("2023-01-01T00:00:00Z").as_microsecond();
    let hour: i64 = 3_600_000_000;
    // A small linear congruential generator: deterministic and dependency-free, and random
    // enough to spread values.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        state >> 33
    };
    let clients: Vec<Client> = (0..500)
        .map(|i| Client {
            name: format!("Client {i:03}"),
            currency: Currency::USD,
            locale: if i % 5 == 0 { Lang::ZhCn } else { Lang::En },
            time_zone: "UTC".to_string(),
            platform: Some(platforms[i % platforms.len()].clone()),
        })
        .collect();
    let mut ledger = Ledger {
        clients,
        deals: Vec::with_capacity(deals),
        events: Vec::with_capacity(deals * events_per_deal),
        time_entries: Vec::with_capacity(deals * entries_per_deal),
        reopenings: Vec::new(),
    };
    for i in 0..deals {
        let id = deal_id(&format!("D-{i:07}"));
        let opened = base + (next() as i64 % (730 * 24)) * hour + (next() as i64 % 1_000_000);
        let outcome = match next() % 3 {
            0 => Outcome::Open,
            1 => Outcome::Won,
            _ => Outcome::Lost,
        };
        let last_event = opened + (events_per_deal as i64 + 1) * 24 * hour;
        ledger.deals.push(Deal {
            id: id.clone(),
            client: format!("Client {:03}", next() % 500),
            platform: platforms[i % platforms.len()].clone(),
            kind: DealKind::ALL[i % DealKind::ALL.len()],
            value: Money::new((next() % 5_000_000) as i64, Currency::USD),
            opened_at: Timestamp::from_microsecond(opened).unwrap_or_default(),
            outcome,
            closed_at: (outcome != Outcome::Open)
                .then(|| Timestamp::from_microsecond(last_event).unwrap_or_default()),
            lost_reason: (outcome == Outcome::Lost).then(|| "price".to_string()),
            tech_doc_score: (i % 4 != 0).then(|| score((next() % 1000) as f64 / 1000.0)),
            github_score: (i % 3 != 0).then(|| score((next() % 1000) as f64 / 1000.0)),
            demo_score: None,
        });
        for (rank, stage) in stages.iter().take(events_per_deal).enumerate() {
            ledger.events.push(StageEvent {
                deal_id: id.clone(),
                stage: (*stage).clone(),
                entered_at: Timestamp::from_microsecond(opened + rank as i64 * 24 * hour)
                    .unwrap_or_default(),
            });
        }
        for n in 0..entries_per_deal {
            ledger.time_entries.push(TimeEntry {
                deal_id: id.clone(),
                started_at: Timestamp::from_microsecond(opened + n as i64 * hour)
                    .unwrap_or_default(),
                minutes: (next() % 240) as u32,
                category: categories[n % categories.len()],
                note: (n % 2 == 0).then(|| format!("work item {n}")),
            });
        }
    }
    ledger
}
