//! `discounts[]` parameters (`{coupon}`, `{promotion_code}` or `{discount}`) turned into discounts, with Stripe's
//! refusals, and the discounting of invoices: the discount objects and tax rates the pure engine
//! (`portico_core::billing::discounts`) needs, loaded only when an invoice has discounts at all.

use portico_core::Patch;
use portico_core::billing::discounts::{self as engine, Attachment, RedeemError, Redemption};
use portico_core::objects::coupon::Coupon;
use portico_core::objects::customer::Customer;
use portico_core::objects::discount::Discount;
use portico_core::objects::invoice::{Invoice, Status as InvoiceStatus};
use portico_core::objects::promotion_code::PromotionCode;
use portico_core::objects::subscription::{DiscountParams, Subscription};
use portico_core::objects::{Charge, InvoiceItem, TaxRate};
use portico_store::{FieldFilter, ListQuery, Scalar, Tx, TxExt};

use crate::context::Ctx;
use crate::error::ApiError;
use crate::resources::{coupons, missing_reference};
use crate::respond;

/// Stripe's limit on the discounts of one object.
const MAX_DISCOUNTS: usize = 20;

/// What the discounts are for.
pub struct Target<'a> {
    pub customer: &'a Customer,
    /// The currency billed: an `amount_off` coupon needs an amount in it.
    pub currency: &'a str,
    /// `subscription`, `invoice` or `invoice item`, for messages.
    pub noun: &'static str,
    /// A subscription update: promotion codes with an amount minimum are refused.
    pub updating: bool,
    /// Discounts that `{discount}` may name: the object's own and its parents'.
    pub existing: &'a [String],
    /// The parameter naming the list (`discounts`), for errors.
    pub param: &'a str,
}

/// One `discounts[]` entry, checked.
#[derive(Debug)]
pub enum Resolved {
    /// A discount to create from a coupon, or from a promotion code whose amount minimum (if any) is checked
    /// against the first invoice by [`check_minimums`].
    New { discount: Box<Discount>, coupon: Box<Coupon>, code: Option<Box<PromotionCode>>, param: String },
    /// An existing discount, kept.
    Existing(Box<Discount>),
}

impl Resolved {
    pub fn id(&self) -> &str {
        match self {
            Resolved::New { discount, .. } | Resolved::Existing(discount) => &discount.id,
        }
    }

    fn coupon(&self) -> Option<&str> {
        match self {
            Resolved::New { discount, .. } | Resolved::Existing(discount) => discount.coupon(),
        }
    }
}

/// Checks the entries in order and makes the new discounts (attached as `attachment` says; not saved:
/// see [`save`]). Nothing is written, so a refusal changes nothing.
pub async fn resolve(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    entries: Vec<DiscountParams>,
    target: &Target<'_>,
    attachment: &Attachment,
) -> Result<Vec<Resolved>, ApiError> {
    if entries.len() > MAX_DISCOUNTS {
        return Err(ApiError::invalid_request(format!(
            "You can only apply up to {MAX_DISCOUNTS} discounts to one {}.",
            target.noun
        ))
        .with_param(target.param));
    }
    let mut prior: Option<bool> = None;
    let mut resolved: Vec<Resolved> = Vec::new();
    for (index, entry) in entries.into_iter().enumerate() {
        let at = format!("{}[{index}]", target.param);
        let one = match (entry.coupon, entry.promotion_code, entry.discount) {
            (Some(coupon), None, None) => {
                let param = format!("{at}[coupon]");
                let (coupon, deleted) = load_coupon(ctx, tx, &coupon, &param).await?;
                let redemption = redemption(target, false, ctx.now());
                engine::check_coupon(&coupon, deleted, &redemption).map_err(|e| refusal(e, &param))?;
                let discount = engine::redeem(&coupon, None, attachment.clone(), ctx.now());
                Resolved::New { discount: Box::new(discount), coupon: Box::new(coupon), code: None, param }
            }
            (None, Some(code), None) => {
                let param = format!("{at}[promotion_code]");
                let code = tx
                    .load_for_update::<PromotionCode>(ctx.scope(), &code)
                    .await?
                    .ok_or_else(|| missing_reference("promotion code", &code, &param))?;
                let coupon_id = code.promotion.coupon.clone().unwrap_or_default();
                let (coupon, deleted) = load_coupon(ctx, tx, &coupon_id, &param).await?;
                let has_prior = match prior {
                    Some(known) => known,
                    None if code.restrictions.first_time_transaction => {
                        let known = has_prior_transactions(ctx, tx, &target.customer.id).await?;
                        prior = Some(known);
                        known
                    }
                    None => false,
                };
                let redemption = redemption(target, has_prior, ctx.now());
                engine::check_promotion_code(&code, &coupon, deleted, &redemption).map_err(|e| refusal(e, &param))?;
                let discount = engine::redeem(&coupon, Some(&code.id), attachment.clone(), ctx.now());
                Resolved::New {
                    discount: Box::new(discount),
                    coupon: Box::new(coupon),
                    code: Some(Box::new(code)),
                    param,
                }
            }
            (None, None, Some(id)) => {
                let param = format!("{at}[discount]");
                let found = match target.existing.contains(&id) {
                    true => tx.load::<Discount>(ctx.scope(), &id).await?,
                    false => None,
                };
                Resolved::Existing(Box::new(found.ok_or_else(|| missing_reference("discount", &id, &param))?))
            }
            (None, None, None) => {
                return Err(ApiError::invalid_request(
                    "You must specify one of `coupon`, `promotion_code` or `discount` for each discount.",
                )
                .with_param(at));
            }
            _ => {
                return Err(ApiError::invalid_request(
                    "You may only specify one of these parameters: coupon, discount, promotion_code.",
                )
                .with_param(at));
            }
        };
        if let Some(coupon) = one.coupon()
            && resolved.iter().any(|other| other.coupon() == Some(coupon))
        {
            return Err(ApiError::invalid_request(format!(
                "The coupon `{coupon}` is already applied to this {}: a coupon can be applied only once.",
                target.noun
            ))
            .with_param(at));
        }
        resolved.push(one);
    }
    Ok(resolved)
}

fn redemption<'a>(target: &Target<'a>, has_prior_transactions: bool, now: i64) -> Redemption<'a> {
    Redemption {
        customer: &target.customer.id,
        has_prior_transactions,
        currency: target.currency,
        target: target.noun,
        updating: target.updating,
        now,
    }
}

/// A coupon for redeeming (locked, since its count goes up), or its last state if it was deleted.
async fn load_coupon(ctx: &Ctx, tx: &mut dyn Tx, id: &str, param: &str) -> Result<(Coupon, bool), ApiError> {
    if let Some(coupon) = tx.load_for_update::<Coupon>(ctx.scope(), id).await? {
        return Ok((coupon, false));
    }
    coupons::load_any(ctx, tx, id).await?.ok_or_else(|| missing_reference("coupon", id, param))
}

/// A refusal as Stripe words it, on the parameter that named the coupon or code.
fn refusal(error: RedeemError, param: &str) -> ApiError {
    let expired = matches!(error, RedeemError::CouponExpired(_));
    let mut api = ApiError::invalid_request(error.to_string()).with_param(param);
    if expired {
        api.code = Some("coupon_expired");
    }
    api
}

/// Whether the customer paid before: a succeeded charge, or a paid invoice with a positive total.
async fn has_prior_transactions(ctx: &Ctx, tx: &mut dyn Tx, customer: &str) -> Result<bool, ApiError> {
    let charges = ListQuery {
        limit: 1,
        customer: Some(customer.to_owned()),
        filters: vec![FieldFilter::eq("status", Scalar::Str("succeeded".into()))],
        ..ListQuery::default()
    };
    if !tx.list_typed::<Charge>(ctx.scope(), &charges).await?.0.is_empty() {
        return Ok(true);
    }
    let mut invoices = ListQuery {
        limit: 100,
        customer: Some(customer.to_owned()),
        filters: vec![FieldFilter::eq("status", Scalar::Str(InvoiceStatus::Paid.as_str().into()))],
        ..ListQuery::default()
    };
    loop {
        let (page, more) = tx.list_typed::<Invoice>(ctx.scope(), &invoices).await?;
        if page.iter().any(|invoice| invoice.total > 0) {
            return Ok(true);
        }
        if !more {
            return Ok(false);
        }
        invoices.starting_after = page.last().map(|invoice| invoice.id.clone());
    }
}

/// The promotion codes' amount minimums against the first invoice they discount (its subtotal, before
/// discounts and taxes).
pub fn check_minimums(resolved: &[Resolved], invoice: &Invoice) -> Result<(), ApiError> {
    for entry in resolved {
        if let Resolved::New { code: Some(code), param, .. } = entry {
            engine::check_minimum(code, &invoice.currency, invoice.subtotal).map_err(|e| refusal(e, param))?;
        }
    }
    Ok(())
}

/// Creates the new discounts and counts their redemptions on the coupons and promotion codes, in the request's
/// transaction. `attach` fills in what was not known at [`resolve`] (the new object's id).
pub async fn save(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    resolved: &mut [Resolved],
    attach: impl Fn(&mut Discount),
) -> Result<(), ApiError> {
    for entry in resolved.iter_mut() {
        let Resolved::New { discount, coupon, code, .. } = entry else { continue };
        attach(discount);
        tx.create(ctx.scope(), &**discount).await?;
        // Stripe's `customer.discount.*` events are about what a customer keeps paying with a discount (their
        // own or a subscription's); a discount on one invoice or invoice item has none.
        if discount.invoice.is_none() && discount.invoice_item.is_none() {
            respond::emit(ctx, tx, "customer.discount.created", &**discount, None).await?;
        }
        // A deleted coupon is never redeemed (it is refused first), so the live row is the one counted.
        coupon.record_redemption(ctx.now());
        tx.save(ctx.scope(), &**coupon).await?;
        if let Some(code) = code {
            code.record_redemption();
            tx.save(ctx.scope(), &**code).await?;
        }
    }
    Ok(())
}

/// The ids of the resolved discounts, in order.
pub fn ids(resolved: &[Resolved]) -> Vec<String> {
    resolved.iter().map(|r| r.id().to_owned()).collect()
}

/// Loads discounts by id, skipping any that no longer exist.
pub async fn load_all<'a>(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    ids: impl IntoIterator<Item = &'a String>,
) -> Result<Vec<Discount>, ApiError> {
    let mut found: Vec<Discount> = Vec::new();
    for id in ids {
        if found.iter().any(|d| &d.id == id) {
            continue;
        }
        if let Some(discount) = tx.load::<Discount>(ctx.scope(), id).await? {
            found.push(discount);
        }
    }
    Ok(found)
}

/// The tax rates a subscription's lines may use: its items' and its defaults.
pub fn subscription_rates(sub: &Subscription) -> Vec<TaxRate> {
    sub.items.data.iter().flat_map(|item| item.tax_rates.iter()).chain(&sub.default_tax_rates).cloned().collect()
}

/// Discounts a subscription's invoice (its first, or a renewal) with the subscription's discounts in force and its
/// lines' own, and drops used-up discounts from the subscription. `items` are the invoice items it bills. Reads
/// nothing when nothing is discounted.
pub async fn apply_to_subscription_invoice(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    sub: &mut Subscription,
    invoice: &mut Invoice,
    items: &[InvoiceItem],
) -> Result<(), ApiError> {
    let mut ids: Vec<String> = sub.discounts.clone();
    for line in &invoice.lines.data {
        ids.extend(line.discounts.iter().cloned());
    }
    if ids.is_empty() {
        return Ok(());
    }
    let all = load_all(ctx, tx, &ids).await?;
    let mut rates = subscription_rates(sub);
    rates.extend(items.iter().flat_map(InvoiceItem::rates));
    engine::apply_to_subscription_invoice(sub, invoice, &all, &rates);
    Ok(())
}

/// Discounts an invoice with its own discounts and its lines', given every tax rate its lines use.
pub async fn apply_to_invoice(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    invoice: &mut Invoice,
    rates: &[TaxRate],
) -> Result<(), ApiError> {
    let mut ids: Vec<String> = invoice.discounts.clone();
    for line in &invoice.lines.data {
        ids.extend(line.discounts.iter().cloned());
    }
    let all = if ids.is_empty() { Vec::new() } else { load_all(ctx, tx, &ids).await? };
    engine::apply(invoice, &all, rates);
    Ok(())
}

/// `discounts` of `POST /v1/subscriptions`, checked before the subscription exists (nothing is written).
pub async fn for_new_subscription(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    entries: Patch<Vec<DiscountParams>>,
    customer: &Customer,
    currency: &str,
) -> Result<Vec<Resolved>, ApiError> {
    let Patch::Set(entries) = entries else { return Ok(Vec::new()) };
    let target =
        Target { customer, currency, noun: "subscription", updating: false, existing: &[], param: "discounts" };
    resolve(ctx, tx, entries, &target, &attachment(customer)).await
}

/// Puts the discounts [`for_new_subscription`] resolved on the new subscription and its first invoice: the
/// promotion codes' minimums are checked against that invoice, the discounts are created and counted, and a
/// `once` discount is used up by the invoice at once.
pub async fn attach_to_new_subscription(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    mut resolved: Vec<Resolved>,
    sub: &mut Subscription,
    invoice: &mut Invoice,
) -> Result<(), ApiError> {
    if resolved.is_empty() {
        return Ok(());
    }
    check_minimums(&resolved, invoice)?;
    let id = sub.id.clone();
    save(ctx, tx, &mut resolved, |discount| discount.subscription = Some(id.clone())).await?;
    sub.discounts = ids(&resolved);
    apply_to_subscription_invoice(ctx, tx, sub, invoice, &[]).await
}

/// `discounts` of `POST /v1/subscriptions/{id}`: the list replaces the subscription's discounts (`""` removes
/// them all); `{discount}` keeps one it has. Discounts apply from the next invoice; nothing is prorated.
pub async fn replace_on_subscription(
    ctx: &Ctx,
    tx: &mut dyn Tx,
    entries: Patch<Vec<DiscountParams>>,
    sub: &mut Subscription,
    customer: &Customer,
) -> Result<(), ApiError> {
    let entries = match entries {
        Patch::Absent => return Ok(()),
        Patch::Clear => Vec::new(),
        Patch::Set(entries) => entries,
    };
    let existing = sub.discounts.clone();
    let target = Target {
        customer,
        currency: &sub.currency,
        noun: "subscription",
        updating: true,
        existing: &existing,
        param: "discounts",
    };
    let mut resolved = resolve(ctx, tx, entries, &target, &attachment(customer)).await?;
    let id = sub.id.clone();
    save(ctx, tx, &mut resolved, |discount| discount.subscription = Some(id.clone())).await?;
    sub.discounts = ids(&resolved);
    let gone: Vec<String> = existing.into_iter().filter(|id| !sub.discounts.contains(id)).collect();
    removed(ctx, tx, &gone).await.map(drop)
}

/// `customer.discount.deleted` for each of these discounts, just taken off the subscription they were on;
/// returns them.
pub async fn removed(ctx: &Ctx, tx: &mut dyn Tx, ids: &[String]) -> Result<Vec<Discount>, ApiError> {
    let discounts = load_all(ctx, tx, ids).await?;
    for discount in &discounts {
        respond::emit(ctx, tx, "customer.discount.deleted", discount, None).await?;
    }
    Ok(discounts)
}

/// A new discount of `customer` (the caller adds the object it is on).
pub fn attachment(customer: &Customer) -> Attachment {
    Attachment { customer: Some(customer.id.clone()), test_clock: customer.test_clock.clone(), ..Attachment::default() }
}
