//! The billing-information page (`/p/billing`): the customer edits exactly the details the configuration's
//! `features.customer_update.allowed_updates` lists, and adds or removes tax ids when `tax_id` is among them.
//!
//! Every change goes through the API's own logic (`POST /v1/customers/{id}`, tax id create and delete) in the
//! visit's one transaction, so the validation and the events are the API's. A refused form rolls back and is
//! shown again with each error next to its input and what was typed kept.

mod fields;
pub(crate) mod regions;
mod tax_ids;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use portico_api::AppState;
use portico_api::resources::{customers, tax_ids as api_tax_ids};
use portico_core::objects::billing_portal::configuration::features::CustomerField;
use portico_core::objects::billing_portal::session::flow::FlowType;
use portico_core::objects::tax_id::TaxId;
use portico_store::{ListQuery, TxExt};

use self::fields::{Errors, Group};
use self::regions::Choices;
use crate::context::Visit;
use crate::form;
use crate::i18n::Lang;
use crate::refusal::Refusal;
use crate::render::{self, Chrome, Page};

/// More tax ids than any customer has: the page lists them all.
const MAX_TAX_IDS: u32 = 100;

#[derive(Template)]
#[template(path = "billing.html")]
struct Billing {
    chrome: Chrome,
    notice: Option<String>,
    /// Every error of the refused form, for the summary at the top.
    summary: Vec<Summary>,
    groups: Vec<Group>,
    countries: Choices,
    tax_ids: Option<TaxIds>,
}

impl Page for Billing {
    fn chrome(&self) -> &Chrome {
        &self.chrome
    }
}

struct TaxIds {
    rows: Vec<tax_ids::Row>,
    draft: tax_ids::Draft,
    types: Choices,
}

impl fields::Field {
    /// Whether country `code` is this (country) input's value.
    fn selected(&self, code: &str) -> bool {
        self.value.eq_ignore_ascii_case(code)
    }
}

/// The form the page shows: the customer's details as stored, or a refused submission as typed.
enum Shown<'a> {
    Stored { notice: Option<String> },
    Details { form: &'a form::Form, errors: Errors },
    TaxId { draft: tax_ids::Draft, errors: Errors },
}

/// What the customer may edit here, or a 404 when the configuration lets them edit nothing (the home page
/// does not link the page then).
fn allowed(visit: &Visit) -> Result<Vec<CustomerField>, Refusal> {
    // A deep link into another task shows only that task.
    if crate::flows::active(visit).is_some_and(|flow| flow.kind != FlowType::CustomerUpdate) {
        return Err(Refusal::not_found());
    }
    let update = &visit.configuration.features.customer_update;
    if update.enabled && !update.allowed_updates.is_empty() {
        Ok(update.allowed_updates.clone())
    } else {
        Err(Refusal::not_found())
    }
}

fn answer(result: Result<Response, Refusal>) -> Response {
    result.unwrap_or_else(IntoResponse::into_response)
}

fn now() -> i64 {
    portico_api::context::unix_now()
}

/// `GET /p/billing`
pub async fn show(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    answer(show_page(&state, &headers, &uri).await)
}

async fn show_page(state: &AppState, headers: &HeaderMap, uri: &Uri) -> Result<Response, Refusal> {
    let visit = Visit::begin(state, headers, now()).await?;
    let allowed = allowed(&visit)?;
    let done = uri.query().and_then(|q| form::Form::parse(q.as_bytes()).get("done").map(str::to_owned));
    let notice = match done.as_deref() {
        Some("tax-id-added") => Some(visit.lang.t("billing-tax-id-added")),
        Some("tax-id-removed") => Some(visit.lang.t("billing-tax-id-removed")),
        _ => None,
    };
    page(visit, &allowed, StatusCode::OK, Shown::Stored { notice }).await
}

/// `POST /p/billing`: saves the customer's details, then back to the home page with a notice.
pub async fn save(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    answer(save_details(&state, &headers, &body).await)
}

async fn save_details(state: &AppState, headers: &HeaderMap, body: &Bytes) -> Result<Response, Refusal> {
    let mut visit = Visit::begin(state, headers, now()).await?;
    let form = form::checked(&visit, body)?;
    let allowed = allowed(&visit)?;
    if !fields::any(&allowed) {
        return Err(Refusal::not_found());
    }
    let lang = visit.lang.clone();
    let checked = fields::update(&lang, &allowed, &form).and_then(|params| {
        // The customer's own validation on a copy first, to report its refusal beside the form's.
        let mut copy = visit.customer.clone();
        match copy.update(clone_update(&params)) {
            Ok(()) => Ok(params),
            Err(error) => Err(fields::param_error(&lang, error)),
        }
    });
    let outcome = match checked {
        Ok(params) => {
            let id = visit.customer.id.clone();
            let updated = visit
                .command(async move |ctx| {
                    let mut tx = ctx.tx().await;
                    customers::update_customer(ctx, &mut **tx, &id, params).await
                })
                .await;
            updated.map_err(|error| fields::api_error(&lang, &error))
        }
        Err(errors) => Err(errors),
    };
    match outcome {
        Ok(_) => {
            let home = Chrome::of(&visit).root;
            // In a `customer_update` deep link, what follows is the flow's `after_completion`.
            let response =
                crate::flows::finish(&mut visit, "billing_updated", &format!("{home}?updated=billing")).await?;
            visit.commit().await?;
            Ok(response)
        }
        Err(errors) => refused(visit, state, headers, Shown::Details { form: &form, errors }).await,
    }
}

/// `POST /p/billing/tax-ids`: adds a tax id, then back to this page.
pub async fn add_tax_id(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    answer(add(&state, &headers, &body).await)
}

async fn add(state: &AppState, headers: &HeaderMap, body: &Bytes) -> Result<Response, Refusal> {
    let mut visit = Visit::begin(state, headers, now()).await?;
    let form = form::checked(&visit, body)?;
    if !allowed(&visit)?.contains(&CustomerField::TaxId) {
        return Err(Refusal::not_found());
    }
    let lang = visit.lang.clone();
    let draft = tax_ids::Draft::typed(&form);
    let missing = tax_ids::missing(&lang, &form);
    if !missing.is_empty() {
        return refused(visit, state, headers, Shown::TaxId { draft, errors: missing }).await;
    }
    let (customer, kind, value) =
        (visit.customer.id.clone(), form.get(tax_ids::TYPE).unwrap_or_default(), form.typed(tax_ids::VALUE));
    let created = visit
        .command(async |ctx| {
            let mut tx = ctx.tx().await;
            api_tax_ids::create_for(ctx, &mut **tx, &customer, kind, value, "").await
        })
        .await;
    match created {
        Ok(_) => {
            let root = Chrome::of(&visit).root;
            visit.commit().await?;
            Ok(render::see_other(&format!("{root}billing?done=tax-id-added")))
        }
        Err(error) => {
            let errors = tax_ids::api_error(&lang, kind, &error);
            refused(visit, state, headers, Shown::TaxId { draft, errors }).await
        }
    }
}

/// `POST /p/billing/tax-ids/{id}/delete`: removes one of the customer's tax ids (any other id: 404).
pub async fn remove_tax_id(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer(remove(&state, &id, &headers, &body).await)
}

async fn remove(state: &AppState, id: &str, headers: &HeaderMap, body: &Bytes) -> Result<Response, Refusal> {
    let mut visit = Visit::begin(state, headers, now()).await?;
    form::checked(&visit, body)?;
    if !allowed(&visit)?.contains(&CustomerField::TaxId) {
        return Err(Refusal::not_found());
    }
    let customer = visit.customer.id.clone();
    let removed = visit
        .command(async |ctx| {
            let mut tx = ctx.tx().await;
            api_tax_ids::delete_for(ctx, &mut **tx, &customer, id).await
        })
        .await;
    match removed {
        Ok(_) => {
            let root = Chrome::of(&visit).root;
            visit.commit().await?;
            Ok(render::see_other(&format!("{root}billing?done=tax-id-removed")))
        }
        // Another customer's id, another account's, or none at all: the same 404.
        Err(error) if error.code == Some("resource_missing") => Err(Refusal::not_found()),
        Err(error) => Err(Refusal::failed(error.message)),
    }
}

/// A refused form: what the visit did is rolled back, and a fresh visit shows the form again (400).
async fn refused(visit: Visit, state: &AppState, headers: &HeaderMap, shown: Shown<'_>) -> Result<Response, Refusal> {
    drop(visit);
    let visit = Visit::begin(state, headers, now()).await?;
    let allowed = allowed(&visit)?;
    page(visit, &allowed, StatusCode::BAD_REQUEST, shown).await
}

async fn page(
    mut visit: Visit,
    allowed: &[CustomerField],
    status: StatusCode,
    shown: Shown<'_>,
) -> Result<Response, Refusal> {
    let lang = visit.lang.clone();
    let (typed, errors, draft, notice) = match shown {
        Shown::Stored { notice } => (None, Errors::new(), tax_ids::Draft::default(), notice),
        Shown::Details { form, errors } => (Some(form), errors, tax_ids::Draft::default(), None),
        Shown::TaxId { draft, errors } => (None, errors, draft, None),
    };
    let customer = &visit.customer;
    let value = |name: &str| match typed {
        Some(form) => form.typed(name).to_owned(),
        None => fields::current(customer, name),
    };
    let groups = fields::groups(&lang, allowed, value, &errors);
    let summary = summary(&lang, &groups, &errors);
    let tax_ids = if allowed.contains(&CustomerField::TaxId) {
        let query = ListQuery { limit: MAX_TAX_IDS, customer: Some(visit.customer.id.clone()), ..ListQuery::default() };
        let scope = visit.scope.clone();
        let (stored, _) = visit.tx().list_typed::<TaxId>(&scope, &query).await?;
        Some(TaxIds {
            rows: stored.iter().map(|tax_id| tax_ids::row(&lang, tax_id)).collect(),
            draft: draft.with(errors),
            types: tax_ids::types(lang.tag()),
        })
    } else {
        None
    };
    let page = Billing {
        chrome: Chrome::of(&visit),
        notice,
        summary,
        groups,
        countries: regions::countries(lang.tag()),
        tax_ids,
    };
    visit.commit().await?;
    Ok(render::html(status, &page))
}

/// One line of the error summary: the input it links to (none for a form-wide error), which input that is in
/// words ("Shipping · Address line 1:"), and the error.
struct Summary {
    input: String,
    field: String,
    message: String,
}

/// Every error for the summary at the top, in the order of the inputs on the page, a form-wide one first.
fn summary(lang: &Lang, groups: &[Group], errors: &Errors) -> Vec<Summary> {
    let mut fields: Vec<(&str, String)> = Vec::new();
    for group in groups {
        for field in &group.fields {
            // Address lines repeat between billing and shipping: name the group too.
            let name = if group.id == "contact" {
                field.label.clone()
            } else {
                format!("{} · {}", group.legend, field.label)
            };
            fields.push((field.name, name));
        }
    }
    fields.push((tax_ids::TYPE, lang.t("billing-tax-id-type")));
    fields.push((tax_ids::VALUE, lang.t("billing-tax-id-value")));
    let mut summary: Vec<(usize, Summary)> = errors
        .iter()
        .map(|(name, message)| {
            let at = fields.iter().position(|(n, _)| n == name);
            let field = at.map(|at| lang.t1("billing-error-in", "field", &fields[at].1)).unwrap_or_default();
            let input = if at.is_some() { (*name).to_owned() } else { String::new() };
            (at.map_or(0, |at| at + 1), Summary { input, field, message: message.clone() })
        })
        .collect();
    summary.sort_by_key(|(at, _)| *at);
    summary.into_iter().map(|(_, line)| line).collect()
}

/// `CustomerUpdate` is not `Clone`; the form sets only these fields of it.
fn clone_update(
    params: &portico_core::objects::customer::CustomerUpdate,
) -> portico_core::objects::customer::CustomerUpdate {
    portico_core::objects::customer::CustomerUpdate {
        address: params.address.clone(),
        email: params.email.clone(),
        name: params.name.clone(),
        phone: params.phone.clone(),
        shipping: params.shipping.clone(),
        ..Default::default()
    }
}
