//! Spawns a real Portico server for tests: bound to 127.0.0.1 on an ephemeral port, on a fresh SQLite file
//! or a fresh PostgreSQL database, migrated and bootstrapped with its own secret key.
//!
//! PostgreSQL tests need `PORTICO_TEST_POSTGRES_URL` (a URL whose user may `CREATE DATABASE`); the project's
//! test command (`scripts/test`) starts a throwaway cluster and sets it.

pub mod portal;

use std::sync::Arc;

use portico_store::Store;
use tokio::net::TcpListener;

/// A webhook endpoint URL where nothing listens: deliveries fail and stay pending, so an event's
/// `pending_webhooks` keeps the number of endpoints it was given.
pub const UNREACHABLE_URL: &str = "http://127.0.0.1:9/hook";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running server. Dropping it stops the server and removes its database.
pub struct TestServer {
    pub base_url: String,
    pub secret_key: String,
    pub platform_account: String,
    pub store: Arc<dyn Store>,
    pub database_url: String,
    _database: Database,
    task: tokio::task::JoinHandle<()>,
}

enum Database {
    Sqlite(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

impl Drop for Database {
    fn drop(&mut self) {
        match self {
            Database::Sqlite(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Database::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime; use a thread with its own runtime to clean up.
                let _ = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
                    runtime.block_on(async {
                        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url).await.ok()?;
                        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")))
                            .execute(&mut conn)
                            .await
                            .ok()
                    })
                })
                .join();
            }
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The admin URL of the test PostgreSQL server; a clear failure when it is missing.
pub fn postgres_admin_url() -> String {
    std::env::var("PORTICO_TEST_POSTGRES_URL").unwrap_or_else(|_| {
        panic!(
            "PORTICO_TEST_POSTGRES_URL is not set. Run the tests with `scripts/test`, which starts a throwaway \
             PostgreSQL, or point the variable at a server where the user may CREATE DATABASE."
        )
    })
}

fn random_suffix() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

async fn fresh_database(backend: Backend) -> (String, Database) {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("portico-test-{}", random_suffix()));
            std::fs::create_dir_all(&dir).expect("create temp dir");
            let url = format!("sqlite://{}", dir.join("portico.db").display());
            (url, Database::Sqlite(dir))
        }
        Backend::Postgres => {
            let admin_url = postgres_admin_url();
            let name = format!("portico_test_{}", random_suffix());
            let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url)
                .await
                .expect("connect to test PostgreSQL");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let url = match admin_url.rsplit_once('/') {
                Some((base, _)) if base.contains("://") && base.len() > base.find("://").unwrap_or(0) + 3 => {
                    format!("{base}/{name}")
                }
                _ => format!("{admin_url}/{name}"),
            };
            (url, Database::Postgres { admin_url, name })
        }
    }
}

/// A fresh, migrated database with no server; removed when dropped.
pub struct TestDatabase {
    pub url: String,
    pub store: Arc<dyn Store>,
    _database: Database,
}

/// A fresh, migrated database of `backend`, for tests of the store itself.
pub async fn database(backend: Backend) -> TestDatabase {
    let (url, database) = fresh_database(backend).await;
    let store = portico_store::connect(&url).await.expect("connect to test database");
    store.migrate().await.expect("migrate test database");
    TestDatabase { url, store, _database: database }
}

/// Starts a server on a fresh database of `backend`.
pub async fn spawn(backend: Backend) -> TestServer {
    spawn_configured(backend, |_| {}).await
}

/// [`spawn`] with the server's settings changed by `configure` (tests shorten durations with it).
pub async fn spawn_configured(backend: Backend, configure: impl FnOnce(&mut portico_api::AppState)) -> TestServer {
    let TestDatabase { url: database_url, store, _database: database } = database(backend).await;
    let secret_key = format!("sk_test_{}", portico_core::ids::random_base62(32));
    let boot = portico::bootstrap::bootstrap(&*store, Some(&secret_key), now()).await.expect("bootstrap");
    // Bind first, then serve: the port is ready before any request is made.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
    let base_url = format!("http://{}", listener.local_addr().expect("local addr"));
    let app = portico::app_with(store.clone(), base_url.clone(), &boot, configure);
    let task = tokio::spawn(async move {
        let _ = axum_serve(listener, app).await;
    });
    TestServer {
        base_url,
        secret_key,
        platform_account: boot.platform_account,
        store,
        database_url,
        _database: database,
        task,
    }
}

async fn axum_serve(listener: TcpListener, app: axum::Router) -> std::io::Result<()> {
    axum::serve(listener, app).await
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default()
}

/// A small HTTP client speaking Stripe's wire format to a [`TestServer`].
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    key: String,
    account: Option<String>,
}

/// A response: status, headers and parsed JSON body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: serde_json::Value,
}

impl Answer {
    /// The `error` object of a failed request.
    pub fn error(&self) -> &serde_json::Value {
        &self.body["error"]
    }
}

impl TestServer {
    pub fn client(&self) -> Client {
        Client {
            http: reqwest::Client::new(),
            base_url: self.base_url.clone(),
            key: self.secret_key.clone(),
            account: None,
        }
    }
}

impl Client {
    /// A client of any Portico (or other) API at `base_url`, authenticated with `key`.
    pub fn new(base_url: &str, key: &str) -> Self {
        Client { http: reqwest::Client::new(), base_url: base_url.to_owned(), key: key.to_owned(), account: None }
    }

    /// Acts on a connected account through the `Stripe-Account` header.
    pub fn on_account(mut self, account: &str) -> Self {
        self.account = Some(account.to_owned());
        self
    }

    pub fn with_key(mut self, key: &str) -> Self {
        self.key = key.to_owned();
        self
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Answer {
        let url = format!("{}{}", self.base_url, path);
        let encoded =
            form.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect::<Vec<_>>().join("&");
        let mut request = if method == reqwest::Method::POST {
            self.http.request(method, &url).header("content-type", "application/x-www-form-urlencoded").body(encoded)
        } else if encoded.is_empty() {
            self.http.request(method, &url)
        } else {
            self.http.request(method, format!("{url}?{encoded}"))
        };
        if !self.key.is_empty() {
            request = request.bearer_auth(&self.key);
        }
        if let Some(account) = &self.account {
            request = request.header("stripe-account", account);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("request to test server");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("response body");
        let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("non-JSON response ({status}): {text}"));
        Answer { status, headers, body }
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Answer {
        self.send(reqwest::Method::POST, path, form, &[]).await
    }

    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Answer {
        self.send(reqwest::Method::GET, path, query, &[]).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(reqwest::Method::DELETE, path, &[], &[]).await
    }
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

/// Runs a test body once per backend: `both_backends!(name, |server| async move { … })`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                let server = $crate::spawn($crate::Backend::Sqlite).await;
                ($body)(server).await;
            }

            #[tokio::test]
            async fn postgres() {
                let server = $crate::spawn($crate::Backend::Postgres).await;
                ($body)(server).await;
            }
        }
    };
}

/// Serves `app` on 127.0.0.1 in the background (benchmarks' baselines and receivers); returns its base URL.
pub async fn serve_router(app: axum::Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
    let base_url = format!("http://{}", listener.local_addr().expect("local addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    base_url
}
