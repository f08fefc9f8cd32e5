//! One conformance suite for every `Store` operation, run against SQLite and PostgreSQL alike.

use portico_core::Scope;
use portico_core::search::{Scalar, SearchClause, SearchExpr, SearchOp};
use portico_store::{Claim, Created, FieldFilter, KeyOwner, ListQuery, Row, StoreError};
use portico_testkit::{Backend, TestDatabase, database};
use serde_json::json;

fn scope(account: &str) -> Scope {
    Scope { account: account.into(), livemode: false }
}

fn row(id: &str, created: i64, data: serde_json::Value) -> Row {
    Row {
        kind: "thing",
        id: id.into(),
        customer: data["customer"].as_str().map(str::to_owned),
        created,
        clock: None,
        due_at: None,
        data,
    }
}

fn ids(page: &portico_store::Page) -> Vec<&str> {
    page.data.iter().map(|d| d["id"].as_str().unwrap()).collect()
}

async fn seed(db: &TestDatabase) {
    let mut tx = db.store.begin_write().await.unwrap();
    let a = scope("acct_a");
    for (i, (email, active, amount)) in
        [("x@e.com", true, 5), ("y@e.com", false, 10), ("x@e.com", true, 15), ("z@e.com", true, 20)]
            .into_iter()
            .enumerate()
    {
        let id = format!("t{i}");
        let data = json!({"id": id, "email": email, "active": active, "amount": amount, "customer": if i % 2 == 0 { "cus_1" } else { "cus_2" }, "metadata": {"k": format!("v{i}")}, "name": format!("Name Number{i}")});
        tx.insert(&a, row(&id, 100 + (i as i64 / 2), data)).await.unwrap();
    }
    tx.insert(&scope("acct_b"), row("t9", 100, json!({"id": "t9", "email": "x@e.com"}))).await.unwrap();
    tx.commit().await.unwrap();
}

async fn insert_get_update_delete_respect_scope(db: TestDatabase) {
    seed(&db).await;
    let a = scope("acct_a");
    let mut tx = db.store.begin_write().await.unwrap();
    assert_eq!(tx.get(&a, "thing", "t0").await.unwrap().unwrap()["email"], "x@e.com");
    assert!(tx.get(&scope("acct_b"), "thing", "t0").await.unwrap().is_none(), "no crossing between accounts");
    assert!(
        tx.get(&Scope { account: "acct_a".into(), livemode: true }, "thing", "t0").await.unwrap().is_none(),
        "nor between modes"
    );
    assert!(tx.get(&a, "other_kind", "t0").await.unwrap().is_none());
    tx.update(&a, row("t0", 100, json!({"id": "t0", "email": "new@e.com"}))).await.unwrap();
    assert!(matches!(tx.update(&scope("acct_b"), row("t0", 100, json!({}))).await, Err(StoreError::NotFound)));
    assert_eq!(tx.get_for_update(&a, "thing", "t0").await.unwrap().unwrap()["email"], "new@e.com");
    assert!(tx.delete(&a, "thing", "t1").await.unwrap());
    assert!(!tx.delete(&a, "thing", "t1").await.unwrap());
    tx.commit().await.unwrap();

    // A duplicate id fails with Conflict, at the latest when the transaction commits, and nothing of the
    // transaction is kept.
    let mut tx = db.store.begin_write().await.unwrap();
    tx.insert(&a, row("fresh", 1, json!({"id": "fresh"}))).await.unwrap();
    let duplicate = match tx.insert(&a, row("t0", 1, json!({"id": "t0"}))).await {
        Err(error) => Err(error),
        Ok(()) => tx.commit().await,
    };
    assert!(matches!(duplicate, Err(StoreError::Conflict)), "{duplicate:?}");
    let mut tx = db.store.begin_read().await.unwrap();
    assert!(tx.get(&a, "thing", "fresh").await.unwrap().is_none());
    drop(tx);

    // Dropping a transaction without commit rolls it back.
    let mut tx = db.store.begin_write().await.unwrap();
    tx.delete(&a, "thing", "t2").await.unwrap();
    drop(tx);
    let mut tx = db.store.begin_read().await.unwrap();
    assert!(tx.get(&a, "thing", "t2").await.unwrap().is_some());
}

async fn lists_are_newest_first_with_cursors_and_filters(db: TestDatabase) {
    seed(&db).await;
    let a = scope("acct_a");
    let mut tx = db.store.begin_read().await.unwrap();
    let all = tx.list(&a, "thing", &ListQuery { limit: 10, ..Default::default() }).await.unwrap();
    assert_eq!(ids(&all), ["t3", "t2", "t1", "t0"], "created desc, then insertion order desc");
    let first = tx.list(&a, "thing", &ListQuery { limit: 2, ..Default::default() }).await.unwrap();
    assert!(first.has_more);
    let next = tx
        .list(&a, "thing", &ListQuery { limit: 2, starting_after: Some("t2".into()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(ids(&next), ["t1", "t0"]);
    assert!(!next.has_more);
    let back = tx
        .list(&a, "thing", &ListQuery { limit: 1, ending_before: Some("t1".into()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(ids(&back), ["t2"]);
    assert!(back.has_more);
    let missing = tx.list(&a, "thing", &ListQuery { starting_after: Some("nope".into()), ..Default::default() }).await;
    assert!(matches!(missing, Err(StoreError::CursorNotFound(_))));

    let by = |filters: Vec<FieldFilter>| ListQuery { filters, ..Default::default() };
    assert_eq!(
        ids(&tx.list(&a, "thing", &by(vec![FieldFilter::eq("email", Scalar::Str("x@e.com".into()))])).await.unwrap()),
        ["t2", "t0"]
    );
    assert_eq!(
        ids(&tx.list(&a, "thing", &by(vec![FieldFilter::eq("active", Scalar::Bool(false))])).await.unwrap()),
        ["t1"]
    );
    assert_eq!(
        ids(&tx.list(&a, "thing", &by(vec![FieldFilter::eq("amount", Scalar::Int(20))])).await.unwrap()),
        ["t3"]
    );
    assert_eq!(
        ids(&tx.list(&a, "thing", &by(vec![FieldFilter::eq("metadata.k", Scalar::Str("v1".into()))])).await.unwrap()),
        ["t1"]
    );
    assert_eq!(ids(&tx.list(&a, "thing", &by(vec![FieldFilter::eq("missing", Scalar::Null)])).await.unwrap()).len(), 4);
    assert_eq!(
        ids(&tx.list(&a, "thing", &by(vec![FieldFilter::one_of("id", vec!["t0".into(), "t3".into()])])).await.unwrap()),
        ["t3", "t0"]
    );
    let customer = ListQuery { customer: Some("cus_2".into()), ..Default::default() };
    assert_eq!(ids(&tx.list(&a, "thing", &customer).await.unwrap()), ["t3", "t1"]);
    let created = ListQuery { created: Created { gte: Some(101), ..Default::default() }, ..Default::default() };
    assert_eq!(ids(&tx.list(&a, "thing", &created).await.unwrap()), ["t3", "t2"]);
    let created = ListQuery { created: Created { lt: Some(101), ..Default::default() }, ..Default::default() };
    assert_eq!(ids(&tx.list(&a, "thing", &created).await.unwrap()), ["t1", "t0"]);
}

async fn search_runs_the_query_language(db: TestDatabase) {
    seed(&db).await;
    let a = scope("acct_a");
    let clause = |path: &[&str], op, value| SearchClause {
        path: path.iter().map(|s| s.to_string()).collect(),
        op,
        value,
        negated: false,
    };
    let mut tx = db.store.begin_read().await.unwrap();
    let run = |expr: SearchExpr| expr;
    let eq =
        run(SearchExpr { clauses: vec![clause(&["email"], SearchOp::Eq, Scalar::Str("x@e.com".into()))], any: false });
    assert_eq!(ids(&tx.search(&a, "thing", &eq, 10, None).await.unwrap()), ["t2", "t0"]);
    let range = SearchExpr {
        clauses: vec![
            clause(&["amount"], SearchOp::Gt, Scalar::Int(10)),
            clause(&["amount"], SearchOp::Lte, Scalar::Int(20)),
        ],
        any: false,
    };
    assert_eq!(ids(&tx.search(&a, "thing", &range, 10, None).await.unwrap()), ["t3", "t2"]);
    let contains =
        SearchExpr { clauses: vec![clause(&["name"], SearchOp::Contains, Scalar::Str("NUMBER3".into()))], any: false };
    assert_eq!(
        ids(&tx.search(&a, "thing", &contains, 10, None).await.unwrap()),
        ["t3"],
        "substring match ignores case"
    );
    let either = SearchExpr {
        clauses: vec![
            clause(&["metadata", "k"], SearchOp::Eq, Scalar::Str("v0".into())),
            clause(&["email"], SearchOp::Eq, Scalar::Str("z@e.com".into())),
        ],
        any: true,
    };
    assert_eq!(ids(&tx.search(&a, "thing", &either, 10, None).await.unwrap()), ["t3", "t0"]);
    let mut not_x = clause(&["email"], SearchOp::Eq, Scalar::Str("x@e.com".into()));
    not_x.negated = true;
    let negated = SearchExpr { clauses: vec![not_x], any: false };
    assert_eq!(ids(&tx.search(&a, "thing", &negated, 10, None).await.unwrap()), ["t3", "t1"]);
    let paged = tx.search(&a, "thing", &SearchExpr { clauses: vec![], any: false }, 2, Some("t2")).await.unwrap();
    assert_eq!(ids(&paged), ["t1", "t0"]);
}

/// A key is new or unchecked (PostgreSQL's write transactions do not look it up): either way the request runs.
fn runs(claim: &Claim) -> bool {
    matches!(claim, Claim::New | Claim::Unchecked)
}

async fn idempotency_keys_are_claimed_once_and_remember_the_answer(db: TestDatabase) {
    let a = scope("acct_a");
    let mut tx = db.store.begin_write().await.unwrap();
    assert!(runs(&tx.claim_idempotency_key(&a, "k", "fp", 1000).await.unwrap()));
    tx.finish_idempotency_key(&a, "k", 200, "{\"id\":1}").await.unwrap();
    tx.commit().await.unwrap();

    let done = Claim::Done { fingerprint: "fp".into(), status: 200, body: "{\"id\":1}".into() };
    let mut tx = db.store.begin_read().await.unwrap();
    assert_eq!(tx.claim_idempotency_key(&a, "k", "other", 1001).await.unwrap(), done, "read-only: looked up");
    drop(tx);
    // A write transaction finds the key, or fails at its commit without writing anything.
    let mut tx = db.store.begin_write().await.unwrap();
    match tx.claim_idempotency_key(&a, "k", "other", 1001).await.unwrap() {
        Claim::Done { .. } => {}
        Claim::Unchecked => {
            tx.insert(&a, row("by_reused_key", 1001, json!({"id": "by_reused_key"}))).await.unwrap();
            tx.finish_idempotency_key(&a, "k", 200, "{}").await.unwrap();
            assert!(matches!(tx.commit().await, Err(StoreError::Conflict)));
            let mut tx = db.store.begin_read().await.unwrap();
            assert_eq!(tx.get(&a, "thing", "by_reused_key").await.unwrap(), None, "undone with the key's insert");
            assert_eq!(tx.claim_idempotency_key(&a, "k", "fp", 1001).await.unwrap(), done, "the first answer stays");
        }
        Claim::New => panic!("a used key claimed as new"),
    }

    let mut tx = db.store.begin_read().await.unwrap();
    assert_eq!(tx.claim_idempotency_key(&scope("acct_b"), "k", "fp", 1001).await.unwrap(), Claim::New, "per account");
    drop(tx);
    let mut tx = db.store.begin_write().await.unwrap();
    assert_eq!(tx.prune_idempotency_keys(1001).await.unwrap(), 1);
    tx.commit().await.unwrap();
    let mut tx = db.store.begin_read().await.unwrap();
    assert_eq!(tx.claim_idempotency_key(&a, "k", "fp", 1002).await.unwrap(), Claim::New, "a pruned key is new again");
}

async fn api_keys_and_settings_are_remembered(db: TestDatabase) {
    let mut tx = db.store.begin_write().await.unwrap();
    assert_eq!(tx.setting("platform_account").await.unwrap(), None);
    tx.set_setting("platform_account", "acct_old").await.unwrap();
    tx.set_setting("platform_account", "acct_p").await.unwrap();
    let owner = KeyOwner { account: "acct_p".into(), livemode: false };
    tx.put_api_key("hash", &owner, 1).await.unwrap();
    tx.put_api_key("hash", &owner, 2).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.store.begin_read().await.unwrap();
    assert_eq!(tx.setting("platform_account").await.unwrap().as_deref(), Some("acct_p"));
    assert_eq!(tx.key_owner("hash").await.unwrap(), Some(owner));
    assert_eq!(tx.key_owner("other").await.unwrap(), None);
}

async fn concurrent_write_only_transactions_fail_or_succeed_alone(db: TestDatabase) {
    seed(&db).await;
    let a = scope("acct_a");
    let mut tasks = Vec::new();
    for i in 0..24 {
        let (store, a) = (db.store.clone(), a.clone());
        tasks.push(tokio::spawn(async move {
            // Every seventh transaction reuses an existing id and must fail without taking others with it.
            let id = if i % 7 == 3 { "t0".to_owned() } else { format!("n{i}") };
            let mut tx = store.begin_write().await.unwrap();
            let event = Row {
                kind: "event",
                id: format!("evt_{i}"),
                customer: None,
                created: 200,
                clock: None,
                due_at: None,
                data: json!({"id": i}),
            };
            // Backends may report the conflict at the insert or at the commit.
            let outcome = match tx.insert(&a, event).await.and(tx.insert(&a, row(&id, 200, json!({"id": id}))).await) {
                Ok(()) => tx.commit().await,
                Err(error) => Err(error),
            };
            (i, outcome)
        }));
    }
    for task in tasks {
        let (i, outcome) = task.await.unwrap();
        if i % 7 == 3 {
            assert!(matches!(outcome, Err(StoreError::Conflict)), "transaction {i}: {outcome:?}");
        } else {
            assert!(outcome.is_ok(), "transaction {i}: {outcome:?}");
        }
    }
    let mut tx = db.store.begin_read().await.unwrap();
    let events = tx.list(&a, "event", &ListQuery { limit: 100, ..Default::default() }).await.unwrap();
    let mut kept: Vec<i64> = events.data.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    kept.sort();
    assert_eq!(kept, (0..24).filter(|i| i % 7 != 3).collect::<Vec<_>>(), "a failed transaction leaves no event behind");
}

/// Reads `doc` as committed, inserts `id` (after a locked read of `t1` when `locked_first`, so that the
/// transaction is open by then) and commits; returns the email it saw and the commit's outcome.
async fn rely_on(
    store: &dyn portico_store::Store,
    doc: &str,
    id: &str,
    locked_first: bool,
) -> (String, Result<(), StoreError>) {
    let a = scope("acct_a");
    let mut tx = store.begin_write().await.unwrap();
    let seen = tx.get_json_committed(&a, "thing", doc).await.unwrap();
    let seen: serde_json::Value = seen.map(|json| serde_json::from_str(&json).unwrap()).unwrap_or_default();
    if locked_first {
        tx.get_json_for_update(&a, "thing", "t1").await.unwrap();
    }
    tx.insert(&a, row(id, 300, json!({"id": id}))).await.unwrap();
    (seen["email"].as_str().unwrap_or("(none)").to_owned(), tx.commit().await)
}

/// A document read with `get_json_committed` may come from a node's copy (PostgreSQL keeps them); a
/// transaction must never commit having used a version that another node replaced (or a document's absence
/// that another node ended) before the commit: it fails with `Stale`, writing nothing, and running it again sees
/// the new version. A node's own writes replace its copies at once.
async fn committed_reads_are_current_when_their_transaction_commits(db: TestDatabase) {
    seed(&db).await;
    let a = scope("acct_a");
    let other_node = portico_store::connect(&db.url).await.unwrap();
    let mut stale = 0;
    let cases = [("t0", false, "x@e.com"), ("t0", true, "round0@e.com"), ("t_new", false, "(none)")];
    for (round, (doc, locked_first, before)) in cases.into_iter().enumerate() {
        let (seen, outcome) = rely_on(&*db.store, doc, &format!("before{round}"), locked_first).await;
        assert_eq!((seen.as_str(), outcome.is_ok()), (before, true), "round {round}: {outcome:?}");

        // Another node changes (or makes) the document.
        let email = format!("round{round}@e.com");
        let mut tx = other_node.begin_write().await.unwrap();
        let changed = row(doc, 100, json!({"id": doc, "email": email}));
        if before == "(none)" { tx.insert(&a, changed).await } else { tx.update(&a, changed).await }.unwrap();
        tx.commit().await.unwrap();

        let id = format!("after{round}");
        let (seen, outcome) = rely_on(&*db.store, doc, &id, locked_first).await;
        if seen == email {
            assert!(outcome.is_ok(), "round {round}: {outcome:?}");
            continue;
        }
        assert!(matches!(outcome, Err(StoreError::Stale)), "round {round}: used {seen} yet: {outcome:?}");
        let mut tx = db.store.begin_read().await.unwrap();
        assert_eq!(tx.get(&a, "thing", &id).await.unwrap(), None, "a stale transaction writes nothing");
        drop(tx);
        stale += 1;
        let (seen, outcome) = rely_on(&*db.store, doc, &id, locked_first).await;
        assert_eq!((seen, outcome.is_ok()), (email, true), "round {round}: run again, it sees the new version");
    }
    if db.store.backend() == "postgres" {
        assert_eq!(stale, cases.len(), "PostgreSQL answers committed reads from the node's copies");
    }

    // A document this node writes itself is current in its next transaction at once.
    let mut tx = db.store.begin_write().await.unwrap();
    tx.update(&a, row("t0", 100, json!({"id": "t0", "email": "mine@e.com"}))).await.unwrap();
    tx.commit().await.unwrap();
    let (seen, outcome) = rely_on(&*db.store, "t0", "mine", false).await;
    assert_eq!((seen.as_str(), outcome.is_ok()), ("mine@e.com", true), "{outcome:?}");
}

/// Whatever kinds the due rows are (and whichever table holds them), the queue gives one clock's rows due by a
/// time, earliest first, and a write moves a row in or out of it.
async fn the_due_queue_takes_every_kind_in_time_order(db: TestDatabase) {
    let a = scope("acct_a");
    let due = |kind: &'static str, id: &str, clock: &str, due_at: Option<i64>| Row {
        kind,
        clock: Some(clock.into()),
        due_at,
        ..row(id, 100, json!({"id": id}))
    };
    let mut tx = db.store.begin_write().await.unwrap();
    for row in [
        due("subscription", "sub_1", "clock_1", Some(400)),
        due("invoice", "in_1", "clock_1", Some(200)),
        due("subscription_schedule", "sub_sched_1", "clock_1", Some(300)),
        due("invoice", "in_2", "clock_1", Some(900)),
        due("subscription", "sub_2", "clock_2", Some(100)),
        due("subscription", "sub_3", "clock_1", None),
        due("event", "evt_1", "clock_1", None),
    ] {
        tx.insert(&a, row).await.unwrap();
    }
    tx.commit().await.unwrap();

    let queue = |limit: u32| {
        let store = db.store.clone();
        async move {
            let mut tx = store.begin_read().await.unwrap();
            let due = tx.due(Some("clock_1"), 500, limit).await.unwrap();
            due.into_iter().map(|due| (due.kind, due.id, due.due_at)).collect::<Vec<_>>()
        }
    };
    let entry = |kind: &str, id: &str, at: i64| (kind.to_owned(), id.to_owned(), at);
    let all = vec![
        entry("invoice", "in_1", 200),
        entry("subscription_schedule", "sub_sched_1", 300),
        entry("subscription", "sub_1", 400),
    ];
    assert_eq!(queue(10).await, all);
    assert_eq!(queue(2).await, all[..2]);

    let mut tx = db.store.begin_write().await.unwrap();
    tx.update(&a, due("invoice", "in_1", "clock_1", None)).await.unwrap();
    tx.update(&a, due("subscription", "sub_3", "clock_1", Some(250))).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(queue(10).await, [entry("subscription", "sub_3", 250), all[1].clone(), all[2].clone()]);
}

macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            use super::*;
            $(#[tokio::test] async fn $case() { super::$case(database(Backend::Sqlite).await).await; })*
        }
        mod postgres {
            use super::*;
            $(#[tokio::test] async fn $case() { super::$case(database(Backend::Postgres).await).await; })*
        }
    };
}

conformance!(
    insert_get_update_delete_respect_scope,
    lists_are_newest_first_with_cursors_and_filters,
    search_runs_the_query_language,
    idempotency_keys_are_claimed_once_and_remember_the_answer,
    api_keys_and_settings_are_remembered,
    concurrent_write_only_transactions_fail_or_succeed_alone,
    committed_reads_are_current_when_their_transaction_commits,
    the_due_queue_takes_every_kind_in_time_order,
);
