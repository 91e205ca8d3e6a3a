//! COCOMO 81 against scc's published test vectors, COCOMO II against the manual's arithmetic.

use gigops_core::{Currency, Money};
use gigops_quote::cocomo::{Cocomo2, Cocomo81, Mode, Ratings};

#[test]
fn cocomo81_organic_equals_scc() {
    // scc processor/cocomo_test.go, TestEstimateCostManyLines: EstimateEffort(77873, 1) then
    // EstimateCost(eff, 56000, 2.4) is "around 2602469" (accepted 2,602,460–2,602,480).
    let wage = Money::new(5_600_000, Currency::USD);
    let estimate = Cocomo81::estimate(77_873, Mode::Organic, 1.0, wage, 2.4);
    let major = estimate.cost.minor as f64 / 100.0;
    assert!((2_602_460.0..=2_602_480.0).contains(&major), "{major}");
    // scc's formula written out independently: 2.4 × 77.873^1.05 × 56000 / 12 × 2.4.
    let effort = 2.4 * 77.873_f64.powf(1.05);
    assert!((estimate.person_months - effort).abs() < 1e-12);
    assert_eq!(
        estimate.cost.minor,
        (effort * 56_000.0 / 12.0 * 2.4 * 100.0).round() as i64
    );
    // TestEstimateScheduleMonths: EstimateEffort(537, 1) → EstimateScheduleMonths "around 2.7"
    // (accepted 2.6–2.8).
    let small = Cocomo81::estimate(537, Mode::Organic, 1.0, wage, 2.4);
    assert!(
        (2.6..=2.8).contains(&small.schedule_months),
        "{}",
        small.schedule_months
    );
    assert!((small.schedule_months - 2.7207).abs() < 1e-3);
}

#[test]
fn cocomo81_modes_use_sccs_coefficients() {
    let wage = Money::new(5_600_000, Currency::USD);
    let semi = Cocomo81::estimate(10_000, Mode::SemiDetached, 1.0, wage, 2.4);
    assert!((semi.person_months - 3.0 * 10f64.powf(1.12)).abs() < 1e-9);
    assert!((semi.schedule_months - 2.5 * semi.person_months.powf(0.35)).abs() < 1e-9);
    let embedded = Cocomo81::estimate(10_000, Mode::Embedded, 1.0, wage, 2.4);
    assert!((embedded.person_months - 3.6 * 10f64.powf(1.20)).abs() < 1e-9);
    assert!((embedded.schedule_months - 2.5 * embedded.person_months.powf(0.32)).abs() < 1e-9);
}

#[test]
fn cocomo2_all_nominal_at_10_ksloc() {
    let estimate = Cocomo2::estimate(10.0, &Ratings::default(), 1.0);
    assert_eq!(format!("{:.2}", estimate.person_months), "36.99");
    assert_eq!(format!("{:.2}", estimate.schedule_months), "11.57");
    assert_eq!(estimate.drivers.len(), 22);
    assert!(
        estimate
            .drivers
            .iter()
            .all(|d| d.level == gigops_quote::cocomo::Level::Nominal)
    );
}
