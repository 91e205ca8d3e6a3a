//! Number formatting for documents. Every number a reader sees is formatted here, in Rust, so
//! that the HTML and the PDF show the same text and templates never compute anything.
//!
//! Both languages use the same digits and separators (`1,234.5`, `42.9%`): that is how numbers
//! are written in Simplified Chinese business documents too.

use gigops_core::Currency;

use crate::RenderError;

/// What is shown where a statistic is undefined (`null` in the model).
pub const MISSING: &str = "—";

/// `value` with `places` decimals and thousands separators; `—` when undefined.
pub fn decimal(value: Option<f64>, places: usize) -> String {
    match value {
        Some(v) if v.is_finite() => group(&format!("{v:.places$}")),
        _ => MISSING.to_string(),
    }
}

/// A count with thousands separators.
pub fn count(n: usize) -> String {
    group(&n.to_string())
}

/// A share in [0, 1] as a percentage with one decimal.
pub fn percent(share: Option<f64>) -> String {
    match share {
        Some(v) if v.is_finite() => format!("{}%", decimal(Some(v * 100.0), 1)),
        _ => MISSING.to_string(),
    }
}

/// Minor units of `code` in major units with the currency code: `12,345.00 USD`.
pub fn money(minor: i64, code: &str) -> Result<String, RenderError> {
    Ok(format!("{} {code}", money_amount(minor, code)?))
}

/// Minor units of `code` in major units, without the code (for table columns and chart labels
/// whose currency is stated once in the header).
pub fn money_amount(minor: i64, code: &str) -> Result<String, RenderError> {
    let currency = Currency::parse(code).map_err(|source| RenderError::Currency {
        code: code.to_string(),
        source,
    })?;
    Ok(group(&currency.format_major(minor)))
}

/// Minor units of `code` as a float in major units, for placing on a chart axis only (the text
/// a reader sees comes from [`money`]).
pub fn major_units(minor: i64, code: &str) -> Result<f64, RenderError> {
    let currency = Currency::parse(code).map_err(|source| RenderError::Currency {
        code: code.to_string(),
        source,
    })?;
    Ok(minor as f64 / currency.minor_per_major() as f64)
}

/// Inserts thousands separators into the integer part of a plain decimal string.
fn group(plain: &str) -> String {
    let (sign, rest) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (rest, None),
    };
    // "-0.0" reads as a negative number that is not there.
    let sign =
        if int.bytes().all(|b| b == b'0') && frac.is_none_or(|f| f.bytes().all(|b| b == b'0')) {
            ""
        } else {
            sign
        };
    let mut out = String::with_capacity(plain.len() + plain.len() / 3);
    out.push_str(sign);
    let digits = int.len();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (digits - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(frac);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_grouped_and_rounded() {
        assert_eq!(decimal(Some(1234567.891), 1), "1,234,567.9");
        assert_eq!(decimal(Some(12.0), 1), "12.0");
        assert_eq!(decimal(Some(-1234.5), 0), "-1,234");
        assert_eq!(decimal(Some(-0.01), 1), "0.0");
        assert_eq!(decimal(None, 1), "—");
        assert_eq!(decimal(Some(f64::NAN), 1), "—");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(999), "999");
    }

    #[test]
    fn percentages_have_one_decimal() {
        assert_eq!(percent(Some(0.4285)), "42.9%");
        assert_eq!(percent(Some(1.0)), "100.0%");
        assert_eq!(percent(None), "—");
    }

    #[test]
    fn money_uses_the_currency_exponent() {
        assert_eq!(money(1_234_550, "USD").unwrap(), "12,345.50 USD");
        assert_eq!(money(-5, "USD").unwrap(), "-0.05 USD");
        assert_eq!(money(1_500_000, "JPY").unwrap(), "1,500,000 JPY");
        assert_eq!(money(1_234_567, "KWD").unwrap(), "1,234.567 KWD");
        assert!(matches!(money(1, "XYZ"), Err(RenderError::Currency { .. })));
        assert_eq!(major_units(1050, "USD").unwrap(), 10.5);
    }
}
