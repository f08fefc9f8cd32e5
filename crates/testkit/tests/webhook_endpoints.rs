//! Webhook endpoints as events see them, on both backends: a change of an account's endpoints applies to the
//! very next event, however many events came before (SQLite keeps a copy of each account's registry).

use portico_testkit::{Client, TestServer, UNREACHABLE_URL, both_backends};

/// Creates a customer and returns the `pending_webhooks` of its `customer.created` event.
async fn endpoints_reached(client: &Client, name: &str) -> i64 {
    let customer = client.post("/v1/customers", &[("name", name)]).await;
    assert_eq!(customer.status, 200, "{}", customer.body);
    let events = client.get("/v1/events", &[("type", "customer.created"), ("limit", "1")]).await;
    let event = &events.body["data"][0];
    assert_eq!(event["data"]["object"]["id"], customer.body["id"], "the newest event is this customer's");
    event["pending_webhooks"].as_i64().expect("pending_webhooks")
}

both_backends!(every_endpoint_change_reaches_the_next_event, |server: TestServer| async move {
    let client = server.client();
    assert_eq!(endpoints_reached(&client, "before any endpoint").await, 0);
    assert_eq!(endpoints_reached(&client, "still none").await, 0);

    let form = [("url", UNREACHABLE_URL), ("enabled_events[0]", "customer.created")];
    let endpoint = client.post("/v1/webhook_endpoints", &form).await;
    assert_eq!(endpoint.status, 200, "{}", endpoint.body);
    let endpoint = format!("/v1/webhook_endpoints/{}", endpoint.body["id"].as_str().unwrap());
    assert_eq!(endpoints_reached(&client, "after the first endpoint").await, 1);

    let other = client.post("/v1/webhook_endpoints", &[("url", UNREACHABLE_URL), ("enabled_events[0]", "*")]).await;
    assert_eq!(other.status, 200, "{}", other.body);
    assert_eq!(endpoints_reached(&client, "after the second").await, 2);

    assert_eq!(client.post(&endpoint, &[("disabled", "true")]).await.status, 200);
    assert_eq!(endpoints_reached(&client, "first disabled").await, 1);
    assert_eq!(client.post(&endpoint, &[("disabled", "false")]).await.status, 200);
    assert_eq!(endpoints_reached(&client, "first enabled again").await, 2);
    assert_eq!(client.post(&endpoint, &[("enabled_events[0]", "invoice.paid")]).await.status, 200);
    assert_eq!(endpoints_reached(&client, "first elsewhere").await, 1);

    let other = format!("/v1/webhook_endpoints/{}", other.body["id"].as_str().unwrap());
    assert_eq!(client.delete(&other).await.status, 200);
    assert_eq!(endpoints_reached(&client, "second deleted").await, 0);
});
