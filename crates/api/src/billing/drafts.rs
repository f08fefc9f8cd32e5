//! Keeping a draft invoice true to what is on it: after an invoice item is added, changed or removed, or the
//! invoice's discounts or default tax rates change, its invoice-item lines are rebuilt from the items and the
//! invoice is discounted and totalled again. Subscription lines (a renewal's) are kept as they are.

use portico_core::billing::invoicing;
use portico_core::objects::invoice::{Invoice, LineItem, Lines};
use portico_core::objects::subscription::Subscription;
use portico_core::objects::{InvoiceItem, TaxRate};
use portico_store::{FieldFilter, ListQuery, Scalar, Tx, TxExt};
use serde_json::Value;

use super::discounts;
use crate::context::Ctx;
use crate::error::ApiError;

/// The invoice items on `invoice`, oldest first.
pub async fn items_on(ctx: &Ctx, tx: &mut dyn Tx, invoice: &Invoice) -> Result<Vec<InvoiceItem>, ApiError> {
    let mut query = ListQuery {
        limit: 100,
        customer: Some(invoice.customer.clone()),
        filters: vec![FieldFilter::eq("invoice", Scalar::Str(invoice.id.clone()))],
        ..ListQuery::default()
    };
    let mut items = Vec::new();
    loop {
        let (page, more) = tx.list_typed::<InvoiceItem>(ctx.scope(), &query).await?;
        query.starting_after = page.last().map(|item| item.id.clone());
        items.extend(page);
        if !more {
            break;
        }
    }
    items.reverse();
    Ok(items)
}

/// The invoice item a line bills, if it bills one.
fn item_of(line: &LineItem) -> Option<&str> {
    line.parent.pointer("/invoice_item_details/invoice_item").and_then(Value::as_str)
}

/// Rebuilds the draft's lines from `items` (the invoice items now on it; a line keeps its id while its item
/// stays), then discounts and totals it.
pub async fn refresh(ctx: &Ctx, tx: &mut dyn Tx, invoice: &mut Invoice, items: &[InvoiceItem]) -> Result<(), ApiError> {
    let old: Vec<LineItem> = std::mem::take(&mut invoice.lines.data);
    let mut lines: Vec<LineItem> = items
        .iter()
        .map(|item| {
            let mut line = invoicing::item_line(item, &invoice.default_tax_rates, invoice.livemode);
            if let Some(kept) = old.iter().find(|l| item_of(l) == Some(item.id.as_str())) {
                line.id = kept.id.clone();
            }
            line.invoice = Some(invoice.id.clone());
            line
        })
        .collect();
    lines.extend(old.into_iter().filter(|line| item_of(line).is_none()));
    invoice.lines = Lines::new(format!("/v1/invoices/{}/lines", invoice.id), lines);
    let mut rates: Vec<TaxRate> = invoice.default_tax_rates.clone();
    rates.extend(items.iter().flat_map(InvoiceItem::rates));
    if let Some(sub) = invoice.subscription()
        && let Some(sub) = tx.load::<Subscription>(ctx.scope(), sub).await?
    {
        rates.extend(discounts::subscription_rates(&sub));
    }
    discounts::apply_to_invoice(ctx, tx, invoice, &rates).await
}
