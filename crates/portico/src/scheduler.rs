//! The wall-clock scheduler: every second (or at once when a test clock is asked to advance) it does what has
//! fallen due, and runs the advances of test clocks. Safe on every node: the work queue lives in the database
//! and PostgreSQL hands each due row to one node (`FOR UPDATE SKIP LOCKED`); an advance locks its clock per
//! batch.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use portico_api::AppState;
use portico_api::billing::due;

pub async fn run(state: AppState) {
    let advancing: Arc<Mutex<HashSet<String>>> = Arc::default();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = state.scheduler.notified() => {}
        }
        loop {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or_default();
            let (done, clocks) = match due::tick(&state, now).await {
                Ok(found) => found,
                Err(error) => {
                    tracing::warn!(error = %error.message, "scheduler pass failed; retrying");
                    break;
                }
            };
            for (scope, clock) in clocks {
                if !advancing.lock().unwrap_or_else(|p| p.into_inner()).insert(clock.clone()) {
                    continue;
                }
                let (state, advancing) = (state.clone(), advancing.clone());
                tokio::spawn(async move {
                    if let Err(error) = due::advance_clock(&state, &scope, &clock).await {
                        tracing::warn!(clock, error = %error.message, "test clock advance failed; it resumes on the next pass");
                    }
                    advancing.lock().unwrap_or_else(|p| p.into_inner()).remove(&clock);
                });
            }
            if done < due::BATCH as usize {
                break;
            }
        }
    }
}
