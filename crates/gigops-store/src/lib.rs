//! The only place with SQL: the ledger store on SQLite or PostgreSQL, with migrations.
