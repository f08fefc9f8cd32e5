//! Every /v1 route in one table.

use axum::Router;
use axum::extract::Request;
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::{get, post};

use crate::context::api_layer;
use crate::error::ApiError;
use crate::resources::billing_portal::{configurations as portal_configurations, sessions as portal_sessions};
use crate::resources::{
    accounts, charges, coupons, customers, events, invoice_preview, invoices, payment_intents, payment_methods, prices,
    products, promotion_codes, setup_intents, subscription_items, subscription_pause, subscription_schedules,
    subscriptions, tax_ids, tax_rates, test_clocks,
};
use crate::resources::{discounts, invoice_drafts, invoice_items, invoice_lines, webhook_endpoints};
use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    let v1 = Router::new()
        .route("/v1/account", get(accounts::retrieve_current))
        .route("/v1/accounts", post(accounts::create).get(accounts::list))
        .route("/v1/accounts/{id}", get(accounts::retrieve).post(accounts::update).delete(accounts::delete))
        .route(
            "/v1/billing_portal/configurations",
            post(portal_configurations::create).get(portal_configurations::list),
        )
        .route(
            "/v1/billing_portal/configurations/{id}",
            get(portal_configurations::retrieve).post(portal_configurations::update),
        )
        .route("/v1/billing_portal/sessions", post(portal_sessions::create))
        .route("/v1/charges", get(charges::list))
        .route("/v1/charges/{id}", get(charges::retrieve))
        .route("/v1/coupons", post(coupons::create).get(coupons::list))
        .route("/v1/coupons/{id}", get(coupons::retrieve).post(coupons::update).delete(coupons::delete))
        .route("/v1/customers", post(customers::create).get(customers::list))
        .route("/v1/customers/search", get(customers::search))
        .route("/v1/customers/{id}", get(customers::retrieve).post(customers::update).delete(customers::delete))
        .route("/v1/customers/{id}/payment_methods", get(payment_methods::list_for_customer))
        .route("/v1/customers/{id}/payment_methods/{payment_method}", get(payment_methods::retrieve_for_customer))
        .route("/v1/customers/{id}/tax_ids", post(tax_ids::create).get(tax_ids::list))
        .route("/v1/customers/{id}/tax_ids/{tax_id}", get(tax_ids::retrieve).delete(tax_ids::delete))
        .route("/v1/events", get(events::list))
        .route("/v1/events/{id}", get(events::retrieve))
        .route("/v1/payment_intents", post(payment_intents::create).get(payment_intents::list))
        .route("/v1/payment_intents/{id}", get(payment_intents::retrieve))
        .route("/v1/payment_intents/{id}/confirm", post(payment_intents::confirm))
        .route("/v1/payment_methods", post(payment_methods::create).get(payment_methods::list))
        .route("/v1/payment_methods/{id}", get(payment_methods::retrieve).post(payment_methods::update))
        .route("/v1/payment_methods/{id}/attach", post(payment_methods::attach))
        .route("/v1/payment_methods/{id}/detach", post(payment_methods::detach))
        .route("/v1/prices", post(prices::create).get(prices::list))
        .route("/v1/prices/search", get(prices::search))
        .route("/v1/prices/{id}", get(prices::retrieve).post(prices::update))
        .route("/v1/products", post(products::create).get(products::list))
        .route("/v1/products/search", get(products::search))
        .route("/v1/products/{id}", get(products::retrieve).post(products::update).delete(products::delete))
        .route("/v1/promotion_codes", post(promotion_codes::create).get(promotion_codes::list))
        .route("/v1/promotion_codes/{id}", get(promotion_codes::retrieve).post(promotion_codes::update))
        .route("/v1/setup_intents", post(setup_intents::create).get(setup_intents::list))
        .route("/v1/setup_intents/{id}", get(setup_intents::retrieve).post(setup_intents::update))
        .route("/v1/setup_intents/{id}/cancel", post(setup_intents::cancel))
        .route("/v1/setup_intents/{id}/confirm", post(setup_intents::confirm))
        .route("/v1/invoices", get(invoices::list))
        .route("/v1/invoices/{id}", get(invoices::retrieve))
        .route("/v1/invoices/{id}/finalize", post(invoices::finalize))
        .route("/v1/invoices/{id}/lines", get(invoices::lines))
        .route("/v1/invoices/{id}/mark_uncollectible", post(invoices::mark_uncollectible))
        .route("/v1/invoices/{id}/pay", post(invoices::pay))
        .route("/v1/invoices/{id}/void", post(invoices::void))
        .route("/v1/invoices", post(invoice_drafts::create))
        .route("/v1/invoices/{id}", post(invoice_drafts::update).delete(invoice_drafts::delete))
        .route("/v1/invoices/{id}/add_lines", post(invoice_lines::add_lines))
        .route("/v1/invoices/{id}/remove_lines", post(invoice_lines::remove_lines))
        .route("/v1/invoices/{id}/send", post(invoice_drafts::send))
        .route("/v1/invoiceitems", post(invoice_items::create).get(invoice_items::list))
        .route(
            "/v1/invoiceitems/{id}",
            get(invoice_items::retrieve).post(invoice_items::update).delete(invoice_items::delete),
        )
        .route("/v1/subscriptions/{id}/discount", axum::routing::delete(discounts::subscription_delete))
        .route("/v1/invoices/create_preview", post(invoice_preview::create_preview))
        .route("/v1/subscription_items", post(subscription_items::create).get(subscription_items::list))
        .route(
            "/v1/subscription_items/{id}",
            get(subscription_items::retrieve).post(subscription_items::update).delete(subscription_items::delete),
        )
        .route("/v1/subscription_schedules", post(subscription_schedules::create).get(subscription_schedules::list))
        .route(
            "/v1/subscription_schedules/{id}",
            get(subscription_schedules::retrieve).post(subscription_schedules::update),
        )
        .route("/v1/subscription_schedules/{id}/cancel", post(subscription_schedules::cancel))
        .route("/v1/subscription_schedules/{id}/release", post(subscription_schedules::release))
        .route("/v1/subscriptions", post(subscriptions::create).get(subscriptions::list))
        .route("/v1/subscriptions/{id}/pause", post(subscription_pause::pause))
        .route("/v1/subscriptions/{id}/resume", post(subscription_pause::resume))
        .route(
            "/v1/subscriptions/{id}",
            get(subscriptions::retrieve).post(subscriptions::update).delete(subscriptions::cancel),
        )
        .route("/v1/test_helpers/test_clocks", post(test_clocks::create).get(test_clocks::list))
        .route("/v1/webhook_endpoints", post(webhook_endpoints::create).get(webhook_endpoints::list))
        .route(
            "/v1/webhook_endpoints/{id}",
            get(webhook_endpoints::retrieve).post(webhook_endpoints::update).delete(webhook_endpoints::delete),
        )
        .route("/v1/test_helpers/test_clocks/{id}", get(test_clocks::retrieve).delete(test_clocks::delete))
        .route("/v1/test_helpers/test_clocks/{id}/advance", post(test_clocks::advance))
        .route("/v1/tax_rates", post(tax_rates::create).get(tax_rates::list))
        .route("/v1/tax_rates/{id}", get(tax_rates::retrieve).post(tax_rates::update))
        .route("/v1/test_helpers/payment_intents/{id}/authenticate", post(payment_intents::authenticate))
        .route("/v1/test_helpers/setup_intents/{id}/authenticate", post(setup_intents::authenticate))
        .fallback(unrecognized)
        // A known path with a method it does not take (`DELETE /v1/prices/{id}`) is also Stripe's 404.
        .method_not_allowed_fallback(unrecognized);
    v1.layer(middleware::from_fn_with_state(state.clone(), api_layer)).with_state(state)
}

async fn unrecognized(request: Request) -> impl IntoResponse {
    ApiError::unrecognized_url(request.method().as_str(), request.uri().path())
}
