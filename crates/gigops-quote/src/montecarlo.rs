//! Monte Carlo over the estimate's uncertain inputs: triangular distributions drawn from a
//! seeded ChaCha generator, so that the same seed gives the same P10/P50/P90 on every machine.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// A triangular distribution: low ≤ mode ≤ high. A point (all three equal) draws that value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "[f64; 3]", into = "[f64; 3]")]
pub struct Triangular {
    pub low: f64,
    pub mode: f64,
    pub high: f64,
}

impl Triangular {
    pub fn new(low: f64, mode: f64, high: f64) -> Result<Triangular, String> {
        if !(low.is_finite() && mode.is_finite() && high.is_finite()) || low < 0.0 {
            return Err(format!(
                "[{low}, {mode}, {high}]: expected finite numbers, none negative"
            ));
        }
        if !(low <= mode && mode <= high) {
            return Err(format!(
                "[{low}, {mode}, {high}]: expected low ≤ likely ≤ high"
            ));
        }
        Ok(Triangular { low, mode, high })
    }

    pub fn point(value: f64) -> Triangular {
        Triangular {
            low: value,
            mode: value,
            high: value,
        }
    }

    /// The inverse of the distribution function at `u` in [0, 1).
    pub fn quantile(&self, u: f64) -> f64 {
        let Triangular { low, mode, high } = *self;
        let width = high - low;
        if width <= 0.0 {
            return mode;
        }
        let split = (mode - low) / width;
        if u < split {
            low + (u * width * (mode - low)).sqrt()
        } else {
            high - ((1.0 - u) * width * (high - mode)).sqrt()
        }
    }

    pub fn mean(&self) -> f64 {
        (self.low + self.mode + self.high) / 3.0
    }
}

impl TryFrom<[f64; 3]> for Triangular {
    type Error = String;
    fn try_from(v: [f64; 3]) -> Result<Self, String> {
        Triangular::new(v[0], v[1], v[2])
    }
}

impl From<Triangular> for [f64; 3] {
    fn from(t: Triangular) -> [f64; 3] {
        [t.low, t.mode, t.high]
    }
}

/// The generator for a seed.
pub fn generator(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// One draw of a distribution.
pub fn draw(rng: &mut ChaCha8Rng, distribution: &Triangular) -> f64 {
    distribution.quantile(rng.random::<f64>())
}

/// The nearest-rank percentile of sorted values: the smallest value with at least `p` % of
/// the values at or below it. A value that is in the sample, so that a price computed from
/// the P50 hours is the P50 price.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_the_inverse_distribution() {
        let t = Triangular::new(0.0, 1.0, 2.0).unwrap();
        assert_eq!(t.quantile(0.0), 0.0);
        assert_eq!(t.quantile(0.5), 1.0);
        // F(x) = x²/2 on [0, 1]: F⁻¹(0.125) = 0.5.
        assert!((t.quantile(0.125) - 0.5).abs() < 1e-12);
        assert!((t.quantile(0.875) - 1.5).abs() < 1e-12);
        let skewed = Triangular::new(10.0, 10.0, 20.0).unwrap();
        assert_eq!(skewed.quantile(0.0), 10.0);
        assert_eq!(Triangular::point(3.0).quantile(0.7), 3.0);
        assert!(Triangular::new(3.0, 2.0, 1.0).is_err());
        assert!(Triangular::new(-1.0, 2.0, 3.0).is_err());
    }

    #[test]
    fn draws_are_reproducible_and_follow_the_distribution() {
        let t = Triangular::new(0.8, 1.0, 1.5).unwrap();
        let sample = |seed| {
            let mut rng = generator(seed);
            (0..20_000)
                .map(|_| draw(&mut rng, &t))
                .collect::<Vec<f64>>()
        };
        let a = sample(7);
        assert_eq!(a, sample(7));
        assert_ne!(a, sample(8));
        let mean = a.iter().sum::<f64>() / a.len() as f64;
        // The mean of a triangular is (a + c + b) / 3 = 1.1; the standard error here is ~0.001.
        assert!((mean - 1.1).abs() < 0.005, "{mean}");
        let mut sorted = a.clone();
        sorted.sort_by(f64::total_cmp);
        // The median: F(m) = 0.5 on the right branch, m = 1.5 − √(0.5 × 0.7 × 0.5) ≈ 1.0817.
        assert!((percentile(&sorted, 50.0) - 1.0817).abs() < 0.01);
    }

    #[test]
    fn nearest_rank_percentiles() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        assert_eq!(percentile(&v, 10.0), 1.0);
        assert_eq!(percentile(&v, 50.0), 5.0);
        assert_eq!(percentile(&v, 90.0), 9.0);
        assert_eq!(percentile(&v, 100.0), 10.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
    }
}
