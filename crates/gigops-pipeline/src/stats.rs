//! Order statistics as numpy computes them by default (`method="linear"`): the p-quantile of a
//! sorted sample x₀ ≤ … ≤ xₙ₋₁ sits at h = (n − 1)·p and interpolates x⌊h⌋ and x⌊h⌋₊₁.

use crate::report::DurationStats;

/// The p-quantile of a sorted sample; `None` when it is empty.
pub(crate) fn quantile(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * p;
    let lo = (h.floor() as usize).min(n - 1);
    let hi = (lo + 1).min(n - 1);
    let frac = h - lo as f64;
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * frac)
}

/// The (num/den)-quantile of sorted integers, exactly, rounded half away from zero.
/// Money is integer minor units: computing in rationals means no cent appears from float error.
pub(crate) fn quantile_exact(sorted: &[i64], num: u64, den: u64) -> Option<i64> {
    let n = sorted.len() as u128;
    if n == 0 || den == 0 || num > den {
        return None;
    }
    // h = (n − 1)·num/den = lo + rem/den.
    let scaled = (n - 1) * u128::from(num);
    let den = u128::from(den);
    let lo = (scaled / den) as usize;
    let rem = (scaled % den) as i128;
    let den = den as i128;
    let a = i128::from(sorted[lo]);
    let b = i128::from(sorted[(lo + 1).min(sorted.len() - 1)]);
    let times_den = a * den + (b - a) * rem;
    Some(div_round_half_away(times_den, den) as i64)
}

/// `num / den` rounded to the nearest integer, halves away from zero; `den` > 0.
pub(crate) fn div_round_half_away(num: i128, den: i128) -> i128 {
    let twice = 2 * num;
    if num >= 0 {
        (twice + den) / (2 * den)
    } else {
        (twice - den) / (2 * den)
    }
}

/// Summary of integer durations, reported in `unit`s (e.g. ms per hour). Sorts `values`.
pub(crate) fn duration_stats(values: &mut [i64], unit: f64) -> DurationStats {
    let n = values.len();
    if n == 0 {
        return DurationStats::default();
    }
    values.sort_unstable();
    let sum: i128 = values.iter().map(|&v| i128::from(v)).sum();
    let mean = sum as f64 / n as f64;
    let std = (n >= 2).then(|| {
        let squares: f64 = values
            .iter()
            .map(|&v| {
                let d = v as f64 - mean;
                d * d
            })
            .sum();
        (squares / (n - 1) as f64).sqrt() / unit
    });
    let q = |p: f64| {
        let h = (n - 1) as f64 * p;
        let lo = (h.floor() as usize).min(n - 1);
        let hi = (lo + 1).min(n - 1);
        let (a, b) = (values[lo] as f64, values[hi] as f64);
        (a + (b - a) * (h - lo as f64)) / unit
    };
    DurationStats {
        n,
        mean: Some(mean / unit),
        median: Some(q(0.5)),
        std,
        p90: Some(q(0.9)),
        min: Some(values[0] as f64 / unit),
        p25: Some(q(0.25)),
        p75: Some(q(0.75)),
        max: Some(values[n - 1] as f64 / unit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numpy_examples() {
        // numpy.quantile([1, 2, 3, 4], 0.9) == 3.7; ([1, 2, 3, 4], 0.5) == 2.5.
        assert!((quantile(&[1.0, 2.0, 3.0, 4.0], 0.9).unwrap() - 3.7).abs() < 1e-12);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), Some(2.5));
        assert_eq!(quantile(&[7.0], 0.9), Some(7.0));
        assert_eq!(quantile(&[], 0.5), None);
        // [100, 201]: p25 = 100 + 101/4 = 125.25 → 125; p75 = 175.75 → 176; p50 = 150.5 → 151.
        assert_eq!(quantile_exact(&[100, 201], 1, 4), Some(125));
        assert_eq!(quantile_exact(&[100, 201], 3, 4), Some(176));
        assert_eq!(quantile_exact(&[100, 201], 1, 2), Some(151));
        // Negative halves round away from zero: [-201, -100] p50 = −150.5 → −151.
        assert_eq!(quantile_exact(&[-201, -100], 1, 2), Some(-151));
        assert_eq!(quantile_exact(&[], 1, 2), None);
    }

    #[test]
    fn rounding_half_away() {
        assert_eq!(div_round_half_away(5, 2), 3);
        assert_eq!(div_round_half_away(-5, 2), -3);
        assert_eq!(div_round_half_away(3, 4), 1);
        assert_eq!(div_round_half_away(1, 4), 0);
        assert_eq!(div_round_half_away(-3, 4), -1);
        assert_eq!(div_round_half_away(7, 7), 1);
    }
}
