//! A client scope on every read a client can reach: scoped to one client, a read never returns
//! another client's rows and treats their deals as unknown; unscoped, it returns everything.

use gigops_core::{Currency, Lang, Signature};
use gigops_store::{
    ClientScope, ContractStore, GateRun, GateRunStore, LedgerStore, NewAcceptance, NewSow,
    QuoteStore, SowMilestone, Store, StoreError,
};
use gigops_test_support::fixtures::{at, deal_id, open_deal};
use gigops_test_support::{TestResult, store_test};
use jiff::civil::date;

/// Two clients, Acme (deals) and Globex (deal G-1), each deal with a quote, a SOW whose
/// milestone is accepted (so ready to invoice), a sign-off and a gate run.
async fn two_clients(store: &Store) -> TestResult {
    for (deal, client) in [("A-1", "Acme"), ("A-2", "Acme"), ("G-1", "Globex")] {
        let id = deal_id(deal);
        store.add_deal(&open_deal(deal, client)).await?;
        store
            .save_quote(
                &id,
                at("2026-11-01T09:00:00Z"),
                &format!("{{\"deal\": \"{deal}\"}}"),
            )
            .await?;
        let digest = "a".repeat(64);
        let sow = NewSow {
            sow_id: format!("sow-{deal}"),
            created_at: at("2026-11-02T09:00:00Z"),
            currency: Currency::USD,
            source: format!("id: sow-{deal}\n"),
            source_sha256: digest.clone(),
            sow_json: "{}".to_string(),
            milestones: vec![SowMilestone {
                id: "M1".to_string(),
                title: format!("Design of {deal}"),
                due: date(2027, 1, 31),
                amount_minor: 100_000,
            }],
        };
        let version = store.attach_sow(&id, &sow).await?;
        let signature = Signature {
            signer: format!("signer of {deal}"),
            role: "client".to_string(),
            signed_at: at("2026-11-03T09:00:00Z"),
            source_sha256: digest,
            document_sha256: "d".repeat(64),
            lang: Lang::En,
            ssh_signature: None,
        };
        store.sign_sow(&id, version, &signature).await?;
        let acceptance = NewAcceptance {
            milestone: "M1".to_string(),
            evaluated_at: at("2026-11-04T09:00:00Z"),
            accepted: true,
            record_json: "{}".to_string(),
            evidence_json: "[]".to_string(),
        };
        store.record_acceptance(&id, version, &acceptance).await?;
        store
            .record_gate_run(&GateRun {
                deal_id: id.clone(),
                milestone: Some("M1".to_string()),
                recorded_at: at("2026-11-04T08:00:00Z"),
                passed: true,
                summary: "{}".to_string(),
            })
            .await?;
    }
    Ok(())
}

fn is_not_found<T: std::fmt::Debug>(result: &Result<T, StoreError>) -> bool {
    matches!(result, Err(StoreError::NotFound { what: "deal", key }) if key == "G-1")
}

store_test!(
    a_client_scope_returns_only_that_clients_rows,
    |store| async move {
        two_clients(&store).await?;
        let acme = ClientScope::client("Acme");

        let deals = store.list_deals(&Default::default(), &acme).await?;
        assert_eq!(
            deals.iter().map(|d| d.id.to_string()).collect::<Vec<_>>(),
            ["A-1", "A-2"]
        );
        let quotes = store.quotes(None, &acme).await?;
        assert_eq!(
            quotes
                .iter()
                .map(|q| q.deal_id.to_string())
                .collect::<Vec<_>>(),
            ["A-1", "A-2"]
        );
        let sows = store.sows(None, &acme).await?;
        assert_eq!(
            sows.iter()
                .map(|s| s.deal_id.to_string())
                .collect::<Vec<_>>(),
            ["A-1", "A-2"]
        );
        let ready = store.ready_to_invoice(None, &acme).await?;
        assert_eq!(
            ready
                .iter()
                .map(|r| r.deal_id.to_string())
                .collect::<Vec<_>>(),
            ["A-1", "A-2"]
        );

        // The client's own deal reads as it does unscoped.
        let a1 = deal_id("A-1");
        assert!(store.get_deal(&a1, &acme).await?.is_some());
        assert_eq!(
            store.quotes(Some(&a1), &acme).await?,
            store.quotes(Some(&a1), &ClientScope::All).await?
        );
        assert_eq!(store.sow_signatures(&a1, 1, &acme).await?.len(), 1);
        assert_eq!(store.acceptances(&a1, &acme).await?.len(), 1);
        assert_eq!(store.gate_runs(&a1, None, &acme).await?.len(), 1);
        assert_eq!(store.ready_to_invoice(Some(&a1), &acme).await?.len(), 1);

        // Another client's deal is as unknown as a deal that does not exist.
        let g1 = deal_id("G-1");
        assert_eq!(store.get_deal(&g1, &acme).await?, None);
        assert!(is_not_found(&store.quotes(Some(&g1), &acme).await));
        assert!(is_not_found(&store.sows(Some(&g1), &acme).await));
        assert!(is_not_found(&store.sow_signatures(&g1, 1, &acme).await));
        assert!(is_not_found(&store.acceptances(&g1, &acme).await));
        assert!(is_not_found(&store.gate_runs(&g1, None, &acme).await));
        assert!(is_not_found(
            &store.ready_to_invoice(Some(&g1), &acme).await
        ));

        // A client that does not exist reaches nothing.
        let nobody = ClientScope::client("Nobody");
        assert!(
            store
                .list_deals(&Default::default(), &nobody)
                .await?
                .is_empty()
        );
        assert!(store.quotes(None, &nobody).await?.is_empty());
        assert!(store.sows(None, &nobody).await?.is_empty());
        assert!(store.ready_to_invoice(None, &nobody).await?.is_empty());
        assert!(store.get_deal(&a1, &nobody).await?.is_none());
        TestResult::Ok(())
    }
);

store_test!(the_unscoped_reads_return_every_client, |store| async move {
    two_clients(&store).await?;
    let all = ClientScope::All;
    let every = ["A-1", "A-2", "G-1"];
    let deals = store.list_deals(&Default::default(), &all).await?;
    assert_eq!(
        deals.iter().map(|d| d.id.to_string()).collect::<Vec<_>>(),
        every
    );
    let quotes = store.quotes(None, &all).await?;
    assert_eq!(
        quotes
            .iter()
            .map(|q| q.deal_id.to_string())
            .collect::<Vec<_>>(),
        every
    );
    let sows = store.sows(None, &all).await?;
    assert_eq!(
        sows.iter()
            .map(|s| s.deal_id.to_string())
            .collect::<Vec<_>>(),
        every
    );
    let ready = store.ready_to_invoice(None, &all).await?;
    assert_eq!(
        ready
            .iter()
            .map(|r| r.deal_id.to_string())
            .collect::<Vec<_>>(),
        every
    );
    let g1 = deal_id("G-1");
    assert!(store.get_deal(&g1, &all).await?.is_some());
    assert_eq!(store.sow_signatures(&g1, 1, &all).await?.len(), 1);
    assert_eq!(store.acceptances(&g1, &all).await?.len(), 1);
    assert_eq!(store.gate_runs(&g1, None, &all).await?.len(), 1);
    // And the Globex scope sees Globex's deal and nothing of Acme's.
    let globex = ClientScope::client("Globex");
    let deals = store.list_deals(&Default::default(), &globex).await?;
    assert_eq!(
        deals.iter().map(|d| d.id.to_string()).collect::<Vec<_>>(),
        ["G-1"]
    );
    assert!(store.get_deal(&deal_id("A-1"), &globex).await?.is_none());
    TestResult::Ok(())
});
