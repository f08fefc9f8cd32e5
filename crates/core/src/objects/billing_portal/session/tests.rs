use serde_json::{Value, json};

use super::eligibility::{Blocker, check_subscription, update_blocker};
use super::*;
use crate::ParamCode;
use crate::Scope;
use crate::billing::lifecycle::{self, NewItem, ProductNames, Start};
use crate::objects::billing_portal::configuration::LoginPage;
use crate::objects::customer::{Customer, CustomerCreate};
use crate::objects::price::{Price, PriceCreate};
use crate::objects::subscription::{
    BillingMode, BillingModeType, CollectionMethod, Status as SubStatus, Subscription, TrialSettings,
};

const NOW: Timestamp = 1_800_000_000;

fn configuration() -> Configuration {
    let scope = Scope { account: "acct_1".into(), livemode: false };
    let mut configuration = Configuration::dashboard_default(&scope, NOW);
    let features = &mut configuration.features;
    features.subscription_update.enabled = true;
    features.subscription_update.products =
        Some(vec![crate::objects::billing_portal::configuration::features::UpdateProduct {
            adjustable_quantity: Default::default(),
            prices: vec!["price_offered".into()],
            product: "prod_1".into(),
        }]);
    features.subscription_pause.enabled = true;
    configuration
}

fn params(value: Value) -> SessionCreate {
    serde_json::from_value(value).unwrap()
}

fn create(value: Value) -> Result<Session, ParamError> {
    Session::create(params(value), &configuration(), "hash".into(), false, NOW)
}

fn refusal<T: std::fmt::Debug>(result: Result<T, ParamError>) -> (ParamCode, Option<String>, String) {
    let error = result.unwrap_err();
    (error.code, error.param, error.message)
}

fn flow(flow_data: Value) -> Result<Flow, ParamError> {
    create(json!({ "customer": "cus_1", "return_url": "https://example.com", "flow_data": flow_data }))
        .map(|session| session.flow.unwrap())
}

#[test]
fn a_session_echoes_its_parameters_and_keeps_no_url() {
    let session = create(json!({
        "customer": "cus_1", "return_url": "https://example.com/account", "locale": "pt-BR", "on_behalf_of": "acct_2",
        "after_expiration": { "type": "customer_login", "customer_login": { "expires_at": NOW + 3600 } },
    }))
    .unwrap();
    assert!(session.id.starts_with("bps_"));
    assert_eq!((session.customer.as_str(), session.configuration.as_str()), ("cus_1", configuration().id.as_str()));
    assert_eq!(session.locale.as_deref(), Some("pt-BR"));
    assert_eq!(session.on_behalf_of.as_deref(), Some("acct_2"));
    assert_eq!(session.return_url.as_deref(), Some("https://example.com/account"));
    assert_eq!(session.engine, SessionEngine { secret_hash: "hash".into(), opened_at: None, last_activity_at: None, flow_completed_at: None });
    let wire = serde_json::to_value(&session).unwrap();
    assert!(wire.get("url").is_none(), "the stored document never holds the URL");
    assert_eq!(
        wire["after_expiration"],
        json!({ "customer_login": { "expires_at": NOW + 3600 }, "type": "customer_login" })
    );
    assert!(wire["flow"].is_null() && wire["customer_account"].is_null());
}

#[test]
fn every_one_of_stripes_47_locales_is_accepted_and_nothing_else() {
    assert_eq!(LOCALES.len(), 47);
    for locale in LOCALES {
        assert!(
            create(json!({ "customer": "c", "return_url": "https://e.com", "locale": locale })).is_ok(),
            "{locale}"
        );
    }
    for bad in ["xx", "EN", "zh-Hant-TW", "nb-NO"] {
        let (_, param, _) = refusal(create(json!({ "customer": "c", "return_url": "https://e.com", "locale": bad })));
        assert_eq!(param.as_deref(), Some("locale"), "{bad}");
    }
}

#[test]
fn the_return_url_falls_back_to_the_configurations_default_and_is_otherwise_required() {
    let (code, param, message) = refusal(create(json!({ "customer": "cus_1" })));
    assert_eq!((code, param.as_deref()), (ParamCode::ParameterMissing, Some("return_url")));
    assert!(message.starts_with("Missing required param: return_url."), "{message}");
    let mut with_default = configuration();
    with_default.default_return_url = Some("https://example.com/home".into());
    let session =
        Session::create(params(json!({ "customer": "cus_1" })), &with_default, "h".into(), false, NOW).unwrap();
    assert_eq!(session.return_url.as_deref(), Some("https://example.com/home"));
    let (code, param, _) = refusal(create(json!({ "customer": "cus_1", "return_url": "nope" })));
    assert_eq!((code, param.as_deref()), (ParamCode::UrlInvalid, Some("return_url")));
}

#[test]
fn the_customer_is_required_and_accounts_v2_customers_are_refused() {
    let (code, param, _) = refusal(create(json!({ "return_url": "https://e.com" })));
    assert_eq!((code, param.as_deref()), (ParamCode::ParameterMissing, Some("customer")));
    let (_, param, _) = refusal(create(json!({ "customer_account": "acct_1", "return_url": "https://e.com" })));
    assert_eq!(param.as_deref(), Some("customer_account"));
}

#[test]
fn after_expiration_deadlines_lie_in_the_future() {
    let at = |expires_at: Timestamp| {
        create(json!({ "customer": "c", "return_url": "https://e.com",
            "after_expiration": { "type": "customer_login", "customer_login": { "expires_at": expires_at } } }))
    };
    let (_, param, _) = refusal(at(NOW));
    assert_eq!(param.as_deref(), Some("after_expiration[customer_login][expires_at]"));
    assert!(at(NOW + 1).is_ok());
    let open = create(
        json!({ "customer": "c", "return_url": "https://e.com", "after_expiration": { "type": "customer_login" } }),
    );
    assert_eq!(open.unwrap().after_expiration.unwrap().customer_login, Some(CustomerLogin { expires_at: None }));
}

#[test]
fn each_flow_type_is_echoed_in_stripes_normalised_shape() {
    let hosted =
        json!({ "hosted_confirmation": { "custom_message": null }, "redirect": null, "type": "hosted_confirmation" });
    let none = json!({
        "customer_update": null, "subscription_cancel": null, "subscription_pause": null,
        "subscription_update": null, "subscription_update_confirm": null,
    });
    let expect = |kind: &str, field: Option<(&str, Value)>| {
        let mut shape = none.clone();
        shape["after_completion"] = hosted.clone();
        shape["type"] = json!(kind);
        if let Some((name, value)) = field {
            shape[name] = value;
        }
        shape
    };
    let cases = [
        (json!({ "type": "payment_method_update" }), expect("payment_method_update", None)),
        (json!({ "type": "customer_update" }), expect("customer_update", Some(("customer_update", json!({}))))),
        (
            json!({ "type": "subscription_cancel", "subscription_cancel": { "subscription": "sub_1" } }),
            expect(
                "subscription_cancel",
                Some(("subscription_cancel", json!({ "retention": null, "subscription": "sub_1" }))),
            ),
        ),
        (
            json!({ "type": "subscription_cancel", "subscription_cancel": { "subscription": "sub_1",
                "retention": { "type": "coupon_offer", "coupon_offer": { "coupon": "SAVE" } } } }),
            expect(
                "subscription_cancel",
                Some((
                    "subscription_cancel",
                    json!({
                        "retention": { "coupon_offer": { "coupon": "SAVE" }, "type": "coupon_offer" }, "subscription": "sub_1"
                    }),
                )),
            ),
        ),
        (
            json!({ "type": "subscription_pause", "subscription_pause": { "subscription": "sub_1" } }),
            expect("subscription_pause", Some(("subscription_pause", json!({ "subscription": "sub_1" })))),
        ),
        (
            json!({ "type": "subscription_update", "subscription_update": { "subscription": "sub_1" } }),
            expect("subscription_update", Some(("subscription_update", json!({ "subscription": "sub_1" })))),
        ),
        (
            json!({ "type": "subscription_update_confirm", "subscription_update_confirm": {
                "subscription": "sub_1", "items": [{ "id": "si_1", "price": "price_offered" }],
                "discounts": [{ "promotion_code": "promo_1" }] } }),
            expect(
                "subscription_update_confirm",
                Some((
                    "subscription_update_confirm",
                    json!({
                        "discounts": [{ "coupon": null, "promotion_code": "promo_1" }],
                        "items": [{ "id": "si_1", "price": "price_offered", "quantity": null }],
                        "subscription": "sub_1",
                    }),
                )),
            ),
        ),
    ];
    for (flow_data, shape) in cases {
        let flow = flow(flow_data.clone()).unwrap_or_else(|e| panic!("{flow_data}: {e}"));
        assert_eq!(serde_json::to_value(&flow).unwrap(), shape, "{flow_data}");
    }
}

#[test]
fn after_completion_takes_the_settings_of_its_type_only() {
    let with = |after: Value| flow(json!({ "type": "payment_method_update", "after_completion": after }));
    let redirect =
        with(json!({ "type": "redirect", "redirect": { "return_url": "https://example.com/done" } })).unwrap();
    assert_eq!(
        serde_json::to_value(&redirect.after_completion).unwrap(),
        json!({ "hosted_confirmation": null, "redirect": { "return_url": "https://example.com/done" }, "type": "redirect" })
    );
    let home = with(json!({ "type": "portal_homepage" })).unwrap();
    assert_eq!(
        serde_json::to_value(&home.after_completion).unwrap(),
        json!({ "hosted_confirmation": null, "redirect": null, "type": "portal_homepage" })
    );
    let message =
        with(json!({ "type": "hosted_confirmation", "hosted_confirmation": { "custom_message": "Thanks!" } })).unwrap();
    assert_eq!(message.after_completion.hosted_confirmation.unwrap().custom_message.as_deref(), Some("Thanks!"));

    let (code, param, _) = refusal(with(json!({ "type": "redirect" })));
    assert_eq!((code, param.as_deref()), (ParamCode::ParameterMissing, Some("flow_data[after_completion][redirect]")));
    let (code, param, _) = refusal(with(json!({ "type": "redirect", "redirect": { "return_url": "x" } })));
    assert_eq!(
        (code, param.as_deref()),
        (ParamCode::UrlInvalid, Some("flow_data[after_completion][redirect][return_url]"))
    );
    let (_, param, _) =
        refusal(with(json!({ "type": "portal_homepage", "redirect": { "return_url": "https://e.com" } })));
    assert_eq!(param.as_deref(), Some("flow_data[after_completion][redirect]"));
    let (code, param, _) = refusal(with(
        json!({ "type": "hosted_confirmation", "hosted_confirmation": { "custom_message": "m".repeat(501) } }),
    ));
    assert_eq!(
        (code, param.as_deref()),
        (ParamCode::StringLengthExceeded, Some("flow_data[after_completion][hosted_confirmation][custom_message]"))
    );
    assert!(
        with(json!({ "type": "hosted_confirmation", "hosted_confirmation": { "custom_message": "m".repeat(500) } }))
            .is_ok()
    );
}

#[test]
fn a_flow_needs_the_settings_of_its_type_and_no_others() {
    let (code, param, _) = refusal(flow(json!({ "type": "subscription_cancel" })));
    assert_eq!((code, param.as_deref()), (ParamCode::ParameterMissing, Some("flow_data[subscription_cancel]")));
    let (_, param, _) =
        refusal(flow(json!({ "type": "payment_method_update", "subscription_update": { "subscription": "sub_1" } })));
    assert_eq!(param.as_deref(), Some("flow_data[subscription_update]"));
}

#[test]
fn an_update_confirmation_takes_exactly_one_item_and_at_most_one_discount() {
    let confirm =
        |body: Value| flow(json!({ "type": "subscription_update_confirm", "subscription_update_confirm": body }));
    let (_, param, _) =
        refusal(confirm(json!({ "subscription": "sub_1", "items": [{ "id": "si_1" }, { "id": "si_2" }] })));
    assert_eq!(param.as_deref(), Some("flow_data[subscription_update_confirm][items]"));
    let (_, param, _) = refusal(confirm(json!({ "subscription": "sub_1", "items": [] })));
    assert_eq!(param.as_deref(), Some("flow_data[subscription_update_confirm][items]"));
    let (_, param, _) =
        refusal(confirm(json!({ "subscription": "sub_1", "items": [{ "id": "si_1", "quantity": -1 }] })));
    assert_eq!(param.as_deref(), Some("flow_data[subscription_update_confirm][items][0][quantity]"));
    let one = json!([{ "id": "si_1" }]);
    let (_, param, _) = refusal(confirm(
        json!({ "subscription": "sub_1", "items": one, "discounts": [{ "coupon": "A" }, { "coupon": "B" }] }),
    ));
    assert_eq!(param.as_deref(), Some("flow_data[subscription_update_confirm][discounts]"));
    let (code, param, _) = refusal(confirm(
        json!({ "subscription": "sub_1", "items": one, "discounts": [{ "coupon": "A", "promotion_code": "promo_1" }] }),
    ));
    assert_eq!(
        (code, param.as_deref()),
        (ParamCode::ParametersExclusive, Some("flow_data[subscription_update_confirm][discounts][0][coupon]"))
    );
    let (_, param, _) = refusal(confirm(json!({ "subscription": "sub_1", "items": one, "discounts": [{}] })));
    assert_eq!(param.as_deref(), Some("flow_data[subscription_update_confirm][discounts][0]"));
}

#[test]
fn a_flow_needs_its_feature_enabled_in_the_configuration() {
    let mut disabled = configuration();
    disabled.features.subscription_cancel.enabled = false;
    let params = params(json!({ "customer": "c", "return_url": "https://e.com",
        "flow_data": { "type": "subscription_cancel", "subscription_cancel": { "subscription": "sub_1" } } }));
    let (_, param, message) = refusal(Session::create(params, &disabled, "h".into(), false, NOW));
    assert_eq!(param.as_deref(), Some("flow_data[type]"));
    assert!(message.contains("features.subscription_cancel.enabled"), "{message}");
}

fn price(interval: &str, metered: bool) -> Price {
    let mut recurring = json!({ "interval": interval });
    if metered {
        recurring["usage_type"] = json!("metered");
        recurring["meter"] = json!("mtr_1");
    }
    let params: PriceCreate =
        serde_json::from_value(json!({ "currency": "usd", "unit_amount": 500, "recurring": recurring })).unwrap();
    Price::create(params, "prod_1".into(), "", false, NOW).unwrap()
}

fn subscription(customer: &Customer, prices: Vec<Price>) -> Subscription {
    let items = prices
        .into_iter()
        .map(|price| NewItem { price, quantity: 1, metadata: Default::default(), tax_rates: vec![] })
        .collect();
    let (mut sub, _) = lifecycle::start(
        Start {
            customer,
            items,
            trial_end: None,
            billing_cycle_anchor: None,
            collection_method: CollectionMethod::ChargeAutomatically,
            days_until_due: None,
            default_payment_method: None,
            default_tax_rates: vec![],
            billing_mode: BillingMode::new(BillingModeType::Flexible),
            cancel_at: None,
            cancel_at_period_end: false,
            description: None,
            metadata: Default::default(),
            trial_settings: TrialSettings::default(),
            livemode: false,
            now: NOW,
        },
        &ProductNames::new(),
    );
    sub.status = SubStatus::Active;
    sub
}

#[test]
fn subscriptions_the_portal_cannot_update_are_recognised() {
    let customer = Customer::create(CustomerCreate::default(), false, NOW).unwrap();
    let sub = subscription(&customer, vec![price("month", false)]);
    assert_eq!(update_blocker(&sub), None);
    assert_eq!(
        update_blocker(&subscription(&customer, vec![price("month", false), price("month", false)])),
        Some(Blocker::SeveralItems)
    );
    assert_eq!(update_blocker(&subscription(&customer, vec![price("month", true)])), Some(Blocker::Metered));
    let mut invoiced = sub.clone();
    invoiced.collection_method = CollectionMethod::SendInvoice;
    assert_eq!(update_blocker(&invoiced), Some(Blocker::SendInvoice));
    let mut scheduled = sub.clone();
    scheduled.schedule = Some("sub_sched_1".into());
    assert_eq!(update_blocker(&scheduled), Some(Blocker::Schedule("sub_sched_1".into())));
    let mut past_due = sub.clone();
    past_due.status = SubStatus::PastDue;
    assert_eq!(update_blocker(&past_due), Some(Blocker::Status("past_due")));
    let mut trialing = sub;
    trialing.status = SubStatus::Trialing;
    assert_eq!(update_blocker(&trialing), None);
}

#[test]
fn a_flows_subscription_must_be_the_customers_and_in_a_state_the_flow_allows() {
    let customer = Customer::create(CustomerCreate::default(), false, NOW).unwrap();
    let mut sub = subscription(&customer, vec![price("month", false)]);
    let item = sub.items.data[0].id.clone();
    let configuration = configuration();
    let check = |flow_data: Value, sub: &Subscription, on_behalf_of: Option<&str>| {
        let flow = flow(flow_data).unwrap();
        check_subscription(&flow, sub, &customer.id, on_behalf_of, &configuration)
    };
    let cancel = json!({ "type": "subscription_cancel", "subscription_cancel": { "subscription": sub.id } });
    let update = json!({ "type": "subscription_update", "subscription_update": { "subscription": sub.id } });
    let pause = json!({ "type": "subscription_pause", "subscription_pause": { "subscription": sub.id } });
    let confirm = |item: &str, price: &str| {
        json!({ "type": "subscription_update_confirm", "subscription_update_confirm": {
            "subscription": sub.id, "items": [{ "id": item, "price": price }] } })
    };
    for flow_data in [&cancel, &update, &pause] {
        assert!(check(flow_data.clone(), &sub, None).is_ok(), "{flow_data}");
    }
    assert!(check(confirm(&item, "price_offered"), &sub, None).is_ok());
    let (_, param, _) = refusal(check(confirm("si_other", "price_offered"), &sub, None));
    assert_eq!(param.as_deref(), Some("flow_data[subscription_update_confirm][items][0][id]"));
    let (_, param, _) = refusal(check(confirm(&item, "price_elsewhere"), &sub, None));
    assert_eq!(param.as_deref(), Some("flow_data[subscription_update_confirm][items][0][price]"));

    let mut others = sub.clone();
    others.customer = "cus_other".into();
    let (_, param, message) = refusal(check(cancel.clone(), &others, None));
    assert_eq!(param.as_deref(), Some("flow_data[subscription_cancel][subscription]"));
    assert!(message.contains("another customer"), "{message}");
    let (_, param, _) = refusal(check(update.clone(), &sub, Some("acct_9")));
    assert_eq!(param.as_deref(), Some("flow_data[subscription_update][subscription]"));

    sub.status = SubStatus::Canceled;
    for flow_data in [&cancel, &update, &pause] {
        assert!(check(flow_data.clone(), &sub, None).is_err(), "{flow_data}");
    }
    sub.status = SubStatus::Active;
    sub.schedule = Some("sub_sched_1".into());
    let (_, _, message) = refusal(check(cancel, &sub, None));
    assert!(message.contains("sub_sched_1"), "{message}");
}

#[test]
fn an_expired_session_leads_to_the_login_page_only_when_it_asked_for_it_and_while_it_may() {
    let mut configuration = configuration();
    configuration.login_page = LoginPage { enabled: true, url: Some("https://portico.test/p/login/test_x".into()) };
    let session = |after_expiration: Value| {
        let mut value = json!({ "customer": "cus_1", "return_url": "https://e.com" });
        if !after_expiration.is_null() {
            value["after_expiration"] = after_expiration;
        }
        create(value).expect("a valid session")
    };
    let open = session(json!({ "type": "customer_login" }));
    assert_eq!(
        open.login_after_expiry(&configuration, NOW + 86_400 * 365),
        Some("https://portico.test/p/login/test_x")
    );
    let until = session(json!({ "type": "customer_login", "customer_login": { "expires_at": NOW + 3600 } }));
    assert!(until.login_after_expiry(&configuration, NOW + 3599).is_some());
    assert_eq!(until.login_after_expiry(&configuration, NOW + 3600), None, "the deadline has passed");
    assert_eq!(session(Value::Null).login_after_expiry(&configuration, NOW), None, "not asked for");
    configuration.login_page = LoginPage { enabled: false, url: None };
    assert_eq!(open.login_after_expiry(&configuration, NOW), None, "the configuration has no login page");
}
