//! A quote in another currency than the rate card's: at an exchange rate the user gives, never
//! one gigops looks up. The rate is read as the exact decimal written (`7.1` is 71 / 10), and
//! each rate of the rate card is converted once, in integer arithmetic, to a whole minor unit of
//! the other currency; every price is then made in that currency from the converted rates, so
//! that the quote's amounts are integers that add up as any quote's do.

use gigops_core::Currency;
use serde::Serialize;

use crate::config::{QuoteConfig, Rate};

/// 1 `from` = `rate` `to`, as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeRate {
    pub from: Currency,
    pub to: Currency,
    /// The rate as written: `7.1`.
    pub text: String,
    /// The rate as an exact fraction: `digits / 10^scale`.
    digits: u128,
    scale: u32,
}

/// The conversion a quote's rates went through, recorded in the quote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conversion {
    pub from: Currency,
    pub to: Currency,
    /// 1 `from` = `rate` `to`, as the user gave it.
    pub rate: String,
    /// The rate card as configured, in `from`; the converted one is `price.rate_card`.
    pub rate_card_from: Vec<Rate>,
    /// COCOMO 81's annual wage as configured, in minor units of `from`.
    pub annual_wage_from_minor: i64,
}

impl ExchangeRate {
    /// Reads `text` (a positive decimal number such as `7.1` or `0.1408`, at most 12
    /// decimals) as the price of one `from` in `to`. The error starts with the text, not with
    /// where it was given: the caller names that (a CLI flag, an API field).
    pub fn parse(from: Currency, to: Currency, text: &str) -> Result<ExchangeRate, String> {
        let bad = || {
            format!("{text:?}: expected a positive decimal number, 1 {from} in {to} (such as 7.1)")
        };
        let trimmed = text.trim();
        let (whole, fraction) = trimmed.split_once('.').unwrap_or((trimmed, ""));
        if whole.is_empty() && fraction.is_empty()
            || !whole
                .bytes()
                .chain(fraction.bytes())
                .all(|b| b.is_ascii_digit())
            || fraction.len() > 12
            || whole.len() > 12
        {
            return Err(bad());
        }
        let digits: u128 = format!("{whole}{fraction}").parse().map_err(|_| bad())?;
        if digits == 0 {
            return Err(bad());
        }
        Ok(ExchangeRate {
            from,
            to,
            text: trimmed.to_string(),
            digits,
            scale: fraction.len() as u32,
        })
    }

    /// `minor` units of `from` in minor units of `to`, rounded half away from zero.
    pub fn convert(&self, minor: i64) -> i64 {
        // minor × digits × 10^exp_to / (10^scale × 10^exp_from), all in integers.
        let numerator =
            i128::from(minor).unsigned_abs() * self.digits * 10u128.pow(self.to.exponent());
        let denominator = 10u128.pow(self.scale + self.from.exponent());
        let rounded = (numerator + denominator / 2) / denominator;
        let magnitude = i64::try_from(rounded).unwrap_or(i64::MAX);
        if minor < 0 { -magnitude } else { magnitude }
    }

    /// The configured rates in `to`: the rate card and COCOMO 81's wage. The configured
    /// currency must be `from`.
    pub fn convert_rates(
        &self,
        config: &QuoteConfig,
    ) -> Result<(Conversion, Vec<Rate>, i64), String> {
        if config.currency != self.from {
            return Err(format!(
                "the rate card is in {} (quote.currency), not {}: expected a rate from {}",
                config.currency, self.from, config.currency
            ));
        }
        let rate_card = config
            .rate_card
            .iter()
            .map(|r| Rate {
                hourly_minor: self.convert(r.hourly_minor),
                ..r.clone()
            })
            .collect();
        Ok((
            Conversion {
                from: self.from,
                to: self.to,
                rate: self.text.clone(),
                rate_card_from: config.rate_card.clone(),
                annual_wage_from_minor: config.cocomo81.annual_wage_minor,
            },
            rate_card,
            self.convert(config.cocomo81.annual_wage_minor),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn currency(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    #[test]
    fn rates_convert_exactly_to_whole_minor_units() {
        let rate = ExchangeRate::parse(currency("USD"), currency("CNY"), "7.1").unwrap();
        // 65.00 USD × 7.1 = 461.50 CNY; 0.01 USD × 7.1 = 0.071 CNY → 0.07.
        assert_eq!(rate.convert(6_500), 46_150);
        assert_eq!(rate.convert(1), 7);
        assert_eq!(rate.convert(-1), -7);
        // Half away from zero: 0.05 USD × 7.1 = 0.355 CNY → 0.36.
        assert_eq!(rate.convert(5), 36);
        // Into a currency without minor units: 1 USD = 151.37 JPY; 65.00 USD = 9,839.05 → 9,839.
        let yen = ExchangeRate::parse(currency("USD"), currency("JPY"), "151.37").unwrap();
        assert_eq!(yen.convert(6_500), 9_839);
        // And out of one: 1,000 JPY at 0.0066 USD = 6.60 USD.
        let back = ExchangeRate::parse(currency("JPY"), currency("USD"), "0.0066").unwrap();
        assert_eq!(back.convert(1_000), 660);
    }

    #[test]
    fn only_a_positive_decimal_is_a_rate() {
        for bad in [
            "",
            ".",
            "0",
            "0.000",
            "-7.1",
            "7,1",
            "1e3",
            "7.1.2",
            "abc",
            "1.0000000000001",
        ] {
            let err = ExchangeRate::parse(currency("USD"), currency("CNY"), bad).unwrap_err();
            assert!(err.contains("1 USD in CNY"), "{bad:?}: {err}");
            assert!(err.starts_with(&format!("{bad:?}: ")), "{err}");
        }
        assert!(ExchangeRate::parse(currency("USD"), currency("CNY"), ".5").is_ok());
    }

    #[test]
    fn the_rate_card_is_converted_and_recorded() {
        let config = QuoteConfig::default();
        let rate = ExchangeRate::parse(currency("USD"), currency("CNY"), "7.1").unwrap();
        let (conversion, rates, wage) = rate.convert_rates(&config).unwrap();
        assert_eq!(
            rates.iter().map(|r| r.hourly_minor).collect::<Vec<_>>(),
            [46_150, 35_500, 49_700]
        );
        // 56,286.00 USD × 7.1 = 399,630.60 CNY.
        assert_eq!(wage, 39_963_060);
        assert_eq!(conversion.rate, "7.1");
        assert_eq!(conversion.rate_card_from, config.rate_card);
        let wrong = ExchangeRate::parse(currency("EUR"), currency("CNY"), "7.8").unwrap();
        assert!(wrong.convert_rates(&config).unwrap_err().contains("USD"));
    }
}
