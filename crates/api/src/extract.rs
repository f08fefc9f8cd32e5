//! `Params<T>` and `ListParams<F>`: request parameters decoded with Stripe's form rules, rejected with
//! Stripe's errors (`parameter_unknown`, `parameter_missing`, … with `param`).

use axum::body::to_bytes;
use axum::extract::{FromRequest, Request};
use axum::http::Method;
use portico_store::{Created, ListQuery};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::form::{self, FormMap, FormValue};

/// Decoded parameters plus the `expand[]` paths that came with them.
pub struct Params<T> {
    pub params: T,
    pub expand: Vec<String>,
}

/// List parameters: Stripe's paging (`limit`, `starting_after`, `ending_before`, `created`) and the
/// endpoint's own filters `F`.
pub struct ListParams<F> {
    pub page: ListQuery,
    pub filters: F,
    pub expand: Vec<String>,
}

/// An endpoint that takes no parameters besides `expand[]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

/// GET and DELETE carry parameters in the query string, POST in the form-encoded body.
async fn form_of(request: Request) -> Result<FormMap, ApiError> {
    if request.method() == Method::GET || request.method() == Method::DELETE || request.method() == Method::HEAD {
        let query = request.uri().query().unwrap_or("").to_owned();
        return Ok(form::parse(query.as_bytes())?);
    }
    let body = to_bytes(request.into_body(), usize::MAX).await.map_err(ApiError::internal)?;
    Ok(form::parse(&body)?)
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, _: &S) -> Result<Self, Self::Rejection> {
        let mut map = form_of(request).await?;
        let expand = form::take_expand(&mut map)?;
        Ok(Params { params: form::decode(map)?, expand })
    }
}

impl<S: Send + Sync, F: DeserializeOwned> FromRequest<S> for ListParams<F> {
    type Rejection = ApiError;

    async fn from_request(request: Request, _: &S) -> Result<Self, Self::Rejection> {
        let mut map = form_of(request).await?;
        let expand = form::take_expand(&mut map)?;
        let page = take_page(&mut map)?;
        Ok(ListParams { page, filters: form::decode(map)?, expand })
    }
}

fn take(map: &mut FormMap, name: &str) -> Option<FormValue> {
    let index = map.iter().position(|(key, _)| key == name)?;
    Some(map.remove(index).1)
}

fn string(value: FormValue, param: &str) -> Result<String, ApiError> {
    match value {
        FormValue::Str(s) => Ok(s),
        _ => Err(ApiError::invalid_request(format!("Invalid {param}: must be a string")).with_param(param)),
    }
}

fn integer(value: String, param: &str) -> Result<i64, ApiError> {
    value.parse().map_err(|_| {
        let mut error = ApiError::invalid_request(format!("Invalid integer: {value}")).with_param(param);
        error.code = Some("parameter_invalid_integer");
        error
    })
}

fn take_page(map: &mut FormMap) -> Result<ListQuery, ApiError> {
    let mut page = ListQuery::default();
    if let Some(limit) = take(map, "limit") {
        let limit = integer(string(limit, "limit")?, "limit")?;
        if !(1..=100).contains(&limit) {
            return Err(ApiError::invalid_request(
                "This value must be greater than or equal to 1 and less than or equal to 100.",
            )
            .with_param("limit"));
        }
        page.limit = limit as u32;
    }
    for (name, slot) in [("starting_after", &mut page.starting_after), ("ending_before", &mut page.ending_before)] {
        if let Some(value) = take(map, name) {
            let value = string(value, name)?;
            if !value.is_empty() {
                *slot = Some(value);
            }
        }
    }
    if let Some(created) = take(map, "created") {
        page.created = created_filter(created, "created")?;
    }
    Ok(page)
}

/// `created=<ts>` (exact) or `created[gt|gte|lt|lte]=<ts>`; the same shape serves other timestamp filters.
pub fn created_filter(value: FormValue, param: &str) -> Result<Created, ApiError> {
    match value {
        FormValue::Str(exact) => {
            let at = integer(exact, param)?;
            Ok(Created { gte: Some(at), lte: Some(at), ..Created::default() })
        }
        FormValue::Map(entries) => {
            let mut created = Created::default();
            for (op, bound) in entries {
                let name = format!("{param}[{op}]");
                let bound = integer(string(bound, &name)?, &name)?;
                match op.as_str() {
                    "gt" => created.gt = Some(bound),
                    "gte" => created.gte = Some(bound),
                    "lt" => created.lt = Some(bound),
                    "lte" => created.lte = Some(bound),
                    _ => {
                        let mut error =
                            ApiError::invalid_request(format!("Received unknown parameter: {name}")).with_param(name);
                        error.code = Some("parameter_unknown");
                        return Err(error);
                    }
                }
            }
            Ok(created)
        }
        FormValue::List(_) => {
            Err(ApiError::invalid_request(format!("Invalid {param}: must be an integer or a hash")).with_param(param))
        }
    }
}
