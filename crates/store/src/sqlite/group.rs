//! Group commit for SQLite: transactions that only write (the common create: an object, its event, an
//! idempotency record) are queued and committed together, many per SQLite transaction, by one task that takes
//! the writer for them. Each request is answered only after the commit that holds its writes, so acknowledged
//! writes are as durable as with one commit each; each request's writes stay all-or-nothing because a failed
//! group is rolled back and its requests are then run one by one in their own transactions.
//!
//! The group is written through the writer's rusqlite connection, synchronously on the task's thread: a whole
//! group (`BEGIN IMMEDIATE`, the inserts, `COMMIT`) runs in about 25 µs per request.

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use super::Writer;
use super::write::Write;
use crate::{Result, StoreError};

/// Most requests one group commit carries.
const MAX_GROUP: usize = 64;

struct Job {
    writes: Vec<Write>,
    done: oneshot::Sender<Result<()>>,
}

/// The handle transactions send their writes to.
#[derive(Clone)]
pub(super) struct GroupCommitter {
    jobs: mpsc::UnboundedSender<Job>,
}

impl GroupCommitter {
    /// Starts the committing task on the current Tokio runtime; it ends when the last handle is dropped.
    pub(super) fn start(writer: Writer) -> Self {
        let (jobs, queue) = mpsc::unbounded_channel();
        tokio::spawn(run(writer, queue));
        Self { jobs }
    }

    /// Commits `writes` as one transaction (possibly sharing a SQLite transaction with others).
    pub(super) async fn commit(&self, writes: Vec<Write>) -> Result<()> {
        let (done, outcome) = oneshot::channel();
        self.jobs.send(Job { writes, done }).map_err(|_| StoreError::Config("the SQLite writer has stopped".into()))?;
        outcome.await.map_err(|_| StoreError::Config("the SQLite writer has stopped".into()))?
    }
}

async fn run(writer: Writer, mut queue: mpsc::UnboundedReceiver<Job>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while queue.recv_many(&mut group, MAX_GROUP).await > 0 {
        // The writer's turn: no open transaction holds SQLite's write lock while the group is written.
        let conn = writer.lock().await;
        match commit(&conn, group.iter().flat_map(|job| &job.writes)) {
            Ok(()) => {
                for job in group.drain(..) {
                    let _ = job.done.send(Ok(()));
                }
            }
            // Someone's writes broke a rule (a duplicate id): run each request alone to find whose.
            Err(_) => {
                for job in group.drain(..) {
                    let _ = job.done.send(commit(&conn, &job.writes));
                }
            }
        }
    }
}

/// Writes everything in one SQLite transaction, or nothing.
fn commit<'w>(conn: &Connection, writes: impl IntoIterator<Item = &'w Write>) -> Result<()> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let outcome = writes
        .into_iter()
        .try_for_each(|write| write.execute(conn))
        .and_then(|()| Ok(conn.execute_batch("COMMIT")?));
    if outcome.is_err() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    outcome
}
