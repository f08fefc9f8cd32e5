"""The customer portal's API: configurations (https://docs.stripe.com/api/customer_portal/configurations) and
sessions (https://docs.stripe.com/api/customer_portal/sessions), with deep links (`flow_data`).

Tests about the default configuration run on a fresh connected account each, so that no other test's sessions
have made its default already."""

import pytest
import stripe

from conftest import PORTICO_URL, unique, unique_email

RETURN_URL = "https://example.com/account"


# --- helpers ------------------------------------------------------------------------------------------------


def card_customer(**options):
    customer = stripe.Customer.create(email=unique_email(), name="Jenny Rosen", **options)
    card = stripe.PaymentMethod.attach("pm_card_visa", customer=customer.id, **options)
    stripe.Customer.modify(customer.id, invoice_settings={"default_payment_method": card.id}, **options)
    return customer


def recurring_price(product=None, interval="month", amount=1000, **extra):
    product = product or stripe.Product.create(name=unique("Plan")).id
    recurring = {"interval": interval, **extra.pop("recurring", {})}
    return stripe.Price.create(product=product, currency="usd", unit_amount=amount, recurring=recurring, **extra)


def subscribed(customer=None, prices=None, **params):
    customer = customer or card_customer()
    prices = prices or [recurring_price()]
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": p.id} for p in prices], **params)
    return customer, sub


def everything_enabled(products=""):
    """`features` with every feature on; `products` offered for switching."""
    return {
        "customer_update": {"enabled": True, "allowed_updates": ["email", "address"]},
        "invoice_history": {"enabled": True},
        "payment_method_update": {"enabled": True},
        "subscription_cancel": {
            "enabled": True,
            "mode": "immediately",
            "proration_behavior": "create_prorations",
            "cancellation_reason": {"enabled": True, "options": ["too_expensive", "other"]},
        },
        "subscription_pause": {"enabled": True},
        "subscription_update": {
            "enabled": True,
            "default_allowed_updates": ["price", "quantity", "promotion_code"],
            "products": products,
            "proration_behavior": "always_invoice",
        },
    }


def offering(*prices):
    """A configuration with every feature on that offers `prices` (grouped by product) for switching."""
    by_product = {}
    for price in prices:
        by_product.setdefault(price.product, []).append(price.id)
    products = [{"product": product, "prices": ids} for product, ids in by_product.items()] or ""
    return stripe.billing_portal.Configuration.create(features=everything_enabled(products))


def refused(call, *args, **params):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        call(*args, **params)
    return raised.value


def session(customer, **params):
    params.setdefault("return_url", RETURN_URL)
    return stripe.billing_portal.Session.create(customer=customer.id, **params)


# --- configurations -----------------------------------------------------------------------------------------


def test_a_configuration_takes_every_parameter_and_reads_back_the_same():
    month = recurring_price(interval="month")
    year = recurring_price(product=month.product, interval="year", amount=10000)
    config = stripe.billing_portal.Configuration.create(
        features={
            "customer_update": {"enabled": True, "allowed_updates": ["address", "email", "name", "phone", "shipping", "tax_id"]},
            "invoice_history": {"enabled": True},
            "payment_method_update": {"enabled": True, "payment_method_configuration": "pmc_123"},
            "subscription_cancel": {
                "enabled": True,
                "mode": "immediately",
                "proration_behavior": "create_prorations",
                "cancellation_reason": {
                    "enabled": True,
                    "options": ["customer_service", "low_quality", "missing_features", "other", "switched_service", "too_complex", "too_expensive", "unused"],
                    "feedback_options": ["bfo_1"],
                },
            },
            "subscription_pause": {
                "enabled": True,
                "duration": {"type": "interval_options", "interval_options": [{"interval": "week", "interval_count": 2}, {"interval": "month"}]},
            },
            "subscription_update": {
                "enabled": True,
                "default_allowed_updates": ["price", "quantity", "promotion_code"],
                "products": [
                    {"product": month.product, "prices": [month.id, year.id], "adjustable_quantity": {"enabled": True, "minimum": 1, "maximum": 10}}
                ],
                "proration_behavior": "always_invoice",
                "schedule_at_period_end": {"conditions": [{"type": "decreasing_item_amount"}, {"type": "shortening_interval"}]},
                "trial_update_behavior": "continue_trial",
                "billing_cycle_anchor": "now",
            },
        },
        business_profile={
            "headline": "Acme partners with Portico",
            "privacy_policy_url": "https://example.com/privacy",
            "terms_of_service_url": "https://example.com/terms",
        },
        default_return_url="https://example.com/home",
        login_page={"enabled": True},
        metadata={"team": "billing"},
        name="Main portal",
    )
    assert config.id.startswith("bpc_") and config.object == "billing_portal.configuration"
    assert config.active is True and config.is_default is False and config.application is None
    assert config.livemode is False and config.created == config.updated
    assert config.business_profile.to_dict() == {
        "headline": "Acme partners with Portico",
        "privacy_policy_url": "https://example.com/privacy",
        "terms_of_service_url": "https://example.com/terms",
    }
    assert config.default_return_url == "https://example.com/home"
    assert config.name == "Main portal" and config.metadata.to_dict() == {"team": "billing"}
    assert config.login_page.enabled is True
    assert config.login_page.url.startswith(f"{PORTICO_URL}/p/login/test_")
    features = config.features.to_dict()
    assert features["customer_update"] == {"allowed_updates": ["address", "email", "name", "phone", "shipping", "tax_id"], "enabled": True}
    assert features["invoice_history"] == {"enabled": True}
    assert features["payment_method_update"] == {"enabled": True, "payment_method_configuration": "pmc_123"}
    assert features["subscription_cancel"] == {
        "cancellation_reason": {
            "enabled": True,
            "feedback_options": ["bfo_1"],
            "options": ["customer_service", "low_quality", "missing_features", "other", "switched_service", "too_complex", "too_expensive", "unused"],
        },
        "enabled": True,
        "mode": "immediately",
        "proration_behavior": "create_prorations",
    }
    assert features["subscription_pause"] == {
        "duration": {"interval_options": [{"interval": "week", "interval_count": 2}, {"interval": "month", "interval_count": 1}], "type": "interval_options"},
        "enabled": True,
    }
    assert features["subscription_update"] == {
        "billing_cycle_anchor": "now",
        "default_allowed_updates": ["price", "quantity", "promotion_code"],
        "enabled": True,
        "products": [{"adjustable_quantity": {"enabled": True, "maximum": 10, "minimum": 1}, "prices": [month.id, year.id], "product": month.product}],
        "proration_behavior": "always_invoice",
        "schedule_at_period_end": {"conditions": [{"type": "decreasing_item_amount"}, {"type": "shortening_interval"}]},
        "trial_update_behavior": "continue_trial",
    }
    assert stripe.billing_portal.Configuration.retrieve(config.id).to_dict() == config.to_dict()
    created = stripe.Event.list(type="billing_portal.configuration.created", limit=10)
    assert config.id in [event.data.object.id for event in created.data]


def test_a_configuration_from_features_alone_has_stripes_defaults(client):
    config = client.v1.billing_portal.configurations.create(params={"features": {"invoice_history": {"enabled": True}}})
    assert config.to_dict()["features"] == {
        "customer_update": {"allowed_updates": [], "enabled": False},
        "invoice_history": {"enabled": True},
        "payment_method_update": {"enabled": False, "payment_method_configuration": None},
        "subscription_cancel": {
            "cancellation_reason": {"enabled": False, "feedback_options": None, "options": ["too_expensive", "missing_features", "switched_service", "unused", "other"]},
            "enabled": False,
            "mode": "at_period_end",
            "proration_behavior": "none",
        },
        "subscription_pause": {"duration": {"interval_options": [{"interval": "month", "interval_count": 1}], "type": "interval_options"}, "enabled": False},
        "subscription_update": {
            "billing_cycle_anchor": None,
            "default_allowed_updates": [],
            "enabled": False,
            "products": None,
            "proration_behavior": "none",
            "schedule_at_period_end": {"conditions": []},
            "trial_update_behavior": "end_trial",
        },
    }
    assert config.business_profile.to_dict() == {"headline": None, "privacy_policy_url": None, "terms_of_service_url": None}
    assert config.login_page.to_dict() == {"enabled": False, "url": None}
    assert config.default_return_url is None and config.name is None and config.metadata.to_dict() == {}


def test_an_update_changes_only_the_leaves_sent_and_empty_strings_clear():
    price = recurring_price()
    config = stripe.billing_portal.Configuration.create(
        features=everything_enabled([{"product": price.product, "prices": [price.id]}]),
        business_profile={"headline": "Hello", "privacy_policy_url": "https://example.com/privacy"},
        default_return_url="https://example.com/home",
        name="Before",
        metadata={"a": "1", "b": "2"},
        login_page={"enabled": True},
    )
    login_url = config.login_page.url
    updated = stripe.billing_portal.Configuration.modify(
        config.id,
        features={
            "customer_update": {"allowed_updates": ""},
            "subscription_cancel": {"mode": "at_period_end", "proration_behavior": "none", "cancellation_reason": {"enabled": False, "options": ""}},
            "subscription_update": {"products": "", "default_allowed_updates": ["quantity"]},
            "payment_method_update": {"enabled": True, "payment_method_configuration": ""},
        },
        business_profile={"headline": ""},
        default_return_url="",
        name="",
        metadata={"a": ""},
        login_page={"enabled": True},
    )
    assert updated.features.customer_update.enabled is True and updated.features.customer_update.allowed_updates == []
    cancel = updated.features.subscription_cancel
    assert (cancel.enabled, cancel.mode, cancel.proration_behavior) == (True, "at_period_end", "none")
    assert cancel.cancellation_reason.enabled is False and cancel.cancellation_reason.options == []
    assert updated.features.subscription_update.products == []
    assert updated.features.subscription_update.default_allowed_updates == ["quantity"]
    assert updated.features.subscription_update.proration_behavior == "always_invoice", "an unsent leaf stays"
    assert updated.features.invoice_history.enabled is True
    assert updated.business_profile.headline is None
    assert updated.business_profile.privacy_policy_url == "https://example.com/privacy"
    assert updated.default_return_url is None and updated.name is None
    assert updated.metadata.to_dict() == {"b": "2"}
    assert updated.login_page.url == login_url, "the login page keeps its URL while enabled"
    assert updated.updated >= config.updated and updated.created == config.created

    event = stripe.Event.list(type="billing_portal.configuration.updated", limit=5).data[0]
    assert event.data.object.id == config.id
    previous = event.data.previous_attributes.to_dict()
    assert previous["name"] == "Before" and previous["default_return_url"] == "https://example.com/home"
    assert previous["features"]["customer_update"]["allowed_updates"] == ["email", "address"]

    off = stripe.billing_portal.Configuration.modify(config.id, login_page={"enabled": False}, metadata="")
    assert off.login_page.to_dict() == {"enabled": False, "url": None} and off.metadata.to_dict() == {}
    on = stripe.billing_portal.Configuration.modify(config.id, login_page={"enabled": True})
    assert on.login_page.url.startswith(f"{PORTICO_URL}/p/login/") and on.login_page.url != login_url


def test_configurations_are_listed_by_active():
    kept = stripe.billing_portal.Configuration.create(features={"invoice_history": {"enabled": True}})
    retired = stripe.billing_portal.Configuration.create(features={"invoice_history": {"enabled": True}})
    retired = stripe.billing_portal.Configuration.modify(retired.id, active=False)
    assert retired.active is False
    inactive = [c.id for c in stripe.billing_portal.Configuration.list(active=False).auto_paging_iter()]
    active = [c.id for c in stripe.billing_portal.Configuration.list(active=True).auto_paging_iter()]
    assert retired.id in inactive and retired.id not in active
    assert kept.id in active and kept.id not in inactive
    page = stripe.billing_portal.Configuration.list(limit=1)
    assert page.object == "list" and len(page.data) == 1 and page.url == "/v1/billing_portal/configurations"
    not_default = [c.id for c in stripe.billing_portal.Configuration.list(is_default=False, limit=100).auto_paging_iter()]
    assert kept.id in not_default and retired.id in not_default


FEATURES = {"invoice_history": {"enabled": True}}
PM_ON = {"payment_method_update": {"enabled": True}}


def update_features(**update):
    return {**PM_ON, "subscription_update": {"enabled": True, "default_allowed_updates": ["price"], **update}}


@pytest.mark.parametrize(
    "params, code, param",
    [
        ({}, "parameter_missing", "features"),
        (
            {"features": {"payment_method_update": {"payment_method_configuration": "pmc_1"}}},
            "parameter_missing",
            "features[payment_method_update][enabled]",
        ),
        ({"features": {"customer_update": {"allowed_updates": ["email"]}}}, "parameter_missing", "features[customer_update][enabled]"),
        ({"features": {"subscription_cancel": {"mode": "immediately"}}}, "parameter_missing", "features[subscription_cancel][enabled]"),
        (
            {"features": {"subscription_cancel": {"enabled": True, "cancellation_reason": {"enabled": True}}}},
            "parameter_missing",
            "features[subscription_cancel][cancellation_reason][options]",
        ),
        ({"features": {"subscription_update": {"default_allowed_updates": ["price"]}}}, "parameter_missing", "features[subscription_update][enabled]"),
        ({"features": {**PM_ON, "subscription_update": {"enabled": True, "products": ""}}}, "parameter_missing", "features[subscription_update][default_allowed_updates]"),
        ({"features": update_features()}, "parameter_missing", "features[subscription_update][products]"),
        ({"features": {"invoice_history": {"enabled": True, "colour": "red"}}}, "parameter_unknown", "features[invoice_history][colour]"),
        ({"features": FEATURES, "is_default": True}, "parameter_unknown", "is_default"),
        ({"features": {"subscription_cancel": {"enabled": True, "mode": "later"}}}, None, "features[subscription_cancel][mode]"),
        ({"features": {"customer_update": {"enabled": True, "allowed_updates": ["nickname"]}}}, None, "features[customer_update][allowed_updates][0]"),
        (
            {"features": {"subscription_cancel": {"enabled": True, "mode": "immediately", "proration_behavior": "always_invoice"}}},
            None,
            "features[subscription_cancel][proration_behavior]",
        ),
        (
            {"features": {"subscription_cancel": {"enabled": True, "mode": "at_period_end", "proration_behavior": "create_prorations"}}},
            None,
            "features[subscription_cancel][proration_behavior]",
        ),
        (
            {"features": {"subscription_pause": {"enabled": True, "duration": {"type": "interval_options"}}}},
            "parameter_missing",
            "features[subscription_pause][duration][interval_options]",
        ),
        (
            {"features": {"subscription_pause": {"enabled": True, "duration": {"type": "interval_options", "interval_options": [{"interval": "year", "interval_count": 4}]}}}},
            None,
            "features[subscription_pause][duration][interval_options][0][interval_count]",
        ),
        (
            {"features": {"payment_method_update": {"enabled": True, "payment_method_configuration": "cfg_1"}}},
            "resource_missing",
            "features[payment_method_update][payment_method_configuration]",
        ),
        ({"features": FEATURES, "business_profile": {"headline": "h" * 61}}, "string_length_exceeded", "business_profile[headline]"),
        ({"features": FEATURES, "name": "n" * 257}, "string_length_exceeded", "name"),
        ({"features": FEATURES, "default_return_url": "example.com/home"}, "url_invalid", "default_return_url"),
        ({"features": FEATURES, "business_profile": {"privacy_policy_url": "ftp://x"}}, "url_invalid", "business_profile[privacy_policy_url]"),
        ({"features": FEATURES, "business_profile": {"terms_of_service_url": "terms"}}, "url_invalid", "business_profile[terms_of_service_url]"),
    ],
)
def test_invalid_configurations_are_refused_with_their_param(params, code, param):
    error = refused(stripe.billing_portal.Configuration.create, **params)
    assert error.http_status == 400
    assert error.code == code
    assert error.param == param
    assert error.error.type == "invalid_request_error"


def test_subscription_updates_need_payment_method_updates_as_stripe_says():
    features = {"subscription_update": {"enabled": True, "default_allowed_updates": "", "products": ""}}
    error = refused(stripe.billing_portal.Configuration.create, features=features)
    assert error.user_message == "Cannot enable subscription updates while payment method update is disabled."
    assert error.param is None and error.http_status == 400
    config = stripe.billing_portal.Configuration.create(features=everything_enabled())
    error = refused(stripe.billing_portal.Configuration.modify, config.id, features={"payment_method_update": {"enabled": False}})
    assert error.user_message == "Cannot enable subscription updates while payment method update is disabled."
    assert stripe.billing_portal.Configuration.retrieve(config.id).features.payment_method_update.enabled is True


def test_offered_products_and_prices_are_checked():
    month = recurring_price(interval="month")
    other_month = recurring_price(product=month.product, interval="month", amount=2000)
    one_time = stripe.Price.create(product=month.product, currency="usd", unit_amount=500)
    inactive = recurring_price(product=month.product, interval="year", active=False)
    elsewhere = recurring_price(interval="year")
    archived = stripe.Product.create(name=unique("Old"), active=False)
    archived_price = recurring_price(product=archived.id)
    at = "features[subscription_update][products]"

    def offer(products):
        return refused(stripe.billing_portal.Configuration.create, features=update_features(products=products))

    error = offer([{"product": "prod_missing", "prices": [month.id]}])
    assert (error.code, error.param, error.http_status) == ("resource_missing", f"{at}[0][product]", 400)
    assert error.user_message == "No such product: 'prod_missing'"
    error = offer([{"product": month.product, "prices": [month.id, "price_missing"]}])
    assert (error.code, error.param) == ("resource_missing", f"{at}[0][prices][1]")
    assert error.user_message == "No such price: 'price_missing'"
    for bad, why in ((one_time, "not recurring"), (inactive, "inactive"), (elsewhere, "belongs to the product")):
        error = offer([{"product": month.product, "prices": [month.id, bad.id]}])
        assert error.param == f"{at}[0][prices][1]" and why in error.user_message, error.user_message
    error = offer([{"product": month.product, "prices": [month.id, other_month.id]}])
    assert error.param == f"{at}[0][prices][1]" and "same billing interval (month)" in error.user_message
    error = offer([{"product": archived.id, "prices": [archived_price.id]}])
    assert error.param == f"{at}[0][product]"
    eleven = [{"product": month.product, "prices": [month.id]}] * 11
    error = offer(eleven)
    assert error.param == at and "at most 10 products" in error.user_message
    error = offer([{"product": month.product, "prices": [month.id], "adjustable_quantity": {"enabled": True, "minimum": 5, "maximum": 2}}])
    assert error.param == f"{at}[0][adjustable_quantity][maximum]"
    error = offer([{"product": month.product, "prices": [month.id], "adjustable_quantity": {"minimum": 1}}])
    assert (error.code, error.param) == ("parameter_missing", f"{at}[0][adjustable_quantity][enabled]")
    # Ten products, one price of each interval per product: accepted.
    products = []
    for _ in range(10):
        monthly = recurring_price()
        products.append({"product": monthly.product, "prices": [monthly.id, recurring_price(product=monthly.product, interval="year").id]})
    config = stripe.billing_portal.Configuration.create(features=update_features(products=products))
    assert len(config.features.subscription_update.products) == 10


def test_unknown_configurations_are_404():
    error = refused(stripe.billing_portal.Configuration.retrieve, "bpc_missing")
    assert (error.http_status, error.code, error.param) == (404, "resource_missing", "configuration")
    assert error.user_message == "No such configuration: 'bpc_missing'"
    error = refused(stripe.billing_portal.Configuration.modify, "bpc_missing", name="x")
    assert error.http_status == 404


# --- the default configuration ------------------------------------------------------------------------------


def test_the_default_configuration_is_made_for_the_first_session_without_one(connected_account):
    on = {"stripe_account": connected_account}
    assert stripe.billing_portal.Configuration.list(is_default=True, **on).data == []
    customer = stripe.Customer.create(email=unique_email(), **on)
    first = stripe.billing_portal.Session.create(customer=customer.id, return_url=RETURN_URL, **on)
    second = stripe.billing_portal.Session.create(customer=customer.id, return_url=RETURN_URL, **on)
    assert first.configuration == second.configuration
    defaults = stripe.billing_portal.Configuration.list(is_default=True, **on).data
    assert [d.id for d in defaults] == [first.configuration]
    default = defaults[0]
    assert default.is_default is True and default.active is True
    features = default.features
    assert features.customer_update.enabled is True
    assert features.customer_update.allowed_updates == ["name", "email", "address", "phone"]
    assert features.invoice_history.enabled is True and features.payment_method_update.enabled is True
    assert features.subscription_cancel.enabled is True and features.subscription_cancel.mode == "at_period_end"
    assert features.subscription_cancel.cancellation_reason.enabled is True
    assert features.subscription_cancel.proration_behavior == "none"
    assert features.subscription_update.enabled is False and features.subscription_pause.enabled is False
    assert default.business_profile.headline is None and default.login_page.enabled is False
    # The platform's own default is another one.
    assert stripe.billing_portal.Configuration.list(is_default=True).data[:1] != defaults

    # It can be edited like any other configuration, but not switched off, and `is_default` is read-only.
    edited = stripe.billing_portal.Configuration.modify(default.id, default_return_url="https://example.com/back", **on)
    assert edited.is_default is True and edited.default_return_url == "https://example.com/back"
    error = refused(stripe.billing_portal.Configuration.modify, default.id, active=False, **on)
    assert error.param == "active"
    error = refused(stripe.billing_portal.Configuration.modify, default.id, is_default=False, **on)
    assert (error.code, error.param) == ("parameter_unknown", "is_default")
    # Configurations made through the API are never the default.
    made = stripe.billing_portal.Configuration.create(features=FEATURES, **on)
    assert made.is_default is False
    assert [d.id for d in stripe.billing_portal.Configuration.list(is_default=True, **on).data] == [default.id]
    # A session without return_url now falls back to the default's default_return_url.
    fallback = stripe.billing_portal.Session.create(customer=customer.id, **on)
    assert fallback.return_url == "https://example.com/back" and fallback.configuration == default.id
    events = stripe.Event.list(type="billing_portal.configuration.created", **on).data
    assert [e.data.object.id for e in events if e.data.object.is_default] == [default.id]


# --- sessions -----------------------------------------------------------------------------------------------


def test_a_session_takes_every_parameter(connected_account):
    customer = card_customer()
    config = stripe.billing_portal.Configuration.create(features=FEATURES)
    expires_at = 4_102_444_800  # 2100-01-01
    created = stripe.billing_portal.Session.create(
        customer=customer.id,
        configuration=config.id,
        return_url=RETURN_URL,
        locale="fr-CA",
        on_behalf_of=connected_account,
        after_expiration={"type": "customer_login", "customer_login": {"expires_at": expires_at}},
        expand=["configuration"],
    )
    assert created.id.startswith("bps_") and created.object == "billing_portal.session"
    assert created.customer == customer.id and created.customer_account is None
    assert created.configuration.id == config.id and created.configuration.object == "billing_portal.configuration"
    assert created.return_url == RETURN_URL and created.locale == "fr-CA"
    assert created.on_behalf_of == connected_account and created.livemode is False
    assert created.after_expiration.to_dict() == {"customer_login": {"expires_at": expires_at}, "type": "customer_login"}
    assert created.flow is None
    assert created.url.startswith(f"{PORTICO_URL}/p/session/test_")
    secret = created.url.rsplit("/", 1)[1]
    assert len(secret.rsplit("_", 1)[1]) >= 22, "at least 128 random bits"

    plain = stripe.billing_portal.Session.create(customer=customer.id, configuration=config.id, return_url=RETURN_URL)
    assert plain.configuration == config.id and plain.locale is None and plain.on_behalf_of is None
    assert plain.after_expiration is None and plain.url != created.url

    event = stripe.Event.list(type="billing_portal.session.created", limit=10).data[0]
    assert event.data.object.id == plain.id
    assert event.data.object.url == "redacted", "the event never carries the secret URL"
    assert plain.url.rsplit("/", 1)[1] not in str(event)


def test_every_stripe_locale_is_accepted_and_others_refused():
    customer = stripe.Customer.create(email=unique_email())
    config = stripe.billing_portal.Configuration.create(features=FEATURES)
    locales = "auto bg cs da de el en en-AU en-CA en-GB en-IE en-IN en-NZ en-SG es es-419 et fi fil fr fr-CA hr hu id it ja ko lt lv ms mt nb nl pl pt pt-BR ro ru sk sl sv th tr vi zh zh-HK zh-TW".split()
    assert len(locales) == 47
    for locale in locales:
        assert session(customer, configuration=config.id, locale=locale).locale == locale
    for bad in ("xx", "zh-Hant-TW", "nb-NO"):
        error = refused(session, customer=customer, configuration=config.id, locale=bad)
        assert error.param == "locale"


def test_session_parameters_are_checked(connected_account):
    customer = stripe.Customer.create(email=unique_email())
    config = stripe.billing_portal.Configuration.create(features=FEATURES)
    create = stripe.billing_portal.Session.create
    cases = [
        ({"return_url": RETURN_URL}, "parameter_missing", "customer"),
        ({"customer": "cus_missing", "return_url": RETURN_URL}, "resource_missing", "customer"),
        ({"customer": customer.id, "configuration": "bpc_missing", "return_url": RETURN_URL}, "resource_missing", "configuration"),
        ({"customer": customer.id, "configuration": config.id}, "parameter_missing", "return_url"),
        ({"customer": customer.id, "configuration": config.id, "return_url": "not a url"}, "url_invalid", "return_url"),
        ({"customer": customer.id, "configuration": config.id, "return_url": RETURN_URL, "on_behalf_of": "acct_missing"}, "resource_missing", "on_behalf_of"),
        (
            {"customer": customer.id, "configuration": config.id, "return_url": RETURN_URL, "after_expiration": {"type": "customer_login", "customer_login": {"expires_at": 1}}},
            None,
            "after_expiration[customer_login][expires_at]",
        ),
        ({"customer": customer.id, "configuration": config.id, "return_url": RETURN_URL, "after_expiration": {"type": "magic"}}, None, "after_expiration[type]"),
        ({"customer": customer.id, "configuration": config.id, "return_url": RETURN_URL, "flow_data": {"type": "teleport"}}, None, "flow_data[type]"),
        ({"customer": customer.id, "configuration": config.id, "return_url": RETURN_URL, "colour": "red"}, "parameter_unknown", "colour"),
        ({"customer_account": connected_account, "return_url": RETURN_URL}, None, "customer_account"),
    ]
    for params, code, param in cases:
        error = refused(create, **params)
        assert (error.http_status, error.code, error.param) == (400, code, param), params
    retired = stripe.billing_portal.Configuration.modify(
        stripe.billing_portal.Configuration.create(features=FEATURES).id, active=False
    )
    error = refused(create, customer=customer.id, configuration=retired.id, return_url=RETURN_URL)
    assert error.param == "configuration" and "inactive" in error.user_message


# --- flows --------------------------------------------------------------------------------------------------

HOSTED = {"hosted_confirmation": {"custom_message": None}, "redirect": None, "type": "hosted_confirmation"}
NO_FLOW_SETTINGS = {
    "customer_update": None,
    "subscription_cancel": None,
    "subscription_pause": None,
    "subscription_update": None,
    "subscription_update_confirm": None,
}


def echoed(flow_type, after_completion=HOSTED, **settings):
    return {**NO_FLOW_SETTINGS, "after_completion": after_completion, "type": flow_type, **settings}


def test_each_flow_type_is_echoed_in_stripes_shape():
    price = recurring_price()
    upgrade = recurring_price(product=price.product, interval="year", amount=9000)
    config = offering(price, upgrade)
    customer, sub = subscribed(prices=[price])
    item = sub["items"].data[0].id
    coupon = stripe.Coupon.create(percent_off=20, duration="once")
    promo = stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": coupon.id}, code=unique("SAVE").upper())

    def flow(flow_data):
        return session(customer, configuration=config.id, flow_data=flow_data).flow.to_dict()

    assert flow({"type": "payment_method_update"}) == echoed("payment_method_update")
    assert flow({"type": "customer_update"}) == echoed("customer_update", customer_update={})
    assert flow({"type": "subscription_cancel", "subscription_cancel": {"subscription": sub.id}}) == echoed(
        "subscription_cancel", subscription_cancel={"retention": None, "subscription": sub.id}
    )
    retention = {"type": "coupon_offer", "coupon_offer": {"coupon": coupon.id}}
    assert flow({"type": "subscription_cancel", "subscription_cancel": {"subscription": sub.id, "retention": retention}}) == echoed(
        "subscription_cancel", subscription_cancel={"retention": {"coupon_offer": {"coupon": coupon.id}, "type": "coupon_offer"}, "subscription": sub.id}
    )
    assert flow({"type": "subscription_pause", "subscription_pause": {"subscription": sub.id}}) == echoed(
        "subscription_pause", subscription_pause={"subscription": sub.id}
    )
    assert flow({"type": "subscription_update", "subscription_update": {"subscription": sub.id}}) == echoed(
        "subscription_update", subscription_update={"subscription": sub.id}
    )
    confirm = {"subscription": sub.id, "items": [{"id": item, "price": upgrade.id, "quantity": 2}], "discounts": [{"promotion_code": promo.id}]}
    assert flow({"type": "subscription_update_confirm", "subscription_update_confirm": confirm}) == echoed(
        "subscription_update_confirm",
        subscription_update_confirm={
            "discounts": [{"coupon": None, "promotion_code": promo.id}],
            "items": [{"id": item, "price": upgrade.id, "quantity": 2}],
            "subscription": sub.id,
        },
    )
    quantity_only = {"subscription": sub.id, "items": [{"id": item, "quantity": 3}]}
    assert flow({"type": "subscription_update_confirm", "subscription_update_confirm": quantity_only}) == echoed(
        "subscription_update_confirm",
        subscription_update_confirm={"discounts": None, "items": [{"id": item, "price": None, "quantity": 3}], "subscription": sub.id},
    )

    # after_completion: each type with its own settings only.
    redirect = {"type": "redirect", "redirect": {"return_url": "https://example.com/done"}}
    assert flow({"type": "payment_method_update", "after_completion": redirect}) == echoed(
        "payment_method_update", after_completion={"hosted_confirmation": None, "redirect": {"return_url": "https://example.com/done"}, "type": "redirect"}
    )
    assert flow({"type": "payment_method_update", "after_completion": {"type": "portal_homepage"}}) == echoed(
        "payment_method_update", after_completion={"hosted_confirmation": None, "redirect": None, "type": "portal_homepage"}
    )
    message = {"type": "hosted_confirmation", "hosted_confirmation": {"custom_message": "Thanks!"}}
    assert flow({"type": "payment_method_update", "after_completion": message}) == echoed(
        "payment_method_update", after_completion={"hosted_confirmation": {"custom_message": "Thanks!"}, "redirect": None, "type": "hosted_confirmation"}
    )


def flow_error(customer, config, flow_data):
    return refused(stripe.billing_portal.Session.create, customer=customer.id, configuration=config.id, return_url=RETURN_URL, flow_data=flow_data)


def test_flow_data_is_checked_on_its_own():
    price = recurring_price()
    config = offering(price)
    customer, sub = subscribed(prices=[price])
    item = sub["items"].data[0].id

    def confirm(**body):
        return {"type": "subscription_update_confirm", "subscription_update_confirm": {"subscription": sub.id, **body}}

    cases = [
        ({"type": "subscription_cancel"}, "parameter_missing", "flow_data[subscription_cancel]"),
        ({"type": "subscription_pause"}, "parameter_missing", "flow_data[subscription_pause]"),
        ({"type": "subscription_update"}, "parameter_missing", "flow_data[subscription_update]"),
        ({"type": "subscription_update_confirm"}, "parameter_missing", "flow_data[subscription_update_confirm]"),
        (
            {"type": "subscription_cancel", "subscription_cancel": {"retention": {"type": "coupon_offer", "coupon_offer": {"coupon": "c"}}}},
            "parameter_missing",
            "flow_data[subscription_cancel][subscription]",
        ),
        (
            {"type": "subscription_cancel", "subscription_cancel": {"subscription": sub.id, "retention": {"type": "coupon_offer"}}},
            "parameter_missing",
            "flow_data[subscription_cancel][retention][coupon_offer]",
        ),
        ({"type": "payment_method_update", "subscription_update": {"subscription": sub.id}}, None, "flow_data[subscription_update]"),
        ({"type": "payment_method_update", "after_completion": {"type": "redirect"}}, "parameter_missing", "flow_data[after_completion][redirect]"),
        (
            {"type": "payment_method_update", "after_completion": {"type": "redirect", "redirect": {"return_url": "nope"}}},
            "url_invalid",
            "flow_data[after_completion][redirect][return_url]",
        ),
        (
            {"type": "payment_method_update", "after_completion": {"type": "hosted_confirmation", "hosted_confirmation": {"custom_message": "m" * 501}}},
            "string_length_exceeded",
            "flow_data[after_completion][hosted_confirmation][custom_message]",
        ),
        (
            {"type": "payment_method_update", "after_completion": {"type": "portal_homepage", "redirect": {"return_url": RETURN_URL}}},
            None,
            "flow_data[after_completion][redirect]",
        ),
        (confirm(items=[{"id": item}, {"id": item}]), None, "flow_data[subscription_update_confirm][items]"),
        (confirm(items=[{"price": price.id}]), "parameter_missing", "flow_data[subscription_update_confirm][items][0][id]"),
        (confirm(items=[{"id": item}], discounts=[{"coupon": "A"}, {"coupon": "B"}]), None, "flow_data[subscription_update_confirm][discounts]"),
        (
            confirm(items=[{"id": item}], discounts=[{"coupon": "A", "promotion_code": "promo_B"}]),
            "parameters_exclusive",
            "flow_data[subscription_update_confirm][discounts][0][coupon]",
        ),
    ]
    for flow_data, code, param in cases:
        error = flow_error(customer, config, flow_data)
        assert (error.http_status, error.code, error.param) == (400, code, param), flow_data
    error = flow_error(customer, config, confirm(items=[{"id": item}], discounts=[{"coupon": ""}]))
    assert error.param == "flow_data[subscription_update_confirm][discounts][0]"
    assert len(stripe.billing_portal.Configuration.retrieve(config.id).features.subscription_update.products) == 1


def test_a_flows_subscription_must_be_the_customers_and_allow_the_task():
    price = recurring_price()
    config = offering(price)
    customer, sub = subscribed(prices=[price])
    item = sub["items"].data[0].id
    stranger, strangers = subscribed(prices=[price])

    def cancel(subscription, **extra):
        return {"type": "subscription_cancel", "subscription_cancel": {"subscription": subscription, **extra}}

    def update(subscription):
        return {"type": "subscription_update", "subscription_update": {"subscription": subscription}}

    def pause(subscription):
        return {"type": "subscription_pause", "subscription_pause": {"subscription": subscription}}

    def confirm(subscription, **item_params):
        return {"type": "subscription_update_confirm", "subscription_update_confirm": {"subscription": subscription, "items": [item_params]}}

    error = flow_error(customer, config, cancel("sub_missing"))
    assert (error.code, error.param) == ("resource_missing", "flow_data[subscription_cancel][subscription]")
    assert error.user_message == "No such subscription: 'sub_missing'"
    error = flow_error(customer, config, update(strangers.id))
    assert error.param == "flow_data[subscription_update][subscription]" and "another customer" in error.user_message
    error = flow_error(customer, config, confirm(sub.id, id="si_missing"))
    assert error.param == "flow_data[subscription_update_confirm][items][0][id]"
    error = flow_error(customer, config, confirm(sub.id, id=item, price=recurring_price().id))
    assert error.param == "flow_data[subscription_update_confirm][items][0][price]"
    error = flow_error(customer, config, confirm(sub.id, id=item, quantity=-1))
    assert error.param == "flow_data[subscription_update_confirm][items][0][quantity]"

    # Subscriptions the portal can cancel but not update (spec §3.2).
    two_items = subscribed(customer, [price, recurring_price()])[1]
    invoiced = subscribed(customer, [price], collection_method="send_invoice", days_until_due=30)[1]
    metered_price = recurring_price(recurring={"usage_type": "metered", "meter": "mtr_portal"})
    metered = subscribed(customer, [metered_price])[1]
    for blocked, why in ((two_items, "more than one item"), (invoiced, "send_invoice"), (metered, "metered")):
        for flow_data in (update(blocked.id), confirm(blocked.id, id=blocked["items"].data[0].id)):
            error = flow_error(customer, config, flow_data)
            assert why in error.user_message and error.param.endswith("[subscription]"), error.user_message
        assert session(customer, configuration=config.id, flow_data=cancel(blocked.id)).flow.type == "subscription_cancel"

    # A schedule blocks both updating and canceling.
    scheduled = subscribed(customer, [price])[1]
    schedule = stripe.SubscriptionSchedule.create(from_subscription=scheduled.id)
    for flow_data in (update(scheduled.id), cancel(scheduled.id)):
        error = flow_error(customer, config, flow_data)
        assert schedule.id in error.user_message

    # Canceled subscriptions allow nothing.
    gone = subscribed(customer, [price])[1]
    stripe.Subscription.cancel(gone.id)
    for flow_data in (cancel(gone.id), update(gone.id), pause(gone.id)):
        error = flow_error(customer, config, flow_data)
        assert "canceled" in error.user_message, error.user_message


def test_a_flow_needs_its_feature_enabled():
    price = recurring_price()
    customer, sub = subscribed(prices=[price])
    nothing = stripe.billing_portal.Configuration.create(features=FEATURES)
    for flow_data, feature in (
        ({"type": "payment_method_update"}, "payment_method_update"),
        ({"type": "customer_update"}, "customer_update"),
        ({"type": "subscription_cancel", "subscription_cancel": {"subscription": sub.id}}, "subscription_cancel"),
        ({"type": "subscription_pause", "subscription_pause": {"subscription": sub.id}}, "subscription_pause"),
        ({"type": "subscription_update", "subscription_update": {"subscription": sub.id}}, "subscription_update"),
        (
            {"type": "subscription_update_confirm", "subscription_update_confirm": {"subscription": sub.id, "items": [{"id": sub["items"].data[0].id}]}},
            "subscription_update",
        ),
    ):
        error = flow_error(customer, nothing, flow_data)
        assert error.param == "flow_data[type]" and f"features.{feature}.enabled" in error.user_message, flow_data


def test_coupons_and_promotion_codes_in_flows_must_be_usable():
    price = recurring_price()
    config = offering(price)
    customer, sub = subscribed(prices=[price])
    item = sub["items"].data[0].id
    at = "flow_data[subscription_cancel][retention][coupon_offer][coupon]"

    def retention(coupon):
        offer = {"type": "coupon_offer", "coupon_offer": {"coupon": coupon}}
        return {"type": "subscription_cancel", "subscription_cancel": {"subscription": sub.id, "retention": offer}}

    error = flow_error(customer, config, retention("nope"))
    assert (error.code, error.param) == ("resource_missing", at)
    deleted = stripe.Coupon.create(percent_off=10, duration="once")
    stripe.Coupon.delete(deleted.id)
    error = flow_error(customer, config, retention(deleted.id))
    assert (error.code, error.param) == ("coupon_expired", at)
    euros = stripe.Coupon.create(amount_off=500, currency="eur", duration="once")
    error = flow_error(customer, config, retention(euros.id))
    assert error.param == at and "usd" in error.user_message

    def confirm(discount):
        body = {"subscription": sub.id, "items": [{"id": item}], "discounts": [discount]}
        return {"type": "subscription_update_confirm", "subscription_update_confirm": body}

    error = flow_error(customer, config, confirm({"coupon": "nope"}))
    assert (error.code, error.param) == ("resource_missing", "flow_data[subscription_update_confirm][discounts][0][coupon]")
    coupon = stripe.Coupon.create(percent_off=10, duration="forever")
    paused = stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": coupon.id}, code=unique("OFF").upper(), active=False)
    error = flow_error(customer, config, confirm({"promotion_code": paused.id}))
    assert error.param == "flow_data[subscription_update_confirm][discounts][0][promotion_code]" and "inactive" in error.user_message
    ok = session(customer, configuration=config.id, flow_data=confirm({"coupon": coupon.id}))
    assert ok.flow.subscription_update_confirm.discounts[0].coupon == coupon.id
    assert stripe.Coupon.retrieve(coupon.id).times_redeemed == 0, "nothing is redeemed before the customer confirms"
