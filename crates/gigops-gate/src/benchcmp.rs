//! Benchmark comparison: old against new, metric by metric, as benchstat compares them
//! (golang.org/x/perf's benchmath, with its default assumption of nothing about the
//! distribution).
//!
//! Metrics pair by suite, name and unit. Each side is summarised by its median, and the two
//! samples are tested with the two-sided Mann–Whitney U test; a change is significant when
//! p ≤ α. Only a significant change has a delta (benchstat prints `~` otherwise):
//! `(new median − old median) / old median × 100`. The regression is the same percentage signed
//! so that worse is positive: a rise of a cost (`ns/op`, `B/op`), a fall of a throughput (`MB/s`,
//! any `…/s`).
//!
//! The p-value follows go-moremath's `MannWhitneyUTest`, which benchmath calls: the exact
//! distribution of U when both samples have at most 50 values and no value repeats, or at most 25
//! values with ties (then the exact distribution given the ties, after Klotz); otherwise the
//! normal approximation with the tie and continuity corrections. Every value the same: no test.
//! Where U's distribution is symmetric — no ties, or samples of equal size (the usual `-count N`
//! on both sides) — p is go-moremath's. With ties and unequal sizes it is not symmetric, and
//! go-moremath's doubled lower tail at the smaller U can miss the observed tail altogether (3, 4
//! against 1, 1, 1, 2: no split has U that small, p = 0); gigops takes twice the smaller of the
//! two tails of the observed U, capped at 1, which is the exact permutation test (scipy gives
//! 2/15 there).

use std::collections::HashMap;

use gigops_core::evidence::{BenchMetric, BenchmarkSet};

pub use gigops_core::gate_output::{Comparison, ComparisonFile, FILE_SCHEMA, Summary};

/// Compares every metric of `new` with the same metric of `old`: the new set's metrics in its
/// order, then those only in the old set, in its order. A metric listed twice in one set (two
/// inputs with the same benchmark) is compared with all its values together.
pub fn compare(old: &BenchmarkSet, new: &BenchmarkSet, alpha: f64) -> Vec<Comparison> {
    let old_metrics = metrics(old);
    let new_metrics = metrics(new);
    let old_index: HashMap<&Key<'_>, usize> = old_metrics
        .iter()
        .enumerate()
        .map(|(i, (key, _))| (key, i))
        .collect();
    let new_index: HashMap<&Key<'_>, usize> = new_metrics
        .iter()
        .enumerate()
        .map(|(i, (key, _))| (key, i))
        .collect();
    let mut comparisons: Vec<Comparison> = new_metrics
        .iter()
        .map(|(key, values)| {
            let old_values = old_index.get(key).map(|&i| old_metrics[i].1.as_slice());
            compare_metric(key, old_values, Some(values), alpha)
        })
        .collect();
    comparisons.extend(
        old_metrics
            .iter()
            .filter(|(key, _)| !new_index.contains_key(key))
            .map(|(key, values)| compare_metric(key, Some(values), None, alpha)),
    );
    comparisons
}

/// Suite, name and unit.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Key<'a> {
    suite: &'a str,
    name: &'a str,
    unit: &'a str,
    /// Whether a larger value is better, as [`BenchMetric::higher_is_better`] says.
    higher_is_better: bool,
}

/// Every metric of a set, once, in order, with the values of repeated entries joined.
fn metrics(set: &BenchmarkSet) -> Vec<(Key<'_>, Vec<f64>)> {
    let mut list: Vec<(Key<'_>, Vec<f64>)> = Vec::new();
    let mut index: HashMap<(&str, &str, &str), usize> = HashMap::new();
    for benchmark in &set.benchmarks {
        for metric in &benchmark.metrics {
            let id = (
                benchmark.suite.as_str(),
                benchmark.name.as_str(),
                metric.unit.as_str(),
            );
            match index.get(&id) {
                Some(&i) => list[i].1.extend(&metric.values),
                None => {
                    index.insert(id, list.len());
                    list.push((key(id, metric), metric.values.clone()));
                }
            }
        }
    }
    list
}

fn key<'a>((suite, name, unit): (&'a str, &'a str, &'a str), metric: &BenchMetric) -> Key<'a> {
    Key {
        suite,
        name,
        unit,
        higher_is_better: metric.higher_is_better(),
    }
}

fn compare_metric(
    key: &Key<'_>,
    old: Option<&[f64]>,
    new: Option<&[f64]>,
    alpha: f64,
) -> Comparison {
    let old = old.filter(|v| !v.is_empty());
    let new = new.filter(|v| !v.is_empty());
    let mut comparison = Comparison {
        suite: key.suite.to_string(),
        name: key.name.to_string(),
        unit: key.unit.to_string(),
        old: old.map(summarize),
        new: new.map(summarize),
        delta_percent: None,
        p_value: None,
        significant: false,
        regression_percent: None,
        note: None,
    };
    let (Some(old_values), Some(new_values)) = (old, new) else {
        comparison.note = Some(
            if old.is_none() {
                "only in new"
            } else {
                "only in old"
            }
            .into(),
        );
        return comparison;
    };
    let Some(p) = mann_whitney_u(old_values, new_values) else {
        comparison.note = Some(
            if old_values.iter().chain(new_values).all(|v| v.is_finite()) {
                "every value is the same: nothing to test".into()
            } else {
                "a value is not a finite number: the samples cannot be compared".into()
            },
        );
        return comparison;
    };
    comparison.p_value = Some(p);
    comparison.significant = p <= alpha;
    let center = |summary: Option<Summary>| summary.map_or(f64::NAN, |s| s.center);
    let (old_center, new_center) = (center(comparison.old), center(comparison.new));
    if comparison.significant {
        let delta = if old_center == new_center {
            Some(0.0)
        } else if old_center == 0.0 {
            comparison.note = Some("the old median is 0: the change has no percentage".into());
            None
        } else {
            Some((new_center / old_center - 1.0) * 100.0)
        };
        comparison.delta_percent = delta;
        comparison.regression_percent = delta.map(|d| if key.higher_is_better { -d } else { d });
    } else {
        comparison.note = too_few_samples(old_values.len(), new_values.len(), alpha);
    }
    comparison
}

/// The note for samples too small to ever be significant at `alpha`, even if every new value
/// were beyond every old one: then the smallest p the U test can give is 2 / C(n₁+n₂, n₁).
fn too_few_samples(n1: usize, n2: usize, alpha: f64) -> Option<String> {
    let smallest = 2.0 / choose_f64(n1 + n2, n1);
    if smallest <= alpha {
        return None;
    }
    // The smallest equal size that can reach alpha, as benchstat advises.
    let need = (1..=50).find(|&k| 2.0 / choose_f64(2 * k, k) <= alpha);
    let advice = match need {
        Some(k) => format!("; run at least {k} times on each side"),
        None => String::new(),
    };
    Some(format!(
        "need more samples for significance at α={alpha}: with {n1} and {n2} the smallest possible p is {smallest:.3}{advice}"
    ))
}

fn choose_f64(n: usize, k: usize) -> f64 {
    (0..k).fold(1.0, |c, i| c * (n - i) as f64 / (i + 1) as f64)
}

fn summarize(values: &[f64]) -> Summary {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let center = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    Summary {
        center,
        n: n as u64,
        min: sorted[0],
        max: sorted[n - 1],
    }
}

/// The largest samples the exact distribution of U is used for when no value is repeated
/// (go-moremath's `MannWhitneyExactLimit`).
pub const EXACT_LIMIT: usize = 50;
/// The same with ties (go-moremath's `MannWhitneyTiesExactLimit`).
pub const TIES_EXACT_LIMIT: usize = 25;

/// The two-sided p-value of the Mann–Whitney U test of `a` against `b`; `None` when a sample is
/// empty, a value is not finite, or every value is the same (the test then means nothing).
pub fn mann_whitney_u(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.is_empty() || b.is_empty() || a.iter().chain(b).any(|v| !v.is_finite()) {
        return None;
    }
    let (n1, n2) = (a.len(), b.len());
    let groups = tie_groups(a, b);
    if groups.len() == 1 {
        return None;
    }
    // Twice U of `a` (pairs where a's value is larger, a tie counting a half), so that it is
    // an integer: twice a's rank sum, less n₁(n₁+1).
    let two_rank_sum: usize = groups.iter().map(|g| g.from_a * g.twice_mid_rank()).sum();
    let two_u1 = two_rank_sum - n1 * (n1 + 1);
    let two_u2 = 2 * n1 * n2 - two_u1;
    let has_ties = groups.iter().any(|g| g.size > 1);
    let exact = if has_ties {
        n1 <= TIES_EXACT_LIMIT && n2 <= TIES_EXACT_LIMIT
    } else {
        n1 <= EXACT_LIMIT && n2 <= EXACT_LIMIT
    };
    if !exact {
        return Some(normal_approximation(&groups, n1, n2, two_u1));
    }
    let total = choose(n1 + n2, n1) as f64;
    let tail = if has_ties {
        // Both tails: P(U₁ ≤ u₁) and P(U₁ ≥ u₁) = P(U₂ ≤ u₂). Even U₁ = U₂ (half the pairs) need
        // not be the middle of an asymmetric distribution, so it gets no shortcut here.
        let low = ways_at_most(&groups, n1, two_u1) as f64 / total;
        let high = ways_at_most(&groups, n2, two_u2) as f64 / total;
        low.min(high)
    } else if two_u1 == two_u2 {
        // The middle of a symmetric distribution (go-moremath's shortcut).
        return Some(1.0);
    } else {
        // Without ties U's distribution is symmetric and the same for either sample: the tail
        // of the smaller U is the smaller.
        ways_without_ties_at_most(n1, n2, two_u1.min(two_u2) / 2) as f64 / total
    };
    Some((2.0 * tail).min(1.0))
}

/// A run of equal values in the two samples merged and sorted.
#[derive(Debug, Clone, Copy)]
struct TieGroup {
    /// 0-based position of the group's first value.
    first: usize,
    size: usize,
    /// How many of its values are from the first sample.
    from_a: usize,
}

impl TieGroup {
    /// Twice the rank every value of the group gets (the mean of its 1-based positions).
    fn twice_mid_rank(&self) -> usize {
        2 * (self.first + 1) + self.size - 1
    }
}

fn tie_groups(a: &[f64], b: &[f64]) -> Vec<TieGroup> {
    let mut merged: Vec<(f64, bool)> = a
        .iter()
        .map(|&v| (v, true))
        .chain(b.iter().map(|&v| (v, false)))
        .collect();
    merged.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut groups: Vec<TieGroup> = Vec::new();
    for (i, &(value, from_a)) in merged.iter().enumerate() {
        // `==`, not the sort order: 0.0 and -0.0 are one value.
        match groups.last_mut() {
            Some(group) if merged[group.first].0 == value => {
                group.size += 1;
                group.from_a += usize::from(from_a);
            }
            _ => groups.push(TieGroup {
                first: i,
                size: 1,
                from_a: usize::from(from_a),
            }),
        }
    }
    groups
}

/// With ties: how many ways `n` of the merged values can be chosen (the tie groups fixed) so that their twice
/// U, against the values not chosen, is at most `bound`. Counted exactly, in integers.
///
/// A dynamic programme over the groups in order, with state (values chosen so far, twice U so
/// far): choosing r of a group of size t starting at 0-based position f, after k were chosen
/// before it, adds r·2(f − k) (each beats the f − k unchosen values below the group) plus
/// r·(t − r) (a tie with each unchosen value of its own group counts a half). Twice U only grows,
/// so states above the bound are dropped; each row grows only as far as its states reach.
fn ways_at_most(groups: &[TieGroup], n: usize, bound: usize) -> u128 {
    let total: usize = groups.iter().map(|g| g.size).sum();
    // ways[k][u]: the ways to have chosen k values so far with twice U = u.
    let mut ways: Vec<Vec<u128>> = vec![Vec::new(); n + 1];
    ways[0].push(1);
    for group in groups {
        let left_after = total - group.first - group.size;
        let binomials: Vec<u128> = (0..=group.size).map(|r| choose(group.size, r)).collect();
        let mut next: Vec<Vec<u128>> = vec![Vec::new(); n + 1];
        for (k, row) in ways.iter().enumerate().take(n.min(group.first) + 1) {
            // Too few values left to reach n: no way to complete this state.
            if n - k > group.size + left_after {
                continue;
            }
            for (u, &count) in row.iter().enumerate() {
                if count == 0 {
                    continue;
                }
                for r in 0..=group.size.min(n - k) {
                    if n - k - r > left_after {
                        continue;
                    }
                    let u2 = u + r * 2 * (group.first - k) + r * (group.size - r);
                    if u2 > bound {
                        continue;
                    }
                    let target = &mut next[k + r];
                    if target.len() <= u2 {
                        target.resize(u2 + 1, 0);
                    }
                    target[u2] += count * binomials[r];
                }
            }
        }
        ways = next;
    }
    ways[n].iter().sum()
}

/// Without ties: how many of the C(m+n, m) orderings give U ≤ `u`. The number with U = j is the
/// coefficient of q^j in the Gaussian binomial [m+n choose m] = ∏ᵢ₌₁..ₘ (1 − q^(n+i)) / (1 − q^i)
/// (U counts the pairs out of order, as the q-binomial counts the inversions of a word of m
/// ones and n zeros), built one factor at a time and cut at degree `u`: every step only moves
/// coefficients up, so the cut loses nothing below it. Counted exactly, in integers.
fn ways_without_ties_at_most(m: usize, n: usize, u: usize) -> u128 {
    let (m, n) = (m.min(n), m.max(n));
    let mut coefficients = vec![0i128; u + 1];
    coefficients[0] = 1;
    for i in 1..=m {
        // × (1 − q^(n+i)), from the top so that each term still reads the old coefficient.
        for d in (n + i..=u).rev() {
            coefficients[d] -= coefficients[d - n - i];
        }
        // ÷ (1 − q^i): g[d] = f[d] + g[d − i], from the bottom.
        for d in i..=u {
            coefficients[d] += coefficients[d - i];
        }
    }
    coefficients.iter().sum::<i128>() as u128
}

/// C(n, k), exactly; the samples tested exactly (at most 100 values) keep it within u128.
fn choose(n: usize, k: usize) -> u128 {
    let k = k.min(n - k);
    (0..k).fold(1u128, |c, i| c * (n - i) as u128 / (i + 1) as u128)
}

/// The normal approximation with the tie correction and the continuity correction, as
/// go-moremath computes it for samples too large for the exact distribution.
fn normal_approximation(groups: &[TieGroup], n1: usize, n2: usize, two_u1: usize) -> f64 {
    let ties: f64 = groups
        .iter()
        .map(|g| {
            let t = g.size as f64;
            t * t * t - t
        })
        .sum();
    let (n1f, n2f) = (n1 as f64, n2 as f64);
    let n = n1f + n2f;
    let mean = n1f * n2f / 2.0;
    let sigma = (n1f * n2f * ((n + 1.0) - ties / (n * (n - 1.0))) / 12.0).sqrt();
    let mut distance = two_u1 as f64 / 2.0 - mean;
    distance -= 0.5 * sign(distance);
    // 2·min(Φ(z), 1 − Φ(z)) = erfc(|z|/√2), without the cancellation of 1 − Φ.
    erfc(distance.abs() / sigma / std::f64::consts::SQRT_2).min(1.0)
}

fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// The complementary error function for x ≥ 0, to about 1e-14 relative: 1 − erf by erf's series
/// (with no alternating terms, so nothing cancels) below 2, and the continued fraction of erfc
/// (Lentz's method) from 2 on, where it converges quickly and the series would lose erfc's small
/// value in the subtraction.
fn erfc(x: f64) -> f64 {
    const TWO_OVER_SQRT_PI: f64 = std::f64::consts::FRAC_2_SQRT_PI;
    if x < 2.0 {
        // erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1))
        let mut term = x;
        let mut sum = x;
        let mut k = 0.0;
        while term > sum * 1e-17 {
            k += 1.0;
            term *= 2.0 * x * x / (2.0 * k + 1.0);
            sum += term;
        }
        return 1.0 - TWO_OVER_SQRT_PI * (-x * x).exp() * sum;
    }
    // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
    let tiny = 1e-300;
    let mut f = x;
    let mut c = x;
    let mut d = 0.0;
    for i in 1..500 {
        let a = f64::from(i) / 2.0;
        d = x + a * d;
        d = if d.abs() < tiny { tiny } else { d };
        c = x + a / c;
        c = if c.abs() < tiny { tiny } else { c };
        d = 1.0 / d;
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    TWO_OVER_SQRT_PI / 2.0 * (-x * x).exp() / f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erfc_matches_reference_values() {
        // scipy 1.17.1: python3 -c "import scipy.special as s; print([float(s.erfc(x)) for x in (0.0, 0.5, 1.0, 1.9, 2.0, 3.0, 5.0, 10.0)])"
        let reference = [
            (0.0, 1.0),
            (0.5, 0.4795001221869535),
            (1.0, 0.15729920705028516),
            (1.9, 0.007209570764742531),
            (2.0, 0.004677734981047266),
            (3.0, 2.2090496998585445e-05),
            (5.0, 1.5374597944280347e-12),
            (10.0, 2.0884875837625446e-45),
        ];
        for (x, expected) in reference {
            let got = erfc(x);
            assert!(
                ((got - expected) / expected).abs() < 1e-13,
                "erfc({x}) = {got}, expected {expected}"
            );
        }
    }

    #[test]
    fn choose_is_exact_where_the_exact_test_needs_it() {
        // C(100, 50) = 100891344545564193334812497256, the largest count the exact test uses.
        assert_eq!(choose(100, 50), 100_891_344_545_564_193_334_812_497_256);
        // Symmetric and 1 at the ends: C(n, 0) = C(n, n) = 1.
        assert_eq!(choose(7, 0), 1);
        assert_eq!(choose(7, 7), 1);
        assert_eq!(choose(7, 3), choose(7, 4));
    }

    #[test]
    fn the_median_of_an_even_sample_is_the_mean_of_its_middle_two() {
        let summary = summarize(&[4.0, 1.0, 3.0, 2.0]);
        // Sorted 1 2 3 4: the middle two are 2 and 3.
        assert_eq!(summary.center, 2.5);
        assert_eq!((summary.n, summary.min, summary.max), (4, 1.0, 4.0));
        assert_eq!(summarize(&[5.0, 1.0, 3.0]).center, 3.0);
    }
}
