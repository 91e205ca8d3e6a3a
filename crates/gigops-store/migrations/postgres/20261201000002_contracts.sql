-- Statements of work attached to a deal: every SOW of a deal is a new version, kept as the user
-- wrote it (the YAML source and its SHA-256) and as the model JSON gigops-contract read from it
-- (schema gigops.sow/1, docs/contract.md). The store never looks inside either text; it keeps
-- beside them the few values it queries: the SOW's currency and its milestones. Text rather
-- than JSONB: both backends return the documents byte for byte.

CREATE TABLE sows (
    key           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    deal_key      BIGINT  NOT NULL REFERENCES deals (key),
    version       INTEGER NOT NULL CHECK (version > 0),
    sow_id        TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    currency      TEXT    NOT NULL,
    source        TEXT    NOT NULL,
    source_sha256 TEXT    NOT NULL,
    sow_json      TEXT    NOT NULL,
    UNIQUE (deal_key, version)
);

-- The milestones of one SOW version, in the order the SOW lists them. `invoiced_at` is set by
-- billing when the milestone is invoiced; an invoiced milestone is no longer ready to invoice.
CREATE TABLE sow_milestones (
    sow_key      BIGINT  NOT NULL REFERENCES sows (key),
    id           TEXT    COLLATE "C" NOT NULL,
    position     INTEGER NOT NULL CHECK (position >= 0),
    title        TEXT    NOT NULL,
    due          TEXT    NOT NULL,
    amount_minor BIGINT  NOT NULL,
    invoiced_at  BIGINT,
    PRIMARY KEY (sow_key, id),
    UNIQUE (sow_key, position)
);

-- Sign-offs of one SOW version: who signed, as what, when, and the digests of the source and of
-- the rendered document they read.
CREATE TABLE sow_signatures (
    key             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sow_key         BIGINT NOT NULL REFERENCES sows (key),
    signer          TEXT   NOT NULL,
    role            TEXT   NOT NULL,
    signed_at       BIGINT NOT NULL,
    source_sha256   TEXT   NOT NULL,
    document_sha256 TEXT   NOT NULL,
    lang            TEXT   NOT NULL,
    UNIQUE (sow_key, role, signer, signed_at)
);

-- Every evaluation of a milestone's acceptance items, kept as history: the acceptance record
-- JSON (schema gigops.acceptance/1) and the digests of the evidence it read, as JSON text.
CREATE TABLE sow_acceptances (
    key          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sow_key      BIGINT  NOT NULL,
    milestone    TEXT    COLLATE "C" NOT NULL,
    evaluated_at BIGINT  NOT NULL,
    accepted     BOOLEAN NOT NULL,
    record       TEXT    NOT NULL,
    evidence     TEXT    NOT NULL,
    FOREIGN KEY (sow_key, milestone) REFERENCES sow_milestones (sow_key, id)
);

CREATE INDEX sow_acceptances_by_milestone ON sow_acceptances (sow_key, milestone, evaluated_at);
