//! What the portal shows of the customer's objects, localized: rows of subscriptions, payment methods and
//! invoices, and the lines of an address. Shared by the home page and the section pages.

use std::collections::BTreeMap;

use portico_core::billing::pricing;
use portico_core::objects::address::Shipping;
use portico_core::objects::billing_portal::configuration::Features;
use portico_core::objects::invoice::{Invoice, Status as InvoiceStatus};
use portico_core::objects::payment_method::PaymentMethod;
use portico_core::objects::price::{BillingScheme, Interval, Price, UsageType};
use portico_core::objects::subscription::{Status, Subscription};

use crate::address_format;
use crate::i18n::Lang;
use crate::subscription_actions::{self, Actions};

/// A status shown as a coloured badge: its text and its CSS class.
pub struct Badge {
    pub label: String,
    pub class: &'static str,
}

pub struct SubscriptionRow {
    pub id: String,
    pub title: String,
    pub price: String,
    pub status: Badge,
    /// What happens next: renewal, cancellation, trial end, pause.
    pub note: Option<String>,
    pub actions: Actions,
    /// Why the subscription cannot be updated here, in plain words.
    pub limitation: Option<String>,
}

/// Subscriptions a customer still has a stake in: ended ones (`canceled`, `incomplete_expired`) are gone from
/// the portal, as in Stripe's.
pub fn shown(subscription: &Subscription) -> bool {
    !matches!(subscription.status, Status::Canceled | Status::IncompleteExpired)
}

/// `products` maps product ids to names.
pub fn subscription_row(
    lang: &Lang,
    sub: &Subscription,
    products: &BTreeMap<String, String>,
    features: &Features,
) -> SubscriptionRow {
    let names: Vec<&str> = sub
        .items
        .data
        .iter()
        .map(|item| products.get(&item.price.product).map_or(item.price.product.as_str(), String::as_str))
        .collect();
    let price = match &sub.items.data[..] {
        [item] => plan_label(lang, &item.price, item.quantity),
        items => {
            let total = items.iter().map(|item| item.amount()).sum();
            lang.money(total, &sub.currency)
        }
    };
    let period_end = sub.items.data.iter().map(|item| item.current_period_end).min();
    let note = if sub.status == Status::Trialing && let Some(end) = sub.trial_end {
        Some(lang.t1("subscription-trial-ends", "date", &lang.date(end)))
    } else if let Some(at) = sub.cancel_at {
        Some(lang.t1("subscription-cancels-on", "date", &lang.date(at)))
    } else if sub.cancel_at_period_end && let Some(end) = period_end {
        Some(lang.t1("subscription-cancels-on", "date", &lang.date(end)))
    } else if sub.pause_collection.is_some() {
        Some(lang.t("subscription-collection-paused"))
    } else if matches!(sub.status, Status::Active | Status::PastDue) && let Some(end) = period_end {
        Some(lang.t1("subscription-renews-on", "date", &lang.date(end)))
    } else {
        None
    };
    SubscriptionRow {
        id: sub.id.clone(),
        title: names.join(", "),
        price,
        status: subscription_badge(lang, sub.status),
        note,
        actions: subscription_actions::actions(features, sub),
        limitation: subscription_actions::update_limitation(lang, features, sub),
    }
}

fn subscription_badge(lang: &Lang, status: Status) -> Badge {
    let (label, class) = match status {
        Status::Active => (lang.t("status-active"), "ok"),
        Status::Trialing => (lang.t("status-trialing"), "ok"),
        Status::PastDue => (lang.t("status-past-due"), "danger"),
        Status::Unpaid => (lang.t("status-unpaid"), "danger"),
        Status::Incomplete => (lang.t("status-incomplete"), "warn"),
        Status::Paused => (lang.t("status-paused"), "warn"),
        Status::Canceled | Status::IncompleteExpired => (lang.t("status-canceled"), ""),
    };
    Badge { label, class }
}

/// "$10.00 per month", "¥1,200 every 3 months", "$0.05 per unit used, billed monthly" (metered), or the bare
/// amount for a one-off price.
pub fn price_label(lang: &Lang, price: &Price) -> String {
    let every = every(lang, price);
    if price.billing_scheme == BillingScheme::Tiered {
        // What one unit costs: tiers usually fall with quantity, so it is where the price starts.
        let one = lang.money(pricing::amount(price, 1), &price.currency);
        return lang.t2("price-tiered", ("amount", &one), ("every", &every));
    }
    let rate = lang.money_rate(&pricing::unit_rate(price).text(), &price.currency);
    let Some(recurring) = &price.recurring else { return rate };
    let metered = recurring.usage_type == UsageType::Metered;
    let amount = match &price.transform_quantity {
        Some(package) => lang.t2("price-package", ("amount", &rate), ("size", &package.divide_by.to_string())),
        None => rate,
    };
    if metered { lang.t2("price-metered", ("amount", &amount), ("every", &every)) } else { format!("{amount} {every}") }
}

/// `quantity` of `price` as a plan shows it: "$20.00 per month", "3 × $20.00 per month", or a tiered price's
/// quantity and total.
pub fn plan_label(lang: &Lang, price: &Price, quantity: i64) -> String {
    tiered_total_label(lang, price, quantity).unwrap_or_else(|| {
        let each = price_label(lang, price);
        if quantity == 1 {
            return each;
        }
        format!("{} {each}", lang.t1("quantity-times", "quantity", &quantity.to_string()))
    })
}

/// `quantity` of a tiered price and what it costs each period ("12 units, $89.50 per month"); `None` for other
/// prices, whose label times the quantity says it.
fn tiered_total_label(lang: &Lang, price: &Price, quantity: i64) -> Option<String> {
    (price.billing_scheme == BillingScheme::Tiered && price.recurring.is_some()).then(|| {
        let total = format!("{} {}", lang.money(pricing::amount(price, quantity), &price.currency), every(lang, price));
        lang.t2("price-tiered-total", ("quantity", &quantity.to_string()), ("amount", &total))
    })
}

/// "per month", or "monthly" after "billed" for a metered price.
fn every(lang: &Lang, price: &Price) -> String {
    let Some(recurring) = &price.recurring else { return String::new() };
    let (licensed, billed) = match recurring.interval {
        Interval::Day => ("interval-day", "billed-day"),
        Interval::Week => ("interval-week", "billed-week"),
        Interval::Month => ("interval-month", "billed-month"),
        Interval::Year => ("interval-year", "billed-year"),
    };
    let metered = recurring.usage_type == UsageType::Metered;
    lang.tn(if metered { billed } else { licensed }, "count", recurring.interval_count)
}

pub struct PaymentMethodRow {
    pub id: String,
    /// "Visa •••• 4242"
    pub label: String,
    pub expires: Option<String>,
    pub is_default: bool,
}

pub fn payment_method_row(lang: &Lang, method: &PaymentMethod, default: Option<&str>) -> PaymentMethodRow {
    let (label, expires) = match &method.card {
        Some(card) => {
            let brand = card.display_brand.clone().unwrap_or_else(|| card.brand.clone());
            (
                format!("{} •••• {}", brand_name(&brand), card.last4),
                Some(lang.t1("card-expires", "date", &format!("{:02}/{}", card.exp_month, card.exp_year))),
            )
        }
        None => (lang.t("payment-method-other"), None),
    };
    PaymentMethodRow { id: method.id.clone(), label, expires, is_default: default == Some(method.id.as_str()) }
}

/// Card brands as their owners write them; unknown ones as Stripe names them.
fn brand_name(brand: &str) -> String {
    match brand {
        "visa" => "Visa".into(),
        "mastercard" => "Mastercard".into(),
        "amex" | "american_express" => "American Express".into(),
        "discover" => "Discover".into(),
        "diners" | "diners_club" => "Diners Club".into(),
        "jcb" => "JCB".into(),
        "unionpay" => "UnionPay".into(),
        "cartes_bancaires" => "Cartes Bancaires".into(),
        other => other.replace('_', " "),
    }
}

pub struct InvoiceRow {
    pub id: String,
    pub number: String,
    pub date: String,
    pub amount: String,
    pub status: Badge,
    pub url: Option<String>,
}

/// Invoices a customer sees: finalized ones, never drafts.
pub fn invoice_shown(invoice: &Invoice) -> bool {
    invoice.status != InvoiceStatus::Draft
}

pub fn invoice_row(lang: &Lang, invoice: &Invoice) -> InvoiceRow {
    let (label, class) = match invoice.status {
        InvoiceStatus::Paid => (lang.t("invoice-status-paid"), "ok"),
        InvoiceStatus::Open => (lang.t("invoice-status-open"), "warn"),
        InvoiceStatus::Uncollectible => (lang.t("invoice-status-uncollectible"), "danger"),
        InvoiceStatus::Void => (lang.t("invoice-status-void"), ""),
        InvoiceStatus::Draft => (lang.t("invoice-status-draft"), ""),
    };
    InvoiceRow {
        id: invoice.id.clone(),
        number: invoice.number.clone().unwrap_or_default(),
        date: lang.date(invoice.status_transitions.finalized_at.unwrap_or(invoice.created)),
        amount: lang.money(invoice.total, &invoice.currency),
        status: Badge { label, class },
        url: invoice.hosted_invoice_url.clone(),
    }
}

/// A shipping address's lines: the recipient, the address in its country's order, the phone.
pub fn shipping_lines(lang: &Lang, shipping: &Shipping) -> Vec<String> {
    let mut lines = vec![shipping.name.clone()];
    lines.extend(address_format::lines(lang, &shipping.address));
    lines.extend(shipping.phone.clone());
    lines
}

#[cfg(test)]
mod tests {
    use portico_core::objects::price::{Price, PriceCreate};
    use serde_json::json;

    use super::price_label;
    use crate::i18n::Lang;

    /// A monthly USD price with `fields` set over those.
    fn priced(fields: serde_json::Value) -> Price {
        let mut params = json!({ "currency": "usd", "recurring": { "interval": "month" } });
        params.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
        Price::create(serde_json::from_value::<PriceCreate>(params).unwrap(), "prod_A".into(), "", false, 0).unwrap()
    }

    fn price(recurring: serde_json::Value) -> Price {
        priced(json!({ "unit_amount": 5, "recurring": recurring }))
    }

    #[test]
    fn a_metered_price_is_per_unit_used_and_billed_each_period() {
        let (en, ja) = (Lang::english(), Lang::negotiate(Some("ja"), &[], None));
        assert_eq!(price_label(&en, &price(json!({ "interval": "month" }))), "$0.05 per month");
        let metered = price(json!({ "interval": "month", "usage_type": "metered", "meter": "mtr_1" }));
        assert_eq!(price_label(&en, &metered), "$0.05 per unit used, billed monthly");
        let quarterly =
            price(json!({ "interval": "month", "interval_count": 3, "usage_type": "metered", "meter": "mtr_1" }));
        assert_eq!(price_label(&en, &quarterly), "$0.05 per unit used, billed every 3 months");
        assert!(price_label(&ja, &metered).contains("毎月のご請求"), "{}", price_label(&ja, &metered));
    }

    #[test]
    fn tiered_package_and_fractional_prices_say_what_they_charge() {
        let (en, ja) = (Lang::english(), Lang::negotiate(Some("ja"), &[], None));
        let tiered = priced(json!({
            "billing_scheme": "tiered", "tiers_mode": "graduated",
            "tiers": [{ "up_to": 5, "unit_amount": 700, "flat_amount": 1000 }, { "up_to": "inf", "unit_amount": 600 }],
        }));
        assert_eq!(price_label(&en, &tiered), "From $17.00 per month", "one unit and the base fee");
        assert_eq!(super::plan_label(&en, &tiered, 6), "6 units, $51.00 per month");
        assert_eq!(price_label(&ja, &tiered), "毎月 $17.00 から");
        let package = priced(json!({ "unit_amount": 500, "transform_quantity": { "divide_by": 100, "round": "up" } }));
        assert_eq!(price_label(&en, &package), "$5.00 per 100 units per month");
        assert_eq!(super::plan_label(&en, &package, 250), "250 × $5.00 per 100 units per month");
        assert_eq!(price_label(&en, &priced(json!({ "unit_amount_decimal": "0.5" }))), "$0.005 per month");
    }
}
