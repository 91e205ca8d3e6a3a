-- The ledger: clients, deals, their stage history and the time logged on them.
--
-- Instants are INTEGER microseconds since the Unix epoch, UTC: exact, compact, ordered the same
-- way as the instants, and identical on both backends (see docs/store.md).
-- Tables are STRICT so that a value of the wrong type is an error, not a silent conversion.

CREATE TABLE clients (
    key       INTEGER PRIMARY KEY,
    name      TEXT    NOT NULL UNIQUE,
    currency  TEXT    NOT NULL,
    locale    TEXT    NOT NULL,
    time_zone TEXT    NOT NULL,
    platform  TEXT
) STRICT;

CREATE TABLE deals (
    key            INTEGER PRIMARY KEY,
    id             TEXT    NOT NULL UNIQUE,
    client_key     INTEGER NOT NULL REFERENCES clients (key),
    platform       TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    currency       TEXT    NOT NULL,
    value_minor    INTEGER NOT NULL,
    opened_at      INTEGER NOT NULL,
    outcome        TEXT    NOT NULL,
    closed_at      INTEGER,
    lost_reason    TEXT,
    tech_doc_score REAL,
    github_score   REAL,
    demo_score     REAL
) STRICT;

-- list_deals filters on a range of opened_at and returns deals ordered by (opened_at, id).
CREATE INDEX deals_by_opened_at ON deals (opened_at, id);
-- The foreign key's child side, so that looking up a client's deals never scans every deal.
CREATE INDEX deals_by_client ON deals (client_key);

-- The primary key is the uniqueness rule (one event per deal, stage and instant) in the order
-- reports read events, and WITHOUT ROWID stores the rows in that order: a deal's history is one
-- contiguous range, with no second index to maintain on import.
CREATE TABLE stage_events (
    deal_key   INTEGER NOT NULL REFERENCES deals (key),
    stage      TEXT    NOT NULL,
    entered_at INTEGER NOT NULL,
    PRIMARY KEY (deal_key, entered_at, stage)
) STRICT, WITHOUT ROWID;

-- Likewise: the key of a time entry is its deal, start and category, the order reports read.
CREATE TABLE time_entries (
    deal_key   INTEGER NOT NULL REFERENCES deals (key),
    started_at INTEGER NOT NULL,
    category   TEXT    NOT NULL,
    minutes    INTEGER NOT NULL CHECK (minutes BETWEEN 0 AND 4294967295),
    note       TEXT,
    PRIMARY KEY (deal_key, started_at, category)
) STRICT, WITHOUT ROWID;
