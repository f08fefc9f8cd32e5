//! What a list or search asks of the store.

pub use portico_core::search::{Scalar, SearchClause, SearchExpr, SearchOp};
use serde_json::Value;

/// Stripe's `created[gt|gte|lt|lte]` range filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Created {
    pub gt: Option<i64>,
    pub gte: Option<i64>,
    pub lt: Option<i64>,
    pub lte: Option<i64>,
}

/// A filter on a document field: equal to one value, or to any of several (`ids[]`, `lookup_keys[]`).
#[derive(Debug, Clone, PartialEq)]
pub enum FieldFilter {
    Eq(Vec<String>, Scalar),
    In(Vec<String>, Vec<String>),
}

impl FieldFilter {
    /// `field == value` on a top-level or dotted path (`"recurring.interval"`).
    pub fn eq(path: &str, value: Scalar) -> Self {
        FieldFilter::Eq(path.split('.').map(str::to_owned).collect(), value)
    }

    pub fn one_of(path: &str, values: Vec<String>) -> Self {
        FieldFilter::In(path.split('.').map(str::to_owned).collect(), values)
    }
}

/// A page request with Stripe's cursor semantics: newest first; `starting_after` pages toward older objects,
/// `ending_before` toward newer ones.
#[derive(Debug, Clone, PartialEq)]
pub struct ListQuery {
    pub limit: u32,
    pub starting_after: Option<String>,
    pub ending_before: Option<String>,
    pub created: Created,
    pub customer: Option<String>,
    pub filters: Vec<FieldFilter>,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self {
            limit: 10,
            starting_after: None,
            ending_before: None,
            created: Created::default(),
            customer: None,
            filters: Vec::new(),
        }
    }
}

/// One page of documents, newest first.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub data: Vec<Value>,
    pub has_more: bool,
}
