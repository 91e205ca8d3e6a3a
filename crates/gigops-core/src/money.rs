//! Money as integer minor units with an ISO 4217 currency. Never floats.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An ISO 4217 currency. The number of decimals (the exponent) comes from the standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency(iso_currency::Currency);

impl Currency {
    pub const USD: Currency = Currency(iso_currency::Currency::USD);
    pub const EUR: Currency = Currency(iso_currency::Currency::EUR);
    pub const CNY: Currency = Currency(iso_currency::Currency::CNY);
    pub const JPY: Currency = Currency(iso_currency::Currency::JPY);
    pub const GBP: Currency = Currency(iso_currency::Currency::GBP);

    /// Parses a three-letter code such as `USD` (case-sensitive, as ISO 4217 writes them).
    pub fn parse(code: &str) -> Result<Self, MoneyError> {
        iso_currency::Currency::from_code(code)
            .map(Currency)
            .filter(|c| c.0.exponent().is_some())
            .ok_or_else(|| MoneyError::UnknownCurrency(code.to_string()))
    }

    pub fn code(self) -> &'static str {
        self.0.code()
    }

    /// Digits after the decimal point in major units (2 for USD, 0 for JPY, 3 for KWD).
    pub fn exponent(self) -> u32 {
        // `parse` only admits currencies that have an exponent.
        u32::from(self.0.exponent().unwrap_or(0))
    }

    /// Minor units in one major unit: 10^exponent.
    pub fn minor_per_major(self) -> i64 {
        10_i64.pow(self.exponent())
    }

    /// Parses a decimal string in major units (`"1234.5"`, `"-3"`, `"0.05"`) into minor units,
    /// exactly: more decimals than the currency has is an error, never a rounding.
    pub fn parse_major(self, text: &str) -> Result<i64, MoneyError> {
        let bad = || MoneyError::NotADecimal(text.to_string());
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() && fraction.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let exponent = self.exponent() as usize;
        let significant = fraction.trim_end_matches('0');
        if significant.len() > exponent {
            return Err(MoneyError::TooManyDecimals {
                text: text.to_string(),
                currency: self,
            });
        }
        let overflow = || MoneyError::Overflow(text.to_string());
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| overflow())?
        };
        let mut fraction_minor: i64 = 0;
        for (i, b) in significant.bytes().enumerate() {
            fraction_minor += i64::from(b - b'0') * 10_i64.pow((exponent - 1 - i) as u32);
        }
        let minor = whole
            .checked_mul(self.minor_per_major())
            .and_then(|m| m.checked_add(fraction_minor))
            .ok_or_else(overflow)?;
        Ok(if negative { -minor } else { minor })
    }

    /// Formats minor units as a decimal string in major units with exactly `exponent` decimals.
    pub fn format_major(self, minor: i64) -> String {
        let exponent = self.exponent() as usize;
        let sign = if minor < 0 { "-" } else { "" };
        let magnitude = minor.unsigned_abs();
        if exponent == 0 {
            return format!("{sign}{magnitude}");
        }
        let scale = 10_u64.pow(exponent as u32);
        format!(
            "{sign}{}.{:0width$}",
            magnitude / scale,
            magnitude % scale,
            width = exponent
        )
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Currency::parse(&code).map_err(serde::de::Error::custom)
    }
}

/// An amount in integer minor units of one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    pub fn parse_major(text: &str, currency: Currency) -> Result<Self, MoneyError> {
        Ok(Money::new(currency.parse_major(text)?, currency))
    }

    /// The amount as a decimal string in major units, e.g. `1234.50`.
    pub fn major_string(&self) -> String {
        self.currency.format_major(self.minor)
    }

    /// The amount split in proportion to `weights` by largest remainder (see [`allocate`]):
    /// the parts add up to the amount exactly, each within one minor unit of its exact share.
    pub fn allocate(self, weights: &[u128]) -> Vec<Money> {
        allocate(self.minor, weights)
            .into_iter()
            .map(|minor| Money::new(minor, self.currency))
            .collect()
    }
}

/// Splits `total` in proportion to `weights` by largest remainder: each part is the floor of
/// its exact share, and the units left over go to the largest fractional parts (earlier
/// parts first on ties), so the parts add up to `total` exactly. All weights 0: all to the
/// first part.
pub fn allocate(total: i64, weights: &[u128]) -> Vec<i64> {
    if weights.is_empty() {
        return Vec::new();
    }
    let sum: u128 = weights.iter().sum();
    if sum == 0 {
        let mut parts = vec![0; weights.len()];
        parts[0] = total;
        return parts;
    }
    let magnitude = u128::from(total.unsigned_abs());
    let mut parts: Vec<u128> = weights.iter().map(|w| magnitude * w / sum).collect();
    let remainders: Vec<u128> = weights.iter().map(|w| magnitude * w % sum).collect();
    let left = magnitude - parts.iter().sum::<u128>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| remainders[b].cmp(&remainders[a]).then(a.cmp(&b)));
    for &i in order.iter().take(left as usize) {
        parts[i] += 1;
    }
    parts
        .into_iter()
        .map(|p| {
            let p = p as i64;
            if total < 0 { -p } else { p }
        })
        .collect()
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.major_string(), self.currency)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("unknown currency {0:?}: expected an ISO 4217 code such as USD, EUR, CNY")]
    UnknownCurrency(String),
    #[error("{0:?} is not a decimal number: expected digits with an optional '.' and fraction")]
    NotADecimal(String),
    #[error("{text:?} has more decimals than {currency} allows ({})", currency.exponent())]
    TooManyDecimals { text: String, currency: Currency },
    #[error("{0:?} is too large for an amount")]
    Overflow(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_major_units_exactly() {
        let usd = Currency::USD;
        assert_eq!(usd.parse_major("1234.5"), Ok(123_450));
        assert_eq!(usd.parse_major("1234.50"), Ok(123_450));
        assert_eq!(usd.parse_major("1234.500"), Ok(123_450));
        assert_eq!(usd.parse_major("0.05"), Ok(5));
        assert_eq!(usd.parse_major(".05"), Ok(5));
        assert_eq!(usd.parse_major("-3"), Ok(-300));
        assert_eq!(usd.parse_major("7."), Ok(700));
        assert_eq!(Currency::JPY.parse_major("1500"), Ok(1500));
        let kwd = Currency::parse("KWD").unwrap();
        assert_eq!(kwd.parse_major("1.234"), Ok(1234));
    }

    #[test]
    fn rejects_what_is_not_exact() {
        let usd = Currency::USD;
        assert!(matches!(
            usd.parse_major("1.005"),
            Err(MoneyError::TooManyDecimals { .. })
        ));
        assert!(matches!(
            Currency::JPY.parse_major("1.5"),
            Err(MoneyError::TooManyDecimals { .. })
        ));
        for bad in ["", ".", "-", "1,000", "1e3", "abc", "1.2.3", " 1"] {
            assert!(
                matches!(usd.parse_major(bad), Err(MoneyError::NotADecimal(_))),
                "{bad:?}"
            );
        }
        assert!(matches!(
            usd.parse_major("99999999999999999999"),
            Err(MoneyError::Overflow(_))
        ));
        assert!(Currency::parse("usd").is_err());
        assert!(Currency::parse("ABC").is_err());
    }

    #[test]
    fn formats_with_the_currency_exponent() {
        assert_eq!(Currency::USD.format_major(123_450), "1234.50");
        assert_eq!(Currency::USD.format_major(-5), "-0.05");
        assert_eq!(Currency::JPY.format_major(1500), "1500");
        assert_eq!(Money::new(100, Currency::CNY).to_string(), "1.00 CNY");
    }

    #[test]
    fn largest_remainder_by_hand() {
        // 100 in thirds: 33.33 each, the one unit left goes to the first.
        assert_eq!(allocate(100, &[1, 1, 1]), [34, 33, 33]);
        // 10 by 7:2:1 → 7, 2, 1 exactly.
        assert_eq!(allocate(10, &[7, 2, 1]), [7, 2, 1]);
        // 1001 by 700 × 9000, 200 × 6000, 100 × 10000 (weights 6.3M, 1.2M, 1.0M of 8.5M):
        // exact 742.012, 141.318, 117.765 → floors 742, 141, 117 = 1000; the unit left goes to
        // the largest remainder, 0.765.
        assert_eq!(
            allocate(1001, &[6_300_000, 1_200_000, 1_000_000]),
            [742, 141, 118]
        );
        assert_eq!(allocate(-5, &[1, 1]), [-3, -2]);
        assert_eq!(allocate(7, &[0, 0]), [7, 0]);
    }

    #[test]
    fn money_keeps_its_currency_when_split() {
        let parts = Money::new(100, Currency::EUR).allocate(&[1, 1, 1]);
        assert_eq!(
            parts,
            [
                Money::new(34, Currency::EUR),
                Money::new(33, Currency::EUR),
                Money::new(33, Currency::EUR)
            ]
        );
        assert!(Money::new(5, Currency::JPY).allocate(&[]).is_empty());
    }

    proptest! {
        /// Largest remainder, checked in integers: each part is the floor of its exact share
        /// or one more, so `|part × Σw − total × w| < Σw` — strictly less than one minor unit
        /// off — and the parts add up to the whole.
        #[test]
        fn parts_sum_to_the_whole_and_miss_their_share_by_less_than_a_unit(
            minor in i64::MIN / 2..i64::MAX / 2,
            weights in proptest::collection::vec(0u128..1_000_000_000, 1..12),
        ) {
            let whole = Money::new(minor, Currency::USD);
            let parts = whole.allocate(&weights);
            prop_assert_eq!(parts.len(), weights.len());
            prop_assert!(parts.iter().all(|p| p.currency == Currency::USD));
            prop_assert_eq!(parts.iter().map(|p| i128::from(p.minor)).sum::<i128>(), i128::from(minor));
            let sum: i128 = weights.iter().map(|w| *w as i128).sum();
            if sum > 0 {
                for (part, weight) in parts.iter().zip(&weights) {
                    let off = i128::from(part.minor) * sum - i128::from(minor) * *weight as i128;
                    prop_assert!(off.abs() < sum, "{part:?} of weight {weight} in {sum}");
                }
            }
        }

        #[test]
        fn format_then_parse_round_trips(minor in -1_000_000_000_000_i64..1_000_000_000_000) {
            for currency in [Currency::USD, Currency::JPY, Currency::parse("KWD").unwrap()] {
                prop_assert_eq!(currency.parse_major(&currency.format_major(minor)), Ok(minor));
            }
        }
    }
}
