-- Delivery-gate runs recorded against a deal (and a milestone of its contract): the summary the
-- gate wrote, kept whole as JSON text (its schema is the gate's, docs/gate.md), so baselines
-- and trends read the same document CI produced. Text rather than JSONB: the store never looks
-- inside, and both backends return the document byte for byte.

CREATE TABLE gate_runs (
    key         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    deal_key    BIGINT  NOT NULL REFERENCES deals (key),
    milestone   TEXT,
    recorded_at BIGINT  NOT NULL,
    passed      BOOLEAN NOT NULL,
    summary     TEXT    NOT NULL
);

CREATE INDEX gate_runs_by_deal ON gate_runs (deal_key, recorded_at);
