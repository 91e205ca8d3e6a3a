//! What a pipeline report is computed over: the stage list, the calendar and the scope.

use gigops_core::ledger::parse_time_zone;
use gigops_core::{Deal, Invalid, Platform, Stages};
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::report::Scope;

/// Options of [`crate::pipeline_report`]. Built through [`PipelineOptions::new`] so that holding
/// one means the time zone resolved and the scope's platform is a valid platform name.
#[derive(Debug, Clone)]
pub struct PipelineOptions {
    stages: Stages,
    time_zone: String,
    tz: TimeZone,
    holidays: Vec<Date>,
    scope: Scope,
}

impl PipelineOptions {
    /// `time_zone` is an IANA name (`UTC`, `Asia/Shanghai`); days (business days, days with
    /// time entries) are calendar days there. The scope's platform must be a valid
    /// [`Platform`]; it selects deals whatever the case of its ASCII letters, so `upwork`
    /// selects `Upwork` deals.
    pub fn new(
        stages: Stages,
        time_zone: &str,
        holidays: Vec<Date>,
        scope: Scope,
    ) -> Result<Self, Invalid> {
        let time_zone = parse_time_zone(time_zone)?;
        let tz = TimeZone::get(&time_zone).map_err(|e| Invalid::new(e.to_string()))?;
        let platform = scope
            .platform
            .as_deref()
            .map(|p| Platform::parse(p).map(String::from))
            .transpose()?;
        let mut holidays = holidays;
        // Sorted and deduplicated so that a holiday is found by binary search.
        holidays.sort_unstable();
        holidays.dedup();
        Ok(PipelineOptions {
            stages,
            time_zone,
            tz,
            holidays,
            scope: Scope { platform, ..scope },
        })
    }

    pub fn stages(&self) -> &Stages {
        &self.stages
    }

    pub fn time_zone(&self) -> &str {
        &self.time_zone
    }

    pub(crate) fn tz(&self) -> &TimeZone {
        &self.tz
    }

    /// The holidays, sorted and without duplicates.
    pub fn holidays(&self) -> &[Date] {
        &self.holidays
    }

    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Whether a deal is in scope: opened in `[from, to)` and on the scope's platform.
    pub fn covers(&self, deal: &Deal) -> bool {
        self.scope.from.is_none_or(|from| deal.opened_at >= from)
            && self.scope.to.is_none_or(|to| deal.opened_at < to)
            && self
                .scope
                .platform
                .as_deref()
                .is_none_or(|p| deal.platform.is(p))
    }
}

impl Default for PipelineOptions {
    /// Default stages, UTC, no holidays, every deal.
    fn default() -> Self {
        PipelineOptions::new(Stages::default(), "UTC", Vec::new(), Scope::default())
            .expect("UTC is a time zone")
    }
}
