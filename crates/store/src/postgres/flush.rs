//! Sending a transaction's queued writes: every new row in one `INSERT … SELECT FROM unnest(…)` and every new
//! version in one `UPDATE … FROM unnest(…)`, however many there are (one array parameter per column, so no
//! limit on bind parameters), with the idempotency record in a data-modifying CTE of the insert. Many new rows
//! (a batch of renewals) go in with `COPY` instead, which PostgreSQL stores in about half the time (measured:
//! unnesting arrays of documents cost as much as storing them).

use portico_core::Scope;
use sqlx::postgres::PgArguments;
use sqlx::{Arguments as _, PgConnection, Postgres};

use super::copies::{Relied, still_current};
use super::fields;
use crate::buffer::Pending;
use crate::{Result, StoreError};

/// An idempotency key with its answer, inserted with the transaction's other writes. Plain `INSERT`: if a
/// concurrent request with the same key committed first, this fails with a conflict (after waiting for it).
pub(super) struct KeyRecord {
    pub scope: Scope,
    pub key: String,
    pub fingerprint: String,
    pub status: u16,
    pub body: String,
    pub created: i64,
}

/// A uniqueness violation means a conflicting id or idempotency key; everything else is a database failure.
pub(super) fn classify(error: sqlx::Error) -> StoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict,
        _ => StoreError::Database(error),
    }
}

/// The columns of many rows, one array each, borrowed: the arguments are encoded as they are added.
#[derive(Default)]
struct Columns<'a> {
    account: Vec<&'a str>,
    livemode: Vec<bool>,
    kind: Vec<&'a str>,
    id: Vec<&'a str>,
    customer: Vec<Option<&'a str>>,
    created: Vec<i64>,
    clock: Vec<Option<&'a str>>,
    due_at: Vec<Option<i64>>,
    fields: Vec<Option<String>>,
    data: Vec<&'a str>,
}

impl<'a> Columns<'a> {
    fn of(rows: impl IntoIterator<Item = &'a Pending>) -> Result<Self> {
        let mut columns = Columns::default();
        for Pending { scope, row, .. } in rows {
            columns.account.push(&scope.account);
            columns.livemode.push(scope.livemode);
            columns.kind.push(row.kind);
            columns.id.push(&row.id);
            columns.customer.push(row.customer.as_deref());
            columns.created.push(row.created);
            columns.clock.push(row.clock.as_deref());
            columns.due_at.push(row.due_at);
            columns.fields.push(fields::of(row.kind, &row.json)?);
            columns.data.push(&row.json);
        }
        Ok(columns)
    }

    /// Adds the columns as array parameters, in the order the statements list them; `created` only for inserts
    /// (a new version keeps its row's).
    fn bind(self, args: &mut PgArguments, with_created: bool) -> Result<()> {
        add(args, self.account)?;
        add(args, self.livemode)?;
        add(args, self.kind)?;
        add(args, self.id)?;
        add(args, self.customer)?;
        if with_created {
            add(args, self.created)?;
        }
        add(args, self.clock)?;
        add(args, self.due_at)?;
        add(args, self.fields)?;
        add(args, self.data)
    }
}

pub(super) fn add<'q, T>(args: &mut PgArguments, value: T) -> Result<()>
where
    T: sqlx::Encode<'q, Postgres> + sqlx::Type<Postgres> + 'q,
{
    args.add(value).map_err(|error| StoreError::Database(sqlx::Error::Encode(error)))
}

/// Stores new rows and idempotency records with one statement: the keys go in through a data-modifying CTE of
/// the rows' insert, so the statement stores all or nothing. With documents the writes `relied` on
/// (`copies.rs`), it stores nothing unless all of them are still current, and then fails with
/// [`StoreError::Stale`].
pub(super) async fn insert<'a, 'e>(
    executor: impl sqlx::PgExecutor<'e>,
    rows: impl IntoIterator<Item = &'a Pending>,
    keys: impl IntoIterator<Item = &'a KeyRecord>,
    relied: impl IntoIterator<Item = &'a Relied>,
) -> Result<()> {
    let rows = Columns::of(rows)?;
    let keys: Vec<&KeyRecord> = keys.into_iter().collect();
    let row_count = rows.id.len();
    let with_rows = row_count > 0;
    if !with_rows && keys.is_empty() {
        return Ok(());
    }
    let mut args = PgArguments::default();
    let mut next = 1;
    if with_rows {
        rows.bind(&mut args, true)?;
        next += 10;
    }
    let keys_from = next;
    if !keys.is_empty() {
        add(&mut args, keys.iter().map(|k| k.scope.account.as_str()).collect::<Vec<_>>())?;
        add(&mut args, keys.iter().map(|k| k.scope.livemode).collect::<Vec<_>>())?;
        add(&mut args, keys.iter().map(|k| k.key.as_str()).collect::<Vec<_>>())?;
        add(&mut args, keys.iter().map(|k| k.fingerprint.as_str()).collect::<Vec<_>>())?;
        add(&mut args, keys.iter().map(|k| i32::from(k.status)).collect::<Vec<_>>())?;
        add(&mut args, keys.iter().map(|k| k.body.as_str()).collect::<Vec<_>>())?;
        add(&mut args, keys.iter().map(|k| k.created).collect::<Vec<_>>())?;
        next += 7;
    }
    let condition = still_current(relied, &mut args, next)?;
    let only_if = condition.as_ref().map(|c| format!(" WHERE {c}")).unwrap_or_default();

    let mut sql = String::new();
    if with_rows {
        if !keys.is_empty() {
            sql.push_str("WITH objects_written AS (");
        }
        // Rows get their seq in array order, the order they were written (lists of one instant are ordered by
        // it): a function scan feeding an insert yields its rows in order. (An ORDER BY on the ordinality made
        // PostgreSQL sort the documents themselves, on disk past `work_mem`.)
        sql.push_str(
            "INSERT INTO objects (account, livemode, kind, id, customer, created, clock, due_at, fields, data) \
             SELECT account, livemode, kind, id, customer, created, clock, due_at, fields::jsonb, data::json \
             FROM unnest($1::text[], $2::bool[], $3::text[], $4::text[], $5::text[], $6::int8[], $7::text[], \
             $8::int8[], $9::text[], $10::text[]) \
             AS v(account, livemode, kind, id, customer, created, clock, due_at, fields, data)",
        );
        sql.push_str(&only_if);
        if !keys.is_empty() {
            sql.push_str(") ");
        }
    }
    if !keys.is_empty() {
        let arrays: Vec<String> = ["text", "bool", "text", "text", "int4", "text", "int8"]
            .iter()
            .enumerate()
            .map(|(i, ty)| format!("${}::{ty}[]", keys_from + i))
            .collect();
        sql.push_str(&format!(
            "INSERT INTO idempotency_keys (account, livemode, key, fingerprint, status, body, created) \
             SELECT * FROM unnest({}){only_if}",
            arrays.join(", ")
        ));
    }
    // The statement's own count is of its last insert: the keys when there are any, else the rows.
    let expected = if keys.is_empty() { row_count } else { keys.len() } as u64;
    let stored = sqlx::query_with(sqlx::AssertSqlSafe(sql), args).execute(executor).await.map_err(classify)?;
    if condition.is_some() && stored.rows_affected() != expected {
        return Err(StoreError::Stale);
    }
    Ok(())
}

/// New rows from which `COPY` is used.
const COPY_FROM: usize = 32;

/// Appends a value in `COPY`'s text format (backslash escapes; `\N` is NULL).
fn copy_field(out: &mut Vec<u8>, value: Option<&str>) {
    let Some(value) = value else {
        out.extend_from_slice(b"\\N");
        return;
    };
    for &byte in value.as_bytes() {
        match byte {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(byte),
        }
    }
}

/// Stores new rows with `COPY … FROM STDIN`, in the order they were written (their seq follows it).
async fn copy_rows(conn: &mut PgConnection, rows: Vec<Pending>) -> Result<()> {
    let mut data = Vec::with_capacity(rows.iter().map(|p| p.row.json.len() + 128).sum());
    for Pending { scope, row, .. } in &rows {
        let (created, due_at) = (row.created.to_string(), row.due_at.map(|d| d.to_string()));
        let filter = fields::of(row.kind, &row.json)?;
        let fields = [
            Some(scope.account.as_str()),
            Some(if scope.livemode { "t" } else { "f" }),
            Some(row.kind),
            Some(row.id.as_str()),
            row.customer.as_deref(),
            Some(created.as_str()),
            row.clock.as_deref(),
            due_at.as_deref(),
            filter.as_deref(),
            Some(row.json.as_str()),
        ];
        for (index, field) in fields.into_iter().enumerate() {
            if index > 0 {
                data.push(b'\t');
            }
            copy_field(&mut data, field);
        }
        data.push(b'\n');
    }
    let mut copy = conn
        .copy_in_raw(
            "COPY objects (account, livemode, kind, id, customer, created, clock, due_at, fields, data) FROM STDIN",
        )
        .await
        .map_err(classify)?;
    if let Err(error) = copy.send(data).await {
        let _ = copy.abort("sending the rows failed").await;
        return Err(classify(error));
    }
    copy.finish().await.map_err(classify)?;
    Ok(())
}

/// Sends queued writes on a connection inside a transaction.
pub(super) async fn flush(conn: &mut PgConnection, pending: Vec<Pending>, key: Option<KeyRecord>) -> Result<()> {
    let (inserts, updates): (Vec<Pending>, Vec<Pending>) = pending.into_iter().partition(|p| p.insert);
    let (inserts, key) = if inserts.len() >= COPY_FROM {
        copy_rows(conn, inserts).await?;
        (Vec::new(), key)
    } else {
        (inserts, key)
    };
    insert(&mut *conn, &inserts, &key, None).await?;
    if updates.is_empty() {
        return Ok(());
    }
    let expected = updates.len() as u64;
    let mut args = PgArguments::default();
    Columns::of(&updates)?.bind(&mut args, false)?;
    let updated = sqlx::query_with(
        "UPDATE objects AS o SET customer = v.customer, clock = v.clock, due_at = v.due_at, \
         fields = v.fields::jsonb, data = v.data::json \
         FROM unnest($1::text[], $2::bool[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int8[], \
         $8::text[], $9::text[]) AS v(account, livemode, kind, id, customer, clock, due_at, fields, data) \
         WHERE o.account = v.account AND o.livemode = v.livemode AND o.kind = v.kind AND o.id = v.id",
        args,
    )
    .execute(&mut *conn)
    .await
    .map_err(classify)?;
    // Every queued version is of a row this transaction read; one that vanished fails the transaction.
    if updated.rows_affected() != expected {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
