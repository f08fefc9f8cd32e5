//! Products over HTTP, on both backends.

use portico_testkit::{Answer, Client, TestServer, both_backends};
use serde_json::json;

fn ids(answer: &Answer) -> Vec<String> {
    answer.body["data"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_owned()).collect()
}

async fn event_types(client: &Client, pattern: &str) -> Vec<String> {
    let events = client.get("/v1/events", &[("type", pattern)]).await;
    events.body["data"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap().to_owned()).collect()
}

async fn product(client: &Client, form: &[(&str, &str)]) -> String {
    let created = client.post("/v1/products", form).await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

both_backends!(create_retrieve_update_delete_round_trip, |server: TestServer| async move {
    let client = server.client();
    let created = client
        .post(
            "/v1/products",
            &[
                ("name", "T-shirt"),
                ("description", "Comfortable cotton"),
                ("images[]", "https://example.com/shirt.png"),
                ("marketing_features[0][name]", "Soft"),
                ("metadata[sku]", "TS-1"),
                ("package_dimensions[height]", "1.5"),
                ("package_dimensions[length]", "2"),
                ("package_dimensions[weight]", "3"),
                ("package_dimensions[width]", "4"),
                ("shippable", "true"),
                ("statement_descriptor", "PORTICO SHIRT"),
                ("tax_code", "txcd_99999999"),
                ("unit_label", "shirt"),
                ("url", "https://example.com/shirt"),
            ],
        )
        .await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    let body = &created.body;
    let id = body["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("prod_"));
    for field in [
        "active",
        "created",
        "default_price",
        "description",
        "id",
        "images",
        "livemode",
        "marketing_features",
        "metadata",
        "name",
        "object",
        "package_dimensions",
        "shippable",
        "statement_descriptor",
        "tax_code",
        "unit_label",
        "updated",
        "url",
        "type",
    ] {
        assert!(body.get(field).is_some(), "missing {field}");
    }
    assert_eq!(body["object"], "product");
    assert_eq!(body["type"], "service");
    assert_eq!(body["active"], true);
    assert_eq!(body["created"], body["updated"]);
    assert_eq!(body["marketing_features"], json!([{"name": "Soft"}]));
    assert_eq!(body["package_dimensions"], json!({"height": 1.5, "length": 2.0, "weight": 3.0, "width": 4.0}));
    assert!(body["default_price"].is_null());

    let fetched = client.get(&format!("/v1/products/{id}"), &[]).await;
    assert_eq!(fetched.body, created.body);

    let updated = client
        .post(
            &format!("/v1/products/{id}"),
            &[("name", "Shirt"), ("description", ""), ("images", ""), ("metadata[sku]", "")],
        )
        .await;
    assert_eq!(updated.status, 200, "{:?}", updated.body);
    assert_eq!(updated.body["name"], "Shirt");
    assert!(updated.body["description"].is_null());
    assert_eq!(updated.body["images"], json!([]));
    assert_eq!(updated.body["metadata"], json!({}));

    let deleted = client.delete(&format!("/v1/products/{id}")).await;
    assert_eq!(deleted.body, json!({"id": id, "object": "product", "deleted": true}));
    let gone = client.get(&format!("/v1/products/{id}"), &[]).await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.error()["message"], format!("No such product: '{id}'"));
    assert_eq!(gone.error()["param"], "id");
    assert_eq!(client.delete(&format!("/v1/products/{id}")).await.status, 404);
    assert!(ids(&client.get("/v1/products", &[]).await).is_empty());

    assert_eq!(event_types(&client, "product.*").await, ["product.deleted", "product.updated", "product.created"]);
    let events = client.get("/v1/events", &[("type", "product.deleted")]).await;
    assert_eq!(events.body["data"][0]["data"]["object"]["active"], false);
    let events = client.get("/v1/events", &[("type", "product.updated")]).await;
    assert_eq!(events.body["data"][0]["data"]["previous_attributes"]["name"], "T-shirt");
});

both_backends!(default_price_data_creates_the_price_and_blocks_deletion, |server: TestServer| async move {
    let client = server.client();
    let created = client
        .post(
            "/v1/products",
            &[
                ("name", "Pro plan"),
                ("default_price_data[currency]", "eur"),
                ("default_price_data[unit_amount]", "1500"),
                ("default_price_data[recurring][interval]", "month"),
                ("expand[]", "default_price"),
            ],
        )
        .await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let price = &created.body["default_price"];
    assert_eq!(price["object"], "price");
    assert_eq!(price["product"], id.as_str());
    assert_eq!(price["unit_amount"], 1500);
    assert_eq!(price["currency"], "eur");
    assert_eq!(price["recurring"]["interval"], "month");
    assert_eq!(event_types(&client, "p*").await, ["price.created", "product.created"]);
    let events = client.get("/v1/events", &[("type", "product.created")]).await;
    assert_eq!(events.body["data"][0]["data"]["object"]["default_price"], price["id"]);

    let refused = client.delete(&format!("/v1/products/{id}")).await;
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.error()["message"],
        "This product cannot be deleted because it has one or more user-created prices."
    );
    assert!(refused.error().get("code").is_none() && refused.error().get("param").is_none());
    assert_eq!(client.get(&format!("/v1/products/{id}"), &[]).await.status, 200);

    let bad = client
        .post(
            "/v1/products",
            &[("name", "X"), ("default_price_data[currency]", "xyz"), ("default_price_data[unit_amount]", "1")],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.error()["param"], "default_price_data[currency]");
    let bad = client.post("/v1/products", &[("name", "X"), ("default_price_data[currency]", "usd")]).await;
    assert_eq!(bad.error()["message"], "Prices require an `unit_amount` or `unit_amount_decimal` parameter to be set.");
    assert_eq!(ids(&client.get("/v1/products", &[]).await).len(), 1, "a refused create writes nothing");
});

both_backends!(custom_ids_are_kept_and_a_taken_one_is_refused, |server: TestServer| async move {
    let client = server.client();
    assert_eq!(product(&client, &[("name", "Gold"), ("id", "gold")]).await, "gold");
    let again = client.post("/v1/products", &[("name", "Gold again"), ("id", "gold")]).await;
    assert_eq!(again.status, 400);
    assert_eq!(again.error()["code"], "resource_already_exists");
    assert_eq!(again.error()["message"], "Product already exists.");
    assert_eq!(again.error()["param"], "id");
    assert_eq!(client.get("/v1/products/gold", &[]).await.body["name"], "Gold");
});

both_backends!(the_default_price_must_be_an_active_price_of_the_product, |server: TestServer| async move {
    let client = server.client();
    let mine = product(&client, &[("name", "Mine")]).await;
    let other = product(&client, &[("name", "Other")]).await;
    let price_of = |product: String| {
        let client = &client;
        async move {
            let price =
                client.post("/v1/prices", &[("currency", "usd"), ("unit_amount", "100"), ("product", &product)]).await;
            price.body["id"].as_str().unwrap().to_owned()
        }
    };
    let my_price = price_of(mine.clone()).await;
    let foreign = price_of(other).await;

    let unknown = client.post(&format!("/v1/products/{mine}"), &[("default_price", "price_nope")]).await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.error()["code"], "resource_missing");
    assert_eq!(unknown.error()["message"], "No such price: 'price_nope'");
    let not_mine = client.post(&format!("/v1/products/{mine}"), &[("default_price", &foreign)]).await;
    assert_eq!((not_mine.status, not_mine.error()["param"].as_str()), (400, Some("default_price")));

    let set = client
        .post(&format!("/v1/products/{mine}"), &[("default_price", &my_price), ("expand[]", "default_price")])
        .await;
    assert_eq!(set.status, 200, "{:?}", set.body);
    assert_eq!(set.body["default_price"]["id"], my_price.as_str());

    client.post(&format!("/v1/prices/{my_price}"), &[("active", "false")]).await;
    let archived = client.post(&format!("/v1/products/{mine}"), &[("default_price", &my_price)]).await;
    assert_eq!((archived.status, archived.error()["param"].as_str()), (400, Some("default_price")));
});

both_backends!(bad_input_is_refused_with_stripe_errors_and_writes_nothing, |server: TestServer| async move {
    let client = server.client();
    let missing = client.post("/v1/products", &[]).await;
    assert_eq!(missing.error()["code"], "parameter_missing");
    assert_eq!(missing.error()["message"], "Missing required param: name.");
    let empty = client.post("/v1/products", &[("name", "")]).await;
    assert_eq!(
        (empty.error()["code"].as_str(), empty.error()["param"].as_str()),
        (Some("parameter_invalid_empty"), Some("name"))
    );
    let unknown = client.post("/v1/products", &[("name", "P"), ("colour", "red")]).await;
    assert_eq!(
        (unknown.error()["code"].as_str(), unknown.error()["param"].as_str()),
        (Some("parameter_unknown"), Some("colour"))
    );
    let images: Vec<(&str, &str)> =
        std::iter::once(("name", "P")).chain(std::iter::repeat_n(("images[]", "https://x.test/a.png"), 9)).collect();
    assert_eq!(client.post("/v1/products", &images).await.error()["param"], "images");
    let descriptor =
        client.post("/v1/products", &[("name", "P"), ("statement_descriptor", "ABCDEFGHIJKLMNOPQRSTUVW")]).await;
    assert_eq!(descriptor.error()["param"], "statement_descriptor");
    let tax_code = client.post("/v1/products", &[("name", "P"), ("tax_code", "vat")]).await;
    assert_eq!((tax_code.status, tax_code.error()["code"].as_str()), (400, Some("resource_missing")));
    let kind = client.post("/v1/products", &[("name", "P"), ("type", "gadget")]).await;
    assert_eq!(kind.error()["param"], "type");

    assert!(ids(&client.get("/v1/products", &[]).await).is_empty());
    assert!(client.get("/v1/events", &[]).await.body["data"].as_array().unwrap().is_empty());

    let id = product(&client, &[("name", "Kept")]).await;
    let bad_update = client
        .post(&format!("/v1/products/{id}"), &[("name", "Changed"), ("unit_label", "far too long a label")])
        .await;
    assert_eq!(bad_update.error()["param"], "unit_label");
    assert_eq!(client.get(&format!("/v1/products/{id}"), &[]).await.body["name"], "Kept");
    assert_eq!(event_types(&client, "product.updated").await.len(), 0);
});

both_backends!(lists_filter_by_active_ids_shippable_url_and_type_and_page, |server: TestServer| async move {
    let client = server.client();
    let one = product(&client, &[("name", "one"), ("shippable", "true"), ("url", "https://example.test/one")]).await;
    let two = product(&client, &[("name", "two"), ("active", "false"), ("type", "good")]).await;
    let three = product(&client, &[("name", "three")]).await;

    assert_eq!(ids(&client.get("/v1/products", &[]).await), [three.as_str(), &two, &one]);
    assert_eq!(ids(&client.get("/v1/products", &[("active", "true")]).await), [three.as_str(), &one]);
    assert_eq!(ids(&client.get("/v1/products", &[("active", "false")]).await), [two.as_str()]);
    assert_eq!(ids(&client.get("/v1/products", &[("ids[]", &one), ("ids[]", "prod_nope")]).await), [one.as_str()]);
    assert_eq!(ids(&client.get("/v1/products", &[("shippable", "true")]).await), [one.as_str()]);
    assert_eq!(ids(&client.get("/v1/products", &[("url", "https://example.test/one")]).await), [one.as_str()]);
    assert_eq!(ids(&client.get("/v1/products", &[("type", "good")]).await), [two.as_str()]);

    let first = client.get("/v1/products", &[("limit", "2")]).await;
    assert_eq!((ids(&first), first.body["has_more"].as_bool()), (vec![three.clone(), two.clone()], Some(true)));
    assert_eq!(first.body["url"], "/v1/products");
    let next = client.get("/v1/products", &[("limit", "2"), ("starting_after", &two)]).await;
    assert_eq!((ids(&next), next.body["has_more"].as_bool()), (vec![one.clone()], Some(false)));
    assert!(ids(&client.get("/v1/products", &[("created[gt]", "4102444800")]).await).is_empty());
});

both_backends!(search_finds_products_by_name_flags_and_metadata, |server: TestServer| async move {
    let client = server.client();
    let basic = product(&client, &[("name", "Basic plan"), ("metadata[tier]", "basic")]).await;
    let pro = product(&client, &[("name", "Pro plan"), ("active", "false"), ("shippable", "true")]).await;
    let search = |query: &'static str| {
        let client = &client;
        async move {
            let found = client.get("/v1/products/search", &[("query", query)]).await;
            assert_eq!(found.status, 200, "{query}: {:?}", found.body);
            assert_eq!(found.body["object"], "search_result");
            ids(&found)
        }
    };
    assert_eq!(search("name:'Basic plan'").await, [basic.as_str()]);
    assert_eq!(search("name~\"plan\"").await, [pro.as_str(), &basic]);
    assert_eq!(search("active:'true'").await, [basic.as_str()]);
    assert_eq!(search("active:'false' AND shippable:'true'").await, [pro.as_str()]);
    assert_eq!(search("metadata['tier']:'basic'").await, [basic.as_str()]);
    let bad = client.get("/v1/products/search", &[("query", "active:'maybe'")]).await;
    assert_eq!((bad.status, bad.error()["param"].as_str()), (400, Some("query")));
});
