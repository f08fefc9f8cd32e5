use async_trait::async_trait;
use portico_core::Scope;
use serde_json::Value;
use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder, Row as _, Transaction};

use super::search::push_search;
use crate::{Claim, Due, FieldFilter, KeyOwner, ListQuery, Page, Result, Row, Scalar, SearchExpr, StoreError, Tx};

/// A PostgreSQL transaction that costs as few round trips as possible:
///
/// - it begins with its first statement, so requests that never touch the database cost nothing;
/// - inserts are queued and sent as one statement with the next read or at commit; a transaction that only
///   inserts (a create: the object, its event, its idempotency record) sends that one statement in autocommit
///   mode, which PostgreSQL applies atomically, and needs no `BEGIN`/`COMMIT` at all;
/// - read-only transactions run their statements on one pooled connection without `BEGIN`; each statement
///   sees a consistent snapshot of its own.
///
/// A queued insert that breaks a uniqueness rule fails with [`StoreError::Conflict`] where it is sent.
pub(super) struct PostgresTx {
    pool: PgPool,
    write: bool,
    conn: Option<Conn>,
    pending: Vec<(Scope, Row)>,
    pending_key: Option<KeyRecord>,
    /// The idempotency key this transaction claimed: `(key, fingerprint, claimed at)`.
    claimed: Option<(String, String, i64)>,
}

/// An idempotency key with its answer, inserted with the transaction's other writes. Plain `INSERT`: if a
/// concurrent request with the same key committed first, this fails with a conflict (after waiting for it).
struct KeyRecord {
    scope: Scope,
    key: String,
    fingerprint: String,
    status: u16,
    body: String,
    created: i64,
}

/// A uniqueness violation means a conflicting id or idempotency key; everything else is a database failure.
fn classify(error: sqlx::Error) -> StoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict,
        _ => StoreError::Database(error),
    }
}

/// One statement for all queued inserts: a multi-row `INSERT`, inside a data-modifying CTE with the
/// idempotency record when there is one. `None` when nothing is queued.
fn insert_statement(objects: Vec<(Scope, Row)>, key: Option<KeyRecord>) -> Option<QueryBuilder<Postgres>> {
    if objects.is_empty() && key.is_none() {
        return None;
    }
    let mut qb = QueryBuilder::new("");
    let in_cte = key.is_some() && !objects.is_empty();
    if in_cte {
        qb.push("WITH objects_written AS (");
    }
    if !objects.is_empty() {
        qb.push("INSERT INTO objects (account, livemode, kind, id, customer, created, clock, due_at, data) ");
        qb.push_values(objects, |mut values, (scope, row)| {
            values.push_bind(scope.account).push_bind(scope.livemode).push_bind(row.kind).push_bind(row.id);
            values.push_bind(row.customer).push_bind(row.created).push_bind(row.clock).push_bind(row.due_at);
            values.push_bind(row.data);
        });
    }
    if let Some(key) = key {
        if in_cte {
            qb.push(") ");
        }
        qb.push("INSERT INTO idempotency_keys (account, livemode, key, fingerprint, status, body, created) VALUES (");
        qb.push_bind(key.scope.account).push(", ").push_bind(key.scope.livemode).push(", ").push_bind(key.key);
        qb.push(", ").push_bind(key.fingerprint).push(", ").push_bind(i32::from(key.status)).push(", ");
        qb.push_bind(key.body).push(", ").push_bind(key.created).push(")");
    }
    Some(qb)
}

enum Conn {
    Tx(Transaction<'static, Postgres>),
    Plain(PoolConnection<Postgres>),
}

impl PostgresTx {
    pub(super) fn new(pool: PgPool, write: bool) -> Self {
        Self { pool, write, conn: None, pending: Vec::new(), pending_key: None, claimed: None }
    }

    fn raw(&mut self) -> &mut PgConnection {
        match self.conn.as_mut().expect("connection opened before use") {
            Conn::Tx(tx) => tx,
            Conn::Plain(conn) => conn,
        }
    }

    /// The connection for the next statement: the transaction is begun if needed, and queued inserts are
    /// sent first so the statement sees them.
    async fn conn(&mut self) -> Result<&mut PgConnection> {
        if self.conn.is_none() {
            self.conn = Some(if self.write {
                Conn::Tx(self.pool.begin().await?)
            } else {
                Conn::Plain(self.pool.acquire().await?)
            });
        }
        if let Some(mut statement) = insert_statement(std::mem::take(&mut self.pending), self.pending_key.take()) {
            statement.build().execute(self.raw()).await.map_err(classify)?;
        }
        Ok(self.raw())
    }
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
            .fetch_optional(self.conn().await?)
            .await?
            .map(|row| (row.get(0), row.get(1)))
            .ok_or_else(|| StoreError::CursorNotFound(id.to_owned()))
    }

    async fn fetch_page(&mut self, mut qb: QueryBuilder<Postgres>, limit: u32, reverse: bool) -> Result<Page> {
        let order = if reverse { "ASC" } else { "DESC" };
        qb.push(format!(" ORDER BY created {order}, seq {order} LIMIT ")).push_bind(i64::from(limit) + 1);
        let rows = qb.build().fetch_all(self.conn().await?).await?;
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
    async fn get(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<Option<Value>> {
        let row =
            sqlx::query("SELECT data FROM objects WHERE account = $1 AND livemode = $2 AND kind = $3 AND id = $4")
                .bind(&scope.account)
                .bind(scope.livemode)
                .bind(kind)
                .bind(id)
                .fetch_optional(self.conn().await?)
                .await?;
        row.map(|row| Ok(row.get::<Value, _>(0))).transpose()
    }

    async fn get_for_update(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<Option<Value>> {
        let row = sqlx::query(
            "SELECT data FROM objects WHERE account = $1 AND livemode = $2 AND kind = $3 AND id = $4 FOR UPDATE",
        )
        .bind(&scope.account)
        .bind(scope.livemode)
        .bind(kind)
        .bind(id)
        .fetch_optional(self.conn().await?)
        .await?;
        Ok(row.map(|row| row.get::<Value, _>(0)))
    }

    async fn insert(&mut self, scope: &Scope, row: Row) -> Result<()> {
        self.pending.push((scope.clone(), row));
        Ok(())
    }

    async fn update(&mut self, scope: &Scope, row: Row) -> Result<()> {
        let result = sqlx::query(
            "UPDATE objects SET customer = $1, data = $2, clock = $7, due_at = $8 \
             WHERE account = $3 AND livemode = $4 AND kind = $5 AND id = $6",
        )
        .bind(&row.customer)
        .bind(&row.data)
        .bind(&scope.account)
        .bind(scope.livemode)
        .bind(row.kind)
        .bind(&row.id)
        .bind(&row.clock)
        .bind(row.due_at)
        .execute(self.conn().await?)
        .await?;
        if result.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    async fn delete(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<bool> {
        let result = sqlx::query("DELETE FROM objects WHERE account = $1 AND livemode = $2 AND kind = $3 AND id = $4")
            .bind(&scope.account)
            .bind(scope.livemode)
            .bind(kind)
            .bind(id)
            .execute(self.conn().await?)
            .await?;
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
                    qb.push(" AND coalesce(data #> ").push_bind(path.clone()).push(", 'null') = 'null'::jsonb");
                }
                FieldFilter::Eq(path, value) => {
                    qb.push(" AND data @> ").push_bind(containment(path, scalar_json(value))).push("::jsonb");
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

    /// Looks the key up without beginning the transaction (so a create can still go out as one statement); the
    /// key is inserted with the answer. Two concurrent requests with one key may both run: the second insert of
    /// the key waits for the first transaction, then fails with a conflict, undoing the second request.
    async fn claim_idempotency_key(&mut self, scope: &Scope, key: &str, fingerprint: &str, now: i64) -> Result<Claim> {
        let query = sqlx::query(
            "SELECT fingerprint, status, body FROM idempotency_keys WHERE account = $1 AND livemode = $2 AND key = $3",
        )
        .bind(&scope.account)
        .bind(scope.livemode)
        .bind(key);
        let row = if self.conn.is_some() {
            query.fetch_optional(self.conn().await?).await?
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
        self.claimed = Some((key.to_owned(), fingerprint.to_owned(), now));
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
            .execute(self.conn().await?)
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
        let rows = qb.build().fetch_all(self.conn().await?).await?;
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
            .fetch_optional(self.conn().await?)
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
        .execute(self.conn().await?)
        .await?;
        Ok(())
    }

    async fn setting(&mut self, name: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT value FROM settings WHERE name = $1")
            .bind(name)
            .fetch_optional(self.conn().await?)
            .await?;
        Ok(row.map(|row| row.get(0)))
    }

    async fn set_setting(&mut self, name: &str, value: &str) -> Result<()> {
        sqlx::query("INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
            .bind(name)
            .bind(value)
            .execute(self.conn().await?)
            .await?;
        Ok(())
    }

    async fn commit(mut self: Box<Self>) -> Result<()> {
        let statement = insert_statement(std::mem::take(&mut self.pending), self.pending_key.take());
        match self.conn.take() {
            // Only inserts: one statement in autocommit mode is atomic on its own.
            None => {
                if let Some(mut statement) = statement {
                    statement.build().execute(&self.pool).await.map_err(classify)?;
                }
            }
            Some(Conn::Tx(mut tx)) => {
                if let Some(mut statement) = statement {
                    statement.build().execute(&mut *tx).await.map_err(classify)?;
                }
                tx.commit().await?;
            }
            Some(Conn::Plain(_)) => {}
        }
        Ok(())
    }
}
