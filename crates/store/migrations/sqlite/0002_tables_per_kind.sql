-- Subscriptions, invoices and events move to tables of their own, with the same columns and indexes. SQLite
-- keeps a table's rows in rowid (seq) order on 8 KiB pages, so in one shared table a subscription sat on a page
-- with its customer's other documents, and each renewal rewrote a whole page for it: a third of what a renewal
-- wrote. In a table of their own, the subscriptions a batch renews lie side by side and share pages, as do the
-- invoices a batch finalizes; new rows are still appended at each table's right edge.
ALTER TABLE objects RENAME TO other_objects;

CREATE TABLE subscriptions (
    seq      INTEGER PRIMARY KEY,
    account  TEXT    NOT NULL,
    livemode INTEGER NOT NULL,
    kind     TEXT    NOT NULL,
    id       TEXT    NOT NULL,
    customer TEXT,
    created  INTEGER NOT NULL,
    clock    TEXT,
    due_at   INTEGER,
    data     TEXT    NOT NULL,
    UNIQUE (account, livemode, kind, id)
);
CREATE INDEX subscriptions_newest_first ON subscriptions (account, livemode, kind, created DESC, seq DESC);
CREATE INDEX subscriptions_due ON subscriptions (clock, due_at) WHERE due_at IS NOT NULL;
CREATE INDEX subscriptions_by_customer ON subscriptions (account, livemode, customer, kind, created DESC, seq DESC)
    WHERE customer IS NOT NULL;

CREATE TABLE invoices (
    seq      INTEGER PRIMARY KEY,
    account  TEXT    NOT NULL,
    livemode INTEGER NOT NULL,
    kind     TEXT    NOT NULL,
    id       TEXT    NOT NULL,
    customer TEXT,
    created  INTEGER NOT NULL,
    clock    TEXT,
    due_at   INTEGER,
    data     TEXT    NOT NULL,
    UNIQUE (account, livemode, kind, id)
);
CREATE INDEX invoices_newest_first ON invoices (account, livemode, kind, created DESC, seq DESC);
CREATE INDEX invoices_due ON invoices (clock, due_at) WHERE due_at IS NOT NULL;
CREATE INDEX invoices_by_customer ON invoices (account, livemode, customer, kind, created DESC, seq DESC)
    WHERE customer IS NOT NULL;

-- Events are never due: no due index.
CREATE TABLE events (
    seq      INTEGER PRIMARY KEY,
    account  TEXT    NOT NULL,
    livemode INTEGER NOT NULL,
    kind     TEXT    NOT NULL,
    id       TEXT    NOT NULL,
    customer TEXT,
    created  INTEGER NOT NULL,
    clock    TEXT,
    due_at   INTEGER,
    data     TEXT    NOT NULL,
    UNIQUE (account, livemode, kind, id)
);
CREATE INDEX events_newest_first ON events (account, livemode, kind, created DESC, seq DESC);
CREATE INDEX events_by_customer ON events (account, livemode, customer, kind, created DESC, seq DESC)
    WHERE customer IS NOT NULL;

INSERT INTO subscriptions SELECT * FROM other_objects WHERE kind = 'subscription';
DELETE FROM other_objects WHERE kind = 'subscription';
INSERT INTO invoices SELECT * FROM other_objects WHERE kind = 'invoice';
DELETE FROM other_objects WHERE kind = 'invoice';
INSERT INTO events SELECT * FROM other_objects WHERE kind = 'event';
DELETE FROM other_objects WHERE kind = 'event';

-- Every document, whichever table holds it, as JSON text, for queries by hand. `portico_document` is Portico's
-- own SQL function (store/src/sqlite/documents.rs): a connection outside Portico's process cannot read this view.
CREATE VIEW objects AS
    SELECT seq, account, livemode, kind, id, customer, created, clock, due_at, portico_document(data) AS data FROM other_objects
    UNION ALL SELECT seq, account, livemode, kind, id, customer, created, clock, due_at, portico_document(data) AS data FROM subscriptions
    UNION ALL SELECT seq, account, livemode, kind, id, customer, created, clock, due_at, portico_document(data) AS data FROM invoices
    UNION ALL SELECT seq, account, livemode, kind, id, customer, created, clock, due_at, portico_document(data) AS data FROM events;
