//! Lines of a draft invoice: https://docs.stripe.com/api/invoice-line-item (`add_lines`, `remove_lines`). A line
//! added is an invoice item on the draft; removing one deletes its item or sends it back to pending.

use axum::extract::Path;
use portico_core::ParamError;
use portico_core::objects::invoice::{AddLines, RemoveBehavior, RemoveLines, Status};
use portico_core::objects::invoice_item::{InvoiceItem, InvoiceItemCreate};
use portico_store::{Tx, TxExt};
use serde_json::Value;

use super::invoice_drafts::{customer_of, load};
use super::invoice_items::{self, not_editable};
use super::missing_reference;
use crate::billing::drafts;
use crate::context::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::Params;
use crate::respond;

/// https://docs.stripe.com/api/invoices/add_lines: each line is an existing pending item of the customer, or a
/// new item described as in `POST /v1/invoiceitems`.
pub async fn add_lines(ctx: Ctx, Path(id): Path<String>, Params { params, expand }: Params<AddLines>) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let mut invoice = load(&ctx, tx, &id).await?;
    let customer = customer_of(&ctx, tx, &invoice).await?;
    if invoice.status != Status::Draft {
        return Err(not_editable(format!("Invoice {id} is no longer a draft: its lines can no longer change.")));
    }
    let lines = params.lines.filter(|lines| !lines.is_empty()).ok_or_else(|| ParamError::missing("lines"))?;
    let before = respond::wire(&invoice)?;
    for (index, line) in lines.into_iter().enumerate() {
        match line.invoice_item {
            Some(item_id) => {
                let param = format!("lines[{index}][invoice_item]");
                let mut item = tx
                    .load_for_update::<InvoiceItem>(ctx.scope(), &item_id)
                    .await?
                    .filter(|item| item.customer == customer.id)
                    .ok_or_else(|| missing_reference("invoiceitem", &item_id, &param))?;
                if item.invoice.is_some() || item.currency != invoice.currency {
                    return Err(ApiError::invalid_request(format!(
                        "Invoice item {item_id} must be pending and in the invoice's currency ({}) to be added.",
                        invoice.currency
                    ))
                    .with_param(param));
                }
                item.invoice = Some(invoice.id.clone());
                tx.save(ctx.scope(), &item).await?;
            }
            None => {
                let params = InvoiceItemCreate {
                    amount: line.amount,
                    currency: Some(invoice.currency.clone()),
                    description: line.description,
                    discountable: line.discountable,
                    discounts: line.discounts,
                    metadata: line.metadata,
                    period: line.period,
                    price_data: line.price_data,
                    pricing: line.pricing,
                    quantity: line.quantity,
                    tax_rates: line.tax_rates,
                    ..InvoiceItemCreate::default()
                };
                let item = invoice_items::build(&ctx, tx, params, &customer, Some(&invoice), None).await?;
                tx.create(ctx.scope(), &item).await?;
                respond::emit(&ctx, tx, "invoiceitem.created", &item, None).await?;
            }
        }
    }
    let items = drafts::items_on(&ctx, tx, &invoice).await?;
    drafts::refresh(&ctx, tx, &mut invoice, &items).await?;
    tx.save(ctx.scope(), &invoice).await?;
    respond::emit(&ctx, tx, "invoice.updated", &invoice, Some(&before)).await?;
    respond::object(&ctx, tx, &invoice, &expand).await
}

/// https://docs.stripe.com/api/invoices/remove_lines: lines of invoice items only; each item is deleted or goes
/// back to pending (`behavior=unassign`).
pub async fn remove_lines(
    ctx: Ctx,
    Path(id): Path<String>,
    Params { params, expand }: Params<RemoveLines>,
) -> ApiResult {
    let mut tx = ctx.tx().await;
    let tx: &mut dyn Tx = &mut **tx;
    let mut invoice = load(&ctx, tx, &id).await?;
    customer_of(&ctx, tx, &invoice).await?;
    if invoice.status != Status::Draft {
        return Err(not_editable(format!("Invoice {id} is no longer a draft: its lines can no longer change.")));
    }
    let lines = params.lines.filter(|lines| !lines.is_empty()).ok_or_else(|| ParamError::missing("lines"))?;
    let before = respond::wire(&invoice)?;
    for (index, line) in lines.iter().enumerate() {
        let param = format!("lines[{index}][id]");
        let item_id = invoice
            .lines
            .data
            .iter()
            .find(|l| l.id == line.id)
            .ok_or_else(|| missing_reference("line item", &line.id, &param))?
            .parent
            .pointer("/invoice_item_details/invoice_item")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| {
                ApiError::invalid_request(format!(
                    "Line {} bills a subscription item, not an invoice item, and cannot be removed.",
                    line.id
                ))
                .with_param(param.clone())
            })?;
        let Some(mut item) = tx.load_for_update::<InvoiceItem>(ctx.scope(), &item_id).await? else { continue };
        match line.behavior {
            RemoveBehavior::Delete => {
                tx.remove(ctx.scope(), &item).await?;
                respond::emit(&ctx, tx, "invoiceitem.deleted", &item, None).await?;
            }
            RemoveBehavior::Unassign => {
                item.invoice = None;
                tx.save(ctx.scope(), &item).await?;
            }
        }
    }
    let items = drafts::items_on(&ctx, tx, &invoice).await?;
    drafts::refresh(&ctx, tx, &mut invoice, &items).await?;
    tx.save(ctx.scope(), &invoice).await?;
    respond::emit(&ctx, tx, "invoice.updated", &invoice, Some(&before)).await?;
    respond::object(&ctx, tx, &invoice, &expand).await
}
