//! Migrations are compiled into the binary (sqlx's `migrate!` macro would pull in its macro stack).

use std::borrow::Cow;

use sqlx::AssertSqlSafe;
use sqlx::SqlSafeStr as _;
use sqlx::migrate::{Migration, MigrationType, Migrator};

/// `(version, description, sql)` for each migration of one backend, oldest first.
pub(crate) type Files = &'static [(i64, &'static str, &'static str)];

pub(crate) fn migrator(files: Files) -> Migrator {
    let migrations = files
        .iter()
        .map(|(version, description, sql)| {
            Migration::new(
                *version,
                Cow::Borrowed(*description),
                MigrationType::Simple,
                AssertSqlSafe(*sql).into_sql_str(),
                false,
            )
        })
        .collect::<Vec<_>>();
    Migrator { migrations: Cow::Owned(migrations), ..Migrator::DEFAULT }
}
