//! Group commit for PostgreSQL: transactions that only insert (the common create: an object, its event, an
//! idempotency record) are sent together, the rows of many requests in one autocommit statement. A statement
//! costs PostgreSQL far more than a row: during the create benchmark its backends spent their time on executor
//! setup, locks and the socket, not on storing customers.
//!
//! One task sends: it takes every job waiting (up to [`MAX_GROUP`]) and sends them as one statement, so a lone
//! request goes out at once and requests arriving meanwhile go together in the next. On the 2-core machine one
//! statement in flight per node beat two (groups of about 11 requests against 5, 17,000 creates per second
//! against 14,600): PostgreSQL spends per statement, so fewer, larger ones leave it more time for rows.
//!
//! Each request is answered only after the statement that holds its writes has committed. A failed group (one
//! request's idempotency key or id already taken, or a copy it relied on gone stale: `copies.rs`) wrote
//! nothing; its requests are then sent one by one, so each gets its own outcome. Nothing is kept between
//! statements: several nodes may share the database.

use sqlx::PgPool;
use tokio::sync::{mpsc, oneshot};

use super::copies::Relied;
use super::flush::{KeyRecord, insert};
use crate::buffer::Pending;
use crate::{Result, StoreError};

/// Most requests one statement carries.
const MAX_GROUP: usize = 64;

struct Job {
    rows: Vec<Pending>,
    key: Option<KeyRecord>,
    relied: Vec<Relied>,
    done: oneshot::Sender<Result<()>>,
}

/// The handle transactions send their inserts to.
#[derive(Clone)]
pub(super) struct GroupCommitter {
    jobs: mpsc::UnboundedSender<Job>,
}

impl GroupCommitter {
    /// Starts the sender; it ends when the last handle is dropped.
    pub(super) fn start(pool: PgPool) -> Self {
        let (jobs, queue) = mpsc::unbounded_channel();
        tokio::spawn(send_groups(pool, queue));
        Self { jobs }
    }

    /// Inserts `rows` and the idempotency record as one atomic unit, possibly in one statement with others, if
    /// the documents they relied on are still current (`copies.rs`).
    pub(super) async fn commit(&self, rows: Vec<Pending>, key: Option<KeyRecord>, relied: Vec<Relied>) -> Result<()> {
        if rows.is_empty() && key.is_none() {
            return Ok(());
        }
        let stopped = || StoreError::Config("the PostgreSQL group committer has stopped".into());
        let (done, outcome) = oneshot::channel();
        self.jobs.send(Job { rows, key, relied, done }).map_err(|_| stopped())?;
        outcome.await.map_err(|_| stopped())?
    }
}

async fn send_groups(pool: PgPool, mut queue: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = queue.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_GROUP
            && let Ok(job) = queue.try_recv()
        {
            group.push(job);
        }
        let outcomes = match send(&pool, &group).await {
            Ok(()) => group.iter().map(|_| Ok(())).collect(),
            Err(_) if group.len() > 1 => {
                let mut outcomes = Vec::with_capacity(group.len());
                for job in &group {
                    outcomes.push(send(&pool, std::slice::from_ref(job)).await);
                }
                outcomes
            }
            Err(error) => vec![Err(error)],
        };
        for (job, outcome) in group.into_iter().zip(outcomes) {
            let _ = job.done.send(outcome);
        }
    }
}

/// One statement for every job's rows and keys, in job order (rows' seq follows it).
async fn send(pool: &PgPool, jobs: &[Job]) -> Result<()> {
    let rows = jobs.iter().flat_map(|job| &job.rows);
    let keys = jobs.iter().filter_map(|job| job.key.as_ref());
    let relied = jobs.iter().flat_map(|job| &job.relied);
    insert(pool, rows, keys, relied).await
}
