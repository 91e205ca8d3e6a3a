use gigops_contract::*;
use proptest::prelude::*;

use crate::{fixture, problems, valid};

#[test]
fn dump() {
    for f in [
        "keys.yaml",
        "money.yaml",
        "money-bad.yaml",
        "currency.yaml",
        "dates.yaml",
        "due.yaml",
        "ids.yaml",
        "levels.yaml",
        "items.yaml",
    ] {
        println!("== {f}");
        for p in problems(f) {
            println!("{p:?},");
        }
    }
}

fn sow_with_amounts(total: &str, amounts: &[String]) -> String {
    let mut text = String::from(
        "id: split\ntitle: Split\nparties: { provider: { name: P }, client: { name: C } }\nperiod: { start: 2027-01-01, end: 2027-12-31 }\ncurrency: USD\n",
    );
    text.push_str(&format!("total: \"{total}\"\nmilestones:\n"));
    for (i, amount) in amounts.iter().enumerate() {
        text.push_str(&format!(
            "  - {{ id: M{i}, title: Part {i}, due: 2027-06-01, amount: \"{amount}\", acceptance: [{{ id: a, text: A, manual: true }}] }}\n"
        ));
    }
    text.push_str("payment: { net_days: 14 }\n");
    text
}

fn major(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

proptest! {
    #[test]
    fn amounts_that_sum_to_the_total_pass_the_sum_rule(cents in proptest::collection::vec(1i64..100_000_000, 1..8)) {
        let total: i64 = cents.iter().sum();
        let amounts: Vec<String> = cents.iter().map(|c| major(*c)).collect();
        let text = sow_with_amounts(&major(total), &amounts);
        let sow = gigops_contract::read("split.yaml", &text);
        prop_assert!(sow.is_ok(), "{:?}", sow.err());
        let sow = sow.unwrap();
        prop_assert_eq!(sow.total_minor, total);
        prop_assert_eq!(sow.milestones.iter().map(|m| m.amount_minor).sum::<i64>(), total);
    }

    #[test]
    fn amounts_that_do_not_sum_are_one_problem_at_total(
        cents in proptest::collection::vec(1i64..100_000_000, 1..8),
        off in 1i64..1_000_000,
    ) {
        let total: i64 = cents.iter().sum::<i64>() + off;
        let amounts: Vec<String> = cents.iter().map(|c| major(*c)).collect();
        let text = sow_with_amounts(&major(total), &amounts);
        let problems = gigops_contract::check("split.yaml", &text);
        prop_assert_eq!(problems.len(), 1, "{:?}", problems);
        prop_assert_eq!(problems[0].line, 6);
        let expected = format!("{} less than the total", major(off));
        prop_assert!(problems[0].reason.contains(&expected), "{}", problems[0].reason);
    }

    #[test]
    fn the_reader_never_panics(text in "[a-z_:{}\\[\\], \n\"0-9.-]{0,200}") {
        let _ = gigops_contract::check("any.yaml", &text);
    }
}

#[test]
fn the_valid_fixture_reads_into_the_model() {
    let sow = valid();
    assert_eq!(sow.id, "acme-billing-api");
    assert_eq!(sow.total_minor, 1_200_000);
    assert_eq!(sow.milestones[1].amount_minor, 800_000);
    assert_eq!(sow.iteration.as_ref().unwrap().seconds, 14 * 86_400);
    let m1 = &sow.milestones[0];
    assert_eq!(
        m1.acceptance[1].check,
        Check::Gate {
            condition: GateCondition::CoverageAtLeast { percent: 80.0 }
        }
    );
    assert_eq!(
        m1.acceptance[4].check,
        Check::Command {
            argv: vec!["make".into(), "e2e".into()],
            expect_exit: 0
        }
    );
    assert_eq!(
        sow.milestones[1].acceptance[4].check,
        Check::Command {
            argv: vec!["./smoke".into(), "--expect-fail".into()],
            expect_exit: 3
        }
    );
    let latency = &sow.service_levels[1];
    assert_eq!(
        latency.objective,
        Objective::Latency {
            percentile: 95.0,
            threshold_ms: 150.0,
            target_percent: 99.0
        }
    );
    assert_eq!(latency.consecutive_windows, 1);
    assert_eq!(sow.service_levels[0].consecutive_windows, 3);
    assert_eq!(
        sow.service_levels[0].budget_period,
        BudgetPeriod::CalendarMonth
    );
    assert_eq!(sow.change_requests.hourly_rate_minor, Some(9_500));
    assert_eq!(sow.credits.as_ref().unwrap().tiers.len(), 2);
    assert_eq!(sow.payment.late_fee_percent_per_month, Some(1.5));
    assert!(check("valid.yaml", &fixture("valid.yaml")).is_empty());
}
