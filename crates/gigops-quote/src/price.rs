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

/// How a price is made, part by part, in integer minor units: what the breakdown lines and
/// every document show. The parts add up: labour lines to `labour_minor`; labour and premiums
/// to `subtotal_minor`; subtotal and fee to `gross_minor`; gross and tax to `total_minor`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceParts {
    /// The hours priced.
    pub hours: f64,
    /// Blended rate: Σ share × hourly rate, in minor units an hour (not rounded).
    pub blended_hourly_minor: f64,
    pub labour: Vec<LabourLine>,
    /// round(hours × blended rate), split over `labour` by largest remainder.
    pub labour_minor: i64,
    /// The service tier's risk premium on labour; `null` without a tier.
    pub sla_premium: Option<Share>,
    /// The inherited debt's premium on labour (`name` is its rating); `null` without debt.
    pub debt_premium: Option<Share>,
    /// Labour and premiums: what the freelancer keeps.
    pub subtotal_minor: i64,
    /// The platform's fee, grossed up so that the subtotal is left; `null` without a platform.
    pub platform_fee: Option<Share>,
    /// Subtotal and fee: what tax is charged on.
    pub gross_minor: i64,
    /// `null` when the tax rate is 0.
    pub tax: Option<Share>,
    /// What the client pays.
    pub total_minor: i64,
}

/// One role of the rate card, priced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabourLine {
    pub role: String,
    pub seniority: String,
    /// Its share of the hours, per mille.
    pub share_permille: u32,
    pub hours: f64,
    pub hourly_minor: i64,
    pub amount_minor: i64,
}

/// A rate applied to a base: a premium, a fee or a tax.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Share {
    /// The tier, the debt rating, the platform or the tax's name.
    pub name: String,
    /// 0.10 = 10 %.
    pub rate: f64,
    /// What the rate applies to: labour for premiums, the subtotal for a fee (grossed up), the
    /// gross for tax.
    pub base_minor: i64,
    pub amount_minor: i64,
}

/// The price of `hours` of work under `terms`, part by part.
pub fn price_parts(hours: f64, terms: &Terms<'_>) -> PriceParts {
    let blended_hourly_minor: f64 = terms
        .rate_card
        .iter()
        .map(|r| r.hourly_minor as f64 * f64::from(r.share_permille) / 1000.0)
        .sum();
    let labour_minor = (hours * blended_hourly_minor).round() as i64;
    let weights: Vec<u128> = terms
        .rate_card
        .iter()
        .map(|r| u128::from(r.share_permille) * u128::from(r.hourly_minor.max(0).unsigned_abs()))
        .collect();
    let labour = terms
        .rate_card
        .iter()
        .zip(gigops_core::money::allocate(labour_minor, &weights))
        .map(|(rate, amount_minor)| LabourLine {
            role: rate.role.clone(),
            seniority: rate.seniority.clone(),
            share_permille: rate.share_permille,
            hours: hours * f64::from(rate.share_permille) / 1000.0,
            hourly_minor: rate.hourly_minor,
            amount_minor,
        })
        .collect();
    let premium = |name: &str, rate: f64| Share {
        name: name.to_string(),
        rate,
        base_minor: labour_minor,
        amount_minor: apply_rate(labour_minor, rate),
    };
    let sla_premium = terms.sla.map(|(tier, rate)| premium(tier, rate));
    let debt_premium = terms
        .debt
        .as_ref()
        .map(|(rating, rate)| premium(rating, *rate));
    let subtotal_minor = labour_minor
        + sla_premium.as_ref().map_or(0, |p| p.amount_minor)
        + debt_premium.as_ref().map_or(0, |p| p.amount_minor);
    let platform_fee = terms.platform.map(|(name, rate)| {
        let gross = (subtotal_minor as f64 / (1.0 - rate)).round() as i64;
        Share {
            name: name.to_string(),
            rate,
            base_minor: subtotal_minor,
            amount_minor: gross - subtotal_minor,
        }
    });
    let gross_minor = subtotal_minor + platform_fee.as_ref().map_or(0, |f| f.amount_minor);
    let (tax_name, tax_rate) = terms.tax;
    let tax = (tax_rate > 0.0).then(|| Share {
        name: tax_name.to_string(),
        rate: tax_rate,
        base_minor: gross_minor,
        amount_minor: apply_rate(gross_minor, tax_rate),
    });
    let total_minor = gross_minor + tax.as_ref().map_or(0, |t| t.amount_minor);
    PriceParts {
        hours,
        blended_hourly_minor,
        labour,
        labour_minor,
        sla_premium,
        debt_premium,
        subtotal_minor,
        platform_fee,
        gross_minor,
        tax,
        total_minor,
    }
}

impl PriceParts {
    /// The parts as breakdown lines, labour first and `total` last, each with its working in
    /// English (documents say it again in their language from the parts).
    pub fn lines(&self, currency: gigops_core::Currency) -> Vec<Line> {
        let money = |minor: i64| format!("{} {}", currency.format_major(minor), currency);
        let mut lines: Vec<Line> = self
            .labour
            .iter()
            .map(|l| Line {
                item: format!("labour.{}.{}", l.role, l.seniority),
                detail: format!(
                    "{} {}: {:.1} h ({:.1} % of {:.1} h) × {}/h",
                    l.seniority,
                    l.role,
                    l.hours,
                    f64::from(l.share_permille) / 10.0,
                    self.hours,
                    money(l.hourly_minor)
                ),
                hours: Some(l.hours),
                amount_minor: Some(l.amount_minor),
            })
            .collect();
        let premium = |item: &str, what: String, p: &Share| {
            Line::amount(
                item,
                format!(
                    "{what}: {:.1} % of labour {}",
                    p.rate * 100.0,
                    money(p.base_minor)
                ),
                p.amount_minor,
            )
        };
        if let Some(p) = &self.sla_premium {
            lines.push(premium(
                "premium.sla",
                format!("{} tier risk premium", p.name),
                p,
            ));
        }
        if let Some(p) = &self.debt_premium {
            lines.push(premium(
                "premium.debt",
                format!("inherited debt rated {}", p.name),
                p,
            ));
        }
        lines.push(Line::amount(
            "subtotal",
            "labour and premiums",
            self.subtotal_minor,
        ));
        if let Some(f) = &self.platform_fee {
            lines.push(Line::amount(
                "fee.platform",
                format!(
                    "{} keeps {:.1} %: {} grossed up to {} so that {} is left",
                    f.name,
                    f.rate * 100.0,
                    money(f.base_minor),
                    money(self.gross_minor),
                    money(f.base_minor)
                ),
                f.amount_minor,
            ));
        }
        if let Some(t) = &self.tax {
            lines.push(Line::amount(
                "tax",
                format!(
                    "{} {:.2} % of {}",
                    t.name,
                    t.rate * 100.0,
                    money(t.base_minor)
                ),
                t.amount_minor,
            ));
        }
        lines.push(Line::amount(
            "total",
            "what the client pays",
            self.total_minor,
        ));
        lines
    }
}

/// The price of `hours` of work under `terms`, as breakdown lines ending in `total`.
pub fn price_lines(hours: f64, terms: &Terms<'_>, currency: gigops_core::Currency) -> Vec<Line> {
    price_parts(hours, terms).lines(currency)
}

/// The total of [`price_parts`].
pub fn price(hours: f64, terms: &Terms<'_>) -> i64 {
    price_parts(hours, terms).total_minor
}

#[cfg(test)]
mod tests {
    use super::*;
    use gigops_core::Currency;

    #[test]
    fn a_price_by_hand() {
        let config = QuoteConfig::default();
        let mut terms = Terms::from_config(&config);
        terms.sla = Some(("silver", 0.10));
        terms.debt = Some(("C".into(), 0.10));
        terms.platform = Some(("upwork", 0.10));
        terms.tax = ("VAT", 0.06);
        // The default rate card, re-derived for the rates of issue 12:
        // 100 h at 0.7 × 65 + 0.2 × 50 + 0.1 × 70 = 62.50 USD/h → labour 6,250.00;
        // split 4,550.00 / 1,000.00 / 700.00; premiums 625.00 + 625.00 → 7,500.00;
        // / 0.9 = 8,333.33 (fee 833.33); VAT 6 % of 8,333.33 = 500.00 → 8,833.33.
        let lines = price_lines(100.0, &terms, Currency::USD);
        let amounts: Vec<(&str, i64)> = lines
            .iter()
            .filter_map(|l| Some((l.item.as_str(), l.amount_minor?)))
            .collect();
        assert_eq!(
            amounts,
            [
                ("labour.developer.senior", 455_000),
                ("labour.developer.mid", 100_000),
                ("labour.devops.senior", 70_000),
                ("premium.sla", 62_500),
                ("premium.debt", 62_500),
                ("subtotal", 750_000),
                ("fee.platform", 83_333),
                ("tax", 50_000),
                ("total", 883_333),
            ]
        );
        let parts = price_parts(100.0, &terms);
        assert_eq!(parts.gross_minor, 833_333);
        assert_eq!(parts.labour_minor, 625_000);
        assert_eq!(price(100.0, &terms), 883_333);
        // Fewer hours never cost more.
        assert!(price(99.99, &terms) <= 883_333);
    }
}
