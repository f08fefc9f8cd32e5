//! The writes a SQLite transaction queues, as one SQL text and argument list each, shared by the sqlx batches
//! of open transactions (`tx.rs`) and the rusqlite group commit (`group.rs`).

use portico_core::Scope;
use rusqlite::ToSql;
use rusqlite::types::ToSqlOutput;
use sqlx::{QueryBuilder, Sqlite};

use crate::{KeyOwner, Row};

/// A queued write.
#[derive(Clone)]
pub(super) enum Write {
    Insert {
        scope: Scope,
        row: Row,
    },
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

/// One argument of a write, in the types SQLite stores.
pub(super) enum Arg {
    Text(String),
    OptionalText(Option<String>),
    Int(i64),
    OptionalInt(Option<i64>),
}

impl ToSql for Arg {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        match self {
            Arg::Text(text) => text.to_sql(),
            Arg::OptionalText(text) => text.to_sql(),
            Arg::Int(int) => int.to_sql(),
            Arg::OptionalInt(int) => int.to_sql(),
        }
    }
}

impl Write {
    /// The statement (with `?` placeholders) and its arguments in order.
    pub(super) fn statement(&self) -> (&'static str, Vec<Arg>) {
        use Arg::{Int, OptionalInt, OptionalText, Text};
        match self {
            Write::Insert { scope, row } => (
                "INSERT INTO objects (account, livemode, kind, id, customer, created, clock, due_at, data) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                vec![
                    Text(scope.account.clone()),
                    Int(scope.livemode.into()),
                    Text(row.kind.to_owned()),
                    Text(row.id.clone()),
                    OptionalText(row.customer.clone()),
                    Int(row.created),
                    OptionalText(row.clock.clone()),
                    OptionalInt(row.due_at),
                    Text(row.data.to_string()),
                ],
            ),
            Write::InsertKey { scope, key, fingerprint, status, body, created } => (
                "INSERT INTO idempotency_keys (account, livemode, key, fingerprint, status, body, created) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
                vec![
                    Text(scope.account.clone()),
                    Int(scope.livemode.into()),
                    Text(key.clone()),
                    Text(fingerprint.clone()),
                    Int((*status).into()),
                    Text(body.clone()),
                    Int(*created),
                ],
            ),
            Write::PutApiKey { key_hash, owner, now } => (
                "INSERT INTO api_keys (key_hash, account, livemode, created) VALUES (?, ?, ?, ?) \
                 ON CONFLICT (key_hash) DO UPDATE SET account = excluded.account, livemode = excluded.livemode",
                vec![Text(key_hash.clone()), Text(owner.account.clone()), Int(owner.livemode.into()), Int(*now)],
            ),
            Write::SetSetting { name, value } => (
                "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                vec![Text(name.clone()), Text(value.clone())],
            ),
        }
    }

    /// Appends the write to a sqlx batch, binding each argument where its `?` stands.
    pub(super) fn push_to(&self, qb: &mut QueryBuilder<Sqlite>) {
        let (sql, args) = self.statement();
        let mut args = args.into_iter();
        let mut pieces = sql.split('?');
        qb.push(pieces.next().unwrap_or_default());
        for piece in pieces {
            match args.next() {
                Some(Arg::Text(text)) => qb.push_bind(text),
                Some(Arg::OptionalText(text)) => qb.push_bind(text),
                Some(Arg::Int(int)) => qb.push_bind(int),
                Some(Arg::OptionalInt(int)) => qb.push_bind(int),
                None => qb.push("NULL"),
            };
            qb.push(piece);
        }
        qb.push("; ");
    }
}
