//! The portal's home page: every section the configuration enables, read-only here; each section links to
//! the page where the customer acts on it.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use portico_api::AppState;
use portico_core::objects::invoice::Invoice;
use portico_core::objects::payment_method::PaymentMethod;
use portico_core::objects::product::Product;
use portico_core::objects::subscription::Subscription;
use portico_core::objects::tax_id::TaxId;
use portico_store::{ListQuery, TxExt};

use crate::address_format;
use crate::context::Visit;
use crate::refusal::Refusal;
use crate::render::{self, Chrome, Page};
use crate::views::{self, InvoiceRow, PaymentMethodRow, SubscriptionRow};

/// Invoices listed on the home page; the invoices page has them all.
const RECENT_INVOICES: usize = 5;
/// A customer with more subscriptions than this is not one the portal is built for; the rest are not shown.
const MAX_SUBSCRIPTIONS: u32 = 100;

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    chrome: Chrome,
    subscriptions: Option<Vec<SubscriptionRow>>,
    payment_methods: Option<Vec<PaymentMethodRow>>,
    billing: Option<Billing>,
    invoices: Option<Vec<InvoiceRow>>,
    more_invoices: bool,
    /// What a form just did, after its redirect here (`?updated=billing`).
    notice: Option<String>,
}

impl Page for Home {
    fn chrome(&self) -> &Chrome {
        &self.chrome
    }
}

/// The billing information section: what the customer has on file.
struct Billing {
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    address: Vec<String>,
    shipping: Vec<String>,
    tax_ids: Vec<String>,
    editable: bool,
}

/// `GET /p/`
pub async fn show(State(state): State<AppState>, headers: HeaderMap, uri: axum::http::Uri) -> Response {
    match render(&state, &headers, uri.query().unwrap_or_default()).await {
        Ok(response) => response,
        Err(refusal) => refusal.into_response(),
    }
}

async fn render(state: &AppState, headers: &HeaderMap, query: &str) -> Result<Response, Refusal> {
    let mut visit = Visit::begin(state, headers, portico_api::context::unix_now()).await?;
    if let Some(flow) = crate::flows::active(&visit) {
        // A deep link shows only its task.
        let start = format!("{}{}", crate::cookie::portal_path(&visit.state.public_url), crate::flows::start_path(flow));
        visit.commit().await?;
        return Ok(render::see_other(&start));
    }
    let features = visit.configuration.features.clone();
    // Subscriptions always show (read-only when neither update nor cancel is enabled), as in Stripe's portal.
    let subscriptions = Some(subscriptions(&mut visit).await?);
    let payment_methods =
        if features.payment_method_update.enabled { Some(payment_methods(&mut visit).await?) } else { None };
    // Billing information shows read-only when customers may not edit it.
    let editable = features.customer_update.enabled && !features.customer_update.allowed_updates.is_empty();
    let billing = Some(billing(&mut visit, editable).await?);
    let (invoices, more_invoices) = if features.invoice_history.enabled {
        let (rows, more) = invoices(&mut visit).await?;
        (Some(rows), more)
    } else {
        (None, false)
    };
    let notice = notice(&visit.lang, query);
    let page =
        Home { chrome: Chrome::of(&visit), subscriptions, payment_methods, billing, invoices, more_invoices, notice };
    visit.commit().await?;
    Ok(render::html(StatusCode::OK, &page))
}

async fn subscriptions(visit: &mut Visit) -> Result<Vec<SubscriptionRow>, Refusal> {
    let query = ListQuery { limit: MAX_SUBSCRIPTIONS, customer: Some(visit.customer.id.clone()), ..ListQuery::default() };
    let scope = visit.scope.clone();
    let (subscriptions, _) = visit.tx().list_typed::<Subscription>(&scope, &query).await?;
    let on_behalf_of = visit.session.on_behalf_of.clone();
    let shown: Vec<Subscription> = subscriptions
        .into_iter()
        .filter(|sub| views::shown(sub) && (on_behalf_of.is_none() || sub.on_behalf_of == on_behalf_of))
        .collect();
    let mut products = BTreeMap::new();
    for item in shown.iter().flat_map(|sub| &sub.items.data) {
        if !products.contains_key(&item.price.product)
            && let Some(product) = visit.tx().load::<Product>(&scope, &item.price.product).await?
        {
            products.insert(product.id, product.name);
        }
    }
    let features = visit.configuration.features.clone();
    let mut rows = Vec::with_capacity(shown.len());
    for sub in &shown {
        let mut row = views::subscription_row(&visit.lang, sub, &products, &features);
        row.actions.update = row.actions.update && crate::subscription_update::offers_a_change(visit, sub).await?;
        rows.push(row);
    }
    Ok(rows)
}

async fn payment_methods(visit: &mut Visit) -> Result<Vec<PaymentMethodRow>, Refusal> {
    let query = ListQuery { limit: 100, customer: Some(visit.customer.id.clone()), ..ListQuery::default() };
    let scope = visit.scope.clone();
    let (methods, _) = visit.tx().list_typed::<PaymentMethod>(&scope, &query).await?;
    let default = visit.customer.invoice_settings.default_payment_method.clone();
    Ok(methods.iter().map(|pm| views::payment_method_row(&visit.lang, pm, default.as_deref())).collect())
}

async fn billing(visit: &mut Visit, editable: bool) -> Result<Billing, Refusal> {
    let customer = &visit.customer;
    let mut billing = Billing {
        name: customer.name.clone().filter(|name| !name.is_empty()),
        email: customer.email.clone().filter(|email| !email.is_empty()),
        phone: customer.phone.clone().filter(|phone| !phone.is_empty()),
        address: customer.address.as_ref().map(|a| address_format::lines(&visit.lang, a)).unwrap_or_default(),
        shipping: customer.shipping.as_ref().map(|s| views::shipping_lines(&visit.lang, s)).unwrap_or_default(),
        tax_ids: Vec::new(),
        editable,
    };
    let query = ListQuery { limit: 100, customer: Some(customer.id.clone()), ..ListQuery::default() };
    let scope = visit.scope.clone();
    let (tax_ids, _) = visit.tx().list_typed::<TaxId>(&scope, &query).await?;
    billing.tax_ids = tax_ids.into_iter().map(|t| t.value).collect();
    Ok(billing)
}

async fn invoices(visit: &mut Visit) -> Result<(Vec<InvoiceRow>, bool), Refusal> {
    let query = ListQuery { limit: 100, customer: Some(visit.customer.id.clone()), ..ListQuery::default() };
    let scope = visit.scope.clone();
    let (invoices, has_more) = visit.tx().list_typed::<Invoice>(&scope, &query).await?;
    let on_behalf_of = visit.session.on_behalf_of.clone();
    let shown: Vec<&Invoice> = invoices
        .iter()
        .filter(|inv| views::invoice_shown(inv) && (on_behalf_of.is_none() || inv.on_behalf_of == on_behalf_of))
        .collect();
    let more = has_more || shown.len() > RECENT_INVOICES;
    Ok((shown.into_iter().take(RECENT_INVOICES).map(|inv| views::invoice_row(&visit.lang, inv)).collect(), more))
}

/// What a form just did, from its redirect's query (`?updated=billing`, `?done=subscription_canceled`).
fn notice(lang: &crate::i18n::Lang, query: &str) -> Option<String> {
    query.split('&').find_map(|pair| match pair {
        "updated=billing" => Some(lang.t("billing-updated")),
        "done=subscription_updated" => Some(lang.t("done-subscription-updated")),
        "done=subscription_canceled" => Some(lang.t("done-subscription-canceled")),
        "done=subscription_cancel_scheduled" => Some(lang.t("done-subscription-cancel-scheduled")),
        "done=subscription_kept" => Some(lang.t("done-subscription-kept")),
        "done=subscription_paused" => Some(lang.t("done-subscription-paused")),
        "done=subscription_renewed" => Some(lang.t("done-subscription-renewed")),
        "done=subscription_resumed" => Some(lang.t("done-subscription-resumed")),
        _ => None,
    })
}
