use serde_json::{Value, json};

use super::features::*;
use super::*;
use crate::ParamCode;
use crate::objects::price::PriceCreate;
use crate::objects::product::ProductCreate;
use crate::objects::{Price, Product};

const NOW: Timestamp = 1_800_000_000;
const PUBLIC_URL: &str = "https://billing.example.com";

fn create_params(value: Value) -> ConfigurationCreate {
    serde_json::from_value(value).unwrap()
}

fn update_params(value: Value) -> ConfigurationUpdate {
    serde_json::from_value(value).unwrap()
}

fn create(value: Value) -> Result<Configuration, ParamError> {
    Configuration::create(create_params(value), &[], false, NOW, PUBLIC_URL)
}

fn refusal(result: Result<impl std::fmt::Debug, ParamError>) -> (ParamCode, Option<String>, String) {
    let error = result.unwrap_err();
    (error.code, error.param, error.message)
}

fn product(id: &str, active: bool) -> Product {
    let params: ProductCreate = serde_json::from_value(json!({ "id": id, "name": id, "active": active })).unwrap();
    Product::create(params, false, NOW).unwrap()
}

fn price(product: &str, recurring: Option<&str>, active: bool) -> Price {
    let mut params = json!({ "currency": "usd", "unit_amount": 1000, "active": active });
    if let Some(interval) = recurring {
        params["recurring"] = json!({ "interval": interval });
    }
    let params: PriceCreate = serde_json::from_value(params).unwrap();
    Price::create(params, product.into(), "", false, NOW).unwrap()
}

/// Features that switch subscription updates on, offering `products`.
fn offering(products: Value) -> Value {
    json!({
        "payment_method_update": { "enabled": true },
        "subscription_update": {
            "enabled": true,
            "default_allowed_updates": ["price", "quantity"],
            "products": products,
        }
    })
}

#[test]
fn a_configuration_made_from_features_alone_has_stripes_defaults() {
    let configuration = create(json!({ "features": { "invoice_history": { "enabled": true } } })).unwrap();
    assert!(configuration.id.starts_with("bpc_"));
    assert!(configuration.active && !configuration.is_default);
    assert_eq!((configuration.created, configuration.updated), (NOW, NOW));
    let features = &configuration.features;
    assert!(features.invoice_history.enabled);
    assert!(!features.customer_update.enabled && features.customer_update.allowed_updates.is_empty());
    assert_eq!(features.payment_method_update, PaymentMethodUpdate::default());
    let cancel = &features.subscription_cancel;
    assert_eq!(
        (cancel.enabled, cancel.mode, cancel.proration_behavior),
        (false, CancelMode::AtPeriodEnd, ProrationBehavior::None)
    );
    assert_eq!(cancel.cancellation_reason.options.len(), 5);
    assert_eq!(cancel.cancellation_reason.feedback_options, None);
    let pause = &features.subscription_pause;
    assert!(!pause.enabled);
    assert_eq!(pause.duration.kind, PauseDurationType::IntervalOptions);
    assert_eq!(
        pause.duration.interval_options,
        [PauseInterval { interval: crate::objects::price::Interval::Month, interval_count: 1 }]
    );
    let update = &features.subscription_update;
    assert!(!update.enabled && update.products.is_none() && update.billing_cycle_anchor.is_none());
    assert_eq!(update.trial_update_behavior, TrialUpdateBehavior::EndTrial);
    assert!(update.schedule_at_period_end.conditions.is_empty());
    assert_eq!(configuration.login_page, LoginPage::default());
    assert_eq!(configuration.business_profile, BusinessProfile::default());
    let wire = serde_json::to_value(&configuration).unwrap();
    assert_eq!(wire["metadata"], json!({}));
    assert_eq!(wire["features"]["subscription_update"]["schedule_at_period_end"], json!({ "conditions": [] }));
}

#[test]
fn each_sent_feature_needs_its_enabled_flag_on_create() {
    for feature in ["customer_update", "subscription_cancel", "subscription_update"] {
        let (code, param, message) = refusal(create(json!({ "features": { feature: {} } })));
        assert_eq!(code, ParamCode::ParameterMissing);
        assert_eq!(param.as_deref(), Some(format!("features[{feature}][enabled]").as_str()));
        assert_eq!(message, format!("Missing required param: features[{feature}][enabled]."));
    }
    let (_, param, _) = refusal(create(json!({
        "features": { "subscription_cancel": { "enabled": true, "cancellation_reason": { "enabled": true } } }
    })));
    assert_eq!(param.as_deref(), Some("features[subscription_cancel][cancellation_reason][options]"));
}

#[test]
fn an_enabled_subscription_update_needs_its_allowed_updates_and_products() {
    let base = json!({ "payment_method_update": { "enabled": true }, "subscription_update": { "enabled": true } });
    let (code, param, _) = refusal(create(json!({ "features": base })));
    assert_eq!(
        (code, param.as_deref()),
        (ParamCode::ParameterMissing, Some("features[subscription_update][default_allowed_updates]"))
    );
    let mut with_updates = base.clone();
    with_updates["subscription_update"]["default_allowed_updates"] = json!(["quantity"]);
    let (_, param, _) = refusal(create(json!({ "features": with_updates })));
    assert_eq!(param.as_deref(), Some("features[subscription_update][products]"));
    // `""` (an empty list) counts as given.
    with_updates["subscription_update"]["products"] = Value::Null;
    let configuration = create(json!({ "features": with_updates })).unwrap();
    assert_eq!(configuration.features.subscription_update.products, Some(vec![]));
}

#[test]
fn subscription_updates_need_payment_method_updates_and_stripes_refusal_names_no_param() {
    let features = json!({
        "subscription_update": { "enabled": true, "default_allowed_updates": Value::Null, "products": Value::Null }
    });
    let (code, param, message) = refusal(create(json!({ "features": features })));
    assert_eq!((code, param), (ParamCode::InvalidRequest, None));
    assert_eq!(message, "Cannot enable subscription updates while payment method update is disabled.");

    let mut configuration = create(json!({ "features": offering(json!([])) })).unwrap();
    let before = configuration.clone();
    let turn_off = update_params(json!({ "features": { "payment_method_update": { "enabled": false } } }));
    assert!(configuration.update(turn_off, &[], NOW + 1, PUBLIC_URL).is_err());
    assert_eq!(configuration, before, "a refused update changes nothing");
}

#[test]
fn cancellations_refuse_always_invoice_and_prorations_at_the_period_end() {
    let cancel = |fields: Value| create(json!({ "features": { "subscription_cancel": fields } }));
    let (_, param, message) =
        refusal(cancel(json!({ "enabled": true, "mode": "immediately", "proration_behavior": "always_invoice" })));
    assert_eq!(param.as_deref(), Some("features[subscription_cancel][proration_behavior]"));
    assert!(message.contains("always_invoice"), "{message}");
    let (_, param, _) = refusal(cancel(json!({ "enabled": true, "proration_behavior": "create_prorations" })));
    assert_eq!(param.as_deref(), Some("features[subscription_cancel][proration_behavior]"));
    let mut configuration =
        cancel(json!({ "enabled": true, "mode": "immediately", "proration_behavior": "create_prorations" })).unwrap();
    assert_eq!(configuration.features.subscription_cancel.proration_behavior, ProrationBehavior::CreateProrations);
    // Moving the mode alone to the period end names the mode.
    let back = update_params(json!({ "features": { "subscription_cancel": { "mode": "at_period_end" } } }));
    let (_, param, _) = refusal(configuration.update(back, &[], NOW, PUBLIC_URL));
    assert_eq!(param.as_deref(), Some("features[subscription_cancel][mode]"));
}

#[test]
fn offered_products_are_checked_against_the_catalog() {
    let catalog = vec![
        CatalogEntry {
            product: product("prod_a", true),
            prices: vec![price("prod_a", Some("month"), true), price("prod_a", Some("year"), true)],
        },
        CatalogEntry { product: product("prod_b", true), prices: vec![price("prod_b", Some("month"), true)] },
    ];
    let ids = |entry: &CatalogEntry| entry.prices.iter().map(|p| p.id.clone()).collect::<Vec<_>>();
    let offer = json!([
        { "product": "prod_a", "prices": ids(&catalog[0]), "adjustable_quantity": { "enabled": true, "maximum": 5 } },
        { "product": "prod_b", "prices": ids(&catalog[1]) },
    ]);
    let params = create_params(json!({ "features": offering(offer) }));
    let configuration = Configuration::create(params, &catalog, false, NOW, PUBLIC_URL).unwrap();
    let products = configuration.features.subscription_update.products.as_ref().unwrap();
    assert_eq!(products.len(), 2);
    assert_eq!(products[0].adjustable_quantity, AdjustableQuantity { enabled: true, maximum: Some(5), minimum: 0 });
    assert_eq!(products[1].adjustable_quantity, AdjustableQuantity::default());
    assert!(configuration.features.subscription_update.offers_price(&catalog[1].prices[0].id));

    let refused = |entries: Vec<CatalogEntry>, offer: Value| {
        let params = create_params(json!({ "features": offering(offer) }));
        refusal(Configuration::create(params, &entries, false, NOW, PUBLIC_URL))
    };
    let month = price("prod_a", Some("month"), true);
    let (_, param, message) = refused(
        vec![CatalogEntry {
            product: product("prod_a", true),
            prices: vec![month.clone(), price("prod_a", Some("month"), true)],
        }],
        json!([{ "product": "prod_a", "prices": [month.id, "second"] }]),
    );
    assert_eq!(param.as_deref(), Some("features[subscription_update][products][0][prices][1]"), "{message}");

    let twin = price("prod_a", Some("month"), true);
    let entry = CatalogEntry { product: product("prod_a", true), prices: vec![month.clone(), twin.clone()] };
    let (_, param, message) = refused(vec![entry], json!([{ "product": "prod_a", "prices": [month.id, twin.id] }]));
    assert_eq!(param.as_deref(), Some("features[subscription_update][products][0][prices][1]"));
    assert!(message.contains("same billing interval (month)"), "{message}");

    for (bad, why) in [
        (price("prod_a", None, true), "not recurring"),
        (price("prod_a", Some("month"), false), "inactive"),
        (price("prod_other", Some("month"), true), "belongs to the product prod_other"),
    ] {
        let entry = CatalogEntry { product: product("prod_a", true), prices: vec![bad.clone()] };
        let (_, param, message) = refused(vec![entry], json!([{ "product": "prod_a", "prices": [bad.id] }]));
        assert_eq!(param.as_deref(), Some("features[subscription_update][products][0][prices][0]"));
        assert!(message.contains(why), "{message}");
    }

    let archived = CatalogEntry { product: product("prod_a", false), prices: vec![month.clone()] };
    let (_, param, _) = refused(vec![archived], json!([{ "product": "prod_a", "prices": [month.id.clone()] }]));
    assert_eq!(param.as_deref(), Some("features[subscription_update][products][0][product]"));

    let eleven: Vec<Value> = (0..11).map(|i| json!({ "product": format!("prod_{i}"), "prices": ["p"] })).collect();
    let (_, param, message) = refused(vec![], Value::Array(eleven));
    assert_eq!(param.as_deref(), Some("features[subscription_update][products]"));
    assert!(message.contains("at most 10 products"), "{message}");

    let entry = CatalogEntry { product: product("prod_a", true), prices: vec![month.clone()] };
    let (_, param, _) = refused(
        vec![entry],
        json!([{ "product": "prod_a", "prices": [month.id], "adjustable_quantity": { "enabled": true, "minimum": 3, "maximum": 2 } }]),
    );
    assert_eq!(param.as_deref(), Some("features[subscription_update][products][0][adjustable_quantity][maximum]"));
}

#[test]
fn strings_and_urls_are_checked() {
    let features = json!({ "invoice_history": { "enabled": true } });
    let (code, param, _) =
        refusal(create(json!({ "features": features, "business_profile": { "headline": "h".repeat(61) } })));
    assert_eq!((code, param.as_deref()), (ParamCode::StringLengthExceeded, Some("business_profile[headline]")));
    assert!(create(json!({ "features": features, "business_profile": { "headline": "h".repeat(60) } })).is_ok());
    let (_, param, _) = refusal(create(json!({ "features": features, "name": "n".repeat(257) })));
    assert_eq!(param.as_deref(), Some("name"));
    for (field, value) in [
        ("default_return_url", json!("example.com")),
        ("business_profile[privacy_policy_url]", json!("ftp://x")),
        ("business_profile[terms_of_service_url]", json!("https://")),
    ] {
        let params = match field.strip_prefix("business_profile[") {
            Some(inner) => json!({ "features": features, "business_profile": { inner.trim_end_matches(']'): value } }),
            None => json!({ "features": features, field: value }),
        };
        let (code, param, _) = refusal(create(params));
        assert_eq!((code, param.as_deref()), (ParamCode::UrlInvalid, Some(field)));
    }
}

#[test]
fn pause_durations_are_one_to_three_years_long_and_needed_for_interval_options() {
    let pause = |duration: Value| {
        create(json!({ "features": { "subscription_pause": { "enabled": true, "duration": duration } } }))
    };
    let (code, param, _) = refusal(pause(json!({ "type": "interval_options" })));
    assert_eq!(
        (code, param.as_deref()),
        (ParamCode::ParameterMissing, Some("features[subscription_pause][duration][interval_options]"))
    );
    let (_, param, _) = refusal(pause(
        json!({ "type": "interval_options", "interval_options": [{ "interval": "month", "interval_count": 37 }] }),
    ));
    assert_eq!(param.as_deref(), Some("features[subscription_pause][duration][interval_options][0][interval_count]"));
    let configuration = pause(json!({
        "type": "interval_options",
        "interval_options": [{ "interval": "week", "interval_count": 2 }, { "interval": "year", "interval_count": 3 }]
    }))
    .unwrap();
    assert_eq!(configuration.features.subscription_pause.duration.interval_options.len(), 2);
    let indefinite = pause(json!({ "type": "indefinite" })).unwrap();
    assert_eq!(indefinite.features.subscription_pause.duration.kind, PauseDurationType::Indefinite);
    assert!(indefinite.features.subscription_pause.duration.interval_options.is_empty());
}

#[test]
fn updates_merge_deeply_and_empty_strings_clear() {
    let mut configuration = create(json!({
        "features": {
            "customer_update": { "enabled": true, "allowed_updates": ["email", "tax_id"] },
            "subscription_cancel": { "enabled": true, "cancellation_reason": { "enabled": true, "options": ["other"] } },
        },
        "name": "Main",
        "default_return_url": "https://example.com/account",
        "business_profile": { "headline": "Hello", "privacy_policy_url": "https://example.com/privacy" },
        "metadata": { "team": "billing", "keep": "yes" },
    }))
    .unwrap();
    let before = configuration.clone();
    configuration
        .update(
            update_params(json!({
                "features": { "customer_update": { "allowed_updates": Value::Null }, "subscription_cancel": { "mode": "immediately" } },
                "name": Value::Null,
                "business_profile": { "headline": Value::Null },
                "metadata": { "team": "" },
            })),
            &[],
            NOW + 60,
            PUBLIC_URL,
        )
        .unwrap();
    assert_eq!(configuration.updated, NOW + 60);
    assert_eq!(configuration.created, NOW);
    assert!(configuration.features.customer_update.enabled, "an unsent leaf keeps its value");
    assert!(configuration.features.customer_update.allowed_updates.is_empty());
    let cancel = &configuration.features.subscription_cancel;
    assert_eq!((cancel.enabled, cancel.mode), (true, CancelMode::Immediately));
    assert_eq!(cancel.cancellation_reason.options, [CancellationOption::Other]);
    assert_eq!(configuration.name, None);
    assert_eq!(configuration.default_return_url, before.default_return_url);
    assert_eq!(configuration.business_profile.headline, None);
    assert_eq!(configuration.business_profile.privacy_policy_url, before.business_profile.privacy_policy_url);
    assert_eq!(configuration.metadata.keys().collect::<Vec<_>>(), ["keep"]);

    let snapshot = configuration.clone();
    let bad = update_params(json!({ "name": "renamed", "default_return_url": "not a url" }));
    assert!(configuration.update(bad, &[], NOW + 120, PUBLIC_URL).is_err());
    assert_eq!(configuration, snapshot, "a refused update changes nothing, not even `updated`");
}

#[test]
fn the_login_page_url_is_stable_while_enabled_and_new_after_a_disable() {
    let features = json!({ "invoice_history": { "enabled": true } });
    let mut configuration = create(json!({ "features": features, "login_page": { "enabled": true } })).unwrap();
    let url = configuration.login_page.url.clone().unwrap();
    assert!(url.starts_with("https://billing.example.com/p/login/test_"), "{url}");
    let enable = || update_params(json!({ "login_page": { "enabled": true } }));
    configuration.update(enable(), &[], NOW, PUBLIC_URL).unwrap();
    assert_eq!(configuration.login_page.url.as_ref(), Some(&url));
    configuration.update(update_params(json!({ "login_page": { "enabled": false } })), &[], NOW, PUBLIC_URL).unwrap();
    assert_eq!(configuration.login_page, LoginPage { enabled: false, url: None });
    configuration.update(enable(), &[], NOW, PUBLIC_URL).unwrap();
    assert_ne!(configuration.login_page.url.as_ref(), Some(&url));
}

#[test]
fn the_default_configuration_has_the_dashboard_defaults_and_one_id_per_scope() {
    let scope = Scope { account: "acct_1".into(), livemode: false };
    let mut default = Configuration::dashboard_default(&scope, NOW);
    assert!(default.is_default && default.active);
    assert_eq!(default.id, Configuration::default_id(&scope));
    assert_eq!(default.id.len(), "bpc_".len() + 24);
    assert_ne!(default.id, Configuration::default_id(&Scope { livemode: true, ..scope.clone() }));
    assert_ne!(default.id, Configuration::default_id(&Scope { account: "acct_2".into(), livemode: false }));
    let features = &default.features;
    assert_eq!(
        features.customer_update.allowed_updates,
        [CustomerField::Name, CustomerField::Email, CustomerField::Address, CustomerField::Phone]
    );
    assert!(
        features.customer_update.enabled && features.invoice_history.enabled && features.payment_method_update.enabled
    );
    assert!(features.subscription_cancel.enabled && features.subscription_cancel.cancellation_reason.enabled);
    assert_eq!(features.subscription_cancel.mode, CancelMode::AtPeriodEnd);
    assert!(!features.subscription_update.enabled && !features.subscription_pause.enabled);

    let (_, param, _) = refusal(default.update(update_params(json!({ "active": false })), &[], NOW, PUBLIC_URL));
    assert_eq!(param.as_deref(), Some("active"));
    // Its features can be edited like any other configuration's.
    let edit = update_params(json!({ "features": { "invoice_history": { "enabled": false } } }));
    default.update(edit, &[], NOW, PUBLIC_URL).unwrap();
    assert!(!default.features.invoice_history.enabled && default.is_default);
}
