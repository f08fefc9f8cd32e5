//! Group commit for SQLite: transactions that only write (the common create: an object, its event, an
//! idempotency record) are queued and committed together, many per SQLite transaction, by one task that owns
//! the turn at the writer connection. Each request is answered only after the commit that holds its writes,
//! so acknowledged writes are as durable as with one commit each; each request's writes stay all-or-nothing
//! because a failed group is rolled back and its requests are then run one by one in their own transactions.

use sqlx::{QueryBuilder, Sqlite};
use tokio::sync::{mpsc, oneshot};

use super::conns::Conns;
use super::tx::{Write, classify, push_write};
use crate::{Result, StoreError};

/// Most requests' writes one group commit carries (SQLite's limit on bound parameters is far above this).
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
    pub(super) fn start(writer: Conns) -> Self {
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

async fn run(writer: Conns, mut queue: mpsc::UnboundedReceiver<Job>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while queue.recv_many(&mut group, MAX_GROUP).await > 0 {
        let together = group.iter().flat_map(|job| job.writes.iter().cloned()).collect();
        match execute(&writer, together).await {
            Ok(()) => {
                for job in group.drain(..) {
                    let _ = job.done.send(Ok(()));
                }
            }
            // Someone's writes broke a rule (a duplicate id): run each request alone to find whose.
            Err(_) => {
                for job in group.drain(..) {
                    let _ = job.done.send(execute(&writer, job.writes).await);
                }
            }
        }
    }
}

async fn execute(writer: &Conns, writes: Vec<Write>) -> Result<()> {
    let mut conn = writer.acquire().await;
    let mut qb = QueryBuilder::<Sqlite>::new("BEGIN IMMEDIATE; ");
    for write in writes {
        push_write(&mut qb, write);
    }
    qb.push("COMMIT");
    let outcome = qb.build().persistent(false).execute(&mut *conn).await.map(drop).map_err(classify);
    if outcome.is_err() {
        let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
    }
    outcome
}
