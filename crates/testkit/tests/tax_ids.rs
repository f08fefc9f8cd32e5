//! Customer tax ids over HTTP, on both backends.

use portico_testkit::{TestServer, both_backends};

both_backends!(tax_ids_are_validated_listed_and_deleted_per_customer, |server: TestServer| async move {
    let client = server.client();
    let customer =
        client.post("/v1/customers", &[("email", "vat@example.com")]).await.body["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/customers/{customer}/tax_ids");
    let created = client.post(&path, &[("type", "eu_vat"), ("value", "DE123456789")]).await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    assert!(created.body["id"].as_str().unwrap().starts_with("txi_"));
    assert_eq!(created.body["country"], "DE");
    assert_eq!(created.body["owner"]["customer"], customer.as_str());
    assert_eq!(created.body["verification"]["status"], "pending");

    for (kind, value) in
        [("gb_vat", "GB123456789"), ("us_ein", "12-3456789"), ("au_abn", "12345678912"), ("in_gst", "12ABCDE3456FGZH")]
    {
        let answer = client.post(&path, &[("type", kind), ("value", value)]).await;
        assert_eq!(answer.status, 200, "{kind}: {:?}", answer.body);
    }
    let invalid = client.post(&path, &[("type", "eu_vat"), ("value", "XX12")]).await;
    assert_eq!(invalid.status, 400);
    assert_eq!(invalid.error()["code"], "tax_id_invalid");
    assert_eq!(invalid.error()["param"], "value");
    let unknown_type = client.post(&path, &[("type", "mars_vat"), ("value", "1")]).await;
    assert_eq!(unknown_type.error()["param"], "type");

    let list = client.get(&path, &[("limit", "2")]).await;
    assert_eq!(list.body["url"], path.as_str());
    assert_eq!(list.body["has_more"], true);
    let all = client.get(&path, &[("limit", "100")]).await;
    assert_eq!(all.body["data"].as_array().unwrap().len(), 5);

    let txi = created.body["id"].as_str().unwrap();
    let other = client.post("/v1/customers", &[]).await.body["id"].as_str().unwrap().to_owned();
    let foreign = client.get(&format!("/v1/customers/{other}/tax_ids/{txi}"), &[]).await;
    assert_eq!(foreign.status, 404, "a tax id is only reachable through its own customer");
    let deleted = client.delete(&format!("{path}/{txi}")).await;
    assert_eq!(deleted.body["deleted"], true);
    assert_eq!(deleted.body["object"], "tax_id");
    let events = client.get("/v1/events", &[("type", "customer.tax_id.deleted")]).await;
    assert_eq!(events.body["data"].as_array().unwrap().len(), 1);
});

both_backends!(customer_create_with_tax_id_data_is_all_or_nothing, |server: TestServer| async move {
    let client = server.client();
    let ok = client
        .post("/v1/customers", &[("tax_id_data[0][type]", "eu_vat"), ("tax_id_data[0][value]", "FR12345678901")])
        .await;
    assert_eq!(ok.status, 200, "{:?}", ok.body);
    let id = ok.body["id"].as_str().unwrap();
    let ids = client.get(&format!("/v1/customers/{id}/tax_ids"), &[]).await;
    assert_eq!(ids.body["data"][0]["country"], "FR");

    let bad = client
        .post(
            "/v1/customers",
            &[
                ("email", "half@example.com"),
                ("tax_id_data[0][type]", "eu_vat"),
                ("tax_id_data[0][value]", "DE123456789"),
                ("tax_id_data[1][type]", "us_ein"),
                ("tax_id_data[1][value]", "nope"),
            ],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.error()["param"], "tax_id_data[1][value]");
    let customers = client.get("/v1/customers", &[("email", "half@example.com")]).await;
    assert_eq!(
        customers.body["data"].as_array().unwrap().len(),
        0,
        "the customer must not exist after a failed create"
    );
});
