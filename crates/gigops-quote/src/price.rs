//! From hours to money: the rate card, the service tier's and the debt's premiums, the
//! platform's fee and tax, in integer minor units. Amounts are rounded once each, to the
//! nearest minor unit; a total split across the rate card uses largest remainders, so that the
//! lines add up to it exactly.

use serde::{Deserialize, Serialize};

use crate::config::{QuoteConfig, Rate};

/// One line of the price breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    /// A stable key: `estimate.size`, `labour.developer.senior`, `premium.sla`, `total`, …
    pub item: String,
    /// The working, for people.
    pub detail: String,
    pub hours: Option<f64>,
    pub amount_minor: Option<i64>,
}

impl Line {
    pub fn hours(item: impl Into<String>, detail: impl Into<String>, hours: f64) -> Line {
        Line {
            item: item.into(),
            detail: detail.into(),
            hours: Some(hours),
            amount_minor: None,
        }
    }

    pub fn amount(item: impl Into<String>, detail: impl Into<String>, amount: i64) -> Line {
        Line {
            item: item.into(),
            detail: detail.into(),
            hours: None,
            amount_minor: Some(amount),
        }
    }
}

/// What changes the price besides the hours.
#[derive(Debug, Clone, PartialEq)]
pub struct Terms<'a> {
    pub rate_card: &'a [Rate],
    pub sla: Option<(&'a str, f64)>,
    /// The debt's rating and premium.
    pub debt: Option<(String, f64)>,
    pub platform: Option<(&'a str, f64)>,
    pub tax: (&'a str, f64),
}

impl<'a> Terms<'a> {
    pub fn from_config(config: &'a QuoteConfig) -> Terms<'a> {
        Terms {
            rate_card: &config.rate_card,
            sla: None,
            debt: None,
            platform: None,
            tax: (&config.tax.name, config.tax.rate),
        }
    }
}

/// `amount × fraction`, rounded half away from zero to a whole minor unit.
pub fn apply_rate(amount: i64, fraction: f64) -> i64 {
    (amount as f64 * fraction).round() as i64
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

/// The price of `hours` of work under `terms`, as breakdown lines ending in `total`.
pub fn price_lines(hours: f64, terms: &Terms<'_>, currency: gigops_core::Currency) -> Vec<Line> {
    let money = |minor: i64| format!("{} {}", currency.format_major(minor), currency);
    let blended_per_hour: f64 = terms
        .rate_card
        .iter()
        .map(|r| r.hourly_minor as f64 * f64::from(r.share_permille) / 1000.0)
        .sum();
    let labour = (hours * blended_per_hour).round() as i64;
    let weights: Vec<u128> = terms
        .rate_card
        .iter()
        .map(|r| u128::from(r.share_permille) * u128::from(r.hourly_minor.max(0).unsigned_abs()))
        .collect();
    let mut lines = Vec::new();
    for (rate, part) in terms.rate_card.iter().zip(allocate(labour, &weights)) {
        let share = f64::from(rate.share_permille) / 1000.0;
        lines.push(Line {
            item: format!("labour.{}.{}", rate.role, rate.seniority),
            detail: format!(
                "{} {}: {:.1} h ({:.1} % of {:.1} h) × {}/h",
                rate.seniority,
                rate.role,
                hours * share,
                share * 100.0,
                hours,
                money(rate.hourly_minor)
            ),
            hours: Some(hours * share),
            amount_minor: Some(part),
        });
    }
    let mut subtotal = labour;
    if let Some((tier, premium)) = terms.sla {
        let amount = apply_rate(labour, premium);
        subtotal += amount;
        lines.push(Line::amount(
            "premium.sla",
            format!(
                "{tier} tier risk premium: {:.1} % of labour {}",
                premium * 100.0,
                money(labour)
            ),
            amount,
        ));
    }
    if let Some((rating, premium)) = &terms.debt {
        let amount = apply_rate(labour, *premium);
        subtotal += amount;
        lines.push(Line::amount(
            "premium.debt",
            format!(
                "inherited debt rated {rating}: {:.1} % of labour {}",
                premium * 100.0,
                money(labour)
            ),
            amount,
        ));
    }
    lines.push(Line::amount("subtotal", "labour and premiums", subtotal));
    let mut gross = subtotal;
    if let Some((platform, fee)) = terms.platform {
        gross = (subtotal as f64 / (1.0 - fee)).round() as i64;
        lines.push(Line::amount(
            "fee.platform",
            format!(
                "{platform} keeps {:.1} %: {} grossed up to {} so that {} is left",
                fee * 100.0,
                money(subtotal),
                money(gross),
                money(subtotal)
            ),
            gross - subtotal,
        ));
    }
    let (tax_name, tax_rate) = terms.tax;
    let tax = apply_rate(gross, tax_rate);
    if tax_rate > 0.0 {
        lines.push(Line::amount(
            "tax",
            format!("{tax_name} {:.2} % of {}", tax_rate * 100.0, money(gross)),
            tax,
        ));
    }
    lines.push(Line::amount("total", "what the client pays", gross + tax));
    lines
}

/// The `total` of [`price_lines`].
pub fn price(hours: f64, terms: &Terms<'_>, currency: gigops_core::Currency) -> i64 {
    price_lines(hours, terms, currency)
        .last()
        .and_then(|l| l.amount_minor)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gigops_core::Currency;
    use proptest::prelude::*;

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

    proptest! {
        #[test]
        fn parts_add_up_and_stay_within_one_unit(total in -10_000_000_i64..10_000_000, weights in proptest::collection::vec(0u128..1_000_000, 1..8)) {
            let parts = allocate(total, &weights);
            prop_assert_eq!(parts.iter().sum::<i64>(), total);
            let sum: u128 = weights.iter().sum();
            if sum > 0 {
                for (p, w) in parts.iter().zip(&weights) {
                    let exact = total as f64 * *w as f64 / sum as f64;
                    prop_assert!((*p as f64 - exact).abs() < 1.0 + 1e-9);
                }
            }
        }
    }

    #[test]
    fn a_price_by_hand() {
        let config = QuoteConfig::default();
        let mut terms = Terms::from_config(&config);
        terms.sla = Some(("silver", 0.10));
        terms.debt = Some(("C".into(), 0.10));
        terms.platform = Some(("upwork", 0.10));
        terms.tax = ("VAT", 0.06);
        // 100 h at 0.7 × 90 + 0.2 × 60 + 0.1 × 100 = 85.00 USD/h → labour 8,500.00;
        // split 6,300.00 / 1,200.00 / 1,000.00; premiums 850.00 + 850.00 → 10,200.00;
        // / 0.9 = 11,333.33 (fee 1,133.33); VAT 6 % = 680.00 → 12,013.33.
        let lines = price_lines(100.0, &terms, Currency::USD);
        let amounts: Vec<(&str, i64)> = lines
            .iter()
            .filter_map(|l| Some((l.item.as_str(), l.amount_minor?)))
            .collect();
        assert_eq!(
            amounts,
            [
                ("labour.developer.senior", 630_000),
                ("labour.developer.mid", 120_000),
                ("labour.devops.senior", 100_000),
                ("premium.sla", 85_000),
                ("premium.debt", 85_000),
                ("subtotal", 1_020_000),
                ("fee.platform", 113_333),
                ("tax", 68_000),
                ("total", 1_201_333),
            ]
        );
        assert_eq!(price(100.0, &terms, Currency::USD), 1_201_333);
        // Fewer hours never cost more.
        assert!(price(99.99, &terms, Currency::USD) <= 1_201_333);
    }
}
