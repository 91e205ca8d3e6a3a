//! Fuzzing the ledger parser: whatever the bytes, it returns a ledger or located problems, and
//! never panics. Runs in every test run (proptest), from arbitrary text and from mutations of a
//! valid file, so that the generated inputs stay close enough to the format to reach deep
//! branches.

use std::collections::HashSet;

use gigops_core::Stages;
use gigops_ledger_files::{Format, Source, Table, parse_import};
use proptest::prelude::*;

const VALID: [(Table, &str); 4] = [
    (
        Table::Clients,
        "name,currency,locale,time_zone,platform\nAcme,USD,en,UTC,upwork\n",
    ),
    (
        Table::Deals,
        "id,client,platform,kind,currency,value,opened_at,outcome,closed_at,lost_reason,tech_doc_score,github_score,demo_score\nD-1,Acme,upwork,project,USD,12.50,2025-01-06,lost,2025-02-01T10:00:00+08:00,price,0.5,,1\n",
    ),
    (
        Table::StageEvents,
        "deal_id,stage,entered_at\nD-1,lead,2025-01-06\nD-1,proposal,2025-01-08T12:00:00Z\n",
    ),
    (
        Table::TimeEntries,
        "deal_id,started_at,minutes,category,note\nD-1,2025-01-07T09:00:00Z,90,coding,\"a, b\"\n",
    ),
];

fn check(table: Table, format: Format, text: String) {
    let lines = text.lines().count() as u64 + 1;
    let source = Source {
        name: "input".into(),
        table,
        format,
        bytes: text.into_bytes(),
    };
    let parsed = parse_import(std::slice::from_ref(&source), &Stages::default());
    let known: HashSet<_> = parsed.unresolved_deal_ids().into_iter().collect();
    if let Err(problems) = parsed.resolve(&known) {
        gigops_test_support::fuzz::assert_located(&problems, lines);
    }
}

/// Bytes the format gives meaning to, and a byte of a multi-byte character.
fn mutate(text: &str, edits: &[(usize, u8)]) -> String {
    gigops_test_support::fuzz::mutate_text(text, edits, b",\n\"0.-:TZ9x\xe7")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,400}", table in 0..4usize, json in any::<bool>()) {
        let format = if json { Format::Json } else { Format::Csv };
        check(VALID[table].0, format, text);
    }

    #[test]
    fn mutated_files_never_panic(
        table in 0..4usize,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..12),
    ) {
        let (table, text) = VALID[table];
        check(table, Format::Csv, mutate(text, &edits));
    }

    #[test]
    fn mutated_json_never_panics(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..12),
    ) {
        let json = r#"[{"deal_id":"D-1","stage":"lead","entered_at":"2025-01-06"},
{"deal_id":"D-1","stage":"signed","entered_at":"2025-01-09T10:00:00Z"}]"#;
        check(Table::StageEvents, Format::Json, mutate(json, &edits));
    }
}
