//! The writes a SQLite transaction queues, executed on the writer's rusqlite connection in the calling thread
//! with cached prepared statements: by the transaction itself (`tx.rs`) or by the group commit (`group.rs`).

use portico_core::Scope;
use rusqlite::{Connection, ErrorCode, params};

use super::{documents, tables};
use crate::buffer::Pending;
use crate::{KeyOwner, Result, StoreError};

/// A queued write.
pub(super) enum Write {
    /// A new row or a new version of a row.
    Object(Pending),
    /// An idempotency key with the answer it produced. Plain `INSERT`: if a concurrent request with the same
    /// key committed first, this fails with a conflict and takes the whole transaction with it.
    InsertKey {
        scope: Scope,
        key: String,
        fingerprint: String,
        status: u16,
        body: String,
        created: i64,
    },
    PutApiKey {
        key_hash: String,
        owner: KeyOwner,
        now: i64,
    },
    SetSetting {
        name: String,
        value: String,
    },
}

fn insert_object(kind: &str) -> String {
    format!(
        "INSERT INTO {} (account, livemode, kind, id, customer, created, clock, due_at, data) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        tables::of(kind)
    )
}

fn update_object(kind: &str) -> String {
    format!(
        "UPDATE {} SET customer = ?, clock = ?, due_at = ?, data = ? \
         WHERE account = ? AND livemode = ? AND kind = ? AND id = ?",
        tables::of(kind)
    )
}

impl Write {
    /// The kind of document written, if this writes one.
    pub(super) fn kind(&self) -> Option<&'static str> {
        match self {
            Write::Object(pending) => Some(pending.row.kind),
            _ => None,
        }
    }

    pub(super) fn execute(&self, conn: &Connection) -> Result<()> {
        match self {
            Write::Object(Pending { scope, row, insert: true }) => {
                conn.prepare_cached(&insert_object(row.kind))?
                    .execute(params![
                        scope.account,
                        scope.livemode,
                        row.kind,
                        row.id,
                        row.customer,
                        row.created,
                        row.clock,
                        row.due_at,
                        documents::encode(&row.json)?
                    ])
                    .map_err(classify)?;
            }
            Write::Object(Pending { scope, row, insert: false }) => {
                let changed = conn
                    .prepare_cached(&update_object(row.kind))?
                    .execute(params![
                        row.customer,
                        row.clock,
                        row.due_at,
                        documents::encode(&row.json)?,
                        scope.account,
                        scope.livemode,
                        row.kind,
                        row.id
                    ])
                    .map_err(classify)?;
                if changed == 0 {
                    return Err(StoreError::NotFound);
                }
            }
            Write::InsertKey { scope, key, fingerprint, status, body, created } => {
                conn.prepare_cached(
                    "INSERT INTO idempotency_keys (account, livemode, key, fingerprint, status, body, created) \
                     VALUES (?, ?, ?, ?, ?, ?, ?)",
                )?
                .execute(params![scope.account, scope.livemode, key, fingerprint, status, body, created])
                .map_err(classify)?;
            }
            Write::PutApiKey { key_hash, owner, now } => {
                conn.prepare_cached(
                    "INSERT INTO api_keys (key_hash, account, livemode, created) VALUES (?, ?, ?, ?) \
                     ON CONFLICT (key_hash) DO UPDATE SET account = excluded.account, livemode = excluded.livemode",
                )?
                .execute(params![key_hash, owner.account, owner.livemode, now])
                .map_err(classify)?;
            }
            Write::SetSetting { name, value } => {
                conn.prepare_cached(
                    "INSERT INTO settings (name, value) VALUES (?, ?) \
                     ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                )?
                .execute(params![name, value])
                .map_err(classify)?;
            }
        }
        Ok(())
    }
}

/// A uniqueness violation means a conflicting id or idempotency key; everything else is a database failure.
pub(super) fn classify(error: rusqlite::Error) -> StoreError {
    match error.sqlite_error_code() {
        Some(ErrorCode::ConstraintViolation) => StoreError::Conflict,
        _ => StoreError::Sqlite(error),
    }
}
