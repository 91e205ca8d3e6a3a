//! Benchmark comparison: Mann–Whitney U p-values against scipy, checked by brute force on small
//! samples, and comparisons of real Go benchmark runs.
//!
//! Every reference p-value was computed with scipy 1.17.1 (`pip install scipy` in a venv) by the
//! one-liner beside it. scipy's `method='exact'` is the exact distribution without ties,
//! `PermutationMethod()` enumerates every split of the pooled values (the exact distribution
//! given the ties; `n_resamples=np.inf` forces all of them), and `method='asymptotic'` is the
//! normal approximation with the tie and continuity corrections.

use std::path::PathBuf;

use gigops_core::evidence::{BenchMetric, Benchmark, BenchmarkSet};
use gigops_gate::benchcmp::{Comparison, compare, mann_whitney_u};
use proptest::prelude::*;

fn assert_p(a: &[f64], b: &[f64], expected: f64) {
    let p = mann_whitney_u(a, b).expect("a p-value");
    assert!(
        (p - expected).abs() <= 1e-12 * expected.max(1e-300) + 1e-15,
        "p({a:?}, {b:?}) = {p}, scipy says {expected}"
    );
    // The test is two-sided: which sample comes first does not matter.
    let swapped = mann_whitney_u(b, a).unwrap();
    assert!((p - swapped).abs() < 1e-15, "{p} vs {swapped} swapped");
}

/// `[(i*m) % 101 + offset for i in range(from, to)]`: distinct values, in a shuffled order.
fn spread(m: usize, from: usize, to: usize, offset: f64) -> Vec<f64> {
    (from..to)
        .map(|i| ((i * m) % 101) as f64 + offset)
        .collect()
}

/// `[(i*m) % 10 + offset for i in range(n)]`: ten distinct values, so many ties.
fn digits(m: usize, n: usize, offset: f64) -> Vec<f64> {
    (0..n).map(|i| ((i * m) % 10) as f64 + offset).collect()
}

#[test]
fn exact_p_values_without_ties_match_scipy() {
    // python3 -c "import scipy.stats as s; print(s.mannwhitneyu([1,2,3,4],[5,6,7,8],method='exact').pvalue)"
    // → 0.02857142857142857 (= 2/70: one of C(8,4) = 70 splits is this extreme, each way)
    assert_p(
        &[1.0, 2.0, 3.0, 4.0],
        &[5.0, 6.0, 7.0, 8.0],
        0.02857142857142857,
    );
    // python3 -c "import scipy.stats as s; print(s.mannwhitneyu([1,2,3],[4,5,6],method='exact').pvalue)"
    // → 0.1 (= 2/20)
    assert_p(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0], 0.1);
    // python3 -c "import scipy.stats as s; print(s.mannwhitneyu([1],[2],method='exact').pvalue)"
    // → 1.0
    assert_p(&[1.0], &[2.0], 1.0);
    // python3 -c "import scipy.stats as s; print(s.mannwhitneyu([9],[1,2,3,4,5,6,7],method='exact').pvalue)"
    // → 0.25: one value beyond seven others is still 2 in 8
    assert_p(&[9.0], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], 0.25);
    // python3 -c "import scipy.stats as s; print(s.mannwhitneyu([(i*37)%101 for i in range(10)],[(i*37)%101+0.5 for i in range(3,15)],method='exact').pvalue)"
    // → 0.8212035642376201
    assert_p(
        &spread(37, 0, 10, 0.0),
        &spread(37, 3, 15, 0.5),
        0.8212035642376201,
    );
    // python3 -c "import scipy.stats as s; print(s.mannwhitneyu(list(range(10)),list(range(10,20)),method='exact').pvalue)"
    // → 1.082508822446903e-05
    let low: Vec<f64> = (0..10).map(f64::from).collect();
    let high: Vec<f64> = (10..20).map(f64::from).collect();
    assert_p(&low, &high, 1.082508822446903e-05);
    // 50 and 50, the largest the exact distribution is used for:
    // python3 -c "import scipy.stats as s; print(s.mannwhitneyu([(i*37)%101 for i in range(50)],[(i*37)%101+0.5 for i in range(10,60)],method='exact').pvalue)"
    // → 0.850302369824611
    assert_p(
        &spread(37, 0, 50, 0.0),
        &spread(37, 10, 60, 0.5),
        0.850302369824611,
    );
}

#[test]
fn exact_p_values_with_ties_match_a_permutation_test() {
    // python3 -c "import scipy.stats as s; print(s.mannwhitneyu([1,2,3],[1,2,3],method=s.PermutationMethod()).pvalue)"
    // → 1.0: identical samples
    assert_p(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0], 1.0);
    // python3 -c "import scipy.stats as s; print(s.mannwhitneyu([10,11,11,12,13],[12,13,13,14,15],method=s.PermutationMethod()).pvalue)"
    // → 0.05555555555555555
    assert_p(
        &[10.0, 11.0, 11.0, 12.0, 13.0],
        &[12.0, 13.0, 13.0, 14.0, 15.0],
        0.05555555555555555,
    );
    // python3 -c "import scipy.stats as s, numpy as np; print(s.mannwhitneyu([3,5,5,6,7,7,7,9],[5,6,8,8,9,9,10,12],method=s.PermutationMethod(n_resamples=np.inf)).pvalue)"
    // → 0.06013986013986014 (all C(16,8) = 12870 splits)
    assert_p(
        &[3.0, 5.0, 5.0, 6.0, 7.0, 7.0, 7.0, 9.0],
        &[5.0, 6.0, 8.0, 8.0, 9.0, 9.0, 10.0, 12.0],
        0.06013986013986014,
    );
    // Sizes 2 and 4 with three equal values: U's distribution is not symmetric. Both tails of
    // the observed U, as the permutation test takes them (go-moremath would double the lower
    // tail at the smaller U, 0 here; see the module documentation):
    // python3 -c "import scipy.stats as s; print(s.mannwhitneyu([3,4],[1,1,1,2],method=s.PermutationMethod()).pvalue)"
    // → 0.13333333333333333 (= 2/15)
    assert_p(&[3.0, 4.0], &[1.0, 1.0, 1.0, 2.0], 0.13333333333333333);
    // U is half the pairs (10 of 5 × 4) yet not the middle of this distribution:
    // python3 -c "import scipy.stats as s; print(s.mannwhitneyu([2,2,2,1,1],[0,4,4,0],method=s.PermutationMethod()).pvalue)"
    // → 0.873015873015873
    assert_p(
        &[2.0, 2.0, 2.0, 1.0, 1.0],
        &[0.0, 4.0, 4.0, 0.0],
        0.873015873015873,
    );
}

#[test]
fn large_samples_use_the_normal_approximation_as_scipy_does() {
    // No ties, 60 and 55 values: past the exact limit of 50.
    // python3 -c "import scipy.stats as s; print(s.mannwhitneyu([(i*37)%101 for i in range(60)],[(i*37)%101+0.5 for i in range(20,75)],method='asymptotic').pvalue)"
    // → 0.9352952943538986
    assert_p(
        &spread(37, 0, 60, 0.0),
        &spread(37, 20, 75, 0.5),
        0.9352952943538986,
    );
    // 51 and 51, just past it:
    // python3 -c "import scipy.stats as s; print(s.mannwhitneyu([(i*37)%101 for i in range(51)],[(i*37)%101+0.5 for i in range(10,61)],method='asymptotic').pvalue)"
    // → 0.6781800762776506
    assert_p(
        &spread(37, 0, 51, 0.0),
        &spread(37, 10, 61, 0.5),
        0.6781800762776506,
    );
    // Ties, 30 and 30: past the exact limit of 25 with ties.
    // python3 -c "import scipy.stats as s; print(s.mannwhitneyu([(i*7)%10 for i in range(30)],[(i*3)%10+1 for i in range(30)],method='asymptotic').pvalue)"
    // → 0.206821592167716
    assert_p(&digits(7, 30, 0.0), &digits(3, 30, 1.0), 0.206821592167716);
    // 26 and 26, just past it:
    // python3 -c "import scipy.stats as s; print(s.mannwhitneyu([(i*7)%10 for i in range(26)],[(i*3)%10+1 for i in range(26)],method='asymptotic').pvalue)"
    // → 0.2543414058822575
    assert_p(&digits(7, 26, 0.0), &digits(3, 26, 1.0), 0.2543414058822575);
}

#[test]
fn at_the_ties_limit_the_exact_test_is_close_to_the_approximation() {
    // 25 and 25 with ties is still exact (C(50,25) splits: no reference can enumerate them);
    // at this size the normal approximation is close, so the two must nearly agree:
    // python3 -c "import scipy.stats as s; print(s.mannwhitneyu([(i*7)%10 for i in range(25)],[(i*3)%10+1 for i in range(25)],method='asymptotic').pvalue)"
    // → 0.26234323973437756
    let p = mann_whitney_u(&digits(7, 25, 0.0), &digits(3, 25, 1.0)).unwrap();
    assert!((p - 0.26234323973437756).abs() < 0.01, "{p}");
    assert!(
        p != 0.26234323973437756,
        "the exact distribution, not the approximation"
    );
}

#[test]
fn no_test_without_values_or_with_every_value_the_same() {
    assert_eq!(mann_whitney_u(&[], &[1.0]), None);
    assert_eq!(mann_whitney_u(&[5.0, 5.0], &[5.0, 5.0, 5.0]), None);
    assert_eq!(mann_whitney_u(&[1.0, f64::NAN], &[2.0, 3.0]), None);
    // 0.0 and -0.0 are the same value.
    assert_eq!(mann_whitney_u(&[0.0], &[-0.0]), None);
}

fn set(benchmarks: &[(&str, &str, &str, &[f64])]) -> BenchmarkSet {
    let mut set = BenchmarkSet::default();
    for &(suite, name, unit, values) in benchmarks {
        let metric = BenchMetric {
            unit: unit.into(),
            values: values.to_vec(),
        };
        match set
            .benchmarks
            .iter_mut()
            .find(|b| b.suite == suite && b.name == name)
        {
            Some(b) => b.metrics.push(metric),
            None => set.benchmarks.push(Benchmark {
                suite: suite.into(),
                name: name.into(),
                metrics: vec![metric],
            }),
        }
    }
    set
}

fn only(comparisons: &[Comparison]) -> &Comparison {
    assert_eq!(comparisons.len(), 1, "{comparisons:#?}");
    &comparisons[0]
}

#[test]
fn four_runs_each_fully_apart_are_significant_three_never() {
    let old = set(&[("p", "B", "ns/op", &[100.0, 101.0, 102.0, 103.0])]);
    let new = set(&[("p", "B", "ns/op", &[110.0, 111.0, 112.0, 113.0])]);
    let c = compare(&old, &new, 0.05);
    let c = only(&c);
    assert!(c.significant);
    assert!((c.p_value.unwrap() - 2.0 / 70.0).abs() < 1e-15);
    // Medians 101.5 and 111.5: +9.852… %, and for a time a rise is a regression.
    let delta = (111.5 / 101.5 - 1.0) * 100.0;
    assert_eq!(c.delta_percent, Some(delta));
    assert_eq!(c.regression_percent, Some(delta));
    assert_eq!(c.note, None);
    assert_eq!(
        (c.old.unwrap().center, c.new.unwrap().center),
        (101.5, 111.5)
    );
    assert_eq!(
        (c.old.unwrap().min, c.old.unwrap().max, c.old.unwrap().n),
        (100.0, 103.0, 4)
    );

    let old = set(&[("p", "B", "ns/op", &[100.0, 101.0, 102.0])]);
    let new = set(&[("p", "B", "ns/op", &[110.0, 111.0, 112.0])]);
    let c = compare(&old, &new, 0.05);
    let c = only(&c);
    // As far apart as three can be, and still p = 2/20 = 0.1: benchstat's "~".
    assert!(!c.significant);
    assert_eq!(c.p_value, Some(0.1));
    assert_eq!((c.delta_percent, c.regression_percent), (None, None));
    let note = c.note.as_deref().unwrap();
    // The smallest equal size that reaches 0.05 is 4: 2/C(8,4) = 0.0286.
    assert!(
        note.contains("need more samples for significance at α=0.05")
            && note.contains("0.100")
            && note.contains("at least 4 times"),
        "{note}"
    );
}

#[test]
fn one_run_is_never_significant() {
    // One old value against any number of new ones beyond it: p = 2/(n+1) at best, so five new
    // runs give 1/3 and it takes 39 to reach 0.05.
    let old = set(&[("p", "B", "ns/op", &[100.0])]);
    let new = set(&[("p", "B", "ns/op", &[200.0, 201.0, 202.0, 203.0, 204.0])]);
    let c = compare(&old, &new, 0.05);
    let c = only(&c);
    assert!(!c.significant);
    assert!((c.p_value.unwrap() - 2.0 / 6.0).abs() < 1e-15);
    assert!(c.note.as_deref().unwrap().contains("with 1 and 5"), "{c:?}");
}

#[test]
fn a_throughput_that_falls_is_a_regression() {
    let old = set(&[("p", "B", "MB/s", &[200.0, 210.0, 205.0, 215.0, 220.0])]);
    let new = set(&[("p", "B", "MB/s", &[150.0, 160.0, 155.0, 165.0, 170.0])]);
    let c = compare(&old, &new, 0.05);
    let c = only(&c);
    assert!(c.significant);
    // Medians 210 and 160: −23.8 %, a regression of +23.8 %.
    let delta = (160.0 / 210.0 - 1.0) * 100.0;
    assert_eq!(c.delta_percent, Some(delta));
    assert_eq!(c.regression_percent, Some(-delta));
    assert!(c.regression_percent.unwrap() > 0.0);
}

#[test]
fn identical_or_constant_samples_never_change() {
    let values = [3.0, 1.0, 2.0];
    let c = compare(
        &set(&[("p", "B", "ns/op", &values)]),
        &set(&[("p", "B", "ns/op", &values)]),
        0.05,
    );
    assert_eq!(only(&c).p_value, Some(1.0));
    assert!(!only(&c).significant);

    let c = compare(
        &set(&[("p", "B", "allocs/op", &[2.0; 5])]),
        &set(&[("p", "B", "allocs/op", &[2.0; 5])]),
        0.05,
    );
    let c = only(&c);
    assert_eq!(
        (c.p_value, c.significant, c.delta_percent),
        (None, false, None)
    );
    assert!(
        c.note
            .as_deref()
            .unwrap()
            .contains("every value is the same")
    );
}

#[test]
fn a_significant_change_from_zero_has_no_percentage() {
    let c = compare(
        &set(&[("p", "B", "allocs/op", &[0.0; 5])]),
        &set(&[("p", "B", "allocs/op", &[1.0; 5])]),
        0.05,
    );
    let c = only(&c);
    // All 0 against all 1: as apart as 5 and 5 can be, p = 2/C(10,5) = 2/252.
    assert!(c.significant);
    assert!((c.p_value.unwrap() - 2.0 / 252.0).abs() < 1e-15);
    assert_eq!((c.delta_percent, c.regression_percent), (None, None));
    assert!(c.note.as_deref().unwrap().contains("old median is 0"));
}

#[test]
fn metrics_pair_by_suite_name_and_unit() {
    let old = set(&[
        ("p", "A", "ns/op", &[1.0, 2.0]),
        ("p", "Gone", "ns/op", &[1.0]),
        ("q", "A", "ns/op", &[5.0]),
    ]);
    let new = set(&[
        ("p", "A", "ns/op", &[1.0, 2.0]),
        ("p", "A", "B/op", &[8.0]),
        ("p", "Fresh", "ns/op", &[1.0]),
    ]);
    let found: Vec<(String, String, String, bool, bool, Option<String>)> =
        compare(&old, &new, 0.05)
            .into_iter()
            .map(|c| {
                (
                    c.suite,
                    c.name,
                    c.unit,
                    c.old.is_some(),
                    c.new.is_some(),
                    c.note.filter(|n| n.starts_with("only")),
                )
            })
            .collect();
    let row = |suite: &str, name: &str, unit: &str, old: bool, new: bool, note: Option<&str>| {
        (
            suite.to_string(),
            name.to_string(),
            unit.to_string(),
            old,
            new,
            note.map(str::to_string),
        )
    };
    // The new set's order, then what only the old set has, in its order; q/A is not p/A.
    assert_eq!(
        found,
        [
            row("p", "A", "ns/op", true, true, None),
            row("p", "A", "B/op", false, true, Some("only in new")),
            row("p", "Fresh", "ns/op", false, true, Some("only in new")),
            row("p", "Gone", "ns/op", true, false, Some("only in old")),
            row("q", "A", "ns/op", true, false, Some("only in old")),
        ]
    );
}

#[test]
fn a_metric_listed_twice_is_compared_with_all_its_values() {
    // Two inputs with the same benchmark: 2 + 2 old values against 4 new ones.
    let old = set(&[("p", "A", "ns/op", &[1.0, 2.0])]);
    let mut old_twice = old.clone();
    old_twice.benchmarks.push(Benchmark {
        suite: "p".into(),
        name: "A".into(),
        metrics: vec![BenchMetric {
            unit: "ns/op".into(),
            values: vec![3.0, 4.0],
        }],
    });
    let new = set(&[("p", "A", "ns/op", &[5.0, 6.0, 7.0, 8.0])]);
    let c = compare(&old_twice, &new, 0.05);
    let c = only(&c);
    assert_eq!(c.old.unwrap().n, 4);
    assert!((c.p_value.unwrap() - 2.0 / 70.0).abs() < 1e-15);
}

#[test]
fn the_json_keys_are_snake_case() {
    let c = compare(
        &set(&[("p", "A", "ns/op", &[1.0, 2.0, 3.0, 4.0])]),
        &set(&[("p", "A", "ns/op", &[5.0, 6.0, 7.0, 8.0])]),
        0.05,
    );
    let json = serde_json::to_value(&c[0]).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = [
        "suite",
        "name",
        "unit",
        "old",
        "new",
        "delta_percent",
        "p_value",
        "significant",
        "regression_percent",
        "note",
    ];
    expected.sort();
    let mut keys = keys;
    keys.sort();
    assert_eq!(keys, expected);
    let mut summary_keys: Vec<&str> = json["old"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    summary_keys.sort();
    assert_eq!(summary_keys, ["center", "max", "min", "n"]);
    // And back.
    let back: Comparison = serde_json::from_value(json).unwrap();
    assert_eq!(back, c[0]);
}

fn go_fixture(name: &str) -> BenchmarkSet {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../gigops-ingest/tests/fixtures/gobench")
        .join(name);
    let file = std::fs::File::open(&path).unwrap();
    gigops_ingest::gobench::parse(std::io::BufReader::new(file), name).unwrap()
}

#[test]
fn a_real_run_against_itself_never_changes() {
    let run = go_fixture("bench.txt");
    let comparisons = compare(&run, &run, 0.05);
    // bench.txt: FNV 4 units, FNVLogged 3, the two Reverse sub-benchmarks 4 each, Words 4.
    assert_eq!(comparisons.len(), 4 + 3 + 4 + 4 + 4);
    for c in &comparisons {
        assert!(!c.significant, "{c:?}");
        // A p of 1, or no test where every value is the same (0 B/op, 100 words/op, …).
        assert!(c.p_value.is_none_or(|p| p == 1.0), "{c:?}");
    }
}

#[test]
fn two_real_runs_pair_every_metric() {
    // bench.txt and bench.json are two runs of the same command (the second with -json).
    let comparisons = compare(&go_fixture("bench.txt"), &go_fixture("bench.json"), 0.05);
    assert_eq!(comparisons.len(), 19);
    assert!(
        comparisons
            .iter()
            .all(|c| c.old.is_some() && c.new.is_some())
    );
    // 0 B/op in every run of FNV: nothing to test; its ns/op has 5 + 5 distinct values.
    let fnv = |unit: &str| {
        comparisons
            .iter()
            .find(|c| c.name == "BenchmarkFNV" && c.unit == unit)
            .unwrap()
    };
    assert_eq!(fnv("B/op").p_value, None);
    let time = fnv("ns/op");
    assert_eq!((time.old.unwrap().n, time.new.unwrap().n), (5, 5));
    // Old 24.17 10.06 9.829 9.594 16.57 (median 10.06) against new 24.64 9.860 19.25 9.730
    // 10.22 (median 10.22); ranked together the old ones take 1, 3, 5, 7, 9 of 10: U = 10 of 25,
    // nowhere near significant.
    assert_eq!(
        (time.old.unwrap().center, time.new.unwrap().center),
        (10.06, 10.22)
    );
    assert!(!time.significant);
    let p = time.p_value.unwrap();
    // python3 -c "import scipy.stats as s; print(s.mannwhitneyu([24.17,10.06,9.829,9.594,16.57],[24.64,9.860,19.25,9.730,10.22],method='exact').pvalue)"
    // → 0.6904761904761905
    assert!((p - 0.6904761904761905).abs() < 1e-12, "{p}");
}

/// The two-sided permutation p-value by enumerating every split of the pooled values.
fn brute_force(a: &[f64], b: &[f64]) -> f64 {
    let pooled: Vec<f64> = a.iter().chain(b).copied().collect();
    let u = |x: &[f64], y: &[f64]| -> f64 {
        let mut u = 0.0;
        for &p in x {
            for &q in y {
                u += if p > q {
                    1.0
                } else if p == q {
                    0.5
                } else {
                    0.0
                };
            }
        }
        u
    };
    let observed = u(a, b);
    let n = pooled.len();
    let (mut low, mut high, mut total) = (0u64, 0u64, 0u64);
    for mask in 0u32..(1 << n) {
        if mask.count_ones() as usize != a.len() {
            continue;
        }
        let (x, y): (Vec<f64>, Vec<f64>) = {
            let mut x = Vec::new();
            let mut y = Vec::new();
            for (i, &v) in pooled.iter().enumerate() {
                if mask & (1 << i) != 0 {
                    x.push(v)
                } else {
                    y.push(v)
                }
            }
            (x, y)
        };
        let value = u(&x, &y);
        total += 1;
        low += u64::from(value <= observed);
        high += u64::from(value >= observed);
    }
    (2.0 * low.min(high) as f64 / total as f64).min(1.0)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// Small samples drawn from few values, so that ties are common: the exact p-value is the
    /// permutation test's, split by split.
    #[test]
    fn the_exact_test_is_the_permutation_test(
        a in proptest::collection::vec(0u8..6, 1..7),
        b in proptest::collection::vec(0u8..6, 1..7),
    ) {
        let a: Vec<f64> = a.into_iter().map(f64::from).collect();
        let b: Vec<f64> = b.into_iter().map(f64::from).collect();
        let all_same = a.iter().chain(&b).all(|&v| v == a[0]);
        match mann_whitney_u(&a, &b) {
            None => prop_assert!(all_same),
            Some(p) => {
                prop_assert!(!all_same);
                let expected = brute_force(&a, &b);
                prop_assert!((p - expected).abs() < 1e-12, "{} vs {}", p, expected);
            }
        }
    }

    /// Without ties, every ordering of distinct values.
    #[test]
    fn the_exact_test_without_ties_is_the_permutation_test(
        (order, n1) in (2usize..13).prop_flat_map(|n| {
            (Just((0..n).collect::<Vec<usize>>()).prop_shuffle(), 1..n)
        }),
    ) {
        let values: Vec<f64> = order.into_iter().map(|v| v as f64).collect();
        let (a, b) = values.split_at(n1);
        let p = mann_whitney_u(a, b).unwrap();
        let expected = brute_force(a, b);
        prop_assert!((p - expected).abs() < 1e-12, "{} vs {}", p, expected);
    }

    #[test]
    fn any_finite_samples_give_a_probability(
        a in proptest::collection::vec(-1e6f64..1e6, 0..40),
        b in proptest::collection::vec(-1e6f64..1e6, 0..40),
        alpha in 0.001f64..0.5,
    ) {
        if let Some(p) = mann_whitney_u(&a, &b) {
            prop_assert!(p > 0.0 && p <= 1.0, "{}", p);
        }
        let old = set(&[("p", "A", "ns/op", &a)]);
        let new = set(&[("p", "A", "ns/op", &b)]);
        for c in compare(&old, &new, alpha) {
            prop_assert_eq!(c.significant, c.p_value.is_some_and(|p| p <= alpha));
            prop_assert_eq!(c.delta_percent.is_some(), c.regression_percent.is_some());
        }
    }
}
