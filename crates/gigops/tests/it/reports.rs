use crate::{Sandbox, chromium, read, screenshot};

#[test]
fn demo_creates_a_workspace_and_its_reports() {
    let s = Sandbox::new();
    let dir = s.path("demo");
    let output = s
        .gigops_without_db(&[
            "demo",
            "--dir",
            dir.to_str().unwrap(),
            "--end",
            "2026-10-31",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for file in [
        "gigops.db",
        "pipeline.json",
        "market-report.html",
        "market-report.zh-CN.html",
        "market-report.pdf",
    ] {
        assert!(
            dir.join(file).is_file(),
            "{file} missing; stdout:\n{stdout}"
        );
        assert!(
            stdout.contains(&dir.join(file).display().to_string()),
            "{file} not printed:\n{stdout}"
        );
    }

    let report: serde_json::Value =
        serde_json::from_str(&read(&dir.join("pipeline.json"))).unwrap();
    assert_eq!(report["deals"], 150);
    let platforms: Vec<&str> = report["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["platform"].as_str().unwrap())
        .collect();
    // As a person writes them: the demo's ledger says Upwork and Toptal.
    for platform in ["Upwork", "Toptal", "码市", "oss-crowdsourcing", "direct"] {
        assert!(platforms.contains(&platform), "{platforms:?}");
    }
    assert!(!report["lost_reasons"].as_array().unwrap().is_empty());
    assert!(report["time"]["total_hours"].as_f64().unwrap() > 100.0);

    // The demo's database is a ledger like any other: the report over it is the one written.
    let again = s
        .gigops_without_db(&[
            "--db",
            dir.join("gigops.db").to_str().unwrap(),
            "report",
            "pipeline",
            "--json",
        ])
        .output()
        .unwrap();
    let again: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(again, report);

    let html = read(&dir.join("market-report.html"));
    assert!(html.contains("<svg"), "charts are inline SVG");
    for needle in [
        "src=\"http",
        "href=\"http",
        "url(http",
        "<script src",
        "@import",
    ] {
        assert!(
            !html.contains(needle),
            "the report requests another host: {needle}"
        );
    }
    let zh = read(&dir.join("market-report.zh-CN.html"));
    assert!(zh.contains("lang=\"zh-CN\""));
    assert!(
        std::fs::read(dir.join("market-report.pdf"))
            .unwrap()
            .starts_with(b"%PDF")
    );

    if let Some(browser) = chromium() {
        screenshot(
            &browser,
            &dir.join("market-report.zh-CN.html"),
            &s.path("shot.png"),
        );
    }
}

#[test]
fn report_pipeline_json_has_the_documented_keys() {
    let s = Sandbox::new();
    let dir = s.path("demo");
    s.gigops_without_db(&[
        "demo",
        "--dir",
        dir.to_str().unwrap(),
        "--end",
        "2026-10-31",
        "--no-pdf",
        "--deals",
        "60",
    ])
    .assert()
    .success();
    let db = dir.join("gigops.db");
    let run = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["--db", db.to_str().unwrap(), "report", "pipeline", "--json"];
        all.extend_from_slice(args);
        let out = s.gigops_without_db(&all).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let report = run(&[]);
    let stage = &report["stages"][0];
    for key in ["stage", "reached", "conversion", "hours"] {
        assert!(stage.get(key).is_some(), "stages[].{key}");
    }
    for key in ["n", "mean", "median", "std", "p90"] {
        assert!(stage["hours"].get(key).is_some(), "stages[].hours.{key}");
    }
    for key in [
        "cycle_hours",
        "win_rate",
        "win_rate_by_platform",
        "bottleneck",
        "lost_reasons",
        "time",
        "drivers",
    ] {
        assert!(report.get(key).is_some(), "{key}");
    }
    assert!(
        report["cycle_hours"].get("median").is_some() && report["cycle_hours"].get("p90").is_some()
    );
    assert!(
        report["time"].get("by_category").is_some()
            && report["time"].get("hours_per_day").is_some()
    );

    // Scope: a platform filter keeps only that platform's deals.
    let upwork = run(&["--platform", "upwork"]);
    assert_eq!(upwork["platforms"].as_array().unwrap().len(), 1);
    assert_eq!(upwork["platforms"][0]["platform"], "Upwork");
    assert_eq!(upwork["scope"]["platform"], "Upwork");
    assert_eq!(upwork["deals"], upwork["platforms"][0]["deals"]);
    // --to with a bare date includes that day; an empty range has no deals.
    let early = run(&["--from", "2020-01-01", "--to", "2020-12-31"]);
    assert_eq!(early["deals"], 0);
    let table = s
        .gigops_without_db(&["--db", db.to_str().unwrap(), "report", "pipeline"])
        .output()
        .unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(
        table.contains("legal_review") && table.contains("win rate"),
        "{table}"
    );
}

#[test]
fn market_report_writes_the_formats_asked_for() {
    let s = Sandbox::new();
    let dir = s.path("demo");
    s.gigops_without_db(&[
        "demo",
        "--dir",
        dir.to_str().unwrap(),
        "--end",
        "2026-10-31",
        "--no-pdf",
        "--deals",
        "40",
    ])
    .assert()
    .success();
    let db = dir.join("gigops.db");
    let out = s.path("out/report.html");
    s.gigops_without_db(&[
        "--db",
        db.to_str().unwrap(),
        "report",
        "market",
        "--lang",
        "zh-CN",
        "-o",
        out.to_str().unwrap(),
    ])
    .assert()
    .success();
    assert!(read(&out).contains("lang=\"zh-CN\""));
    s.gigops_without_db(&[
        "--db",
        db.to_str().unwrap(),
        "report",
        "market",
        "-o",
        s.path("x.docx").to_str().unwrap(),
    ])
    .assert()
    .code(2);
    assert!(!s.path("x.docx").exists());
}
