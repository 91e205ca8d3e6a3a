//! The write operations, written once over the few statements each backend provides
//! ([`LedgerTx`]), so that both backends have the same semantics and the same counts.

use std::collections::{HashMap, HashSet};
use std::future::Future;

use gigops_core::{
    Client, Deal, DealId, Lang, Ledger, Outcome, Reopening, StageEvent, Stages, TimeEntry,
};
use jiff::Timestamp;

use crate::codec::micros;
use crate::error::{Result, StoreError};
use crate::model::{DealFilter, ImportCounts, RowCounts};
use crate::problems::Problems;

/// A text column that identifies rows of a table.
#[derive(Debug, Clone, Copy)]
pub(crate) enum KeyColumn {
    ClientName,
    DealId,
}

impl KeyColumn {
    /// `(table, column)`.
    pub(crate) fn sql(self) -> (&'static str, &'static str) {
        match self {
            KeyColumn::ClientName => ("clients", "name"),
            KeyColumn::DealId => ("deals", "id"),
        }
    }
}

/// A deal as written: the deal and the key of its client.
pub(crate) struct DealRow<'a> {
    pub deal: &'a Deal,
    pub client_key: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct EventRow<'a> {
    pub deal_key: i64,
    pub entered_at: i64,
    pub stage: &'a str,
}

/// A reopening as written: its deal's key, instants in microseconds.
pub(crate) struct ReopeningRow<'a> {
    pub deal_key: i64,
    pub reopened_at: i64,
    pub reason: &'a str,
    pub outcome: &'static str,
    pub closed_at: i64,
    pub lost_reason: Option<&'a str>,
}

/// Whose reopenings to read.
#[derive(Clone, Copy)]
pub(crate) enum ReopeningsOf<'a> {
    /// The deals a filter matches, by deal id, then `reopened_at`.
    Deals(&'a DealFilter),
    /// One deal's, by `reopened_at`.
    Deal(i64),
}

pub(crate) struct EntryRow<'a> {
    pub deal_key: i64,
    pub started_at: i64,
    pub category: &'static str,
    pub minutes: i64,
    pub note: Option<&'a str>,
}

/// The statements a backend runs inside one transaction. Each takes any number of rows and
/// batches them as its database allows.
pub(crate) trait LedgerTx: Send {
    /// The keys of the rows whose `column` is one of `values`, by that value.
    fn keys_by_text(
        &mut self,
        column: KeyColumn,
        values: &[&str],
    ) -> impl Future<Output = Result<HashMap<String, i64>>> + Send;

    /// Inserts clients, or rewrites those whose name exists with other values; rows already
    /// equal are left alone. Returns how many rows were inserted or rewritten. No two clients
    /// may share a name.
    fn upsert_clients(&mut self, clients: &[&Client]) -> impl Future<Output = Result<u64>> + Send;

    /// Inserts the clients whose name does not exist yet; returns how many were.
    fn insert_missing_clients(
        &mut self,
        clients: &[Client],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Like [`upsert_clients`](Self::upsert_clients), for deals by id.
    fn upsert_deals(&mut self, deals: &[DealRow<'_>]) -> impl Future<Output = Result<u64>> + Send;

    /// Inserts the events not stored yet; returns how many were.
    fn insert_events(
        &mut self,
        events: &[EventRow<'_>],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// How many of these (deal, started_at, category) keys are stored.
    fn count_existing_entries(
        &mut self,
        entries: &[EntryRow<'_>],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Inserts entries, or rewrites those whose key exists with other values; returns how many
    /// rows were inserted or rewritten. No two entries may share a key.
    fn upsert_entries(
        &mut self,
        entries: &[EntryRow<'_>],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// How many of these (deal, reopened_at) keys are stored.
    fn count_existing_reopenings(
        &mut self,
        reopenings: &[ReopeningRow<'_>],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Inserts reopenings, or rewrites those whose key exists with other values; returns how
    /// many rows were inserted or rewritten. No two may share a key.
    fn upsert_reopenings(
        &mut self,
        reopenings: &[ReopeningRow<'_>],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// The reopenings of some deals.
    fn reopenings_of(
        &mut self,
        deals: ReopeningsOf<'_>,
    ) -> impl Future<Output = Result<Vec<Reopening>>> + Send;

    /// The stored deal with this id.
    fn deal_by_id(&mut self, id: &str) -> impl Future<Output = Result<Option<Deal>>> + Send;

    /// Makes writers of the same deal's contract take turns until the transaction ends: a row
    /// lock on the deal in PostgreSQL; nothing on SQLite, whose write transactions already do.
    fn lock_deal(&mut self, deal_key: i64) -> impl Future<Output = Result<()>> + Send;
}

/// The client a deal implies when it names one that does not exist.
pub(crate) fn default_client(deal: &Deal) -> Client {
    Client {
        name: deal.client.clone(),
        currency: deal.value.currency,
        locale: Lang::En,
        time_zone: "UTC".to_string(),
        platform: Some(deal.platform.clone()),
    }
}

/// Keeps the last of each run of records with an equal key (input order within a key is kept
/// by the stable sort that precedes this), as if the records were written one after another.
fn keep_last<T>(sorted: Vec<T>, same_key: impl Fn(&T, &T) -> bool) -> Vec<T> {
    let mut kept: Vec<T> = Vec::with_capacity(sorted.len());
    for record in sorted {
        match kept.last_mut() {
            Some(last) if same_key(last, &record) => *last = record,
            _ => kept.push(record),
        }
    }
    kept
}

/// Counts an upsert of `total` distinct records of which `existing` were stored before and
/// `written` rows were inserted or rewritten. Exact inside the import's transaction; only on
/// PostgreSQL, where another writer may insert the same keys meanwhile, can a row counted as
/// inserted have been an update, hence the saturation.
fn upsert_counts(total: usize, existing: usize, written: u64) -> RowCounts {
    let inserted = total.saturating_sub(existing) as u64;
    let updated = written.saturating_sub(inserted);
    RowCounts {
        inserted,
        updated,
        unchanged: (existing as u64).saturating_sub(updated),
    }
}

/// Adds to `keys` the keys of those `names` it lacks, from the store.
async fn complete_keys<T: LedgerTx>(
    tx: &mut T,
    column: KeyColumn,
    names: impl Iterator<Item = &str>,
    keys: &mut HashMap<String, i64>,
) -> Result<()> {
    let missing: Vec<&str> = names.filter(|name| !keys.contains_key(*name)).collect();
    if !missing.is_empty() {
        keys.extend(tx.keys_by_text(column, &missing).await?);
    }
    Ok(())
}

/// Resolves the deal ids that records refer to, from the deals just written and then from the
/// store; an id in neither is `NotFound`, naming what referred to it.
async fn resolve_deal_keys<T: LedgerTx>(
    tx: &mut T,
    deal_keys: &mut HashMap<String, i64>,
    referenced: impl Iterator<Item = &DealId>,
    referrer: &'static str,
) -> Result<()> {
    let mut unknown: Vec<&str> = referenced
        .map(DealId::as_str)
        .filter(|id| !deal_keys.contains_key(*id))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    unknown.sort_unstable();
    let stored = tx.keys_by_text(KeyColumn::DealId, &unknown).await?;
    if let Some(missing) = unknown.iter().find(|id| !stored.contains_key(**id)) {
        return Err(StoreError::NotFound {
            what: referrer,
            key: missing.to_string(),
        });
    }
    deal_keys.extend(stored);
    Ok(())
}

/// Writes a whole ledger; the caller runs it in one transaction and commits only on `Ok`.
pub(crate) async fn import<T: LedgerTx>(tx: &mut T, ledger: &Ledger) -> Result<ImportCounts> {
    let mut problems = Problems::default();
    for deal in &ledger.deals {
        problems.deal(deal);
    }
    for event in &ledger.events {
        problems.instant(event.entered_at, || {
            format!("stage event {} of deal {}", event.stage, event.deal_id)
        });
    }
    for entry in &ledger.time_entries {
        problems.instant(entry.started_at, || {
            format!("time entry of deal {}: started_at", entry.deal_id)
        });
    }
    for reopening in &ledger.reopenings {
        problems.reopening(reopening);
    }
    problems.into_result()?;

    let mut counts = ImportCounts::default();

    // Clients: those listed, then those only named by a deal.
    let mut listed: Vec<&Client> = ledger.clients.iter().collect();
    listed.sort_by(|a, b| a.name.cmp(&b.name));
    let listed = keep_last(listed, |a, b| a.name == b.name);
    let listed_names: Vec<&str> = listed.iter().map(|c| c.name.as_str()).collect();
    let mut client_keys = tx
        .keys_by_text(KeyColumn::ClientName, &listed_names)
        .await?;
    let written = tx.upsert_clients(&listed).await?;
    counts.clients = upsert_counts(listed.len(), client_keys.len(), written);
    counts.clients.unchanged += (ledger.clients.len() - listed.len()) as u64;
    complete_keys(
        tx,
        KeyColumn::ClientName,
        listed_names.into_iter(),
        &mut client_keys,
    )
    .await?;

    let mut deals: Vec<&Deal> = ledger.deals.iter().collect();
    deals.sort_by(|a, b| a.id.cmp(&b.id));
    let deals = keep_last(deals, |a, b| a.id == b.id);

    let mut implied: Vec<Client> = Vec::new();
    let mut implied_names: HashSet<&str> = HashSet::new();
    for deal in &deals {
        if !client_keys.contains_key(&deal.client) && implied_names.insert(&deal.client) {
            implied.push(default_client(deal));
        }
    }
    let created = tx.insert_missing_clients(&implied).await?;
    counts.clients.inserted += created;
    counts.clients.unchanged += implied.len() as u64 - created;
    let implied_names = implied.iter().map(|c| c.name.as_str());
    complete_keys(tx, KeyColumn::ClientName, implied_names, &mut client_keys).await?;

    // Deals.
    let mut rows = Vec::with_capacity(deals.len());
    for deal in &deals {
        let client_key = *client_keys
            .get(&deal.client)
            .ok_or_else(|| StoreError::NotFound {
                what: "client",
                key: deal.client.clone(),
            })?;
        rows.push(DealRow { deal, client_key });
    }
    let ids: Vec<&str> = deals.iter().map(|d| d.id.as_str()).collect();
    let mut deal_keys = tx.keys_by_text(KeyColumn::DealId, &ids).await?;
    let written = tx.upsert_deals(&rows).await?;
    counts.deals = upsert_counts(deals.len(), deal_keys.len(), written);
    counts.deals.unchanged += (ledger.deals.len() - deals.len()) as u64;
    complete_keys(tx, KeyColumn::DealId, ids.into_iter(), &mut deal_keys).await?;
    drop(rows);

    // Stage events: insert-only; a repeated event is unchanged.
    resolve_deal_keys(
        tx,
        &mut deal_keys,
        ledger.events.iter().map(|e| &e.deal_id),
        "deal referenced by a stage event",
    )
    .await?;
    let mut events: Vec<EventRow> = Vec::with_capacity(ledger.events.len());
    for event in &ledger.events {
        events.push(EventRow {
            deal_key: resolved(&deal_keys, &event.deal_id)?,
            entered_at: micros(event.entered_at),
            stage: event.stage.as_str(),
        });
    }
    // In primary-key order, the database appends to its index instead of inserting all over it.
    events.sort_unstable();
    events.dedup();
    let inserted = tx.insert_events(&events).await?;
    counts.events = RowCounts {
        inserted,
        updated: 0,
        unchanged: ledger.events.len() as u64 - inserted,
    };
    drop(events);

    // Time entries: upserted on (deal, started_at, category).
    resolve_deal_keys(
        tx,
        &mut deal_keys,
        ledger.time_entries.iter().map(|e| &e.deal_id),
        "deal referenced by a time entry",
    )
    .await?;
    let mut entries: Vec<EntryRow> = Vec::with_capacity(ledger.time_entries.len());
    for entry in &ledger.time_entries {
        entries.push(entry_row(resolved(&deal_keys, &entry.deal_id)?, entry));
    }
    entries.sort_by_key(|e| (e.deal_key, e.started_at, e.category));
    let entries = keep_last(entries, |a, b| {
        (a.deal_key, a.started_at, a.category) == (b.deal_key, b.started_at, b.category)
    });
    let existing = tx.count_existing_entries(&entries).await?;
    let written = tx.upsert_entries(&entries).await?;
    counts.time_entries = upsert_counts(entries.len(), existing as usize, written);
    counts.time_entries.unchanged += (ledger.time_entries.len() - entries.len()) as u64;
    drop(entries);

    // Reopenings: upserted on (deal, reopened_at).
    resolve_deal_keys(
        tx,
        &mut deal_keys,
        ledger.reopenings.iter().map(|r| &r.deal_id),
        "deal referenced by a reopening",
    )
    .await?;
    let mut reopenings: Vec<ReopeningRow> = Vec::with_capacity(ledger.reopenings.len());
    for reopening in &ledger.reopenings {
        reopenings.push(reopening_row(
            resolved(&deal_keys, &reopening.deal_id)?,
            reopening,
        ));
    }
    reopenings.sort_by_key(|r| (r.deal_key, r.reopened_at));
    let reopenings = keep_last(reopenings, |a, b| {
        (a.deal_key, a.reopened_at) == (b.deal_key, b.reopened_at)
    });
    let existing = tx.count_existing_reopenings(&reopenings).await?;
    let written = tx.upsert_reopenings(&reopenings).await?;
    counts.reopenings = upsert_counts(reopenings.len(), existing as usize, written);
    counts.reopenings.unchanged += (ledger.reopenings.len() - reopenings.len()) as u64;
    Ok(counts)
}

fn reopening_row(deal_key: i64, reopening: &Reopening) -> ReopeningRow<'_> {
    ReopeningRow {
        deal_key,
        reopened_at: micros(reopening.reopened_at),
        reason: &reopening.reason,
        outcome: reopening.outcome.as_str(),
        closed_at: micros(reopening.closed_at),
        lost_reason: reopening.lost_reason.as_deref(),
    }
}

/// The key of a deal that [`resolve_deal_keys`] found.
fn resolved(deal_keys: &HashMap<String, i64>, id: &DealId) -> Result<i64> {
    deal_keys
        .get(id.as_str())
        .copied()
        .ok_or_else(|| StoreError::NotFound {
            what: "deal",
            key: id.to_string(),
        })
}

fn entry_row(deal_key: i64, entry: &TimeEntry) -> EntryRow<'_> {
    EntryRow {
        deal_key,
        started_at: micros(entry.started_at),
        category: entry.category.as_str(),
        minutes: i64::from(entry.minutes),
        note: entry.note.as_deref(),
    }
}

pub(crate) async fn deal_key<T: LedgerTx>(
    tx: &mut T,
    id: &DealId,
    referrer: &'static str,
) -> Result<i64> {
    tx.keys_by_text(KeyColumn::DealId, &[id.as_str()])
        .await?
        .remove(id.as_str())
        .ok_or_else(|| StoreError::NotFound {
            what: referrer,
            key: id.to_string(),
        })
}

pub(crate) async fn add_client<T: LedgerTx>(tx: &mut T, client: &Client) -> Result<()> {
    let existing = tx
        .keys_by_text(KeyColumn::ClientName, &[client.name.as_str()])
        .await?;
    if !existing.is_empty() {
        return Err(StoreError::Conflict {
            what: "client",
            key: client.name.clone(),
        });
    }
    tx.upsert_clients(&[client]).await?;
    Ok(())
}

pub(crate) async fn add_deal<T: LedgerTx>(tx: &mut T, deal: &Deal) -> Result<()> {
    let mut problems = Problems::default();
    problems.deal(deal);
    problems.into_result()?;
    let existing = tx
        .keys_by_text(KeyColumn::DealId, &[deal.id.as_str()])
        .await?;
    if !existing.is_empty() {
        return Err(StoreError::Conflict {
            what: "deal",
            key: deal.id.to_string(),
        });
    }
    write_deal(tx, deal).await
}

/// Writes a deal, creating its client with defaults when the name is new.
async fn write_deal<T: LedgerTx>(tx: &mut T, deal: &Deal) -> Result<()> {
    tx.insert_missing_clients(&[default_client(deal)]).await?;
    let client_keys = tx
        .keys_by_text(KeyColumn::ClientName, &[deal.client.as_str()])
        .await?;
    let client_key = *client_keys
        .get(&deal.client)
        .ok_or_else(|| StoreError::NotFound {
            what: "client",
            key: deal.client.clone(),
        })?;
    tx.upsert_deals(&[DealRow { deal, client_key }]).await?;
    Ok(())
}

/// Records that a deal entered a stage, when the deal may (`Deal::check_move`).
pub(crate) async fn add_stage_event<T: LedgerTx>(
    tx: &mut T,
    event: &StageEvent,
    stages: &Stages,
) -> Result<bool> {
    let mut problems = Problems::default();
    problems.instant(event.entered_at, || {
        format!("stage event {} of deal {}", event.stage, event.deal_id)
    });
    problems.into_result()?;
    let (deal_key, deal) = locked_deal(tx, &event.deal_id).await?;
    deal.check_move(&event.stage, stages)
        .map_err(|e| StoreError::Invalid(e.0))?;
    let row = EventRow {
        deal_key,
        entered_at: micros(event.entered_at),
        stage: event.stage.as_str(),
    };
    Ok(tx.insert_events(&[row]).await? == 1)
}

/// Adds a time entry; `Ok(false)` when the identical entry is stored already, `Conflict` when
/// one with the same deal, start and category holds other values.
pub(crate) async fn add_time_entry<T: LedgerTx>(tx: &mut T, entry: &TimeEntry) -> Result<bool> {
    let mut problems = Problems::default();
    problems.instant(entry.started_at, || {
        format!("time entry of deal {}: started_at", entry.deal_id)
    });
    problems.into_result()?;
    let deal_key = deal_key(tx, &entry.deal_id, "deal").await?;
    let row = entry_row(deal_key, entry);
    let existed = tx
        .count_existing_entries(std::slice::from_ref(&row))
        .await?
        == 1;
    let written = tx.upsert_entries(std::slice::from_ref(&row)).await? == 1;
    match (existed, written) {
        (false, _) => Ok(true),
        (true, false) => Ok(false),
        // The caller drops the transaction, so the rewrite is rolled back.
        (true, true) => Err(StoreError::Conflict {
            what: "time entry",
            key: format!(
                "{} at {} ({})",
                entry.deal_id, entry.started_at, entry.category
            ),
        }),
    }
}

/// The key and the stored state of a deal, which other writers of the deal then wait for until
/// the transaction ends, so that a rule checked on this state still holds when it is written;
/// `NotFound` when there is no such deal.
async fn locked_deal<T: LedgerTx>(tx: &mut T, id: &DealId) -> Result<(i64, Deal)> {
    let key = deal_key(tx, id, "deal").await?;
    tx.lock_deal(key).await?;
    let deal = tx
        .deal_by_id(id.as_str())
        .await?
        .ok_or_else(|| StoreError::NotFound {
            what: "deal",
            key: id.to_string(),
        })?;
    Ok((key, deal))
}

/// Closes a deal, when it may be closed so (`Deal::check_close`).
pub(crate) async fn close_deal<T: LedgerTx>(
    tx: &mut T,
    id: &DealId,
    outcome: Outcome,
    closed_at: Timestamp,
    lost_reason: Option<String>,
) -> Result<()> {
    let (_, mut deal) = locked_deal(tx, id).await?;
    deal.check_close(outcome, closed_at)
        .map_err(|e| StoreError::Invalid(e.0))?;
    deal.outcome = outcome;
    deal.closed_at = Some(closed_at);
    deal.lost_reason = lost_reason;
    let mut problems = Problems::default();
    problems.deal(&deal);
    problems.into_result()?;
    write_deal(tx, &deal).await
}

/// Reopens a closed deal (`Deal::reopen`): the deal is open again and the reopening keeps why
/// and how it had closed.
pub(crate) async fn reopen_deal<T: LedgerTx>(
    tx: &mut T,
    id: &DealId,
    at: Timestamp,
    reason: &str,
) -> Result<Reopening> {
    let mut problems = Problems::default();
    problems.instant(at, || format!("reopening of deal {id}: reopened_at"));
    problems.into_result()?;
    let (deal_key, mut deal) = locked_deal(tx, id).await?;
    let reopening = deal
        .reopen(at, reason)
        .map_err(|e| StoreError::Invalid(e.0))?;
    write_deal(tx, &deal).await?;
    tx.upsert_reopenings(&[reopening_row(deal_key, &reopening)])
        .await?;
    Ok(reopening)
}

/// The reopenings of one deal, oldest first; an unknown deal is `NotFound`.
pub(crate) async fn reopenings_of_deal<T: LedgerTx>(
    tx: &mut T,
    id: &DealId,
) -> Result<Vec<Reopening>> {
    let deal_key = deal_key(tx, id, "deal").await?;
    tx.reopenings_of(ReopeningsOf::Deal(deal_key)).await
}
