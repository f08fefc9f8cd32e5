//! Every /v1 route in one table.

use axum::Router;
use axum::extract::Request;
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::{get, post};

use crate::context::api_layer;
use crate::error::ApiError;
use crate::resources::{accounts, customers, events};
use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    let v1 = Router::new()
        .route("/v1/account", get(accounts::retrieve_current))
        .route("/v1/accounts", post(accounts::create).get(accounts::list))
        .route("/v1/accounts/{id}", get(accounts::retrieve).post(accounts::update).delete(accounts::delete))
        .route("/v1/customers", post(customers::create).get(customers::list))
        .route("/v1/customers/search", get(customers::search))
        .route("/v1/customers/{id}", get(customers::retrieve).post(customers::update).delete(customers::delete))
        .route("/v1/events", get(events::list))
        .route("/v1/events/{id}", get(events::retrieve))
        .fallback(unrecognized);
    v1.layer(middleware::from_fn_with_state(state.clone(), api_layer)).with_state(state)
}

async fn unrecognized(request: Request) -> impl IntoResponse {
    ApiError::unrecognized_url(request.method().as_str(), request.uri().path())
}
