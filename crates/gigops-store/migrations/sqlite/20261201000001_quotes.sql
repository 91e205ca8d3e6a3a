-- Quotes saved with their deal: every estimate of a deal is a new version, kept whole as the
-- JSON gigops quote printed (schema gigops.quote/1, docs/quote.md), so a proposal or a later
-- calibration reads the very numbers the client was shown. At most one version of a deal is
-- accepted.

CREATE TABLE quotes (
    key         INTEGER PRIMARY KEY,
    deal_key    INTEGER NOT NULL REFERENCES deals (key),
    version     INTEGER NOT NULL CHECK (version > 0),
    created_at  INTEGER NOT NULL,
    accepted_at INTEGER,
    quote       TEXT    NOT NULL,
    UNIQUE (deal_key, version)
) STRICT;
