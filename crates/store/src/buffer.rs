//! What a write transaction holds back and what it has already seen, shared by both backends.
//!
//! Writes are queued and sent in one go with the next query that must see them (a list, a search, the due
//! queue) or with the commit; reads of a document this transaction wrote or read locked are answered from
//! here, without a round trip. Both are safe only because the rows are this transaction's: written by it, or
//! locked by it (PostgreSQL `FOR UPDATE`; SQLite's one write transaction at a time). Documents read without a
//! lock are kept apart and answer only reads without a lock.

use std::collections::HashMap;

use portico_core::Scope;

use crate::{JsonRow, Result, StoreError};

/// A queued write of one document: a new row, or a new version of a row known to exist.
pub(crate) struct Pending {
    pub scope: Scope,
    pub row: JsonRow,
    pub insert: bool,
}

#[derive(Default)]
pub(crate) struct Buffer {
    pending: Vec<Pending>,
    /// Where each queued document is in `pending`.
    queued: HashMap<String, usize>,
    /// Documents read locked in this transaction: their current version, or `None` when known to be absent.
    locked: HashMap<String, Option<String>>,
    /// Documents read without a lock (a prefetch for plain reads).
    unlocked: HashMap<String, Option<String>>,
}

/// The cache key of a document.
pub(crate) fn key(scope: &Scope, kind: &str, id: &str) -> String {
    format!("{}\u{0}{}\u{0}{kind}\u{0}{id}", scope.account, u8::from(scope.livemode))
}

impl Buffer {
    /// What this transaction knows of a document: `Some(Some(json))`, `Some(None)` when it is known to be
    /// absent, `None` when the database must be asked.
    pub fn read(&self, scope: &Scope, kind: &str, id: &str, lock: bool) -> Option<Option<String>> {
        let key = key(scope, kind, id);
        if let Some(&at) = self.queued.get(&key) {
            return Some(Some(self.pending[at].row.json.clone()));
        }
        if let Some(known) = self.locked.get(&key) {
            return Some(known.clone());
        }
        if lock { None } else { self.unlocked.get(&key).cloned() }
    }

    /// Remembers what the database answered for a document (`None`: no such row).
    pub fn remember(&mut self, scope: &Scope, kind: &str, id: &str, json: Option<String>, lock: bool) {
        let key = key(scope, kind, id);
        if lock {
            self.unlocked.remove(&key);
            self.locked.insert(key, json);
        } else {
            self.unlocked.insert(key, json);
        }
    }

    /// Queues a new row. A duplicate of a row this transaction wrote or saw is refused at once; any other
    /// duplicate fails when the queue is sent.
    pub fn insert(&mut self, scope: &Scope, row: JsonRow) -> Result<()> {
        let key = key(scope, row.kind, &row.id);
        if self.queued.contains_key(&key) || matches!(self.locked.get(&key), Some(Some(_))) {
            return Err(StoreError::Conflict);
        }
        self.queued.insert(key, self.pending.len());
        self.pending.push(Pending { scope: scope.clone(), row, insert: true });
        Ok(())
    }

    /// Queues a new version of a row when the row is known to exist (queued or read locked here), merging it
    /// into a queued write of the same row. Gives the row back when nothing is known of it: the caller updates
    /// it at once, so a missing row fails where it is saved.
    pub fn update(&mut self, scope: &Scope, row: JsonRow) -> Result<Option<JsonRow>> {
        let key = key(scope, row.kind, &row.id);
        if let Some(&at) = self.queued.get(&key) {
            self.pending[at].row = row;
            return Ok(None);
        }
        match self.locked.get(&key) {
            Some(Some(_)) => {
                self.queued.insert(key, self.pending.len());
                self.pending.push(Pending { scope: scope.clone(), row, insert: false });
                Ok(None)
            }
            Some(None) => Err(StoreError::NotFound),
            None => Ok(Some(row)),
        }
    }

    /// A row this transaction deleted (after sending the queue).
    pub fn forget(&mut self, scope: &Scope, kind: &str, id: &str) {
        let key = key(scope, kind, id);
        self.unlocked.remove(&key);
        self.locked.insert(key, None);
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    pub fn len(&self) -> usize {
        self.pending.len()
    }

    /// Whether every queued write is a new row (such a transaction may go out as one group or statement).
    pub fn only_inserts(&self) -> bool {
        self.pending.iter().all(|p| p.insert)
    }

    /// The queued writes in the order they were first made, to be sent now. Versions they replace are
    /// dropped from the cache (the database answers for them from now on).
    pub fn take(&mut self) -> Vec<Pending> {
        for (key, _) in self.queued.drain() {
            self.locked.remove(&key);
            self.unlocked.remove(&key);
        }
        std::mem::take(&mut self.pending)
    }
}
