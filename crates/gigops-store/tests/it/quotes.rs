//! Quotes saved with their deal: versions, acceptance, on both backends.

use gigops_store::{ClientScope, LedgerStore, QuoteStore, StoreError, StoredQuote};
use gigops_test_support::fixtures::{at, deal_id, open_deal};
use gigops_test_support::{TestResult, store_test};

store_test!(
    quotes_are_versioned_per_deal_and_one_is_accepted,
    |store| async move {
        store.add_deal(&open_deal("D-1", "Acme")).await?;
        store.add_deal(&open_deal("D-2", "Acme")).await?;
        // Kept byte for byte, whatever is inside: the schema is the quote's.
        let json =
            |n: u32| format!("{{\"schema\": \"gigops.quote/1\", \"n\": {n}, \"名\": \"报价\"}}");
        let first = at("2026-11-01T09:00:00Z");
        let second = at("2026-11-02T09:00:00.000001Z");
        assert_eq!(store.save_quote(&deal_id("D-1"), first, &json(1)).await?, 1);
        assert_eq!(store.save_quote(&deal_id("D-2"), first, &json(9)).await?, 1);
        assert_eq!(
            store.save_quote(&deal_id("D-1"), second, &json(2)).await?,
            2
        );
        let stored = |deal: &str, version, created_at, accepted_at, n| StoredQuote {
            deal_id: deal_id(deal),
            version,
            created_at,
            accepted_at,
            quote: json(n),
        };
        assert_eq!(
            store
                .quotes(Some(&deal_id("D-1")), &ClientScope::All)
                .await?,
            vec![
                stored("D-1", 1, first, None, 1),
                stored("D-1", 2, second, None, 2)
            ]
        );

        // Accepting one version un-accepts any other of the same deal, and no other deal's.
        let accepted = at("2026-11-03T12:00:00Z");
        store.accept_quote(&deal_id("D-2"), 1, accepted).await?;
        store.accept_quote(&deal_id("D-1"), 1, accepted).await?;
        store.accept_quote(&deal_id("D-1"), 2, accepted).await?;
        assert_eq!(
            store.quotes(None, &ClientScope::All).await?,
            vec![
                stored("D-1", 1, first, None, 1),
                stored("D-1", 2, second, Some(accepted), 2),
                stored("D-2", 1, first, Some(accepted), 9),
            ]
        );

        // What does not exist is named.
        let missing = store.accept_quote(&deal_id("D-1"), 3, accepted).await;
        assert!(
            matches!(&missing, Err(StoreError::NotFound { key, .. }) if key == "D-1 v3"),
            "{missing:?}"
        );
        let missing = store.save_quote(&deal_id("D-9"), first, "{}").await;
        assert!(
            matches!(&missing, Err(StoreError::NotFound { key, .. }) if key == "D-9"),
            "{missing:?}"
        );
        assert!(matches!(
            store.quotes(Some(&deal_id("D-9")), &ClientScope::All).await,
            Err(StoreError::NotFound { .. })
        ));
        // Nothing finer than a microsecond is stored silently rounded.
        let too_fine: jiff::Timestamp = "2026-11-04T00:00:00.0000001Z".parse().unwrap();
        assert!(matches!(
            store.save_quote(&deal_id("D-1"), too_fine, "{}").await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(
            store
                .quotes(Some(&deal_id("D-1")), &ClientScope::All)
                .await?
                .len(),
            2
        );
        TestResult::Ok(())
    }
);
