//! Which SQLite table holds a kind's rows (`migrations/sqlite/0002_tables_per_kind.sql` says why there are
//! several). Every table has the same columns, so every statement differs only in the table it names.
//! PostgreSQL keeps one table: its heap does not keep rows in key order, so separate tables would cluster nothing.

use portico_core::objects::{Event, Invoice, Object, Subscription};

/// Everything without a table of its own.
const OTHER: &str = "other_objects";

/// The tables that can hold due rows, in the order the due queue takes rows due at the same second (within a
/// table, in `seq` order): subscriptions, then schedules, clocks and webhook deliveries, then invoices.
pub(super) const WITH_DUE: [&str; 3] = ["subscriptions", OTHER, "invoices"];

pub(super) fn of(kind: &str) -> &'static str {
    match kind {
        Subscription::KIND => "subscriptions",
        Invoice::KIND => "invoices",
        Event::KIND => "events",
        _ => OTHER,
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use portico_core::Scope;
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::{ConnectOptions as _, Connection as _};

    use super::super::scratch::Scratch;
    use super::super::{MIGRATIONS, SqliteStore};
    use crate::Store;

    #[tokio::test]
    async fn migrating_a_file_with_one_table_moves_each_kinds_rows_to_its_own() {
        let file = Scratch::new("tables-per-kind");
        let mut conn = SqliteConnectOptions::from_str(&file.url()).unwrap().connect().await.unwrap();
        crate::migrations::migrator(&MIGRATIONS[..1]).run_direct(None, &mut conn, false).await.unwrap();
        let rows = [("customer", "cus_1", None), ("subscription", "sub_1", Some(300)), ("invoice", "in_1", Some(200))];
        for (seq, (kind, id, due_at)) in rows.into_iter().chain([("event", "evt_1", None)]).enumerate() {
            sqlx::query(
                "INSERT INTO objects (seq, account, livemode, kind, id, created, clock, due_at, data) \
                 VALUES (?, 'acct_1', 0, ?, ?, 100, 'clock_1', ?, ?)",
            )
            .bind(seq as i64 + 1)
            .bind(kind)
            .bind(id)
            .bind(due_at)
            .bind(format!(r#"{{"id":"{id}"}}"#))
            .execute(&mut conn)
            .await
            .unwrap();
        }
        conn.close().await.unwrap();

        let store = SqliteStore::connect(&file.url()).await.unwrap();
        store.migrate().await.unwrap();
        let scope = Scope { account: "acct_1".into(), livemode: false };
        let mut tx = store.begin_read().await.unwrap();
        for (kind, id) in [("customer", "cus_1"), ("subscription", "sub_1"), ("invoice", "in_1"), ("event", "evt_1")] {
            let found = tx.get_json(&scope, kind, id).await.unwrap();
            assert_eq!(found.as_deref(), Some(format!(r#"{{"id":"{id}"}}"#).as_str()), "{kind} {id}");
        }
        let due = tx.due(Some("clock_1"), 1_000, 10).await.unwrap();
        let due: Vec<(&str, i64)> = due.iter().map(|due| (due.id.as_str(), due.due_at)).collect();
        assert_eq!(due, [("in_1", 200), ("sub_1", 300)]);
        drop(tx);

        let conn = file.open();
        let placed = |sql: &str| -> Vec<(String, i64)> {
            let mut statement = conn.prepare(sql).unwrap();
            statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?))).unwrap().map(Result::unwrap).collect()
        };
        let expected =
            |rows: &[(&str, i64)]| rows.iter().map(|(kind, seq)| (kind.to_string(), *seq)).collect::<Vec<_>>();
        assert_eq!(placed("SELECT kind, seq FROM other_objects"), expected(&[("customer", 1)]));
        assert_eq!(placed("SELECT kind, seq FROM subscriptions"), expected(&[("subscription", 2)]));
        assert_eq!(placed("SELECT kind, seq FROM invoices"), expected(&[("invoice", 3)]));
        assert_eq!(placed("SELECT kind, seq FROM events"), expected(&[("event", 4)]));
        let all = expected(&[("customer", 1), ("event", 4), ("invoice", 3), ("subscription", 2)]);
        assert_eq!(placed("SELECT kind, seq FROM objects ORDER BY kind"), all, "the view shows every document");
    }
}
