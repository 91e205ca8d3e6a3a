use std::collections::BTreeMap;

use gigops_contract::*;
use jiff::Timestamp;

use crate::{fixture, valid};

fn gate(name: &str) -> GateEvidence {
    let text = fixture(&format!("gate/{name}"));
    GateEvidence {
        name: format!("gate/{name}"),
        sha256: sha256_hex(text.as_bytes()),
        summary: serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}")),
    }
}

fn slo(service_level: &str, from: &str, to: &str, measured: f64, met: bool) -> SloEvidence {
    let state = SloState {
        schema: SLO_STATE_SCHEMA.to_string(),
        service_level: service_level.to_string(),
        from: from.parse().unwrap(),
        to: to.parse().unwrap(),
        measured_percent: measured,
        target_percent: 99.0,
        met,
    };
    let json = serde_json::to_string(&state).unwrap();
    SloEvidence {
        name: format!("{service_level}.json"),
        sha256: sha256_hex(json.as_bytes()),
        state,
    }
}

fn now() -> Timestamp {
    "2027-01-29T12:30:00Z".parse().unwrap()
}

fn item<'a>(record: &'a AcceptanceRecord, id: &str) -> &'a ItemResult {
    record.items.iter().find(|i| i.id == id).unwrap()
}

fn summary(
    record: &AcceptanceRecord,
) -> Vec<(String, ItemOutcome, Option<String>, Option<String>)> {
    record
        .items
        .iter()
        .map(|i| {
            (
                i.id.clone(),
                i.outcome,
                i.measured.clone(),
                i.required.clone(),
            )
        })
        .collect()
}

#[test]
fn a_failing_gate_fails_its_items_and_says_what_was_measured() {
    let sow = valid();
    let evidence = Evidence {
        gates: vec![gate("failing.json")],
        ..Evidence::default()
    };
    let m1 = evaluate(&sow, "M1", &evidence, now()).unwrap();
    use ItemOutcome::*;
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        summary(&m1),
        [
            (
                "tests".into(),
                Failed,
                s("3 failed, 1 errored"),
                s("0 failed")
            ),
            (
                "coverage".into(),
                Failed,
                s("coverage 72.4 % (statements)"),
                s("coverage ≥ 80 %")
            ),
            (
                "latency".into(),
                Pending,
                s("no SLO state of api-latency"),
                s("api-latency ≥ 99 % over the last 7d")
            ),
            ("demo".into(), Pending, None, s("ticked by a person")),
            ("e2e".into(), Pending, s("not run"), s("exit 0")),
        ]
    );
    assert!(!m1.accepted);
    // Each sentence also as its key and values, for a checklist in another language.
    let coverage = item(&m1, "coverage").measured_message.clone().unwrap();
    assert_eq!(coverage.key, "coverage_statements");
    assert_eq!(coverage.args["percent"], "72.4");
    for i in &m1.items {
        let english = i
            .measured_message
            .as_ref()
            .map(|m| m.english_in(MEASURED_ENGLISH));
        assert_eq!(english, i.measured, "{}", i.id);
    }
    assert_eq!(
        item(&m1, "tests").evidence.as_deref(),
        Some("gate/failing.json")
    );
    assert_eq!(m1.evidence.len(), 1);
    assert_eq!(m1.evidence[0].sha256.len(), 64);

    let m2 = evaluate(&sow, "M2", &evidence, now()).unwrap();
    assert_eq!(
        summary(&m2)[..4],
        [
            (
                "gate".into(),
                Failed,
                s("gate failed: tests.failed, coverage.total"),
                s("gate passed")
            ),
            (
                "debt".into(),
                Failed,
                s("debt rating C"),
                s("rating B or better")
            ),
            (
                "bench".into(),
                Failed,
                s("benchmark regression: 1 of 6 metrics, worst +12.3 %"),
                s("no benchmark regression")
            ),
            (
                "lint".into(),
                Failed,
                s("2 error findings"),
                s("0 error findings")
            ),
        ]
    );
}

#[test]
fn the_latest_gate_summary_decides_and_everything_passing_accepts() {
    let sow = valid();
    let mut ticks = BTreeMap::new();
    ticks.insert(
        "demo".to_string(),
        Tick {
            by: "John Roe".into(),
            at: "2027-01-29T10:00:00Z".parse().unwrap(),
            note: Some("Looks good".into()),
        },
    );
    let evidence = Evidence {
        // Given newest first: the later generated_at decides, not the order.
        gates: vec![gate("passing.json"), gate("failing.json")],
        slos: vec![slo(
            "api-latency",
            "2027-01-20T00:00:00Z",
            "2027-01-29T12:00:00Z",
            99.6,
            true,
        )],
        commands: vec![CommandResult {
            argv: vec!["make".into(), "e2e".into()],
            exit_code: Some(0),
        }],
        ticks,
        ..Evidence::default()
    };
    let m1 = evaluate(&sow, "M1", &evidence, now()).unwrap();
    assert!(
        m1.items.iter().all(|i| i.outcome == ItemOutcome::Passed),
        "{:#?}",
        m1.items
    );
    assert!(m1.accepted);
    assert_eq!(
        item(&m1, "coverage").evidence.as_deref(),
        Some("gate/passing.json")
    );
    assert_eq!(
        item(&m1, "coverage").measured.as_deref(),
        Some("coverage 86.1 % (statements)")
    );
    assert_eq!(item(&m1, "demo").ticked.as_ref().unwrap().by, "John Roe");
    assert_eq!(m1.evidence.len(), 3);
    assert_eq!(m1.amount_minor, 400_000);
    let json = serde_json::to_value(&m1).unwrap();
    assert_eq!(json["schema"], ACCEPTANCE_SCHEMA);
    assert_eq!(json["items"][0]["outcome"], "passed");
}

#[test]
fn missing_kinds_of_evidence_leave_items_pending() {
    let sow = valid();
    let evidence = Evidence {
        gates: vec![gate("tests-only.json")],
        commands: vec![CommandResult {
            argv: vec!["./smoke".into(), "--expect-fail".into()],
            exit_code: Some(1),
        }],
        ..Evidence::default()
    };
    let m1 = evaluate(&sow, "M1", &evidence, now()).unwrap();
    assert_eq!(item(&m1, "tests").outcome, ItemOutcome::Passed);
    assert_eq!(item(&m1, "coverage").outcome, ItemOutcome::Pending);
    assert_eq!(
        item(&m1, "coverage").measured.as_deref(),
        Some("no coverage in the gate summary")
    );
    let m2 = evaluate(&sow, "M2", &evidence, now()).unwrap();
    assert_eq!(item(&m2, "debt").outcome, ItemOutcome::Pending);
    assert_eq!(item(&m2, "bench").outcome, ItemOutcome::Pending);
    assert_eq!(item(&m2, "smoke").outcome, ItemOutcome::Failed);
    assert_eq!(item(&m2, "smoke").measured.as_deref(), Some("exit 1"));
    assert_eq!(item(&m2, "smoke").required.as_deref(), Some("exit 3"));

    let none = evaluate(&sow, "M1", &Evidence::default(), now()).unwrap();
    assert!(none.items.iter().all(|i| i.outcome == ItemOutcome::Pending));
    assert!(!none.accepted);
}

#[test]
fn an_slo_state_must_cover_the_period_ending_now() {
    let sow = valid();
    let eval = |state: SloEvidence| {
        let evidence = Evidence {
            slos: vec![state],
            ..Evidence::default()
        };
        let record = evaluate(&sow, "M1", &evidence, now()).unwrap();
        item(&record, "latency").clone()
    };
    // Too short: only 3 days of the 7.
    let short = eval(slo(
        "api-latency",
        "2027-01-26T12:30:00Z",
        "2027-01-29T12:00:00Z",
        99.9,
        true,
    ));
    assert_eq!(short.outcome, ItemOutcome::Pending);
    assert!(short.measured.unwrap().contains("not the last 7d"));
    // Stale: ended two days ago.
    let stale = eval(slo(
        "api-latency",
        "2027-01-01T00:00:00Z",
        "2027-01-27T00:00:00Z",
        99.9,
        true,
    ));
    assert_eq!(stale.outcome, ItemOutcome::Pending);
    // Covers, not met.
    let missed = eval(slo(
        "api-latency",
        "2027-01-22T00:00:00Z",
        "2027-01-29T12:00:00Z",
        97.5,
        false,
    ));
    assert_eq!(missed.outcome, ItemOutcome::Failed);
    assert_eq!(
        missed.measured.as_deref(),
        Some("api-latency 97.5 % from 2027-01-22T00:00:00Z to 2027-01-29T12:00:00Z (not met)")
    );
    assert_eq!(missed.evidence.as_deref(), Some("api-latency.json"));
    // Another service level's state is no evidence.
    let other = eval(slo(
        "api-availability",
        "2027-01-01T00:00:00Z",
        "2027-01-29T12:30:00Z",
        99.99,
        true,
    ));
    assert_eq!(other.outcome, ItemOutcome::Pending);
}

#[test]
fn an_unknown_milestone_is_an_error_naming_the_known_ones() {
    let err = evaluate(&valid(), "M9", &Evidence::default(), now()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "SOW acme-billing-api has no milestone \"M9\": expected one of M1, M2"
    );
}

#[test]
fn slo_state_json_round_trips_with_its_schema_id() {
    let json = r#"{"schema":"gigops.slo-state/1","service_level":"api-latency","from":"2027-03-24T00:00:00Z","to":"2027-03-31T00:00:00Z","measured_percent":99.42,"target_percent":99.0,"met":true}"#;
    let state: SloState = serde_json::from_str(json).unwrap();
    assert_eq!(state.schema, SLO_STATE_SCHEMA);
    assert_eq!(serde_json::to_string(&state).unwrap(), json);
}

#[test]
fn ticks_stand_for_items_worded_the_same() {
    let mut sow = valid();
    let tick = Tick {
        by: "John Roe".into(),
        at: "2027-01-29T10:00:00Z".parse().unwrap(),
        note: None,
    };
    let evidence = Evidence {
        ticks: BTreeMap::from([("demo".to_string(), tick.clone())]),
        ..Evidence::default()
    };
    let first = evaluate(&sow, "M1", &evidence, now()).unwrap();
    let m1 = sow.milestones.iter().find(|m| m.id == "M1").unwrap();
    assert_eq!(
        standing_ticks(&first, m1),
        BTreeMap::from([("demo".to_string(), tick)])
    );
    // Not for another milestone, and not once the item says something else.
    let m2 = sow.milestones.iter().find(|m| m.id == "M2").unwrap();
    assert!(standing_ticks(&first, m2).is_empty());
    let m1 = sow.milestones.iter_mut().find(|m| m.id == "M1").unwrap();
    let demo = m1.acceptance.iter_mut().find(|i| i.id == "demo").unwrap();
    demo.text.push_str(", on the client's own hardware");
    assert!(standing_ticks(&first, m1).is_empty());
}

/// The passing fixture as a run of `repository` (its commit 5d6e7f8, 2027-01-29 09:00), with the
/// given selection.
fn run_of(repository: &str, selection: Option<(bool, &[&str])>) -> GateEvidence {
    let mut g = gate("passing.json");
    g.summary.project.repository = Some(repository.into());
    g.summary.selection = selection.map(|(complete, filters)| gigops_gate::summary::Selection {
        complete,
        filters: filters.iter().map(|f| f.to_string()).collect(),
    });
    g
}

fn known(at: &str, repository: Option<&str>, passed: bool) -> KnownRun {
    KnownRun {
        what: format!("gate run recorded {at}"),
        generated_at: at.parse().ok(),
        repository: repository.map(str::to_string),
        commit: Some("9f8e7d6".into()),
        passed,
    }
}

#[test]
fn the_record_names_the_run_it_judged() {
    let evidence = Evidence {
        gates: vec![run_of(
            "https://git.example/acme/shop.git",
            Some((true, &[])),
        )],
        ..Evidence::default()
    };
    let m1 = evaluate(&valid(), "M1", &evidence, now()).unwrap();
    let judged = m1.judged.as_ref().unwrap();
    assert_eq!(
        judged.repository.as_deref(),
        Some("https://git.example/acme/shop.git")
    );
    assert_eq!(judged.commit.as_deref(), Some("5d6e7f8"));
    assert_eq!((judged.complete, judged.passed), (Some(true), true));
    assert_eq!(
        m1.counts,
        OutcomeCounts {
            passed: 2,
            failed: 0,
            pending: 3
        }
    );
    assert!(
        evaluate(&valid(), "M1", &Evidence::default(), now())
            .unwrap()
            .judged
            .is_none()
    );
}

#[test]
fn a_partial_run_is_no_evidence_for_the_whole_suite() {
    let partial = Evidence {
        gates: vec![run_of("r", Some((false, &["-run", "TestPay"])))],
        ..Evidence::default()
    };
    let m1 = evaluate(&valid(), "M1", &partial, now()).unwrap();
    for id in ["tests", "coverage"] {
        assert_eq!(item(&m1, id).outcome, ItemOutcome::Pending, "{id}");
        assert_eq!(
            item(&m1, id).measured.as_deref(),
            Some("a partial run (-run TestPay) is no evidence for the whole suite")
        );
    }
    // The gate's verdict is about the whole suite too; debt and benchmarks are not.
    let m2 = evaluate(&valid(), "M2", &partial, now()).unwrap();
    assert_eq!(item(&m2, "gate").outcome, ItemOutcome::Pending);
    assert_ne!(
        item(&m2, "debt").measured.as_deref(),
        item(&m2, "gate").measured.as_deref()
    );
    // A summary that does not say what it selected is taken as it is.
    let unknown = Evidence {
        gates: vec![run_of("r", None)],
        ..Evidence::default()
    };
    let m1 = evaluate(&valid(), "M1", &unknown, now()).unwrap();
    assert_eq!(item(&m1, "tests").outcome, ItemOutcome::Passed);
    assert_eq!(m1.judged.unwrap().complete, None);
}

#[test]
fn a_later_failing_run_of_the_same_repository_refuses_older_evidence() {
    let repo = "https://git.example/acme/shop.git";
    let with_known = |known_runs| Evidence {
        gates: vec![run_of(repo, Some((true, &[])))],
        known_runs,
        ..Evidence::default()
    };
    // The passing summary is of 09:00; a failing run at 11:00 refuses it.
    let m1 = evaluate(
        &valid(),
        "M1",
        &with_known(vec![known("2027-01-29T11:00:00Z", Some(repo), false)]),
        now(),
    )
    .unwrap();
    for id in ["tests", "coverage"] {
        assert_eq!(item(&m1, id).outcome, ItemOutcome::Failed, "{id}");
        assert_eq!(
            item(&m1, id).measured.as_deref(),
            Some(
                "refused: a later run failed (gate run recorded 2027-01-29T11:00:00Z, 2027-01-29T11:00:00Z, commit 9f8e7d6)"
            )
        );
    }
    assert!(!m1.accepted);
    // Not refused by: an earlier failure, a later success, another repository's failure.
    for runs in [
        vec![known("2027-01-29T08:00:00Z", Some(repo), false)],
        vec![known("2027-01-29T11:00:00Z", Some(repo), true)],
        vec![known(
            "2027-01-29T11:00:00Z",
            Some("https://git.example/other.git"),
            false,
        )],
    ] {
        let m1 = evaluate(&valid(), "M1", &with_known(runs.clone()), now()).unwrap();
        assert_eq!(item(&m1, "tests").outcome, ItemOutcome::Passed, "{runs:?}");
    }
    // A failure whose repository or time is unknown counts: evidence must be shown current.
    for runs in [
        vec![known("2027-01-29T11:00:00Z", None, false)],
        vec![known("not a time", Some(repo), false)],
    ] {
        let m1 = evaluate(&valid(), "M1", &with_known(runs.clone()), now()).unwrap();
        assert_eq!(item(&m1, "tests").outcome, ItemOutcome::Failed, "{runs:?}");
    }
}

#[test]
fn commands_not_allowed_stay_pending_and_say_how_to_allow_them() {
    let evidence = Evidence {
        commands_not_run: Some(CommandsNotRun::NotAllowed {
            sow_sha256: "ab".repeat(32),
        }),
        ..Evidence::default()
    };
    let m1 = evaluate(&valid(), "M1", &evidence, now()).unwrap();
    let e2e = item(&m1, "e2e");
    assert_eq!(e2e.outcome, ItemOutcome::Pending);
    let said = e2e.measured.as_deref().unwrap();
    assert!(
        said.contains("--allow-commands") && said.contains(&"ab".repeat(32)),
        "{said}"
    );
    let skipped = Evidence {
        commands_not_run: Some(CommandsNotRun::Skipped),
        ..Evidence::default()
    };
    let m1 = evaluate(&valid(), "M1", &skipped, now()).unwrap();
    assert_eq!(item(&m1, "e2e").measured.as_deref(), Some("not run"));
}

#[test]
fn all_tests_pass_is_not_met_when_no_test_ran() {
    let sow = valid();
    for (skipped, said) in [
        (0, "no test ran (0 skipped)"),
        (4, "no test ran (4 skipped)"),
    ] {
        let mut evidence = gate("passing.json");
        let tests = evidence
            .summary
            .tests
            .as_mut()
            .expect("the fixture has tests");
        (tests.total, tests.passed, tests.failed, tests.errors) = (skipped, 0, 0, 0);
        tests.skipped = skipped;
        let evidence = Evidence {
            gates: vec![evidence],
            ..Evidence::default()
        };
        let m1 = evaluate(&sow, "M1", &evidence, now()).unwrap();
        let tests = item(&m1, "tests");
        assert_eq!(tests.outcome, ItemOutcome::Failed, "{tests:?}");
        assert_eq!(tests.measured.as_deref(), Some(said));
    }
}

#[test]
fn gate_evidence_of_another_repository_than_the_sows_is_refused() {
    let mut sow = valid();
    let evidence = |repository: Option<&str>| {
        let mut gate = gate("passing.json");
        gate.summary.project.repository = repository.map(str::to_string);
        Evidence {
            gates: vec![gate],
            ..Evidence::default()
        }
    };
    // A SOW that names no repository takes a summary of any.
    let m1 = evaluate(
        &sow,
        "M1",
        &evidence(Some("https://github.com/else/where")),
        now(),
    )
    .unwrap();
    assert_eq!(item(&m1, "tests").outcome, ItemOutcome::Passed);

    sow.repository = Some("https://github.com/Yunzhan/order-api".into());
    for same in [
        "https://github.com/yunzhan/order-api",
        "https://github.com/yunzhan/order-api.git",
        "git@github.com:yunzhan/order-api.git",
        "ssh://git@github.com/yunzhan/order-api/",
    ] {
        let m1 = evaluate(&sow, "M1", &evidence(Some(same)), now()).unwrap();
        assert_eq!(item(&m1, "tests").outcome, ItemOutcome::Passed, "{same}");
    }
    for (other, found) in [
        (
            Some("https://github.com/yunzhan/order-api-fork"),
            "https://github.com/yunzhan/order-api-fork",
        ),
        (
            Some("https://gitlab.com/yunzhan/order-api"),
            "https://gitlab.com/yunzhan/order-api",
        ),
        (None, "an unnamed repository"),
    ] {
        let m1 = evaluate(&sow, "M1", &evidence(other), now()).unwrap();
        for id in ["tests", "coverage"] {
            let refused = item(&m1, id);
            assert_eq!(refused.outcome, ItemOutcome::Pending, "{other:?} {id}");
            assert_eq!(
                refused.measured.as_deref(),
                Some(
                    format!(
                        "refused: the evidence is of {found}, not of the SOW's repository https://github.com/Yunzhan/order-api"
                    )
                    .as_str()
                )
            );
        }
        assert!(!m1.accepted);
    }
}

#[test]
fn repository_names_compare_as_the_same_repository() {
    assert!(same_repository(
        "git@github.com:Acme/API.git",
        "https://github.com/acme/api"
    ));
    assert!(same_repository(
        "https://token@example.com/a/b/",
        "https://example.com/a/b"
    ));
    assert!(!same_repository(
        "https://example.com/a/b",
        "https://example.com/a/c"
    ));
}
