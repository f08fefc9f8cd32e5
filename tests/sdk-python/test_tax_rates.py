"""Tax rates: https://docs.stripe.com/api/tax_rates"""

import pytest
import stripe

from conftest import unique


def test_create_retrieve_and_modify_a_tax_rate():
    rate = stripe.TaxRate.create(
        display_name="VAT",
        description="VAT Germany",
        percentage=19,
        inclusive=False,
        country="DE",
        jurisdiction="DE",
        tax_type="vat",
        metadata={"region": "eu"},
    )
    assert rate.id.startswith("txr_")
    assert rate.object == "tax_rate"
    assert rate.percentage == 19 and rate.effective_percentage == 19
    assert rate.inclusive is False and rate.active is True
    assert rate.rate_type == "percentage" and rate.tax_type == "vat"
    assert rate.flat_amount is None and rate.jurisdiction_level is None and rate.state is None
    assert rate.metadata.region == "eu"
    assert stripe.TaxRate.retrieve(rate.id).to_dict() == rate.to_dict()

    modified = stripe.TaxRate.modify(rate.id, display_name="USt", active=False, description="")
    assert modified.display_name == "USt" and modified.active is False
    assert modified.description is None
    assert modified.percentage == 19


def test_the_client_style_with_a_fractional_inclusive_rate(client):
    rate = client.v1.tax_rates.create(
        params={"display_name": "Sales tax", "percentage": 8.875, "inclusive": True, "state": "NY"}
    )
    assert rate.percentage == 8.875 and rate.inclusive is True and rate.state == "NY"
    assert client.v1.tax_rates.retrieve(rate.id).id == rate.id


def test_percentage_and_inclusive_are_immutable():
    rate = stripe.TaxRate.create(display_name="GST", percentage=5, inclusive=False)
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.TaxRate.modify(rate.id, percentage=10)
    assert raised.value.code == "parameter_unknown"
    assert raised.value.param == "percentage"
    assert stripe.TaxRate.retrieve(rate.id).percentage == 5


def test_invalid_percentages_are_refused_with_their_param():
    for percentage in (-1, 100.5, 12.34567):
        with pytest.raises(stripe.InvalidRequestError) as raised:
            stripe.TaxRate.create(display_name="VAT", percentage=percentage, inclusive=False)
        assert raised.value.param == "percentage"
        assert raised.value.http_status == 400


def test_missing_and_unknown_values_are_refused():
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.TaxRate.create(percentage=5, inclusive=False)
    assert raised.value.code == "parameter_missing" and raised.value.param == "display_name"
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.TaxRate.create(display_name="VAT", percentage=5, inclusive=False, tax_type="luxury_tax")
    assert raised.value.param == "tax_type"
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.TaxRate.retrieve("txr_missing")
    assert raised.value.code == "resource_missing" and raised.value.http_status == 404


def test_list_filters_and_auto_paging():
    name = unique("Rate")
    made = [
        stripe.TaxRate.create(display_name=name, percentage=p, inclusive=inclusive, active=active)
        for p, inclusive, active in ((1, False, True), (2, True, True), (3, True, False), (4, False, True))
    ]
    ours = {r.id for r in made}
    newest_first = [r.id for r in reversed(made)]

    paged = [r.id for r in stripe.TaxRate.list(limit=1).auto_paging_iter() if r.id in ours]
    assert paged == newest_first

    inclusive = [r.id for r in stripe.TaxRate.list(inclusive=True, limit=100).auto_paging_iter() if r.id in ours]
    assert inclusive == [made[2].id, made[1].id]
    active_inclusive = stripe.TaxRate.list(inclusive=True, active=True, limit=100).auto_paging_iter()
    assert [r.id for r in active_inclusive if r.id in ours] == [made[1].id]
    archived = [r.id for r in stripe.TaxRate.list(active=False, limit=100).auto_paging_iter() if r.id in ours]
    assert archived == [made[2].id]
    created = made[0].created
    since = [r.id for r in stripe.TaxRate.list(created={"gte": created}).auto_paging_iter() if r.id in ours]
    assert since == newest_first
    assert stripe.TaxRate.list(created={"gt": created + 10**6}).data == []
