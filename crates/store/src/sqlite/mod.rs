//! SQLite backend: one file in WAL mode. Writers are serialized through one connection (SQLite allows one writer
//! at a time; queueing for the connection avoids `SQLITE_BUSY`), readers use four read-only connections.

mod checkpoint;
mod conns;
mod group;
mod search;
mod tx;
mod write;

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};

use conns::Conns;

use crate::{Result, Store, Tx};
use tx::SqliteTx;

const MIGRATIONS: crate::migrations::Files =
    &[(1, "objects", include_str!("../../migrations/sqlite/0001_objects.sql"))];

pub struct SqliteStore {
    writer: Conns,
    group: group::GroupCommitter,
    readers: Conns,
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
        // Checkpoints are the checkpointer's job, not the writer's.
        let writer = Conns::open(&options.clone().pragma("wal_autocheckpoint", "0"), 1).await?;
        let readers = Conns::open(&options.clone().read_only(true), 4).await?;
        let group = group::GroupCommitter::start(options.get_filename(), writer.clone())?;
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
        let mut writer = self.writer.acquire().await;
        crate::migrations::migrator(MIGRATIONS).run_direct(None, &mut *writer, false).await?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }
}
