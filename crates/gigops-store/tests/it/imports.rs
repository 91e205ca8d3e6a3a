//! Imports: counts, idempotency, upserts, all-or-nothing, batches larger than one statement.

use gigops_core::{Currency, DealId, Lang, Ledger, Outcome, Reopening, TimeCategory};
use gigops_store::{ClientScope, DealFilter, LedgerStore, StoreError};
use gigops_test_support::fixtures::{
    at, bulk_ledger, deal_id, entry, event, open_deal, sample_ledger,
};
use gigops_test_support::{TestResult, store_test};

store_test!(a_changed_record_is_counted_as_updated, |store| async move {
    let ledger = sample_ledger();
    store.import(&ledger).await?;

    let mut changed = ledger.clone();
    changed.deals[0].value.minor += 1; // D-0002
    changed.deals[1].github_score = changed.deals[1].tech_doc_score; // D-0001: null → 0.75
    changed.clients[2].locale = Lang::ZhCn; // Tokyo Kabushiki
    changed.time_entries[2].minutes = 46; // D-0001's negotiation
    changed.time_entries[3].note = Some("now with a note".into());
    changed
        .events
        .push(event("D-0003", "lead", "1970-01-01T00:00:00Z"));
    let counts = store.import(&changed).await?;
    assert_eq!(
        (
            counts.deals.inserted,
            counts.deals.updated,
            counts.deals.unchanged
        ),
        (0, 2, 2)
    );
    assert_eq!(
        (
            counts.clients.inserted,
            counts.clients.updated,
            counts.clients.unchanged
        ),
        (0, 1, 3)
    );
    assert_eq!(
        (
            counts.time_entries.inserted,
            counts.time_entries.updated,
            counts.time_entries.unchanged
        ),
        (0, 2, 2)
    );
    assert_eq!((counts.events.inserted, counts.events.unchanged), (1, 7));

    let tokyo = store
        .get_deal(&deal_id("D-0002"), &ClientScope::All)
        .await?
        .unwrap()
        .deal;
    assert_eq!(tokyo.value.minor, ledger.deals[0].value.minor + 1);
    let client = store.get_client("Tokyo Kabushiki").await?.unwrap();
    assert_eq!(client.locale, Lang::ZhCn);
    let entries = store
        .get_deal(&deal_id("D-0001"), &ClientScope::All)
        .await?
        .unwrap()
        .time_entries;
    assert_eq!(entries[0].minutes, 46);
    // And once more: nothing left to change.
    assert_eq!(store.import(&changed).await?.changed(), 0);
    TestResult::Ok(())
});

store_test!(a_failing_import_writes_nothing, |store| async move {
    // On an empty store, and on one that already holds data.
    for existing in [Ledger::default(), sample_ledger()] {
        store.import(&existing).await?;
        let before = store.export().await?;

        let mut bad = bulk_ledger(50, 3, 1);
        // The last event refers to a deal that exists nowhere: everything before it, clients,
        // deals and events, must be rolled back.
        bad.events
            .push(event("D-MISSING", "lead", "2025-01-01T00:00:00Z"));
        let err = store.import(&bad).await.unwrap_err();
        assert!(
            matches!(&err, StoreError::NotFound { key, .. } if key == "D-MISSING"),
            "{err}"
        );
        assert!(err.to_string().contains("stage event"), "{err}");
        assert_eq!(store.export().await?, before);

        // The same for a time entry, after events that would have been written.
        let mut bad = bulk_ledger(50, 3, 1);
        bad.time_entries.push(entry(
            "D-MISSING",
            "2025-01-01T00:00:00Z",
            5,
            TimeCategory::Admin,
        ));
        let err = store.import(&bad).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
        assert_eq!(store.export().await?, before);

        // An incoherent deal is refused before anything is written, with every problem listed.
        let mut bad = bulk_ledger(10, 1, 0);
        bad.deals[3].outcome = Outcome::Won;
        bad.deals[3].closed_at = None;
        bad.deals[3].lost_reason = None;
        bad.deals[4].value.minor = -1;
        let err = store.import(&bad).await.unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, StoreError::Invalid(_)), "{err}");
        assert!(
            message.contains("2 problems") && message.contains("D-0000003"),
            "{message}"
        );
        assert!(
            message.contains("D-0000004") && message.contains("negative"),
            "{message}"
        );
        assert_eq!(store.export().await?, before);

        // An instant finer than a microsecond would not come back as it went in.
        let mut bad = sample_ledger();
        bad.events[0].entered_at = at("2025-01-01T00:00:00.000000001Z");
        assert!(matches!(
            store.import(&bad).await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(store.export().await?, before);
    }
    TestResult::Ok(())
});

store_test!(records_may_refer_to_stored_deals, |store| async move {
    store.import(&sample_ledger()).await?;
    let later = Ledger {
        events: vec![event("D-0003", "responded", "2025-01-01T00:00:00Z")],
        time_entries: vec![entry(
            "OSS-42",
            "2025-07-01T00:00:00Z",
            15,
            TimeCategory::Docs,
        )],
        ..Ledger::default()
    };
    let counts = store.import(&later).await?;
    assert_eq!(
        (counts.events.inserted, counts.time_entries.inserted),
        (1, 1)
    );
    assert_eq!(counts.deals.total(), 0);
    assert_eq!(
        store
            .get_deal(&deal_id("D-0003"), &ClientScope::All)
            .await?
            .unwrap()
            .events
            .len(),
        1
    );
    TestResult::Ok(())
});

store_test!(within_one_import_the_last_record_wins, |store| async move {
    let mut first = open_deal("D-1", "Repeat Client");
    first.value.minor = 1;
    let mut second = first.clone();
    second.value.minor = 2;
    let mut client = gigops_test_support::fixtures::sample_ledger().clients[1].clone();
    client.name = "Repeat Client".into();
    let mut client_again = client.clone();
    client_again.currency = Currency::JPY;
    let work = entry("D-1", "2025-01-02T00:00:00Z", 10, TimeCategory::Coding);
    let mut work_again = work.clone();
    work_again.minutes = 20;
    let lead = event("D-1", "lead", "2025-01-01T00:00:00Z");
    let reopening = Reopening {
        deal_id: deal_id("D-1"),
        reopened_at: at("2025-01-20T00:00:00Z"),
        reason: "first wording".into(),
        outcome: Outcome::Lost,
        closed_at: at("2025-01-10T00:00:00Z"),
        lost_reason: None,
    };
    let reopening_again = Reopening {
        reason: "second wording".into(),
        ..reopening.clone()
    };
    let ledger = Ledger {
        clients: vec![client, client_again],
        deals: vec![first, second],
        events: vec![lead.clone(), lead],
        time_entries: vec![work, work_again],
        reopenings: vec![reopening, reopening_again],
    };
    let counts = store.import(&ledger).await?;
    for (table, c) in counts.tables() {
        assert_eq!((c.inserted, c.unchanged), (1, 1), "{table}: {c:?}");
    }
    let stored = store
        .get_deal(&deal_id("D-1"), &ClientScope::All)
        .await?
        .unwrap();
    assert_eq!(stored.deal.value.minor, 2);
    assert_eq!(stored.time_entries[0].minutes, 20);
    assert_eq!(stored.reopenings[0].reason, "second wording");
    assert_eq!(
        store.get_client("Repeat Client").await?.unwrap().currency,
        Currency::JPY
    );
    TestResult::Ok(())
});

// Larger than one statement on every table (SQLite takes at most 2,520 deals, 10,922 events or
// 6,553 time entries per statement), so batching, counting and ordering across batches show.
store_test!(imports_span_several_batches, |store| async move {
    let ledger = bulk_ledger(3_000, 5, 3);
    let counts = store.import(&ledger).await?;
    assert_eq!(counts.deals.inserted, 3_000);
    assert_eq!(counts.events.inserted, 15_000);
    assert_eq!(counts.time_entries.inserted, 9_000);
    assert_eq!(counts.clients.inserted, 500);

    let exported = store.export().await?;
    assert_eq!(
        exported.deals, ledger.deals,
        "bulk deals are generated in id order"
    );
    assert_eq!(exported.events, ledger.events);
    let mut entries = ledger.time_entries.clone();
    entries.sort_by(|a, b| {
        (&a.deal_id, a.started_at, a.category.as_str()).cmp(&(
            &b.deal_id,
            b.started_at,
            b.category.as_str(),
        ))
    });
    assert_eq!(exported.time_entries, entries);

    let again = store.import(&ledger).await?;
    assert_eq!(again.changed(), 0, "{again:?}");
    assert_eq!(again.total(), counts.total());
    assert_eq!(store.export().await?, exported);

    // Deals added later get later keys but still load in id order, with their events.
    let mut early = open_deal("A-0001", "Client 001");
    early.opened_at = at("2023-06-01T00:00:00Z");
    store.add_deal(&early).await?;
    store
        .add_stage_event(
            &event("A-0001", "lead", "2023-06-01T00:00:00Z"),
            &gigops_core::Stages::default(),
        )
        .await?;
    let loaded = store.load_ledger(&DealFilter::all()).await?;
    assert_eq!(loaded.deals[0].id.as_str(), "A-0001");
    assert_eq!(loaded.events[0].deal_id.as_str(), "A-0001");
    assert!(loaded.events.is_sorted_by(|a, b| {
        (&a.deal_id, a.entered_at, &a.stage) <= (&b.deal_id, b.entered_at, &b.stage)
    }));

    // existing_deal_ids over more ids than one SQLite statement may bind.
    let mut asked: Vec<DealId> = (0..40_000).map(|i| deal_id(&format!("X-{i}"))).collect();
    asked.push(deal_id("D-0002999"));
    asked.push(deal_id("A-0001"));
    let found = store.existing_deal_ids(&asked).await?;
    assert_eq!(found.len(), 2);
    TestResult::Ok(())
});

// Text that a bulk write must carry through unchanged: on PostgreSQL, imports this large go
// through COPY, whose text format reads a tab, newline or backslash as syntax and `\N` as NULL
// unless each is escaped. An empty note and an absent one stay apart.
store_test!(awkward_text_survives_a_bulk_import, |store| async move {
    const AWKWARD: [&str; 14] = [
        "tab\there",
        "line\nbreak",
        "carriage\r\nreturn",
        "back\\slash",
        "\\N",
        "\\",
        "ends with a backslash\\",
        "\\t is not a tab",
        "quotes \" and ' and `",
        "comma, semicolon; pipe |",
        "中文备注：报价\t第二行\n完",
        "NULL",
        "",
        " padded ",
    ];
    // More rows than the COPY threshold in every table.
    let rows = 4_000;
    let mut ledger = bulk_ledger(rows, 1, 1);
    for i in 0..rows {
        let awkward = AWKWARD[i % AWKWARD.len()];
        ledger.clients.push(gigops_core::Client {
            name: format!("{awkward}#{i}"),
            ..ledger.clients[0].clone()
        });
        // Every fourth note absent, the others awkward (the empty one included).
        ledger.time_entries[i].note = (i % 4 != 3).then(|| awkward.to_string());
        let deal = &mut ledger.deals[i];
        if deal.outcome == Outcome::Lost {
            deal.lost_reason = Some(awkward.to_string());
        }
        if let Some(closed_at) = deal.closed_at {
            ledger.reopenings.push(Reopening {
                deal_id: deal.id.clone(),
                reopened_at: closed_at,
                reason: format!("why: {awkward}"),
                outcome: deal.outcome,
                closed_at,
                lost_reason: (deal.outcome == Outcome::Lost).then(|| awkward.to_string()),
            });
        }
    }
    assert!(
        ledger.reopenings.len() > 2_500,
        "{}",
        ledger.reopenings.len()
    );

    let counts = store.import(&ledger).await?;
    assert_eq!(counts.clients.inserted, ledger.clients.len() as u64);
    assert_eq!(counts.time_entries.inserted, rows as u64);
    let stored = store.export().await?;
    assert_eq!(sorted(stored.clone()), sorted(ledger.clone()));
    // Read back identical, so compared equal: importing it again changes nothing.
    assert_eq!(store.import(&stored).await?.changed(), 0);
    TestResult::Ok(())
});

/// A ledger's rows in one order whatever order a store returns them in.
fn sorted(mut ledger: Ledger) -> Ledger {
    ledger.clients.sort_by(|a, b| a.name.cmp(&b.name));
    ledger
        .deals
        .sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
    ledger.events.sort_by_key(|e| {
        (
            e.deal_id.as_str().to_string(),
            e.entered_at,
            e.stage.as_str().to_string(),
        )
    });
    ledger.time_entries.sort_by_key(|e| {
        (
            e.deal_id.as_str().to_string(),
            e.started_at,
            e.category.as_str(),
        )
    });
    ledger
        .reopenings
        .sort_by_key(|r| (r.deal_id.as_str().to_string(), r.reopened_at));
    ledger
}
