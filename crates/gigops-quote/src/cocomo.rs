//! COCOMO II.2000 post-architecture and basic COCOMO 81 (with scc's coefficients and cost).
//!
//! Rating tables: COCOMO II Model Definition Manual, version 2.1 (2000), tables 10–27 ("COCOMO
//! II.2000" calibration, A = 2.94, B = 0.91, C = 3.67, D = 0.28). Basic COCOMO 81: Boehm,
//! *Software Engineering Economics* (1981), as scc implements it (`processor/cocomo.go`).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub const A: f64 = 2.94;
pub const B: f64 = 0.91;
pub const C: f64 = 3.67;
pub const D: f64 = 0.28;

/// A COCOMO rating level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    VeryLow,
    Low,
    Nominal,
    High,
    VeryHigh,
    ExtraHigh,
}

impl Level {
    pub const ALL: [Level; 6] = [
        Level::VeryLow,
        Level::Low,
        Level::Nominal,
        Level::High,
        Level::VeryHigh,
        Level::ExtraHigh,
    ];

    fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        [
            "very_low",
            "low",
            "nominal",
            "high",
            "very_high",
            "extra_high",
        ][self.index()]
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Level {
    type Err = String;
    /// `very_high`, `very-high`, `VH`, `vh` … case-insensitive.
    fn from_str(s: &str) -> Result<Self, String> {
        let key = s.to_ascii_lowercase().replace(['-', ' '], "_");
        let level = match key.as_str() {
            "very_low" | "vl" => Level::VeryLow,
            "low" | "l" => Level::Low,
            "nominal" | "n" => Level::Nominal,
            "high" | "h" => Level::High,
            "very_high" | "vh" => Level::VeryHigh,
            "extra_high" | "xh" => Level::ExtraHigh,
            _ => {
                return Err(format!(
                    "{s:?} is not a rating level: expected very_low, low, nominal, high, very_high or extra_high"
                ));
            }
        };
        Ok(level)
    }
}

/// Whether a driver is one of the five scale factors (in the exponent) or one of the seventeen
/// effort multipliers (in the product).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DriverKind {
    ScaleFactor,
    EffortMultiplier,
}

/// One cost driver and its published values from very low to extra high; `None` where the
/// manual has no rating.
pub struct Driver {
    pub name: &'static str,
    pub meaning: &'static str,
    pub kind: DriverKind,
    pub values: [Option<f64>; 6],
}

const fn all(v: [f64; 6]) -> [Option<f64>; 6] {
    [
        Some(v[0]),
        Some(v[1]),
        Some(v[2]),
        Some(v[3]),
        Some(v[4]),
        Some(v[5]),
    ]
}

const NA: Option<f64> = None;

/// The five scale factors and seventeen effort multipliers of COCOMO II.2000.
pub const DRIVERS: [Driver; 22] = [
    Driver {
        name: "PREC",
        meaning: "precedentedness",
        kind: DriverKind::ScaleFactor,
        values: all([6.20, 4.96, 3.72, 2.48, 1.24, 0.00]),
    },
    Driver {
        name: "FLEX",
        meaning: "development flexibility",
        kind: DriverKind::ScaleFactor,
        values: all([5.07, 4.05, 3.04, 2.03, 1.01, 0.00]),
    },
    Driver {
        name: "RESL",
        meaning: "architecture / risk resolution",
        kind: DriverKind::ScaleFactor,
        values: all([7.07, 5.65, 4.24, 2.83, 1.41, 0.00]),
    },
    Driver {
        name: "TEAM",
        meaning: "team cohesion",
        kind: DriverKind::ScaleFactor,
        values: all([5.48, 4.38, 3.29, 2.19, 1.10, 0.00]),
    },
    Driver {
        name: "PMAT",
        meaning: "process maturity",
        kind: DriverKind::ScaleFactor,
        values: all([7.80, 6.24, 4.68, 3.12, 1.56, 0.00]),
    },
    // Product
    Driver {
        name: "RELY",
        meaning: "required software reliability",
        kind: DriverKind::EffortMultiplier,
        values: [
            Some(0.82),
            Some(0.92),
            Some(1.00),
            Some(1.10),
            Some(1.26),
            NA,
        ],
    },
    Driver {
        name: "DATA",
        meaning: "database size",
        kind: DriverKind::EffortMultiplier,
        values: [NA, Some(0.90), Some(1.00), Some(1.14), Some(1.28), NA],
    },
    Driver {
        name: "CPLX",
        meaning: "product complexity",
        kind: DriverKind::EffortMultiplier,
        values: all([0.73, 0.87, 1.00, 1.17, 1.34, 1.74]),
    },
    Driver {
        name: "RUSE",
        meaning: "developed for reusability",
        kind: DriverKind::EffortMultiplier,
        values: [
            NA,
            Some(0.95),
            Some(1.00),
            Some(1.07),
            Some(1.15),
            Some(1.24),
        ],
    },
    Driver {
        name: "DOCU",
        meaning: "documentation match to life-cycle needs",
        kind: DriverKind::EffortMultiplier,
        values: [
            Some(0.81),
            Some(0.91),
            Some(1.00),
            Some(1.11),
            Some(1.23),
            NA,
        ],
    },
    // Platform
    Driver {
        name: "TIME",
        meaning: "execution time constraint",
        kind: DriverKind::EffortMultiplier,
        values: [NA, NA, Some(1.00), Some(1.11), Some(1.29), Some(1.63)],
    },
    Driver {
        name: "STOR",
        meaning: "main storage constraint",
        kind: DriverKind::EffortMultiplier,
        values: [NA, NA, Some(1.00), Some(1.05), Some(1.17), Some(1.46)],
    },
    Driver {
        name: "PVOL",
        meaning: "platform volatility",
        kind: DriverKind::EffortMultiplier,
        values: [NA, Some(0.87), Some(1.00), Some(1.15), Some(1.30), NA],
    },
    // Personnel
    Driver {
        name: "ACAP",
        meaning: "analyst capability",
        kind: DriverKind::EffortMultiplier,
        values: [
            Some(1.42),
            Some(1.19),
            Some(1.00),
            Some(0.85),
            Some(0.71),
            NA,
        ],
    },
    Driver {
        name: "PCAP",
        meaning: "programmer capability",
        kind: DriverKind::EffortMultiplier,
        values: [
            Some(1.34),
            Some(1.15),
            Some(1.00),
            Some(0.88),
            Some(0.76),
            NA,
        ],
    },
    Driver {
        name: "PCON",
        meaning: "personnel continuity",
        kind: DriverKind::EffortMultiplier,
        values: [
            Some(1.29),
            Some(1.12),
            Some(1.00),
            Some(0.90),
            Some(0.81),
            NA,
        ],
    },
    Driver {
        name: "APEX",
        meaning: "applications experience",
        kind: DriverKind::EffortMultiplier,
        values: [
            Some(1.22),
            Some(1.10),
            Some(1.00),
            Some(0.88),
            Some(0.81),
            NA,
        ],
    },
    Driver {
        name: "PLEX",
        meaning: "platform experience",
        kind: DriverKind::EffortMultiplier,
        values: [
            Some(1.19),
            Some(1.09),
            Some(1.00),
            Some(0.91),
            Some(0.85),
            NA,
        ],
    },
    Driver {
        name: "LTEX",
        meaning: "language and tool experience",
        kind: DriverKind::EffortMultiplier,
        values: [
            Some(1.20),
            Some(1.09),
            Some(1.00),
            Some(0.91),
            Some(0.84),
            NA,
        ],
    },
    // Project
    Driver {
        name: "TOOL",
        meaning: "use of software tools",
        kind: DriverKind::EffortMultiplier,
        values: [
            Some(1.17),
            Some(1.09),
            Some(1.00),
            Some(0.90),
            Some(0.78),
            NA,
        ],
    },
    Driver {
        name: "SITE",
        meaning: "multisite development",
        kind: DriverKind::EffortMultiplier,
        values: all([1.22, 1.09, 1.00, 0.93, 0.86, 0.80]),
    },
    Driver {
        name: "SCED",
        meaning: "required development schedule",
        kind: DriverKind::EffortMultiplier,
        values: [
            Some(1.43),
            Some(1.14),
            Some(1.00),
            Some(1.00),
            Some(1.00),
            NA,
        ],
    },
];

/// The schedule of a compressed or stretched plan, as a share of the nominal one (SCED):
/// very low 75 %, low 85 %, nominal 100 %, high 130 %, very high 160 %.
fn sced_percent(level: Level) -> f64 {
    match level {
        Level::VeryLow => 75.0,
        Level::Low => 85.0,
        Level::Nominal | Level::ExtraHigh => 100.0,
        Level::High => 130.0,
        Level::VeryHigh => 160.0,
    }
}

/// Ratings of the cost drivers; a driver not rated is nominal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ratings(pub BTreeMap<String, Level>);

impl Ratings {
    /// Rates a driver by name (`RELY`, `rely`) at a level by name; an unknown driver or a
    /// level the driver has no value for is an error naming the valid ones.
    pub fn set(&mut self, driver: &str, level: &str) -> Result<(), String> {
        let upper = driver.to_ascii_uppercase();
        let found = DRIVERS.iter().find(|d| d.name == upper).ok_or_else(|| {
            format!(
                "{driver:?} is not a COCOMO II driver: expected one of {}",
                DRIVERS
                    .iter()
                    .map(|d| d.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
        let level: Level = level.parse()?;
        if found.values[level.index()].is_none() {
            let valid: Vec<&str> = Level::ALL
                .iter()
                .filter(|l| found.values[l.index()].is_some())
                .map(|l| l.name())
                .collect();
            return Err(format!(
                "{} has no {level} rating: expected {}",
                found.name,
                valid.join(", ")
            ));
        }
        self.0.insert(found.name.to_string(), level);
        Ok(())
    }

    pub fn level(&self, driver: &str) -> Level {
        self.0.get(driver).copied().unwrap_or(Level::Nominal)
    }
}

/// One driver as it entered the estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriverRating {
    pub name: String,
    pub kind: DriverKind,
    pub level: Level,
    pub value: f64,
}

/// A COCOMO II post-architecture estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cocomo2 {
    pub ksloc: f64,
    /// E = B + 0.01 × ΣSF.
    pub exponent: f64,
    /// ΠEM, the effort adjustment factor.
    pub eaf: f64,
    /// A calibration factor on the effort (1 until `quote calibrate` fits one).
    pub calibration: f64,
    /// PM = A × KSLOC^E × ΠEM × calibration.
    pub person_months: f64,
    /// TDEV = C × PM_NS^F × SCED% / 100, F = D + 0.2 × (E − B); PM_NS is PM without SCED.
    pub schedule_months: f64,
    pub drivers: Vec<DriverRating>,
}

impl Cocomo2 {
    pub fn estimate(ksloc: f64, ratings: &Ratings, calibration: f64) -> Cocomo2 {
        let mut sum_sf = 0.0;
        let mut eaf = 1.0;
        let mut sced = 1.0;
        let mut drivers = Vec::with_capacity(DRIVERS.len());
        for driver in &DRIVERS {
            let level = ratings.level(driver.name);
            // `Ratings::set` admits only levels with a value; a hand-built map falls back.
            let value = driver.values[level.index()].unwrap_or(match driver.kind {
                DriverKind::ScaleFactor => driver.values[Level::Nominal.index()].unwrap_or(0.0),
                DriverKind::EffortMultiplier => 1.0,
            });
            match driver.kind {
                DriverKind::ScaleFactor => sum_sf += value,
                DriverKind::EffortMultiplier => {
                    eaf *= value;
                    if driver.name == "SCED" {
                        sced = value;
                    }
                }
            }
            drivers.push(DriverRating {
                name: driver.name.to_string(),
                kind: driver.kind,
                level,
                value,
            });
        }
        let exponent = B + 0.01 * sum_sf;
        let person_months = A * ksloc.powf(exponent) * eaf * calibration;
        let nominal_schedule = person_months / sced;
        let f = D + 0.2 * (exponent - B);
        let schedule_months =
            C * nominal_schedule.powf(f) * sced_percent(ratings.level("SCED")) / 100.0;
        Cocomo2 {
            ksloc,
            exponent,
            eaf,
            calibration,
            person_months,
            schedule_months,
            drivers,
        }
    }

    /// Person-months for another size with the same drivers: what Monte Carlo draws.
    pub fn person_months_at(&self, ksloc: f64) -> f64 {
        A * ksloc.powf(self.exponent) * self.eaf * self.calibration
    }
}

/// Basic COCOMO 81's three modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    #[default]
    Organic,
    SemiDetached,
    Embedded,
}

impl Mode {
    /// (a, b, c, d): effort = a × KSLOC^b, schedule = c × effort^d. scc's values.
    pub fn coefficients(self) -> (f64, f64, f64, f64) {
        match self {
            Mode::Organic => (2.4, 1.05, 2.5, 0.38),
            Mode::SemiDetached => (3.0, 1.12, 2.5, 0.35),
            Mode::Embedded => (3.6, 1.20, 2.5, 0.32),
        }
    }
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Organic => "organic",
            Mode::SemiDetached => "semi-detached",
            Mode::Embedded => "embedded",
        }
    }
}

impl FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "organic" => Ok(Mode::Organic),
            "semi-detached" | "semidetached" => Ok(Mode::SemiDetached),
            "embedded" => Ok(Mode::Embedded),
            _ => Err(format!(
                "{s:?} is not a COCOMO 81 mode: expected organic, semi-detached or embedded"
            )),
        }
    }
}

/// A basic COCOMO 81 estimate, as scc prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cocomo81 {
    pub mode: Mode,
    pub sloc: u64,
    pub person_months: f64,
    pub schedule_months: f64,
    /// effort × annual wage / 12 × overhead, in minor units of the wage's currency.
    pub cost: gigops_core::Money,
    pub annual_wage: gigops_core::Money,
    pub overhead: f64,
}

impl Cocomo81 {
    /// `eaf` is scc's effort adjustment factor (1 by default).
    pub fn estimate(
        sloc: u64,
        mode: Mode,
        eaf: f64,
        annual_wage: gigops_core::Money,
        overhead: f64,
    ) -> Cocomo81 {
        let (a, b, c, d) = mode.coefficients();
        let person_months = a * (sloc as f64 / 1000.0).powf(b) * eaf;
        let schedule_months = c * person_months.powf(d);
        // The one rounding to a whole minor unit, at the end, as scc rounds only to print.
        let cost = (person_months * annual_wage.minor as f64 / 12.0 * overhead).round() as i64;
        Cocomo81 {
            mode,
            sloc,
            person_months,
            schedule_months,
            cost: gigops_core::Money::new(cost, annual_wage.currency),
            annual_wage,
            overhead,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gigops_core::{Currency, Money};

    #[test]
    fn all_nominal_at_10_ksloc() {
        let estimate = Cocomo2::estimate(10.0, &Ratings::default(), 1.0);
        // ΣSF = 3.72 + 3.04 + 4.24 + 3.29 + 4.68 = 18.97, E = 1.0997;
        // PM = 2.94 × 10^1.0997 = 36.99; F = 0.28 + 0.2 × 0.1897 = 0.31794;
        // TDEV = 3.67 × 36.99^0.31794 = 11.57.
        assert!((estimate.exponent - 1.0997).abs() < 1e-12);
        assert_eq!(estimate.eaf, 1.0);
        assert_eq!(format!("{:.2}", estimate.person_months), "36.99");
        assert_eq!(format!("{:.2}", estimate.schedule_months), "11.57");
    }

    #[test]
    fn ratings_change_the_exponent_and_the_product() {
        let mut ratings = Ratings::default();
        ratings.set("prec", "extra_high").unwrap();
        ratings.set("RELY", "VH").unwrap();
        ratings.set("acap", "very-high").unwrap();
        let estimate = Cocomo2::estimate(10.0, &ratings, 1.0);
        assert!((estimate.exponent - (0.91 + 0.01 * (18.97 - 3.72))).abs() < 1e-12);
        assert!((estimate.eaf - 1.26 * 0.71).abs() < 1e-12);
        let expected = 2.94 * 10f64.powf(estimate.exponent) * 1.26 * 0.71;
        assert!((estimate.person_months - expected).abs() < 1e-9);
    }

    #[test]
    fn a_compressed_schedule_costs_effort_and_shortens_the_calendar() {
        let mut ratings = Ratings::default();
        ratings.set("SCED", "very_low").unwrap();
        let estimate = Cocomo2::estimate(10.0, &ratings, 1.0);
        let nominal = Cocomo2::estimate(10.0, &Ratings::default(), 1.0);
        assert!((estimate.person_months - nominal.person_months * 1.43).abs() < 1e-9);
        assert!((estimate.schedule_months - nominal.schedule_months * 0.75).abs() < 1e-9);
    }

    #[test]
    fn unknown_names_list_the_valid_ones() {
        let mut ratings = Ratings::default();
        let err = ratings.set("SPEED", "high").unwrap_err();
        assert!(err.contains("PREC, FLEX, RESL, TEAM, PMAT, RELY"), "{err}");
        let err = ratings.set("RELY", "extra_high").unwrap_err();
        assert_eq!(
            err,
            "RELY has no extra_high rating: expected very_low, low, nominal, high, very_high"
        );
        let err = ratings.set("RELY", "huge").unwrap_err();
        assert!(err.contains("very_low, low, nominal"), "{err}");
        assert!(ratings.0.is_empty());
    }

    #[test]
    fn cocomo81_organic_matches_scc_test_vectors() {
        let wage = Money::new(5_600_000, Currency::USD);
        // scc's TestEstimateCostManyLines: 77,873 SLOC, wage 56,000, overhead 2.4 → ~2,602,469.
        let big = Cocomo81::estimate(77_873, Mode::Organic, 1.0, wage, 2.4);
        assert!((big.cost.minor - 260_246_870).abs() <= 1, "{}", big.cost);
        assert!(big.cost.minor >= 260_246_000 && big.cost.minor <= 260_248_000);
        // scc's TestEstimateCost: 26 SLOC → about 582.
        let tiny = Cocomo81::estimate(26, Mode::Organic, 1.0, wage, 2.4);
        assert!(
            tiny.cost.minor > 58_000 && tiny.cost.minor < 58_500,
            "{}",
            tiny.cost
        );
        // scc's TestEstimateScheduleMonths: 537 SLOC → about 2.7 months.
        let small = Cocomo81::estimate(537, Mode::Organic, 1.0, wage, 2.4);
        assert_eq!(format!("{:.1}", small.schedule_months), "2.7");
        assert!("Semi_Detached".parse::<Mode>().is_ok());
        assert!("hard".parse::<Mode>().unwrap_err().contains("organic"));
    }
}
