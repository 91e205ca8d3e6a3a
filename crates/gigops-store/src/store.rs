//! The ledger store interface and the store that picks its backend at run time.

use std::collections::HashSet;
use std::future::Future;
use std::path::Path;

use gigops_core::{
    Client, Deal, DealId, Ledger, Outcome, Reopening, StageEvent, Stages, TimeEntry,
};
use jiff::Timestamp;

use crate::error::Result;
use crate::model::{Backend, Counts, DealDetail, DealFilter, IfExists, ImportCounts};
use crate::postgres::PgStore;
use crate::sqlite::SqliteStore;
use crate::target::{Target, redact_target};

/// Reading and writing the ledger: clients, deals, stage events and time entries.
///
/// Implemented by each backend and by [`Store`], which the binary and the server hold. Every
/// write runs in its own transaction: it is done entirely or not at all.
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

    /// A deal with its events (by `entered_at`, then stage name) and time entries (by
    /// `started_at`, then category name).
    fn get_deal(&self, id: &DealId) -> impl Future<Output = Result<Option<DealDetail>>> + Send;

    /// The deals the filter matches, by `opened_at`, then id.
    fn list_deals(&self, filter: &DealFilter) -> impl Future<Output = Result<Vec<Deal>>> + Send;

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

    /// Copies the live store to a file that opens as a store. SQLite only: on PostgreSQL it
    /// is `Unsupported`, and `pg_dump` is the tool.
    fn backup(
        &self,
        destination: &Path,
        if_exists: IfExists,
    ) -> impl Future<Output = Result<()>> + Send;
}

/// A ledger store on whichever backend its location names. Cloning is cheap and shares the
/// connection pool.
#[derive(Debug, Clone)]
pub enum Store {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

impl Store {
    /// Opens the store at `target`, applying pending migrations.
    ///
    /// - `postgres://…` or `postgresql://…`: PostgreSQL;
    /// - `sqlite://PATH`, `sqlite:PATH` or a plain file path: SQLite, creating the file and its
    ///   directory when missing. `sqlite::memory:` is a private in-memory database.
    pub async fn open(target: &str) -> Result<Store> {
        match Target::parse(target)? {
            Target::Sqlite { options, in_memory } => Ok(Store::Sqlite(
                SqliteStore::open_configured(options, in_memory).await?,
            )),
            Target::Postgres(options) => Ok(Store::Postgres(
                PgStore::connect_with(options, &redact_target(target)).await?,
            )),
        }
    }

    /// Opens (creating if missing) the SQLite store in the file at `path`.
    pub async fn open_sqlite(path: impl AsRef<Path>) -> Result<Store> {
        Ok(Store::Sqlite(SqliteStore::open(path).await?))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Store::Sqlite(_) => Backend::Sqlite,
            Store::Postgres(_) => Backend::Postgres,
        }
    }

    /// Closes the store's connections, waiting for those in use to be returned.
    pub async fn close(&self) {
        match self {
            Store::Sqlite(store) => store.close().await,
            Store::Postgres(store) => store.close().await,
        }
    }
}

impl From<SqliteStore> for Store {
    fn from(store: SqliteStore) -> Self {
        Store::Sqlite(store)
    }
}

impl From<PgStore> for Store {
    fn from(store: PgStore) -> Self {
        Store::Postgres(store)
    }
}

/// Runs `$work` (an expression over `$tx`, the backend's connection inside a transaction) on
/// whichever backend the store is, and commits when it succeeds; on an error the transaction is
/// dropped, which rolls it back. `write` begins a write transaction (on SQLite `BEGIN
/// IMMEDIATE`, which takes the write lock up front), `read` a read-only snapshot.
///
/// This is the one place where a domain operation meets the backends: each public method of a
/// domain trait is implemented once, for [`Store`], as one `in_transaction!` over the domain's
/// semantics, which are written once over its statement trait. The expression is written once
/// and compiled once per backend, since Rust has no closure generic over the connection type.
macro_rules! in_transaction {
    ($store:expr, $begin:ident, |$tx:ident| $work:expr) => {
        match $store {
            $crate::store::Store::Sqlite(store) => {
                $crate::store::commit_after!(store.$begin(), |$tx| $work)
            }
            $crate::store::Store::Postgres(store) => {
                $crate::store::commit_after!(store.$begin(), |$tx| $work)
            }
        }
    };
}

/// One arm of [`in_transaction!`]: begins, runs the work, commits.
macro_rules! commit_after {
    ($begin:expr, |$tx:ident| $work:expr) => {{
        let mut transaction = $begin.await?;
        let $tx = &mut *transaction;
        let done = $work.await?;
        transaction.commit().await?;
        Ok(done)
    }};
}
pub(crate) use {commit_after, in_transaction};

macro_rules! delegate {
    ($self:ident, $store:ident => $call:expr) => {
        match $self {
            Store::Sqlite($store) => $call.await,
            Store::Postgres($store) => $call.await,
        }
    };
}

impl LedgerStore for Store {
    async fn add_client(&self, client: &Client) -> Result<()> {
        delegate!(self, s => s.add_client(client))
    }

    async fn list_clients(&self) -> Result<Vec<Client>> {
        delegate!(self, s => s.list_clients())
    }

    async fn get_client(&self, name: &str) -> Result<Option<Client>> {
        delegate!(self, s => s.get_client(name))
    }

    async fn add_deal(&self, deal: &Deal) -> Result<()> {
        delegate!(self, s => s.add_deal(deal))
    }

    async fn get_deal(&self, id: &DealId) -> Result<Option<DealDetail>> {
        delegate!(self, s => s.get_deal(id))
    }

    async fn list_deals(&self, filter: &DealFilter) -> Result<Vec<Deal>> {
        delegate!(self, s => s.list_deals(filter))
    }

    async fn add_stage_event(&self, event: &StageEvent, stages: &Stages) -> Result<bool> {
        delegate!(self, s => s.add_stage_event(event, stages))
    }

    async fn reopen_deal(&self, id: &DealId, at: Timestamp, reason: &str) -> Result<Reopening> {
        delegate!(self, s => s.reopen_deal(id, at, reason))
    }

    async fn close_deal(
        &self,
        id: &DealId,
        outcome: Outcome,
        closed_at: Timestamp,
        lost_reason: Option<String>,
    ) -> Result<()> {
        delegate!(self, s => s.close_deal(id, outcome, closed_at, lost_reason))
    }

    async fn add_time_entry(&self, entry: &TimeEntry) -> Result<bool> {
        delegate!(self, s => s.add_time_entry(entry))
    }

    async fn existing_deal_ids(&self, ids: &[DealId]) -> Result<HashSet<DealId>> {
        delegate!(self, s => s.existing_deal_ids(ids))
    }

    async fn import(&self, ledger: &Ledger) -> Result<ImportCounts> {
        delegate!(self, s => s.import(ledger))
    }

    async fn load_ledger(&self, filter: &DealFilter) -> Result<Ledger> {
        delegate!(self, s => s.load_ledger(filter))
    }

    async fn counts(&self) -> Result<Counts> {
        delegate!(self, s => s.counts())
    }

    async fn backup(&self, destination: &Path, if_exists: IfExists) -> Result<()> {
        delegate!(self, s => s.backup(destination, if_exists))
    }
}
