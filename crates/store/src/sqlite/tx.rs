//! A SQLite transaction. Write transactions run on the one writer connection through rusqlite, in the calling
//! thread: a statement sent to sqlx's worker thread costs a cross-thread round trip (about 60 µs on the 2-core
//! machine), one run in-thread on a cached prepared statement a few microseconds. Reads outside the writer (a
//! read-only transaction's, a write transaction's committed reads) send no `BEGIN`/`COMMIT`: each statement
//! reads its own WAL snapshot, by id on a rusqlite reader in this thread, lists and searches on the sqlx readers
//! (many at once, off the async threads).
//!
//! A write transaction does nothing until its first statement, which takes the writer and sends
//! `BEGIN IMMEDIATE`. Its writes are queued (`crate::buffer`) and executed with the next query that must see them
//! or with `COMMIT`; documents it wrote or read are read back from the queue and cache. A transaction that only
//! inserted never took the writer and joins a group commit (`group.rs`). A queued insert that breaks a uniqueness
//! rule fails with [`StoreError::Conflict`] where the queue is executed.
//!
//! A long transaction (a batch of due renewals) queues thousands of writes. Once [`BACKGROUND_FLUSH`] are queued,
//! they are executed on a blocking thread while the caller goes on computing the next ones from what it already
//! read: the SQLite work and the caller's own (serializing documents) then share the two cores. The writer goes
//! with them and comes back before the next statement; an error is reported there or at the commit.

use std::sync::Arc;

use async_trait::async_trait;
use portico_core::Scope;
use rusqlite::params_from_iter;

use super::conns::{Conns, Lease};
use super::documents;
use super::group::GroupCommitter;
use super::search::push_search;
use super::sql::{Cells, Sql};
use super::tables;
use super::versions::Versions;
use super::write::{Write, classify};
use super::{Writer, WriterLease};
use crate::buffer::{Buffer, Pending};
use crate::{
    Claim, Due, FieldFilter, JsonRow, KeyOwner, ListQuery, Page, Result, Scalar, SearchExpr, StoreError, Tx,
};

/// Queued writes that are executed in the background while the transaction goes on.
const BACKGROUND_FLUSH: usize = 256;

/// A background flush: gives the writer back with the outcome.
type Flushing = tokio::task::JoinHandle<(WriterLease, Result<()>)>;

/// The connections a transaction reads from outside the writer.
#[derive(Clone)]
pub(super) struct Readers {
    /// For lists and searches, which may scan: sqlx's worker threads run them.
    pub lists: Conns,
    /// For reads by id, run in the calling thread.
    pub points: Conns<rusqlite::Connection>,
}

impl Readers {
    /// The document of `kind` with this id, from a point reader held only for the read.
    async fn get_doc(&self, scope: &Scope, kind: &str, id: &str) -> Result<Option<String>> {
        let reader = self.points.acquire().await;
        Ok(run(&reader, &by_id("data", scope, kind, id), &|row| row.document(0))?.pop())
    }
}

pub(super) struct SqliteTx {
    readers: Readers,
    /// The reader a read-only transaction holds.
    reader: Option<Lease>,
    /// Set for write transactions.
    write: Option<WriteState>,
    versions: Arc<Versions>,
}

struct WriteState {
    writer: Writer,
    group: GroupCommitter,
    conn: Option<WriterLease>,
    /// Writes being executed in the background, with the writer.
    flushing: Option<Flushing>,
    /// `BEGIN IMMEDIATE` was sent: the connection is inside a transaction that must end.
    open: bool,
    buffer: Buffer,
    /// Queued writes that are not documents (idempotency records, keys, settings).
    other: Vec<Write>,
    /// The idempotency key this transaction claimed: `(key, fingerprint, claimed at)`.
    claimed: Option<(String, String, i64)>,
    /// The kinds of document this transaction wrote (see `versions.rs`).
    touched: Vec<String>,
}

/// `$."a"."b"`: a JSON path for `json_extract`, quoting each label so any metadata key is safe.
fn json_path(path: &[String]) -> String {
    let mut out = String::from("$");
    for part in path {
        out.push_str(".\"");
        out.push_str(&part.replace('"', "\\\""));
        out.push('"');
    }
    out
}

/// The document's member at `path`, `json_extract` over the decoded document (`documents.rs`).
pub(super) fn push_member<'q>(qb: &'q mut Sql, path: &[String]) -> &'q mut Sql {
    qb.push("json_extract(").push(documents::DATA).push(", ").bind(json_path(path)).push(")")
}

pub(super) fn push_scalar(qb: &mut Sql, value: &Scalar) {
    match value {
        Scalar::Str(s) => qb.bind(s.clone()),
        Scalar::Int(i) => qb.bind(*i),
        Scalar::Bool(b) => qb.bind(*b),
        Scalar::Null => qb.push("NULL"),
    };
}

fn push_scope(qb: &mut Sql, scope: &Scope, kind: &str) {
    qb.push(" WHERE account = ").bind(scope.account.as_str());
    qb.push(" AND livemode = ").bind(scope.livemode);
    qb.push(" AND kind = ").bind(kind);
}

/// `{verb} {table of kind}` and the clauses that select the rows of `kind` in `scope`.
fn scoped(verb: &str, scope: &Scope, kind: &str) -> Sql {
    let mut sql = Sql::new(&format!("{verb} {}", tables::of(kind)));
    push_scope(&mut sql, scope, kind);
    sql
}

/// `SELECT {columns}` of the row of `kind` with this id in `scope`.
fn by_id(columns: &str, scope: &Scope, kind: &str, id: &str) -> Sql {
    let mut sql = scoped(&format!("SELECT {columns} FROM"), scope, kind);
    sql.push(" AND id = ").bind(id);
    sql
}

fn parse(data: &str) -> Result<serde_json::Value> {
    Ok(serde_json::from_str(data)?)
}

/// A uniqueness violation means a conflicting id; everything else is a database failure.
fn classify_sqlx(error: sqlx::Error) -> StoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict,
        _ => StoreError::Database(error),
    }
}

/// Runs a query on the writer's connection in this thread.
fn run<T>(conn: &rusqlite::Connection, sql: &Sql, map: &dyn Fn(&dyn Cells) -> Result<T>) -> Result<Vec<T>> {
    let mut statement = conn.prepare_cached(&sql.text)?;
    let mut rows = statement.query(params_from_iter(sql.args.iter())).map_err(classify)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(classify)? {
        out.push(map(row)?);
    }
    Ok(out)
}

impl WriteState {
    fn touch(&mut self, kind: &str) {
        if !self.touched.iter().any(|touched| touched == kind) {
            self.touched.push(kind.to_owned());
        }
    }

    /// The writer's connection inside this transaction: taken and `BEGIN IMMEDIATE` sent on first use.
    async fn conn(&mut self) -> Result<&rusqlite::Connection> {
        if let Some(flushing) = self.flushing.take() {
            let (lease, outcome) = flushing.await.map_err(|e| StoreError::Config(format!("SQLite flush: {e}")))?;
            self.conn = Some(lease);
            outcome?;
        }
        if self.conn.is_none() {
            self.conn = Some(self.writer.clone().lock_owned().await);
        }
        let conn = self.conn.as_deref().expect("writer taken above");
        if !self.open {
            conn.execute_batch("BEGIN IMMEDIATE")?;
            self.open = true;
        }
        Ok(conn)
    }

    /// Hands the queued writes and the writer to a blocking thread when enough are queued inside an open
    /// transaction, once the previous such flush (if any) has finished.
    async fn flush_in_background(&mut self) -> Result<()> {
        if !self.open || self.buffer.len() < BACKGROUND_FLUSH {
            return Ok(());
        }
        match &self.flushing {
            Some(flushing) if !flushing.is_finished() => return Ok(()),
            Some(_) => {
                self.conn().await?;
            }
            None => {}
        }
        let Some(lease) = self.conn.take() else { return Ok(()) };
        let pending = self.buffer.take();
        self.flushing = Some(tokio::task::spawn_blocking(move || {
            let outcome = pending.into_iter().map(Write::Object).try_for_each(|write| write.execute(&lease));
            (lease, outcome)
        }));
        Ok(())
    }

    /// Executes every queued write.
    async fn flush(&mut self) -> Result<&rusqlite::Connection> {
        let pending = self.buffer.take();
        let other = std::mem::take(&mut self.other);
        let conn = self.conn().await?;
        for write in pending.into_iter().map(Write::Object).chain(other) {
            write.execute(conn)?;
        }
        Ok(conn)
    }
}

impl SqliteTx {
    pub(super) fn read(readers: Readers, versions: Arc<Versions>) -> Self {
        Self { readers, reader: None, write: None, versions }
    }

    pub(super) fn write(writer: Writer, readers: Readers, group: GroupCommitter, versions: Arc<Versions>) -> Self {
        let write = WriteState {
            writer,
            group,
            conn: None,
            flushing: None,
            open: false,
            buffer: Buffer::default(),
            other: Vec::new(),
            claimed: None,
            touched: Vec::new(),
        };
        Self { readers, reader: None, write: Some(write), versions }
    }

    /// Runs a query that must see this transaction's writes: on the writer after executing the queue, or on a
    /// reader for a read-only transaction.
    async fn query<T>(&mut self, sql: Sql, map: &(dyn Fn(&dyn Cells) -> Result<T> + Sync)) -> Result<Vec<T>> {
        match &mut self.write {
            Some(write) => run(write.flush().await?, &sql, map),
            None => self.read_query(sql, map).await,
        }
    }

    async fn read_query<T>(&mut self, sql: Sql, map: &(dyn Fn(&dyn Cells) -> Result<T> + Sync)) -> Result<Vec<T>> {
        if self.reader.is_none() {
            self.reader = Some(self.readers.lists.acquire().await);
        }
        let reader = self.reader.as_mut().expect("reader taken above");
        let rows = sql.into_sqlx().fetch_all(&mut **reader).await.map_err(classify_sqlx)?;
        rows.iter().map(|row| map(row)).collect()
    }

    /// Runs a statement that changes rows at once (after the queue); returns how many it changed.
    async fn execute(&mut self, sql: Sql) -> Result<usize> {
        let write = self.write.as_mut().ok_or_else(|| StoreError::Config("write in a read-only transaction".into()))?;
        let conn = write.flush().await?;
        conn.prepare_cached(&sql.text)?.execute(params_from_iter(sql.args.iter())).map_err(classify)
    }

    fn write_state(&mut self) -> Result<&mut WriteState> {
        self.write.as_mut().ok_or_else(|| StoreError::Config("write in a read-only transaction".into()))
    }

    async fn get_doc(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<Option<String>> {
        match &mut self.write {
            Some(write) => {
                if let Some(known) = write.buffer.read(scope, kind, id, true) {
                    return Ok(known);
                }
                let sql = by_id("data", scope, kind, id);
                // No need to execute the queue first: it holds nothing of this row (the buffer said so).
                let found = run(write.conn().await?, &sql, &|row| row.document(0))?.pop();
                // Everything a write transaction reads is as good as locked: it holds SQLite's one write lock.
                write.buffer.remember(scope, kind, id, found.clone(), true);
                Ok(found)
            }
            None => self.readers.get_doc(scope, kind, id).await,
        }
    }

    async fn cursor(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<(i64, i64)> {
        let sql = by_id("created, seq", scope, kind, id);
        let rows = self.query(sql, &|row| Ok((row.int(0)?, row.int(1)?))).await?;
        rows.first().copied().ok_or_else(|| StoreError::CursorNotFound(id.to_owned()))
    }

    async fn fetch_page(&mut self, mut sql: Sql, limit: u32, reverse: bool) -> Result<Page> {
        let order = if reverse { "ASC" } else { "DESC" };
        sql.push(&format!(" ORDER BY created {order}, seq {order} LIMIT ")).bind(i64::from(limit) + 1);
        let rows = self.query(sql, &|row| row.document(0)).await?;
        let has_more = rows.len() > limit as usize;
        let mut data = rows.iter().take(limit as usize).map(|row| parse(row)).collect::<Result<Vec<_>>>()?;
        if reverse {
            data.reverse();
        }
        Ok(Page { data, has_more })
    }
}

impl Drop for SqliteTx {
    /// An unfinished write transaction is rolled back before the writer is handed to anyone else.
    fn drop(&mut self) {
        let Some(write) = &mut self.write else { return };
        if !write.open {
            return;
        }
        // Fails harmlessly when a failed statement already ended the transaction.
        if let Some(flushing) = write.flushing.take() {
            // The writer is with the background flush, which keeps it until this rollback has run.
            tokio::spawn(async move {
                if let Ok((lease, _)) = flushing.await {
                    let _ = lease.execute_batch("ROLLBACK");
                }
            });
        } else if let Some(conn) = write.conn.as_deref() {
            let _ = conn.execute_batch("ROLLBACK");
        }
    }
}

#[async_trait]
impl Tx for SqliteTx {
    /// A read without a lock is a committed read: before the transaction's first statement it comes from a
    /// reader, so a request that reads what it refers to and then only inserts (a portal session for a
    /// customer) still joins a group commit instead of holding the writer while it computes. PostgreSQL reads
    /// without a lock are read committed too; a read that must not change before the commit takes the lock.
    async fn get_json(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<Option<String>> {
        self.get_json_committed(scope, kind, id).await
    }

    /// Before the transaction's first statement, from a reader: the transaction can still join a group commit.
    async fn get_json_committed(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<Option<String>> {
        let Some(write) = &mut self.write else { return self.get_doc(scope, kind, id).await };
        if write.open || write.flushing.is_some() {
            return self.get_doc(scope, kind, id).await;
        }
        if let Some(known) = write.buffer.read(scope, kind, id, false) {
            return Ok(known);
        }
        // The reader goes back at once: kept until the commit, it would cap the creates in flight (and so the
        // size of a group commit) at the number of readers.
        let found = self.readers.get_doc(scope, kind, id).await?;
        self.write_state()?.buffer.remember(scope, kind, id, found.clone(), false);
        Ok(found)
    }

    /// Exact within this process, whose commits all go through its writer; `versions.rs` says how commits by
    /// another process on the same file are seen.
    fn committed_version(&self, kind: &str) -> Option<u64> {
        let touched = self.write.as_ref().is_some_and(|write| write.touched.iter().any(|touched| touched == kind));
        (!touched).then(|| self.versions.current(kind))
    }

    async fn get_json_for_update(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<Option<String>> {
        // Write transactions hold SQLite's single write lock from their first statement (BEGIN IMMEDIATE).
        self.get_doc(scope, kind, id).await
    }

    async fn prefetch(&mut self, scope: &Scope, kind: &str, ids: &[String], _lock: bool) -> Result<()> {
        let Some(write) = &mut self.write else { return Ok(()) };
        let mut wanted: Vec<&String> =
            ids.iter().filter(|id| write.buffer.read(scope, kind, id, true).is_none()).collect();
        // A repeated id must not be remembered twice: its second turn below would find no row left and mark it
        // absent.
        wanted.sort_unstable();
        wanted.dedup();
        if wanted.is_empty() {
            return Ok(());
        }
        let mut sql = scoped("SELECT id, data FROM", scope, kind);
        sql.push(" AND id IN (SELECT value FROM json_each(").bind(serde_json::to_string(&wanted)?).push("))");
        let found = run(write.conn().await?, &sql, &|row| Ok((row.text(0)?, row.document(1)?)))?;
        let mut found: std::collections::HashMap<String, String> = found.into_iter().collect();
        for id in wanted {
            let json = found.remove(id.as_str());
            write.buffer.remember(scope, kind, id, json, true);
        }
        Ok(())
    }

    async fn insert_json(&mut self, scope: &Scope, row: JsonRow) -> Result<()> {
        let write = self.write_state()?;
        write.touch(row.kind);
        write.buffer.insert(scope, row)?;
        write.flush_in_background().await
    }

    async fn update_json(&mut self, scope: &Scope, row: JsonRow) -> Result<()> {
        let write = self.write_state()?;
        write.touch(row.kind);
        let Some(row) = write.buffer.update(scope, row)? else {
            return write.flush_in_background().await;
        };
        // Not known to exist: updated at once (after the queue), as the queue would, failing if there is no row.
        let conn = write.flush().await?;
        Write::Object(Pending { scope: scope.clone(), row, insert: false }).execute(conn)
    }

    async fn delete(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<bool> {
        self.write_state()?.touch(kind);
        let mut sql = scoped("DELETE FROM", scope, kind);
        sql.push(" AND id = ").bind(id);
        let deleted = self.execute(sql).await? > 0;
        self.write_state()?.buffer.forget(scope, kind, id);
        Ok(deleted)
    }

    async fn list(&mut self, scope: &Scope, kind: &str, query: &ListQuery) -> Result<Page> {
        let reverse = query.ending_before.is_some() && query.starting_after.is_none();
        let cursor = match (&query.starting_after, &query.ending_before) {
            (Some(after), _) => Some(("<", self.cursor(scope, kind, after).await?)),
            (None, Some(before)) => Some((">", self.cursor(scope, kind, before).await?)),
            (None, None) => None,
        };
        let mut sql = scoped("SELECT data FROM", scope, kind);
        if let Some(customer) = &query.customer {
            sql.push(" AND customer = ").bind(customer.as_str());
        }
        for (op, bound) in
            [(">", query.created.gt), (">=", query.created.gte), ("<", query.created.lt), ("<=", query.created.lte)]
        {
            if let Some(bound) = bound {
                sql.push(&format!(" AND created {op} ")).bind(bound);
            }
        }
        for filter in &query.filters {
            match filter {
                FieldFilter::Eq(path, Scalar::Null) => {
                    push_member(sql.push(" AND "), path).push(" IS NULL");
                }
                FieldFilter::Eq(path, value) => {
                    push_member(sql.push(" AND "), path).push(" = ");
                    push_scalar(&mut sql, value);
                }
                FieldFilter::In(path, values) => {
                    push_member(sql.push(" AND "), path).push(" IN (");
                    for (index, value) in values.iter().enumerate() {
                        if index > 0 {
                            sql.push(", ");
                        }
                        sql.bind(value.as_str());
                    }
                    sql.push(")");
                    if values.is_empty() {
                        sql.push(" AND 0");
                    }
                }
            }
        }
        if let Some((op, (created, seq))) = cursor {
            sql.push(&format!(" AND (created, seq) {op} (")).bind(created).push(", ").bind(seq).push(")");
        }
        self.fetch_page(sql, query.limit, reverse).await
    }

    async fn search(
        &mut self,
        scope: &Scope,
        kind: &str,
        expr: &SearchExpr,
        limit: u32,
        after: Option<&str>,
    ) -> Result<Page> {
        let cursor = match after {
            Some(after) => Some(self.cursor(scope, kind, after).await?),
            None => None,
        };
        let mut sql = scoped("SELECT data FROM", scope, kind);
        push_search(&mut sql, expr);
        if let Some((created, seq)) = cursor {
            sql.push(" AND (created, seq) < (").bind(created).push(", ").bind(seq).push(")");
        }
        self.fetch_page(sql, limit, false).await
    }

    /// A write transaction does not look the key up (the look-up cost a create a third of its throughput): the
    /// key is written with the answer at the end, and a key used before, or by a concurrent request that
    /// committed first, fails that commit with a conflict, undoing this request (`Claim::Unchecked`).
    /// A read-only transaction looks it up.
    async fn claim_idempotency_key(&mut self, scope: &Scope, key: &str, fingerprint: &str, now: i64) -> Result<Claim> {
        if let Some(write) = &mut self.write {
            write.claimed = Some((key.to_owned(), fingerprint.to_owned(), now));
            return Ok(Claim::Unchecked);
        }
        let mut sql = Sql::new("SELECT fingerprint, status, body FROM idempotency_keys WHERE account = ");
        sql.bind(scope.account.as_str()).push(" AND livemode = ").bind(scope.livemode);
        sql.push(" AND key = ").bind(key);
        let map = |row: &dyn Cells| Ok((row.text(0)?, row.optional_int(1)?, row.optional_text(2)?));
        let rows = self.read_query(sql, &map).await?;
        Ok(match rows.into_iter().next() {
            Some((fingerprint, status, body)) => {
                Claim::Done { fingerprint, status: status.unwrap_or(500) as u16, body: body.unwrap_or_default() }
            }
            None => Claim::New,
        })
    }

    async fn finish_idempotency_key(&mut self, scope: &Scope, key: &str, status: u16, body: &str) -> Result<()> {
        let write = self.write_state()?;
        let Some((claimed, fingerprint, created)) = write.claimed.take().filter(|(claimed, _, _)| claimed == key)
        else {
            return Err(StoreError::Config(format!("idempotency key {key} was not claimed in this transaction")));
        };
        write.other.push(Write::InsertKey {
            scope: scope.clone(),
            key: claimed,
            fingerprint,
            status,
            body: body.to_owned(),
            created,
        });
        Ok(())
    }

    async fn prune_idempotency_keys(&mut self, before: i64) -> Result<u64> {
        let mut sql = Sql::new("DELETE FROM idempotency_keys WHERE created < ");
        sql.bind(before);
        Ok(self.execute(sql).await? as u64)
    }

    /// Each table's due rows come from its own due index, at most `limit` each, then merged.
    async fn due(&mut self, clock: Option<&str>, until: i64, limit: u32) -> Result<Vec<Due>> {
        let mut sql = Sql::new("SELECT account, livemode, kind, id, due_at FROM (");
        for (rank, table) in tables::WITH_DUE.iter().enumerate() {
            if rank > 0 {
                sql.push(" UNION ALL ");
            }
            sql.push(&format!(
                "SELECT * FROM (SELECT {rank} AS rank, seq, account, livemode, kind, id, due_at FROM {table} \
                 WHERE due_at IS NOT NULL AND "
            ));
            match clock {
                Some(clock) => sql.push("clock = ").bind(clock),
                None => sql.push("clock IS NULL"),
            };
            sql.push(" AND due_at <= ").bind(until).push(" ORDER BY due_at, seq LIMIT ").bind(i64::from(limit));
            sql.push(")");
        }
        sql.push(") ORDER BY due_at, rank, seq LIMIT ").bind(i64::from(limit));
        self.query(sql, &|row| {
            Ok(Due {
                scope: Scope { account: row.text(0)?, livemode: row.int(1)? != 0 },
                kind: row.text(2)?,
                id: row.text(3)?,
                due_at: row.int(4)?,
            })
        })
        .await
    }

    async fn key_owner(&mut self, key_hash: &str) -> Result<Option<KeyOwner>> {
        let mut sql = Sql::new("SELECT account, livemode FROM api_keys WHERE key_hash = ");
        sql.bind(key_hash);
        let rows = self.query(sql, &|row| Ok(KeyOwner { account: row.text(0)?, livemode: row.int(1)? != 0 })).await?;
        Ok(rows.into_iter().next())
    }

    async fn put_api_key(&mut self, key_hash: &str, owner: &KeyOwner, now: i64) -> Result<()> {
        let write = Write::PutApiKey { key_hash: key_hash.to_owned(), owner: owner.clone(), now };
        self.write_state()?.other.push(write);
        Ok(())
    }

    async fn setting(&mut self, name: &str) -> Result<Option<String>> {
        let mut sql = Sql::new("SELECT value FROM settings WHERE name = ");
        sql.bind(name);
        Ok(self.query(sql, &|row| row.text(0)).await?.into_iter().next())
    }

    async fn set_setting(&mut self, name: &str, value: &str) -> Result<()> {
        let write = Write::SetSetting { name: name.to_owned(), value: value.to_owned() };
        self.write_state()?.other.push(write);
        Ok(())
    }

    async fn commit(mut self: Box<Self>) -> Result<()> {
        let Some(write) = &mut self.write else { return Ok(()) };
        if !write.open {
            if write.buffer.is_empty() && write.other.is_empty() {
                return Ok(());
            }
            // Without a statement run, nothing but inserts can be queued: the transaction joins a group commit.
            debug_assert!(write.buffer.only_inserts());
            let writes: Vec<Write> =
                write.buffer.take().into_iter().map(Write::Object).chain(std::mem::take(&mut write.other)).collect();
            return write.group.commit(writes).await;
        }
        let touched = std::mem::take(&mut write.touched);
        let conn = write.flush().await?;
        conn.execute_batch("COMMIT")?;
        self.versions.committed(conn, touched.iter().map(String::as_str));
        write.open = false;
        Ok(())
    }
}
