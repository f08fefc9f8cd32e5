//! Invoice items (`ii_`): amounts waiting for the customer's next invoice (prorations, one-off charges).
//! https://docs.stripe.com/api/invoiceitems/object
//!
//! An item is pending (`invoice: null`) until an invoice bills it; it may also be put on a draft invoice at once.
//! It stays editable while pending or on a draft.

mod params;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub use params::*;

use super::invoice::{Period, price_pricing};
use super::price::rules::{at_least, exclusive};
use super::price::{Price, PriceCreate, PriceType};
use super::{Object, TaxRate};
use crate::currency::{max_amount, parse_currency};
use crate::error::ParamError;
use crate::metadata::{self, Metadata};
use crate::patch::Patch;
use crate::{Timestamp, ids};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InvoiceItem {
    pub id: String,
    pub object: String,
    pub amount: i64,
    pub currency: String,
    pub customer: String,
    pub customer_account: Option<String>,
    pub date: Timestamp,
    pub description: Option<String>,
    pub discountable: bool,
    pub discounts: Vec<String>,
    /// The invoice that billed it; `None` while it is pending.
    pub invoice: Option<String>,
    pub livemode: bool,
    pub metadata: Metadata,
    pub net_amount: i64,
    pub parent: Option<Value>,
    pub period: Period,
    pub pricing: Option<Value>,
    pub proration: bool,
    pub quantity: i64,
    pub quantity_decimal: String,
    pub tax_rates: Vec<Value>,
    pub test_clock: Option<String>,
}

impl Object for InvoiceItem {
    const KIND: &'static str = "invoiceitem";
    const PREFIX: &'static str = "ii";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.date
    }
    fn customer(&self) -> Option<&str> {
        Some(&self.customer)
    }
    fn test_clock(&self) -> Option<&str> {
        self.test_clock.as_deref()
    }
}

/// What an item bills: a plain amount (with its currency), or a one-time price times the quantity.
#[derive(Debug, Clone)]
pub enum Charge {
    Amount { amount: i64, currency: Option<String> },
    Price(Box<Price>),
}

/// A validated `POST /v1/invoiceitems`, its references loaded by the caller.
#[derive(Debug)]
pub struct NewInvoiceItem {
    pub customer: String,
    pub test_clock: Option<String>,
    pub charge: Charge,
    /// `currency`, when given beside a price: it must be the price's.
    pub currency: Option<String>,
    pub quantity: Option<i64>,
    pub description: Option<String>,
    pub discountable: Option<bool>,
    pub period: Option<PeriodParams>,
    pub subscription: Option<String>,
    pub tax_rates: Vec<TaxRate>,
    pub metadata: Patch<Metadata>,
    pub livemode: bool,
    pub now: Timestamp,
}

/// The price `price_data` describes: one-time, of `product` (checked by the caller), not active (Stripe's
/// inline prices cannot be reused).
pub fn inline_price(data: ItemPriceData, livemode: bool, now: Timestamp) -> Result<Price, ParamError> {
    let params = PriceCreate {
        currency: data.currency,
        tax_behavior: data.tax_behavior,
        unit_amount: data.unit_amount,
        unit_amount_decimal: data.unit_amount_decimal,
        ..PriceCreate::default()
    };
    let mut price = Price::create(params, data.product, "price_data", livemode, now)?;
    price.active = false;
    Ok(price)
}

impl InvoiceItem {
    /// A new pending item.
    pub fn create(new: NewInvoiceItem) -> Result<Self, ParamError> {
        let quantity = quantity(&new.charge, new.quantity)?;
        let (amount, currency, pricing) = billed(&new.charge, new.currency.as_deref(), quantity)?;
        let period = period(new.period, new.now)?;
        let parent = new
            .subscription
            .map(|sub| json!({ "subscription_details": { "subscription": sub }, "type": "subscription_details" }));
        let mut item = InvoiceItem {
            id: ids::new_id(Self::PREFIX),
            object: Self::KIND.into(),
            amount,
            currency,
            customer: new.customer,
            customer_account: None,
            date: new.now,
            description: new.description,
            // Stripe does not discount credits unless told to.
            discountable: new.discountable.unwrap_or(amount >= 0),
            discounts: Vec::new(),
            invoice: None,
            livemode: new.livemode,
            metadata: Metadata::new(),
            net_amount: amount,
            parent,
            period,
            pricing: Some(pricing),
            proration: false,
            quantity,
            quantity_decimal: quantity.to_string(),
            tax_rates: rates_json(&new.tax_rates),
            test_clock: new.test_clock,
        };
        metadata::apply(&mut item.metadata, new.metadata)?;
        Ok(item)
    }

    /// Applies an update, all or nothing. `price` is the price to bill: the new one (from `pricing` or
    /// `price_data`), or the item's own when only `quantity` changes; both loaded by the caller, as are the new
    /// `tax_rates`.
    pub fn update(
        &mut self,
        params: InvoiceItemUpdate,
        price: Option<Price>,
        tax_rates: Patch<Vec<TaxRate>>,
    ) -> Result<(), ParamError> {
        let mut next = self.clone();
        let charge = match (params.amount, price) {
            (Some(_), Some(_)) => return Err(exclusive("amount", "pricing")),
            (Some(amount), None) => Some(Charge::Amount { amount, currency: Some(self.currency.clone()) }),
            (None, Some(price)) => Some(Charge::Price(Box::new(price))),
            (None, None) if params.quantity.is_some() => {
                return Err(exclusive("amount", "quantity"));
            }
            (None, None) => None,
        };
        if let Some(charge) = charge {
            let kept = match charge {
                Charge::Price(_) => Some(self.quantity),
                Charge::Amount { .. } => None,
            };
            let quantity = quantity(&charge, params.quantity.or(kept))?;
            let (amount, currency, pricing) = billed(&charge, Some(&self.currency), quantity)?;
            next.amount = amount;
            next.net_amount = amount;
            next.currency = currency;
            next.pricing = Some(pricing);
            next.quantity = quantity;
            next.quantity_decimal = quantity.to_string();
        }
        params.description.apply_to(&mut next.description);
        if let Some(discountable) = params.discountable {
            next.discountable = discountable;
        }
        if let Some(period_params) = params.period {
            next.period = period(Some(period_params), self.date)?;
        }
        match tax_rates {
            Patch::Set(rates) => next.tax_rates = rates_json(&rates),
            Patch::Clear => next.tax_rates.clear(),
            Patch::Absent => {}
        }
        metadata::apply(&mut next.metadata, params.metadata)?;
        *self = next;
        Ok(())
    }

    pub fn subscription(&self) -> Option<&str> {
        self.parent.as_ref()?.pointer("/subscription_details/subscription")?.as_str()
    }

    /// The price billed, when the item bills one.
    pub fn price(&self) -> Option<&str> {
        self.pricing.as_ref()?.pointer("/price_details/price")?.as_str()
    }

    /// The item's own tax rates (they replace the invoice's `default_tax_rates`).
    pub fn rates(&self) -> Vec<TaxRate> {
        self.tax_rates.iter().filter_map(|rate| serde_json::from_value(rate.clone()).ok()).collect()
    }

    /// Whether the item can still change: pending, or on an invoice that is a draft.
    pub fn editable(&self, invoice_is_draft: bool) -> bool {
        self.invoice.is_none() || invoice_is_draft
    }
}

fn rates_json(rates: &[TaxRate]) -> Vec<Value> {
    rates.iter().filter_map(|rate| serde_json::to_value(rate).ok()).collect()
}

/// The quantity billed: any non-negative number of a price's units; an `amount` is the whole charge, one unit.
fn quantity(charge: &Charge, quantity: Option<i64>) -> Result<i64, ParamError> {
    match (charge, quantity) {
        (_, Some(q)) if q < 0 => Err(at_least("quantity", 0, q)),
        (Charge::Amount { .. }, Some(q)) if q != 1 => Err(exclusive("amount", "quantity")),
        (_, Some(q)) => Ok(q),
        (_, None) => Ok(1),
    }
}

/// The period, by default the instant the item was made; its end may not come before its start.
fn period(params: Option<PeriodParams>, now: Timestamp) -> Result<Period, ParamError> {
    let Some(params) = params else { return Ok(Period { start: now, end: now }) };
    if params.end < params.start {
        return Err(ParamError::invalid(
            "period[end]",
            "The `period[end]` must be greater than or equal to the `period[start]`.",
        ));
    }
    Ok(Period { start: params.start, end: params.end })
}

/// The total, currency and `pricing` of `quantity` units of `charge`.
fn billed(charge: &Charge, currency: Option<&str>, quantity: i64) -> Result<(i64, String, Value), ParamError> {
    match charge {
        Charge::Amount { amount, currency: own } => {
            let currency = match own.as_deref().or(currency) {
                Some(c) => parse_currency("currency", c)?,
                None => return Err(ParamError::missing("currency")),
            };
            let max = max_amount(&currency);
            if amount.abs() > max {
                return Err(ParamError::invalid("amount", format!("This value must be less than or equal to {max}.")));
            }
            // `amount` is the whole charge: the unit amount of a quantity of one.
            let pricing =
                json!({ "price_details": null, "type": "price_details", "unit_amount_decimal": amount.to_string() });
            Ok((*amount, currency, pricing))
        }
        Charge::Price(price) => {
            if let Some(given) = currency
                && given != price.currency
            {
                return Err(ParamError::invalid(
                    "currency",
                    format!(
                        "The currency of the price ({}) does not match the currency of this invoice item ({given}).",
                        price.currency
                    ),
                ));
            }
            if price.kind != PriceType::OneTime {
                return Err(ParamError::invalid(
                    "pricing[price]",
                    format!(
                        "The price specified ({}) is a recurring price. Invoice items only accept one-time prices.",
                        price.id
                    ),
                ));
            }
            if price.unit_amount.is_none() && price.unit_amount_decimal.is_none() {
                return Err(ParamError::invalid(
                    "pricing[price]",
                    format!("The price specified ({}) has no fixed `unit_amount`.", price.id),
                ));
            }
            // Fractions of a cent and packages (`transform_quantity`) bill as on a subscription.
            let total = crate::billing::pricing::amount(price, quantity);
            if total.abs() > max_amount(&price.currency) {
                return Err(ParamError::invalid("quantity", "The invoice item's amount would be too large."));
            }
            let pricing = price_pricing(&price.id, &price.product, price.unit_amount_decimal.as_deref());
            Ok((total, price.currency.clone(), pricing))
        }
    }
}

#[cfg(test)]
mod tests;
