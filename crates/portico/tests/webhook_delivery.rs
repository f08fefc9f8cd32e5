//! Webhook delivery through real `portico` processes: two nodes on one PostgreSQL deliver each event once, and
//! `portico listen` forwards events signed with the secret it prints.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use portico_testkit::{Backend, Client, TestDatabase, database};
use support::{line_after, line_with, portico, serve};
use tokio::io::{BufReader, Lines};
use tokio::net::TcpListener;
use tokio::process::{Child, ChildStdout};

mod support;

/// A receiver on 127.0.0.1 that counts deliveries per event id and keeps the signature headers.
#[derive(Default)]
struct Received {
    count: HashMap<String, usize>,
    signed: Vec<(String, String)>,
}

async fn receiver() -> (String, Arc<Mutex<Received>>) {
    async fn receive(State(seen): State<Arc<Mutex<Received>>>, headers: HeaderMap, body: Bytes) -> &'static str {
        let body = String::from_utf8_lossy(&body).into_owned();
        let event: serde_json::Value = serde_json::from_str(&body).expect("JSON body");
        let signature = headers.get("stripe-signature").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let mut seen = seen.lock().expect("not poisoned");
        *seen.count.entry(event["id"].as_str().expect("id").to_owned()).or_default() += 1;
        seen.signed.push((signature, body));
        "ok"
    }
    let seen: Arc<Mutex<Received>> = Arc::default();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("address"));
    let app = Router::new().route("/hook", post(receive)).with_state(seen.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

async fn wait_for(seen: &Arc<Mutex<Received>>, events: usize) {
    for _ in 0..600 {
        if seen.lock().expect("not poisoned").count.len() >= events {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("only {} of {events} events arrived", seen.lock().expect("not poisoned").count.len());
}

/// Two `portico serve` processes on one fresh PostgreSQL database, a client of each; stopped when dropped.
struct TwoNodes {
    a: Client,
    b: Client,
    _processes: [(Child, Lines<BufReader<ChildStdout>>); 2],
    _db: TestDatabase,
}

async fn two_nodes() -> TwoNodes {
    let db = database(Backend::Postgres).await;
    let key = format!("sk_test_{}", portico_core::ids::random_base62(32));
    let (a, a_out, node_a) = serve(&db.url, &key).await;
    let (b, b_out, node_b) = serve(&db.url, &key).await;
    let clients = (Client::new(&node_a, &key), Client::new(&node_b, &key));
    TwoNodes { a: clients.0, b: clients.1, _processes: [(a, a_out), (b, b_out)], _db: db }
}

#[tokio::test]
async fn two_nodes_on_one_postgresql_deliver_each_event_once() {
    let nodes = two_nodes().await;
    let (url, seen) = receiver().await;
    let (a, b) = (&nodes.a, &nodes.b);
    let endpoint = a.post("/v1/webhook_endpoints", &[("url", &url), ("enabled_events[0]", "customer.created")]).await;
    assert_eq!(endpoint.status, 200, "{}", endpoint.body);

    const EVENTS: usize = 400;
    let mut making = tokio::task::JoinSet::new();
    for i in 0..EVENTS {
        let client = if i % 2 == 0 { a.clone() } else { b.clone() };
        making.spawn(async move { client.post("/v1/customers", &[("name", "Two nodes")]).await.status });
    }
    while let Some(status) = making.join_next().await {
        assert_eq!(status.expect("task"), 200);
    }
    wait_for(&seen, EVENTS).await;
    // Both workers keep running: anything delivered twice would show up now.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let seen = seen.lock().expect("not poisoned");
    assert_eq!(seen.count.len(), EVENTS);
    let twice: Vec<_> = seen.count.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "delivered more than once: {twice:?}");
}

/// Each node keeps copies of the webhook registries it reads (so that an event costs no read of its account's);
/// an endpoint made on one node must still get the very next event made on another.
#[tokio::test]
async fn an_endpoint_made_on_one_node_gets_the_next_event_made_on_another() {
    let nodes = two_nodes().await;
    let (a, b) = (&nodes.a, &nodes.b);
    // Node B reads the account's registry (no endpoints yet) for this event, and keeps a copy.
    assert_eq!(b.post("/v1/customers", &[("name", "Before")]).await.status, 200);
    let (url, seen) = receiver().await;
    let endpoint = a.post("/v1/webhook_endpoints", &[("url", &url), ("enabled_events[0]", "customer.created")]).await;
    assert_eq!(endpoint.status, 200, "{}", endpoint.body);

    let customer = b.post("/v1/customers", &[("name", "After")]).await;
    assert_eq!(customer.status, 200, "{}", customer.body);
    let events = b.get("/v1/events", &[("type", "customer.created"), ("limit", "1")]).await;
    let event = &events.body["data"][0];
    assert_eq!(event["data"]["object"]["id"], customer.body["id"]);
    wait_for(&seen, 1).await;
    let seen = seen.lock().expect("not poisoned");
    assert_eq!(seen.count.keys().collect::<Vec<_>>(), [event["id"].as_str().expect("event id")]);
}

#[tokio::test]
async fn listen_prints_events_and_forwards_them_signed_with_its_secret() {
    let db = database(Backend::Sqlite).await;
    let key = format!("sk_test_{}", portico_core::ids::random_base62(32));
    let (_server, _server_out, base) = serve(&db.url, &key).await;
    let (handler, seen) = receiver().await;
    let args = ["listen", "--forward-to", &handler, "--api-base", &base, "--events", "customer.created"];
    let (_listen, mut out) = portico(&args, &[("PORTICO_SECRET_KEY", &key)]);
    let secret = line_after(&mut out, "Ready! Your webhook signing secret is ").await;
    let secret = secret.split_whitespace().next().expect("secret").to_owned();
    assert!(secret.starts_with("whsec_"));

    let client = Client::new(&base, &key);
    let customer = client.post("/v1/customers", &[("email", "listen@example.com")]).await;
    assert_eq!(customer.status, 200);
    line_with(&mut out, "--> customer.created [evt_").await;
    wait_for(&seen, 1).await;
    let (signature, body) = seen.lock().expect("not poisoned").signed[0].clone();
    let t: i64 = signature.split(',').next().and_then(|t| t.strip_prefix("t=")).expect("t=").parse().expect("number");
    assert_eq!(
        portico_core::webhooks::signature_header(&secret, t, &body),
        signature,
        "signed with the printed secret"
    );
    let event: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(event["data"]["object"]["email"], "listen@example.com");
    line_with(&mut out, &format!("<--  [200] POST {handler}")).await;
}
