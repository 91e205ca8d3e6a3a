//! The store's behaviour, each test run on SQLite and on PostgreSQL (when
//! `GIGOPS_TEST_POSTGRES_URL` is set): see `docs/store.md`.

mod contracts;
mod documents;
mod imports;
mod open;
mod quotes;
mod scope;
mod story;
