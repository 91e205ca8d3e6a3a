//! Quotes in the ledger: a new quote set against the user's delivered work, saved as the deal's
//! next version, and the calibration of the quote model on delivered deals
//! (docs/quote.md, "Calibration"). Estimating itself is gigops-quote's; reading the repository,
//! the spec and the OpenAPI document is the caller's.

use gigops_core::{Deal, DealId, Ledger};
use gigops_quote::Quote;
use gigops_quote::calibrate::{Calibration, SavedQuote};
use gigops_quote::history::{self, Deliveries};
use gigops_store::{DealFilter, LedgerStore, StoredQuote};
use jiff::Timestamp;

use crate::{Settings, bad_input};

/// The deal a quote is made for; bad input when there is none with that id.
pub async fn deal(store: &impl LedgerStore, id: &DealId) -> anyhow::Result<Deal> {
    let found = store.get_deal(id).await?;
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
    store: &impl LedgerStore,
    deal: &DealId,
    quote: &Quote,
    at: Timestamp,
) -> anyhow::Result<u32> {
    let json = serde_json::to_string(quote)?;
    Ok(store.save_quote(deal, at, &json).await?)
}

/// A saved quote's JSON, read back.
pub fn figures(stored: &StoredQuote) -> anyhow::Result<serde_json::Value> {
    serde_json::from_str(&stored.quote).map_err(|e| {
        anyhow::Error::new(e).context(format!(
            "the saved quote {} v{} is not JSON",
            stored.deal_id, stored.version
        ))
    })
}

/// The quote model calibrated on the ledger's delivered deals with a saved quote and logged
/// hours. Bad input when no recommendation can be made (too few deals, a degenerate fit),
/// saying how many are needed; the calibration is returned either way so that it can be shown.
pub async fn calibrate(
    store: &impl LedgerStore,
    settings: &Settings,
) -> anyhow::Result<(Calibration, Option<anyhow::Error>)> {
    let ledger = store.load_ledger(&DealFilter::all()).await?;
    let mut saved = Vec::new();
    for stored in store.quotes(None).await? {
        saved.push(SavedQuote {
            quote: figures(&stored)?,
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
