//! `gigops proposal`: a gate run's benchmark evidence, the Petstore, a diagram and a scope,
//! end to end; the model as JSON; bad input from several files at once.

use std::path::PathBuf;

use crate::{Sandbox, read};

fn fixture(path: &str) -> String {
    read(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(path),
    )
}

const DIAGRAM: &str = "flowchart LR
  app[Mobile app] -->|HTTPS| gw(API gateway)
  subgraph core [宠物商店服务]
    gw --> pets[Pets] --> db[(PostgreSQL)]
  end
";

/// A gate run whose benchmarks got ten times faster than the baseline: every ns/op of the
/// old file is ten times the new one's.
fn gate_run(s: &Sandbox) {
    let new = fixture("gigops-ingest/tests/fixtures/gobench/bench.txt");
    let slower: String = new
        .lines()
        .map(|line| {
            if !line.starts_with("Benchmark") {
                return format!("{line}\n");
            }
            let fields: Vec<String> = line
                .split('\t')
                .map(|field| match field.trim().strip_suffix(" ns/op") {
                    Some(value) => format!("{} ns/op", value.parse::<f64>().unwrap() * 10.0),
                    None => field.to_string(),
                })
                .collect();
            format!("{}\n", fields.join("\t"))
        })
        .collect();
    s.write("bench.txt", &new);
    s.write("old.txt", &slower);
    let output = s
        .gigops_without_db(&[
            "gate",
            "ingest",
            "bench.txt",
            "--bench-baseline",
            "old.txt",
            "--no-debt",
            "-o",
            "gate",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

const QUOTE_ARGS: [&str; 6] = [
    "--openapi",
    "api.yaml",
    "--sla-tier",
    "silver",
    "--platform",
    "upwork",
];

#[test]
fn the_gate_writes_the_benchmark_comparison_beside_its_summary() {
    let s = Sandbox::new();
    gate_run(&s);
    let summary: serde_json::Value =
        serde_json::from_str(&read(&s.path("gate/summary.json"))).unwrap();
    let file: serde_json::Value =
        serde_json::from_str(&read(&s.path("gate/benchmarks.json"))).unwrap();
    assert_eq!(file["schema"], "gigops.gate.benchmarks/1");
    assert_eq!(file["generated_at"], summary["generated_at"]);
    assert_eq!(file["baseline"], true);
    assert_eq!(file["alpha"], 0.05);
    let comparisons = file["comparisons"].as_array().unwrap();
    // The fixture's 19 metrics, as the summary counts them.
    assert_eq!(comparisons.len(), 19);
    assert_eq!(summary["benchmarks"]["compared"], 19);
    let fnv = comparisons
        .iter()
        .find(|c| c["name"] == "BenchmarkFNV" && c["unit"] == "ns/op")
        .unwrap();
    // (v − 10 v) / 10 v: ninety per cent faster, significant (5 against 5, fully separated).
    assert!(
        (fnv["delta_percent"].as_f64().unwrap() + 90.0).abs() < 1e-9,
        "{fnv}"
    );
    assert_eq!(fnv["significant"], true);
    // Unchanged metrics (B/op) have no delta: benchstat's `~`.
    let bytes = comparisons
        .iter()
        .find(|c| c["name"] == "BenchmarkFNV" && c["unit"] == "B/op")
        .unwrap();
    assert!(bytes["delta_percent"].is_null());
}

#[test]
fn a_proposal_end_to_end_in_chinese() {
    let s = Sandbox::new();
    gate_run(&s);
    s.write(
        "api.yaml",
        &fixture("gigops-quote/tests/fixtures/petstore3.yaml"),
    );
    s.write("arch.mmd", DIAGRAM);
    s.write("scope.md", "宠物商店后端：**宠物、订单与用户**。\n");
    s.write("assumptions.md", "- 客户提供支付沙箱。\n");
    let mut args = vec![
        "proposal",
        "--diagram",
        "arch.mmd",
        "--bench-summary",
        "gate",
        "--scope-doc",
        "scope.md",
        "--assumptions",
        "assumptions.md",
        "--client",
        "杭州云栈科技",
        "--date",
        "2025-07-01",
        "--lang",
        "zh-CN",
    ];
    args.extend(QUOTE_ARGS);

    // The model: the quote is `quote estimate`'s for the same inputs.
    let model = s.json(&args);
    let mut estimate = vec!["quote", "estimate"];
    estimate.extend(QUOTE_ARGS);
    let quote = s.json(&estimate);
    assert_eq!(model["schema"], "gigops.proposal/1");
    assert_eq!(model["quote"], quote);
    assert_eq!(model["issued"], "2025-07-01");
    assert_eq!(model["valid_until"], "2025-07-30");
    assert_eq!(model["client"], "杭州云栈科技");
    assert_eq!(model["api"]["rows"].as_array().unwrap().len(), 19);
    assert_eq!(model["diagram"]["nodes"].as_array().unwrap().len(), 4);
    assert_eq!(model["diagram"]["subgraphs"][0]["title"], "宠物商店服务");
    let benchmarks = &model["benchmarks"];
    assert_eq!(benchmarks["comparisons"].as_array().unwrap().len(), 19);
    assert_eq!(benchmarks["summary"]["metrics"], 19);
    assert_eq!(
        benchmarks["sources"],
        serde_json::json!(["gate/summary.json", "gate/benchmarks.json"])
    );
    // --json alone writes nothing.
    assert!(!s.path("proposal.html").exists());

    args.extend(["-o", "out/proposal.html", "-o", "out/proposal.pdf"]);
    let printed = s.ok(&args);
    assert_eq!(printed, "out/proposal.html\nout/proposal.pdf\n");
    let html = read(&s.path("out/proposal.html"));
    let p50 = quote["price"]["p50_minor"].as_i64().unwrap();
    let p50 = format!("{}.{:02} USD", group(p50 / 100), p50 % 100);
    for expected in [
        "<html lang=\"zh-CN\">",
        "项目建议书",
        "杭州云栈科技",
        "宠物商店服务",
        "<strong>宠物、订单与用户</strong>",
        "客户提供支付沙箱。",
        "BenchmarkFNV",
        "-90.00%",
        "报价明细",
        "本建议书有效期至 2025-07-30",
        p50.as_str(),
    ] {
        assert!(html.contains(expected), "missing {expected:?}");
    }
    let pdf = std::fs::read(s.path("out/proposal.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    if let Some(browser) = crate::chromium() {
        let shot = s.path("out/proposal.png");
        crate::screenshot(&browser, &s.path("out/proposal.html"), &shot);
    }
}

fn group(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn every_problem_of_every_file_at_once_and_nothing_written() {
    let s = Sandbox::new();
    s.write(
        "api.yaml",
        "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      responses: {}\n    x: 1\n  /b: 7\n",
    );
    s.write("arch.mmd", "flowchart LR\n  a[A --> b\n  b --> \n");
    s.write(
        "gate/summary.json",
        "{\"schema\": \"gigops.gate.summary/1\",\n oops}",
    );
    let output = s
        .gigops_without_db(&[
            "proposal",
            "--openapi",
            "api.yaml",
            "--diagram",
            "arch.mmd",
            "--bench-summary",
            "gate",
            "-o",
            "p.html",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "error: 4 problems found; nothing was written:",
        "api.yaml:7: column 7: /b: expected a path item (a mapping of operations), found an integer",
        "arch.mmd:2: column 4: `[` is not closed: expected `]` on the same line",
        "arch.mmd:3: column 9: a link without a target: expected a node after it",
        "gate/summary.json:2: column 2: not JSON: key must be a string",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
    assert!(!s.path("p.html").exists());

    // A directory that is no gate output, and an output that is neither HTML nor PDF.
    let output = s
        .gigops_without_db(&["proposal", "--openapi", "api.yaml", "--bench-summary", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no summary.json in this directory"));
}

/// A contract longer than `quote.contract_rows` is summarised by tag in the proposal, and every
/// operation is written to an appendix beside it — with the proposal, all or nothing.
#[test]
fn a_long_contract_goes_to_an_appendix_beside_the_proposal() {
    let s = Sandbox::new();
    s.write(
        "api.yaml",
        &fixture("gigops-quote/tests/fixtures/petstore3.yaml"),
    );
    let propose = || s.ok(&["proposal", "--openapi", "api.yaml", "-o", "out/offer.html"]);
    propose();
    // 19 operations, within the default 40: no appendix.
    assert!(!s.path("out/offer.api.html").exists());

    s.write("gigops.toml", "[quote]\ncontract_rows = 10\n");
    let written = propose();
    assert!(
        written.contains("out/offer.html") && written.contains("out/offer.api.html"),
        "{written}"
    );
    // Visible text: minijinja writes `/` as `&#x2f;`.
    let decoded = |path: &str| read(&s.path(path)).replace("&#x2f;", "/");
    let proposal = decoded("out/offer.html");
    assert!(
        proposal
            .contains("The API has 19 operations, more than the 10 this proposal shows in full"),
        "summary"
    );
    assert!(proposal.contains("offer.api.html"));
    assert!(
        !proposal.contains("/pet/findByStatus"),
        "no operation in the proposal"
    );
    let appendix = decoded("out/offer.api.html");
    assert_eq!(appendix.matches("<tbody class=\"operation\">").count(), 19);
    assert!(appendix.contains("/pet/findByStatus"));
    // The model says so too.
    let model = s.json(&["proposal", "--openapi", "api.yaml"]);
    assert_eq!(model["api_index"]["full"], false);
    assert_eq!(model["api_index"]["limit"], 10);
    assert_eq!(model["api_index"]["groups"][0]["tag"], "pet");
    assert_eq!(model["api_index"]["groups"][0]["operations"], 8);
}
