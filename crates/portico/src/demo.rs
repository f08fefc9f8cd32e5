//! `portico demo`: a fresh database with a small catalogue and customers, created through the real API
//! (in-process, no network) so the demo data is exactly what an SDK would have made.

use axum::body::{Body, to_bytes};
use axum::http::{Request, header};
use serde_json::Value;
use tower::ServiceExt as _;

use crate::bootstrap::bootstrap;

type DemoResult<T> = Result<T, Box<dyn std::error::Error>>;

pub async fn run(database_url: &str, pinned_key: Option<&str>, now: i64) -> DemoResult<()> {
    let store = portico_store::connect(database_url).await?;
    store.migrate().await?;
    let key = match pinned_key {
        Some(key) => key.to_owned(),
        None => format!("sk_test_demo_{}", portico_core::ids::random_base62(32)),
    };
    let boot = bootstrap(&*store, Some(&key), now).await?;
    let app = crate::app(store, "http://127.0.0.1:8080".into(), &boot);
    let post = |path: &'static str, body: String| {
        let app = app.clone();
        let key = key.clone();
        async move {
            let request = Request::post(path)
                .header(header::AUTHORIZATION, format!("Bearer {key}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))?;
            let response = app.oneshot(request).await?;
            let status = response.status();
            let value: Value = serde_json::from_slice(&to_bytes(response.into_body(), usize::MAX).await?)?;
            if !status.is_success() {
                return Err(format!("{path}: {status} {value}").into());
            }
            DemoResult::Ok(value)
        }
    };
    let mut customers = Vec::new();
    for (name, email) in [
        ("Jenny Rosen", "jenny.rosen@example.com"),
        ("Kai Tanaka", "kai.tanaka@example.com"),
        ("Lea Müller", "lea.mueller@example.com"),
    ] {
        let body = format!("name={}&email={}&preferred_locales[0]=en", urlencode(name), urlencode(email));
        customers.push(post("/v1/customers", body).await?);
    }
    println!("Demo data created in {} for account {}.", portico_store::redact_url(database_url), boot.platform_account);
    for customer in &customers {
        println!("  customer {} {}", customer["id"].as_str().unwrap_or(""), customer["email"].as_str().unwrap_or(""));
    }
    println!("\nStart the server on it:\n\n    PORTICO_SECRET_KEY={key} portico serve --database-url {database_url}\n");
    println!("then: curl http://127.0.0.1:8080/v1/customers -u {key}:");
    Ok(())
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
