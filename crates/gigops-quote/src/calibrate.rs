//! Calibration on delivered work: the hours per function point and the COCOMO II multiplier
//! that fit the user's own history best, with how well they fit — recommended only on enough
//! delivered deals of different sizes.
//!
//! [`calibrate_ledger`] picks the samples from the ledger (deals that reached the delivered
//! stage and were not lost, with a saved quote and logged hours, each quote read with its own
//! hours per person-month) and lists every deal it left out and why; [`calibrate`] fits.

use std::collections::BTreeMap;

use gigops_core::{DealId, Ledger, Stages};
use serde::{Deserialize, Serialize};

use crate::history::{Deliveries, MINIMUM_DEALS};

/// One delivered piece of work: what was quoted, and the hours logged on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// The deal it was, for the residuals table.
    pub label: String,
    /// Adjusted function points quoted; `null` when the quote had none.
    pub function_points: Option<f64>,
    /// The COCOMO II effort the quote estimated, in hours, at a calibration of 1 (its own size
    /// and ratings: the quote's person-months ÷ its calibration × its hours per person-month);
    /// `null` when the quote had no size to estimate from.
    pub cocomo_hours: Option<f64>,
    pub hours: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fit {
    /// hours ≈ k × FP, over the samples with function points; `null` when refused.
    pub hours_per_fp: Option<Line>,
    /// hours ≈ m × COCOMO II hours (calibration 1), over the samples with a COCOMO estimate: `m`
    /// is what `quote.cocomo_calibration` should be; `null` when refused.
    pub cocomo_multiplier: Option<Line>,
    /// The fits not recommended, and why.
    pub refused: Vec<Refusal>,
}

/// A fit calibrate will not recommend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refusal {
    /// `hours_per_fp` or `cocomo_multiplier`.
    pub fit: String,
    /// The delivered deals it would rest on.
    pub samples: usize,
    /// The delivered deals it needs.
    pub needed: usize,
    pub reason: String,
}

/// A least-squares line through the origin, `actual ≈ value × x`, and its error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub value: f64,
    pub samples: usize,
    /// 1 − SS_res / SS_tot, SS_tot about the mean of the actual hours.
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
    #[error("{0}")]
    Settings(String),
}

/// Fits both lines, each only when it rests on at least [`MINIMUM_DEALS`] samples of more than
/// one size and explains more than the mean does (R² > 0); otherwise the fit is refused with
/// its reason. A sample with neither function points nor a COCOMO estimate is ignored; a sample
/// with non-positive hours or sizes is an error (a typo, or work that is not over).
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
    let mut fit = Fit {
        hours_per_fp: None,
        cocomo_multiplier: None,
        refused: Vec::new(),
    };
    for (name, x_of) in [
        (
            "hours_per_fp",
            (|s: &Sample| s.function_points) as fn(&Sample) -> Option<f64>,
        ),
        ("cocomo_multiplier", |s: &Sample| s.cocomo_hours),
    ] {
        let points: Vec<(&str, f64, f64)> = samples
            .iter()
            .filter_map(|s| Some((s.label.as_str(), x_of(s)?, s.hours)))
            .collect();
        match recommend(&points) {
            Ok(line) if name == "hours_per_fp" => fit.hours_per_fp = Some(line),
            Ok(line) => fit.cocomo_multiplier = Some(line),
            Err(reason) => fit.refused.push(Refusal {
                fit: name.to_string(),
                samples: points.len(),
                needed: MINIMUM_DEALS,
                reason,
            }),
        }
    }
    Ok(fit)
}

/// The fit through `points`, or why it is no recommendation.
fn recommend(points: &[(&str, f64, f64)]) -> Result<Line, String> {
    if points.len() < MINIMUM_DEALS {
        return Err(format!(
            "{} delivered deal{} with this figure: a fit needs at least {MINIMUM_DEALS}",
            points.len(),
            if points.len() == 1 { "" } else { "s" }
        ));
    }
    let (min, max) = points
        .iter()
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), (_, x, _)| {
            (lo.min(*x), hi.max(*x))
        });
    if max - min <= 1e-9 * max {
        return Err(format!(
            "the {} delivered deals are all the same size: a fit needs deals of different sizes",
            points.len()
        ));
    }
    let line = fit_through_origin(points);
    if !(line.value.is_finite() && line.value > 0.0) {
        return Err(format!(
            "the fit gives {}: expected a positive number",
            line.value
        ));
    }
    if let Some(r2) = line.r_squared
        && r2 <= 0.0
    {
        return Err(format!(
            "the fit explains the hours no better than their mean (R² {r2:.3}): the sizes do not predict them"
        ));
    }
    Ok(line)
}

/// A saved quote, as the store keeps it: its deal, version, whether the client accepted it,
/// and its `gigops.quote/1` document.
#[derive(Debug, Clone)]
pub struct SavedQuote {
    pub deal_id: DealId,
    pub version: u32,
    pub accepted: bool,
    pub quote: serde_json::Value,
}

/// A delivered deal calibrated on, with the figures taken from its quote and its time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SampleRow {
    pub deal_id: String,
    /// The quote version used: the accepted one, else the latest.
    pub version: u32,
    pub accepted: bool,
    pub function_points: Option<f64>,
    pub cocomo_person_months: Option<f64>,
    /// The quote's own hours per person-month (`effort.hours_per_person_month`).
    pub hours_per_person_month: f64,
    /// `quote` when the saved quote records it; `settings` for a quote saved before it did.
    pub hours_per_person_month_from: &'static str,
    pub cocomo_hours: Option<f64>,
    pub hours_logged: f64,
}

/// A deal left out, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Excluded {
    pub deal_id: String,
    pub reason: String,
}

/// What `quote calibrate` reports: the sample, what was left out, and the fits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    pub delivered_stage: String,
    /// The fewest delivered deals a fit is recommended on.
    pub minimum_samples: usize,
    pub sample: Vec<SampleRow>,
    pub excluded: Vec<Excluded>,
    #[serde(flatten)]
    pub fit: Fit,
}

/// Calibrates on the ledger's delivered deals: each deal that reached `delivered_stage` (by
/// `stages`) and was not lost, with a saved quote (the accepted version, else the latest) and
/// logged hours (every time entry of the deal). Every other deal with a quote or logged time is
/// listed in `excluded` with its reason. `hours_per_person_month` is used only for a saved
/// quote that does not record its own.
pub fn calibrate_ledger(
    ledger: &Ledger,
    quotes: &[SavedQuote],
    stages: &Stages,
    delivered_stage: &str,
    hours_per_person_month: f64,
) -> Result<Calibration, CalibrationError> {
    let deliveries =
        Deliveries::new(ledger, stages, delivered_stage).map_err(CalibrationError::Settings)?;
    let mut chosen: BTreeMap<&DealId, &SavedQuote> = BTreeMap::new();
    for saved in quotes {
        let keep = chosen
            .get(&saved.deal_id)
            .is_some_and(|earlier| earlier.accepted);
        if !keep {
            chosen.insert(&saved.deal_id, saved);
        }
    }
    let mut minutes: BTreeMap<&DealId, u64> = BTreeMap::new();
    for entry in &ledger.time_entries {
        *minutes.entry(&entry.deal_id).or_default() += u64::from(entry.minutes);
    }
    let mut sample = Vec::new();
    let mut excluded = Vec::new();
    for deal in &ledger.deals {
        let (quote, logged) = (chosen.get(&deal.id), minutes.get(&deal.id));
        if quote.is_none() && logged.is_none() {
            continue;
        }
        let reason = deliveries
            .of(deal)
            .reason(delivered_stage)
            .or_else(|| quote.is_none().then(|| "no saved quote".to_string()))
            .or_else(|| logged.is_none().then(|| "no time logged".to_string()));
        if let Some(reason) = reason {
            excluded.push(Excluded {
                deal_id: deal.id.to_string(),
                reason,
            });
            continue;
        }
        let (Some(saved), Some(&logged)) = (quote, logged) else {
            continue;
        };
        let q = &saved.quote;
        let (hpm, hpm_from) = match q["effort"]["hours_per_person_month"].as_f64() {
            Some(h) if h > 0.0 => (h, "quote"),
            _ => (hours_per_person_month, "settings"),
        };
        let cocomo = &q["effort"]["cocomo2"];
        let person_months = cocomo["person_months"].as_f64().filter(|pm| *pm > 0.0);
        let cocomo_hours = match (person_months, cocomo["calibration"].as_f64()) {
            (Some(pm), Some(calibration)) if calibration > 0.0 => Some(pm / calibration * hpm),
            _ => None,
        };
        sample.push(SampleRow {
            deal_id: deal.id.to_string(),
            version: saved.version,
            accepted: saved.accepted,
            function_points: q["function_points"]["afp"].as_f64().filter(|fp| *fp > 0.0),
            cocomo_person_months: person_months,
            hours_per_person_month: hpm,
            hours_per_person_month_from: hpm_from,
            cocomo_hours,
            hours_logged: logged as f64 / 60.0,
        });
    }
    let samples: Vec<Sample> = sample
        .iter()
        .map(|row| Sample {
            label: format!("{} v{}", row.deal_id, row.version),
            function_points: row.function_points,
            cocomo_hours: row.cocomo_hours,
            hours: row.hours_logged,
        })
        .collect();
    let fit = calibrate(&samples)?;
    Ok(Calibration {
        delivered_stage: delivered_stage.to_string(),
        minimum_samples: MINIMUM_DEALS,
        sample,
        excluded,
        fit,
    })
}

/// Least squares of `actual = k × x`: k = Σxy / Σx².
fn fit_through_origin(points: &[(&str, f64, f64)]) -> Line {
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
    Line {
        value: k,
        samples: points.len(),
        r_squared,
        mmre,
        pred25,
        residuals,
    }
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
        assert_eq!(fit.refused[0].fit, "cocomo_multiplier");
    }

    #[test]
    fn cocomo_multiplier_by_hand() {
        // All nominal: 10 KSLOC is 36.9868 PM = 5621.99 h at 152 h/PM. Two deals logged 4,500 h
        // and 6,000 h for 10 KSLOC each: m = (5622 × 4500 + 5622 × 6000) / (2 × 5622²)
        // = 10500 / (2 × 5621.99) = 0.93384; PRED(25): |5250 − 4500| / 4500 = 0.1667 and
        // |5250 − 6000| / 6000 = 0.125, both within. (The line's arithmetic: two deals of one
        // size are no recommendation, below.)
        let nominal = 2.94 * 10f64.powf(1.0997) * 152.0;
        let line = fit_through_origin(&[("a", nominal, 4500.0), ("b", nominal, 6000.0)]);
        assert!((line.value - 10500.0 / (2.0 * nominal)).abs() < 1e-12);
        assert!((line.value - 0.93384).abs() < 1e-4);
        assert!((line.residuals[0].predicted - 5250.0).abs() < 1e-9);
        assert!((line.mmre - (0.75 / 4.5 + 0.125) / 2.0).abs() < 1e-12);
        assert_eq!(line.pred25, 1.0);
        // The same size for both: the line explains nothing the mean does not.
        assert!(line.r_squared.unwrap().abs() < 1e-12);
    }

    #[test]
    fn too_few_deals_or_one_size_is_no_recommendation() {
        // Issue 12: one deal with 1.5 h logged "fitted" 0.013 h/FP at MMRE 0 %, PRED(25) 100 %.
        let fit = calibrate(&[sample("D-7 v1", Some(116.63), Some(6.4), 1.5)]).unwrap();
        assert_eq!(fit.hours_per_fp, None);
        assert_eq!(fit.cocomo_multiplier, None);
        assert_eq!(
            fit.refused,
            [
                Refusal {
                    fit: "hours_per_fp".into(),
                    samples: 1,
                    needed: 3,
                    reason: "1 delivered deal with this figure: a fit needs at least 3".into()
                },
                Refusal {
                    fit: "cocomo_multiplier".into(),
                    samples: 1,
                    needed: 3,
                    reason: "1 delivered deal with this figure: a fit needs at least 3".into()
                }
            ]
        );
        // Three deals of one size: a rate cannot be told from chance.
        let fit = calibrate(&[
            sample("a", Some(20.0), None, 40.0),
            sample("b", Some(20.0), None, 60.0),
            sample("c", Some(20.0), None, 50.0),
        ])
        .unwrap();
        assert_eq!(fit.hours_per_fp, None);
        assert!(
            fit.refused[0].reason.contains("all the same size"),
            "{fit:?}"
        );
        // Sizes that do not predict the hours: R² ≤ 0.
        let fit = calibrate(&[
            sample("a", Some(10.0), None, 300.0),
            sample("b", Some(20.0), None, 100.0),
            sample("c", Some(40.0), None, 120.0),
        ])
        .unwrap();
        assert_eq!(fit.hours_per_fp, None);
        assert!(fit.refused[0].reason.contains("R²"), "{fit:?}");
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
        let fit = calibrate(&[sample("x", None, None, 3.0)]).unwrap();
        assert_eq!(fit.refused.len(), 2);
        assert_eq!(fit.refused[0].samples, 0);
    }
}
