//! Payment methods (being written).

use portico_store::Tx;

use crate::context::Ctx;
use crate::error::ApiError;

/// Attaches a payment method to a customer as part of another request (customer create's `payment_method`).
pub async fn attach_to_customer(_ctx: &Ctx, _tx: &mut dyn Tx, pm: &str, _customer: &str, param: &str) -> Result<(), ApiError> {
    Err(ApiError::no_such("PaymentMethod", pm, param))
}
