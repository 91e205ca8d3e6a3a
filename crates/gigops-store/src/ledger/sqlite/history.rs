//! Deals with their stage events and time entries, read from SQLite through rusqlite
//! ([`Direct`](crate::sqlite::Direct)).
//!
//! Three statements, each in deal-id order: the deals, their events, their time entries. Events
//! and entries are read joined to the deals and ordered by deal id first, so they arrive grouped
//! by deal in the order of the deals already read, and each row finds its deal by walking the
//! deals alongside: no map from keys to deals, and no sort. SQLite satisfies each order from
//! the indexes (the unique index on `deals.id`, then the primary key of the events or entries,
//! which is their order within a deal), so it does not sort either.

use gigops_core::{Deal, DealId};
use rusqlite::Connection;
use rusqlite::types::Value;

use crate::codec::{
    Bound, Columns, DEAL_KEY_COLUMN, Interner, PlatformKeySql, deal_conditions, decode_deal,
    decode_stage_event, decode_time_entry,
};
use crate::error::{Result, StoreError};
use crate::ledger::Histories;
use crate::ledger::sql::select_deals;
use crate::model::DealFilter;

/// Which deals to read.
pub(super) enum Selection<'a> {
    Filtered(&'a DealFilter),
    Id(&'a str),
}

impl Selection<'_> {
    /// The ` AND …` conditions on the deals aliased `d`, and the values they bind.
    fn conditions(&self) -> (String, Vec<Value>) {
        let conditions = match self {
            Selection::Filtered(filter) => {
                deal_conditions(filter, <sqlx::Sqlite as PlatformKeySql>::DEAL_PLATFORM_KEY)
            }
            Selection::Id(id) => vec![(" AND d.id = ".to_string(), Bound::Text(id.to_string()))],
        };
        let mut sql = String::new();
        let mut values = Vec::with_capacity(conditions.len());
        for (text, bound) in conditions {
            sql.push_str(&text);
            sql.push('?');
            values.push(match bound {
                Bound::Text(text) => Value::Text(text),
                Bound::Integer(integer) => Value::Integer(integer),
            });
        }
        (sql, values)
    }

    fn without_notes(&self) -> bool {
        matches!(self, Selection::Filtered(filter) if filter.without_notes)
    }
}

/// Reads the selected deals (by id), their events (by deal id, `entered_at`, stage) and time
/// entries (by deal id, `started_at`, category). The caller's transaction makes the three
/// statements one snapshot.
pub(super) fn read_histories(conn: &Connection, selection: &Selection<'_>) -> Result<Histories> {
    let (conditions, values) = selection.conditions();
    let params = || rusqlite::params_from_iter(values.iter());
    let mut interner = Interner::default();

    let mut deals = Vec::new();
    let mut keys = Vec::new();
    let sql = format!("{}{conditions} ORDER BY d.id", select_deals());
    let mut statement = conn.prepare(&sql)?;
    let mut rows = statement.query(params())?;
    while let Some(row) = rows.next()? {
        deals.push(decode_deal(row, &mut interner)?);
        keys.push(row.integer(DEAL_KEY_COLUMN)?);
    }

    let mut events = Vec::new();
    let sql = format!(
        "SELECT e.deal_key, e.stage, e.entered_at FROM deals d \
         JOIN stage_events e ON e.deal_key = d.key WHERE 1 = 1{conditions} \
         ORDER BY d.id, e.entered_at, e.stage"
    );
    let mut statement = conn.prepare(&sql)?;
    let mut rows = statement.query(params())?;
    let mut owners = Owners::new(&keys, &deals);
    while let Some(row) = rows.next()? {
        let deal_id = owners.id_of(row.integer(0)?)?;
        events.push(decode_stage_event(row, 1, deal_id, &mut interner)?);
    }

    let mut time_entries = Vec::new();
    let note = if selection.without_notes() {
        "NULL"
    } else {
        "t.note"
    };
    let sql = format!(
        "SELECT t.deal_key, t.started_at, t.minutes, t.category, {note} FROM deals d \
         JOIN time_entries t ON t.deal_key = d.key WHERE 1 = 1{conditions} \
         ORDER BY d.id, t.started_at, t.category"
    );
    let mut statement = conn.prepare(&sql)?;
    let mut rows = statement.query(params())?;
    let mut owners = Owners::new(&keys, &deals);
    while let Some(row) = rows.next()? {
        let deal_id = owners.id_of(row.integer(0)?)?;
        time_entries.push(decode_time_entry(row, 1, deal_id)?);
    }

    Ok(Histories {
        deals,
        events,
        time_entries,
    })
}

/// The deals of a read, walked in step with rows that come in the same deal order.
struct Owners<'a> {
    keys: &'a [i64],
    deals: &'a [Deal],
    at: usize,
}

impl<'a> Owners<'a> {
    fn new(keys: &'a [i64], deals: &'a [Deal]) -> Self {
        Owners { keys, deals, at: 0 }
    }

    /// The id of the deal with this key: the current one or one after it.
    fn id_of(&mut self, key: i64) -> Result<&'a DealId> {
        while let Some(&at_key) = self.keys.get(self.at) {
            if at_key == key {
                return Ok(&self.deals[self.at].id);
            }
            self.at += 1;
        }
        Err(StoreError::Corrupt(format!(
            "a row of the deal with key {key} was read out of the deals' order"
        )))
    }
}
