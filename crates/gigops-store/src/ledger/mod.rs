//! The ledger: clients, deals, their stage events, time entries and reopenings (see
//! `docs/ledger.md`), and the import and load of a whole ledger.

mod postgres;
mod shared;
mod sql;
mod sqlite;

use std::collections::{HashMap, HashSet};
use std::future::Future;

use gigops_core::{
    Client, Deal, DealId, Lang, Ledger, Outcome, Reopening, StageEvent, Stages, TimeEntry,
};
use jiff::Timestamp;

use crate::codec::micros;
use crate::error::{Result, StoreError};
use crate::model::{Counts, DealDetail, DealFilter, ImportCounts, RowCounts};
use crate::problems::Problems;
use crate::scope::{ClientScope, scoped_deal_key};
use crate::store::{Store, in_transaction};

/// Reading and writing the ledger: clients, deals, stage events and time entries.
///
/// Implemented by [`Store`], which the binary and the server hold. Every write runs in its own
/// transaction: it is done entirely or not at all; every read sees one snapshot.
pub trait LedgerStore: Send + Sync {
    /// Adds a client; `Conflict` when the name is taken.
    fn add_client(&self, client: &Client) -> impl Future<Output = Result<()>> + Send;

    /// Every client, by name.
    fn list_clients(&self) -> impl Future<Output = Result<Vec<Client>>> + Send;

    fn get_client(&self, name: &str) -> impl Future<Output = Result<Option<Client>>> + Send;

    /// Adds a deal; `Conflict` when the id is taken, `Invalid` when the deal is incoherent.
    /// A client the deal names that does not exist is created with defaults: the deal's
    /// currency and platform, locale `en`, time zone `UTC`.
    fn add_deal(&self, deal: &Deal) -> impl Future<Output = Result<()>> + Send;

    /// A deal with its events (by `entered_at`, then stage name), time entries (by
    /// `started_at`, then category name) and reopenings; `None` when there is no such deal in
    /// the scope.
    fn get_deal(
        &self,
        id: &DealId,
        scope: &ClientScope,
    ) -> impl Future<Output = Result<Option<DealDetail>>> + Send;

    /// The deals in the scope that the filter matches, by `opened_at`, then id.
    fn list_deals(
        &self,
        filter: &DealFilter,
        scope: &ClientScope,
    ) -> impl Future<Output = Result<Vec<Deal>>> + Send;

    /// Records that a deal entered a stage of `stages`; `NotFound` when the deal does not
    /// exist, `Invalid` when it is closed and may not enter that stage (`Deal::check_move`: a
    /// won deal goes on only to `signed` and the stages after it, a lost deal nowhere).
    /// Returns `false` when the identical event was already recorded, which changes nothing.
    fn add_stage_event(
        &self,
        event: &StageEvent,
        stages: &Stages,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// Sets a deal's outcome, closing instant and lost reason; `NotFound` when the deal does
    /// not exist, `Invalid` when it may not close so (`Deal::check_close`: it is already
    /// closed, other than a won retainer that ends; closing as `open`; closing before it
    /// opened) or the result is incoherent (a lost reason on a won deal).
    /// The message names the deal, how it closed and when.
    fn close_deal(
        &self,
        id: &DealId,
        outcome: Outcome,
        closed_at: Timestamp,
        lost_reason: Option<String>,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Reopens a closed deal at `at`, saying why: the deal is open again, and the returned
    /// reopening (stored with it) keeps the outcome, closing instant and lost reason it had.
    /// `NotFound` when the deal does not exist; `Invalid` when it is open, the reason is blank
    /// or `at` is before it closed.
    fn reopen_deal(
        &self,
        id: &DealId,
        at: Timestamp,
        reason: &str,
    ) -> impl Future<Output = Result<Reopening>> + Send;

    /// Logs time on a deal; `NotFound` when the deal does not exist. Returns `false` when the
    /// identical entry was already logged; `Conflict` when an entry of the same deal, start
    /// and category holds other values.
    fn add_time_entry(&self, entry: &TimeEntry) -> impl Future<Output = Result<bool>> + Send;

    /// Which of these ids are stored, in a few batched queries whatever their number.
    fn existing_deal_ids(
        &self,
        ids: &[DealId],
    ) -> impl Future<Output = Result<HashSet<DealId>>> + Send;

    /// Writes a ledger in one transaction: everything or, on any error, nothing.
    ///
    /// Clients are upserted by name and deals by id; clients named by deals but not listed are
    /// created with the defaults of [`add_deal`](Self::add_deal); stage events are inserted,
    /// ignoring those already stored; time entries are upserted on (deal, started_at,
    /// category), reopenings on (deal, reopened_at). When a key repeats within the ledger, the
    /// last record wins. Events, entries and reopenings may refer to deals already stored; one
    /// that refers to no deal is `NotFound`. The lifecycle rules of `close_deal`,
    /// `add_stage_event` and `reopen_deal` do not apply: an import writes the state its files
    /// hold, as a restore does.
    /// Rows equal to what is stored are not rewritten, so importing the same ledger twice
    /// reports everything unchanged the second time.
    fn import(&self, ledger: &Ledger) -> impl Future<Output = Result<ImportCounts>> + Send;

    /// The deals the filter matches (by id), their events (by deal id, `entered_at`, stage)
    /// and time entries (by deal id, `started_at`, category), and every client (by name),
    /// from one consistent snapshot. Text sorts by bytes (as Rust sorts strings); a category
    /// sorts by its name (`admin` first), not by its place in `TimeCategory`.
    fn load_ledger(&self, filter: &DealFilter) -> impl Future<Output = Result<Ledger>> + Send;

    /// Everything, ordered as [`load_ledger`](Self::load_ledger) orders it.
    fn export(&self) -> impl Future<Output = Result<Ledger>> + Send {
        async { self.load_ledger(&DealFilter::all()).await }
    }

    /// How many rows each table holds.
    fn counts(&self) -> impl Future<Output = Result<Counts>> + Send;
}

impl LedgerStore for Store {
    async fn add_client(&self, client: &Client) -> Result<()> {
        in_transaction!(self, write, |tx| add_client(tx, client))
    }

    async fn list_clients(&self) -> Result<Vec<Client>> {
        in_transaction!(self, read, |tx| tx.clients())
    }

    async fn get_client(&self, name: &str) -> Result<Option<Client>> {
        in_transaction!(self, read, |tx| tx.client_by_name(name))
    }

    async fn add_deal(&self, deal: &Deal) -> Result<()> {
        in_transaction!(self, write, |tx| add_deal(tx, deal))
    }

    async fn get_deal(&self, id: &DealId, scope: &ClientScope) -> Result<Option<DealDetail>> {
        in_transaction!(self, read, |tx| deal_detail(tx, id, scope))
    }

    async fn list_deals(&self, filter: &DealFilter, scope: &ClientScope) -> Result<Vec<Deal>> {
        in_transaction!(self, read, |tx| tx.deals(filter, scope.client_name()))
    }

    async fn add_stage_event(&self, event: &StageEvent, stages: &Stages) -> Result<bool> {
        in_transaction!(self, write, |tx| add_stage_event(tx, event, stages))
    }

    async fn close_deal(
        &self,
        id: &DealId,
        outcome: Outcome,
        closed_at: Timestamp,
        lost_reason: Option<String>,
    ) -> Result<()> {
        in_transaction!(self, write, |tx| close_deal(
            tx,
            id,
            outcome,
            closed_at,
            lost_reason
        ))
    }

    async fn reopen_deal(&self, id: &DealId, at: Timestamp, reason: &str) -> Result<Reopening> {
        in_transaction!(self, write, |tx| reopen_deal(tx, id, at, reason))
    }

    async fn add_time_entry(&self, entry: &TimeEntry) -> Result<bool> {
        in_transaction!(self, write, |tx| add_time_entry(tx, entry))
    }

    async fn existing_deal_ids(&self, ids: &[DealId]) -> Result<HashSet<DealId>> {
        in_transaction!(self, read, |tx| existing_deal_ids(tx, ids))
    }

    async fn import(&self, ledger: &Ledger) -> Result<ImportCounts> {
        let started = std::time::Instant::now();
        let counts: ImportCounts = in_transaction!(self, write, |tx| import(tx, ledger))?;
        tracing::debug!(
            ?counts,
            backend = %self.backend(),
            elapsed = ?started.elapsed(),
            "imported a ledger"
        );
        Ok(counts)
    }

    async fn load_ledger(&self, filter: &DealFilter) -> Result<Ledger> {
        let started = std::time::Instant::now();
        let ledger: Ledger = in_transaction!(self, read, |tx| load_ledger(tx, filter))?;
        tracing::debug!(
            deals = ledger.deals.len(),
            events = ledger.events.len(),
            time_entries = ledger.time_entries.len(),
            backend = %self.backend(),
            elapsed = ?started.elapsed(),
            "loaded a ledger"
        );
        Ok(ledger)
    }

    async fn counts(&self) -> Result<Counts> {
        in_transaction!(self, read, |tx| tx.counts())
    }
}

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

/// Deals by id, their events by (deal, entered_at, stage) and entries by (deal, started_at,
/// category).
#[derive(Default)]
pub(crate) struct Histories {
    pub deals: Vec<Deal>,
    pub events: Vec<StageEvent>,
    pub time_entries: Vec<TimeEntry>,
}

/// The statements about deals that every domain needs: finding a deal's key, reading it, and
/// making the writers of one deal take turns.
pub(crate) trait DealStatements: Send {
    /// The keys of the rows whose `column` is one of `values`, by that value.
    fn keys_by_text(
        &mut self,
        column: KeyColumn,
        values: &[&str],
    ) -> impl Future<Output = Result<HashMap<String, i64>>> + Send;
    /// The stored deal with this id.
    fn deal_by_id(&mut self, id: &str) -> impl Future<Output = Result<Option<Deal>>> + Send;

    /// Whether the deal with this key is the client's with this key.
    fn deal_of_client(
        &mut self,
        deal_key: i64,
        client_key: i64,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// Makes writers of the same deal's contract take turns until the transaction ends: a row
    /// lock on the deal in PostgreSQL; nothing on SQLite, whose write transactions already do.
    fn lock_deal(&mut self, deal_key: i64) -> impl Future<Output = Result<()>> + Send;
}

/// The statements of the ledger, which each backend writes in its SQL. Each takes any number
/// of rows and batches them as its database allows.
pub(crate) trait LedgerStatements: DealStatements {
    /// Inserts clients, or rewrites those whose name exists with other values; rows already
    /// equal are left alone and counted unchanged. No two clients may share a name.
    fn upsert_clients(
        &mut self,
        clients: &[&Client],
    ) -> impl Future<Output = Result<RowCounts>> + Send;

    /// Inserts the clients whose name does not exist yet; returns how many were.
    fn insert_missing_clients(
        &mut self,
        clients: &[Client],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Like [`upsert_clients`](Self::upsert_clients), for deals by id.
    fn upsert_deals(
        &mut self,
        deals: &[DealRow<'_>],
    ) -> impl Future<Output = Result<RowCounts>> + Send;

    /// Inserts the events not stored yet; returns how many were.
    fn insert_events(
        &mut self,
        events: &[EventRow<'_>],
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Like [`upsert_clients`](Self::upsert_clients), for time entries by (deal, started_at,
    /// category).
    fn upsert_entries(
        &mut self,
        entries: &[EntryRow<'_>],
    ) -> impl Future<Output = Result<RowCounts>> + Send;

    /// Like [`upsert_clients`](Self::upsert_clients), for reopenings by (deal, reopened_at).
    fn upsert_reopenings(
        &mut self,
        reopenings: &[ReopeningRow<'_>],
    ) -> impl Future<Output = Result<RowCounts>> + Send;

    /// The reopenings of some deals.
    fn reopenings_of(
        &mut self,
        deals: ReopeningsOf<'_>,
    ) -> impl Future<Output = Result<Vec<Reopening>>> + Send;

    /// Every client, by name.
    fn clients(&mut self) -> impl Future<Output = Result<Vec<Client>>> + Send;

    /// The client with this name.
    fn client_by_name(&mut self, name: &str)
    -> impl Future<Output = Result<Option<Client>>> + Send;

    /// The deals the filter matches (of one client, when named), by `opened_at`, then id.
    fn deals(
        &mut self,
        filter: &DealFilter,
        client: Option<&str>,
    ) -> impl Future<Output = Result<Vec<Deal>>> + Send;

    /// The deal with this key (and id) with its events (by `entered_at`, then stage) and time
    /// entries (by `started_at`, then category); its reopenings are read apart.
    fn deal_history(
        &mut self,
        deal_key: i64,
        id: &DealId,
    ) -> impl Future<Output = Result<Option<Histories>>> + Send;

    /// The deals the filter matches (by id), their events (by deal id, `entered_at`, stage) and
    /// time entries (by deal id, `started_at`, category).
    fn histories(&mut self, filter: &DealFilter) -> impl Future<Output = Result<Histories>> + Send;

    /// How many rows each table of the ledger holds.
    fn counts(&mut self) -> impl Future<Output = Result<Counts>> + Send;
}

/// The client a deal implies when it names one that does not exist.
fn default_client(deal: &Deal) -> Client {
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
/// The counts of an upsert of `total` distinct rows, of which `existing` were stored before and
/// `written` were inserted or rewritten.
pub(crate) fn upsert_counts(total: usize, existing: usize, written: u64) -> RowCounts {
    let inserted = total.saturating_sub(existing) as u64;
    let updated = written.saturating_sub(inserted);
    RowCounts {
        inserted,
        updated,
        unchanged: (existing as u64).saturating_sub(updated),
    }
}

/// Adds to `keys` the keys of those `names` it lacks, from the store.
async fn complete_keys<T: LedgerStatements>(
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
async fn resolve_deal_keys<T: LedgerStatements>(
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
async fn import<T: LedgerStatements>(tx: &mut T, ledger: &Ledger) -> Result<ImportCounts> {
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
    let started = std::time::Instant::now();
    let lap = |what: &str| tracing::debug!(what, elapsed = ?started.elapsed(), "import phase");

    let mut counts = ImportCounts::default();

    // Clients: those listed, then those only named by a deal.
    let mut listed: Vec<&Client> = ledger.clients.iter().collect();
    listed.sort_by(|a, b| a.name.cmp(&b.name));
    let listed = keep_last(listed, |a, b| a.name == b.name);
    let listed_names: Vec<&str> = listed.iter().map(|c| c.name.as_str()).collect();
    counts.clients = tx.upsert_clients(&listed).await?;
    counts.clients.unchanged += (ledger.clients.len() - listed.len()) as u64;
    let mut client_keys = HashMap::with_capacity(listed_names.len());
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

    lap("clients");
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
    counts.deals = tx.upsert_deals(&rows).await?;
    counts.deals.unchanged += (ledger.deals.len() - deals.len()) as u64;
    let mut deal_keys = HashMap::with_capacity(ids.len());
    complete_keys(tx, KeyColumn::DealId, ids.into_iter(), &mut deal_keys).await?;
    drop(rows);

    lap("deals");
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

    lap("events");
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
    counts.time_entries = tx.upsert_entries(&entries).await?;
    counts.time_entries.unchanged += (ledger.time_entries.len() - entries.len()) as u64;
    drop(entries);

    lap("entries");
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
    counts.reopenings = tx.upsert_reopenings(&reopenings).await?;
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

pub(crate) async fn deal_key<T: DealStatements>(
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

async fn add_client<T: LedgerStatements>(tx: &mut T, client: &Client) -> Result<()> {
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

async fn add_deal<T: LedgerStatements>(tx: &mut T, deal: &Deal) -> Result<()> {
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
async fn write_deal<T: LedgerStatements>(tx: &mut T, deal: &Deal) -> Result<()> {
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
async fn add_stage_event<T: LedgerStatements>(
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
async fn add_time_entry<T: LedgerStatements>(tx: &mut T, entry: &TimeEntry) -> Result<bool> {
    let mut problems = Problems::default();
    problems.instant(entry.started_at, || {
        format!("time entry of deal {}: started_at", entry.deal_id)
    });
    problems.into_result()?;
    let deal_key = deal_key(tx, &entry.deal_id, "deal").await?;
    let row = entry_row(deal_key, entry);
    let counts = tx.upsert_entries(std::slice::from_ref(&row)).await?;
    match counts {
        RowCounts { inserted: 1, .. } => Ok(true),
        RowCounts { unchanged: 1, .. } => Ok(false),
        // The caller drops the transaction, so the rewrite is rolled back.
        _ => Err(StoreError::Conflict {
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
async fn locked_deal<T: DealStatements>(tx: &mut T, id: &DealId) -> Result<(i64, Deal)> {
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
async fn close_deal<T: LedgerStatements>(
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
async fn reopen_deal<T: LedgerStatements>(
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

/// A deal with its events, time entries and reopenings; `None` when there is no such deal in
/// the scope.
async fn deal_detail<T: LedgerStatements>(
    tx: &mut T,
    id: &DealId,
    scope: &ClientScope,
) -> Result<Option<DealDetail>> {
    let key = match scoped_deal_key(tx, id, scope).await {
        Ok(key) => key,
        Err(StoreError::NotFound { .. }) => return Ok(None),
        Err(error) => return Err(error),
    };
    let Some(history) = tx.deal_history(key, id).await? else {
        return Ok(None);
    };
    let Some(deal) = history.deals.into_iter().next() else {
        return Ok(None);
    };
    Ok(Some(DealDetail {
        deal,
        events: history.events,
        time_entries: history.time_entries,
        reopenings: tx.reopenings_of(ReopeningsOf::Deal(key)).await?,
    }))
}

/// Which of these ids are stored.
async fn existing_deal_ids<T: LedgerStatements>(
    tx: &mut T,
    ids: &[DealId],
) -> Result<HashSet<DealId>> {
    let texts: Vec<&str> = ids.iter().map(DealId::as_str).collect();
    let stored = tx.keys_by_text(KeyColumn::DealId, &texts).await?;
    Ok(ids
        .iter()
        .filter(|id| stored.contains_key(id.as_str()))
        .cloned()
        .collect())
}

/// Every client and the deals the filter matches with their histories and reopenings, from
/// the transaction's snapshot.
async fn load_ledger<T: LedgerStatements>(tx: &mut T, filter: &DealFilter) -> Result<Ledger> {
    let clients = tx.clients().await?;
    let histories = tx.histories(filter).await?;
    let reopenings = tx.reopenings_of(ReopeningsOf::Deals(filter)).await?;
    Ok(Ledger {
        clients,
        deals: histories.deals,
        events: histories.events,
        time_entries: histories.time_entries,
        reopenings,
    })
}
