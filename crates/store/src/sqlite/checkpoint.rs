//! WAL checkpoints. Passive ones on the checkpointer's own connection copy the WAL back into the database
//! without stalling the writer: SQLite's automatic checkpoint would run inside whichever commit crosses its
//! threshold and sync the database file there, stalling the single writer and everyone queued behind it.
//!
//! Passive checkpoints alone let the WAL grow without bound under steady writes: SQLite starts the WAL over only
//! when every frame in it has been copied back, and new frames arrive while a passive checkpoint copies (the
//! create benchmark grew it to 9 GB in 20 seconds; every read then searches the WAL's whole index). So once the
//! WAL is longer than [`RESTART_AFTER_BYTES`], the checkpointer takes the writer and, on the writer's own
//! connection, copies the frames written since its last pass and waits briefly for readers of old snapshots, so
//! that the writer's next transaction starts the WAL over. That stalls writes for a few milliseconds (tens
//! during a large test-clock advance, whose batches write much), which is why it waits for a long WAL.

use std::time::Duration;

use rusqlite::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions as _, Connection as _};
use tokio::task::JoinHandle;

use super::Writer;

const EVERY: Duration = Duration::from_millis(250);
/// The WAL length past which the checkpointer takes the writer to start it over.
const RESTART_AFTER_BYTES: i64 = 256 << 20;
/// The size the WAL file is cut back to when it starts over longer (`journal_size_limit`): twice the length at
/// which the checkpointer starts it over, so a WAL under steady writes keeps its file and only a burst past that
/// (a long reader holding the restart back) is given back to the disk. Cutting it back to 64 MiB on every
/// restart made the writer extend the file again each time, allocating blocks in its commits: the renewal
/// benchmark ran 20% slower.
pub(super) const WAL_SIZE_LIMIT: i64 = 2 * RESTART_AFTER_BYTES;
/// Passes before taking the writer: each copies what arrived during the one before, so the writer has less to do.
const PASSES_BEFORE_RESTART: usize = 4;
/// What arrives in the WAL during a pass below which another pass would not shorten the writer's part.
const FEW_BYTES: i64 = 2 << 20;
/// How long the restart waits for readers of old snapshots before giving up until the next round.
const READER_WAIT: Duration = Duration::from_millis(2);

/// Starts checkpointing; abort the handle to stop (the store does when dropped).
pub(super) fn start(options: SqliteConnectOptions, writer: Writer) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut conn = match options.connect().await {
            Ok(conn) => conn,
            Err(error) => {
                tracing::warn!(%error, "cannot open the SQLite checkpoint connection; WAL checkpoints fall back to commits");
                return;
            }
        };
        // Checkpoints count WAL frames, one page each; a file made before the page size changed keeps its own.
        let page_size = match sqlx::query_scalar::<_, i64>("PRAGMA page_size").fetch_one(&mut conn).await {
            Ok(size) if size > 0 => size,
            _ => i64::from(super::PAGE_SIZE),
        };
        let (restart_after, few) = (RESTART_AFTER_BYTES / page_size, FEW_BYTES / page_size);
        let mut every = tokio::time::interval(EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The WAL's length when the writer's step last left it copied to its end.
        let mut restarted: Option<i64> = None;
        loop {
            every.tick().await;
            let Some(mut frames) = passive(&mut conn).await else { continue };
            // Not written to since that step: the writer's next transaction starts it over. Another step now
            // would copy only what that transaction writes first; it stalled the renewal benchmark's writer a
            // second time after each restart.
            if frames <= restart_after || restarted == Some(frames) {
                continue;
            }
            for _ in 1..PASSES_BEFORE_RESTART {
                let Some(now) = passive(&mut conn).await else { break };
                let arrived = now - std::mem::replace(&mut frames, now);
                if arrived < few {
                    break;
                }
            }
            restarted = restart_on_writer(&writer).await;
        }
        #[expect(unreachable_code, reason = "the loop ends only when the task is aborted")]
        let _ = conn.close().await;
    })
}

/// A passive checkpoint; returns the frames in the WAL.
async fn passive(conn: &mut SqliteConnection) -> Option<i64> {
    let outcome: Result<(i64, i64, i64), _> = sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)").fetch_one(conn).await;
    match outcome {
        Ok((_, frames, _)) => Some(frames),
        Err(error) => {
            tracing::warn!(%error, "WAL checkpoint failed");
            None
        }
    }
}

/// Copies the rest of the WAL on the writer's connection between two of its transactions, then waits up to
/// [`READER_WAIT`] for readers of the WAL to finish (`RESTART`). Returns the WAL's length if it is now copied
/// to its end.
async fn restart_on_writer(writer: &Writer) -> Option<i64> {
    let lease = writer.clone().lock_owned().await;
    match tokio::task::spawn_blocking(move || restart(&lease)).await {
        Ok(Ok((frames, copied))) => (frames == copied).then_some(frames),
        Ok(Err(error)) => {
            tracing::warn!(%error, "WAL checkpoint on the writer failed");
            None
        }
        Err(_) => None,
    }
}

/// `RESTART` on `conn`; returns the WAL's frames and how many of them are copied.
fn restart(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    conn.busy_timeout(READER_WAIT)?;
    let outcome = conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |row| Ok((row.get(1)?, row.get(2)?)));
    conn.busy_timeout(super::BUSY_TIMEOUT)?;
    outcome
}

#[cfg(test)]
mod tests {
    use super::super::scratch::Scratch;
    use super::*;

    /// Frames in the WAL, as a passive checkpoint from another connection reports them after copying them back.
    fn frames(other: &Connection) -> i64 {
        other.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| row.get(1)).unwrap()
    }

    fn write(conn: &Connection, rows: usize) {
        for _ in 0..rows {
            conn.execute("INSERT INTO t (x) VALUES (randomblob(3000))", []).unwrap();
        }
    }

    #[test]
    fn the_writers_step_lets_its_next_transaction_start_the_wal_over() {
        let file = Scratch::new("checkpoint");
        let writer = file.open();
        writer.execute_batch("PRAGMA wal_autocheckpoint = 0").unwrap();
        let checkpointer = file.open();

        // Steady writes with readers: a transaction that starts while a reader still reads from the WAL cannot
        // start it over, and the next passive checkpoint finds new frames behind it again.
        let reader = file.open();
        write(&writer, 50);
        let mut grown = 0;
        for _ in 0..3 {
            reader.execute_batch("BEGIN; SELECT count(*) FROM t").unwrap();
            let now = frames(&checkpointer);
            assert!(now > grown, "the WAL keeps growing: {now} frames after {grown}");
            grown = now;
            write(&writer, 50);
            reader.execute_batch("COMMIT").unwrap();
        }

        let (length, copied) = restart(&writer).unwrap();
        assert_eq!(copied, length, "the writer's step copies the WAL to its end");
        assert!(length >= grown, "it reports the WAL's length: {length} frames");
        write(&writer, 1);
        let after = frames(&checkpointer);
        assert!(after < 10, "the WAL started over: {after} frames, {grown} before");
    }
}
