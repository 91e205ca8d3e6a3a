//! `gigops quote`: estimates from a repository, a spec and an OpenAPI document; bad input with
//! its place; the schema; settings.

use crate::Sandbox;

/// Runs a command that must be refused as bad input (exit 2); its stderr.
fn refused(mut command: assert_cmd::Command) -> String {
    let out = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    stderr
}

fn petstore() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../gigops-quote/tests/fixtures/petstore3.yaml"),
    )
    .unwrap()
}

#[test]
fn quote_estimate_from_an_openapi_document_has_the_stable_keys() {
    let s = Sandbox::new();
    s.write("api.yaml", &petstore());
    let quote = s.json(&[
        "quote",
        "estimate",
        "--openapi",
        "api.yaml",
        "--sla-tier",
        "silver",
        "--platform",
        "upwork",
    ]);
    assert_eq!(quote["schema"], "gigops.quote/1");
    // 86 UFP: the hand count of gigops-quote's petstore test (one file per entity).
    assert_eq!(quote["function_points"]["ufp"], 86.0);
    assert!(quote["function_points"]["vaf"].as_f64().is_some());
    assert!(quote["function_points"]["afp"].as_f64().is_some());
    let effort = &quote["effort"];
    for key in ["person_months", "schedule_months"] {
        assert!(
            effort["cocomo2"][key].as_f64().unwrap() > 0.0,
            "cocomo2.{key}"
        );
        assert!(
            effort["cocomo81"][key].as_f64().unwrap() > 0.0,
            "cocomo81.{key}"
        );
    }
    assert!(effort["cocomo81"]["cost"]["minor"].as_i64().unwrap() > 0);
    for key in ["fp_hours", "p10_hours", "p50_hours", "p90_hours"] {
        assert!(effort[key].as_f64().unwrap() > 0.0, "effort.{key}");
    }
    let price = &quote["price"];
    assert_eq!(price["currency"], "USD");
    let (p10, p50, p90) = (
        price["p10_minor"].as_i64().unwrap(),
        price["p50_minor"].as_i64().unwrap(),
        price["p90_minor"].as_i64().unwrap(),
    );
    assert!(p10 < p50 && p50 < p90);
    let breakdown = price["breakdown"].as_array().unwrap();
    assert_eq!(
        breakdown.last().unwrap()["amount_minor"].as_i64().unwrap(),
        p50
    );
    assert!(breakdown.iter().any(|l| l["item"] == "fee.platform"));
    assert_eq!(quote["api"].as_array().unwrap().len(), 19);
    assert!(quote["size"].is_null());
    // The same seed, the same quote; the human table prints the same P50.
    assert_eq!(
        quote,
        s.json(&[
            "quote",
            "estimate",
            "--openapi",
            "api.yaml",
            "--sla-tier",
            "silver",
            "--platform",
            "upwork"
        ])
    );
    let table = s.ok(&[
        "quote",
        "estimate",
        "--openapi",
        "api.yaml",
        "--sla-tier",
        "silver",
        // As the ledger spells it: the same platform as the settings' `upwork`.
        "--platform",
        "Upwork",
    ]);
    let major = format!("{}.{:02} USD", p50 / 100, p50 % 100);
    assert!(table.contains(&major), "{table}");
    assert!(table.contains("UFP 86.0"), "{table}");
    assert!(table.contains("weeks at 35 h a week"), "{table}");
    assert!(
        table.contains("silver (99.5 %, p95 500 ms): 40 h"),
        "{table}"
    );
}

#[test]
fn quote_estimate_sizes_a_repository_and_only_the_scope() {
    let s = Sandbox::new();
    s.write(
        "repo/main.go",
        "package main\n\nfunc main() {\n\tprintln(1)\n}\n",
    );
    s.write(
        "repo/billing/bill.go",
        "package billing\n\n// Total adds.\nfunc Total(a, b int) int {\n\treturn a + b\n}\n",
    );
    s.write("repo/README.md", "# Shop\n\nText.\n");
    let whole = s.json(&["quote", "estimate", "--repo", "repo", "--debt-ratio", "0.3"]);
    // tokei counts Markdown prose as comments: 4 + 4 lines of Go code, 1 + 2 comment lines.
    assert_eq!(whole["size"]["code_lines"], 8);
    assert_eq!(whole["size"]["comment_lines"], 3);
    assert_eq!(whole["size"]["source_lines"], 8);
    assert_eq!(whole["effort"]["ksloc_source"], "repository");
    assert_eq!(whole["function_points"]["source"], "backfired");
    assert_eq!(whole["debt"]["rating"], "D");
    let languages: Vec<&str> = whole["size"]["by_language"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["language"].as_str().unwrap())
        .collect();
    assert_eq!(languages, ["Go", "Markdown"]);
    let scoped = s.json(&["quote", "estimate", "--repo", "repo", "--scope", "billing"]);
    assert_eq!(scoped["size"]["code_lines"], 4);
    assert_eq!(scoped["inputs"]["scope"][0], "billing");

    // Vendored and third-party code is not the work: left out by default (quote.exclude).
    s.write(
        "repo/vendor/github.com/lib/pq/conn.go",
        "package pq\n\nfunc Open() {}\n",
    );
    s.write(
        "repo/internal/third_party/zlib/inflate.c",
        "int inflate(void) { return 0; }\n",
    );
    s.write(
        "repo/web/node_modules/left-pad/index.js",
        "module.exports = function () {};\n",
    );
    let vendored = s.json(&["quote", "estimate", "--repo", "repo"]);
    assert_eq!(vendored["size"]["code_lines"], 8);
    // A quote.exclude of your own replaces the default list.
    s.write("gigops.toml", "[quote]\nexclude = [\"*.md\"]\n");
    let counted = s.json(&["quote", "estimate", "--repo", "repo"]);
    // 8 + pq's 2 + inflate's 1 + left-pad's 1; README.md left out.
    assert_eq!(counted["size"]["code_lines"], 12);
    let languages: Vec<&str> = counted["size"]["by_language"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["language"].as_str().unwrap())
        .collect();
    assert_eq!(languages, ["Go", "C", "JavaScript"]);
}

/// Input limits, said in the words of the file's format (docs/quote.md, "Input limits").
#[test]
fn documents_past_the_input_limits_are_refused_with_their_reason() {
    let s = Sandbox::new();
    // Past the size limit: refused before it is read (a sparse file of 65 MiB).
    let big = std::fs::File::create(s.path("big.json")).unwrap();
    big.set_len(65 * 1024 * 1024).unwrap();
    let stderr = refused(s.gigops_without_db(&["quote", "estimate", "--openapi", "big.json"]));
    assert!(
        stderr.contains("big.json: 65.0 MiB: more than the 64 MiB gigops reads in one file"),
        "{stderr}"
    );
    // Nested past the depth limit: a JSON document is told it in JSON's words.
    s.write(
        "deep.json",
        &format!(
            "{{\"openapi\": \"3.0.3\", \"x\": {}{}}}",
            "[".repeat(200),
            "]".repeat(200)
        ),
    );
    let stderr = refused(s.gigops_without_db(&["quote", "estimate", "--openapi", "deep.json"]));
    assert!(
        stderr.contains("deep.json:1: column 154: nested more than 128 levels deep: the deepest gigops reads in a JSON document"),
        "{stderr}"
    );
    assert!(!stderr.contains("YAML"), "{stderr}");
}

#[test]
fn bad_input_is_every_problem_with_its_line_and_column() {
    let s = Sandbox::new();
    s.write("spec.yaml", "inputs:\n  - name: Pay\n    det: 0\n    ftr: 1\noutputs:\n  - name: Report\n    level: huge\n");
    s.write("api.yaml", "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Nope'\n");
    s.write("broken.yaml", "openapi: 3.1.0\npaths: [\n");
    let output = s
        .gigops_without_db(&[
            "quote",
            "estimate",
            "--spec",
            "spec.yaml",
            "--openapi",
            "api.yaml",
            "--gsc",
            "speed=3",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    // Three in the files, one on the command line.
    assert!(stderr.contains("4 problems found"), "{stderr}");
    assert!(
        stderr.contains(
            "api.yaml:10: column 23: $ref \"#/components/schemas/Nope\" points at nothing"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("spec.yaml:3: column 10: det 0: expected at least 1"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "spec.yaml:7: column 12: \"huge\" is not a level: expected low, average or high"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "command line: --gsc speed=3: \"speed\" is not a general system characteristic"
        ),
        "{stderr}"
    );

    let output = s
        .gigops_without_db(&["quote", "estimate", "--openapi", "broken.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("broken.yaml:3: column 1: invalid YAML"),
        "{stderr}"
    );

    for (args, expected) in [
        (
            vec!["--openapi", "api.yaml", "--rating", "RELY=extra_high"],
            "RELY has no extra_high rating: expected very_low, low, nominal, high, very_high",
        ),
        (vec!["--spec", "missing.yaml"], "missing.yaml: no such file"),
        (vec!["--repo", "nowhere"], "no such file or directory"),
        (vec!["--sla-tier", "gold"], "nothing to quote"),
    ] {
        let mut all = vec!["quote", "estimate"];
        all.extend(args.iter().copied());
        let output = s.gigops_without_db(&all).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{all:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains(expected), "{all:?}: {stderr}");
    }
}

#[test]
fn unknown_names_list_the_valid_ones() {
    let s = Sandbox::new();
    s.write("api.yaml", &petstore());
    for (flag, value, expected) in [
        (
            "--sla-tier",
            "platinum",
            "expected one of bronze, gold, silver",
        ),
        ("--platform", "fiverr", "upwork"),
        ("--language", "Klingon", "Rust"),
    ] {
        let output = s
            .gigops_without_db(&["quote", "estimate", "--openapi", "api.yaml", flag, value])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{flag}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains(expected), "{flag}: {stderr}");
    }
}

#[test]
fn the_schema_is_json_schema_and_settings_apply() {
    let s = Sandbox::new();
    let schema: serde_json::Value = serde_json::from_str(&s.ok(&["quote", "schema"])).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert!(schema["properties"]["inquiries"].is_object());

    s.write("api.yaml", &petstore());
    s.write("gigops.toml", "[quote]\ncurrency = \"CNY\"\nhours_per_fp = 4.0\n[[quote.rate_card]]\nrole = \"developer\"\nseniority = \"senior\"\nhourly_minor = 50000\nshare_permille = 1000\n");
    let quote = s.json(&["quote", "estimate", "--openapi", "api.yaml"]);
    assert_eq!(quote["price"]["currency"], "CNY");
    assert_eq!(quote["effort"]["hours_per_fp"], 4.0);
    let labour: Vec<&serde_json::Value> = quote["price"]["breakdown"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["item"].as_str().unwrap().starts_with("labour."))
        .collect();
    assert_eq!(labour.len(), 1);

    s.write(
        "gigops.toml",
        "[quote]\nhours_per_fp = 0\n[quote.weights]\nsize = 0\nscope = 0\nservice_level = 0\n",
    );
    let output = s
        .gigops_without_db(&["quote", "estimate", "--openapi", "api.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("quote.hours_per_fp = 0") && stderr.contains("quote.weights"),
        "{stderr}"
    );
    // The settings print back.
    s.write("gigops.toml", "");
    let shown = s.ok(&["config", "show"]);
    assert!(shown.contains("[quote.tiers.gold]"), "{shown}");
}

#[test]
fn a_gate_summary_a_risk_register_and_flags_over_the_spec() {
    let s = Sandbox::new();
    s.write(
        "spec.yaml",
        "language: Python\ninputs:\n  - {name: Pay, det: 8, ftr: 2}\noutputs:\n  - {name: Report, level: high}\ngsc: {performance: 5}\nratings: {RELY: high}\n",
    );
    s.write(
        "summary.json",
        r#"{"schema": "gigops.gate.summary/1", "debt": {"minutes": 600, "ratio": 0.07, "rating": "B"}}"#,
    );
    s.write(
        "risks.yaml",
        "- name: Sandbox down\n  probability: 0.5\n  impact_hours: [4, 10, 30]\n",
    );
    let quote = s.json(&[
        "quote",
        "estimate",
        "--spec",
        "spec.yaml",
        "--gate-summary",
        "summary.json",
        "--risks",
        "risks.yaml",
        "--gsc",
        "performance=0",
        "--rating",
        "rely=very_high",
    ]);
    // --gsc wins over the spec's performance: 5, so ΣGSC = 13 × 3 + 0 = 39 and VAF 1.04; the
    // spec's language backfires: (4 + 7) UFP × 1.04 = 11.44 AFP × 40 lines = 0.4576 KSLOC.
    assert_eq!(quote["effort"]["language"], "Python");
    assert!((quote["function_points"]["afp"].as_f64().unwrap() - 11.44).abs() < 1e-9);
    assert!((quote["effort"]["ksloc"].as_f64().unwrap() - 0.4576).abs() < 1e-9);
    // --rating wins over the spec's RELY: high.
    let rely = quote["effort"]["cocomo2"]["drivers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "RELY")
        .unwrap()
        .clone();
    assert_eq!(rely["level"], "very_high");
    assert_eq!(rely["value"], 1.26);
    assert_eq!(quote["debt"]["rating"], "B");
    assert_eq!(quote["debt"]["premium"], 0.05);
    assert_eq!(quote["risks"][0]["exposure_hours"], 5.0);
    assert_eq!(quote["effort"]["risk_hours"], 5.0);
    assert!(
        quote["price"]["breakdown"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["item"] == "premium.debt")
    );

    s.write(
        "summary.json",
        r#"{"schema": "gigops.gate.summary/1", "debt": null}"#,
    );
    let output = s
        .gigops_without_db(&[
            "quote",
            "estimate",
            "--spec",
            "spec.yaml",
            "--gate-summary",
            "summary.json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("summary.json: debt: the summary has no debt")
    );
}

/// Quotes saved with their deal: each estimate a new version, one accepted, shown as saved.
#[test]
fn quotes_are_saved_versioned_and_accepted() {
    let s = Sandbox::new();
    s.write("api.yaml", &petstore());
    s.ok(&[
        "deal",
        "add",
        "--id",
        "D-7",
        "--client",
        "Acme",
        "--platform",
        "direct",
        "--kind",
        "project",
        "--value",
        "9000",
        "--currency",
        "USD",
    ]);
    let estimate = [
        "quote",
        "estimate",
        "--openapi",
        "api.yaml",
        "--deal",
        "D-7",
    ];
    let first = s.json(&estimate);
    let mut second_args = estimate.to_vec();
    second_args.extend(["--sla-tier", "gold"]);
    let second = s.json(&second_args);
    assert_ne!(first, second);

    let listed = s.json(&["quote", "list", "--deal", "D-7"]);
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["version"], 1);
    assert_eq!(listed[1]["version"], 2);
    assert_eq!(listed[0]["quote"], first);
    assert_eq!(listed[1]["quote"], second);
    assert!(listed.iter().all(|q| q["accepted_at"].is_null()));

    s.ok(&[
        "quote",
        "accept",
        "D-7",
        "1",
        "--at",
        "2026-11-20T10:00:00Z",
    ]);
    let listed = s.json(&["quote", "list"]);
    assert_eq!(listed[0]["accepted_at"], "2026-11-20T10:00:00Z");
    assert!(listed[1]["accepted_at"].is_null());
    // `show` without a version is the latest; with one, that one, exactly as saved.
    assert_eq!(s.json(&["quote", "show", "D-7"]), second);
    assert_eq!(s.json(&["quote", "show", "D-7", "1"]), first);
    let table = s.ok(&["quote", "show", "D-7", "1"]);
    assert!(
        table.contains("v1") && table.contains("accepted 2026-11-20T10:00:00Z"),
        "{table}"
    );
    // The tables show the saved figures, read from the saved quote.
    let afp = format!(
        "AFP {:.1}",
        first["function_points"]["afp"].as_f64().unwrap()
    );
    let money = |quote: &serde_json::Value, which: &str| {
        let minor = quote["price"][which].as_i64().unwrap();
        format!("{}.{:02} USD", minor / 100, minor % 100)
    };
    let hours = |quote: &serde_json::Value, which: &str| {
        format!("{:.0}", quote["effort"][which].as_f64().unwrap())
    };
    let prices = format!(
        "P10 {}  P50 {}  P90 {}",
        money(&first, "p10_minor"),
        money(&first, "p50_minor"),
        money(&first, "p90_minor")
    );
    let effort = format!(
        "P10 {}  P50 {}  P90 {}",
        hours(&first, "p10_hours"),
        hours(&first, "p50_hours"),
        hours(&first, "p90_hours")
    );
    for shown in [&afp, &prices, &effort] {
        assert!(table.contains(shown.as_str()), "{shown:?} not in\n{table}");
    }
    let list = s.ok(&["quote", "list", "--deal", "D-7"]);
    let second_row = list
        .lines()
        .find(|l| l.contains("D-7") && l.contains(" 2 "))
        .unwrap();
    for shown in [hours(&second, "p50_hours"), money(&second, "p50_minor")] {
        assert!(
            second_row.contains(&shown),
            "{shown:?} not in {second_row:?}"
        );
    }
    s.ok(&[
        "deal",
        "add",
        "--id",
        "D-8",
        "--client",
        "Acme",
        "--platform",
        "direct",
        "--kind",
        "project",
        "--value",
        "100",
        "--currency",
        "USD",
    ]);
    for (args, message) in [
        (
            &["quote", "show", "D-7", "9"][..],
            "deal D-7 has no quote version 9",
        ),
        (&["quote", "show", "D-8"][..], "deal D-8 has no saved quote"),
        (&["quote", "show", "D-9"][..], "deal \"D-9\" does not exist"),
    ] {
        let out = s.gigops(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{message:?} not in {stderr:?}");
    }

    // An unknown deal or version is named.
    let out = s.gigops(&["quote", "accept", "D-7", "9"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("D-7 v9"));
    let out = s
        .gigops(&[
            "quote",
            "estimate",
            "--openapi",
            "api.yaml",
            "--deal",
            "D-404",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

fn add_deal(s: &crate::Sandbox, id: &str, value: &str, currency: &str) {
    s.ok(&[
        "deal",
        "add",
        "--id",
        id,
        "--client",
        "Acme",
        "--platform",
        "direct",
        "--kind",
        "project",
        "--value",
        value,
        "--currency",
        currency,
        "--opened-at",
        "2026-01-05T09:00:00Z",
    ]);
}

/// Moves a deal through signed (on the 12th) to delivered (`weeks` later).
fn deliver(s: &crate::Sandbox, id: &str, weeks: i64) {
    s.ok(&["deal", "move", id, "signed", "--at", "2026-01-12T09:00:00Z"]);
    let delivered = jiff::civil::date(2026, 1, 12)
        .checked_add(jiff::Span::new().weeks(weeks))
        .unwrap();
    s.ok(&[
        "deal",
        "move",
        id,
        "delivered",
        "--at",
        &format!("{delivered}T09:00:00Z"),
    ]);
}

fn log_hours(s: &crate::Sandbox, id: &str, hours: u32) {
    s.ok(&[
        "time",
        "add",
        id,
        "--minutes",
        &(hours * 60).to_string(),
        "--category",
        "coding",
    ]);
}

/// Calibration on delivered work only (issue 12): a won deal still in progress is left out and
/// said to be; below three delivered deals nothing is recommended (no "perfect fit" on one);
/// each quote is read with its own hours per person-month; the sample is listed.
#[test]
fn calibration_uses_delivered_deals_only_and_enough_of_them() {
    let s = crate::Sandbox::new();
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../gigops-quote/tests/fixtures");
    for name in ["petstore3.yaml", "variants.yaml", "scim.yaml"] {
        s.write(name, &std::fs::read_to_string(fixtures.join(name)).unwrap());
    }
    let quote =
        |deal: &str, api: &str| s.json(&["quote", "estimate", "--openapi", api, "--deal", deal]);

    // One delivered deal with 1.5 h logged: the issue's "0.013 h/FP, MMRE 0.0 %" is no more.
    add_deal(&s, "D-1", "12000", "USD");
    let petstore = quote("D-1", "petstore3.yaml");
    deliver(&s, "D-1", 6);
    s.ok(&[
        "time",
        "add",
        "D-1",
        "--minutes",
        "90",
        "--category",
        "coding",
    ]);
    let out = s
        .gigops(&["quote", "calibrate", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["hours_per_fp"].is_null() && report["cocomo_multiplier"].is_null());
    assert_eq!(report["sample"].as_array().unwrap().len(), 1);
    assert_eq!(report["refused"][0]["needed"], 3);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no calibration recommended: 1 delivered deal calibrated on, 3 needed"),
        "{stderr}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("mmre"));

    // More delivered deals, of other sizes; D-3's quote made at 160 h a person-month.
    s.ok(&[
        "time",
        "add",
        "D-1",
        "--minutes",
        &(198 * 60 + 30).to_string(),
        "--category",
        "testing",
    ]);
    add_deal(&s, "D-2", "7000", "USD");
    let variants = quote("D-2", "variants.yaml");
    s.write("gigops.toml", "[quote]\nhours_per_person_month = 160.0\n");
    add_deal(&s, "D-3", "6000", "USD");
    let scim = quote("D-3", "scim.yaml");
    s.write("gigops.toml", "");
    assert_eq!(scim["effort"]["hours_per_person_month"], 160.0);
    for (id, weeks, hours) in [("D-2", 4, 110), ("D-3", 3, 100)] {
        deliver(&s, id, weeks);
        log_hours(&s, id, hours);
    }
    // Won and in progress, with a fraction of its hours logged: left out.
    add_deal(&s, "D-4", "15000", "USD");
    quote("D-4", "petstore3.yaml");
    s.ok(&[
        "deal",
        "move",
        "D-4",
        "signed",
        "--at",
        "2026-02-01T09:00:00Z",
    ]);
    log_hours(&s, "D-4", 20);
    s.ok(&[
        "deal",
        "close",
        "D-4",
        "won",
        "--at",
        "2026-02-01T10:00:00Z",
    ]);
    // Lost after work was logged: left out.
    add_deal(&s, "D-5", "9000", "USD");
    quote("D-5", "scim.yaml");
    log_hours(&s, "D-5", 5);
    s.ok(&[
        "deal",
        "close",
        "D-5",
        "lost",
        "--at",
        "2026-02-02T09:00:00Z",
        "--reason",
        "price",
    ]);

    let report = s.json(&["quote", "calibrate"]);
    assert_eq!(report["delivered_stage"], "delivered");
    let sample: Vec<(&str, f64, f64, &str)> = report["sample"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["deal_id"].as_str().unwrap(),
                r["hours_logged"].as_f64().unwrap(),
                r["hours_per_person_month"].as_f64().unwrap(),
                r["hours_per_person_month_from"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        sample,
        [
            ("D-1", 200.0, 152.0, "quote"),
            ("D-2", 110.0, 152.0, "quote"),
            ("D-3", 100.0, 160.0, "quote"),
        ]
    );
    let excluded: Vec<(&str, &str)> = report["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["deal_id"].as_str().unwrap(),
                e["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        excluded,
        [
            ("D-4", "not delivered: reached signed, not delivered"),
            ("D-5", "lost")
        ]
    );
    // hours ≈ k × AFP through the origin: k = Σ(AFP × hours) / Σ AFP², over the three quotes'
    // own AFP (92.02, 53.5 and 49.22 by the hand counts of gigops-quote's tests).
    let afp = |q: &serde_json::Value| q["function_points"]["afp"].as_f64().unwrap();
    let points = [
        (afp(&petstore), 200.0),
        (afp(&variants), 110.0),
        (afp(&scim), 100.0),
    ];
    let k = points.iter().map(|(x, y)| x * y).sum::<f64>()
        / points.iter().map(|(x, _)| x * x).sum::<f64>();
    let line = &report["hours_per_fp"];
    assert_eq!(line["samples"], 3);
    assert!(
        (line["value"].as_f64().unwrap() - k).abs() < 1e-9,
        "{report}"
    );
    assert!((k - 2.124).abs() < 0.01, "{k}");
    assert!(line["r_squared"].as_f64().unwrap() > 0.9);
    // The COCOMO multiplier reads D-3's quote at its own 160 h a person-month.
    let cocomo = |q: &serde_json::Value, hpm: f64| {
        q["effort"]["cocomo2"]["person_months"].as_f64().unwrap() * hpm
    };
    let points = [
        (cocomo(&petstore, 152.0), 200.0),
        (cocomo(&variants, 152.0), 110.0),
        (cocomo(&scim, 160.0), 100.0),
    ];
    let m = points.iter().map(|(x, y)| x * y).sum::<f64>()
        / points.iter().map(|(x, _)| x * x).sum::<f64>();
    assert!(
        (report["cocomo_multiplier"]["value"].as_f64().unwrap() - m).abs() < 1e-9,
        "{report}"
    );
    let table = s.ok(&["quote", "calibrate"]);
    assert!(
        table.contains("not delivered: reached signed, not delivered"),
        "{table}"
    );
    assert!(table.contains("quote.hours_per_fp"), "{table}");

    // The delivered stage is a setting, and must be a stage.
    s.write("gigops.toml", "[quote]\ndelivered_stage = \"shipped\"\n");
    let stderr = refused(s.gigops(&["quote", "calibrate"]));
    assert!(
        stderr.contains("quote.delivered_stage = \"shipped\" is not a stage of pipeline.stages"),
        "{stderr}"
    );
}

/// A deal's quotes are in its currency: refused with both currencies named, or converted at the
/// rate the user gives, recorded in the quote.
#[test]
fn a_quote_is_in_its_deals_currency() {
    let s = crate::Sandbox::new();
    s.write("api.yaml", &petstore());
    add_deal(&s, "D-CN", "38000", "CNY");
    let stderr = refused(s.gigops(&[
        "quote",
        "estimate",
        "--openapi",
        "api.yaml",
        "--deal",
        "D-CN",
    ]));
    assert!(
        stderr.contains("deal D-CN is in CNY, the rate card (quote.currency) in USD")
            && stderr.contains("--exchange-rate RATE (1 USD = RATE CNY)"),
        "{stderr}"
    );
    assert!(
        s.json(&["quote", "list", "--deal", "D-CN"])
            .as_array()
            .unwrap()
            .is_empty()
    );

    let quote = s.json(&[
        "quote",
        "estimate",
        "--openapi",
        "api.yaml",
        "--deal",
        "D-CN",
        "--exchange-rate",
        "7.1",
    ]);
    assert_eq!(quote["currency"], "CNY");
    assert_eq!(quote["price"]["currency"], "CNY");
    assert_eq!(quote["exchange"]["from"], "USD");
    assert_eq!(quote["exchange"]["to"], "CNY");
    assert_eq!(quote["exchange"]["rate"], "7.1");
    // 65.00, 50.00 and 70.00 USD an hour at 7.1: 461.50, 355.00 and 497.00 CNY.
    let rates: Vec<i64> = quote["price"]["rate_card"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["hourly_minor"].as_i64().unwrap())
        .collect();
    assert_eq!(rates, [46_150, 35_500, 49_700]);
    assert_eq!(
        quote["exchange"]["rate_card_from"][0]["hourly_minor"],
        6_500
    );
    // The same hours as in USD, priced in CNY from the converted rates.
    let usd = s.json(&["quote", "estimate", "--openapi", "api.yaml"]);
    assert_eq!(quote["effort"]["p50_hours"], usd["effort"]["p50_hours"]);
    let labour = quote["price"]["parts"]["labour_minor"].as_i64().unwrap();
    let hours = quote["effort"]["p50_hours"].as_f64().unwrap();
    // Blended 0.7 × 461.50 + 0.2 × 355.00 + 0.1 × 497.00 = 443.75 CNY an hour.
    assert_eq!(labour, (hours * 44_375.0).round() as i64);
    assert_eq!(
        s.json(&["quote", "show", "D-CN"])["exchange"]["rate"],
        "7.1"
    );

    // A currency other than the deal's, a rate with nothing to convert, a rate that is no rate.
    for (args, expected) in [
        (
            vec!["--deal", "D-CN", "--currency", "EUR"],
            "--currency EUR: deal D-CN is in CNY",
        ),
        (vec!["--exchange-rate", "7.1"], "nothing to convert"),
        (
            vec!["--currency", "CNY", "--exchange-rate", "seven"],
            "expected a positive decimal number, 1 USD in CNY",
        ),
        (
            vec!["--currency", "CNY"],
            "--exchange-rate RATE (1 USD = RATE CNY) is needed to convert the rates",
        ),
    ] {
        let mut all = vec!["quote", "estimate", "--openapi", "api.yaml"];
        all.extend(args.iter().copied());
        let stderr = refused(s.gigops(&all));
        assert!(stderr.contains(expected), "{all:?}: {stderr}");
    }
}

/// A quote far outside the user's delivered work says so, on stderr and in `warnings`.
#[test]
fn a_quote_far_outside_the_delivered_history_warns() {
    let s = crate::Sandbox::new();
    s.write("api.yaml", &petstore());
    // Without a ledger nothing is compared, and no ledger is created.
    let out = s
        .gigops_without_db(&["quote", "estimate", "--openapi", "api.yaml", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let quote: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(quote["warnings"], serde_json::json!([]));
    assert!(!s.path("home/.local/share/gigops/gigops.db").exists());

    // Three small jobs of 1,500–2,400 USD, delivered in 1 to 2 weeks.
    for (id, value, weeks) in [("D-1", "1500", 1), ("D-2", "2400", 2), ("D-3", "2000", 1)] {
        add_deal(&s, id, value, "USD");
        deliver(&s, id, weeks);
    }
    let out = s
        .gigops(&["quote", "estimate", "--openapi", "api.yaml", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let quote: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let warnings = quote["warnings"].as_array().unwrap();
    let figures: Vec<&str> = warnings
        .iter()
        .map(|w| w["figure"].as_str().unwrap())
        .collect();
    assert_eq!(figures, ["price", "calendar"]);
    assert_eq!(warnings[0]["deals"], 3);
    assert_eq!(warnings[0]["delivered_max"], 240_000.0);
    assert_eq!(warnings[1]["delivered_max"], 2.0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: the P50 price, ")
            && stderr
                .contains("is more than 2× the largest of your 3 delivered deals (2400.00 USD)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: the P50 calendar time, "),
        "{stderr}"
    );
}

/// docs/quote.md states the Petstore's default quote and works one quote through by hand; both
/// must stay what `quote estimate` prints, or the documentation lies to the reader who redoes it.
#[test]
fn the_petstore_quotes_in_docs_quote_md_are_what_gigops_prints() {
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/quote.md"),
    )
    .unwrap();
    let section = |heading: &str| -> &str {
        let start = docs.find(heading).unwrap_or_else(|| panic!("{heading}"));
        let rest = &docs[start + heading.len()..];
        &rest[..rest.find("\n## ").unwrap_or(rest.len())]
    };
    let money = |minor: i64| {
        let major = minor / 100;
        let grouped = major
            .to_string()
            .as_bytes()
            .rchunks(3)
            .rev()
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(",");
        format!("{grouped}.{:02} USD", minor % 100)
    };
    let s = Sandbox::new();
    s.write("api.yaml", &petstore());

    let default = s.json(&["quote", "estimate", "--openapi", "api.yaml"]);
    let table = section("## The Petstore's default quote");
    let hours = |key: &str| default["effort"][key].as_f64().unwrap().round() as i64;
    let row = format!(
        "| hours | {} | **{}** | {} |",
        hours("p10_hours"),
        hours("p50_hours"),
        hours("p90_hours")
    );
    assert!(table.contains(&row), "{row} not in:\n{table}");
    let weeks = |key: &str| default["effort"]["calendar"][key].as_f64().unwrap();
    let row = format!(
        "| calendar weeks (35 h a week) | {:.1} | **{:.1}** | {:.1} |",
        weeks("p10_weeks"),
        weeks("p50_weeks"),
        weeks("p90_weeks")
    );
    assert!(table.contains(&row), "{row} not in:\n{table}");
    // The market comparison: the P50 price over the weeks shown, 4.35 weeks a month, to the
    // nearest ten as the text reckons it; and the blended hourly rate.
    let shown_weeks = (weeks("p50_weeks") * 10.0).round() / 10.0;
    let monthly = default["price"]["p50_minor"].as_f64().unwrap() / 100.0 / shown_weeks * 4.35;
    let said = format!(
        "about {} USD a calendar month",
        money(((monthly / 10.0).round() * 1000.0) as i64).trim_end_matches(".00 USD")
    );
    assert!(table.contains(&said), "{said} not in:\n{table}");
    let hourly = default["price"]["parts"]["blended_hourly_minor"]
        .as_f64()
        .unwrap()
        / 100.0;
    let said = format!("at {hourly:.2} USD an hour");
    assert!(table.contains(&said), "{said} not in:\n{table}");
    let price = &default["price"];
    let row = format!(
        "| price | {} | **{}** | {} |",
        money(price["p10_minor"].as_i64().unwrap()),
        money(price["p50_minor"].as_i64().unwrap()),
        money(price["p90_minor"].as_i64().unwrap())
    );
    assert!(table.contains(&row), "{row} not in:\n{table}");

    let worked = s.json(&[
        "quote",
        "estimate",
        "--openapi",
        "api.yaml",
        "--sla-tier",
        "silver",
        "--platform",
        "upwork",
    ]);
    let example = section("## A worked example, by hand");
    // Every step's bold figure, as gigops computed it.
    let effort = &worked["effort"];
    let figure = |pointer: &str| {
        worked
            .pointer(pointer)
            .and_then(serde_json::Value::as_f64)
            .unwrap_or_else(|| panic!("{pointer} in {worked:#}"))
    };
    let cocomo_hours =
        figure("/effort/cocomo2/person_months") * figure("/effort/hours_per_person_month");
    for said in [
        format!("**{:.2} AFP**", figure("/function_points/afp")),
        format!("**{cocomo_hours:.2} h**"),
        format!("**{:.2} h**", figure("/effort/fp_hours")),
        format!("**{:.2} h**", figure("/effort/build_hours")),
        format!("**{:.0} h**", figure("/effort/operations_hours")),
        format!("**{:.2} h**", figure("/effort/most_likely_hours")),
        format!("+{:.2} h", figure("/effort/uncertainty_hours")),
        format!("{:.1} weeks", figure("/effort/calendar/p50_weeks")),
    ] {
        assert!(example.contains(&said), "{said} not in:\n{example}");
    }
    assert!(effort["cocomo2"]["ksloc"].as_f64().is_some());
    let p50_hours = worked["effort"]["p50_hours"].as_f64().unwrap();
    let said = format!("**{p50_hours:.2} h**");
    assert!(example.contains(&said), "{said} not in:\n{example}");
    // The labour lines, each in major units as the split gives them.
    for line in worked["price"]["parts"]["labour"].as_array().unwrap() {
        let amount = money(line["amount_minor"].as_i64().unwrap());
        let said = format!("→ {}", amount.trim_end_matches(" USD"));
        assert!(
            example.contains(&said),
            "{line} as {said} not in:\n{example}"
        );
    }
    let total = format!(
        "**Total** (no tax by default): **{}**",
        money(worked["price"]["p50_minor"].as_i64().unwrap())
    );
    assert!(example.contains(&total), "{total} not in:\n{example}");
    for line in worked["price"]["breakdown"].as_array().unwrap() {
        if line["item"] == "fee.platform" || line["item"] == "premium.sla" {
            let amount = format!("**{}**", money(line["amount_minor"].as_i64().unwrap()));
            assert!(
                example.contains(&amount),
                "{line} as {amount} not in:\n{example}"
            );
        }
    }
}
