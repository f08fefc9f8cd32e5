//! A SQLite transaction that costs as few trips to SQLite's worker thread as possible, because the single
//! writer connection is held for as long as a transaction is open:
//!
//! - nothing happens until the first statement: the connection is acquired and `BEGIN IMMEDIATE` sent then,
//!   in the same batch as that statement;
//! - writes whose result the caller does not need (inserts, event appends, idempotency records) are queued
//!   and sent with the next read or with `COMMIT`, as one multi-statement batch;
//! - read-only transactions send no `BEGIN`/`COMMIT` at all: each statement reads its own WAL snapshot.
//!
//! A create therefore costs one trip (`BEGIN IMMEDIATE; INSERT …; INSERT …; COMMIT`). A queued insert that
//! breaks a uniqueness rule fails with [`StoreError::Conflict`] where its batch is sent.

use async_trait::async_trait;
use portico_core::Scope;
use serde_json::Value;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row as _, Sqlite};

use super::conns::{Conns, Lease};
use super::group::GroupCommitter;
use super::search::push_search;
use super::write::Write;
use crate::{Claim, Due, FieldFilter, KeyOwner, ListQuery, Page, Result, Row, Scalar, SearchExpr, StoreError, Tx};

pub(super) struct SqliteTx {
    pool: Conns,
    /// Where a write transaction looks up idempotency keys before it holds the writer.
    readers: Option<Conns>,
    group: Option<GroupCommitter>,
    /// The idempotency key this transaction claimed: `(key, fingerprint, claimed at)`.
    claimed: Option<(String, String, i64)>,
    write: bool,
    conn: Option<Lease>,
    /// `BEGIN IMMEDIATE` was sent: the connection is inside a transaction that must end.
    open: bool,
    pending: Vec<Write>,
}

/// `$."a"."b"`: a JSON path for `json_extract`, quoting each label so any metadata key is safe.
pub(super) fn json_path(path: &[String]) -> String {
    let mut out = String::from("$");
    for part in path {
        out.push_str(".\"");
        out.push_str(&part.replace('"', "\\\""));
        out.push('"');
    }
    out
}

pub(super) fn push_scalar(qb: &mut QueryBuilder<Sqlite>, value: &Scalar) {
    match value {
        Scalar::Str(s) => qb.push_bind(s.clone()),
        Scalar::Int(i) => qb.push_bind(*i),
        Scalar::Bool(b) => qb.push_bind(i64::from(*b)),
        Scalar::Null => qb.push("NULL"),
    };
}

fn push_scope(qb: &mut QueryBuilder<Sqlite>, scope: &Scope, kind: &str) {
    qb.push(" WHERE account = ").push_bind(scope.account.clone());
    qb.push(" AND livemode = ").push_bind(scope.livemode);
    qb.push(" AND kind = ").push_bind(kind.to_owned());
}

fn parse(data: &str) -> Result<Value> {
    Ok(serde_json::from_str(data)?)
}

/// A uniqueness violation means a conflicting id; everything else is a database failure.
fn classify(error: sqlx::Error) -> StoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict,
        _ => StoreError::Database(error),
    }
}

impl SqliteTx {
    pub(super) fn read(pool: Conns) -> Self {
        Self {
            pool,
            readers: None,
            group: None,
            claimed: None,
            write: false,
            conn: None,
            open: false,
            pending: Vec::new(),
        }
    }

    pub(super) fn write(pool: Conns, readers: Conns, group: GroupCommitter) -> Self {
        Self {
            pool,
            readers: Some(readers),
            group: Some(group),
            claimed: None,
            write: true,
            conn: None,
            open: false,
            pending: Vec::new(),
        }
    }

    /// Starts a batch: `BEGIN IMMEDIATE` if this is the write transaction's first statement, then every
    /// queued write. The caller appends its own statement, last.
    fn batch(&mut self) -> QueryBuilder<Sqlite> {
        let mut qb = QueryBuilder::new("");
        if self.write && !self.open {
            qb.push("BEGIN IMMEDIATE; ");
            self.open = true;
        }
        for write in self.pending.drain(..) {
            write.push_to(&mut qb);
        }
        qb
    }

    async fn fetch(&mut self, mut qb: QueryBuilder<Sqlite>) -> Result<Vec<SqliteRow>> {
        if self.conn.is_none() {
            self.conn = Some(self.pool.acquire().await);
        }
        let conn = self.conn.as_mut().expect("connection acquired above");
        qb.build().fetch_all(&mut **conn).await.map_err(classify)
    }

    async fn cursor(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<(i64, i64)> {
        let mut qb = self.batch();
        qb.push("SELECT created, seq FROM objects");
        push_scope(&mut qb, scope, kind);
        qb.push(" AND id = ").push_bind(id.to_owned());
        let rows = self.fetch(qb).await?;
        rows.first().map(|row| (row.get(0), row.get(1))).ok_or_else(|| StoreError::CursorNotFound(id.to_owned()))
    }

    async fn fetch_page(&mut self, mut qb: QueryBuilder<Sqlite>, limit: u32, reverse: bool) -> Result<Page> {
        let order = if reverse { "ASC" } else { "DESC" };
        qb.push(format!(" ORDER BY created {order}, seq {order} LIMIT ")).push_bind(i64::from(limit) + 1);
        let rows = self.fetch(qb).await?;
        let has_more = rows.len() > limit as usize;
        let mut data = rows.iter().take(limit as usize).map(|row| parse(row.get(0))).collect::<Result<Vec<_>>>()?;
        if reverse {
            data.reverse();
        }
        Ok(Page { data, has_more })
    }
}

impl Drop for SqliteTx {
    /// An unfinished write transaction is rolled back before its connection is handed to anyone else.
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else { return };
        if !self.open {
            return;
        }
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    // Fails harmlessly when a failed batch already ended the transaction.
                    let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
                });
            }
            // Outside a runtime nothing can be awaited; the next BEGIN on this connection would then fail
            // loudly rather than run inside the abandoned transaction. Portico never drops one there.
            Err(_) => drop(conn),
        }
    }
}

#[async_trait]
impl Tx for SqliteTx {
    async fn get(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<Option<Value>> {
        let mut qb = self.batch();
        qb.push("SELECT data FROM objects");
        push_scope(&mut qb, scope, kind);
        qb.push(" AND id = ").push_bind(id.to_owned());
        let rows = self.fetch(qb).await?;
        rows.first().map(|row| parse(row.get(0))).transpose()
    }

    async fn get_for_update(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<Option<Value>> {
        // Write transactions hold SQLite's single write lock from their first statement (BEGIN IMMEDIATE).
        self.get(scope, kind, id).await
    }

    async fn insert(&mut self, scope: &Scope, row: Row) -> Result<()> {
        self.pending.push(Write::Insert { scope: scope.clone(), row });
        Ok(())
    }

    async fn update(&mut self, scope: &Scope, row: Row) -> Result<()> {
        let mut qb = self.batch();
        qb.push("UPDATE objects SET customer = ")
            .push_bind(row.customer)
            .push(", clock = ")
            .push_bind(row.clock)
            .push(", due_at = ")
            .push_bind(row.due_at)
            .push(", data = ")
            .push_bind(row.data.to_string());
        push_scope(&mut qb, scope, row.kind);
        qb.push(" AND id = ").push_bind(row.id).push(" RETURNING seq");
        if self.fetch(qb).await?.is_empty() { Err(StoreError::NotFound) } else { Ok(()) }
    }

    async fn delete(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<bool> {
        let mut qb = self.batch();
        qb.push("DELETE FROM objects");
        push_scope(&mut qb, scope, kind);
        qb.push(" AND id = ").push_bind(id.to_owned()).push(" RETURNING seq");
        Ok(!self.fetch(qb).await?.is_empty())
    }

    async fn list(&mut self, scope: &Scope, kind: &str, query: &ListQuery) -> Result<Page> {
        let reverse = query.ending_before.is_some() && query.starting_after.is_none();
        let cursor = match (&query.starting_after, &query.ending_before) {
            (Some(after), _) => Some(("<", self.cursor(scope, kind, after).await?)),
            (None, Some(before)) => Some((">", self.cursor(scope, kind, before).await?)),
            (None, None) => None,
        };
        let mut qb = self.batch();
        qb.push("SELECT data FROM objects");
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
                    qb.push(" AND json_extract(data, ").push_bind(json_path(path)).push(") IS NULL");
                }
                FieldFilter::Eq(path, value) => {
                    qb.push(" AND json_extract(data, ").push_bind(json_path(path)).push(") = ");
                    push_scalar(&mut qb, value);
                }
                FieldFilter::In(path, values) => {
                    qb.push(" AND json_extract(data, ").push_bind(json_path(path)).push(") IN (");
                    let mut list = qb.separated(", ");
                    for value in values {
                        list.push_bind(value.clone());
                    }
                    qb.push(")");
                    if values.is_empty() {
                        qb.push(" AND 0");
                    }
                }
            }
        }
        if let Some((op, (created, seq))) = cursor {
            qb.push(format!(" AND (created, seq) {op} (")).push_bind(created).push(", ").push_bind(seq).push(")");
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
        let cursor = match after {
            Some(after) => Some(self.cursor(scope, kind, after).await?),
            None => None,
        };
        let mut qb = self.batch();
        qb.push("SELECT data FROM objects");
        push_scope(&mut qb, scope, kind);
        push_search(&mut qb, expr);
        if let Some((created, seq)) = cursor {
            qb.push(" AND (created, seq) < (").push_bind(created).push(", ").push_bind(seq).push(")");
        }
        self.fetch_page(qb, limit, false).await
    }

    /// Looks the key up without taking the writer (so the request can still join a group commit); the key is
    /// written with the answer at the end. Two concurrent requests with one key may both run, but only the
    /// first to commit keeps its effects: the other's commit fails with a conflict and it replays the first.
    async fn claim_idempotency_key(&mut self, scope: &Scope, key: &str, fingerprint: &str, now: i64) -> Result<Claim> {
        let mut qb = if self.open { self.batch() } else { QueryBuilder::new("") };
        qb.push("SELECT fingerprint, status, body FROM idempotency_keys WHERE account = ");
        qb.push_bind(scope.account.clone()).push(" AND livemode = ").push_bind(scope.livemode);
        qb.push(" AND key = ").push_bind(key.to_owned());
        let rows = match (&self.readers, self.open) {
            (Some(readers), false) => {
                let mut reader = readers.acquire().await;
                qb.build().fetch_all(&mut *reader).await.map_err(classify)?
            }
            _ => self.fetch(qb).await?,
        };
        if let Some(row) = rows.first() {
            return Ok(Claim::Done {
                fingerprint: row.get(0),
                status: row.get::<Option<i64>, _>(1).unwrap_or(500) as u16,
                body: row.get::<Option<String>, _>(2).unwrap_or_default(),
            });
        }
        self.claimed = Some((key.to_owned(), fingerprint.to_owned(), now));
        Ok(Claim::New)
    }

    async fn finish_idempotency_key(&mut self, scope: &Scope, key: &str, status: u16, body: &str) -> Result<()> {
        let Some((claimed, fingerprint, created)) = self.claimed.take().filter(|(claimed, _, _)| claimed == key) else {
            return Err(StoreError::Config(format!("idempotency key {key} was not claimed in this transaction")));
        };
        self.pending.push(Write::InsertKey {
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
        let mut qb = self.batch();
        qb.push("DELETE FROM idempotency_keys WHERE created < ").push_bind(before).push("; SELECT changes()");
        let rows = self.fetch(qb).await?;
        Ok(rows.first().map(|row| row.get::<i64, _>(0)).unwrap_or(0) as u64)
    }

    async fn due(&mut self, clock: Option<&str>, until: i64, limit: u32) -> Result<Vec<Due>> {
        let mut qb = self.batch();
        qb.push("SELECT account, livemode, kind, id, due_at FROM objects WHERE due_at IS NOT NULL AND ");
        match clock {
            Some(clock) => qb.push("clock = ").push_bind(clock.to_owned()),
            None => qb.push("clock IS NULL"),
        };
        qb.push(" AND due_at <= ").push_bind(until).push(" ORDER BY due_at, seq LIMIT ").push_bind(i64::from(limit));
        let rows = self.fetch(qb).await?;
        Ok(rows
            .iter()
            .map(|row| Due {
                scope: Scope { account: row.get(0), livemode: row.get::<i64, _>(1) != 0 },
                kind: row.get(2),
                id: row.get(3),
                due_at: row.get(4),
            })
            .collect())
    }

    async fn key_owner(&mut self, key_hash: &str) -> Result<Option<KeyOwner>> {
        let mut qb = self.batch();
        qb.push("SELECT account, livemode FROM api_keys WHERE key_hash = ").push_bind(key_hash.to_owned());
        let rows = self.fetch(qb).await?;
        Ok(rows.first().map(|row| KeyOwner { account: row.get(0), livemode: row.get(1) }))
    }

    async fn put_api_key(&mut self, key_hash: &str, owner: &KeyOwner, now: i64) -> Result<()> {
        self.pending.push(Write::PutApiKey { key_hash: key_hash.to_owned(), owner: owner.clone(), now });
        Ok(())
    }

    async fn setting(&mut self, name: &str) -> Result<Option<String>> {
        let mut qb = self.batch();
        qb.push("SELECT value FROM settings WHERE name = ").push_bind(name.to_owned());
        let rows = self.fetch(qb).await?;
        Ok(rows.first().map(|row| row.get(0)))
    }

    async fn set_setting(&mut self, name: &str, value: &str) -> Result<()> {
        self.pending.push(Write::SetSetting { name: name.to_owned(), value: value.to_owned() });
        Ok(())
    }

    async fn commit(mut self: Box<Self>) -> Result<()> {
        if !self.open && self.pending.is_empty() {
            return Ok(());
        }
        // A transaction that only wrote has nothing to keep consistent with: it joins a group commit.
        if !self.open
            && let Some(group) = self.group.clone()
        {
            return group.commit(std::mem::take(&mut self.pending)).await;
        }
        let mut qb = self.batch();
        qb.push("COMMIT");
        self.fetch(qb).await?;
        self.open = false;
        Ok(())
    }
}
