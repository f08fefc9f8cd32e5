//! SQLite backend: one file in WAL mode. Writes go through one rusqlite connection, used in the calling thread
//! and handed over through a Tokio mutex (SQLite allows one writer at a time; queueing for the connection
//! avoids `SQLITE_BUSY`); reads outside the writer use four read-only connections for reads by id (rusqlite,
//! in the calling thread) and four for lists and searches (sqlx).

mod checkpoint;
mod conns;
pub mod documents;
mod group;
#[cfg(test)]
mod scratch;
mod search;
mod sql;
mod tables;
mod tx;
mod versions;
mod write;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::{ConnectOptions as _, Connection as _};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use tokio::sync::{Mutex, OwnedMutexGuard};

use conns::Conns;

use crate::{Result, Store, Tx};
use tx::SqliteTx;

const MIGRATIONS: crate::migrations::Files = &[
    (1, "objects", include_str!("../../migrations/sqlite/0001_objects.sql")),
    (2, "tables per kind", include_str!("../../migrations/sqlite/0002_tables_per_kind.sql")),
];

/// Prepared statements the writer keeps: the hot ones (get, insert, update) must never be pushed out by lists.
const WRITER_STATEMENT_CACHE: usize = 128;

/// How long a connection waits for SQLite's locks before failing with `SQLITE_BUSY`.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The page size of a new database file, in bytes. 8 KiB pages hold two or three documents each; against 4 KiB
/// ones the renewal benchmark ran 20% faster (fewer page splits and WAL frames per row), creates no slower.
/// Larger pages cost every insert that lands on a random index page (an idempotency key's) a larger WAL frame:
/// with 16 KiB pages creates with an `Idempotency-Key` ran 10-20% slower and renewals no faster, with 32 KiB
/// 28% slower, with 64 KiB retrieving a customer a third slower too.
const PAGE_SIZE: u32 = 8192;

/// The writer's page cache, in KiB.
const WRITER_CACHE_KIB: u32 = 128 * 1024;

/// The writer's connection, handed over through a Tokio mutex.
type Writer = Arc<Mutex<rusqlite::Connection>>;
/// The writer, held until dropped.
type WriterLease = OwnedMutexGuard<rusqlite::Connection>;

pub struct SqliteStore {
    options: SqliteConnectOptions,
    writer: Writer,
    group: group::GroupCommitter,
    readers: tx::Readers,
    versions: Arc<versions::Versions>,
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
        documents::register();
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT)
            .page_size(PAGE_SIZE)
            .foreign_keys(true)
            .pragma("journal_size_limit", checkpoint::WAL_SIZE_LIMIT.to_string());
        // Creates the file and switches it to WAL before the other connections open it.
        options.connect().await?.close().await?;
        let writer = open_writer(options.get_filename())?;
        let readers = tx::Readers {
            lists: Conns::open(&options.clone().read_only(true), 4).await?,
            points: Conns::open_point_readers(options.get_filename(), 4)?,
        };
        let versions = Arc::new(versions::Versions::default());
        let group = group::GroupCommitter::start(writer.clone(), versions.clone());
        let checkpointer = checkpoint::start(options.clone(), writer.clone());
        Ok(Self { options, writer, group, readers, versions, checkpointer })
    }
}

/// The writer: checkpoints are the checkpointer's job, not the writer's (`wal_autocheckpoint = 0`). Its page
/// cache is large (`WRITER_CACHE_KIB`): SQLite's default 2 MB made a batch of renewals spill dirty pages to the
/// WAL before its commit and read index pages back from the file again and again.
fn open_writer(file: &std::path::Path) -> Result<Writer> {
    let conn = rusqlite::Connection::open(file)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.execute_batch(&format!(
        "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0; PRAGMA foreign_keys = ON; \
         PRAGMA journal_size_limit = {}; PRAGMA cache_size = -{WRITER_CACHE_KIB};",
        checkpoint::WAL_SIZE_LIMIT
    ))?;
    conn.set_prepared_statement_cache_capacity(WRITER_STATEMENT_CACHE);
    Ok(Arc::new(Mutex::new(conn)))
}

#[async_trait]
impl Store for SqliteStore {
    async fn begin_write(&self) -> Result<Box<dyn Tx>> {
        Ok(Box::new(SqliteTx::write(
            self.writer.clone(),
            self.readers.clone(),
            self.group.clone(),
            self.versions.clone(),
        )))
    }

    async fn begin_read(&self) -> Result<Box<dyn Tx>> {
        Ok(Box::new(SqliteTx::read(self.readers.clone(), self.versions.clone())))
    }

    /// Runs on a sqlx connection of its own (sqlx's migrator), while holding the writer.
    async fn migrate(&self) -> Result<()> {
        let _writer = self.writer.lock().await;
        let mut conn = self.options.connect().await?;
        crate::migrations::migrator(MIGRATIONS).run_direct(None, &mut conn, false).await?;
        conn.close().await?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }
}
