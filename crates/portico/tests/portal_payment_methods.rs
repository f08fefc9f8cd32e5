//! The portal's payment-methods pages over real HTTP, on both backends, driven like a browser without
//! JavaScript: open a session link, keep its cookie, read pages by selecting, post forms back with their CSRF
//! token, and check through the API what changed and which events were emitted (spec 3.6, 3.9).

use portico_testkit::{Client, TestServer, both_backends};
use reqwest::StatusCode;
use scraper::{Html, Selector};
use serde_json::Value;

const VISA: &str = "4242424242424242";

struct Portal {
    http: reqwest::Client,
    base: String,
    cookie: String,
}

struct Page {
    status: StatusCode,
    location: Option<String>,
    body: String,
    html: Html,
}

impl Page {
    fn select(&self, css: &str) -> Vec<scraper::ElementRef<'_>> {
        let selector = Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e:?}"));
        self.html.select(&selector).collect()
    }

    fn one(&self, css: &str) -> scraper::ElementRef<'_> {
        let found = self.select(css);
        assert_eq!(found.len(), 1, "exactly one {css} in:\n{}", self.body);
        found[0]
    }

    fn text(&self, css: &str) -> String {
        self.one(css).text().collect::<String>().trim().to_owned()
    }

    fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.one(css).value().attr(name).map(str::to_owned)
    }

    fn value(&self, name: &str) -> String {
        self.attr(&format!("[name=\"{name}\"]"), "value").unwrap_or_default()
    }

    fn csrf(&self) -> String {
        self.select("input[name=csrf_token]")[0].value().attr("value").expect("a token").to_owned()
    }

    /// The error beside input `name` (`data-test="{name}-error"`), checked to be tied to it.
    fn error(&self, name: &str) -> Option<String> {
        let found = self.select(&format!("[data-test=\"{name}-error\"]"));
        let error = found.first()?;
        let input = self.one(&format!("input[name=\"{name}\"]"));
        assert_eq!(input.value().attr("aria-invalid"), Some("true"), "{name} is marked invalid");
        let id = error.value().attr("id").expect("errors have an id");
        let described = input.value().attr("aria-describedby").unwrap_or_default();
        assert!(described.split(' ').any(|d| d == id), "{name} is described by its error");
        Some(error.text().collect::<String>().trim().to_owned())
    }

    /// The ids of the listed payment methods, in order.
    fn methods(&self) -> Vec<String> {
        self.select("[data-test=payment-method]")
            .iter()
            .map(|li| li.value().attr("data-id").unwrap().to_owned())
            .collect()
    }
}

impl Portal {
    async fn open(server: &TestServer, customer: &str, extra: &[(&str, &str)]) -> Portal {
        let mut params = vec![("customer", customer), ("return_url", "https://example.com/account")];
        params.extend_from_slice(extra);
        let session = server.client().post("/v1/billing_portal/sessions", &params).await;
        assert_eq!(session.status, 200, "{}", session.body);
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let opened = http.get(session.body["url"].as_str().unwrap()).send().await.unwrap();
        assert_eq!(opened.status(), StatusCode::SEE_OTHER);
        let cookie = opened.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
        Portal { http, base: server.base_url.clone(), cookie }
    }

    async fn page(&self, request: reqwest::RequestBuilder) -> Page {
        let response = request.header("cookie", &self.cookie).send().await.unwrap();
        let status = response.status();
        let location = response.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
        let body = response.text().await.unwrap();
        Page { status, location, html: Html::parse_document(&body), body }
    }

    async fn get(&self, path: &str) -> Page {
        self.page(self.http.get(format!("{}{path}", self.base))).await
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.page(self.http.post(format!("{}{path}", self.base)).form(fields)).await
    }

    /// Posts `fields` with the CSRF token of the page at `from`.
    async fn submit(&self, from: &str, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.get(from).await.csrf();
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post(path, &all).await
    }

    /// The card form, filled and posted.
    async fn add_card(&self, name: &str, number: &str, expiry: &str, cvc: &str, postal_code: &str) -> Page {
        let fields =
            [("name", name), ("number", number), ("expiry", expiry), ("cvc", cvc), ("postal_code", postal_code)];
        self.submit("/p/payment-methods/new", "/p/payment-methods/new", &fields).await
    }
}

async fn customer(client: &Client, name: &str) -> String {
    let created = client.post("/v1/customers", &[("name", name), ("email", "jenny@example.com")]).await;
    assert_eq!(created.status, 200, "{}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

/// Attaches a test card to `customer`; with `default`, makes it the customer's default.
async fn card(client: &Client, customer: &str, token: &str, default: bool) -> String {
    let attached = client.post(&format!("/v1/payment_methods/{token}/attach"), &[("customer", customer)]).await;
    assert_eq!(attached.status, 200, "{}", attached.body);
    let id = attached.body["id"].as_str().unwrap().to_owned();
    if default {
        let updated = client
            .post(&format!("/v1/customers/{customer}"), &[("invoice_settings[default_payment_method]", &id)])
            .await;
        assert_eq!(updated.status, 200, "{}", updated.body);
    }
    id
}

async fn subscription(client: &Client, customer: &str, extra: &[(&str, &str)]) -> Value {
    let price = client
        .post(
            "/v1/prices",
            &[
                ("currency", "usd"),
                ("unit_amount", "1000"),
                ("recurring[interval]", "month"),
                ("product_data[name]", "Pro"),
            ],
        )
        .await;
    assert_eq!(price.status, 200, "{}", price.body);
    let mut params = vec![("customer", customer), ("items[0][price]", price.body["id"].as_str().unwrap())];
    params.extend_from_slice(extra);
    let created = client.post("/v1/subscriptions", &params).await;
    assert_eq!(created.status, 200, "{}", created.body);
    created.body
}

async fn default_of(client: &Client, customer: &str) -> Value {
    client.get(&format!("/v1/customers/{customer}"), &[]).await.body["invoice_settings"]["default_payment_method"]
        .clone()
}

async fn attached(client: &Client, customer: &str) -> Vec<Value> {
    let list = client.get(&format!("/v1/customers/{customer}/payment_methods"), &[]).await;
    assert_eq!(list.status, 200, "{}", list.body);
    list.body["data"].as_array().unwrap().clone()
}

async fn setup_intents(client: &Client, customer: &str) -> Vec<Value> {
    let list = client.get("/v1/setup_intents", &[("customer", customer)]).await;
    list.body["data"].as_array().unwrap().clone()
}

/// Events of `kind` about `object`, newest first.
async fn events(client: &Client, kind: &str, object: &str) -> Vec<Value> {
    let list = client.get("/v1/events", &[("type", kind), ("limit", "100")]).await;
    assert_eq!(list.status, 200, "{}", list.body);
    let all = list.body["data"].as_array().unwrap().clone();
    all.into_iter()
        .filter(|e| e["data"]["object"]["id"] == object || e["data"]["object"]["customer"] == object)
        .collect()
}

async fn configuration(client: &Client, payment_methods: bool) -> String {
    let enabled = payment_methods.to_string();
    let created = client
        .post(
            "/v1/billing_portal/configurations",
            &[
                ("features[payment_method_update][enabled]", enabled.as_str()),
                ("features[invoice_history][enabled]", "true"),
            ],
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

both_backends!(the_list_marks_the_default_and_makes_another_card_the_default, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen").await;
    let visa = card(&client, &jenny, "pm_card_visa", true).await;
    let mastercard = card(&client, &jenny, "pm_card_mastercard", false).await;
    let portal = Portal::open(&server, &jenny, &[]).await;

    let list = portal.get("/p/payment-methods").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert_eq!(list.select("h1").len(), 1);
    assert_eq!(list.methods(), [mastercard.clone(), visa.clone()]);
    assert!(list.text(&format!("[data-id=\"{visa}\"] [data-test=label]")).ends_with("4242"));
    assert!(list.text(&format!("[data-id=\"{mastercard}\"] [data-test=label]")).starts_with("Mastercard"));
    assert_eq!(list.select(&format!("[data-id=\"{visa}\"] [data-test=default]")).len(), 1);
    assert!(list.select(&format!("[data-id=\"{visa}\"] [data-test=make-default]")).is_empty());
    assert_eq!(list.select(&format!("[data-id=\"{mastercard}\"] [data-test=make-default]")).len(), 1);
    assert_eq!(list.select("[data-test=remove]").len(), 2);
    assert_eq!(list.attr("[data-test=add-payment-method]", "href").as_deref(), Some("/p/payment-methods/new"));

    let made = portal.submit("/p/payment-methods", &format!("/p/payment-methods/{mastercard}/default"), &[]).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    assert_eq!(made.location.as_deref(), Some("/p/payment-methods?done=default"));
    assert_eq!(default_of(&client, &jenny).await, mastercard.as_str());
    let updated = events(&client, "customer.updated", &jenny).await;
    assert_eq!(updated[0]["data"]["previous_attributes"]["invoice_settings"]["default_payment_method"], visa.as_str());

    let after = portal.get("/p/payment-methods?done=default").await;
    assert!(!after.text("[data-test=notice]").is_empty());
    assert_eq!(after.select(&format!("[data-id=\"{mastercard}\"] [data-test=default]")).len(), 1);
});

both_backends!(removing_detaches_and_clears_the_default_it_was, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen").await;
    let visa = card(&client, &jenny, "pm_card_visa", true).await;
    let portal = Portal::open(&server, &jenny, &[]).await;

    let removed = portal.submit("/p/payment-methods", &format!("/p/payment-methods/{visa}/remove"), &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    assert_eq!(removed.location.as_deref(), Some("/p/payment-methods?done=removed"));
    assert!(attached(&client, &jenny).await.is_empty());
    assert_eq!(default_of(&client, &jenny).await, Value::Null);
    assert_eq!(events(&client, "payment_method.detached", &visa).await.len(), 1);
    let updated = events(&client, "customer.updated", &jenny).await;
    assert_eq!(updated[0]["data"]["previous_attributes"]["invoice_settings"]["default_payment_method"], visa.as_str());

    let after = portal.get("/p/payment-methods?done=removed").await;
    assert!(after.methods().is_empty());
    assert_eq!(after.select("[data-test=no-payment-methods]").len(), 1);
    assert!(!after.text("[data-test=notice]").is_empty());
});

both_backends!(the_keep_one_rule_refuses_removals_a_subscription_needs, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen").await;
    let visa = card(&client, &jenny, "pm_card_visa", true).await;
    let sub = subscription(&client, &jenny, &[]).await;
    assert_eq!(sub["status"], "active");
    let portal = Portal::open(&server, &jenny, &[]).await;

    // The only card while an automatically charged subscription is active.
    let refused = portal.submit("/p/payment-methods", &format!("/p/payment-methods/{visa}/remove"), &[]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(!refused.text("[data-test=refusal]").is_empty());
    assert_eq!(refused.methods(), std::slice::from_ref(&visa));
    assert_eq!(attached(&client, &jenny).await.len(), 1);
    assert_eq!(default_of(&client, &jenny).await, visa.as_str());
    assert!(events(&client, "payment_method.detached", &visa).await.is_empty());

    // With a second card the first can go.
    let mastercard = card(&client, &jenny, "pm_card_mastercard", false).await;
    let removed = portal.submit("/p/payment-methods", &format!("/p/payment-methods/{visa}/remove"), &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    assert_eq!(attached(&client, &jenny).await.len(), 1);

    // A card a subscription names as its own default stays, even with another card on file.
    let amex = card(&client, &jenny, "pm_card_amex", false).await;
    let own = client
        .post(&format!("/v1/subscriptions/{}", sub["id"].as_str().unwrap()), &[("default_payment_method", &amex)])
        .await;
    assert_eq!(own.status, 200, "{}", own.body);
    let refused = portal.submit("/p/payment-methods", &format!("/p/payment-methods/{amex}/remove"), &[]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert_ne!(refused.text("[data-test=refusal]"), "");
    assert_eq!(attached(&client, &jenny).await.len(), 2);
    assert!(events(&client, "payment_method.detached", &amex).await.is_empty());
    let _ = mastercard;
});

both_backends!(subscriptions_billed_by_invoice_or_ended_need_no_card, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen").await;
    let visa = card(&client, &jenny, "pm_card_visa", true).await;
    subscription(&client, &jenny, &[("collection_method", "send_invoice"), ("days_until_due", "30")]).await;
    let ended = subscription(&client, &jenny, &[]).await;
    let canceled = client.delete(&format!("/v1/subscriptions/{}", ended["id"].as_str().unwrap())).await;
    assert_eq!(canceled.body["status"], "canceled", "{}", canceled.body);
    let portal = Portal::open(&server, &jenny, &[]).await;
    let removed = portal.submit("/p/payment-methods", &format!("/p/payment-methods/{visa}/remove"), &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    assert!(attached(&client, &jenny).await.is_empty());
});

both_backends!(a_new_card_is_set_up_off_session_attached_and_made_the_default, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen").await;
    let portal = Portal::open(&server, &jenny, &[]).await;

    let form = portal.get("/p/payment-methods/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert_eq!(form.select("h1").len(), 1);
    for (name, autocomplete) in [
        ("name", "cc-name"),
        ("number", "cc-number"),
        ("expiry", "cc-exp"),
        ("cvc", "cc-csc"),
        ("postal_code", "postal-code"),
    ] {
        let input = form.one(&format!("input[name=\"{name}\"]"));
        assert_eq!(input.value().attr("autocomplete"), Some(autocomplete));
        let id = input.value().attr("id").unwrap();
        assert_eq!(form.select(&format!("label[for=\"{id}\"]")).len(), 1, "{name} has a label");
    }
    assert_eq!(form.select("[data-test=becomes-default]").len(), 1);

    let added = portal.add_card("Jenny Rosen", "4242 4242 4242 4242", "12/34", "123", "94110").await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    assert_eq!(added.location.as_deref(), Some("/p/payment-methods?done=added"));
    let cards = attached(&client, &jenny).await;
    assert_eq!(cards.len(), 1);
    let pm = cards[0]["id"].as_str().unwrap();
    assert_eq!(cards[0]["card"]["last4"], "4242");
    assert_eq!(cards[0]["card"]["exp_month"], 12);
    assert_eq!(cards[0]["card"]["exp_year"], 2034);
    assert_eq!(cards[0]["billing_details"]["name"], "Jenny Rosen");
    assert_eq!(cards[0]["billing_details"]["address"]["postal_code"], "94110");
    assert_eq!(default_of(&client, &jenny).await, pm);
    let intents = setup_intents(&client, &jenny).await;
    assert_eq!(intents.len(), 1);
    assert_eq!(intents[0]["usage"], "off_session");
    assert_eq!(intents[0]["status"], "succeeded");
    assert_eq!(intents[0]["payment_method"], pm);
    let seti = intents[0]["id"].as_str().unwrap();
    assert_eq!(events(&client, "setup_intent.created", seti).await.len(), 1);
    assert_eq!(events(&client, "setup_intent.succeeded", seti).await.len(), 1);
    assert_eq!(events(&client, "payment_method.attached", pm).await.len(), 1);
    assert_eq!(events(&client, "customer.updated", &jenny).await.len(), 1);

    let list = portal.get("/p/payment-methods?done=added").await;
    assert!(!list.text("[data-test=notice]").is_empty());
    assert_eq!(list.select(&format!("[data-id=\"{pm}\"] [data-test=default]")).len(), 1);

    // A second card does not take the default away from the first.
    let second = portal.add_card("Jenny Rosen", "5555555555554444", "01/33", "321", "").await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    assert_eq!(attached(&client, &jenny).await.len(), 2);
    assert_eq!(default_of(&client, &jenny).await, pm);
    assert_eq!(events(&client, "customer.updated", &jenny).await.len(), 1);
});

both_backends!(refused_card_details_show_beside_their_fields_and_change_nothing, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen").await;
    let portal = Portal::open(&server, &jenny, &[]).await;

    let refused = portal.add_card("", "4242424242424241", "01/20", "12", "94110").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.error("name").is_some());
    assert!(refused.error("number").unwrap().contains("not correct"), "{}", refused.body);
    assert!(refused.error("expiry").unwrap().contains("past"));
    assert!(refused.error("cvc").unwrap().contains('3'));
    // Kept: what may be shown again; never the number nor the CVC.
    assert_eq!(refused.value("expiry"), "01/20");
    assert_eq!(refused.value("postal_code"), "94110");
    assert_eq!(refused.value("number"), "");
    assert_eq!(refused.value("cvc"), "");
    assert!(!refused.body.contains("4242424242424241"));

    let refused = portal.add_card("Jenny Rosen", "4242 abcd", "13/40", "1234", "").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.value("name"), "Jenny Rosen");
    assert!(refused.error("name").is_none());
    assert!(refused.error("number").is_some());
    assert!(refused.error("expiry").unwrap().contains("12"));
    assert!(refused.error("cvc").is_some());

    let refused = portal.add_card("Jenny Rosen", "", "soon", "", "").await;
    assert_eq!(refused.error("number").as_deref(), Some("Enter your card number."));
    assert!(refused.error("expiry").unwrap().contains("MM/YY"));
    assert_eq!(refused.error("cvc").as_deref(), Some("Enter the security code."));

    assert!(attached(&client, &jenny).await.is_empty());
    assert!(setup_intents(&client, &jenny).await.is_empty());
    assert_eq!(default_of(&client, &jenny).await, Value::Null);
    assert!(events(&client, "setup_intent.created", &jenny).await.is_empty());
});

both_backends!(a_declined_card_shows_the_decline_by_the_number_and_attaches_nothing, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen").await;
    let portal = Portal::open(&server, &jenny, &[]).await;

    let declined = portal.add_card("Jenny Rosen", "4000000000000002", "12/34", "123", "94110").await;
    assert_eq!(declined.status, StatusCode::PAYMENT_REQUIRED, "{}", declined.body);
    let generic = declined.error("number").unwrap();
    assert!(generic.contains("declined"), "{generic}");
    assert_eq!(declined.value("name"), "Jenny Rosen");
    assert_eq!(declined.value("expiry"), "12/34");
    assert_eq!(declined.value("number"), "");
    assert!(!declined.body.contains("4000000000000002"));

    let poor = portal.add_card("Jenny Rosen", "4000000000009995", "12/34", "123", "").await;
    assert_eq!(poor.status, StatusCode::PAYMENT_REQUIRED);
    assert!(poor.error("number").unwrap().contains("insufficient funds"));

    // Stripe keeps declined setup attempts: each intent waits for another payment method, and nothing is attached.
    assert!(attached(&client, &jenny).await.is_empty());
    assert_eq!(default_of(&client, &jenny).await, Value::Null);
    let intents = setup_intents(&client, &jenny).await;
    assert_eq!(intents.len(), 2);
    for intent in &intents {
        assert_eq!(intent["status"], "requires_payment_method");
        assert_eq!(events(&client, "setup_intent.setup_failed", intent["id"].as_str().unwrap()).await.len(), 1);
    }
    assert_eq!(intents[0]["last_setup_error"]["decline_code"], "insufficient_funds");
    assert!(events(&client, "payment_method.attached", &jenny).await.is_empty());
});

both_backends!(a_card_needing_3d_secure_is_added_after_the_test_challenge, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen").await;
    let visa = card(&client, &jenny, "pm_card_visa", true).await;
    let portal = Portal::open(&server, &jenny, &[]).await;

    let added = portal.add_card("Jenny Rosen", "4000002500003155", "12/34", "123", "").await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let challenge_path = added.location.unwrap();
    let intents = setup_intents(&client, &jenny).await;
    let seti = intents[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(challenge_path, format!("/p/payment-methods/authenticate/{seti}"));
    assert_eq!(intents[0]["status"], "requires_action");
    assert_eq!(events(&client, "setup_intent.requires_action", &seti).await.len(), 1);
    assert_eq!(attached(&client, &jenny).await.len(), 1);

    let challenge = portal.get(&challenge_path).await;
    assert_eq!(challenge.status, StatusCode::OK, "{}", challenge.body);
    assert_eq!(challenge.select("[data-test=test-page]").len(), 1);
    assert!(challenge.text("[data-test=card]").ends_with("3155"));
    assert_eq!(challenge.select("[data-test=complete]").len(), 1);
    assert_eq!(challenge.select("[data-test=fail]").len(), 1);
    assert_eq!(challenge.select("form input[name=csrf_token]").len(), 2);

    let done = portal.submit(&challenge_path, &challenge_path, &[("outcome", "succeed")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location.as_deref(), Some("/p/payment-methods?done=added"));
    let cards = attached(&client, &jenny).await;
    assert_eq!(cards.len(), 2);
    assert_eq!(cards[0]["card"]["last4"], "3155");
    assert_eq!(events(&client, "setup_intent.succeeded", &seti).await.len(), 1);
    assert_eq!(events(&client, "payment_method.attached", cards[0]["id"].as_str().unwrap()).await.len(), 1);
    // Jenny had a default already.
    assert_eq!(default_of(&client, &jenny).await, visa.as_str());
    // The challenge is over: coming back to it leads to the list.
    assert_eq!(portal.get(&challenge_path).await.location.as_deref(), Some("/p/payment-methods"));

    // A failed challenge attaches nothing and shows the form again with the card's name and expiry.
    let again = portal.add_card("Jenny Rosen", "4000002760003184", "11/33", "123", "75001").await;
    let failing_path = again.location.unwrap();
    let failed = portal.submit(&failing_path, &failing_path, &[("outcome", "fail")]).await;
    assert_eq!(failed.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", failed.body);
    assert!(failed.error("number").is_some());
    assert_eq!(failed.value("name"), "Jenny Rosen");
    assert_eq!(failed.value("expiry"), "11/33");
    assert_eq!(failed.value("postal_code"), "75001");
    assert_eq!(attached(&client, &jenny).await.len(), 2);
    let failed_seti = failing_path.rsplit('/').next().unwrap();
    assert_eq!(events(&client, "setup_intent.setup_failed", failed_seti).await.len(), 1);
});

both_backends!(
    forms_without_this_sessions_csrf_token_are_refused_and_change_nothing,
    |server: TestServer| async move {
        let client = server.client();
        let jenny = customer(&client, "Jenny Rosen").await;
        let visa = card(&client, &jenny, "pm_card_visa", true).await;
        let mastercard = card(&client, &jenny, "pm_card_mastercard", false).await;
        let portal = Portal::open(&server, &jenny, &[]).await;
        let pending = portal.add_card("Jenny Rosen", "4000002500003155", "12/34", "123", "").await.location.unwrap();
        let seti = pending.rsplit('/').next().unwrap().to_owned();
        let card_fields = [("name", "Jenny"), ("number", VISA), ("expiry", "12/34"), ("cvc", "123")];
        let routes: Vec<(String, Vec<(&str, &str)>)> = vec![
            (format!("/p/payment-methods/{mastercard}/default"), vec![]),
            (format!("/p/payment-methods/{visa}/remove"), vec![]),
            ("/p/payment-methods/new".into(), card_fields.to_vec()),
            (pending.clone(), vec![("outcome", "succeed")]),
        ];
        // A token of another session is as wrong as none.
        let other = Portal::open(&server, &jenny, &[]).await;
        let foreign = other.get("/p/payment-methods").await.csrf();
        for (path, fields) in &routes {
            for token in [None, Some("forged"), Some(foreign.as_str())] {
                let mut all = fields.clone();
                all.extend(token.map(|t| ("csrf_token", t)));
                let refused = portal.post(path, &all).await;
                assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path} with {token:?}");
                assert_eq!(refused.select("[data-test=form-forged]").len(), 1, "{}", refused.body);
            }
        }
        assert_eq!(default_of(&client, &jenny).await, visa.as_str());
        assert_eq!(attached(&client, &jenny).await.len(), 2);
        let intents = setup_intents(&client, &jenny).await;
        assert_eq!(intents.len(), 1);
        assert_eq!(intents[0]["id"], seti.as_str());
        assert_eq!(intents[0]["status"], "requires_action");
    }
);

both_backends!(another_customers_ids_are_not_found_and_change_nothing, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen").await;
    card(&client, &jenny, "pm_card_visa", true).await;
    let mallory = customer(&client, "Mallory").await;
    let theirs = card(&client, &mallory, "pm_card_visa", true).await;
    let second = card(&client, &mallory, "pm_card_mastercard", false).await;
    let their_intent = client
        .post(
            "/v1/setup_intents",
            &[
                ("customer", &mallory),
                ("payment_method", "pm_card_authenticationRequiredOnSetup"),
                ("confirm", "true"),
                ("allowed_payment_method_types[0]", "card"),
            ],
        )
        .await;
    assert_eq!(their_intent.body["status"], "requires_action", "{}", their_intent.body);
    let seti = their_intent.body["id"].as_str().unwrap();
    let portal = Portal::open(&server, &jenny, &[]).await;

    let challenge = format!("/p/payment-methods/authenticate/{seti}");
    assert_eq!(portal.get(&challenge).await.status, StatusCode::NOT_FOUND);
    assert_eq!(portal.get("/p/payment-methods/authenticate/seti_nonexistent").await.status, StatusCode::NOT_FOUND);
    for path in [
        format!("/p/payment-methods/{second}/default"),
        format!("/p/payment-methods/{theirs}/remove"),
        "/p/payment-methods/pm_nonexistent/default".into(),
        "/p/payment-methods/pm_nonexistent/remove".into(),
        challenge.clone(),
    ] {
        let refused = portal.submit("/p/payment-methods", &path, &[("outcome", "succeed")]).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(refused.select("[data-test=not-found]").len(), 1);
    }
    assert_eq!(default_of(&client, &mallory).await, theirs.as_str());
    assert_eq!(attached(&client, &mallory).await.len(), 2);
    let intent = client.get(&format!("/v1/setup_intents/{seti}"), &[]).await;
    assert_eq!(intent.body["status"], "requires_action");
    assert!(events(&client, "payment_method.detached", &theirs).await.is_empty());
});

both_backends!(
    the_pages_are_not_found_when_customers_may_not_manage_payment_methods,
    |server: TestServer| async move {
        let client = server.client();
        let jenny = customer(&client, "Jenny Rosen").await;
        let visa = card(&client, &jenny, "pm_card_visa", true).await;
        let config = configuration(&client, true).await;
        let portal = Portal::open(&server, &jenny, &[("configuration", &config)]).await;
        let pending = portal.add_card("Jenny Rosen", "4000002500003155", "12/34", "123", "").await.location.unwrap();
        let token = portal.get("/p/payment-methods").await.csrf();
        // The merchant turns the feature off while the session is open.
        let off = client
            .post(
                &format!("/v1/billing_portal/configurations/{config}"),
                &[("features[payment_method_update][enabled]", "false")],
            )
            .await;
        assert_eq!(off.status, 200, "{}", off.body);
        for path in ["/p/payment-methods", "/p/payment-methods/new", pending.as_str()] {
            assert_eq!(portal.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
        }
        let card_fields = [("name", "Jenny"), ("number", VISA), ("expiry", "12/34"), ("cvc", "123")];
        for (path, fields) in [
            (format!("/p/payment-methods/{visa}/remove"), &[][..]),
            (format!("/p/payment-methods/{visa}/default"), &[][..]),
            ("/p/payment-methods/new".to_owned(), &card_fields[..]),
            (pending.clone(), &[("outcome", "succeed")][..]),
        ] {
            let mut all = vec![("csrf_token", token.as_str())];
            all.extend_from_slice(fields);
            let refused = portal.post(&path, &all).await;
            assert_eq!(refused.status, StatusCode::NOT_FOUND, "{path}");
        }
        assert_eq!(attached(&client, &jenny).await.len(), 1);
        let intents = setup_intents(&client, &jenny).await;
        assert_eq!(intents.len(), 1);
        assert_eq!(intents[0]["status"], "requires_action");
    }
);

both_backends!(a_payment_method_update_deep_link_makes_the_new_card_the_default, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen").await;
    let visa = card(&client, &jenny, "pm_card_visa", true).await;
    let flow = [
        ("flow_data[type]", "payment_method_update"),
        ("flow_data[after_completion][type]", "redirect"),
        ("flow_data[after_completion][redirect][return_url]", "https://example.com/thanks"),
    ];
    let portal = Portal::open(&server, &jenny, &flow).await;
    let form = portal.get("/p/payment-methods/new").await;
    assert_eq!(form.select("[data-test=becomes-default]").len(), 1);
    // Inside a flow there is no way back to the rest of the portal.
    assert!(form.select("[data-test=back]").is_empty());
    let added = portal.add_card("Jenny Rosen", "5555555555554444", "12/34", "123", "").await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    assert_eq!(added.location.as_deref(), Some("https://example.com/thanks"));
    let new = default_of(&client, &jenny).await;
    assert_ne!(new, visa.as_str());
    assert_eq!(attached(&client, &jenny).await[0]["id"], new);
    let updated = events(&client, "customer.updated", &jenny).await;
    assert_eq!(updated[0]["data"]["previous_attributes"]["invoice_settings"]["default_payment_method"], visa.as_str());
});

both_backends!(the_pages_speak_the_sessions_language, |server: TestServer| async move {
    let client = server.client();
    let jenny = customer(&client, "Jenny Rosen").await;
    card(&client, &jenny, "pm_card_visa", true).await;
    let portal = Portal::open(&server, &jenny, &[("locale", "ja")]).await;
    let list = portal.get("/p/payment-methods").await;
    assert_eq!(list.attr("html", "lang").as_deref(), Some("ja"));
    assert_eq!(list.text("h1"), "支払い方法");
    assert_eq!(list.text("[data-test=remove]"), "削除 (Visa •••• 4242)");
    let refused = portal.add_card("", "", "", "", "").await;
    assert_eq!(refused.error("number").as_deref(), Some("カード番号を入力してください。"));
});
