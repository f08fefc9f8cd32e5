//! Billing on a connected account, on both backends: what the engine does outside any request (a test clock's
//! renewal) is done as the platform acting on that account, as a request with `Stripe-Account` is. Its events
//! name the account and reach the platform's Connect endpoints, not its own.

use portico_testkit::{Client, TestServer, UNREACHABLE_URL, both_backends};

mod billing_support;
use billing_support::{DAY, START, advance, clock, customer_with_card, id, ok, price};

/// The events about `customer`'s objects since the first renewal drew near, newest first, as the connected
/// account lists them.
async fn renewal_events(client: &Client, customer: &str) -> Vec<serde_json::Value> {
    let list = ok("list events", client.get("/v1/events", &[("limit", "100")]).await);
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event["data"]["object"]["customer"] == customer)
        .filter(|event| event["created"].as_i64() > Some(START + 20 * DAY))
        .cloned()
        .collect()
}

both_backends!(renewals_on_a_connected_account_name_it_and_reach_connect_endpoints, |server: TestServer| async move {
    let platform = server.client();
    let account =
        id(&ok("create account", platform.post("/v1/accounts", &[("type", "standard"), ("country", "US")]).await));
    let connect = [("url", UNREACHABLE_URL), ("enabled_events[0]", "*"), ("connect", "true")];
    ok("connect endpoint", platform.post("/v1/webhook_endpoints", &connect).await);
    let own = [("url", UNREACHABLE_URL), ("enabled_events[0]", "*")];
    ok("the platform's own endpoint", platform.post("/v1/webhook_endpoints", &own).await);

    let connected = server.client().on_account(&account);
    let clock = clock(&connected).await;
    let customer = customer_with_card(&connected, Some(&clock)).await;
    let (_, monthly) = price(&connected, "Pro", 2000, true).await;
    let form = [("customer", customer.as_str()), ("items[0][price]", monthly.as_str())];
    ok("subscribe", connected.post("/v1/subscriptions", &form).await);
    advance(&connected, &clock, START + 32 * DAY).await;

    let events = renewal_events(&connected, &customer).await;
    let types: Vec<&str> = events.iter().map(|event| event["type"].as_str().unwrap()).collect();
    assert!(types.contains(&"invoice.created") && types.contains(&"invoice.paid"), "renewed: {types:?}");
    for event in &events {
        assert_eq!(event["account"], account.as_str(), "{} names the connected account", event["type"]);
        assert_eq!(event["pending_webhooks"], 1, "{} goes to the Connect endpoint only", event["type"]);
    }
    let platform_events = ok("platform events", platform.get("/v1/events", &[("limit", "100")]).await);
    let leaked =
        platform_events["data"].as_array().unwrap().iter().any(|e| e["data"]["object"]["customer"] == customer);
    assert!(!leaked, "the platform's own events do not include the connected account's");
});
