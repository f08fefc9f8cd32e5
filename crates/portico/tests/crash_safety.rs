//! Crash safety of test-clock advances: the server is killed (SIGKILL) in the middle of a large advance and
//! restarted on the same database; the advance resumes by itself, and every subscription ends with exactly one
//! invoice per period, every invoice with exactly one `invoice.created`, `.finalized` and `.paid` event.

use std::collections::HashMap;
use std::time::Duration;

use portico_core::Scope;
use portico_store::{ListQuery, Store};
use portico_testkit::{Backend, Client, database};
use support::serve;

mod support;

const SUBSCRIPTIONS: usize = 500;
/// A clock moves at most two billing intervals per advance.
const MONTHS: i64 = 2;
/// 2027-01-01T00:00:00Z, and the first of each following month.
const MONTH_STARTS: [i64; 6] =
    [1_798_761_600, 1_801_440_000, 1_803_859_200, 1_806_537_600, 1_809_129_600, 1_811_808_000];

/// How many objects of `kind` the store holds for the platform, counted page by page.
async fn count(store: &dyn Store, scope: &Scope, kind: &str) -> usize {
    let mut tx = store.begin_read().await.expect("read");
    let mut query = ListQuery { limit: 100, ..ListQuery::default() };
    let mut total = 0;
    loop {
        let page = tx.list(scope, kind, &query).await.expect("list");
        total += page.data.len();
        match page.data.last().and_then(|last| last["id"].as_str()) {
            Some(last) if page.has_more => query.starting_after = Some(last.to_owned()),
            _ => return total,
        }
    }
}

/// Every object of a list endpoint, following `starting_after`.
async fn all(client: &Client, path: &str, filters: &[(&str, &str)]) -> Vec<serde_json::Value> {
    let mut found = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut query: Vec<(&str, &str)> = filters.to_vec();
        query.push(("limit", "100"));
        if let Some(after) = &after {
            query.push(("starting_after", after));
        }
        let page = client.get(path, &query).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let data = page.body["data"].as_array().expect("data").clone();
        after = data.last().and_then(|o| o["id"].as_str()).map(str::to_owned);
        found.extend(data);
        if page.body["has_more"] != true {
            return found;
        }
    }
}

async fn wait_ready(client: &Client, clock: &str) {
    for _ in 0..1200 {
        if client.get(&format!("/v1/test_helpers/test_clocks/{clock}"), &[]).await.body["status"] == "ready" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the clock's advance did not finish");
}

async fn killed_mid_advance_resumes_exactly(backend: Backend) {
    let db = database(backend).await;
    let key = format!("sk_test_{}", portico_core::ids::random_base62(32));
    let (mut first, _first_out, base) = serve(&db.url, &key).await;
    let client = Client::new(&base, &key);
    let clock = client.post("/v1/test_helpers/test_clocks", &[("frozen_time", &MONTH_STARTS[0].to_string())]).await;
    let clock = clock.body["id"].as_str().expect("clock").to_owned();
    let price = client
        .post(
            "/v1/prices",
            &[
                ("currency", "usd"),
                ("unit_amount", "1500"),
                ("recurring[interval]", "month"),
                ("product_data[name]", "Crash"),
            ],
        )
        .await;
    let price = price.body["id"].as_str().expect("price").to_owned();
    let mut making = tokio::task::JoinSet::new();
    for worker in 0..8 {
        let (client, clock, price) = (client.clone(), clock.clone(), price.clone());
        making.spawn(async move {
            for _ in (worker..SUBSCRIPTIONS).step_by(8) {
                let customer = client.post("/v1/customers", &[("test_clock", &clock)]).await;
                let customer = customer.body["id"].as_str().expect("customer").to_owned();
                let card = [
                    ("type", "card"),
                    ("card[number]", "4242424242424242"),
                    ("card[exp_month]", "12"),
                    ("card[exp_year]", "2040"),
                ];
                let method = client.post("/v1/payment_methods", &card).await;
                let method = method.body["id"].as_str().expect("payment method").to_owned();
                client.post(&format!("/v1/payment_methods/{method}/attach"), &[("customer", &customer)]).await;
                let sub = client
                    .post(
                        "/v1/subscriptions",
                        &[("customer", &customer), ("items[0][price]", &price), ("default_payment_method", &method)],
                    )
                    .await;
                assert_eq!(sub.body["status"], "active", "{}", sub.body);
            }
        });
    }
    while let Some(done) = making.join_next().await {
        done.expect("setup worker");
    }

    // Advance two months and kill the server as soon as the renewals have started.
    let scope = Scope {
        account: client.get("/v1/account", &[]).await.body["id"].as_str().expect("account").to_owned(),
        livemode: false,
    };
    // Exactly two billing intervals, the most one advance may move.
    let target = MONTH_STARTS[MONTHS as usize];
    let advance = client
        .post(&format!("/v1/test_helpers/test_clocks/{clock}/advance"), &[("frozen_time", &target.to_string())])
        .await;
    assert_eq!(advance.status, 200, "{}", advance.body);
    let expected = SUBSCRIPTIONS * (MONTHS as usize + 1);
    loop {
        let invoices = count(&*db.store, &scope, "invoice").await;
        if invoices > SUBSCRIPTIONS {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.start_kill().expect("kill");
    first.wait().await.expect("killed");
    let invoices_at_kill = count(&*db.store, &scope, "invoice").await;
    assert!(
        invoices_at_kill < expected,
        "the advance had already finished ({invoices_at_kill} invoices): make it larger"
    );
    let mut tx = db.store.begin_read().await.expect("read");
    let stored = tx.get(&scope, "test_helpers.test_clock", &clock).await.expect("get").expect("clock");
    assert_eq!(stored["status"], "advancing", "killed in the middle of the advance");
    drop(tx);

    // A new server on the same database finishes the advance by itself.
    let (_second, _second_out, base) = serve(&db.url, &key).await;
    let client = Client::new(&base, &key);
    wait_ready(&client, &clock).await;
    // The advance resumed and finished. Two more hours: the last renewals' drafts finalize and are paid.
    let finish = (target + 2 * 3600).to_string();
    let advance =
        client.post(&format!("/v1/test_helpers/test_clocks/{clock}/advance"), &[("frozen_time", &finish)]).await;
    assert_eq!(advance.status, 200, "{}", advance.body);
    wait_ready(&client, &clock).await;

    let invoices = all(&client, "/v1/invoices", &[]).await;
    assert_eq!(invoices.len(), expected, "one invoice per subscription per period: {invoices_at_kill} at the kill");
    let mut periods: HashMap<String, Vec<i64>> = HashMap::new();
    for invoice in &invoices {
        assert_eq!(invoice["status"], "paid", "{}", invoice["id"]);
        let sub = invoice["parent"]["subscription_details"]["subscription"].as_str().expect("subscription").to_owned();
        let start = invoice["lines"]["data"][0]["period"]["start"].as_i64().expect("period");
        periods.entry(sub).or_default().push(start);
    }
    assert_eq!(periods.len(), SUBSCRIPTIONS);
    for (sub, mut starts) in periods {
        starts.sort_unstable();
        assert_eq!(starts, MONTH_STARTS[..=MONTHS as usize].to_vec(), "periods of {sub}");
    }

    let mut per_invoice: HashMap<(String, String), usize> = HashMap::new();
    let mut ids = std::collections::HashSet::new();
    for kind in ["invoice.created", "invoice.finalized", "invoice.paid"] {
        for event in all(&client, "/v1/events", &[("type", kind)]).await {
            assert!(ids.insert(event["id"].as_str().expect("id").to_owned()), "event listed twice");
            let invoice = event["data"]["object"]["id"].as_str().expect("invoice").to_owned();
            *per_invoice.entry((kind.to_owned(), invoice)).or_default() += 1;
        }
    }
    for invoice in &invoices {
        let id = invoice["id"].as_str().expect("id");
        for kind in ["invoice.created", "invoice.finalized", "invoice.paid"] {
            let seen = per_invoice.get(&(kind.to_owned(), id.to_owned())).copied().unwrap_or(0);
            assert_eq!(seen, 1, "{kind} of {id}");
        }
    }
}

#[tokio::test]
async fn a_killed_advance_resumes_on_sqlite_with_one_invoice_per_period() {
    killed_mid_advance_resumes_exactly(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_killed_advance_resumes_on_postgres_with_one_invoice_per_period() {
    killed_mid_advance_resumes_exactly(Backend::Postgres).await;
}
