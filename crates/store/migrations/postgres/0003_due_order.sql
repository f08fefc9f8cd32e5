-- The due queue is read in (due_at, seq) order, a batch at a time. With seq in the index the batch comes
-- straight from it in that order; without it every due row of the queue was sorted for each batch (SQLite's
-- index has the rowid, its seq, at the end already).
DROP INDEX objects_due;
CREATE INDEX objects_due ON objects (clock, due_at, seq) WHERE due_at IS NOT NULL;
