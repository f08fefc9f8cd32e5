//! Products (`prod_`): https://docs.stripe.com/api/products/object

use serde::{Deserialize, Serialize};

use super::Object;
use crate::currency::empty_value;
use crate::error::{ParamCode, ParamError};
use crate::metadata::{self, Metadata};
use crate::patch::Patch;
use crate::{Timestamp, ids};

const MAX_IMAGES: usize = 8;
const MAX_FEATURES: usize = 15;
const MAX_FEATURE_NAME_CHARS: usize = 80;
const MAX_STATEMENT_DESCRIPTOR_CHARS: usize = 22;
const MAX_UNIT_LABEL_CHARS: usize = 12;
const MAX_CUSTOM_ID_CHARS: usize = 255;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Product {
    pub id: String,
    pub object: String,
    pub active: bool,
    pub created: Timestamp,
    pub default_price: Option<String>,
    pub description: Option<String>,
    pub images: Vec<String>,
    pub livemode: bool,
    pub marketing_features: Vec<MarketingFeature>,
    pub metadata: Metadata,
    pub name: String,
    pub package_dimensions: Option<PackageDimensions>,
    pub shippable: Option<bool>,
    pub statement_descriptor: Option<String>,
    pub tax_code: Option<String>,
    #[serde(rename = "type")]
    pub kind: ProductType,
    pub unit_label: Option<String>,
    pub updated: Timestamp,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketingFeature {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageDimensions {
    pub height: f64,
    pub length: f64,
    pub weight: f64,
    pub width: f64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductType {
    Good,
    #[default]
    Service,
}

/// `POST /v1/products`. `default_price_data` is turned into a price by the caller (see
/// [`super::price::PriceData`]), which then sets [`Product::default_price`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductCreate {
    pub active: Option<bool>,
    pub default_price_data: Option<super::price::PriceData>,
    pub description: Option<String>,
    pub id: Option<String>,
    pub images: Option<Vec<String>>,
    pub marketing_features: Option<Vec<MarketingFeature>>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    pub name: String,
    pub package_dimensions: Option<PackageDimensions>,
    pub shippable: Option<bool>,
    pub statement_descriptor: Option<String>,
    pub tax_code: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<ProductType>,
    pub unit_label: Option<String>,
    pub url: Option<String>,
}

/// `POST /v1/products/{id}`. A new `default_price` is checked against the store by the caller.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductUpdate {
    pub active: Option<bool>,
    pub default_price: Option<String>,
    #[serde(default)]
    pub description: Patch<String>,
    #[serde(default)]
    pub images: Patch<Vec<String>>,
    #[serde(default)]
    pub marketing_features: Patch<Vec<MarketingFeature>>,
    #[serde(default)]
    pub metadata: Patch<Metadata>,
    pub name: Option<String>,
    #[serde(default)]
    pub package_dimensions: Patch<PackageDimensions>,
    pub shippable: Option<bool>,
    pub statement_descriptor: Option<String>,
    #[serde(default)]
    pub tax_code: Patch<String>,
    #[serde(default)]
    pub unit_label: Patch<String>,
    #[serde(default)]
    pub url: Patch<String>,
}

impl Object for Product {
    const KIND: &'static str = "product";
    const PREFIX: &'static str = "prod";

    fn id(&self) -> &str {
        &self.id
    }
    fn created(&self) -> Timestamp {
        self.created
    }
}

impl Product {
    /// Builds a new product. `default_price_data` must have been taken out of `params` first.
    pub fn create(params: ProductCreate, livemode: bool, now: Timestamp) -> Result<Self, ParamError> {
        let id = match params.id {
            Some(id) => validate_custom_id("id", id)?,
            None => ids::new_id(Self::PREFIX),
        };
        let mut product = Product {
            id,
            object: Self::KIND.into(),
            active: params.active.unwrap_or(true),
            created: now,
            default_price: None,
            description: params.description,
            images: validate_images(params.images.unwrap_or_default())?,
            livemode,
            marketing_features: validate_features(params.marketing_features.unwrap_or_default())?,
            metadata: Metadata::new(),
            name: validate_name(params.name)?,
            package_dimensions: params.package_dimensions.map(validate_dimensions).transpose()?,
            shippable: params.shippable,
            statement_descriptor: params.statement_descriptor.map(validate_statement_descriptor).transpose()?,
            tax_code: params.tax_code,
            kind: params.kind.unwrap_or_default(),
            unit_label: params.unit_label.map(validate_unit_label).transpose()?,
            updated: now,
            url: params.url,
        };
        metadata::apply(&mut product.metadata, params.metadata)?;
        Ok(product)
    }

    /// Applies an update in place and stamps `updated`, or leaves the product untouched and explains the first
    /// bad parameter. `default_price` must already have been checked to be an active price of this product.
    pub fn update(&mut self, params: ProductUpdate, now: Timestamp) -> Result<(), ParamError> {
        let mut next = self.clone();
        if let Some(active) = params.active {
            next.active = active;
        }
        if let Some(price) = params.default_price {
            next.default_price = Some(price);
        }
        params.description.apply_to(&mut next.description);
        match params.images {
            Patch::Absent => {}
            Patch::Clear => next.images.clear(),
            Patch::Set(images) => next.images = validate_images(images)?,
        }
        match params.marketing_features {
            Patch::Absent => {}
            Patch::Clear => next.marketing_features.clear(),
            Patch::Set(features) => next.marketing_features = validate_features(features)?,
        }
        metadata::apply(&mut next.metadata, params.metadata)?;
        if let Some(name) = params.name {
            next.name = validate_name(name)?;
        }
        match params.package_dimensions {
            Patch::Set(dimensions) => next.package_dimensions = Some(validate_dimensions(dimensions)?),
            other => other.apply_to(&mut next.package_dimensions),
        }
        if let Some(shippable) = params.shippable {
            next.shippable = Some(shippable);
        }
        if let Some(descriptor) = params.statement_descriptor {
            next.statement_descriptor = Some(validate_statement_descriptor(descriptor)?);
        }
        params.tax_code.apply_to(&mut next.tax_code);
        match params.unit_label {
            Patch::Set(label) => next.unit_label = Some(validate_unit_label(label)?),
            other => other.apply_to(&mut next.unit_label),
        }
        params.url.apply_to(&mut next.url);
        next.updated = now;
        *self = next;
        Ok(())
    }
}

/// Caller-chosen ids (products, coupons) end up in URL paths, so they must be non-empty and path-safe.
pub(crate) fn validate_custom_id(param: &str, id: String) -> Result<String, ParamError> {
    if id.is_empty() {
        return Err(empty_value(param));
    }
    if id.chars().count() > MAX_CUSTOM_ID_CHARS
        || id.chars().any(|c| c.is_whitespace() || matches!(c, '/' | '?' | '#' | '%'))
    {
        return Err(ParamError::invalid(
            param,
            format!(
                "Invalid {param}: ids may have up to {MAX_CUSTOM_ID_CHARS} characters and no spaces, '/', '?', '#' or '%'."
            ),
        ));
    }
    Ok(id)
}

/// Stripe's answer to a string longer than its field allows.
pub(crate) fn too_long(param: &str, max: usize) -> ParamError {
    ParamError::new(
        ParamCode::StringLengthExceeded,
        param,
        format!("Invalid {param}: must be at most {max} characters"),
    )
}

fn validate_name(name: String) -> Result<String, ParamError> {
    if name.is_empty() { Err(empty_value("name")) } else { Ok(name) }
}

fn validate_images(images: Vec<String>) -> Result<Vec<String>, ParamError> {
    if images.len() > MAX_IMAGES {
        return Err(ParamError::invalid("images", format!("You can specify at most {MAX_IMAGES} images.")));
    }
    for (index, image) in images.iter().enumerate() {
        if image.chars().count() > 2048 {
            return Err(too_long(&format!("images[{index}]"), 2048));
        }
    }
    Ok(images)
}

fn validate_features(features: Vec<MarketingFeature>) -> Result<Vec<MarketingFeature>, ParamError> {
    if features.len() > MAX_FEATURES {
        return Err(ParamError::invalid(
            "marketing_features",
            format!("You can specify at most {MAX_FEATURES} marketing features."),
        ));
    }
    for (index, feature) in features.iter().enumerate() {
        let param = format!("marketing_features[{index}][name]");
        if feature.name.is_empty() {
            return Err(empty_value(&param));
        }
        if feature.name.chars().count() > MAX_FEATURE_NAME_CHARS {
            return Err(too_long(&param, MAX_FEATURE_NAME_CHARS));
        }
    }
    Ok(features)
}

fn validate_dimensions(dimensions: PackageDimensions) -> Result<PackageDimensions, ParamError> {
    let PackageDimensions { height, length, weight, width } = dimensions;
    for (name, value) in [("height", height), ("length", length), ("weight", weight), ("width", width)] {
        if value < 0.0 {
            return Err(ParamError::invalid(
                &format!("package_dimensions[{name}]"),
                format!("This value must be greater than or equal to 0 (it currently is '{value:?}')."),
            ));
        }
    }
    Ok(dimensions)
}

/// Card statements show at most 22 characters, and Stripe refuses the characters `<`, `>`, `\`, `'` and `"`.
fn validate_statement_descriptor(descriptor: String) -> Result<String, ParamError> {
    let param = "statement_descriptor";
    if descriptor.chars().count() > MAX_STATEMENT_DESCRIPTOR_CHARS {
        return Err(too_long(param, MAX_STATEMENT_DESCRIPTOR_CHARS));
    }
    if descriptor.chars().any(|c| matches!(c, '<' | '>' | '\\' | '\'' | '"' | '*')) {
        return Err(ParamError::invalid(
            param,
            "The statement descriptor cannot contain any of the special characters <, >, \\, ', \" or *.",
        ));
    }
    if !descriptor.is_empty() && !descriptor.chars().any(char::is_alphabetic) {
        return Err(ParamError::invalid(param, "The statement descriptor must contain at least one letter."));
    }
    Ok(descriptor)
}

fn validate_unit_label(label: String) -> Result<String, ParamError> {
    if label.chars().count() > MAX_UNIT_LABEL_CHARS {
        Err(too_long("unit_label", MAX_UNIT_LABEL_CHARS))
    } else {
        Ok(label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str) -> ProductCreate {
        ProductCreate { name: name.into(), ..Default::default() }
    }

    #[test]
    fn new_products_are_active_services_with_created_equal_to_updated() {
        let product = Product::create(named("T-shirt"), false, 1_700_000_000).unwrap();
        assert!(product.id.starts_with("prod_"));
        assert!(product.active);
        assert_eq!(product.kind, ProductType::Service);
        assert_eq!(product.created, product.updated);
        let json = serde_json::to_value(&product).unwrap();
        assert_eq!(json["type"], "service");
        assert!(json["default_price"].is_null());
        assert_eq!(json["images"], serde_json::json!([]));
    }

    #[test]
    fn an_empty_name_is_refused_as_an_empty_parameter() {
        let err = Product::create(named(""), false, 0).unwrap_err();
        assert_eq!(err.code, ParamCode::ParameterInvalidEmpty);
        assert_eq!(err.param.as_deref(), Some("name"));
    }

    #[test]
    fn custom_ids_must_be_path_safe() {
        assert!(validate_custom_id("id", "gold-plan_2".into()).is_ok());
        assert!(validate_custom_id("id", "a/b".into()).is_err());
        assert!(validate_custom_id("id", "has space".into()).is_err());
        assert_eq!(validate_custom_id("id", String::new()).unwrap_err().code, ParamCode::ParameterInvalidEmpty);
    }

    #[test]
    fn updates_stamp_updated_and_a_bad_field_changes_nothing() {
        let mut product = Product::create(named("Old"), false, 100).unwrap();
        product.update(ProductUpdate { name: Some("New".into()), ..Default::default() }, 200).unwrap();
        assert_eq!((product.name.as_str(), product.updated), ("New", 200));
        let err = product
            .update(
                ProductUpdate {
                    name: Some("Newer".into()),
                    statement_descriptor: Some("x".repeat(23)),
                    ..Default::default()
                },
                300,
            )
            .unwrap_err();
        assert_eq!(err.param.as_deref(), Some("statement_descriptor"));
        assert_eq!((product.name.as_str(), product.updated), ("New", 200));
    }

    #[test]
    fn more_than_eight_images_or_fifteen_features_are_refused() {
        let images = Some(vec!["https://example.com/a.png".to_owned(); 9]);
        assert_eq!(
            Product::create(ProductCreate { images, ..named("P") }, false, 0).unwrap_err().param.as_deref(),
            Some("images")
        );
        let features = Some(vec![MarketingFeature { name: "f".into() }; 16]);
        assert!(Product::create(ProductCreate { marketing_features: features, ..named("P") }, false, 0).is_err());
    }
}
