//! PostgreSQL backend: documents as JSON, their filter fields in JSONB. Several Portico nodes may share one
//! database; nothing here keeps state outside it.

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

#[cfg(test)]
mod tests {
    use portico_core::Scope;
    use sqlx::{Connection as _, PgConnection};

    use super::{MIGRATIONS, PostgresStore};
    use crate::{FieldFilter, ListQuery, Scalar, Store};

    /// A database of its own on the test server (`PORTICO_TEST_POSTGRES_URL`, as `scripts/test` sets it).
    async fn scratch_database() -> (String, String) {
        let admin = std::env::var("PORTICO_TEST_POSTGRES_URL")
            .expect("PORTICO_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts PostgreSQL");
        let name = format!(
            "portico_store_test_{}_{}",
            std::process::id(),
            portico_core::ids::random_upper_hex(16).to_lowercase()
        );
        let mut conn = PgConnection::connect(&admin).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.unwrap();
        let (base, _) = admin.rsplit_once('/').unwrap();
        (admin.clone(), format!("{base}/{name}"))
    }

    #[tokio::test]
    async fn migrating_jsonb_documents_keeps_them_and_their_filter_fields() {
        let (admin, url) = scratch_database().await;
        let mut conn = PgConnection::connect(&url).await.unwrap();
        crate::migrations::migrator(&MIGRATIONS[..5]).run_direct(None, &mut conn, false).await.unwrap();
        let rows = [
            ("customer", "cus_1", r#"{"id":"cus_1","email":"a@example.com","name":"A","currency":null}"#),
            ("customer", "cus_2", r#"{"id":"cus_2","email":"b@example.com","name":"B","currency":null}"#),
            ("price", "price_1", r#"{"id":"price_1","recurring":{"interval":"month","meter":null},"nickname":"n"}"#),
            ("event", "evt_1", r#"{"id":"evt_1","type":"customer.created"}"#),
        ];
        for (created, (kind, id, data)) in rows.iter().enumerate() {
            sqlx::query(
                "INSERT INTO objects (account, livemode, kind, id, created, data) \
                 VALUES ('acct_1', false, $1, $2, $3, $4::jsonb)",
            )
            .bind(kind)
            .bind(id)
            .bind(created as i64)
            .bind(data)
            .execute(&mut conn)
            .await
            .unwrap();
        }

        let store = PostgresStore::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        let fields: Vec<(String, Option<String>)> =
            sqlx::query_as("SELECT id, fields::text FROM objects ORDER BY id").fetch_all(&mut conn).await.unwrap();
        let expected = [
            ("cus_1", Some(r#"{"email": "a@example.com"}"#)),
            ("cus_2", Some(r#"{"email": "b@example.com"}"#)),
            ("evt_1", None),
            ("price_1", Some(r#"{"recurring": {"interval": "month"}}"#)),
        ];
        let expected: Vec<(String, Option<String>)> =
            expected.iter().map(|(id, fields)| (id.to_string(), fields.map(str::to_owned))).collect();
        assert_eq!(fields, expected);

        let scope = Scope { account: "acct_1".into(), livemode: false };
        let mut tx = store.begin_read().await.unwrap();
        let found = tx.get_json(&scope, "customer", "cus_1").await.unwrap().unwrap();
        let found: serde_json::Value = serde_json::from_str(&found).unwrap();
        assert_eq!(found["email"], "a@example.com");
        let ids = |page: crate::Page| -> Vec<String> {
            page.data.iter().map(|doc| doc["id"].as_str().unwrap().to_owned()).collect()
        };
        let filtered = |path: &[&str], value: &str| ListQuery {
            limit: 10,
            filters: vec![FieldFilter::Eq(path.iter().map(|p| p.to_string()).collect(), Scalar::Str(value.into()))],
            ..ListQuery::default()
        };
        let by_email = tx.list(&scope, "customer", &filtered(&["email"], "b@example.com")).await.unwrap();
        assert_eq!(ids(by_email), vec!["cus_2".to_owned()], "an indexed field");
        let by_interval = tx.list(&scope, "price", &filtered(&["recurring", "interval"], "month")).await;
        assert_eq!(ids(by_interval.unwrap()), vec!["price_1".to_owned()], "inside an indexed field");
        let by_name = tx.list(&scope, "customer", &filtered(&["name"], "A")).await.unwrap();
        assert_eq!(ids(by_name), vec!["cus_1".to_owned()], "a field outside the index");
        let by_type = tx.list(&scope, "event", &filtered(&["type"], "customer.created")).await.unwrap();
        assert_eq!(ids(by_type), vec!["evt_1".to_owned()], "a kind without filter fields");
        drop(tx);

        let no_primary_key: bool = sqlx::query_scalar(
            "SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'objects'::regclass AND contype = 'p')",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        assert!(no_primary_key);
        conn.close().await.unwrap();
        drop(store);
        let name = url.rsplit_once('/').unwrap().1;
        let mut admin = PgConnection::connect(&admin).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE {name} WITH (FORCE)")))
            .execute(&mut admin)
            .await
            .unwrap();
    }
}
