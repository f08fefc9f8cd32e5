-- Every Stripe object is one JSON document in its wire shape, beside the columns queries filter and sort on.
CREATE TABLE objects (
    -- No AUTOINCREMENT: it rewrites sqlite_sequence on every insert. A reused rowid can only be the highest
    -- one (after its row was deleted), so newest-first order by (created, seq) is unaffected.
    seq      INTEGER PRIMARY KEY,
    account  TEXT    NOT NULL,
    livemode INTEGER NOT NULL,
    kind     TEXT    NOT NULL,
    id       TEXT    NOT NULL,
    customer TEXT,
    created  INTEGER NOT NULL,
    -- The test clock the object lives on (NULL: the wall clock) and when the billing engine must next look at it.
    clock    TEXT,
    due_at   INTEGER,
    data     TEXT    NOT NULL,
    UNIQUE (account, livemode, kind, id)
);
CREATE INDEX objects_newest_first ON objects (account, livemode, kind, created DESC, seq DESC);
-- The scheduler's and test clocks' work queue: only objects with something due are in it.
CREATE INDEX objects_due ON objects (clock, due_at) WHERE due_at IS NOT NULL;
CREATE INDEX objects_by_customer ON objects (account, livemode, customer, kind, created DESC, seq DESC)
    WHERE customer IS NOT NULL;

-- Responses to requests sent with an Idempotency-Key, written in the same transaction as their effects.
CREATE TABLE idempotency_keys (
    account     TEXT    NOT NULL,
    livemode    INTEGER NOT NULL,
    key         TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    status      INTEGER,
    body        TEXT,
    created     INTEGER NOT NULL,
    PRIMARY KEY (account, livemode, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created);

-- Secret keys are kept only as SHA-256 hashes.
CREATE TABLE api_keys (
    key_hash TEXT    PRIMARY KEY,
    account  TEXT    NOT NULL,
    livemode INTEGER NOT NULL,
    created  INTEGER NOT NULL
);

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
