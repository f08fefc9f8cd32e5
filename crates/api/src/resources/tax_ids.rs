//! Tax ids (being written).

use portico_store::Tx;

use crate::context::Ctx;
use crate::error::ApiError;

pub async fn create_for(_ctx: &Ctx, _tx: &mut dyn Tx, _customer: &str, _kind: &str, _value: &str, param: &str) -> Result<(), ApiError> {
    Err(ApiError::invalid_request("tax ids are not available yet").with_param(param))
}
