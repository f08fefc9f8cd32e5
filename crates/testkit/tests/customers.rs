//! Customers over HTTP, on both backends.

use portico_testkit::{TestServer, both_backends};

both_backends!(create_retrieve_update_delete_round_trip, |server: TestServer| async move {
    let client = server.client();
    let created = client
        .post(
            "/v1/customers",
            &[("email", "ann@example.com"), ("name", "Ann"), ("metadata[plan]", "pro"), ("address[country]", "DE")],
        )
        .await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("cus_"));
    assert_eq!(created.body["object"], "customer");
    assert_eq!(created.body["metadata"]["plan"], "pro");
    assert_eq!(created.body["address"]["country"], "DE");
    assert_eq!(created.body["livemode"], false);
    assert!(created.headers["request-id"].to_str().unwrap().starts_with("req_"));

    let fetched = client.get(&format!("/v1/customers/{id}"), &[]).await;
    assert_eq!(fetched.body, created.body);

    let updated = client
        .post(&format!("/v1/customers/{id}"), &[("name", ""), ("metadata[plan]", ""), ("phone", "+4912345")])
        .await;
    assert_eq!(updated.status, 200, "{:?}", updated.body);
    assert!(updated.body["name"].is_null());
    assert_eq!(updated.body["metadata"], serde_json::json!({}));
    assert_eq!(updated.body["phone"], "+4912345");

    let deleted = client.delete(&format!("/v1/customers/{id}")).await;
    assert_eq!(deleted.body, serde_json::json!({"id": id, "object": "customer", "deleted": true}));
    let after = client.get(&format!("/v1/customers/{id}"), &[]).await;
    assert_eq!(after.body["deleted"], true);
    let again = client.delete(&format!("/v1/customers/{id}")).await;
    assert_eq!(again.status, 404);

    let events = client.get("/v1/events", &[("type", "customer.updated")]).await;
    assert_eq!(events.body["data"].as_array().unwrap().len(), 1);
    let event = &events.body["data"][0];
    assert_eq!(event["data"]["previous_attributes"]["name"], "Ann");
    assert_eq!(event["request"]["id"].as_str().unwrap().len(), 18);
    let all = client.get("/v1/events", &[("type", "customer.*")]).await;
    let kinds: Vec<&str> = all.body["data"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["customer.deleted", "customer.updated", "customer.created"]);
});

both_backends!(bad_input_is_rejected_with_stripe_errors_and_changes_nothing, |server: TestServer| async move {
    let client = server.client();
    let unknown = client.post("/v1/customers", &[("emial", "x@example.com")]).await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.error()["code"], "parameter_unknown");
    assert_eq!(unknown.error()["param"], "emial");
    assert_eq!(unknown.error()["type"], "invalid_request_error");

    let nested = client.post("/v1/customers", &[("address[city]", "Berlin"), ("address[planet]", "Earth")]).await;
    assert_eq!(nested.error()["param"], "address[planet]");

    let email = client.post("/v1/customers", &[("email", "not-an-email")]).await;
    assert_eq!(email.error()["code"], "email_invalid");
    assert_eq!(email.error()["param"], "email");

    let integer = client.post("/v1/customers", &[("balance", "ten")]).await;
    assert_eq!(integer.error()["code"], "parameter_invalid_integer");

    let missing = client.get("/v1/customers/cus_doesnotexist", &[]).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.error()["code"], "resource_missing");
    assert_eq!(missing.error()["message"], "No such customer: 'cus_doesnotexist'");

    let list = client.get("/v1/customers", &[]).await;
    assert_eq!(list.body["data"].as_array().unwrap().len(), 0, "a failed create must leave nothing behind");
    let events = client.get("/v1/events", &[]).await;
    assert_eq!(events.body["data"].as_array().unwrap().len(), 0);
});

both_backends!(lists_page_newest_first_with_cursors_and_filters, |server: TestServer| async move {
    let client = server.client();
    let mut ids = Vec::new();
    for i in 0..7 {
        let email = if i % 2 == 0 { "even@example.com" } else { "odd@example.com" };
        ids.push(client.post("/v1/customers", &[("email", email)]).await.body["id"].as_str().unwrap().to_owned());
    }
    ids.reverse();
    let first = client.get("/v1/customers", &[("limit", "3")]).await;
    assert_eq!(first.body["object"], "list");
    assert_eq!(first.body["url"], "/v1/customers");
    assert_eq!(first.body["has_more"], true);
    let page: Vec<&str> = first.body["data"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(page, ids[..3]);
    let second = client.get("/v1/customers", &[("limit", "3"), ("starting_after", &ids[2])]).await;
    let page: Vec<&str> = second.body["data"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(page, ids[3..6]);
    let back = client.get("/v1/customers", &[("limit", "2"), ("ending_before", &ids[3])]).await;
    let page: Vec<&str> = back.body["data"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(page, ids[1..3]);
    assert_eq!(back.body["has_more"], true);

    let evens = client.get("/v1/customers", &[("email", "even@example.com"), ("limit", "100")]).await;
    assert_eq!(evens.body["data"].as_array().unwrap().len(), 4);
    let future = client.get("/v1/customers", &[("created[gt]", "4102444800")]).await;
    assert_eq!(future.body["data"].as_array().unwrap().len(), 0);

    let bad_limit = client.get("/v1/customers", &[("limit", "101")]).await;
    assert_eq!(bad_limit.status, 400);
    assert_eq!(bad_limit.error()["param"], "limit");
    let bad_cursor = client.get("/v1/customers", &[("starting_after", "cus_nope")]).await;
    assert_eq!(bad_cursor.status, 400);
});

both_backends!(search_finds_customers_by_email_name_and_metadata, |server: TestServer| async move {
    let client = server.client();
    client
        .post("/v1/customers", &[("email", "ann@example.com"), ("name", "Ann Smith"), ("metadata[tier]", "gold")])
        .await;
    client
        .post("/v1/customers", &[("email", "bob@example.com"), ("name", "Bob Stone"), ("metadata[tier]", "silver")])
        .await;
    let by_email = client.get("/v1/customers/search", &[("query", "email:'ann@example.com'")]).await;
    assert_eq!(by_email.status, 200, "{:?}", by_email.body);
    assert_eq!(by_email.body["object"], "search_result");
    assert_eq!(by_email.body["data"].as_array().unwrap().len(), 1);
    let by_meta = client.get("/v1/customers/search", &[("query", "metadata['tier']:'silver'")]).await;
    assert_eq!(by_meta.body["data"][0]["email"], "bob@example.com");
    let substring = client.get("/v1/customers/search", &[("query", "name~\"sto\"")]).await;
    assert_eq!(substring.body["data"].as_array().unwrap().len(), 1);
    let either =
        client.get("/v1/customers/search", &[("query", "email:'ann@example.com' OR email:'bob@example.com'")]).await;
    assert_eq!(either.body["data"].as_array().unwrap().len(), 2);
    let not_ann = client.get("/v1/customers/search", &[("query", "-email:'ann@example.com'")]).await;
    assert_eq!(not_ann.body["data"].as_array().unwrap().len(), 1);
    let bad = client.get("/v1/customers/search", &[("query", "colour:'red'")]).await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.error()["param"], "query");
});

both_backends!(deleting_a_customer_detaches_its_cards_and_removes_its_tax_ids, |server: TestServer| async move {
    let client = server.client();
    let customer = client.post("/v1/customers", &[("payment_method", "pm_card_visa")]).await;
    assert_eq!(customer.status, 200, "{:?}", customer.body);
    let id = customer.body["id"].as_str().unwrap().to_owned();
    client.post(&format!("/v1/customers/{id}/tax_ids"), &[("type", "eu_vat"), ("value", "DE123456789")]).await;
    let cards = client.get(&format!("/v1/customers/{id}/payment_methods"), &[]).await;
    let pm = cards.body["data"][0]["id"].as_str().unwrap().to_owned();

    assert_eq!(client.delete(&format!("/v1/customers/{id}")).await.status, 200);
    let card = client.get(&format!("/v1/payment_methods/{pm}"), &[]).await;
    assert!(card.body["customer"].is_null(), "{:?}", card.body);
    let detached = client.get("/v1/events", &[("type", "payment_method.detached")]).await;
    assert_eq!(detached.body["data"].as_array().unwrap().len(), 1);
    let removed = client.get("/v1/events", &[("type", "customer.tax_id.deleted")]).await;
    assert_eq!(removed.body["data"].as_array().unwrap().len(), 1);
});
