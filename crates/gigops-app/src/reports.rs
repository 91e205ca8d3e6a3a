//! The pipeline report: which deals are in scope, and the analytics over them
//! (docs/pipeline-analytics.md). `report pipeline`, `report market`, the demo and the
//! dashboard all compute it here.

use gigops_core::{Platform, parse_instant};
use gigops_pipeline::report::Scope;
use gigops_pipeline::{PipelineOptions, PipelineReport, pipeline_report};
use gigops_store::{DealFilter, LedgerStore, Store};

use crate::{Settings, bad_field};

/// The scope as a person gives it: dates or instants, and a platform in any case.
#[derive(Debug, Clone, Default)]
pub struct ScopeRequest {
    /// Deals opened on or after this date or instant.
    pub from: Option<String>,
    /// Deals opened on or before this date (the whole day) or before this instant.
    pub to: Option<String>,
    pub platform: Option<String>,
}

/// `from` and `to` as a half-open interval of opening instants; a bare `to` date includes its
/// day. Bad input when `to` is not after `from`.
pub fn scope(request: &ScopeRequest) -> anyhow::Result<Scope> {
    let from = request.from.as_deref().map(parse_instant).transpose()?;
    let to = match request.to.as_deref() {
        Some(text) if text.len() == 10 => {
            Some(parse_instant(text)?.checked_add(jiff::SignedDuration::from_hours(24))?)
        }
        Some(text) => Some(parse_instant(text)?),
        None => None,
    };
    if let (Some(from), Some(to)) = (from, to)
        && to <= from
    {
        return Err(bad_field(
            "to",
            format!("({to}) is not after the start ({from})"),
        ));
    }
    let platform = request
        .platform
        .as_deref()
        .map(|p| Platform::parse(p).map(|p| p.to_string()))
        .transpose()?;
    Ok(Scope { from, to, platform })
}

/// Loads the deals in `scope` and computes the pipeline report over them.
pub async fn pipeline(
    store: &Store,
    settings: &Settings,
    scope: Scope,
) -> anyhow::Result<PipelineReport> {
    let filter = DealFilter {
        platform: scope.platform.as_deref().map(Platform::parse).transpose()?,
        outcome: None,
        opened_from: scope.from,
        opened_to: scope.to,
        // The report never reads them.
        without_notes: true,
    };
    let ledger = store.load_ledger(&filter).await?;
    let pipeline = &settings.pipeline;
    let options = PipelineOptions::new(
        pipeline.stages.clone(),
        &pipeline.time_zone,
        pipeline.holidays.clone(),
        scope,
    )?;
    Ok(pipeline_report(&ledger, &options))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(from: Option<&str>, to: Option<&str>) -> ScopeRequest {
        ScopeRequest {
            from: from.map(String::from),
            to: to.map(String::from),
            platform: Some("UPWORK".into()),
        }
    }

    #[test]
    fn a_bare_to_date_includes_its_day_and_the_interval_must_not_be_empty() {
        let scope = scope(&request(Some("2025-01-01"), Some("2025-01-31"))).unwrap();
        assert_eq!(scope.to.unwrap().to_string(), "2025-02-01T00:00:00Z");
        assert_eq!(scope.platform.as_deref(), Some("UPWORK"));
        let err =
            super::scope(&request(Some("2025-02-01"), Some("2025-01-31T12:00:00Z"))).unwrap_err();
        assert_eq!(crate::kind_of(&err), crate::ErrorKind::BadInput);
        crate::error::assert_about_field(&err, "to");
        assert_eq!(
            err.to_string(),
            "to: (2025-01-31T12:00:00Z) is not after the start (2025-02-01T00:00:00Z)"
        );
    }
}
