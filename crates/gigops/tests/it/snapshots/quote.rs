//! `gigops quote …` and `gigops proposal` on the demo's generated ledger: estimates from the
//! Petstore OpenAPI document, a spec with a risk register and a gate summary, and a repository;
//! quotes saved against delivered deals, listed, shown, accepted and calibrated; a proposal
//! with a diagram and benchmark evidence; the refusals.

use super::{Shots, fixture};

/// The first Go benchmark fixture ten times slower: the baseline a faster run is compared with.
pub fn ten_times_slower(bench: &str) -> String {
    bench
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
        .collect()
}

#[test]
fn quotes_calibration_and_proposal() {
    let sandbox = crate::Sandbox::new();
    let db = sandbox.path("demo/gigops.db").display().to_string();
    let s = Shots::on(sandbox, db);
    s.run(
        &[
            "demo",
            "--dir",
            "demo",
            "--deals",
            "60",
            "--seed",
            "11",
            "--no-pdf",
            "--end",
            "2026-10-31",
        ],
        0,
    );
    let petstore = fixture("gigops-quote/tests/fixtures/petstore3.yaml");
    let petstore = petstore.as_str();
    s.json("quote_schema", &["quote", "schema"], 0);
    let openapi = [
        "quote",
        "estimate",
        "--openapi",
        petstore,
        "--sla-tier",
        "silver",
        "--platform",
        "upwork",
    ];
    s.json("quote_estimate_openapi", &openapi, 0);
    s.text("table_quote_estimate", &openapi, 0);
    s.json(
        "quote_estimate_converted",
        &[
            "quote",
            "estimate",
            "--openapi",
            &fixture("gigops-quote/tests/fixtures/petstore3.json"),
            "--sla-tier",
            "gold",
            "--currency",
            "CNY",
            "--exchange-rate",
            "7.1",
            "--platform",
            "码市",
            "--seed",
            "7",
        ],
        0,
    );
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
        "- name: Sandbox down\n  probability: 0.5\n  impact_hours: [4, 10, 30]\n- name: 需求变更\n  probability: 0.2\n  impact_hours: [8, 16, 40]\n",
    );
    s.json(
        "quote_estimate_spec",
        &[
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
        ],
        0,
    );
    s.write(
        "repo/main.go",
        "package main\n\nfunc main() {\n\tprintln(1)\n}\n",
    );
    s.write(
        "repo/billing/bill.go",
        "package billing\n\n// Total adds.\nfunc Total(a, b int) int {\n\treturn a + b\n}\n",
    );
    s.write("repo/README.md", "# Shop\n\nText.\n");
    s.json(
        "quote_estimate_repo",
        &[
            "quote",
            "estimate",
            "--repo",
            "repo",
            "--scope",
            "billing",
            "--debt-ratio",
            "0.3",
        ],
        0,
    );
    s.write("bad-spec.yaml", "inputs:\n  - name: Pay\n    det: 0\n    ftr: 1\noutputs:\n  - name: Report\n    level: huge\n");
    s.text(
        "quote_estimate_refused",
        &["quote", "estimate", "--spec", "bad-spec.yaml", "--json"],
        2,
    );

    // Quotes saved against the first delivered deals of the generated ledger, then calibrated.
    let won = s.json("deal_list_won", &["deal", "list", "--outcome", "won"], 0);
    let ids: Vec<String> = won
        .as_array()
        .unwrap()
        .iter()
        .filter(|deal| deal["value"]["currency"] == "USD")
        .take(4)
        .map(|deal| deal["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 4, "{won}");
    for (n, id) in ids.iter().enumerate() {
        let mut args = openapi.to_vec();
        args.extend(["--deal", id.as_str()]);
        let seed = (n + 1).to_string();
        args.extend(["--seed", seed.as_str()]);
        s.json(&format!("quote_estimate_saved_{n}"), &args, 0);
    }
    let first = ids[0].as_str();
    // A second version of the first deal's quote, for a better service tier.
    s.run(
        &[
            "quote",
            "estimate",
            "--openapi",
            petstore,
            "--sla-tier",
            "gold",
            "--deal",
            first,
        ],
        0,
    );
    s.json("quote_list", &["quote", "list"], 0);
    s.json("quote_list_of_deal", &["quote", "list", "--deal", first], 0);
    s.json("quote_show", &["quote", "show", first], 0);
    s.json("quote_show_version", &["quote", "show", first, "1"], 0);
    s.json(
        "quote_accept",
        &[
            "quote",
            "accept",
            first,
            "1",
            "--at",
            "2026-06-01T12:00:00Z",
        ],
        0,
    );
    s.text(
        "quote_show_refused",
        &["quote", "show", first, "9", "--json"],
        2,
    );
    s.text("table_quote_list", &["quote", "list"], 0);
    s.text("table_quote_show", &["quote", "show", first, "1"], 0);
    let calibrated = s
        .command(&["quote", "calibrate", "--json"])
        .output()
        .unwrap();
    let code = calibrated.status.code().unwrap();
    s.json("quote_calibrate", &["quote", "calibrate"], code);
    s.text("table_quote_calibrate", &["quote", "calibrate"], code);

    // A proposal with every part: benchmark evidence of a gate run, a diagram, scope,
    // assumptions, in Chinese.
    let bench = crate::read(std::path::Path::new(&fixture(
        "gigops-ingest/tests/fixtures/gobench/bench.txt",
    )));
    s.write("bench.txt", &bench);
    s.write("old.txt", &ten_times_slower(&bench));
    s.run(
        &[
            "gate",
            "ingest",
            "bench.txt",
            "--bench-baseline",
            "old.txt",
            "--no-debt",
            "-o",
            "gate",
        ],
        0,
    );
    s.write(
        "arch.mmd",
        "flowchart LR\n  app[Mobile app] -->|HTTPS| gw(API gateway)\n  subgraph core [宠物商店服务]\n    gw --> pets[Pets] --> db[(PostgreSQL)]\n  end\n",
    );
    s.write("scope.md", "宠物商店后端：**宠物、订单与用户**。\n");
    s.write("assumptions.md", "- 客户提供支付沙箱。\n");
    s.json(
        "proposal",
        &[
            "proposal",
            "--openapi",
            petstore,
            "--sla-tier",
            "silver",
            "--platform",
            "upwork",
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
            "--title",
            "宠物商店后端",
            "--date",
            "2025-07-01",
            "--lang",
            "zh-CN",
            "-o",
            "proposal.html",
        ],
        0,
    );
    s.write("bad.mmd", "flowchart LR\n  a --> \n");
    s.text(
        "proposal_refused",
        &[
            "proposal",
            "--openapi",
            petstore,
            "--diagram",
            "bad.mmd",
            "--date",
            "2025-07-01",
            "--json",
        ],
        2,
    );
}
