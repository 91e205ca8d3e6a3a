//! How values JSON cannot hold are written in gigops's JSON.

/// JSON has no infinity: an infinite ratio is written, and read back, as `null`. For
/// `#[serde(with = "gigops_core::json::infinite_as_null")]` on a ratio that is infinite when
/// there is something to set against nothing (the gate's debt ratio, and the quote's copy of
/// it).
pub mod infinite_as_null {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(ratio: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        if ratio.is_finite() {
            serializer.serialize_f64(*ratio)
        } else {
            serializer.serialize_none()
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(deserializer)?.unwrap_or(f64::INFINITY))
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Ratio {
        #[serde(with = "super::infinite_as_null")]
        ratio: f64,
    }

    #[test]
    fn infinity_is_null_both_ways_and_numbers_stay_numbers() {
        let infinite = Ratio {
            ratio: f64::INFINITY,
        };
        assert_eq!(
            serde_json::to_string(&infinite).unwrap(),
            r#"{"ratio":null}"#
        );
        assert_eq!(
            serde_json::from_str::<Ratio>(r#"{"ratio":null}"#).unwrap(),
            infinite
        );
        let finite = Ratio { ratio: 0.034 };
        assert_eq!(
            serde_json::to_string(&finite).unwrap(),
            r#"{"ratio":0.034}"#
        );
        assert_eq!(
            serde_json::from_str::<Ratio>(r#"{"ratio":0.034}"#).unwrap(),
            finite
        );
    }
}
