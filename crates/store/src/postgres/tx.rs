use std::sync::Arc;

use async_trait::async_trait;
use portico_core::Scope;
use serde_json::Value;
use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder, Row as _, Transaction};

use super::copies::{self, Copies, Relied};
use super::fields;
use super::flush::{self, KeyRecord};
use super::group::GroupCommitter;
use super::search::{push_null_at, push_search};
use crate::buffer::Buffer;
use crate::{
    Claim, Due, FieldFilter, JsonRow, KeyOwner, ListQuery, Page, Result, Scalar, SearchExpr, StoreError, Tx,
};

/// A PostgreSQL transaction that costs as few round trips as possible:
///
/// - it begins with its first statement, so requests that never touch the database cost nothing;
/// - writes are queued (`crate::buffer`) and sent with the next query that must see them or at commit, all new
///   rows in one statement and all new versions in another (`flush.rs`); a transaction that only inserts (a
///   create: the object, its event, its idempotency record) needs no `BEGIN`/`COMMIT` at all: its rows go out
///   in one autocommit statement, which PostgreSQL applies atomically, together with other requests' (`group.rs`);
/// - documents it wrote or read `FOR UPDATE` are read back without asking the database;
/// - read-only transactions run their statements on one pooled connection without `BEGIN`; each statement
///   sees a consistent snapshot of its own.
///
/// A queued insert that breaks a uniqueness rule fails with [`StoreError::Conflict`] where it is sent.
///
/// In a long transaction (a batch of due renewals), every [`BACKGROUND_FLUSH`] queued writes are sent by a task
/// of their own while the caller goes on: the server stores them while this process computes the next ones. The
/// connection comes back before the next statement; an error is reported there or at the commit.
pub(super) struct PostgresTx {
    pool: PgPool,
    group: GroupCommitter,
    copies: Arc<Copies>,
    /// Copies this transaction used instead of reading the rows, checked where its writes are stored.
    relied: Vec<Relied>,
    /// Documents it wrote that have copies on this node, dropped once it commits.
    wrote: Vec<String>,
    write: bool,
    conn: Option<Conn>,
    /// Writes being sent in the background, with the transaction's connection.
    flushing: Option<Flushing>,
    buffer: Buffer,
    pending_key: Option<KeyRecord>,
    /// The idempotency key this transaction claimed: `(key, fingerprint, claimed at)`.
    claimed: Option<(String, String, i64)>,
}

/// Queued writes sent in the background while the transaction goes on.
const BACKGROUND_FLUSH: usize = 256;

/// A background flush: gives the transaction back with the outcome.
type Flushing = tokio::task::JoinHandle<(Transaction<'static, Postgres>, Result<()>)>;

enum Conn {
    Tx(Transaction<'static, Postgres>),
    Plain(PoolConnection<Postgres>),
}

const GET: &str = "SELECT data::text FROM objects WHERE account = $1 AND livemode = $2 AND kind = $3 AND id = $4";
const GET_FOR_UPDATE: &str =
    "SELECT data::text FROM objects WHERE account = $1 AND livemode = $2 AND kind = $3 AND id = $4 FOR UPDATE";

impl PostgresTx {
    pub(super) fn new(pool: PgPool, group: GroupCommitter, copies: Arc<Copies>, write: bool) -> Self {
        Self {
            pool,
            group,
            copies,
            relied: Vec::new(),
            wrote: Vec::new(),
            write,
            conn: None,
            flushing: None,
            buffer: Buffer::default(),
            pending_key: None,
            claimed: None,
        }
    }

    /// Notes a write of a document this node has a copy of.
    fn note_write(&mut self, scope: &Scope, kind: &str, id: &str) {
        if let Some(key) = self.copies.written(scope, kind, id) {
            self.wrote.push(key);
        }
    }

    /// The connection for the next statement, the transaction begun if needed; queued writes stay queued.
    async fn conn(&mut self) -> Result<&mut PgConnection> {
        if let Some(flushing) = self.flushing.take() {
            let (tx, outcome) =
                flushing.await.map_err(|e| StoreError::Config(format!("PostgreSQL background flush: {e}")))?;
            self.conn = Some(Conn::Tx(tx));
            outcome?;
        }
        if self.conn.is_none() {
            self.conn = Some(if self.write {
                Conn::Tx(self.pool.begin().await?)
            } else {
                Conn::Plain(self.pool.acquire().await?)
            });
        }
        Ok(match self.conn.as_mut().expect("connection opened above") {
            Conn::Tx(tx) => tx,
            Conn::Plain(conn) => conn,
        })
    }

    /// Hands the queued writes and the open transaction to a task when enough are queued, once the previous such
    /// flush (if any) has finished.
    async fn flush_in_background(&mut self) -> Result<()> {
        if self.buffer.len() < BACKGROUND_FLUSH {
            return Ok(());
        }
        match &self.flushing {
            Some(flushing) if !flushing.is_finished() => return Ok(()),
            Some(_) => {
                self.conn().await?;
            }
            None => {}
        }
        // Only an open transaction: before its first statement the writes may still go out as one autocommit.
        if !matches!(self.conn, Some(Conn::Tx(_))) {
            return Ok(());
        }
        let Some(Conn::Tx(mut tx)) = self.conn.take() else { return Ok(()) };
        let pending = self.buffer.take();
        self.flushing = Some(tokio::spawn(async move {
            let outcome = flush::flush(&mut tx, pending, None).await;
            (tx, outcome)
        }));
        Ok(())
    }

    /// The connection for a statement that must see this transaction's writes: queued writes are sent first.
    async fn flushed(&mut self) -> Result<&mut PgConnection> {
        let pending = self.buffer.take();
        let key = self.pending_key.take();
        let conn = self.conn().await?;
        if !pending.is_empty() || key.is_some() {
            flush::flush(conn, pending, key).await?;
        }
        Ok(conn)
    }

    async fn get_doc(&mut self, scope: &Scope, kind: &str, id: &str, lock: bool) -> Result<Option<String>> {
        if self.write
            && let Some(known) = self.buffer.read(scope, kind, id, lock)
        {
            return Ok(known);
        }
        let found = fetch_doc(self.conn().await?, if lock { GET_FOR_UPDATE } else { GET }, scope, kind, id).await?;
        if self.write && lock {
            self.buffer.remember(scope, kind, id, found.clone(), true);
        }
        Ok(found)
    }
}

/// One document by id (`GET` or `GET_FOR_UPDATE`) on a connection or the pool.
async fn fetch_doc<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    sql: &'static str,
    scope: &Scope,
    kind: &str,
    id: &str,
) -> Result<Option<String>> {
    let row = sqlx::query(sql)
        .bind(&scope.account)
        .bind(scope.livemode)
        .bind(kind)
        .bind(id)
        .fetch_optional(executor)
        .await?;
    Ok(row.map(|row| row.get::<String, _>(0)))
}

/// A scalar as the JSONB value a document would hold, for containment and comparisons.
pub(super) fn scalar_json(value: &Scalar) -> Value {
    match value {
        Scalar::Str(s) => Value::from(s.as_str()),
        Scalar::Int(i) => Value::from(*i),
        Scalar::Bool(b) => Value::from(*b),
        Scalar::Null => Value::Null,
    }
}

/// `{"a": {"b": value}}`: the document fragment `data @> …` looks for (served by the GIN index).
fn containment(path: &[String], value: Value) -> Value {
    path.iter().rev().fold(value, |inner, key| {
        let mut map = serde_json::Map::new();
        map.insert(key.clone(), inner);
        Value::Object(map)
    })
}

fn push_scope(qb: &mut QueryBuilder<Postgres>, scope: &Scope, kind: &str) {
    qb.push(" WHERE account = ").push_bind(scope.account.clone());
    qb.push(" AND livemode = ").push_bind(scope.livemode);
    qb.push(" AND kind = ").push_bind(kind.to_owned());
}

impl PostgresTx {
    async fn cursor(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<(i64, i64)> {
        sqlx::query("SELECT created, seq FROM objects WHERE account = $1 AND livemode = $2 AND kind = $3 AND id = $4")
            .bind(&scope.account)
            .bind(scope.livemode)
            .bind(kind)
            .bind(id)
            .fetch_optional(self.flushed().await?)
            .await?
            .map(|row| (row.get(0), row.get(1)))
            .ok_or_else(|| StoreError::CursorNotFound(id.to_owned()))
    }

    async fn fetch_page(&mut self, mut qb: QueryBuilder<Postgres>, limit: u32, reverse: bool) -> Result<Page> {
        let order = if reverse { "ASC" } else { "DESC" };
        qb.push(format!(" ORDER BY created {order}, seq {order} LIMIT ")).push_bind(i64::from(limit) + 1);
        let rows = qb.build().fetch_all(self.flushed().await?).await?;
        let has_more = rows.len() > limit as usize;
        let mut data =
            rows.iter().take(limit as usize).map(|row| Ok(row.get::<Value, _>(0))).collect::<Result<Vec<_>>>()?;
        if reverse {
            data.reverse();
        }
        Ok(Page { data, has_more })
    }
}

#[async_trait]
impl Tx for PostgresTx {
    async fn get_json(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<Option<String>> {
        self.get_doc(scope, kind, id, false).await
    }

    /// Before the transaction has begun: this node's copy, relied on until the commit checks it (`copies.rs`),
    /// or a read on a pooled connection in autocommit mode, the same read-committed snapshot the transaction's
    /// statement would see, without a `BEGIN`. Either way a transaction that goes on to only insert still
    /// commits as one autocommit statement.
    async fn get_json_committed(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<Option<String>> {
        if !self.write || self.conn.is_some() || self.flushing.is_some() {
            return self.get_doc(scope, kind, id, false).await;
        }
        if let Some(known) = self.buffer.read(scope, kind, id, false) {
            return Ok(known);
        }
        let found = match self.copies.get(scope, kind, id) {
            Some(copy) => {
                let relied =
                    Relied { scope: scope.clone(), kind: kind.to_owned(), id: id.to_owned(), data: copy.clone() };
                self.relied.push(relied);
                copy
            }
            None => {
                let found = fetch_doc(&self.pool, GET, scope, kind, id).await?;
                self.copies.put(scope, kind, id, found.clone());
                found
            }
        };
        self.buffer.remember(scope, kind, id, found.clone(), false);
        Ok(found)
    }

    async fn get_json_for_update(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<Option<String>> {
        self.get_doc(scope, kind, id, true).await
    }

    async fn prefetch(&mut self, scope: &Scope, kind: &str, ids: &[String], lock: bool) -> Result<()> {
        if !self.write {
            return Ok(());
        }
        let mut wanted: Vec<String> =
            ids.iter().filter(|id| self.buffer.read(scope, kind, id, lock).is_none()).cloned().collect();
        if wanted.is_empty() {
            return Ok(());
        }
        // Locks are taken in id order, as every prefetch takes them, so two transactions never wait on each other.
        wanted.sort_unstable();
        wanted.dedup();
        // One primary-key lookup per id, whatever the planner believes: with `id = ANY($4)` a young table without
        // statistics got a scan of every object of the kind instead (a webhook round went from 3,400 deliveries
        // per second to 1,400). The subquery must stay a subquery for that: `FOR UPDATE` keeps it one, and
        // without it `LIMIT 1` does (flattened into a join, it was planned as that same scan, once per id: 550 ms
        // for 256 events among 20,000 before the first ANALYZE, 8 ms after this).
        let sql = if lock {
            "SELECT o.id, o.data::text FROM unnest($4::text[]) AS wanted(id) CROSS JOIN LATERAL \
             (SELECT id, data FROM objects WHERE id = wanted.id AND account = $1 AND livemode = $2 AND kind = $3 \
              FOR UPDATE) AS o"
        } else {
            "SELECT o.id, o.data::text FROM unnest($4::text[]) AS wanted(id) CROSS JOIN LATERAL \
             (SELECT id, data FROM objects WHERE id = wanted.id AND account = $1 AND livemode = $2 AND kind = $3 \
              LIMIT 1) AS o"
        };
        let rows = sqlx::query(sql)
            .bind(&scope.account)
            .bind(scope.livemode)
            .bind(kind)
            .bind(&wanted)
            .fetch_all(self.conn().await?)
            .await?;
        let mut found: std::collections::HashMap<String, String> =
            rows.iter().map(|row| (row.get(0), row.get(1))).collect();
        for id in &wanted {
            let json = found.remove(id);
            self.buffer.remember(scope, kind, id, json, lock);
        }
        Ok(())
    }

    async fn insert_json(&mut self, scope: &Scope, row: JsonRow) -> Result<()> {
        self.note_write(scope, row.kind, &row.id);
        self.buffer.insert(scope, row)?;
        self.flush_in_background().await
    }

    async fn update_json(&mut self, scope: &Scope, row: JsonRow) -> Result<()> {
        self.note_write(scope, row.kind, &row.id);
        let row = if self.write {
            match self.buffer.update(scope, row)? {
                None => return self.flush_in_background().await,
                Some(row) => row,
            }
        } else {
            row
        };
        let result = sqlx::query(
            "UPDATE objects SET customer = $1, data = $2::json, clock = $7, due_at = $8, fields = $9::jsonb \
             WHERE account = $3 AND livemode = $4 AND kind = $5 AND id = $6",
        )
        .bind(&row.customer)
        .bind(&row.json)
        .bind(&scope.account)
        .bind(scope.livemode)
        .bind(row.kind)
        .bind(&row.id)
        .bind(&row.clock)
        .bind(row.due_at)
        .bind(fields::of(row.kind, &row.json)?)
        .execute(self.flushed().await?)
        .await?;
        if result.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    async fn delete(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<bool> {
        self.note_write(scope, kind, id);
        let result = sqlx::query("DELETE FROM objects WHERE account = $1 AND livemode = $2 AND kind = $3 AND id = $4")
            .bind(&scope.account)
            .bind(scope.livemode)
            .bind(kind)
            .bind(id)
            .execute(self.flushed().await?)
            .await?;
        self.buffer.forget(scope, kind, id);
        Ok(result.rows_affected() > 0)
    }

    async fn list(&mut self, scope: &Scope, kind: &str, query: &ListQuery) -> Result<Page> {
        let mut qb = QueryBuilder::new("SELECT data FROM objects");
        push_scope(&mut qb, scope, kind);
        if let Some(customer) = &query.customer {
            qb.push(" AND customer = ").push_bind(customer.clone());
        }
        for (op, bound) in
            [(">", query.created.gt), (">=", query.created.gte), ("<", query.created.lt), ("<=", query.created.lte)]
        {
            if let Some(bound) = bound {
                qb.push(format!(" AND created {op} ")).push_bind(bound);
            }
        }
        for filter in &query.filters {
            match filter {
                FieldFilter::Eq(path, Scalar::Null) => {
                    qb.push(" AND ");
                    push_null_at(&mut qb, path);
                }
                FieldFilter::Eq(path, value) => {
                    let indexed = path.first().is_some_and(|field| fields::indexed(kind, field));
                    qb.push(if indexed { " AND fields @> " } else { " AND data::jsonb @> " });
                    qb.push_bind(containment(path, scalar_json(value))).push("::jsonb");
                }
                FieldFilter::In(path, values) => {
                    qb.push(" AND data #>> ")
                        .push_bind(path.clone())
                        .push(" = ANY(")
                        .push_bind(values.clone())
                        .push(")");
                }
            }
        }
        let reverse = query.ending_before.is_some() && query.starting_after.is_none();
        if let Some(after) = &query.starting_after {
            let (created, seq) = self.cursor(scope, kind, after).await?;
            qb.push(" AND (created, seq) < (").push_bind(created).push(", ").push_bind(seq).push(")");
        } else if let Some(before) = &query.ending_before {
            let (created, seq) = self.cursor(scope, kind, before).await?;
            qb.push(" AND (created, seq) > (").push_bind(created).push(", ").push_bind(seq).push(")");
        }
        self.fetch_page(qb, query.limit, reverse).await
    }

    async fn search(
        &mut self,
        scope: &Scope,
        kind: &str,
        expr: &SearchExpr,
        limit: u32,
        after: Option<&str>,
    ) -> Result<Page> {
        let mut qb = QueryBuilder::new("SELECT data FROM objects");
        push_scope(&mut qb, scope, kind);
        push_search(&mut qb, expr);
        if let Some(after) = after {
            let (created, seq) = self.cursor(scope, kind, after).await?;
            qb.push(" AND (created, seq) < (").push_bind(created).push(", ").push_bind(seq).push(")");
        }
        self.fetch_page(qb, limit, false).await
    }

    /// A write transaction does not look the key up (`Claim::Unchecked`): that was a statement of its own, as
    /// costly to the server as a create's whole insert. The key is inserted with the answer, which fails with a
    /// conflict if the key was used before (or by a concurrent request, after waiting for it), undoing this
    /// request. A read-only transaction looks it up.
    async fn claim_idempotency_key(&mut self, scope: &Scope, key: &str, fingerprint: &str, now: i64) -> Result<Claim> {
        if self.write {
            self.claimed = Some((key.to_owned(), fingerprint.to_owned(), now));
            return Ok(Claim::Unchecked);
        }
        let query = sqlx::query(
            "SELECT fingerprint, status, body FROM idempotency_keys WHERE account = $1 AND livemode = $2 AND key = $3",
        )
        .bind(&scope.account)
        .bind(scope.livemode)
        .bind(key);
        let row = if self.conn.is_some() {
            query.fetch_optional(self.flushed().await?).await?
        } else {
            query.fetch_optional(&self.pool).await?
        };
        if let Some(row) = row {
            return Ok(Claim::Done {
                fingerprint: row.get(0),
                status: row.get::<Option<i32>, _>(1).unwrap_or(500) as u16,
                body: row.get::<Option<String>, _>(2).unwrap_or_default(),
            });
        }
        Ok(Claim::New)
    }

    async fn finish_idempotency_key(&mut self, scope: &Scope, key: &str, status: u16, body: &str) -> Result<()> {
        let Some((key, fingerprint, created)) = self.claimed.take().filter(|(claimed, _, _)| claimed == key) else {
            return Err(StoreError::Config(format!("idempotency key {key} was not claimed in this transaction")));
        };
        self.pending_key =
            Some(KeyRecord { scope: scope.clone(), key, fingerprint, status, body: body.to_owned(), created });
        Ok(())
    }

    async fn prune_idempotency_keys(&mut self, before: i64) -> Result<u64> {
        let result = sqlx::query("DELETE FROM idempotency_keys WHERE created < $1")
            .bind(before)
            .execute(self.flushed().await?)
            .await?;
        Ok(result.rows_affected())
    }

    async fn due(&mut self, clock: Option<&str>, until: i64, limit: u32) -> Result<Vec<Due>> {
        let mut qb =
            QueryBuilder::new("SELECT account, livemode, kind, id, due_at FROM objects WHERE due_at IS NOT NULL AND ");
        match clock {
            Some(clock) => qb.push("clock = ").push_bind(clock.to_owned()),
            None => qb.push("clock IS NULL"),
        };
        qb.push(" AND due_at <= ").push_bind(until).push(" ORDER BY due_at, seq LIMIT ").push_bind(i64::from(limit));
        if self.write {
            qb.push(" FOR UPDATE SKIP LOCKED");
        }
        let rows = qb.build().fetch_all(self.flushed().await?).await?;
        Ok(rows
            .iter()
            .map(|row| Due {
                scope: Scope { account: row.get(0), livemode: row.get(1) },
                kind: row.get(2),
                id: row.get(3),
                due_at: row.get(4),
            })
            .collect())
    }

    async fn key_owner(&mut self, key_hash: &str) -> Result<Option<KeyOwner>> {
        let row = sqlx::query("SELECT account, livemode FROM api_keys WHERE key_hash = $1")
            .bind(key_hash)
            .fetch_optional(self.flushed().await?)
            .await?;
        Ok(row.map(|row| KeyOwner { account: row.get(0), livemode: row.get(1) }))
    }

    async fn put_api_key(&mut self, key_hash: &str, owner: &KeyOwner, now: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO api_keys (key_hash, account, livemode, created) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (key_hash) DO UPDATE SET account = excluded.account, livemode = excluded.livemode",
        )
        .bind(key_hash)
        .bind(&owner.account)
        .bind(owner.livemode)
        .bind(now)
        .execute(self.flushed().await?)
        .await?;
        Ok(())
    }

    async fn setting(&mut self, name: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT value FROM settings WHERE name = $1")
            .bind(name)
            .fetch_optional(self.flushed().await?)
            .await?;
        Ok(row.map(|row| row.get(0)))
    }

    async fn set_setting(&mut self, name: &str, value: &str) -> Result<()> {
        sqlx::query("INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
            .bind(name)
            .bind(value)
            .execute(self.flushed().await?)
            .await?;
        Ok(())
    }

    async fn commit(mut self: Box<Self>) -> Result<()> {
        if self.flushing.is_some() {
            self.conn().await?;
        }
        let pending = self.buffer.take();
        let key = self.pending_key.take();
        let relied_keys: Vec<String> = self.relied.iter().map(Relied::key).collect();
        let relied = std::mem::take(&mut self.relied);
        let outcome = match self.conn.take() {
            // Nothing read, so nothing but inserts queued: one statement in autocommit mode is atomic on its own,
            // and may carry other requests' inserts too (`group.rs`).
            None => self.group.commit(pending, key, relied).await,
            Some(Conn::Tx(tx)) => commit_open(tx, pending, key, &relied).await,
            Some(Conn::Plain(_)) => Ok(()),
        };
        match &outcome {
            Ok(()) => self.copies.forget(&self.wrote),
            Err(StoreError::Stale) => self.copies.forget(&relied_keys),
            Err(_) => {}
        }
        outcome
    }
}

/// Commits a begun transaction: its queued writes, then the check of the copies it relied on.
async fn commit_open(
    mut tx: Transaction<'static, Postgres>,
    pending: Vec<crate::buffer::Pending>,
    key: Option<KeyRecord>,
    relied: &[Relied],
) -> Result<()> {
    flush::flush(&mut tx, pending, key).await?;
    copies::check(&mut tx, relied).await?;
    Ok(tx.commit().await?)
}
