use async_trait::async_trait;
use portico_core::Scope;
use serde_json::Value;
use sqlx::{QueryBuilder, Row as _, Sqlite, Transaction};

use super::search::push_search;
use crate::{Claim, FieldFilter, KeyOwner, ListQuery, Page, Result, Row, Scalar, SearchExpr, StoreError, Tx};

pub(super) struct SqliteTx {
    pub(super) tx: Transaction<'static, Sqlite>,
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

impl SqliteTx {
    async fn cursor(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<(i64, i64)> {
        sqlx::query("SELECT created, seq FROM objects WHERE account = ? AND livemode = ? AND kind = ? AND id = ?")
            .bind(&scope.account)
            .bind(scope.livemode)
            .bind(kind)
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?
            .map(|row| (row.get(0), row.get(1)))
            .ok_or_else(|| StoreError::CursorNotFound(id.to_owned()))
    }

    async fn fetch_page(&mut self, mut qb: QueryBuilder<Sqlite>, limit: u32, reverse: bool) -> Result<Page> {
        let order = if reverse { "ASC" } else { "DESC" };
        qb.push(format!(" ORDER BY created {order}, seq {order} LIMIT ")).push_bind(i64::from(limit) + 1);
        let rows = qb.build().fetch_all(&mut *self.tx).await?;
        let has_more = rows.len() > limit as usize;
        let mut data = rows.iter().take(limit as usize).map(|row| parse(row.get(0))).collect::<Result<Vec<_>>>()?;
        if reverse {
            data.reverse();
        }
        Ok(Page { data, has_more })
    }
}

#[async_trait]
impl Tx for SqliteTx {
    async fn get(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<Option<Value>> {
        let row = sqlx::query("SELECT data FROM objects WHERE account = ? AND livemode = ? AND kind = ? AND id = ?")
            .bind(&scope.account)
            .bind(scope.livemode)
            .bind(kind)
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.map(|row| parse(row.get(0))).transpose()
    }

    async fn get_for_update(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<Option<Value>> {
        // Write transactions already hold SQLite's single write lock (BEGIN IMMEDIATE).
        self.get(scope, kind, id).await
    }

    async fn insert(&mut self, scope: &Scope, row: Row) -> Result<()> {
        let result = sqlx::query(
            "INSERT INTO objects (account, livemode, kind, id, customer, created, data) VALUES (?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (account, livemode, kind, id) DO NOTHING",
        )
        .bind(&scope.account)
        .bind(scope.livemode)
        .bind(row.kind)
        .bind(&row.id)
        .bind(&row.customer)
        .bind(row.created)
        .bind(row.data.to_string())
        .execute(&mut *self.tx)
        .await?;
        if result.rows_affected() == 0 { Err(StoreError::Conflict) } else { Ok(()) }
    }

    async fn update(&mut self, scope: &Scope, row: Row) -> Result<()> {
        let result = sqlx::query(
            "UPDATE objects SET customer = ?, data = ? WHERE account = ? AND livemode = ? AND kind = ? AND id = ?",
        )
        .bind(&row.customer)
        .bind(row.data.to_string())
        .bind(&scope.account)
        .bind(scope.livemode)
        .bind(row.kind)
        .bind(&row.id)
        .execute(&mut *self.tx)
        .await?;
        if result.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    async fn delete(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<bool> {
        let result = sqlx::query("DELETE FROM objects WHERE account = ? AND livemode = ? AND kind = ? AND id = ?")
            .bind(&scope.account)
            .bind(scope.livemode)
            .bind(kind)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(result.rows_affected() > 0)
    }

    async fn list(&mut self, scope: &Scope, kind: &str, query: &ListQuery) -> Result<Page> {
        let mut qb = QueryBuilder::new("SELECT data FROM objects");
        push_scope(&mut qb, scope, kind);
        if let Some(customer) = &query.customer {
            qb.push(" AND customer = ").push_bind(customer.clone());
        }
        for (op, bound) in [(">", query.created.gt), (">=", query.created.gte), ("<", query.created.lt), ("<=", query.created.lte)] {
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

    async fn search(&mut self, scope: &Scope, kind: &str, expr: &SearchExpr, limit: u32, after: Option<&str>) -> Result<Page> {
        let mut qb = QueryBuilder::new("SELECT data FROM objects");
        push_scope(&mut qb, scope, kind);
        push_search(&mut qb, expr);
        if let Some(after) = after {
            let (created, seq) = self.cursor(scope, kind, after).await?;
            qb.push(" AND (created, seq) < (").push_bind(created).push(", ").push_bind(seq).push(")");
        }
        self.fetch_page(qb, limit, false).await
    }

    async fn claim_idempotency_key(&mut self, scope: &Scope, key: &str, fingerprint: &str, now: i64) -> Result<Claim> {
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (account, livemode, key, fingerprint, created) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT DO NOTHING",
        )
        .bind(&scope.account)
        .bind(scope.livemode)
        .bind(key)
        .bind(fingerprint)
        .bind(now)
        .execute(&mut *self.tx)
        .await?;
        if inserted.rows_affected() == 1 {
            return Ok(Claim::New);
        }
        let row = sqlx::query("SELECT fingerprint, status, body FROM idempotency_keys WHERE account = ? AND livemode = ? AND key = ?")
            .bind(&scope.account)
            .bind(scope.livemode)
            .bind(key)
            .fetch_one(&mut *self.tx)
            .await?;
        Ok(Claim::Done {
            fingerprint: row.get(0),
            status: row.get::<Option<i64>, _>(1).unwrap_or(500) as u16,
            body: row.get::<Option<String>, _>(2).unwrap_or_default(),
        })
    }

    async fn finish_idempotency_key(&mut self, scope: &Scope, key: &str, status: u16, body: &str) -> Result<()> {
        sqlx::query("UPDATE idempotency_keys SET status = ?, body = ? WHERE account = ? AND livemode = ? AND key = ?")
            .bind(i64::from(status))
            .bind(body)
            .bind(&scope.account)
            .bind(scope.livemode)
            .bind(key)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    async fn prune_idempotency_keys(&mut self, before: i64) -> Result<u64> {
        let result = sqlx::query("DELETE FROM idempotency_keys WHERE created < ?").bind(before).execute(&mut *self.tx).await?;
        Ok(result.rows_affected())
    }

    async fn key_owner(&mut self, key_hash: &str) -> Result<Option<KeyOwner>> {
        let row = sqlx::query("SELECT account, livemode FROM api_keys WHERE key_hash = ?")
            .bind(key_hash)
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(row.map(|row| KeyOwner { account: row.get(0), livemode: row.get(1) }))
    }

    async fn put_api_key(&mut self, key_hash: &str, owner: &KeyOwner, now: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO api_keys (key_hash, account, livemode, created) VALUES (?, ?, ?, ?) \
             ON CONFLICT (key_hash) DO UPDATE SET account = excluded.account, livemode = excluded.livemode",
        )
        .bind(key_hash)
        .bind(&owner.account)
        .bind(owner.livemode)
        .bind(now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn setting(&mut self, name: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT value FROM settings WHERE name = ?").bind(name).fetch_optional(&mut *self.tx).await?;
        Ok(row.map(|row| row.get(0)))
    }

    async fn set_setting(&mut self, name: &str, value: &str) -> Result<()> {
        sqlx::query("INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
            .bind(name)
            .bind(value)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    async fn commit(self: Box<Self>) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}
