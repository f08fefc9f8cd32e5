//! The webhook worker: claims due deliveries, POSTs each event signed with its endpoint's secret (Stripe's
//! `Stripe-Signature` scheme), and records the answers; failures are retried with exponential backoff
//! (`AppState.webhook_settings`). Safe on every node: each claim is one attempt, leased in the database.

use std::time::{Duration, Instant};

use portico_api::AppState;
use portico_api::context::unix_now;
use portico_api::webhooks::{self, Claimed};
use portico_core::objects::webhook_delivery::Attempt;
use tokio::task::JoinSet;

/// Deliveries claimed per round: sent concurrently, recorded in one transaction.
const BATCH: u32 = 256;
/// Rounds in flight at once, so one round's sending overlaps another's database work.
const PARALLEL: usize = 4;
const IDLE: Duration = Duration::from_millis(500);

pub async fn run(state: AppState) {
    let client = match reqwest::Client::builder()
        .timeout(state.webhook_settings.timeout)
        .user_agent("Stripe/1.0 (+https://stripe.com/docs/webhooks)")
        // Header names as Stripe writes them (`Stripe-Signature`), for receivers that compare them exactly.
        .http1_title_case_headers()
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "cannot build the webhook HTTP client; webhooks will not be delivered");
            return;
        }
    };
    loop {
        tokio::select! {
            _ = tokio::time::sleep(IDLE) => {}
            _ = state.webhooks.notified() => {}
        }
        if let Err(error) = drain(&state, &client).await {
            tracing::warn!(error = %error.message, "webhook round failed; retrying");
        }
    }
}

/// Delivers until nothing is due: [`PARALLEL`] loops of rounds at once. Returns the deliveries claimed.
pub async fn drain(state: &AppState, client: &reqwest::Client) -> Result<usize, portico_api::error::ApiError> {
    let mut loops = JoinSet::new();
    for _ in 0..PARALLEL {
        let (state, client) = (state.clone(), client.clone());
        loops.spawn(async move {
            let mut total = 0;
            loop {
                let claimed = round(&state, &client).await?;
                total += claimed;
                if claimed < BATCH as usize {
                    return Ok::<_, portico_api::error::ApiError>(total);
                }
            }
        });
    }
    let mut total = 0;
    while let Some(done) = loops.join_next().await {
        total += done.map_err(portico_api::error::ApiError::internal)??;
    }
    Ok(total)
}

/// One round: claim, send all at once, record. Returns how many deliveries were claimed.
pub async fn round(state: &AppState, client: &reqwest::Client) -> Result<usize, portico_api::error::ApiError> {
    let claimed = webhooks::claim(state, unix_now(), BATCH).await?;
    let count = claimed.len();
    if count == 0 {
        return Ok(0);
    }
    let mut sending = JoinSet::new();
    for delivery in claimed {
        sending.spawn(send(client.clone(), delivery));
    }
    let mut done = Vec::with_capacity(count);
    while let Some(result) = sending.join_next().await {
        if let Ok(result) = result {
            done.push(result);
        }
    }
    webhooks::record(state, done).await?;
    Ok(count)
}

async fn send(client: reqwest::Client, claimed: Claimed) -> (Claimed, Attempt) {
    let at = unix_now();
    let started = Instant::now();
    let signature = portico_core::webhooks::signature_header(&claimed.secret, at, &claimed.body);
    let sent = client
        .post(&claimed.url)
        .header("Content-Type", "application/json; charset=utf-8")
        .header("Stripe-Signature", signature)
        .body(claimed.body.clone())
        .send()
        .await;
    let duration_ms = started.elapsed().as_millis() as u64;
    let attempt = match sent {
        Ok(response) => Attempt { at, status_code: Some(response.status().as_u16()), error: None, duration_ms },
        Err(error) => Attempt { at, status_code: None, error: Some(error.to_string()), duration_ms },
    };
    (claimed, attempt)
}
