//! PostgreSQL backend: documents as JSON, their filter fields in JSONB. Several Portico nodes may share one database; nothing here
//! keeps state outside it.

mod copies;
mod fields;
mod flush;
mod group;
mod search;
mod tx;

use std::str::FromStr;
use std::sync::Arc;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use crate::{Result, Store, Tx};
use tx::PostgresTx;

const MIGRATIONS: crate::migrations::Files = &[
    (1, "objects", include_str!("../../migrations/postgres/0001_objects.sql")),
    (2, "filter fields", include_str!("../../migrations/postgres/0002_filter_fields.sql")),
    (3, "due order", include_str!("../../migrations/postgres/0003_due_order.sql")),
    (
        4,
        "filter fields skip deliveries",
        include_str!("../../migrations/postgres/0004_filter_fields_skip_deliveries.sql"),
    ),
    (5, "filter fields plpgsql", include_str!("../../migrations/postgres/0005_filter_fields_plpgsql.sql")),
    (6, "json documents", include_str!("../../migrations/postgres/0006_json_documents.sql")),
];

pub struct PostgresStore {
    pool: PgPool,
    group: group::GroupCommitter,
    copies: Arc<copies::Copies>,
}

impl PostgresStore {
    pub async fn connect(url: &str) -> Result<Self> {
        let options = PgConnectOptions::from_str(url)?;
        // No ping before each acquire: it would add a round trip to every transaction.
        let pool = PgPoolOptions::new().max_connections(16).test_before_acquire(false).connect_with(options).await?;
        let group = group::GroupCommitter::start(pool.clone());
        Ok(Self { pool, group, copies: Arc::default() })
    }
}

#[async_trait]
impl Store for PostgresStore {
    async fn begin_write(&self) -> Result<Box<dyn Tx>> {
        Ok(Box::new(PostgresTx::new(self.pool.clone(), self.group.clone(), self.copies.clone(), true)))
    }

    async fn begin_read(&self) -> Result<Box<dyn Tx>> {
        Ok(Box::new(PostgresTx::new(self.pool.clone(), self.group.clone(), self.copies.clone(), false)))
    }

    async fn migrate(&self) -> Result<()> {
        crate::migrations::migrator(MIGRATIONS).run(&self.pool).await?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "postgres"
    }
}
