//! The only place with SQL: the ledger store on SQLite or PostgreSQL, with migrations.
//!
//! [`Store::open`] picks the backend from the location (`postgres://…`, `sqlite://…` or a file
//! path) and brings the schema up to date; everything else goes through one trait per domain
//! ([`LedgerStore`], [`QuoteStore`], [`ContractStore`], [`GateRunStore`]), each implemented
//! once, for [`Store`]. Reads a client could reach take a [`ClientScope`]. See `docs/store.md`
//! for the layout, the schema and the semantics of imports.

mod codec;
mod contracts;
mod error;
mod gate_runs;
mod ledger;
mod model;
mod postgres;
mod problems;
mod quotes;
mod scope;
mod sqlite;
mod store;
mod target;

pub use contracts::ContractStore;
pub use error::{Result, StoreError};
pub use gate_runs::GateRunStore;
pub use ledger::LedgerStore;
pub use model::{
    Backend, Counts, DealDetail, DealFilter, GateRun, IfExists, ImportCounts, NewAcceptance,
    NewSow, ReadyMilestone, RowCounts, SowMilestone, StoredAcceptance, StoredMilestone,
    StoredQuote, StoredSow,
};
pub use postgres::PgStore;
pub use quotes::QuoteStore;
pub use scope::ClientScope;
pub use sqlite::SqliteStore;
pub use store::Store;
pub use target::redact_target;

/// sqlx's connection options, for callers that build a store from parts
/// ([`SqliteStore::open_with`], [`PgStore::connect_with`]).
pub use sqlx::postgres::PgConnectOptions;
pub use sqlx::sqlite::SqliteConnectOptions;
