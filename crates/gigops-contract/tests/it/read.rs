use gigops_contract::*;
use proptest::prelude::*;

use crate::{fixture, problems, valid};

#[test]
fn every_problem_of_keys_is_reported_at_its_place_in_one_run() {
    assert_eq!(
        problems("keys.yaml"),
        [
            "keys.yaml:2: column 8: title: expected text, found a sequence",
            "keys.yaml:3: column 1: unknown key \"colour\" in the SOW: expected one of id, title, language, parties, period, currency, total, scope, out_of_scope, iteration, repository, milestones, change_requests, support, service_levels, credits, payment, $schema",
            "keys.yaml:5: column 27: unknown key \"phone\" in provider: expected one of name, representative, email, address",
            "keys.yaml:6: column 11: client: missing required key `name`",
            "keys.yaml:15: column 19: deliverables: expected a list of text, found \"text, not a list\"",
            "keys.yaml:17: column 41: unknown key \"weight\" in an acceptance item: expected one of id, text, gate, slo, over, manual, command, expect_exit",
            "keys.yaml:18: column 5: a milestone: missing required keys `due`, `amount`, `acceptance`",
            "keys.yaml:20: column 22: net_days: expected a whole number of at least 0, found -1",
        ]
    );
}

#[test]
fn every_problem_of_money_is_reported_at_its_place_in_one_run() {
    assert_eq!(
        problems("money.yaml"),
        [
            "money.yaml:6: column 8: total 12000.00: the milestone amounts sum to 11000.10, 999.90 less than the total: expected them to sum to the total",
            "money.yaml:10: column 33: hourly_rate \"95.005\": \"95.005\" has more decimals than USD allows (2): expected an amount in major units of USD",
        ]
    );
}

#[test]
fn every_problem_of_money_bad_is_reported_at_its_place_in_one_run() {
    assert_eq!(
        problems("money-bad.yaml"),
        [
            "money-bad.yaml:6: column 8: total \"12,000\": \"12,000\" is not a decimal number: expected digits with an optional '.' and fraction: expected an amount in major units of USD",
            "money-bad.yaml:8: column 52: amount \"-5\": expected an amount greater than zero",
            "money-bad.yaml:9: column 52: amount \"1.234\": \"1.234\" has more decimals than USD allows (2): expected an amount in major units of USD",
        ]
    );
}

#[test]
fn every_problem_of_currency_is_reported_at_its_place_in_one_run() {
    assert_eq!(
        problems("currency.yaml"),
        [
            "currency.yaml:3: column 11: language: expected en or zh-CN, found \"fr\"",
            "currency.yaml:6: column 11: currency: unknown currency \"usd\": expected an ISO 4217 code such as USD, EUR, CNY",
        ]
    );
}

#[test]
fn every_problem_of_dates_is_reported_at_its_place_in_one_run() {
    assert_eq!(
        problems("dates.yaml"),
        [
            "dates.yaml:4: column 35: end 2027-01-04: expected a date after the start, 2027-03-31",
            "dates.yaml:8: column 32: due: expected a date written YYYY-MM-DD (2027-01-31), found \"2027-02-30\"",
            "dates.yaml:10: column 34: due: expected a date written YYYY-MM-DD (2027-01-31), found \"27-1-5\"",
        ]
    );
}

#[test]
fn every_problem_of_due_is_reported_at_its_place_in_one_run() {
    assert_eq!(
        problems("due.yaml"),
        [
            "due.yaml:9: column 32: due 2027-01-29 of M2 is before 2027-02-26 of M1: expected milestones in the order they are due",
            "due.yaml:10: column 34: due 2027-04-30: expected a date inside the contract period, 2027-01-04 to 2027-03-31",
        ]
    );
}

#[test]
fn every_problem_of_ids_is_reported_at_its_place_in_one_run() {
    assert_eq!(
        problems("ids.yaml"),
        [
            "ids.yaml:14: column 15: acceptance item id \"a\" is used twice in this milestone (first at line 13): expected each id once",
            "ids.yaml:15: column 9: milestone id \"M1\" is used twice (first at line 8): expected each milestone id once",
            "ids.yaml:23: column 11: service level id \"up\" is used twice (first at line 22): expected each id once",
        ]
    );
}

#[test]
fn every_problem_of_levels_is_reported_at_its_place_in_one_run() {
    assert_eq!(
        problems("levels.yaml"),
        [
            "levels.yaml:7: column 12: iteration \"0s\": not longer than zero: expected a length of time such as 2w, 28d, 5m or 1h 30m",
            "levels.yaml:14: column 34: slo \"uptime\" is not a service level of this SOW: expected one of api-availability, api-latency, api-p99",
            "levels.yaml:15: column 57: over \"soon\": not a length of time: expected a length of time such as 2w, 28d, 5m or 1h 30m",
            "levels.yaml:16: column 32: response \"-4h\": not longer than zero: expected a length of time such as 2w, 28d, 5m or 1h 30m",
            "levels.yaml:16: column 48: time_zone \"Shanghai\": expected an IANA time zone name (Asia/Shanghai, UTC)",
            "levels.yaml:18: column 43: availability: expected a percentage greater than 0 and less than 100, found 100",
            "levels.yaml:18: column 81: consecutive_windows: expected a whole number of at least 1, found 0",
            "levels.yaml:19: column 33: latency \"P95 >= 150ms\": expected a percentile and a threshold such as \"P95 <= 150ms\" or \"p99 < 2s\"",
            "levels.yaml:19: column 57: target: expected a percentage greater than 0 and less than 100, found 0",
            "levels.yaml:19: column 68: window \"1mo\": months and years have no fixed length: expected a length of time such as 2w, 28d, 5m or 1h 30m",
            "levels.yaml:20: column 5: a latency service level: missing required key `target` (the percent of windows that must meet the threshold)",
            "levels.yaml:20: column 68: budget_period \"1m\" is shorter than the window \"5m\": expected at least one window",
            "levels.yaml:22: column 18: service_level \"api-avail\" is not a service level of this SOW: expected one of api-availability, api-latency, api-p99",
            "levels.yaml:25: column 16: below 99.9: expected less than the tier before (99): tiers go from the highest level down",
            "levels.yaml:25: column 30: credit 10: expected more than the tier before (25): a lower level earns a larger credit",
            "levels.yaml:27: column 8: cap: expected a percentage greater than 0 and at most 100, found 150",
            "levels.yaml:28: column 54: late_fee_percent_per_month: expected a percentage greater than 0 and less than 100, found 100",
        ]
    );
}

#[test]
fn every_problem_of_items_is_reported_at_its_place_in_one_run() {
    assert_eq!(
        problems("items.yaml"),
        [
            "items.yaml:13: column 33: gate \"all_green\": expected one of gate_passed, no_failed_tests, no_error_findings, no_benchmark_regression, or {coverage_at_least: PERCENT}, {debt_rating_at_least: A-E}",
            "items.yaml:14: column 54: coverage_at_least: expected a percentage greater than 0 and at most 100, found 180",
            "items.yaml:15: column 57: debt_rating_at_least: expected a rating A, B, C, D or E, found \"F\"",
            "items.yaml:16: column 35: unknown gate condition \"tests_at_least\": expected one of coverage_at_least, debt_rating_at_least",
            "items.yaml:17: column 36: command: expected the program and its arguments as a list ([make, e2e]), found \"make e2e\"",
            "items.yaml:18: column 35: manual: expected true, found false",
            "items.yaml:19: column 41: gate beside manual: expected exactly one of gate, slo, manual, command",
            "items.yaml:20: column 41: expect_exit: only an item decided by `command` takes it",
            "items.yaml:20: column 57: over: only an item decided by `slo` takes it",
            "items.yaml:21: column 9: an acceptance item needs one way to decide it: expected one of gate, slo, manual: true, command",
            "items.yaml:22: column 57: expect_exit: expected an exit status from 0 to 255, found 300",
            "items.yaml:26: column 13: amount \"0.00\": expected an amount greater than zero",
            "items.yaml:27: column 17: acceptance: expected at least one acceptance item",
        ]
    );
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

#[test]
fn a_credit_past_the_cap_is_reported_at_the_credit() {
    assert_eq!(
        problems("credits-cap.yaml"),
        ["credits-cap.yaml:15: column 30: credit 25: expected at most the cap, 20"]
    );
}

#[test]
fn a_yaml_problem_stops_the_meaning_checks_and_is_located() {
    // Duplicate keys are found by the YAML reader; the SOW's rules are not checked on a
    // document that is not a mapping of unique keys.
    assert_eq!(
        problems("credits.yaml"),
        [
            "credits.yaml:6: column 1: duplicate key \"currency\" (first at line 5, column 1): expected each key once"
        ]
    );
}

#[test]
fn lines_ended_by_a_lone_carriage_return_are_counted_as_editors_count_them() {
    // Found by the `sow` fuzz target: YAML ends a line at `\r` as well as at `\n` and `\r\n`,
    // and problems are placed by those lines — the unknown key is on the third.
    let text = fixture("keys.yaml").replace('\n', "\r");
    let Err(gigops_core::Problems(found)) = read("keys.yaml", &text) else {
        panic!("keys.yaml has problems");
    };
    assert_eq!(found[1].line, 3, "{}", found[1]);
    assert!(found[1].reason.contains("\"colour\""), "{}", found[1]);
}
