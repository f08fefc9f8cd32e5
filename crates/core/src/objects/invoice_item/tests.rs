use super::*;
use crate::ParamCode;
use crate::objects::price::Interval;
use crate::objects::price::RecurringParams;

const NOW: Timestamp = 1_800_000_000;

fn new(charge: Charge) -> NewInvoiceItem {
    NewInvoiceItem {
        customer: "cus_1".into(),
        test_clock: None,
        charge,
        currency: None,
        quantity: None,
        description: Some("Setup fee".into()),
        discountable: None,
        period: None,
        subscription: None,
        tax_rates: Vec::new(),
        metadata: Patch::Absent,
        livemode: false,
        now: NOW,
    }
}

fn price(unit_amount: i64, recurring: bool) -> Price {
    let params = PriceCreate {
        currency: "eur".into(),
        unit_amount: Some(unit_amount),
        recurring: recurring.then_some(RecurringParams {
            interval: Interval::Month,
            interval_count: None,
            meter: None,
            trial_period_days: None,
            usage_type: None,
        }),
        ..PriceCreate::default()
    };
    Price::create(params, "prod_1".into(), "", false, NOW).unwrap()
}

fn amount(amount: i64, currency: Option<&str>) -> Charge {
    Charge::Amount { amount, currency: currency.map(str::to_owned) }
}

#[test]
fn an_amount_item_is_one_unit_pending_for_the_moment_it_was_made() {
    let item = InvoiceItem::create(new(amount(1500, Some("usd")))).unwrap();
    assert!(item.id.starts_with("ii_"));
    assert_eq!((item.amount, item.currency.as_str(), item.quantity), (1500, "usd", 1));
    assert_eq!(item.period, Period { start: NOW, end: NOW });
    assert!(item.invoice.is_none() && item.discountable && !item.proration);
    assert_eq!(item.pricing.as_ref().unwrap()["unit_amount_decimal"], "1500");
    assert!(item.price().is_none() && item.subscription().is_none());
}

#[test]
fn credits_are_not_discountable_unless_asked() {
    let credit = InvoiceItem::create(new(amount(-500, Some("usd")))).unwrap();
    assert!(!credit.discountable);
    let asked = InvoiceItem::create(NewInvoiceItem { discountable: Some(true), ..new(amount(-500, Some("usd"))) });
    assert!(asked.unwrap().discountable);
}

#[test]
fn an_amount_needs_a_currency_and_is_the_whole_charge() {
    let missing = InvoiceItem::create(new(amount(1500, None))).unwrap_err();
    assert_eq!((missing.code, missing.param.as_deref()), (ParamCode::ParameterMissing, Some("currency")));
    let both = InvoiceItem::create(NewInvoiceItem { quantity: Some(3), ..new(amount(1500, Some("usd"))) });
    assert_eq!(both.unwrap_err().message, "You may only specify one of these parameters: amount, quantity.");
}

#[test]
fn a_price_bills_its_unit_amount_times_the_quantity_in_its_currency() {
    let one_time = price(700, false);
    let item =
        InvoiceItem::create(NewInvoiceItem { quantity: Some(3), ..new(Charge::Price(Box::new(one_time.clone()))) })
            .unwrap();
    assert_eq!((item.amount, item.currency.as_str(), item.quantity_decimal.as_str()), (2100, "eur", "3"));
    assert_eq!(item.price(), Some(one_time.id.as_str()));
    assert_eq!(item.pricing.as_ref().unwrap()["price_details"]["product"], "prod_1");

    let recurring = InvoiceItem::create(new(Charge::Price(Box::new(price(700, true))))).unwrap_err();
    assert_eq!(recurring.param.as_deref(), Some("pricing[price]"));
    let other =
        InvoiceItem::create(NewInvoiceItem { currency: Some("usd".into()), ..new(Charge::Price(Box::new(one_time))) });
    assert_eq!(other.unwrap_err().param.as_deref(), Some("currency"));
}

#[test]
fn a_price_in_fractions_of_a_cent_bills_the_rounded_total() {
    let params =
        PriceCreate { currency: "eur".into(), unit_amount_decimal: Some("0.25".into()), ..PriceCreate::default() };
    let tenth = Price::create(params, "prod_1".into(), "", false, NOW).unwrap();
    let item = NewInvoiceItem { quantity: Some(1_000_002), ..new(Charge::Price(Box::new(tenth.clone()))) };
    let item = InvoiceItem::create(item).unwrap();
    assert_eq!(item.amount, 250_001, "250,000.5 rounds half away from zero");
    assert_eq!(item.pricing.as_ref().unwrap()["unit_amount_decimal"], "0.25");
    let absurd = NewInvoiceItem { quantity: Some(i64::MAX), ..new(Charge::Price(Box::new(tenth))) };
    assert_eq!(InvoiceItem::create(absurd).unwrap_err().param.as_deref(), Some("quantity"));
}

#[test]
fn a_period_may_not_end_before_it_starts() {
    let backwards =
        NewInvoiceItem { period: Some(PeriodParams { start: NOW, end: NOW - 1 }), ..new(amount(100, Some("usd"))) };
    assert_eq!(InvoiceItem::create(backwards).unwrap_err().param.as_deref(), Some("period[end]"));
}

#[test]
fn updates_rebill_the_price_by_the_new_quantity_and_refuse_bad_input_whole() {
    let one_time = price(700, false);
    let mut item = InvoiceItem::create(new(Charge::Price(Box::new(one_time.clone())))).unwrap();
    let params = InvoiceItemUpdate { quantity: Some(4), description: Patch::Clear, ..Default::default() };
    item.update(params, Some(one_time), Patch::Absent).unwrap();
    assert_eq!((item.amount, item.quantity, item.description.as_deref()), (2800, 4, None));

    let before = serde_json::to_value(&item).unwrap();
    let bad = InvoiceItemUpdate { quantity: Some(-1), metadata: Patch::Clear, ..Default::default() };
    assert!(item.update(bad, Some(price(700, false)), Patch::Absent).is_err());
    assert_eq!(serde_json::to_value(&item).unwrap(), before, "a refused update changes nothing");

    item.update(InvoiceItemUpdate { amount: Some(999), ..Default::default() }, None, Patch::Absent).unwrap();
    assert_eq!((item.amount, item.quantity, item.currency.as_str()), (999, 1, "eur"));
    assert!(item.price().is_none());
    let quantity_alone = InvoiceItemUpdate { quantity: Some(2), ..Default::default() };
    assert!(item.update(quantity_alone, None, Patch::Absent).is_err(), "an amount item has no unit to multiply");
}
