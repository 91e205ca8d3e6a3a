-- Quotes saved with their deal: every estimate of a deal is a new version, kept whole as the
-- JSON gigops quote printed (schema gigops.quote/1, docs/quote.md), so a proposal or a later
-- calibration reads the very numbers the client was shown. At most one version of a deal is
-- accepted. Text rather than JSONB: the store never looks inside.

CREATE TABLE quotes (
    key         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    deal_key    BIGINT  NOT NULL REFERENCES deals (key),
    version     INTEGER NOT NULL CHECK (version > 0),
    created_at  BIGINT  NOT NULL,
    accepted_at BIGINT,
    quote       TEXT    NOT NULL,
    UNIQUE (deal_key, version)
);
