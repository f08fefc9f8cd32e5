//! Bounded, loopback-only load benchmark: `cargo bench -p portico-testkit --bench load`.
//!
//! Spawns the real server in-process on 127.0.0.1 (SQLite, then PostgreSQL when `PORTICO_TEST_POSTGRES_URL` is
//! set) and drives it with concurrent keep-alive clients for a fixed time per scenario, printing requests, req/s
//! and p50/p99 latency for create customer (without and with an `Idempotency-Key`, which the official SDKs send
//! on every POST), retrieve customer, list customers (limit 10) and create portal session. Two hello-world
//! baselines run in the same process and the same way: a bare axum handler, and a handler behind Portico's own
//! /v1 middleware (authentication, the request's transaction, request-id headers); the ratios compare create
//! customer and create portal session to both, measured in turn with them in `ROUNDS` rounds.
//!
//! Bounded: every scenario stops after its duration or `MAX_REQUESTS`, whichever comes first; the whole run
//! takes about 70 seconds per backend. `PORTICO_BENCH_SECS` (at most 30) changes the measured part of each scenario,
//! `PORTICO_BENCH_CONNECTIONS` (1 to 256) the concurrency, and `PORTICO_BENCH_ONLY=create` runs only the
//! baselines and the scenarios whose name contains the text (for profiling one of them); `PORTICO_BENCH_BACKEND`
//! (`sqlite` or `postgres`) runs only that backend.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::header;
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::get;
use portico_api::AppState;
use portico_api::context::api_layer;
use portico_core::processor::TestProcessor;
use portico_testkit::{Backend, TestServer, serve_router};

/// Concurrent keep-alive connections, one client each (`PORTICO_BENCH_CONNECTIONS`, 1 to 256).
const DEFAULT_CONNECTIONS: usize = 32;
const WARM_UP: Duration = Duration::from_millis(500);
/// Customers made before the scenarios that need them when `PORTICO_BENCH_ONLY` skips the ones that make them.
const SEEDED_CUSTOMERS: usize = 256;
/// Customers each connection remembers from a create scenario, for the scenarios that read customers back.
const KEPT_IDS_PER_CONNECTION: usize = 1_000;
/// Measured seconds per scenario (`PORTICO_BENCH_SECS`, at most 30).
const DEFAULT_MEASURE_SECS: f64 = 3.0;
/// Upper bound on measured requests per scenario, whatever the duration.
const MAX_REQUESTS: usize = 2_000_000;
/// The scenarios compared with the hello-world baselines.
const COMPARED: [Scenario; 2] = [Scenario::CreateCustomer, Scenario::CreatePortalSession];
/// Turns a compared scenario and the baselines take, each with a share of the measured time.
const ROUNDS: u32 = 3;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scenario {
    HelloAxum,
    HelloApi,
    CreateCustomer,
    /// As the official SDKs send every POST: with a fresh `Idempotency-Key`.
    CreateCustomerIdempotent,
    RetrieveCustomer,
    ListCustomers,
    /// `POST /v1/billing_portal/sessions` for the customers made above (the default configuration).
    CreatePortalSession,
}

impl Scenario {
    const ALL: [Scenario; 7] = [
        Scenario::HelloAxum,
        Scenario::HelloApi,
        Scenario::CreateCustomer,
        Scenario::CreateCustomerIdempotent,
        Scenario::RetrieveCustomer,
        Scenario::ListCustomers,
        Scenario::CreatePortalSession,
    ];

    fn name(self) -> &'static str {
        match self {
            Scenario::HelloAxum => "hello world (bare axum)",
            Scenario::HelloApi => "hello world (/v1 middleware)",
            Scenario::CreateCustomer => "create customer",
            Scenario::CreateCustomerIdempotent => "create customer + idem. key",
            Scenario::RetrieveCustomer => "retrieve customer",
            Scenario::ListCustomers => "list customers (limit 10)",
            Scenario::CreatePortalSession => "create portal session",
        }
    }
}

/// The one field of an answer the generator reads.
#[derive(serde::Deserialize)]
struct Identified<'a> {
    id: &'a str,
}

/// What one or more measured windows of a scenario recorded.
#[derive(Default)]
struct Sample {
    latencies_us: Vec<u32>,
    failures: usize,
    elapsed: Duration,
}

impl Sample {
    fn add(&mut self, mut other: Sample) {
        self.latencies_us.append(&mut other.latencies_us);
        self.failures += other.failures;
        self.elapsed += other.elapsed;
    }

    fn figures(mut self) -> Figures {
        self.latencies_us.sort_unstable();
        Figures {
            requests: self.latencies_us.len(),
            failures: self.failures,
            elapsed: self.elapsed,
            p50: percentile(&self.latencies_us, 50.0),
            p99: percentile(&self.latencies_us, 99.0),
        }
    }
}

/// The measured outcome of one scenario.
struct Figures {
    requests: usize,
    failures: usize,
    elapsed: Duration,
    p50: Duration,
    p99: Duration,
}

impl Figures {
    fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

/// Where the load goes: the Portico server plus the two hello-world servers sharing its store.
struct Target {
    server: TestServer,
    hello_axum: String,
    hello_api: String,
    /// Customers made by the create scenario, fetched round-robin by the retrieve scenario.
    customers: Vec<String>,
    /// Concurrent keep-alive connections.
    connections: usize,
}

/// How hard and how long to push, from the environment.
#[derive(Clone)]
struct Config {
    connections: usize,
    measure: Duration,
    /// Run only the baselines and the scenarios whose name contains this (for profiling one of them).
    only: String,
    /// `sqlite` or `postgres` to run only that backend; both when empty.
    backend: String,
}

impl Config {
    fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok();
        let measure = var("PORTICO_BENCH_SECS")
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|s| *s > 0.0 && *s <= 30.0)
            .unwrap_or(DEFAULT_MEASURE_SECS);
        let connections = var("PORTICO_BENCH_CONNECTIONS")
            .and_then(|s| s.parse::<usize>().ok())
            .filter(|n| (1..=256).contains(n))
            .unwrap_or(DEFAULT_CONNECTIONS);
        Config {
            connections,
            measure: Duration::from_secs_f64(measure),
            only: var("PORTICO_BENCH_ONLY").unwrap_or_default(),
            backend: var("PORTICO_BENCH_BACKEND").unwrap_or_default(),
        }
    }
}

fn main() {
    let config = Config::from_env();
    let (connections, measure) = (config.connections, config.measure);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    runtime.block_on(async move {
        println!(
            "Portico load benchmark: {connections} keep-alive connections, {} ms warm-up + {:.1} s per scenario, loopback only, {} CPU(s)",
            WARM_UP.as_millis(),
            measure.as_secs_f64(),
            std::thread::available_parallelism().map_or(1, |n| n.get())
        );
        println!();
        println!("{:<30} {:<10} {:>9} {:>10} {:>9} {:>9} {:>8}", "scenario", "backend", "requests", "req/s", "p50 ms", "p99 ms", "errors");
        let mut ratios = Vec::new();
        if config.backend != "postgres" {
            ratios.push(run_backend(Backend::Sqlite, "sqlite", &config).await);
        }
        if config.backend != "sqlite" {
            if std::env::var("PORTICO_TEST_POSTGRES_URL").is_ok() {
                ratios.push(run_backend(Backend::Postgres, "postgres", &config).await);
            } else {
                println!("postgres   skipped: PORTICO_TEST_POSTGRES_URL is not set (scripts/throwaway-postgres.sh starts one)");
            }
        }
        println!();
        println!("create customer and create portal session compared with hello world on the same server stack (latency ratio is p50 / p50):");
        for (backend, lines) in ratios {
            for line in lines {
                println!("  {backend:<9} {line}");
            }
        }
    });
}

async fn run_backend(backend: Backend, label: &'static str, config: &Config) -> (&'static str, Vec<String>) {
    let server = portico_testkit::spawn(backend).await;
    let hello_axum = serve_router(Router::new().route("/hello", get(hello))).await;
    let state = AppState::new(server.store.clone(), Arc::new(TestProcessor), server.base_url.clone());
    let api = Router::new()
        .route("/v1/hello", get(hello))
        .layer(middleware::from_fn_with_state(state.clone(), api_layer))
        .with_state(state);
    let hello_api = serve_router(api).await;
    let mut target = Target { server, hello_axum, hello_api, customers: Vec::new(), connections: config.connections };
    // Retrieving customers and opening sessions for them need customers: when `PORTICO_BENCH_ONLY` leaves out the
    // scenarios that make them, a few are made here first.
    let runs = |scenario: Scenario| config.only.is_empty() || scenario.name().contains(config.only.as_str());
    if !runs(Scenario::CreateCustomer) && !runs(Scenario::CreateCustomerIdempotent) {
        let client = target.server.client();
        for _ in 0..SEEDED_CUSTOMERS {
            let answer = client.post("/v1/customers", &[("email", "load@example.com"), ("name", "Load Test")]).await;
            target.customers.push(answer.body["id"].as_str().expect("a customer id").to_owned());
        }
    }

    let row = |scenario: Scenario, figures: &Figures| {
        println!(
            "{:<30} {:<10} {:>9} {:>10.0} {:>9.2} {:>9.2} {:>8}",
            scenario.name(),
            label,
            figures.requests,
            figures.per_second(),
            ms(figures.p50),
            ms(figures.p99),
            figures.failures
        );
    };
    let mut lines = Vec::new();
    for scenario in Scenario::ALL {
        let baseline = matches!(scenario, Scenario::HelloAxum | Scenario::HelloApi);
        if !baseline && !runs(scenario) {
            continue;
        }
        if !COMPARED.contains(&scenario) {
            row(scenario, &drive(&mut target, scenario, config.measure).await.figures());
            continue;
        }
        // Compared with the baselines measured in turn with it, so that a slow or fast spell of the shared
        // machine (runs of one build differ by a fifth) falls on both sides of the ratio.
        let mut samples: [Sample; 3] = Default::default();
        for _ in 0..ROUNDS {
            for (part, sample) in [Scenario::HelloApi, Scenario::HelloAxum, scenario].into_iter().zip(&mut samples) {
                sample.add(drive(&mut target, part, config.measure / ROUNDS).await);
            }
        }
        let [api, axum, measured] = samples.map(Sample::figures);
        row(scenario, &measured);
        for (baseline, hello) in [(Scenario::HelloApi, api), (Scenario::HelloAxum, axum)] {
            let invalid = match measured.failures {
                0 => String::new(),
                failed => format!(" (not a valid figure: {failed} requests failed)"),
            };
            lines.push(format!(
                "{:<22} vs {:<30} latency x{:.1} (p99 x{:.1}), throughput x{:.1} fewer req/s ({:.0} against {:.0}){invalid}",
                scenario.name(),
                baseline.name(),
                ms(measured.p50) / ms(hello.p50),
                ms(measured.p99) / ms(hello.p99),
                hello.per_second() / measured.per_second(),
                measured.per_second(),
                hello.per_second()
            ));
        }
    }
    (label, lines)
}

async fn hello() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], r#"{"hello":"world"}"#)
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// One keep-alive client per connection, each sending requests back to back: warm-up first (not recorded), then
/// the measured window.
async fn drive(target: &mut Target, scenario: Scenario, measure: Duration) -> Sample {
    let connections = target.connections;
    let key = target.server.secret_key.clone();
    let customers = Arc::new(std::mem::take(&mut target.customers));
    let counter = Arc::new(AtomicUsize::new(0));
    let base = match scenario {
        Scenario::HelloAxum => target.hello_axum.clone(),
        Scenario::HelloApi => target.hello_api.clone(),
        _ => target.server.base_url.clone(),
    };
    let start = Instant::now();
    let measure_from = start + WARM_UP;
    let stop_at = measure_from + measure;
    let mut workers = Vec::with_capacity(connections);
    for worker in 0..connections {
        let (key, base, customers, counter) = (key.clone(), base.clone(), customers.clone(), counter.clone());
        workers.push(tokio::spawn(async move {
            let http = reqwest::Client::builder().pool_max_idle_per_host(1).build().expect("http client");
            let mut latencies_us: Vec<u32> = Vec::new();
            let (mut failures, mut created) = (0usize, Vec::new());
            let mut next_customer = worker;
            let mut serial = 0u64;
            loop {
                let sent = Instant::now();
                if sent >= stop_at {
                    break;
                }
                let measured = sent >= measure_from;
                if measured && counter.fetch_add(1, Ordering::Relaxed) >= MAX_REQUESTS {
                    break;
                }
                let request = match scenario {
                    Scenario::HelloAxum => http.get(format!("{base}/hello")),
                    Scenario::HelloApi => http.get(format!("{base}/v1/hello")).bearer_auth(&key),
                    Scenario::CreateCustomer => http
                        .post(format!("{base}/v1/customers"))
                        .bearer_auth(&key)
                        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .body("email=load%40example.com&name=Load%20Test&metadata[source]=bench"),
                    Scenario::CreateCustomerIdempotent => {
                        serial += 1;
                        http.post(format!("{base}/v1/customers"))
                            .bearer_auth(&key)
                            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                            .header("idempotency-key", format!("bench-{worker}-{serial}"))
                            .body("email=load%40example.com&name=Load%20Test&metadata[source]=bench")
                    }
                    Scenario::RetrieveCustomer => {
                        next_customer += connections;
                        let id =
                            customers.get(next_customer % customers.len().max(1)).map_or("cus_missing", String::as_str);
                        http.get(format!("{base}/v1/customers/{id}")).bearer_auth(&key)
                    }
                    Scenario::ListCustomers => http.get(format!("{base}/v1/customers?limit=10")).bearer_auth(&key),
                    Scenario::CreatePortalSession => {
                        next_customer += connections;
                        let id =
                            customers.get(next_customer % customers.len().max(1)).map_or("cus_missing", String::as_str);
                        http.post(format!("{base}/v1/billing_portal/sessions"))
                            .bearer_auth(&key)
                            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                            .body(format!("customer={id}&return_url=https%3A%2F%2Fexample.com%2Faccount"))
                    }
                };
                let outcome = match request.send().await {
                    Ok(response) => {
                        let ok = response.status().is_success();
                        match response.bytes().await {
                            Ok(body) if ok => Some(body),
                            _ => None,
                        }
                    }
                    Err(_) => None,
                };
                let latency = sent.elapsed();
                // The ids later scenarios read back. Only the `id` is parsed, and only until there are enough: the
                // generator shares the cores with the server, and parsing every answer into a `Value` cost a
                // twentieth of the run, which the hello world it is compared with never paid.
                if matches!(scenario, Scenario::CreateCustomer | Scenario::CreateCustomerIdempotent)
                    && created.len() < KEPT_IDS_PER_CONNECTION
                    && let Some(body) = &outcome
                    && let Ok(object) = serde_json::from_slice::<Identified>(body)
                {
                    created.push(object.id.to_owned());
                }
                if measured {
                    latencies_us.push(u32::try_from(latency.as_micros()).unwrap_or(u32::MAX));
                    failures += usize::from(outcome.is_none());
                }
            }
            (latencies_us, failures, created)
        }));
    }
    let mut latencies_us = Vec::new();
    let mut failures = 0;
    let mut created = Vec::new();
    for worker in workers {
        let (mut latencies, failed, mut made) = worker.await.expect("load worker");
        latencies_us.append(&mut latencies);
        failures += failed;
        created.append(&mut made);
    }
    // Requests started inside the window count; the window closes when the last of them has answered.
    let elapsed = measure_from.elapsed();
    target.customers = if created.is_empty() { Arc::try_unwrap(customers).unwrap_or_default() } else { created };
    Sample { latencies_us, failures, elapsed }
}

/// Nearest-rank percentile of sorted samples (microseconds).
fn percentile(sorted_us: &[u32], p: f64) -> Duration {
    if sorted_us.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted_us.len() as f64).ceil() as usize;
    Duration::from_micros(u64::from(sorted_us[rank.clamp(1, sorted_us.len()) - 1]))
}
