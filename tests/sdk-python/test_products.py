"""Products: https://docs.stripe.com/api/products"""

import pytest
import stripe

from conftest import unique


def test_create_retrieve_update_and_delete_a_product():
    name = unique("Gold plan ")
    product = stripe.Product.create(
        name=name, description="The gold plan", metadata={"tier": "gold"}, unit_label="seat", url="https://example.com/gold"
    )
    assert product.id.startswith("prod_")
    assert product.object == "product"
    assert product.active is True
    assert product.name == name
    assert product.unit_label == "seat"
    assert product.default_price is None
    assert product.metadata.to_dict() == {"tier": "gold"}

    assert stripe.Product.retrieve(product.id).to_dict() == product.to_dict()
    updated = stripe.Product.modify(product.id, description="Now better", active=False)
    assert updated.description == "Now better" and updated.active is False
    assert updated.updated >= product.updated

    deleted = stripe.Product.delete(product.id)
    assert deleted.id == product.id and deleted.deleted is True
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Product.retrieve(product.id)
    assert raised.value.code == "resource_missing"


def test_a_product_needs_a_name():
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Product.create(description="nameless")
    assert raised.value.code == "parameter_missing"
    assert raised.value.param == "name"


def test_a_product_may_choose_its_id_but_only_once():
    product_id = unique("prod_custom_")
    product = stripe.Product.create(id=product_id, name="Custom id")
    assert product.id == product_id
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Product.create(id=product_id, name="Same id")
    assert raised.value.code == "resource_already_exists"


def test_list_filters_by_active_and_ids():
    active = stripe.Product.create(name=unique("Active "))
    inactive = stripe.Product.create(name=unique("Inactive "), active=False)
    listed = stripe.Product.list(ids=[active.id, inactive.id])
    assert [p.id for p in listed.data] == [inactive.id, active.id]
    only_active = stripe.Product.list(ids=[active.id, inactive.id], active=True)
    assert [p.id for p in only_active.data] == [active.id]


def test_default_price_data_creates_the_default_price_and_can_be_expanded():
    product = stripe.Product.create(
        name=unique("With price "), default_price_data={"currency": "usd", "unit_amount": 1200}, expand=["default_price"]
    )
    price = product.default_price
    assert isinstance(price, stripe.Price)
    assert price.unit_amount == 1200 and price.currency == "usd"
    assert price.product == product.id
    assert stripe.Product.retrieve(product.id).default_price == price.id


def test_a_product_with_prices_cannot_be_deleted(product):
    stripe.Price.create(product=product.id, currency="usd", unit_amount=500)
    with pytest.raises(stripe.InvalidRequestError):
        stripe.Product.delete(product.id)
    assert stripe.Product.retrieve(product.id).id == product.id


def test_search_products_by_name_and_metadata():
    tag = unique("tag")
    wanted = stripe.Product.create(name=unique("Searchable "), metadata={"tag": tag})
    stripe.Product.create(name=unique("Other "), metadata={"tag": tag})
    found = stripe.Product.search(query=f"name:'{wanted.name}'")
    assert [p.id for p in found.data] == [wanted.id]
    tagged = list(stripe.Product.search_auto_paging_iter(query=f"metadata['tag']:'{tag}'", limit=1))
    assert len(tagged) == 2


def test_products_with_the_stripe_client(client):
    product = client.v1.products.create(params={"name": unique("Client product ")})
    updated = client.v1.products.update(product.id, params={"metadata": {"k": "v"}})
    assert updated.metadata.k == "v"
    assert client.v1.products.delete(product.id).deleted is True
