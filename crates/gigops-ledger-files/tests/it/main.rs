//! The ledger interchange format: every kind of bad row, reported with its place, and exact
//! round trips through CSV and JSON.

mod fuzz;

use std::collections::HashSet;

use gigops_core::Problems;
use gigops_core::{DealId, Ledger, Stages};
use gigops_ledger_files::{Format, Source, Table, parse_import, write_table};

const DEALS_HEADER: &str = "id,client,platform,kind,currency,value,opened_at,outcome,closed_at,lost_reason,tech_doc_score,github_score,demo_score";

fn source(table: Table, format: Format, text: &str) -> Source {
    Source {
        name: format!("{}.{}", table.file_stem(), format.extension()),
        table,
        format,
        bytes: text.as_bytes().to_vec(),
    }
}

fn import(sources: &[Source], stored: &[&str]) -> Result<Ledger, Problems> {
    let stored: HashSet<DealId> = stored.iter().map(|id| DealId::parse(id).unwrap()).collect();
    parse_import(sources, &Stages::default()).resolve(&stored)
}

/// The problems as `file:line: column: reason` lines.
fn problems(sources: &[Source]) -> Vec<String> {
    match import(sources, &[]) {
        Ok(_) => panic!("expected problems"),
        Err(problems) => problems.0.iter().map(ToString::to_string).collect(),
    }
}

fn assert_problem(problems: &[String], expected_prefix: &str, contains: &str) {
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with(expected_prefix) && p.contains(contains)),
        "no problem starting {expected_prefix:?} containing {contains:?} in:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_bad_deal_row_is_reported_with_file_line_and_column() {
    let deals = format!(
        "{DEALS_HEADER}
D-1,Acme,upwork,project,USD,1200.00,2025-01-06,open,,,,,
D-2,Acme,upwork,project,USD,12.345,2025-01-06,open,,,,,
D-3,Acme,upwork,project,USD,100,06/01/2025,open,,,,,
D-1,Acme,upwork,project,USD,100,2025-01-06,open,,,,,
D-4,Acme,upwork,project,USD,100,2025-01-06,open,,,1.5,,
D-5,Acme,upwork,gig,USD,100,2025-01-06,open,,,,,
D-6,Acme,upwork,project,ZZZ,100,2025-01-06,open,,,,,
D-7,Acme,upwork,project,JPY,100.5,2025-01-06,open,,,,,
D-8,Acme,upwork,project,USD,100,2025-01-06,won,,,,,
D-9,Acme,upwork,project,USD,100,2025-01-06,lost,2025-01-01,price,,,
D-10,Acme,upwork,project,USD,100,2025-01-06,open,,price,,,
D-11,Acme,upwork,project,USD,-5,2025-01-06,open,,,,,
D-12,,upwork,project,USD,5,2025-01-06,maybe,,,,,-0.1
D-13,Acme,upwork,project,USD,5,2025-01-06T10:00:00.1234567Z,open,,,,,
"
    );
    let found = problems(&[source(Table::Deals, Format::Csv, &deals)]);
    assert_problem(
        &found,
        "deals.csv:3: value:",
        "more decimals than USD allows",
    );
    assert_problem(&found, "deals.csv:4: opened_at:", "is not a date");
    assert_problem(
        &found,
        "deals.csv:5: id:",
        "duplicate id D-1: first at deals.csv:2",
    );
    assert_problem(&found, "deals.csv:6: tech_doc_score:", "outside [0, 1]");
    assert_problem(
        &found,
        "deals.csv:7: kind:",
        "expected one of project, retainer",
    );
    assert_problem(&found, "deals.csv:8: currency:", "unknown currency");
    assert_problem(
        &found,
        "deals.csv:9: value:",
        "more decimals than JPY allows",
    );
    assert_problem(
        &found,
        "deals.csv:10: closed_at:",
        "a won deal needs closed_at",
    );
    assert_problem(&found, "deals.csv:11: closed_at:", "is before opened_at");
    assert_problem(&found, "deals.csv:12: lost_reason:", "only a lost deal");
    assert_problem(&found, "deals.csv:13: value:", "negative");
    assert_problem(&found, "deals.csv:14: client:", "required");
    assert_problem(
        &found,
        "deals.csv:14: outcome:",
        "expected one of open, won, lost",
    );
    assert_problem(&found, "deals.csv:14: demo_score:", "outside [0, 1]");
    assert_problem(
        &found,
        "deals.csv:15: opened_at:",
        "more precise than a microsecond",
    );
    // Row 2 is fine: nothing about it.
    assert!(
        !found.iter().any(|p| p.starts_with("deals.csv:2:")),
        "{found:?}"
    );
    // In file and line order.
    let lines: Vec<u64> = found
        .iter()
        .map(|p| p.split(':').nth(1).unwrap().parse().unwrap())
        .collect();
    assert!(lines.is_sorted(), "{lines:?}");
}

#[test]
fn events_and_entries_are_checked_against_stages_deals_and_each_other() {
    let deals = format!("{DEALS_HEADER}\nD-1,Acme,upwork,project,USD,100,2025-01-06,open,,,,,\n");
    let events = "deal_id,stage,entered_at
D-1,lead,2025-01-06
D-1,negotiation,2025-01-07
D-404,lead,2025-01-07
D-1,proposal,yesterday
";
    let entries = "deal_id,started_at,minutes,category,note
D-1,2025-01-06T09:00:00Z,-30,coding,
D-1,2025-01-06T10:00:00Z,30,coding,first
D-1,2025-01-06T10:00:00Z,45,coding,again
D-1,2025-01-06T11:00:00Z,0,testing,
D-1,2025-01-06T12:00:00Z,30,sleeping,
D-405,2025-01-06T12:00:00Z,30,docs,
";
    let found = problems(&[
        source(Table::TimeEntries, Format::Csv, entries),
        source(Table::StageEvents, Format::Csv, events),
        source(Table::Deals, Format::Csv, &deals),
    ]);
    assert_problem(
        &found,
        "stage_events.csv:3: stage:",
        "unknown stage \"negotiation\": expected one of lead, responded",
    );
    assert_problem(&found, "stage_events.csv:4: deal_id:", "unknown deal D-404");
    assert_problem(&found, "stage_events.csv:5: entered_at:", "is not a date");
    assert_problem(
        &found,
        "time_entries.csv:2: minutes:",
        "negative minutes (-30)",
    );
    assert_problem(
        &found,
        "time_entries.csv:4: started_at:",
        "duplicate time entry",
    );
    assert_problem(&found, "time_entries.csv:5: minutes:", "0 minutes");
    assert_problem(
        &found,
        "time_entries.csv:6: category:",
        "expected one of coding, communication",
    );
    assert_problem(&found, "time_entries.csv:7: deal_id:", "unknown deal D-405");
    assert_eq!(found.len(), 8, "{found:#?}");
}

#[test]
fn references_to_stored_deals_resolve() {
    let events = "deal_id,stage,entered_at\nD-77,signed,2025-02-01\n";
    let ledger = import(
        &[source(Table::StageEvents, Format::Csv, events)],
        &["D-77"],
    )
    .unwrap();
    assert_eq!(ledger.events.len(), 1);
    assert!(
        import(
            &[source(Table::StageEvents, Format::Csv, events)],
            &["D-78"]
        )
        .is_err()
    );
}

#[test]
fn events_of_a_broken_deal_row_are_not_reported_twice() {
    let deals = format!("{DEALS_HEADER}\nD-1,Acme,upwork,project,USD,1.001,2025-01-06,open,,,,,\n");
    let events = "deal_id,stage,entered_at\nD-1,lead,2025-01-06\n";
    let found = problems(&[
        source(Table::Deals, Format::Csv, &deals),
        source(Table::StageEvents, Format::Csv, events),
    ]);
    assert_eq!(found.len(), 1, "{found:?}");
}

#[test]
fn header_and_shape_problems() {
    let found = problems(&[source(
        Table::StageEvents,
        Format::Csv,
        "deal_id,stage,entered,extra\nD-1,lead,2025-01-01,x\n",
    )]);
    assert_problem(
        &found,
        "stage_events.csv:1:",
        "unexpected column \"entered\"",
    );
    assert_problem(&found, "stage_events.csv:1:", "unexpected column \"extra\"");
    assert_problem(
        &found,
        "stage_events.csv:1:",
        "missing column \"entered_at\"",
    );

    let found = problems(&[source(
        Table::StageEvents,
        Format::Csv,
        "entered_at,deal_id,stage\n2025-01-01,D-1\n2025-01-02,D-1,lead,extra\n",
    )]);
    assert_problem(&found, "stage_events.csv:2:", "different number of fields");
    assert_problem(&found, "stage_events.csv:3:", "different number of fields");
}

#[test]
fn columns_may_come_in_any_order() {
    let deals = "value,currency,id,client,platform,kind,opened_at,outcome,closed_at,lost_reason,tech_doc_score,github_score,demo_score\n1.5,EUR,D-1,Zeta,direct,consulting,2025-01-01,open,,,0.5,,\n";
    let ledger = import(&[source(Table::Deals, Format::Csv, deals)], &[]).unwrap();
    assert_eq!(ledger.deals[0].value.minor, 150);
    assert_eq!(ledger.deals[0].tech_doc_score.unwrap().get(), 0.5);
}

#[test]
fn json_problems_carry_lines() {
    let found = problems(&[source(
        Table::StageEvents,
        Format::Json,
        "[\n  {\"deal_id\": \"D-1\", \"stage\": \"lead\",\n   \"entered_at\": \"2025-01-01\"},\n  {\"deal_id\": \"D-1\", \"stage\": \"won\", \"entered_at\": \"2025-01-02\", \"x\": 1}\n]",
    )]);
    assert_problem(&found, "stage_events.json:2: deal_id:", "unknown deal D-1");
    assert_problem(&found, "stage_events.json:4: x:", "unexpected field");

    let found = problems(&[source(
        Table::StageEvents,
        Format::Json,
        "[\n  {\"deal_id\": \"D-1\",,}\n]",
    )]);
    assert_problem(
        &found,
        "stage_events.json:2: column 21:",
        "not a JSON array",
    );
}

#[test]
fn an_empty_field_is_null() {
    let deals = format!(
        "{DEALS_HEADER}\nD-1,Acme,upwork,retainer,USD,100,2025-01-06,lost,2025-03-01T12:30:00+08:00,,,,\n"
    );
    let ledger = import(&[source(Table::Deals, Format::Csv, &deals)], &[]).unwrap();
    let deal = &ledger.deals[0];
    assert_eq!(deal.lost_reason, None);
    assert_eq!(deal.tech_doc_score, None);
    assert_eq!(
        deal.closed_at.unwrap().to_string(),
        "2025-03-01T04:30:00Z",
        "an offset is converted to UTC"
    );
}

fn sample_sources(format: Format) -> Vec<Source> {
    let ledger = import(
        &[
            source(
                Table::Clients,
                Format::Csv,
                "name,currency,locale,time_zone,platform\n杭州云栈科技,CNY,zh-CN,Asia/Shanghai,码市\nAcme GmbH,EUR,en,Europe/Berlin,\n",
            ),
            source(
                Table::Deals,
                Format::Csv,
                &format!(
                    "{DEALS_HEADER}\nD-1,杭州云栈科技,码市,project,CNY,38000,2025-01-06,won,2025-02-01T08:00:00.5Z,,0.8,0.25,1\nD-2,Acme GmbH,direct,retainer,EUR,4200.5,2025-01-10,lost,2025-04-01,\"budget cut, \"\"Q2\"\"\",,,\nD-3,Solo,upwork,consulting,JPY,150000,2025-02-10,open,,,,,\n"
                ),
            ),
            source(
                Table::StageEvents,
                Format::Csv,
                "deal_id,stage,entered_at\nD-1,lead,2025-01-06\nD-1,signed,2025-01-30T10:15:00.123456Z\nD-2,lead,2025-01-10\n",
            ),
            source(
                Table::TimeEntries,
                Format::Csv,
                "deal_id,started_at,minutes,category,note\nD-1,2025-02-02T01:00:00Z,95,coding,\"接口, 第一版\"\nD-1,2025-02-02T01:00:00Z,15,communication,\n",
            ),
            source(
                Table::Reopenings,
                Format::Csv,
                "deal_id,reopened_at,reason,outcome,closed_at,lost_reason\nD-3,2025-03-01,\"client came back, new budget\",lost,2025-02-20T09:00:00Z,price too high\n",
            ),
        ],
        &[],
    )
    .unwrap();
    Table::ALL
        .iter()
        .map(|&table| {
            let mut bytes = Vec::new();
            write_table(table, format, &ledger, &mut bytes).unwrap();
            source(table, format, &String::from_utf8(bytes).unwrap())
        })
        .collect()
}

#[test]
fn export_then_import_round_trips_exactly() {
    for format in [Format::Csv, Format::Json] {
        let first = sample_sources(format);
        let ledger = import(&first, &[]).unwrap();
        assert_eq!(ledger.deals.len(), 3);
        assert_eq!(ledger.deals[1].value.minor, 420_050);
        assert_eq!(
            ledger.deals[1].lost_reason.as_deref(),
            Some("budget cut, \"Q2\"")
        );
        assert_eq!(ledger.time_entries[0].note.as_deref(), Some("接口, 第一版"));
        assert_eq!(ledger.reopenings[0].reason, "client came back, new budget");
        assert_eq!(
            ledger.reopenings[0].lost_reason.as_deref(),
            Some("price too high")
        );
        for table in Table::ALL {
            let mut again = Vec::new();
            write_table(table, format, &ledger, &mut again).unwrap();
            let original = &first.iter().find(|s| s.table == table).unwrap().bytes;
            assert_eq!(
                String::from_utf8(again).unwrap(),
                String::from_utf8_lossy(original),
                "{table:?} {format:?}"
            );
        }
    }
}

#[test]
fn csv_and_json_carry_the_same_ledger() {
    let from_csv = import(&sample_sources(Format::Csv), &[]).unwrap();
    let from_json = import(&sample_sources(Format::Json), &[]).unwrap();
    assert_eq!(from_csv, from_json);
    let deals_json = String::from_utf8(sample_sources(Format::Json)[1].bytes.clone()).unwrap();
    assert!(
        deals_json.contains("\"value\":\"38000.00\""),
        "money stays a string: {deals_json}"
    );
    assert!(
        deals_json.contains("\"tech_doc_score\":0.8"),
        "{deals_json}"
    );
}

#[test]
fn reopenings_are_checked_like_every_other_row() {
    let header = "deal_id,reopened_at,reason,outcome,closed_at,lost_reason";
    let reopenings = format!(
        "{header}
D-1,2025-03-01,client came back,lost,2025-02-20,price
D-1,2025-03-01,again,lost,2025-02-20,
D-1,2025-03-02,,won,2025-02-20,
D-1,2025-01-01,too early,won,2025-02-20,
D-1,2025-03-05,odd,open,2025-02-20,
D-1,2025-03-06,reason on a won deal,won,2025-02-20,price
D-9,2025-03-07,unknown deal,lost,2025-02-20,
"
    );
    let deals = format!("{DEALS_HEADER}\nD-1,Acme,upwork,project,USD,100,2025-01-06,open,,,,,\n");
    let found = problems(&[
        source(Table::Deals, Format::Csv, &deals),
        source(Table::Reopenings, Format::Csv, &reopenings),
    ]);
    assert_problem(
        &found,
        "reopenings.csv:3: reopened_at:",
        "duplicate reopening",
    );
    assert_problem(&found, "reopenings.csv:4: reason:", "a value is required");
    assert_problem(&found, "reopenings.csv:5: reopened_at:", "before it closed");
    assert_problem(&found, "reopenings.csv:6: outcome:", "won or lost");
    assert_problem(&found, "reopenings.csv:7: lost_reason:", "only a lost deal");
    assert_problem(&found, "reopenings.csv:8: deal_id:", "unknown deal D-9");
    assert_eq!(found.len(), 6, "{found:#?}");
}

#[test]
fn a_file_that_is_not_utf8_says_where() {
    let mut bytes = format!("{DEALS_HEADER}\nD-1,Acme,upwork,project,USD,1,2025-01-06,open,,,,,\n")
        .into_bytes();
    bytes.extend_from_slice(b"D-2,Acme \xff,upwork,project,USD,1,2025-01-06,open,,,,,\n");
    let csv = Source {
        bytes,
        ..source(Table::Deals, Format::Csv, "")
    };
    let found = problems(&[csv]);
    assert_problem(&found, "deals.csv:3: client", "not valid UTF-8");

    let mut bytes = b"[\n{\"id\": \"D-1\"},\n{\"id\": \"D-".to_vec();
    bytes.extend_from_slice(b"\xfe\"}\n]\n");
    let json = Source {
        bytes,
        ..source(Table::Deals, Format::Json, "")
    };
    let found = problems(&[json]);
    assert_problem(&found, "deals.json:3", "invalid unicode");
}

#[test]
fn problems_of_every_table_come_in_file_and_line_order_whichever_thread_read_them() {
    let deals = source(
        Table::Deals,
        Format::Csv,
        &format!("{DEALS_HEADER}\nD-1,Acme,upwork,project,USD,1,2025-01-06,open,,,,,\n"),
    );
    let events = source(
        Table::StageEvents,
        Format::Csv,
        "deal_id,stage,entered_at\nD-1,nowhere,2025-01-07\nD-9,lead,2025-01-07\n",
    );
    let entries = source(
        Table::TimeEntries,
        Format::Csv,
        "deal_id,started_at,minutes,category,note\nD-1,2025-01-07,0,coding,\nD-8,2025-01-07,5,coding,\n",
    );
    let reopenings = source(
        Table::Reopenings,
        Format::Csv,
        "deal_id,reopened_at,reason,outcome,closed_at,lost_reason\nD-7,2025-02-01,again,won,2025-02-03,\n",
    );
    let found = problems(&[reopenings, entries, events, deals]);
    let places: Vec<&str> = found
        .iter()
        .map(|p| p.split(": ").next().unwrap_or(""))
        .collect();
    assert_eq!(
        places,
        [
            "reopenings.csv:2",
            "stage_events.csv:2",
            "stage_events.csv:3",
            "time_entries.csv:2",
            "time_entries.csv:3",
        ],
        "{found:#?}"
    );
    assert!(found[2].contains("unknown deal D-9"), "{found:#?}");
    assert!(found[4].contains("unknown deal D-8"), "{found:#?}");
}
