//! Quotes: a quote made from the documents and the repository a person names, set against the
//! user's delivered work, saved as the deal's next version, and the calibration of the quote
//! model on delivered deals (docs/quote.md). Counting and pricing are gigops-quote's; reading
//! the spec, the OpenAPI document, the risks and the gate summary is the caller's.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use gigops_core::{Currency, Deal, DealId, Ledger, Money, Problem, Problems};
use gigops_env::EnvError;
use gigops_quote::calibrate::{Calibration, SavedQuote};
use gigops_quote::cocomo::Ratings;
use gigops_quote::exchange::ExchangeRate;
use gigops_quote::fp::Gsc;
use gigops_quote::history::{self, Deliveries};
use gigops_quote::{DebtInput, Quote, QuoteInput, Sources};
use gigops_store::{ClientScope, DealFilter, LedgerStore, QuoteStore, Store, StoredQuote};
use jiff::Timestamp;
use serde::Deserialize;

use crate::{Settings, bad_field, bad_input};

/// The deal a quote is made for; bad input when there is none with that id.
pub async fn deal(store: &Store, id: &DealId) -> anyhow::Result<Deal> {
    let found = store.get_deal(id, &ClientScope::All).await?;
    Ok(found
        .ok_or_else(|| bad_input(format!("no deal {id}")))?
        .deal)
}

/// Sets `quote.warnings` to what is far outside the `ledger`'s delivered work (implied
/// calendar time, price).
pub fn warn_against_history(
    quote: &mut Quote,
    ledger: &Ledger,
    settings: &Settings,
) -> anyhow::Result<()> {
    let deliveries = Deliveries::new(
        ledger,
        &settings.pipeline.stages,
        &settings.quote.delivered_stage,
    )
    .map_err(bad_input)?;
    quote.warnings = history::warnings(quote, &history::delivered_deals(&deliveries, ledger));
    Ok(())
}

/// Saves `quote` as the deal's next version; the version.
pub async fn save(
    store: &Store,
    deal: &DealId,
    quote: &Quote,
    at: Timestamp,
) -> anyhow::Result<u32> {
    let json = serde_json::to_string(quote)?;
    Ok(store.save_quote(deal, at, &json).await?)
}

/// A saved quote of a deal: the version asked for, else the latest; bad input naming what is
/// missing.
pub async fn saved(
    store: &Store,
    deal: &DealId,
    version: Option<u32>,
) -> anyhow::Result<StoredQuote> {
    let mut quotes = store.quotes(Some(deal), &ClientScope::All).await?;
    let chosen = match version {
        Some(v) => quotes.iter().position(|q| q.version == v),
        None => quotes.len().checked_sub(1),
    };
    match chosen {
        Some(index) => Ok(quotes.swap_remove(index)),
        None => Err(bad_input(match version {
            Some(v) => format!("deal {deal} has no quote version {v}"),
            None => format!("deal {deal} has no saved quote"),
        })),
    }
}

/// The figures of a saved quote that `quote list` and `quote show` print. Each may be absent:
/// a quote saved by an earlier gigops lacks the keys added since (`gigops.quote/1` adds keys,
/// never removes them), and is shown with those figures blank.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SavedFigures {
    pub function_points: SavedFunctionPoints,
    pub effort: SavedEffort,
    pub price: SavedPrice,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SavedFunctionPoints {
    pub afp: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SavedEffort {
    pub ksloc: Option<f64>,
    pub cocomo2: SavedCocomo,
    pub p10_hours: Option<f64>,
    pub p50_hours: Option<f64>,
    pub p90_hours: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SavedCocomo {
    pub person_months: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SavedPrice {
    pub currency: Option<String>,
    pub p10_minor: Option<i64>,
    pub p50_minor: Option<i64>,
    pub p90_minor: Option<i64>,
}

impl SavedPrice {
    /// An amount of this price in minor units, as money, when the currency is known.
    pub fn money(&self, minor: Option<i64>) -> Option<Money> {
        let currency = Currency::parse(self.currency.as_deref()?).ok()?;
        Some(Money::new(minor?, currency))
    }
}

impl SavedFigures {
    /// The figures of `stored`; `Decode` naming the deal and version when they do not read.
    pub fn of(stored: &StoredQuote) -> anyhow::Result<SavedFigures> {
        Ok(stored.document()?)
    }
}

/// The quote model calibrated on the ledger's delivered deals with a saved quote and logged
/// hours. Bad input when no recommendation can be made (too few deals, a degenerate fit),
/// saying how many are needed; the calibration is returned either way so that it can be shown.
pub async fn calibrate(
    store: &Store,
    settings: &Settings,
) -> anyhow::Result<(Calibration, Option<anyhow::Error>)> {
    let ledger = store.load_ledger(&DealFilter::all()).await?;
    let mut saved = Vec::new();
    for stored in store.quotes(None, &ClientScope::All).await? {
        saved.push(SavedQuote {
            quote: stored.document()?,
            deal_id: stored.deal_id,
            version: stored.version,
            accepted: stored.accepted_at.is_some(),
        });
    }
    let config = &settings.quote;
    let calibration = gigops_quote::calibrate::calibrate_ledger(
        &ledger,
        &saved,
        &settings.pipeline.stages,
        &config.delivered_stage,
        config.hours_per_person_month,
    )
    .map_err(|e| bad_input(e.to_string()))?;
    let refusal = not_recommended(&calibration);
    Ok((calibration, refusal))
}

/// Why a calibration recommends nothing, when it does not.
fn not_recommended(calibration: &Calibration) -> Option<anyhow::Error> {
    let fit = &calibration.fit;
    if fit.hours_per_fp.is_some() || fit.cocomo_multiplier.is_some() {
        return None;
    }
    let reasons: Vec<String> = fit
        .refused
        .iter()
        .map(|r| format!("{}: {}", r.fit, r.reason))
        .collect();
    let count = calibration.sample.len();
    Some(bad_input(format!(
        "no calibration recommended: {count} delivered deal{} calibrated on, {} needed ({})",
        if count == 1 { "" } else { "s" },
        calibration.minimum_samples,
        reasons.join("; ")
    )))
}

/// A document the caller read for a quote: its name (a path as the user gave it) and text.
pub struct Document {
    pub name: String,
    pub text: String,
}

/// What a quote is made from, as a person asks for it: the documents already read, the
/// repository to size, and the overrides of what the documents say (`NAME=RATING` pairs and the
/// like, checked here). A problem of a field names it as `gsc`, `rating` (one of `ratings`),
/// `debt_ratio`, `currency`, `exchange_rate` or `repo`.
#[derive(Default)]
pub struct EstimateRequest {
    pub seed: u64,
    pub sla_tier: Option<String>,
    pub platform: Option<String>,
    /// The quote's currency, when not the deal's or the rate card's.
    pub currency: Option<String>,
    /// `1 RATE-CARD-CURRENCY = RATE QUOTE-CURRENCY`.
    pub exchange_rate: Option<String>,
    /// The repository to size, and the paths in scope (all when empty).
    pub repo: Option<PathBuf>,
    pub scope: Vec<PathBuf>,
    pub spec: Option<Document>,
    pub openapi: Option<Document>,
    pub risks: Option<Document>,
    pub gate_summary: Option<Document>,
    /// `NAME=RATING` general system characteristics, over the spec's.
    pub gsc: Vec<String>,
    /// `DRIVER=LEVEL` COCOMO II ratings, over the spec's.
    pub ratings: Vec<String>,
    pub debt_ratio: Option<f64>,
    pub language: Option<String>,
}

/// The quote of `request` under the settings; with a deal, in the deal's currency (converted
/// only at the rate the user gives). Every problem of the documents and the overrides is
/// reported at once.
pub fn estimate(
    settings: &Settings,
    request: &EstimateRequest,
    deal: Option<&Deal>,
) -> anyhow::Result<Quote> {
    // `settings` are valid: Settings::load refuses them otherwise, and a server building its
    // own checks Settings::problems first.
    let config = &settings.quote;
    let exchange = exchange(config.currency, request, deal)?;
    let table = gigops_quote::size::loc_per_fp_table(&config.loc_per_fp).map_err(bad_input)?;
    let path = |p: &Path| p.display().to_string();
    let mut input = QuoteInput {
        seed: request.seed,
        sla_tier: request.sla_tier.clone(),
        platform: request.platform.clone(),
        exchange,
        sources: Sources {
            repo: request.repo.as_deref().map(path),
            scope: request.scope.iter().map(|p| path(p)).collect(),
            spec: request.spec.as_ref().map(|d| d.name.clone()),
            openapi: request.openapi.as_ref().map(|d| d.name.clone()),
            risks: request.risks.as_ref().map(|d| d.name.clone()),
        },
        ..QuoteInput::default()
    };

    // Every document is read before any problem is reported, so that all of them come at once.
    let mut problems: Vec<Problem> = Vec::new();
    let mut gsc = Gsc::default();
    let mut ratings = Ratings::default();
    if let Some(doc) = &request.spec {
        match gigops_quote::spec::parse(&doc.name, &doc.text, &table) {
            Ok(spec) => {
                for (name, rating) in &spec.gsc {
                    let _ = gsc.set(name, i64::from(*rating));
                }
                for (driver, level) in &spec.ratings {
                    let _ = ratings.set(driver, level);
                }
                input.language = spec.language.clone();
                input.functions.extend(spec.functions);
                input.risks.extend(spec.risks);
            }
            Err(Problems(found)) => problems.extend(found),
        }
    }
    if let Some(doc) = &request.openapi {
        match gigops_quote::openapi::count(&doc.name, &doc.text) {
            Ok(api) => {
                input.functions.extend(api.functions);
                input.api = api.operations;
            }
            Err(Problems(found)) => problems.extend(found),
        }
    }
    if let Some(doc) = &request.risks {
        match gigops_quote::spec::parse_risks(&doc.name, &doc.text) {
            Ok(risks) => input.risks.extend(risks),
            Err(Problems(found)) => problems.extend(found),
        }
    }
    if let Some(doc) = &request.gate_summary {
        match gigops_quote::debt_from_gate_summary(&doc.name, &doc.text) {
            Ok(debt) => input.debt = Some(debt),
            Err(Problems(found)) => problems.extend(found),
        }
    }
    // Overrides after the spec: an override wins over what the spec rates. Their problems have
    // no place in a file: each names its field, and they go first.
    let mut all: Vec<Problem> = Vec::new();
    let mut bad = |field, reason: String| all.push(Problem::of_field(field, reason));
    for pair in &request.gsc {
        match pair.split_once('=') {
            Some((name, value)) => match value.trim().parse::<i64>() {
                Ok(n) => {
                    if let Err(e) = gsc.set(name.trim(), n) {
                        bad("gsc", format!("{pair}: {e}"));
                    }
                }
                Err(_) => bad("gsc", format!("{pair}: expected a rating from 0 to 5")),
            },
            None => bad("gsc", format!("{pair}: expected NAME=RATING")),
        }
    }
    for pair in &request.ratings {
        match pair.split_once('=') {
            Some((driver, level)) => {
                if let Err(e) = ratings.set(driver.trim(), level.trim()) {
                    bad("rating", format!("{pair}: {e}"));
                }
            }
            None => bad("rating", format!("{pair}: expected DRIVER=LEVEL")),
        }
    }
    if let Some(ratio) = request.debt_ratio {
        if ratio.is_finite() && ratio >= 0.0 {
            input.debt = Some(DebtInput {
                ratio,
                // Where the ratio came from, kept in the quote: the request's field, as a gate
                // summary's is its file.
                source: "debt_ratio".into(),
            });
        } else {
            bad("debt_ratio", format!("{ratio}: expected a number ≥ 0"));
        }
    }
    if let Some(language) = &request.language {
        input.language = Some(language.clone());
    }
    // By file; each reader already lists its own problems in line and column order.
    problems.sort_by(|a, b| a.file.cmp(&b.file));
    all.extend(problems);
    if !all.is_empty() {
        return Err(Problems(all).into());
    }
    input.gsc = gsc;
    input.ratings = ratings;

    if let Some(root) = &request.repo {
        let size = gigops_quote::size::measure(root, &request.scope, &config.exclude, &table)
            .map_err(|e| match e {
                EnvError::Io { path, source } if source.kind() == ErrorKind::NotFound => {
                    bad_input(format!("{}: no such file or directory", path.display()))
                }
                EnvError::Io { path, source } if source.kind() == ErrorKind::NotADirectory => {
                    bad_field("repo", format!("{}: not a directory", path.display()))
                }
                EnvError::InvalidPattern { .. } => bad_input(format!("quote.exclude: {e}")),
                other => anyhow::Error::new(other).context("cannot size the repository"),
            })?;
        input.size = Some(size);
    }
    if input.size.is_none() && request.spec.is_none() && request.openapi.is_none() {
        return Err(bad_input(
            "nothing to quote: give a repository, a spec or an OpenAPI document",
        ));
    }
    gigops_quote::estimate(&input, config)
        .map_err(|e| bad_input(e.to_string()).context("cannot estimate"))
}

/// The rate to convert the rate card at, when the quote is in another currency than
/// `quote.currency`: the deal's, or the one asked for. A deal's quotes are in its currency.
fn exchange(
    configured: Currency,
    request: &EstimateRequest,
    deal: Option<&Deal>,
) -> anyhow::Result<Option<ExchangeRate>> {
    let asked = request
        .currency
        .as_deref()
        .map(|code| {
            Currency::parse(code).map_err(|e| bad_field("currency", format!("{code}: {e}")))
        })
        .transpose()?;
    let wanted = match (asked, deal) {
        (Some(asked), Some(deal)) if asked != deal.value.currency => {
            return Err(bad_field(
                "currency",
                format!(
                    "{asked}: deal {} is in {}: a deal's quotes are in its currency",
                    deal.id, deal.value.currency
                ),
            ));
        }
        (Some(asked), _) => asked,
        (None, Some(deal)) => deal.value.currency,
        (None, None) => configured,
    };
    match (&request.exchange_rate, wanted == configured) {
        (None, true) => Ok(None),
        (Some(rate), true) => Err(bad_field(
            "exchange_rate",
            format!(
                "{rate}: the quote is in {configured}, the rate card's currency (quote.currency): nothing to convert"
            ),
        )),
        (Some(rate), false) => ExchangeRate::parse(configured, wanted, rate)
            .map(Some)
            .map_err(|e| bad_field("exchange_rate", e)),
        // The rate is what is missing, whether the deal's currency or the one asked for is
        // another than the rate card's.
        (None, false) => Err(bad_field(
            "exchange_rate",
            match deal {
                Some(deal) => format!(
                    "RATE (1 {configured} = RATE {wanted}) is needed to convert the rates: deal {} is in {wanted}, the rate card (quote.currency) in {configured}, and a deal's quotes are in its currency; or set quote.currency = \"{wanted}\" and a rate card in {wanted}",
                    deal.id
                ),
                None => format!(
                    "RATE (1 {configured} = RATE {wanted}) is needed to convert the rates: the quote is asked in {wanted}, the rate card (quote.currency) is in {configured}"
                ),
            },
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::assert_about_field;
    use crate::{ErrorKind, kind_of};

    fn petstore() -> Document {
        Document {
            name: "api.yaml".into(),
            text: include_str!("../../gigops-quote/tests/fixtures/petstore3.yaml").into(),
        }
    }

    fn deal_in(currency: &str) -> Deal {
        Deal {
            id: DealId::parse("D-CN").unwrap(),
            client: "Acme".into(),
            platform: gigops_core::Platform::parse("Upwork").unwrap(),
            kind: gigops_core::DealKind::Project,
            value: Money::parse_major("38000", Currency::parse(currency).unwrap()).unwrap(),
            opened_at: "2026-01-05T00:00:00Z".parse().unwrap(),
            outcome: gigops_core::Outcome::Open,
            closed_at: None,
            lost_reason: None,
            tech_doc_score: None,
            github_score: None,
            demo_score: None,
        }
    }

    #[test]
    fn override_problems_name_their_field_and_come_before_the_files() {
        let request = EstimateRequest {
            gsc: vec![
                "speed=3".into(),
                "performance".into(),
                "performance=x".into(),
            ],
            ratings: vec!["RELY".into(), "RELY=way".into()],
            debt_ratio: Some(-1.0),
            ..EstimateRequest::default()
        };
        let err = estimate(&Settings::default(), &request, None).unwrap_err();
        assert_eq!(kind_of(&err), ErrorKind::BadInput);
        let Problems(problems) = err.downcast_ref::<Problems>().expect("problems");
        let fields: Vec<_> = problems.iter().map(Problem::field).collect();
        assert_eq!(
            fields,
            ["gsc", "gsc", "gsc", "rating", "rating", "debt_ratio"].map(Some)
        );
        for problem in problems {
            assert!(!problem.to_string().contains("--"), "{problem}");
        }
        assert_eq!(
            problems[1].to_string(),
            "gsc: performance: expected NAME=RATING"
        );
        assert_eq!(
            problems[5].to_string(),
            "debt_ratio: -1: expected a number ≥ 0"
        );

        // With a document's problems, the fields' still come first.
        let request = EstimateRequest {
            debt_ratio: Some(-1.0),
            risks: Some(Document {
                name: "risks.yaml".into(),
                text: "[".into(),
            }),
            ..EstimateRequest::default()
        };
        let err = estimate(&Settings::default(), &request, None).unwrap_err();
        let Problems(problems) = err.downcast_ref::<Problems>().expect("problems");
        assert_eq!(problems[0].field(), Some("debt_ratio"));
        assert!(problems.len() > 1, "{problems:?}");
        assert!(problems[1..].iter().all(|p| p.file == "risks.yaml"));
    }

    #[test]
    fn a_debt_ratio_given_is_recorded_as_from_its_field() {
        let request = EstimateRequest {
            openapi: Some(petstore()),
            debt_ratio: Some(0.3),
            ..EstimateRequest::default()
        };
        let quote = estimate(&Settings::default(), &request, None).unwrap();
        assert_eq!(quote.debt.unwrap().source, "debt_ratio");
    }

    #[test]
    fn a_repository_that_is_a_file_and_nothing_to_quote_name_no_flag() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let request = EstimateRequest {
            repo: Some(file.path().to_path_buf()),
            ..EstimateRequest::default()
        };
        let err = estimate(&Settings::default(), &request, None).unwrap_err();
        assert_about_field(&err, "repo");
        assert!(err.to_string().ends_with(": not a directory"), "{err}");

        let err = estimate(&Settings::default(), &EstimateRequest::default(), None).unwrap_err();
        assert_eq!(kind_of(&err), ErrorKind::BadInput);
        assert_eq!(crate::field_of(&err), None);
        assert_eq!(
            err.to_string(),
            "nothing to quote: give a repository, a spec or an OpenAPI document"
        );
    }

    #[test]
    fn currency_problems_name_the_currency_or_the_missing_rate() {
        let usd = Currency::parse("USD").unwrap();
        let asked = |currency: Option<&str>, rate: Option<&str>| EstimateRequest {
            currency: currency.map(String::from),
            exchange_rate: rate.map(String::from),
            ..EstimateRequest::default()
        };
        let cny = deal_in("CNY");
        for (request, deal, field, message) in [
            (
                asked(Some("XYZ"), None),
                None,
                "currency",
                "currency: XYZ: ",
            ),
            (
                asked(Some("EUR"), None),
                Some(&cny),
                "currency",
                "currency: EUR: deal D-CN is in CNY: a deal's quotes are in its currency",
            ),
            (
                asked(None, Some("7.1")),
                None,
                "exchange_rate",
                "exchange_rate: 7.1: the quote is in USD",
            ),
            (
                asked(Some("CNY"), Some("seven")),
                None,
                "exchange_rate",
                "exchange_rate: \"seven\": expected a positive decimal number, 1 USD in CNY",
            ),
            (
                asked(Some("CNY"), None),
                None,
                "exchange_rate",
                "exchange_rate: RATE (1 USD = RATE CNY) is needed to convert the rates: the quote is asked in CNY",
            ),
            (
                asked(None, None),
                Some(&cny),
                "exchange_rate",
                "exchange_rate: RATE (1 USD = RATE CNY) is needed to convert the rates: deal D-CN is in CNY",
            ),
        ] {
            let err = exchange(usd, &request, deal).unwrap_err();
            assert_eq!(kind_of(&err), ErrorKind::BadInput);
            assert_about_field(&err, field);
            assert!(err.to_string().starts_with(message), "{err}");
        }
        let converted = exchange(usd, &asked(None, Some("7.1")), Some(&cny)).unwrap();
        assert_eq!(converted.unwrap().text, "7.1");
    }

    #[test]
    fn a_quote_saved_without_later_keys_shows_them_blank() {
        let early: SavedFigures = serde_json::from_str(
            r#"{"effort": {"p50_hours": 120.4}, "price": {"currency": "EUR", "p50_minor": 1250050}}"#,
        )
        .unwrap();
        assert_eq!(early.effort.p50_hours, Some(120.4));
        assert_eq!(early.function_points.afp, None);
        assert_eq!(early.effort.cocomo2.person_months, None);
        assert_eq!(
            early
                .price
                .money(early.price.p50_minor)
                .unwrap()
                .to_string(),
            "12500.50 EUR"
        );
        assert_eq!(early.price.money(early.price.p90_minor), None);
        let unknown: SavedFigures =
            serde_json::from_str(r#"{"price": {"currency": "XYZ", "p50_minor": 1}}"#).unwrap();
        assert_eq!(unknown.price.money(unknown.price.p50_minor), None);
    }
}
