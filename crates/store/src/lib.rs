//! Portico's storage. One [`Store`] trait with a SQLite and a PostgreSQL backend; objects are kept as JSON
//! documents in Stripe's shape beside the columns queries need (account, mode, kind, customer, created).
//! The rest of the code sees typed operations ([`TxExt`]), never SQL.

mod buffer;
mod error;
mod migrations;
mod query;
mod typed;

pub mod postgres;
pub mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;
use portico_core::Scope;
use serde_json::Value;

pub use error::StoreError;
pub use query::{Created, FieldFilter, ListQuery, Page, Scalar, SearchClause, SearchExpr, SearchOp};
pub use typed::{TxExt, row};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A stored document and its indexed columns.
#[derive(Debug, Clone)]
pub struct Row {
    pub kind: &'static str,
    pub id: String,
    pub customer: Option<String>,
    pub created: i64,
    /// The test clock the object lives on; `None` for the wall clock.
    pub clock: Option<String>,
    /// When the billing engine must next process the object (`None`: nothing scheduled).
    pub due_at: Option<i64>,
    pub data: Value,
}

/// A row whose document is already JSON text: what the typed helpers write, without building a `Value` tree
/// first.
#[derive(Debug, Clone)]
pub struct JsonRow {
    pub kind: &'static str,
    pub id: String,
    pub customer: Option<String>,
    pub created: i64,
    pub clock: Option<String>,
    pub due_at: Option<i64>,
    pub json: String,
}

impl From<Row> for JsonRow {
    fn from(row: Row) -> Self {
        JsonRow {
            kind: row.kind,
            id: row.id,
            customer: row.customer,
            created: row.created,
            clock: row.clock,
            due_at: row.due_at,
            json: row.data.to_string(),
        }
    }
}

/// An object with billing work due, as [`Tx::due`] finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub scope: Scope,
    pub kind: String,
    pub id: String,
    pub due_at: i64,
}

/// What an `Idempotency-Key` turned out to be when a request claimed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Not used (a read-only transaction's look-up).
    New,
    /// Used before and finished: replay this response (if the request fingerprint matches).
    Done { fingerprint: String, status: u16, body: String },
    /// A write transaction's claim, not looked up (that cost a create a third of its throughput): the caller
    /// executes the request and records its response with [`Tx::finish_idempotency_key`] in the same
    /// transaction; if the key was used before, that fails the commit with [`StoreError::Conflict`]. A request
    /// that ends without committing must look the key up, in a read-only transaction, before answering.
    Unchecked,
}

/// The account a secret API key authenticates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyOwner {
    pub account: String,
    pub livemode: bool,
}

/// Opens transactions. Every API command runs in exactly one.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// A transaction that will write. SQLite serializes these; PostgreSQL runs them concurrently.
    async fn begin_write(&self) -> Result<Box<dyn Tx>>;
    /// A read-only transaction.
    async fn begin_read(&self) -> Result<Box<dyn Tx>>;
    /// Applies pending migrations.
    async fn migrate(&self) -> Result<()>;
    /// `sqlite` or `postgres`, for logs and benchmarks.
    fn backend(&self) -> &'static str;
}

/// One transaction. Dropping it without [`Tx::commit`] rolls it back.
///
/// Write transactions queue their writes and send them with the next query that must see them or with the
/// commit; a document the transaction wrote or read locked is read back without asking the database.
#[async_trait]
pub trait Tx: Send {
    /// A document as JSON text.
    async fn get_json(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<Option<String>>;
    /// The latest committed version of a document (or this transaction's own write of it), read without
    /// joining the transaction's own reads: a write transaction that has read nothing else still commits as a
    /// plain batch of inserts (a group commit on SQLite, one autocommit statement on PostgreSQL). Read
    /// committed, as PostgreSQL's isolation is: never the first half of a read-modify-write. For documents that
    /// steer a request without being changed by it (the webhook registry, a connected account). A backend may
    /// answer from a copy; the commit then fails with [`StoreError::Stale`], writing nothing, if the copy was no
    /// longer current, and the caller runs the transaction again.
    async fn get_json_committed(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<Option<String>> {
        self.get_json(scope, kind, id).await
    }
    /// A number that grows after every commit that wrote a document of `kind`, before that commit is
    /// acknowledged. Copies of documents of `kind` read with [`Tx::get_json_committed`] after taking it stay
    /// current while it stays the same. `None` when the backend cannot tell (PostgreSQL: another node may have
    /// written) or this transaction wrote that kind itself (its reads are not committed yet).
    fn committed_version(&self, _kind: &str) -> Option<u64> {
        None
    }
    /// Like `get_json`, but locks the row until the transaction ends (read-modify-write).
    async fn get_json_for_update(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<Option<String>>;
    /// Reads the documents of `kind` with these ids in one query, locking them when `lock` is set, so that the
    /// transaction's later reads of them (`get…`, `get…_for_update` when locked) cost no round trip. Work that
    /// handles many objects in one transaction (a batch of due renewals) calls it first.
    async fn prefetch(&mut self, scope: &Scope, kind: &str, ids: &[String], lock: bool) -> Result<()>;
    /// Queues a new row. A duplicate id fails with [`StoreError::Conflict`], here or at the latest when the
    /// transaction commits.
    async fn insert_json(&mut self, scope: &Scope, row: JsonRow) -> Result<()>;
    /// Fails with [`StoreError::NotFound`] when the row does not exist in this scope: here, or when the write is
    /// sent if the transaction already read the row.
    async fn update_json(&mut self, scope: &Scope, row: JsonRow) -> Result<()>;

    async fn get(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<Option<Value>> {
        self.get_json(scope, kind, id).await?.map(|json| Ok(serde_json::from_str(&json)?)).transpose()
    }
    /// Like `get`, but locks the row until the transaction ends (read-modify-write).
    async fn get_for_update(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<Option<Value>> {
        self.get_json_for_update(scope, kind, id).await?.map(|json| Ok(serde_json::from_str(&json)?)).transpose()
    }
    async fn insert(&mut self, scope: &Scope, row: Row) -> Result<()> {
        self.insert_json(scope, row.into()).await
    }
    async fn update(&mut self, scope: &Scope, row: Row) -> Result<()> {
        self.update_json(scope, row.into()).await
    }
    async fn delete(&mut self, scope: &Scope, kind: &str, id: &str) -> Result<bool>;
    /// Newest first, with Stripe's cursor semantics.
    async fn list(&mut self, scope: &Scope, kind: &str, query: &ListQuery) -> Result<Page>;
    /// Runs a parsed search query; newest first.
    async fn search(
        &mut self,
        scope: &Scope,
        kind: &str,
        expr: &SearchExpr,
        limit: u32,
        after: Option<&str>,
    ) -> Result<Page>;

    /// Claims an idempotency key for this transaction ([`Claim::Unchecked`]), or looks it up in a read-only
    /// one. A request with the same key that committed first makes this transaction's commit fail with
    /// [`StoreError::Conflict`]: one request's effects are kept.
    async fn claim_idempotency_key(&mut self, scope: &Scope, key: &str, fingerprint: &str, now: i64) -> Result<Claim>;
    /// Records the response for a key claimed in this transaction.
    async fn finish_idempotency_key(&mut self, scope: &Scope, key: &str, status: u16, body: &str) -> Result<()>;
    /// Removes keys older than `before` (Stripe keeps them for 24 hours).
    async fn prune_idempotency_keys(&mut self, before: i64) -> Result<u64>;

    /// Objects whose `due_at` is at or before `until`, on `clock` (`None`: the wall clock, across all accounts),
    /// earliest first. In a write transaction on PostgreSQL the rows are locked and rows other nodes hold are
    /// skipped, so several schedulers share the work without doing any of it twice.
    async fn due(&mut self, clock: Option<&str>, until: i64, limit: u32) -> Result<Vec<Due>>;

    async fn key_owner(&mut self, key_hash: &str) -> Result<Option<KeyOwner>>;
    async fn put_api_key(&mut self, key_hash: &str, owner: &KeyOwner, now: i64) -> Result<()>;
    /// An installation-wide setting (the platform account, secrets shared by every node).
    async fn setting(&mut self, name: &str) -> Result<Option<String>>;
    async fn set_setting(&mut self, name: &str, value: &str) -> Result<()>;

    async fn commit(self: Box<Self>) -> Result<()>;
}

/// Opens the store a database URL names: `sqlite://path` (created if missing) or `postgres://…`.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Arc::new(postgres::PostgresStore::connect(url).await?))
    } else {
        Err(StoreError::Config(format!(
            "unsupported database URL (use sqlite://… or postgres://…): {}",
            redact_url(url)
        )))
    }
}

/// A database URL with its password replaced, for logs and errors.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..])
        }
        _ => url.to_owned(),
    }
}
