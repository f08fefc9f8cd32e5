//! Typed operations over the document store: what handlers call.

use async_trait::async_trait;
use portico_core::Scope;
use portico_core::objects::Object;

use crate::{JsonRow, ListQuery, Result, StoreError, Tx};

/// The object's row; serialized straight to text, which costs a fraction of building a `Value` first.
pub fn row<T: Object>(object: &T) -> Result<JsonRow> {
    Ok(JsonRow {
        kind: T::KIND,
        id: object.id().to_owned(),
        customer: object.customer().map(str::to_owned),
        created: object.created(),
        clock: object.queue().map(str::to_owned),
        due_at: object.due_at(),
        json: serde_json::to_string(object)?,
    })
}

#[async_trait]
pub trait TxExt: Tx {
    async fn load<T: Object>(&mut self, scope: &Scope, id: &str) -> Result<Option<T>> {
        match self.get_json(scope, T::KIND, id).await? {
            Some(json) => Ok(Some(serde_json::from_str(&json)?)),
            None => Ok(None),
        }
    }

    /// The latest committed version, without opening the transaction ([`Tx::get_json_committed`]).
    async fn load_committed<T: Object>(&mut self, scope: &Scope, id: &str) -> Result<Option<T>> {
        match self.get_json_committed(scope, T::KIND, id).await? {
            Some(json) => Ok(Some(serde_json::from_str(&json)?)),
            None => Ok(None),
        }
    }

    /// Loads for a read-modify-write: the row stays locked until the transaction ends.
    async fn load_for_update<T: Object>(&mut self, scope: &Scope, id: &str) -> Result<Option<T>> {
        match self.get_json_for_update(scope, T::KIND, id).await? {
            Some(json) => Ok(Some(serde_json::from_str(&json)?)),
            None => Ok(None),
        }
    }

    async fn create<T: Object>(&mut self, scope: &Scope, object: &T) -> Result<()> {
        let row = row(object)?;
        self.insert_json(scope, row).await
    }

    async fn save<T: Object>(&mut self, scope: &Scope, object: &T) -> Result<()> {
        let row = row(object)?;
        self.update_json(scope, row).await
    }

    async fn remove<T: Object>(&mut self, scope: &Scope, object: &T) -> Result<()> {
        if self.delete(scope, T::KIND, object.id()).await? { Ok(()) } else { Err(StoreError::NotFound) }
    }

    async fn list_typed<T: Object>(&mut self, scope: &Scope, query: &ListQuery) -> Result<(Vec<T>, bool)> {
        let page = self.list(scope, T::KIND, query).await?;
        let items = page.data.into_iter().map(serde_json::from_value).collect::<Result<Vec<T>, _>>()?;
        Ok((items, page.has_more))
    }
}

impl<X: Tx + ?Sized> TxExt for X {}
