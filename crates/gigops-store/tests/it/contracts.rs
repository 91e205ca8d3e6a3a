//! Statements of work stored with their deal: versions, sign-offs, acceptance history and what
//! is ready to invoice, on both backends.

use gigops_core::{Currency, Lang, Outcome, Signature};
use gigops_store::{
    ClientScope, ContractStore, LedgerStore, NewAcceptance, NewSow, ReadyMilestone, SowMilestone,
    StoreError, StoredAcceptance, StoredMilestone,
};
use gigops_test_support::fixtures::{at, deal_id, open_deal};
use gigops_test_support::{TestResult, store_test};
use jiff::civil::date;

fn sha(c: char) -> String {
    c.to_string().repeat(64)
}

fn milestone(id: &str, title: &str, amount_minor: i64) -> SowMilestone {
    SowMilestone {
        id: id.to_string(),
        title: title.to_string(),
        due: date(2027, 3, 31),
        amount_minor,
    }
}

/// A SOW whose source digest is `sha(digest)`, with the given milestones.
fn sow(digest: char, milestones: Vec<SowMilestone>) -> NewSow {
    NewSow {
        sow_id: "acme-billing-api".to_string(),
        created_at: at("2026-12-01T09:00:00.000001Z"),
        currency: Currency::USD,
        source: format!("id: acme-billing-api\ntitle: 计费 API  # {digest}\n"),
        source_sha256: sha(digest),
        sow_json: format!(
            "{{\"schema\": \"gigops.sow/1\", \"v\": \"{digest}\", \"名\": \"合同\"}}"
        ),
        milestones,
    }
}

fn evaluation(milestone: &str, evaluated_at: &str, accepted: bool) -> NewAcceptance {
    NewAcceptance {
        milestone: milestone.to_string(),
        evaluated_at: at(evaluated_at),
        accepted,
        record_json: format!(
            "{{\"schema\": \"gigops.acceptance/1\", \"milestone\": \"{milestone}\", \"accepted\": {accepted}}}"
        ),
        evidence_json: format!(
            "[{{\"name\": \"gate.json\", \"sha256\": \"{}\"}}]",
            sha('e')
        ),
    }
}

fn signature(signer: &str, role: &str, source: char) -> Signature {
    Signature {
        signer: signer.to_string(),
        role: role.to_string(),
        signed_at: at("2026-12-02T10:00:00Z"),
        source_sha256: sha(source),
        document_sha256: sha('d'),
        lang: Lang::ZhCn,
        ssh_signature: None,
    }
}

fn is_not_found(result: &Result<impl std::fmt::Debug, StoreError>, expected: &str) -> bool {
    matches!(result, Err(StoreError::NotFound { key, .. }) if key == expected)
}

store_test!(
    sows_are_versioned_per_deal_and_kept_whole,
    |store| async move {
        store.add_deal(&open_deal("D-1", "Acme")).await?;
        store.add_deal(&open_deal("D-2", "Acme")).await?;
        let first = sow(
            'a',
            vec![
                milestone("M1", "Design", 100_000),
                milestone("A0", "API", 150_000),
            ],
        );
        let second = sow('b', vec![milestone("M1", "Design and review", 100_000)]);
        assert_eq!(store.attach_sow(&deal_id("D-1"), &first).await?, 1);
        assert_eq!(store.attach_sow(&deal_id("D-2"), &first).await?, 1);
        assert_eq!(store.attach_sow(&deal_id("D-1"), &second).await?, 2);

        let stored = store.sows(Some(&deal_id("D-1")), &ClientScope::All).await?;
        assert_eq!(stored.len(), 2);
        assert_eq!((stored[0].version, stored[1].version), (1, 2));
        let v1 = &stored[0];
        assert_eq!(v1.deal_id, deal_id("D-1"));
        assert_eq!(v1.sow_id, first.sow_id);
        assert_eq!(v1.created_at, first.created_at);
        assert_eq!(v1.currency, Currency::USD);
        // The documents come back byte for byte.
        assert_eq!(v1.source, first.source);
        assert_eq!(v1.source_sha256, first.source_sha256);
        assert_eq!(v1.sow_json, first.sow_json);
        // Milestones in the SOW's order, not sorted by id.
        assert_eq!(
            v1.milestones,
            vec![
                StoredMilestone {
                    id: "M1".to_string(),
                    title: "Design".to_string(),
                    due: date(2027, 3, 31),
                    amount_minor: 100_000,
                    invoiced_at: None,
                },
                StoredMilestone {
                    id: "A0".to_string(),
                    title: "API".to_string(),
                    due: date(2027, 3, 31),
                    amount_minor: 150_000,
                    invoiced_at: None,
                },
            ]
        );
        assert_eq!(stored[1].milestones.len(), 1);

        let all = store.sows(None, &ClientScope::All).await?;
        let keys: Vec<(String, u32)> = all
            .iter()
            .map(|s| (s.deal_id.to_string(), s.version))
            .collect();
        assert_eq!(
            keys,
            [("D-1", 1), ("D-1", 2), ("D-2", 1)].map(|(d, v)| (d.to_string(), v))
        );
        // Another process reads the same.
        assert_eq!(
            store.reopen().await?.sows(None, &ClientScope::All).await?,
            all
        );

        // What does not exist is named; bad input stores nothing.
        assert!(is_not_found(
            &store.attach_sow(&deal_id("D-9"), &first).await,
            "D-9"
        ));
        assert!(is_not_found(
            &store.sows(Some(&deal_id("D-9")), &ClientScope::All).await,
            "D-9"
        ));
        let twice = sow('c', vec![milestone("M1", "a", 1), milestone("M1", "b", 2)]);
        let refused = store.attach_sow(&deal_id("D-1"), &twice).await;
        assert!(
            matches!(&refused, Err(StoreError::Invalid(m)) if m.contains("milestone M1 is listed twice")),
            "{refused:?}"
        );
        let mut bad_digest = sow('c', vec![]);
        bad_digest.source_sha256 = "ABC".to_string();
        assert!(matches!(
            store.attach_sow(&deal_id("D-1"), &bad_digest).await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(
            store
                .sows(Some(&deal_id("D-1")), &ClientScope::All)
                .await?
                .len(),
            2
        );
        TestResult::Ok(())
    }
);

store_test!(a_signer_signs_only_the_stored_source, |store| async move {
    store.add_deal(&open_deal("D-1", "Acme")).await?;
    let d1 = deal_id("D-1");
    store
        .attach_sow(&d1, &sow('a', vec![milestone("M1", "Design", 100)]))
        .await?;
    store
        .attach_sow(&d1, &sow('b', vec![milestone("M1", "Design", 100)]))
        .await?;

    let client = signature("李华", "client", 'a');
    store.sign_sow(&d1, 1, &client).await?;
    // An identical signature again changes nothing.
    store.sign_sow(&d1, 1, &client).await?;
    let mut provider = signature("Ada", "provider", 'a');
    provider.signed_at = at("2026-12-01T08:00:00Z");
    provider.lang = Lang::En;
    store.sign_sow(&d1, 1, &provider).await?;
    assert_eq!(
        store.sow_signatures(&d1, 1, &ClientScope::All).await?,
        vec![provider, client.clone()]
    );
    assert_eq!(
        store.sow_signatures(&d1, 2, &ClientScope::All).await?,
        vec![]
    );

    // Version 2's source is 'b': a signature of 'a' is refused, and says why.
    let refused = store.sign_sow(&d1, 2, &client).await;
    assert!(
        matches!(&refused, Err(StoreError::Invalid(m))
            if m.contains(&sha('a')) && m.contains(&sha('b')) && m.contains("only sign")),
        "{refused:?}"
    );
    assert_eq!(
        store.sow_signatures(&d1, 2, &ClientScope::All).await?,
        vec![]
    );

    // The same signer, role and instant with another document is a conflict.
    let mut other = client.clone();
    other.document_sha256 = sha('f');
    assert!(matches!(
        store.sign_sow(&d1, 1, &other).await,
        Err(StoreError::Conflict { .. })
    ));

    // A keyed signature keeps its SSH signature byte for byte; the same record with another
    // SSH signature is a conflict, not a second sign-off.
    let mut keyed = signature("Ada", "provider", 'b');
    keyed.ssh_signature =
        Some("-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n".to_string());
    store.sign_sow(&d1, 2, &keyed).await?;
    assert_eq!(
        store.sow_signatures(&d1, 2, &ClientScope::All).await?,
        vec![keyed.clone()]
    );
    let mut resigned = keyed.clone();
    resigned.ssh_signature = Some(keyed.ssh_signature.clone().unwrap().replace("U1", "X1"));
    assert!(matches!(
        store.sign_sow(&d1, 2, &resigned).await,
        Err(StoreError::Conflict { .. })
    ));

    assert!(is_not_found(
        &store.sign_sow(&d1, 3, &client).await,
        "D-1 v3"
    ));
    assert!(is_not_found(
        &store.sign_sow(&deal_id("D-9"), 1, &client).await,
        "D-9"
    ));
    assert!(is_not_found(
        &store.sow_signatures(&d1, 3, &ClientScope::All).await,
        "D-1 v3"
    ));
    TestResult::Ok(())
});

store_test!(acceptances_are_kept_as_history, |store| async move {
    store.add_deal(&open_deal("D-1", "Acme")).await?;
    let d1 = deal_id("D-1");
    store
        .attach_sow(
            &d1,
            &sow(
                'a',
                vec![
                    milestone("M1", "Design", 100),
                    milestone("M2", "Build", 200),
                ],
            ),
        )
        .await?;
    let failed = evaluation("M1", "2027-01-10T12:00:00Z", false);
    let passed = evaluation("M1", "2027-01-12T12:00:00.5Z", true);
    let m2 = evaluation("M2", "2027-01-11T12:00:00Z", true);
    // Recorded out of order; read back by evaluated_at.
    store.record_acceptance(&d1, 1, &passed).await?;
    store.record_acceptance(&d1, 1, &failed).await?;
    store.record_acceptance(&d1, 1, &m2).await?;
    let stored = |a: &NewAcceptance| StoredAcceptance {
        deal_id: d1.clone(),
        version: 1,
        milestone: a.milestone.clone(),
        evaluated_at: a.evaluated_at,
        accepted: a.accepted,
        record_json: a.record_json.clone(),
        evidence_json: a.evidence_json.clone(),
    };
    assert_eq!(
        store.acceptances(&d1, &ClientScope::All).await?,
        vec![stored(&failed), stored(&m2), stored(&passed)]
    );

    assert!(is_not_found(
        &store
            .record_acceptance(&d1, 1, &evaluation("M3", "2027-01-01T00:00:00Z", true))
            .await,
        "D-1 v1 M3"
    ));
    assert!(is_not_found(
        &store.record_acceptance(&d1, 2, &passed).await,
        "D-1 v2"
    ));
    assert!(is_not_found(
        &store.record_acceptance(&deal_id("D-9"), 1, &passed).await,
        "D-9"
    ));
    assert!(is_not_found(
        &store.acceptances(&deal_id("D-9"), &ClientScope::All).await,
        "D-9"
    ));
    assert_eq!(store.acceptances(&d1, &ClientScope::All).await?.len(), 3);
    TestResult::Ok(())
});

fn ready(
    deal: &str,
    version: u32,
    id: &str,
    title: &str,
    amount: i64,
    at_: &str,
    under: u32,
) -> ReadyMilestone {
    ReadyMilestone {
        deal_id: deal_id(deal),
        version,
        milestone: id.to_string(),
        title: title.to_string(),
        amount_minor: amount,
        currency: Currency::USD,
        accepted_at: at(at_),
        accepted_version: under,
    }
}

store_test!(
    ready_to_invoice_is_the_latest_verdict_on_the_latest_version,
    |store| async move {
        store.add_deal(&open_deal("D-1", "Acme")).await?;
        store.add_deal(&open_deal("D-2", "Acme")).await?;
        let (d1, d2) = (deal_id("D-1"), deal_id("D-2"));
        store
            .attach_sow(
                &d1,
                &sow(
                    'a',
                    vec![
                        milestone("M1", "Design", 100),
                        milestone("M2", "Build", 200),
                        milestone("M3", "Launch", 300),
                    ],
                ),
            )
            .await?;
        assert_eq!(
            store.ready_to_invoice(None, &ClientScope::All).await?,
            vec![]
        );

        // M1 accepted; M2 accepted and then failed a re-evaluation; M3 failed and then accepted.
        store
            .record_acceptance(&d1, 1, &evaluation("M1", "2027-01-01T00:00:00Z", true))
            .await?;
        store
            .record_acceptance(&d1, 1, &evaluation("M2", "2027-01-01T00:00:00Z", true))
            .await?;
        store
            .record_acceptance(&d1, 1, &evaluation("M2", "2027-01-02T00:00:00Z", false))
            .await?;
        store
            .record_acceptance(&d1, 1, &evaluation("M3", "2027-01-01T00:00:00Z", false))
            .await?;
        store
            .record_acceptance(&d1, 1, &evaluation("M3", "2027-01-03T00:00:00Z", true))
            .await?;
        assert_eq!(
            store.ready_to_invoice(Some(&d1), &ClientScope::All).await?,
            vec![
                ready("D-1", 1, "M1", "Design", 100, "2027-01-01T00:00:00Z", 1),
                ready("D-1", 1, "M3", "Launch", 300, "2027-01-03T00:00:00Z", 1),
            ]
        );

        // Version 2 retitles M1 (same amount: its acceptance stands), changes M3's amount (its
        // acceptance no longer applies), drops M2 and adds M4.
        store
            .attach_sow(
                &d1,
                &sow(
                    'b',
                    vec![
                        milestone("M1", "Design, reviewed", 100),
                        milestone("M3", "Launch", 350),
                        milestone("M4", "Support", 400),
                    ],
                ),
            )
            .await?;
        assert_eq!(
            store.ready_to_invoice(Some(&d1), &ClientScope::All).await?,
            vec![ready(
                "D-1",
                2,
                "M1",
                "Design, reviewed",
                100,
                "2027-01-01T00:00:00Z",
                1
            )]
        );
        // An evaluation under an older version still counts only where the money is unchanged.
        store
            .record_acceptance(&d1, 1, &evaluation("M3", "2027-01-04T00:00:00Z", true))
            .await?;
        store
            .record_acceptance(&d1, 2, &evaluation("M4", "2027-01-05T00:00:00Z", true))
            .await?;
        // A later failure under the new version overrides the older acceptance of M1.
        store
            .record_acceptance(&d1, 2, &evaluation("M1", "2027-01-06T00:00:00Z", false))
            .await?;
        assert_eq!(
            store.ready_to_invoice(Some(&d1), &ClientScope::All).await?,
            vec![ready(
                "D-1",
                2,
                "M4",
                "Support",
                400,
                "2027-01-05T00:00:00Z",
                2
            )]
        );
        store
            .record_acceptance(&d1, 2, &evaluation("M1", "2027-01-07T00:00:00Z", true))
            .await?;

        // Another deal's milestones are its own.
        store
            .attach_sow(&d2, &sow('a', vec![milestone("M1", "Design", 100)]))
            .await?;
        store
            .record_acceptance(&d2, 1, &evaluation("M1", "2027-02-01T00:00:00Z", true))
            .await?;
        let all = vec![
            ready(
                "D-1",
                2,
                "M1",
                "Design, reviewed",
                100,
                "2027-01-07T00:00:00Z",
                2,
            ),
            ready("D-1", 2, "M4", "Support", 400, "2027-01-05T00:00:00Z", 2),
            ready("D-2", 1, "M1", "Design", 100, "2027-02-01T00:00:00Z", 1),
        ];
        assert_eq!(store.ready_to_invoice(None, &ClientScope::All).await?, all);

        // Invoiced milestones are no longer ready, nor under a later version.
        let invoiced = at("2027-02-10T00:00:00Z");
        store
            .mark_milestone_invoiced(&d1, 2, "M4", invoiced)
            .await?;
        assert_eq!(
            store.ready_to_invoice(None, &ClientScope::All).await?,
            vec![all[0].clone(), all[2].clone()]
        );
        let v2 = store.sows(Some(&d1), &ClientScope::All).await?.remove(1);
        assert_eq!(v2.milestones[2].invoiced_at, Some(invoiced));
        assert!(matches!(
            store.mark_milestone_invoiced(&d1, 2, "M4", invoiced).await,
            Err(StoreError::Conflict { .. })
        ));
        store
            .attach_sow(
                &d1,
                &sow(
                    'c',
                    vec![
                        milestone("M1", "Design, reviewed", 100),
                        milestone("M4", "Support", 400),
                    ],
                ),
            )
            .await?;
        assert_eq!(
            store.ready_to_invoice(Some(&d1), &ClientScope::All).await?,
            vec![ready(
                "D-1",
                3,
                "M1",
                "Design, reviewed",
                100,
                "2027-01-07T00:00:00Z",
                2
            )]
        );
        assert!(matches!(
            store.mark_milestone_invoiced(&d1, 3, "M4", invoiced).await,
            Err(StoreError::Conflict { .. })
        ));
        assert!(is_not_found(
            &store.mark_milestone_invoiced(&d1, 3, "M9", invoiced).await,
            "D-1 v3 M9"
        ));
        assert!(is_not_found(
            &store.mark_milestone_invoiced(&d1, 4, "M1", invoiced).await,
            "D-1 v4"
        ));
        assert!(is_not_found(
            &store
                .ready_to_invoice(Some(&deal_id("D-9")), &ClientScope::All)
                .await,
            "D-9"
        ));
        TestResult::Ok(())
    }
);

store_test!(
    a_version_in_another_currency_cannot_replace_the_accepted_one,
    |store| async move {
        store.add_deal(&open_deal("D-1", "Acme")).await?;
        let d1 = deal_id("D-1");
        store
            .attach_sow(&d1, &sow('a', vec![milestone("M1", "Design", 100)]))
            .await?;
        store
            .record_acceptance(&d1, 1, &evaluation("M1", "2027-01-01T00:00:00Z", true))
            .await?;
        // The deal is in USD: a version in euros is refused, and the accepted milestone stays
        // ready in the deal's currency.
        let mut in_euros = sow('b', vec![milestone("M1", "Design", 100)]);
        in_euros.currency = Currency::EUR;
        let refused = store.attach_sow(&d1, &in_euros).await;
        assert!(
            matches!(&refused, Err(StoreError::Invalid(m)) if m.contains("is in EUR, the deal in USD")),
            "{refused:?}"
        );
        assert_eq!(
            store.sows(Some(&d1), &ClientScope::All).await?.len(),
            1,
            "nothing was stored"
        );
        assert_eq!(
            store.ready_to_invoice(None, &ClientScope::All).await?,
            vec![ready(
                "D-1",
                1,
                "M1",
                "Design",
                100,
                "2027-01-01T00:00:00Z",
                1
            )]
        );
        TestResult::Ok(())
    }
);

store_test!(
    a_lost_deals_milestones_are_never_ready_to_invoice,
    |store| async move {
        store.add_deal(&open_deal("D-1", "Acme")).await?;
        store.add_deal(&open_deal("D-2", "Acme")).await?;
        let (d1, d2) = (deal_id("D-1"), deal_id("D-2"));
        for d in [&d1, &d2] {
            store
                .attach_sow(d, &sow('a', vec![milestone("M1", "Design", 100)]))
                .await?;
            store
                .record_acceptance(d, 1, &evaluation("M1", "2027-01-01T00:00:00Z", true))
                .await?;
        }
        assert_eq!(
            store.ready_to_invoice(None, &ClientScope::All).await?.len(),
            2
        );

        // D-1 is lost after its milestone was accepted: nothing of it is billed, and the won
        // deal is not affected.
        store
            .close_deal(
                &d1,
                Outcome::Lost,
                at("2027-01-05T00:00:00Z"),
                Some("client cancelled".to_string()),
            )
            .await?;
        store
            .close_deal(&d2, Outcome::Won, at("2027-01-05T00:00:00Z"), None)
            .await?;
        assert_eq!(
            store.ready_to_invoice(Some(&d1), &ClientScope::All).await?,
            vec![]
        );
        assert_eq!(
            store.ready_to_invoice(None, &ClientScope::All).await?,
            vec![ready(
                "D-2",
                1,
                "M1",
                "Design",
                100,
                "2027-01-01T00:00:00Z",
                1
            )]
        );
        TestResult::Ok(())
    }
);
