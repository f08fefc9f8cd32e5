//! A fixed set of SQLite connections handed out through Tokio mutexes instead of sqlx's pool: a connection
//! released to sqlx's pool goes back on a spawned task, which made every hand-over cost about 90 µs on the
//! 2-core machine (measured); a mutex hands it over in one task wake-up.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::ConnectOptions as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::Result;

/// A connection held until dropped.
pub(super) type Lease = OwnedMutexGuard<SqliteConnection>;

#[derive(Clone)]
pub(super) struct Conns {
    slots: Arc<[Arc<Mutex<SqliteConnection>>]>,
    next: Arc<AtomicUsize>,
}

impl Conns {
    pub(super) async fn open(options: &SqliteConnectOptions, count: usize) -> Result<Self> {
        let mut slots = Vec::with_capacity(count);
        for _ in 0..count {
            slots.push(Arc::new(Mutex::new(options.connect().await?)));
        }
        Ok(Self { slots: slots.into(), next: Arc::new(AtomicUsize::new(0)) })
    }

    /// A free connection if there is one, else the next in turn as soon as it is free.
    pub(super) async fn acquire(&self) -> Lease {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        for offset in 0..self.slots.len() {
            if let Ok(lease) = self.slots[(start + offset) % self.slots.len()].clone().try_lock_owned() {
                return lease;
            }
        }
        self.slots[start % self.slots.len()].clone().lock_owned().await
    }
}
