//! `portico listen --forward-to http://localhost:3000/hook`: what `stripe listen` does, against a Portico and with
//! no account to log into. It registers a webhook endpoint on the server pointing at a receiver of its own, so
//! events reach it through the real delivery path (signed, retried); prints each one; and forwards it signed
//! with a secret it prints, for the developer's handler to verify. The endpoint is removed on Ctrl-C.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use tokio::net::TcpListener;

pub struct Options {
    pub forward_to: String,
    pub api_base: String,
    pub api_key: String,
    pub events: Vec<String>,
}

struct Forwarder {
    http: reqwest::Client,
    forward_to: String,
    /// Verifies what the server sends (its endpoint's secret).
    incoming_secret: String,
    /// Signs what is forwarded (printed at start).
    forwarding_secret: String,
}

pub async fn run(options: Options) -> Result<(), Box<dyn std::error::Error>> {
    let http = reqwest::Client::builder().http1_title_case_headers().build()?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let receiver = format!("http://{}/", listener.local_addr()?);
    let mut form: Vec<(String, String)> =
        vec![("url".into(), receiver), ("description".into(), "portico listen (removed when it stops)".into())];
    for (index, event) in options.events.iter().enumerate() {
        form.push((format!("enabled_events[{index}]"), event.clone()));
    }
    let api = options.api_base.trim_end_matches('/').to_owned();
    let created: serde_json::Value = http
        .post(format!("{api}/v1/webhook_endpoints"))
        .bearer_auth(&options.api_key)
        .form(&form)
        .send()
        .await?
        .json()
        .await?;
    let (Some(endpoint), Some(secret)) = (created["id"].as_str(), created["secret"].as_str()) else {
        return Err(format!("the server refused the webhook endpoint: {created}").into());
    };
    let endpoint = endpoint.to_owned();
    let forwarding_secret = format!("whsec_{}", portico_core::ids::random_base62(32));
    println!("Ready! Your webhook signing secret is {forwarding_secret} (^C to quit)");
    println!("Forwarding {} events from {api} to {}", options.events.join(", "), options.forward_to);
    let forwarder = Arc::new(Forwarder {
        http: http.clone(),
        forward_to: options.forward_to,
        incoming_secret: secret.to_owned(),
        forwarding_secret,
    });
    let app = Router::new().route("/", post(forward)).with_state(forwarder);
    let served = axum::serve(listener, app).with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    });
    let result = served.await;
    let _ = http.delete(format!("{api}/v1/webhook_endpoints/{endpoint}")).bearer_auth(&options.api_key).send().await;
    println!("Stopped; webhook endpoint {endpoint} removed.");
    Ok(result?)
}

async fn forward(State(forwarder): State<Arc<Forwarder>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let body = String::from_utf8_lossy(&body).into_owned();
    let signature = headers.get("stripe-signature").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let timestamp = signature.split(',').find_map(|part| part.strip_prefix("t=")).and_then(|t| t.parse().ok());
    let genuine = timestamp
        .is_some_and(|t| portico_core::webhooks::signature_header(&forwarder.incoming_secret, t, &body) == signature);
    if !genuine {
        return StatusCode::BAD_REQUEST;
    }
    let event: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    let (kind, id) = (event["type"].as_str().unwrap_or("?"), event["id"].as_str().unwrap_or("?"));
    println!("{}   --> {kind} [{id}]", clock());
    let now = portico_api::context::unix_now();
    let signature = portico_core::webhooks::signature_header(&forwarder.forwarding_secret, now, &body);
    let sent = forwarder
        .http
        .post(&forwarder.forward_to)
        .header("Content-Type", "application/json; charset=utf-8")
        .header("Stripe-Signature", signature)
        .body(body)
        .send()
        .await;
    match sent {
        Ok(response) => {
            println!("{}  <--  [{}] POST {} [{id}]", clock(), response.status().as_u16(), forwarder.forward_to)
        }
        Err(error) => println!("{}  <--  [ERROR] POST {} [{id}]: {error}", clock(), forwarder.forward_to),
    }
    // The server's delivery succeeded whatever the handler said: like `stripe listen`, no retries from here.
    StatusCode::OK
}

/// `HH:MM:SS` in UTC, as the lines are stamped.
fn clock() -> String {
    let seconds = portico_api::context::unix_now().rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60)
}
