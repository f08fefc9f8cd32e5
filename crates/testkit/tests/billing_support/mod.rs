//! Helpers shared by the billing tests (discounts, invoice items, manual invoices): customers with a card,
//! prices, coupons, and test clocks moved forward.

#![allow(dead_code, reason = "each test file uses its own subset")]

use portico_testkit::{Answer, Client};
use serde_json::Value;

pub const DAY: i64 = 86_400;
/// 2027-01-01T00:00:00Z.
pub const START: i64 = 1_798_761_600;

/// The body of a successful answer; a failure shows the request and Stripe's error.
pub fn ok(what: &str, answer: Answer) -> Value {
    assert_eq!(answer.status, 200, "{what}: {:#}", answer.body);
    answer.body
}

pub fn id(body: &Value) -> String {
    body["id"].as_str().expect("an id").to_owned()
}

/// A customer (on `clock` when given) whose default payment method is a Visa test card.
pub async fn customer_with_card(client: &Client, clock: Option<&str>) -> String {
    let mut form = vec![("email", "jenny@example.com")];
    if let Some(clock) = clock {
        form.push(("test_clock", clock));
    }
    let customer = id(&ok("create customer", client.post("/v1/customers", &form).await));
    let card =
        [("type", "card"), ("card[number]", "4242424242424242"), ("card[exp_month]", "12"), ("card[exp_year]", "2040")];
    let pm = id(&ok("create card", client.post("/v1/payment_methods", &card).await));
    ok("attach", client.post(&format!("/v1/payment_methods/{pm}/attach"), &[("customer", customer.as_str())]).await);
    let default = [("invoice_settings[default_payment_method]", pm.as_str())];
    ok("default card", client.post(&format!("/v1/customers/{customer}"), &default).await);
    customer
}

/// A product and a price of it: monthly when `monthly`, else one-time.
pub async fn price(client: &Client, name: &str, amount: i64, monthly: bool) -> (String, String) {
    let product = id(&ok("create product", client.post("/v1/products", &[("name", name)]).await));
    let amount = amount.to_string();
    let mut form = vec![("currency", "usd"), ("unit_amount", amount.as_str()), ("product", product.as_str())];
    if monthly {
        form.push(("recurring[interval]", "month"));
    }
    let price = id(&ok("create price", client.post("/v1/prices", &form).await));
    (product, price)
}

pub async fn coupon(client: &Client, form: &[(&str, &str)]) -> String {
    id(&ok("create coupon", client.post("/v1/coupons", form).await))
}

pub async fn clock(client: &Client) -> String {
    let form = [("frozen_time", START.to_string())];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    id(&ok("create clock", client.post("/v1/test_helpers/test_clocks", &form).await))
}

/// Moves the clock to `to` in steps of at most 30 days, waiting for each advance to finish.
pub async fn advance(client: &Client, clock: &str, to: i64) {
    let path = format!("/v1/test_helpers/test_clocks/{clock}");
    let mut now = ok("clock", client.get(&path, &[]).await)["frozen_time"].as_i64().unwrap();
    while now < to {
        let step = to.min(now + 30 * DAY).to_string();
        ok("advance", client.post(&format!("{path}/advance"), &[("frozen_time", step.as_str())]).await);
        let mut ready = false;
        for _ in 0..600 {
            if ok("clock", client.get(&path, &[]).await)["status"] == "ready" {
                ready = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        assert!(ready, "clock {clock} did not finish advancing to {step}");
        now = step.parse().unwrap();
    }
}

/// Every invoice of the customer, oldest first.
pub async fn invoices(client: &Client, customer: &str) -> Vec<Value> {
    let list = ok("list invoices", client.get("/v1/invoices", &[("customer", customer), ("limit", "100")]).await);
    let mut invoices = list["data"].as_array().unwrap().clone();
    invoices.reverse();
    invoices
}

/// The types of the events recorded so far, oldest first, that concern `id`.
pub async fn event_types(client: &Client, id: &str) -> Vec<String> {
    let list = ok("list events", client.get("/v1/events", &[("limit", "100")]).await);
    let mut types: Vec<String> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["data"]["object"]["id"] == id)
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    types.reverse();
    types
}
