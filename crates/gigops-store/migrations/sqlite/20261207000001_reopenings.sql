-- Reopenings: a closed deal reopened with a reason. The deal row holds its current state (open
-- again, until it closes anew); each reopening keeps when and why, and the outcome, closing
-- instant and lost reason the deal had until then, so no closing is forgotten (docs/ledger.md).

CREATE TABLE reopenings (
    deal_key    INTEGER NOT NULL REFERENCES deals (key),
    reopened_at INTEGER NOT NULL,
    reason      TEXT    NOT NULL,
    outcome     TEXT    NOT NULL,
    closed_at   INTEGER NOT NULL,
    lost_reason TEXT,
    PRIMARY KEY (deal_key, reopened_at)
) STRICT, WITHOUT ROWID;
