//! Customer tax ids (`txi_`): https://docs.stripe.com/api/tax_ids/object

use serde::{Deserialize, Serialize};

use super::Object;
use crate::error::ParamError;
use crate::{Timestamp, ids, tax_id};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TaxId {
    pub id: String,
    pub object: String,
    pub country: Option<String>,
    pub created: Timestamp,
    pub customer: Option<String>,
    pub customer_account: Option<String>,
    pub livemode: bool,
    pub owner: Owner,
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
    pub verification: Option<Verification>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Owner {
    pub customer: Option<String>,
    pub customer_account: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Verification {
    pub status: String,
    pub verified_address: Option<String>,
    pub verified_name: Option<String>,
}

/// `POST /v1/customers/{id}/tax_ids`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxIdCreate {
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
}

impl Object for TaxId {
    const KIND: &'static str = "tax_id";
    const PREFIX: &'static str = "txi";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.created
    }
    fn customer(&self) -> Option<&str> {
        self.customer.as_deref()
    }
}

/// Types whose numbers Stripe verifies against a government registry.
const VERIFIED_TYPES: &[&str] = &["eu_vat", "gb_vat", "au_abn"];

/// Test mode's verification outcome, following Stripe's test numbers: a number whose digits are all 0 is
/// `verified`, all 1 is `unverified`, anything else stays `pending`; unverifiable types are `unavailable`.
fn verification_status(kind: &str, value: &str) -> &'static str {
    if !VERIFIED_TYPES.contains(&kind) {
        return "unavailable";
    }
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    if !digits.is_empty() && digits.bytes().all(|b| b == b'0') {
        "verified"
    } else if !digits.is_empty() && digits.bytes().all(|b| b == b'1') {
        "unverified"
    } else {
        "pending"
    }
}

impl TaxId {
    /// A tax id for `customer`, after checking the value's format for its type.
    pub fn create(params: TaxIdCreate, customer: &str, livemode: bool, now: Timestamp) -> Result<Self, ParamError> {
        let facts = tax_id::validate(&params.kind, &params.value)?;
        Ok(TaxId {
            id: ids::new_id(Self::PREFIX),
            object: Self::KIND.into(),
            country: facts.country,
            created: now,
            customer: Some(customer.to_owned()),
            customer_account: None,
            livemode,
            owner: Owner { customer: Some(customer.to_owned()), customer_account: None, kind: "customer".into() },
            verification: Some(Verification {
                status: verification_status(&params.kind, &facts.normalized_value).into(),
                verified_address: None,
                verified_name: None,
            }),
            kind: params.kind,
            value: facts.normalized_value,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eu_vat_ids_get_their_country_and_a_test_mode_verification_status() {
        let create = |value: &str| TaxIdCreate { kind: "eu_vat".into(), value: value.into() };
        let id = TaxId::create(create("DE123456789"), "cus_1", false, 0).unwrap();
        assert_eq!(id.country.as_deref(), Some("DE"));
        assert_eq!(id.verification.unwrap().status, "pending");
        assert_eq!(
            TaxId::create(create("DE000000000"), "cus_1", false, 0).unwrap().verification.unwrap().status,
            "verified"
        );
        assert_eq!(
            TaxId::create(create("DE111111111"), "cus_1", false, 0).unwrap().verification.unwrap().status,
            "unverified"
        );
    }

    #[test]
    fn a_malformed_value_is_tax_id_invalid() {
        let err =
            TaxId::create(TaxIdCreate { kind: "us_ein".into(), value: "12".into() }, "cus_1", false, 0).unwrap_err();
        assert_eq!(err.code.as_str(), Some("tax_id_invalid"));
        assert_eq!(err.param.as_deref(), Some("value"));
    }
}
