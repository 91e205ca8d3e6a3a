//! Opening stores: URL forms, SQLite settings, migrations, and what errors show.

use gigops_store::{Backend, LedgerStore, Store, StoreError};
use gigops_test_support::block_on;
use gigops_test_support::fixtures::sample_ledger;
use sqlx::{Connection, SqliteConnection};

#[test]
fn sqlite_by_url_or_path_creates_the_file_and_its_directories() {
    block_on(async {
        let directory = tempfile::tempdir().unwrap();
        let root = directory.path().display().to_string();
        let forms = [
            format!("sqlite://{root}/a/b/url.db"),
            format!("sqlite:{root}/c/short.db"),
            format!("{root}/d/e/plain.db"),
        ];
        for target in &forms {
            let store = Store::open(target).await.unwrap();
            assert_eq!(store.backend(), Backend::Sqlite);
            store.import(&sample_ledger()).await.unwrap();
            store.close().await;
        }
        for file in ["a/b/url.db", "c/short.db", "d/e/plain.db"] {
            let path = directory.path().join(file);
            assert!(path.is_file(), "{}", path.display());
            // Opened again: the migrations are recorded and not run twice, the data is there.
            let store = Store::open_sqlite(&path).await.unwrap();
            assert_eq!(store.counts().await.unwrap().deals, 4);
            store.close().await;
        }
    });
}

#[test]
fn sqlite_runs_in_wal_mode_with_each_migration_recorded_once() {
    block_on(async {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("gigops.db");
        for _ in 0..3 {
            Store::open_sqlite(&path).await.unwrap().close().await;
        }
        let url = format!("sqlite://{}", path.display());
        let mut conn = SqliteConnection::connect(&url).await.unwrap();
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
            .unwrap()
            .count();
        assert_eq!(
            applied as usize, files,
            "three opens apply each migration once"
        );
    });
}

#[test]
fn sqlite_in_memory_lives_as_long_as_the_store() {
    block_on(async {
        let store = Store::open("sqlite::memory:").await.unwrap();
        store.import(&sample_ledger()).await.unwrap();
        assert_eq!(store.counts().await.unwrap().deals, 4);
        let other = Store::open("sqlite::memory:").await.unwrap();
        assert_eq!(other.counts().await.unwrap().deals, 0, "each is private");
    });
}

#[test]
fn unknown_schemes_are_refused_not_taken_for_file_names() {
    block_on(async {
        let err = Store::open("mysql://root:hunter2@localhost/gigops")
            .await
            .unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, StoreError::Unsupported(_)), "{message}");
        assert!(
            message.contains("postgres://") && !message.contains("hunter2"),
            "{message}"
        );
        assert!(!std::path::Path::new("mysql:").exists());
    });
}

#[test]
fn errors_never_show_a_postgres_password() {
    block_on(async {
        // Nothing listens on port 1: the connection is refused at once.
        let err = Store::open("postgres://gigops:hunter2@127.0.0.1:1/gigops?connect_timeout=2")
            .await
            .unwrap_err();
        let shown = format!("{err} / {err:?}");
        assert!(matches!(err, StoreError::Open { .. }), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("gigops:***@127.0.0.1:1"), "{shown}");
    });
}

#[test]
fn postgres_by_url_applies_migrations_once() {
    let Some(server) =
        gigops_test_support::postgres_server_for("postgres_by_url_applies_migrations_once")
    else {
        return;
    };
    block_on(async move {
        let database = gigops_test_support::TempDatabase::create(server, "open_by_url").await;
        let options = database.options();
        let url = format!(
            "postgres://{}@{}:{}/{}",
            options.get_username(),
            options.get_host(),
            options.get_port(),
            database.name()
        );
        let outcome = async {
            for _ in 0..2 {
                let store = Store::open(&url).await?;
                assert_eq!(store.backend(), Backend::Postgres);
                store.import(&sample_ledger()).await?;
                store.close().await;
            }
            let store = Store::open(&url).await?;
            let counts = store.counts().await?;
            store.close().await;
            Ok::<_, StoreError>(counts)
        }
        .await;
        database.remove().await;
        assert_eq!(outcome.unwrap().deals, 4);
    });
}
