//! Manual invoices over HTTP, on both backends: drafts made, changed, deleted, sent, finalized by themselves
//! after an hour, and the customer's credit balance applied when they are finalized.

mod billing_support;

use billing_support::*;
use portico_testkit::{Client, TestServer, both_backends};
use serde_json::{Value, json};

async fn pending(client: &Client, customer: &str, amount: &str) -> Value {
    let form = [("customer", customer), ("amount", amount), ("currency", "usd")];
    ok("create invoice item", client.post("/v1/invoiceitems", &form).await)
}

both_backends!(a_draft_takes_pending_items_only_when_asked, |server: TestServer| async move {
    let client = server.client();
    let customer = customer_with_card(&client, None).await;
    let first = pending(&client, &customer, "1200").await;
    let excluded = ok(
        "default",
        client
            .post(
                "/v1/invoices",
                &[("customer", customer.as_str()), ("description", "Nothing yet"), ("metadata[k]", "v")],
            )
            .await,
    );
    assert_eq!((excluded["status"].as_str(), excluded["billing_reason"].as_str()), (Some("draft"), Some("manual")));
    assert_eq!(
        (excluded["auto_advance"].as_bool(), excluded["automatically_finalizes_at"].clone()),
        (Some(false), Value::Null)
    );
    assert_eq!((excluded["total"].as_i64(), excluded["lines"]["data"].clone()), (Some(0), json!([])));
    assert_eq!(
        (excluded["description"].as_str(), excluded["metadata"].clone()),
        (Some("Nothing yet"), json!({"k": "v"}))
    );
    assert!(excluded["parent"].is_null() && excluded["number"].is_null());
    assert_eq!(excluded["currency"], "usd");

    let second = pending(&client, &customer, "300").await;
    let included = ok(
        "include",
        client
            .post("/v1/invoices", &[("customer", customer.as_str()), ("pending_invoice_items_behavior", "include")])
            .await,
    );
    let billed: Vec<&Value> = included["lines"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["parent"]["invoice_item_details"]["invoice_item"])
        .collect();
    assert_eq!(billed, [&first["id"], &second["id"]], "oldest first");
    assert_eq!(included["total"], 1500);
    let item = ok("item", client.get(&format!("/v1/invoiceitems/{}", id(&first)), &[]).await);
    assert_eq!(item["invoice"], included["id"]);
    assert_eq!(event_types(&client, &id(&included)).await, ["invoice.created"]);
});

both_backends!(a_draft_is_updated_then_only_its_non_monetary_fields_once_finalized, |server: TestServer| async move {
    let client = server.client();
    let customer = customer_with_card(&client, None).await;
    pending(&client, &customer, "2000").await;
    let invoice = ok(
        "create",
        client
            .post("/v1/invoices", &[("customer", customer.as_str()), ("pending_invoice_items_behavior", "include")])
            .await,
    );
    let path = format!("/v1/invoices/{}", id(&invoice));
    let vat = id(&ok(
        "tax rate",
        client.post("/v1/tax_rates", &[("display_name", "VAT"), ("percentage", "10"), ("inclusive", "false")]).await,
    ));
    let tenth = coupon(&client, &[("amount_off", "500"), ("currency", "usd")]).await;
    let updated = ok(
        "update",
        client
            .post(
                &path,
                &[
                    ("default_tax_rates[0]", vat.as_str()),
                    ("discounts[0][coupon]", tenth.as_str()),
                    ("collection_method", "send_invoice"),
                    ("days_until_due", "14"),
                    ("footer", "Thanks"),
                ],
            )
            .await,
    );
    let di = updated["discounts"][0].as_str().unwrap();
    assert!(di.starts_with("di_"));
    assert_eq!(updated["total_discount_amounts"], json!([{"amount": 500, "discount": di}]));
    assert_eq!(updated["lines"]["data"][0]["taxes"][0]["taxable_amount"], 1500);
    assert_eq!((updated["total"].as_i64(), updated["footer"].as_str()), (Some(1650), Some("Thanks")));
    let discount = ok("expand", client.get(&path, &[("expand[0]", "discounts")]).await)["discounts"][0].clone();
    assert_eq!((discount["invoice"].clone(), discount["subscription"].clone()), (updated["id"].clone(), Value::Null));
    let events = ok("events", client.get("/v1/events", &[("type", "invoice.updated")]).await);
    assert_eq!(events["data"][0]["data"]["previous_attributes"]["total"], 2000);
    // A discount on one invoice is not a customer's discount: no `customer.discount.created`.
    let customer_discounts = ok("events", client.get("/v1/events", &[("type", "customer.discount.*")]).await);
    assert_eq!(customer_discounts["data"], json!([]));

    let finalized = ok("finalize", client.post(&format!("{path}/finalize"), &[]).await);
    assert_eq!(finalized["status"], "open");
    assert_eq!(
        finalized["due_date"].as_i64(),
        finalized["status_transitions"]["finalized_at"].as_i64().map(|t| t + 14 * DAY)
    );
    let refused = client.post(&path, &[("discounts", "")]).await;
    assert_eq!(
        (refused.status, refused.error()["code"].as_str(), refused.error()["param"].as_str()),
        (400, Some("invoice_not_editable"), Some("discounts"))
    );
    let memo = ok("memo", client.post(&path, &[("description", "Paid by transfer"), ("metadata[po]", "7")]).await);
    assert_eq!((memo["description"].as_str(), memo["total"].as_i64()), (Some("Paid by transfer"), Some(1650)));
});

both_backends!(
    deleting_a_draft_returns_its_items_to_pending_and_finalized_invoices_stay,
    |server: TestServer| async move {
        let client = server.client();
        let customer = customer_with_card(&client, None).await;
        let item = pending(&client, &customer, "900").await;
        let invoice = ok(
            "create",
            client
                .post("/v1/invoices", &[("customer", customer.as_str()), ("pending_invoice_items_behavior", "include")])
                .await,
        );
        let path = format!("/v1/invoices/{}", id(&invoice));
        let deleted = ok("delete", client.delete(&path).await);
        assert_eq!(deleted, json!({"id": invoice["id"], "object": "invoice", "deleted": true}));
        assert_eq!(client.get(&path, &[]).await.status, 404);
        assert!(ok("item", client.get(&format!("/v1/invoiceitems/{}", id(&item)), &[]).await)["invoice"].is_null());
        assert_eq!(event_types(&client, &id(&invoice)).await, ["invoice.created", "invoice.deleted"]);

        let kept = ok("create", client.post("/v1/invoices", &[("customer", customer.as_str())]).await);
        let kept_path = format!("/v1/invoices/{}", id(&kept));
        ok("finalize", client.post(&format!("{kept_path}/finalize"), &[]).await);
        let refused = client.delete(&kept_path).await;
        assert_eq!(refused.status, 400);
        assert!(refused.error()["message"].as_str().unwrap().starts_with("You can only delete draft invoices."));
    }
);

both_backends!(
    sending_finalizes_a_send_invoice_draft_and_refuses_automatic_collection,
    |server: TestServer| async move {
        let client = server.client();
        let customer = customer_with_card(&client, None).await;
        pending(&client, &customer, "4000").await;
        let automatic = ok("automatic", client.post("/v1/invoices", &[("customer", customer.as_str())]).await);
        let refused = client.post(&format!("/v1/invoices/{}/send", id(&automatic)), &[]).await;
        assert_eq!(
            refused.error()["message"],
            "You can only manually send an invoice if its collection method is 'send_invoice'."
        );
        let invoice = ok(
            "send_invoice draft",
            client
                .post(
                    "/v1/invoices",
                    &[
                        ("customer", customer.as_str()),
                        ("collection_method", "send_invoice"),
                        ("pending_invoice_items_behavior", "include"),
                    ],
                )
                .await,
        );
        let sent = ok("send", client.post(&format!("/v1/invoices/{}/send", id(&invoice)), &[]).await);
        assert_eq!((sent["status"].as_str(), sent["amount_due"].as_i64()), (Some("open"), Some(4000)));
        assert!(sent["number"].as_str().is_some() && sent["hosted_invoice_url"].as_str().is_some());
        assert_eq!(
            sent["due_date"].as_i64().unwrap() - sent["status_transitions"]["finalized_at"].as_i64().unwrap(),
            30 * DAY
        );
        assert_eq!(event_types(&client, &id(&invoice)).await, ["invoice.created", "invoice.finalized", "invoice.sent"]);
        let wrong_terms =
            client.post("/v1/invoices", &[("customer", customer.as_str()), ("days_until_due", "10")]).await;
        assert_eq!(wrong_terms.error()["param"], "days_until_due");
    }
);

both_backends!(an_auto_advancing_draft_finalizes_and_is_paid_an_hour_later, |server: TestServer| async move {
    let client = server.client();
    let clock = clock(&client).await;
    let customer = customer_with_card(&client, Some(&clock)).await;
    pending(&client, &customer, "2500").await;
    let form =
        [("customer", customer.as_str()), ("auto_advance", "true"), ("pending_invoice_items_behavior", "include")];
    let invoice = ok("create", client.post("/v1/invoices", &form).await);
    assert_eq!(invoice["automatically_finalizes_at"], START + 3600);
    assert_eq!(invoice["test_clock"], json!(clock));
    advance(&client, &clock, START + 3599).await;
    let path = format!("/v1/invoices/{}", id(&invoice));
    assert_eq!(ok("still draft", client.get(&path, &[]).await)["status"], "draft");
    advance(&client, &clock, START + 2 * 3600).await;
    let paid = ok("paid", client.get(&path, &[]).await);
    assert_eq!((paid["status"].as_str(), paid["amount_paid"].as_i64()), (Some("paid"), Some(2500)));
    assert_eq!(paid["status_transitions"]["finalized_at"], START + 3600);
    let manual = ok("manual draft", client.post("/v1/invoices", &[("customer", customer.as_str())]).await);
    let turned_on =
        ok("auto", client.post(&format!("/v1/invoices/{}", id(&manual)), &[("auto_advance", "true")]).await);
    assert_eq!(turned_on["automatically_finalizes_at"], START + 2 * 3600 + 3600);
});

/// Creates a customer with `balance`, bills it `amount` on a manual invoice finalized at once, and returns the
/// invoice and the customer's balance afterwards.
async fn bill_with_balance(client: &Client, balance: &str, amount: &str) -> (Value, i64) {
    let customer = id(&ok("customer", client.post("/v1/customers", &[("balance", balance)]).await));
    pending(client, &customer, amount).await;
    let form = [
        ("customer", customer.as_str()),
        ("pending_invoice_items_behavior", "include"),
        ("collection_method", "send_invoice"),
    ];
    let invoice = ok("create", client.post("/v1/invoices", &form).await);
    let finalized = ok("finalize", client.post(&format!("/v1/invoices/{}/finalize", id(&invoice)), &[]).await);
    let after = ok("customer", client.get(&format!("/v1/customers/{customer}"), &[]).await);
    (finalized, after["balance"].as_i64().unwrap())
}

fn balances(invoice: &Value) -> (i64, i64, i64, &str) {
    (
        invoice["starting_balance"].as_i64().unwrap(),
        invoice["ending_balance"].as_i64().unwrap(),
        invoice["amount_due"].as_i64().unwrap(),
        invoice["status"].as_str().unwrap(),
    )
}

both_backends!(finalizing_applies_the_customers_credit_and_debt, |server: TestServer| async move {
    let client = server.client();
    let (credit, left) = bill_with_balance(&client, "-500", "2000").await;
    assert_eq!((balances(&credit), left), ((-500, 0, 1500, "open"), 0), "credit consumed");
    let (more_credit, left) = bill_with_balance(&client, "-3000", "2000").await;
    assert_eq!((balances(&more_credit), left), ((-3000, -1000, 0, "paid"), -1000), "the rest of the credit stays");
    let (debt, left) = bill_with_balance(&client, "300", "2000").await;
    assert_eq!((balances(&debt), left), ((300, 0, 2300, "open"), 0), "debt collected with the invoice");
    assert_eq!((debt["total"].as_i64(), debt["amount_remaining"].as_i64()), (Some(2000), Some(2300)));
});

both_backends!(lines_are_added_and_removed_on_a_draft, |server: TestServer| async move {
    let client = server.client();
    let customer = customer_with_card(&client, None).await;
    let waiting = pending(&client, &customer, "700").await;
    let invoice = ok("create", client.post("/v1/invoices", &[("customer", customer.as_str())]).await);
    let path = format!("/v1/invoices/{}", id(&invoice));
    let added = ok(
        "add",
        client
            .post(
                &format!("{path}/add_lines"),
                &[
                    ("lines[0][invoice_item]", waiting["id"].as_str().unwrap()),
                    ("lines[1][amount]", "300"),
                    ("lines[1][description]", "Rush"),
                ],
            )
            .await,
    );
    let lines = added["lines"]["data"].as_array().unwrap();
    assert_eq!((lines.len(), added["total"].as_i64()), (2, Some(1000)));
    let made = lines[1]["parent"]["invoice_item_details"]["invoice_item"].as_str().unwrap().to_owned();
    let removed = ok(
        "remove",
        client
            .post(
                &format!("{path}/remove_lines"),
                &[
                    ("lines[0][id]", lines[0]["id"].as_str().unwrap()),
                    ("lines[0][behavior]", "unassign"),
                    ("lines[1][id]", lines[1]["id"].as_str().unwrap()),
                    ("lines[1][behavior]", "delete"),
                ],
            )
            .await,
    );
    assert_eq!((removed["lines"]["data"].clone(), removed["total"].as_i64()), (json!([]), Some(0)));
    assert!(
        ok("unassigned", client.get(&format!("/v1/invoiceitems/{}", id(&waiting)), &[]).await)["invoice"].is_null()
    );
    assert_eq!(client.get(&format!("/v1/invoiceitems/{made}"), &[]).await.status, 404);
});
