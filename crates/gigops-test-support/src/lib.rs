//! Test helpers: temporary stores on both backends, fixtures.
//!
//! A test harness says on stderr what it skipped and why, where `cargo test` shows it.
#![allow(clippy::print_stderr)]
//!
//! Write a store test once and run it on both backends with [`store_test!`]:
//!
//! ```ignore
//! use gigops_store::LedgerStore;
//! use gigops_test_support::{TestResult, store_test};
//!
//! store_test!(counts_start_at_zero, |store| async move {
//!     assert_eq!(store.counts().await?.deals, 0);
//!     TestResult::Ok(())
//! });
//! ```
//!
//! This makes two tests, `counts_start_at_zero::sqlite` and `counts_start_at_zero::postgres`.
//! The SQLite one runs on a fresh file in a temporary directory. The PostgreSQL one runs on a
//! fresh database created for it on the server named by `GIGOPS_TEST_POSTGRES_URL` (e.g.
//! `postgres://postgres@127.0.0.1:5432/postgres`), dropped afterwards even when the test fails;
//! without the variable it prints a notice and passes, unless `GIGOPS_TEST_REQUIRE_POSTGRES=1`,
//! which makes it fail instead (for CI, where a skipped backend must not look green).

pub mod fixtures;
pub mod fuzz;
pub mod tools;

use std::any::Any;
use std::fmt::Debug;
use std::future::Future;
use std::ops::Deref;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};

use futures_util::FutureExt;
use gigops_store::{PgConnectOptions, PgStore, Store, StoreError};
use sqlx::{ConnectOptions, Connection, Executor, PgConnection};

/// The PostgreSQL server tests create their databases on; unset, PostgreSQL tests are skipped.
pub const POSTGRES_URL_VAR: &str = "GIGOPS_TEST_POSTGRES_URL";

/// Set to `1` to make PostgreSQL tests fail, rather than skip, when [`POSTGRES_URL_VAR`] is
/// unset.
pub const REQUIRE_POSTGRES_VAR: &str = "GIGOPS_TEST_REQUIRE_POSTGRES";

/// A store that belongs to one test, and how to open it again.
#[derive(Debug, Clone)]
pub struct TestStore {
    store: Store,
    location: Location,
}

#[derive(Debug, Clone)]
enum Location {
    Sqlite(PathBuf),
    Postgres(Box<PgConnectOptions>),
}

impl TestStore {
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// A second, independent store on the same database, as another process would open it.
    pub async fn reopen(&self) -> Result<Store, StoreError> {
        match &self.location {
            Location::Sqlite(path) => Store::open_sqlite(path).await,
            Location::Postgres(options) => Ok(Store::Postgres(
                PgStore::connect_with((**options).clone(), "a PostgreSQL test database").await?,
            )),
        }
    }

    /// The database file, on SQLite.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match &self.location {
            Location::Sqlite(path) => Some(path),
            Location::Postgres(_) => None,
        }
    }
}

impl Deref for TestStore {
    type Target = Store;

    fn deref(&self) -> &Store {
        &self.store
    }
}

/// What a store test returns when it uses `?`: end the body with `TestResult::Ok(())`, which
/// names the error type the `?`s convert to.
pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// What a test body may return: nothing, or a `Result` whose error fails the test.
pub trait TestOutcome {
    fn check(self);
}

impl TestOutcome for () {
    fn check(self) {}
}

impl<E: Debug> TestOutcome for Result<(), E> {
    fn check(self) {
        if let Err(error) = self {
            panic!("the test returned an error: {error:?}");
        }
    }
}

/// Runs an async test body on a runtime of its own, as `#[tokio::test]` would, with worker
/// threads so that the store's work and the test's run side by side as in the binary.
pub fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a Tokio runtime for the test")
        .block_on(future)
}

/// Runs `body` on a fresh SQLite store in a temporary directory, removed afterwards.
pub async fn with_sqlite<F, Fut>(body: F)
where
    F: FnOnce(TestStore) -> Fut,
    Fut: Future,
    Fut::Output: TestOutcome,
{
    let directory = tempfile::tempdir().expect("a temporary directory for the test store");
    let path = directory.path().join("gigops.db");
    let store = Store::open_sqlite(&path)
        .await
        .unwrap_or_else(|e| panic!("cannot open a SQLite test store: {e}"));
    let test_store = TestStore {
        store: store.clone(),
        location: Location::Sqlite(path),
    };
    let outcome = AssertUnwindSafe(body(test_store)).catch_unwind().await;
    store.close().await;
    drop(directory);
    finish(outcome);
}

/// Runs `body` on a fresh PostgreSQL database created for it, dropped afterwards whether the
/// body passes, fails or panics. Without [`POSTGRES_URL_VAR`], prints a notice and returns.
pub async fn with_postgres<F, Fut>(test_name: &str, body: F)
where
    F: FnOnce(TestStore) -> Fut,
    Fut: Future,
    Fut::Output: TestOutcome,
{
    let Some(server) = postgres_server_for(test_name) else {
        return;
    };
    let database = TempDatabase::create(server, test_name).await;
    let options = database.options();
    let store = PgStore::connect_with(options.clone(), &database.name)
        .await
        .map(Store::Postgres);
    let outcome = match store {
        Ok(store) => {
            let test_store = TestStore {
                store: store.clone(),
                location: Location::Postgres(Box::new(options)),
            };
            let outcome = AssertUnwindSafe(body(test_store)).catch_unwind().await;
            store.close().await;
            outcome
        }
        Err(error) => Err(Box::new(format!(
            "cannot open a store on the test database {}: {error}",
            database.name
        )) as Box<dyn Any + Send>),
    };
    database.remove().await;
    finish(outcome);
}

fn finish<T: TestOutcome>(outcome: Result<T, Box<dyn Any + Send>>) {
    match outcome {
        Ok(value) => value.check(),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// The server `test_name` runs on. Without [`POSTGRES_URL_VAR`]: a failed test when
/// [`REQUIRE_POSTGRES_VAR`] is 1 (as in CI), else a notice that the test is skipped, and `None`.
pub fn postgres_server_for(test_name: &str) -> Option<PgConnectOptions> {
    let server = postgres_server();
    if server.is_none() {
        assert!(
            std::env::var(REQUIRE_POSTGRES_VAR).as_deref() != Ok("1"),
            "{REQUIRE_POSTGRES_VAR}=1 but {POSTGRES_URL_VAR} is not set"
        );
        eprintln!(
            "skipped {test_name} on PostgreSQL: set {POSTGRES_URL_VAR}=postgres://… to run it"
        );
    }
    server
}

/// The server of [`POSTGRES_URL_VAR`], when set.
pub fn postgres_server() -> Option<PgConnectOptions> {
    let url = std::env::var(POSTGRES_URL_VAR).ok()?;
    if url.trim().is_empty() {
        return None;
    }
    let options = PgConnectOptions::from_str(&url).unwrap_or_else(|e| {
        panic!(
            "{POSTGRES_URL_VAR} is not a PostgreSQL URL ({}): {e}",
            gigops_store::redact_target(&url)
        )
    });
    Some(options.disable_statement_logging())
}

/// A database that exists for one test.
pub struct TempDatabase {
    server: PgConnectOptions,
    name: String,
}

impl TempDatabase {
    /// Creates a database with a name no other test, run or process uses: the test's name (so
    /// that a leftover is easy to trace), the process id and a counter.
    pub async fn create(server: PgConnectOptions, test_name: &str) -> TempDatabase {
        static SEQUENCE: AtomicU32 = AtomicU32::new(0);
        let slug: String = test_name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .take(24)
            .collect();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "gigops_test_{slug}_{}_{}_{nanos}",
            std::process::id(),
            SEQUENCE.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = PgConnection::connect_with(&server)
            .await
            .unwrap_or_else(|e| {
                panic!("cannot reach the PostgreSQL server of {POSTGRES_URL_VAR}: {e}")
            });
        admin
            .execute(format!("CREATE DATABASE \"{name}\"").as_str())
            .await
            .unwrap_or_else(|e| panic!("cannot create the test database {name}: {e}"));
        let _ = admin.close().await;
        TempDatabase { server, name }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Options that connect to this database.
    pub fn options(&self) -> PgConnectOptions {
        self.server.clone().database(&self.name)
    }

    /// Drops the database, disconnecting whoever is still connected. A failure is reported
    /// and not raised: the test's own result matters more than a leftover database.
    pub async fn remove(self) {
        let dropped = async {
            let mut admin = PgConnection::connect_with(&self.server).await?;
            admin
                .execute(format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name).as_str())
                .await?;
            admin.close().await
        };
        if let Err(error) = dropped.await {
            eprintln!("could not drop the test database {}: {error}", self.name);
        }
    }
}

/// Writes a store test once and runs it on both backends: `store_test!(name, |store| async
/// move { … })` makes the tests `name::sqlite` and `name::postgres`. The body gets a
/// [`TestStore`] (which dereferences to a [`Store`]) and returns `()` or a `Result`.
#[macro_export]
macro_rules! store_test {
    ($(#[$meta:meta])* $name:ident, $body:expr $(,)?) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            fn sqlite() {
                $crate::block_on($crate::with_sqlite($body));
            }

            #[test]
            fn postgres() {
                $crate::block_on($crate::with_postgres(stringify!($name), $body));
            }
        }
    };
}
