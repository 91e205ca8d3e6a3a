//! Calibration on delivered work: the hours per function point and the COCOMO II multiplier
//! that fit the user's own history best, with how well they fit.

use serde::{Deserialize, Serialize};

/// One delivered piece of work: what was quoted, and the hours logged on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// The deal it was, for the residuals table.
    pub label: String,
    /// Adjusted function points quoted; `null` when the quote had none.
    pub function_points: Option<f64>,
    /// The COCOMO II effort the quote estimated, in hours, at a calibration of 1 (its own size
    /// and ratings: the quote's person-months ÷ its calibration × hours per person-month);
    /// `null` when the quote had no size to estimate from.
    pub cocomo_hours: Option<f64>,
    pub hours: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fit {
    /// hours ≈ k × FP, over the samples with function points.
    pub hours_per_fp: Option<Line>,
    /// hours ≈ m × COCOMO II hours (calibration 1), over the samples with a COCOMO estimate: `m`
    /// is what `quote.cocomo_calibration` should be.
    pub cocomo_multiplier: Option<Line>,
}

/// A least-squares line through the origin, `actual ≈ value × x`, and its error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub value: f64,
    pub samples: usize,
    /// 1 − SS_res / SS_tot, SS_tot about the mean of the actual hours; `null` with fewer than
    /// two samples or when every actual is the same. It can be negative: a line through the
    /// origin may fit worse than the mean.
    pub r_squared: Option<f64>,
    /// Mean magnitude of relative error, mean(|predicted − actual| / actual).
    pub mmre: f64,
    /// PRED(25): the share of samples predicted within 25 % of the actual.
    pub pred25: f64,
    pub residuals: Vec<Residual>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Residual {
    pub label: String,
    pub predicted: f64,
    pub actual: f64,
    /// |predicted − actual| / actual.
    pub mre: f64,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CalibrationError {
    #[error("{label}: hours {hours}: expected a positive number of hours")]
    Hours { label: String, hours: f64 },
    #[error("{label}: {what} {value}: expected a positive number")]
    Size {
        label: String,
        what: &'static str,
        value: f64,
    },
    #[error(
        "no delivered work with logged hours and quoted function points or KSLOC to calibrate on"
    )]
    NoSamples,
}

/// Fits both lines. A sample with neither function points nor a COCOMO estimate is ignored; a
/// sample with non-positive hours or sizes is an error (it would be a typo, or work that is not
/// over).
pub fn calibrate(samples: &[Sample]) -> Result<Fit, CalibrationError> {
    for s in samples {
        if !(s.hours.is_finite() && s.hours > 0.0) {
            return Err(CalibrationError::Hours {
                label: s.label.clone(),
                hours: s.hours,
            });
        }
        for (what, value) in [
            ("function points", s.function_points),
            ("COCOMO II hours", s.cocomo_hours),
        ] {
            if let Some(v) = value
                && !(v.is_finite() && v > 0.0)
            {
                return Err(CalibrationError::Size {
                    label: s.label.clone(),
                    what,
                    value: v,
                });
            }
        }
    }
    let by_fp: Vec<(&str, f64, f64)> = samples
        .iter()
        .filter_map(|s| Some((s.label.as_str(), s.function_points?, s.hours)))
        .collect();
    let by_cocomo: Vec<(&str, f64, f64)> = samples
        .iter()
        .filter_map(|s| Some((s.label.as_str(), s.cocomo_hours?, s.hours)))
        .collect();
    if by_fp.is_empty() && by_cocomo.is_empty() {
        return Err(CalibrationError::NoSamples);
    }
    Ok(Fit {
        hours_per_fp: fit_through_origin(&by_fp),
        cocomo_multiplier: fit_through_origin(&by_cocomo),
    })
}

/// Least squares of `actual = k × x`: k = Σxy / Σx².
fn fit_through_origin(points: &[(&str, f64, f64)]) -> Option<Line> {
    if points.is_empty() {
        return None;
    }
    let sxy: f64 = points.iter().map(|(_, x, y)| x * y).sum();
    let sxx: f64 = points.iter().map(|(_, x, _)| x * x).sum();
    let k = sxy / sxx;
    let residuals: Vec<Residual> = points
        .iter()
        .map(|(label, x, y)| {
            let predicted = k * x;
            Residual {
                label: (*label).to_string(),
                predicted,
                actual: *y,
                mre: (predicted - y).abs() / y,
            }
        })
        .collect();
    let n = points.len() as f64;
    let mean = points.iter().map(|(_, _, y)| y).sum::<f64>() / n;
    let ss_tot: f64 = points.iter().map(|(_, _, y)| (y - mean).powi(2)).sum();
    let ss_res: f64 = residuals
        .iter()
        .map(|r| (r.actual - r.predicted).powi(2))
        .sum();
    let r_squared = (points.len() >= 2 && ss_tot > 0.0).then(|| 1.0 - ss_res / ss_tot);
    let mmre = residuals.iter().map(|r| r.mre).sum::<f64>() / n;
    let pred25 = residuals.iter().filter(|r| r.mre <= 0.25).count() as f64 / n;
    Some(Line {
        value: k,
        samples: points.len(),
        r_squared,
        mmre,
        pred25,
        residuals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::cocomo::{Cocomo2, Ratings};

    fn sample(label: &str, fp: Option<f64>, ksloc: Option<f64>, hours: f64) -> Sample {
        Sample {
            label: label.into(),
            function_points: fp,
            cocomo_hours: ksloc
                .map(|k| Cocomo2::estimate(k, &Ratings::default(), 1.0).person_months * 152.0),
            hours,
        }
    }

    #[test]
    fn hours_per_fp_by_hand() {
        // (FP, hours): (10, 100), (20, 150), (40, 380).
        // Σxy = 1000 + 3000 + 15200 = 19200; Σx² = 100 + 400 + 1600 = 2100; k = 9.142857…
        // predicted 91.43, 182.86, 365.71; MRE 0.0857, 0.2190, 0.0376;
        // MMRE = 0.3423 / 3 = 0.1141; PRED(25) = 3/3.
        // mean 210; SS_tot = 110² + 60² + 170² = 12,100 + 3,600 + 28,900 = 44,600;
        // SS_res = 8.571² + 32.857² + 14.286² = 73.47 + 1079.59 + 204.08 = 1357.14;
        // R² = 1 − 1357.14 / 44600 = 0.96957.
        let samples = [
            sample("D-1", Some(10.0), None, 100.0),
            sample("D-2", Some(20.0), None, 150.0),
            sample("D-3", Some(40.0), None, 380.0),
            sample("no size", None, None, 50.0),
        ];
        let fit = calibrate(&samples).unwrap();
        let line = fit.hours_per_fp.unwrap();
        assert!((line.value - 19200.0 / 2100.0).abs() < 1e-12);
        assert_eq!(line.samples, 3);
        assert!((line.mmre - 0.11412).abs() < 1e-4, "{}", line.mmre);
        assert_eq!(line.pred25, 1.0);
        assert!((line.r_squared.unwrap() - 0.96957).abs() < 1e-4);
        assert!(fit.cocomo_multiplier.is_none());
    }

    #[test]
    fn cocomo_multiplier_by_hand() {
        // All nominal: 10 KSLOC is 36.9868 PM = 5621.99 h at 152 h/PM. Two deals logged 4,500 h
        // and 6,000 h for 10 KSLOC each: m = (5622 × 4500 + 5622 × 6000) / (2 × 5622²)
        // = 10500 / (2 × 5621.99) = 0.93384; PRED(25): |5250 − 4500| / 4500 = 0.1667 and
        // |5250 − 6000| / 6000 = 0.125, both within.
        let samples = [
            sample("a", None, Some(10.0), 4500.0),
            sample("b", None, Some(10.0), 6000.0),
        ];
        let fit = calibrate(&samples).unwrap();
        let line = fit.cocomo_multiplier.unwrap();
        let nominal = 2.94 * 10f64.powf(1.0997) * 152.0;
        assert!((line.value - 10500.0 / (2.0 * nominal)).abs() < 1e-12);
        assert!((line.value - 0.93384).abs() < 1e-4);
        assert!((line.residuals[0].predicted - 5250.0).abs() < 1e-9);
        assert!((line.mmre - (0.75 / 4.5 + 0.125) / 2.0).abs() < 1e-12);
        assert_eq!(line.pred25, 1.0);
        // The same size for both: the line explains nothing the mean does not.
        assert!(line.r_squared.unwrap().abs() < 1e-12);
    }

    #[test]
    fn bad_samples_are_refused() {
        assert_eq!(
            calibrate(&[sample("x", Some(1.0), None, 0.0)]),
            Err(CalibrationError::Hours {
                label: "x".into(),
                hours: 0.0
            })
        );
        assert!(matches!(
            calibrate(&[sample("x", Some(-1.0), None, 3.0)]),
            Err(CalibrationError::Size { .. })
        ));
        assert_eq!(
            calibrate(&[sample("x", None, None, 3.0)]),
            Err(CalibrationError::NoSamples)
        );
    }
}
