//! `gigops quote`: estimates from a repository, a spec and an OpenAPI document; bad input with
//! its place; the schema; settings.

use crate::Sandbox;

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
    assert_eq!(quote["function_points"]["ufp"], 109.0);
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
        "--platform",
        "upwork",
    ]);
    let major = format!("{}.{:02} USD", p50 / 100, p50 % 100);
    assert!(table.contains(&major), "{table}");
    assert!(table.contains("UFP 109.0"), "{table}");
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

/// Quotes saved with their deal: each estimate a new version, one accepted, shown as saved,
/// and the delivered deal's logged hours calibrating hours per function point.
#[test]
fn quotes_are_saved_versioned_accepted_and_calibrate_on_delivered_deals() {
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

    // Not delivered yet: nothing to calibrate on.
    let out = s.gigops(&["quote", "calibrate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // Delivered: 30 hours logged on the deal, against the accepted (first) quote's AFP.
    s.ok(&[
        "time",
        "add",
        "D-7",
        "--minutes",
        "1200",
        "--category",
        "coding",
    ]);
    s.ok(&[
        "time",
        "add",
        "D-7",
        "--minutes",
        "600",
        "--category",
        "testing",
    ]);
    s.ok(&["deal", "close", "D-7", "won"]);
    let fit = s.json(&["quote", "calibrate"]);
    let afp = first["function_points"]["afp"].as_f64().unwrap();
    let line = &fit["hours_per_fp"];
    assert_eq!(line["samples"], 1);
    assert!(
        (line["value"].as_f64().unwrap() - 30.0 / afp).abs() < 1e-9,
        "{fit}"
    );
    // The COCOMO multiplier: hours over the first quote's COCOMO II hours at calibration 1.
    let pm = first["effort"]["cocomo2"]["person_months"]
        .as_f64()
        .unwrap();
    let multiplier = fit["cocomo_multiplier"]["value"].as_f64().unwrap();
    assert!((multiplier - 30.0 / (pm * 152.0)).abs() < 1e-9, "{fit}");

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
