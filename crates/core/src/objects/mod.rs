//! Stripe objects as Rust types. Each serializes to exactly the JSON Stripe returns (every field of
//! `stripe-fixtures3.json`, null where Portico has no value), and that JSON is also how the store keeps it.

pub mod account;
pub mod address;
pub mod coupon;
pub mod customer;
pub mod event;
pub mod payment_method;
pub mod price;
pub mod product;
pub mod promotion_code;
pub mod setup_intent;
pub mod tax_id;

use serde::Serialize;
use serde::de::DeserializeOwned;

pub use account::Account;
pub use address::{Address, Shipping};
pub use coupon::Coupon;
pub use customer::Customer;
pub use event::Event;
pub use payment_method::PaymentMethod;
pub use price::Price;
pub use product::Product;
pub use promotion_code::PromotionCode;
pub use setup_intent::SetupIntent;
pub use tax_id::TaxId;

/// What the store needs to know about an object to keep it beside its indexed columns.
pub trait Object: Serialize + DeserializeOwned + Send + Sync {
    /// Stripe's `object` value, also the store's kind: `customer`, `price`, `event` …
    const KIND: &'static str;
    /// Stripe's id prefix for this kind, used to route `expand[]` and to validate ids.
    const PREFIX: &'static str;

    fn id(&self) -> &str;
    fn created(&self) -> crate::Timestamp;
    /// The customer this object belongs to, for per-customer queries and isolation.
    fn customer(&self) -> Option<&str> {
        None
    }
}

/// The `{id, object, deleted: true}` answer Stripe gives to a delete.
#[derive(Debug, Clone, Serialize)]
pub struct Deleted {
    pub id: String,
    pub object: &'static str,
    pub deleted: bool,
}

impl Deleted {
    pub fn of<T: Object>(object: &T) -> Self {
        Self { id: object.id().to_owned(), object: T::KIND, deleted: true }
    }
}
