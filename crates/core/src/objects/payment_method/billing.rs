//! `billing_details`: who pays with the payment method and where they live.

use serde::{Deserialize, Serialize};

use crate::objects::Address;
use crate::patch::Patch;

/// Unlike a customer's `address`, a payment method's `billing_details.address` is always an object whose
/// members are null when unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingDetails {
    pub address: Address,
    pub email: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub tax_id: Option<String>,
}

/// `billing_details[…]`: each member may be absent (kept), `""` (cleared) or set; the address merges member
/// by member, as Stripe merges nested hashes.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BillingDetailsParams {
    #[serde(default)]
    pub address: Patch<AddressParams>,
    #[serde(default)]
    pub email: Patch<String>,
    #[serde(default)]
    pub name: Patch<String>,
    #[serde(default)]
    pub phone: Patch<String>,
    #[serde(default)]
    pub tax_id: Patch<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddressParams {
    #[serde(default)]
    pub city: Patch<String>,
    #[serde(default)]
    pub country: Patch<String>,
    #[serde(default)]
    pub line1: Patch<String>,
    #[serde(default)]
    pub line2: Patch<String>,
    #[serde(default)]
    pub postal_code: Patch<String>,
    #[serde(default)]
    pub state: Patch<String>,
}

impl BillingDetailsParams {
    /// Whether an address line and a postal code were given: the card's address checks then have something
    /// to verify.
    pub fn address_parts(&self) -> (bool, bool) {
        match &self.address {
            Patch::Set(address) => {
                (matches!(address.line1, Patch::Set(_)), matches!(address.postal_code, Patch::Set(_)))
            }
            _ => (false, false),
        }
    }
}

impl BillingDetails {
    /// Applies `billing_details` parameters on top of the current details.
    pub fn apply(&mut self, params: BillingDetailsParams) {
        match params.address {
            Patch::Absent => {}
            Patch::Clear => self.address = Address::default(),
            Patch::Set(address) => {
                address.city.apply_to(&mut self.address.city);
                address.country.apply_to(&mut self.address.country);
                address.line1.apply_to(&mut self.address.line1);
                address.line2.apply_to(&mut self.address.line2);
                address.postal_code.apply_to(&mut self.address.postal_code);
                address.state.apply_to(&mut self.address.state);
            }
        }
        params.email.apply_to(&mut self.email);
        params.name.apply_to(&mut self.name);
        params.phone.apply_to(&mut self.phone);
        params.tax_id.apply_to(&mut self.tax_id);
    }
}
