//! SQLite backend: one file in WAL mode. Writers are serialized through a one-connection pool (SQLite allows
//! one writer at a time; queueing in the pool avoids `SQLITE_BUSY`), readers use their own pool.

mod checkpoint;
mod group;
mod search;
mod tx;

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

use crate::{Result, Store, Tx};
use tx::SqliteTx;

const MIGRATIONS: crate::migrations::Files =
    &[(1, "objects", include_str!("../../migrations/sqlite/0001_objects.sql"))];

pub struct SqliteStore {
    writer: SqlitePool,
    group: group::GroupCommitter,
    readers: SqlitePool,
    checkpointer: tokio::task::JoinHandle<()>,
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        self.checkpointer.abort();
    }
}

impl SqliteStore {
    /// Opens (creating if missing) the database file a `sqlite://path` URL names.
    pub async fn connect(url: &str) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            // Keeps the WAL file from staying at its high-water mark after a burst.
            .pragma("journal_size_limit", "67108864");
        // No ping before each acquire: it would cost a trip to the worker thread per transaction. Checkpoints
        // are the checkpointer's job, not the writer's.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(options.clone().pragma("wal_autocheckpoint", "0"))
            .await?;
        let readers = SqlitePoolOptions::new()
            .max_connections(4)
            .test_before_acquire(false)
            .connect_with(options.clone().read_only(true))
            .await?;
        let group = group::GroupCommitter::start(writer.clone());
        let checkpointer = checkpoint::start(options);
        Ok(Self { writer, group, readers, checkpointer })
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn begin_write(&self) -> Result<Box<dyn Tx>> {
        Ok(Box::new(SqliteTx::write(self.writer.clone(), self.readers.clone(), self.group.clone())))
    }

    async fn begin_read(&self) -> Result<Box<dyn Tx>> {
        Ok(Box::new(SqliteTx::read(self.readers.clone())))
    }

    async fn migrate(&self) -> Result<()> {
        crate::migrations::migrator(MIGRATIONS).run(&self.writer).await?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }
}
