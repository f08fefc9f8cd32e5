//! Webhook delivery benchmark: `cargo bench -p portico-testkit --bench webhooks`.
//!
//! For each backend (SQLite, then PostgreSQL when `PORTICO_TEST_POSTGRES_URL` is set): a real Portico API on
//! 127.0.0.1 with no background worker, one webhook endpoint pointing at a local receiver, N events made through
//! the API (`POST /v1/customers`, 32 clients; `PORTICO_BENCH_WEBHOOK_EVENTS`, default 20,000), then the
//! worker's delivery rounds (`portico::webhooks::round`: claim, send signed, record) run until every delivery is
//! made. Prints events delivered per second (target: 5,000/s) and checks that the receiver got each event
//! exactly once with a signature that verifies.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use portico_api::AppState;
use portico_core::processor::TestProcessor;
use portico_testkit::{Backend, Client, database, serve_router};

const DEFAULT_EVENTS: usize = 20_000;
const CLIENTS: usize = 32;

/// What the receiver saw: event ids (a repeat is a bug) and whether every signature verified.
#[derive(Default)]
struct Received {
    ids: HashSet<String>,
    repeats: usize,
    bad_signatures: usize,
    secret: String,
}

fn main() {
    let events = std::env::var("PORTICO_BENCH_WEBHOOK_EVENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|n| (1..=1_000_000).contains(n))
        .unwrap_or(DEFAULT_EVENTS);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    runtime.block_on(async move {
        println!("Portico webhook delivery benchmark: {events} events, one endpoint, loopback receiver");
        println!("{:<10} {:>14} {:>16} {:>12}  checked", "backend", "events made/s", "delivered/s", "drains");
        run(Backend::Sqlite, "sqlite", events).await;
        if std::env::var("PORTICO_TEST_POSTGRES_URL").is_ok() {
            run(Backend::Postgres, "postgres", events).await;
        } else {
            println!(
                "postgres   skipped: PORTICO_TEST_POSTGRES_URL is not set (scripts/throwaway-postgres.sh starts one)"
            );
        }
    });
}

async fn receive(State(received): State<Arc<Mutex<Received>>>, headers: HeaderMap, body: Bytes) -> &'static str {
    let body = String::from_utf8_lossy(&body);
    let signature = headers.get("stripe-signature").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let id = serde_json::from_str::<serde_json::Value>(&body).ok().and_then(|v| v["id"].as_str().map(str::to_owned));
    let mut received = received.lock().expect("not poisoned");
    let verified = signature
        .split(',')
        .next()
        .and_then(|t| t.strip_prefix("t="))
        .and_then(|t| t.parse().ok())
        .is_some_and(|t| portico_core::webhooks::signature_header(&received.secret, t, &body) == signature);
    if !verified {
        received.bad_signatures += 1;
    }
    if let Some(id) = id
        && !received.ids.insert(id)
    {
        received.repeats += 1;
    }
    "ok"
}

async fn run(backend: Backend, label: &str, events: usize) {
    let db = database(backend).await;
    let secret_key = format!("sk_test_{}", portico_core::ids::random_base62(32));
    let now = portico_api::context::unix_now();
    let boot = portico::bootstrap::bootstrap(&*db.store, Some(&secret_key), now).await.expect("bootstrap");
    // The API alone: the delivery rounds are driven below, not by a background worker.
    let state = AppState::new(db.store.clone(), Arc::new(TestProcessor), "http://127.0.0.1".into())
        .with_card_fingerprint_key(&boot.card_fingerprint_key);
    let api = serve_router(portico_api::router(state.clone())).await;
    let received: Arc<Mutex<Received>> = Arc::default();
    let receiver = serve_router(Router::new().route("/hook", post(receive)).with_state(received.clone())).await;

    let client = Client::new(&api, &secret_key);
    let endpoint = client
        .post(
            "/v1/webhook_endpoints",
            &[("url", &format!("{receiver}/hook")), ("enabled_events[0]", "customer.created")],
        )
        .await;
    received.lock().expect("not poisoned").secret = endpoint.body["secret"].as_str().expect("secret").to_owned();

    let made = Instant::now();
    let mut clients = tokio::task::JoinSet::new();
    for c in 0..CLIENTS {
        let client = client.clone();
        let share = events / CLIENTS + usize::from(c < events % CLIENTS);
        clients.spawn(async move {
            for _ in 0..share {
                let answer = client.post("/v1/customers", &[("name", "Webhook bench")]).await;
                assert_eq!(answer.status, 200, "{}", answer.body);
            }
        });
    }
    while clients.join_next().await.is_some() {}
    let made = made.elapsed();

    let http = reqwest::Client::builder().http1_title_case_headers().build().expect("http client");
    let started = Instant::now();
    let mut rounds = 0;
    loop {
        let claimed = portico::webhooks::drain(&state, &http).await.expect("delivery rounds");
        rounds += 1;
        if claimed == 0 {
            break;
        }
    }
    let delivered = started.elapsed();
    let received = received.lock().expect("not poisoned");
    let complete = received.ids.len() == events && received.repeats == 0 && received.bad_signatures == 0;
    println!(
        "{label:<10} {:>14.0} {:>16.0} {rounds:>12}  {} events received once each, {} repeats, {} bad signatures{}",
        events as f64 / made.as_secs_f64(),
        events as f64 / delivered.as_secs_f64(),
        received.ids.len(),
        received.repeats,
        received.bad_signatures,
        if complete { "" } else { "  <-- INCOMPLETE" }
    );
    assert!(complete, "every event delivered exactly once with a valid signature");
}
