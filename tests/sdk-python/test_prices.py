"""Prices: https://docs.stripe.com/api/prices"""

from decimal import Decimal

import pytest
import stripe

from conftest import unique


def test_a_one_time_price(product):
    price = stripe.Price.create(product=product.id, currency="usd", unit_amount=1500, nickname="Single")
    assert price.id.startswith("price_")
    assert price.object == "price"
    assert price.type == "one_time"
    assert price.recurring is None
    assert price.unit_amount == 1500
    assert price.unit_amount_decimal == Decimal("1500")  # the SDK parses decimal strings
    assert price.currency == "usd"
    assert price.billing_scheme == "per_unit"
    assert price.active is True
    assert price.product == product.id
    assert stripe.Price.retrieve(price.id).to_dict() == price.to_dict()


def test_a_recurring_price(product):
    price = stripe.Price.create(
        product=product.id, currency="eur", unit_amount=999, recurring={"interval": "month", "interval_count": 3}
    )
    assert price.type == "recurring"
    assert price.recurring.interval == "month"
    assert price.recurring.interval_count == 3
    assert price.recurring.usage_type == "licensed"
    assert price.recurring.trial_period_days is None


def test_a_zero_decimal_currency_keeps_whole_units(product):
    price = stripe.Price.create(product=product.id, currency="jpy", unit_amount=500)
    assert price.currency == "jpy"
    assert price.unit_amount == 500
    assert price.unit_amount_decimal == Decimal("500")


def test_currency_is_lowercased(product):
    price = stripe.Price.create(product=product.id, currency="USD", unit_amount=100)
    assert price.currency == "usd"


def test_product_data_creates_the_product_inline():
    name = unique("Inline product ")
    price = stripe.Price.create(currency="usd", unit_amount=700, product_data={"name": name}, expand=["product"])
    assert isinstance(price.product, stripe.Product)
    assert price.product.name == name


def test_expand_product_on_a_price(product):
    price = stripe.Price.create(product=product.id, currency="usd", unit_amount=100)
    expanded = stripe.Price.retrieve(price.id, expand=["product"])
    assert isinstance(expanded.product, stripe.Product)
    assert expanded.product.id == product.id
    assert expanded.product.name == product.name


def test_list_by_lookup_keys(product):
    basic_key, pro_key = unique("basic_"), unique("pro_")
    basic = stripe.Price.create(product=product.id, currency="usd", unit_amount=500, lookup_key=basic_key)
    pro = stripe.Price.create(product=product.id, currency="usd", unit_amount=1500, lookup_key=pro_key)
    stripe.Price.create(product=product.id, currency="usd", unit_amount=2500)
    listed = stripe.Price.list(lookup_keys=[basic_key, pro_key])
    assert {p.id for p in listed.data} == {basic.id, pro.id}
    assert stripe.Price.list(lookup_keys=[pro_key]).data[0].lookup_key == pro_key


def test_transfer_lookup_key_moves_the_key_to_the_new_price(product):
    key = unique("latest_")
    old = stripe.Price.create(product=product.id, currency="usd", unit_amount=500, lookup_key=key)
    new = stripe.Price.create(product=product.id, currency="usd", unit_amount=600, lookup_key=key, transfer_lookup_key=True)
    assert [p.id for p in stripe.Price.list(lookup_keys=[key]).data] == [new.id]
    assert stripe.Price.retrieve(old.id).lookup_key is None


def test_a_lookup_key_in_use_is_refused_without_transfer(product):
    key = unique("taken_")
    stripe.Price.create(product=product.id, currency="usd", unit_amount=500, lookup_key=key)
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Price.create(product=product.id, currency="usd", unit_amount=600, lookup_key=key)
    assert raised.value.param == "lookup_key"


def test_list_filters_by_product_type_and_active(product):
    one_time = stripe.Price.create(product=product.id, currency="usd", unit_amount=100)
    recurring = stripe.Price.create(product=product.id, currency="usd", unit_amount=100, recurring={"interval": "year"})
    retired = stripe.Price.create(product=product.id, currency="usd", unit_amount=100, active=False)
    assert [p.id for p in stripe.Price.list(product=product.id, type="recurring").data] == [recurring.id]
    # Without `active`, inactive prices are listed too.
    assert [p.id for p in stripe.Price.list(product=product.id, type="one_time").data] == [retired.id, one_time.id]
    assert [p.id for p in stripe.Price.list(product=product.id, active=True).data] == [recurring.id, one_time.id]
    assert [p.id for p in stripe.Price.list(product=product.id, active=False).data] == [retired.id]


def test_update_changes_nickname_metadata_and_active(product):
    price = stripe.Price.create(product=product.id, currency="usd", unit_amount=100)
    updated = stripe.Price.modify(price.id, nickname="Legacy", metadata={"old": "yes"}, active=False)
    assert updated.nickname == "Legacy"
    assert updated.metadata.old == "yes"
    assert updated.active is False
    assert updated.unit_amount == 100


def test_amounts_cannot_be_updated(product):
    price = stripe.Price.create(product=product.id, currency="usd", unit_amount=100)
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Price.modify(price.id, unit_amount=200)
    assert raised.value.code == "parameter_unknown"
    assert raised.value.param == "unit_amount"


def test_a_price_needs_a_currency(product):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Price.create(product=product.id, unit_amount=100)
    assert raised.value.code == "parameter_missing"
    assert raised.value.param == "currency"


def test_an_unknown_interval_is_refused_on_its_param(product):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Price.create(product=product.id, currency="usd", unit_amount=100, recurring={"interval": "fortnight"})
    assert raised.value.param == "recurring[interval]"


def test_a_price_for_a_missing_product_raises_resource_missing():
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Price.create(product="prod_missing000000000", currency="usd", unit_amount=100)
    assert raised.value.code == "resource_missing"
    assert raised.value.param == "product"


def test_prices_with_the_stripe_client(client, product):
    price = client.v1.prices.create(params={"product": product.id, "currency": "usd", "unit_amount": 4200})
    listed = client.v1.prices.list(params={"product": product.id, "expand": ["data.product"]})
    assert [p.id for p in listed.data] == [price.id]
    assert listed.data[0].product.id == product.id


def test_search_prices_by_lookup_key_and_product(product):
    key = unique("search_")
    price = stripe.Price.create(product=product.id, currency="usd", unit_amount=300, lookup_key=key)
    stripe.Price.create(product=product.id, currency="usd", unit_amount=400)
    assert [p.id for p in stripe.Price.search(query=f"lookup_key:'{key}'").data] == [price.id]
    assert len(stripe.Price.search(query=f"product:'{product.id}'").data) == 2
