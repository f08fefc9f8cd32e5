//! Invoice items over HTTP, on both backends: pending items, items on a draft, prices, discounts, and what a
//! subscription's renewal does with its items.

mod billing_support;

use billing_support::*;
use portico_testkit::{Client, TestServer, both_backends};
use serde_json::{Value, json};

async fn item(client: &Client, form: &[(&str, &str)]) -> Value {
    ok("create invoice item", client.post("/v1/invoiceitems", form).await)
}

both_backends!(create_retrieve_update_list_and_delete_a_pending_item, |server: TestServer| async move {
    let client = server.client();
    let customer = customer_with_card(&client, None).await;
    let created = item(
        &client,
        &[
            ("customer", customer.as_str()),
            ("amount", "1500"),
            ("currency", "usd"),
            ("description", "Setup fee"),
            ("metadata[order]", "42"),
            ("period[start]", "1798761600"),
            ("period[end]", "1801440000"),
        ],
    )
    .await;
    let mut keys: Vec<&str> = created.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "amount",
            "currency",
            "customer",
            "customer_account",
            "date",
            "description",
            "discountable",
            "discounts",
            "id",
            "invoice",
            "livemode",
            "metadata",
            "net_amount",
            "object",
            "parent",
            "period",
            "pricing",
            "proration",
            "quantity",
            "quantity_decimal",
            "tax_rates",
            "test_clock"
        ]
    );
    let ii = id(&created);
    assert!(ii.starts_with("ii_"));
    assert_eq!((created["amount"].as_i64(), created["quantity"].as_i64()), (Some(1500), Some(1)));
    assert_eq!(created["period"], json!({"end": 1_801_440_000, "start": 1_798_761_600}));
    assert!(created["invoice"].is_null() && created["discountable"] == true && created["proration"] == false);
    assert_eq!(created["pricing"]["unit_amount_decimal"], "1500");
    let path = format!("/v1/invoiceitems/{ii}");
    assert_eq!(ok("retrieve", client.get(&path, &[]).await), created);

    let updated =
        ok("update", client.post(&path, &[("amount", "1800"), ("description", ""), ("metadata[order]", "")]).await);
    assert_eq!((updated["amount"].as_i64(), updated["net_amount"].as_i64()), (Some(1800), Some(1800)));
    assert!(updated["description"].is_null());
    assert_eq!(updated["metadata"], json!({}));

    let other = customer_with_card(&client, None).await;
    item(&client, &[("customer", other.as_str()), ("amount", "100"), ("currency", "usd")]).await;
    let mine =
        ok("list", client.get("/v1/invoiceitems", &[("customer", customer.as_str()), ("pending", "true")]).await);
    assert_eq!(mine["data"].as_array().unwrap().len(), 1);
    assert_eq!(mine["data"][0]["id"], json!(ii));
    assert_eq!(mine["url"], "/v1/invoiceitems");
    let billed =
        ok("billed", client.get("/v1/invoiceitems", &[("customer", customer.as_str()), ("pending", "false")]).await);
    assert_eq!(billed["data"], json!([]));

    let deleted = ok("delete", client.delete(&path).await);
    assert_eq!(deleted, json!({"id": ii, "object": "invoiceitem", "deleted": true}));
    let gone = client.get(&path, &[]).await;
    assert_eq!((gone.status, gone.error()["code"].as_str()), (404, Some("resource_missing")));
    assert_eq!(event_types(&client, &ii).await, ["invoiceitem.created", "invoiceitem.deleted"]);
});

both_backends!(an_item_bills_a_one_time_price_times_its_quantity, |server: TestServer| async move {
    let client = server.client();
    let customer = customer_with_card(&client, None).await;
    let (product, one_time) = price(&client, "Setup", 700, false).await;
    let (_, monthly) = price(&client, "Plan", 700, true).await;
    let priced = item(&client, &[("customer", &customer), ("pricing[price]", &one_time), ("quantity", "3")]).await;
    assert_eq!((priced["amount"].as_i64(), priced["currency"].as_str()), (Some(2100), Some("usd")));
    assert_eq!(priced["pricing"]["price_details"], json!({"price": one_time, "product": product}));
    let requantified =
        ok("quantity", client.post(&format!("/v1/invoiceitems/{}", id(&priced)), &[("quantity", "2")]).await);
    assert_eq!(requantified["amount"], 1400);

    let inline = item(
        &client,
        &[
            ("customer", &customer),
            ("price_data[currency]", "usd"),
            ("price_data[product]", &product),
            ("price_data[unit_amount]", "250"),
        ],
    )
    .await;
    assert_eq!(inline["amount"], 250);
    let made = inline["pricing"]["price_details"]["price"].as_str().unwrap();
    assert_eq!(ok("inline price", client.get(&format!("/v1/prices/{made}"), &[]).await)["active"], false);

    let recurring = client.post("/v1/invoiceitems", &[("customer", &customer), ("pricing[price]", &monthly)]).await;
    assert_eq!((recurring.status, recurring.error()["param"].as_str()), (400, Some("pricing[price]")));
    let nothing = client.post("/v1/invoiceitems", &[("customer", &customer), ("currency", "usd")]).await;
    assert_eq!(
        (nothing.error()["code"].as_str(), nothing.error()["param"].as_str()),
        (Some("parameter_missing"), Some("amount"))
    );
    let no_currency = client.post("/v1/invoiceitems", &[("customer", &customer), ("amount", "5")]).await;
    assert_eq!(no_currency.error()["param"], "currency");
    let nobody =
        client.post("/v1/invoiceitems", &[("customer", "cus_nobody"), ("amount", "5"), ("currency", "usd")]).await;
    assert_eq!((nobody.status, nobody.error()["code"].as_str()), (400, Some("resource_missing")));
    let negative = client
        .post("/v1/invoiceitems", &[("customer", &customer), ("pricing[price]", &one_time), ("quantity", "-1")])
        .await;
    assert_eq!(negative.error()["param"], "quantity");
    let listed = ok("list", client.get("/v1/invoiceitems", &[("customer", customer.as_str())]).await);
    assert_eq!(listed["data"].as_array().unwrap().len(), 2, "refused items are not kept");
});

async fn draft(client: &Client, customer: &str) -> Value {
    ok("create draft", client.post("/v1/invoices", &[("customer", customer)]).await)
}

both_backends!(
    items_put_on_a_draft_change_its_lines_and_totals_until_it_is_finalized,
    |server: TestServer| async move {
        let client = server.client();
        let customer = customer_with_card(&client, None).await;
        let invoice = draft(&client, &customer).await;
        let inv = id(&invoice);
        let first =
            item(&client, &[("customer", &customer), ("invoice", &inv), ("amount", "1000"), ("currency", "usd")]).await;
        let half = coupon(&client, &[("percent_off", "50")]).await;
        let second = item(
            &client,
            &[
                ("customer", &customer),
                ("invoice", &inv),
                ("amount", "600"),
                ("currency", "usd"),
                ("discounts[0][coupon]", &half),
            ],
        )
        .await;
        assert_eq!(first["invoice"], json!(inv));
        let on_item = second["discounts"][0].as_str().unwrap().to_owned();
        let path = format!("/v1/invoices/{inv}");
        let current = ok("draft", client.get(&path, &[]).await);
        let lines = current["lines"]["data"].as_array().unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["parent"]["invoice_item_details"]["invoice_item"], first["id"]);
        assert_eq!(lines[1]["discounts"], json!([on_item]));
        assert_eq!(lines[1]["discount_amounts"], json!([{"amount": 300, "discount": on_item}]));
        assert_eq!((current["subtotal"].as_i64(), current["total"].as_i64()), (Some(1600), Some(1300)));
        let line_id = lines[0]["id"].clone();

        ok("update", client.post(&format!("/v1/invoiceitems/{}", id(&first)), &[("amount", "2000")]).await);
        let current = ok("draft", client.get(&path, &[]).await);
        assert_eq!(current["total"], 2300);
        assert_eq!(current["lines"]["data"][0]["id"], line_id, "a line keeps its id while its item stays");
        ok("delete", client.delete(&format!("/v1/invoiceitems/{}", id(&second))).await);
        let current = ok("draft", client.get(&path, &[]).await);
        assert_eq!((current["total"].as_i64(), current["lines"]["total_count"].as_i64()), (Some(2000), Some(1)));
        assert!(event_types(&client, &inv).await.iter().filter(|t| *t == "invoice.updated").count() >= 4);

        let finalized = ok("finalize", client.post(&format!("{path}/finalize"), &[]).await);
        assert_eq!(finalized["status"], "open");
        let late = client.post(&format!("/v1/invoiceitems/{}", id(&first)), &[("amount", "1")]).await;
        assert_eq!((late.status, late.error()["code"].as_str()), (400, Some("invoice_not_editable")));
        let added = client
            .post(
                "/v1/invoiceitems",
                &[("customer", &customer), ("invoice", &inv), ("amount", "1"), ("currency", "usd")],
            )
            .await;
        assert_eq!(added.error()["code"], "invoice_not_editable");
        let removed = client.delete(&format!("/v1/invoiceitems/{}", id(&first))).await;
        assert_eq!(removed.error()["code"], "invoice_not_editable");
    }
);

both_backends!(a_subscriptions_pending_items_are_billed_by_its_next_renewal, |server: TestServer| async move {
    let client = server.client();
    let clock = clock(&client).await;
    let customer = customer_with_card(&client, Some(&clock)).await;
    let (_, price) = price(&client, "Pro", 2000, true).await;
    let sub = ok(
        "subscribe",
        client.post("/v1/subscriptions", &[("customer", customer.as_str()), ("items[0][price]", price.as_str())]).await,
    );
    let vat = id(&ok(
        "tax rate",
        client.post("/v1/tax_rates", &[("display_name", "VAT"), ("percentage", "20"), ("inclusive", "false")]).await,
    ));
    let extra = item(
        &client,
        &[
            ("customer", &customer),
            ("subscription", &id(&sub)),
            ("amount", "500"),
            ("currency", "usd"),
            ("description", "Extra seats"),
            ("tax_rates[0]", &vat),
        ],
    )
    .await;
    assert_eq!(
        extra["parent"],
        json!({"subscription_details": {"subscription": sub["id"]}, "type": "subscription_details"})
    );
    assert_eq!(extra["test_clock"], json!(clock));
    let loose = item(&client, &[("customer", &customer), ("amount", "100"), ("currency", "usd")]).await;

    advance(&client, &clock, START + 32 * DAY).await;
    let renewal = invoices(&client, &customer).await.pop().unwrap();
    assert_eq!(renewal["billing_reason"], "subscription_cycle");
    let lines = renewal["lines"]["data"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["parent"]["invoice_item_details"]["invoice_item"], extra["id"]);
    assert_eq!(lines[0]["taxes"][0]["amount"], 100, "the item's own tax rate");
    assert_eq!(renewal["total"], 2600);
    let billed = ok("item", client.get(&format!("/v1/invoiceitems/{}", id(&extra)), &[]).await);
    assert_eq!(billed["invoice"], renewal["id"]);
    let pending =
        ok("pending", client.get("/v1/invoiceitems", &[("customer", customer.as_str()), ("pending", "true")]).await);
    assert_eq!(pending["data"], json!([loose]), "an item of no subscription waits for a manual invoice");
});
