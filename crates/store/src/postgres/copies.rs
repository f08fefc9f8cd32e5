//! A node's copies of documents that steer requests without being changed by them (an account's webhook
//! registry, a connected account: what `Tx::get_json_committed` reads). Every create reads its account's
//! registry to fan its event out to webhook endpoints; on PostgreSQL that read was a statement of its own, which
//! cost the server as much as the create's insert.
//!
//! Other nodes change these documents too, so a copy is never trusted: a write transaction that used one
//! *relies* on it, and the statement that stores the transaction's writes stores nothing unless every document
//! it relied on still matches its row ([`still_current`]). A mismatch ends the commit with
//! [`StoreError::Stale`](crate::StoreError::Stale), the copies are dropped, and the request runs again with
//! fresh reads. Read-only transactions do not use copies (they have no commit to check at). This node's own
//! commits drop the copies of what they wrote, so only another node's change costs a retry.

use std::collections::{HashMap, HashSet};
use std::sync::RwLock;

use portico_core::Scope;
use sqlx::PgConnection;
use sqlx::postgres::PgArguments;

use super::flush::add;
use crate::buffer::key;
use crate::{Result, StoreError};

/// Past this many documents the copies start over rather than grow without bound.
const MAX_COPIES: usize = 10_000;

#[derive(Default)]
pub(super) struct Copies {
    /// By `key(scope, kind, id)`: the document, or `None` when it did not exist.
    entries: RwLock<HashMap<String, Option<String>>>,
    /// The kinds that have copies, so that writes of other kinds are told apart without building a key.
    kinds: RwLock<HashSet<String>>,
}

/// A copy a transaction used instead of reading the row.
pub(super) struct Relied {
    pub scope: Scope,
    pub kind: String,
    pub id: String,
    pub data: Option<String>,
}

impl Relied {
    pub(super) fn key(&self) -> String {
        key(&self.scope, &self.kind, &self.id)
    }
}

impl Copies {
    pub(super) fn get(&self, scope: &Scope, kind: &str, id: &str) -> Option<Option<String>> {
        self.entries.read().unwrap_or_else(|poisoned| poisoned.into_inner()).get(&key(scope, kind, id)).cloned()
    }

    pub(super) fn put(&self, scope: &Scope, kind: &str, id: &str, data: Option<String>) {
        let mut entries = self.entries.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() >= MAX_COPIES {
            entries.clear();
        }
        entries.insert(key(scope, kind, id), data);
        let mut kinds = self.kinds.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !kinds.contains(kind) {
            kinds.insert(kind.to_owned());
        }
    }

    /// The key of a document being written, when it is of a kind that has copies.
    pub(super) fn written(&self, scope: &Scope, kind: &str, id: &str) -> Option<String> {
        let kinds = self.kinds.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        kinds.contains(kind).then(|| key(scope, kind, id))
    }

    /// Drops copies: of documents a commit wrote ([`Copies::written`]'s keys), or found stale ([`Relied::key`]).
    pub(super) fn forget(&self, keys: &[String]) {
        if keys.is_empty() {
            return;
        }
        let mut entries = self.entries.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        for key in keys {
            entries.remove(key);
        }
    }
}

/// An SQL condition, true when every document in `relied` still matches its row (a copy of a missing document
/// matches no row), taking five array parameters from `$first`. `None` when nothing was relied on.
pub(super) fn still_current<'a>(
    relied: impl IntoIterator<Item = &'a Relied>,
    args: &mut PgArguments,
    first: usize,
) -> Result<Option<String>> {
    // Requests sent together often relied on the same copy (their account's webhook registry): check it once.
    let mut seen = HashSet::new();
    let relied: Vec<&Relied> = relied.into_iter().filter(|r| seen.insert((r.key(), r.data.as_deref()))).collect();
    if relied.is_empty() {
        return Ok(None);
    }
    add(args, relied.iter().map(|r| r.scope.account.as_str()).collect::<Vec<_>>())?;
    add(args, relied.iter().map(|r| r.scope.livemode).collect::<Vec<_>>())?;
    add(args, relied.iter().map(|r| r.kind.as_str()).collect::<Vec<_>>())?;
    add(args, relied.iter().map(|r| r.id.as_str()).collect::<Vec<_>>())?;
    add(args, relied.iter().map(|r| r.data.as_deref()).collect::<Vec<_>>())?;
    let [a, l, k, i, d] = [0, 1, 2, 3, 4].map(|n| first + n);
    // The row is looked up in a scalar subquery, which PostgreSQL never turns into a join. As a join, the generic
    // plan of a statement prepared while the table held about a hundred objects (9 pages) hashed the copies and
    // scanned every object, and each connection kept that plan until the next `ANALYZE`; the subquery was an
    // index lookup at that size already.
    Ok(Some(format!(
        "NOT EXISTS (SELECT 1 FROM unnest(${a}::text[], ${l}::bool[], ${k}::text[], ${i}::text[], ${d}::text[]) \
         AS r(account, livemode, kind, id, data) \
         WHERE (SELECT o.data::text FROM objects o WHERE o.id = r.id AND o.account = r.account \
         AND o.livemode = r.livemode AND o.kind = r.kind) IS DISTINCT FROM r.data)"
    )))
}

/// Fails with [`StoreError::Stale`] unless every document in `relied` is still current, in the transaction on
/// `conn` (for writes that did not go out as one insert).
pub(super) async fn check(conn: &mut PgConnection, relied: &[Relied]) -> Result<()> {
    let mut args = PgArguments::default();
    let Some(condition) = still_current(relied, &mut args, 1)? else { return Ok(()) };
    let current: bool =
        sqlx::query_scalar_with(sqlx::AssertSqlSafe(format!("SELECT {condition}")), args).fetch_one(conn).await?;
    if current { Ok(()) } else { Err(StoreError::Stale) }
}
