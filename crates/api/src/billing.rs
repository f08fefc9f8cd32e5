//! Billing commands shared by the API handlers, the wall-clock scheduler and test-clock advances: they load
//! what the pure engine (`portico_core::billing`) needs, call it, and write its results and events in the
//! caller's transaction.

pub mod change;
pub mod collect;
pub mod discounts;
pub mod drafts;
pub mod due;
pub mod prefetch;
pub mod schedules;
pub mod subscribe;

use std::collections::{BTreeMap, BTreeSet};

use portico_core::billing::lifecycle::ProductNames;
use portico_core::objects::customer::Customer;
use portico_core::objects::price::Price;
use portico_core::objects::product::Product;
use portico_core::objects::subscription::Subscription;
use portico_store::{Tx, TxExt};

use crate::context::Ctx;
use crate::error::ApiError;

/// The names of the products these prices belong to, for invoice line descriptions.
pub async fn product_names<'a>(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    prices: impl IntoIterator<Item = &'a Price>,
) -> Result<ProductNames, ApiError> {
    let products: BTreeSet<String> = prices.into_iter().map(|price| price.product.clone()).collect();
    let mut names = BTreeMap::new();
    for product in products {
        if let Some(found) = tx.load::<Product>(ctx.scope(), &product).await? {
            names.insert(product, found.name);
        }
    }
    Ok(names)
}

/// The payment method a subscription's invoices are charged to: the subscription's, else the customer's default.
pub fn payment_method_of(sub: Option<&Subscription>, customer: &Customer) -> Option<String> {
    sub.and_then(|s| s.default_payment_method.clone())
        .or_else(|| customer.invoice_settings.default_payment_method.clone())
}

/// The customer's time: its test clock's frozen time when it lives on one, else the request's.
pub async fn customer_now(ctx: &Ctx, tx: &mut dyn Tx, customer: &Customer) -> Result<(), ApiError> {
    if let Some(clock) = &customer.test_clock
        && let Some(clock) = tx.load::<portico_core::objects::TestClock>(ctx.scope(), clock).await?
    {
        ctx.set_now(clock.frozen_time);
    }
    Ok(())
}
