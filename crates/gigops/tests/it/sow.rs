//! `gigops sow`, `gigops accept` and `gigops milestones`, end to end: the template checks clean,
//! bad SOWs give every problem with its line, a signed SOW detects tampering, acceptance is
//! judged on summaries written by `gigops gate` itself, and accepted milestones are listed as
//! ready to invoice.

use crate::{Sandbox, read};

/// A small SOW: one milestone judged on gate evidence and a manual demo, one on a command.
const SOW: &str = "\
id: shop-api
title: Shop API
language: en
parties:
  provider: { name: Jane Doe Software, representative: Jane Doe }
  client: { name: ACME Ltd, representative: John Roe }
period: { start: 2027-01-04, end: 2027-03-31 }
currency: USD
total: \"5000.00\"
milestones:
  - id: M1
    title: API skeleton
    due: 2027-01-29
    amount: \"2000.00\"
    deliverables: [OpenAPI document]
    acceptance:
      - { id: tests, text: All tests pass, gate: no_failed_tests }
      - { id: coverage, text: Coverage at least 80 %, gate: { coverage_at_least: 80 } }
      - { id: demo, text: Demo accepted by the client, manual: true }
  - id: M2
    title: Launch
    due: 2027-03-31
    amount: \"3000.00\"
    deliverables: [Deployment]
    acceptance:
      - { id: smoke, text: Smoke test passes, command: [sh, -c, \"exit 0\"] }
payment: { net_days: 14 }
";

const PASSING_JUNIT: &str = r#"<?xml version="1.0"?>
<testsuite name="shop" tests="2">
  <testcase classname="shop" name="test_add" time="0.1"/>
  <testcase classname="shop" name="test_pay" time="0.2"/>
</testsuite>
"#;

const FAILING_JUNIT: &str = r#"<?xml version="1.0"?>
<testsuite name="shop" tests="2">
  <testcase classname="shop" name="test_add" time="0.1"/>
  <testcase classname="shop" name="test_pay" time="0.2"><failure message="boom">boom</failure></testcase>
</testsuite>
"#;

/// 9 of 10 lines covered: 90 %.
const LCOV: &str = "SF:/src/shop.py\nDA:1,1\nDA:2,1\nDA:3,1\nDA:4,1\nDA:5,1\nDA:6,1\nDA:7,1\nDA:8,1\nDA:9,1\nDA:10,0\nend_of_record\n";

/// Runs the real gate over `junit` and the LCOV file and saves its summary JSON as `name`.
fn gate_summary(s: &Sandbox, name: &str, junit: &str) {
    s.write("report.xml", junit);
    s.write("lcov.info", LCOV);
    let output = s
        .gigops_without_db(&[
            "gate",
            "ingest",
            "report.xml",
            "lcov.info",
            "--no-debt",
            "--json",
        ])
        .output()
        .unwrap();
    // 0 or 1 (the gate's own verdict); never a usage or input error.
    assert!(output.status.code().unwrap() <= 1, "{output:?}");
    std::fs::write(s.path(name), &output.stdout).unwrap();
}

#[test]
fn the_templates_check_clean_and_bad_input_is_every_problem_with_its_line() {
    let s = Sandbox::new();
    for lang in ["en", "zh-CN"] {
        let file = format!("sow-{lang}.yaml");
        s.ok(&["sow", "new", "--lang", lang, "-o", &file]);
        let checked = s.json(&["sow", "check", &file]);
        assert_eq!(checked["ok"], true, "{lang}: {checked}");
    }
    // An existing file is never overwritten.
    let again = s
        .gigops(&["sow", "new", "-o", "sow-en.yaml"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));

    // Line 9: a total the milestones do not sum to; line 13: a due date after the period;
    // line 20: the same milestone id twice.
    let bad = SOW
        .replace("total: \"5000.00\"", "total: \"5100.00\"")
        .replace("due: 2027-01-29", "due: 2027-04-29")
        .replace("id: M2", "id: M1");
    s.write("bad.yaml", &bad);
    let output = s.gigops(&["sow", "check", "bad.yaml"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for line in ["bad.yaml:9:", "bad.yaml:13:", "bad.yaml:20:"] {
        assert!(stderr.contains(line), "{line} in:\n{stderr}");
    }
    let json = s
        .gigops(&["sow", "check", "bad.yaml", "--json"])
        .output()
        .unwrap();
    assert_eq!(json.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let lines: Vec<u64> = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["line"].as_u64().unwrap())
        .collect();
    for line in [9, 13, 20] {
        assert!(lines.contains(&line), "{line} in {lines:?}");
    }
    // Any command reading a bad SOW refuses it the same way, and writes nothing.
    let render = s
        .gigops(&["sow", "render", "bad.yaml", "-o", "bad.html"])
        .output()
        .unwrap();
    assert_eq!(render.status.code(), Some(2));
    assert!(!s.path("bad.html").exists());

    let schema = s.json(&["sow", "schema"]);
    assert!(
        schema["$schema"]
            .as_str()
            .unwrap()
            .contains("json-schema.org")
    );
}

#[test]
fn diff_is_by_meaning_and_slo_export_is_openslo() {
    let s = Sandbox::new();
    s.write("v1.yaml", SOW);
    // Reformatted only: no change.
    s.write(
        "same.yaml",
        &SOW.replace("payment: { net_days: 14 }", "payment:\n  net_days: 14"),
    );
    let same = s.json(&["sow", "diff", "v1.yaml", "same.yaml"]);
    assert_eq!(same["changes"].as_array().unwrap().len(), 0, "{same}");
    let moved = SOW
        .replace("amount: \"2000.00\"", "amount: \"2500.00\"")
        .replace("total: \"5000.00\"", "total: \"5500.00\"");
    s.write("v2.yaml", &moved);
    let changes = s.json(&["sow", "diff", "v1.yaml", "v2.yaml"]);
    let paths: Vec<&str> = changes["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"milestones.M1.amount"), "{paths:?}");
    assert!(paths.contains(&"total"), "{paths:?}");

    s.ok(&["sow", "new", "-o", "full.yaml"]);
    let openslo = s.ok(&["sow", "slo", "full.yaml", "--format", "openslo"]);
    assert!(openslo.contains("apiVersion: \"openslo/v1\""), "{openslo}");
    assert!(openslo.contains("kind: \"SLO\""), "{openslo}");
}

#[test]
fn a_signed_sow_detects_any_later_change() {
    let s = Sandbox::new();
    s.write("sow.yaml", SOW);
    s.ok(&[
        "sow", "sign", "sow.yaml", "--signer", "Jane Doe", "--role", "provider",
    ]);
    s.ok(&[
        "sow", "sign", "sow.yaml", "--signer", "John Roe", "--role", "client", "--lang", "zh-CN",
    ]);
    let verified = s.json(&["sow", "verify", "sow.yaml"]);
    assert_eq!(verified["intact"], true, "{verified}");
    assert_eq!(verified["signatures"].as_array().unwrap().len(), 2);
    // Each signed document is kept beside the SOW, named by its digest.
    for lang in ["en", "zh-CN"] {
        let digest = verified["document_sha256"][lang].as_str().unwrap();
        let kept = std::fs::read(s.path(&format!("sow.yaml.signed-{}.html", &digest[..16])));
        assert_eq!(
            gigops_contract::sha256_hex(&kept.unwrap()),
            digest,
            "{lang}"
        );
    }

    // The rendering shows who signed; rendering does not disturb the signatures.
    s.ok(&[
        "sow", "render", "sow.yaml", "-o", "sow.html", "-o", "sow.md",
    ]);
    let html = read(&s.path("sow.html"));
    assert!(html.contains("John Roe") && html.contains("Jane Doe"));
    s.ok(&["sow", "verify", "sow.yaml"]);
    let rendered = s.json(&["sow", "render", "sow.yaml", "-o", "sow.pdf"]);
    assert_eq!(rendered["written"][0], "sow.pdf");

    // One byte changed: every signature fails, and the exit code says so.
    std::fs::write(
        s.path("sow.yaml"),
        SOW.replace("net_days: 14", "net_days: 45"),
    )
    .unwrap();
    let output = s
        .gigops(&["sow", "verify", "sow.yaml", "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let verified: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(verified["intact"], false);
    for signature in verified["signatures"].as_array().unwrap() {
        assert_eq!(signature["source_matches"], false, "{signature}");
    }
}

#[test]
fn a_signature_survives_templates_that_render_differently_through_the_kept_copy() {
    let s = Sandbox::new();
    s.write("sow.yaml", SOW);
    s.ok(&[
        "sow", "sign", "sow.yaml", "--signer", "Jane Doe", "--role", "provider",
    ]);
    // As if an earlier gigops had rendered the document this signer read: the signature names
    // that document, which only its kept copy shows now.
    let then = "<!doctype html><html><body>the SOW as an older gigops rendered it</body></html>";
    let digest = gigops_contract::sha256_hex(then.as_bytes());
    let sidecar = s.path("sow.yaml.signatures.json");
    let mut signatures: serde_json::Value = serde_json::from_str(&read(&sidecar)).unwrap();
    signatures["signatures"][0]["document_sha256"] = digest.clone().into();
    std::fs::write(&sidecar, signatures.to_string()).unwrap();
    let kept = s.path(&format!("sow.yaml.signed-{}.html", &digest[..16]));
    std::fs::write(&kept, then).unwrap();

    let verified = s.json(&["sow", "verify", "sow.yaml"]);
    assert_eq!(verified["intact"], true, "{verified}");
    let check = &verified["signatures"][0];
    assert_eq!(check["document_matches"], true, "{check}");
    assert_eq!(check["renders_same"], false, "{check}");
    assert!(s.ok(&["sow", "verify", "sow.yaml"]).contains("kept copy"));

    // An edited copy is not what was signed.
    std::fs::write(&kept, then.replace("older", "newer")).unwrap();
    let output = s.gigops(&["sow", "verify", "sow.yaml"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("no intact copy"));
}

#[test]
fn acceptance_is_judged_on_gate_evidence_recorded_and_ready_to_invoice() {
    let s = Sandbox::new();
    s.write("sow.yaml", SOW);
    s.ok(&[
        "deal",
        "add",
        "--id",
        "D-1",
        "--client",
        "ACME Ltd",
        "--platform",
        "upwork",
        "--value",
        "5000",
        "--currency",
        "USD",
    ]);
    let attached = s.json(&["sow", "attach", "sow.yaml", "--deal", "D-1"]);
    assert_eq!(attached["version"], 1);

    // A failing test: not accepted, exit 1, and the failed item says what was measured.
    gate_summary(&s, "failing.json", FAILING_JUNIT);
    let output = s
        .gigops(&[
            "accept",
            "M1",
            "--sow",
            "sow.yaml",
            "--evidence",
            "failing.json",
            "--tick",
            "demo",
            "--by",
            "John Roe",
            "--deal",
            "D-1",
            "--json",
            "-o",
            "m1.md",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let record: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(record["accepted"], false);
    let item = |record: &serde_json::Value, id: &str| {
        record["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(item(&record, "tests")["outcome"], "failed");
    assert!(
        item(&record, "tests")["measured"]
            .as_str()
            .unwrap()
            .contains('1')
    );
    assert_eq!(item(&record, "coverage")["outcome"], "passed");
    assert_eq!(item(&record, "demo")["outcome"], "passed");
    assert_eq!(item(&record, "demo")["ticked"]["by"], "John Roe");
    let first_tick = item(&record, "demo")["ticked"].clone();
    let digest = &record["evidence"][0];
    assert_eq!(digest["name"], "failing.json");
    assert_eq!(digest["sha256"].as_str().unwrap().len(), 64);
    assert!(read(&s.path("m1.md")).contains("M1"));
    assert!(s.json(&["milestones"]).as_array().unwrap().is_empty());

    // The manual item left unticked is pending: still not accepted.
    gate_summary(&s, "passing.json", PASSING_JUNIT);
    let output = s
        .gigops(&[
            "accept",
            "M1",
            "--sow",
            "sow.yaml",
            "--evidence",
            "passing.json",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let record: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(item(&record, "demo")["outcome"], "pending");

    // With the deal, the tick of the milestone's last recorded evaluation stands.
    let carried = s.json(&[
        "accept",
        "M1",
        "--sow",
        "sow.yaml",
        "--evidence",
        "passing.json",
        "--deal",
        "D-1",
    ]);
    assert_eq!(carried["accepted"], true, "{carried}");
    assert_eq!(item(&carried, "demo")["outcome"], "passed");
    assert_eq!(item(&carried, "demo")["ticked"], first_tick);

    // Everything passes: accepted, checklist rendered, listed as ready to invoice.
    s.ok(&[
        "accept",
        "M1",
        "--sow",
        "sow.yaml",
        "--evidence",
        "passing.json",
        "--tick",
        "demo",
        "--by",
        "John Roe",
        "--note",
        "demo on 2027-01-28",
        "--deal",
        "D-1",
        "-o",
        "m1.html",
        "-o",
        "m1.pdf",
    ]);
    assert!(read(&s.path("m1.html")).contains("John Roe"));
    assert!(
        std::fs::read(s.path("m1.pdf"))
            .unwrap()
            .starts_with(b"%PDF")
    );
    // The command item runs the command.
    s.ok(&["accept", "M2", "--sow", "sow.yaml", "--deal", "D-1"]);
    let ready = s.json(&["milestones", "--deal", "D-1"]);
    let ids: Vec<&str> = ready
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["milestone"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["M1", "M2"]);
    assert_eq!(ready[0]["amount_minor"], 200_000);

    // A SOW file changed after it was attached is not what the ledger holds.
    std::fs::write(
        s.path("sow.yaml"),
        SOW.replace("net_days: 14", "net_days: 30"),
    )
    .unwrap();
    let output = s
        .gigops(&["accept", "M2", "--sow", "sow.yaml", "--deal", "D-1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("attach it first"));

    // Ticking an item that is decided by evidence is refused.
    let output = s
        .gigops(&[
            "accept", "M1", "--sow", "sow.yaml", "--tick", "tests", "--by", "x",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}
