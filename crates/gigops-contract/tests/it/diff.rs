use gigops_contract::*;

use crate::{fixture, valid};

fn read(text: &str) -> Sow {
    gigops_contract::read("sow.yaml", text).unwrap_or_else(|e| panic!("{e}"))
}

fn paths(d: &SowDiff) -> Vec<(String, ChangeKind)> {
    d.changes.iter().map(|c| (c.path.clone(), c.kind)).collect()
}

#[test]
fn reformatting_and_reordering_keys_is_no_change() {
    let old = valid();
    // Keys reordered, flow mappings written as blocks, the amount as a string, 14d for 2w,
    // quotes and comments that change nothing.
    let text = fixture("valid.yaml")
        .replace(
            "period: { start: 2027-01-04, end: 2027-03-31 }",
            "period:\n  end: \"2027-03-31\"   # the last day\n  start: 2027-01-04",
        )
        .replace("iteration: 2w", "iteration: 14d")
        .replace("amount: 8000.00", "amount: \"8000\"")
        .replace(
            "payment: { net_days: 14, late_fee_percent_per_month: 1.5 }",
            "payment:\n  late_fee_percent_per_month: 1.50\n  net_days: 14",
        )
        .replace(
            "title: Billing API rewrite\nlanguage: en",
            "language: en\ntitle: 'Billing API rewrite'",
        );
    let new = read(&text);
    let d = diff(&old, &new);
    assert!(d.is_empty(), "{:#?}", d.changes);
}

#[test]
fn every_kind_of_change_is_found_with_its_path() {
    let old = valid();
    let text = fixture("valid.yaml")
        .replace("total: \"12000.00\"", "total: \"13000.00\"")
        .replace("amount: 8000.00", "amount: 9000.00")
        .replace("due: 2027-03-31\n", "due: 2027-03-30\n")
        .replace("title: Invoices\n", "title: Invoices and payments\n")
        .replace("deliverables: [Invoice endpoints]", "deliverables: [Invoice endpoints, Data migration]")
        .replace(
            "      - { id: demo, text: Demo accepted by the client, manual: true }\n",
            "",
        )
        .replace("{ coverage_at_least: 80 }", "{ coverage_at_least: 85 }")
        .replace(
            "      - { id: lint, text: No lint errors, gate: no_error_findings }\n",
            "      - { id: lint, text: No lint errors, gate: no_error_findings }\n      - { id: docs, text: Docs reviewed, manual: true }\n",
        )
        .replace("latency: \"P95 <= 150ms\"", "latency: \"P95 <= 120ms\"")
        .replace("    window: 5m\n    budget_period: 28d", "    window: 1m\n    budget_period: 28d")
        .replace("- { below: 99.0, credit: 25 }", "- { below: 99.0, credit: 30 }")
        .replace("cap: 50", "cap: 40")
        .replace("net_days: 14", "net_days: 30")
        .replace("iteration: 2w", "iteration: 2w\nrepository: https://github.com/acme/billing-api")
        .replace("hourly_rate: \"95.00\"", "hourly_rate: \"110.00\"")
        .replace("support: { days: 30,", "support: { days: 60,")
        .replace("period: { start: 2027-01-04,", "period: { start: 2027-01-11,");
    let new = read(&text);
    let d = diff(&old, &new);
    use ChangeKind::*;
    let expected: Vec<(String, ChangeKind)> = [
        ("period.start", Changed),
        ("total", Changed),
        ("repository", Added),
        ("milestones.M1.acceptance.coverage.check", Changed),
        ("milestones.M1.acceptance.demo", Removed),
        ("milestones.M2.title", Changed),
        ("milestones.M2.due", Changed),
        ("milestones.M2.amount", Changed),
        ("milestones.M2.deliverables", Added),
        ("milestones.M2.acceptance.docs", Added),
        ("change_requests.hourly_rate", Changed),
        ("support.days", Changed),
        ("service_levels.api-latency.objective", Changed),
        ("service_levels.api-latency.window", Changed),
        ("credits.tiers", Changed),
        ("credits.cap", Changed),
        ("payment.net_days", Changed),
    ]
    .into_iter()
    .map(|(p, k)| (p.to_string(), k))
    .collect();
    assert_eq!(paths(&d), expected);
    let amount = d
        .changes
        .iter()
        .find(|c| c.path == "milestones.M2.amount")
        .unwrap();
    assert_eq!(amount.old.as_deref(), Some("8000.00 USD"));
    assert_eq!(amount.new.as_deref(), Some("9000.00 USD"));
    let objective = &d.changes[12];
    assert_eq!(
        objective.new.as_deref(),
        Some("P95 ≤ 120 ms in 99 % of windows")
    );
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["changes"][1]["kind"], "changed");
}

#[test]
fn milestones_and_service_levels_added_and_removed_by_id() {
    let old = valid();
    let mut new = old.clone();
    let mut m3 = new.milestones[1].clone();
    m3.id = "M3".into();
    new.milestones.remove(0);
    new.milestones.push(m3);
    new.service_levels.remove(1);
    let mut sl = new.service_levels[0].clone();
    sl.id = "db-availability".into();
    new.service_levels.push(sl);
    new.credits = None;
    let d = diff(&old, &new);
    use ChangeKind::*;
    assert_eq!(
        paths(&d),
        [
            ("milestones.M1".to_string(), Removed),
            ("milestones.M3".to_string(), Added),
            ("service_levels.api-latency".to_string(), Removed),
            ("service_levels.db-availability".to_string(), Added),
            ("credits".to_string(), Removed),
        ]
    );
}
