//! Conversion drivers against an independent Newton–Raphson fit of the objective documented
//! in docs/pipeline-analytics.md: Σ log(1 + e^(−s·z)) + α/2·(w₁² + w₂² + w₃²), s = ±1,
//! z = b + w·x, α = 1, intercept not penalised; and AUC against counting every pair.

use gigops_core::{Currency, Deal, DealKind, Ledger, Outcome};
use gigops_pipeline::report::Drivers;
use gigops_pipeline::{PipelineOptions, pipeline_report};

use crate::support::*;

const ALPHA: f64 = 1.0;

/// A small deterministic generator, so the data do not depend on the crate under test.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Score rows rounded to hundredths and a won flag drawn from a logistic model with noise.
fn samples(n: usize, seed: u64, base: f64) -> Vec<([f64; 3], bool)> {
    let mut rng = Lcg(seed);
    (0..n)
        .map(|_| {
            let x = [rng.next(), rng.next(), rng.next()].map(|v| (v * 100.0).round() / 100.0);
            let z = base + 1.5 * x[0] + 0.5 * x[1] + 2.5 * x[2];
            let won = rng.next() < 1.0 / (1.0 + (-z).exp());
            (x, won)
        })
        .collect()
}

fn closed_deal(i: usize, x: [f64; 3], won: bool) -> Deal {
    DealSpec {
        id: &format!("D-{i:06}"),
        platform: "upwork",
        kind: DealKind::Project,
        minor: 100_000,
        currency: Currency::USD,
        opened: "2025-01-01T00:00:00Z",
        outcome: if won { Outcome::Won } else { Outcome::Lost },
        closed: Some("2025-02-01T00:00:00Z"),
        reason: None,
        scores: x.map(Some),
    }
    .build()
}

fn ledger_of(samples: &[([f64; 3], bool)]) -> Ledger {
    Ledger {
        deals: samples
            .iter()
            .enumerate()
            .map(|(i, &(x, won))| closed_deal(i, x, won))
            .collect(),
        ..Ledger::default()
    }
}

fn report_drivers(ledger: &Ledger) -> Drivers {
    pipeline_report(ledger, &PipelineOptions::default()).drivers
}

/// Newton–Raphson on the penalised log-loss; returns [intercept, w₁, w₂, w₃].
fn newton(samples: &[([f64; 3], bool)]) -> [f64; 4] {
    let mut beta = [0.0; 4];
    for _ in 0..100 {
        let mut grad = [0.0; 4];
        let mut hess = [[0.0; 4]; 4];
        for (x, won) in samples {
            let row = [1.0, x[0], x[1], x[2]];
            let z: f64 = row.iter().zip(&beta).map(|(a, b)| a * b).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let y = if *won { 1.0 } else { 0.0 };
            for i in 0..4 {
                grad[i] += (p - y) * row[i];
                for j in 0..4 {
                    hess[i][j] += p * (1.0 - p) * row[i] * row[j];
                }
            }
        }
        for i in 1..4 {
            grad[i] += ALPHA * beta[i];
            hess[i][i] += ALPHA;
        }
        let step = solve(hess, grad);
        for i in 0..4 {
            beta[i] -= step[i];
        }
        if step.iter().all(|s| s.abs() < 1e-13) {
            break;
        }
    }
    beta
}

/// Gaussian elimination with partial pivoting.
// Matrix algebra reads best with indices.
#[allow(clippy::needless_range_loop)]
fn solve(mut a: [[f64; 4]; 4], mut b: [f64; 4]) -> [f64; 4] {
    for col in 0..4 {
        let pivot = (col..4)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap();
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..4 {
            let f = a[row][col] / a[col][col];
            for k in col..4 {
                a[row][k] -= f * a[col][k];
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; 4];
    for row in (0..4).rev() {
        let rest: f64 = (row + 1..4).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - rest) / a[row][row];
    }
    x
}

fn brute_force_auc(samples: &[([f64; 3], bool)], beta: [f64; 4]) -> f64 {
    let z = |x: &[f64; 3]| beta[0] + beta[1] * x[0] + beta[2] * x[1] + beta[3] * x[2];
    let (mut wins, mut pairs) = (0.0, 0.0);
    for (xw, _) in samples.iter().filter(|s| s.1) {
        for (xl, _) in samples.iter().filter(|s| !s.1) {
            pairs += 1.0;
            wins += match z(xw).partial_cmp(&z(xl)).unwrap() {
                std::cmp::Ordering::Greater => 1.0,
                std::cmp::Ordering::Equal => 0.5,
                std::cmp::Ordering::Less => 0.0,
            };
        }
    }
    wins / pairs
}

#[track_caller]
fn check_against_reference(samples: &[([f64; 3], bool)], drivers: &Drivers) {
    let beta = newton(samples);
    let Drivers::Fitted {
        n,
        coefficients,
        weights,
        auc,
    } = drivers
    else {
        panic!("expected a fit, got {drivers:?}");
    };
    assert_eq!(*n, samples.len());
    let fitted = [
        coefficients.intercept,
        coefficients.tech_doc,
        coefficients.github,
        coefficients.demo,
    ];
    for (got, want) in fitted.iter().zip(beta) {
        assert!((got - want).abs() < 1e-5, "{fitted:?} vs Newton {beta:?}");
    }
    let total = beta[1].abs() + beta[2].abs() + beta[3].abs();
    let got = [weights.tech_doc, weights.github, weights.demo];
    for (got, want) in got.iter().zip(&beta[1..]) {
        assert!((got - want.abs() / total).abs() < 1e-6);
    }
    close(got.iter().sum(), 1.0);
    // Pairs are ranked by the reported coefficients, so exact ties stay exact ties.
    close(*auc, brute_force_auc(samples, fitted));
}

#[test]
fn matches_newton_when_lost_deals_are_the_majority() {
    let data = samples(80, 7, -3.0);
    let won = data.iter().filter(|s| s.1).count();
    assert!(won > 10 && won < 40, "{won}");
    check_against_reference(&data, &report_drivers(&ledger_of(&data)));
}

#[test]
fn matches_newton_when_won_deals_are_the_majority() {
    let data = samples(80, 11, -1.0);
    let won = data.iter().filter(|s| s.1).count();
    assert!(won > 40 && won < 75, "{won}");
    check_against_reference(&data, &report_drivers(&ledger_of(&data)));
}

#[test]
fn matches_newton_on_a_large_sample() {
    // Above 20,000 deals the fit starts from a subsample's; the optimum must not move.
    let data = samples(25_000, 3, -2.0);
    check_against_reference(&data, &report_drivers(&ledger_of(&data)));
}

#[test]
fn ties_in_auc_count_half() {
    // Identical score rows with both outcomes: those pairs are ties.
    let mut data = samples(40, 5, -1.0);
    let copy: Vec<_> = data.iter().take(10).map(|&(x, won)| (x, !won)).collect();
    data.extend(copy);
    check_against_reference(&data, &report_drivers(&ledger_of(&data)));
}

#[test]
fn churned_retainers_count_as_won_and_open_deals_not_at_all() {
    let data = samples(30, 13, -1.0);
    let mut ledger = ledger_of(&data);
    let mut reference = data.clone();
    // A retainer signed and later closed lost: a won sale.
    let mut churned = closed_deal(900, [0.9, 0.2, 0.4], false);
    churned.kind = DealKind::Retainer;
    churned.lost_reason = Some("budget cut".into());
    ledger.deals.push(churned);
    ledger
        .events
        .push(event("D-000900", "lead", "2025-01-01T00:00:00Z"));
    ledger
        .events
        .push(event("D-000900", "signed", "2025-01-05T00:00:00Z"));
    reference.push(([0.9, 0.2, 0.4], true));
    // A retainer lost before signing is lost.
    let mut lost = closed_deal(901, [0.1, 0.8, 0.3], false);
    lost.kind = DealKind::Retainer;
    ledger.deals.push(lost);
    ledger
        .events
        .push(event("D-000901", "lead", "2025-01-01T00:00:00Z"));
    reference.push(([0.1, 0.8, 0.3], false));
    // Open, or missing a score: not samples.
    let mut open = closed_deal(902, [1.0, 1.0, 1.0], false);
    open.outcome = Outcome::Open;
    open.closed_at = None;
    ledger.deals.push(open);
    let mut partial = closed_deal(903, [0.0, 0.0, 0.0], true);
    partial.github_score = None;
    ledger.deals.push(partial);
    for deal in &ledger.deals {
        assert!(deal.problems().is_empty());
    }
    let report = pipeline_report(&ledger, &PipelineOptions::default());
    assert_eq!(report.churn_reasons.len(), 1);
    check_against_reference(&reference, &report.drivers);
}

#[test]
fn insufficient_data() {
    let nineteen = samples(19, 17, 0.0);
    assert!(nineteen.iter().any(|s| s.1) && nineteen.iter().any(|s| !s.1));
    assert_eq!(
        report_drivers(&ledger_of(&nineteen)),
        Drivers::Insufficient {
            insufficient_data: true,
            n: 19,
            required: 20
        }
    );
    let one_class: Vec<_> = samples(30, 19, 0.0)
        .into_iter()
        .map(|(x, _)| (x, true))
        .collect();
    assert_eq!(
        report_drivers(&ledger_of(&one_class)),
        Drivers::Insufficient {
            insufficient_data: true,
            n: 30,
            required: 20
        }
    );
    // Twenty with both classes is enough.
    let twenty = samples(20, 17, 0.0);
    check_against_reference(&twenty, &report_drivers(&ledger_of(&twenty)));
}

#[test]
fn separable_data_still_gives_finite_coefficients() {
    // Won exactly when the demo score is above one half: without the penalty the likelihood
    // has no maximum.
    let data: Vec<_> = samples(40, 23, 0.0)
        .into_iter()
        .map(|(x, _)| (x, x[2] > 0.5))
        .collect();
    let drivers = report_drivers(&ledger_of(&data));
    check_against_reference(&data, &drivers);
    let Drivers::Fitted { auc, .. } = drivers else {
        unreachable!()
    };
    assert!(auc > 0.95);
}
