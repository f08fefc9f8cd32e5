//! Stripe objects as Rust types. Each serializes to exactly the JSON Stripe returns (every field of
//! `stripe-fixtures3.json`, null where Portico has no value), and that JSON is also how the store keeps it.

pub mod account;
pub mod address;
pub mod billing_portal;
pub mod charge;
pub mod coupon;
pub mod customer;
pub mod discount;
pub mod event;
pub mod invoice;
pub mod invoice_item;
pub mod payment_intent;
pub mod payment_method;
pub mod price;
pub mod product;
pub mod promotion_code;
pub mod setup_intent;
pub mod subscription;
pub mod subscription_schedule;
pub mod tax_id;
pub mod tax_rate;
pub mod test_clock;
pub mod webhook_delivery;
pub mod webhook_endpoint;

use serde::Serialize;
use serde::de::DeserializeOwned;

pub use account::Account;
pub use address::{Address, Shipping};
pub use charge::Charge;
pub use coupon::Coupon;
pub use customer::Customer;
pub use discount::Discount;
pub use event::Event;
pub use invoice::Invoice;
pub use invoice_item::InvoiceItem;
pub use payment_intent::PaymentIntent;
pub use payment_method::PaymentMethod;
pub use price::Price;
pub use product::Product;
pub use promotion_code::PromotionCode;
pub use setup_intent::SetupIntent;
pub use subscription::Subscription;
pub use tax_id::TaxId;
pub use tax_rate::TaxRate;
pub use test_clock::TestClock;

/// The top-level key under which objects keep engine bookkeeping in their stored document; responses and
/// events never show it.
pub const HIDDEN: &str = "portico";

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
    /// The test clock whose time the object lives on.
    fn test_clock(&self) -> Option<&str> {
        None
    }
    /// When the billing engine must next process the object (a renewal, a finalization, a payment retry).
    fn due_at(&self) -> Option<crate::Timestamp> {
        None
    }
    /// The work queue the object's due work waits in: its test clock's, the webhook worker's, or `None` for the
    /// wall clock's billing work.
    fn queue(&self) -> Option<&str> {
        self.test_clock()
    }
}

/// A list embedded in its parent object (a subscription's `items`, an invoice's `lines`), in Stripe's list
/// envelope; `url` is where the full list is fetched.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct EmbeddedList<T> {
    pub object: String,
    pub data: Vec<T>,
    pub has_more: bool,
    pub total_count: i64,
    pub url: String,
}

impl<T> EmbeddedList<T> {
    pub fn new(url: String, data: Vec<T>) -> Self {
        Self { object: "list".into(), total_count: data.len() as i64, data, has_more: false, url }
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
