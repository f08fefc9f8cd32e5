-- Every Stripe object is one JSONB document in its wire shape, beside the columns queries filter and sort on.
CREATE TABLE objects (
    seq      BIGSERIAL PRIMARY KEY,
    account  TEXT    NOT NULL,
    livemode BOOLEAN NOT NULL,
    kind     TEXT    NOT NULL,
    id       TEXT    NOT NULL,
    customer TEXT,
    created  BIGINT  NOT NULL,
    -- The test clock the object lives on (NULL: the wall clock) and when the billing engine must next look at it.
    clock    TEXT,
    due_at   BIGINT,
    data     JSONB   NOT NULL
);
CREATE INDEX objects_newest_first ON objects (account, livemode, kind, created DESC, seq DESC);
-- The scheduler's and test clocks' work queue: only objects with something due are in it.
CREATE INDEX objects_due ON objects (clock, due_at) WHERE due_at IS NOT NULL;
CREATE INDEX objects_by_customer ON objects (account, livemode, customer, kind, created DESC, seq DESC)
    WHERE customer IS NOT NULL;
-- Field filters (email, product, active, lookup_key …) are JSONB containment queries. Events, the largest and
-- most written documents, stay out of it: it cost a quarter of a create's time, and an event list filtered by
-- type walks the account's events newest first instead.
CREATE INDEX objects_fields ON objects USING GIN (data jsonb_path_ops) WHERE kind <> 'event';
-- Ids are unique per account, mode and kind. Created last, with the id first: before a fresh table has
-- statistics the planner breaks the cost tie between this index and objects_newest_first in favour of the
-- later one, and a point lookup must not scan every object of its kind.
CREATE UNIQUE INDEX objects_by_id ON objects (id, account, livemode, kind);

-- Responses to requests sent with an Idempotency-Key, written in the same transaction as their effects.
CREATE TABLE idempotency_keys (
    account     TEXT    NOT NULL,
    livemode    BOOLEAN NOT NULL,
    key         TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    status      INTEGER,
    body        TEXT,
    created     BIGINT  NOT NULL,
    PRIMARY KEY (account, livemode, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created);

-- Secret keys are kept only as SHA-256 hashes.
CREATE TABLE api_keys (
    key_hash TEXT    PRIMARY KEY,
    account  TEXT    NOT NULL,
    livemode BOOLEAN NOT NULL,
    created  BIGINT  NOT NULL
);

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
