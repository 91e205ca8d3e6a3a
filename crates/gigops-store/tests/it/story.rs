//! One story through every operation of the store, on both backends.

use gigops_core::{
    Client, Currency, DealKind, Lang, Ledger, Money, Outcome, StageEvent, Stages, TimeCategory,
};
use gigops_store::{
    Backend, ClientScope, DealFilter, GateRun, GateRunStore, IfExists, LedgerStore, StoreError,
};
use gigops_test_support::fixtures::{
    at, deal_id, entry, event, open_deal, platform, sample_ledger,
};
use gigops_test_support::{TestResult, store_test};

/// What an export of the sample ledger must be: every record, ordered as the store orders
/// them, with the client that only a deal names created with the defaults.
fn expected_export(ledger: &Ledger) -> Ledger {
    let mut expected = ledger.clone();
    for deal in &ledger.deals {
        if !expected.clients.iter().any(|c| c.name == deal.client) {
            expected.clients.push(Client {
                name: deal.client.clone(),
                currency: deal.value.currency,
                locale: Lang::En,
                time_zone: "UTC".to_string(),
                platform: Some(deal.platform.clone()),
            });
        }
    }
    expected.clients.sort_by(|a, b| a.name.cmp(&b.name));
    expected.deals.sort_by(|a, b| a.id.cmp(&b.id));
    expected.events.sort_by(|a, b| {
        (&a.deal_id, a.entered_at, &a.stage).cmp(&(&b.deal_id, b.entered_at, &b.stage))
    });
    expected.time_entries.sort_by(|a, b| {
        (&a.deal_id, a.started_at, a.category.as_str()).cmp(&(
            &b.deal_id,
            b.started_at,
            b.category.as_str(),
        ))
    });
    expected
}

store_test!(every_operation, |store| async move {
    let empty = store.counts().await?;
    assert_eq!(
        (empty.clients, empty.deals, empty.events, empty.time_entries),
        (0, 0, 0, 0)
    );
    assert_eq!(store.export().await?, Ledger::default());

    // Import: every field of every record comes back as it went in.
    let ledger = sample_ledger();
    let counts = store.import(&ledger).await?;
    assert_eq!(
        counts.clients.inserted, 4,
        "3 listed + 1 named only by a deal: {counts:?}"
    );
    assert_eq!(counts.deals.inserted, 4);
    assert_eq!(counts.events.inserted, 7);
    assert_eq!(counts.time_entries.inserted, 4);
    assert_eq!(counts.changed(), 19);
    let expected = expected_export(&ledger);
    let exported = store.export().await?;
    assert_eq!(exported, expected);

    // Spot checks of the values most easily mangled, in case `expected` shared a bug.
    let tokyo = exported
        .deals
        .iter()
        .find(|d| d.id.as_str() == "D-0002")
        .unwrap();
    assert_eq!(tokyo.value, Money::new(1_500_000, Currency::JPY));
    assert_eq!(tokyo.opened_at, at("2024-03-01T09:30:00.123456Z"));
    assert_eq!(
        tokyo.demo_score.map(|s| s.get()),
        Some(0.333_333_333_333_333_3)
    );
    let pre_epoch = exported
        .deals
        .iter()
        .find(|d| d.id.as_str() == "D-0003")
        .unwrap();
    assert_eq!(pre_epoch.opened_at, at("1969-12-31T23:59:59.5Z"));
    assert_eq!(pre_epoch.tech_doc_score, None);
    let implied = store
        .get_client("Gitcoin DAO")
        .await?
        .expect("created from the deal");
    assert_eq!(implied.currency, Currency::parse("KWD").unwrap());
    assert_eq!(
        (implied.locale, implied.time_zone.as_str()),
        (Lang::En, "UTC")
    );
    assert_eq!(implied.platform, Some(platform("oss-crowdsourcing")));

    // Importing the same ledger again changes nothing, and says so.
    let again = store.import(&ledger).await?;
    assert_eq!(again.changed(), 0, "{again:?}");
    assert_eq!(again.clients.unchanged, 4);
    assert_eq!(again.deals.unchanged, 4);
    assert_eq!(again.events.unchanged, 7);
    assert_eq!(again.time_entries.unchanged, 4);
    assert_eq!(store.export().await?, expected);

    // Clients.
    let clients = store.list_clients().await?;
    assert_eq!(clients, expected.clients);
    let chinese = store.get_client("码市客户·杭州").await?.expect("stored");
    assert_eq!(chinese, ledger.clients[0]);
    assert_eq!(store.get_client("码市客户").await?, None);
    let newcomer = Client {
        name: "Newcomer Ltd".to_string(),
        currency: Currency::GBP,
        locale: Lang::ZhCn,
        time_zone: "Europe/London".to_string(),
        platform: None,
    };
    store.add_client(&newcomer).await?;
    assert_eq!(
        store.get_client("Newcomer Ltd").await?,
        Some(newcomer.clone())
    );
    let taken = store.add_client(&newcomer).await.unwrap_err();
    assert!(
        matches!(&taken, StoreError::Conflict { what: "client", key } if key == "Newcomer Ltd"),
        "{taken}"
    );

    // Deals: one whose client is new creates it with defaults; ids are unique.
    let mut fresh = open_deal("D-0100", "Walk-in Client");
    fresh.value = Money::new(777, Currency::JPY);
    fresh.platform = platform("码市");
    store.add_deal(&fresh).await?;
    let walk_in = store.get_client("Walk-in Client").await?.expect("created");
    assert_eq!(walk_in.currency, Currency::JPY);
    assert_eq!(walk_in.platform, Some(platform("码市")));
    let mut for_newcomer = open_deal("D-0101", "Newcomer Ltd");
    for_newcomer.value = Money::new(100, Currency::GBP);
    store.add_deal(&for_newcomer).await?;
    assert_eq!(
        store.get_client("Newcomer Ltd").await?,
        Some(newcomer.clone()),
        "an existing client is left as it is"
    );
    let duplicate = store.add_deal(&fresh).await.unwrap_err();
    assert!(
        matches!(&duplicate, StoreError::Conflict { what: "deal", key } if key == "D-0100"),
        "{duplicate}"
    );
    let mut incoherent = open_deal("D-0102", "Walk-in Client");
    incoherent.outcome = Outcome::Won;
    let refused = store.add_deal(&incoherent).await.unwrap_err();
    assert!(
        matches!(&refused, StoreError::Invalid(m) if m.contains("D-0102") && m.contains("closed_at")),
        "{refused}"
    );
    assert!(
        store
            .get_deal(&deal_id("D-0102"), &ClientScope::All)
            .await?
            .is_none()
    );

    // get_deal: events by instant then stage, entries by start then category.
    let detail = store
        .get_deal(&deal_id("D-0002"), &ClientScope::All)
        .await?
        .expect("stored");
    assert_eq!(detail.deal, *tokyo);
    let stages: Vec<&str> = detail.events.iter().map(|e| e.stage.as_str()).collect();
    assert_eq!(stages, ["lead", "responded", "approval", "signed"]);
    let categories: Vec<TimeCategory> = detail.time_entries.iter().map(|e| e.category).collect();
    assert_eq!(
        categories,
        [TimeCategory::Coding, TimeCategory::Communication]
    );
    assert_eq!(
        detail.time_entries[0].note.as_deref(),
        Some("接口联调; \"quoted\", comma")
    );
    assert!(
        store
            .get_deal(&deal_id("D-9999"), &ClientScope::All)
            .await?
            .is_none()
    );

    // list_deals: each filter, and the order by opened_at then id.
    let ids = |deals: Vec<gigops_core::Deal>| -> Vec<String> {
        deals.into_iter().map(|d| d.id.to_string()).collect()
    };
    assert_eq!(
        ids(store
            .list_deals(&DealFilter::all(), &ClientScope::All)
            .await?),
        ["D-0003", "D-0001", "D-0002", "D-0100", "D-0101", "OSS-42"]
    );
    let toptal = DealFilter {
        platform: Some(platform("toptal")),
        ..DealFilter::default()
    };
    assert_eq!(
        ids(store.list_deals(&toptal, &ClientScope::All).await?),
        ["D-0002"]
    );
    let open = DealFilter {
        outcome: Some(Outcome::Open),
        ..DealFilter::default()
    };
    assert_eq!(
        ids(store.list_deals(&open, &ClientScope::All).await?),
        ["D-0003", "D-0100", "D-0101", "OSS-42"]
    );
    // opened_from is inclusive, opened_to exclusive, to the microsecond.
    let window = DealFilter {
        opened_from: Some(at("2024-03-01T09:30:00.123456Z")),
        opened_to: Some(at("2025-01-01T00:00:00Z")),
        ..DealFilter::default()
    };
    assert_eq!(
        ids(store.list_deals(&window, &ClientScope::All).await?),
        ["D-0002"]
    );
    let before = DealFilter {
        opened_to: Some(at("2024-03-01T09:30:00.123456Z")),
        ..DealFilter::default()
    };
    assert_eq!(
        ids(store.list_deals(&before, &ClientScope::All).await?),
        ["D-0003", "D-0001"]
    );
    let combined = DealFilter {
        platform: Some(platform("upwork")),
        outcome: Some(Outcome::Open),
        opened_from: Some(at("2025-01-01T00:00:00Z")),
        opened_to: Some(at("2025-01-01T00:00:00.000001Z")),
        without_notes: false,
    };
    assert_eq!(
        ids(store.list_deals(&combined, &ClientScope::All).await?),
        ["D-0101"]
    );

    // load_ledger: the filtered deals with only their events and entries, and every client.
    let mashi = DealFilter {
        platform: Some(platform("码市")),
        ..DealFilter::default()
    };
    let loaded = store.load_ledger(&mashi).await?;
    assert_eq!(ids(loaded.deals.clone()), ["D-0001", "D-0100"]);
    // Without notes: the same ledger, every note left out, whether the filter selects some
    // deals or all of them.
    for filter in [&mashi, &DealFilter::all()] {
        let with = store.load_ledger(filter).await?;
        let without = store
            .load_ledger(&DealFilter {
                without_notes: true,
                ..filter.clone()
            })
            .await?;
        if filter.selects_all() {
            assert!(with.time_entries.iter().any(|t| t.note.is_some()));
        }
        assert!(without.time_entries.iter().all(|t| t.note.is_none()));
        let unnoted = |mut ledger: gigops_core::Ledger| {
            ledger.time_entries.iter_mut().for_each(|t| t.note = None);
            ledger
        };
        assert_eq!(without, unnoted(with));
    }
    assert_eq!(loaded.clients, store.list_clients().await?);
    assert_eq!(
        loaded.events,
        expected
            .events
            .iter()
            .filter(|e| e.deal_id.as_str() == "D-0001")
            .cloned()
            .collect::<Vec<_>>()
    );
    assert_eq!(loaded.time_entries.len(), 1);
    assert_eq!(loaded.time_entries[0].deal_id.as_str(), "D-0001");
    for filter in [&toptal, &open, &window, &before, &combined] {
        let loaded = store.load_ledger(filter).await?;
        let listed = store.list_deals(filter, &ClientScope::All).await?;
        let mut listed_by_id = listed.clone();
        listed_by_id.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(loaded.deals, listed_by_id, "{filter:?}");
        assert!(
            loaded
                .events
                .iter()
                .all(|e| listed.iter().any(|d| d.id == e.deal_id))
        );
    }

    // Stage events: new, repeated (a no-op), and for a deal that does not exist.
    let signed = event("D-0100", "signed", "2025-02-01T08:00:00.000042Z");
    let stages = Stages::default();
    assert!(store.add_stage_event(&signed, &stages).await?);
    assert!(!store.add_stage_event(&signed, &stages).await?);
    let orphan = StageEvent {
        deal_id: deal_id("D-4040"),
        ..signed.clone()
    };
    let missing = store.add_stage_event(&orphan, &stages).await.unwrap_err();
    assert!(
        matches!(&missing, StoreError::NotFound { key, .. } if key == "D-4040"),
        "{missing}"
    );
    let events = store
        .get_deal(&deal_id("D-0100"), &ClientScope::All)
        .await?
        .unwrap()
        .events;
    assert_eq!(events, [signed]);

    // Time entries: new, identical (a no-op), same key with other values (a conflict that
    // changes nothing), and for a deal that does not exist.
    let mut work = entry(
        "D-0100",
        "2025-02-02T03:04:05.000006Z",
        120,
        TimeCategory::Testing,
    );
    work.note = Some("e2e".to_string());
    assert!(store.add_time_entry(&work).await?);
    assert!(!store.add_time_entry(&work).await?);
    let mut other = work.clone();
    other.minutes = 5;
    let conflict = store.add_time_entry(&other).await.unwrap_err();
    assert!(
        matches!(
            conflict,
            StoreError::Conflict {
                what: "time entry",
                ..
            }
        ),
        "{conflict}"
    );
    let mut orphan_entry = work.clone();
    orphan_entry.deal_id = deal_id("D-4040");
    assert!(matches!(
        store.add_time_entry(&orphan_entry).await,
        Err(StoreError::NotFound { .. })
    ));
    let entries = store
        .get_deal(&deal_id("D-0100"), &ClientScope::All)
        .await?
        .unwrap()
        .time_entries;
    assert_eq!(entries, [work]);

    // close_deal.
    let closed_at = at("2025-03-01T00:00:00.000001Z");
    store
        .close_deal(
            &deal_id("D-0003"),
            Outcome::Lost,
            closed_at,
            Some("went in-house".into()),
        )
        .await?;
    let closed = store
        .get_deal(&deal_id("D-0003"), &ClientScope::All)
        .await?
        .unwrap()
        .deal;
    assert_eq!(closed.outcome, Outcome::Lost);
    assert_eq!(closed.closed_at, Some(closed_at));
    assert_eq!(closed.lost_reason.as_deref(), Some("went in-house"));
    assert_eq!(closed.kind, DealKind::Consulting, "other fields are kept");
    // A closed deal is not closed again: it is reopened first, saying why.
    let again = store
        .close_deal(&deal_id("D-0003"), Outcome::Won, closed_at, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&again, StoreError::Invalid(message)
            if message.contains("deal D-0003 is already closed (lost at 2025-03-01T00:00:00.000001Z)")),
        "{again}"
    );
    let reopened_at = at("2025-03-04T00:00:00Z");
    let reopening = store
        .reopen_deal(
            &deal_id("D-0003"),
            reopened_at,
            "they came back with a budget",
        )
        .await?;
    assert_eq!(
        (
            reopening.outcome,
            reopening.closed_at,
            reopening.lost_reason.as_deref()
        ),
        (Outcome::Lost, closed_at, Some("went in-house"))
    );
    store
        .close_deal(&deal_id("D-0003"), Outcome::Won, reopened_at, None)
        .await?;
    let detail = store
        .get_deal(&deal_id("D-0003"), &ClientScope::All)
        .await?
        .unwrap();
    assert_eq!(detail.reopenings, [reopening]);
    let won = detail.deal;
    assert_eq!(
        (won.outcome, won.lost_reason.as_deref()),
        (Outcome::Won, None)
    );
    for (outcome, when, reason) in [
        (Outcome::Open, closed_at, None),
        (Outcome::Won, closed_at, Some("why".to_string())),
        (Outcome::Won, at("1900-01-01T00:00:00Z"), None),
    ] {
        let err = store
            .close_deal(&deal_id("D-0003"), outcome, when, reason)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    }
    assert_eq!(
        store
            .get_deal(&deal_id("D-0003"), &ClientScope::All)
            .await?
            .unwrap()
            .deal,
        won
    );
    assert!(matches!(
        store
            .close_deal(&deal_id("D-4040"), Outcome::Won, closed_at, None)
            .await,
        Err(StoreError::NotFound { what: "deal", .. })
    ));

    // existing_deal_ids.
    let asked = [
        deal_id("D-0001"),
        deal_id("nope"),
        deal_id("OSS-42"),
        deal_id("D-0001"),
    ];
    let found = store.existing_deal_ids(&asked).await?;
    assert_eq!(found.len(), 2);
    assert!(found.contains(&deal_id("D-0001")) && found.contains(&deal_id("OSS-42")));

    let counts = store.counts().await?;
    assert_eq!(
        (
            counts.clients,
            counts.deals,
            counts.events,
            counts.time_entries
        ),
        (6, 6, 8, 5)
    );

    // A second store on the same database sees the same data; opening ran no migration twice.
    let export = store.export().await?;
    let reopened = store.reopen().await?;
    assert_eq!(reopened.export().await?, export);
    let third = store.reopen().await?;
    assert_eq!(third.counts().await?, counts);
    reopened.close().await;
    third.close().await;

    // Backup: a consistent copy that opens as a store, while the source stays open.
    let directory = tempfile::tempdir()?;
    let copy = directory.path().join("backups").join("gigops-copy.db");
    let backup = store.backup(&copy, IfExists::Fail).await;
    match store.backend() {
        Backend::Sqlite => {
            backup?;
            let restored = gigops_store::Store::open_sqlite(&copy).await?;
            assert_eq!(restored.export().await?, export);
            restored.close().await;
            // An existing file is kept unless replacing is asked for.
            let again = store.backup(&copy, IfExists::Fail).await.unwrap_err();
            assert!(matches!(again, StoreError::Conflict { .. }), "{again}");
            store
                .add_client(&Client {
                    name: "After the backup".to_string(),
                    ..newcomer.clone()
                })
                .await?;
            store.backup(&copy, IfExists::Replace).await?;
            let replaced = gigops_store::Store::open_sqlite(&copy).await?;
            assert!(replaced.get_client("After the backup").await?.is_some());
            replaced.close().await;
            let leftovers: Vec<_> = std::fs::read_dir(copy.parent().unwrap())?
                .map(|e| e.map(|e| e.file_name()))
                .collect::<Result<_, _>>()?;
            assert!(
                leftovers
                    .iter()
                    .all(|name| !name.to_string_lossy().contains(".gigops-backup-")),
                "no temporary file is left behind: {leftovers:?}"
            );
        }
        Backend::Postgres => {
            let err = backup.unwrap_err();
            assert!(
                matches!(&err, StoreError::Unsupported(m) if m.contains("pg_dump")),
                "{err}"
            );
            assert!(!copy.exists());
        }
    }
    TestResult::Ok(())
});

// Values at the edges of what each column holds come back bit for bit: scores that need all 17
// digits, the smallest scores, amounts up to i64::MAX, instants far from 1970 on both sides.
store_test!(extreme_values_round_trip_exactly, |store| async move {
    let mut ledger = Ledger::default();
    let mut bits: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        bits ^= bits << 13;
        bits ^= bits >> 7;
        bits ^= bits << 17;
        bits
    };
    let fixed_scores = [
        0.0,
        1.0,
        1.0 / 3.0,
        0.1 + 0.2,
        f64::MIN_POSITIVE,
        5e-324,
        0.999_999_999_999_999_9,
    ];
    let whole_second = |t: jiff::Timestamp| jiff::Timestamp::from_second(t.as_second()).unwrap();
    let instants = [
        whole_second(jiff::Timestamp::MIN),
        at("1969-12-31T23:59:59.999999Z"),
        at("1970-01-01T00:00:00Z"),
        whole_second(jiff::Timestamp::MAX),
    ];
    for i in 0..300 {
        let mut deal = open_deal(&format!("X-{i:03}"), "Edge Cases Ltd");
        let mut score = |pick: u64| {
            let (high, low) = (next(), next());
            let random = f64::from_bits(high >> 2);
            let value = if pick < 7 {
                fixed_scores[pick as usize]
            } else if (0.0..=1.0).contains(&random) {
                random
            } else {
                (low >> 11) as f64 / (1_u64 << 53) as f64
            };
            gigops_test_support::fixtures::score(value)
        };
        deal.tech_doc_score = Some(score(i % 10));
        deal.github_score = Some(score(7 + i % 3));
        deal.demo_score = (i % 3 != 0).then(|| score(i % 7));
        deal.value = Money::new(
            if i == 0 {
                i64::MAX
            } else {
                (next() >> 1) as i64
            },
            Currency::JPY,
        );
        deal.opened_at = instants[i as usize % instants.len()];
        ledger.events.push(StageEvent {
            deal_id: deal.id.clone(),
            stage: gigops_test_support::fixtures::stage("lead"),
            entered_at: deal.opened_at,
        });
        ledger.deals.push(deal);
    }
    store.import(&ledger).await?;
    let exported = store.export().await?;
    assert_eq!(exported.deals, ledger.deals);
    for (stored, given) in exported.deals.iter().zip(&ledger.deals) {
        for (a, b) in [
            (stored.tech_doc_score, given.tech_doc_score),
            (stored.github_score, given.github_score),
            (stored.demo_score, given.demo_score),
        ] {
            assert_eq!(a.map(|s| s.get().to_bits()), b.map(|s| s.get().to_bits()));
        }
    }
    assert_eq!(exported.events, ledger.events);
    TestResult::Ok(())
});

// Events and entries added after the fact, at earlier instants, still come back in order.
store_test!(
    histories_are_ordered_whatever_the_order_of_writing,
    |store| async move {
        store.add_deal(&open_deal("D-1", "Late Writer")).await?;
        for (stage, at) in [
            ("signed", "2025-03-01T00:00:00Z"),
            ("lead", "2025-01-01T00:00:00Z"),
            ("proposal", "2025-02-01T00:00:00Z"),
            ("approval", "2025-03-01T00:00:00Z"),
        ] {
            store
                .add_stage_event(&event("D-1", stage, at), &Stages::default())
                .await?;
        }
        for (start, category) in [
            ("2025-02-01T00:00:00Z", TimeCategory::Testing),
            ("2025-01-15T00:00:00Z", TimeCategory::Coding),
            ("2025-02-01T00:00:00Z", TimeCategory::Admin),
        ] {
            store
                .add_time_entry(&entry("D-1", start, 30, category))
                .await?;
        }
        let detail = store
            .get_deal(&deal_id("D-1"), &ClientScope::All)
            .await?
            .unwrap();
        let stages: Vec<&str> = detail.events.iter().map(|e| e.stage.as_str()).collect();
        assert_eq!(stages, ["lead", "proposal", "approval", "signed"]);
        let categories: Vec<TimeCategory> =
            detail.time_entries.iter().map(|e| e.category).collect();
        assert_eq!(
            categories,
            [
                TimeCategory::Coding,
                TimeCategory::Admin,
                TimeCategory::Testing
            ]
        );
        let loaded = store.export().await?;
        assert_eq!(loaded.events, detail.events);
        assert_eq!(loaded.time_entries, detail.time_entries);
        TestResult::Ok(())
    }
);

store_test!(
    gate_runs_are_kept_per_deal_and_milestone,
    |store| async move {
        store.add_deal(&open_deal("D-1", "Acme")).await?;
        store.add_deal(&open_deal("D-2", "Acme")).await?;
        let run = |deal: &str, milestone: Option<&str>, when: &str, passed: bool| GateRun {
            deal_id: deal_id(deal),
            milestone: milestone.map(str::to_string),
            recorded_at: at(when),
            passed,
            // Kept byte for byte, whatever is inside: the schema is the gate's.
            summary: format!("{{\"schema\": \"x\", \"at\": \"{when}\", \"名\": \"里程碑\"}}"),
        };
        // Written out of order: read back oldest first.
        let late = run("D-1", Some("M2"), "2026-03-01T10:00:00.000001Z", false);
        let early = run("D-1", Some("M1"), "2026-01-01T10:00:00Z", true);
        let middle = run("D-1", None, "2026-02-01T10:00:00Z", true);
        let other = run("D-2", Some("M1"), "2026-01-15T10:00:00Z", true);
        for r in [&late, &early, &middle, &other] {
            store.record_gate_run(r).await?;
        }
        assert_eq!(
            store
                .gate_runs(&deal_id("D-1"), None, &ClientScope::All)
                .await?,
            vec![early.clone(), middle, late]
        );
        assert_eq!(
            store
                .gate_runs(&deal_id("D-1"), Some("M1"), &ClientScope::All)
                .await?,
            vec![early]
        );
        assert_eq!(
            store
                .gate_runs(&deal_id("D-2"), Some("M2"), &ClientScope::All)
                .await?,
            vec![]
        );
        // An unknown deal is named.
        let missing = store
            .record_gate_run(&run("D-9", None, "2026-01-01T00:00:00Z", true))
            .await;
        assert!(
            matches!(&missing, Err(StoreError::NotFound { key, .. }) if key == "D-9"),
            "{missing:?}"
        );
        assert!(matches!(
            store
                .gate_runs(&deal_id("D-9"), None, &ClientScope::All)
                .await,
            Err(StoreError::NotFound { .. })
        ));
        TestResult::Ok(())
    }
);

// The lifecycle: a closed deal is not closed again (but a won retainer ends), moves on only to
// delivery when won and nowhere when lost, and is reopened only with a reason, which is kept.
store_test!(
    a_closed_deal_keeps_its_outcome_until_reopened,
    |store| async move {
        let stages = Stages::default();
        let won_at = at("2025-02-01T00:00:00Z");
        let message = |err: StoreError| match err {
            StoreError::Invalid(message) => message,
            other => panic!("expected Invalid, got {other}"),
        };
        let mut project = open_deal("D-1", "Acme");
        project.platform = platform("Toptal");
        store.add_deal(&project).await?;
        store
            .close_deal(&deal_id("D-1"), Outcome::Won, won_at, None)
            .await?;

        // A won deal goes on to delivery, never back into the sale.
        let back = store
            .add_stage_event(&event("D-1", "proposal", "2025-02-02T00:00:00Z"), &stages)
            .await
            .unwrap_err();
        let back = message(back);
        assert!(
            back.contains(
                "deal D-1 is closed (won at 2025-02-01T00:00:00Z) and cannot enter proposal"
            ),
            "{back}"
        );
        assert!(
            store
                .add_stage_event(&event("D-1", "delivered", "2025-03-01T00:00:00Z"), &stages)
                .await?
        );
        let relost = store
            .close_deal(&deal_id("D-1"), Outcome::Lost, won_at, Some("why".into()))
            .await
            .unwrap_err();
        assert!(message(relost).contains("already closed (won at 2025-02-01T00:00:00Z)"));

        // Reopening: closed deals only, not before they closed, with a reason.
        for (when, reason, expected) in [
            ("2025-01-15T00:00:00Z", "too early", "before it closed"),
            ("2025-03-02T00:00:00Z", "  ", "needs a reason"),
        ] {
            let err = store
                .reopen_deal(&deal_id("D-1"), at(when), reason)
                .await
                .unwrap_err();
            assert!(message(err).contains(expected), "{expected}");
        }
        let reopening = store
            .reopen_deal(
                &deal_id("D-1"),
                at("2025-03-02T00:00:00Z"),
                "scope grew: phase 2",
            )
            .await?;
        let open_again = message(
            store
                .reopen_deal(&deal_id("D-1"), at("2025-03-03T00:00:00Z"), "again")
                .await
                .unwrap_err(),
        );
        assert!(open_again.contains("deal D-1 is open"), "{open_again}");
        assert!(
            store
                .add_stage_event(&event("D-1", "proposal", "2025-03-04T00:00:00Z"), &stages)
                .await?,
            "an open deal moves anywhere"
        );
        assert!(matches!(
            store
                .reopen_deal(&deal_id("D-404"), won_at, "no such deal")
                .await,
            Err(StoreError::NotFound { .. })
        ));

        // A won retainer ends with a lost close (a churn); then it is closed for good.
        let mut retainer = open_deal("D-2", "Acme");
        retainer.kind = DealKind::Retainer;
        store.add_deal(&retainer).await?;
        store
            .close_deal(&deal_id("D-2"), Outcome::Won, won_at, None)
            .await?;
        store
            .close_deal(
                &deal_id("D-2"),
                Outcome::Lost,
                at("2025-06-01T00:00:00Z"),
                Some("hired in-house".into()),
            )
            .await?;
        let ended = message(
            store
                .close_deal(
                    &deal_id("D-2"),
                    Outcome::Lost,
                    at("2025-07-01T00:00:00Z"),
                    None,
                )
                .await
                .unwrap_err(),
        );
        assert!(
            ended.contains("already closed (lost at 2025-06-01T00:00:00Z)"),
            "{ended}"
        );
        let nowhere = message(
            store
                .add_stage_event(&event("D-2", "delivered", "2025-07-01T00:00:00Z"), &stages)
                .await
                .unwrap_err(),
        );
        assert!(nowhere.contains("a lost deal does not move"), "{nowhere}");

        // Reopenings are part of the deal, of a load and of the counts.
        let detail = store
            .get_deal(&deal_id("D-1"), &ClientScope::All)
            .await?
            .unwrap();
        assert_eq!(detail.deal.outcome, Outcome::Open);
        assert_eq!(detail.reopenings, std::slice::from_ref(&reopening));
        assert_eq!(reopening.outcome, Outcome::Won);
        assert_eq!(reopening.closed_at, won_at);
        let toptal = DealFilter {
            platform: Some(platform("TOPTAL")),
            ..DealFilter::default()
        };
        let loaded = store.load_ledger(&toptal).await?;
        assert_eq!(
            loaded.deals.len(),
            1,
            "a platform is found whatever its case"
        );
        assert_eq!(
            loaded.deals[0].platform.as_str(),
            "Toptal",
            "and kept as written"
        );
        assert_eq!(loaded.reopenings, [reopening]);
        assert_eq!(store.list_deals(&toptal, &ClientScope::All).await?.len(), 1);
        assert_eq!(store.counts().await?.reopenings, 1);
        TestResult::Ok(())
    }
);

// Only ASCII letters are folded, on both backends alike: `É` and `é` are two platforms.
store_test!(
    platform_filters_fold_ascii_letters_only,
    |store| async move {
        let mut upper = open_deal("D-1", "Acme");
        upper.platform = platform("ÉCOLE-Market");
        let mut lower = open_deal("D-2", "Acme");
        lower.platform = platform("école-market");
        store.add_deal(&upper).await?;
        store.add_deal(&lower).await?;
        let by = |name: &str| DealFilter {
            platform: Some(platform(name)),
            ..DealFilter::default()
        };
        let ids = |deals: Vec<gigops_core::Deal>| -> Vec<String> {
            deals.into_iter().map(|d| d.id.to_string()).collect()
        };
        assert_eq!(
            ids(store
                .list_deals(&by("Écolé-market"), &ClientScope::All)
                .await?),
            Vec::<String>::new()
        );
        assert_eq!(
            ids(store
                .list_deals(&by("ÉCOLE-MARKET"), &ClientScope::All)
                .await?),
            ["D-1"]
        );
        // Folding every letter would find D-1 here too (as PostgreSQL's lower() does under a
        // locale's collation).
        assert_eq!(
            ids(store
                .list_deals(&by("école-MARKET"), &ClientScope::All)
                .await?),
            ["D-2"]
        );
        assert!(by("ÉCOLE-MARKET").matches(&upper) && !by("ÉCOLE-MARKET").matches(&lower));
        TestResult::Ok(())
    }
);
