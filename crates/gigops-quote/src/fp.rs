//! IFPUG function points: the five function types, their complexity matrices and weights, the
//! fourteen general system characteristics and the value adjustment factor.
//!
//! Tables from the IFPUG Function Point Counting Practices Manual (CPM 4.3.1, Part 2, chapters
//! 6–8); they are quoted in docs/quote.md.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The five IFPUG function types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum FunctionKind {
    /// External input: data or control information entering the application (a write).
    EI,
    /// External output: information sent out with derived data or calculations.
    EO,
    /// External inquiry: information sent out as retrieved, without derived data.
    EQ,
    /// Internal logical file: data maintained by the application.
    ILF,
    /// External interface file: data referenced by the application, maintained by another.
    EIF,
}

impl FunctionKind {
    pub const ALL: [FunctionKind; 5] = [
        FunctionKind::EI,
        FunctionKind::EO,
        FunctionKind::EQ,
        FunctionKind::ILF,
        FunctionKind::EIF,
    ];

    pub fn is_data(self) -> bool {
        matches!(self, FunctionKind::ILF | FunctionKind::EIF)
    }

    /// The IFPUG weight of this type at a complexity: EI 3/4/6, EO 4/5/7, EQ 3/4/6, ILF
    /// 7/10/15, EIF 5/7/10 (low/average/high).
    pub fn weight(self, complexity: Complexity) -> u32 {
        let [low, average, high] = match self {
            FunctionKind::EI | FunctionKind::EQ => [3, 4, 6],
            FunctionKind::EO => [4, 5, 7],
            FunctionKind::ILF => [7, 10, 15],
            FunctionKind::EIF => [5, 7, 10],
        };
        match complexity {
            Complexity::Low => low,
            Complexity::Average => average,
            Complexity::High => high,
        }
    }

    /// The complexity from the counts: DET against RET for ILF/EIF, DET against FTR for the
    /// transactions.
    ///
    /// | ILF/EIF   | 1–19 DET | 20–50 | 51+  |
    /// |-----------|----------|-------|------|
    /// | 1 RET     | low      | low   | avg  |
    /// | 2–5 RET   | low      | avg   | high |
    /// | 6+ RET    | avg      | high  | high |
    ///
    /// | EI        | 1–4 DET  | 5–15  | 16+  |
    /// |-----------|----------|-------|------|
    /// | 0–1 FTR   | low      | low   | avg  |
    /// | 2 FTR     | low      | avg   | high |
    /// | 3+ FTR    | avg      | high  | high |
    ///
    /// | EO/EQ     | 1–5 DET  | 6–19  | 20+  |
    /// |-----------|----------|-------|------|
    /// | 0–1 FTR   | low      | low   | avg  |
    /// | 2–3 FTR   | low      | avg   | high |
    /// | 4+ FTR    | avg      | high  | high |
    pub fn complexity(self, det: u32, ret_or_ftr: u32) -> Complexity {
        // (upper bound of the first two DET bands, upper bound of the first two RET/FTR bands)
        let (det_bands, row_bands) = match self {
            FunctionKind::ILF | FunctionKind::EIF => ([19, 50], [1, 5]),
            FunctionKind::EI => ([4, 15], [1, 2]),
            FunctionKind::EO | FunctionKind::EQ => ([5, 19], [1, 3]),
        };
        let band = |value: u32, bounds: [u32; 2]| {
            if value <= bounds[0] {
                0
            } else if value <= bounds[1] {
                1
            } else {
                2
            }
        };
        const MATRIX: [[Complexity; 3]; 3] = [
            [Complexity::Low, Complexity::Low, Complexity::Average],
            [Complexity::Low, Complexity::Average, Complexity::High],
            [Complexity::Average, Complexity::High, Complexity::High],
        ];
        MATRIX[band(ret_or_ftr, row_bands)][band(det, det_bands)]
    }

    /// What the second count of this type is called: RET for data, FTR for transactions.
    pub fn second_count(self) -> &'static str {
        if self.is_data() { "ret" } else { "ftr" }
    }
}

impl fmt::Display for FunctionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FunctionKind::EI => "EI",
            FunctionKind::EO => "EO",
            FunctionKind::EQ => "EQ",
            FunctionKind::ILF => "ILF",
            FunctionKind::EIF => "EIF",
        })
    }
}

impl FromStr for FunctionKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        FunctionKind::ALL
            .into_iter()
            .find(|k| k.to_string().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("{s:?} is not a function type: expected EI, EO, EQ, ILF or EIF"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Complexity {
    Low,
    Average,
    High,
}

impl FromStr for Complexity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Ok(Complexity::Low),
            "average" | "avg" => Ok(Complexity::Average),
            "high" => Ok(Complexity::High),
            _ => Err(format!(
                "{s:?} is not a level: expected low, average or high"
            )),
        }
    }
}

impl fmt::Display for Complexity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Complexity::Low => "low",
            Complexity::Average => "average",
            Complexity::High => "high",
        })
    }
}

/// One counted function, with the counts it was rated by (when it was not given a level).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Function {
    pub kind: FunctionKind,
    pub name: String,
    /// Data element types; `null` when the function was given a level instead.
    pub det: Option<u32>,
    /// Record element types (ILF/EIF only).
    pub ret: Option<u32>,
    /// File types referenced (EI/EO/EQ only).
    pub ftr: Option<u32>,
    pub complexity: Complexity,
    pub points: u32,
    /// Where it was counted from: `spec.yaml:12`, `openapi.yaml:40 POST /pet`.
    pub source: String,
    /// Why it was counted this way, for the OpenAPI rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Function {
    /// A function rated from its counts.
    pub fn counted(
        kind: FunctionKind,
        name: String,
        det: u32,
        second: u32,
        source: String,
    ) -> Self {
        let complexity = kind.complexity(det, second);
        let (ret, ftr) = if kind.is_data() {
            (Some(second), None)
        } else {
            (None, Some(second))
        };
        Function {
            kind,
            name,
            det: Some(det),
            ret,
            ftr,
            complexity,
            points: kind.weight(complexity),
            source,
            reason: None,
        }
    }

    /// A function given a level directly.
    pub fn rated(kind: FunctionKind, name: String, complexity: Complexity, source: String) -> Self {
        Function {
            kind,
            name,
            det: None,
            ret: None,
            ftr: None,
            complexity,
            points: kind.weight(complexity),
            source,
            reason: None,
        }
    }
}

/// The fourteen general system characteristics, in the manual's order.
pub const GSC_NAMES: [&str; 14] = [
    "data_communications",
    "distributed_data_processing",
    "performance",
    "heavily_used_configuration",
    "transaction_rate",
    "online_data_entry",
    "end_user_efficiency",
    "online_update",
    "complex_processing",
    "reusability",
    "installation_ease",
    "operational_ease",
    "multiple_sites",
    "facilitate_change",
];

/// The rating (degree of influence, 0–5) of each general system characteristic, 3 unless
/// rated otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gsc(pub [u8; 14]);

impl Default for Gsc {
    fn default() -> Self {
        Gsc([3; 14])
    }
}

impl Gsc {
    /// Sets one characteristic by name (case-insensitive; `-` for `_` allowed).
    pub fn set(&mut self, name: &str, rating: i64) -> Result<(), String> {
        let wanted = name.to_ascii_lowercase().replace('-', "_");
        let index = GSC_NAMES.iter().position(|n| *n == wanted).ok_or_else(|| {
            format!(
                "{name:?} is not a general system characteristic: expected one of {}",
                GSC_NAMES.join(", ")
            )
        })?;
        if !(0..=5).contains(&rating) {
            return Err(format!("{name} = {rating}: expected a rating from 0 to 5"));
        }
        self.0[index] = rating as u8;
        Ok(())
    }

    pub fn total(&self) -> u32 {
        self.0.iter().map(|&r| u32::from(r)).sum()
    }

    /// VAF = 0.65 + 0.01 × ΣGSC, from 0.65 (all 0) to 1.35 (all 5).
    pub fn vaf(&self) -> f64 {
        0.65 + 0.01 * f64::from(self.total())
    }
}

/// The function-point count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionPoints {
    /// Unadjusted function points: the sum of every function's weight.
    pub ufp: f64,
    pub vaf: f64,
    /// Adjusted function points, UFP × VAF.
    pub afp: f64,
    /// `counted` from a spec or an OpenAPI document; `backfired` from the repository's lines.
    pub source: String,
    pub by_kind: Vec<KindCount>,
    pub gsc: Vec<GscRating>,
    pub functions: Vec<Function>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KindCount {
    pub kind: FunctionKind,
    pub low: u32,
    pub average: u32,
    pub high: u32,
    pub points: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GscRating {
    pub name: String,
    pub rating: u8,
}

/// Counts the functions: the UFP table by type and complexity, the VAF and the AFP.
pub fn count(functions: Vec<Function>, gsc: &Gsc) -> FunctionPoints {
    let by_kind: Vec<KindCount> = FunctionKind::ALL
        .into_iter()
        .map(|kind| {
            let of = |c: Complexity| {
                functions
                    .iter()
                    .filter(|f| f.kind == kind && f.complexity == c)
                    .count() as u32
            };
            let (low, average, high) = (
                of(Complexity::Low),
                of(Complexity::Average),
                of(Complexity::High),
            );
            KindCount {
                kind,
                low,
                average,
                high,
                points: low * kind.weight(Complexity::Low)
                    + average * kind.weight(Complexity::Average)
                    + high * kind.weight(Complexity::High),
            }
        })
        .collect();
    let ufp = f64::from(by_kind.iter().map(|k| k.points).sum::<u32>());
    let vaf = gsc.vaf();
    FunctionPoints {
        ufp,
        vaf,
        afp: ufp * vaf,
        source: "counted".into(),
        by_kind,
        gsc: gsc_ratings(gsc),
        functions,
    }
}

pub fn gsc_ratings(gsc: &Gsc) -> Vec<GscRating> {
    GSC_NAMES
        .iter()
        .zip(gsc.0)
        .map(|(name, rating)| GscRating {
            name: (*name).to_string(),
            rating,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Complexity::*;
    use FunctionKind::*;

    #[test]
    fn matrices_follow_the_manual_at_every_band_edge() {
        // ILF/EIF: DET 19|20 and 50|51, RET 1|2 and 5|6.
        assert_eq!(ILF.complexity(19, 1), Low);
        assert_eq!(ILF.complexity(50, 1), Low);
        assert_eq!(ILF.complexity(51, 1), Average);
        assert_eq!(ILF.complexity(19, 2), Low);
        assert_eq!(ILF.complexity(20, 2), Average);
        assert_eq!(EIF.complexity(51, 5), High);
        assert_eq!(EIF.complexity(1, 6), Average);
        assert_eq!(EIF.complexity(20, 6), High);
        // EI: DET 4|5 and 15|16, FTR 1|2 and 2|3.
        assert_eq!(EI.complexity(4, 0), Low);
        assert_eq!(EI.complexity(15, 1), Low);
        assert_eq!(EI.complexity(16, 1), Average);
        assert_eq!(EI.complexity(5, 2), Average);
        assert_eq!(EI.complexity(4, 2), Low);
        assert_eq!(EI.complexity(16, 2), High);
        assert_eq!(EI.complexity(1, 3), Average);
        assert_eq!(EI.complexity(5, 3), High);
        // EO/EQ: DET 5|6 and 19|20, FTR 1|2 and 3|4.
        assert_eq!(EO.complexity(5, 1), Low);
        assert_eq!(EO.complexity(20, 1), Average);
        assert_eq!(EQ.complexity(6, 3), Average);
        assert_eq!(EQ.complexity(5, 3), Low);
        assert_eq!(EQ.complexity(20, 2), High);
        assert_eq!(EO.complexity(5, 4), Average);
        assert_eq!(EO.complexity(6, 4), High);
    }

    #[test]
    fn weights_are_the_ifpug_weights() {
        let table: Vec<[u32; 3]> = FunctionKind::ALL
            .iter()
            .map(|k| [k.weight(Low), k.weight(Average), k.weight(High)])
            .collect();
        assert_eq!(
            table,
            [[3, 4, 6], [4, 5, 7], [3, 4, 6], [7, 10, 15], [5, 7, 10]]
        );
    }

    #[test]
    fn vaf_and_afp() {
        let functions = vec![
            Function::rated(ILF, "a".into(), Average, String::new()),
            Function::rated(EI, "b".into(), High, String::new()),
            Function::rated(EO, "c".into(), Low, String::new()),
        ];
        let mut gsc = Gsc::default();
        assert_eq!(gsc.total(), 42);
        gsc.set("performance", 5).unwrap();
        gsc.set("Multiple-Sites", 0).unwrap();
        assert_eq!(gsc.total(), 41);
        let fp = count(functions, &gsc);
        // 10 + 6 + 4 = 20 UFP; VAF 0.65 + 0.41 = 1.06.
        assert_eq!(fp.ufp, 20.0);
        assert!((fp.vaf - 1.06).abs() < 1e-12);
        assert!((fp.afp - 21.2).abs() < 1e-12);
        assert!(
            gsc.set("speed", 3)
                .unwrap_err()
                .contains("facilitate_change")
        );
        assert!(gsc.set("performance", 6).is_err());
    }
}
