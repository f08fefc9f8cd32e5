"""Coupons (https://docs.stripe.com/api/coupons) and promotion codes (https://docs.stripe.com/api/promotion_codes)."""

import pytest
import stripe

from conftest import unique


def test_a_percent_off_coupon():
    coupon = stripe.Coupon.create(percent_off=25.5, duration="once", name="25.5% off")
    assert coupon.object == "coupon"
    assert coupon.percent_off == 25.5
    assert coupon.amount_off is None
    assert coupon.duration == "once"
    assert coupon.valid is True
    assert coupon.times_redeemed == 0
    assert stripe.Coupon.retrieve(coupon.id).to_dict() == coupon.to_dict()


def test_an_amount_off_repeating_coupon_with_a_chosen_id():
    coupon_id = unique("SAVE5")
    coupon = stripe.Coupon.create(id=coupon_id, amount_off=500, currency="usd", duration="repeating", duration_in_months=3)
    assert coupon.id == coupon_id
    assert coupon.amount_off == 500 and coupon.currency == "usd"
    assert coupon.duration_in_months == 3


def test_update_only_changes_name_and_metadata():
    coupon = stripe.Coupon.create(percent_off=10, duration="forever")
    updated = stripe.Coupon.modify(coupon.id, name="Ten", metadata={"campaign": "spring"})
    assert updated.name == "Ten" and updated.metadata.campaign == "spring"
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Coupon.modify(coupon.id, percent_off=20)
    assert raised.value.code == "parameter_unknown"
    assert raised.value.param == "percent_off"


def test_delete_a_coupon():
    coupon = stripe.Coupon.create(percent_off=10, duration="forever")
    deleted = stripe.Coupon.delete(coupon.id)
    assert deleted.id == coupon.id and deleted.deleted is True
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Coupon.retrieve(coupon.id)
    assert raised.value.code == "resource_missing"


def test_list_coupons_newest_first():
    first = stripe.Coupon.create(percent_off=1, duration="once")
    second = stripe.Coupon.create(percent_off=2, duration="once")
    ids = [c.id for c in stripe.Coupon.list(limit=2).data]
    assert ids == [second.id, first.id]


def test_repeating_needs_duration_in_months():
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Coupon.create(percent_off=10, duration="repeating")
    # Stripe names `duration` here, not `duration_in_months`.
    assert raised.value.param == "duration"
    assert "duration_in_months" in raised.value.user_message


def test_percent_off_above_100_is_refused():
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Coupon.create(percent_off=150, duration="once")
    assert raised.value.param == "percent_off"


def test_amount_off_needs_a_currency():
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.Coupon.create(amount_off=500, duration="once")
    assert raised.value.param == "currency"


def test_a_promotion_code_for_a_coupon():
    coupon = stripe.Coupon.create(percent_off=20, duration="once")
    code = unique("SPRING").upper()
    promo = stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": coupon.id}, code=code, max_redemptions=5)
    assert promo.id.startswith("promo_")
    assert promo.object == "promotion_code"
    assert promo.code == code
    assert promo.active is True
    assert promo.promotion.type == "coupon" and promo.promotion.coupon == coupon.id
    assert promo.max_redemptions == 5
    assert promo.times_redeemed == 0
    assert promo.restrictions.first_time_transaction is False
    assert stripe.PromotionCode.retrieve(promo.id).to_dict() == promo.to_dict()


def test_a_promotion_code_gets_a_generated_code_when_none_is_given():
    coupon = stripe.Coupon.create(percent_off=5, duration="once")
    promo = stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": coupon.id})
    assert promo.code


def test_list_promotion_codes_by_code_and_coupon():
    coupon = stripe.Coupon.create(percent_off=5, duration="once")
    code = unique("LIST").upper()
    promo = stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": coupon.id}, code=code)
    other = stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": coupon.id})
    assert [p.id for p in stripe.PromotionCode.list(code=code).data] == [promo.id]
    assert [p.id for p in stripe.PromotionCode.list(coupon=coupon.id).data] == [other.id, promo.id]


def test_deactivate_a_promotion_code():
    coupon = stripe.Coupon.create(percent_off=5, duration="once")
    promo = stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": coupon.id})
    updated = stripe.PromotionCode.modify(promo.id, active=False, metadata={"why": "ended"})
    assert updated.active is False and updated.metadata.why == "ended"
    assert [p.id for p in stripe.PromotionCode.list(coupon=coupon.id, active=False).data] == [promo.id]


def test_an_active_code_cannot_be_reused():
    coupon = stripe.Coupon.create(percent_off=5, duration="once")
    code = unique("DUP").upper()
    stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": coupon.id}, code=code)
    with pytest.raises(stripe.InvalidRequestError):
        stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": coupon.id}, code=code.lower())


def test_a_promotion_code_for_a_missing_coupon_raises_resource_missing():
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": "NOSUCHCOUPON"})
    assert raised.value.code == "resource_missing"


def test_expand_the_coupon_of_a_promotion_code():
    coupon = stripe.Coupon.create(percent_off=15, duration="once")
    promo = stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": coupon.id}, expand=["promotion.coupon"])
    assert isinstance(promo.promotion.coupon, stripe.Coupon)
    assert promo.promotion.coupon.percent_off == 15


def test_coupons_and_promotion_codes_with_the_stripe_client(client):
    coupon = client.v1.coupons.create(params={"percent_off": 30, "duration": "forever"})
    promo = client.v1.promotion_codes.create(params={"promotion": {"type": "coupon", "coupon": coupon.id}})
    assert client.v1.promotion_codes.retrieve(promo.id).promotion.coupon == coupon.id
