-- Delivery-gate runs recorded against a deal (and a milestone of its contract): the summary the
-- gate wrote, kept whole as JSON text (its schema is the gate's, docs/gate.md), so baselines
-- and trends read the same document CI produced.

CREATE TABLE gate_runs (
    key         INTEGER PRIMARY KEY,
    deal_key    INTEGER NOT NULL REFERENCES deals (key),
    milestone   TEXT,
    recorded_at INTEGER NOT NULL,
    passed      INTEGER NOT NULL CHECK (passed IN (0, 1)),
    summary     TEXT    NOT NULL
) STRICT;

CREATE INDEX gate_runs_by_deal ON gate_runs (deal_key, recorded_at);
