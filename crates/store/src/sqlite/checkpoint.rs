//! WAL checkpoints on their own connection. SQLite's automatic checkpoint runs inside whichever commit crosses
//! the threshold and syncs the database file there, stalling the single writer (and everyone queued behind it)
//! for milliseconds; a passive checkpoint from another connection copies the same pages without blocking it.

use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions as _, Connection as _};
use tokio::task::JoinHandle;

const EVERY: Duration = Duration::from_millis(250);

/// Starts checkpointing; abort the handle to stop (the store does when dropped).
pub(super) fn start(options: SqliteConnectOptions) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut conn = match options.connect().await {
            Ok(conn) => conn,
            Err(error) => {
                tracing::warn!(%error, "cannot open the SQLite checkpoint connection; WAL checkpoints fall back to commits");
                return;
            }
        };
        let mut every = tokio::time::interval(EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&mut conn).await {
                tracing::warn!(%error, "WAL checkpoint failed");
            }
        }
        #[expect(unreachable_code, reason = "the loop ends only when the task is aborted")]
        let _ = conn.close().await;
    })
}
