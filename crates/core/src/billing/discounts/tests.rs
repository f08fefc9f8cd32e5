use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::billing::invoicing::NewInvoice;
use crate::billing::period::days_from_civil;
use crate::objects::coupon::{CouponCreate, CouponCurrencyOption};
use crate::objects::customer::{Customer, CustomerCreate};
use crate::objects::invoice::Period;
use crate::objects::promotion_code::{
    MinimumAmount, PromotionCode, PromotionCodeCreate, PromotionParams, PromotionType, RestrictionsParams,
};
use crate::objects::subscription::CollectionMethod;
use crate::objects::tax_rate::{TaxBehavior, TaxRateCreate};

const NOW: Timestamp = 1_800_000_000;

fn coupon(params: CouponCreate) -> Coupon {
    Coupon::create(params, false, NOW).unwrap()
}

fn percent(p: f64) -> CouponCreate {
    CouponCreate { percent_off: Some(p), duration: Some(Duration::Forever), ..Default::default() }
}

fn amount(off: i64) -> CouponCreate {
    CouponCreate {
        amount_off: Some(off),
        currency: Some("usd".into()),
        duration: Some(Duration::Forever),
        ..Default::default()
    }
}

fn discount(params: CouponCreate) -> Discount {
    redeem(&coupon(params), None, Attachment::default(), NOW)
}

fn line(amount: i64, product: &str) -> LineItem {
    LineItem {
        id: ids::new_id("il"),
        object: "line_item".into(),
        amount,
        currency: "usd".into(),
        description: None,
        discount_amounts: Vec::new(),
        discountable: true,
        discounts: Vec::new(),
        invoice: None,
        livemode: false,
        metadata: Default::default(),
        parent: Value::Null,
        period: Period { start: NOW, end: NOW },
        pretax_credit_amounts: Vec::new(),
        pricing: json!({ "price_details": { "price": "price_x", "product": product }, "type": "price_details" }),
        quantity: Some(1),
        quantity_decimal: Some("1".into()),
        subscription: None,
        subtotal: amount,
        taxes: Vec::new(),
    }
}

fn invoice(lines: Vec<LineItem>, discounts: &[&Discount]) -> Invoice {
    let customer = Customer::create(CustomerCreate::default(), false, NOW).unwrap();
    let mut invoice = invoicing::draft(
        NewInvoice {
            customer: &customer,
            currency: "usd",
            billing_reason: "manual",
            collection_method: CollectionMethod::ChargeAutomatically,
            subscription: None,
            period: Period { start: NOW, end: NOW },
            default_payment_method: None,
            default_tax_rates: Vec::new(),
            days_until_due: None,
            description: None,
            livemode: false,
            now: NOW,
        },
        lines,
    );
    invoice.discounts = discounts.iter().map(|d| d.id.clone()).collect();
    invoice
}

fn offs(invoice: &Invoice) -> Vec<Vec<i64>> {
    invoice.lines.data.iter().map(|l| l.discount_amounts.iter().map(|d| d.amount).collect()).collect()
}

fn rate(percentage: f64, inclusive: bool) -> TaxRate {
    let params = TaxRateCreate { display_name: "VAT".into(), percentage, inclusive, ..Default::default() };
    TaxRate::create(params, false, NOW).unwrap()
}

#[test]
fn percentages_apply_per_line_and_stack_on_what_the_previous_discount_left() {
    let quarter = discount(percent(25.0));
    let tenth = discount(percent(10.0));
    let mut invoice = invoice(vec![line(2000, "prod_a"), line(1001, "prod_b")], &[&quarter, &tenth]);
    apply(&mut invoice, &[quarter.clone(), tenth.clone()], &[]);
    // 2000 → −500 → 1500 → −150; 1001 → −250 (250.25) → 751 → −75 (75.1).
    assert_eq!(offs(&invoice), [vec![500, 150], vec![250, 75]]);
    assert_eq!(
        invoice.total_discount_amounts,
        [
            DiscountAmount { amount: 750, discount: quarter.id.clone() },
            DiscountAmount { amount: 225, discount: tenth.id.clone() },
        ]
    );
    assert_eq!((invoice.subtotal, invoice.total), (3001, 3001 - 975));
}

#[test]
fn an_amount_off_is_split_over_the_lines_in_proportion_and_adds_up_exactly() {
    let off = discount(amount(1000));
    let mut invoice = invoice(vec![line(500, "a"), line(500, "b"), line(500, "c")], &[&off]);
    apply(&mut invoice, std::slice::from_ref(&off), &[]);
    assert_eq!(offs(&invoice), [vec![334], vec![333], vec![333]]);
    assert_eq!(invoice.total, 500);
}

#[test]
fn an_amount_off_larger_than_the_invoice_stops_at_zero() {
    let off = discount(amount(5000));
    let mut invoice = invoice(vec![line(1200, "a"), line(300, "b")], &[&off]);
    apply(&mut invoice, std::slice::from_ref(&off), &[]);
    assert_eq!(offs(&invoice), [vec![1200], vec![300]]);
    assert_eq!((invoice.total, invoice.amount_due), (0, 0));
}

#[test]
fn an_amount_off_in_another_currency_comes_from_the_coupons_currency_options() {
    let mut params = amount(1000);
    params.currency_options = Some(BTreeMap::from([("eur".into(), CouponCurrencyOption { amount_off: 900 })]));
    let off = discount(params);
    let mut euros = line(2000, "a");
    euros.currency = "eur".into();
    let mut invoice = invoice(vec![euros], &[&off]);
    invoice.currency = "eur".into();
    apply(&mut invoice, std::slice::from_ref(&off), &[]);
    assert_eq!(offs(&invoice), [vec![900]]);
}

#[test]
fn applies_to_limits_the_discount_to_its_products_and_prorations_are_never_discounted() {
    let mut params = percent(50.0);
    params.applies_to = Some(crate::objects::coupon::AppliesToParams { products: Some(vec!["prod_a".into()]) });
    let half = discount(params);
    let mut proration = line(800, "prod_a");
    proration.discountable = false;
    let mut invoice = invoice(vec![line(1000, "prod_a"), line(1000, "prod_b"), proration], &[&half]);
    apply(&mut invoice, std::slice::from_ref(&half), &[]);
    assert_eq!(offs(&invoice), [vec![500], vec![], vec![]]);
    assert_eq!(invoice.total, 2300);
}

#[test]
fn a_lines_own_discount_comes_before_the_invoices() {
    let own = discount(amount(200));
    let half = discount(percent(50.0));
    let mut item = line(1000, "a");
    item.discounts = vec![own.id.clone()];
    let mut invoice = invoice(vec![item, line(1000, "b")], &[&half]);
    apply(&mut invoice, &[own.clone(), half.clone()], &[]);
    assert_eq!(offs(&invoice), [vec![200, 400], vec![500]]);
    assert_eq!(
        invoice.lines.data[0].discounts,
        std::slice::from_ref(&own.id),
        "only the line's own discounts are listed"
    );
}

#[test]
fn exclusive_taxes_are_computed_on_the_discounted_amount_and_inclusive_ones_stay_inside_it() {
    let exclusive = rate(10.0, false);
    let inclusive = rate(20.0, true);
    let quarter = discount(percent(25.0));
    let mut taxed = line(2000, "a");
    taxed.taxes = line_taxes(2000, &[&exclusive]);
    let mut gross = line(1200, "b");
    gross.taxes = line_taxes(1200, &[&inclusive]);
    let mut invoice = invoice(vec![taxed, gross], &[&quarter]);
    apply(&mut invoice, std::slice::from_ref(&quarter), &[exclusive.clone(), inclusive.clone()]);
    let taxes: Vec<(i64, i64, TaxBehavior)> = invoice
        .lines
        .data
        .iter()
        .flat_map(|l| &l.taxes)
        .map(|t| (t.amount, t.taxable_amount, t.tax_behavior))
        .collect();
    // 2000 − 500 = 1500, +10 % = 150; 1200 − 300 = 900 gross, of which 900 / 1.2 = 750 net and 150 tax.
    assert_eq!(taxes, [(150, 1500, TaxBehavior::Exclusive), (150, 750, TaxBehavior::Inclusive)]);
    assert_eq!(invoice.total, 3200 - 800 + 150);
    assert_eq!(invoice.total_excluding_tax, Some(1500 + 750));
}

#[test]
fn applying_again_gives_the_same_invoice_and_removing_the_discount_restores_it() {
    let exclusive = rate(19.0, false);
    let off = discount(amount(333));
    let mut taxed = line(1000, "a");
    taxed.taxes = line_taxes(1000, &[&exclusive]);
    let original = invoice(vec![taxed, line(700, "b")], &[&off]);
    let mut invoice = original.clone();
    apply(&mut invoice, std::slice::from_ref(&off), std::slice::from_ref(&exclusive));
    let once = serde_json::to_value(&invoice).unwrap();
    apply(&mut invoice, std::slice::from_ref(&off), std::slice::from_ref(&exclusive));
    assert_eq!(serde_json::to_value(&invoice).unwrap(), once);
    invoice.discounts.clear();
    apply(&mut invoice, &[], std::slice::from_ref(&exclusive));
    assert_eq!(invoice.total, original.total);
    assert_eq!(invoice.lines.data[0].taxes, original.lines.data[0].taxes);
}

fn at(year: i64, month: u32, day: u32) -> Timestamp {
    days_from_civil(year, month, day) * 86_400
}

#[test]
fn a_repeating_discount_ends_whole_calendar_months_later_clamped_to_the_month_end() {
    let three = CouponTerms { duration: Duration::Repeating, duration_in_months: Some(3), ..Default::default() };
    assert_eq!(end(&three, at(2027, 1, 15)), Some(at(2027, 4, 15)));
    let one = CouponTerms { duration: Duration::Repeating, duration_in_months: Some(1), ..Default::default() };
    assert_eq!(end(&one, at(2027, 1, 31) + 7), Some(at(2027, 2, 28) + 7));
    assert_eq!(end(&one, at(2028, 1, 31)), Some(at(2028, 2, 29)));
    assert_eq!(end(&CouponTerms { duration: Duration::Forever, ..Default::default() }, 0), None);
    assert_eq!(end(&CouponTerms::default(), 0), None, "once ends by being used");
}

fn subscription_with(discounts: &[&Discount]) -> Subscription {
    let text = r#"{
        "id": "sub_1", "object": "subscription", "application": null, "application_fee_percent": null,
        "automatic_tax": {}, "billing_cycle_anchor": 0, "billing_cycle_anchor_config": null,
        "billing_mode": {"type": "flexible", "flexible": null, "updated_at": null}, "billing_schedules": [],
        "billing_thresholds": null, "cancel_at": null, "cancel_at_period_end": false, "canceled_at": null,
        "cancellation_details": {"comment": null, "feedback": null, "reason": null},
        "collection_method": "charge_automatically", "created": 0, "currency": "usd", "customer": "cus_1",
        "customer_account": null, "days_until_due": null, "default_payment_method": null, "default_source": null,
        "default_tax_rates": [], "description": null, "discounts": [], "ended_at": null, "invoice_settings": {},
        "items": {"object": "list", "data": [], "has_more": false, "total_count": 0, "url": "/v1/subscription_items"},
        "latest_invoice": null, "livemode": false, "metadata": {}, "next_pending_invoice_item_invoice": null,
        "on_behalf_of": null, "pause_collection": null, "payment_settings": {}, "pending_invoice_item_interval": null,
        "pending_setup_intent": null, "pending_update": null, "schedule": null, "start_date": 0, "status": "active",
        "test_clock": null, "transfer_data": null, "trial_end": null,
        "trial_settings": {"end_behavior": {"missing_payment_method": "create_invoice"}}, "trial_start": null
    }"#;
    let mut sub: Subscription = serde_json::from_str(text).unwrap();
    sub.discounts = discounts.iter().map(|d| d.id.clone()).collect();
    sub
}

#[test]
fn a_once_discount_is_used_by_one_invoice_and_a_repeating_one_by_those_dated_before_its_end() {
    let once = discount(CouponCreate { duration: Some(Duration::Once), ..percent(50.0) });
    let repeating =
        discount(CouponCreate { duration: Some(Duration::Repeating), duration_in_months: Some(2), ..percent(10.0) });
    let forever = discount(percent(5.0));
    let all = [once.clone(), repeating.clone(), forever.clone()];
    let mut sub = subscription_with(&[&once, &repeating, &forever]);
    let mut totals = Vec::new();
    for month in 0..4 {
        let mut renewal = invoice(vec![line(10_000, "a")], &[]);
        renewal.created = crate::billing::period::add_months(NOW, month);
        apply_to_subscription_invoice(&mut sub, &mut renewal, &all, &[]);
        totals.push(renewal.total);
    }
    // 10 000 → half (5000) → 10 % (500) → 5 % (225); then 10 % and 5 %; then 5 % alone.
    assert_eq!(totals, [4275, 8550, 9500, 9500]);
    assert_eq!(sub.discounts, std::slice::from_ref(&forever.id));
}

#[test]
fn a_once_discount_on_a_trial_invoice_is_used_up_by_it() {
    let once = discount(CouponCreate { duration: Some(Duration::Once), ..percent(50.0) });
    let mut sub = subscription_with(&[&once]);
    let mut trial = invoice(vec![line(0, "a")], &[]);
    apply_to_subscription_invoice(&mut sub, &mut trial, std::slice::from_ref(&once), &[]);
    assert_eq!(trial.total_discount_amounts, [DiscountAmount { amount: 0, discount: once.id.clone() }]);
    assert!(sub.discounts.is_empty());
}

fn redemption(customer: &str) -> Redemption<'_> {
    Redemption {
        customer,
        has_prior_transactions: false,
        currency: "usd",
        target: "subscription",
        updating: false,
        now: NOW,
    }
}

fn promotion_code(coupon: &Coupon, restrictions: RestrictionsParams, customer: Option<&str>) -> PromotionCode {
    let params = PromotionCodeCreate {
        active: None,
        code: Some("SPRING".into()),
        customer: customer.map(str::to_owned),
        expires_at: Some(NOW + 100),
        max_redemptions: Some(1),
        metadata: crate::Patch::Absent,
        promotion: PromotionParams { coupon: Some(coupon.id.clone()), kind: PromotionType::Coupon },
        restrictions: Some(restrictions),
    };
    PromotionCode::create(params, coupon, false, NOW).unwrap()
}

#[test]
fn coupons_past_redeem_by_used_up_deleted_or_without_the_currency_are_refused() {
    let mut limited = coupon(CouponCreate { max_redemptions: Some(1), redeem_by: Some(NOW + 10), ..percent(10.0) });
    let ok = redemption("cus_1");
    assert_eq!(check_coupon(&limited, false, &ok), Ok(()));
    assert_eq!(check_coupon(&limited, true, &ok), Err(RedeemError::CouponExpired(limited.id.clone())));
    assert!(check_coupon(&limited, false, &Redemption { now: NOW + 11, ..ok }).is_err());
    limited.record_redemption(NOW);
    assert_eq!(check_coupon(&limited, false, &ok).unwrap_err().to_string(), format!("Coupon expired: {}", limited.id));
    let dollars = coupon(amount(500));
    let euros = Redemption { currency: "eur", ..ok };
    assert_eq!(
        check_coupon(&dollars, false, &euros).unwrap_err().to_string(),
        format!("The coupon `{}` has no `amount_off` in `eur`, the currency of this subscription.", dollars.id)
    );
}

#[test]
fn promotion_codes_are_refused_for_the_most_specific_reason() {
    let base = coupon(percent(10.0));
    let mut code = promotion_code(&base, RestrictionsParams::default(), Some("cus_1"));
    let ok = redemption("cus_1");
    assert_eq!(check_promotion_code(&code, &base, false, &ok), Ok(()));
    assert_eq!(check_promotion_code(&code, &base, false, &redemption("cus_2")), Err(RedeemError::OtherCustomer));
    let later = Redemption { now: NOW + 100, ..ok };
    assert_eq!(check_promotion_code(&code, &base, false, &later), Err(RedeemError::PromotionCodeExpired));
    assert_eq!(check_promotion_code(&code, &base, true, &ok), Err(RedeemError::PromotionCodeInactive));
    code.active = false;
    assert_eq!(check_promotion_code(&code, &base, false, &ok), Err(RedeemError::PromotionCodeInactive));
    code.active = true;
    code.record_redemption();
    assert_eq!(check_promotion_code(&code, &base, false, &ok), Err(RedeemError::PromotionCodeExhausted));
}

#[test]
fn first_time_and_minimum_amount_restrictions() {
    let base = coupon(percent(10.0));
    let first_time = RestrictionsParams { first_time_transaction: Some(true), ..Default::default() };
    let code = promotion_code(&base, first_time, None);
    let returning = Redemption { has_prior_transactions: true, ..redemption("cus_1") };
    let refused = check_promotion_code(&code, &base, false, &returning).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "This promotion code cannot be redeemed because the associated customer has prior transactions."
    );

    let minimum = RestrictionsParams {
        minimum_amount: Some(5000),
        minimum_amount_currency: Some("usd".into()),
        currency_options: Some(BTreeMap::from([("eur".into(), MinimumAmount { minimum_amount: 4500 })])),
        ..Default::default()
    };
    let code = promotion_code(&base, minimum, None);
    assert_eq!(check_promotion_code(&code, &base, false, &redemption("cus_1")), Ok(()));
    let update = Redemption { updating: true, ..redemption("cus_1") };
    assert_eq!(check_promotion_code(&code, &base, false, &update), Err(RedeemError::MinimumOnUpdate));
    assert_eq!(check_minimum(&code, "usd", 5000), Ok(()));
    assert_eq!(check_minimum(&code, "usd", 4999), Err(RedeemError::BelowMinimum));
    assert_eq!(check_minimum(&code, "eur", 4500), Ok(()));
    assert_eq!(check_minimum(&code, "gbp", 1_000_000), Err(RedeemError::BelowMinimum));
}

#[test]
fn a_redeemed_discount_names_its_coupon_code_and_attachment() {
    let base =
        coupon(CouponCreate { duration: Some(Duration::Repeating), duration_in_months: Some(3), ..percent(25.0) });
    let attachment =
        Attachment { customer: Some("cus_1".into()), subscription: Some("sub_1".into()), ..Default::default() };
    let made = redeem(&base, Some("promo_1"), attachment, NOW);
    assert!(made.id.starts_with("di_"));
    assert_eq!((made.coupon(), made.promotion_code.as_deref()), (Some(base.id.as_str()), Some("promo_1")));
    assert_eq!((made.start, made.end), (NOW, Some(crate::billing::period::add_months(NOW, 3))));
    assert_eq!(made.subscription.as_deref(), Some("sub_1"));
    assert_eq!(made.engine.terms.percent_off, Some(25.0));
}

proptest! {
    #[test]
    fn discounts_never_exceed_what_a_line_is_worth_and_amounts_off_are_taken_exactly(
        amounts in prop::collection::vec(-2_000i64..50_000, 1..8),
        discountable in prop::collection::vec(any::<bool>(), 8),
        percents in prop::collection::vec(1u32..=10_000, 0..3),
        amounts_off in prop::collection::vec(1i64..80_000, 0..3),
    ) {
        let mut lines: Vec<LineItem> = amounts.iter().map(|a| line(*a, "p")).collect();
        for (line, flag) in lines.iter_mut().zip(&discountable) {
            line.discountable = *flag;
        }
        let mut all: Vec<Discount> = percents.iter().map(|p| discount(percent(f64::from(*p) / 100.0))).collect();
        all.extend(amounts_off.iter().map(|off| discount(amount(*off))));
        let refs: Vec<&Discount> = all.iter().collect();
        let mut invoice = invoice(lines, &refs);
        apply(&mut invoice, &all, &[]);
        let eligible: i64 = invoice.lines.data.iter().filter(|l| l.discountable).map(|l| l.amount.max(0)).sum();
        let mut left = eligible;
        for discount in &all {
            let taken: i64 = invoice.total_discount_amounts.iter().filter(|t| t.discount == discount.id).map(|t| t.amount).sum();
            prop_assert!(taken >= 0 && taken <= left);
            if let Some(off) = discount.engine.terms.amount_off {
                prop_assert_eq!(taken, off.min(left));
            }
            left -= taken;
        }
        for line in &invoice.lines.data {
            let off: i64 = line.discount_amounts.iter().map(|d| d.amount).sum();
            prop_assert!(off >= 0 && off <= line.amount.max(0));
            if !line.discountable {
                prop_assert!(line.discount_amounts.is_empty());
            }
        }
        prop_assert_eq!(invoice.total, invoice.subtotal - (eligible - left));
    }
}
