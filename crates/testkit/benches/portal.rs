//! Portal home-page benchmark: `cargo bench -p portico-testkit --bench portal`.
//!
//! Spawns the real server on 127.0.0.1 (SQLite, then PostgreSQL when `PORTICO_TEST_POSTGRES_URL` is set) with a
//! customer as the portal shows them in practice: two cards, a subscription, a tax id, an address and twelve
//! paid invoices. Opens a portal session, then requests the home page: one connection in sequence (the
//! server's own time per page, read from the `Server-Timing` header, and the latency seen by the client), then
//! several connections at once (pages per second). Prints the page's bytes (HTML, and the stylesheet fetched
//! once and cached) and checks every page is the customer's (status 200, the customer's name in it).
//!
//! Bounded: `PORTICO_BENCH_PAGES` (default 2,000, at most 100,000) pages per part; about 10 seconds per backend.

use std::time::{Duration, Instant};

use portico_testkit::{Backend, Client, TestServer};

const DEFAULT_PAGES: usize = 2_000;
const MAX_PAGES: usize = 100_000;
const CONNECTIONS: usize = 8;
const INVOICES: usize = 12;

fn main() {
    let pages = std::env::var("PORTICO_BENCH_PAGES")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|n| (1..=MAX_PAGES).contains(n))
        .unwrap_or(DEFAULT_PAGES);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    println!(
        "Portico portal home page: {pages} pages per part, {CONNECTIONS} connections for throughput, {} CPU(s)\n",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "{:<9} {:>9} {:>9} {:>9} {:>9} {:>10} {:>10} {:>9}",
        "backend", "server p50", "p99 ms", "client p50", "p99 ms", "pages/s", "html bytes", "css bytes"
    );
    runtime.block_on(run(Backend::Sqlite));
    if std::env::var("PORTICO_TEST_POSTGRES_URL").is_ok() {
        runtime.block_on(run(Backend::Postgres));
    } else {
        println!("postgres  skipped (set PORTICO_TEST_POSTGRES_URL to include it)");
    }
}

async fn run(backend: Backend) {
    let pages = std::env::var("PORTICO_BENCH_PAGES")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|n| (1..=MAX_PAGES).contains(n))
        .unwrap_or(DEFAULT_PAGES);
    let server = portico_testkit::spawn(backend).await;
    let (home, cookie) = seed_and_open(&server).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");

    let css = http.get(format!("{}/p/assets/portal.css", server.base_url)).send().await.expect("css");
    let css_bytes = css.bytes().await.expect("css body").len();

    let mut server_ms = Vec::with_capacity(pages);
    let mut client_ms = Vec::with_capacity(pages);
    let mut html_bytes = 0;
    for _ in 0..pages {
        let started = Instant::now();
        let response = http.get(&home).header("cookie", &cookie).send().await.expect("home page");
        let timing = server_time(&response);
        let body = checked(response).await;
        client_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        server_ms.push(timing);
        html_bytes = body.len();
    }

    let started = Instant::now();
    let mut workers = Vec::new();
    for worker in 0..CONNECTIONS {
        let (http, home, cookie) = (http.clone(), home.clone(), cookie.clone());
        let share = pages / CONNECTIONS + usize::from(worker < pages % CONNECTIONS);
        workers.push(tokio::spawn(async move {
            for _ in 0..share {
                checked(http.get(&home).header("cookie", &cookie).send().await.expect("home page")).await;
            }
        }));
    }
    for worker in workers {
        worker.await.expect("worker");
    }
    let per_second = pages as f64 / started.elapsed().max(Duration::from_micros(1)).as_secs_f64();
    println!(
        "{:<9} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>10.0} {:>10} {:>9}",
        format!("{backend:?}").to_lowercase(),
        percentile(&mut server_ms, 0.50),
        percentile(&mut server_ms, 0.99),
        percentile(&mut client_ms, 0.50),
        percentile(&mut client_ms, 0.99),
        per_second,
        html_bytes,
        css_bytes
    );
}

/// A customer with the objects a real one has, a portal session for them, and the session opened: the home
/// page's URL and the session cookie.
async fn seed_and_open(server: &TestServer) -> (String, String) {
    let api: Client = server.client();
    let customer = api
        .post(
            "/v1/customers",
            &[
                ("name", "Bench Customer"),
                ("email", "bench@example.com"),
                ("address[line1]", "1 Bench Street"),
                ("address[city]", "Springfield"),
                ("address[postal_code]", "12345"),
                ("address[country]", "US"),
            ],
        )
        .await
        .body;
    let customer = customer["id"].as_str().expect("customer id").to_owned();
    let mut default_card = String::new();
    for card in ["pm_card_visa", "pm_card_mastercard"] {
        let attached = api.post(&format!("/v1/payment_methods/{card}/attach"), &[("customer", &customer)]).await;
        default_card = attached.body["id"].as_str().expect("card id").to_owned();
    }
    api.post(&format!("/v1/customers/{customer}"), &[("invoice_settings[default_payment_method]", &default_card)])
        .await;
    api.post(&format!("/v1/customers/{customer}/tax_ids"), &[("type", "eu_vat"), ("value", "DE123456789")]).await;
    let product = api.post("/v1/products", &[("name", "Bench Plan")]).await.body;
    let price = api
        .post(
            "/v1/prices",
            &[
                ("product", product["id"].as_str().expect("product")),
                ("unit_amount", "1500"),
                ("currency", "usd"),
                ("recurring[interval]", "month"),
            ],
        )
        .await
        .body;
    let price = price["id"].as_str().expect("price").to_owned();
    let subscription = api.post("/v1/subscriptions", &[("customer", &customer), ("items[0][price]", &price)]).await;
    assert_eq!(subscription.status, 200, "subscription: {:?}", subscription.body);
    for n in 0..INVOICES {
        api.post("/v1/invoiceitems", &[("customer", &customer), ("amount", &(1000 + n).to_string()), ("currency", "usd")])
            .await;
        let invoice = api.post("/v1/invoices", &[("customer", &customer), ("pending_invoice_items_behavior", "include")]).await;
        let id = invoice.body["id"].as_str().expect("invoice").to_owned();
        api.post(&format!("/v1/invoices/{id}/pay"), &[]).await;
    }
    let session = api.post("/v1/billing_portal/sessions", &[("customer", &customer), ("return_url", "https://example.com")]).await;
    assert_eq!(session.status, 200, "portal session: {:?}", session.body);
    let url = session.body["url"].as_str().expect("session url");
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let opened = http.get(url).send().await.expect("open session");
    let cookie = opened.headers()["set-cookie"].to_str().expect("cookie").split(';').next().expect("pair").to_owned();
    let home = opened.headers()["location"].to_str().expect("location").to_owned();
    (home, cookie)
}

fn server_time(response: &reqwest::Response) -> f64 {
    response
        .headers()
        .get("server-timing")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split("dur=").nth(1))
        .and_then(|ms| ms.parse().ok())
        .expect("Server-Timing header")
}

async fn checked(response: reqwest::Response) -> String {
    assert_eq!(response.status(), 200, "home page status");
    let body = response.text().await.expect("home page body");
    assert!(body.contains("Bench Customer") || body.contains("bench@example.com"), "home page is the customer's");
    body
}

fn percentile(values: &mut [f64], q: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    values[((values.len() - 1) as f64 * q).round() as usize]
}
