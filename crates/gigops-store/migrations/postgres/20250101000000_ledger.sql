-- The ledger: clients, deals, their stage history and the time logged on them.
--
-- Instants are BIGINT microseconds since the Unix epoch, UTC: exact, compact, ordered the same
-- way as the instants, and identical on both backends (see docs/store.md).
-- Text that is sorted or compared as a key uses COLLATE "C": byte order, the order Rust sorts
-- strings in and the order SQLite uses, so both backends return rows in the same order whatever
-- the database's locale.

CREATE TABLE clients (
    key       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name      TEXT COLLATE "C" NOT NULL UNIQUE,
    currency  TEXT NOT NULL,
    locale    TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    platform  TEXT
);

CREATE TABLE deals (
    key            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id             TEXT COLLATE "C" NOT NULL UNIQUE,
    client_key     BIGINT NOT NULL REFERENCES clients (key),
    platform       TEXT NOT NULL,
    kind           TEXT NOT NULL,
    currency       TEXT NOT NULL,
    value_minor    BIGINT NOT NULL,
    opened_at      BIGINT NOT NULL,
    outcome        TEXT NOT NULL,
    closed_at      BIGINT,
    lost_reason    TEXT,
    tech_doc_score DOUBLE PRECISION,
    github_score   DOUBLE PRECISION,
    demo_score     DOUBLE PRECISION
);

-- list_deals filters on a range of opened_at and returns deals ordered by (opened_at, id).
CREATE INDEX deals_by_opened_at ON deals (opened_at, id);
-- The foreign key's child side, so that looking up a client's deals never scans every deal.
CREATE INDEX deals_by_client ON deals (client_key);

-- The primary key is the uniqueness rule (one event per deal, stage and instant) in the order
-- reports read events, so the same index serves both.
CREATE TABLE stage_events (
    deal_key   BIGINT NOT NULL REFERENCES deals (key),
    stage      TEXT COLLATE "C" NOT NULL,
    entered_at BIGINT NOT NULL,
    PRIMARY KEY (deal_key, entered_at, stage)
);

-- Likewise: the key of a time entry is its deal, start and category, the order reports read.
-- minutes is BIGINT so that every u32 the domain allows fits.
CREATE TABLE time_entries (
    deal_key   BIGINT NOT NULL REFERENCES deals (key),
    started_at BIGINT NOT NULL,
    category   TEXT COLLATE "C" NOT NULL,
    minutes    BIGINT NOT NULL CHECK (minutes BETWEEN 0 AND 4294967295),
    note       TEXT,
    PRIMARY KEY (deal_key, started_at, category)
);
