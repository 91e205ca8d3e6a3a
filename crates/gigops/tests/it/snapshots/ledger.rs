//! The ledger commands (clients, deals, time, import, export, reports, database, settings,
//! demo, completions): one ledger built per test, every command's `--json`, the refusals and
//! the tables. The story of [`ledger_story`] runs on SQLite and on PostgreSQL against the same
//! snapshots: both backends must print the same bytes.

use super::Shots;

/// Three clients' deals in three currencies, with stages and time, as a user imports them.
const DEALS: &str = "\
id,client,platform,kind,currency,value,opened_at,outcome,closed_at,lost_reason,tech_doc_score,github_score,demo_score
D-1,Acme,Upwork,project,USD,1200,2026-01-05,won,2026-02-01,,0.9,0.5,1
D-2,Acme,upwork,retainer,USD,800.5,2026-01-06,lost,2026-03-01,price too high,,,
D-3,Kaito KK,toptal,consulting,JPY,150000,2026-01-07,open,,,,,
D-4,杭州云栈科技,码市,project,CNY,38000.5,2026-02-02T09:00:00+08:00,open,,,0.4,,
";
const EVENTS: &str = "\
deal_id,stage,entered_at
D-1,lead,2026-01-05
D-1,proposal,2026-01-08T12:00:00Z
D-1,signed,2026-01-20
D-2,lead,2026-01-06
D-2,proposal,2026-01-10
D-3,lead,2026-01-07
D-4,lead,2026-02-02T09:00:00+08:00
";
const ENTRIES: &str = "\
deal_id,started_at,minutes,category,note
D-1,2026-01-21T09:00:00Z,240,coding,first cut
D-1,2026-01-22T09:00:00Z,60,testing,
D-4,2026-02-03T02:00:00Z,45,communication,\"需求评审, 第一轮\"
";

/// Builds a ledger through the CLI and snapshots every command on the way: what a user does
/// from an empty ledger to a reopened deal, with the refusals of bad input.
fn ledger_story(s: &Shots) {
    s.write("in/deals.csv", DEALS);
    s.write("in/stage_events.csv", EVENTS);
    s.write("in/time_entries.csv", ENTRIES);
    s.json(
        "client_add",
        &[
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
        ],
        0,
    );
    s.json("import", &["import", "in"], 0);
    // Importing the same files again changes nothing, and says so.
    s.json("import_again", &["import", "in"], 0);
    s.write(
        "bad/deals.csv",
        &format!(
            "{DEALS}D-5,Acme,upwork,project,USD,1.001,2026-01-08,open,,,,,\nD-1,Acme,upwork,project,USD,1,2026-01-08,open,,,,,\n"
        ),
    );
    s.write(
        "bad/stage_events.csv",
        &format!("{EVENTS}D-9,lead,2026-01-05\nD-1,won,2026-01-05\n"),
    );
    s.text("import_refused", &["import", "bad", "--json"], 2);

    s.json(
        "deal_add",
        &[
            "deal",
            "add",
            "--id",
            "D-10",
            "--client",
            "Acme",
            "--platform",
            "direct",
            "--kind",
            "retainer",
            "--value",
            "4800",
            "--currency",
            "USD",
            "--opened-at",
            "2026-03-02T09:00:00+01:00",
            "--tech-doc-score",
            "0.75",
            "--github-score",
            "0.5",
            "--demo-score",
            "1",
        ],
        0,
    );
    s.json(
        "deal_move",
        &["deal", "move", "D-10", "proposal", "--at", "2026-03-04"],
        0,
    );
    s.json(
        "time_add",
        &[
            "time",
            "add",
            "D-10",
            "--minutes",
            "90",
            "--category",
            "negotiation",
            "--at",
            "2026-03-05T10:00:00Z",
            "--note",
            "rate and scope",
        ],
        0,
    );
    s.json(
        "deal_close_won",
        &["deal", "close", "D-10", "won", "--at", "2026-03-10"],
        0,
    );
    s.json(
        "deal_close_lost",
        &[
            "deal",
            "close",
            "D-3",
            "lost",
            "--at",
            "2026-02-10",
            "--reason",
            "went with an agency",
        ],
        0,
    );
    s.json(
        "deal_reopen",
        &[
            "deal",
            "reopen",
            "D-3",
            "--reason",
            "the agency failed",
            "--at",
            "2026-04-01T08:30:00Z",
        ],
        0,
    );
    s.json("deal_show", &["deal", "show", "D-3"], 0);
    s.json("deal_show_won", &["deal", "show", "D-10"], 0);
    s.json("deal_list", &["deal", "list"], 0);
    s.json(
        "deal_list_filtered",
        &["deal", "list", "--platform", "UPWORK", "--outcome", "won"],
        0,
    );
    s.json("client_list", &["client", "list"], 0);
    s.json("client_show", &["client", "show", "杭州云栈科技"], 0);
    s.json("report_pipeline_small", &["report", "pipeline"], 0);
    s.json("db_migrate", &["db", "migrate"], 0);
    s.json("milestones_none", &["milestones"], 0);
    s.json("export_json", &["export", "out", "--format", "json"], 0);
    for file in [
        "clients",
        "deals",
        "stage_events",
        "time_entries",
        "reopenings",
    ] {
        s.file(&format!("export_{file}.json"), &format!("out/{file}.json"));
    }

    // Bad input: exit 2, nothing on stdout, the reason on stderr.
    let refused: [(&str, &[&str]); 7] = [
        ("refused_unknown_stage", &["deal", "move", "D-4", "won"]),
        ("refused_no_such_deal", &["deal", "show", "D-404"]),
        (
            "refused_duplicate_deal",
            &[
                "deal",
                "add",
                "--id",
                "D-10",
                "--client",
                "Acme",
                "--platform",
                "direct",
                "--value",
                "1",
                "--currency",
                "USD",
            ],
        ),
        (
            "refused_negative_minutes",
            &[
                "time",
                "add",
                "D-4",
                "--minutes",
                "-5",
                "--category",
                "coding",
            ],
        ),
        (
            "refused_close_before_open",
            &["deal", "close", "D-4", "lost", "--at", "2025-01-01"],
        ),
        ("refused_closed_twice", &["deal", "close", "D-1", "won"]),
        ("refused_no_such_client", &["client", "show", "Nobody"]),
    ];
    for (name, args) in refused {
        let mut args = args.to_vec();
        args.push("--json");
        s.text(name, &args, 2);
    }

    // The tables a person reads.
    s.text("table_deal_list", &["deal", "list"], 0);
    s.text("table_deal_show", &["deal", "show", "D-3"], 0);
    s.text("table_client_list", &["client", "list"], 0);
    s.text("table_report_pipeline_small", &["report", "pipeline"], 0);
    s.text("table_db_migrate", &["db", "migrate"], 0);
}

#[test]
fn ledger_commands_on_sqlite() {
    ledger_story(&Shots::new());
}

/// The same story on a fresh PostgreSQL database: the same snapshots, byte for byte.
#[test]
fn ledger_commands_on_postgres() {
    let Some(server) = gigops_test_support::postgres_server_for("ledger_commands_on_postgres")
    else {
        return;
    };
    let database = gigops_test_support::block_on(gigops_test_support::TempDatabase::create(
        server,
        "snapshots_ledger",
    ));
    let url = std::env::var(gigops_test_support::POSTGRES_URL_VAR).unwrap();
    let url = match url.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{}", database.name()),
        None => panic!("{url}: expected a URL ending in /DATABASE"),
    };
    let story = std::panic::catch_unwind(move || {
        ledger_story(&Shots::on(crate::Sandbox::new(), url));
    });
    gigops_test_support::block_on(database.remove());
    if let Err(panic) = story {
        std::panic::resume_unwind(panic);
    }
}

/// The demo's generated two-year ledger, exported and imported into the sandbox's ledger: the
/// pipeline report on realistic data (every statistic, whole and scoped), the market report,
/// backup, settings and completions.
#[test]
fn demo_ledger_reports_and_settings() {
    let s = Shots::new();
    s.json(
        "demo",
        &[
            "demo",
            "--dir",
            "demo",
            "--deals",
            "40",
            "--seed",
            "7",
            "--no-pdf",
            "--end",
            "2026-10-31",
        ],
        0,
    );
    let mut export =
        s.sandbox
            .gigops_without_db(&["--db", "demo/gigops.db", "export", "demo-export", "--json"]);
    export.current_dir(s.path("."));
    s.snap_command(
        "export_csv",
        &["export", "demo-export", "--json"],
        export,
        0,
    );
    s.file("export_demo_deals.csv", "demo-export/deals.csv");
    s.json("import_demo", &["import", "demo-export"], 0);
    s.json("report_pipeline", &["report", "pipeline"], 0);
    s.json(
        "report_pipeline_scoped",
        &[
            "report",
            "pipeline",
            "--from",
            "2025-06-01",
            "--to",
            "2026-06-30",
            "--platform",
            "upwork",
        ],
        0,
    );
    s.text(
        "report_pipeline_refused",
        &[
            "report",
            "pipeline",
            "--from",
            "2026-06-01",
            "--to",
            "2026-01-01",
            "--json",
        ],
        2,
    );
    s.json(
        "report_market",
        &["report", "market", "--lang", "zh-CN", "-o", "market.html"],
        0,
    );
    s.text("table_report_pipeline", &["report", "pipeline"], 0);
    s.json("db_backup", &["db", "backup", "copy.db"], 0);
    s.write(
        "gigops.toml",
        "[pipeline]\ntime_zone = \"Asia/Shanghai\"\n\n[quote]\nhours_per_fp = 7.5\n",
    );
    s.json("config_show", &["config", "show"], 0);
    s.text("config_show_toml", &["config", "show"], 0);
    // Completions print a shell script whatever --json says; fish's is one line per flag.
    s.text("completions_fish", &["completions", "fish", "--json"], 0);
}
