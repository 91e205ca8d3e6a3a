use predicates::prelude::*;
use serde_json::json;

use crate::{Sandbox, read};

#[test]
fn a_deal_goes_from_lead_to_won() {
    let s = Sandbox::new();
    s.ok(&[
        "client",
        "add",
        "杭州云栈科技",
        "--currency",
        "CNY",
        "--locale",
        "zh-CN",
        "--time-zone",
        "Asia/Shanghai",
        "--platform",
        "码市",
    ]);
    s.ok(&[
        "deal",
        "add",
        "--id",
        "D-1",
        "--client",
        "杭州云栈科技",
        "--platform",
        "码市",
        "--kind",
        "project",
        "--value",
        "38000.5",
        "--currency",
        "CNY",
        "--opened-at",
        "2026-03-02T09:00:00+08:00",
        "--tech-doc-score",
        "0.8",
    ]);
    s.ok(&["deal", "move", "D-1", "proposal", "--at", "2026-03-04"]);
    s.ok(&[
        "time",
        "add",
        "D-1",
        "--minutes",
        "90",
        "--category",
        "coding",
        "--at",
        "2026-03-05T10:00:00Z",
        "--note",
        "接口",
    ]);
    s.ok(&["deal", "close", "D-1", "won", "--at", "2026-03-10"]);

    let shown = s.json(&["deal", "show", "D-1"]);
    assert_eq!(
        shown["deal"]["value"],
        json!({"minor": 3800050, "currency": "CNY"})
    );
    assert_eq!(shown["deal"]["outcome"], "won");
    assert_eq!(shown["deal"]["opened_at"], "2026-03-02T01:00:00Z");
    assert_eq!(shown["deal"]["closed_at"], "2026-03-10T00:00:00Z");
    assert_eq!(shown["deal"]["tech_doc_score"], 0.8);
    let stages: Vec<&str> = shown["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["lead", "proposal"]);
    assert_eq!(shown["time_entries"][0]["minutes"], 90);
    assert_eq!(shown["time_entries"][0]["note"], "接口");

    let listed = s.json(&["deal", "list", "--outcome", "won"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(s.json(&["deal", "list", "--platform", "upwork"]), json!([]));
    let clients = s.json(&["client", "list"]);
    assert_eq!(clients[0]["locale"], "zh-CN");
    let table = s.ok(&["deal", "list"]);
    assert!(
        table.contains("D-1") && table.contains("38000.50 CNY"),
        "{table}"
    );
}

#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let s = Sandbox::new();
    s.ok(&[
        "deal",
        "add",
        "--id",
        "D-1",
        "--client",
        "Acme",
        "--platform",
        "upwork",
        "--value",
        "100",
        "--currency",
        "USD",
        "--opened-at",
        "2026-01-05",
    ]);
    let cases: &[(&[&str], &str)] = &[
        (
            &["deal", "move", "D-1", "won"],
            "unknown stage \"won\": expected one of lead, responded",
        ),
        (&["deal", "move", "D-404", "proposal"], "D-404"),
        (
            &[
                "deal",
                "add",
                "--id",
                "D-2",
                "--client",
                "Acme",
                "--platform",
                "upwork",
                "--value",
                "1.005",
                "--currency",
                "USD",
            ],
            "more decimals than USD allows",
        ),
        (
            &[
                "deal",
                "add",
                "--id",
                "D-1",
                "--client",
                "Acme",
                "--platform",
                "upwork",
                "--value",
                "1",
                "--currency",
                "USD",
            ],
            "D-1",
        ),
        (
            &[
                "deal",
                "add",
                "--id",
                "D-3",
                "--client",
                "Acme",
                "--platform",
                "upwork",
                "--value",
                "1",
                "--currency",
                "usd",
            ],
            "unknown currency",
        ),
        (
            &["deal", "close", "D-1", "won", "--reason", "x"],
            "--reason is for lost deals",
        ),
        (
            &["deal", "close", "D-1", "lost", "--at", "2025-01-01"],
            "deal D-1: cannot close at 2025-01-01T00:00:00Z before it opened",
        ),
        (
            &[
                "time",
                "add",
                "D-1",
                "--minutes",
                "-5",
                "--category",
                "coding",
            ],
            "expected a positive number",
        ),
        (&["deal", "show", "D-9"], "no deal with id D-9"),
        (
            &[
                "deal",
                "add",
                "--id",
                "D-4",
                "--client",
                "Acme",
                "--platform",
                "upwork",
                "--value",
                "1",
                "--currency",
                "USD",
                "--kind",
                "gig",
            ],
            "gig",
        ),
        (
            &["report", "pipeline", "--from", "yesterday"],
            "is not a date",
        ),
    ];
    for (args, message) in cases {
        s.gigops(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*message));
    }
    s.gigops(&["no-such-command"]).assert().code(2);
}

const DEALS: &str = "id,client,platform,kind,currency,value,opened_at,outcome,closed_at,lost_reason,tech_doc_score,github_score,demo_score
D-1,Acme,upwork,project,USD,1200,2026-01-05,won,2026-02-01,,0.9,0.5,1
D-2,Acme,upwork,retainer,USD,800.5,2026-01-06,lost,2026-03-01,price too high,,,
D-3,Kaito KK,toptal,consulting,JPY,150000,2026-01-07,open,,,,,
";
const EVENTS: &str = "deal_id,stage,entered_at
D-1,lead,2026-01-05
D-1,proposal,2026-01-08T12:00:00Z
D-1,signed,2026-01-20
D-2,lead,2026-01-06
D-3,lead,2026-01-07
";
const ENTRIES: &str = "deal_id,started_at,minutes,category,note
D-1,2026-01-21T09:00:00Z,240,coding,first cut
D-1,2026-01-22T09:00:00Z,60,testing,
";

#[test]
fn import_is_all_or_nothing_and_reports_every_bad_row() {
    let s = Sandbox::new();
    s.write("bad/deals.csv", &format!("{DEALS}D-4,Acme,upwork,project,USD,1.001,2026-01-08,open,,,,,\nD-1,Acme,upwork,project,USD,1,2026-01-08,open,,,,,\n"));
    s.write(
        "bad/stage_events.csv",
        &format!("{EVENTS}D-9,lead,2026-01-05\nD-1,won,2026-01-05\n"),
    );
    s.write(
        "bad/time_entries.csv",
        &format!("{ENTRIES}D-1,2026-01-23,-30,coding,\n"),
    );
    s.gigops(&["import", "bad"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "5 problems found; nothing was written",
        ))
        .stderr(predicate::str::contains(
            "bad/deals.csv:5: value: \"1.001\" has more decimals than USD allows (2)",
        ))
        .stderr(predicate::str::contains(
            "bad/deals.csv:6: id: duplicate id D-1: first at bad/deals.csv:2",
        ))
        .stderr(predicate::str::contains(
            "bad/stage_events.csv:7: deal_id: unknown deal D-9",
        ))
        .stderr(predicate::str::contains(
            "bad/stage_events.csv:8: stage: unknown stage \"won\"",
        ))
        .stderr(predicate::str::contains(
            "bad/time_entries.csv:4: minutes: negative minutes (-30)",
        ));
    let counts = s.json(&["db", "migrate"]);
    assert_eq!(counts["deals"], 0, "nothing written: {counts}");
    assert_eq!(counts["clients"], 0, "nothing written: {counts}");
}

#[test]
fn import_twice_changes_nothing_and_export_round_trips() {
    let s = Sandbox::new();
    s.write("in/deals.csv", DEALS);
    s.write("in/stage_events.csv", EVENTS);
    s.write("in/time_entries.csv", ENTRIES);
    let first = s.json(&["import", "in"]);
    assert_eq!(first["deals"]["inserted"], 3);
    assert_eq!(first["stage_events"]["inserted"], 5);
    assert_eq!(first["time_entries"]["inserted"], 2);
    assert_eq!(first["clients"]["inserted"], 2);
    let second = s.json(&[
        "import",
        "in/deals.csv",
        "in/stage_events.csv",
        "in/time_entries.csv",
    ]);
    for table in ["clients", "deals", "stage_events", "time_entries"] {
        assert_eq!(second[table]["inserted"], 0, "{table}: {second}");
        assert_eq!(second[table]["updated"], 0, "{table}: {second}");
    }
    assert_eq!(second["deals"]["unchanged"], 3);

    s.ok(&["export", "out"]);
    let exported = read(&s.path("out/deals.csv"));
    assert!(exported.contains("D-2,Acme,upwork,retainer,USD,800.50,2026-01-06T00:00:00Z,lost,2026-03-01T00:00:00Z,price too high,,,"), "{exported}");
    assert!(
        exported.contains("D-3,Kaito KK,toptal,consulting,JPY,150000,"),
        "{exported}"
    );

    // A second ledger imported from the export exports the same bytes.
    let t = Sandbox::new();
    for table in ["clients", "deals", "stage_events", "time_entries"] {
        t.write(
            &format!("in/{table}.csv"),
            &read(&s.path(&format!("out/{table}.csv"))),
        );
    }
    t.ok(&["import", "in"]);
    t.ok(&["export", "out", "--format", "json"]);
    t.ok(&["export", "out"]);
    for table in ["clients", "deals", "stage_events", "time_entries"] {
        assert_eq!(
            read(&s.path(&format!("out/{table}.csv"))),
            read(&t.path(&format!("out/{table}.csv"))),
            "{table}"
        );
    }
    // JSON carries the same ledger as CSV.
    let u = Sandbox::new();
    for table in ["clients", "deals", "stage_events", "time_entries"] {
        u.write(
            &format!("in/{table}.json"),
            &read(&t.path(&format!("out/{table}.json"))),
        );
    }
    u.ok(&["import", "in"]);
    u.ok(&["export", "out"]);
    assert_eq!(
        read(&s.path("out/deals.csv")),
        read(&u.path("out/deals.csv"))
    );
}

#[test]
fn import_names_what_it_cannot_read() {
    let s = Sandbox::new();
    s.write("notes.txt", "hello");
    s.gigops(&["import", "notes.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot tell what this file holds"));
    std::fs::create_dir_all(s.path("empty")).unwrap();
    s.gigops(&["import", "empty"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no ledger files here"));
    s.gigops(&["import", "missing"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such file"));
}

#[test]
fn backup_copies_a_live_ledger() {
    let s = Sandbox::new();
    s.write("in/deals.csv", DEALS);
    s.write("in/stage_events.csv", EVENTS);
    s.ok(&["import", "in"]);
    let backup = s.path("copy.db");
    s.ok(&["db", "backup", backup.to_str().unwrap()]);
    s.gigops(&["db", "backup", backup.to_str().unwrap()])
        .assert()
        .code(2);
    let from_backup = s
        .gigops_without_db(&["--db", backup.to_str().unwrap(), "deal", "list", "--json"])
        .output()
        .unwrap();
    assert!(from_backup.status.success());
    let original = s.ok(&["deal", "list", "--json"]);
    assert_eq!(String::from_utf8(from_backup.stdout).unwrap(), original);
}

#[test]
fn settings_are_layered_and_secrets_masked() {
    let s = Sandbox::new();
    s.write("gigops.toml", "db = \"postgres://app:hunter2@db.example/gigops\"\n[pipeline]\ntime_zone = \"Asia/Shanghai\"\n");
    let shown = s.gigops_without_db(&["config", "show"]).output().unwrap();
    let shown = String::from_utf8(shown.stdout).unwrap();
    assert!(
        shown.contains("postgres://app:****@db.example/gigops"),
        "{shown}"
    );
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("Asia/Shanghai"), "{shown}");

    let mut cmd = s.gigops_without_db(&["config", "show", "--json"]);
    cmd.env("GIGOPS_PIPELINE__TIME_ZONE", "Europe/Berlin");
    let json: serde_json::Value = serde_json::from_slice(&cmd.output().unwrap().stdout).unwrap();
    assert_eq!(
        json["pipeline"]["time_zone"], "Europe/Berlin",
        "env overrides the file"
    );

    s.write("gigops.toml", "[pipeline]\ntimezone = \"UTC\"\n");
    s.gigops_without_db(&["config", "show"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("timezone"));
}

#[test]
fn the_db_comes_from_env_when_no_flag() {
    let s = Sandbox::new();
    let mut cmd = s.gigops_without_db(&[
        "deal",
        "add",
        "--id",
        "D-1",
        "--client",
        "A",
        "--platform",
        "direct",
        "--value",
        "1",
        "--currency",
        "EUR",
    ]);
    cmd.env("GIGOPS_DB", s.path("env.db"));
    cmd.assert().success();
    assert!(s.path("env.db").exists());
}

#[test]
fn completions_are_generated() {
    let s = Sandbox::new();
    s.gigops_without_db(&["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("gigops"));
    s.gigops_without_db(&["completions", "zsh"])
        .assert()
        .success()
        .stdout(predicate::str::contains("#compdef gigops"));
}

/// Adds an open deal through the CLI.
fn add_deal(s: &Sandbox, id: &str, client: &str, platform: &str, kind: &str, opened: &str) {
    s.ok(&[
        "deal",
        "add",
        "--id",
        id,
        "--client",
        client,
        "--platform",
        platform,
        "--kind",
        kind,
        "--value",
        "4800",
        "--currency",
        "USD",
        "--opened-at",
        opened,
    ]);
}

#[test]
fn a_closed_deal_stays_closed_until_it_is_reopened_with_a_reason() {
    let s = Sandbox::new();
    add_deal(&s, "D-1", "Acme", "Upwork", "project", "2026-03-02");
    s.ok(&["deal", "move", "D-1", "signed", "--at", "2026-03-09"]);
    s.ok(&["deal", "close", "D-1", "won", "--at", "2026-03-10"]);
    let refused: &[(&[&str], &str)] = &[
        (
            &["deal", "close", "D-1", "lost", "--reason", "price"],
            "deal D-1 is already closed (won at 2026-03-10T00:00:00Z)",
        ),
        (
            &["deal", "close", "D-1", "won"],
            "deal D-1 is already closed (won at 2026-03-10T00:00:00Z)",
        ),
        (
            &["deal", "move", "D-1", "proposal"],
            "deal D-1 is closed (won at 2026-03-10T00:00:00Z) and cannot enter proposal",
        ),
        (
            &[
                "deal",
                "reopen",
                "D-1",
                "--reason",
                "x",
                "--at",
                "2026-03-01",
            ],
            "before it closed",
        ),
        (&["deal", "reopen", "D-404", "--reason", "x"], "D-404"),
    ];
    for (args, expected) in refused {
        s.gigops(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*expected));
    }
    let shown = s.json(&["deal", "show", "D-1"]);
    assert_eq!(shown["deal"]["outcome"], "won", "nothing changed: {shown}");
    assert_eq!(shown["reopenings"], json!([]));

    // Delivery goes on after the sale.
    s.ok(&["deal", "move", "D-1", "delivered", "--at", "2026-04-20"]);
    let reopened = s.json(&[
        "deal",
        "reopen",
        "D-1",
        "--reason",
        "phase 2: the client wants a mobile API",
        "--at",
        "2026-05-01",
    ]);
    assert_eq!(reopened["outcome"], "won");
    assert_eq!(reopened["closed_at"], "2026-03-10T00:00:00Z");
    s.gigops(&["deal", "reopen", "D-1", "--reason", "again"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("deal D-1 is open"));
    s.ok(&["deal", "move", "D-1", "proposal", "--at", "2026-05-02"]);
    s.ok(&[
        "deal",
        "close",
        "D-1",
        "lost",
        "--at",
        "2026-05-20",
        "--reason",
        "budget cut",
    ]);
    let table = s.ok(&["deal", "show", "D-1"]);
    assert!(
        table.contains("phase 2: the client wants a mobile API")
            && table.contains("won at 2026-03-10T00:00:00Z"),
        "{table}"
    );
    let shown = s.json(&["deal", "show", "D-1"]);
    assert_eq!(shown["deal"]["outcome"], "lost");
    assert_eq!(
        shown["reopenings"][0]["reason"],
        "phase 2: the client wants a mobile API"
    );

    // A won retainer ends: a lost close, said so, and then it is closed for good.
    add_deal(&s, "R-1", "Acme", "direct", "retainer", "2026-01-05");
    s.ok(&["deal", "move", "R-1", "signed", "--at", "2026-01-20"]);
    s.ok(&["deal", "close", "R-1", "won", "--at", "2026-01-20"]);
    let ended = s.ok(&[
        "deal",
        "close",
        "R-1",
        "lost",
        "--at",
        "2026-06-30",
        "--reason",
        "hired in-house",
    ]);
    assert!(
        ended.contains("retainer R-1 ended at 2026-06-30"),
        "{ended}"
    );
    s.gigops(&["deal", "move", "R-1", "delivered"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a lost deal does not move"));

    // Reopenings travel in the interchange files and come back from them.
    s.ok(&["export", "out"]);
    let reopenings = read(&s.path("out/reopenings.csv"));
    assert_eq!(
        reopenings,
        "deal_id,reopened_at,reason,outcome,closed_at,lost_reason\n\
         D-1,2026-05-01T00:00:00Z,phase 2: the client wants a mobile API,won,2026-03-10T00:00:00Z,\n"
    );
    let t = Sandbox::new();
    let imported = t.json(&["import", s.path("out").to_str().unwrap()]);
    assert_eq!(imported["reopenings"]["inserted"], 1, "{imported}");
    assert_eq!(
        t.json(&["deal", "show", "D-1"]),
        s.json(&["deal", "show", "D-1"])
    );
    // The pipeline counts D-1 as it is now: lost, once, reopened.
    let report = t.json(&["report", "pipeline"]);
    assert_eq!(
        (&report["won"], &report["lost"], &report["reopened"]),
        (&json!(1), &json!(1), &json!(1)),
        "R-1 ended (a won sale), D-1 lost: {report}"
    );
}

#[test]
fn names_are_shown_as_the_user_wrote_them() {
    let s = Sandbox::new();
    add_deal(&s, "D-1", "Acme GmbH", "Toptal", "project", "2026-01-05");
    add_deal(&s, "D-2", "ACME GmbH", "toptal", "project", "2026-02-05");
    add_deal(&s, "D-3", "Kaito KK", "Fiverr Pro", "project", "2026-02-06");
    let listed = s.json(&["deal", "list", "--platform", "TOPTAL"]);
    let platforms: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["platform"].as_str().unwrap())
        .collect();
    assert_eq!(platforms, ["Toptal", "toptal"], "one platform, as written");
    let clients = s.json(&["client", "list"]);
    let names: Vec<&str> = clients
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["ACME GmbH", "Acme GmbH", "Kaito KK"],
        "clients are never folded"
    );
    assert_eq!(clients[1]["platform"], "Toptal");

    let report = s.json(&["report", "pipeline", "--platform", "toptal"]);
    assert_eq!(report["scope"]["platform"], "Toptal");
    assert_eq!(report["platforms"][0]["platform"], "Toptal");
    assert_eq!(report["platforms"][0]["deals"], 2);
    let all = s.json(&["report", "pipeline"]);
    let rows: Vec<&str> = all["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["platform"].as_str().unwrap())
        .collect();
    assert_eq!(rows, ["Fiverr Pro", "Toptal"]);
    let table = s.ok(&["report", "pipeline"]);
    assert!(
        table.contains("Fiverr Pro") && !table.contains("toptal"),
        "{table}"
    );

    let html = s.path("market.html");
    s.ok(&["report", "market", "-o", html.to_str().unwrap()]);
    let html = read(&html);
    assert!(html.contains("Fiverr Pro") && html.contains("Toptal"));
    assert!(!html.contains("fiverr pro") && !html.contains(">toptal<"));
}

/// Every ledger, report, database, settings, import, export and demo command that prints data
/// prints exactly one JSON document with --json.
#[test]
fn every_command_that_prints_prints_json_when_asked() {
    let s = Sandbox::new();
    let demo = s.path("demo");
    let backup = s.path("copy.db");
    let market = s.path("market.html");
    let proposal = s.path("proposal.html");
    let petstore = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../gigops-quote/tests/fixtures/petstore3.yaml"
    )
    .to_string();
    s.write("in/deals.csv", DEALS);
    s.write("in/stage_events.csv", EVENTS);
    let commands: Vec<Vec<&str>> = vec![
        vec!["client", "add", "Acme", "--currency", "USD"],
        vec!["client", "list"],
        vec!["client", "show", "Acme"],
        vec!["import", "in"],
        vec![
            "deal",
            "add",
            "--id",
            "D-9",
            "--client",
            "Acme",
            "--platform",
            "direct",
            "--value",
            "10",
            "--currency",
            "USD",
            "--opened-at",
            "2026-01-01",
        ],
        vec!["deal", "list"],
        vec!["deal", "show", "D-9"],
        vec!["deal", "move", "D-9", "proposal", "--at", "2026-01-02"],
        vec![
            "time",
            "add",
            "D-9",
            "--minutes",
            "30",
            "--category",
            "coding",
            "--at",
            "2026-01-02",
        ],
        vec!["deal", "close", "D-9", "lost", "--at", "2026-01-03"],
        vec![
            "deal",
            "reopen",
            "D-9",
            "--reason",
            "back",
            "--at",
            "2026-01-04",
        ],
        vec!["quote", "estimate", "--openapi", &petstore, "--deal", "D-9"],
        vec!["quote", "list", "--deal", "D-9"],
        vec!["quote", "show", "D-9", "1"],
        vec!["quote", "accept", "D-9", "1"],
        vec!["quote", "schema"],
        vec![
            "proposal",
            "--openapi",
            &petstore,
            "-o",
            proposal.to_str().unwrap(),
        ],
        vec!["export", "out"],
        vec!["report", "pipeline"],
        vec!["report", "market", "-o", market.to_str().unwrap()],
        vec!["db", "migrate"],
        vec!["db", "backup", backup.to_str().unwrap()],
        vec!["config", "show"],
        vec![
            "demo",
            "--dir",
            demo.to_str().unwrap(),
            "--deals",
            "20",
            "--no-pdf",
            "--end",
            "2026-10-31",
        ],
    ];
    for args in commands {
        let mut with_json = args.clone();
        with_json.push("--json");
        let stdout = s.ok(&with_json);
        let parsed: Result<serde_json::Value, _> = serde_json::from_str(&stdout);
        assert!(parsed.is_ok(), "gigops {args:?} --json printed:\n{stdout}");
    }
}

#[test]
fn configuration_errors_name_the_file_the_line_and_the_key() {
    let s = Sandbox::new();
    s.write(
        "gigops.toml",
        "# My settings\n\n[pipeline]\ntime_zone = \"Asia/Shanghai\"\n\n[quote]\nhours_per_fp = \"eight\"\n",
    );
    s.gigops(&["deal", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "gigops.toml:7: quote.hours_per_fp: expected a number, found a string",
        ))
        .stderr(predicate::str::contains("default.").not());

    // Every problem at once, each where it is; the user's own config file by its path.
    let user = s.write(
        "home/.config/gigops/config.toml",
        "[pipeline]\ntimezone = \"UTC\"\n",
    );
    s.gigops(&["deal", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("2 problems"))
        .stderr(predicate::str::contains(format!(
            "{}:2: pipeline.timezone: unknown key; expected one of stages, time_zone, holidays",
            user.display()
        )))
        .stderr(predicate::str::contains(
            "gigops.toml:7: quote.hours_per_fp",
        ));
    std::fs::remove_file(&user).unwrap();

    // A variable is named as it was set.
    s.write("gigops.toml", "");
    s.gigops(&["deal", "list"])
        .env("GIGOPS_GATE__MIN_COVERAGE", "most")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "environment variable GIGOPS_GATE__MIN_COVERAGE (gate.min_coverage): expected a number, found a string",
        ));

    // --config: its path; an element of a list by its index; a file that is not TOML by its
    // line and column.
    let extra = s.write(
        "conf/extra.toml",
        "[gate]\nmin_coverage = 80.0\n\n[pipeline]\nholidays = [\n  \"2026-01-01\",\n  \"Labour Day\",\n]\n",
    );
    s.gigops(&["--config", extra.to_str().unwrap(), "deal", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{}:7: pipeline.holidays[1]: ",
            extra.display()
        )));
    s.write("gigops.toml", "[report]\nlang = \"en\n");
    s.gigops(&["deal", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "gigops.toml:2:11: invalid basic string",
        ));
    s.write("gigops.toml", "");
    s.gigops(&["--config", "missing.toml", "deal", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--config missing.toml: no such file",
        ));

    // A value that reads well but cannot be used is said where it was written, for every
    // command (a fee of 100 % cannot be grossed up; shares must add up to 1000).
    s.write(
        "gigops.toml",
        "[quote]\ncurrency = \"USD\"\n\n[quote.platforms.upwork]\nfee = 1.0\n",
    );
    s.gigops(&["deal", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "gigops.toml:5: quote.platforms.upwork.fee = 1: expected at least 0 and below 1",
        ));
    s.write("gigops.toml", "");
    s.gigops(&["quote", "schema"])
        .env("GIGOPS_QUOTE__HOURS_PER_FP", "-2")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "environment variable GIGOPS_QUOTE__HOURS_PER_FP: quote.hours_per_fp = -2: expected a positive number",
        ));
}

/// Settings are validated once, as a whole, when they are loaded: `config show` (and so any
/// later `gigops serve`) refuses a configuration it cannot use, with a problem of every section
/// listed where it was written — not only the first, and not only when a command needs it.
#[test]
fn config_show_refuses_an_unusable_configuration_with_every_problem_listed() {
    let s = Sandbox::new();
    s.write(
        "gigops.toml",
        "[pipeline]\ntime_zone = \"Mars/Olympus_Mons\"\n\n[report]\ntemplates = \"no-such-dir\"\n\n[gate]\nmin_coverage = 120.0\nquarantine = [\"TestFlaky[\"]\n\n[gate.benchmarks]\nalpha = 1.5\n\n[quote]\nhours_per_fp = -1.0\n",
    );
    let assert = s.gigops(&["config", "show"]).assert().code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("6 problems"), "{stderr}");
    for expected in [
        "gigops.toml:2: pipeline.time_zone: unknown time zone \"Mars/Olympus_Mons\"",
        "gigops.toml:5: report.templates: no-such-dir: no such directory",
        "gigops.toml:8: gate.min_coverage: 120 is not a percentage in [0, 100]",
        "gigops.toml:9: gate.quarantine: \"TestFlaky[\" is not a glob pattern",
        "gigops.toml:12: gate.benchmarks.alpha: 1.5 is not in (0, 1)",
        "gigops.toml:15: quote.hours_per_fp = -1: expected a positive number",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
    assert!(assert.get_output().stdout.is_empty(), "nothing shown");

    // Fixed, the same file is shown.
    s.write(
        "gigops.toml",
        "[pipeline]\ntime_zone = \"Asia/Shanghai\"\n\n[gate]\nmin_coverage = 80.0\n",
    );
    let shown = s.ok(&["config", "show"]);
    assert!(shown.contains("time_zone = \"Asia/Shanghai\""), "{shown}");
}
