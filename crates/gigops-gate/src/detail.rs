//! The sentences the rules explain themselves with: each a key, a template in English, and the
//! values it names.
//!
//! A [`RuleResult`] carries both the English sentence (`detail`, in the summary JSON as it
//! always was) and the [`Message`] it was made from (its English template is here, in [`ENGLISH`]), so that a report in another language says
//! the same thing in that language: the renderer's catalogs have a sentence for every key here
//! (`rule_detail.<key>`, with the same placeholders), and its tests check that they do.

use gigops_core::Message;

/// Every key and its English template; `{name}` stands for the value of that name.
pub const ENGLISH: &[(&str, &str)] = &[
    (
        "command_without_evidence",
        "{commands} failed without writing any evidence gigops could read",
    ),
    (
        "tests_failed",
        "{failed} failed test(s) and {errors} errored suite(s); the policy allows {max}",
    ),
    (
        "tests_failed_quarantined",
        "{failed} failed test(s) and {errors} errored suite(s) ({excused} quarantined failure(s) not counted); the policy allows {max}",
    ),
    (
        "tests_failed_inner",
        "{failed} failed test(s) and {errors} errored suite(s) ({inner} inner failure(s) of suites that passed not counted); the policy allows {max}",
    ),
    (
        "tests_failed_quarantined_inner",
        "{failed} failed test(s) and {errors} errored suite(s) ({excused} quarantined failure(s) and {inner} inner failure(s) of suites that passed not counted); the policy allows {max}",
    ),
    (
        "coverage_total",
        "total coverage is {percent} %; the policy requires at least {min} %",
    ),
    (
        "coverage_nothing_instrumented",
        "total coverage: nothing was instrumented",
    ),
    ("no_coverage", "no coverage evidence was given"),
    (
        "patch_needs_base",
        "patch coverage needs coverage evidence and gate.patch_base (or --patch-base)",
    ),
    (
        "coverage_patch",
        "{covered} of {total} instrumented lines changed since {base} are covered ({percent} %); the policy requires at least {min} %",
    ),
    (
        "patch_nothing_changed",
        "no instrumented line changed since {base}: nothing to cover",
    ),
    (
        "coverage_drop",
        "coverage went from {before} % to {now} % (a drop of {drop} points); the policy allows {max}",
    ),
    (
        "no_baseline",
        "no baseline with coverage was given (--baseline or gate.baseline)",
    ),
    ("no_findings", "no findings evidence was given"),
    (
        "findings_level",
        "{n} finding(s) at level {level} or above; the policy allows none",
    ),
    (
        "findings_security",
        "{n} finding(s) with a security severity of {score} or more; the policy allows none",
    ),
    ("findings_rules_none", "no finding of a forbidden rule"),
    (
        "findings_rules",
        "{n} finding(s) of forbidden rules: {rules}",
    ),
    (
        "benchmarks_need_baseline",
        "benchmark regression needs new benchmark results and an old set (--bench-baseline)",
    ),
    (
        "benchmark_regression",
        "the worst significant regression is {benchmark} {unit}: {percent} % worse; the policy allows {max} %",
    ),
    (
        "no_regression",
        "no significant regression among {compared} compared metric(s)",
    ),
    (
        "debt_rating",
        "technical debt is rated {rating}; the policy accepts {worst} or better",
    ),
    ("no_code_size", "no code size to rate technical debt by"),
    (
        "debt_no_findings",
        "technical debt is not measured: no findings evidence (lint output) was given",
    ),
    (
        "debt_no_root",
        "technical debt is not measured: no project root was found (give --root)",
    ),
    (
        "debt_skipped",
        "technical debt is not measured: --no-debt was given",
    ),
    (
        "tests_count",
        "{ran} test(s) ran ({skipped} skipped); the policy requires at least {min}",
    ),
    (
        "no_tests",
        "no test results were given; the policy requires at least {min} test(s) to run",
    ),
    (
        "toolchain_unknown",
        "no {tool} version found on the runner or declared by the project",
    ),
    ("toolchain_within", "{versions}: within {requirement}"),
    ("toolchain_outside", "{versions} outside {requirement}"),
];

/// A rule's sentence: `key` is one of [`ENGLISH`].
pub fn rule_message(key: &str, args: &[(&str, String)]) -> Message {
    Message::of(ENGLISH, key, args)
}

/// A number as the sentences show it: two decimals.
pub fn two_decimals(x: f64) -> String {
    format!("{x:.2}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_messages_fill_their_template() {
        let mut keys: Vec<&str> = ENGLISH.iter().map(|(k, _)| *k).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), before, "a key is defined twice");
        let message = rule_message(
            "coverage_total",
            &[("percent", "81.50".into()), ("min", "80".into())],
        );
        assert_eq!(
            message.english_in(ENGLISH),
            "total coverage is 81.50 %; the policy requires at least 80 %"
        );
    }
}
