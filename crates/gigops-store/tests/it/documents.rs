//! Stored documents read back as the caller's types, and a document that does not read is one
//! error naming which record it is.

use gigops_core::Currency;
use gigops_store::{
    ClientScope, ContractStore, GateRun, GateRunStore, LedgerStore, NewAcceptance, NewSow,
    QuoteStore, SowMilestone, StoreError,
};
use gigops_test_support::fixtures::{at, deal_id, open_deal};
use gigops_test_support::{TestResult, store_test};
use jiff::civil::date;
use serde::Deserialize;

#[derive(Debug, Deserialize, PartialEq)]
struct Figures {
    schema: String,
    hours: f64,
}

fn is_decode<T: std::fmt::Debug>(
    result: &Result<T, StoreError>,
    expected_what: &str,
    expected_key: &str,
) -> bool {
    matches!(result, Err(StoreError::Decode { what, key, .. })
        if *what == expected_what && key == expected_key)
}

store_test!(
    stored_documents_decode_as_the_callers_types,
    |store| async move {
        let id = deal_id("D-1");
        store.add_deal(&open_deal("D-1", "Acme")).await?;
        let created = at("2026-11-01T09:00:00Z");
        store
            .save_quote(
                &id,
                created,
                r#"{"schema": "gigops.quote/1", "hours": 12.5}"#,
            )
            .await?;
        store.save_quote(&id, created, "{\"schema\": 1}").await?;
        let quotes = store.quotes(Some(&id), &ClientScope::All).await?;
        assert_eq!(
            quotes[0].document::<Figures>()?,
            Figures {
                schema: "gigops.quote/1".to_string(),
                hours: 12.5
            }
        );
        // Untyped, every field is kept.
        let value: serde_json::Value = quotes[0].document()?;
        assert_eq!(value["hours"], 12.5);
        // A document that does not read as the type asked for names its deal and version.
        let wrong = quotes[1].document::<Figures>();
        assert!(is_decode(&wrong, "quote", "D-1 v2"), "{wrong:?}");
        let message = wrong.unwrap_err().to_string();
        assert!(
            message.starts_with("the stored quote D-1 v2 does not read: "),
            "{message}"
        );

        let sow = NewSow {
            sow_id: "acme".to_string(),
            created_at: created,
            currency: Currency::USD,
            source: "id: acme\n".to_string(),
            source_sha256: "a".repeat(64),
            sow_json: r#"{"schema": "gigops.sow/1", "hours": 3}"#.to_string(),
            milestones: vec![SowMilestone {
                id: "M1".to_string(),
                title: "Design".to_string(),
                due: date(2027, 1, 31),
                amount_minor: 100,
            }],
        };
        store.attach_sow(&id, &sow).await?;
        let sows = store.sows(Some(&id), &ClientScope::All).await?;
        assert_eq!(sows[0].document::<Figures>()?.hours, 3.0);
        assert!(is_decode(&sows[0].document::<Vec<u8>>(), "SOW", "D-1 v1"));

        store
            .record_acceptance(
                &id,
                1,
                &NewAcceptance {
                    milestone: "M1".to_string(),
                    evaluated_at: at("2026-11-02T09:00:00Z"),
                    accepted: true,
                    record_json: r#"{"schema": "gigops.acceptance/1", "hours": 1}"#.to_string(),
                    evidence_json: "not JSON".to_string(),
                },
            )
            .await?;
        let acceptances = store.acceptances(&id, &ClientScope::All).await?;
        assert_eq!(acceptances[0].record::<Figures>()?.hours, 1.0);
        assert!(is_decode(
            &acceptances[0].evidence::<serde_json::Value>(),
            "acceptance evidence",
            "of milestone M1 of SOW D-1 v1 evaluated at 2026-11-02T09:00:00Z"
        ));

        store
            .record_gate_run(&GateRun {
                deal_id: id.clone(),
                milestone: Some("M1".to_string()),
                recorded_at: at("2026-11-03T09:00:00Z"),
                passed: true,
                summary: r#"{"schema": "gigops.gate/1", "hours": 2}"#.to_string(),
            })
            .await?;
        let runs = store.gate_runs(&id, None, &ClientScope::All).await?;
        assert_eq!(runs[0].document::<Figures>()?.hours, 2.0);
        assert!(is_decode(
            &runs[0].document::<Vec<u8>>(),
            "gate summary",
            "of D-1 (M1) recorded at 2026-11-03T09:00:00Z"
        ));
        TestResult::Ok(())
    }
);
