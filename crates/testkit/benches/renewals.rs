//! Renewal benchmark: `cargo bench -p portico-testkit --bench renewals`.
//!
//! Puts N subscriptions (`PORTICO_BENCH_SUBSCRIPTIONS`, default 100,000) on one test clock, each on its own
//! customer with a saved card and a monthly price, and advances the clock in two timed steps, as Stripe's
//! billing runs them:
//!
//! 1. **Renewal**: exactly one billing period. Every subscription starts its next period and gets its renewal
//!    invoice, a draft for an hour (`invoice.created`, `customer.subscription.updated`). Renewals per second
//!    is N over this step: the figure the target (20,000/s on SQLite) is about.
//! 2. **Collection**: two hours more. Every renewal invoice is finalized and charged (a PaymentIntent and a
//!    charge each, six more events).
//!
//! After each step it checks what the advance wrote: after the first, N draft renewal invoices billing the new
//! period and nothing charged; after the second, exactly N renewal invoices, one per subscription, all paid;
//! one charge and one PaymentIntent per invoice; and the expected number of events of each type, none twice for
//! one object. SQLite first, then PostgreSQL when `PORTICO_TEST_POSTGRES_URL` is set. For SQLite it also prints
//! what the process wrote to files per subscription in each step: the WAL and its checkpoints. And for each
//! step, where a batch's time went on average, from the timings each batch of the advance logs
//! (`due::ADVANCE_TARGET`): taking the writer with the clock's lock and the due queue, reading ahead what the
//! batch needs, processing it, and the commit.
//!
//! Seeding: one customer, card and subscription are made through the HTTP API; their stored documents are then
//! copied N times with fresh ids (made as Portico makes ids), straight through the store (creating 100,000 of
//! each over HTTP would take longer than the advance being measured). The advance is the real one:
//! `POST …/advance`, then the server's scheduler runs it exactly as in production. Bounded: 100,000
//! subscriptions take about a minute per backend.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portico_api::billing::due::ADVANCE_TARGET;
use portico_core::Scope;
use portico_core::ids::ID_BODY;
use portico_core::objects::payment_method::CardRecord;
use portico_core::objects::{Charge, Customer, Invoice, Object, PaymentIntent, PaymentMethod, Subscription};
use portico_store::{ListQuery, Row, Store, TxExt as _};
use portico_testkit::{Backend, Client, TestServer};
use serde_json::Value;
use sqlx::Connection as _;
use tracing_subscriber::layer::SubscriberExt as _;

const DEFAULT_SUBSCRIPTIONS: usize = 100_000;
/// At most this many, whatever `PORTICO_BENCH_SUBSCRIPTIONS` says, to keep the run bounded.
const MAX_SUBSCRIPTIONS: usize = 1_000_000;
/// 2030-01-01T00:00:00Z: the clock's start, far from the wall clock so clock-stamped events stand apart.
const START: i64 = 1_893_456_000;
/// One calendar month after [`START`] (January has 31 days): the first renewal.
const PERIOD_END: i64 = START + 31 * 86_400;
/// Past the renewal's one-hour draft window, so every renewal invoice is finalized and charged.
const TARGET: i64 = PERIOD_END + 2 * 3600;
/// What the renewal step alone emits per subscription.
const EVENTS_PER_RENEWAL_STEP: [&str; 2] = ["invoice.created", "customer.subscription.updated"];
/// Copies written per store transaction while seeding.
const SEED_CHUNK: usize = 500;
const ADVANCE_TIMEOUT: Duration = Duration::from_secs(600);

/// What one renewal must emit by the end of its collection, each exactly once per renewal invoice (Stripe's
/// renewal of a card-paid subscription); the clock adds its own `ready` per advance.
const EVENTS_PER_RENEWAL: [&str; 8] = [
    "invoice.created",
    "customer.subscription.updated",
    "invoice.finalized",
    "payment_intent.created",
    "charge.succeeded",
    "payment_intent.succeeded",
    "invoice.paid",
    "invoice.payment_succeeded",
];

fn main() {
    let subscriptions = std::env::var("PORTICO_BENCH_SUBSCRIPTIONS")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|n| (1..=MAX_SUBSCRIPTIONS).contains(n))
        .unwrap_or(DEFAULT_SUBSCRIPTIONS);
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(BatchTimings))
        .expect("no other tracing subscriber");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    runtime.block_on(async move {
        println!(
            "Portico renewal benchmark: {subscriptions} monthly subscriptions on one test clock, advanced one period \
             (renewal), then 2 h more (collection), {} CPU(s)",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        );
        println!();
        println!(
            "{:<10} {:>13} {:>10} {:>10} {:>12} {:>13} {:>15}  checked",
            "backend", "subscriptions", "seeding s", "renewal s", "renewals/s", "collection s", "collections/s"
        );
        let mut failed = false;
        failed |= !run_backend(Backend::Sqlite, "sqlite", subscriptions).await;
        if std::env::var("PORTICO_TEST_POSTGRES_URL").is_ok() {
            failed |= !run_backend(Backend::Postgres, "postgres", subscriptions).await;
        } else {
            println!("postgres   skipped (set PORTICO_TEST_POSTGRES_URL to include it)");
        }
        if failed {
            std::process::exit(1);
        }
    });
}

/// Seeds, advances and checks one backend; prints its line. Returns whether every check passed.
async fn run_backend(backend: Backend, label: &str, subscriptions: usize) -> bool {
    let server = portico_testkit::spawn(backend).await;
    let client = server.client();
    let seeding = Instant::now();
    let setup = seed(&server, &client, subscriptions).await;
    let seeding = seeding.elapsed();

    let written_before = written();
    BatchTimings::take();
    let renewal = advance(&client, &setup.clock, PERIOD_END).await;
    let renewal_batches = BatchTimings::take();
    let written_renewing = written();
    let mut problems = check_renewed(&server, subscriptions).await;
    let written_checking = written();
    let collection = advance(&client, &setup.clock, TARGET).await;
    let collection_batches = BatchTimings::take();
    let written_collecting = written();
    problems.extend(check(&server, &setup, subscriptions).await);
    let per_second = |step: Duration| subscriptions as f64 / step.as_secs_f64();
    println!(
        "{:<10} {:>13} {:>10.1} {:>10.2} {:>12.0} {:>13.2} {:>15.0}  {}",
        label,
        subscriptions,
        seeding.as_secs_f64(),
        renewal.as_secs_f64(),
        per_second(renewal),
        collection.as_secs_f64(),
        per_second(collection),
        if problems.is_empty() { "all counts as expected (below)".to_owned() } else { "FAILED (below)".to_owned() }
    );
    println!(
        "           renewal and collection together: {:.0} subscriptions/s",
        per_second(renewal + collection)
    );
    // SQLite's WAL and checkpoints are this process's writes; PostgreSQL's are its server's.
    if let (Backend::Sqlite, Some(before), Some(renewing), Some(checking), Some(collecting)) =
        (backend, written_before, written_renewing, written_checking, written_collecting)
    {
        let per_subscription = |bytes: u64| bytes as f64 / subscriptions as f64 / 1024.0;
        println!(
            "           written to files (WAL and checkpoints): {:.1} KiB per renewal, {:.1} KiB per collection",
            per_subscription(renewing - before),
            per_subscription(collecting - checking)
        );
    }
    for (step, batches) in [("renewal", renewal_batches), ("collection", collection_batches)] {
        println!("           {step} step, {}", batches.summary());
    }
    for line in report(&server, &setup).await {
        println!("           {line}");
    }
    for problem in &problems {
        println!("           PROBLEM: {problem}");
    }
    problems.is_empty()
}

/// The timings the advance's batches log, summed since the last [`BatchTimings::take`].
#[derive(Default)]
struct Batches {
    count: u64,
    objects: u64,
    /// queue, prefetch, process, commit (ms).
    phases: [f64; 4],
}

impl Batches {
    const FIELDS: [&str; 4] = ["queue_ms", "prefetch_ms", "process_ms", "commit_ms"];

    fn summary(&self) -> String {
        if self.count == 0 {
            return "no batch timings logged".to_owned();
        }
        let n = self.count as f64;
        let [queue, prefetch, process, commit] = self.phases.map(|total| total / n);
        format!(
            "mean batch of {:.0} objects ({} batches): {:.1} ms = writer, clock and due queue {queue:.1} + prefetch \
             {prefetch:.1} + processing {process:.1} + commit {commit:.1}",
            self.objects as f64 / n,
            self.count,
            queue + prefetch + process + commit
        )
    }
}

/// A tracing layer that only sums the advance's batch timings (the server runs in this process).
struct BatchTimings;

static BATCHES: Mutex<Batches> = Mutex::new(Batches { count: 0, objects: 0, phases: [0.0; 4] });

impl BatchTimings {
    fn take() -> Batches {
        std::mem::take(&mut *BATCHES.lock().expect("batch timings"))
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for BatchTimings {
    fn enabled(&self, metadata: &tracing::Metadata<'_>, _: tracing_subscriber::layer::Context<'_, S>) -> bool {
        metadata.target() == ADVANCE_TARGET
    }

    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let mut batch = Batches::default();
        event.record(&mut batch);
        let mut sums = BATCHES.lock().expect("batch timings");
        sums.count += 1;
        sums.objects += batch.objects;
        for (sum, phase) in sums.phases.iter_mut().zip(batch.phases) {
            *sum += phase;
        }
    }
}

impl tracing::field::Visit for Batches {
    fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
        if field.name() == "objects" {
            self.objects = value;
        }
    }
    fn record_f64(&mut self, field: &tracing::field::Field, value: f64) {
        if let Some(at) = Self::FIELDS.iter().position(|name| *name == field.name()) {
            self.phases[at] = value;
        }
    }
    fn record_debug(&mut self, _: &tracing::field::Field, _: &dyn std::fmt::Debug) {}
}

/// Bytes this process has passed to write calls so far (`wchar` in `/proc/self/io`; Linux only).
fn written() -> Option<u64> {
    let io = std::fs::read_to_string("/proc/self/io").ok()?;
    io.lines().find_map(|line| line.strip_prefix("wchar:")).and_then(|bytes| bytes.trim().parse().ok())
}

/// Advances the clock to `target` and waits for `ready`; returns the time it took.
async fn advance(client: &Client, clock: &str, target: i64) -> Duration {
    let advancing = Instant::now();
    let answer =
        client.post(&format!("/v1/test_helpers/test_clocks/{clock}/advance"), &[("frozen_time", &target.to_string())]).await;
    assert_eq!(answer.status, 200, "advance: {}", answer.body);
    let deadline = advancing + ADVANCE_TIMEOUT;
    loop {
        let state = client.get(&format!("/v1/test_helpers/test_clocks/{clock}"), &[]).await;
        if state.body["status"] == "ready" {
            assert_eq!(state.body["frozen_time"], target, "the clock stopped at its target");
            return advancing.elapsed();
        }
        assert!(Instant::now() < deadline, "the advance did not finish within {ADVANCE_TIMEOUT:?}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// What seeding made: the clock every subscription lives on.
struct Setup {
    clock: String,
}

/// One customer with a saved card and a monthly subscription through the API, then `count - 1` copies of its
/// stored documents with fresh ids.
async fn seed(server: &TestServer, client: &Client, count: usize) -> Setup {
    let start = START.to_string();
    let clock = ok(client.post("/v1/test_helpers/test_clocks", &[("frozen_time", &start)]).await);
    let clock = id(&clock);
    let product = id(&ok(client.post("/v1/products", &[("name", "Pro")]).await));
    let price = id(&ok(client
        .post(
            "/v1/prices",
            &[("product", &product), ("currency", "usd"), ("unit_amount", "2000"), ("recurring[interval]", "month")],
        )
        .await));
    let card = id(&ok(client
        .post(
            "/v1/payment_methods",
            &[
                ("type", "card"),
                ("card[number]", "4242424242424242"),
                ("card[exp_month]", "12"),
                ("card[exp_year]", "2040"),
                ("card[cvc]", "123"),
            ],
        )
        .await));
    let customer = id(&ok(client
        .post(
            "/v1/customers",
            &[
                ("email", "renewals@example.com"),
                ("test_clock", &clock),
                ("payment_method", &card),
                ("invoice_settings[default_payment_method]", &card),
            ],
        )
        .await));
    let sub = ok(client.post("/v1/subscriptions", &[("customer", &customer), ("items[0][price]", &price)]).await);
    assert_eq!(sub.body["status"], "active", "the template subscription is paid at once");
    assert_eq!(sub.body["items"]["data"][0]["current_period_end"], PERIOD_END, "monthly from the clock's start");

    let scope = Scope { account: server.platform_account.clone(), livemode: false };
    let template = Template::read(&*server.store, &scope, &customer, &[&clock, &price, &product]).await;
    let template = Arc::new(template);
    // Rendering copies is CPU work; it runs on blocking threads while the store writes the previous chunk.
    let mut pending = None::<tokio::task::JoinHandle<Vec<Row>>>;
    let mut made = 1;
    while made < count || pending.is_some() {
        let next = (made < count).then(|| {
            let copies = SEED_CHUNK.min(count - made);
            made += copies;
            let template = template.clone();
            tokio::task::spawn_blocking(move || (0..copies).flat_map(|_| template.copy()).collect::<Vec<Row>>())
        });
        if let Some(rows) = pending.take() {
            write(&*server.store, &scope, rows.await.expect("render copies")).await;
        }
        pending = next;
    }
    Setup { clock }
}

async fn write(store: &dyn Store, scope: &Scope, rows: Vec<Row>) {
    let mut tx = store.begin_write().await.expect("begin");
    for row in rows {
        tx.insert(scope, row).await.expect("insert copy");
    }
    tx.commit().await.expect("commit copies");
}

/// The template customer's documents as text split at every id that must differ between copies.
struct Template {
    docs: Vec<TemplateDoc>,
    /// The ids (and other per-customer tokens) replaced in each copy.
    tokens: Vec<String>,
}

struct TemplateDoc {
    kind: &'static str,
    id: usize,
    customer: Option<usize>,
    created: i64,
    clock: Option<String>,
    due_at: Option<i64>,
    pieces: Vec<Piece>,
}

enum Piece {
    Text(String),
    Token(usize),
}

impl Template {
    /// Reads every document of `customer` (and its card's record); `shared` ids stay the same in every copy.
    async fn read(store: &dyn Store, scope: &Scope, customer: &str, shared: &[&str]) -> Template {
        let mut tx = store.begin_read().await.expect("begin read");
        let mut docs: Vec<(Row, String)> = Vec::new();
        let mine = ListQuery { limit: 100, customer: Some(customer.to_owned()), ..ListQuery::default() };
        let customer_doc = tx.load::<Customer>(scope, customer).await.expect("load").expect("template customer");
        docs.push(row(&customer_doc));
        for method in tx.list_typed::<PaymentMethod>(scope, &mine).await.expect("list").0 {
            let record = tx.load::<CardRecord>(scope, &method.id).await.expect("load").expect("card record");
            docs.push(row(&record));
            docs.push(row(&method));
        }
        docs.extend(tx.list_typed::<Subscription>(scope, &mine).await.expect("list").0.iter().map(row));
        docs.extend(tx.list_typed::<Invoice>(scope, &mine).await.expect("list").0.iter().map(row));
        docs.extend(tx.list_typed::<PaymentIntent>(scope, &mine).await.expect("list").0.iter().map(row));
        docs.extend(tx.list_typed::<Charge>(scope, &mine).await.expect("list").0.iter().map(row));
        assert_eq!(docs.len(), 7, "customer, card record, card, subscription, invoice, PaymentIntent, charge");

        let shared: BTreeSet<&str> = shared.iter().copied().chain([scope.account.as_str()]).collect();
        let mut tokens: BTreeSet<String> = BTreeSet::new();
        for (_, text) in &docs {
            tokens.extend(ids_in(text).into_iter().filter(|token| !shared.contains(token.as_str())));
        }
        // The invoice number is the customer's prefix and a sequence: copies get their own prefix.
        tokens.insert(customer_doc.invoice_prefix.clone());
        let tokens: Vec<String> = tokens.into_iter().collect();
        let index = |token: &str| tokens.iter().position(|t| t == token);
        let docs = docs
            .into_iter()
            .map(|(row, text)| TemplateDoc {
                kind: row.kind,
                id: index(&row.id).expect("every document id is a token"),
                customer: row.customer.as_deref().map(|c| index(c).expect("the customer id is a token")),
                created: row.created,
                clock: row.clock,
                due_at: row.due_at,
                pieces: split(&text, &tokens),
            })
            .collect();
        Template { docs, tokens }
    }

    /// One copy: every document with fresh tokens of the same shape.
    fn copy(&self) -> Vec<Row> {
        let fresh: Vec<String> = self.tokens.iter().map(|token| fresh_like(token)).collect();
        self.docs
            .iter()
            .map(|doc| {
                let mut text = String::new();
                for piece in &doc.pieces {
                    text.push_str(match piece {
                        Piece::Text(text) => text,
                        Piece::Token(index) => &fresh[*index],
                    });
                }
                Row {
                    kind: doc.kind,
                    id: fresh[doc.id].clone(),
                    customer: doc.customer.map(|c| fresh[c].clone()),
                    created: doc.created,
                    clock: doc.clock.clone(),
                    due_at: doc.due_at,
                    data: serde_json::from_str(&text).expect("a copy is valid JSON"),
                }
            })
            .collect()
    }
}

fn row<T: Object>(object: &T) -> (Row, String) {
    let text = serde_json::to_string(object).expect("serialize");
    let row = Row {
        kind: T::KIND,
        id: object.id().to_owned(),
        customer: object.customer().map(str::to_owned),
        created: object.created(),
        clock: object.test_clock().map(str::to_owned),
        due_at: object.due_at(),
        data: Value::Null,
    };
    (row, text)
}

/// Ids and secrets in a document: `prefix_` followed by at least an id's [`ID_BODY`] base62 characters, standing
/// alone or after another token (`pi_…_secret_…`).
fn ids_in(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let starts_word = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
        if !(starts_word && bytes[at].is_ascii_lowercase()) {
            at += 1;
            continue;
        }
        let prefix_end = at + bytes[at..].iter().take_while(|b| b.is_ascii_lowercase()).count();
        if bytes.get(prefix_end) != Some(&b'_') {
            at = prefix_end.max(at + 1);
            continue;
        }
        let body = bytes[prefix_end + 1..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
        if body >= ID_BODY {
            found.push(text[at..prefix_end + 1 + body].to_owned());
        }
        at = prefix_end + 1;
    }
    found
}

/// `text` cut at every occurrence of a token (longest first where two start at one place).
fn split(text: &str, tokens: &[String]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    'scan: while !rest.is_empty() {
        let mut best: Option<usize> = None;
        for (index, token) in tokens.iter().enumerate() {
            if rest.starts_with(token.as_str()) && best.is_none_or(|b| tokens[b].len() < token.len()) {
                best = Some(index);
            }
        }
        if let Some(index) = best {
            pieces.push(Piece::Text(std::mem::take(&mut literal)));
            pieces.push(Piece::Token(index));
            rest = &rest[tokens[index].len()..];
            continue 'scan;
        }
        let next = rest.chars().next().expect("not empty");
        literal.push(next);
        rest = &rest[next.len_utf8()..];
    }
    pieces.push(Piece::Text(literal));
    pieces
}

/// A fresh token shaped like `token`: the same prefix and length for ids, new upper-case hex for an invoice
/// prefix.
///
/// An object id is made as Portico makes ids (`ids::new_id`: a counter, then random characters), so the copies'
/// rows lie in every index as those of customers created one after another through the API would. Random ids
/// had scattered each customer's entries in the by-customer index: a renewal then rewrote a page of it of its
/// own, a third of the WAL it wrote.
fn fresh_like(token: &str) -> String {
    match token.rfind('_') {
        Some(cut) if token.len() - cut - 1 == ID_BODY && &token[..cut] != "secret" => {
            portico_core::ids::new_id(&token[..cut])
        }
        Some(cut) => format!("{}{}", &token[..=cut], portico_core::ids::random_base62(token.len() - cut - 1)),
        None => portico_core::ids::random_upper_hex(token.len()),
    }
}

fn ok(answer: portico_testkit::Answer) -> portico_testkit::Answer {
    assert_eq!(answer.status, 200, "seeding request failed: {}", answer.body);
    answer
}

fn id(answer: &portico_testkit::Answer) -> String {
    answer.body["id"].as_str().expect("an id").to_owned()
}

/// A direct connection to the server's database, for counting what the advance wrote.
enum Db {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl Db {
    async fn open(url: &str) -> Db {
        if url.starts_with("sqlite:") {
            Db::Sqlite(sqlx::SqliteConnection::connect(url).await.expect("open SQLite"))
        } else {
            Db::Postgres(sqlx::PgConnection::connect(url).await.expect("open PostgreSQL"))
        }
    }

    /// Rows of one text column and integer columns. The SQL is the same on both databases (`->`/`->>`).
    async fn rows(&mut self, sql: String) -> Vec<(String, Vec<i64>)> {
        fn decode<R: sqlx::Row>(row: &R) -> (String, Vec<i64>)
        where
            for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
            for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
            usize: sqlx::ColumnIndex<R>,
        {
            let numbers = (1..row.len()).map(|i| row.get::<Option<i64>, _>(i).unwrap_or_default()).collect();
            (row.get::<Option<String>, _>(0).unwrap_or_default(), numbers)
        }
        match self {
            Db::Sqlite(conn) => {
                sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(conn).await.expect("query").iter().map(decode).collect()
            }
            Db::Postgres(conn) => {
                sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(conn).await.expect("query").iter().map(decode).collect()
            }
        }
    }
}

/// SQL literal for an id made of letters, digits and underscores (checked).
fn literal(id: &str) -> String {
    assert!(id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'), "unexpected id {id}");
    format!("'{id}'")
}

/// What the renewal step should have written: a draft renewal invoice per subscription billing the new period,
/// its two events, and no charge yet. Returns the problems found.
async fn check_renewed(server: &TestServer, n: usize) -> Vec<String> {
    let mut db = Db::open(&server.database_url).await;
    let account = literal(&server.platform_account);
    let n = n as i64;
    let mut problems = Problems::after("after the renewal step, ");
    let counts = renewal_invoices(&mut db, &account, "draft").await;
    problems.expect("renewal invoices", counts[0], n);
    problems.expect("customers with a renewal invoice", counts[1], n);
    problems.expect("renewal invoices still drafts", counts[2], n);
    problems.expect("renewal invoices billing the second period", counts[3], n);
    let events = db
        .rows(format!(
            "SELECT data->>'type', count(*) FROM objects \
             WHERE account = {account} AND kind = 'event' AND created > {START} GROUP BY 1"
        ))
        .await;
    for (kind, counts) in &events {
        let want = if EVENTS_PER_RENEWAL_STEP.contains(&kind.as_str()) {
            n
        } else if kind == "test_helpers.test_clock.ready" {
            1
        } else {
            0
        };
        problems.expect(&format!("{kind} events"), counts[0], want);
    }
    for kind in EVENTS_PER_RENEWAL_STEP {
        if !events.iter().any(|(k, _)| k == kind) {
            problems.expect(&format!("{kind} events"), 0, n);
        }
    }
    problems.found
}

/// Differences between what a check wanted and what the database holds.
struct Problems {
    prefix: &'static str,
    found: Vec<String>,
}

impl Problems {
    fn after(prefix: &'static str) -> Self {
        Problems { prefix, found: Vec::new() }
    }

    fn expect(&mut self, what: &str, got: i64, want: i64) {
        if got != want {
            self.found.push(format!("{}{what}: {got}, expected {want}", self.prefix));
        }
    }
}

/// The renewal invoices: how many, for how many customers, how many in `status`, how many billing the second
/// period, and the amount paid on them.
async fn renewal_invoices(db: &mut Db, account: &str, status: &str) -> Vec<i64> {
    db.rows(format!(
        "SELECT 'renewals', count(*), count(DISTINCT customer), \
                sum(CASE WHEN data->>'status' = '{status}' THEN 1 ELSE 0 END), \
                sum(CASE WHEN CAST(data->'lines'->'data'->0->'period'->>'start' AS BIGINT) = {PERIOD_END} \
                          AND CAST(data->'lines'->'data'->0->'period'->>'end' AS BIGINT) > {PERIOD_END} \
                     THEN 1 ELSE 0 END), \
                CAST(sum(CAST(data->>'amount_paid' AS BIGINT)) AS BIGINT) \
         FROM objects WHERE account = {account} AND kind = 'invoice' \
           AND data->>'billing_reason' = 'subscription_cycle'"
    ))
    .await
    .remove(0)
    .1
}

/// Everything the advance should have written, compared with what it did; returns the problems found.
async fn check(server: &TestServer, setup: &Setup, n: usize) -> Vec<String> {
    let mut db = Db::open(&server.database_url).await;
    let account = literal(&server.platform_account);
    let n = n as i64;
    let mut problems = Problems::after("");
    let counts = renewal_invoices(&mut db, &account, "paid").await;
    problems.expect("renewal invoices", counts[0], n);
    problems.expect("customers with a renewal invoice", counts[1], n);
    problems.expect("renewal invoices paid", counts[2], n);
    problems.expect("renewal invoices billing the second period", counts[3], n);
    problems.expect("amount paid on renewal invoices", counts[4], n * 2000);

    let subs = db
        .rows(format!(
            "SELECT 'subscriptions', count(*), \
                    sum(CASE WHEN data->>'status' = 'active' THEN 1 ELSE 0 END), \
                    sum(CASE WHEN due_at > {TARGET} THEN 1 ELSE 0 END) \
             FROM objects WHERE account = {account} AND kind = 'subscription'"
        ))
        .await;
    problems.expect("subscriptions", subs[0].1[0], n);
    problems.expect("active subscriptions", subs[0].1[1], n);
    problems.expect("subscriptions next due after the target", subs[0].1[2], n);

    let clock = literal(&setup.clock);
    let still_due = db
        .rows(format!(
            "SELECT 'due', count(*) FROM objects WHERE clock = {clock} AND due_at IS NOT NULL AND due_at <= {TARGET}"
        ))
        .await;
    problems.expect("objects still due on the clock", still_due[0].1[0], 0);

    for kind in ["payment_intent", "charge"] {
        let made = db
            .rows(format!(
                "SELECT '{kind}', count(*), count(DISTINCT customer) FROM objects \
                 WHERE account = {account} AND kind = '{kind}' AND created > {START}"
            ))
            .await;
        problems.expect(&format!("{kind}s made by the advance"), made[0].1[0], n);
        problems.expect(&format!("customers with such a {kind}"), made[0].1[1], n);
    }

    let events = db
        .rows(format!(
            "SELECT data->>'type', count(*), count(DISTINCT data->'data'->'object'->>'id'), count(DISTINCT id) \
             FROM objects WHERE account = {account} AND kind = 'event' AND created > {START} GROUP BY 1"
        ))
        .await;
    let by_type: BTreeMap<&str, &Vec<i64>> = events.iter().map(|(kind, counts)| (kind.as_str(), counts)).collect();
    for kind in EVENTS_PER_RENEWAL {
        let counts = by_type.get(kind).map_or(&[0, 0, 0][..], |c| c.as_slice());
        problems.expect(&format!("{kind} events"), counts[0], n);
        problems.expect(&format!("objects with a {kind} event"), counts[1], n);
        problems.expect(&format!("distinct {kind} event ids"), counts[2], n);
    }
    problems.expect("test_helpers.test_clock.ready events", by_type.get("test_helpers.test_clock.ready").map_or(0, |c| c[0]), 2);
    for (kind, counts) in &by_type {
        if !EVENTS_PER_RENEWAL.contains(kind) && *kind != "test_helpers.test_clock.ready" {
            problems.found.push(format!("unexpected events: {} × {kind}", counts[0]));
        }
    }
    problems.found
}

/// The counts behind the check, for the printout.
async fn report(server: &TestServer, setup: &Setup) -> Vec<String> {
    let mut db = Db::open(&server.database_url).await;
    let account = literal(&server.platform_account);
    let _ = setup;
    let invoices = db
        .rows(format!(
            "SELECT 'x', count(*), sum(CASE WHEN data->>'status' = 'paid' THEN 1 ELSE 0 END) FROM objects \
             WHERE account = {account} AND kind = 'invoice' AND data->>'billing_reason' = 'subscription_cycle'"
        ))
        .await;
    let events = db
        .rows(format!(
            "SELECT data->>'type', count(*) FROM objects \
             WHERE account = {account} AND kind = 'event' AND created > {START} GROUP BY 1 ORDER BY 1"
        ))
        .await;
    let mut lines = vec![format!("renewal invoices: {} ({} paid)", invoices[0].1[0], invoices[0].1[1])];
    let total: i64 = events.iter().map(|(_, c)| c[0]).sum();
    lines.push(format!(
        "events: {total} = {}",
        events.iter().map(|(kind, c)| format!("{} {kind}", c[0])).collect::<Vec<_>>().join(", ")
    ));
    lines
}
