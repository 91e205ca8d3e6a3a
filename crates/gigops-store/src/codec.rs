//! Between domain values and the columns both backends store, and the decoding of rows that both
//! backends share.

use std::collections::HashMap;

use gigops_core::{
    Client, Currency, Deal, DealId, DealKind, Lang, Money, Outcome, Platform, Reopening, Score,
    StageEvent, StageName, TimeCategory, TimeEntry, platform_key,
};
use jiff::Timestamp;
use sqlx::{Row, Type};

use crate::error::{Result, StoreError};
use crate::model::DealFilter;

/// The columns of a deal, in the order [`decode_deal`] reads them; `d` is `deals`, `c` is
/// `clients`. The deal's key comes last so that callers that need it read column 13.
pub(crate) const DEAL_COLUMNS: &str = "d.id, c.name, d.platform, d.kind, d.currency, \
     d.value_minor, d.opened_at, d.outcome, d.closed_at, d.lost_reason, d.tech_doc_score, \
     d.github_score, d.demo_score, d.key";
pub(crate) const DEAL_KEY_COLUMN: usize = 13;

pub(crate) const CLIENT_COLUMNS: &str = "name, currency, locale, time_zone, platform";

/// Instants are stored as microseconds since the Unix epoch.
pub(crate) fn micros(instant: Timestamp) -> i64 {
    instant.as_microsecond()
}

pub(crate) fn instant(micros: i64) -> Result<Timestamp> {
    Timestamp::from_microsecond(micros).map_err(|_| {
        StoreError::Corrupt(format!(
            "{micros} is not an instant (microseconds since 1970-01-01T00:00:00Z)"
        ))
    })
}

/// Whether an instant survives being stored: the store keeps microseconds, and silently
/// dropping nanoseconds would make an export differ from what was imported. (The last second
/// jiff represents is not representable in microseconds, hence the second test.)
pub(crate) fn is_storable(instant: Timestamp) -> bool {
    instant.subsec_nanosecond() % 1_000 == 0
        && Timestamp::from_microsecond(instant.as_microsecond()).is_ok()
}

/// How a backend writes `Platform::key` of the deal aliased `d`: its ASCII letters
/// lowercased, and no other letter, so that both backends and Rust agree on which spellings
/// name one platform.
pub(crate) trait PlatformKeySql {
    const DEAL_PLATFORM_KEY: &'static str;
}

impl PlatformKeySql for sqlx::Sqlite {
    // SQLite's lower() folds ASCII letters only (unless built with ICU, which sqlx's is not).
    const DEAL_PLATFORM_KEY: &'static str = "lower(d.platform)";
}

impl PlatformKeySql for sqlx::Postgres {
    // Under the C collation PostgreSQL's lower() folds ASCII letters only; under the database's
    // own collation it would fold every letter its locale knows.
    const DEAL_PLATFORM_KEY: &'static str = "lower(d.platform COLLATE \"C\")";
}

/// The value a condition of a deal filter binds.
pub(crate) enum Bound {
    Text(String),
    Integer(i64),
}

/// The ` AND …` conditions of a deal filter on a query whose `deals` alias is `d`: each is the
/// SQL text that precedes its one bound value. `platform_key_sql` is the backend's
/// [`PlatformKeySql::DEAL_PLATFORM_KEY`].
pub(crate) fn deal_conditions(filter: &DealFilter, platform_key_sql: &str) -> Vec<(String, Bound)> {
    let mut conditions = Vec::new();
    if let Some(platform) = &filter.platform {
        conditions.push((
            format!(" AND {platform_key_sql} = "),
            Bound::Text(platform_key(platform.as_str())),
        ));
    }
    if let Some(outcome) = filter.outcome {
        conditions.push((
            " AND d.outcome = ".to_string(),
            Bound::Text(outcome.as_str().to_string()),
        ));
    }
    if let Some(from) = filter.opened_from {
        conditions.push((
            " AND d.opened_at >= ".to_string(),
            Bound::Integer(micros(from)),
        ));
    }
    if let Some(to) = filter.opened_to {
        conditions.push((
            " AND d.opened_at < ".to_string(),
            Bound::Integer(micros(to)),
        ));
    }
    conditions
}

/// Pushes the conditions of a deal filter onto a query whose `deals` alias is `d`.
pub(crate) fn push_deal_filter<'a, DB>(query: &mut sqlx::QueryBuilder<'a, DB>, filter: &DealFilter)
where
    DB: sqlx::Database + PlatformKeySql,
    String: sqlx::Encode<'a, DB> + Type<DB>,
    i64: sqlx::Encode<'a, DB> + Type<DB>,
{
    for (sql, bound) in deal_conditions(filter, DB::DEAL_PLATFORM_KEY) {
        query.push(sql);
        match bound {
            Bound::Text(text) => query.push_bind(text),
            Bound::Integer(integer) => query.push_bind(integer),
        };
    }
}

/// Parsed values that repeat across many rows (platforms, stage names), kept so that a row
/// costs a lookup and a clone instead of a validation. Stages are few, so a short list beats a
/// map; a ledger may name hundreds of platforms, so they are kept in a map.
#[derive(Default)]
pub(crate) struct Interner {
    platforms: HashMap<String, Platform>,
    stages: Vec<StageName>,
}

/// How many distinct values are kept at most, so that a table of unlike values costs no more
/// memory than its rows.
const INTERNED_MAX: usize = 4_096;

impl Interner {
    pub(crate) fn platform(&mut self, text: &str) -> Result<Platform> {
        if let Some(platform) = self.platforms.get(text) {
            return Ok(platform.clone());
        }
        let platform = Platform::parse(text).map_err(|e| corrupt("platform", e))?;
        if platform.as_str() == text && self.platforms.len() < INTERNED_MAX {
            self.platforms.insert(text.to_string(), platform.clone());
        }
        Ok(platform)
    }

    pub(crate) fn stage(&mut self, text: &str) -> Result<StageName> {
        if let Some(stage) = self.stages.iter().find(|s| s.as_str() == text) {
            return Ok(stage.clone());
        }
        let stage = StageName::parse(text).map_err(|e| corrupt("stage", e))?;
        if self.stages.len() < INTERNED_MAX {
            self.stages.push(stage.clone());
        }
        Ok(stage)
    }
}

fn corrupt(what: &str, error: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {error}"))
}

pub(crate) fn parse_enum<T: std::str::FromStr>(what: &str, text: &str) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    text.parse().map_err(|e| corrupt(what, e))
}

fn score(value: Option<f64>) -> Result<Option<Score>> {
    value
        .map(|v| Score::new(v).map_err(|e| corrupt("score", e)))
        .transpose()
}

/// The typed columns of a result row, read alike from sqlx's rows and from rusqlite's (see
/// `sqlite::Direct`), so that each record is decoded once whichever driver read it.
pub(crate) trait Columns {
    fn text(&self, index: usize) -> Result<&str>;
    fn optional_text(&self, index: usize) -> Result<Option<&str>>;
    fn integer(&self, index: usize) -> Result<i64>;
    fn optional_integer(&self, index: usize) -> Result<Option<i64>>;
    fn optional_real(&self, index: usize) -> Result<Option<f64>>;
}

/// [`Columns`] for one of sqlx's row types (a blanket impl over `sqlx::Row` would overlap the
/// one for rusqlite's rows).
macro_rules! sqlx_columns {
    ($row:ty) => {
        impl Columns for $row {
            fn text(&self, index: usize) -> Result<&str> {
                Ok(self.try_get(index)?)
            }
            fn optional_text(&self, index: usize) -> Result<Option<&str>> {
                Ok(self.try_get(index)?)
            }
            fn integer(&self, index: usize) -> Result<i64> {
                Ok(self.try_get(index)?)
            }
            fn optional_integer(&self, index: usize) -> Result<Option<i64>> {
                Ok(self.try_get(index)?)
            }
            fn optional_real(&self, index: usize) -> Result<Option<f64>> {
                Ok(self.try_get(index)?)
            }
        }
    };
}
sqlx_columns!(sqlx::sqlite::SqliteRow);
sqlx_columns!(sqlx::postgres::PgRow);

impl Columns for rusqlite::Row<'_> {
    fn text(&self, index: usize) -> Result<&str> {
        self.get_ref(index)?
            .as_str()
            .map_err(|e| corrupt("text", e))
    }
    fn optional_text(&self, index: usize) -> Result<Option<&str>> {
        self.get_ref(index)?
            .as_str_or_null()
            .map_err(|e| corrupt("text", e))
    }
    fn integer(&self, index: usize) -> Result<i64> {
        Ok(self.get(index)?)
    }
    fn optional_integer(&self, index: usize) -> Result<Option<i64>> {
        Ok(self.get(index)?)
    }
    fn optional_real(&self, index: usize) -> Result<Option<f64>> {
        Ok(self.get(index)?)
    }
}

/// Reads a row of [`DEAL_COLUMNS`].
pub(crate) fn decode_deal(row: &impl Columns, interner: &mut Interner) -> Result<Deal> {
    let id = DealId::parse(row.text(0)?).map_err(|e| corrupt("deal id", e))?;
    let in_deal = |e: StoreError| match e {
        StoreError::Corrupt(detail) => StoreError::Corrupt(format!("deal {id}: {detail}")),
        other => other,
    };
    let decode = |interner: &mut Interner| -> Result<Deal> {
        let currency = Currency::parse(row.text(4)?).map_err(|e| corrupt("currency", e))?;
        Ok(Deal {
            id: id.clone(),
            client: row.text(1)?.to_string(),
            platform: interner.platform(row.text(2)?)?,
            kind: parse_enum::<DealKind>("kind", row.text(3)?)?,
            value: Money::new(row.integer(5)?, currency),
            opened_at: instant(row.integer(6)?)?,
            outcome: parse_enum::<Outcome>("outcome", row.text(7)?)?,
            closed_at: row.optional_integer(8)?.map(instant).transpose()?,
            lost_reason: row.optional_text(9)?.map(str::to_string),
            tech_doc_score: score(row.optional_real(10)?)?,
            github_score: score(row.optional_real(11)?)?,
            demo_score: score(row.optional_real(12)?)?,
        })
    };
    decode(interner).map_err(in_deal)
}

/// Reads a row of [`CLIENT_COLUMNS`].
pub(crate) fn decode_client(row: &impl Columns, interner: &mut Interner) -> Result<Client> {
    let name = row.text(0)?;
    let decode = |interner: &mut Interner| -> Result<Client> {
        Ok(Client {
            name: name.to_string(),
            currency: Currency::parse(row.text(1)?).map_err(|e| corrupt("currency", e))?,
            locale: parse_enum::<Lang>("locale", row.text(2)?)?,
            time_zone: row.text(3)?.to_string(),
            platform: row
                .optional_text(4)?
                .map(|p| interner.platform(p))
                .transpose()?,
        })
    };
    decode(interner).map_err(|e| match e {
        StoreError::Corrupt(detail) => StoreError::Corrupt(format!("client {name:?}: {detail}")),
        other => other,
    })
}

/// A row of `sql::SELECT_REOPENINGS`.
pub(crate) fn decode_reopening(row: &impl Columns) -> Result<Reopening> {
    let deal_id = DealId::parse(row.text(0)?).map_err(|e| corrupt("deal id", e))?;
    Ok(Reopening {
        reopened_at: instant(row.integer(1)?)?,
        reason: row.text(2)?.to_string(),
        outcome: parse_enum::<Outcome>("outcome", row.text(3)?)?,
        closed_at: instant(row.integer(4)?)?,
        lost_reason: row.optional_text(5)?.map(str::to_string),
        deal_id,
    })
}

/// The time entry columns `started_at, minutes, category, note` from `start` on.
pub(crate) fn decode_time_entry(
    row: &impl Columns,
    start: usize,
    deal_id: &DealId,
) -> Result<TimeEntry> {
    let minutes = row.integer(start + 1)?;
    Ok(TimeEntry {
        deal_id: deal_id.clone(),
        started_at: instant(row.integer(start)?)?,
        minutes: u32::try_from(minutes).map_err(|_| {
            StoreError::Corrupt(format!("time entry of deal {deal_id}: {minutes} minutes"))
        })?,
        category: parse_enum::<TimeCategory>("time category", row.text(start + 2)?)?,
        note: row.optional_text(start + 3)?.map(str::to_string),
    })
}

/// The stage event columns `stage, entered_at` from `start` on.
pub(crate) fn decode_stage_event(
    row: &impl Columns,
    start: usize,
    deal_id: &DealId,
    interner: &mut Interner,
) -> Result<StageEvent> {
    Ok(StageEvent {
        deal_id: deal_id.clone(),
        stage: interner.stage(row.text(start)?)?,
        entered_at: instant(row.integer(start + 1)?)?,
    })
}

/// The deals of a load, by key, with their position in the result (which is ordered by id).
/// Rows of other tables arrive ordered by deal key; this puts them in deal-id order.
pub(crate) struct DealPositions {
    positions: HashMap<i64, u32>,
    ids: Vec<DealId>,
}

impl DealPositions {
    pub(crate) fn new(deals: &[(i64, Deal)]) -> Self {
        DealPositions {
            positions: deals
                .iter()
                .enumerate()
                .map(|(position, (key, _))| (*key, position as u32))
                .collect(),
            ids: deals.iter().map(|(_, deal)| deal.id.clone()).collect(),
        }
    }

    /// The position and id of the deal with this key, or `None` for a deal outside the load.
    pub(crate) fn get(&self, deal_key: i64) -> Option<(u32, &DealId)> {
        let position = *self.positions.get(&deal_key)?;
        Some((position, &self.ids[position as usize]))
    }
}

/// Records tagged with their deal's position, in deal-key order and, within a deal, in the
/// order the query returned them: returns them in deal-id order, keeping the order within a
/// deal. Keys are assigned in id order by imports, so this is usually a check and no sort.
pub(crate) fn in_deal_order<T>(mut rows: Vec<(u32, T)>) -> Vec<T> {
    if !rows.is_sorted_by_key(|(position, _)| *position) {
        rows.sort_by_key(|(position, _)| *position);
    }
    rows.into_iter().map(|(_, record)| record).collect()
}

/// Whether a digest is SHA-256 as the store keeps it: 64 lowercase hex digits.
pub(crate) fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A deal id read back.
pub(crate) fn parse_deal_id(text: &str) -> Result<DealId> {
    DealId::parse(text).map_err(|e| StoreError::Corrupt(format!("deal id: {e}")))
}

/// A version read back; `of` names its deal.
pub(crate) fn version_u32(version: i64, of: &str) -> Result<u32> {
    u32::try_from(version).map_err(|_| StoreError::Corrupt(format!("version {version} of {of}")))
}

/// A currency code read back.
pub(crate) fn currency(code: &str) -> Result<gigops_core::Currency> {
    gigops_core::Currency::parse(code).map_err(|e| StoreError::Corrupt(format!("currency: {e}")))
}
