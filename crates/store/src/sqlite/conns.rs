//! A fixed set of SQLite connections handed out through Tokio mutexes instead of sqlx's pool: a connection
//! released to sqlx's pool goes back on a spawned task, which made every hand-over cost about 90 µs on the
//! 2-core machine (measured); a mutex hands it over in one task wake-up.
//!
//! Two sets use it: sqlx readers for lists and searches (they may scan, so they run on sqlx's worker threads,
//! off the async ones), and rusqlite readers for reads by id, which run in the calling thread as the writer's
//! statements do: a point read on a cached prepared statement takes a few microseconds, less than the hop to a
//! worker thread and back.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rusqlite::OpenFlags;
use sqlx::ConnectOptions as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::Result;

/// A connection held until dropped.
pub(super) type Lease<C = SqliteConnection> = OwnedMutexGuard<C>;

/// Prepared statements each point reader keeps (one per kind of read by id, in practice a handful).
const POINT_READER_STATEMENT_CACHE: usize = 16;

pub(super) struct Conns<C = SqliteConnection> {
    slots: Arc<[Arc<Mutex<C>>]>,
    next: Arc<AtomicUsize>,
}

impl<C> Clone for Conns<C> {
    fn clone(&self) -> Self {
        Self { slots: self.slots.clone(), next: self.next.clone() }
    }
}

impl Conns {
    pub(super) async fn open(options: &SqliteConnectOptions, count: usize) -> Result<Self> {
        let mut slots = Vec::with_capacity(count);
        for _ in 0..count {
            slots.push(options.connect().await?);
        }
        Ok(Self::of(slots))
    }
}

impl Conns<rusqlite::Connection> {
    /// Read-only rusqlite connections to `file`.
    pub(super) fn open_point_readers(file: &std::path::Path, count: usize) -> Result<Self> {
        let mut slots = Vec::with_capacity(count);
        for _ in 0..count {
            let conn = rusqlite::Connection::open_with_flags(
                file,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            conn.busy_timeout(super::BUSY_TIMEOUT)?;
            conn.set_prepared_statement_cache_capacity(POINT_READER_STATEMENT_CACHE);
            slots.push(conn);
        }
        Ok(Self::of(slots))
    }
}

impl<C> Conns<C> {
    fn of(conns: Vec<C>) -> Self {
        Self {
            slots: conns.into_iter().map(|conn| Arc::new(Mutex::new(conn))).collect(),
            next: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// A free connection if there is one, else the next in turn as soon as it is free.
    pub(super) async fn acquire(&self) -> Lease<C> {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        for offset in 0..self.slots.len() {
            if let Ok(lease) = self.slots[(start + offset) % self.slots.len()].clone().try_lock_owned() {
                return lease;
            }
        }
        self.slots[start % self.slots.len()].clone().lock_owned().await
    }
}
