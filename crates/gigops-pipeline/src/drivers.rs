//! Conversion drivers: which proposal asset (technical document, GitHub profile, demo) goes
//! with winning, by a logistic regression of won vs lost on the three scores.

use linfa::Dataset;
use linfa::prelude::Fit;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};

use crate::report::{AssetWeights, Coefficients, Drivers};

/// Fewer closed deals with all three scores than this and the fit is not reported.
pub const DRIVERS_MIN_DEALS: usize = 20;

/// L2 penalty of the fit. linfa-logistic minimises Σᵢ log(1 + e^(−yᵢ·zᵢ)) + α/2·‖w‖² (a sum over
/// deals, not a mean; the intercept is not penalised), which is scikit-learn's default
/// `LogisticRegression(C=1)` when α = 1/C = 1: anyone can reproduce the numbers. It keeps the
/// coefficients finite when a small sample is separable, and being a fixed prior against a
/// growing sum of losses it fades as deals accumulate. See docs/pipeline-analytics.md.
pub const DRIVERS_ALPHA: f64 = 1.0;

/// One closed deal: its three scores (tech_doc, github, demo) and whether it was won.
pub(crate) type Sample = ([f64; 3], bool);

pub(crate) fn conversion_drivers(samples: &[Sample]) -> Drivers {
    let n = samples.len();
    let won = samples.iter().filter(|s| s.1).count();
    let insufficient = Drivers::Insufficient {
        insufficient_data: true,
        n,
        required: DRIVERS_MIN_DEALS,
    };
    if n < DRIVERS_MIN_DEALS || won == 0 || won == n {
        return insufficient;
    }
    let Some((intercept, w)) = fit(samples) else {
        return insufficient;
    };
    let z: Vec<f64> = samples
        .iter()
        .map(|(x, _)| intercept + w[0] * x[0] + w[1] * x[1] + w[2] * x[2])
        .collect();
    let labels: Vec<bool> = samples.iter().map(|s| s.1).collect();
    let total: f64 = w.iter().map(|c| c.abs()).sum();
    // All-zero coefficients say no asset matters more than another.
    let weight = |c: f64| {
        if total > 0.0 {
            c.abs() / total
        } else {
            1.0 / 3.0
        }
    };
    Drivers::Fitted {
        n,
        coefficients: Coefficients {
            intercept,
            tech_doc: w[0],
            github: w[1],
            demo: w[2],
        },
        weights: AssetWeights {
            tech_doc: weight(w[0]),
            github: weight(w[1]),
            demo: weight(w[2]),
        },
        auc: auc(&z, &labels),
    }
}

/// (intercept, [tech_doc, github, demo]) for P(won).
fn fit(samples: &[Sample]) -> Option<(f64, [f64; 3])> {
    let records = Array2::from_shape_fn((samples.len(), 3), |(i, j)| samples[i].0[j]);
    let targets: Array1<bool> = samples.iter().map(|s| s.1).collect();
    let dataset = Dataset::new(records, targets);
    // The gradient is a sum over deals, so its tolerance scales with their number; this one
    // puts the coefficients within about 1e-6 of the optimum. L-BFGS takes some 15 iterations
    // on realistic data; the cap bounds a pathological case at 200 passes over the deals.
    let model = LogisticRegression::default()
        .alpha(DRIVERS_ALPHA)
        .gradient_tolerance(1e-8 * samples.len() as f64)
        .max_iterations(200)
        .fit(&dataset)
        .ok()?;
    // linfa labels the MORE FREQUENT class +1 (not the larger value, as its documentation
    // says), so its model is of P(lost) whenever lost deals outnumber won ones.
    let sign = if model.labels().pos.class { 1.0 } else { -1.0 };
    let p = model.params();
    let out = (
        sign * model.intercept(),
        [sign * p[0], sign * p[1], sign * p[2]],
    );
    (out.0.is_finite() && out.1.iter().all(|c| c.is_finite())).then_some(out)
}

/// Area under the ROC curve: the Mann–Whitney probability that a won deal scores above a lost
/// one, ties counting ½, from the rank sum of the won deals (ties get their average rank).
pub(crate) fn auc(scores: &[f64], won: &[bool]) -> f64 {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_unstable_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let n_won = won.iter().filter(|&&w| w).count() as f64;
    let n_lost = won.len() as f64 - n_won;
    let mut won_rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        // Ranks i+1 ..= j+1 share their average.
        let rank = (i + j + 2) as f64 / 2.0;
        let won_here = order[i..=j].iter().filter(|&&k| won[k]).count() as f64;
        won_rank_sum += rank * won_here;
        i = j + 1;
    }
    (won_rank_sum - n_won * (n_won + 1.0) / 2.0) / (n_won * n_lost)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_small_cases() {
        assert_eq!(auc(&[0.1, 0.2, 0.3, 0.4], &[false, false, true, true]), 1.0);
        assert_eq!(auc(&[0.1, 0.2, 0.3, 0.4], &[true, true, false, false]), 0.0);
        // All tied: every pair counts ½.
        assert_eq!(auc(&[1.0, 1.0, 1.0], &[true, false, false]), 0.5);
        // won {0.5, 0.2}, lost {0.5, 0.1}: pairs (0.5,0.5)=½, (0.5,0.1)=1, (0.2,0.5)=0,
        // (0.2,0.1)=1 → 2.5 / 4.
        assert_eq!(
            auc(&[0.5, 0.2, 0.5, 0.1], &[true, true, false, false]),
            0.625
        );
    }
}
