//! Tax rates over HTTP, on both backends.

use portico_testkit::{Answer, Client, TestServer, both_backends};
use serde_json::json;

fn ids(answer: &Answer) -> Vec<String> {
    answer.body["data"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_owned()).collect()
}

async fn tax_rate(client: &Client, form: &[(&str, &str)]) -> String {
    let created = client.post("/v1/tax_rates", form).await;
    assert_eq!(created.status, 200, "{form:?}: {:?}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

both_backends!(create_retrieve_and_update_a_tax_rate, |server: TestServer| async move {
    let client = server.client();
    let created = client
        .post(
            "/v1/tax_rates",
            &[
                ("display_name", "VAT"),
                ("description", "VAT Germany"),
                ("percentage", "19"),
                ("inclusive", "false"),
                ("country", "DE"),
                ("jurisdiction", "DE"),
                ("tax_type", "vat"),
                ("metadata[region]", "eu"),
            ],
        )
        .await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    let body = &created.body;
    let id = body["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("txr_"));
    let mut keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "active",
            "country",
            "created",
            "description",
            "display_name",
            "effective_percentage",
            "flat_amount",
            "id",
            "inclusive",
            "jurisdiction",
            "jurisdiction_level",
            "livemode",
            "metadata",
            "object",
            "percentage",
            "rate_type",
            "state",
            "tax_type"
        ]
    );
    assert_eq!(body["object"], "tax_rate");
    assert_eq!((body["percentage"].clone(), body["effective_percentage"].clone()), (json!(19), json!(19)));
    assert_eq!((body["active"].as_bool(), body["inclusive"].as_bool()), (Some(true), Some(false)));
    assert_eq!((body["rate_type"].as_str(), body["tax_type"].as_str()), (Some("percentage"), Some("vat")));
    assert!(body["flat_amount"].is_null() && body["jurisdiction_level"].is_null() && body["state"].is_null());
    assert_eq!(body["metadata"], json!({"region": "eu"}));
    assert_eq!(client.get(&format!("/v1/tax_rates/{id}"), &[]).await.body, created.body);

    let updated = client
        .post(
            &format!("/v1/tax_rates/{id}"),
            &[("display_name", "USt"), ("description", ""), ("active", "false"), ("metadata[region]", "")],
        )
        .await;
    assert_eq!(updated.status, 200, "{:?}", updated.body);
    assert_eq!(updated.body["display_name"], "USt");
    assert!(updated.body["description"].is_null());
    assert_eq!((updated.body["active"].as_bool(), &updated.body["metadata"]), (Some(false), &json!({})));
    assert_eq!(updated.body["percentage"], 19);
    assert_eq!(client.get(&format!("/v1/tax_rates/{id}"), &[]).await.body, updated.body);

    let events = client.get("/v1/events", &[("type", "tax_rate.*")]).await;
    let kinds: Vec<&str> =
        events.body["data"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["tax_rate.updated", "tax_rate.created"]);
    assert_eq!(events.body["data"][0]["data"]["object"], updated.body);
    assert_eq!(
        events.body["data"][0]["data"]["previous_attributes"],
        json!({"active": true, "description": "VAT Germany", "display_name": "VAT", "metadata": {"region": "eu"}})
    );
    assert_eq!(events.body["data"][1]["data"]["object"], created.body);
});

both_backends!(percentage_and_inclusive_cannot_change, |server: TestServer| async move {
    let client = server.client();
    let id = tax_rate(&client, &[("display_name", "GST"), ("percentage", "8.875"), ("inclusive", "true")]).await;
    let before = client.get(&format!("/v1/tax_rates/{id}"), &[]).await.body;
    assert_eq!((before["percentage"].as_f64(), before["inclusive"].as_bool()), (Some(8.875), Some(true)));
    for field in ["percentage", "inclusive"] {
        let value = if field == "percentage" { "10" } else { "false" };
        let refused = client.post(&format!("/v1/tax_rates/{id}"), &[("display_name", "New"), (field, value)]).await;
        assert_eq!(refused.status, 400);
        assert_eq!(
            (refused.error()["code"].as_str(), refused.error()["param"].as_str()),
            (Some("parameter_unknown"), Some(field))
        );
        assert_eq!(refused.error()["message"], format!("Received unknown parameter: {field}"));
    }
    let empty = client.post(&format!("/v1/tax_rates/{id}"), &[("active", "false"), ("display_name", "")]).await;
    assert_eq!((empty.status, empty.error()["code"].as_str()), (400, Some("parameter_invalid_empty")));
    assert_eq!(empty.error()["param"], "display_name");
    assert_eq!(client.get(&format!("/v1/tax_rates/{id}"), &[]).await.body, before, "a refused update changes nothing");
    let events = client.get("/v1/events", &[("type", "tax_rate.updated")]).await;
    assert!(ids(&events).is_empty());
});

/// A refused create: its form, and the message, code and param Stripe answers with.
type Refusal = (&'static [(&'static str, &'static str)], &'static str, Option<&'static str>, &'static str);

both_backends!(invalid_creates_are_refused_with_their_param_and_write_nothing, |server: TestServer| async move {
    let client = server.client();
    let long_name = "x".repeat(51);
    let cases: &[Refusal] = &[
        (
            &[("percentage", "5"), ("inclusive", "false")],
            "Missing required param: display_name.",
            Some("parameter_missing"),
            "display_name",
        ),
        (
            &[("display_name", "VAT"), ("inclusive", "false")],
            "Missing required param: percentage.",
            Some("parameter_missing"),
            "percentage",
        ),
        (
            &[("display_name", "VAT"), ("percentage", "5")],
            "Missing required param: inclusive.",
            Some("parameter_missing"),
            "inclusive",
        ),
        (
            &[("display_name", "VAT"), ("percentage", "-1"), ("inclusive", "false")],
            "This value must be greater than or equal to 0 (it currently is '-1.0').",
            None,
            "percentage",
        ),
        (
            &[("display_name", "VAT"), ("percentage", "100.5"), ("inclusive", "false")],
            "This value must be less than or equal to 100 (it currently is '100.5').",
            None,
            "percentage",
        ),
        (
            &[("display_name", "VAT"), ("percentage", "12.34567"), ("inclusive", "false")],
            "Invalid decimal: 12.34567; must contain at maximum 4 decimal places.",
            None,
            "percentage",
        ),
        (
            &[("display_name", ""), ("percentage", "5"), ("inclusive", "false")],
            "You passed an empty string for 'display_name'. We assume empty values are an attempt to unset a parameter; however 'display_name' cannot be unset. You should remove 'display_name' from your request or supply a non-empty value.",
            Some("parameter_invalid_empty"),
            "display_name",
        ),
    ];
    for (form, message, code, param) in cases {
        let answer = client.post("/v1/tax_rates", form).await;
        assert_eq!(answer.status, 400, "{form:?}");
        assert_eq!(answer.error()["message"], *message, "{form:?}");
        assert_eq!(answer.error()["code"].as_str(), *code, "{form:?}");
        assert_eq!(answer.error()["param"], *param, "{form:?}");
    }
    let base = [("display_name", "VAT"), ("percentage", "5"), ("inclusive", "false")];
    let with = |extra: (&'static str, &'static str)| {
        let mut form = base.to_vec();
        form.push(extra);
        form
    };
    let long = client
        .post("/v1/tax_rates", &[("display_name", long_name.as_str()), ("percentage", "5"), ("inclusive", "false")])
        .await;
    assert_eq!(
        (long.error()["code"].as_str(), long.error()["param"].as_str()),
        (Some("string_length_exceeded"), Some("display_name"))
    );
    let tax_type = client.post("/v1/tax_rates", &with(("tax_type", "luxury_tax"))).await;
    assert_eq!(tax_type.error()["param"], "tax_type");
    assert!(
        tax_type.error()["message"].as_str().unwrap().starts_with("Invalid tax_type: must be one of amusement_tax")
    );
    let inclusive = client.post("/v1/tax_rates", &with(("rate_type", "percentage"))).await;
    assert_eq!(inclusive.error()["code"], "parameter_unknown");
    let metadata = client.post("/v1/tax_rates", &with(("metadata[a[b]]", "c"))).await;
    assert_eq!(metadata.status, 400);

    assert!(ids(&client.get("/v1/tax_rates", &[]).await).is_empty());
    assert!(ids(&client.get("/v1/events", &[]).await).is_empty());
    let missing = client.get("/v1/tax_rates/txr_missing", &[]).await;
    assert_eq!((missing.status, missing.error()["code"].as_str()), (404, Some("resource_missing")));
    assert_eq!(missing.error()["message"], "No such taxrate: 'txr_missing'");
    let update_missing = client.post("/v1/tax_rates/txr_missing", &[("active", "false")]).await;
    assert_eq!(update_missing.status, 404);
});

both_backends!(lists_filter_by_active_inclusive_and_created_and_page, |server: TestServer| async move {
    let client = server.client();
    let exclusive = tax_rate(&client, &[("display_name", "A"), ("percentage", "5"), ("inclusive", "false")]).await;
    let inclusive = tax_rate(&client, &[("display_name", "B"), ("percentage", "20"), ("inclusive", "true")]).await;
    let archived =
        tax_rate(&client, &[("display_name", "C"), ("percentage", "7"), ("inclusive", "true"), ("active", "false")])
            .await;

    let all = client.get("/v1/tax_rates", &[]).await;
    assert_eq!(ids(&all), [archived.as_str(), inclusive.as_str(), exclusive.as_str()]);
    assert_eq!((all.body["url"].as_str(), all.body["object"].as_str()), (Some("/v1/tax_rates"), Some("list")));
    assert_eq!(
        ids(&client.get("/v1/tax_rates", &[("active", "true")]).await),
        [inclusive.as_str(), exclusive.as_str()]
    );
    assert_eq!(ids(&client.get("/v1/tax_rates", &[("active", "false")]).await), [archived.as_str()]);
    assert_eq!(
        ids(&client.get("/v1/tax_rates", &[("inclusive", "true")]).await),
        [archived.as_str(), inclusive.as_str()]
    );
    assert_eq!(
        ids(&client.get("/v1/tax_rates", &[("inclusive", "true"), ("active", "true")]).await),
        [inclusive.as_str()]
    );
    assert!(ids(&client.get("/v1/tax_rates", &[("created[gt]", "4102444800")]).await).is_empty());
    assert_eq!(ids(&client.get("/v1/tax_rates", &[("created[lte]", "4102444800")]).await).len(), 3);

    let first = client.get("/v1/tax_rates", &[("limit", "2")]).await;
    assert_eq!(ids(&first), [archived.as_str(), inclusive.as_str()]);
    assert_eq!(first.body["has_more"], true);
    let rest = client.get("/v1/tax_rates", &[("limit", "2"), ("starting_after", &inclusive)]).await;
    assert_eq!(ids(&rest), [exclusive.as_str()]);
    assert_eq!(rest.body["has_more"], false);
    let before = client.get("/v1/tax_rates", &[("ending_before", &exclusive)]).await;
    assert_eq!(ids(&before), [archived, inclusive]);

    let unknown = client.get("/v1/tax_rates", &[("percentage", "5")]).await;
    assert_eq!((unknown.status, unknown.error()["code"].as_str()), (400, Some("parameter_unknown")));
    let bad_bool = client.get("/v1/tax_rates", &[("active", "yes")]).await;
    assert_eq!((bad_bool.status, bad_bool.error()["param"].as_str()), (400, Some("active")));
});
